/* Step 03-mount-ns: the container's own mount table, seen from inside and
 * from the host. Every shell command runs behind the rootfs guard of
 * h_container_sh(). */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "leaks.h"

#define HINT_FILE "exercises/03-mount-ns/mount.c, "
#define HINT_PIVOT                                                                                 \
	HINT_FILE "the TODOs in pivot_into_rootfs() and byoc_stage_mount; "                        \
		  "steps/03-mount-ns/README.md, \"Your task: pivot_root\""
#define HINT_MOUNTS                                                                                \
	HINT_FILE "the TODOs in mount_proc() and mount_sys_and_tmp(); "                            \
		  "steps/03-mount-ns/README.md, \"Your task: /proc, /sys and /tmp\""
#define HINT_DEV                                                                                   \
	HINT_FILE "the TODO in mount_dev(); steps/03-mount-ns/README.md, \"Your task: a "          \
		  "minimal /dev\""
#define HINT_FAULTS HINT_PIVOT "; and \"Bad input and faults\""

/* The mount points of the host, one per line. */
static char *host_mount_points(void)
{
	char *all = h_leak_snapshot(), *out = calloc(1, strlen(all) + 1), *save = NULL;

	for (char *l = strtok_r(all, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (strncmp(l, "mount ", 6) == 0)
			strcat(strcat(out, l + 6), "\n");
	free(all);
	return out;
}

/* Run a container that mounts a tmpfs on /mnt; the mount points of this
 * process's namespace must be the same before and after. */
static void assert_mount_stays_inside(const char *where)
{
	char *before = host_mount_points(), *after;
	struct h_run r;

	h_container_sh(&r, NULL, "mount -t tmpfs scratch /mnt && touch /mnt/x && echo mounted",
		       NULL);
	after = host_mount_points();
	h_assert_ran_inside(&r);
	ck_assert_msg(r.status == 0 && strcmp(r.out, "mounted\n") == 0,
		      "expected the container to start %s and mount a tmpfs on /mnt; saw status "
		      "%d, \"%s%s\"",
		      where, r.status, r.out, r.err);
	ck_assert_msg(strcmp(before, after) == 0,
		      "expected the host's mount points unchanged by the container (%s); "
		      "before:\n%safter:\n%s",
		      where, before, after);
	free(before);
	free(after);
	h_run_free(&r);
}

START_TEST(test_mount_ns_namespace_differs)
{
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	char *theirs = h_ns(h_first_child(p.pid), "mnt"), *host = h_ns(getpid(), "mnt");
	h_finish(&p, &r);
	ck_assert_msg(strcmp(theirs, host) != 0,
		      "expected the container in a new mount namespace; it is in the host's %s",
		      host);
	free(theirs);
	free(host);
	h_run_free(&r);
}
END_TEST

START_TEST(test_mount_ns_mountinfo_is_own)
{
	static const char want[] = "/ /dev /dev/pts /dev/shm /proc /sys /tmp \n"
				   "devpts proc sysfs tmpfs tmpfs tmpfs \n";
	struct h_run r;

	/* Field 5 of mountinfo(5) is the mount point; after " - ", the type. */
	h_container_sh(&r, NULL,
		       "awk '{print $5}' /proc/self/mountinfo | sort | tr '\\n' ' '; echo; "
		       "sed 's/.* - //' /proc/self/mountinfo | awk '$1 != \"ext4\" && "
		       "$1 != \"xfs\" && $1 != \"btrfs\" && $1 != \"overlay\" {print $1}' | sort | "
		       "tr '\\n' ' '; echo",
		       NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(strcmp(r.out, want) == 0,
		      "expected the container's mount table to hold only its own mounts:\n%s"
		      "(mount points, then the types besides the rootfs's); saw:\n%s",
		      want, r.out);
	h_run_free(&r);
}
END_TEST

START_TEST(test_mount_ns_mounts_stay_inside)
{
	char *token = h_random_token();
	const char *args[] = { token, NULL };
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, NULL,
			  "mount -t tmpfs \"$1\" /mnt && grep -c \"$1\" /proc/self/mountinfo "
			  "&& " H_WAIT_SCRIPT,
			  args);
	h_assert_ready(&p);
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	bool seen = false;
	while (f && fgets(line, sizeof(line), f))
		seen = seen || strstr(line, token);
	if (f)
		fclose(f);
	h_finish(&p, &r);
	ck_assert_msg(!seen,
		      "expected the tmpfs %s mounted inside to stay out of the host's "
		      "mountinfo; the host sees it",
		      token);
	ck_assert_msg(strcmp(r.out, "1\nready\n") == 0,
		      "expected the container to see its own mount once; saw \"%s\"", r.out);
	free(token);
	h_run_free(&r);
}
END_TEST

/* Most hosts (systemd's) mount / shared, and this test cannot rely on the
 * machine it runs on being one. So it makes one: a mount namespace of the
 * test's own, cut off from the host (private), then shared within itself. A
 * stage that does not make / private first now leaks its mounts into this
 * namespace, or pivot_root refuses the shared parent. */
START_TEST(test_mount_ns_private_on_a_shared_host)
{
	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s", strerror(errno));
	ck_assert(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
	ck_assert(mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL) == 0);
	assert_mount_stays_inside("under a shared / (pivot_root's EINVAL means a shared mount "
				  "was left)");
}
END_TEST

START_TEST(test_mount_ns_host_files_unreachable)
{
	char *marker = h_printf("%s/host-only", h_tmp);
	const char *args[] = { marker, h_tmp, NULL };
	struct h_run r;

	h_write_file(marker, "on the host\n", 0644);
	h_container_sh(&r, NULL,
		       "for p in \"$1\" \"$2\"; do [ -e \"$p\" ] && echo \"visible $p\"; done; "
		       "echo done",
		       args);
	h_assert_ran_inside(&r);
	ck_assert_msg(strcmp(r.out, "done\n") == 0,
		      "expected nothing of the host reachable inside; saw \"%s\"", r.out);
	free(marker);
	h_run_free(&r);
}
END_TEST

START_TEST(test_mount_ns_breakout_fails)
{
	char *secret = h_printf("%s/secret", h_tmp);
	char *token = h_random_token();
	const char *argv[] = { h_bin, "--", "/bin/breakout", secret, NULL };
	struct h_run r;

	h_write_file(secret, token, 0600);
	h_run_argv(&r, argv);
	ck_assert_msg(
		r.status == 1 && strstr(r.out, token) == NULL && strstr(r.err, "the escape failed"),
		"expected step 01's breakout to fail (status 1, \"the escape failed\") and "
		"the host file %s to stay unread; saw status %d, stdout \"%s\", stderr \"%s\"",
		secret, r.status, r.out, r.err);
	free(secret);
	free(token);
	h_run_free(&r);
}
END_TEST

START_TEST(test_mount_ns_ps_sees_only_the_container)
{
	struct h_run r;
	int pids = 0, max = 0, has_1 = 0;

	h_container_sh(&r, NULL, "ps -o pid | tail -n +2", NULL);
	h_assert_ran_inside(&r);
	for (char *s = r.out; *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : s + strlen(s)) {
		int pid = atoi(s);
		pids++;
		max = pid > max ? pid : max;
		has_1 |= pid == 1;
	}
	ck_assert_msg(has_1 && pids <= 4 && max < 100,
		      "expected ps inside to list the container's few processes, PID 1 among "
		      "them; it listed %d PIDs up to %d:\n%s",
		      pids, max, r.out);
	h_run_free(&r);
}
END_TEST

START_TEST(test_mount_ns_dev_is_minimal)
{
	static const char want[] = "fd full null ptmx pts random shm stderr stdin stdout tty "
				   "urandom zero \n"
				   "/dev/full 1:7\n/dev/null 1:3\n/dev/random 1:8\n/dev/tty 5:0\n"
				   "/dev/urandom 1:9\n/dev/zero 1:5\n";
	struct h_run r;

	/* busybox stat: %t and %T are the major and minor numbers, in hex. */
	h_container_sh(&r, NULL,
		       "ls -A /dev | tr '\\n' ' '; echo; "
		       "for d in /dev/*; do [ -c \"$d\" ] && [ ! -L \"$d\" ] && stat -c '%n %t:%T' "
		       "\"$d\"; "
		       "done; [ -c /dev/pts/ptmx ] && [ -L /dev/ptmx ] && "
		       "echo x > /dev/null && head -c 4 /dev/zero | wc -c >/dev/null",
		       NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(strcmp(r.out, want) == 0 && r.status == 0,
		      "expected /dev to hold only these entries and character devices:\n%s"
		      "saw (status %d):\n%s%s",
		      want, r.status, r.out, r.err);
	h_run_free(&r);
}
END_TEST

START_TEST(test_mount_ns_sys_is_read_only)
{
	struct h_run r;

	h_container_sh(&r, NULL,
		       "[ -d /sys/kernel ] || { echo 'no sysfs on /sys'; exit 1; }; "
		       "mkdir /sys/byoc-test 2>&1; echo \"status $?\"",
		       NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(r.status == 0 && strstr(r.out, "Read-only file system") &&
			      !strstr(r.out, "status 0"),
		      "expected sysfs on /sys, and writing to it to fail as read-only; saw \"%s\"",
		      r.out);
	h_run_free(&r);
}
END_TEST

START_TEST(test_mount_ns_leaves_host_mounts_unchanged)
{
	assert_mount_stays_inside("on this host");
}
END_TEST

START_TEST(test_mount_ns_bad_input_exit_statuses)
{
	char *file = h_printf("%s/a-file", h_tmp);
	char *empty = h_printf("%s/empty-rootfs", h_tmp);
	const char *not_dir[] = { h_bin, "--rootfs", file, "--", "/bin/true", NULL };
	const char *no_sh[] = { h_bin, "--rootfs", empty, NULL };
	const char *is_dir[] = { h_bin, "--", "/etc", NULL };
	struct h_run r;

	h_write_file(file, "not a directory\n", 0644);
	h_run_argv(&r, not_dir);
	ck_assert_msg(r.status == 125 && h_count_lines(r.err) == 1 && strstr(r.err, file),
		      "expected a rootfs that is a file refused with 125 and one line naming "
		      "it; saw status %d, stderr \"%s\"",
		      r.status, r.err);
	h_run_free(&r);

	/* A root file system with the mount points but no /bin/sh. */
	static const char *const dirs[] = { "", "/proc", "/dev", "/sys", "/tmp" };
	for (size_t i = 0; i < 5; i++) {
		char *d = h_printf("%s%s", empty, dirs[i]);
		ck_assert(mkdir(d, 0755) == 0);
		free(d);
	}
	h_run_argv(&r, no_sh);
	ck_assert_msg(r.status == 127 && h_count_lines(r.err) == 1 && strstr(r.err, "/bin/sh"),
		      "expected a rootfs without /bin/sh and no command to give 127 and one line "
		      "naming /bin/sh; saw status %d, stderr \"%s\"",
		      r.status, r.err);
	h_run_free(&r);

	h_run_argv(&r, is_dir);
	ck_assert_msg(r.status == 126 && h_count_lines(r.err) == 1 && strstr(r.err, "/etc"),
		      "expected the command /etc, a directory, to give 126 and one line naming "
		      "it; saw status %d, stderr \"%s\"",
		      r.status, r.err);
	h_run_free(&r);
	free(file);
	free(empty);
}
END_TEST

START_TEST(test_mount_ns_sigkill_runtime_kills_container)
{
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, NULL, "echo ready; sleep 100", NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	ck_assert_msg(pidfd >= 0, "pidfd_open(%d) failed", (int)child);
	kill(p.pid, SIGKILL);
	/* The pidfd turns readable when the container's process exits. */
	struct pollfd pfd = { pidfd, POLLIN, 0 };
	int gone = poll(&pfd, 1, 5000);
	close(pidfd);
	h_finish(&p, &r);
	/* A killed runtime leaves its state directory for the next run to
	 * remove (lib/state.h): run one. */
	struct h_run next;
	h_container_sh(&next, NULL, "exit 0", NULL);
	h_run_free(&next);
	ck_assert_msg(gone == 1,
		      "expected the container (host PID %d) to die within 5 s of the "
		      "runtime being SIGKILLed; it lived on",
		      (int)child);
	ck_assert_msg(r.status == 137, "expected the runtime's status 137; saw %d", r.status);
	h_run_free(&r);
}
END_TEST

START_TEST(test_mount_ns_dev_shm_is_tmpfs)
{
	char flags[128] = "", type[32] = "", opts[256] = "", mode[16] = "", data[16] = "";
	const char *size;
	struct h_run r;

	/* mountinfo(5): field 5 is the mount point, 6 its flags; after "-"
	 * come the type, the source and the super options (size=...k). */
	h_container_sh(&r, NULL,
		       "awk '$5 == \"/dev/shm\" { for (i = 7; $i != \"-\"; i++); "
		       "print $6, $(i + 1), $(i + 3) }' /proc/self/mountinfo; "
		       "stat -c %a /dev/shm; echo x > /dev/shm/x && cat /dev/shm/x",
		       NULL);
	h_assert_ran_inside(&r);
	sscanf(r.out, "%127s %31s %255s %15s %15s", flags, type, opts, mode, data);
	size = strstr(opts, "size=");
	ck_assert_msg(strstr(flags, "nosuid") && strstr(flags, "nodev") &&
			      strstr(flags, "noexec") && strcmp(type, "tmpfs") == 0 && size &&
			      atol(size + 5) > 0 && atol(size + 5) <= (1l << 20) &&
			      strcmp(mode, "1777") == 0 && strcmp(data, "x") == 0,
		      "expected /dev/shm to be a tmpfs (nosuid,nodev,noexec, a size of at most "
		      "1 GiB, mode 1777) that the command can write to; saw (status %d):\n%s%s",
		      r.status, r.out, r.err);
	h_run_free(&r);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "03-mount-ns";
	h_add(s, test_mount_ns_namespace_differs, 2, HINT_PIVOT);
	h_add(s, test_mount_ns_mountinfo_is_own, 3, HINT_PIVOT);
	h_add(s, test_mount_ns_mounts_stay_inside, 3, HINT_PIVOT);
	h_add(s, test_mount_ns_private_on_a_shared_host, 3, HINT_PIVOT);
	h_add(s, test_mount_ns_host_files_unreachable, 2, HINT_PIVOT);
	h_add(s, test_mount_ns_breakout_fails, 2, HINT_PIVOT);
	h_add(s, test_mount_ns_ps_sees_only_the_container, 2, HINT_MOUNTS);
	h_add(s, test_mount_ns_dev_is_minimal, 3, HINT_DEV);
	h_add(s, test_mount_ns_dev_shm_is_tmpfs, 1, HINT_DEV);
	h_add(s, test_mount_ns_sys_is_read_only, 1, HINT_MOUNTS);
	h_add(s, test_mount_ns_leaves_host_mounts_unchanged, 2, HINT_PIVOT);
	h_add(s, test_mount_ns_bad_input_exit_statuses, 2, HINT_FAULTS);
	h_add(s, test_mount_ns_sigkill_runtime_kills_container, 2, HINT_FAULTS);
}
