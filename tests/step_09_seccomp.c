/* Step 09-seccomp: root inside the container reaches only the system calls
 * of Docker's default profile; a refused call fails with EPERM and the
 * program goes on. Seen by the kernel: /proc/PID/status of the container's
 * process from the host, and /bin/sysprobe inside, which asks the filter
 * about a call without ever making it (rootfs/tools/sysprobe.c): its own
 * filter answers SECCOMP_RET_TRACE for that call, which the container's
 * EPERM outranks and which otherwise stops the call with ENOSYS. */
#define _GNU_SOURCE
#include <check.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define FILE_	 "exercises/09-seccomp/seccomp.c, "
#define README	 "steps/09-seccomp/README.md, "
#define HINT_NEW FILE_ "the TODO in filter_new(); " README "\"Your task\""
#define HINT_LOAD                                                                                  \
	FILE_ "the TODO in seccomp_child_setup() (prctl(PR_SET_SECCOMP)); " README "\"Your task\""
#define HINT_TABLE FILE_ "the TODO in allow_families(); " README "\"The table\""
#define HINT_ARGS  FILE_ "the TODO in allow_by_argument(); " README "\"Rules on arguments\""
#define HINT_ALL                                                                                   \
	FILE_ "the TODOs in filter_new() and allow_families(); " README "\"Your task\" and "       \
	      "\"The table\""
#define HINT_OPT README "\"Lifting it: unconfined, --privileged, a profile\""
#define HINT_32BIT                                                                                 \
	FILE_ "the TODO in filter_new() (the x86 and x32 architectures); " README                  \
	      "\"Two more doors: int 0x80 and x32\""

/* One probe a line: run `args` of /bin/sysprobe in a container, and the
 * beginning its line must have. */
struct expect {
	const char *args;
	const char *want;
};

/* The lines of `out` are "I LINE" for probe I: LINE, or "" (the caller
 * frees it). */
static char *line_for(const char *out, size_t i)
{
	char key[16];
	size_t len = (size_t)snprintf(key, sizeof(key), "%zu ", i);

	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, len) == 0)
			return strndup(p + len, strcspn(p + len, "\n"));
	return strdup("");
}

/* Run every probe of `e` in one container with `opts`, then `tail` (shell,
 * may be NULL); fail naming each probe whose line differs. */
static void expect_probes(const char *const *opts, const struct expect *e, size_t n,
			  const char *tail, const char *what, struct h_run *r)
{
	char *script = strdup(""), msg[2048] = "";

	for (size_t i = 0; i < n; i++) {
		char *more =
			h_printf("%secho \"%zu $(/bin/sysprobe %s 2>&1)\"\n", script, i, e[i].args);
		free(script);
		script = more;
	}
	if (tail) {
		char *more = h_printf("%s%s\n", script, tail);
		free(script);
		script = more;
	}
	h_container_sh(r, opts, script, NULL);
	free(script);
	h_assert_ran_inside(r);
	for (size_t i = 0; i < n; i++) {
		char *seen = line_for(r->out, i);
		if (strncmp(seen, e[i].want, strlen(e[i].want)) != 0)
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
				 "`sysprobe %s`: expected \"%s...\", saw \"%s\"; ", e[i].args,
				 e[i].want, seen);
		free(seen);
	}
	ck_assert_msg(!msg[0], "%s: %s(exit status %d, stderr \"%s\")", what, msg, r->status,
		      r->err);
}

#define N(a) (sizeof(a) / sizeof(a[0]))

/* ---- the filter is there ---- */

START_TEST(test_seccomp_filter_is_loaded)
{
	static const struct expect e[] = {
		{ "status", "open NoNewPrivs: 1 Seccomp: 2 Seccomp_filters: 1" },
	};
	struct h_proc p;
	struct h_run r;
	char path[64], *status = NULL, *seccomp;
	size_t len = 0;
	FILE *f;

	/* From the host: the container's first process, as the kernel has it. */
	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)child);
	f = child > 0 ? fopen(path, "re") : NULL;
	if (f) {
		getdelim(&status, &len, '\0', f);
		fclose(f);
	}
	h_finish(&p, &r);
	h_assert_ran_inside(&r);
	h_run_free(&r);
	seccomp = status ? strstr(status, "\nSeccomp:") : NULL;
	ck_assert_msg(seccomp && strncmp(seccomp, "\nSeccomp:\t2\n", 12) == 0,
		      "expected %s of the container's process to say \"Seccomp: 2\" (a filter); "
		      "it said \"%.40s\"",
		      path, seccomp ? seccomp + 1 : "(nothing: no such process?)");
	free(status);

	/* From inside: one filter, and no_new_privs under it. */
	expect_probes(NULL, e, N(e), NULL, "expected one seccomp filter inside", &r);
	h_run_free(&r);
}
END_TEST

