/* Step 07-capabilities: root inside the container keeps Docker's default
 * capabilities and no more, seen from the host's /proc/PID/status, and what
 * that stops inside: mount, mknod, raw sockets, the disk breakout. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "harness.h"

#define HINT_FILE "exercises/07-capabilities/caps.c, "
#define HINT_SETS                                                                                  \
	HINT_FILE "the TODOs in caps_child_setup(); steps/07-capabilities/README.md, "             \
		  "\"The five sets\""
#define HINT_NNP                                                                                   \
	HINT_FILE "the last TODO in caps_child_setup() (PR_SET_NO_NEW_PRIVS); "                    \
		  "steps/07-capabilities/README.md, \"The five sets\""
#define HINT_OPTIONS                                                                               \
	HINT_FILE "the TODO in caps_wanted() and those in caps_child_setup(); "                    \
		  "steps/07-capabilities/README.md, \"Your task\""
#define HINT_RULES                                                                                 \
	HINT_FILE                                                                                  \
	"the TODO in caps_wanted(); steps/07-capabilities/README.md, \"Docker's default "          \
	"set\" (the rules, in their order)"
#define HINT_BREAKOUT HINT_OPTIONS "; and \"The breakout\""

/* Docker's default set, the one the lesson lists. */
static const cap_value_t docker_default[] = {
	CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,	     CAP_FOWNER,
	CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,	     CAP_SETUID,
	CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
	CAP_KILL,    CAP_AUDIT_WRITE,
};

#define BIT(cap) (1ULL << (cap))

/* A "CapEff:" line of /proc/PID/status (proc(5)), or -1 when missing. */
static long long status_field(pid_t pid, const char *key, int base)
{
	char *path = h_printf("/proc/%d/status", (int)pid), line[256];
	FILE *f = fopen(path, "re");
	long long v = -1;
	size_t len = strlen(key);

	free(path);
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, len) == 0 && line[len] == ':')
			v = strtoll(line + len + 1, NULL, base);
	fclose(f);
	return v;
}

static uint64_t cap_mask(pid_t pid, const char *key)
{
	return (uint64_t)status_field(pid, key, 16);
}

/* "cap_chown,cap_kill" for a mask, decoded by libcap; "none" when empty. */
static char *cap_names(uint64_t mask)
{
	char *s = h_printf("%s", mask ? "" : "none");

	for (cap_value_t cap = 0; cap < 64; cap++) {
		if (!(mask & BIT(cap)))
			continue;
		char *name = cap_to_name(cap), *t = h_printf("%s%s%s", s, *s ? "," : "", name);
		cap_free(name);
		free(s);
		s = t;
	}
	return s;
}

/* What the container should hold: `want`, within what the test itself has
 * (a runtime cannot give what it lacks). */
static uint64_t expected(uint64_t want)
{
	return want & cap_mask(getpid(), "CapPrm");
}

static uint64_t default_set(void)
{
	uint64_t m = 0;

	for (size_t i = 0; i < sizeof(docker_default) / sizeof(docker_default[0]); i++)
		m |= BIT(docker_default[i]);
	return m;
}

/* Append to `msg` each set of `pid` that differs from `want`, by name: the
 * bounding, permitted and effective sets `want`, the inheritable set empty
 * (as Docker leaves it since CVE-2022-24769), the ambient set `ambient`. */
static void compare_sets(char *msg, size_t size, pid_t pid, uint64_t want, uint64_t ambient)
{
	static const char *const keys[] = { "CapBnd", "CapPrm", "CapEff", "CapInh", "CapAmb" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		uint64_t w = i == 4 ? ambient : i == 3 ? 0 : want, got = cap_mask(pid, keys[i]);
		if (got == w)
			continue;
		char *missing = cap_names(w & ~got), *extra = cap_names(got & ~w);
		snprintf(msg + strlen(msg), size - strlen(msg),
			 "%s is %016llx: missing %s; extra %s. ", keys[i], (unsigned long long)got,
			 missing, extra);
		free(missing);
		free(extra);
	}
}

/* Start a container that waits, and compare its five sets, seen from the
 * host, with `want` (and an empty ambient set). Returns NULL or what
 * differs. */
static char *sets_differ(const char *const *opts, uint64_t want)
{
	char msg[4096] = "";
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, opts, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	compare_sets(msg, sizeof(msg), h_first_child(p.pid), want, 0);
	h_finish(&p, &r);
	h_run_free(&r);
	return msg[0] ? strdup(msg) : NULL;
}

