/* What step 06's network needs besides its netlink messages: --subnet, the
 * lease of a /30 and a host-side link name for each container (kept in its
 * state directory, so that containers starting at once never get the same),
 * the container's /etc/hostname, /etc/hosts and /etc/resolv.conf, and the
 * removal of the links of dead runtimes. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "netlink.h"

/* --subnet's default: 198.18.0.0/15 is set aside for benchmarking network
 * devices (RFC 2544) and not used on the internet, so home and campus
 * networks do not hand it out. 256 containers, a /30 each. */
#define BYOC_SUBNET_DEFAULT "198.18.0.0/22"

struct byoc_state;

/* The etc files the container gets, written in its state directory. */
enum { BYOC_ETC_HOSTNAME, BYOC_ETC_HOSTS, BYOC_ETC_RESOLV, BYOC_ETC_COUNT };

struct byoc_net_ctx {
	/* byoc_net_lease(): one /30 of --subnet, and a link name. */
	uint32_t host_addr, peer_addr; /* host byte order */
	unsigned prefix;	       /* 30 */
	char host_link[16];	       /* IFNAMSIZ: "byoc7" */
	bool leased;
	bool created;	   /* the pair exists: cleanup deletes host_link */
	struct byoc_nl nl; /* the runtime's socket, in its own namespace */
	int etc_fd[BYOC_ETC_COUNT];
};

void byoc_net_defaults(struct byoc_net_ctx *n);

/* "10.1.0.0/16": a network address (host bits zero) and a prefix of 1 to
 * 30. Returns 0, or -EINVAL with a message (status 125). */
int byoc_net_parse_subnet(const char *text, uint32_t *net, unsigned *prefix,
			  struct byoc_error *err);

/* "198.18.0.1" from a host-order address; `buf` holds 16 bytes. */
const char *byoc_net_ntoa(uint32_t addr, char *buf);

/* Lease the lowest free /30 of the subnet and the lowest free name byocN
 * among the containers alive (under the state root's lock), skipping those
 * the runtime's network namespace already has, and record them in the
 * state directory's journal ("net BLOCK LINK NETNS_INODE"). */
int byoc_net_lease(struct byoc_net_ctx *n, struct byoc_state *st, uint32_t subnet, unsigned prefix,
		   struct byoc_error *err);

/* Write <state>/hostname, hosts and resolv.conf, and keep a detached mount
 * of each (open_tree(2)) for byoc_net_etc_mount(). `addr` is 0 for --net
 * none. */
int byoc_net_etc_write(struct byoc_net_ctx *n, const struct byoc_state *st, const char *hostname,
		       uint32_t addr, struct byoc_error *err);

/* Clone the files that byoc_net_etc_write() wrote in `dir` into detached
 * mounts, n->etc_fd, for byoc_net_etc_mount() to attach after pivot_root:
 * in the runtime when it is root, in the child (step 10's userns stage)
 * when it is not. */
int byoc_net_etc_clone(struct byoc_net_ctx *n, const char *dir, struct byoc_error *err);

/* In the container, after pivot_root: attach each file over the rootfs's own
 * (move_mount(2); a mount in the container's namespace, so the image is
 * never written). */
int byoc_net_etc_mount(const struct byoc_net_ctx *n, struct byoc_error *err);

void byoc_net_release(struct byoc_net_ctx *n);

/* For the clean-up of a dead container (lib/gc.c): delete the host end
 * named in the state directory `dirfd`'s journal, if this process is in the
 * network namespace that made it. Returns whether it deleted one, and names
 * it in `link` (16 bytes). */
bool byoc_net_gc(int dirfd, char *link);