/* ---- what it refuses, and how ---- */

/* The kernel's surface that no container needs, each refused with EPERM:
 * the process sees an error and goes on (the tail proves it). */
START_TEST(test_seccomp_refuses_with_eperm)
{
	static const struct expect e[] = {
		{ "call keyctl 0 -3", "held keyctl EPERM" },
		{ "call add_key", "held add_key EPERM" },
		{ "call bpf", "held bpf EPERM" },
		{ "call perf_event_open", "held perf_event_open EPERM" },
		{ "call userfaultfd", "held userfaultfd EPERM" },
		{ "call io_uring_setup", "held io_uring_setup EPERM" },
		{ "call kexec_load", "held kexec_load EPERM" },
		{ "call init_module", "held init_module EPERM" },
		{ "call finit_module", "held finit_module EPERM" },
		{ "call open_by_handle_at", "held open_by_handle_at EPERM" },
		{ "call clock_settime", "held clock_settime EPERM" },
		{ "call settimeofday", "held settimeofday EPERM" },
		{ "call swapon", "held swapon EPERM" },
		{ "call reboot", "held reboot EPERM" },
		{ "call mount", "held mount EPERM" },
		{ "call umount2", "held umount2 EPERM" },
		{ "call unshare 0x10000000", "held unshare EPERM" },
		{ "call setns", "held setns EPERM" },
		{ "call syslog", "held syslog EPERM" },
		{ "call acct", "held acct EPERM" },
		{ "call sethostname", "held sethostname EPERM" },
	};
	struct h_run r;

	expect_probes(NULL, e, N(e), "echo still-here",
		      "expected each call outside Docker's default list to fail with EPERM, and "
		      "the process to go on",
		      &r);
	ck_assert_msg(strstr(r.out, "still-here\n"),
		      "expected the shell to go on after the refused calls; stdout \"%s\"", r.out);
	h_run_free(&r);
}
END_TEST

/* Everyday calls pass, and the busybox the lab uses works whole. */
START_TEST(test_seccomp_everyday_calls_pass)
{
	static const struct expect e[] = {
		{ "status", "open NoNewPrivs: 1 Seccomp: 2 Seccomp_filters: 1" },
		{ "call getpid", "open getpid" },
		{ "call read", "open read" },
		{ "call openat", "open openat" },
		{ "call uname", "open uname" },
		{ "call ptrace", "open ptrace" },
		{ "call socket 1 1 0", "open socket" },
		{ "call socket 2 2 0", "open socket" },
		{ "call personality 0xffffffff", "open personality" },
		{ "call clone 17", "open clone" },
		{ "threads", "open threads" },
	};
	/* Files, processes, pipes, signals, time, sockets, archives. */
	static const char applets[] =
		"set -e; cd /tmp; mkdir d; echo hello >d/f; ln -s f d/l; chmod 600 d/f; "
		"cp d/f d/g; mv d/g d/h; cat d/l | wc -c >/dev/null; ls -la d >/dev/null; "
		"tar cf d.tar d; gzip d.tar; gunzip d.tar.gz; rm -r d d.tar; "
		"find / -maxdepth 1 >/dev/null; ps >/dev/null; id >/dev/null; date >/dev/null; "
		"sleep 0.01 & wait; trap 'echo trapped' USR1; kill -USR1 $$; "
		"echo 3 2 1 | tr ' ' '\\n' | sort -n | head -n 1 >/dev/null; "
		"sed s/a/b/ /etc/hostname >/dev/null; awk 'BEGIN { exit 0 }'; "
		"hostname >/dev/null; uname -a >/dev/null; df / >/dev/null; "
		"ping -c 1 -W 1 127.0.0.1 >/dev/null; "
		"nc -l -p 4000 >/tmp/got & sleep 0.1; echo over | nc 127.0.0.1 4000; wait; "
		"grep -q over /tmp/got; echo applets-ok";
	struct h_run r;

	expect_probes(NULL, e, N(e), applets, "expected everyday calls to pass the filter", &r);
	ck_assert_msg(strstr(r.out, "trapped\n") && strstr(r.out, "applets-ok\n"),
		      "expected busybox's applets (files, archives, processes, signals, ping, "
		      "nc) to work under the filter; the script stopped: stdout \"%s\", "
		      "stderr \"%s\"",
		      r.out, r.err);
	h_run_free(&r);
}
END_TEST

