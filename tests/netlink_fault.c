/* A fault at the netlink boundary, preloaded into the runtime by step 06's
 * suite (LD_PRELOAD): what no kernel setting gives on demand, made exact.
 *
 * It acts only in the runtime's own process, not in the container's child.
 * On the runtime's first RTM_NEWLINK that creates a link (the veth pair):
 *   BYOC_FAULT_TAKE_NAME=PATH  make a link of the same name first (a veth
 *                           pair whose peer the kernel names), as another
 *                           runtime racing for the name would, and write
 *                           the name to PATH: the kernel then refuses the
 *                           runtime's pair with EEXIST.
 * On the runtime's first RTM_NEWADDR request, which comes right after the
 * veth pair exists (the address of the host end):
 *   BYOC_FAULT_PIN=PATH     bind-mount the network namespace of the runtime's
 *                           first child onto PATH (a file it creates), so
 *                           that the kernel cannot remove the pair with the
 *                           namespace: what the runtime deletes itself is
 *                           then gone, and what it leaves stays, whatever
 *                           the kernel's timing.
 *   BYOC_FAULT_NEWADDR=N    then fail that request's sendto() with errno N.
 * The test runs in a mount namespace of its own, so the pin goes with it. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

static pid_t runtime_pid;
static int acted, took;

__attribute__((constructor)) static void remember_runtime(void)
{
	runtime_pid = getpid();
}

/* The first child of this process, from /proc (proc(5), "children"). */
static pid_t first_child(void)
{
	char path[64];
	int pid = 0;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)gettid());
	FILE *f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid;
}

static void pin_netns(const char *at)
{
	char ns[64];
	pid_t child = first_child();
	int fd = open(at, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	if (fd >= 0)
		close(fd);
	snprintf(ns, sizeof(ns), "/proc/%d/ns/net", (int)child);
	/* A failure shows to the test: PATH is then no mount. */
	if (child > 0)
		(void)mount(ns, at, NULL, MS_BIND, NULL);
}

/* The IFLA_IFNAME of an RTM_NEWLINK request, or NULL (rtnetlink(7)). */
static const char *link_name(const struct nlmsghdr *nlh)
{
	const struct rtattr *a = (const void *)((const char *)NLMSG_DATA(nlh) +
						NLMSG_ALIGN(sizeof(struct ifinfomsg)));
	int left = (int)nlh->nlmsg_len - NLMSG_LENGTH(sizeof(struct ifinfomsg));

	for (; RTA_OK(a, left); a = RTA_NEXT(a, left))
		if (a->rta_type == IFLA_IFNAME)
			return RTA_DATA(a);
	return NULL;
}

static void take_name(const char *name, const char *record)
{
	char cmd[128];
	FILE *f;

	if (!name || strlen(name) >= 16 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(name))
		return;
	snprintf(cmd, sizeof(cmd), "ip link add %s type veth >/dev/null 2>&1", name);
	if (system(cmd) == 0 && (f = fopen(record, "we"))) {
		fputs(name, f);
		fclose(f);
	}
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	static ssize_t (*next)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
	const struct nlmsghdr *nlh = buf;

	if (!next)
		next = (ssize_t(*)(int, const void *, size_t, int, const struct sockaddr *,
				   socklen_t))dlsym(RTLD_NEXT, "sendto");
	if (!took && getpid() == runtime_pid && len >= sizeof(*nlh) &&
	    nlh->nlmsg_type == RTM_NEWLINK && (nlh->nlmsg_flags & NLM_F_CREATE)) {
		const char *record = getenv("BYOC_FAULT_TAKE_NAME");
		took = 1;
		if (record)
			take_name(link_name(nlh), record);
	}
	if (!acted && getpid() == runtime_pid && len >= sizeof(*nlh) &&
	    nlh->nlmsg_type == RTM_NEWADDR) {
		const char *pin = getenv("BYOC_FAULT_PIN"), *fail = getenv("BYOC_FAULT_NEWADDR");
		acted = 1;
		if (pin)
			pin_netns(pin);
		if (fail) {
			errno = atoi(fail);
			return -1;
		}
	}
	return next(fd, buf, len, flags, to, tolen);
}
