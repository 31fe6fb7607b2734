/* Step 08: /proc and /sys hold the machine's own knobs (core_pattern,
 * sysrq-trigger, the keyrings, the kernel's memory): the container sees them
 * masked or read-only, as Docker's do. And the container gets a session and
 * a session keyring of its own. The lesson is
 * steps/08-devices-and-proc/README.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "log.h"

/* Masked: an empty read-only tmpfs on a directory, /dev/null on a file.
 * runc's and containerd's defaults, with current Docker's additions
 * (/proc/interrupts, the powercap tree). */
static const char *const masked_paths[] = {
	"/proc/acpi",	    "/proc/asound",	 "/proc/interrupts",
	"/proc/kcore",	    "/proc/keys",	 "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/scsi",	    "/sys/firmware",	 "/sys/devices/virtual/powercap",
};

/* Read-only: bound onto themselves, then remounted read-only. */
static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* An O_PATH fd names one file and no other, whatever a path resolves to
 * later: mounting on "/proc/self/fd/N" mounts on that file. O_NOFOLLOW
 * refuses a symbolic link, which an image could plant to redirect a mount
 * elsewhere (runc's CVE-2025-31133 class). Returns the fd, -ENOENT when the
 * path does not exist (this kernel lacks it), or < 0 with `err` filled. */
static int open_path(const char *path, struct stat *st, struct byoc_error *err)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0)
		return byoc_error_sys(err, errno, "open(%s, O_PATH|O_NOFOLLOW)", path);
	if (fstat(fd, st) < 0) {
		int r = byoc_error_sys(err, errno, "fstat(%s)", path);
		close(fd);
		return r;
	}
	if (S_ISLNK(st->st_mode)) {
		close(fd);
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "%s is a symbolic link: refused, so that no link can send a "
				      "mount elsewhere",
				      path);
	}
	return fd;
}

static void fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/* Hide `path`: /dev/null (open as `null_fd`) over a file, an empty read-only
 * tmpfs over a directory. */