/* ---- rules on arguments ---- */

START_TEST(test_seccomp_clone_without_namespaces)
{
	static const struct expect e[] = {
		{ "call clone 17", "open clone" },		 /* SIGCHLD: fork() */
		{ "call clone 0x3d0f00", "open clone" },	 /* pthread_create() */
		{ "call clone 0x10000011", "held clone EPERM" }, /* CLONE_NEWUSER */
		{ "call clone 0x20011", "held clone EPERM" },	 /* CLONE_NEWNS */
		{ "call clone 0x20000011", "held clone EPERM" }, /* CLONE_NEWPID */
		{ "call clone 0x40000011", "held clone EPERM" }, /* CLONE_NEWNET */
		{ "call clone 0x04000011", "held clone EPERM" }, /* CLONE_NEWUTS */
		{ "call clone 0x08000011", "held clone EPERM" }, /* CLONE_NEWIPC */
		{ "call clone 0x02000011", "held clone EPERM" }, /* CLONE_NEWCGROUP */
	};
	struct h_run r;

	expect_probes(NULL, e, N(e), "/bin/door userns-mount",
		      "expected clone() with a namespace flag refused, and without one allowed",
		      &r);
	ck_assert_msg(strstr(r.out, "held unshare EPERM\n"),
		      "expected `door userns-mount` (unshare(CLONE_NEWUSER | CLONE_NEWNS), then "
		      "mount) to say \"held unshare EPERM\"; stdout \"%s\"",
		      r.out);
	h_run_free(&r);
}
END_TEST

START_TEST(test_seccomp_clone3_is_enosys)
{
	static const struct expect e[] = {
		{ "clone3", "held clone3 ENOSYS" },
		{ "threads", "open threads" },
	};
	struct h_run r;

	expect_probes(NULL, e, N(e), NULL,
		      "expected clone3() to fail with ENOSYS (a filter cannot read its flags), "
		      "so that glibc's pthread_create() falls back to clone()",
		      &r);
	h_run_free(&r);
}
END_TEST

START_TEST(test_seccomp_personality_harmless_only)
{
	static const struct expect e[] = {
		{ "call personality 0", "open personality" },
		{ "call personality 8", "open personality" },
		{ "call personality 0x20000", "open personality" },
		{ "call personality 0x20008", "open personality" },
		{ "call personality 0xffffffff", "open personality" },
		{ "call personality 0x400000", "held personality EPERM" }, /* READ_IMPLIES_EXEC */
		{ "call personality 0x40000", "held personality EPERM" },  /* ADDR_NO_RANDOMIZE */
	};
	struct h_run r;

	expect_probes(NULL, e, N(e), NULL, "expected personality() with Docker's values only", &r);
	h_run_free(&r);
}
END_TEST

START_TEST(test_seccomp_socket_families)
{
	static const struct expect e[] = {
		{ "call socket 1 1 0", "open socket" },	       /* AF_UNIX */
		{ "call socket 2 1 0", "open socket" },	       /* AF_INET */
		{ "call socket 10 2 0", "open socket" },       /* AF_INET6 */
		{ "call socket 16 3 0", "open socket" },       /* AF_NETLINK */
		{ "call socket 40 1 0", "held socket EPERM" }, /* AF_VSOCK */
	};
	struct h_run r;

	expect_probes(NULL, e, N(e), NULL, "expected socket() of every family but AF_VSOCK", &r);
	h_run_free(&r);
}
END_TEST

/* The same calls entered the 32-bit way (int 0x80, i386's numbers) and the
 * x32 way (x86_64's numbers with bit 30): a filter that names x86_64 alone
 * kills every such call, a hand-made one that forgets to check the
 * architecture lets them through. */
