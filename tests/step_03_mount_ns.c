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
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
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
#define HINT_SHM                                                                                   \
	HINT_FILE "the TODO in mount_dev_shm(); steps/03-mount-ns/README.md, \"Your task: a "      \
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
static void assert_mount_stays_inside(const char *const *opts, const char *where)
{
	char *before = host_mount_points(), *after;
	struct h_run r;

	h_container_sh(&r, opts, "mount -t tmpfs scratch /mnt && touch /mnt/x && echo mounted",
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

	/* Field 5 of mountinfo(5) is the mount point; after " - ", the type.
	 * The rootfs's own type is whatever holds the checkout (ext4, tmpfs,
	 * zfs...): the types are those of the other mounts. */
	h_container_sh(&r, NULL,
		       "awk '{print $5}' /proc/self/mountinfo | sort | tr '\\n' ' '; echo; "
		       "awk '$5 != \"/\" {sub(/.* - /, \"\"); print $1}' /proc/self/mountinfo | "
		       "sort | tr '\\n' ' '; echo",
		       NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(strcmp(r.out, want) == 0,
		      "expected the container's mount table to hold only its own mounts:\n%s"
		      "(mount points, then the types of all but /); saw:\n%s",
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
	assert_mount_stays_inside(NULL, "under a shared / (pivot_root's EINVAL means a shared "
					"mount was left)");
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
	assert_mount_stays_inside(NULL, "on this host");
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
	/* Without a size, a tmpfs takes half the machine's memory: on a small
	 * machine that can look bounded, so the size is the lesson's exactly. */
	ck_assert_msg(strstr(flags, "nosuid") && strstr(flags, "nodev") &&
			      strstr(flags, "noexec") && strcmp(type, "tmpfs") == 0 && size &&
			      h_has_opt(opts, "size=65536k") && strcmp(mode, "1777") == 0 &&
			      strcmp(data, "x") == 0,
		      "expected /dev/shm to be a tmpfs (nosuid,nodev,noexec, size=64m, which "
		      "mountinfo shows as size=65536k, mode 1777) that the command can write to; "
		      "saw (status %d):\n%s%s",
		      r.status, r.out, r.err);
	h_run_free(&r);
}
END_TEST

/* A separate /home on a systemd machine: the rootfs lies under a shared
 * mount that is not /. Only MS_REC makes that submount private as well;
 * without it, the bind mount of the rootfs propagates back to the caller and
 * pivot_root refuses the shared parent. */
START_TEST(test_mount_ns_private_under_a_shared_submount)
{
	char *shared = h_printf("%s/shared", h_tmp), *rootfs = h_printf("%s/rootfs", shared);
	const char *opts[] = { "--rootfs", rootfs, NULL };

	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s", strerror(errno));
	ck_assert(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
	ck_assert(mkdir(shared, 0755) == 0);
	ck_assert_msg(mount("byoc-test", shared, "tmpfs", 0, "size=64k") == 0 &&
			      mount(NULL, shared, NULL, MS_SHARED, NULL) == 0 &&
			      mkdir(rootfs, 0755) == 0 &&
			      mount(h_rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) == 0,
		      "setting up a shared mount at %s: %s", shared, strerror(errno));
	assert_mount_stays_inside(opts, "with its rootfs under a shared submount (MS_PRIVATE "
					"without MS_REC leaves that submount shared)");
	umount2(rootfs, MNT_DETACH);
	umount2(shared, MNT_DETACH);
	free(shared);
	free(rootfs);
}
END_TEST

/* The rootfs is the container's image: a run mounts on it and leaves it as
 * it found it on disk (pivot_root(".", ".") needs no directory for the old
 * root). On a copy, so that what earlier runs left costs a correct stage
 * nothing. */
START_TEST(test_mount_ns_rootfs_unchanged_on_disk)
{
	char *copy = h_printf("%s/rootfs", h_tmp);
	char *cp = h_printf("cp -a '%s' '%s'", h_rootfs, copy);
	const char *plain[] = { "--rootfs", copy, NULL };
	const char *init[] = { "--rootfs", copy, "--init", NULL };
	struct h_proc p;
	struct h_run r;

	struct statvfs tmpfs;
	/* A /tmp mounted noexec cannot hold a rootfs to run: then the lab's own. */
	if (statvfs(h_tmp, &tmpfs) == 0 && (tmpfs.f_flag & ST_NOEXEC)) {
		free(copy);
		copy = strdup(h_rootfs);
		plain[1] = init[1] = copy;
	} else {
		ck_assert_msg(system(cp) == 0, "%s failed", cp);
	}
	char *before = h_tree_manifest(copy), *after, *diff;
	/* A runtime killed while its container runs, first: it leaves its state
	 * directory for the next run to remove (lib/state.h). */
	h_container_spawn(&p, plain, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	kill(p.pid, SIGKILL);
	h_finish(&p, &r);
	h_run_free(&r);
	h_container_sh(&r, plain, "ls / >/dev/null", NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(r.status == 0, "expected the container to run 'ls /'; saw status %d, \"%s\"",
		      r.status, r.err);
	h_run_free(&r);
	h_container_sh(&r, init, "exit 3", NULL);
	h_assert_ran_inside(&r);
	h_run_free(&r);
	after = h_tree_manifest(copy);
	diff = h_manifest_diff(before, after);
	ck_assert_msg(diff == NULL,
		      "expected the rootfs unchanged on disk after three runs (runtime killed, "
		      "normal, --init); %s",
		      diff);
	free(before);
	free(after);
	free(copy);
	free(cp);
}
END_TEST

/* The flags, options and sizes of the lesson's table, read by the host from
 * the container's /proc/PID/mountinfo and through /proc/PID/root. */
static void assert_mount(pid_t pid, const char *point, const char *type, const char *opts,
			 const char *super)
{
	struct h_mount m;
	char want[256], *save = NULL;

	ck_assert_msg(h_mount_of(pid, point, &m),
		      "expected a %s mount on %s in the container; "
		      "/proc/%d/mountinfo has none",
		      type, point, (int)pid);
	snprintf(want, sizeof(want), "%s", opts);
	for (char *o = strtok_r(want, ",", &save); o; o = strtok_r(NULL, ",", &save))
		ck_assert_msg(strcmp(m.type, type) == 0 && h_has_opt(m.opts, o),
			      "expected %s on %s mounted with %s (mount flags); mountinfo shows "
			      "%s with %s",
			      type, point, opts, m.type, m.opts);
	snprintf(want, sizeof(want), "%s", super);
	for (char *o = strtok_r(want, ",", &save); o; o = strtok_r(NULL, ",", &save))
		ck_assert_msg(h_has_opt(m.super, o),
			      "expected %s on %s with the options %s (mount's data argument); "
			      "mountinfo shows %s",
			      type, point, super, m.super);
}

/* Size and mode of a mounted directory: the size df(1) would show. */
static void assert_fs(pid_t pid, const char *point, unsigned long long bytes, unsigned mode)
{
	char *path = h_printf("/proc/%d/root%s", (int)pid, point);
	struct statfs fs;
	struct stat st;

	ck_assert_msg(statfs(path, &fs) == 0 && stat(path, &st) == 0, "statfs(%s): %s", path,
		      strerror(errno));
	ck_assert_msg((unsigned long long)fs.f_blocks * fs.f_bsize == bytes &&
			      (st.st_mode & 07777) == mode,
		      "expected %s to be %llu bytes (df) with mode %04o; saw %llu bytes, mode %04o",
		      point, bytes, mode, (unsigned long long)fs.f_blocks * fs.f_bsize,
		      (unsigned)(st.st_mode & 07777));
	free(path);
}

START_TEST(test_mount_ns_proc_sys_tmp_flags)
{
	struct h_proc p;
	struct h_run r;
	char host[256];

	gethostname(host, sizeof(host));
	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	/* rw: a read-only /proc refuses the command's own files too
	 * (/proc/self/oom_score_adj, a user namespace's uid_map). */
	assert_mount(child, "/proc", "proc", "rw,nosuid,nodev,noexec", "");
	assert_mount(child, "/sys", "sysfs", "ro,nosuid,nodev,noexec", "");
	assert_mount(child, "/tmp", "tmpfs", "rw,nosuid,nodev", "size=65536k");
	assert_fs(child, "/tmp", 64ull << 20, 01777);
	char *changes = h_runtime_changes(p.pid, host);
	ck_assert_msg(changes == NULL,
		      "expected the runtime (PID %d) to keep the host's root and mounts while "
		      "its container runs: the mounts belong in the child; but %s",
		      (int)p.pid, changes);
	h_finish(&p, &r);
	h_run_free(&r);
}
END_TEST

START_TEST(test_mount_ns_dev_flags_and_nodes)
{
	static const struct {
		const char *path;
		unsigned major, minor;
	} nodes[] = { { "null", 1, 3 },	  { "zero", 1, 5 },    { "full", 1, 7 },
		      { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 } };
	static const char *const links[][2] = { { "ptmx", "pts/ptmx" },
						{ "fd", "/proc/self/fd" },
						{ "stdin", "/proc/self/fd/0" },
						{ "stdout", "/proc/self/fd/1" },
						{ "stderr", "/proc/self/fd/2" } };
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	assert_mount(child, "/dev", "tmpfs", "nosuid,noexec", "size=64k,mode=755");
	assert_fs(child, "/dev", 64 << 10, 0755);
	assert_mount(child, "/dev/pts", "devpts", "nosuid,noexec", "mode=620,ptmxmode=666");
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		char *path = h_printf("/proc/%d/root/dev/%s", (int)child, nodes[i].path);
		struct stat st;
		ck_assert_msg(lstat(path, &st) == 0, "expected /dev/%s in the container: %s",
			      nodes[i].path, strerror(errno));
		ck_assert_msg(S_ISCHR(st.st_mode) && major(st.st_rdev) == nodes[i].major &&
				      minor(st.st_rdev) == nodes[i].minor &&
				      (st.st_mode & 07777) == 0666,
			      "expected /dev/%s a character device %u:%u with mode 0666 (mknod, "
			      "then chmod: the umask trims mknod's mode); saw %s %u:%u mode %04o",
			      nodes[i].path, nodes[i].major, nodes[i].minor,
			      S_ISCHR(st.st_mode) ? "a character device" : "another file type",
			      major(st.st_rdev), minor(st.st_rdev), (unsigned)(st.st_mode & 07777));
		free(path);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		char *path = h_printf("/proc/%d/root/dev/%s", (int)child, links[i][0]);
		char target[256] = "";
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		ck_assert_msg(strcmp(target, links[i][1]) == 0,
			      "expected /dev/%s a symlink to %s; saw \"%s\"", links[i][0],
			      links[i][1], target);
		free(path);
	}
	char *ptmx = h_printf("/proc/%d/root/dev/pts/ptmx", (int)child);
	char *pts = h_printf("/proc/%d/root/dev/pts", (int)child);
	struct stat st, host_pts;
	ck_assert_msg(stat(pts, &st) == 0 &&
			      (stat("/dev/pts", &host_pts) != 0 || st.st_dev != host_pts.st_dev),
		      "expected /dev/pts a devpts instance of the container's own (newinstance), "
		      "not the host's");
	free(pts);
	ck_assert_msg(stat(ptmx, &st) == 0 && (st.st_mode & 07777) == 0666,
		      "expected /dev/pts/ptmx with mode 0666 (devpts ptmxmode=0666), so that "
		      "anyone can open a pty; saw %04o",
		      (unsigned)(st.st_mode & 07777));
	free(ptmx);
	h_finish(&p, &r);
	h_run_free(&r);
}
END_TEST

/* A volume mounted into the rootfs (as docker's -v, or a separate /var):
 * the bind mount of the rootfs onto itself takes the mounts beneath it along
 * only with MS_REC; without it the container sees the bare directory. Made in
 * a mount namespace of the test's own. */
START_TEST(test_mount_ns_rootfs_submounts_kept)
{
	char *rootfs = h_printf("%s/rootfs", h_tmp), *mnt = h_printf("%s/mnt", rootfs);
	char *marker = h_printf("%s/marker", mnt), *token = h_random_token();
	char *want = h_printf("%s\nmounted on /mnt\n", token);
	const char *opts[] = { "--rootfs", rootfs, NULL };
	struct h_run r;

	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s", strerror(errno));
	ck_assert(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
	ck_assert_msg(mkdir(rootfs, 0755) == 0 &&
			      mount(h_rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) == 0 &&
			      mount("byoc-volume", mnt, "tmpfs", 0, "size=64k") == 0,
		      "setting up a rootfs with a tmpfs on its /mnt at %s: %s", rootfs,
		      strerror(errno));
	h_write_file(marker, token, 0644);
	h_container_sh(&r, opts,
		       "cat /mnt/marker; echo; "
		       "awk '$5 == \"/mnt\" { print \"mounted on /mnt\" }' /proc/self/mountinfo",
		       NULL);
	umount2(mnt, MNT_DETACH);
	umount2(rootfs, MNT_DETACH);
	h_assert_ran_inside(&r);
	ck_assert_msg(r.status == 0 && strcmp(r.out, want) == 0,
		      "expected the tmpfs mounted on the rootfs's /mnt (a volume) to be the "
		      "container's /mnt, holding the file the test wrote there:\n%s"
		      "saw (status %d):\n%s%s(bind the rootfs onto itself with MS_BIND | MS_REC: "
		      "without MS_REC the mounts beneath it are left out)",
		      want, r.status, r.out, r.err);
	free(rootfs);
	free(mnt);
	free(marker);
	free(token);
	free(want);
	h_run_free(&r);
}
END_TEST

/* /tmp is nosuid,nodev but not noexec: compilers, test runners and package
 * scripts run what they write there. */
START_TEST(test_mount_ns_tmp_runs_programs)
{
	struct h_mount m = { "", "", "" };
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, NULL,
			  "printf '#!/bin/sh\\necho ran\\n' > /tmp/prog && chmod 755 /tmp/prog && "
			  "/tmp/prog; " H_WAIT_SCRIPT,
			  NULL);
	h_assert_ready(&p);
	bool found = h_mount_of(h_first_child(p.pid), "/tmp", &m);
	h_finish(&p, &r);
	ck_assert_msg(strcmp(r.out, "ran\nready\n") == 0 && found && !h_has_opt(m.opts, "noexec"),
		      "expected a program written to /tmp to run there (a tmpfs on /tmp, "
		      "nosuid,nodev, not noexec); saw \"%s%s\", and mountinfo shows /tmp %s%s",
		      r.out, r.err, found ? "with " : "not mounted", m.opts);
	h_run_free(&r);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "03-mount-ns";
	/* First: what a wrong stage leaves in the rootfs would be in the copy
	 * of any later test. */
	h_add(s, test_mount_ns_rootfs_unchanged_on_disk, 2, HINT_PIVOT);
	h_add(s, test_mount_ns_namespace_differs, 2, HINT_PIVOT);
	h_add(s, test_mount_ns_mountinfo_is_own, 3, HINT_PIVOT);
	h_add(s, test_mount_ns_mounts_stay_inside, 3, HINT_PIVOT);
	h_add(s, test_mount_ns_private_on_a_shared_host, 3, HINT_PIVOT);
	h_add(s, test_mount_ns_private_under_a_shared_submount, 3, HINT_PIVOT);
	h_add(s, test_mount_ns_rootfs_submounts_kept, 2, HINT_PIVOT);
	h_add(s, test_mount_ns_host_files_unreachable, 2, HINT_PIVOT);
	h_add(s, test_mount_ns_breakout_fails, 2, HINT_PIVOT);
	h_add(s, test_mount_ns_ps_sees_only_the_container, 2, HINT_MOUNTS);
	h_add(s, test_mount_ns_dev_is_minimal, 3, HINT_DEV);
	h_add(s, test_mount_ns_dev_shm_is_tmpfs, 1, HINT_SHM);
	h_add(s, test_mount_ns_dev_flags_and_nodes, 3, HINT_DEV);
	h_add(s, test_mount_ns_proc_sys_tmp_flags, 3, HINT_MOUNTS);
	h_add(s, test_mount_ns_sys_is_read_only, 1, HINT_MOUNTS);
	h_add(s, test_mount_ns_tmp_runs_programs, 1, HINT_MOUNTS);
	h_add(s, test_mount_ns_leaves_host_mounts_unchanged, 2, HINT_PIVOT);
	h_add(s, test_mount_ns_bad_input_exit_statuses, 2, HINT_FAULTS);
	h_add(s, test_mount_ns_sigkill_runtime_kills_container, 2, HINT_FAULTS);
}
