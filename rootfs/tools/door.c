/* door: the escape probe, for the lessons of steps 07 and 08.
 *
 * Root inside a container can reach the machine through many doors: a knob of
 * /proc/sys, a device node made with mknod(2), a new mount, an old cgroup v1
 * release_agent, a file handle, a terminal shared with the host. A test runs
 * this program inside the container to try one door, and reads whether the
 * kernel let it through. Capabilities (step 07), the devices cgroup and the
 * masked and read-only paths of /proc and /sys (step 08) should hold them all.
 *
 * It never does harm: it proves a door open only by open(), mount() or ioctl()
 * succeeding, then undoes what it did. It never writes to a kernel knob or to
 * a device, reads no device beyond what is said below, and never opens a
 * watchdog (opening one arms it).
 *
 * Usage: door SUBCOMMAND [ARG...]   (door --help lists them)
 *   door openw PATH                 open PATH for writing; write nothing
 *   door write PATH VALUE           write VALUE to PATH: only the lab's throwaway
 *                                   VM's escape suite does, and puts it back
 *   door read PATH                  read at most 64 KiB, or count a directory
 *   door stat PATH                  type, device numbers and file system magic
 *   door mknod-open c|b MAJOR MINOR make /dev/door-node-PID, open it (and for a
 *                                   block device read its first 4 KiB); /dev,
 *                                   as a container's /dev is, allows device
 *                                   nodes where /tmp is mounted nodev
 *   door mknod-openw c MAJOR MINOR  the same for a char device, opened for
 *                                   writing and never written
 *   door mount DIR                  mount a 64 KiB tmpfs on DIR, unmount it
 *   door unshare-mount              a new mount namespace, a tmpfs on /tmp
 *   door userns-mount               a new user and mount namespace, a tmpfs
 *                                   on /tmp
 *   door cgroup-v1 DIR              mount a named cgroup v1 hierarchy on DIR,
 *                                   open its release_agent for writing
 *   door shocker PATH               open PATH again by its file handle
 *   door tiocsti FD|TTY             push one '#' into a terminal's input
 *   door kill0 SIGNAL               send SIGNAL to the whole process group
 *   door keyring                    the serial of the session keyring
 *   door session                    session, process group and process IDs
 *
 * Output: exactly one line on stdout. Exit 0 and "open ..." if the kernel let
 * the probe through; 1 and "held CALL ENAME" if the system call CALL failed
 * with ENAME; 2 and "error ..." if the probe could not even ask (a missing
 * path, a bad file descriptor), or 2 and a usage message on stderr. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "probe.h"

/* Errors that mean the probe could not even ask: the path is not there, the
 * file descriptor is not open, an argument the kernel cannot parse. Any other
 * error is the kernel's answer to the question, a door held. */
static bool cannot_ask(int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
	case ELOOP:
	case EBADF:
	case EFAULT:
	case EINVAL:
	case EEXIST:
	case ENOSPC:
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		return true;
	}
	return false;
}

/* CALL failed: "held CALL ENAME", or "error CALL ENAME" (see cannot_ask). */
static int refused(const char *call)
{
	int err = errno;

	if (cannot_ask(err))
		return report(ERROR, "error %s %s", call, errno_name(err));
	return report(HELD, "held %s %s", call, errno_name(err));
}

/* CALL failed, and whatever the reason the probe cannot answer. */
static int failed(const char *call)
{
	return report(ERROR, "error %s %s", call, errno_name(errno));
}

/* A decimal number no larger than max; false for anything else. */
static bool parse_number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *out <= max;
}

/* Opening a watchdog device starts its timer: close it without writing the
 * magic 'V' and the machine reboots when the timer runs out (the kernel's
 * Documentation/watchdog/watchdog-api.rst). These are the old misc device
 * 10:130 and every char major /proc/devices names "watchdog" (watchdogN). */
static bool is_watchdog(unsigned maj, unsigned min)
{
	char line[128], name[64];
	unsigned num;
	bool found = false;
	FILE *f;

	if (maj == 10 && min == 130)
		return true;
	f = fopen("/proc/devices", "re");
	if (!f)
		return false; /* no /proc: only 10:130 is known */
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Block", 5) == 0)
			break; /* the char devices come first */
		found = sscanf(line, "%u %63s", &num, name) == 2 && num == maj &&
			strcmp(name, "watchdog") == 0;
	}
	fclose(f);
	return found;
}

