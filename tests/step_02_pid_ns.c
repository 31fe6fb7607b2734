/* Step 02-pid-ns: the container's own PIDs, hostname and IPC objects, seen
 * from the host's /proc. Every command runs behind the rootfs guard of
 * h_container_sh(). */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define HINT_FILE "exercises/02-pid-ns/pidns.c, "
#define HINT_FLAGS                                                                                 \
	HINT_FILE "the TODO in byoc_stage_pidns; steps/02-pid-ns/README.md, \"Your task\""
#define HINT_NAME                                                                                  \
	HINT_FILE "the TODOs in pidns_prepare() and pidns_child_setup(); "                         \
		  "steps/02-pid-ns/README.md, \"Your task\""
#define HINT_PID1 HINT_FLAGS "; and \"PID 1\""

START_TEST(test_pid_ns_command_is_pid_1)
{
	struct h_run r;

	h_container_sh(&r, NULL, "echo $$", NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(strcmp(r.out, "1\n") == 0,
		      "expected the command to be PID 1 in its PID namespace; it printed $$ = %s",
		      r.out);
	h_run_free(&r);
}
END_TEST

START_TEST(test_pid_ns_namespaces_differ)
{
	static const char *const kinds[] = { "pid", "uts", "ipc" };
	struct h_proc p;
	struct h_run r;
	char msg[512] = "";

	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	for (size_t i = 0; i < 3; i++) {
		char *host = h_ns(getpid(), kinds[i]), *theirs = h_ns(child, kinds[i]);
		if (strcmp(host, theirs) == 0)
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
				 "%s %s is the host's; ", kinds[i], theirs);
		free(host);
		free(theirs);
	}
	h_finish(&p, &r);
	ck_assert_msg(msg[0] == '\0',
		      "expected new PID, UTS and IPC namespaces (from /proc/%d/ns); saw: %s",
		      (int)child, msg);
	h_run_free(&r);
}
END_TEST

START_TEST(test_uts_hostname_is_set)
{
	const char *opts[] = { "--hostname", "lab-box-02", NULL };
	char before[256], after[256];
	struct h_run r;

	gethostname(before, sizeof(before));
	h_container_sh(&r, opts, "hostname", NULL);
	gethostname(after, sizeof(after));
	h_assert_ran_inside(&r);
	ck_assert_msg(strcmp(r.out, "lab-box-02\n") == 0,
		      "expected hostname inside to be lab-box-02; saw \"%s\"", r.out);
	ck_assert_msg(strcmp(before, after) == 0,
		      "expected the host's hostname to stay %s; it became %s", before, after);
	h_run_free(&r);
}
END_TEST

START_TEST(test_uts_default_hostname_is_id)
{
	char host[256];
	struct h_run r;
	size_t len;

	gethostname(host, sizeof(host));
	h_container_sh(&r, NULL, "hostname", NULL);
	h_assert_ran_inside(&r);
	len = strcspn(r.out, "\n");
	ck_assert_msg(len == 12 && strspn(r.out, "0123456789abcdef") == 12 &&
			      strncmp(r.out, host, len) != 0,
		      "expected the default hostname to be the container's id (12 hex digits), "
		      "not the host's %s; saw \"%s\"",
		      host, r.out);
	h_run_free(&r);
}
END_TEST

/* A hostname of 64 bytes: HOST_NAME_MAX, see sethostname(2). */
#define NAME_64 "lab-box-0123456789abcdef0123456789abcdef0123456789abcdef01234567"

/* Both ends of the accepted range, set exactly, seen from the host through
 * the container's UTS namespace; the runtime keeps the host's name. */
START_TEST(test_uts_hostname_limits_accepted)
{
	static const char *const names[] = { "a", NAME_64 };
	char host[256];

	ck_assert(strlen(NAME_64) == 64);
	gethostname(host, sizeof(host));
	for (size_t i = 0; i < 2; i++) {
		const char *opts[] = { "--hostname", names[i], NULL };
		struct h_proc p;
		struct h_run r;
		h_container_spawn(&p, opts, H_WAIT_SCRIPT, NULL);
		h_assert_ready(&p);
		char *theirs = h_uts_hostname(h_first_child(p.pid));
		char *changes = h_runtime_changes(p.pid, host);
		h_finish(&p, &r);
		ck_assert_msg(strcmp(theirs, names[i]) == 0,
			      "expected --hostname '%s' (%zu bytes, within 1 to 64) to be the "
			      "container's hostname, exactly (from its UTS namespace, "
			      "/proc/PID/ns/uts); saw \"%s\" (pass sethostname(2) the name's "
			      "length, without the NUL)",
			      names[i], strlen(names[i]), theirs);
		ck_assert_msg(changes == NULL,
			      "expected the runtime (PID %d) to keep the host's hostname \"%s\" "
			      "and namespaces: sethostname belongs in the child (.child_setup); "
			      "but %s",
			      (int)p.pid, host, changes);
		free(theirs);
		h_run_free(&r);
	}
}
END_TEST

