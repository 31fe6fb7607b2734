/* Step 06: a network namespace, and a veth pair into it, configured over
 * netlink with libmnl. The lesson is steps/06-netns-veth/README.md.
 * lib/net.c leases the addresses and the host end's name and writes the
 * container's /etc files; lib/netlink.c sends a request and reads its ACK. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>

#include "container.h"
#include "log.h"

/* RTM_NEWLINK on an existing link, named by IFLA_IFNAME: set IFF_UP in
 * ifi_flags; ifi_change says which flags to change. See rtnetlink(7). */
static int link_up(struct byoc_nl *nl, const char *name, struct byoc_error *err)
{
	char buf[BYOC_NL_BUF];
	struct nlmsghdr *nlh = byoc_nl_request(nl, buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return byoc_nl_talk(nl, nlh, "RTM_NEWLINK (up)", err);
}

/* RTM_NEWADDR: `addr`/`prefix` on the link `name`. IFA_LOCAL is the
 * address itself; IFA_ADDRESS, on a link that is not point-to-point, the
 * same. The kernel adds the route to the subnet with it. */
static int addr_add(struct byoc_nl *nl, const char *name, uint32_t addr, unsigned prefix,
		    struct byoc_error *err)
{
	char buf[BYOC_NL_BUF];
	struct nlmsghdr *nlh = byoc_nl_request(nl, buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	uint32_t be = htonl(addr);

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = if_nametoindex(name);
	if (ifa->ifa_index == 0)
		return byoc_error_sys(err, errno, "if_nametoindex(%s)", name);
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(be), &be);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(be), &be);
	return byoc_nl_talk(nl, nlh, "RTM_NEWADDR", err);
}

/* Create the pair: the host end `c->net.host_link` here, and its peer, eth0,
 * straight in the container's network namespace. */
static int veth_create(struct byoc_container *c, struct byoc_error *err)
{
	char buf[BYOC_NL_BUF];
	struct nlmsghdr *nlh =
		byoc_nl_request(&c->net.nl, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	/* BEGIN SOLUTION: build the request (see "The messages" in the lesson):
	 * IFLA_IFNAME c->net.host_link (mnl_attr_put_strz()); then the nest
	 * IFLA_LINKINFO (mnl_attr_nest_start()), holding IFLA_INFO_KIND "veth"
	 * and the nest IFLA_INFO_DATA, holding the nest VETH_INFO_PEER: the
	 * peer's own struct ifinfomsg, zeroed, at the nest's start
	 * (mnl_nlmsg_put_extra_header()), then the peer's IFLA_IFNAME "eth0" and
	 * IFLA_NET_NS_PID c->pid (mnl_attr_put_u32()), which puts it in the
	 * container's namespace. Close each nest with mnl_attr_nest_end(),
	 * innermost first.
	 * Checked by test_net_inside_only_lo_and_eth0, test_net_host_end_is_up
	 * and test_net_ping_across_the_pair; explained in
	 * steps/06-netns-veth/README.md, "Your task: the pair". */
	mnl_attr_put_strz(nlh, IFLA_IFNAME, c->net.host_link);
	struct nlattr *linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	struct nlattr *peer_nest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* A zeroed ifinfomsg (AF_UNSPEC is 0) at the nest's start. */
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)c->pid);
	mnl_attr_nest_end(nlh, peer_nest);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	/* END SOLUTION */
	return byoc_nl_talk(&c->net.nl, nlh, "RTM_NEWLINK (veth pair)", err);
}

/* RTM_NEWROUTE: the default route (0.0.0.0/0, rtm_dst_len 0) through the
 * gateway `gw` on the link `name`, in the main table. */
static int route_default(struct byoc_nl *nl, const char *name, uint32_t gw, struct byoc_error *err)
{
	char buf[BYOC_NL_BUF];
	struct nlmsghdr *nlh = byoc_nl_request(nl, buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	unsigned oif = if_nametoindex(name);

	if (oif == 0)
		return byoc_error_sys(err, errno, "if_nametoindex(%s)", name);
	rt->rtm_family = AF_INET;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	/* BEGIN SOLUTION: add RTA_GATEWAY, `gw` in network byte order
	 * (htonl(), mnl_attr_put()), and RTA_OIF, `oif` (mnl_attr_put_u32()).
	 * rtm_dst_len stays 0: the route matches every destination.
	 * Checked by test_net_default_route_via_host_end; explained in
	 * steps/06-netns-veth/README.md, "Your task: inside". */
	uint32_t be = htonl(gw);
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(be), &be);
	mnl_attr_put_u32(nlh, RTA_OIF, oif);
	/* END SOLUTION */
	return byoc_nl_talk(nl, nlh, "RTM_NEWROUTE", err);
}

