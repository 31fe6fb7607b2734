#define _GNU_SOURCE
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "state.h"

/* The new mount API (Linux 5.2), which older glibc does not wrap; see
 * open_tree(2) and move_mount(2). */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

static const char *const etc_names[BYOC_ETC_COUNT] = { "hostname", "hosts", "resolv.conf" };

void byoc_net_defaults(struct byoc_net_ctx *n)
{
	memset(n, 0, sizeof(*n));
	for (int i = 0; i < BYOC_ETC_COUNT; i++)
		n->etc_fd[i] = -1;
}

const char *byoc_net_ntoa(uint32_t addr, char *buf)
{
	struct in_addr in = { htonl(addr) };

	return inet_ntop(AF_INET, &in, buf, 16) ? buf : "?";
}

int byoc_net_parse_subnet(const char *text, uint32_t *net, unsigned *prefix, struct byoc_error *err)
{
	char addr[32], extra;
	struct in_addr in;
	unsigned p;
	uint32_t a, mask;

	if (sscanf(text, "%31[0-9.]/%u%c", addr, &p, &extra) != 2 ||
	    inet_pton(AF_INET, addr, &in) != 1 || strchr(text, '/')[1] == '+')
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "'%s' is not an IPv4 subnet: give ADDRESS/PREFIX, such as %s",
				      text, BYOC_SUBNET_DEFAULT);
	if (p > 30 || p < 1)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "'%s' holds no pair of addresses: each container takes a "
				      "/30 (its host end, its own, and the network and broadcast "
				      "addresses), so give a prefix of 1 to 30",
				      text);
	a = ntohl(in.s_addr);
	mask = ~0u << (32 - p);
	if (a & ~mask) {
		char base[16];
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "'%s' has host bits set: give the network address, %s/%u",
				      text, byoc_net_ntoa(a & mask, base), p);
	}
	*net = a;
	*prefix = p;
	return 0;
}

struct lease_req {
	struct byoc_net_ctx *n;
	uint32_t subnet;
	unsigned prefix;
	ino_t netns;
	uint32_t local[64]; /* IPv4 addresses already in the runtime's namespace */
	size_t n_local;
};

/* Whether the runtime's namespace already has an address in the /30 at
 * `block`, or a link named `link`: something else (another lab checkout with
 * its own state directory, a network of the machine) uses it. */
static bool in_use_here(const struct lease_req *q, uint32_t block, const char *link)
{
	for (size_t i = 0; !link && i < q->n_local; i++)
		if ((q->local[i] & ~3u) == block)
			return true;
	return link && if_nametoindex(link) != 0;
}

/* A journal's net record: "BLOCK LINK NETNS_INODE". */
static bool taken_by(char *const *taken, size_t n, const char *block, const char *link)
{
	for (size_t i = 0; i < n; i++) {
		char b[32], l[32];
		if (sscanf(taken[i], "%31s %31s", b, l) != 2)
			continue;
		if ((block && strcmp(b, block) == 0) || (link && strcmp(l, link) == 0))
			return true;
	}
	return false;
}

static int choose_lease(char *const *taken, size_t n, char *line, size_t len, void *arg,
			struct byoc_error *err)
{
	struct lease_req *q = arg;
	uint64_t size = 1ull << (32 - q->prefix), off;
	char block[16], subnet[16];
	unsigned k;

	for (off = 0; off < size; off += 4)
		if (!taken_by(taken, n, byoc_net_ntoa(q->subnet + (uint32_t)off, block), NULL) &&
		    !in_use_here(q, q->subnet + (uint32_t)off, NULL))
			break;
	if (off >= size)
		return byoc_error_set(
			err, BYOC_EXIT_RUNTIME,
			"--subnet %s/%u has no free pair of addresses left: running "
			"containers, or addresses this network namespace has, hold all "
			"%llu of its /30s; give a larger --subnet or stop a container",
			byoc_net_ntoa(q->subnet, subnet), q->prefix,
			(unsigned long long)(size / 4));
	for (k = 0;; k++) {
		snprintf(q->n->host_link, sizeof(q->n->host_link), "byoc%u", k);
		if (!taken_by(taken, n, NULL, q->n->host_link) &&
		    !in_use_here(q, 0, q->n->host_link))
			break;
	}
	q->n->host_addr = q->subnet + (uint32_t)off + 1;
	q->n->peer_addr = q->subnet + (uint32_t)off + 2;
	q->n->prefix = 30;
	snprintf(line, len, "%s %s %lu\n", block, q->n->host_link, (unsigned long)q->netns);
	return 0;
}

int byoc_net_lease(struct byoc_net_ctx *n, struct byoc_state *st, uint32_t subnet, unsigned prefix,
		   struct byoc_error *err)
{
	struct lease_req q = { .n = n, .subnet = subnet, .prefix = prefix };
	struct ifaddrs *ifs;
	struct stat ns;

