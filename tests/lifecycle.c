/* byoc's lifecycle beside run, docker's way: a detached container (run -d)
 * and its monitor, ps, logs, exec, stop, kill, rm, inspect, a killed
 * monitor, -t, and a foreground container as the other verbs see it. Run
 * against the reference byoc without --bin-arg: each argv starts with the
 * verb. Every test removes its containers (byoc rm -f) before it asserts,
 * in a process of its own, which takes its memory along. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define HINT_MONITOR "lib/monitor.c (the monitor of byoc run -d: the log, the exit record)"
#define HINT_RECORD  "lib/record.c (the record) and steps/byoc/verbs.c, byoc_ps_main()"
#define HINT_LOGS    "lib/monitor.c (the log, its rotation) and steps/byoc/verbs.c, byoc_logs_main()"
#define HINT_ENTER   "lib/enter.c (byoc exec) and steps/init.c (init --exec)"
#define HINT_VERBS   "steps/byoc/verbs.c (stop, kill, rm) and lib/monitor.c"
#define HINT_GC	     "lib/gc.c (a container whose monitor was killed) and lib/monitor.c"
#define HINT_LOCK    "lib/state.c (a container's locks) and steps/byoc/verbs.c, stop_one()"
#define HINT_TTY     "lib/tty.c (-t: the container's own terminal)"

#define STATE "/run/byoc"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* byoc WORDS...: run to its end. */
#define BYOC(r, ...) h_run_argv(r, (const char *[]){ h_bin, __VA_ARGS__, NULL })

/* What the test started, by name or id: remove_all() removes each with
 * byoc rm -f, on every path. */
static const char *made[32];
static size_t n_made;

static void remove_all(void)
{
	for (size_t i = 0; i < n_made; i++) {
		struct h_run r;
		BYOC(&r, "rm", "-f", made[i]);
		h_run_free(&r);
	}
}

/* Fail, after removing the test's containers. */
#define EXPECT(cond, ...) ((cond) ? (void)0 : (remove_all(), ck_abort_msg(__VA_ARGS__)))

/* byoc run -d --name NAME --net none WORDS...: its id, or the test fails. */
#define RUN_D(name, ...)                                                                           \
	run_d(name, (const char *[]){ h_bin, "run", "-d", "--name", name, "--net", "none",         \
				      __VA_ARGS__, NULL })
static char *run_d(const char *name, const char **argv)
{
	struct h_run r;

	made[n_made++] = name;
	h_run_argv(&r, argv);
	EXPECT(r.status == 0 && strlen(r.out) == 13 && strspn(r.out, "0123456789abcdef") == 12,
	       "expected byoc run -d --name %s to print an id (12 lowercase hex digits, a newline) "
	       "and exit 0; saw status %d, stdout \"%s\", stderr \"%s\"",
	       name, r.status, r.out, r.err);
	made[n_made++] = strndup(r.out, 12);
	h_run_free(&r);
	return (char *)made[n_made - 1];
}

/* PID 1 and the monitor from the record's line "pid PID START MONITOR". */
static pid_t pid_of(const char *id, pid_t *monitor)
{
	char *s = h_slurp(STATE "/%s/config", id), *line = s ? strstr(s, "\npid ") : NULL;
	int pid = 0, mon = 0;

	EXPECT(line && sscanf(line, "\npid %d %*u %d", &pid, &mon) == 2 && pid > 0 && mon > 0,
	       "expected the line \"pid PID STARTTIME MONITORPID\" in %s's config; saw \"%.300s\"",
	       id, s);
	if (monitor)
		*monitor = mon;
	free(s);
	return pid;
}

/* Whether `pid` runs: it exists and is no zombie (a PID 1 whose monitor died
 * is reparented to the runner, which reaps it only after the test). */
static bool alive(pid_t pid)
{
	char *s = h_slurp("/proc/%d/stat", (int)pid), *paren = s ? strrchr(s, ')') : NULL;
	bool up = paren && paren[1] && paren[2] != 'Z';

	free(s);
	return up;
}

/* The live processes (but the test) in PID namespace `ns`, or whose command
 * line or environment holds `token`: "PID "COMMAND LINE"; " each, marked
 * (byoc's binary) when their /proc/PID/exe is `bin`. */