START_TEST(test_uts_bad_hostname_is_125)
{
	static const char long_name[] = NAME_64 "x";
	const char *const bad[] = { "", long_name };

	ck_assert(strlen(long_name) == 65);
	for (size_t i = 0; i < 2; i++) {
		const char *opts[] = { "--hostname", bad[i], NULL };
		struct h_run r;
		h_container_sh(&r, opts, "exit 0", NULL);
		/* The name itself holds no "64": the message must say the limit. */
		ck_assert_msg(r.status == 125 && h_count_lines(r.err) == 1 &&
				      strstr(r.err, "--hostname") && strstr(r.err, "64"),
			      "expected --hostname '%s' (%zu bytes; 1 to 64 are accepted) refused "
			      "with status 125 and one line naming --hostname and the accepted "
			      "length (64 bytes); saw status %d, stderr \"%s\"",
			      bad[i], strlen(bad[i]), r.status, r.err);
		h_run_free(&r);
	}
}
END_TEST

/* A PID of a namespace of the test's own, from a child that reports it and
 * exits: the PIDs between two of them are the processes started meanwhile. */
static pid_t probe_pid(void)
{
	int fds[2];
	pid_t pid = 0, child;

	ck_assert(pipe2(fds, O_CLOEXEC) == 0);
	child = fork();
	ck_assert_msg(child >= 0, "fork: %s", strerror(errno));
	if (child == 0) {
		pid = getpid();
		_exit(write(fds[1], &pid, sizeof(pid)) == sizeof(pid) ? 0 : 1);
	}
	close(fds[1]);
	ck_assert(read(fds[0], &pid, sizeof(pid)) == sizeof(pid));
	close(fds[0]);
	waitpid(child, NULL, 0);
	return pid;
}

/* A bad hostname is refused in prepare(), before clone(): no container is
 * started, so nothing has to be undone. The runtime runs in a PID namespace
 * of the test's own (a holder is its PID 1), where PIDs are given out in
 * order: the runtime takes one, a container would take another. */
