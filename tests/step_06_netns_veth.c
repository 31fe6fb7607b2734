/* Step 06-netns-veth: the container's network namespace and its veth pair,
 * seen from outside: `ip` in the container's namespace through nsenter, and
 * `ip` and busybox's ping and nc in the runner's own network namespace, where
 * the host ends live (tests/runner.c makes it; the machine's links never
 * change). Pings and connections are bounded (-c 1 -W 1, nc -w 2). */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/magic.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define HINT_FILE "exercises/06-netns-veth/net.c, "
#define HINT_FLAGS                                                                                 \
	HINT_FILE "the TODO in byoc_stage_net; steps/06-netns-veth/README.md, \"Your task\""
#define HINT_PAIR                                                                                  \
	HINT_FILE "the TODOs in veth_create() and net_after_clone(); "                             \
		  "steps/06-netns-veth/README.md, \"Your task: the pair\""
#define HINT_INSIDE                                                                                \
	HINT_FILE "the TODOs in net_child_setup() and route_default(); "                           \
		  "steps/06-netns-veth/README.md, \"Your task: inside\""
#define HINT_ROUTE                                                                                 \
	HINT_FILE "the TODO in route_default(); steps/06-netns-veth/README.md, \"Your task: "      \
		  "inside\""
#define HINT_CLEANUP                                                                               \
	HINT_FILE "the TODO in net_cleanup(); steps/06-netns-veth/README.md, \"Your task: "        \
		  "clean-up\""
#define HINT_CREATED                                                                               \
	HINT_FILE "the TODO in net_after_clone() (when c->net.created is set) and the one in "     \
		  "net_cleanup(); steps/06-netns-veth/README.md, \"Your task: the pair\" and "     \
		  "\"Your "                                                                        \
		  "task: clean-up\""
#define HINT_ALL                                                                                   \
	HINT_FILE "every TODO; steps/06-netns-veth/README.md, \"Your task\" and \"Addresses "      \
		  "and names\""

/* The output of a shell command run in the runner (its network namespace);
 * *status gets its exit status. */
