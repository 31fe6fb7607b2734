/* Step 04-cgroups: limits that the kernel enforces, read from the cgroup's
 * own files on the host while the container runs. Every shell command runs
 * behind the rootfs guard of h_container_sh(). */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "leaks.h"

#define HINT_FILE "exercises/04-cgroups/cgroups.c, "
#define HINT_LIMITS                                                                                \
	HINT_FILE "the TODOs in write_limits_v2() and write_limits_v1(); "                         \
		  "steps/04-cgroups/README.md, \"Your task: the limits\""
#define HINT_LIMITS_V2                                                                             \
	HINT_FILE "the TODO in write_limits_v2(); steps/04-cgroups/README.md, \"Your task: the "   \
		  "limits\" and \"The files, v2 first\""
#define HINT_LIMITS_V1                                                                             \
	HINT_FILE "the TODO in write_limits_v1(); steps/04-cgroups/README.md, \"Your task: the "   \
		  "limits\" and \"The files, v2 first\""
#define HINT_JOIN                                                                                  \
	HINT_FILE "the TODO in cgroups_after_clone(); steps/04-cgroups/README.md, \"Your task: "   \
		  "joining\""
#define HINT_NS                                                                                    \
	HINT_FILE "the TODO in cgroups_child_setup(); steps/04-cgroups/README.md, \"Your task: "   \
		  "a cgroup namespace\""
#define HINT_REQUIRED                                                                              \
	HINT_FILE "the TODO in cgroups_prepare(); steps/04-cgroups/README.md, \"Your task: the "   \
		  "limits\""

/* The container's cgroup for `controller` must be one of its own, "byoc-"
 * and the container's id, and not the test's. */
static char *own_cgroup(pid_t container, const char *controller)
{
	char *mine = h_cgroup_path(getpid(), controller);
	char *theirs = h_cgroup_path(container, controller);
	const char *base = strrchr(theirs, '/') ? strrchr(theirs, '/') + 1 : theirs;

	ck_assert_msg(strcmp(mine, theirs) != 0 && strncmp(base, "byoc-", 5) == 0,
		      "expected the container in a %s cgroup of its own (byoc-<id>); it is in %s, "
		      "the runtime's",
		      controller, theirs);
	free(mine);
	return theirs;
}

/* Start a container that runs `script` and waits; once it is ready, check
 * that it is in a `controller` cgroup of its own, and return its host PID. */
static pid_t start_in_own_cgroup(struct h_proc *p, const char *const *opts, const char *script,
				 const char *controller)
{
	h_container_spawn(p, opts, script, NULL);
	h_assert_ready(p);
	pid_t child = h_first_child(p->pid);
	free(own_cgroup(child, controller));
	return child;
}

