/* Step 03: a mount namespace, pivot_root, and the container's own /proc,
 * /dev, /sys and /tmp. The lesson is steps/03-mount-ns/README.md. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "container.h"
#include "log.h"

/* Make the rootfs the root mount of the container's mount namespace, with
 * nothing of the host's mount tree left above or below it. */
static int pivot_into_rootfs(const char *rootfs, struct byoc_error *err)
{
	/* BEGIN SOLUTION: the recipe, in order (see pivot_root(2)), with
	 * int mount(const char *source, const char *target, const char *fstype,
	 * unsigned long flags, const void *data), long syscall(SYS_pivot_root,
	 * const char *new_root, const char *put_old), int umount2(const char *target,
	 * int flags) and int chdir(const char *path), each wrapped in
	 * BYOC_SYS(err, call, "name(...)"); return -1 when one is < 0:
	 * 1. mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL): nothing we mount
	 *    propagates to the host, and pivot_root accepts no shared mounts;
	 * 2. bind-mount the rootfs onto itself (MS_BIND | MS_REC): pivot_root
	 *    needs the new root to be a mount point, and MS_REC brings the mounts
	 *    beneath the rootfs along;
	 * 3. chdir(rootfs), then pivot_root(".", ".") with syscall(SYS_pivot_root):
	 *    the old root now sits on top of ".";
	 * 4. make the old root private (MS_REC | MS_PRIVATE) and detach it with
	 *    umount2(".", MNT_DETACH): the host's mounts are gone from the container;
	 * 5. chdir("/").
	 * No directory is made for the old root: the rootfs stays as it is on disk.
	 * Checked by test_mount_ns_mountinfo_is_own, test_mount_ns_mounts_stay_inside,
	 * test_mount_ns_private_under_a_shared_submount,
	 * test_mount_ns_rootfs_submounts_kept,
	 * test_mount_ns_rootfs_unchanged_on_disk and test_mount_ns_breakout_fails;
	 * explained in steps/03-mount-ns/README.md, "Your task: pivot_root". */
	if (BYOC_SYS(err, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL),
		     "mount(/, MS_REC|MS_PRIVATE)") < 0)
		return -1;
	if (BYOC_SYS(err, mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL),
		     "mount(%s, MS_BIND|MS_REC)", rootfs) < 0)
		return -1;
	if (BYOC_SYS(err, chdir(rootfs), "chdir(%s)", rootfs) < 0)
		return -1;
	if (BYOC_SYS(err, syscall(SYS_pivot_root, ".", "."), "pivot_root(., .)") < 0)
		return -1;
	if (BYOC_SYS(err, mount(NULL, ".", NULL, MS_REC | MS_PRIVATE, NULL),
		     "mount(old root, MS_REC|MS_PRIVATE)") < 0)
		return -1;
	if (BYOC_SYS(err, umount2(".", MNT_DETACH), "umount2(old root, MNT_DETACH)") < 0)
		return -1;
	if (BYOC_SYS(err, chdir("/"), "chdir(/)") < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

static int mount_proc(struct byoc_error *err)
{
	/* BEGIN SOLUTION: mount a new proc file system on /proc with
	 * mount("proc", "/proc", "proc", flags, NULL), flags MS_NOSUID | MS_NODEV |
	 * MS_NOEXEC, through BYOC_SYS(). Mounted from inside the new PID namespace,
	 * it shows that namespace's processes only.
	 * Checked by test_mount_ns_ps_sees_only_the_container and
	 * test_mount_ns_proc_sys_tmp_flags; explained in steps/03-mount-ns/README.md,
	 * "Your task: /proc, /sys and /tmp". */
	if (BYOC_SYS(err, mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL),
		     "mount(proc, /proc)") < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

static int mount_sys_and_tmp(struct byoc_error *err)
{
	/* BEGIN SOLUTION: with mount(source, target, fstype, flags, data) through
	 * BYOC_SYS(): sysfs on /sys read-only (source "sysfs", flags MS_RDONLY |
	 * MS_NOSUID | MS_NODEV | MS_NOEXEC, data NULL), and a tmpfs on /tmp
	 * (source "tmpfs", flags MS_NOSUID | MS_NODEV, data "mode=1777,size=64m";
	 * not MS_NOEXEC: programs run from /tmp).
	 * Checked by test_mount_ns_sys_is_read_only, test_mount_ns_mountinfo_is_own,
	 * test_mount_ns_proc_sys_tmp_flags and test_mount_ns_tmp_runs_programs;
	 * explained in steps/03-mount-ns/README.md, "Your task: /proc, /sys and /tmp". */
	if (BYOC_SYS(err,
		     mount("sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			   NULL),
		     "mount(sysfs, /sys, MS_RDONLY)") < 0)
		return -1;
	if (BYOC_SYS(err,
		     mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m"),
		     "mount(tmpfs, /tmp)") < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

static int mount_dev(struct byoc_container *c, struct byoc_error *err)
{
	/* BEGIN SOLUTION: each call through BYOC_SYS(); return -1 when one fails.
	 * Mount a small tmpfs on /dev (mount("tmpfs", "/dev", "tmpfs", flags, data),
	 * flags MS_NOSUID | MS_NOEXEC, data "mode=755,size=64k").
	 * Checked by test_mount_ns_dev_is_minimal and test_mount_ns_dev_flags_and_nodes;
	 * explained in steps/03-mount-ns/README.md, "Your task: a minimal /dev". */
	if (BYOC_SYS(err,
		     mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k"),
		     "mount(tmpfs, /dev)") < 0)
		return -1;
	/* END SOLUTION */

	/* The devices a container gets, as docker gives them (lib/devices.h). */
	for (size_t i = 0; i < BYOC_STD_DEVS; i++) {
		const char *path = byoc_std_devs[i].path;
		dev_t dev = makedev(byoc_std_devs[i].major, byoc_std_devs[i].minor);
		/* 10-userns: in a user namespace mknod(2) is refused, and that
		 * stage binds the machine's node instead. */
		if (c->make_dev) {
			if (c->make_dev(c, path, dev, err) < 0)
				return -1;
			continue;
		}
		/* BEGIN SOLUTION: int mknod(const char *path, mode_t mode, dev_t dev)
		 * with mode S_IFCHR | 0666 and dev (made with makedev(), from
		 * <sys/sysmacros.h>), then int chmod(const char *path, mode_t mode)
		 * to 0666, since the umask trims mknod's mode; each through
		 * BYOC_SYS(err, call, "mknod(%s)", path), returning -1 when one fails.
		 * Checked by test_mount_ns_dev_flags_and_nodes; explained in
		 * steps/03-mount-ns/README.md, "Your task: a minimal /dev". */
		if (BYOC_SYS(err, mknod(path, S_IFCHR | 0666, dev), "mknod(%s)", path) < 0 ||
		    BYOC_SYS(err, chmod(path, 0666), "chmod(%s)", path) < 0)
			return -1;
		/* END SOLUTION */
	}

	/* BEGIN SOLUTION: int mkdir(const char *path, mode_t mode) /dev/pts (0755)
	 * and mount a new devpts instance there ("devpts", flags MS_NOSUID |
	 * MS_NOEXEC, data "newinstance,ptmxmode=0666,mode=0620"); with
	 * int symlink(const char *target, const char *linkpath), make /dev/ptmx a
	 * link to "pts/ptmx", and /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr
	 * links to /proc/self/fd, /proc/self/fd/0, 1 and 2.
	 * Checked by test_mount_ns_dev_is_minimal and test_mount_ns_dev_flags_and_nodes;
	 * explained in steps/03-mount-ns/README.md, "Your task: a minimal /dev". */
	static const char *const links[][2] = {
		{ "pts/ptmx", "/dev/ptmx" },	      { "/proc/self/fd", "/dev/fd" },
		{ "/proc/self/fd/0", "/dev/stdin" },  { "/proc/self/fd/1", "/dev/stdout" },
		{ "/proc/self/fd/2", "/dev/stderr" },
	};
	if (BYOC_SYS(err, mkdir("/dev/pts", 0755), "mkdir(/dev/pts)") < 0)
		return -1;
	if (BYOC_SYS(err,
		     mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
			   "newinstance,ptmxmode=0666,mode=0620"),
		     "mount(devpts, /dev/pts)") < 0)
		return -1;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (BYOC_SYS(err, symlink(links[i][0], links[i][1]), "symlink(%s)", links[i][1]) <
		    0)
			return -1;
	/* END SOLUTION */
	return 0;
}

/* POSIX shared memory (shm_open(3)) and Python's multiprocessing live in
 * /dev/shm; docker gives every container one. */
static int mount_dev_shm(struct byoc_error *err)
{
	/* BEGIN SOLUTION: mkdir /dev/shm, and mount a tmpfs there (MS_NOSUID |
	 * MS_NODEV | MS_NOEXEC, data "mode=1777,size=64m": anyone may create
	 * files, as in /tmp, and the size is bounded).
	 * Checked by test_mount_ns_dev_shm_is_tmpfs; explained in
	 * steps/03-mount-ns/README.md, "Your task: a minimal /dev". */
	if (BYOC_SYS(err, mkdir("/dev/shm", 0755), "mkdir(/dev/shm)") < 0)
		return -1;
	if (BYOC_SYS(err,
		     mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			   "mode=1777,size=64m"),
		     "mount(tmpfs, /dev/shm)") < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

static int mount_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	if (pivot_into_rootfs(c->root, err) < 0 || mount_proc(err) < 0 || mount_dev(c, err) < 0 ||
	    mount_dev_shm(err) < 0 || mount_sys_and_tmp(err) < 0)
		return -1;
	return 0;
}

const struct byoc_stage byoc_stage_mount = {
	.name = "mount",
	.supersedes = "chroot", /* pivot_root does chroot's job, and closes its hole */
	/* BEGIN SOLUTION: ask clone() for a new mount namespace: .clone_flags =
	 * its CLONE_NEW* flag from <sched.h> (see clone(2)).
	 * Checked by test_mount_ns_namespace_differs; explained in
	 * steps/03-mount-ns/README.md, "Your task: pivot_root". */
	.clone_flags = CLONE_NEWNS,
	/* END SOLUTION */
	.child_setup = mount_child_setup,
};