/* Whether PATH (or, with follow false, PATH itself if it is a symbolic link)
 * is a watchdog. If stat(2) fails here, the open that follows fails too, and
 * says why. */
static bool watchdog_path(const char *path, bool follow)
{
	struct stat st;

	if ((follow ? stat(path, &st) : lstat(path, &st)) < 0)
		return false;
	return S_ISCHR(st.st_mode) && is_watchdog(major(st.st_rdev), minor(st.st_rdev));
}

static int watchdog_refused(const char *what)
{
	return report(ERROR, "error %s is a watchdog: not opened", what);
}

/* umount2(2) right after the mount, which nothing has had time to use; if it
 * is busy all the same, detach it: the probe never leaves a mount behind. */
static int take_off(const char *dir)
{
	if (umount2(dir, 0) == 0)
		return 0;
	return umount2(dir, MNT_DETACH);
}

/* door openw PATH: for /proc/sys and sysfs files the kernel checks the file's
 * mode, the read-only mount and the caller's rights at open(2); writing would
 * be the next step, and this program never takes it (no O_TRUNC either).
 * O_NONBLOCK: a FIFO with no reader would block the open forever. */
static int try_openw(char **args)
{
	int fd;

	if (watchdog_path(args[0], true))
		return watchdog_refused(args[0]);
	fd = open(args[0], O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return refused("open");
	close(fd);
	return report(OPEN, "open");
}

/* door write PATH VALUE: the real write, for the lab's throwaway VM alone
 * (make check-v2), whose escape suite puts every knob back afterwards. No
 * test on a machine of its own calls it. */
static int try_write(char **args)
{
	size_t len = strlen(args[1]);
	ssize_t n;
	int fd;

	if (watchdog_path(args[0], true))
		return watchdog_refused(args[0]);
	fd = open(args[0], O_WRONLY | O_TRUNC | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return refused("open");
	n = write(fd, args[1], len);
	if (n < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return refused("write");
	}
	close(fd);
	return report(OPEN, "open wrote %zd bytes", n);
}

/* The entries of a directory other than . and .., see readdir(3). */
static int count_entries(int fd)
{
	unsigned long n = 0;
	struct dirent *e;
	DIR *dir = fdopendir(fd);
	int err;

	if (!dir) {
		close(fd);
		return failed("fdopendir");
	}
	errno = 0;
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	err = errno; /* readdir() leaves it alone at the end */
	closedir(dir);
	if (err) {
		errno = err;
		return refused("readdir");
	}
	return report(OPEN, "open %lu entries", n);
}

/* At most 64 KiB. A masked file (/dev/null bound over it) reads 0 bytes;
 * EAGAIN (O_NONBLOCK, nothing to read now) ends the read like end of file. */
static int count_bytes(int fd)
{
	static char buf[64 * 1024];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(buf)) {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n == 0 || (n < 0 && errno == EAGAIN))
			break;
		if (n < 0) {
			int err = errno;

			close(fd);
			errno = err;
			return refused("read");
		}
		got += (size_t)n;
	}
	close(fd);
	return report(OPEN, "open %zu bytes", got);
}

/* door read PATH. O_NONBLOCK and O_NOCTTY: a FIFO or a terminal can neither
 * hang the probe nor become its controlling terminal, see open(2). */
static int try_read(char **args)
{
	struct stat st;
	int fd;

	if (watchdog_path(args[0], true))
		return watchdog_refused(args[0]);
	fd = open(args[0], O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return refused("open");
	if (fstat(fd, &st) < 0) {
		close(fd);
		return failed("fstat");
	}
	return S_ISDIR(st.st_mode) ? count_entries(fd) : count_bytes(fd);
}

static const char *type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "dir";
	case S_IFCHR:
		return "chr";
	case S_IFBLK:
		return "blk";
	case S_IFLNK:
		return "link";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "sock";
	}
	return "other";
}

/* door stat PATH: a masked /proc/kcore is /dev/null bound over it, "chr 1:3"
 * on a tmpfs or devtmpfs (fs=0x1021994); the real one is a file of procfs
 * (fs=0x9fa0). See stat(2), statfs(2). */
