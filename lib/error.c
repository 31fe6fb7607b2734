#define _GNU_SOURCE
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Hints for the failures a student meets most. A NULL call matches any call;
 * a call with its first argument ("mount(overlay") matches only that use of
 * it, before the bare call does. */
static const struct {
	const char *call;
	int errnum;
	const char *hint;
	/* For a process that is root already, where "run as root" would send
	 * it in a circle; NULL: the same hint. */
	const char *root_hint;
} hints[] = {
	{ "chroot", ENOENT,
	  "the root file system is missing: build it with 'sudo make rootfs' or pass --rootfs "
	  "DIR",
	  NULL },
	{ "chroot", ENOTDIR, "--rootfs must name a directory", NULL },
	{ "chroot", EPERM, "chroot needs CAP_SYS_CHROOT: run as root (sudo)",
	  "chroot needs CAP_SYS_CHROOT, which this process lacks (a stage dropped it, or the "
	  "caller never had it)" },
	{ "chdir", ENOENT, "the directory does not exist", NULL },
	{ "chdir", ENOTDIR, "--rootfs must name a directory", NULL },
	{ "clone", EPERM,
	  "new namespaces need CAP_SYS_ADMIN: run as root (sudo); inside a container, the outer "
	  "runtime may forbid them",
	  "new namespaces need CAP_SYS_ADMIN, which this process lacks, or the machine forbids "
	  "them: inside a container, the outer runtime (its seccomp profile, AppArmor) may" },
	{ "clone", EINVAL, "the kernel refused this combination of namespace flags; see clone(2)",
	  NULL },
	{ "clone", ENOSPC, "too many namespaces of one type: see /proc/sys/user/max_*_namespaces",
	  NULL },
	{ "clone", EUSERS, "too many nested namespaces: see user_namespaces(7)", NULL },
	{ "pivot_root", EINVAL,
	  "the new root must be a mount point and neither it nor its parent may have shared "
	  "propagation: make / private (MS_REC|MS_PRIVATE) and bind-mount the new root onto itself "
	  "first; see pivot_root(2)",
	  NULL },
	{ "pivot_root", EBUSY, "the new root or the old root is busy; see pivot_root(2)", NULL },
	{ "pivot_root", EPERM,
	  "pivot_root needs CAP_SYS_ADMIN in its own mount namespace: did the stage ask for "
	  "CLONE_NEWNS?",
	  NULL },
	{ "mount", ENOSPC, "too many mounts: see /proc/sys/fs/mount-max", NULL },
	{ "mount", ENODEV, "the kernel does not know this file system type: try 'modprobe' for it",
	  NULL },
	{ "mount", ENOENT,
	  "the mount point or source does not exist: the lab's rootfs has /proc, /dev, /sys and "
	  "/tmp; build it with 'sudo make rootfs'",
	  NULL },
	{ "mount(overlay", EINVAL,
	  "overlayfs refused these options, and the kernel's log says why ('dmesg | tail'): a "
	  "--layer on an overlay of overlays stacks too deep (two levels at most), or a layer's "
	  "file system cannot be stacked",
	  NULL },
	{ "mount", EINVAL, "the kernel refused these mount flags or this source; see mount(2)",
	  NULL },
	{ "mount", ELOOP,
	  "overlayfs refuses layers that overlap: no --layer may contain another layer, the "
	  "rootfs or the state directory (--state-dir)",
	  NULL },
	{ "mknod", EEXIST, "the device node already exists: /dev should be a fresh tmpfs", NULL },
	{ "umount2", EINVAL, "not a mount point, or MNT_DETACH was not given; see umount(2)",
	  NULL },
	{ "mount", EPERM,
	  "mounting needs CAP_SYS_ADMIN in the mount namespace's owning user namespace: run as "
	  "root (sudo)",
	  "mounting needs CAP_SYS_ADMIN in the mount namespace's owning user namespace, which "
	  "this process lacks (a stage dropped it), or a security module refused the mount" },
	{ "sethostname", EINVAL, "a hostname is 1 to 64 bytes; see sethostname(2)", NULL },
	{ "sethostname", EPERM,
	  "sethostname needs CAP_SYS_ADMIN in its own UTS namespace: did the stage ask for "
	  "CLONE_NEWUTS?",
	  NULL },
	{ "execve", ENOENT,
	  "no such file inside the container: the path is resolved in the container's root file "
	  "system, not the host's",
	  NULL },
	{ "execve", ENOTDIR, "a component of the path is not a directory inside the container",
	  NULL },
	{ "execve", EACCES,
	  "not executable: it lacks the x permission, is a directory, or lies on a noexec mount",
	  NULL },
	{ "execve", ENOEXEC,
	  "the kernel cannot run this file: a script needs a '#!' line naming an interpreter that "
	  "exists in the container",
	  NULL },
	{ "RTM_NEWLINK", EEXIST,
	  "a link of that name is already in this network namespace (ip link show); a dead "
	  "runtime's host end goes with 'sudo make clean-host'",
	  NULL },
	{ "RTM_NEWLINK", EOPNOTSUPP, "this kernel has no veth driver: run 'sudo modprobe veth'",
	  NULL },
	{ "RTM_NEWLINK", EINVAL,
	  "the kernel could not parse the request: check each nest and the peer's ifinfomsg; see "
	  "steps/06-netns-veth/README.md, \"The messages\"",
	  NULL },
	{ "RTM_NEWROUTE", ENETUNREACH,
	  "the gateway is on no subnet of the link: RTA_GATEWAY goes in network byte order "
	  "(htonl) and must lie in eth0's /30",
	  NULL },
	{ "RTM_NEWROUTE", EEXIST, "the namespace has a default route already", NULL },
	{ "RTM_NEWADDR", EEXIST, "the link has that address already", NULL },
	{ "if_nametoindex", ENODEV, "no link of that name in this network namespace (ip link show)",
	  NULL },
	{ "cap_drop_bound", EPERM,
	  "dropping from the bounding set needs CAP_SETPCAP: run as root (sudo)",
	  "dropping from the bounding set needs CAP_SETPCAP, and this process has given it up "
	  "already: drop the bounding set first, before cap_set_proc() sets the smaller sets" },
	{ "cap_set_proc", EPERM,
	  "capset(2) cannot raise a capability that the permitted set or the bounding set lacks: "
	  "put into the sets only what the bounding set still holds",
	  NULL },
	{ NULL, EPERM, "operation not permitted: run as root (sudo)",
	  "operation not permitted, even to root: this process lacks the capability it needs (a "
	  "stage dropped it, or its caller never had it), or a security module (AppArmor, "
	  "SELinux, seccomp) refused it" },
	{ NULL, EACCES, "permission denied: run as root (sudo), and check the file's mode",
	  "permission denied, even to root: check the file's mode and the mount's options "
	  "(noexec, read-only), or a security module refused it" },
};

/* The hint for `what` ("mount(overlay, ...)" or the bare "chroot") failing
 * with `errnum`; `call` is its bare name. */
static const char *explain(const char *what, const char *call, int errnum)
{
	int fallback = -1, bare = -1, found = -1;

	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]) && found < 0; i++) {
		const char *h = hints[i].call;
		if (hints[i].errnum != errnum)
			continue;
		if (h == NULL) {
			if (fallback < 0)
				fallback = (int)i;
		} else if (strchr(h, '(')) {
			if (what && strncmp(what, h, strlen(h)) == 0)
				found = (int)i;
		} else if (bare < 0 && call && strcmp(h, call) == 0) {
			bare = (int)i;
		}
	}
	if (found < 0)
		found = bare >= 0 ? bare : fallback;
	if (found < 0)
		return NULL;
	if (hints[found].root_hint && geteuid() == 0)
		return hints[found].root_hint;
	return hints[found].hint;
}

const char *byoc_explain(const char *call, int errnum)
{
	return explain(NULL, call, errnum);
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

	const char *hint = explain(what, call, errnum);
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
