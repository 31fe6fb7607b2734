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
	{ "mount(overlay", EINVAL,
	  "overlayfs refused these options, and the kernel's log says why ('dmesg | tail'): a "
	  "--layer on an overlay of overlays stacks too deep (two levels at most), or a layer's "
	  "file system cannot be stacked" },
	{ "mount", EINVAL, "the kernel refused these mount flags or this source; see mount(2)" },
	{ "mount", ELOOP,
	  "overlayfs refuses layers that overlap: no --layer may contain another layer or the "
	  "rootfs" },
	{ "mknod", EEXIST, "the device node already exists: /dev should be a fresh tmpfs" },
	{ "setresuid", EINVAL,
	  "0 has no ID outside in this user namespace: the userns stage's after_clone() must "
	  "write uid_map first (steps/10-userns/README.md)" },
	{ "setresgid", EINVAL,
	  "0 has no ID outside in this user namespace: the userns stage's after_clone() must "
	  "write gid_map first (steps/10-userns/README.md)" },
	{ "setgroups", EPERM,
	  "setgroups is denied in this user namespace (a normal user's map): skip it when "
	  "u->deny_setgroups is set" },
	{ "mount(overlay", EACCES,
	  "root inside a user namespace cannot reach or write the overlay's directories: the "
	  "child must be root of its namespace (steps/10-userns/README.md, \"Your task: root "
	  "inside\") and own them, chowned to the ID root maps to, behind a state directory "
	  "of mode 0711 (\"Your task: a layer root owns\")" },
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
	{ "cap_drop_bound", EPERM,
	  "dropping from the bounding set needs CAP_SETPCAP: run as root (sudo)" },
	{ "cap_set_proc", EPERM,
	  "capset(2) cannot raise a capability that the permitted set or the bounding set lacks: "
	  "put into the sets only what the bounding set still holds" },
	{ NULL, EPERM, "operation not permitted: run as root (sudo)" },
	{ NULL, EACCES, "permission denied: run as root (sudo), and check the file's mode" },
};

/* What a hint above that says "run as root" means to a process that is root
 * already, which it would send in a circle: the capability it lacks. */
static const struct {
	const char *call; /* NULL: the fallback for any call */
	int errnum;
	const char *hint;
} root_hints[] = {
	{ "chroot", EPERM,
	  "chroot needs CAP_SYS_CHROOT, which this process lacks (a stage dropped it, or the "
	  "caller never had it)" },
	{ "clone", EPERM,
	  "new namespaces need CAP_SYS_ADMIN, which this process lacks, or the machine forbids "
	  "them: inside a container, the outer runtime (its seccomp profile, AppArmor) may" },
	{ "mount", EPERM,
	  "mounting needs CAP_SYS_ADMIN in the mount namespace's owning user namespace, which "
	  "this process lacks (a stage dropped it), or a security module refused the mount" },
	{ "cap_drop_bound", EPERM,
	  "dropping from the bounding set needs CAP_SETPCAP, and this process has given it up "
	  "already: drop the bounding set first, before cap_set_proc() sets the smaller sets" },
	{ NULL, EPERM,
	  "operation not permitted, even to root: this process lacks the capability it needs (a "
	  "stage dropped it, or its caller never had it), or a security module (AppArmor, "
	  "SELinux, seccomp) refused it" },
	{ NULL, EACCES,
	  "permission denied, even to root: check the file's mode and the mount's options "
	  "(noexec, read-only), or a security module refused it" },
};

/* The hint for `what` ("mount(overlay, ...)") failing with `errnum`; `call`
 * is its bare name ("mount"). */
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
	for (size_t i = 0; geteuid() == 0 && i < sizeof(root_hints) / sizeof(root_hints[0]); i++) {
		const char *h = hints[found].call, *r = root_hints[i].call;
		if (root_hints[i].errnum == errnum && (h && r ? strcmp(h, r) == 0 : h == r))
			return root_hints[i].hint;
	}
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