static int try_stat(char **args)
{
	struct stat st;
	struct statfs fs;
	dev_t dev;

	if (lstat(args[0], &st) < 0)
		return failed("lstat");
	if (statfs(args[0], &fs) < 0)
		return failed("statfs");
	dev = S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? st.st_rdev : st.st_dev;
	return report(OPEN, "open %s %u:%u fs=0x%lx", type_name(st.st_mode), major(dev), minor(dev),
		      (unsigned long)fs.f_type);
}

/* The ext2/3/4 superblock starts at byte 1024 of the device, its magic 0xef53
 * (little-endian: 53 ef) at byte 56 of it: the kernel's
 * Documentation/filesystems/ext4/super.rst. */
static int superblock_line(const unsigned char *sb, ssize_t n, int err)
{
	if (n < 0)
		return report(OPEN, "open superblock-unreadable %s", errno_name(err));
	if (n < 1082)
		return report(OPEN, "open superblock-short %zd bytes", n);
	return report(OPEN, "open superblock-magic %02x %02x", sb[1080], sb[1081]);
}

/* Open the node made by try_mknod_open, read a block device's first 4 KiB,
 * remove the node, then say what happened. A char device is opened and
 * closed, never read; O_NONBLOCK so that a serial line does not wait for its
 * carrier, O_NOCTTY so that a terminal does not become ours. */
static int open_node(const char *node, bool blk, bool write_only)
{
	static unsigned char sb[4096];
	int flags =
		(write_only ? O_WRONLY : O_RDONLY) | O_NOCTTY | O_CLOEXEC | (blk ? 0 : O_NONBLOCK);
	int fd = open(node, flags);
	int open_err = errno, read_err = 0;
	ssize_t n = -1;

	if (fd >= 0 && blk) {
		n = read(fd, sb, sizeof(sb));
		read_err = errno;
	}
	if (fd >= 0)
		close(fd);
	if (unlink(node) < 0)
		return failed("unlink");
	if (fd < 0) {
		errno = open_err;
		return refused("open");
	}
	return blk ? superblock_line(sb, n, read_err) : report(OPEN, "open");
}

/* door mknod-open c|b MAJOR MINOR. mknod(2) needs CAP_MKNOD; open(2) of the
 * node then asks the devices cgroup (or its BPF program), and fails with
 * EACCES on a file system mounted nodev. */
/* door mknod-open; and door mknod-openw, for a char device opened for writing
 * and never written: reading /dev/kmsg also asks for CAP_SYSLOG where
 * kernel.dmesg_restrict is 1, opening it for writing does not. */
static int mknod_and_open(char **args, bool write_only)
{
	unsigned long maj, min;
	char node[64];
	bool blk = strcmp(args[0], "b") == 0;

	if ((!blk && strcmp(args[0], "c") != 0) || (blk && write_only) ||
	    !parse_number(args[1], 4095, &maj) || !parse_number(args[2], 0xfffff, &min))
		return USAGE;
	if (!blk && is_watchdog((unsigned)maj, (unsigned)min))
		return report(ERROR, "error c %lu %lu is a watchdog: not opened", maj, min);
	snprintf(node, sizeof(node), "/dev/door-node-%d", (int)getpid());
	if (unlink(node) < 0 && errno != ENOENT)
		return failed("unlink");
	if (mknod(node, (blk ? S_IFBLK : S_IFCHR) | 0600, makedev(maj, min)) < 0)
		return refused("mknod");
	return open_node(node, blk, write_only);
}

static int try_mknod_open(char **args)
{
	return mknod_and_open(args, false);
}

static int try_mknod_openw(char **args)
{
	return mknod_and_open(args, true);
}

/* A small tmpfs on dir, taken off at once; mount(2) needs CAP_SYS_ADMIN. */
static int tmpfs_door(const char *dir)
{
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k") < 0)
		return refused("mount");
	if (take_off(dir) < 0)
		return failed("umount2");
	return report(OPEN, "open");
}

static int try_mount(char **args)
{
	return tmpfs_door(args[0]);
}

/* door unshare-mount: a mount namespace of the probe's own (unshare(2)),
 * every mount in it made private first so that nothing propagates back to
 * the container's namespace (mount_namespaces(7)), then the tmpfs door. */
static int try_unshare_mount(char **args)
{
	(void)args;
	if (unshare(CLONE_NEWNS) < 0)
		return refused("unshare");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return refused("mount");
	return tmpfs_door("/tmp");
}