static char *cgroup_lines(void)
{
	char *all = h_leak_snapshot(), *out = calloc(1, strlen(all) + 2), *save = NULL;

	for (char *l = strtok_r(all, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (strncmp(l, "cgroup ", 7) == 0)
			strcat(strcat(out, l), "\n");
	free(all);
	return out;
}

/* The controllers that the root hands to its children: on v2 the root's
 * cgroup.subtree_control, on a hybrid machine the v2 mount's; "" if none. */
static char *root_subtree_control(void)
{
	const char *path = h_cgroup_v2() ? "/sys/fs/cgroup/cgroup.subtree_control"
					 : "/sys/fs/cgroup/unified/cgroup.subtree_control";
	char buf[256] = "";
	FILE *f = fopen(path, "re");

	if (f && !fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

/* Registered first, so that the root is as the machine left it: a runtime
 * that enables controllers at the root must disable them when the last
 * container leaves, and never while another one still needs them. */
START_TEST(test_cgroup_overlapping_containers_leave_the_root_as_it_was)
{
	const char *opts[] = { "--pids", "8", NULL };
	char *before = root_subtree_control(), *after;
	struct h_proc a, b;
	struct h_run r;

	start_in_own_cgroup(&a, opts, H_WAIT_SCRIPT, "pids");
	pid_t second = start_in_own_cgroup(&b, opts, H_WAIT_SCRIPT, "pids");
	h_finish(&a, &r);
	h_run_free(&r);
	long long max = h_cgroup_read(second, "pids", "pids.max", NULL);
	h_finish(&b, &r);
	h_run_free(&r);
	after = root_subtree_control();
	ck_assert_msg(max == 8 && strcmp(before, after) == 0,
		      "expected the second container to keep pids.max 8 after the first exited "
		      "(saw %lld), and the root's cgroup.subtree_control as before both (\"%s\"); "
		      "saw \"%s\"",
		      max, before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(test_cgroup_container_has_its_own_cgroup)
{
	static const char *const controllers[] = { "memory", "pids", "cpu" };
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	for (size_t i = 0; i < 3; i++) {
		char *mine = h_cgroup_path(getpid(), controllers[i]),
		     *theirs = own_cgroup(child, controllers[i]);
		char *byoc = h_printf("/sys/fs/cgroup/byoc/");
		/* Beneath the runtime's own cgroup, or (v2 only) the lab parent. */
		bool beneath = strncmp(theirs, mine, strlen(mine)) == 0 ||
			       (h_cgroup_v2() && strncmp(theirs, byoc, strlen(byoc)) == 0);
		ck_assert_msg(beneath, "expected the %s cgroup %s beneath the runtime's own %s%s",
			      controllers[i], theirs, mine,
			      h_cgroup_v2() ? " or /sys/fs/cgroup/byoc" : "");
		free(mine);
		free(theirs);
		free(byoc);
		if (h_cgroup_v2())
			break; /* one tree: one cgroup */
	}
	h_finish(&p, &r);
	h_run_free(&r);
}
END_TEST

START_TEST(test_cgroup_limits_land_in_the_kernel)
{
	const char *opts[] = { "--memory", "48M",	   "--pids", "20", "--cpus",
			       "0.5",	   "--cpu-weight", "500",    NULL };
	const long long mem = 48ll << 20;
	struct h_proc p;
	struct h_run r;
	char got[512];

	pid_t child = start_in_own_cgroup(&p, opts, H_WAIT_SCRIPT, "memory");
	if (h_cgroup_v2()) {
		char *dir = h_cgroup_path(child, "memory"), *path = h_printf("%s/cpu.max", dir);
		char cpu_max[64] = "";
		FILE *f = fopen(path, "re");
		if (f && !fgets(cpu_max, sizeof(cpu_max), f))
			cpu_max[0] = '\0';
		if (f)
			fclose(f);
		long long swap = h_cgroup_read(child, "memory", "memory.swap.max", NULL);
		snprintf(got, sizeof(got),
			 "memory.max %lld, memory.swap.max %lld, pids.max %lld, "
			 "cpu.max %.*s, cpu.weight %lld",
			 h_cgroup_read(child, "memory", "memory.max", NULL), swap,
			 h_cgroup_read(child, "pids", "pids.max", NULL),
			 (int)strcspn(cpu_max, "\n"), cpu_max,
			 h_cgroup_read(child, "cpu", "cpu.weight", NULL));
		char *want = h_printf("memory.max %lld, memory.swap.max %lld, pids.max 20, "
				      "cpu.max 50000 100000, cpu.weight 500",
				      mem, swap == -1 ? -1ll : 0ll);
		h_finish(&p, &r);
		ck_assert_msg(strcmp(got, want) == 0, "expected %s; saw %s", want, got);
		free(want);
		free(dir);
		free(path);
	} else {
		long long memsw =
			h_cgroup_read(child, "memory", "memory.memsw.limit_in_bytes", NULL);
		snprintf(got, sizeof(got),
			 "memory.limit_in_bytes %lld, memory.memsw.limit_in_bytes "
			 "%lld, pids.max %lld, cpu.cfs_quota_us %lld, cpu.cfs_period_us %lld, "
			 "cpu.shares %lld",
			 h_cgroup_read(child, "memory", "memory.limit_in_bytes", NULL), memsw,
			 h_cgroup_read(child, "pids", "pids.max", NULL),
			 h_cgroup_read(child, "cpu", "cpu.cfs_quota_us", NULL),
			 h_cgroup_read(child, "cpu", "cpu.cfs_period_us", NULL),
			 h_cgroup_read(child, "cpu", "cpu.shares", NULL));
		/* cpu.shares = 2 + (500 - 1) * 262142 / 9999 */
		char *want =
			h_printf("memory.limit_in_bytes %lld, memory.memsw.limit_in_bytes %lld, "
				 "pids.max 20, cpu.cfs_quota_us 50000, cpu.cfs_period_us "
				 "100000, cpu.shares 13084",
				 mem, memsw == -1 ? -1ll : mem);
		h_finish(&p, &r);
		ck_assert_msg(strcmp(got, want) == 0, "expected %s; saw %s", want, got);
		free(want);
	}
	h_run_free(&r);
}
END_TEST

START_TEST(test_cgroup_memory_hog_is_oom_killed)
{
	const char *opts[] = { "--memory", "32M", NULL };
	const char *argv[] = { h_bin, "--memory", "32M", "--", "/bin/hog", NULL };
	bool v2 = h_cgroup_v2();
	struct h_proc p;
	struct h_run r;

	/* The shell survives the hog, so the cgroup can be read afterwards. */
	pid_t child =
		start_in_own_cgroup(&p, opts, "hog; echo \"hog $?\"; " H_WAIT_SCRIPT, "memory");
	long long ooms = v2 ? h_cgroup_read(child, "memory", "memory.events", "oom_kill")
			    : h_cgroup_read(child, "memory", "memory.oom_control", "oom_kill");
	h_finish(&p, &r);
	ck_assert_msg(strncmp(r.out, "hog 137\n", 8) == 0 && ooms >= 1,
		      "expected the hog OOM-killed (status 137) and the cgroup's oom_kill count "
		      "(%s) at least 1; saw \"%.*s\", oom_kill %lld",
		      v2 ? "memory.events" : "memory.oom_control", (int)strcspn(r.out, "\n"), r.out,
		      ooms);
	h_run_free(&r);

	/* As the command itself, its death is the runtime's status. */
	h_run_argv(&r, argv);
	ck_assert_msg(r.status == 137, "expected status 137 when the hog is the command; saw %d",
		      r.status);
	h_run_free(&r);
}
END_TEST

START_TEST(test_cgroup_fork_bomb_stops_at_pids_max)
{
	const char *opts[] = { "--pids", "16", NULL };
	struct h_proc p;
	struct h_run r;

	pid_t child = start_in_own_cgroup(&p, opts, "forkbomb; " H_WAIT_SCRIPT, "pids");
	long long peak = h_cgroup_read(child, "pids", "pids.peak", NULL);
	long long now = h_cgroup_read(child, "pids", "pids.current", NULL);
	long long refused = h_cgroup_read(child, "pids", "pids.events", "max");
	h_finish(&p, &r);
	ck_assert_msg((peak == -1 ? now : peak) <= 16 && now >= 2 && refused >= 1,
		      "expected at most 16 tasks (pids.peak %lld, pids.current %lld) and forks "
		      "refused (pids.events max %lld); forkbomb said \"%.*s\"",
		      peak, now, refused, (int)strcspn(r.out, "\n"), r.out);
	ck_assert_msg(r.status == 0 && r.leftovers == 0,
		      "expected the container to exit (status 0) with nothing left; saw status "
		      "%d, %d processes left",
		      r.status, r.leftovers);
	h_run_free(&r);
}
END_TEST

START_TEST(test_cgroup_cpu_quota_throttles)
{
	const char *opts[] = { "--cpus", "0.25", NULL };
	bool v2 = h_cgroup_v2();
	struct h_proc p;
	struct h_run r;

	/* One second of a busy loop; a quarter of a CPU allows 0.25 s of it. */
	pid_t child =
		start_in_own_cgroup(&p, opts, "spin 1; " H_WAIT_SCRIPT, v2 ? "cpu" : "cpuacct");
	double used = v2 ? h_cgroup_read(child, "cpu", "cpu.stat", "usage_usec") / 1e6
			 : h_cgroup_read(child, "cpuacct", "cpuacct.usage", NULL) / 1e9;
	h_finish(&p, &r);
	/* The cgroup also pays for the container's set-up and shell, which a
	 * slow machine (an emulated one, a sanitized runtime) makes longer:
	 * accept up to halfway between the limit and no limit. */
	ck_assert_msg(used > 0.05 && used <= 0.5,
		      "expected about 0.25 s of CPU time (at most 0.5 s; without the limit it "
		      "would be 1 s) by the cgroup's %s; saw %.3f s (%.*s)",
		      v2 ? "cpu.stat" : "cpuacct.usage", used, (int)strcspn(r.out, "\n"), r.out);
	h_run_free(&r);
}
END_TEST

START_TEST(test_cgroup_namespace_shows_root)
{
	struct h_proc p;
	struct h_run r;
	bool all_root = true;

	/* From the root cgroup, "0::/" ends in ":/" without a namespace: the
	 * namespace's own inode, seen from the host, tells them apart. */
	h_container_spawn(&p, NULL, "cat /proc/self/cgroup; " H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	char *mine = h_ns(getpid(), "cgroup"), *theirs = h_ns(h_first_child(p.pid), "cgroup");
	h_finish(&p, &r);
	for (char *l = r.out; *l && strncmp(l, "ready\n", 6) != 0; l = strchr(l, '\n') + 1) {
		size_t len = strcspn(l, "\n");
		all_root &= len >= 2 && l[len - 1] == '/' && l[len - 2] == ':';
		if (!l[len])
			break;
	}
	ck_assert_msg(strcmp(mine, theirs) != 0 && *r.out != 'r' && all_root,
		      "expected a cgroup namespace of the container's own (host %s, container %s) "
		      "and every line of /proc/self/cgroup inside ending in \":/\"; saw:\n%s",
		      mine, theirs, r.out);
	free(mine);
	free(theirs);
	h_run_free(&r);
}
END_TEST

START_TEST(test_cgroup_removed_after_exit)
{
	char *file = h_printf("%s/a-file", h_tmp);
	const char *bad_rootfs[] = { "--rootfs", file, NULL };
	char *before = cgroup_lines(), *after;
	struct h_proc p;
	struct h_run r;

	/* A normal run: the cgroup exists while it runs, and not after. */
	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	char *dir = own_cgroup(h_first_child(p.pid), "pids");
	h_finish(&p, &r);
	ck_assert_msg(access(dir, F_OK) != 0, "expected %s removed after exit; it is there", dir);
	h_run_free(&r);

	/* A command killed by SIGKILL (from the host: PID 1 ignores it from
	 * inside), and a stage failing after the cgroup was made (the mount
	 * stage, on a rootfs that is a file). */
	h_container_spawn(&p, NULL, "echo ready; sleep 100", NULL);
	h_assert_ready(&p);
	kill(h_first_child(p.pid), SIGKILL);
	h_finish(&p, &r);
	ck_assert_msg(r.status == 137, "expected 137 for a SIGKILLed command; saw %d", r.status);
	h_run_free(&r);
	h_write_file(file, "not a directory\n", 0644);
	h_container_sh(&r, bad_rootfs, "exit 0", NULL);
	ck_assert_int_eq(r.status, 125);
	h_run_free(&r);
	after = cgroup_lines();
	ck_assert_msg(strcmp(before, after) == 0,
		      "expected no cgroup left after a SIGKILLed command and a failed setup; "
		      "before:\n%safter:\n%s",
		      before, after);
	free(dir);
	free(file);
	free(before);
	free(after);
}
END_TEST

/* A machine without the pids controller, made in a mount namespace of the
 * test's own: v1's pids hierarchy unmounted, or on v2 the tree replaced by
 * an empty tmpfs. */
START_TEST(test_cgroup_missing_controller_is_125)
{
	const char *argv[] = { h_bin, "--pids", "16", "--", "/bin/true", NULL };
	char *before = cgroup_lines(), *after;
	int host_ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	struct h_run r;

	/* The test returns to the host's mount namespace before it looks for
	 * leftovers, so that its own mounts are not counted and the real tree is. */
	ck_assert_msg(host_ns >= 0, "open(/proc/self/ns/mnt): %s", strerror(errno));
	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s", strerror(errno));
	ck_assert(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
	if (h_cgroup_v2()) {
		ck_assert(mount("tmpfs", "/sys/fs/cgroup", "tmpfs", 0, NULL) == 0);
	} else {
		char *pids = h_cgroup_path(getpid(), "pids");
		char *mount_point = h_printf("%.*s", (int)(strstr(pids, "/pids") - pids + 5), pids);
		ck_assert_msg(umount2(mount_point, MNT_DETACH) == 0, "umount2(%s): %s", mount_point,
			      strerror(errno));
		free(pids);
		free(mount_point);
	}
	h_run_argv(&r, argv);
	ck_assert_msg(setns(host_ns, CLONE_NEWNS) == 0, "setns(host's mount ns): %s",
		      strerror(errno));
	close(host_ns);
	after = cgroup_lines();
	ck_assert_msg(r.status == 125 && h_count_lines(r.err) == 1 && strstr(r.err, "pids"),
		      "expected --pids without a pids controller refused with 125 and one line "
		      "naming it; saw status %d, stderr \"%s\"",
		      r.status, r.err);
	/* Only what this run could have made: cgroups of the hierarchy hidden
	 * above drop out of `after`, and earlier runs' leftovers are no concern. */
	char *made = h_leak_diff(before, after);
	ck_assert_msg(made == NULL, "expected no cgroup left behind; the run left %s", made);
	free(before);
	free(after);
	h_run_free(&r);
}
END_TEST

START_TEST(test_cgroup_stats_report_the_cgroup)
{
	const char *opts[] = { "--stats", "--memory", "32M", NULL };
	const char *peak_file = h_cgroup_v2() ? "memory.peak" : "memory.max_usage_in_bytes";
	struct h_proc p;
	struct h_run r;
	double peak = 0;
	const char *s;

	/* A peak only where the kernel keeps one: memory.peak arrived in Linux
	 * 5.19 (Ubuntu 22.04 runs 5.15); the OOM kills and CPU time are always there. */
	pid_t child = start_in_own_cgroup(&p, opts, "hog; " H_WAIT_SCRIPT, "memory");
	char *dir = h_cgroup_path(child, "memory"), *file = h_printf("%s/%s", dir, peak_file);
	bool kept = access(file, F_OK) == 0;
	h_finish(&p, &r);
	s = strstr(r.err, "memory peak ");
	if (s)
		peak = atof(s + strlen("memory peak "));
	ck_assert_msg(r.status == 0 && strstr(r.err, "OOM kills 1") && strstr(r.err, "CPU time ") &&
			      (kept ? peak >= 24 && peak <= 33 : s == NULL),
		      "expected --stats to report the OOM kill, the CPU time and %s%s; saw status "
		      "%d, stderr \"%s\"",
		      kept ? "a memory peak near 32 MiB from " : "no memory peak, as there is no ",
		      peak_file, r.status, r.err);
	free(dir);
	free(file);
	h_run_free(&r);
}
END_TEST

/* ---- The stage against a fake cgroup tree, v1 and v2, on any machine ---- */

/* The helper built beside the step's binary from the same cgroups.c. */
static char *fake_helper(void)
{
	char *bin = strdup(h_bin), *slash = strrchr(bin, '/');
	char *helper;

	*slash = '\0';
	helper = h_printf("%s/cgroup-fake", bin);
	free(bin);
	ck_assert_msg(access(helper, X_OK) == 0,
		      "expected %s, built with the step (make IMPL=... step-04): %s", helper,
		      strerror(errno));
	return helper;
}

static void fake_write(const char *root, const char *rel, const char *content)
{
	char *path = h_printf("%s/%s", root, rel);

	h_write_file(path, content, 0644);
	free(path);
}

static void fake_mkdir(const char *root, const char *rel)
{
	char *path = h_printf("%s/%s", root, rel);

	ck_assert_msg(mkdir(path, 0755) == 0, "mkdir(%s): %s", path, strerror(errno));
	free(path);
}

/* A v2 root offering memory, pids and cpu, all but `missing` (a controller's
 * name, or NULL); the runtime in /a, which offers the same. Or a v1 machine:
 * hierarchies memory, pids and cpu,cpuacct, but `missing`'s, the runtime in
 * /a of each. */
static char *fake_tree(bool v2, const char *missing)
{
	static const char *const hierarchies[] = { "memory", "pids", "cpu,cpuacct" };
	static const char *const controllers[] = { "cpu", "memory", "pids" };
	static int n;
	char *root = h_printf("%s/fake-%s-%d", h_tmp, v2 ? "v2" : "v1", n++);
	char offered[64] = "", mountinfo[2048] = "", self[256] = "";

	ck_assert(mkdir(root, 0755) == 0);
	if (v2) {
		for (size_t i = 0; i < 3; i++)
			if (!missing || strcmp(controllers[i], missing) != 0)
				snprintf(offered + strlen(offered),
					 sizeof(offered) - strlen(offered), "%s%s",
					 *offered ? " " : "", controllers[i]);
		strcat(offered, "\n");
		fake_mkdir(root, "a");
		/* The machine's root offers what /a offers: a controller /a
		 * lacks but the root has sends the container to the lab parent. */
		fake_write(root, "cgroup.controllers", offered);
		fake_write(root, "cgroup.subtree_control", "");
		fake_write(root, "a/cgroup.controllers", offered);
		fake_write(root, "a/cgroup.subtree_control", "");
		fake_write(root, "self", "0::/a\n");
		return root;
	}
	for (size_t i = 0; i < 3; i++) {
		char *dir = h_printf("%s/a", hierarchies[i]);
		if (missing && strncmp(hierarchies[i], missing, strlen(missing)) == 0) {
			free(dir);
			continue;
		}
		fake_mkdir(root, hierarchies[i]);
		fake_mkdir(root, dir);
		snprintf(mountinfo + strlen(mountinfo), sizeof(mountinfo) - strlen(mountinfo),
			 "%zu 25 0:%zu / %s/%s rw,nosuid,nodev,noexec,relatime shared:%zu - "
			 "cgroup cgroup rw,%s\n",
			 30 + i, 30 + i, root, hierarchies[i], 10 + i, hierarchies[i]);
		snprintf(self + strlen(self), sizeof(self) - strlen(self), "%zu:%s:/a\n", 4 - i,
			 hierarchies[i]);
		free(dir);
	}
	strcat(self, "0::/\n");
	fake_write(root, "mountinfo", mountinfo);
	fake_write(root, "self", self);
	return root;
}

/* The byoc-* directories in `dir`, separated by spaces, "" when none. */
static char *fake_cgroups_in(const char *dir)
{
	DIR *d = opendir(dir);
	char found[1024] = "";
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (strncmp(e->d_name, "byoc-", 5) == 0)
			snprintf(found + strlen(found), sizeof(found) - strlen(found), "%s%s/%s",
				 found[0] ? " " : "", dir, e->d_name);
	if (d)
		closedir(d);
	return strdup(found);
}

/* The value in `file` of the one cgroup the stage made in `parent`. */
static void fake_read(char *out, size_t len, const char *root, const char *parent, const char *file)
{
	char *where = h_printf("%s/%s", root, parent), *dirs = fake_cgroups_in(where);
	char *path = h_printf("%s/%s", dirs, file), buf[256] = "";
	FILE *f = strchr(dirs, ' ') || !*dirs ? NULL : fopen(path, "re");

	ck_assert_msg(*dirs && !strchr(dirs, ' '),
		      "expected one cgroup byoc-<id> in %s; saw \"%s\"", where, dirs);
	if (f && !fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(out + strlen(out), len - strlen(out), "%s%s %s", *out ? ", " : "", file,
		 f ? buf : "(missing)");
	free(where);
	free(dirs);
	free(path);
}

struct fake_case {
	const char *opts[10];
	const char *want;
};

static void run_fake(bool v2, const struct fake_case *cases, size_t n)
{
	char *helper = fake_helper();

	for (size_t i = 0; i < n; i++) {
		char *root = fake_tree(v2, NULL), got[1024] = "";
		const char *argv[16] = { helper, v2 ? "v2" : "v1", root };
		size_t a = 3;
		struct h_run r;
		for (const char *const *o = cases[i].opts; *o; o++)
			argv[a++] = *o;
		h_run_argv(&r, argv);
		ck_assert_msg(r.status == 0,
			      "expected the stage's prepare() to succeed on a fake "
			      "cgroup %s tree; saw status %d, \"%s\"",
			      v2 ? "v2" : "v1", r.status, r.err);
		if (v2) {
			static const char *const files[] = { "memory.max",	"memory.high",
							     "memory.swap.max", "pids.max",
							     "cpu.max",		"cpu.weight" };
			for (size_t f = 0; f < 6; f++)
				fake_read(got, sizeof(got), root, "a", files[f]);
		} else {
			fake_read(got, sizeof(got), root, "memory/a", "memory.limit_in_bytes");
			fake_read(got, sizeof(got), root, "memory/a",
				  "memory.memsw.limit_in_bytes");
			fake_read(got, sizeof(got), root, "pids/a", "pids.max");
			fake_read(got, sizeof(got), root, "cpu,cpuacct/a", "cpu.cfs_period_us");
			fake_read(got, sizeof(got), root, "cpu,cpuacct/a", "cpu.cfs_quota_us");
			fake_read(got, sizeof(got), root, "cpu,cpuacct/a", "cpu.shares");
		}
		char given[256] = "";
		for (const char *const *o = cases[i].opts; *o; o++)
			snprintf(given + strlen(given), sizeof(given) - strlen(given), "%s%s",
				 *given ? " " : "", *o);
		ck_assert_msg(strcmp(got, cases[i].want) == 0,
			      "with %s on a cgroup %s machine (a fake tree; \"max\" and the other "
			      "defaults mean never written), expected:\n%s\nsaw:\n%s",
			      given, v2 ? "v2" : "v1", cases[i].want, got);
		free(root);
		h_run_free(&r);
	}
	free(helper);
}

START_TEST(test_cgroup_v2_files_in_a_fake_tree)
{
	static const struct fake_case cases[] = {
		{ { "--memory", "48M", "--pids", "20", "--cpus", "0.5", "--cpu-weight", "500" },
		  "memory.max 50331648, memory.high max, memory.swap.max 0, pids.max 20, "
		  "cpu.max 50000 100000, cpu.weight 500" },
		{ { "--pids", "1", "--cpus", "0.01", "--cpu-weight", "1" },
		  "memory.max max, memory.high max, memory.swap.max max, pids.max 1, "
		  "cpu.max 1000 100000, cpu.weight 1" },
		{ { "--memory", "64M", "--cpus", "1", "--cpu-weight", "10000" },
		  "memory.max 67108864, memory.high max, memory.swap.max 0, pids.max max, "
		  "cpu.max 100000 100000, cpu.weight 10000" },
		/* One CPU limit alone: the other one's file is never written. */
		{ { "--cpus", "1.5" },
		  "memory.max max, memory.high max, memory.swap.max max, pids.max max, "
		  "cpu.max 150000 100000, cpu.weight 100" },
		{ { "--cpu-weight", "250" },
		  "memory.max max, memory.high max, memory.swap.max max, pids.max max, "
		  "cpu.max max 100000, cpu.weight 250" },
	};

	run_fake(true, cases, sizeof(cases) / sizeof(cases[0]));
}
END_TEST

START_TEST(test_cgroup_v1_files_in_a_fake_tree)
{
	static const struct fake_case cases[] = {
		{ { "--memory", "48M", "--pids", "20", "--cpus", "0.5", "--cpu-weight", "500" },
		  "memory.limit_in_bytes 50331648, memory.memsw.limit_in_bytes 50331648, "
		  "pids.max 20, cpu.cfs_period_us 100000, cpu.cfs_quota_us 50000, "
		  "cpu.shares 13084" },
		{ { "--pids", "1", "--cpus", "0.01", "--cpu-weight", "1" },
		  "memory.limit_in_bytes 9223372036854771712, memory.memsw.limit_in_bytes "
		  "9223372036854771712, pids.max 1, cpu.cfs_period_us 100000, cpu.cfs_quota_us "
		  "1000, cpu.shares 2" },
		{ { "--memory", "64M", "--cpus", "1", "--cpu-weight", "10000" },
		  "memory.limit_in_bytes 67108864, memory.memsw.limit_in_bytes 67108864, "
		  "pids.max max, cpu.cfs_period_us 100000, cpu.cfs_quota_us 100000, "
		  "cpu.shares 262144" },
		/* One CPU limit alone: the other one's files are never written
		 * (cpu.shares = 2 + (250 - 1) * 262142 / 9999). */
		{ { "--cpus", "1.5" },
		  "memory.limit_in_bytes 9223372036854771712, memory.memsw.limit_in_bytes "
		  "9223372036854771712, pids.max max, cpu.cfs_period_us 100000, cpu.cfs_quota_us "
		  "150000, cpu.shares 1024" },
		{ { "--cpu-weight", "250" },
		  "memory.limit_in_bytes 9223372036854771712, memory.memsw.limit_in_bytes "
		  "9223372036854771712, pids.max max, cpu.cfs_period_us 100000, cpu.cfs_quota_us "
		  "-1, cpu.shares 6529" },
	};

	run_fake(false, cases, sizeof(cases) / sizeof(cases[0]));
}
END_TEST

/* `required` at work: a limit without its controller stops the container
 * before anything is made (the library then checks before mkdir). Each
 * controller missing in turn, with its limit among others: every limit
 * given counts, not only the last one. */
START_TEST(test_cgroup_missing_controller_refused_before_creating)
{
	static const struct {
		const char *missing, *opts[8];
	} cases[] = {
		{ "pids", { "--memory", "32M", "--pids", "16" } },
		{ "memory", { "--memory", "32M", "--pids", "16", "--cpus", "0.5" } },
		{ "cpu", { "--cpu-weight", "100" } },
	};
	static const char *const parents[] = { "a", "memory/a", "pids/a", "cpu,cpuacct/a" };
	char *helper = fake_helper();

	for (int v2 = 1; v2 >= 0; v2--) {
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			char *root = fake_tree(v2, cases[i].missing), made[1024] = "",
			     given[128] = "";
			char *want = h_printf("%s controller", cases[i].missing);
			const char *argv[12] = { helper, v2 ? "v2" : "v1", root };
			size_t a = 3;
			struct h_run r;
			for (const char *const *o = cases[i].opts; *o; o++) {
				argv[a++] = *o;
				snprintf(given + strlen(given), sizeof(given) - strlen(given),
					 "%s%s", *given ? " " : "", *o);
			}
			h_run_argv(&r, argv);
			for (size_t p = 0; p < sizeof(parents) / sizeof(parents[0]); p++) {
				char *dir = h_printf("%s/%s", root, parents[p]);
				char *in = fake_cgroups_in(dir);
				snprintf(made + strlen(made), sizeof(made) - strlen(made), "%s%s",
					 *made && *in ? " " : "", in);
				free(dir);
				free(in);
			}
			char *sub = h_printf("%s/a/cgroup.subtree_control", root);
			FILE *f = v2 ? fopen(sub, "re") : NULL;
			char enabled[256] = "";
			if (f && !fgets(enabled, sizeof(enabled), f))
				enabled[0] = '\0';
			if (f)
				fclose(f);
			ck_assert_msg(r.status == 125 && h_count_lines(r.err) == 1 &&
					      strstr(r.err, want),
				      "expected %s on a cgroup %s machine without the %s "
				      "controller refused with 125 and one line naming the %s "
				      "controller; saw status %d, stderr \"%s\"",
				      given, v2 ? "v2" : "v1", cases[i].missing, cases[i].missing,
				      r.status, r.err);
			ck_assert_msg(
				!*made && !*enabled,
				"expected nothing made for %s on a cgroup %s machine without "
				"the %s controller (set in `required` the controller of every "
				"limit given, and byoc_cgroup_create() refuses before it "
				"creates); saw cgroups \"%s\", subtree_control \"%s\"",
				given, v2 ? "v2" : "v1", cases[i].missing, made, enabled);
			free(root);
			free(want);
			free(sub);
			h_run_free(&r);
		}
	}
	free(helper);
}
END_TEST

/* A kernel without swap accounting (swapaccount=0, or built without it) has
 * no memory.memsw.* (v1) or memory.swap.max (v2) files, and refuses a write
 * to a file it lacks: --memory must still work there, without them. */
START_TEST(test_cgroup_memory_without_swap_accounting)
{
	char *helper = fake_helper();

	for (int v2 = 1; v2 >= 0; v2--) {
		char *root = fake_tree(v2, NULL), got[512] = "";
		const char *argv[] = { helper, v2 ? "v2-noswap" : "v1-noswap",
				       root,   "--memory",
				       "48M",  NULL };
		const char *want = v2 ? "memory.max 50331648, memory.swap.max (missing)"
				      : "memory.limit_in_bytes 50331648, "
					"memory.memsw.limit_in_bytes (missing)";
		struct h_run r;
		h_run_argv(&r, argv);
		ck_assert_msg(r.status == 0,
			      "expected --memory 48M to succeed on a cgroup %s machine without "
			      "swap accounting (a fake tree); saw status %d, \"%s\"",
			      v2 ? "v2" : "v1", r.status, r.err);
		if (v2) {
			fake_read(got, sizeof(got), root, "a", "memory.max");
			fake_read(got, sizeof(got), root, "a", "memory.swap.max");
		} else {
			fake_read(got, sizeof(got), root, "memory/a", "memory.limit_in_bytes");
			fake_read(got, sizeof(got), root, "memory/a",
				  "memory.memsw.limit_in_bytes");
		}
		ck_assert_msg(strcmp(got, want) == 0,
			      "with --memory 48M on a cgroup %s machine without swap accounting "
			      "(a fake tree whose cgroups lack the swap file), expected:\n%s\n"
			      "saw:\n%s\n(write the swap limit only where byoc_cgroup_has() finds "
			      "its file: the kernel refuses a file it lacks)",
			      v2 ? "v2" : "v1", want, got);
		free(root);
		h_run_free(&r);
	}
	free(helper);
}
END_TEST

/* The join on a machine without the pids controller: the child goes into
 * every cgroup the container has, and the missing one is skipped, not an
 * error. The fake helper runs after_clone() with its own PID as the child's. */
START_TEST(test_cgroup_join_skips_missing_controllers)
{
	char *helper = fake_helper();

	for (int v2 = 1; v2 >= 0; v2--) {
		static const char *const v1_parents[] = { "memory/a", "cpu,cpuacct/a" };
		char *root = fake_tree(v2, "pids"), got[512] = "", *want;
		const char *argv[] = { helper, v2 ? "v2" : "v1", root, NULL };
		struct h_run r;
		int pid = 0;
		h_run_argv(&r, argv);
		sscanf(r.out, "pid %d", &pid);
		ck_assert_msg(r.status == 0 && pid > 0,
			      "expected the container to start on a cgroup %s machine without "
			      "the pids controller (a fake tree): skip a controller whose "
			      "c->cgroup.dir[i] is \"\"; saw status %d, \"%s\"",
			      v2 ? "v2" : "v1", r.status, r.err);
		if (v2) {
			fake_read(got, sizeof(got), root, "a", "cgroup.procs");
			want = h_printf("cgroup.procs %d", pid);
		} else {
			for (size_t i = 0; i < 2; i++)
				fake_read(got, sizeof(got), root, v1_parents[i], "cgroup.procs");
			want = h_printf("cgroup.procs %d, cgroup.procs %d", pid, pid);
		}
		ck_assert_msg(strcmp(got, want) == 0,
			      "expected the child (PID %d) written into the cgroup.procs of each "
			      "of its cgroups (%s) on a cgroup %s machine without the pids "
			      "controller; saw %s",
			      pid,
			      v2 ? "a/byoc-<id>" : "memory/a/byoc-<id>, cpu,cpuacct/a/byoc-<id>",
			      v2 ? "v2" : "v1", got);
		free(root);
		free(want);
		h_run_free(&r);
	}
	free(helper);
}
END_TEST

/* Joining is after_clone()'s work, for the child only: the runtime stays
 * in the cgroups it was started in. */
START_TEST(test_cgroup_runtime_stays_in_its_own_cgroups)
{
	const char *opts[] = { "--pids", "20", "--memory", "48M", NULL };
	struct h_proc p;
	struct h_run r;
	char host[256];

	gethostname(host, sizeof(host));
	start_in_own_cgroup(&p, opts, H_WAIT_SCRIPT, "pids");
	char *changes = h_runtime_changes(p.pid, host);
	h_finish(&p, &r);
	ck_assert_msg(changes == NULL,
		      "expected the runtime (PID %d) in its own cgroups while the container "
		      "runs: the child joins (write c->pid in after_clone()), not the runtime; "
		      "but %s",
		      (int)p.pid, changes);
	ck_assert_msg(r.status == 0, "expected the container to exit with 0; saw %d, \"%s\"",
		      r.status, r.err);
	h_run_free(&r);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "04-cgroups";
	h_add(s, test_cgroup_overlapping_containers_leave_the_root_as_it_was, 1, HINT_JOIN);
	h_add(s, test_cgroup_container_has_its_own_cgroup, 2, HINT_JOIN);
	h_add(s, test_cgroup_limits_land_in_the_kernel, 3, HINT_LIMITS);
	h_add(s, test_cgroup_memory_hog_is_oom_killed, 3, HINT_LIMITS);
	h_add(s, test_cgroup_fork_bomb_stops_at_pids_max, 3, HINT_LIMITS);
	h_add(s, test_cgroup_cpu_quota_throttles, 3, HINT_LIMITS);
	h_add(s, test_cgroup_namespace_shows_root, 2, HINT_NS);
	h_add(s, test_cgroup_removed_after_exit, 2, HINT_JOIN);
	h_add(s, test_cgroup_missing_controller_is_125, 2, HINT_REQUIRED);
	h_add(s, test_cgroup_stats_report_the_cgroup, 1, HINT_LIMITS);
	h_add(s, test_cgroup_v2_files_in_a_fake_tree, 3, HINT_LIMITS_V2);
	h_add(s, test_cgroup_v1_files_in_a_fake_tree, 3, HINT_LIMITS_V1);
	h_add(s, test_cgroup_missing_controller_refused_before_creating, 2, HINT_REQUIRED);
	h_add(s, test_cgroup_memory_without_swap_accounting, 2, HINT_LIMITS);
	h_add(s, test_cgroup_join_skips_missing_controllers, 2, HINT_JOIN);
	h_add(s, test_cgroup_runtime_stays_in_its_own_cgroups, 2, HINT_JOIN);
}