static char *sh(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *sh(int *status, const char *fmt, ...)
{
	struct h_run r;
	va_list ap;
	char *cmd, *out;

	va_start(ap, fmt);
	ck_assert(vasprintf(&cmd, fmt, ap) >= 0);
	va_end(ap);
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	h_run_argv(&r, argv);
	out = strdup(r.out);
	if (status)
		*status = r.status;
	h_run_free(&r);
	free(cmd);
	return out;
}

/* The names of the links in the network namespace of `pid` (0: the
 * runner's), sorted, one a line, as `ip` reports them. */
static char *links_of(pid_t pid)
{
	return pid ? sh(NULL,
			"nsenter -t %d -n ip -o link show | sed 's/^[0-9]*: \\([^:@]*\\).*/\\1/' "
			"| sort",
			(int)pid)
		   : sh(NULL, "ip -o link show | sed 's/^[0-9]*: \\([^:@]*\\).*/\\1/' | sort");
}

/* The runner's links named byoc..., one a line. */
static char *host_ends(void)
{
	return sh(NULL, "ip -o link show | sed -n 's/^[0-9]*: \\(byoc[^:@]*\\).*/\\1/p' | sort");
}

/* The IPv4 address with prefix ("198.18.0.2/30") of `dev` in the namespace of
 * `pid` (0: the runner's), or "". */
static char *addr_of(pid_t pid, const char *dev)
{
	char *s = pid ? sh(NULL, "nsenter -t %d -n ip -o -4 addr show dev %s", (int)pid, dev)
		      : sh(NULL, "ip -o -4 addr show dev %s", dev);
	char *inet = strstr(s, "inet "), *out;

	out = strndup(inet ? inet + 5 : "", inet ? strcspn(inet + 5, " ") : 0);
	free(s);
	return out;
}

/* The host end of the container's eth0: "eth0@ifN" names its index in the
 * runner's namespace. Returns its name, or "" if there is none. */
static char *host_end_of(pid_t pid)
{
	char *s = sh(NULL, "nsenter -t %d -n ip -o link show eth0", (int)pid);
	char *at = strstr(s, "eth0@if"), name[IF_NAMESIZE + 1] = "";

	if (at && !if_indextoname((unsigned)atoi(at + 7), name))
		name[0] = '\0';
	free(s);
	return strdup(name);
}

/* "198.18.0.2/30" -> "198.18.0.2" in place. */
static char *bare(char *addr)
{
	addr[strcspn(addr, "/")] = '\0';
	return addr;
}

static bool link_exists(const char *name)
{
	return name[0] && if_nametoindex(name) != 0;
}

/* Start a container that waits, and return its PID on the host. */
static pid_t start(struct h_proc *p, const char *const *opts, const char *script)
{
	h_container_spawn(p, opts, script ? script : H_WAIT_SCRIPT, NULL);
	h_assert_ready(p);
	return h_first_child(p->pid);
}

START_TEST(test_net_namespace_is_new)
{
	struct h_proc p;
	struct h_run r;
	pid_t child = start(&p, NULL, NULL);
	char *mine = h_ns(getpid(), "net"), *theirs = h_ns(child, "net");

	h_finish(&p, &r);
	ck_assert_msg(strcmp(mine, theirs) != 0,
		      "expected the container in a network namespace of its own (/proc/%d/ns/net); "
		      "it is the runtime's, %s",
		      (int)child, mine);
	free(mine);
	free(theirs);
	h_run_free(&r);
}
END_TEST

START_TEST(test_net_inside_only_lo_and_eth0)
{
	struct h_proc p;
	struct h_run r;
	pid_t child = start(&p, NULL, NULL);
	char *links = links_of(child);
	char *up = sh(NULL, "nsenter -t %d -n ip -o link show up | wc -l", (int)child);
	char *kind = sh(NULL, "nsenter -t %d -n ip -o -d link show eth0", (int)child);

	h_finish(&p, &r);
	ck_assert_msg(strcmp(links, "eth0\nlo\n") == 0,
		      "expected exactly lo and eth0 in the container's namespace (nsenter -t %d -n "
		      "ip link); saw:\n%s",
		      (int)child, links);
	ck_assert_msg(strstr(kind, " veth ") != NULL,
		      "expected eth0 to be one end of a veth pair (ip -d link says \"veth\"); saw: "
		      "%s",
		      kind);
	ck_assert_msg(atoi(up) == 2, "expected lo and eth0 both up inside; %d of them are",
		      atoi(up));
	free(links);
	free(up);
	free(kind);
	h_run_free(&r);
}
END_TEST

START_TEST(test_net_host_end_is_up)
{
	struct h_proc p;
	struct h_run r;
	pid_t child = start(&p, NULL, NULL);
	char *end = host_end_of(child);
	char *state = sh(NULL, "ip -o link show dev '%s'", end);
	char *inside = addr_of(child, "eth0"), *outside = addr_of(0, end);
	unsigned a[4], b[4], pa = 0, pb = 0;

	h_finish(&p, &r);
	ck_assert_msg(strncmp(end, "byoc", 4) == 0 && strlen(end) < 16,
		      "expected eth0's peer in the runtime's namespace, named byoc... (under 16 "
		      "bytes); found \"%s\"",
		      end);
	ck_assert_msg(strstr(state, ",UP") || strstr(state, "<UP"),
		      "expected the host end %s up; ip link says: %s", end, state);
	ck_assert_msg(sscanf(inside, "%u.%u.%u.%u/%u", &a[0], &a[1], &a[2], &a[3], &pa) == 5 &&
			      sscanf(outside, "%u.%u.%u.%u/%u", &b[0], &b[1], &b[2], &b[3], &pb) ==
				      5 &&
			      pa == 30 && pb == 30 && a[0] == 198 && a[1] == 18 && a[2] == b[2] &&
			      b[3] % 4 == 1 && a[3] == b[3] + 1,
		      "expected the host end %s at 198.18.X.(4n+1)/30 and eth0 at the next address "
		      "of the same /30 (the default --subnet 198.18.0.0/22); saw %s on %s, %s on "
		      "eth0",
		      end, outside[0] ? outside : "no address", end, inside[0] ? inside : "none");
	free(end);
	free(state);
	free(inside);
	free(outside);
	h_run_free(&r);
}
END_TEST

START_TEST(test_net_default_route_via_host_end)
{
	struct h_proc p;
	struct h_run r;
	pid_t child = start(&p, NULL, NULL);
	char *end = host_end_of(child);
	char *gw = bare(addr_of(0, end));
	char *route = sh(NULL, "nsenter -t %d -n ip -4 route show default", (int)child);
	char *want = h_printf("default via %s dev eth0", gw);

	h_finish(&p, &r);
	ck_assert_msg(gw[0] && strstr(route, want),
		      "expected the container's default route through the host end (\"%s\"); ip "
		      "route show default inside says: \"%s\"",
		      want, route);
	free(end);
	free(gw);
	free(route);
	free(want);
	h_run_free(&r);
}
END_TEST

START_TEST(test_net_ping_across_the_pair)
{
	struct h_proc p;
	struct h_run r;
	int out_status = -1, in_status = -1;
	pid_t child = start(&p, NULL, NULL);
	char *end = host_end_of(child);
	char *host = bare(addr_of(0, end)), *peer = bare(addr_of(child, "eth0"));
	char *out = sh(&out_status, "busybox ping -c 1 -W 1 '%s' 2>&1", peer);
	char *in = sh(&in_status, "nsenter -t %d -n busybox ping -c 1 -W 1 '%s' 2>&1", (int)child,
		      host);

	h_finish(&p, &r);
	ck_assert_msg(host[0] && peer[0] && out_status == 0 && in_status == 0,
		      "expected one ping each way across the pair (-c 1 -W 1): from the runtime's "
		      "namespace to eth0 (%s), and from the container's to the host end %s (%s); "
		      "saw status %d:\n%s\nand status %d:\n%s",
		      peer, end, host, out_status, out, in_status, in);
	free(end);
	free(host);
	free(peer);
	free(out);
	free(in);
	h_run_free(&r);
}
END_TEST

START_TEST(test_net_tcp_round_trip)
{
	/* busybox nc in the container answers one connection on port 7070;
	 * "ready" once netstat shows it listening. */
	static const char script[] =
		"nc -l -p 7070 -e /bin/sh -c 'read x; echo \"got-$x\"' & "
		"while ! netstat -ltn | grep -q ':7070 '; do :; done; " H_WAIT_SCRIPT;
	struct h_proc p;
	struct h_run r;
	int status = -1;
	pid_t child = start(&p, NULL, script);
	char *peer = bare(addr_of(child, "eth0"));
	char *token = h_random_token();
	char *got = sh(&status, "echo '%s' | busybox nc -w 2 '%s' 7070", token, peer);
	char *want = h_printf("got-%s\n", token);

	h_finish(&p, &r);
	ck_assert_msg(strcmp(got, want) == 0,
		      "expected a TCP round trip to nc in the container (%s:7070): sent %s, "
		      "expected back \"got-%s\"; saw status %d, \"%s\"",
		      peer, token, token, status, got);
	free(peer);
	free(token);
	free(got);
	free(want);
	h_run_free(&r);
}
END_TEST

START_TEST(test_net_two_containers_differ)
{
	struct h_proc p1, p2;
	struct h_run r1, r2;
	pid_t c1 = start(&p1, NULL, NULL), c2 = start(&p2, NULL, NULL);
	char *e1 = host_end_of(c1), *e2 = host_end_of(c2);
	char *a1 = addr_of(c1, "eth0"), *a2 = addr_of(c2, "eth0");
	char *h1 = addr_of(0, e1), *h2 = addr_of(0, e2);

	h_finish(&p1, &r1);
	h_finish(&p2, &r2);
	ck_assert_msg(e1[0] && e2[0] && strcmp(e1, e2) != 0 && a1[0] && a2[0] &&
			      strcmp(a1, a2) != 0 && h1[0] && h2[0] && strcmp(h1, h2) != 0,
		      "expected two containers at once to get different host ends and addresses; "
		      "saw host ends \"%s\" (%s) and \"%s\" (%s), eth0 at %s and %s",
		      e1, h1, e2, h2, a1, a2);
	free(e1);
	free(e2);
	free(a1);
	free(a2);
	free(h1);
	free(h2);
	h_run_free(&r1);
	h_run_free(&r2);
}
END_TEST

START_TEST(test_net_twenty_at_once_distinct)
{
	enum { N = 20 };
	struct h_proc p[N];
	struct h_run r;
	char *addr[N], *end[N];
	int dup_a = -1, dup_e = -1;

	/* Started together: they lease their addresses at the same time. */
	for (int i = 0; i < N; i++)
		h_container_spawn(&p[i], NULL, H_WAIT_SCRIPT, NULL);
	for (int i = 0; i < N; i++) {
		h_assert_ready(&p[i]);
		pid_t child = h_first_child(p[i].pid);
		addr[i] = addr_of(child, "eth0");
		end[i] = host_end_of(child);
	}
	for (int i = 0; i < N; i++)
		h_finish(&p[i], &r), h_run_free(&r);
	for (int i = 0; i < N; i++)
		for (int j = 0; j < i; j++) {
			if (!addr[i][0] || strcmp(addr[i], addr[j]) == 0)
				dup_a = i;
			if (!end[i][0] || strcmp(end[i], end[j]) == 0)
				dup_e = i;
		}
	ck_assert_msg(
		dup_a < 0 && dup_e < 0,
		"expected 20 containers started at once to get 20 distinct addresses and host "
		"ends; container %d has eth0 at \"%s\" and host end \"%s\", which another "
		"has too (or none)",
		dup_a >= 0 ? dup_a : dup_e, addr[dup_a >= 0 ? dup_a : dup_e],
		end[dup_a >= 0 ? dup_a : dup_e]);
	for (int i = 0; i < N; i++)
		free(addr[i]), free(end[i]);
}
END_TEST

START_TEST(test_net_subnet_is_used)
{
	const char *opts[] = { "--subnet", "198.19.7.0/24", NULL };
	struct h_proc p;
	struct h_run r;
	pid_t child = start(&p, opts, NULL);
	char *inside = addr_of(child, "eth0");
	char *end = host_end_of(child);
	char *outside = addr_of(0, end);

	h_finish(&p, &r);
	ck_assert_msg(strcmp(inside, "198.19.7.2/30") == 0 && strcmp(outside, "198.19.7.1/30") == 0,
		      "expected --subnet 198.19.7.0/24 to give the first /30: the host end at "
		      "198.19.7.1/30, eth0 at 198.19.7.2/30; saw %s on \"%s\" and %s on eth0",
		      outside, end, inside);
	free(inside);
	free(end);
	free(outside);
	h_run_free(&r);
}
END_TEST

START_TEST(test_net_none_has_only_lo)
{
	const char *opts[] = { "--net", "none", NULL };
	struct h_proc p;
	struct h_run r;
	char *before = host_ends();
	pid_t child = start(&p, opts, NULL);
	char *links = links_of(child), *after = host_ends();
	char *state = sh(NULL, "nsenter -t %d -n ip -o link show lo", (int)child);
	char *mine = h_ns(getpid(), "net"), *theirs = h_ns(child, "net");

	h_finish(&p, &r);
	ck_assert_msg(strcmp(mine, theirs) != 0 && strcmp(links, "lo\n") == 0 &&
			      strstr(state, "UP") && strcmp(before, after) == 0,
		      "expected --net none to give a namespace of its own with only lo, up, and no "
		      "host end; saw namespace %s (the runtime's: %s), links:\n%slo: %s\nhost ends "
		      "before: \"%s\", while it ran: \"%s\"",
		      theirs, mine, links, state, before, after);
	free(before);
	free(links);
	free(after);
	free(state);
	free(mine);
	free(theirs);
	h_run_free(&r);
}
END_TEST

/* Hold the container's network namespace open: the kernel then keeps the
 * pair after the container is gone. */
static int hold_netns(pid_t child)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)child);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "open(%s) failed", path);
	return fd;
}