START_TEST(test_caps_sets_are_docker_default)
{
	uint64_t want = expected(default_set()), mine = cap_mask(getpid(), "CapEff");
	char msg[4096] = "", *want_names = cap_names(want);
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	compare_sets(msg, sizeof(msg), child, want, 0);
	uint64_t runtime = cap_mask(p.pid, "CapEff");
	h_finish(&p, &r);
	ck_assert_msg(msg[0] == '\0',
		      "expected the command's bounding, permitted and effective sets to be "
		      "Docker's default (%s), and its inheritable and ambient sets empty, in "
		      "/proc/%d/status; %s",
		      want_names, (int)child, msg);
	ck_assert_msg(runtime == mine,
		      "expected the runtime to keep its own capabilities (the caps stage runs in "
		      "the child); its CapEff became %016llx",
		      (unsigned long long)runtime);
	free(want_names);
	h_run_free(&r);
}
END_TEST

START_TEST(test_caps_no_new_privs)
{
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	long long nnp = status_field(child, "NoNewPrivs", 10);
	long long runtime = status_field(p.pid, "NoNewPrivs", 10);
	h_finish(&p, &r);
	ck_assert_msg(nnp == 1, "expected NoNewPrivs: 1 in /proc/%d/status; saw %lld", (int)child,
		      nnp);
	ck_assert_msg(runtime == 0,
		      "expected the runtime itself to keep NoNewPrivs: 0 (set it in the child); "
		      "saw %lld",
		      runtime);
	h_run_free(&r);
}
END_TEST

/* The runtime starts with CAP_CHOWN (in Docker's set) and CAP_SYS_ADMIN in
 * its ambient set, as a caller could give it; none may reach the command. */
START_TEST(test_caps_ambient_cleared)
{
	cap_value_t raise[] = { CAP_CHOWN, CAP_SYS_ADMIN };
	cap_t caps = cap_get_proc();
	char msg[4096] = "";
	struct h_proc p;
	struct h_run r;

	ck_assert_msg(caps && cap_set_flag(caps, CAP_INHERITABLE, 2, raise, CAP_SET) == 0 &&
			      cap_set_proc(caps) == 0,
		      "test set-up: cap_set_proc(inheritable): %s", strerror(errno));
	cap_free(caps);
	for (size_t i = 0; i < 2; i++)
		ck_assert_msg(cap_set_ambient(raise[i], CAP_SET) == 0,
			      "test set-up: cap_set_ambient(%d): %s", (int)raise[i],
			      strerror(errno));
	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	uint64_t runtime = cap_mask(p.pid, "CapAmb");
	pid_t child = h_first_child(p.pid);
	uint64_t amb = cap_mask(child, "CapAmb"), inh = cap_mask(child, "CapInh");
	char sets[4096] = "";
	compare_sets(sets, sizeof(sets), child, expected(default_set()), 0);
	h_finish(&p, &r);
	ck_assert_msg(runtime == (BIT(CAP_CHOWN) | BIT(CAP_SYS_ADMIN)),
		      "test set-up: the runtime's ambient set is %016llx, not chown,sys_admin",
		      (unsigned long long)runtime);
	if (amb != 0) {
		char *names = cap_names(amb);
		snprintf(msg, sizeof(msg), "CapAmb is %016llx (%s)", (unsigned long long)amb,
			 names);
		free(names);
	}
	ck_assert_msg(amb == 0 && inh == 0,
		      "expected the command's ambient and inheritable sets empty (the runtime's "
		      "had cap_chown,cap_sys_admin in both); %s; CapInh is %016llx",
		      msg, (unsigned long long)inh);
	ck_assert_msg(sets[0] == '\0',
		      "expected the command's sets to be Docker's default although the runtime's "
		      "inheritable set held cap_sys_admin: at execve() root's permitted set takes "
		      "the inheritable one too, past the bounding set; %s",
		      sets);
	h_run_free(&r);
}
END_TEST

/* ---- what the sets stop inside ---- */

/* The command is looked up and started with the container's own sets, after
 * cap_set_proc(): a program that only its owner may run (mode 0700, uid
 * 1000) still runs for the container's root, which keeps CAP_DAC_OVERRIDE
 * in its effective set, as Docker's root does. */