static char *procs(const char *ns, const char *token, const struct stat *bin)
{
	char *out = "", link[128], path[64];
	DIR *d = opendir("/proc");
	struct stat st;

	for (struct dirent *e; d && (e = readdir(d));) {
		pid_t pid = atoi(e->d_name);
		char *cmd = h_slurp("/proc/%d/cmdline", (int)pid),
		     *env = h_slurp("/proc/%d/environ", (int)pid);
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
		ssize_t n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
		bool is_bin = bin && !stat(path, &st) && st.st_dev == bin->st_dev &&
			      st.st_ino == bin->st_ino;
		if (pid > 0 && pid != getpid() && cmd && alive(pid) &&
		    (ns ? !strcmp(link, ns) : strstr(cmd, token) || (env && strstr(env, token))))
			out = h_printf("%s%d \"%s\"%s; ", out, (int)pid, cmd,
				       is_bin ? " (byoc's binary)" : "");
		free(cmd), free(env);
	}
	if (d)
		closedir(d);
	return out;
}

/* The cgroup directories a journal lists that still exist. */
static char *cgroups_left(const char *journal)
{
	char *out = "", *save = NULL;

	for (char *l = strtok_r(strdup(journal ? journal : ""), "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		if (!strncmp(l, "/sys/fs/cgroup/", 15) && access(l, F_OK) == 0)
			out = h_printf("%s%s ", out, l);
	return out;
}

/* The line of byoc ps (-a if `all`) whose id or name is `ref`, "" if none. */
static char *ps_line(const char *ref, bool all)
{
	struct h_run r;
	char *found = NULL, *save = NULL;

	BYOC(&r, "ps", all ? "-a" : NULL);
	for (char *l = strtok_r(r.out, "\n", &save); l && !found; l = strtok_r(NULL, "\n", &save)) {
		char a[16], b[96]; /* the id and the name */
		if (sscanf(l, "%15s %95s", a, b) == 2 && (!strcmp(a, ref) || !strcmp(b, ref)))
			found = strdup(l);
	}
	h_run_free(&r);
	return found ? found : strdup("");
}

static bool has_line(const char *s, const char *line)
{
	size_t len = strlen(line);

	for (const char *p = s; (p = strstr(p, line)); p += len)
		if ((p == s || p[-1] == '\n') && strchr("\r\n", p[len]))
			return true;
	return false;
}

/* Poll (up to `ms`, in 20 ms steps) until ref's ps -a line holds `want` (or
 * with `logs`, byoc logs the line `want`); returns the last output seen. */
static char *wait_for(const char *ref, const char *want, long ms, bool logs)
{
	struct h_run r = { 0 };

	for (long end = now_ms() + ms;; poll(NULL, 0, 20)) {
		if (logs)
			BYOC(&r, "logs", ref), free(r.err);
		else
			r.out = ps_line(ref, true);
		if ((logs ? has_line(r.out, want) : !!strstr(r.out, want)) || now_ms() >= end)
			return r.out;
		free(r.out);
	}
}

START_TEST(test_lifecycle_run_d_returns_once_the_command_runs)
{
	long t0 = now_ms();
	char *id = RUN_D("lc-up", "--", "sh", "-c", "sleep 60");
	long took = now_ms() - t0;
	pid_t pid = pid_of(id, NULL);
	char *line = ps_line(id, false), *word = h_printf(" %d ", (int)pid);
	char *mine = h_ns(getpid(), "pid"), *theirs = alive(pid) ? h_ns(pid, "pid") : "-";
	remove_all();
	ck_assert_msg(took < 5000 && strstr(line, "  lc-up ") && strstr(line, "Up ") &&
			      strstr(line, word) && strcmp(theirs, "-") && strcmp(theirs, mine),
		      "expected byoc run -d to return once the command runs (it took %ld ms), and "
		      "ps to list %s as lc-up, Up, PID %d, a host PID in a PID namespace of its "
		      "own; ps says \"%s\"; its namespace: %s (the test's: %s)",
		      took, id, (int)pid, line, theirs, mine);
}
END_TEST

START_TEST(test_lifecycle_exit_status_is_recorded)
{
	char *id = RUN_D("lc-exit", "--", "sh", "-c", "sleep 0.5; exit 3");
	char *dir = h_printf(STATE "/%s", id), *journal = h_slurp("%s/journal", dir);
	char *line = wait_for(id, "Exited (3)", 10000, false), *left = cgroups_left(journal);
	struct h_run in, rm;
	BYOC(&in, "inspect", id);
	BYOC(&rm, "rm", id);
	bool kept = access(dir, F_OK) == 0;
	remove_all();
	ck_assert_msg(
		strstr(line, "Exited (3)") && strstr(in.out, "\"ExitCode\": 3,") &&
			strstr(in.out, "\"Running\": false") && journal &&
			strstr(journal, "/sys/fs/cgroup/") && !left[0] && rm.status == 0 && !kept,
		"expected sh -c 'sleep 0.5; exit 3' to show Exited (3) in ps -a within 10 s "
		"(\"%s\"), ExitCode 3, Running false in inspect (%s), its monitor to remove the "
		"cgroups its journal listed (\"%s\"; left: \"%s\"), rm to remove %s (%d, \"%s\")",
		line, in.out, journal, left, dir, rm.status, rm.err);
}
END_TEST

START_TEST(test_lifecycle_logs_keep_stdout_and_stderr)
{
	struct h_run logs, follow;
	char *id = RUN_D("lc-logs", "--", "sh", "-c", "echo to-out; echo to-err >&2");
	char *line = wait_for(id, "Exited (0)", 10000, false);
	BYOC(&logs, "logs", "lc-logs");
	char *id2 = RUN_D("lc-logs-f", "--", "sh", "-c", "echo one; sleep 1; echo two");
	long t0 = now_ms();
	BYOC(&follow, "logs", "-f", "lc-logs-f");
	long took = now_ms() - t0;
	char *after = ps_line(id2, true);
	remove_all();
	ck_assert_msg(strstr(line, "Exited (0)") && logs.status == 0 &&
			      has_line(logs.out, "to-out") && has_line(logs.out, "to-err"),
		      "expected byoc logs to print the command's stdout (to-out) and stderr "
		      "(to-err); ps -a said \"%s\"; logs said %d, \"%s\", stderr \"%s\"",
		      line, logs.status, logs.out, logs.err);
	ck_assert_msg(follow.status == 0 && has_line(follow.out, "one") &&
			      has_line(follow.out, "two") && strstr(after, "Exited (0)") &&
			      took >= 500,
		      "expected byoc logs -f to print one and two and return once the container "
		      "exited (after ~1 s); after %ld ms: %d, \"%s\", \"%s\"; ps -a: \"%s\"",
		      took, follow.status, follow.out, follow.err, after);
}
END_TEST

START_TEST(test_lifecycle_logs_are_bounded)
{
	struct h_run logs;
	struct stat st;
	char *id = RUN_D(
		"lc-big", "--", "sh", "-c",
		"i=0; while [ $i -lt 40000 ]; do "
		"echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done");
	char *line = wait_for(id, "Exited (0)", 60000, false);
	char *log = h_printf(STATE "/%s/log", id), *log1 = h_printf("%s.1", log);
	long long size = stat(log, &st) == 0 ? (long long)st.st_size : -1;
	long long size1 = stat(log1, &st) == 0 ? (long long)st.st_size : -1;
	BYOC(&logs, "logs", "lc-big");
	remove_all();
	/* logs prints log.1 then log, all of both, and the last line written. */
	size_t len = strlen(logs.out);
	const char *last = len > 1 ? memrchr(logs.out, '\n', len - 1) : NULL;
	ck_assert_msg(
		strstr(line, "Exited (0)") && size >= 0 && size <= 1048576 && size1 > 0 &&
			size1 <= 1048576 && logs.status == 0 && (long long)len == size + size1 &&
			last && !strncmp(last, "\nline-39999-", 12),
		"expected the log of a 2.4 MB writer (\"%s\") to turn into log.1 at 1 MiB, each at "
		"most 1048576 bytes (saw %lld, %lld), and logs to print both, ending with "
		"line-39999 (saw %d, %zu bytes, \"%s\", last line \"%s\")",
		line, size, size1, logs.status, len, logs.err, last ? last + 1 : logs.out);
}
END_TEST

START_TEST(test_lifecycle_exec_joins_the_container)
{
	/* "KEY same" when the exec'd process ($$) has what PID 1 has. */
	static const char script[] =
		"c() { [ -n \"$2\" ] && [ \"$2\" = \"$3\" ] && echo \"$1 same\" || "
		"echo \"$1 differs: exec'd '$2', PID 1 '$3'\"; }; "
		"for n in ipc uts net pid cgroup mnt user; do "
		"c ns-$n \"$(readlink /proc/$$/ns/$n)\" \"$(readlink /proc/1/ns/$n)\"; done; "
		"c cgroups \"$(cat /proc/$$/cgroup)\" \"$(cat /proc/1/cgroup)\"; "
		"for k in CapEff CapBnd CapPrm NoNewPrivs Seccomp; do "
		"c $k \"$(grep ^$k: /proc/$$/status)\" \"$(grep ^$k: /proc/1/status)\"; done; "
		"echo \"FOO=$FOO\"; echo \"pwd=$(pwd)\"";
	struct h_run sh, seven, missing;
	char *id = RUN_D("lc-exec", "-e", "FOO=bar", "-w", "/tmp", "--memory", "64M", "--", "sleep",
			 "60");
	char *ns = h_ns(pid_of(id, NULL), "pid");
	int count, zombies, pairs = 0;
	BYOC(&sh, "exec", "lc-exec", "sh", "-c", script);
	BYOC(&seven, "exec", "lc-exec", "sh", "-c", "exit 7");
	BYOC(&missing, "exec", "lc-exec", "/no/such");
	h_pidns_census(ns, &count, &zombies);
	remove_all();
	for (const char *q = sh.out; (q = strstr(q, " same\n")); q++)
		pairs++;
	ck_assert_msg(
		sh.status == 0 && pairs == 13 && !strstr(sh.out, "differs") &&
			has_line(sh.out, "FOO=bar") && has_line(sh.out, "pwd=/tmp"),
		"expected byoc exec to join every namespace, the cgroups, PID 1's CapEff, "
		"CapBnd, CapPrm, NoNewPrivs, Seccomp and environment (FOO=bar), in the workdir "
		"/tmp; status %d, %d of 13 the same:\n%s\nstderr \"%s\"",
		sh.status, pairs, sh.out, sh.err);
	ck_assert_msg(
		seven.status == 7 && missing.status == 127 && strstr(missing.err, "ENOENT") &&
			h_count_lines(missing.err) == 1 && zombies == 0,
		"expected byoc exec's status to be the command's (sh -c 'exit 7': saw %d), 127 "
		"and one line naming ENOENT for /no/such (saw %d, \"%s\"), and no zombie left in "
		"the container (saw %d of %d processes: a command that could not run, left to "
		"the caller's reaper, keeps PID 1 from ending)",
		seven.status, missing.status, missing.err, zombies, count);
}
END_TEST

START_TEST(test_lifecycle_exec_never_shows_the_runtime)
{
	const char *argv[] = { h_bin, "exec", "lc-x", "sleep", "3", NULL };
	struct h_run w, x, ex;
	struct h_proc p;
	struct stat bin;
	char *id = RUN_D("lc-x", "--", "sleep", "60");
	char *ns = h_ns(pid_of(id, NULL), "pid"), *seen = "";

	h_spawn(&p, argv);
	for (long end = now_ms() + 10000; !strstr(seen, "\"sleep 3 \"") && now_ms() < end;
	     poll(NULL, 0, 20))
		seen = procs(ns, NULL, NULL);
	/* By now byoc exec on the host runs the runtime's binary, as it is. */
	EXPECT(!stat(h_printf("/proc/%d/exe", (int)p.pid), &bin) || !stat(h_bin, &bin),
	       "stat(%s): %s", h_bin, strerror(errno));
	seen = procs(ns, NULL, &bin);
	h_finish(&p, &ex);
	BYOC(&w, "exec", "lc-x", "sh", "-c",
	     "printf '#!/proc/self/exe\\n' >/tmp/x; chmod +x /tmp/x");
	BYOC(&x, "exec", "lc-x", "/tmp/x");
	remove_all();
	ck_assert_msg(
		strstr(seen, "\"sleep 3 \"") && ex.status == 0 && !strstr(seen, "byoc's"),
		"expected byoc exec lc-x sleep 3 to run sleep in the container's PID namespace "
		"(status %d, \"%s\") and no process there to have the runtime's binary as its "
		"/proc/PID/exe; saw: %s",
		ex.status, ex.err, seen);
	ck_assert_msg(w.status == 0 && !strstr(x.err, "unknown command") &&
			      !strstr(x.err, "Usage: byoc") && !strstr(x.out, "Usage: byoc"),
		      "expected a #!/proc/self/exe script run by byoc exec never to reach the "
		      "runtime's binary; writing it: %d \"%s\"; running it: %d, \"%s\", \"%s\"",
		      w.status, w.err, x.status, x.out, x.err);
}
END_TEST

START_TEST(test_lifecycle_stop_sends_term_then_kill)
{
	struct h_run stop, slow;
	RUN_D("lc-term", "--", "sh", "-c",
	      "trap 'echo got-term; exit 0' TERM; echo ready; while :; do sleep 0.1; done");
	char *ready = wait_for("lc-term", "ready", 10000, true); /* the trap is set */
	BYOC(&stop, "stop", "-t", "5", "lc-term");
	char *line = ps_line("lc-term", true), *logs = wait_for("lc-term", "got-term", 0, true);
	RUN_D("lc-noterm", "--", "sleep", "60");
	long t0 = now_ms();
	BYOC(&slow, "stop", "-t", "1", "lc-noterm");
	long took = now_ms() - t0;
	char *line2 = ps_line("lc-noterm", true);
	remove_all();
	ck_assert_msg(
		has_line(ready, "ready") && stop.status == 0 && !strcmp(stop.out, "lc-term\n") &&
			strstr(line, "Exited (0)") && has_line(logs, "got-term"),
		"expected byoc stop -t 5 to SIGTERM PID 1 (its trap prints got-term, exits 0), "
		"print its name, return once it exited; saw %d, \"%s\", \"%s\"; %s; %s",
		stop.status, stop.out, stop.err, line, logs);
	ck_assert_msg(
		slow.status == 0 && took >= 900 && took < 10000 && strstr(line2, "Exited (137)"),
		"expected byoc stop -t 1 of a PID 1 without a TERM handler (it ignores SIGTERM) to "
		"SIGKILL it after 1 s: Exited (137) in 0.9 to 10 s; saw %ld ms, %d, \"%s\"; \"%s\"",
		took, slow.status, slow.err, line2);
}
END_TEST

START_TEST(test_lifecycle_kill_signals_pid_1)
{
	struct h_run usr1, k, again;
	RUN_D("lc-kill", "--", "sh", "-c",
	      "trap 'echo got-usr1' USR1; echo ready; while :; do sleep 0.1; done");
	char *ready = wait_for("lc-kill", "ready", 10000, true);
	BYOC(&usr1, "kill", "-s", "USR1", "lc-kill");
	char *logs = wait_for("lc-kill", "got-usr1", 10000, true), *up = ps_line("lc-kill", false);
	BYOC(&k, "kill", "lc-kill");
	char *line = wait_for("lc-kill", "Exited (137)", 10000, false);
	BYOC(&again, "kill", "lc-kill");
	remove_all();
	ck_assert_msg(
		has_line(ready, "ready") && usr1.status == 0 && has_line(logs, "got-usr1") &&
			strstr(up, "Up ") && k.status == 0 && strstr(line, "Exited (137)") &&
			again.status == 125 && strstr(again.err, "is not running") &&
			h_count_lines(again.err) == 1,
		"expected byoc kill -s USR1 to reach PID 1's trap and leave it Up (saw %d, "
		"\"%s\"; logs \"%s\"; ps \"%s\"), byoc kill to SIGKILL it: Exited (137) (saw %d, "
		"\"%s\"; ps -a \"%s\"), and then to fail with 125, one line (saw %d, \"%s\")",
		usr1.status, usr1.err, logs, up, k.status, k.err, line, again.status, again.err);
}
END_TEST

START_TEST(test_lifecycle_rm_frees_the_name)
{
	struct h_run taken, rm, rm2, rmf;
	char *line = wait_for(RUN_D("lc-rm", "--", "true"), "Exited (0)", 10000, false);
	BYOC(&taken, "run", "-d", "--name", "lc-rm", "--net", "none", "--", "true");
	BYOC(&rm, "rm", "lc-rm");
	EXPECT(taken.status == 125 && rm.status == 0,
	       "expected an exited container (\"%s\") to keep its name until byoc rm (run -d "
	       "--name lc-rm again: 125), and rm to remove it; saw %d, \"%s\", \"%s\"; %d, \"%s\"",
	       line, taken.status, taken.out, taken.err, rm.status, rm.err);
	char *id = RUN_D("lc-rm", "--", "sleep", "60"), *dir = h_printf(STATE "/%s", id);
	pid_t pid = pid_of(id, NULL);
	BYOC(&rm2, "rm", "lc-rm");
	bool up = alive(pid);
	BYOC(&rmf, "rm", "-f", "lc-rm");
	bool kept = access(dir, F_OK) == 0, lives = alive(pid);
	remove_all();
	ck_assert_msg(
		rm2.status == 125 && h_count_lines(rm2.err) == 1 && strstr(rm2.err, "is running") &&
			up && rmf.status == 0 && !kept && !lives,
		"expected byoc rm of a running container to fail with 125 and one line and "
		"leave it running (saw %d, \"%s\"; PID %d %s), and rm -f to kill and remove it "
		"(saw %d, \"%s\"; %s %s, PID %d %s)",
		rm2.status, rm2.err, (int)pid, up ? "ran" : "was gone", rmf.status, rmf.err, dir,
		kept ? "kept" : "gone", (int)pid, lives ? "runs" : "gone");
}
END_TEST

START_TEST(test_lifecycle_killed_monitor_is_cleaned_up)
{
	struct h_run rm;
	pid_t monitor;
	char *id = RUN_D("lc-mon", "--memory", "32M", "--", "sleep", "60");
	pid_t pid = pid_of(id, &monitor);
	char *dir = h_printf(STATE "/%s", id), *journal = h_slurp("%s/journal", dir);
	EXPECT(journal && strstr(journal, "/sys/fs/cgroup/") && alive(monitor) &&
		       kill(monitor, SIGKILL) == 0,
	       "expected %s/journal to list cgroups (it holds \"%s\") and the monitor, PID %d, to "
	       "run",
	       dir, journal, (int)monitor);
	for (long end = now_ms() + 5000; alive(pid) && now_ms() < end;)
		poll(NULL, 0, 20);
	bool orphan = alive(pid);
	char *line = ps_line(id, true), *left = cgroups_left(journal);
	BYOC(&rm, "rm", id);
	bool kept = access(dir, F_OK) == 0;
	remove_all();
	ck_assert_msg(
		!orphan && strstr(line, "Exited (137)") && strstr(line, "its monitor was killed") &&
			!left[0] && rm.status == 0 && !kept,
		"expected PID 1 (%d) to die with its monitor in 5 s (PR_SET_PDEATHSIG; it %s), the "
		"next command to show \"Exited (137) ..., its monitor was killed\" (\"%s\") and "
		"remove its cgroups (left: \"%s\"), rm to remove %s (%d, \"%s\")",
		(int)pid, orphan ? "still runs" : "died", line, left, dir, rm.status, rm.err);
}
END_TEST

START_TEST(test_lifecycle_commands_on_one_container_serialize)
{
	static const char *const verbs[] = { "run -d", "stop -t 0", "exec true", "rm -f (last)" };
	char wrong[8192] = "", *left = "";

	for (int i = 1; i <= 5 && !wrong[0]; i++) {
		/* Its monitor has NAME on its command line, its processes LC_RACE=NAME. */
		const char *name = made[n_made++] = h_printf("lc-race-%d", i),
			   *env = h_printf("LC_RACE=%s", name);
		const char *argvs[3][14] = {
			{ h_bin, "run", "-d", "--name", name, "--net", "none", "-e", env, "--",
			  "sleep", "30" },
			{ h_bin, "stop", "-t", "0", name },
			{ h_bin, "exec", name, "true" },
		};
		struct h_proc p[3];
		struct h_run r[4] = { [3] = { .status = 125 } };
		for (int j = 0; j < 3; j++)
			h_spawn(&p[j], argvs[j]);
		/* rm -f until it removes it: 125 while there is no such container. */
		for (long end = now_ms() + 10000; r[3].status == 125 && now_ms() < end;
		     poll(NULL, 0, 5))
			BYOC(&r[3], "rm", "-f", name);
		for (int j = 0; j < 3; j++)
			h_finish(&p[j], &r[j]);
		/* Each exits 0 saying nothing (exec: or 137, killed with the
		 * container), or 125 with one line. */
		for (int j = 0; j < 4; j++)
			if (!((r[j].status == 0 && !r[j].err[0]) ||
			      (r[j].status == 125 && h_count_lines(r[j].err) == 1) ||
			      (j == 2 && r[j].status == 137 && !r[j].err[0])))
				snprintf(wrong + strlen(wrong), sizeof(wrong) - strlen(wrong),
					 "\n  %s %s: status %d, stderr \"%s\"", verbs[j], name,
					 r[j].status, r[j].err);
		char *dir = h_printf(STATE "/%.12s", r[0].status == 0 ? r[0].out : "none");
		char *line = ps_line(name, true);
		for (long end = now_ms() + 2000;
		     (left = procs(NULL, name, NULL))[0] && now_ms() < end;)
			poll(NULL, 0, 20);
		if (r[3].status != 0 || access(dir, F_OK) == 0 || line[0] || left[0])
			snprintf(wrong + strlen(wrong), sizeof(wrong) - strlen(wrong),
				 "\n  rm -f %s: status %d; %s %s; ps -a: \"%s\"; running: \"%s\"",
				 name, r[3].status, dir, access(dir, F_OK) ? "gone" : "kept", line,
				 left);
	}
	remove_all();
	ck_assert_msg(
		!wrong[0],
		"expected run -d, stop -t 0, exec and rm -f at once on one container to exit 0 "
		"or 125 with one line (exec: or 137), and to leave no record or process; saw:%s",
		wrong);
}
END_TEST

/* byoc run -t's stdin, stdout, stderr and controlling terminal: the slave
 * of the test's pty. */
static int pty_master, pty_slave;

static void on_the_pty(void)
{
	if (setsid() < 0 || ioctl(pty_slave, TIOCSCTTY, 0) < 0)
		_exit(97);
	dup2(pty_slave, 0), dup2(pty_slave, 1), dup2(pty_slave, 2);
	close(pty_master), close(pty_slave);
}

START_TEST(test_lifecycle_tty_is_the_containers_own)
{
	const char *cmd = "tty; stty size; echo done";
	const char *argv[] = { h_bin, "run", "--net", "none", "-t", "--", "sh", "-c", cmd, NULL };
	struct winsize ws = { .ws_row = 33, .ws_col = 101 };
	struct termios before, after;
	struct h_run r, ex;
	char out[8192] = "";
	ssize_t n, len = 0;

	ck_assert_msg(!openpty(&pty_master, &pty_slave, NULL, NULL, &ws) &&
			      !tcgetattr(pty_master, &before),
		      "test set-up: openpty: %s", strerror(errno));
	h_run_special(&r, argv, -1, on_the_pty);
	close(pty_slave);
	/* What it wrote, until EIO: no one holds the slave any more. */
	struct pollfd pfd = { pty_master, POLLIN, 0 };
	while (len < (ssize_t)sizeof(out) - 1 && poll(&pfd, 1, 1000) > 0 &&
	       (n = read(pty_master, out + len, sizeof(out) - 1 - (size_t)len)) > 0)
		len += n;
	tcgetattr(pty_master, &after); /* a pty's master reads the slave's termios */
	close(pty_master);
	RUN_D("lc-tty", "--", "sleep", "60");
	BYOC(&ex, "exec", "-t", "lc-tty", "tty");
	remove_all();
	ck_assert_msg(r.status == 0 && strstr(out, "/dev/pts/") && has_line(out, "33 101") &&
			      has_line(out, "done") && ex.status == 0 &&
			      strstr(ex.out, "/dev/pts/"),
		      "expected byoc run -t on a 33x101 terminal to give the command a terminal of "
		      "its own (tty: /dev/pts/N) of that size (stty size: 33 101), saw %d, \"%s\"; "
		      "and exec -t too (tty), saw %d, \"%s\", \"%s\"",
		      r.status, out, ex.status, ex.out, ex.err);
	ck_assert_msg(before.c_iflag == after.c_iflag && before.c_oflag == after.c_oflag &&
			      before.c_lflag == after.c_lflag && before.c_cflag == after.c_cflag &&
			      !memcmp(before.c_cc, after.c_cc, sizeof(before.c_cc)),
		      "expected byoc run -t to give the caller's terminal back as it found it (raw "
		      "mode undone); iflag %#x -> %#x, oflag %#x -> %#x, lflag %#x -> %#x",
		      before.c_iflag, after.c_iflag, before.c_oflag, after.c_oflag, before.c_lflag,
		      after.c_lflag);
}
END_TEST

START_TEST(test_lifecycle_foreground_container_is_listed)
{
	const char *cmd = "echo ready; read x || :";
	const char *argv[] = { h_bin, "run", "--name", "lc-fg", "--net", "none",
			       "--",  "sh",  "-c",     cmd,	NULL };
	struct h_proc p;
	struct h_run r, ex, logs;

	made[n_made++] = "lc-fg";
	h_spawn(&p, argv);
	bool ready = h_wait_line(&p, "ready");
	char *line = ps_line("lc-fg", false), *dir = h_printf(STATE "/%.12s", line);
	BYOC(&ex, "exec", "lc-fg", "hostname");
	BYOC(&logs, "logs", "lc-fg");
	h_finish(&p, &r);
	char *gone = ps_line("lc-fg", true);
	bool kept = access(dir, F_OK) == 0;
	remove_all();
	ck_assert_msg(ready && strstr(line, "Up ") && ex.status == 0 && ex.out[0],
		      "expected byoc ps to list the foreground container lc-fg Up (saw \"%s\") and "
		      "byoc exec lc-fg hostname to enter it (saw %d, \"%s\", \"%s\"); the run said "
		      "\"%s\", \"%s\"",
		      line, ex.status, ex.out, ex.err, r.out, r.err);
	ck_assert_msg(
		logs.status == 125 && strstr(logs.err, "runs in the foreground") && r.status == 0 &&
			!gone[0] && !kept,
		"expected byoc logs of a foreground container to fail with 125 (\"runs in the "
		"foreground\"; saw %d, \"%s\"), and the container to end with its run (status "
		"0: saw %d, \"%s\") taking its record along (ps -a: \"%s\"; %s %s)",
		logs.status, logs.err, r.status, r.err, gone, dir, kept ? "kept" : "gone");
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "lifecycle";
	h_add(s, test_lifecycle_run_d_returns_once_the_command_runs, 1, HINT_MONITOR);
	h_add(s, test_lifecycle_exit_status_is_recorded, 1, HINT_RECORD);
	h_add(s, test_lifecycle_logs_keep_stdout_and_stderr, 1, HINT_LOGS);
	h_add(s, test_lifecycle_logs_are_bounded, 1, HINT_LOGS);
	h_add(s, test_lifecycle_exec_joins_the_container, 1, HINT_ENTER);
	h_add(s, test_lifecycle_exec_never_shows_the_runtime, 1, HINT_ENTER);
	h_add(s, test_lifecycle_stop_sends_term_then_kill, 1, HINT_VERBS);
	h_add(s, test_lifecycle_kill_signals_pid_1, 1, HINT_VERBS);
	h_add(s, test_lifecycle_rm_frees_the_name, 1, HINT_VERBS);
	h_add(s, test_lifecycle_killed_monitor_is_cleaned_up, 1, HINT_GC);
	h_add(s, test_lifecycle_commands_on_one_container_serialize, 1, HINT_LOCK);
	h_add(s, test_lifecycle_tty_is_the_containers_own, 1, HINT_TTY);
	h_add(s, test_lifecycle_foreground_container_is_listed, 1, HINT_RECORD);
}