/* The kernel removes a pair in a work queue, a moment after its namespace
 * ends: wait for that, 3 s at most. Returns whether `name` is gone. */
static bool link_goes(const char *name)
{
	for (int i = 0; i < 300 && link_exists(name); i++)
		usleep(10000);
	return !link_exists(name);
}

/* The same for every host end: wait until the runner's are `want` again. */
static char *host_ends_settle(const char *want)
{
	char *now = host_ends();

	for (int i = 0; i < 300 && strcmp(now, want) != 0; i++) {
		usleep(10000);
		free(now);
		now = host_ends();
	}
	return now;
}

START_TEST(test_net_host_end_gone_after_exit)
{
	struct h_proc p;
	struct h_run r;
	pid_t child = start(&p, NULL, NULL);
	char *end = host_end_of(child);
	bool before = link_exists(end);

	h_finish(&p, &r);
	bool gone = link_goes(end);
	ck_assert_msg(before && gone && r.status == 0,
		      "expected the host end \"%s\" while the container ran, and gone within 3 s "
		      "of the runtime's exit (status 0): the kernel removes the pair with the "
		      "container's network namespace, unless the runtime keeps it open; saw it %s "
		      "before, %s after, status %d",
		      end, before ? "present" : "absent", gone ? "gone" : "still there", r.status);
	free(end);
	h_run_free(&r);
}
END_TEST