START_TEST(test_caps_effective_before_exec)
{
	char *layer = h_printf("%s/tool-layer", h_tmp), *dir = h_printf("%s/opt", layer);
	char *tool = h_printf("%s/tool", dir);
	const char *argv[] = { h_bin, "--layer", layer, "--", "/opt/tool", NULL };
	struct h_run r;

	ck_assert(mkdir(layer, 0755) == 0 && mkdir(dir, 0755) == 0);
	h_write_file(tool, "#!/bin/sh\necho tool-ran; grep CapEff /proc/self/status\n", 0700);
	ck_assert(chown(tool, 1000, 1000) == 0);
	h_run_argv(&r, argv);
	char *want = h_printf("CapEff:\t%016llx\n", (unsigned long long)expected(default_set()));
	ck_assert_msg(r.status == 0 && strstr(r.out, "tool-ran") && strstr(r.out, want),
		      "expected /opt/tool (mode 0700, owner 1000) to run as the container's root, "
		      "whose effective set keeps CAP_DAC_OVERRIDE up to execve(), and to hold "
		      "Docker's default set (%s); saw status %d, stdout \"%s\", stderr \"%s\"",
		      want, r.status, r.out, r.err);
	free(want);
	free(tool);
	free(dir);
	free(layer);
	h_run_free(&r);
}
END_TEST

START_TEST(test_caps_mount_and_mknod_refused)
{
	const char *drop[] = { "--cap-drop", "MKNOD", NULL };
	struct h_mount m;
	struct h_proc p;
	struct h_run r, r2;

	h_container_spawn(&p, NULL, "mount -t tmpfs byoc-caps /mnt; echo mount=$?; " H_WAIT_SCRIPT,
			  NULL);
	h_assert_ready(&p);
	bool mounted = h_mount_of(h_first_child(p.pid), "/mnt", &m) && strcmp(m.type, "tmpfs") == 0;
	h_finish(&p, &r);
	h_assert_ran_inside(&r);
	ck_assert_msg(!mounted && strstr(r.out, "mount=0") == NULL &&
			      strstr(r.err, "permission denied"),
		      "expected mount -t tmpfs inside to fail with EPERM (no CAP_SYS_ADMIN) and "
		      "nothing on /mnt in the container's mountinfo; saw %s, stdout \"%s\", "
		      "stderr \"%s\"",
		      mounted ? "a tmpfs on /mnt" : "no tmpfs", r.out, r.err);

	/* 7:255, a loop device number nothing uses: mknod alone is tried. */
	h_container_sh(&r2, drop, "mknod /dev/byoc-blk b 7 255; echo mknod=$?; ls /dev/byoc-blk",
		       NULL);
	h_assert_ran_inside(&r2);
	ck_assert_msg(strstr(r2.out, "mknod=1") && strstr(r2.err, "Operation not permitted") &&
			      strstr(r2.out, "/dev/byoc-blk") == NULL,
		      "expected mknod of a block device to fail with EPERM under --cap-drop MKNOD; "
		      "saw stdout \"%s\", stderr \"%s\"",
		      r2.out, r2.err);
	h_run_free(&r);
	h_run_free(&r2);
}
END_TEST

/* A network namespace of the test's own with its loopback up: the ping
 * stays in it, and it goes with the test's process. */
static void own_netns(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd;

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "test set-up: unshare(CLONE_NEWNET): %s",
		      strerror(errno));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_msg(fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0, "test set-up: lo: %s",
		      strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	ck_assert_msg(ioctl(fd, SIOCSIFFLAGS, &ifr) == 0, "test set-up: lo up: %s",
		      strerror(errno));
	close(fd);
}

#define PING "ping -c 1 -W 1 127.0.0.1 >/dev/null; echo ping=$?; " H_WAIT_SCRIPT

START_TEST(test_caps_cap_drop_net_raw)
{
	const char *drop[] = { "--cap-drop", "net_raw", NULL };
	uint64_t want = expected(default_set() & ~BIT(CAP_NET_RAW));
	char msg[4096] = "";
	struct h_proc p;
	struct h_run r, plain;

	own_netns();
	h_container_sh(&plain, NULL, PING, NULL);
	h_assert_ran_inside(&plain);
	ck_assert_msg(strstr(plain.out, "ping=0"),
		      "expected ping 127.0.0.1 to work with Docker's default set (it keeps "
		      "CAP_NET_RAW); saw stdout \"%s\", stderr \"%s\"",
		      plain.out, plain.err);

	h_container_spawn(&p, drop, PING, NULL);
	h_assert_ready(&p);
	compare_sets(msg, sizeof(msg), h_first_child(p.pid), want, 0);
	h_finish(&p, &r);
	h_assert_ran_inside(&r);
	ck_assert_msg(strstr(r.out, "ping=1") && strstr(r.err, "permission denied"),
		      "expected busybox ping, which needs a raw socket, to fail with EPERM under "
		      "--cap-drop net_raw; saw stdout \"%s\", stderr \"%s\"",
		      r.out, r.err);
	ck_assert_msg(msg[0] == '\0',
		      "expected --cap-drop net_raw to take CAP_NET_RAW out of Docker's default "
		      "set, and nothing else; %s",
		      msg);
	h_run_free(&plain);
	h_run_free(&r);
}
END_TEST

