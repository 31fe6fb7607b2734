/* Step 04-cgroups: limits that the kernel enforces, read from the cgroup's
 * own files on the host while the container runs. Every shell command runs
 * behind the rootfs guard of h_container_sh(). */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "harness.h"
#include "leaks.h"

#define HINT_FILE "exercises/04-cgroups/cgroups.c, "
#define HINT_LIMITS                                                                                \
	HINT_FILE "the TODOs in write_limits_v2() and write_limits_v1(); "                         \
		  "steps/04-cgroups/README.md, \"Your task: the limits\""
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
	ck_assert_msg(used > 0.05 && used <= 0.35,
		      "expected about 0.25 s of CPU time (at most 0.35 s; without the limit it "
		      "would be 1 s) by the cgroup's %s; saw %.3f s (%.*s)",
		      v2 ? "cpu.stat" : "cpuacct.usage", used, (int)strcspn(r.out, "\n"), r.out);
	h_run_free(&r);
}
END_TEST

START_TEST(test_cgroup_namespace_shows_root)
{
	struct h_run r;
	bool all_root = true;

	h_container_sh(&r, NULL, "cat /proc/self/cgroup", NULL);
	h_assert_ran_inside(&r);
	for (char *l = r.out; *l; l = strchr(l, '\n') + 1) {
		size_t len = strcspn(l, "\n");
		all_root &= len >= 2 && l[len - 1] == '/' && l[len - 2] == ':';
		if (!l[len])
			break;
	}
	ck_assert_msg(r.status == 0 && *r.out && all_root,
		      "expected every line of /proc/self/cgroup inside to end in \":/\" (a cgroup "
		      "namespace rooted at the container's cgroup); saw:\n%s",
		      r.out);
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
	struct h_run r;

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
	after = cgroup_lines();
	ck_assert_msg(r.status == 125 && h_count_lines(r.err) == 1 && strstr(r.err, "pids"),
		      "expected --pids without a pids controller refused with 125 and one line "
		      "naming it; saw status %d, stderr \"%s\"",
		      r.status, r.err);
	ck_assert_msg(strcmp(before, after) == 0,
		      "expected no cgroup left behind; before:\n%s"
		      "after:\n%s",
		      before, after);
	free(before);
	free(after);
	h_run_free(&r);
}
END_TEST

START_TEST(test_cgroup_stats_report_the_cgroup)
{
	const char *argv[] = { h_bin, "--stats", "--memory", "32M", "--", "/bin/hog", NULL };
	struct h_run r;
	double peak = 0;
	const char *p;

	h_run_argv(&r, argv);
	p = strstr(r.err, "memory peak ");
	if (p)
		peak = atof(p + strlen("memory peak "));
	ck_assert_msg(r.status == 137 && strstr(r.err, "OOM kills 1") && peak >= 24 && peak <= 33 &&
			      strstr(r.err, "CPU time "),
		      "expected --stats to report the OOM kill, a memory peak near 32 MiB and the "
		      "CPU time; saw status %d, stderr \"%s\"",
		      r.status, r.err);
	h_run_free(&r);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "04-cgroups";
	h_add(s, test_cgroup_container_has_its_own_cgroup, 2, HINT_JOIN);
	h_add(s, test_cgroup_limits_land_in_the_kernel, 3, HINT_LIMITS);
	h_add(s, test_cgroup_memory_hog_is_oom_killed, 3, HINT_LIMITS);
	h_add(s, test_cgroup_fork_bomb_stops_at_pids_max, 3, HINT_LIMITS);
	h_add(s, test_cgroup_cpu_quota_throttles, 3, HINT_LIMITS);
	h_add(s, test_cgroup_namespace_shows_root, 2, HINT_NS);
	h_add(s, test_cgroup_removed_after_exit, 2, HINT_JOIN);
	h_add(s, test_cgroup_missing_controller_is_125, 2, HINT_REQUIRED);
	h_add(s, test_cgroup_stats_report_the_cgroup, 1, HINT_LIMITS);
}