START_TEST(test_net_pair_lives_with_a_held_namespace)
{
	struct h_proc p;
	struct h_run r;
	pid_t child = start(&p, NULL, NULL);
	char *end = host_end_of(child);
	int ns = hold_netns(child);

	h_finish(&p, &r);
	bool held = link_exists(end);
	close(ns);
	bool gone = link_goes(end);
	ck_assert_msg(end[0] && held && gone && r.status == 0,
		      "expected the host end \"%s\" of a container that ran its command (status "
		      "%d) to stay while its network namespace is held open, and to go once it is "
		      "let go (the cleanup deletes it only when the set-up failed, as an "
		      "RTM_DELLINK waits for an RCU grace period); it %s while held, and %s after",
		      end, r.status, held ? "stayed" : "was deleted", gone ? "went" : "stayed 3 s");
	free(end);
	h_run_free(&r);
}
END_TEST

/* The runtime run as `argv` with tests/netlink_fault.c preloaded: at its
 * first RTM_NEWADDR (the host end's address, right after the pair is made)
 * it pins the container's network namespace on `pin`, so that the kernel
 * cannot remove the pair with it, and fails that request with `fail_errno`
 * unless it is 0. The test is in a mount namespace of its own, which the pin
 * goes with. Returns whether the namespace was pinned. */