	/* The namespace the host end lives in: the clean-up of a dead runtime
	 * deletes a link only from there. */
	if (stat("/proc/self/ns/net", &ns) < 0)
		return byoc_error_sys(err, errno, "stat(/proc/self/ns/net)");
	q.netns = ns.st_ino;
	if (getifaddrs(&ifs) < 0)
		return byoc_error_sys(err, errno, "getifaddrs");
	for (struct ifaddrs *i = ifs; i && q.n_local < 64; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET)
			q.local[q.n_local++] =
				ntohl(((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr.s_addr);
	freeifaddrs(ifs);
	if (byoc_state_claim(st, "net", choose_lease, &q, err) < 0)
		return -1;
	n->leased = true;
	byoc_log("net: leased %s for the host end %s", st->dir, n->host_link);
	return 0;
}

static int write_etc(int dirfd, const char *dir, const char *name, const char *text,
		     struct byoc_error *err)
{
	_cleanup_close_ int fd =
		openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return byoc_error_sys(err, errno, "open(%s/%s)", dir, name);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return byoc_error_sys(err, errno ? errno : EIO, "write(%s/%s)", dir, name);
	return 0;
}

/* The host's name servers, without those on its loopback (127.0.0.53 of
 * systemd-resolved), which the container cannot reach: as docker does. */
static void host_resolvers(char *out, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen("/etc/resolv.conf", "re");
	char line[256];
	size_t used = strlen(out);

	while (f && fgets(line, sizeof(line), f) && used + strlen(line) < len) {
		if (strncmp(line, "nameserver", 10) || strstr(line, " 127.") || strstr(line, "::1"))
			continue;
		memcpy(out + used, line, strlen(line) + 1);
		used += strlen(line);
	}
}

int byoc_net_etc_write(struct byoc_net_ctx *n, const struct byoc_state *st, const char *hostname,
		       uint32_t addr, struct byoc_error *err)
{
	_cleanup_close_ int dirfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char text[2048], ip[16];

	if (dirfd < 0)
		return byoc_error_sys(err, errno, "open(%s)", st->dir);
	snprintf(text, sizeof(text), "%s\n", hostname);
	if (write_etc(dirfd, st->dir, "hostname", text, err) < 0)
		return -1;
	snprintf(text, sizeof(text), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n%s\t%s\n",
		 addr ? byoc_net_ntoa(addr, ip) : "127.0.1.1", hostname);
	if (write_etc(dirfd, st->dir, "hosts", text, err) < 0)
		return -1;
	snprintf(text, sizeof(text),
		 "# the host's name servers; without a route out of the "
		 "container (see steps/06-netns-veth/README.md) none answers\n");
	host_resolvers(text, sizeof(text));
	if (write_etc(dirfd, st->dir, "resolv.conf", text, err) < 0)
		return -1;
	/* A normal user may not clone mounts here: its container's userns
	 * stage clones them in the child (see byoc_net_etc_clone()). */
	return geteuid() == 0 ? byoc_net_etc_clone(n, st->dir, err) : 0;
}

int byoc_net_etc_clone(struct byoc_net_ctx *n, const char *dir, struct byoc_error *err)
{
	_cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dirfd < 0)
		return byoc_error_sys(err, errno, "open(%s)", dir);
	/* A bind mount's source must be in the caller's mount namespace, and
	 * after pivot_root the state directory is in none the container can
	 * see. So clone each file into a detached mount now, for the child to
	 * attach later with move_mount(). */
	for (int i = 0; i < BYOC_ETC_COUNT; i++) {
		n->etc_fd[i] = (int)syscall(SYS_open_tree, dirfd, etc_names[i],
					    OPEN_TREE_CLONE | O_CLOEXEC);
		if (n->etc_fd[i] < 0)
			return byoc_error_sys(err, errno, "open_tree(%s/%s)", dir, etc_names[i]);
	}
	return 0;
}

int byoc_net_etc_mount(const struct byoc_net_ctx *n, struct byoc_error *err)
{
	for (int i = 0; i < BYOC_ETC_COUNT; i++) {
		char dst[64];

		/* A rootfs without the file has no mount point for it: leave it
		 * be rather than write the image. */
		snprintf(dst, sizeof(dst), "/etc/%s", etc_names[i]);
		if (n->etc_fd[i] < 0 || access(dst, F_OK) < 0) {
			byoc_log("net: %s: not in the rootfs, left alone", dst);
			continue;
		}
		if (BYOC_SYS(err,
			     syscall(SYS_move_mount, n->etc_fd[i], "", AT_FDCWD, dst,
				     MOVE_MOUNT_F_EMPTY_PATH),
			     "move_mount(state's %s, %s)", etc_names[i], dst) < 0)
			return -1;
	}
	return 0;
}

void byoc_net_release(struct byoc_net_ctx *n)
{
	for (int i = 0; i < BYOC_ETC_COUNT; i++) {
		if (n->etc_fd[i] >= 0)
			close(n->etc_fd[i]);
		n->etc_fd[i] = -1;
	}
	byoc_nl_close(&n->nl);
}

bool byoc_net_gc(int dirfd, char *link)
{
	char rec[256], block[32], nlbuf[BYOC_NL_BUF];
	struct byoc_nl nl = { 0 };
	struct byoc_error err = { 0 };
	unsigned long ino;
	struct stat ns;
	bool removed;

	if (!byoc_state_record(dirfd, "journal", "net", rec, sizeof(rec)) ||
	    sscanf(rec, "%31s %15s %lu", block, link, &ino) != 3 || strncmp(link, "byoc", 4) ||
	    stat("/proc/self/ns/net", &ns) < 0 || ns.st_ino != ino)
		return false;
	if (byoc_nl_open(&nl, &err) < 0)
		return false;
	struct nlmsghdr *nlh = byoc_nl_request(&nl, nlbuf, RTM_DELLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, link);
	/* ENODEV: the kernel destroyed it with the container's namespace. */
	removed = byoc_nl_talk(&nl, nlh, "RTM_DELLINK", &err) == 0;
	if (removed)
		byoc_log("state: removed link %s", link);
	byoc_nl_close(&nl);
	return removed;
}