/* RTM_DELLINK of the host end: the kernel deletes its peer with it. */
static int link_del(struct byoc_nl *nl, const char *name, struct byoc_error *err)
{
	char buf[BYOC_NL_BUF];
	struct nlmsghdr *nlh = byoc_nl_request(nl, buf, RTM_DELLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return byoc_nl_talk(nl, nlh, "RTM_DELLINK", err);
}

/* In the runtime, before clone(): lease the addresses and the host end's
 * name, write the container's /etc files, open the netlink socket. */
static int net_prepare(struct byoc_container *c, struct byoc_error *err)
{
	const struct byoc_options *o = c->opts;
	bool veth = o->net == BYOC_NET_VETH;

	if (veth && byoc_net_lease(&c->net, &c->state, o->subnet, o->subnet_prefix, err) < 0)
		return -1;
	if (byoc_net_etc_write(&c->net, &c->state, c->hostname[0] ? c->hostname : c->id,
			       veth ? c->net.peer_addr : 0, err) < 0)
		return -1;
	return veth ? byoc_nl_open(&c->net.nl, err) : 0;
}

/* In the runtime, once the child exists (its namespace with it): the pair,
 * and the host end's address. */
static int net_after_clone(struct byoc_container *c, struct byoc_error *err)
{
	if (c->opts->net != BYOC_NET_VETH)
		return 0;
	/* BEGIN SOLUTION: create the pair with veth_create(), then, as soon as
	 * it succeeded, set c->net.created (so that cleanup deletes it, whatever
	 * fails next, and only what the runtime made); give the host end
	 * c->net.host_link its address c->net.host_addr/c->net.prefix with
	 * addr_add() and bring it up with link_up().
	 * Checked by test_net_host_end_is_up, test_net_ping_across_the_pair,
	 * test_net_host_end_gone_after_address_failure and
	 * test_net_taken_name_left_alone; explained in
	 * steps/06-netns-veth/README.md, "Your task: the pair". */
	if (veth_create(c, err) < 0)
		return -1;
	c->net.created = true;
	if (addr_add(&c->net.nl, c->net.host_link, c->net.host_addr, c->net.prefix, err) < 0 ||
	    link_up(&c->net.nl, c->net.host_link, err) < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

/* In the child, in its own network namespace: its /etc files, lo, and
 * eth0 with its address and the default route. */
static int net_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	struct byoc_nl *nl = &c->net.nl;

	if (byoc_net_etc_mount(&c->net, err) < 0)
		return -1;
	/* The runtime's socket speaks for the runtime's namespace: the child
	 * opens one of its own, here. */
	byoc_nl_close(nl);
	if (byoc_nl_open(nl, err) < 0)
		return -1;
	/* BEGIN SOLUTION: bring "lo" up (with --net none too: a new namespace's
	 * loopback starts down). With --net veth: give "eth0" its address
	 * c->net.peer_addr/c->net.prefix, bring it up, then add the default
	 * route through the host end, c->net.host_addr, with route_default().
	 * Checked by test_net_inside_only_lo_and_eth0, test_net_none_has_only_lo
	 * and test_net_default_route_via_host_end; explained in
	 * steps/06-netns-veth/README.md, "Your task: inside". */
	if (link_up(nl, "lo", err) < 0)
		return -1;
	if (c->opts->net == BYOC_NET_VETH &&
	    (addr_add(nl, "eth0", c->net.peer_addr, c->net.prefix, err) < 0 ||
	     link_up(nl, "eth0", err) < 0 || route_default(nl, "eth0", c->net.host_addr, err) < 0))
		return -1;
	/* END SOLUTION */
	byoc_nl_close(nl);
	return 0;
}

/* In the runtime, on every path. Once the command has run, the pair is left
 * to the kernel, which removes both ends with the container's network
 * namespace (RTM_DELLINK would wait for an RCU grace period, 20-40 ms). A
 * set-up that failed before the command ran is reported at once: the host end
 * goes now, so that a retry finds the machine as it was. */
static void net_cleanup(struct byoc_container *c)
{
	struct byoc_error err = { 0 };

	/* BEGIN SOLUTION: if c->net.created and the command never ran
	 * (!c->command_ran), delete the host end with
	 * link_del(&c->net.nl, c->net.host_link, &err); an err.errnum of ENODEV
	 * (the kernel already destroyed it with the namespace) is no failure:
	 * log anything else with byoc_log(). Checked by
	 * test_net_host_end_gone_after_setup_failure and
	 * test_net_pair_lives_with_a_held_namespace; explained in
	 * steps/06-netns-veth/README.md, "Your task: clean-up". */
	if (c->net.created && !c->command_ran && link_del(&c->net.nl, c->net.host_link, &err) < 0 &&
	    err.errnum != ENODEV)
		byoc_log("net: cannot delete %s: %s", c->net.host_link, err.msg);
	/* END SOLUTION */
	c->net.created = false;
	byoc_net_release(&c->net);
}

const struct byoc_stage byoc_stage_net = {
	.name = "net",
	/* BEGIN SOLUTION: ask clone() for a new network namespace.
	 * Checked by test_net_namespace_is_new and every other test; explained
	 * in steps/06-netns-veth/README.md, "Your task". */
	.clone_flags = CLONE_NEWNET,
	/* END SOLUTION */
	.prepare = net_prepare,
	.after_clone = net_after_clone,
	/* The child mounts its file systems while the pair is made. */
	.after_clone_overlaps = true,
	.child_setup = net_child_setup,
	.cleanup = net_cleanup,
};