static bool run_with_fault(struct h_run *r, const char *const *argv, const char *pin,
			   int fail_errno, const char *take_name)
{
	char exe[4096], *asan = getenv("ASAN_OPTIONS");
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct statfs fs;

	ck_assert(n > 0);
	exe[n] = '\0';
	char *lib = h_printf("%s/netlink-fault.so", dirname(exe));
	char *san = h_printf("%s%sverify_asan_link_order=0", asan ? asan : "", asan ? ":" : "");
	char *err = h_printf("%d", fail_errno);
	ck_assert_msg(access(lib, R_OK) == 0, "test set-up: %s is missing: make %s", lib, lib);
	ck_assert_msg(unshare(CLONE_NEWNS) == 0 &&
			      mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0,
		      "test set-up: a mount namespace of its own: %s", strerror(errno));
	setenv("LD_PRELOAD", lib, 1);
	setenv("ASAN_OPTIONS", san, 1); /* a sanitized runtime wants its runtime first */
	setenv("BYOC_FAULT_PIN", pin, 1);
	if (fail_errno)
		setenv("BYOC_FAULT_NEWADDR", err, 1);
	if (take_name)
		setenv("BYOC_FAULT_TAKE_NAME", take_name, 1);
	h_run_argv(r, argv);
	unsetenv("LD_PRELOAD");
	unsetenv("BYOC_FAULT_PIN");
	unsetenv("BYOC_FAULT_NEWADDR");
	unsetenv("BYOC_FAULT_TAKE_NAME");
	if (asan)
		setenv("ASAN_OPTIONS", asan, 1);
	else
		unsetenv("ASAN_OPTIONS");
	bool pinned = statfs(pin, &fs) == 0 && fs.f_type == NSFS_MAGIC;
	free(lib);
	free(san);
	free(err);
	return pinned;
}

