/* The clean slate (slate.h): what a test changed on the machine, named and
 * undone; the rootfs on disk is slate_rootfs.c's. */
#define _GNU_SOURCE
#include "slate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "leaks.h"

void h_note(struct h_report *r, const char *fmt, ...)
{
	char *item, *joined;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&item, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (asprintf(&joined, "%s%s%s", r->text ? r->text : "", r->text ? "; " : "", item) < 0)
		abort();
	free(r->text);
	free(item);
	r->text = joined;
}

int h_run_quiet(const char *const *argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- cgroups: kill what is inside, then remove, deepest first ---- */

/* Whether `pid` is `ancestor` or one of its descendants, by the parent PIDs
 * in /proc/PID/stat (field 4, after the name in parentheses). */
static bool descends_from(pid_t pid, pid_t ancestor)
{
	for (int depth = 0; pid > 1 && depth < 64; depth++) {
		char path[64], buf[512], *end;
		int ppid = 0;
		FILE *f;
		if (pid == ancestor)
			return true;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (!(f = fopen(path, "re")))
			return false;
		end = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		if (!end || sscanf(end + 2, "%*c %d", &ppid) != 1)
			return false;
		pid = ppid;
	}
	return pid == ancestor;
}

/* Kill every process of the cgroup `dir` and wait until each has gone; a
 * pidfd becomes readable when its process exits (see pidfd_open(2)).
 * Returns how many there were, or -1 (killing none) if one of them is not
 * the runner's: then the cgroup belongs to another run on this machine. */
static int kill_cgroup_procs(const char *dir)
{
	char path[4200];
	int n = 0, pids[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (!(f = fopen(path, "re")))
		return 0;
	while (n < 1024 && fscanf(f, "%d", &pids[n]) == 1)
		if (pids[n] != getpid())
			n++;
	fclose(f);
	for (int i = 0; i < n; i++)
		if (!descends_from(pids[i], getpid()))
			return -1;
	for (int i = 0; i < n; i++) {
		int fd = (int)syscall(SYS_pidfd_open, pids[i], 0);
		kill(pids[i], SIGKILL);
		if (fd >= 0) {
			struct pollfd p = { fd, POLLIN, 0 };
			poll(&p, 1, 5000);
			close(fd);
		}
	}
	return n;
}

static int by_depth(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int dx = 0, dy = 0;

	for (; *x; x++)
		dx += *x == '/';
	for (; *y; y++)
		dy += *y == '/';
	return dy - dx;
}

static void remove_cgroups(struct h_report *r, char **paths, size_t n)
{
	qsort(paths, n, sizeof(*paths), by_depth);
	for (size_t i = 0; i < n; i++) {
		int killed = kill_cgroup_procs(paths[i]);
		if (killed < 0)
			continue; /* not this test's */
		/* A process that just exited may still hold the cgroup for a
		 * moment: one more round after its pidfd fired. */
		if (rmdir(paths[i]) < 0 && errno == EBUSY && kill_cgroup_procs(paths[i]) >= 0)
			rmdir(paths[i]);
		if (killed)
			h_note(r, "cgroup %s with %d process%s in it", paths[i], killed,
			       killed == 1 ? "" : "es");
		else
			h_note(r, "cgroup %s", paths[i]);
		if (access(paths[i], F_OK) == 0)
			h_note(r, "which could not be removed: rmdir(%s): %s", paths[i],
			       strerror(errno));
	}
}

/* mountinfo(5) writes a space in a path as \040. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		unsigned v;
		if (s[0] == '\\' && sscanf(s + 1, "%3o", &v) == 1 && strlen(s) >= 4) {
			*out++ = (char)v;
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static int longest_first(const void *a, const void *b)
{
	return (int)strlen(*(char *const *)b) - (int)strlen(*(char *const *)a);
}

/* Undo one kind of leftover, named by its snapshot line's first word. */
static void undo_line(struct h_report *r, char *line, char **mounts, size_t *n_mounts,
		      char **cgroups, size_t *n_cgroups)
{
	char *arg = strchr(line, ' ');
	long long key, id;

	if (!arg)
		return;
	*arg++ = '\0';
	if (strcmp(line, "mount") == 0) {
		arg[strcspn(arg, " ")] = '\0';
		mounts[(*n_mounts)++] = arg;
	} else if (strcmp(line, "cgroup") == 0) {
		cgroups[(*n_cgroups)++] = arg;
	} else if (strcmp(line, "link") == 0 || strcmp(line, "netns") == 0) {
		/* Links and network namespaces are the whole machine's: delete
		 * only the lab's, named byoc..., and name the others. */
		bool link = strcmp(line, "link") == 0, ours = strstr(arg, "byoc") != NULL;
		const char *argv[] = { "ip", link ? "link" : "netns", "delete", arg, NULL };
		char *path;
		if (asprintf(&path, "/run/netns/%s", arg) < 0)
			abort();
		/* Deleting one end of a veth pair deletes the other. */
		bool gone = ours && (h_run_quiet(argv) == 0 ||
				     (link ? if_nametoindex(arg) == 0 : access(path, F_OK) != 0));
		const char *how = gone ? "" : " (could not be deleted)";
		h_note(r, "network %s %s%s", link ? "link" : "namespace", arg,
		       ours ? how : " (not named byoc...: left alone)");
		free(path);
	} else if (strcmp(line, "state") == 0) {
		char *dir;
		if (asprintf(&dir, "/run/byoc/%s", arg) < 0)
			abort();
		h_remove_tree(dir);
		rmdir(dir);
		h_note(r, "state directory %s", dir);
		free(dir);
	} else if (sscanf(arg, "key %lld id %lld", &key, &id) == 2) {
		if (strcmp(line, "ipc-msg") == 0)
			msgctl((int)id, IPC_RMID, NULL);
		else if (strcmp(line, "ipc-sem") == 0)
			semctl((int)id, 0, IPC_RMID);
		else if (strcmp(line, "ipc-shm") == 0)
			shmctl((int)id, IPC_RMID, NULL);
		h_note(r, "System V %s object, key %lld", line + 4, key);
	}
}

/* ---- the whole slate ---- */

void h_slate_take(struct h_slate *s, const char *rootfs)
{
	s->leaks = h_leak_snapshot();
	s->rootfs = rootfs ? h_rootfs_manifest(rootfs) : NULL;
	if (gethostname(s->hostname, sizeof(s->hostname)) < 0)
		s->hostname[0] = '\0';
	s->hostname[sizeof(s->hostname) - 1] = '\0';
}

void h_slate_free(struct h_slate *s)
{
	free(s->leaks);
	free(s->rootfs);
	s->leaks = s->rootfs = NULL;
}

int h_slate_kill_orphans(void)
{
	char path[64];
	int n = 0, pids[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	if ((f = fopen(path, "re"))) {
		/* The whole list first: each read of the file lists the children
		 * of that moment, and a killed child's children are ours by the
		 * next read. Those are left for the clean-up of their cgroups. */
		while (n < 256 && fscanf(f, "%d", &pids[n]) == 1)
			n++;
		fclose(f);
	}
	for (int i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	/* Reap them, and whatever else of ours has already ended. */
	for (int i = 0; i < n; i++)
		while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return n;
}

char *h_slate_restore(const struct h_slate *before, const char *rootfs, const char *copy)
{
	struct h_report r = { NULL };
	char *now = h_leak_snapshot_settled(before->leaks);
	char *added = h_leak_added(before->leaks, now, "\n");
	char *save = NULL, host[65] = "";
	size_t n_lines = 0, n_mounts = 0, n_cgroups = 0;

	for (char *p = added; p && *p; p++)
		n_lines += *p == '\n';
	char **mounts = calloc(n_lines + 1, sizeof(char *));
	char **cgroups = calloc(n_lines + 1, sizeof(char *));
	if (!mounts || !cgroups)
		abort();
	for (char *l = added ? strtok_r(added, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save))
		undo_line(&r, l, mounts, &n_mounts, cgroups, &n_cgroups);
	remove_cgroups(&r, cgroups, n_cgroups);
	/* The newest on top and the deepest first: detach each once. */
	qsort(mounts, n_mounts, sizeof(*mounts), longest_first);
	for (size_t i = 0; i < n_mounts; i++) {
		h_note(&r, "mount on %s", mounts[i]);
		unescape(mounts[i]);
		umount2(mounts[i], MNT_DETACH);
	}

	if (gethostname(host, sizeof(host) - 1) == 0 && strcmp(host, before->hostname) != 0) {
		bool back = sethostname(before->hostname, strlen(before->hostname)) == 0;
		h_note(&r, "the hostname changed from %s to %s%s", before->hostname, host,
		       back ? "" : " and could not be restored");
	}
	if (rootfs && before->rootfs)
		h_rootfs_repair(&r, before->rootfs, rootfs, copy);

	free(mounts);
	free(cgroups);
	free(added);
	free(now);
	return r.text;
}