START_TEST(test_uts_bad_hostname_refused_before_clone)
{
	static const char long_name[] = NAME_64 "x";
	const char *const bad[] = { "", long_name };

	/* A sanitized runtime's leak check clones a tracer task at exit, which
	 * takes a PID: it is off here (test_uts_bad_hostname_is_125 runs the same
	 * paths with it on). */
	const char *asan = getenv("ASAN_OPTIONS");
	char *no_leaks = h_printf("%s%sdetect_leaks=0", asan ? asan : "", asan ? ":" : "");
	setenv("ASAN_OPTIONS", no_leaks, 1);
	free(no_leaks);
	ck_assert_msg(unshare(CLONE_NEWPID) == 0, "unshare(CLONE_NEWPID): %s", strerror(errno));
	pid_t holder = fork();
	ck_assert_msg(holder >= 0, "fork: %s", strerror(errno));
	if (holder == 0) { /* gone with the test, also when an assertion ends it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	for (size_t i = 0; i < 2; i++) {
		const char *opts[] = { "--hostname", bad[i], NULL };
		struct h_run r;
		pid_t before = probe_pid();
		h_container_sh(&r, opts, "exit 0", NULL);
		pid_t after = probe_pid();
		ck_assert_msg(r.status == 125 && strstr(r.err, "--hostname") && after - before == 2,
			      "expected --hostname '%s' (%zu bytes) refused with 125 and a message "
			      "naming --hostname in prepare(), before clone(): the runtime starts "
			      "no process; saw status %d, stderr \"%s\", and %d process(es) "
			      "started besides the runtime (counted by the PIDs of a PID namespace "
			      "of the test's own)",
			      bad[i], strlen(bad[i]), r.status, r.err, (int)(after - before - 2));
		h_run_free(&r);
	}
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
}
END_TEST

START_TEST(test_ipc_objects_stay_inside)
{
	unsigned key;
	char keystr[16];
	const char *args[] = { keystr, NULL };
	struct h_proc p;
	struct h_run r;

	ck_assert(getrandom(&key, sizeof(key), 0) == sizeof(key));
	snprintf(keystr, sizeof(keystr), "%u", (key % 1000000000u) + 1000u);
	h_container_spawn(&p, NULL, "mkmsgq \"$1\" && " H_WAIT_SCRIPT, args);
	h_assert_ready(&p);
	/* Look in the host's IPC namespace, and remove the queue if it is
	 * there, before asserting anything. */
	int id = msgget((key_t)atol(keystr), 0);
	if (id >= 0)
		msgctl(id, IPC_RMID, NULL);
	h_finish(&p, &r);
	ck_assert_msg(id < 0,
		      "expected the message queue with key %s, made in the container, to "
		      "be invisible to the host; the host found it (id %d)",
		      keystr, id);
	ck_assert_msg(r.status == 0 && strstr(r.out, "message queue"),
		      "expected mkmsgq to succeed inside; saw status %d, stderr \"%s\"", r.status,
		      r.err);
	h_run_free(&r);
}
END_TEST

START_TEST(test_pid_ns_orphans_are_reaped)
{
	const char *opts[] = { "--init", NULL };
	struct h_proc p;
	struct h_run r;
	int count = 0, zombies = 0;

	/* The subshell starts a child and exits at once, so the child is an
	 * orphan; it holds the pipe to cat, which returns when it has exited. */
	h_container_spawn(&p, opts, "( (exit 0) & ) | cat; " H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	char *ns = h_ns(h_first_child(p.pid), "pid");
	char *host = h_ns(getpid(), "pid");
	ck_assert_msg(strcmp(ns, host) != 0, "expected a new PID namespace; saw the host's %s",
		      host);
	/* Left: the init and the shell. The orphan must be reaped, not stay a
	 * zombie; give the init up to 5 s. */
	for (int i = 0; i < 500; i++) {
		h_pidns_census(ns, &count, &zombies);
		if (count == 2 && zombies == 0)
			break;
		usleep(10000);
	}
	h_finish(&p, &r);
	ck_assert_msg(count == 2 && zombies == 0,
		      "expected only the init and the shell left in %s after the orphan exited; "
		      "saw %d processes, %d of them zombies",
		      ns, count, zombies);
	free(ns);
	free(host);
	h_run_free(&r);
}
END_TEST

START_TEST(test_pid_ns_signals_reach_command)
{
	static const struct {
		int sig;
		const char *name;
	} sigs[] = { { SIGTERM, "TERM" }, { SIGINT, "INT" },   { SIGHUP, "HUP" },
		     { SIGQUIT, "QUIT" }, { SIGUSR1, "USR1" }, { SIGUSR2, "USR2" } };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		char *script = h_printf("trap 'echo caught %s; exit 3' %s; echo \"pid $$\"; "
					"echo ready; sleep 100 & wait",
					sigs[i].name, sigs[i].name);
		struct h_proc p;
		struct h_run r;
		h_container_spawn(&p, NULL, script, NULL);
		h_assert_ready(&p);
		kill(p.pid, sigs[i].sig);
		h_finish(&p, &r);
		char *want = h_printf("pid 1\nready\ncaught %s\n", sigs[i].name);
		ck_assert_msg(
			r.status == 3 && strcmp(r.out, want) == 0,
			"expected SIG%s sent to the runtime to reach the command, PID 1 of its "
			"namespace, which traps it and exits 3; saw status %d, stdout \"%s\"",
			sigs[i].name, r.status, r.out);
		free(want);
		free(script);
		h_run_free(&r);
	}
}
END_TEST

START_TEST(test_pid_ns_leftovers_killed)
{
	struct h_proc p;
	struct h_run r;
	int count = -1, zombies = 0;

	h_container_spawn(&p, NULL, "sleep 100 & " H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	char *ns = h_ns(h_first_child(p.pid), "pid");
	char *host = h_ns(getpid(), "pid");
	h_finish(&p, &r); /* the shell exits; the sleep must not outlive it */
	if (strcmp(ns, host) != 0)
		h_pidns_census(ns, &count, &zombies);
	ck_assert_msg(strcmp(ns, host) != 0, "expected a new PID namespace; saw the host's %s",
		      host);
	ck_assert_msg(count == 0 && r.leftovers == 0,
		      "expected every process of the container gone once the command exited; "
		      "%d remained in %s",
		      count > 0 ? count : r.leftovers, ns);
	free(ns);
	free(host);
	h_run_free(&r);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "02-pid-ns";
	h_add(s, test_pid_ns_command_is_pid_1, 2, HINT_FLAGS);
	h_add(s, test_pid_ns_namespaces_differ, 3, HINT_FLAGS);
	h_add(s, test_uts_hostname_is_set, 2, HINT_NAME);
	h_add(s, test_uts_default_hostname_is_id, 1, HINT_NAME);
	h_add(s, test_uts_hostname_limits_accepted, 2, HINT_NAME);
	h_add(s, test_uts_bad_hostname_is_125, 2, HINT_NAME);
	h_add(s, test_uts_bad_hostname_refused_before_clone, 1, HINT_NAME);
	h_add(s, test_ipc_objects_stay_inside, 2, HINT_FLAGS);
	h_add(s, test_pid_ns_orphans_are_reaped, 2, HINT_PID1);
	h_add(s, test_pid_ns_signals_reach_command, 3, HINT_PID1);
	h_add(s, test_pid_ns_leftovers_killed, 2, HINT_PID1);
}
