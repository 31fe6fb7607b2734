/* rtnetlink through libmnl: one socket per network namespace, requests that
 * the kernel answers with an ACK, and each message written out with -v. The
 * messages themselves are built by the step 06 stage; the lesson is
 * steps/06-netns-veth/README.md. See netlink(7), rtnetlink(7). */
#pragma once

#include <linux/netlink.h>
#include <stdint.h>

#include "error.h"

struct mnl_socket;

struct byoc_nl {
	struct mnl_socket *sock; /* NULL when closed */
	uint32_t seq;		 /* the sequence number of the last request */
	uint32_t portid;
};

/* A buffer that holds one request (see MNL_SOCKET_BUFFER_SIZE). */
#define BYOC_NL_BUF 8192

/* Open and bind a NETLINK_ROUTE socket. It speaks for the network namespace
 * the caller is in when it opens it, for its whole life. */
int byoc_nl_open(struct byoc_nl *nl, struct byoc_error *err);
void byoc_nl_close(struct byoc_nl *nl);

/* Start a request of `type` (RTM_NEWLINK...) in `buf` (BYOC_NL_BUF bytes):
 * NLM_F_REQUEST | NLM_F_ACK | `flags`, the next sequence number. */
struct nlmsghdr *byoc_nl_request(struct byoc_nl *nl, void *buf, uint16_t type, uint16_t flags);

/* Send the request, log it with -v, and read the kernel's answer: 0 for an
 * ACK, or < 0 with `err` naming `what` and the kernel's errno. */
int byoc_nl_talk(struct byoc_nl *nl, struct nlmsghdr *nlh, const char *what,
		 struct byoc_error *err);

/* Each message and attribute, one line each, as -v and the lesson show
 * them; `out` gets at most `len` bytes. */
void byoc_nl_describe(const struct nlmsghdr *nlh, char *out, size_t len);
