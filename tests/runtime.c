/* The runtime's own guarantees, beyond any step's work: nothing of the host
 * reaches the container (descriptors, environment, the runtime's binary),
 * nothing of the container outlives it (state, cgroups), and every bad input
 * or fault gets its status and one line. Run against the reference binaries
 * only (tools/check.sh): students are not graded on it. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "leaks.h"

#define HINT_FDS "lib/child.c, close_inherited_fds(), and lib/container.c, byoc_stdio_ensure()"
#define HINT_INIT                                                                                  \
	"lib/init.c and steps/init.c; steps/02-pid-ns/README.md, \"PID 1 and the host's binary\""
#define HINT_DEATH "lib/container.c, await_exec() and died_before_exec()"
#define HINT_STATE "lib/state.h and lib/state.c"
#define HINT_TABLE "README.md, \"Bad input and faults\", and the message the runtime printed"

/* "PID:FD->target" for each fd above 2 of each process in PID namespace `ns`,
 * as the host's /proc shows them. */
static char *fds_above_2(const char *ns)
{
	char *all = strdup("");
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		pid_t pid = atoi(e->d_name);
		char path[64], link[128];
		ssize_t n;
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0 || (link[n] = '\0', strcmp(link, ns) != 0))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd", pid);
		DIR *fds = opendir(path);
		struct dirent *f;
		while (fds && (f = readdir(fds))) {
			char target[256] = "", *fdpath;
			if (f->d_name[0] == '.' || atoi(f->d_name) <= 2)
				continue;
			fdpath = h_printf("%s/%s", path, f->d_name);
			n = readlink(fdpath, target, sizeof(target) - 1);
			target[n > 0 ? n : 0] = '\0';
			char *more = h_printf("%s%d:%s->%s ", all, pid, f->d_name, target);
			free(all);
			free(fdpath);
			all = more;
		}
		if (fds)
			closedir(fds);
	}
	if (d)
		closedir(d);
	return all;
}

START_TEST(test_runtime_only_stdio_fds_reach_the_command)
{
	static const int high[] = { 3, 7, 10, 251 };
	char *secret = h_printf("%s/secret", h_tmp), *token = h_random_token();

	h_write_file(secret, token, 0600);
	/* The host directory on fds the runtime inherits, not close-on-exec,
	 * as a careless caller would leave them. */
	int dir = open(h_tmp, O_RDONLY | O_DIRECTORY);
	ck_assert_msg(dir >= 0, "open(%s): %s", h_tmp, strerror(errno));
	for (size_t i = 0; i < sizeof(high) / sizeof(high[0]); i++)
		ck_assert(dup2(dir, high[i]) == high[i]);
	for (int init = 0; init <= 1; init++) {
		const char *opts[] = { init ? "--init" : NULL, NULL };
		struct h_proc p;
		struct h_run r;
		h_container_spawn(&p, opts,
				  "for fd in 3 7 10 251; do cat /proc/self/fd/$fd/secret; done "
				  "2>/dev/null; " H_WAIT_SCRIPT,
				  NULL);
		h_assert_ready(&p);
		char *ns = h_ns(h_first_child(p.pid), "pid");
		char *seen = fds_above_2(ns);
		h_finish(&p, &r);
		ck_assert_msg(seen[0] == '\0' && !strstr(r.out, token),
			      "expected the container's processes%s to hold fds 0, 1 and 2 only, "
			      "and the host file %s on the caller's fds 3, 7, 10 and 251 to be out "
			      "of reach; saw fds above 2 \"%s\", stdout \"%s\"",
			      init ? " (with --init)" : "", secret, seen, r.out);
		free(ns);
		free(seen);
		h_run_free(&r);
	}
	for (size_t i = 0; i < sizeof(high) / sizeof(high[0]); i++)
		close(high[i]);
	close(dir);
	free(secret);
	free(token);
}
END_TEST

/* Run h_bin with `args`, fd `closed` closed (or -1), after `setup` (may be
 * NULL) in the child. */