/* run_with_fault() with the namespace pinned and `fail_errno`: the runner's
 * host ends right after the run (the caller frees them). Then the pin is let
 * go, and the kernel removes what is left of the pair, back to `before`. */
static char *run_pinned(struct h_run *r, const char *const *argv, int fail_errno,
			const char *before)
{
	char *pin = h_printf("%s/netns-pin", h_tmp);
	bool pinned = run_with_fault(r, argv, pin, fail_errno, NULL);
	char *after = host_ends();

	umount2(pin, MNT_DETACH);
	free(host_ends_settle(before));
	free(pin);
	ck_assert_msg(pinned,
		      "expected the runtime to give the host end its address (RTM_NEWADDR) once "
		      "the pair was made; it never did (status %d, \"%s\")",
		      r->status, r->err);
	return after;
}

START_TEST(test_net_host_end_gone_after_setup_failure)
{
	/* The command is missing: every stage has run, then execve fails. */
	const char *argv[] = { h_bin, "--", "/no/such/command", NULL };
	struct h_proc p;
	struct h_run r;
	char *before = host_ends();

	/* First, that a container that starts has a host end at all. */
	pid_t child = start(&p, NULL, NULL);
	char *end = host_end_of(child);
	h_finish(&p, &r);
	h_run_free(&r);
	ck_assert_msg(end[0], "expected a running container's eth0 to have a host end; found none");
	free(host_ends_settle(before));
	char *after = run_pinned(&r, argv, 0, before);
	ck_assert_msg(r.status == 127 && strcmp(before, after) == 0,
		      "expected a failed start (status 127), whose pair was made before execve "
		      "failed, to delete its host end itself, even while its network namespace is "
		      "held; saw status %d, host ends before \"%s\", after \"%s\"",
		      r.status, before, after);
	free(end);
	free(before);
	free(after);
	h_run_free(&r);
}
END_TEST

/* A set-up that fails in the runtime right after the pair is made, before
 * the host end has its address: the fault is the address's RTM_NEWADDR,
 * refused with ENOBUFS, while the namespace is held. */
START_TEST(test_net_host_end_gone_after_address_failure)
{
	const char *argv[] = { h_bin, "--", "/bin/true", NULL };
	char *before = host_ends();
	struct h_run r;

	char *after = run_pinned(&r, argv, ENOBUFS, before);
	ck_assert_msg(r.status == 125 && h_count_lines(r.err) == 1 &&
			      strstr(r.err, "RTM_NEWADDR") && strstr(r.err, "ENOBUFS"),
		      "expected the refused address reported in one line naming RTM_NEWADDR and "
		      "ENOBUFS, status 125; saw status %d, \"%s\"",
		      r.status, r.err);
	ck_assert_msg(strcmp(before, after) == 0,
		      "expected the host end deleted when its address failed, right after the "
		      "pair was made (set c->net.created as soon as veth_create() succeeds); host "
		      "ends before \"%s\", after \"%s\"",
		      before, after);
	free(before);
	free(after);
	h_run_free(&r);
}
END_TEST

/* The host end's name taken between the lease and the pair: another
 * runtime's link, made by the preloaded fault right before the runtime's
 * RTM_NEWLINK, which the kernel then refuses with EEXIST. The link is not
 * the runtime's: it must still be there after the refused start. */
