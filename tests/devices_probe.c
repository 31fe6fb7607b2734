/* Step 08's devices stage, on any machine, whatever its cgroup mode, so that
 * the suite grades both the v1 list and the v2 program. Linked with the
 * stage under test and lib/, with -Wl,--wrap for the two cgroup v1 calls.
 *
 * Usage: devices-probe v1 [--device SPEC]... [--privileged]
 *   runs the stage's prepare() and after_clone() as on a cgroup v1 machine,
 *   against no real cgroup: prints each write as "write FILE VALUE" (the
 *   cgroup is "byoc-test"; the child's PID is 4242).
 * Usage: devices-probe v2 [--device SPEC]... [--privileged] -- QUERY...
 *   runs prepare() as on a cgroup v2 machine, for real: the stage's program
 *   is loaded and attached to a scratch cgroup of a cgroup2 mount of the
 *   probe's own; a child in that cgroup then tries each QUERY, "c 1 3 r"
 *   (type c or b, major, minor, and r, w or m), and a line "c 1:3 r allowed"
 *   or "... refused" says what the kernel did. The cgroup is removed.
 * Exit status 0, or the stage's error status with its message on stderr. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "log.h"
#include "options.h"
#include "stages.h"

/* v1: the writes, as the test reads them. */
int __wrap_byoc_cgroup_v1_make(struct byoc_cgroup *cg, const char *controller, const char *id,
			       char *dir, size_t len, struct byoc_error *err);
int __wrap_byoc_cgroup_v1_make(struct byoc_cgroup *cg, const char *controller, const char *id,
			       char *dir, size_t len, struct byoc_error *err)
{
	(void)cg, (void)id, (void)err;
	printf("mkdir %s\n", controller);
	snprintf(dir, len, "byoc-test");
	return 0;
}
int __wrap_byoc_cgroup_write_path(const char *dir, const char *file, const char *value,
				  struct byoc_error *err);
int __wrap_byoc_cgroup_write_path(const char *dir, const char *file, const char *value,
				  struct byoc_error *err)
{
	(void)err;
	printf("write %s/%s %s\n", dir, file, value);
	return 0;
}

static int fail(const struct byoc_error *err)
{
	fprintf(stderr, "devices-probe: %s%s%s\n", err->stage[0] ? err->stage : "",
		err->stage[0] ? ": " : "", err->msg);
	return err->status ? err->status : 125;
}

static int die(const char *what)
{
	fprintf(stderr, "devices-probe: %s: %s\n", what, strerror(errno));
	return 125;
}