static void run_special(struct h_run *r, const char *const *args, int closed, void (*setup)(void))
{
	const char *argv[32];
	size_t n = 0;

	argv[n++] = h_bin;
	if (h_bin_arg)
		argv[n++] = h_bin_arg;
	for (; *args && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	h_run_special(r, argv, closed, setup);
}

START_TEST(test_runtime_closed_stdio_is_reopened)
{
	for (int fd = 0; fd <= 2; fd++) {
		for (int verbose = 0; verbose <= 1; verbose++) {
			char *script = h_printf("[ -c /proc/self/fd/%d ] && exit 7; exit 8", fd);
			const char *plain[] = { "--", "/bin/sh", "-c", script, NULL };
			const char *loud[] = { "-v", "--", "/bin/sh", "-c", script, NULL };
			const char *const *args = verbose ? loud : plain;
			struct h_run r;
			run_special(&r, args, fd, NULL);
			ck_assert_msg(r.status == 7,
				      "expected the runtime started with fd %d closed%s to run the "
				      "command with fd %d open on /dev/null (status 7); saw status "
				      "%d, stderr \"%s\"",
				      fd, verbose ? " and -v" : "", fd, r.status, r.err);
			h_run_free(&r);
			free(script);
		}
	}
}
END_TEST

START_TEST(test_runtime_init_shows_nothing_of_the_host)
{
	const char *opts[] = { "--init", NULL };
	char *token = h_random_token();
	struct h_proc p;
	struct h_run r;

	setenv("HOST_SECRET_TOKEN", token, 1);
	h_container_spawn(
		&p, opts,
		"tr '\\0' ' ' </proc/1/environ; echo; tr '\\0' ' ' </proc/1/cmdline; echo; "
		"readlink /proc/1/exe; "
		"if echo x >>/proc/1/exe; then echo exe-writable; fi 2>/dev/null; " H_WAIT_SCRIPT,
		NULL);
	unsetenv("HOST_SECRET_TOKEN");
	h_assert_ready(&p);
	pid_t init = h_first_child(p.pid);
	char *exe = h_printf("/proc/%d/exe", (int)init);
	char *theirs = h_dev_ino(exe), *runtime = h_dev_ino(h_bin);
	h_finish(&p, &r);
	ck_assert_msg(!strstr(r.out, token) && !strstr(r.out, "PWD=") && !strstr(r.out, h_bin) &&
			      !strstr(r.out, "exe-writable") && strstr(r.out, "PATH=") &&
			      strcmp(theirs, runtime) != 0,
		      "expected PID 1 of --init to show no host environment (HOST_SECRET_TOKEN, "
		      "PWD), no host command line (%s), and a /proc/1/exe that is neither the "
		      "runtime's binary (%s on the host; PID 1's is %s) nor writable; saw:\n%s",
		      h_bin, runtime, theirs, r.out);
	free(exe);
	free(theirs);
	free(runtime);
	free(token);
	h_run_free(&r);
}
END_TEST

/* A seccomp filter that kills the process calling sethostname(2), which
 * only the container's set-up does (step 02's stage): a death in set-up that
 * the runtime cannot tell from any other. See seccomp(2). */
static void kill_on_sethostname(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_sethostname, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		_exit(97);
}

START_TEST(test_runtime_death_in_set_up_is_125)
{
	for (int verbose = 0; verbose <= 1; verbose++) {
		const char *args[] = { verbose ? "-v" : "--hostname=box", "--", "/bin/echo",
				       "the command ran", NULL };
		struct h_run r;
		run_special(&r, args, -1, kill_on_sethostname);
		const char *last = r.err + strlen(r.err);
		while (last > r.err && last[-1] == '\n')
			last--;
		while (last > r.err && last[-1] != '\n')
			last--;
		ck_assert_msg(r.status == 125 && !strstr(r.out, "the command ran") &&
				      (verbose || h_count_lines(r.err) == 1) &&
				      strstr(last, "stage pidns") && strstr(last, "signal 31") &&
				      strstr(last, "before its command ran"),
			      "expected a container killed (by SIGSYS) in its set-up, in stage "
			      "pidns, to end the runtime with 125 and one line naming the stage, "
			      "the signal and that the command never ran%s; saw status %d, "
			      "stderr \"%s\"",
			      verbose ? " (with -v: as the last line)" : "", r.status, r.err);
		h_run_free(&r);
	}
}
END_TEST

/* Names in /run/byoc, space-separated. */
static char *state_dirs(void)
{
	char *all = strdup("");
	DIR *d = opendir("/run/byoc");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *more = h_printf("%s%s ", all, e->d_name);
		free(all);
		all = more;
	}
	if (d)
		closedir(d);
	return all;
}