/* door userns-mount: a user namespace of the probe's own, in which it holds
 * every capability (user_namespaces(7)), with a mount namespace that it owns,
 * then the tmpfs door. No capability is needed, so only a seccomp filter
 * stops it; the kernel code it reaches as "root" is where bugs were found
 * (CVE-2022-0185 in fsconfig, CVE-2023-32233 in nf_tables). */
static int try_userns_mount(char **args)
{
	(void)args;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return refused("unshare");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return refused("mount");
	return tmpfs_door("/tmp");
}

/* door cgroup-v1 DIR: a new, named cgroup v1 hierarchy with no controller.
 * Its root holds release_agent, the program the kernel runs as root of the
 * machine when a cgroup empties (cgroups(7)): the CVE-2022-0492 escape. Since
 * that fix the kernel checks again at write(2); the probe stops at open(2),
 * and never writes. */
static int try_cgroup_v1(char **args)
{
	char knob[PATH_MAX];
	int fd, err;

	if (snprintf(knob, sizeof(knob), "%s/release_agent", args[0]) >= (int)sizeof(knob))
		return USAGE;
	if (mount("cgroup", args[0], "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "none,name=byoc-door") < 0)
		return refused("mount");
	fd = open(knob, O_WRONLY | O_CLOEXEC);
	err = errno;
	if (fd >= 0)
		close(fd);
	if (take_off(args[0]) < 0)
		return failed("umount2");
	if (fd < 0) {
		errno = err;
		return refused("open");
	}
	return report(OPEN, "open release_agent writable");
}

/* door shocker PATH: the 2014 "shocker" escape from Docker. A file handle
 * names an inode by number, wherever it is: open_by_handle_at(2) can open a
 * file outside the container's root, so it needs CAP_DAC_READ_SEARCH. The
 * probe asks only for PATH's own handle, see name_to_handle_at(2). */
static int try_shocker(char **args)
{
	struct file_handle *fh;
	int mount_id, mount_fd, fd, err;

	if (watchdog_path(args[0], false))
		return watchdog_refused(args[0]);
	fh = malloc(sizeof(*fh) + MAX_HANDLE_SZ);
	if (!fh)
		return failed("malloc");
	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, args[0], fh, &mount_id, 0) < 0) {
		free(fh);
		return refused("name_to_handle_at");
	}
	/* Any fd on the same mount does, but not an O_PATH one: the kernel takes
	 * that for EBADF. O_NOFOLLOW, like flags 0 above. */
	mount_fd = open(args[0], O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (mount_fd < 0) {
		free(fh);
		return refused("open");
	}
	fd = open_by_handle_at(mount_fd, fh, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	err = errno;
	close(mount_fd);
	free(fh);
	if (fd < 0) {
		errno = err;
		return refused("open_by_handle_at");
	}
	close(fd);
	return report(OPEN, "open");
}

/* door tiocsti FD|TTY: TIOCSTI pushes a byte into a terminal's input, as if
 * typed; a shell of the host reading that terminal would run it. The kernel
 * allows it on the caller's controlling terminal, or with CAP_SYS_ADMIN, and
 * with dev.tty.legacy_tiocsti=0 only with CAP_SYS_ADMIN (EIO), see
 * ioctl_tty(2). The byte is '#', which a shell takes for a comment. */
static int try_tiocsti(char **args)
{
	const char c = '#';
	unsigned long num;
	int fd, ret, err;
	bool own = !parse_number(args[0], INT_MAX, &num);

	if (own && watchdog_path(args[0], true))
		return watchdog_refused(args[0]);
	fd = own ? open(args[0], O_RDWR | O_NOCTTY | O_CLOEXEC) : (int)num;
	if (fd < 0)
		return refused("open");
	ret = ioctl(fd, TIOCSTI, &c);
	err = errno;
	if (own)
		close(fd);
	if (ret < 0) {
		errno = err;
		return refused("ioctl");
	}
	return report(OPEN, "open");
}

/* door kill0 SIGNAL: kill(2) with pid 0 signals every process of the caller's
 * process group, this one included, which therefore ignores the signal first
 * (signal(2)). SIGKILL and SIGSTOP cannot be ignored: refused as bad usage. */
static int try_kill0(char **args)
{
	unsigned long num;
	int sig;

	if (!parse_number(args[0], (unsigned long)SIGRTMAX, &num))
		return USAGE;
	sig = (int)num;
	if (sig == SIGKILL || sig == SIGSTOP) {
		fprintf(stderr, "door: kill0: signal %d cannot be ignored: the probe would die\n",
			sig);
		return USAGE;
	}
	if (sig != 0 && signal(sig, SIG_IGN) == SIG_ERR)
		return failed("signal");
	if (kill(0, sig) < 0)
		return refused("kill");
	return report(OPEN, "open");
}

/* door keyring: no namespace but the user namespace separates keyrings; a
 * container that shares the host's session keyring can use its keys
 * (keyrings(7), session-keyring(7)). create=0: look it up, never make one,
 * see KEYCTL_GET_KEYRING_ID in keyctl(2). */
static int try_keyring(char **args)
{
	long id;

	(void)args;
	id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	if (id < 0)
		return refused("keyctl");
	return report(OPEN, "open session-keyring %ld", id);
}

/* door session: a process that shares its session with the host's shell can
 * reach that shell's terminal; see credentials(7), setsid(2). */
static int try_session(char **args)
{
	pid_t sid = getsid(0);

	(void)args;
	if (sid < 0)
		return failed("getsid");
	return report(OPEN, "open sid %d pgid %d pid %d", (int)sid, (int)getpgrp(), (int)getpid());
}

static const struct door {
	const char *name;
	int nargs;
	int (*try)(char **args);
	const char *usage;
} doors[] = {
	{ "openw", 1, try_openw,
	  "openw PATH                  open PATH for writing, write nothing" },
	{ "write", 2, try_write,
	  "write PATH VALUE            write VALUE: for the lab's throwaway VM only" },
	{ "read", 1, try_read,
	  "read PATH                   read at most 64 KiB, or count entries" },
	{ "stat", 1, try_stat, "stat PATH                   type, MAJ:MIN and file system magic" },
	{ "mknod-open", 3, try_mknod_open,
	  "mknod-open c|b MAJOR MINOR  make a device node in /dev and open it" },
	{ "mknod-openw", 3, try_mknod_openw,
	  "mknod-openw c MAJOR MINOR   the same, opened for writing, never written" },
	{ "mount", 1, try_mount, "mount DIR                   mount a tmpfs on DIR, unmount it" },
	{ "unshare-mount", 0, try_unshare_mount,
	  "unshare-mount               a new mount namespace, a tmpfs on /tmp" },
	{ "userns-mount", 0, try_userns_mount,
	  "userns-mount                a user and a mount namespace, a tmpfs on /tmp" },
	{ "cgroup-v1", 1, try_cgroup_v1,
	  "cgroup-v1 DIR               mount cgroup v1 on DIR, open release_agent" },
	{ "shocker", 1, try_shocker, "shocker PATH                open PATH by its file handle" },
	{ "tiocsti", 1, try_tiocsti, "tiocsti FD|TTY              push one '#' into a terminal" },
	{ "kill0", 1, try_kill0, "kill0 SIGNAL                signal the whole process group" },
	{ "keyring", 0, try_keyring, "keyring                     the session keyring's serial" },
	{ "session", 0, try_session, "session                     session, group and process IDs" },
};

#define NDOORS (sizeof(doors) / sizeof(doors[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: door SUBCOMMAND [ARG...], one door per run:\n");
	for (size_t i = 0; i < NDOORS; i++)
		fprintf(out, "  door %s\n", doors[i].usage);
	fprintf(out, "exit 0 \"open ...\", 1 \"held CALL ENAME\", 2 \"error ...\" or bad usage\n");
}

int main(int argc, char **argv)
{
	const struct door *d = NULL;
	int status;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return fflush(stdout) == 0 ? 0 : 2;
	}
	for (size_t i = 0; argc >= 2 && i < NDOORS; i++)
		if (strcmp(argv[1], doors[i].name) == 0)
			d = &doors[i];
	if (!d) {
		usage(stderr);
		return 2;
	}
	if (argc - 2 != d->nargs) {
		fprintf(stderr, "usage: door %s\n", d->usage);
		return 2;
	}
	status = d->try(argv + 2);
	if (status == USAGE) {
		fprintf(stderr, "usage: door %s\n", d->usage);
		return 2;
	}
	return fflush(stdout) == 0 ? status : 2;
}
