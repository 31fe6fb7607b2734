/* Step 04's cgroup stage against a fake cgroup tree of regular files, in
 * either mode, so that the suite grades the v1 and the v2 code on any
 * machine. Linked with the stage under test and lib/, with -Wl,--wrap=mkdir.
 *
 * Usage: cgroup-fake v1|v2[-noswap] ROOT [--memory SIZE] [--pids N] [--cpus N]
 *                                       [--cpu-weight N]
 * ROOT holds "self" (as /proc/self/cgroup reads) and "mountinfo" (as
 * /proc/self/mountinfo, for v1). "-noswap" is a kernel without swap
 * accounting: new cgroups lack memory.memsw.* (v1) and memory.swap.max (v2).
 * Runs the stage's prepare(), the limits, then its after_clone() with this
 * process's PID as the child's, and prints "pid PID": the join.
 * Exit status 0, or the stage's error status with its message on stderr. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "options.h"
#include "stages.h"

static const char *fake_root;
static bool fake_v2, fake_noswap;

/* What cgroupfs puts in a new cgroup, with the kernel's defaults: a value
 * still at its default after prepare() was never written. See the kernel's
 * Documentation/admin-guide/cgroup-v2.rst and cgroup-v1/. */
static const char *const v2_files[][2] = {
	{ "cgroup.procs", "" },	    { "memory.max", "max\n" },
	{ "memory.high", "max\n" }, { "memory.swap.max", "max\n" },
	{ "pids.max", "max\n" },    { "cpu.max", "max 100000\n" },
	{ "cpu.weight", "100\n" },  { NULL, NULL },
};
static const char *const v1_memory_files[][2] = {
	{ "cgroup.procs", "" },
	{ "memory.limit_in_bytes", "9223372036854771712\n" },
	{ "memory.memsw.limit_in_bytes", "9223372036854771712\n" },
	{ "memory.soft_limit_in_bytes", "9223372036854771712\n" },
	{ NULL, NULL },
};
static const char *const v1_pids_files[][2] = {
	{ "cgroup.procs", "" },
	{ "pids.max", "max\n" },
	{ NULL, NULL },
};
static const char *const v1_cpu_files[][2] = {
	{ "cgroup.procs", "" },
	{ "cpu.cfs_quota_us", "-1\n" },
	{ "cpu.cfs_period_us", "100000\n" },
	{ "cpu.shares", "1024\n" },
	{ "cpuacct.usage", "0\n" },
	{ NULL, NULL },
};

static void fill(const char *dir, const char *const (*files)[2])
{
	for (; (*files)[0]; files++) {
		char path[4200];
		if (fake_noswap &&
		    (strstr((*files)[0], ".memsw.") || strstr((*files)[0], ".swap.")))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, (*files)[0]);
		FILE *f = fopen(path, "we");
		if (f) {
			fputs((*files)[1], f);
			fclose(f);
		}
	}
}

int __real_mkdir(const char *path, mode_t mode);

/* The library's mkdir(2): a new directory in the fake tree gets its files. */
int __wrap_mkdir(const char *path, mode_t mode)
{
	size_t len = strlen(fake_root);
	int r = __real_mkdir(path, mode);

	if (r < 0 || strncmp(path, fake_root, len) != 0 || !strstr(path, "/byoc-"))
		return r;
	if (fake_v2)
		fill(path, v2_files);
	else if (strncmp(path + len, "/memory/", 8) == 0)
		fill(path, v1_memory_files);
	else if (strncmp(path + len, "/pids/", 6) == 0)
		fill(path, v1_pids_files);
	else if (strncmp(path + len, "/cpu,cpuacct/", 13) == 0)
		fill(path, v1_cpu_files);
	return r;
}

int main(int argc, char **argv)
{
	static char *default_command[] = { "/bin/true", NULL };
	char self[4096], mountinfo[4096];
	struct byoc_error err = { 0 };
	struct byoc_options opts;
	struct byoc_container c;

	if (argc < 3 || (strcmp(argv[1], "v1") != 0 && strcmp(argv[1], "v2") != 0 &&
			 strcmp(argv[1], "v1-noswap") != 0 && strcmp(argv[1], "v2-noswap") != 0)) {
		fprintf(stderr,
			"usage: %s v1|v2[-noswap] ROOT [--memory SIZE] [--pids N] [--cpus N] "
			"[--cpu-weight N]\n",
			argv[0]);
		return 2;
	}
	fake_v2 = strncmp(argv[1], "v2", 2) == 0;
	fake_noswap = strstr(argv[1], "-noswap") != NULL;
	fake_root = argv[2];
	/* argv[2] stands where the parser expects the program's name. */
	if (byoc_options_parse(argc - 2, argv + 2,
			       BYOC_OPT_MEMORY | BYOC_OPT_PIDS | BYOC_OPT_CPUS |
				       BYOC_OPT_CPU_WEIGHT,
			       "04-cgroups", "/", default_command, &opts, &err) < 0 ||
	    byoc_container_init(&c, &opts, &err) < 0) {
		fprintf(stderr, "cgroup-fake: %s\n", err.msg);
		return 2;
	}
	snprintf(self, sizeof(self), "%s/self", fake_root);
	snprintf(mountinfo, sizeof(mountinfo), "%s/mountinfo", fake_root);
	c.cgroup.root = fake_root;
	c.cgroup.self = self;
	c.cgroup.mountinfo = mountinfo;
	c.cgroup.mode = fake_v2 ? BYOC_CGROUP_V2 : BYOC_CGROUP_V1; /* statfs cannot tell a fake */
	/* No cleanup: it would kill the PIDs listed in the fake cgroup.procs;
	 * the caller removes the tree. */
	if (byoc_stage_cgroups.prepare(&c, &err) < 0) {
		fprintf(stderr, "cgroup-fake: stage cgroups: %s\n", err.msg);
		return err.status ? err.status : BYOC_EXIT_RUNTIME;
	}
	/* The join writes a PID into the fake cgroup.procs files: ours, which
	 * nothing kills, as no cleanup runs. */
	c.pid = getpid();
	if (byoc_stage_cgroups.after_clone(&c, &err) < 0) {
		fprintf(stderr, "cgroup-fake: stage cgroups: after_clone: %s\n", err.msg);
		return err.status ? err.status : BYOC_EXIT_RUNTIME;
	}
	printf("pid %d\n", (int)c.pid);
	return 0;
}
