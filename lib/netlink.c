#define _GNU_SOURCE
#include "netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

int byoc_nl_open(struct byoc_nl *nl, struct byoc_error *err)
{
	nl->seq = (uint32_t)time(NULL);
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		return byoc_error_sys(err, errno, "socket(AF_NETLINK, NETLINK_ROUTE)");
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		byoc_nl_close(nl);
		return byoc_error_sys(err, e, "bind(netlink socket)");
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	return 0;
}

void byoc_nl_close(struct byoc_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

struct nlmsghdr *byoc_nl_request(struct byoc_nl *nl, void *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

int byoc_nl_talk(struct byoc_nl *nl, struct nlmsghdr *nlh, const char *what, struct byoc_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t got;
	int r;

	if (byoc_log_enabled()) {
		char text[4096], *line, *save = NULL;
		byoc_nl_describe(nlh, text, sizeof(text));
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			byoc_log("netlink: %s", line);
	}
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return byoc_error_sys(err, errno, "sendto(netlink, %s)", what);
	/* The answer to a request with NLM_F_ACK is one NLMSG_ERROR message:
	 * error 0 is the ACK, a negative errno the refusal; see netlink(7). */
	got = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
	if (got < 0)
		return byoc_error_sys(err, errno, "recvfrom(netlink, %s)", what);
	r = mnl_cb_run(buf, (size_t)got, nlh->nlmsg_seq, nl->portid, NULL, NULL);
	if (r < 0)
		return byoc_error_sys(err, errno, "%s", what);
	byoc_log("netlink: ACK (NLMSG_ERROR, error 0) for seq %u", nlh->nlmsg_seq);
	return 0;
}

/* ---- describing a message, for -v and the lesson ---- */

struct out {
	char *p;
	size_t left;
};

static void put(struct out *o, int depth, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void put(struct out *o, int depth, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(o->p, o->left, "%*s", 2 * depth, "");
	if (n < 0 || (size_t)n >= o->left)
		return;
	o->p += n, o->left -= (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(o->p, o->left, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->left)
		n = (int)o->left - 1;
	o->p += n, o->left -= (size_t)n;
	if (o->left > 1) {
		*o->p++ = '\n';
		*o->p = '\0';
		o->left--;
	}
}

static const char *link_attr(uint16_t t)
{
	switch (t) {
	case IFLA_ADDRESS:
		return "IFLA_ADDRESS";
	case IFLA_IFNAME:
		return "IFLA_IFNAME";
	case IFLA_MTU:
		return "IFLA_MTU";
	case IFLA_LINKINFO:
		return "IFLA_LINKINFO";
	case IFLA_NET_NS_PID:
		return "IFLA_NET_NS_PID";
	case IFLA_NET_NS_FD:
		return "IFLA_NET_NS_FD";
	}
	return NULL;
}

static void describe_link_attrs(struct out *o, const void *payload, size_t len, int depth);

static void describe_ifinfo(struct out *o, const struct ifinfomsg *ifi, int depth, const char *what)
{
	put(o, depth, "%s: ifi_index %d, ifi_flags %s, ifi_change %#x", what, ifi->ifi_index,
	    ifi->ifi_flags & IFF_UP ? "IFF_UP" : "0", ifi->ifi_change);
}

static void describe_linkinfo(struct out *o, const struct nlattr *nest, int depth)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
	{
		if (mnl_attr_get_type(a) == IFLA_INFO_KIND) {
			put(o, depth, "IFLA_INFO_KIND \"%s\"", mnl_attr_get_str(a));
		} else if (mnl_attr_get_type(a) == IFLA_INFO_DATA) {
			const struct nlattr *d;
			put(o, depth, "IFLA_INFO_DATA");
			mnl_attr_for_each_nested(d, a)
			{
				if (mnl_attr_get_type(d) != VETH_INFO_PEER ||
				    mnl_attr_get_payload_len(d) < sizeof(struct ifinfomsg))
					continue;
				/* The peer: an ifinfomsg, then its own attributes. */
				describe_ifinfo(o, mnl_attr_get_payload(d), depth + 1,
						"VETH_INFO_PEER, ifinfomsg");
				describe_link_attrs(o,
						    (const char *)mnl_attr_get_payload(d) +
							    sizeof(struct ifinfomsg),
						    mnl_attr_get_payload_len(d) -
							    sizeof(struct ifinfomsg),
						    depth + 2);
			}
		}
	}
}

static void describe_link_attrs(struct out *o, const void *payload, size_t len, int depth)
{
	const struct nlattr *attr;

	mnl_attr_for_each_payload(payload, len)
	{
		const char *name = link_attr(mnl_attr_get_type(attr));
		if (mnl_attr_get_type(attr) == IFLA_IFNAME)
			put(o, depth, "%s \"%s\"", name, mnl_attr_get_str(attr));
		else if (mnl_attr_get_type(attr) == IFLA_LINKINFO) {
			put(o, depth, "%s", name);
			describe_linkinfo(o, attr, depth + 1);
		} else if (name && mnl_attr_get_payload_len(attr) == 4)
			put(o, depth, "%s %u", name, mnl_attr_get_u32(attr));
		else
			put(o, depth, "attribute %u (%u bytes)", mnl_attr_get_type(attr),
			    mnl_attr_get_payload_len(attr));
	}
}

static void describe_addr_or_route(struct out *o, const struct nlmsghdr *nlh, size_t hdr)
{
	const struct nlattr *a;
	bool route = nlh->nlmsg_type == RTM_NEWROUTE || nlh->nlmsg_type == RTM_DELROUTE;

	mnl_attr_for_each(a, nlh, hdr)
	{
		uint16_t t = mnl_attr_get_type(a);
		const char *name = route ? (t == RTA_DST       ? "RTA_DST"
					    : t == RTA_OIF     ? "RTA_OIF"
					    : t == RTA_GATEWAY ? "RTA_GATEWAY"
							       : NULL)
					 : (t == IFA_ADDRESS ? "IFA_ADDRESS"
					    : t == IFA_LOCAL ? "IFA_LOCAL"
							     : NULL);
		char ip[INET_ADDRSTRLEN];

		if (!name)
			put(o, 1, "attribute %u (%u bytes)", t, mnl_attr_get_payload_len(a));
		else if (route && t == RTA_OIF)
			put(o, 1, "%s %u", name, mnl_attr_get_u32(a));
		else if (mnl_attr_get_payload_len(a) == 4 &&
			 inet_ntop(AF_INET, mnl_attr_get_payload(a), ip, sizeof(ip)))
			put(o, 1, "%s %s", name, ip);
	}
}

static const char *type_name(uint16_t t)
{
	switch (t) {
	case RTM_NEWLINK:
		return "RTM_NEWLINK";
	case RTM_DELLINK:
		return "RTM_DELLINK";
	case RTM_NEWADDR:
		return "RTM_NEWADDR";
	case RTM_NEWROUTE:
		return "RTM_NEWROUTE";
	}
	return "RTM_?";
}

void byoc_nl_describe(const struct nlmsghdr *nlh, char *out, size_t len)
{
	struct out o = { out, len };
	uint16_t f = nlh->nlmsg_flags;

	out[0] = '\0';
	put(&o, 0, "%s, seq %u, flags NLM_F_REQUEST|NLM_F_ACK%s%s%s", type_name(nlh->nlmsg_type),
	    nlh->nlmsg_seq, f & NLM_F_CREATE ? "|NLM_F_CREATE" : "",
	    f & NLM_F_EXCL ? "|NLM_F_EXCL" : "", f & NLM_F_REPLACE ? "|NLM_F_REPLACE" : "");
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		describe_ifinfo(&o, mnl_nlmsg_get_payload(nlh), 1, "ifinfomsg");
		describe_link_attrs(&o, mnl_nlmsg_get_payload_offset(nlh, sizeof(struct ifinfomsg)),
				    mnl_nlmsg_get_payload_len(nlh) - sizeof(struct ifinfomsg), 1);
		break;
	case RTM_NEWADDR: {
		const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
		put(&o, 1, "ifaddrmsg: ifa_family AF_INET, ifa_prefixlen %u, ifa_index %u",
		    ifa->ifa_prefixlen, ifa->ifa_index);
		describe_addr_or_route(&o, nlh, sizeof(*ifa));
		break;
	}
	case RTM_NEWROUTE: {
		const struct rtmsg *rt = mnl_nlmsg_get_payload(nlh);
		put(&o, 1, "rtmsg: rtm_family AF_INET, rtm_dst_len %u, rtm_table %s, rtm_type %s",
		    rt->rtm_dst_len, rt->rtm_table == RT_TABLE_MAIN ? "RT_TABLE_MAIN" : "?",
		    rt->rtm_type == RTN_UNICAST ? "RTN_UNICAST" : "?");
		describe_addr_or_route(&o, nlh, sizeof(*rt));
		break;
	}
	}
}