START_TEST(test_runtime_killed_runtimes_leave_nothing)
{
	static const char *const tail[] = { "--memory", "64M", "--pids", "32", "--",
					    "/bin/sh",	"-c",  "read x", NULL };
	const char *argv[12] = { h_bin };
	size_t n = 1;
	if (h_bin_arg)
		argv[n++] = h_bin_arg;
	for (size_t i = 0; tail[i]; i++)
		argv[n++] = tail[i];
	char *before = h_leak_snapshot();
	unsigned seed;

	ck_assert(getrandom(&seed, sizeof(seed), 0) == sizeof(seed));
	/* Killed at random points of its first 20 ms, or of twice a whole run
	 * where runs are slower (a VM without KVM): before, during or after
	 * the container's set-up; the command waits on stdin meanwhile. */
	const char *once[] = { h_bin, "--memory", "64M", "--pids", "32", "--", "/bin/true", NULL };
	struct timespec t0, t1;
	struct h_run r0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	h_run_argv(&r0, once);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	h_run_free(&r0);
	long window_us = 2 * ((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000);
	if (window_us < 20000)
		window_us = 20000;
	/* Each start removes what the runtimes killed before it left, so look
	 * after each kill. */
	int leaving = 0;
	char *left = NULL;
	for (int i = 0; i < 50; i++) {
		struct h_proc p;
		struct h_run r;
		h_spawn(&p, argv);
		long us = (long)(rand_r(&seed) % window_us);
		nanosleep(&(struct timespec){ us / 1000000, us % 1000000 * 1000 }, NULL);
		kill(p.pid, SIGKILL);
		h_finish(&p, &r);
		h_run_free(&r);
		char *now = h_leak_snapshot(), *diff = h_leak_diff(before, now);
		if (diff) {
			leaving++;
			free(left);
			left = diff;
		}
		free(now);
	}
	ck_assert_msg(leaving > 0,
		      "expected some of 50 runtimes SIGKILLed mid-way to leave state behind for "
		      "the next run to remove (else this test proves nothing); none did");
	struct h_run r;
	h_container_sh(&r, NULL, "exit 0", NULL);
	h_assert_ran_inside(&r);
	char *after = h_leak_snapshot_settled(before), *still = h_leak_diff(before, after);
	ck_assert_msg(still == NULL,
		      "expected one normal run after 50 SIGKILLed runtimes (%d of which left "
		      "something, such as: %.300s) to remove all they left; still there: %.1000s",
		      leaving, left, still);
	h_run_free(&r);
	free(before);
	free(left);
	free(after);
}
END_TEST

START_TEST(test_runtime_clean_up_spares_live_containers)
{
	struct h_proc p;
	struct h_run r;
	char id[16] = "";

	h_container_spawn(&p, NULL, "hostname; " H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	sscanf(p.bo.data, "%15s", id);
	pid_t child = h_first_child(p.pid);
	char *lock = h_printf("/run/byoc/%s/journal", id);
	char *cgroup = h_cgroup_path(child, "pids");
	bool lock_before = access(lock, F_OK) == 0;
	h_container_sh(&r, NULL, "exit 0", NULL); /* its start cleans up */
	bool lock_after = access(lock, F_OK) == 0, cgroup_after = access(cgroup, F_OK) == 0;
	char *dirs = state_dirs();
	h_run_free(&r);
	h_finish(&p, &r);
	ck_assert_msg(lock_before && lock_after && cgroup_after && strstr(cgroup, id),
		      "expected the running container %s to keep %s and its cgroup %s while "
		      "another container starts and cleans up; saw lock %s before, %s after, "
		      "cgroup %s after (state dirs: %s)",
		      id, lock, cgroup, lock_before ? "present" : "missing",
		      lock_after ? "present" : "missing", cgroup_after ? "present" : "missing",
		      dirs);
	free(lock);
	free(cgroup);
	free(dirs);
	h_run_free(&r);
}
END_TEST

/* ---- the README's table of bad inputs and faults ---- */

#ifndef BYOC_README
#define BYOC_README "README.md"
#endif

/* A rootfs of its own for the rows that need odd files: busybox, a script
 * whose '#!' names no interpreter, one that is not executable, and a
 * dynamically linked host program without its loader. */
static void make_fixture_rootfs(const char *root)
{
	static const char *const dirs[] = { "", "/bin", "/proc", "/dev", "/sys", "/tmp", "/etc" };
	char *p;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		p = h_printf("%s%s", root, dirs[i]);
		ck_assert_msg(mkdir(p, 0755) == 0, "mkdir(%s): %s", p, strerror(errno));
		free(p);
	}
	p = h_printf("cp %s/bin/busybox %s/bin/ && ln -s busybox %s/bin/sh && "
		     "cp /bin/true %s/dynamic",
		     h_rootfs, root, root, root);
	ck_assert_msg(system(p) == 0, "%s failed", p);
	free(p);
	p = h_printf("%s/etc/byoc-rootfs", root);
	h_write_file(p, "fixture\n", 0644);
	free(p);
	p = h_printf("%s/bad-interp", root);
	h_write_file(p, "#!/no/such/shell\necho hi\n", 0755);
	free(p);
	p = h_printf("%s/not-executable", root);
	h_write_file(p, "#!/bin/sh\necho hi\n", 0644);
	free(p);
}

/* A row's "N</path": opened in the runtime's process before exec. */
static char extra_path[256];
static int extra_fd = -1;

static void open_extra(void)
{
	int fd = open(extra_path, O_RDONLY);

	if (fd >= 0 && fd != extra_fd) {
		dup2(fd, extra_fd);
		close(fd);
	}
}

/* Run one row: `input` is "byoc SUBCOMMAND ARG..." with words split at spaces; "$ROOT"
 * is the fixture rootfs, "$TMP" the test's directory; "N<&-" or "N>&-"
 * closes fd N, and "N</path" opens a path on fd N first. */
/* A row "as nobody: `byoc ...`" runs as the user nobody (rootless, step 10). */
static void run_row(const char *input, struct h_run *r, const char *root, bool as_nobody)
{
	char *copy = strdup(input), *save = NULL, *words[32];
	const char *args[32];
	size_t n = 0, nargs = 0;
	int closed = -1;

	for (char *w = strtok_r(copy, " ", &save); w && n < 31; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	ck_assert_msg(n > 0 && strcmp(words[0], "byoc") == 0,
		      "README row \"%s\": the input must start with 'byoc'", input);
	extra_fd = -1;
	for (size_t i = 1; i < n; i++) {
		char *w = words[i];
		if (w[0] >= '0' && w[0] <= '9' && strstr(w, "&-")) {
			closed = atoi(w);
			continue;
		}
		if (w[0] >= '0' && w[0] <= '9' && strchr(w, '<')) {
			extra_fd = atoi(w);
			snprintf(extra_path, sizeof(extra_path), "%s", strchr(w, '<') + 1);
			continue;
		}
		if (strncmp(w, "$ROOT", 5) == 0)
			w = h_printf("%s%s", root, w + 5);
		else if (strncmp(w, "$KEPT", 5) == 0)
			w = h_printf("%s/kept%s", h_tmp, w + 5);
		else if (strncmp(w, "$TMP", 4) == 0)
			w = h_printf("%s%s", h_tmp, w + 4);
		args[nargs++] = w;
	}
	args[nargs] = NULL;
	/* A row spells byoc's whole command line, `run` and all. */
	const char *bin_arg = h_bin_arg;
	h_bin_arg = NULL;
	run_special(r, args, closed,
		    as_nobody	    ? h_become_nobody
		    : extra_fd >= 0 ? open_extra
				    : NULL);
	h_bin_arg = bin_arg;
	free(copy);
}

/* The text between the first pair of backquotes in `cell`, or "" if none. */
static char *quoted(const char *cell)
{
	const char *a = strchr(cell, '`'), *b = a ? strchr(a + 1, '`') : NULL;

	return b ? strndup(a + 1, (size_t)(b - a - 1)) : strdup("");
}

/* The state that rows of byoc's other verbs find: two exited containers
 * whose ids begin alike, under a state root of their own ($KEPT). */
static void make_fixture_kept(void)
{
	static const char *const ids[] = { "aaaaaaaaaaa1", "aaaaaaaaaaa2" };
	char *p = h_printf("%s/kept", h_tmp);

	ck_assert_msg(mkdir(p, 0700) == 0, "mkdir(%s): %s", p, strerror(errno));
	free(p);
	for (size_t i = 0; i < 2; i++) {
		p = h_printf("%s/kept/%s", h_tmp, ids[i]);
		ck_assert(mkdir(p, 0700) == 0);
		free(p);
		p = h_printf("%s/kept/%s/exit", h_tmp, ids[i]);
		h_write_file(p, "0 1 \n", 0600);
		free(p);
		p = h_printf("%s/kept/%s/config", h_tmp, ids[i]);
		h_write_file(p, "created 1\ndetached 1\narg /bin/true\n", 0600);
		free(p);
	}
}

/* A row "with `NAME` running: `byoc ...`" (or exited, or in the
 * foreground) first makes that container, and removes it after. */
enum row_setup { ROW_PLAIN, ROW_RUNNING, ROW_EXITED, ROW_FOREGROUND };

static enum row_setup row_setup_of(const char *line)
{
	if (strncmp(line, "| with `", 8) != 0)
		return ROW_PLAIN;
	return strstr(line, "` running: `")		? ROW_RUNNING
	       : strstr(line, "` exited: `")		? ROW_EXITED
	       : strstr(line, "` in the foreground: `") ? ROW_FOREGROUND
							: ROW_PLAIN;
}

/* "running", "exited", or "" when `name` is no container: what byoc
 * inspect says, to show that a refused row changed nothing. */
static char *container_status(const char *name)
{
	const char *argv[] = { h_bin, "inspect", name, NULL };
	struct h_run r;
	char *at, *status;

	h_run_argv(&r, argv);
	at = strstr(r.out, "\"Status\": \"");
	status = at ? strndup(at + 11, strcspn(at + 11, "\"")) : strdup("");
	h_run_free(&r);
	return status;
}

static void setup_row(enum row_setup kind, const char *name, struct h_proc *fg)
{
	const char *running[] = { h_bin,  "run", "-d",	  "--name", name, "--net",
				  "none", "--",	 "sleep", "60",	    NULL };
	const char *exited[] = { h_bin,	  "run",  "-d", "--name",    name,
				 "--net", "none", "--", "/bin/true", NULL };
	const char *stop[] = { h_bin, "stop", name, NULL };
	const char *foreground[] = { h_bin,  "run", "--name", name, "--net",
				     "none", "--",  "sh",     "-c", "echo ready; read x",
				     NULL };
	struct h_run r;

	if (kind == ROW_FOREGROUND) {
		h_spawn(fg, foreground);
		h_assert_ready(fg);
		return;
	}
	h_run_argv(&r, kind == ROW_RUNNING ? running : exited);
	ck_assert_msg(r.status == 0, "setting up %s: byoc run -d: status %d, %s", name, r.status,
		      r.err);
	h_run_free(&r);
	if (kind == ROW_EXITED) {
		h_run_argv(&r, stop);
		h_run_free(&r);
	}
}

static void teardown_row(enum row_setup kind, const char *name, struct h_proc *fg)
{
	const char *rm[] = { h_bin, "rm", "-f", name, NULL };
	struct h_run r;

	if (kind == ROW_FOREGROUND) {
		h_finish(fg, &r);
	} else {
		h_run_argv(&r, rm);
	}
	h_run_free(&r);
}

START_TEST(test_runtime_bad_input_table)
{
	FILE *f = fopen(BYOC_README, "re");
	char *line = NULL, *root = h_printf("%s/root", h_tmp), failures[4096] = "";
	size_t cap = 0, rows = 0;
	bool in_section = false;

	ck_assert_msg(f, "open(%s): %s", BYOC_README, strerror(errno));
	make_fixture_rootfs(root);
	make_fixture_kept();
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, "## ", 3) == 0)
			in_section = strncmp(line, "## Bad input and faults", 23) == 0;
		bool as_nobody = strncmp(line, "| as nobody: `byoc", 18) == 0;
		enum row_setup setup = row_setup_of(line);
		if (!in_section ||
		    (strncmp(line, "| `byoc", 7) != 0 && !as_nobody && setup == ROW_PLAIN))
			continue;
		/* | `input` | status | `message` or - | */
		char *cells[4] = { 0 }, *save = NULL, *copy = strdup(line);
		size_t nc = 0;
		for (char *c = strtok_r(copy, "|", &save); c && nc < 4;
		     c = strtok_r(NULL, "|", &save))
			cells[nc++] = c;
		ck_assert_msg(nc >= 3, "README row with fewer than 3 cells: %s", line);
		char *name = setup ? quoted(cells[0]) : NULL, *before = NULL;
		char *input = quoted(setup ? strchr(strchr(cells[0], '`') + 1, '`') + 1 : cells[0]);
		char *want = quoted(cells[2]);
		int status = atoi(cells[1]);
		struct h_run r;
		struct h_proc fg;
		if (setup) {
			setup_row(setup, name, &fg);
			before = container_status(name);
		}
		/* nobody's state root, when the row is the first to make it. */
		char *state = h_printf("/tmp/byoc-%d", H_NOBODY);
		bool had_state = access(state, F_OK) == 0;
		if (as_nobody)
			chmod(h_tmp, 0711);
		run_row(input, &r, root, as_nobody);
		if (as_nobody && !had_state)
			h_remove_tree(state);
		free(state);
		bool verbose = strstr(input, " -v ") != NULL;
		bool ok = r.status == status && strstr(r.err, want) &&
			  (!want[0] || verbose || h_count_lines(r.err) == 1);
		/* A refusal changes nothing: the container is as it was. */
		if (setup) {
			char *after = container_status(name);
			if (status != 0 && strcmp(before, after) != 0) {
				snprintf(failures + strlen(failures),
					 sizeof(failures) - strlen(failures),
					 "\n  %s: refused, yet container %s went from '%s' to '%s'",
					 input, name, before, after);
			}
			teardown_row(setup, name, &fg);
			free(after);
			free(before);
			free(name);
		}
		if (!ok)
			snprintf(failures + strlen(failures), sizeof(failures) - strlen(failures),
				 "\n  %s: expected status %d and the line \"%s\"; saw status %d, "
				 "stderr \"%s\"",
				 input, status, want, r.status, r.err);
		rows++;
		h_run_free(&r);
		free(input);
		free(want);
		free(copy);
	}
	fclose(f);
	free(line);
	free(root);
	ck_assert_msg(rows >= 10,
		      "expected at least 10 rows in %s, \"Bad input and faults\"; "
		      "found %zu",
		      BYOC_README, rows);
	ck_assert_msg(!failures[0],
		      "rows of the README's table that the runtime does not match:%.3000s",
		      failures);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "runtime";
	h_add(s, test_runtime_only_stdio_fds_reach_the_command, 1, HINT_FDS);
	h_add(s, test_runtime_closed_stdio_is_reopened, 1, HINT_FDS);
	h_add(s, test_runtime_init_shows_nothing_of_the_host, 1, HINT_INIT);
	h_add(s, test_runtime_death_in_set_up_is_125, 1, HINT_DEATH);
	h_add(s, test_runtime_killed_runtimes_leave_nothing, 1, HINT_STATE);
	h_add(s, test_runtime_clean_up_spares_live_containers, 1, HINT_STATE);
	h_add(s, test_runtime_bad_input_table, 1, HINT_TABLE);
}