/* In the child, in the scratch cgroup: try each query. */
static void try_queries(char **q, int n)
{
	for (int i = 0; i + 3 < n; i += 4) {
		int blk = q[i][0] == 'b', major = atoi(q[i + 1]), minor = atoi(q[i + 2]);
		char access = q[i + 3][0], path[64];
		mode_t type = blk ? S_IFBLK : S_IFCHR;
		int ok;

		snprintf(path, sizeof(path), "/tmp/node-%d", i);
		if (access == 'm') {
			ok = mknod(path, type | 0600, makedev(major, minor)) == 0 || errno != EPERM;
		} else {
			/* Made outside the cgroup by the parent: only open() is asked. */
			int fd = open(path, (access == 'w' ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
			/* ENXIO and the like: allowed, but no such device. */
			ok = fd >= 0 || errno != EPERM;
			if (fd >= 0)
				close(fd);
		}
		printf("%c %d:%d %c %s\n", blk ? 'b' : 'c', major, minor, access,
		       ok ? "allowed" : "refused");
		fflush(stdout);
	}
}

static int probe_v2(struct byoc_container *c, char **q, int n)
{
	struct byoc_error err = { 0 };
	char dir[128], pid[16];
	int ready[2], status = 0;
	pid_t child;

	/* A mount namespace of its own: a tmpfs for the nodes, and a cgroup2
	 * mount (the machine's own v2 hierarchy, or on a v1 machine the empty
	 * one that the kernel always has). */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return die("unshare(CLONE_NEWNS)");
	if (mount("tmpfs", "/tmp", "tmpfs", 0, "size=64k") < 0 || mkdir("/tmp/cg", 0755) < 0 ||
	    mount("cgroup2", "/tmp/cg", "cgroup2", 0, NULL) < 0)
		return die("mount(cgroup2)");
	snprintf(dir, sizeof(dir), "/tmp/cg/byoc-devices-probe-%d", (int)getpid());
	if (mkdir(dir, 0755) < 0)
		return die(dir);
	c->cgroup.mode = BYOC_CGROUP_V2;
	snprintf(c->cgroup.dir[BYOC_CG_PIDS], sizeof(c->cgroup.dir[0]), "%s", dir);
	for (int i = 0; i + 3 < n; i += 4) {
		char path[64];
		snprintf(path, sizeof(path), "/tmp/node-%d", i);
		if (q[i + 3][0] != 'm' && mknod(path, (q[i][0] == 'b' ? S_IFBLK : S_IFCHR) | 0600,
						makedev(atoi(q[i + 1]), atoi(q[i + 2]))) < 0) {
			rmdir(dir);
			return die(path);
		}
	}
	if (byoc_stage_devices.prepare(c, &err) < 0) {
		if (byoc_stage_devices.cleanup)
			byoc_stage_devices.cleanup(c);
		rmdir(dir);
		return fail(&err);
	}
	if (pipe2(ready, O_CLOEXEC) < 0)
		return die("pipe2");
	child = fork();
	if (child == 0) {
		char go;
		close(ready[1]);
		if (read(ready[0], &go, 1) != 1)
			_exit(125);
		try_queries(q, n);
		_exit(0);
	}
	close(ready[0]);
	snprintf(pid, sizeof(pid), "%d", (int)child);
	char procs[200];
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	int fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
		kill(child, SIGKILL), status = die(procs);
	if (fd >= 0)
		close(fd);
	if (write(ready[1], "G", 1) != 1)
		status = die("write");
	close(ready[1]);
	waitpid(child, NULL, 0);
	if (byoc_stage_devices.cleanup)
		byoc_stage_devices.cleanup(c);
	for (int tries = 0; tries < 1000 && rmdir(dir) < 0 && errno == EBUSY; tries++)
		usleep(1000);
	return status;
}

int main(int argc, char **argv)
{
	static char *none[] = { NULL };
	struct byoc_error err = { 0 };
	struct byoc_options opts;
	struct byoc_container c;
	int sep = argc;

	if (argc < 2 || (strcmp(argv[1], "v1") && strcmp(argv[1], "v2"))) {
		fprintf(stderr, "usage: devices-probe v1|v2 [--device SPEC]... [-- QUERY...]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			sep = i;
			break;
		}
	if (getenv("BYOC_PROBE_VERBOSE"))
		byoc_log_enable(stderr);
	/* The options before "--", as the step's own binary takes them. */
	bool v2 = strcmp(argv[1], "v2") == 0;
	argv[1] = "devices-probe";
	if (byoc_options_parse(sep - 1, argv + 1, BYOC_OPT_DEVICE | BYOC_OPT_PRIVILEGED,
			       "08-devices-and-proc", "/", none, &opts, &err) < 0 ||
	    byoc_container_init(&c, &opts, &err) < 0)
		return fail(&err);
	if (v2)
		return probe_v2(&c, argv + sep + 1, argc - sep - 1);

	c.cgroup.mode = BYOC_CGROUP_V1;
	c.pid = 4242;
	int r = byoc_stage_devices.prepare(&c, &err);
	if (r == 0 && byoc_stage_devices.after_clone)
		r = byoc_stage_devices.after_clone(&c, &err);
	c.devices.v1_created = false; /* nothing real to remove */
	if (byoc_stage_devices.cleanup)
		byoc_stage_devices.cleanup(&c);
	return r < 0 ? fail(&err) : 0;
}