START_TEST(test_net_taken_name_left_alone)
{
	const char *argv[] = { h_bin, "--", "/bin/true", NULL };
	char *pin = h_printf("%s/netns-pin", h_tmp), *record = h_printf("%s/taken", h_tmp);
	char name[32] = "";
	struct h_run r;

	run_with_fault(&r, argv, pin, 0, record);
	FILE *f = fopen(record, "re");
	if (f) {
		if (!fgets(name, sizeof(name), f))
			name[0] = '\0';
		fclose(f);
	}
	bool there = link_exists(name);
	if (name[0]) {
		char *del = sh(NULL, "ip link del %s 2>&1", name);
		free(del);
	}
	ck_assert_msg(name[0],
		      "test set-up: the preloaded fault made no link of the host end's "
		      "name (was RTM_NEWLINK sent at all?); status %d, \"%s\"",
		      r.status, r.err);
	ck_assert_msg(r.status == 125 && strstr(r.err, "RTM_NEWLINK") && strstr(r.err, "EEXIST"),
		      "expected the refused pair reported as RTM_NEWLINK's EEXIST, status 125; saw "
		      "status %d, \"%s\"",
		      r.status, r.err);
	ck_assert_msg(
		there,
		"expected the link %s, which another runtime made (the kernel refused the "
		"pair: EEXIST), still there after the refused start: set c->net.created only "
		"once veth_create() succeeded, so that cleanup deletes only the runtime's own",
		name);
	free(pin);
	free(record);
	h_run_free(&r);
}
END_TEST

START_TEST(test_net_host_end_gone_after_sigkill_of_command)
{
	struct h_proc p;
	struct h_run r;
	pid_t child = start(&p, NULL, NULL);
	char *end = host_end_of(child);

	kill(child, SIGKILL);
	h_finish(&p, &r);
	bool gone = link_goes(end);
	ck_assert_msg(end[0] && gone && r.status == 137,
		      "expected the host end \"%s\" gone within 3 s of the runtime reporting the "
		      "command's SIGKILL (status 137); it is %s, status %d",
		      end, gone ? "gone" : "still there", r.status);
	free(end);
	h_run_free(&r);
}
END_TEST

START_TEST(test_net_killed_runtime_link_removed_by_next)
{
	const char *argv[] = { h_bin, "--net", "none", "--", "/bin/true", NULL };
	struct h_proc p;
	struct h_run r, next;
	pid_t child = start(&p, NULL, NULL);
	char *end = host_end_of(child);
	int ns = hold_netns(child);

	/* The runtime dies at once; its container with it (PR_SET_PDEATHSIG),
	 * but the pair stays while its namespace is held. */
	kill(p.pid, SIGKILL);
	h_finish(&p, &r);
	bool left = link_exists(end);
	h_run_argv(&next, argv); /* its start cleans up after dead runtimes */
	bool after = link_exists(end);
	close(ns);
	ck_assert_msg(end[0] && left && !after && next.status == 0,
		      "expected the host end \"%s\" of a SIGKILLed runtime (left while its "
		      "namespace was held: %s) removed by the next container's start (status %d); "
		      "it is %s (lib/state.c and lib/net.c's byoc_net_gc())",
		      end, left ? "yes" : "no", next.status, after ? "still there" : "gone");
	free(end);
	h_run_free(&r);
	h_run_free(&next);
}
END_TEST

START_TEST(test_net_etc_files_are_its_own)
{
	const char *opts[] = { "--hostname", "web-06", NULL };
	struct h_proc p;
	struct h_run r;
	pid_t child = start(
		&p, opts,
		"cat /etc/hostname; grep web-06 /etc/hosts; grep -c nameserver "
		"/etc/resolv.conf; grep -c ' /etc/hosts ' /proc/self/mountinfo; " H_WAIT_SCRIPT);
	char *peer = bare(addr_of(child, "eth0"));
	char *want = h_printf("web-06\n%s\tweb-06\n", peer);
	char *disk = h_printf("%s/etc/hosts", h_rootfs);
	struct stat st;
	bool image_empty = stat(disk, &st) == 0 && st.st_size == 0;

	h_finish(&p, &r);
	ck_assert_msg(
		strncmp(r.out, want, strlen(want)) == 0 && strstr(r.out, "\n1\nready\n") &&
			image_empty,
		"expected /etc/hostname \"web-06\" and /etc/hosts naming web-06 at eth0's %s, "
		"each a mount of its own (the rootfs's files untouched: %s is %s); the "
		"container printed:\n%s",
		peer, disk, image_empty ? "empty" : "not empty", r.out);
	free(peer);
	free(want);
	free(disk);
	h_run_free(&r);
}
END_TEST