START_TEST(test_caps_cap_add_sys_admin)
{
	const char *add[] = { "--cap-add", "CAP_SYS_ADMIN", NULL };
	uint64_t want = expected(default_set() | BIT(CAP_SYS_ADMIN));
	char msg[4096] = "";
	struct h_mount m;
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, add, "mount -t tmpfs byoc-caps /mnt; echo mount=$?; " H_WAIT_SCRIPT,
			  NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	bool mounted = h_mount_of(child, "/mnt", &m) && strcmp(m.type, "tmpfs") == 0;
	compare_sets(msg, sizeof(msg), child, want, 0);
	h_finish(&p, &r);
	h_assert_ran_inside(&r);
	ck_assert_msg(mounted && strstr(r.out, "mount=0"),
		      "expected mount -t tmpfs inside to work under --cap-add CAP_SYS_ADMIN, and a "
		      "tmpfs on /mnt in the container's mountinfo; saw stdout \"%s\", stderr "
		      "\"%s\"",
		      r.out, r.err);
	ck_assert_msg(msg[0] == '\0',
		      "expected --cap-add CAP_SYS_ADMIN to add CAP_SYS_ADMIN to Docker's default "
		      "set, and nothing else; %s",
		      msg);
	h_run_free(&r);
}
END_TEST

/* Docker's rules for ALL: --cap-drop ALL keeps only what --cap-add names;
 * --cap-add ALL keeps all but what --cap-drop names. */
START_TEST(test_caps_all)
{
	const char *none[] = { "--cap-drop", "ALL", NULL };
	const char *chown[] = { "--cap-drop", "all", "--cap-add", "chown", NULL };
	const char *most[] = { "--cap-add", "All", "--cap-drop", "Sys_Admin", NULL };
	char *a = sets_differ(none, 0);
	char *b = sets_differ(chown, expected(BIT(CAP_CHOWN)));
	char *c = sets_differ(most, expected(~BIT(CAP_SYS_ADMIN)));
	const char *priv[] = { "--privileged", "--cap-drop", "ALL", "--cap-drop", "NET_RAW", NULL };
	char *d = sets_differ(priv, expected(~0ULL));

	ck_assert_msg(a == NULL, "expected --cap-drop ALL to leave every set empty; %s", a);
	ck_assert_msg(b == NULL,
		      "expected --cap-drop all --cap-add chown to leave cap_chown alone; %s", b);
	ck_assert_msg(c == NULL,
		      "expected --cap-add All --cap-drop Sys_Admin to keep every capability the "
		      "runtime has but cap_sys_admin; %s",
		      c);
	ck_assert_msg(d == NULL,
		      "expected --privileged to keep every capability the runtime has, whatever "
		      "--cap-drop says (docker ignores it there); %s",
		      d);
}
END_TEST

/* Docker's rules where they part from the obvious set algebra: drops go
 * first and adds after them; --cap-drop ALL keeps what --cap-add names, in
 * the default set or not; a drop takes away, and never grants. */