START_TEST(test_seccomp_32bit_entry_filtered_too)
{
	static const struct expect x32[] = {
		{ "call --x32 keyctl", "held keyctl EPERM" },
		{ "call --x32 getpid", "open getpid" },
	};
	static const struct expect ia32[] = {
		{ "call --ia32 keyctl", "held keyctl EPERM" },
		{ "call --ia32 reboot", "held reboot EPERM" },
		{ "call --ia32 getpid", "open getpid" },
	};
	char *probe = h_printf("%s/bin/sysprobe", h_rootfs);
	const char *argv[] = { probe, "call", "--ia32", "getpid", NULL };
	struct h_run r, outside;

#ifndef __x86_64__
	fprintf(stderr, "test_seccomp_32bit_entry_filtered_too: x86_64's alone, skipped\n");
	return;
#endif
	expect_probes(NULL, x32, N(x32), NULL, "expected x32 calls filtered as x86_64's are", &r);
	h_run_free(&r);
	/* Whether this kernel has a 32-bit entry at all (CONFIG_IA32_EMULATION). */
	h_run_argv(&outside, argv);
	if (strncmp(outside.out, "open", 4) != 0) {
		fprintf(stderr, "test_seccomp_32bit_entry_filtered_too: int 0x80 skipped: %s",
			outside.out);
	} else {
		expect_probes(NULL, ia32, N(ia32), NULL,
			      "expected calls through int 0x80 filtered by i386's numbers", &r);
		h_run_free(&r);
	}
	h_run_free(&outside);
	free(probe);
}
END_TEST

/* ---- capabilities widen it; unconfined and --privileged lift it ---- */

START_TEST(test_seccomp_capabilities_widen_it)
{
	static const char *const sys_admin[] = { "--cap-add", "SYS_ADMIN", NULL };
	static const struct expect admin[] = {
		{ "call mount", "open mount" },
		{ "call unshare 0x10000000", "open unshare" },
		{ "call clone 0x10000011", "open clone" },
		{ "clone3", "open clone3 EINVAL" },
		{ "call clock_settime", "held clock_settime EPERM" },
		{ "call keyctl", "held keyctl EPERM" },
	};
	static const char *const sys_time[] = { "--cap-add", "SYS_TIME", "--cap-add", "SYS_BOOT",
						NULL };
	static const struct expect time[] = {
		{ "call clock_settime", "open clock_settime" },
		{ "call reboot", "open reboot" },
		{ "call mount", "held mount EPERM" },
	};
	struct h_run r;

	expect_probes(sys_admin, admin, N(admin), NULL,
		      "expected --cap-add SYS_ADMIN to allow the calls of CAP_SYS_ADMIN (as "
		      "Docker's profile does), and no others",
		      &r);
	h_run_free(&r);
	expect_probes(sys_time, time, N(time), NULL,
		      "expected --cap-add SYS_TIME and SYS_BOOT to allow clock_settime and "
		      "reboot, and no others",
		      &r);
	h_run_free(&r);
}
END_TEST

START_TEST(test_seccomp_unconfined_and_privileged)
{
	static const char *const unconfined[] = { "--security-opt", "seccomp=unconfined", NULL };
	static const char *const privileged[] = { "--privileged", NULL };
	static const struct expect e[] = {
		{ "status", "open NoNewPrivs: 1 Seccomp: 0 Seccomp_filters: 0" },
		{ "call keyctl", "open keyctl" },
		{ "clone3", "open clone3 EINVAL" },
	};
	static const struct expect by_default[] = {
		{ "status", "open NoNewPrivs: 1 Seccomp: 2 Seccomp_filters: 1" },
		{ "call keyctl", "held keyctl EPERM" },
		{ "clone3", "held clone3 ENOSYS" },
	};
	struct h_run r;

	/* The same probes first in the default container, so that each line
	 * below is seen to change. */
	expect_probes(NULL, by_default, N(by_default), NULL,
		      "expected the default container to have the filter", &r);
	h_run_free(&r);
	expect_probes(unconfined, e, N(e), NULL,
		      "expected --security-opt seccomp=unconfined to load no filter", &r);
	h_run_free(&r);
	expect_probes(privileged, e, N(e), NULL, "expected --privileged to load no filter", &r);
	h_run_free(&r);
}
END_TEST

/* ---- a profile of one's own ---- */