START_TEST(test_net_bad_input_is_125)
{
	static const struct {
		const char *opt, *value, *says;
	} bad[] = {
		{ "--net", "bogus", "--net" },
		{ "--subnet", "300.1.2.3/24", "--subnet" },
		{ "--subnet", "10.0.0.0/31", "--subnet" },
		{ "--subnet", "198.19.9.0/30", "no free pair" }, /* taken below */
	};
	const char *opts[] = { "--subnet", "198.19.9.0/30", NULL };
	struct h_proc p;
	struct h_run hold;
	char *before;

	/* A /30 holds one container: while it runs, the subnet is full. */
	start(&p, opts, NULL);
	before = host_ends();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[] = { h_bin, bad[i].opt, bad[i].value, "--", "/bin/true", NULL };
		struct h_run r;
		h_run_argv(&r, argv);
		char *after = host_ends();
		ck_assert_msg(r.status == 125 && h_count_lines(r.err) == 1 &&
				      strstr(r.err, bad[i].says) && strcmp(before, after) == 0,
			      "expected %s %s refused with status 125, one line naming \"%s\", and "
			      "no host end left; saw status %d, stderr \"%s\", host ends \"%s\" "
			      "then \"%s\"",
			      bad[i].opt, bad[i].value, bad[i].says, r.status, r.err, before,
			      after);
		free(after);
		h_run_free(&r);
	}
	h_finish(&p, &hold);
	free(before);
	h_run_free(&hold);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "06-netns-veth";
	/* A container that does not start: the code its error names. */
	h_hint_for(s, "stage net: RTM_NEWROUTE", HINT_ROUTE);
	h_hint_for(s, "stage net: RTM_NEWLINK (veth pair)", HINT_PAIR);
	h_hint_for(s, "stage net: if_nametoindex(eth0)", HINT_PAIR);
	h_add(s, test_net_namespace_is_new, 2, HINT_FLAGS);
	h_add(s, test_net_inside_only_lo_and_eth0, 3, HINT_PAIR);
	h_add(s, test_net_host_end_is_up, 3, HINT_PAIR);
	h_add(s, test_net_default_route_via_host_end, 2, HINT_INSIDE);
	h_add(s, test_net_ping_across_the_pair, 3, HINT_PAIR);
	h_add(s, test_net_tcp_round_trip, 2, HINT_ALL);
	h_add(s, test_net_two_containers_differ, 2, HINT_ALL);
	h_add(s, test_net_twenty_at_once_distinct, 2, HINT_ALL);
	h_add(s, test_net_subnet_is_used, 1, HINT_ALL);
	h_add(s, test_net_none_has_only_lo, 2, HINT_INSIDE);
	h_add(s, test_net_host_end_gone_after_exit, 2, HINT_CLEANUP);
	h_add(s, test_net_pair_lives_with_a_held_namespace, 2, HINT_CLEANUP);
	h_add(s, test_net_host_end_gone_after_setup_failure, 2, HINT_CLEANUP);
	h_add(s, test_net_host_end_gone_after_address_failure, 2, HINT_CREATED);
	h_add(s, test_net_taken_name_left_alone, 1, HINT_CREATED);
	h_add(s, test_net_host_end_gone_after_sigkill_of_command, 2, HINT_CLEANUP);
	h_add(s, test_net_killed_runtime_link_removed_by_next, 2, HINT_CLEANUP);
	h_add(s, test_net_etc_files_are_its_own, 2, HINT_ALL);
	h_add(s, test_net_bad_input_is_125, 2, HINT_ALL);
}