START_TEST(test_caps_drop_then_add)
{
	const char *both[] = { "--cap-add", "NET_ADMIN", "--cap-drop", "net_admin", NULL };
	const char *both_default[] = { "--cap-drop", "NET_RAW", "--cap-add", "NET_RAW", NULL };
	const char *only[] = { "--cap-drop", "ALL", "--cap-add", "SYS_ADMIN", NULL };
	const char *outside[] = { "--cap-drop", "SYS_ADMIN", NULL };
	const char *mixed[] = { "--cap-drop", "SYS_ADMIN", "--cap-drop", "CHOWN", NULL };
	char *a = sets_differ(both, expected(default_set() | BIT(CAP_NET_ADMIN)));
	char *b = sets_differ(both_default, expected(default_set()));
	char *c = sets_differ(only, expected(BIT(CAP_SYS_ADMIN)));
	char *d = sets_differ(outside, expected(default_set()));
	char *e = sets_differ(mixed, expected(default_set() & ~BIT(CAP_CHOWN)));

	ck_assert_msg(a == NULL,
		      "expected --cap-add NET_ADMIN --cap-drop net_admin to keep cap_net_admin, "
		      "as docker does: drops first, then adds; %s",
		      a);
	ck_assert_msg(b == NULL,
		      "expected --cap-drop NET_RAW --cap-add NET_RAW to keep Docker's default set; "
		      "%s",
		      b);
	ck_assert_msg(c == NULL,
		      "expected --cap-drop ALL --cap-add SYS_ADMIN to keep cap_sys_admin alone, "
		      "although the default set lacks it; %s",
		      c);
	ck_assert_msg(d == NULL,
		      "expected --cap-drop SYS_ADMIN, which the default set lacks, to leave the "
		      "default set as it is: a drop never grants; %s",
		      d);
	ck_assert_msg(e == NULL,
		      "expected --cap-drop SYS_ADMIN --cap-drop CHOWN to take cap_chown alone out "
		      "of the default set; %s",
		      e);
}
END_TEST

/* ---- the breakout: a scratch disk of the test's own ---- */

START_TEST(test_caps_breakout)
{
	static const char *const modes[] = { "", "--cap-add", "--privileged" };
	char *token = h_random_token(), majmin[32];
	int loop = h_scratch_disk(token, majmin, sizeof(majmin));
	struct h_run r[3];

	for (size_t i = 0; i < 3; i++) {
		const char *opts[] = { modes[i], i == 1 ? "ALL" : NULL, NULL };
		const char *args[] = { majmin, NULL };
		h_container_sh(&r[i], i ? opts : NULL, "breakout-disk \"$1\" secret", args);
	}
	close(loop); /* the last user: the kernel detaches the loop device */
	for (size_t i = 0; i < 3; i++)
		h_assert_ran_inside(&r[i]);
	ck_assert_msg(r[0].status == 1 && strstr(r[0].err, "mount(") && strstr(r[0].err, "EPERM") &&
			      !strstr(r[0].out, token),
		      "expected the disk breakout to fail by default: mount of the scratch disk "
		      "%s refused with EPERM (no CAP_SYS_ADMIN); saw status %d, stdout \"%s\", "
		      "stderr \"%s\"",
		      majmin, r[0].status, r[0].out, r[0].err);
	ck_assert_msg(r[1].status == 0 && strstr(r[1].out, token),
		      "expected the disk breakout to read the scratch disk %s under --cap-add "
		      "ALL; saw status %d, stdout \"%s\", stderr \"%s\"",
		      majmin, r[1].status, r[1].out, r[1].err);
	ck_assert_msg(r[2].status == 0 && strstr(r[2].out, token) &&
			      strstr(r[2].err, "warning: --privileged"),
		      "expected the disk breakout to read the scratch disk %s under --privileged, "
		      "with a warning; saw status %d, stdout \"%s\", stderr \"%s\"",
		      majmin, r[2].status, r[2].out, r[2].err);
	for (size_t i = 0; i < 3; i++)
		h_run_free(&r[i]);
	free(token);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "07-capabilities";
	/* A container that does not start: the code its error names. */
	h_hint_for(s, "stage caps: cap_drop_bound", HINT_SETS);
	h_hint_for(s, "stage caps: cap_set", HINT_SETS);
	h_hint_for(s, "stage caps: prctl", HINT_NNP);
	h_add(s, test_caps_sets_are_docker_default, 4, HINT_SETS);
	h_add(s, test_caps_no_new_privs, 2, HINT_NNP);
	h_add(s, test_caps_ambient_cleared, 2, HINT_SETS);
	h_add(s, test_caps_mount_and_mknod_refused, 2, HINT_SETS);
	h_add(s, test_caps_effective_before_exec, 2, HINT_SETS);
	h_add(s, test_caps_cap_drop_net_raw, 3, HINT_OPTIONS);
	h_add(s, test_caps_cap_add_sys_admin, 3, HINT_OPTIONS);
	h_add(s, test_caps_all, 3, HINT_OPTIONS);
	h_add(s, test_caps_drop_then_add, 3, HINT_RULES);
	h_add(s, test_caps_breakout, 4, HINT_BREAKOUT);
}