/* A profile the test writes: everything allowed but keyctl (refused with
 * EACCES, its own errno), reboot (the default errno, EPERM), and unshare
 * only for a container that keeps CAP_SYS_ADMIN (an "includes"). */
static const char small_profile[] =
	"{\n"
	"  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	"  \"syscalls\": [\n"
	"    { \"names\": [ \"keyctl\" ], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13 },\n"
	"    { \"name\": \"reboot\", \"action\": \"SCMP_ACT_ERRNO\" },\n"
	"    { \"names\": [ \"unshare\" ], \"action\": \"SCMP_ACT_ERRNO\",\n"
	"      \"includes\": { \"caps\": [ \"CAP_SYS_ADMIN\" ] } }\n"
	"  ]\n"
	"}\n";

/* A profile with a mistake on line 3 that jansson reports at column 20, the
 * end of the bad token. */
static const char broken_profile[] = "{\n"
				     "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
				     "  \"syscalls\": [ oops ]\n"
				     "}\n";

/* Whether `path`, a fixture that needs the network once, is there. make
 * check (BYOC_FIXTURES_REQUIRED=1) fails without it; a student's run says
 * what it skipped and how to get it. */
static bool fixture(const char *path, const char *what, const char *make)
{
	const char *required = getenv("BYOC_FIXTURES_REQUIRED");
	struct stat st;

	if (stat(path, &st) == 0)
		return true;
	ck_assert_msg(!required || strcmp(required, "1") != 0,
		      "test set-up: %s is not at %s: run 'sudo %s'", what, path, make);
	fprintf(stderr, "step 09: %s is not at %s, so that part is skipped: 'sudo %s' gets it\n",
		what, path, make);
	return false;
}

/* Docker's own default.json, as Debian's golang-github-docker-docker-dev
 * ships it; the Makefile unpacks it beside the rootfs. */
static char *docker_profile(void)
{
	char *dir = strdup(h_rootfs);
	char *path = h_printf("%s/seccomp/docker-default.json", dirname(dir));

	free(dir);
	return path;
}

START_TEST(test_seccomp_profile_file)
{
	char *mine = h_printf("%s/profile.json", h_tmp), *docker = docker_profile();
	char *bad = h_printf("%s/broken.json", h_tmp);
	char *opt_mine = h_printf("seccomp=%s", mine), *opt_docker = h_printf("seccomp=%s", docker);
	char *opt_bad = h_printf("seccomp=%s", bad), *where = h_printf("%s:3:20", bad);
	const char *with_mine[] = { "--security-opt", opt_mine, NULL };
	const char *with_mine_admin[] = { "--security-opt", opt_mine, "--cap-add", "SYS_ADMIN",
					  NULL };
	const char *with_docker[] = { "--security-opt", opt_docker, NULL };
	const char *with_bad[] = { "--security-opt", opt_bad, NULL };
	static const struct expect e_mine[] = {
		{ "call keyctl", "held keyctl EACCES" },
		{ "call reboot", "held reboot EPERM" },
		{ "call unshare", "open unshare" },
		{ "call getpid", "open getpid" },
	};
	static const struct expect e_mine_admin[] = {
		{ "call unshare", "held unshare EPERM" },
	};
	static const struct expect e_docker[] = {
		{ "status", "open NoNewPrivs: 1 Seccomp: 2 Seccomp_filters: 1" },
		{ "call keyctl", "held keyctl EPERM" },
		{ "call reboot", "held reboot EPERM" },
		{ "call clone 0x10000011", "held clone EPERM" },
		{ "clone3", "held clone3 ENOSYS" },
		{ "call getpid", "open getpid" },
		{ "threads", "open threads" },
	};
	struct h_run r;

	h_write_file(mine, small_profile, 0644);
	expect_probes(with_mine, e_mine, N(e_mine), NULL,
		      "expected a profile's own errnos, and its includes, to hold", &r);
	h_run_free(&r);
	expect_probes(with_mine_admin, e_mine_admin, N(e_mine_admin), NULL,
		      "expected a rule that \"includes\" CAP_SYS_ADMIN to hold with it", &r);
	h_run_free(&r);

	h_write_file(bad, broken_profile, 0644);
	h_container_sh(&r, with_bad, "echo ran", NULL);
	ck_assert_msg(r.status == 125 && strstr(r.err, where) && !strstr(r.out, "ran"),
		      "expected a profile with a mistake on line 3 (column 20, after the bad "
		      "token) to stop the "
		      "container (status 125) with a message naming \"%s\"; saw status %d, "
		      "stderr \"%s\"",
		      where, r.status, r.err);
	h_run_free(&r);

	if (!fixture(docker, "Docker's default.json", "make seccomp-profile"))
		goto out;
	expect_probes(with_docker, e_docker, N(e_docker), NULL,
		      "expected Docker's own default.json, loaded with --security-opt, to hold as "
		      "the built-in table does",
		      &r);
	h_run_free(&r);
out:
	free(mine);
	free(docker);
	free(bad);
	free(opt_mine);
	free(opt_docker);
	free(opt_bad);
	free(where);
}
END_TEST

