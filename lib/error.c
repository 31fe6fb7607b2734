#define _GNU_SOURCE
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Hints for the failures a student meets most. A NULL call matches any call. */
static const struct {
	const char *call;
	int errnum;
	const char *hint;
} hints[] = {
	{ "chroot", ENOENT,
	  "the root file system is missing: build it with 'sudo make rootfs' or pass --rootfs "
	  "DIR" },
	{ "chroot", ENOTDIR, "--rootfs must name a directory" },
	{ "chroot", EPERM, "chroot needs CAP_SYS_CHROOT: run as root (sudo)" },
	{ "chdir", ENOENT, "the directory does not exist" },
	{ "chdir", ENOTDIR, "--rootfs must name a directory" },
	{ "clone", EPERM,
	  "new namespaces need CAP_SYS_ADMIN: run as root (sudo); inside a container, the outer "
	  "runtime may forbid them" },
	{ "clone", EINVAL, "the kernel refused this combination of namespace flags; see clone(2)" },
	{ "clone", ENOSPC, "too many namespaces of one type: see /proc/sys/user/max_*_namespaces" },
	{ "clone", EUSERS, "too many nested namespaces: see user_namespaces(7)" },
	{ "pivot_root", EINVAL,
	  "the new root must be a mount point and neither it nor its parent may have shared "
	  "propagation: make / private (MS_REC|MS_PRIVATE) and bind-mount the new root onto itself "
	  "first; see pivot_root(2)" },
	{ "pivot_root", EBUSY, "the new root or the old root is busy; see pivot_root(2)" },
	{ "pivot_root", EPERM,
	  "pivot_root needs CAP_SYS_ADMIN in its own mount namespace: did the stage ask for "
	  "CLONE_NEWNS?" },
	{ "mount", ENOSPC, "too many mounts: see /proc/sys/fs/mount-max" },
	{ "mount", ENODEV,
	  "the kernel does not know this file system type: try 'modprobe' for it" },
	{ "mount", ENOENT,
	  "the mount point or source does not exist: the lab's rootfs has /proc, /dev, /sys and "
	  "/tmp; build it with 'sudo make rootfs'" },
	{ "mount", EINVAL, "the kernel refused these mount flags or this source; see mount(2)" },
	{ "mount", ELOOP,
	  "overlayfs refuses layers that overlap: no --layer may contain another layer, the "
	  "rootfs or the state directory (--state-dir)" },
	{ "mknod", EEXIST, "the device node already exists: /dev should be a fresh tmpfs" },
	{ "umount2", EINVAL, "not a mount point, or MNT_DETACH was not given; see umount(2)" },
	{ "mount", EPERM,
	  "mounting needs CAP_SYS_ADMIN in the mount namespace's owning user namespace: run as "
	  "root (sudo)" },
	{ "sethostname", EINVAL, "a hostname is 1 to 64 bytes; see sethostname(2)" },
	{ "sethostname", EPERM,
	  "sethostname needs CAP_SYS_ADMIN in its own UTS namespace: did the stage ask for "
	  "CLONE_NEWUTS?" },
	{ "execve", ENOENT,
	  "no such file inside the container: the path is resolved in the container's root file "
	  "system, not the host's" },
	{ "execve", ENOTDIR, "a component of the path is not a directory inside the container" },
	{ "execve", EACCES,
	  "not executable: it lacks the x permission, is a directory, or lies on a noexec mount" },
	{ "execve", ENOEXEC,
	  "the kernel cannot run this file: a script needs a '#!' line naming an interpreter that "
	  "exists in the container" },
	{ "RTM_NEWLINK", EEXIST,
	  "a link of that name is already in this network namespace (ip link show); a dead "
	  "runtime's host end goes with 'sudo make clean-host'" },
	{ "RTM_NEWLINK", EOPNOTSUPP, "this kernel has no veth driver: run 'sudo modprobe veth'" },
	{ "RTM_NEWLINK", EINVAL,
	  "the kernel could not parse the request: check each nest and the peer's ifinfomsg; see "
	  "steps/06-netns-veth/README.md, \"The messages\"" },
	{ "RTM_NEWROUTE", ENETUNREACH,
	  "the gateway is on no subnet of the link: RTA_GATEWAY goes in network byte order "
	  "(htonl) and must lie in eth0's /30" },
	{ "RTM_NEWROUTE", EEXIST, "the namespace has a default route already" },
	{ "RTM_NEWADDR", EEXIST, "the link has that address already" },
	{ "if_nametoindex", ENODEV,
	  "no link of that name in this network namespace (ip link show)" },
	{ NULL, EPERM, "operation not permitted: run as root (sudo)" },
	{ NULL, EACCES, "permission denied: run as root (sudo), and check the file's mode" },
};

const char *byoc_explain(const char *call, int errnum)
{
	const char *fallback = NULL;

	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if (hints[i].errnum != errnum)
			continue;
		if (hints[i].call == NULL) {
			if (fallback == NULL)
				fallback = hints[i].hint;
		} else if (call && strcmp(hints[i].call, call) == 0) {
			return hints[i].hint;
		}
	}
	return fallback;
}

const char *byoc_errno_name(int errnum, char *buf, size_t len)
{
	const char *name = strerrorname_np(errnum);

	if (name)
		return name;
	snprintf(buf, len, "E%d", errnum);
	return buf;
}

int byoc_error_sys(struct byoc_error *err, int errnum, const char *what_fmt, ...)
{
	char what[256], call[64], namebuf[16];
	va_list ap;
	size_t n;

	va_start(ap, what_fmt);
	vsnprintf(what, sizeof(what), what_fmt, ap);
	va_end(ap);

	/* The call's name is what stands before '(' in "chroot(/path)". */
	n = strcspn(what, "( ");
	if (n >= sizeof(call))
		n = sizeof(call) - 1;
	memcpy(call, what, n);
	call[n] = '\0';

	const char *hint = byoc_explain(call, errnum);
	snprintf(err->msg, sizeof(err->msg), "%s: %s (%s)%s%s", what,
		 byoc_errno_name(errnum, namebuf, sizeof(namebuf)), strerror(errnum),
		 hint ? ": " : "", hint ? hint : "");
	err->errnum = errnum;
	err->status = BYOC_EXIT_RUNTIME;
	return errnum > 0 ? -errnum : -EIO;
}

int byoc_error_set(struct byoc_error *err, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->errnum = 0;
	err->status = status;
	return -EINVAL;
}