static int mask_path(const char *path, int null_fd, struct byoc_error *err)
{
	/* BEGIN SOLUTION: open the path with
	 * int open_path(const char *path, struct stat *st, struct byoc_error *err)
	 * (above): -ENOENT means this kernel lacks it, so return 0; any other
	 * value < 0, return -1. Give the fd to a _cleanup_close_ int. Then,
	 * with fd_path() making "/proc/self/fd/N" of an fd, mount on the fd's
	 * path, not on `path`:
	 * - a directory (S_ISDIR(st.st_mode)): mount("tmpfs", fdpath, "tmpfs",
	 *   MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755");
	 * - anything else: bind /dev/null over it, mount(nullpath, fdpath, NULL,
	 *   MS_BIND, NULL), nullpath being fd_path() of null_fd.
	 * Each through BYOC_SYS(err, call, "mount(%s, ...)", path).
	 * Checked by test_proc_masked_paths_are_empty and
	 * test_proc_kcore_and_keys_masked; explained in
	 * steps/08-devices-and-proc/README.md, "Your task: masked paths". */
	struct stat st;
	char fdpath[32], nullpath[32];
	_cleanup_close_ int fd = open_path(path, &st, err);

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return -1;
	fd_path(fd, fdpath, sizeof(fdpath));
	fd_path(null_fd, nullpath, sizeof(nullpath));
	if (S_ISDIR(st.st_mode))
		return BYOC_SYS(err,
				mount("tmpfs", fdpath, "tmpfs",
				      MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755"),
				"mount(tmpfs, %s, MS_RDONLY)", path);
	return BYOC_SYS(err, mount(nullpath, fdpath, NULL, MS_BIND, NULL),
			"mount(/dev/null, %s, MS_BIND)", path);
	/* END SOLUTION */
	return 0;
}

/* The per-mount flags a read-only remount must keep: a remount sets them
 * all anew (see mount(2), "Remounting an existing mount"). */
static unsigned long kept_flags(int fd)
{
	struct statvfs sv;
	unsigned long flags = 0;

	if (fstatvfs(fd, &sv) < 0)
		return MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (sv.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	return flags;
}

/* Make `path` read-only, and the tree below it. */
static int readonly_path(const char *path, struct byoc_error *err)
{
	/* BEGIN SOLUTION: open the path with open_path() as in mask_path()
	 * (-ENOENT: return 0). A mount's read-only flag is per mount, so make
	 * the path a mount of its own first: bind it onto itself,
	 * mount(fdpath, fdpath, NULL, MS_BIND | MS_REC, NULL). The fd still
	 * names the file on the mount below, so open_path() the path again:
	 * that fd names the new mount (check that st_dev and st_ino are the
	 * same as before, or refuse). Then remount that one read-only:
	 * mount(NULL, its fdpath, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY |
	 * kept_flags(its fd), NULL). Each through BYOC_SYS().
	 * Checked by test_proc_sys_is_read_only and
	 * test_proc_sysrq_trigger_is_read_only; explained in
	 * steps/08-devices-and-proc/README.md, "Your task: read-only paths". */
	struct stat st, top_st;
	char fdpath[32], toppath[32];
	_cleanup_close_ int fd = open_path(path, &st, err);

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return -1;
	fd_path(fd, fdpath, sizeof(fdpath));
	if (BYOC_SYS(err, mount(fdpath, fdpath, NULL, MS_BIND | MS_REC, NULL), "mount(%s, MS_BIND)",
		     path) < 0)
		return -1;
	_cleanup_close_ int top = open_path(path, &top_st, err);
	if (top < 0)
		return top == -ENOENT ? byoc_error_sys(err, ENOENT, "open(%s)", path) : -1;
	if (top_st.st_dev != st.st_dev || top_st.st_ino != st.st_ino)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "%s changed while it was bound onto itself: refused", path);
	fd_path(top, toppath, sizeof(toppath));
	return BYOC_SYS(err,
			mount(NULL, toppath, NULL,
			      MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags(top), NULL),
			"mount(%s, MS_REMOUNT|MS_RDONLY)", path);
	/* END SOLUTION */
	return 0;
}

/* A session of its own: without one, the container shares the caller's
 * session, controlling terminal and process group (TIOCSTI could type into
 * the caller's shell; kill(0, ...) reaches the runtime and make). And a
 * session keyring of its own, not the machine's root's. */
static int own_session(struct byoc_error *err)
{
	/* BEGIN SOLUTION: pid_t setsid(void) (see setsid(2)): a new session
	 * and process group, with no controlling terminal; then join a new
	 * anonymous session keyring with
	 * syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) (see
	 * keyctl(2)). Each through BYOC_SYS(err, call, "setsid") and
	 * BYOC_SYS(err, call, "keyctl(KEYCTL_JOIN_SESSION_KEYRING)").
	 * Checked by test_session_is_its_own and test_session_keyring_is_its_own;
	 * explained in steps/08-devices-and-proc/README.md, "Your task: a
	 * session of its own". */
	if (BYOC_SYS(err, setsid(), "setsid") < 0)
		return -1;
	if (BYOC_SYS(err, syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL),
		     "keyctl(KEYCTL_JOIN_SESSION_KEYRING)") < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

/* --privileged: /sys writable, as docker gives it; step 03 mounted it
 * read-only. */
static int sys_writable(struct byoc_error *err)
{
	if (BYOC_SYS(err, umount2("/sys", MNT_DETACH), "umount2(/sys)") < 0)
		return -1;
	return BYOC_SYS(err,
			mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL),
			"mount(sysfs, /sys)");
}

static int proc_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	struct stat st;

	if (own_session(err) < 0)
		return -1;
	if (c->opts->privileged)
		return sys_writable(err);
	/* The container's /dev/null, which step 03 made: it must be the real
	 * one, or a mask would show something else. */
	_cleanup_close_ int null_fd = open_path("/dev/null", &st, err);
	if (null_fd == -ENOENT)
		return byoc_error_sys(err, ENOENT, "open(/dev/null)");
	if (null_fd < 0)
		return -1;
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "/dev/null is not the null device (1:3): refused to mask "
				      "with it");
	for (size_t i = 0; i < sizeof(masked_paths) / sizeof(masked_paths[0]); i++)
		if (mask_path(masked_paths[i], null_fd, err) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(readonly_paths) / sizeof(readonly_paths[0]); i++)
		if (readonly_path(readonly_paths[i], err) < 0)
			return -1;
	/* An OCI bundle's own lists (byoc create), on top. */
	for (const char *const *p = c->opts->masked_extra; p && *p; p++)
		if (mask_path(*p, null_fd, err) < 0)
			return -1;
	for (const char *const *p = c->opts->readonly_extra; p && *p; p++)
		if (readonly_path(*p, err) < 0)
			return -1;
	return 0;
}

const struct byoc_stage byoc_stage_proc = {
	.name = "proc",
	.child_setup = proc_child_setup,
};