/* ---- real programs ---- */

/* A minimal Debian (make debian-rootfs): apt, perl and python3 with a thread
 * and a child process, under the default filter. */
START_TEST(test_seccomp_real_programs_work)
{
	static const char script[] =
		"apt-get --version | head -n 1; perl -e 'print \"perl ok\\n\"'; "
		"if command -v python3 >/dev/null; then python3 -c 'import threading, subprocess; "
		"t = threading.Thread(target=print, args=(\"python thread ok\",)); t.start(); "
		"t.join(); print(\"python child\", subprocess.run([\"true\"]).returncode)'; fi; "
		"grep Seccomp: /proc/self/status";
	char *dir = strdup(h_rootfs), *debian = h_printf("%s/debian", dirname(dir));
	const char *argv[16];
	size_t n = 0;
	struct h_run r;

	free(dir);
	if (!fixture(debian, "a minimal Debian", "make debian-rootfs")) {
		free(debian);
		return;
	}
	argv[n++] = h_bin;
	if (h_bin_arg)
		argv[n++] = h_bin_arg;
	argv[n++] = "--rootfs";
	argv[n++] = debian;
	argv[n++] = "--net";
	argv[n++] = "none";
	argv[n++] = "--";
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = script;
	argv[n] = NULL;
	h_run_argv(&r, argv);
	ck_assert_msg(r.status == 0 && strstr(r.out, "apt ") && strstr(r.out, "perl ok\n") &&
			      (!strstr(r.out, "python") || (strstr(r.out, "python thread ok\n") &&
							    strstr(r.out, "python child 0\n"))) &&
			      strstr(r.out, "Seccomp:\t2\n"),
		      "expected apt-get --version, perl -e and python3 -c (a thread, a child) to "
		      "work in %s under the filter (Seccomp: 2); saw status %d, stdout \"%s\", "
		      "stderr \"%s\"",
		      debian, r.status, r.out, r.err);
	h_run_free(&r);
	free(debian);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "09-seccomp";
	/* A container that does not start: the code its error names. */
	h_hint_for(s, "stage seccomp: seccomp_init", HINT_NEW);
	h_hint_for(s, "stage seccomp: seccomp_arch_add", HINT_NEW);
	h_hint_for(s, "stage seccomp: seccomp_rule_add(clone3)", HINT_ARGS);
	h_hint_for(s, "stage seccomp: seccomp_rule_add", HINT_TABLE);
	h_hint_for(s, "stage seccomp: prctl(PR_SET_SECCOMP)", HINT_LOAD);
	h_add(s, test_seccomp_filter_is_loaded, 3, HINT_LOAD);
	h_add(s, test_seccomp_refuses_with_eperm, 4, HINT_ALL);
	h_add(s, test_seccomp_everyday_calls_pass, 3, HINT_ALL);
	h_add(s, test_seccomp_clone_without_namespaces, 3, HINT_ARGS);
	h_add(s, test_seccomp_clone3_is_enosys, 3, HINT_ARGS);
	h_add(s, test_seccomp_personality_harmless_only, 2, HINT_ARGS);
	h_add(s, test_seccomp_socket_families, 2, HINT_ARGS);
	h_add(s, test_seccomp_32bit_entry_filtered_too, 3, HINT_32BIT);
	h_add(s, test_seccomp_capabilities_widen_it, 3, HINT_TABLE);
	h_add(s, test_seccomp_unconfined_and_privileged, 2, HINT_OPT);
	h_add(s, test_seccomp_profile_file, 3, HINT_OPT);
	h_add(s, test_seccomp_real_programs_work, 2, HINT_ALL);
}
