/* byoc as an OCI runtime, driven as runc is: the verbs, --log, and what a
 * bundle's config.json asks for, seen from outside. Each test is a child
 * subreaper (see PR_SET_CHILD_SUBREAPER in prctl(2)), as conmon and
 * containerd's shim are: the PID 1 that create leaves becomes its child, so
 * waitpid() reads the command's status. Its bundles, rootfs copy (create
 * writes to the root in place), state root and logs live in h_tmp/oci; it
 * deletes its containers (--force) and that directory on every path. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "leaks.h"

#define HINT_OCI    "steps/byoc/oci.c (the OCI verbs) and lib/container.c (create: the exec FIFO)"
#define HINT_BUNDLE "lib/oci.c (reading config.json) and steps/byoc/oci.c, create_main()"
#define HINT_CONFIG "steps/byoc/oci_stages.c (what config.json asks for) and lib/oci.c"
#define HINT_LOG    "steps/byoc/oci.c, fail() and byoc_oci_globals() (--log, --log-format)"
#define HINT_GC	    "lib/gc.c (delete: the cgroups, the state directory) and steps/byoc/oci.c"

static char *dir;  /* h_tmp/oci: everything the test makes (see home()) */
static char *root; /* its state root, dir/state */
static const char *made[16];
static size_t n_made;
static char *wrong = ""; /* what the test found wrong, a line each */
static char *seen;	 /* what the last byoc state said */
static json_t *st;	 /* the same, parsed */

/* byoc --root ROOT WORDS...: run to its end, its struct h_run. */
#define OCI(...)                                                                                   \
	({                                                                                         \
		struct h_run r_;                                                                   \
		h_run_argv(&r_, (const char *[]){ h_bin, "--root", (home(), root), __VA_ARGS__,    \
						  NULL });                                         \
		r_;                                                                                \
	})

/* The test's directory, made on first use, when the test also becomes the
 * subreaper that adopts the containers it creates. */
static const char *home(void)
{
	if (dir)
		return dir;
	ck_assert_msg(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "prctl: %s", strerror(errno));
	dir = h_printf("%s/oci", h_tmp);
	root = h_printf("%s/state", dir);
	ck_assert_msg(mkdir(dir, 0755) == 0, "mkdir(%s): %s", dir, strerror(errno));
	return dir;
}

/* Delete every container the test made, then its directory. */
static void remove_all(void)
{
	for (size_t i = 0; i < n_made; i++) {
		struct h_run r = OCI("delete", "--force", made[i]);
		h_run_free(&r);
	}
	n_made = 0;
	if (dir)
		h_remove_tree(dir);
}

/* Fail now, after removing what the test made: a step the rest needs. */
#define EXPECT(cond, ...) ((cond) ? (void)0 : (remove_all(), ck_abort_msg(__VA_ARGS__)))
/* Note a property that does not hold; verdict() removes what the test made,
 * then fails with every note. */
#define WANT(cond, fmt, ...)                                                                       \
	((cond) ? (void)0                                                                          \
		: (void)(wrong = h_printf("%s%s" fmt, wrong, wrong[0] ? "\n" : "",                 \
					  ##__VA_ARGS__)))

static void verdict(void)
{
	remove_all();
	ck_assert_msg(!wrong[0], "%s", wrong);
}

/* Reap `pid`, a child of the test: its status (128+N for signal N), or -1
 * when it still runs after `ms` or is no child of the test. */
static int reap(pid_t pid, int ms)
{
	int ws = 0;
	pid_t got = 0;

	for (; pid > 0 && !got && ms > 0; ms -= 10)
		if (!(got = waitpid(pid, &ws, WNOHANG)))
			poll(NULL, 0, 10);
	return got <= 0 ? -1 : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
}

/* Whether `pid`, a child of the test, runs (a zombie is reaped). */
#define RUNS(pid) (waitpid(pid, NULL, WNOHANG) == 0)

static bool wait_file(const char *path, int ms)
{
	for (; access(path, F_OK) && ms > 0; ms -= 20)
		poll(NULL, 0, 20);
	return !access(path, F_OK);
}

/* The entries of directory `d` but its own lock (.lock), space-separated. */
static char *entries(const char *d)
{
	DIR *dd = opendir(d);
	char *out = "";

	for (struct dirent *e; dd && (e = readdir(dd));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, ".lock"))
			out = h_printf("%s%s ", out, e->d_name);
	if (dd)
		closedir(dd);
	return out;
}

/* The private copy of the lab's rootfs that the test's containers share. */
static const char *rootfs(void)
{
	static char *copy;
	struct h_run r;

	if (copy)
		return copy;
	copy = h_printf("%s/rootfs", home());
	h_run_argv(&r, (const char *[]){ "/bin/cp", "-a", h_rootfs, copy, NULL });
	EXPECT(r.status == 0, "test set-up: cp -a %s %s: %s", h_rootfs, copy, r.err);
	return copy;
}

/* A mount of config.json; `opts` comma-separated. */
static json_t *mnt(const char *dest, const char *type, const char *src, const char *opts)
{
	json_t *m = json_pack("{s:s, s:s, s:s, s:[]}", "destination", dest, "type", type, "source",
			      src, "options");
	char *save = NULL;

	for (char *o = strtok_r(strdup(opts), ",", &save); o; o = strtok_r(NULL, ",", &save))
		json_array_append_new(json_object_get(m, "options"), json_string(o));
	return m;
}

/* A minimal config.json, runc spec's without a terminal, rootfs() as its
 * writable root, running sh -c `script`. */
static json_t *config(const char *script)
{
	json_t *caps = json_pack("[sss]", "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

	return json_pack(
		"{s:s, s:{s:b, s:{s:i, s:i}, s:[sss], s:[ss], s:s, s:{s:O, s:O, s:o}, s:b}, "
		"s:{s:s, s:b}, s:s, s:[ooooooo], s:{s:[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}], "
		"s:[ssssssssss], s:[sssss]}}",
		"ociVersion", "1.0.2", "process", "terminal", 0, "user", "uid", 0, "gid", 0, "args",
		"sh", "-c", script, "env", "PATH=/usr/bin:/bin:/usr/sbin:/sbin", "TERM=xterm",
		"cwd", "/", "capabilities", "bounding", caps, "effective", caps, "permitted", caps,
		"noNewPrivileges", 1, "root", "path", rootfs(), "readonly", 0, "hostname",
		"oci-test", "mounts", mnt("/proc", "proc", "proc", ""),
		mnt("/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k"),
		mnt("/dev/pts", "devpts", "devpts",
		    "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5"),
		mnt("/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k"),
		mnt("/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev"),
		mnt("/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro"),
		mnt("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid,noexec,nodev,relatime,ro"),
		"linux", "namespaces", "type", "pid", "type", "network", "type", "ipc", "type",
		"uts", "type", "mount", "maskedPaths", "/proc/acpi", "/proc/asound", "/proc/kcore",
		"/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
		"/proc/sched_debug", "/sys/firmware", "/proc/scsi", "readonlyPaths", "/proc/bus",
		"/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
}

/* config(script) with `value` (consumed) at `section`.`key` (NULL: top). */
static json_t *config_with(const char *script, const char *section, const char *key, json_t *value)
{
	json_t *cfg = config(script);

	json_object_set_new(section ? json_object_get(cfg, section) : cfg, key, value);
	return cfg;
}

/* The bundle dir/NAME with `cfg` (consumed) as its config.json. */
static char *bundle(const char *name, json_t *cfg)
{
	char *b = h_printf("%s/%s", home(), name), *file = h_printf("%s/config.json", b);

	EXPECT(cfg && (mkdir(b, 0755) == 0 || errno == EEXIST) &&
		       json_dump_file(cfg, file, JSON_INDENT(2)) == 0,
	       "test set-up: writing %s: %s", file, strerror(errno));
	json_decref(cfg);
	return b;
}

/* byoc create --bundle B --pid-file dir/ID.pid ID, to its end, into `r`
 * (NULL: it must succeed); its stdout and stderr, which the container
 * inherits, in dir/ID.out and dir/ID.err. Returns the PID in the pid file,
 * 0 if none. */
#define created(id, b) create(NULL, id, b)
static pid_t create(struct h_run *r, const char *id, const char *b)
{
	struct h_run mine, *run = r ? r : &mine;
	char *out = h_printf("%s/%s.out", home(), id), *err = h_printf("%s/%s.err", home(), id);
	char *pidf = h_printf("%s/%s.pid", home(), id), *text;
	const char *argv[] = { h_bin, "--root",	    root, "create", "--bundle",
			       b,     "--pid-file", pidf, id,	    NULL };

	made[n_made++] = id;
	pid_t pid = fork();
	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		int fds[3] = { open("/dev/null", O_RDONLY), open(out, O_WRONLY | O_CREAT, 0600),
			       open(err, O_WRONLY | O_CREAT, 0600) };
		for (int i = 0; i < 3; i++)
			if (fds[i] < 0 || dup2(fds[i], i) < 0 || close(fds[i]) < 0)
				_exit(98);
		if (chdir(h_tmp) == 0)
			execv(argv[0], (char *const *)argv);
		_exit(98);
	}
	if ((run->status = reap(pid, 30000)) < 0)
		kill(pid, SIGKILL), reap(pid, 1000);
	run->out = h_slurp("%s", out) ?: "";
	run->err = h_slurp("%s", err) ?: "";
	pid = (text = h_slurp("%s", pidf)) ? atoi(text) : 0;
	EXPECT(r || (run->status == 0 && pid > 0),
	       "expected byoc create --bundle %s --pid-file FILE %s to exit 0 and write the "
	       "container's PID to FILE; saw status %d, stdout \"%s\", stderr \"%s\", PID %d",
	       b, id, run->status, run->out, run->err, (int)pid);
	return pid;
}

static void started(const char *id)
{
	struct h_run r = OCI("start", id);

	EXPECT(r.status == 0, "expected byoc start %s to exit 0; saw status %d, stderr \"%s\"", id,
	       r.status, r.err);
}

/* Container ID running sh -c `script`, created and started: its PID. */
static pid_t up(const char *id, const char *script)
{
	pid_t pid = created(id, bundle(id, config(script)));

	started(id);
	return pid;
}

/* The string at `key` of JSON object `o`, "" if none. */
#define str(o, key) (json_string_value(json_object_get(o, key)) ?: "")

/* Whether byoc state ID says `status` and `pid`; `seen` and `st` get what
 * it said. */
static bool state_says(const char *id, const char *status, pid_t pid)
{
	struct h_run r = OCI("state", id);
	json_t *p = json_object_get(st = json_loads(r.out, 0, NULL), "pid");

	seen = h_printf("status %d, stdout \"%s\", stderr \"%s\"", r.status, r.out, r.err);
	return !strcmp(str(st, "status"), status) && json_is_integer(p) &&
	       json_integer_value(p) == pid;
}

/* Want the run `r` of byoc `what` refused as runc refuses: status 1, one
 * line holding `text`. */
#define WANT_REFUSED(r, what, text)                                                                \
	WANT((r).status == 1 && h_count_lines((r).err) == 1 && strstr((r).err, text),              \
	     "expected byoc %s to fail with 1, one line holding \"%s\"; saw %d, \"%s\"", what,     \
	     text, (r).status, (r).err)

START_TEST(test_oci_create_leaves_a_created_container)
{
	json_t *ann = json_pack("{s:s}", "org.example.k", "v");
	char *b = bundle("b", config_with("sleep 30", NULL, "annotations", json_incref(ann)));
	pid_t pid = created("oci-new", b);
	char *text = h_slurp("%s/oci-new.pid", home()), *cmd = h_slurp("/proc/%d/cmdline", (int)pid);
	char *mine = h_ns(getpid(), "pid"), *theirs = h_ns(pid, "pid");
	WANT(entries(root)[0], "expected create to keep its state under --root %s; it is empty",
	     root);
	WANT(text && !strchr(text, '\n') && atoi(text) == pid,
	     "expected the --pid-file to hold the PID alone, no newline; saw \"%s\"", text);
	WANT(state_says("oci-new", "created", pid) && !strcmp(str(st, "bundle"), b) &&
		     json_equal(json_object_get(st, "annotations"), ann),
	     "expected byoc state: \"created\", pid %d, bundle \"%s\", config.json's annotations "
	     "{\"org.example.k\": \"v\"}; saw %s",
	     (int)pid, b, seen);
	WANT(cmd && !strncmp(cmd, h_bin, strlen(h_bin)) && strstr(cmd, " create ") &&
		     strcmp(theirs, mine),
	     "expected PID 1 (%d) to be the runtime still (cmdline \"%s ... create ...\"; saw "
	     "\"%s\"), in a PID namespace of its own (%s; the test's: %s)",
	     (int)pid, h_bin, cmd, theirs, mine);
	verdict();
}
END_TEST

START_TEST(test_oci_start_runs_the_command)
{
	pid_t pid = created("oci-start", bundle("b", config("echo started > /ran; sleep 30")));
	char *file = h_printf("%s/ran", rootfs());
	bool early = access(file, F_OK) == 0;
	started("oci-start");
	wait_file(file, 5000);
	char *ran = h_slurp("%s", file);
	WANT(!early && ran && !strcmp(ran, "started\n"),
	     "expected /ran to hold \"started\" after byoc start, not before; saw \"%s\"%s",
	     ran ? ran : "no file in 5 s", early ? " (there before start)" : "");
	WANT(state_says("oci-start", "running", pid),
	     "expected byoc state: \"running\", pid %d; saw %s", (int)pid, seen);
	verdict();
}
END_TEST

START_TEST(test_oci_exit_status_reaches_the_subreaper)
{
	pid_t pid = up("oci-exit", "exit 3");
	int status = reap(pid, 10000);
	WANT(status == 3,
	     "expected PID 1 (%d), the child of the test (a subreaper) once create exited, to end "
	     "with the command's status 3; waitpid() saw %d (-1: none in 10 s)",
	     (int)pid, status);
	WANT(state_says("oci-exit", "stopped", 0),
	     "expected byoc state: \"stopped\", pid 0; saw %s", seen);
	verdict();
}
END_TEST

START_TEST(test_oci_kill_signals_pid_1)
{
	/* PID 1 of a PID namespace ignores signals it has no handler for. */
	pid_t pid =
		up("oci-term", "trap 'exit 7' TERM; touch /trapped; while :; do sleep 0.1; done");
	EXPECT(wait_file(h_printf("%s/trapped", rootfs()), 5000),
	       "expected the container to set its trap, then touch /trapped");
	struct h_run term = OCI("kill", "oci-term");
	int st_term = reap(pid, 5000);
	pid = up("oci-kill", "sleep 30");
	struct h_run k = OCI("kill", "oci-kill", "KILL");
	int st_kill = reap(pid, 5000);
	struct h_run again = OCI("kill", "oci-kill", "KILL");
	pid = up("oci-all", "sleep 30 & sleep 30; wait");
	struct h_run all = OCI("kill", "--all", "oci-all", "KILL");
	int st_all = reap(pid, 5000);
	WANT(term.status == 0 && st_term == 7,
	     "expected byoc kill ID to send TERM (the trap exits 7); saw %d, \"%s\", PID 1 ended "
	     "with %d (-1: not in 5 s)",
	     term.status, term.err, st_term);
	WANT(k.status == 0 && st_kill == 137,
	     "expected byoc kill ID KILL to end PID 1: 137; saw %d, \"%s\", %d", k.status, k.err,
	     st_kill);
	WANT_REFUSED(again, "kill of a stopped container", "container not running");
	WANT(all.status == 0 && st_all == 137,
	     "expected byoc kill --all ID KILL to end the container: 137; saw %d, \"%s\", %d",
	     all.status, all.err, st_all);
	verdict();
}
END_TEST

START_TEST(test_oci_delete_force_removes_a_running_container)
{
	pid_t pid = up("oci-del", "sleep 30");
	char *pids = h_cgroup_path(pid, "pids"), *mem = h_cgroup_path(pid, "memory");
	struct h_run del = OCI("delete", "oci-del");
	bool ran = RUNS(pid);
	struct h_run delf = OCI("delete", "--force", "oci-del");
	int status = reap(pid, 5000);
	char *left = entries(root);
	WANT_REFUSED(del, "delete of a running container", "is running");
	WANT(ran, "expected byoc delete to leave the running container be; PID %d is gone",
	     (int)pid);
	WANT(delf.status == 0 && status == 137 && !left[0],
	     "expected byoc delete --force to exit 0 (saw %d, \"%s\"), kill PID 1 (137; saw %d), "
	     "remove its state (--root holds \"%s\")",
	     delf.status, delf.err, status, left);
	WANT(strstr(pids, "byoc") && strstr(mem, "byoc") && access(pids, F_OK) && access(mem, F_OK),
	     "expected byoc delete --force to remove the container's cgroups %s (%s), %s (%s)",
	     pids, access(pids, F_OK) ? "gone" : "kept", mem, access(mem, F_OK) ? "gone" : "kept");
	verdict();
}
END_TEST

START_TEST(test_oci_delete_stopped_and_unknown)
{
	int status = reap(up("oci-done", "true"), 10000);
	struct h_run del = OCI("delete", "oci-done");
	char *left = entries(root);
	struct h_run unknown = OCI("delete", "oci-nosuch");
	struct h_run force = OCI("delete", "--force", "oci-nosuch");
	WANT(status == 0 && del.status == 0 && !left[0],
	     "expected byoc delete of a stopped container (exited %d) to exit 0 and remove its "
	     "state; saw %d, \"%s\"; --root holds \"%s\"",
	     status, del.status, del.err, left);
	WANT_REFUSED(unknown, "delete of an unknown id", "does not exist");
	WANT(force.status == 0,
	     "expected byoc delete --force of an unknown id to exit 0, as runc; "
	     "saw %d, \"%s\"",
	     force.status, force.err);
	verdict();
}
END_TEST

START_TEST(test_oci_create_and_start_refuse_repeats)
{
	char *b = bundle("b", config("sleep 30"));
	pid_t pid = created("oci-dup", b);
	struct h_run again;
	create(&again, "oci-dup", b);
	WANT_REFUSED(again, "create of an id that exists", "already exists");
	WANT(state_says("oci-dup", "created", pid) && RUNS(pid),
	     "expected the first oci-dup to stay created, PID %d; saw %s", (int)pid, seen);
	started("oci-dup");
	struct h_run twice = OCI("start", "oci-dup"), unknown = OCI("start", "oci-nosuch");
	WANT_REFUSED(twice, "start of a started container", "oci-dup");
	WANT_REFUSED(unknown, "start of an unknown id", "does not exist");
	verdict();
}
END_TEST

START_TEST(test_oci_bad_bundles_are_refused)
{
	static const char *const want[][3] = {
		{ "create of a missing bundle", "nosuch", "" },
		{ "create of a config.json not JSON", "line 3, column", "config.json" },
		{ "create of process.args 5", "process.args", "number" },
		{ "create of a field \"foo\"", "foo", "not supported by byoc" },
		{ "create of process.terminal true", "terminal", "" },
	};
	const char *b[5] = { h_printf("%s/nosuch", home()), h_printf("%s/b1", home()),
			     bundle("b2", config_with("true", "process", "args", json_integer(5))),
			     bundle("b3", config_with("true", NULL, "foo", json_true())),
			     bundle("b4",
				    config_with("true", "process", "terminal", json_true())) };
	mkdir(b[1], 0755);
	h_write_file(h_printf("%s/config.json", b[1]),
		     "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": }\n", 0644);
	for (int i = 0; i < 5; i++) {
		struct h_run r;
		create(&r, h_printf("oci-bad-%d", i), b[i]);
		/* A container left behind would be the test's child. */
		char *left = entries(root),
		     *kids = waitpid(-1, NULL, WNOHANG) ? "" : "; a process of it runs";
		WANT_REFUSED(r, want[i][0], want[i][1]);
		WANT(strstr(r.err, want[i][2]) && !left[0] && !kids[0],
		     "expected byoc %s to say \"%s\" and leave no state nor process; saw \"%s\"; "
		     "in --root: \"%s\"%s",
		     want[i][0], want[i][2], r.err, left, kids);
	}
	verdict();
}
END_TEST

START_TEST(test_oci_log_records_errors)
{
	char *jlog = h_printf("%s/log.json", home()), *tlog = h_printf("%s/log.txt", home());
	h_write_file(jlog, "{\"level\":\"info\",\"msg\":\"before\"}\n", 0644);
	struct h_run j = OCI("--log", jlog, "--log-format", "json", "state", "oci-nosuch");
	struct h_run t = OCI("--log", tlog, "--log-format", "text", "state", "oci-nosuch");
	struct h_run y =
		OCI("--log", h_printf("%s/log.yaml", home()), "--log-format", "yaml", "state", "x");
	char *jtext = h_slurp("%s", jlog) ?: "", *ttext = h_slurp("%s", tlog) ?: "";
	json_t *line = json_loads(strchrnul(jtext, '\n'), JSON_DISABLE_EOF_CHECK, NULL);
	WANT(j.status == 1 && h_count_lines(jtext) == 2 && !strcmp(str(line, "level"), "error") &&
		     strstr(str(line, "msg"), "does not exist") &&
		     strstr(str(line, "error"), "does not exist") && str(line, "time")[0],
	     "expected byoc --log FILE --log-format json state oci-nosuch to fail with 1, append "
	     "{\"level\": \"error\", \"msg\", \"error\": \"... does not exist\", \"time\"} to "
	     "FILE's line; saw %d, \"%s\"",
	     j.status, jtext);
	WANT(t.status == 1 && h_count_lines(ttext) == 1 && ttext[0] != '{' &&
		     strstr(ttext, "error") && strstr(ttext, "does not exist"),
	     "expected --log-format text to write one text line with the level and the message; "
	     "saw %d, \"%s\"",
	     t.status, ttext);
	WANT_REFUSED(y, "--log-format yaml", "yaml");
	verdict();
}
END_TEST

/* Run `cfg` (consumed) as container ID to its end: what it printed, after
 * a newline, so that strstr(out, "\nLINE\n") finds a line. */
static char *run_to_end(const char *id, json_t *cfg)
{
	pid_t pid = created(id, bundle(id, cfg));
	started(id);
	int status = reap(pid, 10000);
	char *out = h_slurp("%s/%s.out", home(), id), *err = h_slurp("%s/%s.err", home(), id);
	EXPECT(status == 0,
	       "expected container %s to run its script, exit 0; saw %d, \"%s\", \"%s\"", id,
	       status, out, err);
	return h_printf("\n%s", out);
}

START_TEST(test_oci_config_mounts_and_hostname)
{
	char *data = h_printf("%s/data", home()), *token = h_random_token();
	/* The masked paths this kernel has: each must read empty. */
	char *masked =
		h_printf("\n%s%s", access("/proc/kcore", F_OK) ? "" : "mask /proc/kcore 0\n",
			 access("/proc/timer_list", F_OK) ? "" : "mask /proc/timer_list 0\n");
	mkdir(data, 0755);
	h_write_file(h_printf("%s/f", data), token, 0644);
	json_t *cfg =
		config_with("echo host=$(hostname); echo data=$(cat /data/f); "
			    "echo w > /data/w && echo data-write=ok; "
			    "grep -q ' /scratch .* - tmpfs ' /proc/self/mountinfo && echo scratch; "
			    "for f in /proc/kcore /proc/timer_list; do "
			    "[ -e $f ] && echo mask $f $(cat $f | wc -c); done; true",
			    NULL, "hostname", json_string("oci-box"));
	json_array_extend(json_object_get(cfg, "mounts"),
			  json_pack("[oo]", mnt("/data", "bind", data, "rbind,ro"),
				    mnt("/scratch", "tmpfs", "tmpfs", "size=1m")));
	char *out = run_to_end("oci-mounts", cfg), *want = h_printf("\ndata=%s\n", token);
	bool wrote = access(h_printf("%s/w", data), F_OK) == 0;
	WANT(strstr(out, "\nhost=oci-box\n"),
	     "expected config.json's hostname, host=oci-box; saw \"%s\"", out);
	WANT(strstr(out, want) && !strstr(out, "data-write=ok") && !wrote,
	     "expected %s bound read-only at /data: \"%s\", no write; saw \"%s\" (the write %s)",
	     data, want, out, wrote ? "reached the host" : "did not reach the host");
	WANT(strstr(out, "\nscratch\n"), "expected a tmpfs at /scratch; saw \"%s\"", out);
	WANT(masked[1] && strstr(out, masked),
	     "expected maskedPaths to read empty: \"%s\"; saw \"%s\"", masked, out);
	verdict();
}
END_TEST

START_TEST(test_oci_config_process_and_sysctl)
{
	char *fwd = h_slurp("/proc/sys/net/ipv4/ip_forward"), *swp = h_slurp("/proc/sys/vm/swappiness");
	json_t *caps = json_pack("[ss]", "CAP_KILL", "CAP_NET_BIND_SERVICE");
	json_t *cfg =
		config_with("grep CapBnd /proc/1/status; echo cwd=$(pwd); "
			    "echo env $(env | grep -v -e ^PWD= -e ^SHLVL= | sort); "
			    "echo forward=$(cat /proc/sys/net/ipv4/ip_forward)",
			    "linux", "sysctl", json_pack("{s:s}", "net.ipv4.ip_forward", "1"));
	json_object_update(json_object_get(cfg, "process"),
			   json_pack("{s:[sss], s:s, s:{s:O, s:O, s:o}}", "env",
				     "PATH=/bin:/usr/bin", "TERM=xterm", "OCI_K=v1", "cwd", "/tmp",
				     "capabilities", "bounding", caps, "effective", caps,
				     "permitted", caps));
	char *out = run_to_end("oci-proc", cfg);
	struct h_run bad;
	create(&bad, "oci-swap",
	       bundle("b", config_with("true", "linux", "sysctl",
				       json_pack("{s:s}", "vm.swappiness", "10"))));
	char *fwd2 = h_slurp("/proc/sys/net/ipv4/ip_forward"),
	     *swp2 = h_slurp("/proc/sys/vm/swappiness");
	WANT(strstr(out, "\nCapBnd:\t0000000000000420\n"),
	     "expected config.json's bounding set alone, CAP_KILL and CAP_NET_BIND_SERVICE: "
	     "CapBnd 0000000000000420; saw \"%s\"",
	     out);
	WANT(strstr(out, "\nenv OCI_K=v1 PATH=/bin:/usr/bin TERM=xterm\n"),
	     "expected process.env and no more (no HOME; sh adds PWD, SHLVL): \"env OCI_K=v1 "
	     "PATH=/bin:/usr/bin TERM=xterm\"; saw \"%s\"",
	     out);
	WANT(strstr(out, "\ncwd=/tmp\n"), "expected process.cwd, cwd=/tmp; saw \"%s\"", out);
	WANT(strstr(out, "\nforward=1\n") && fwd && fwd2 && !strcmp(fwd, fwd2),
	     "expected linux.sysctl net.ipv4.ip_forward=1 inside (saw \"%s\"), the host's value "
	     "unchanged (\"%s\" -> \"%s\")",
	     out, fwd, fwd2);
	WANT_REFUSED(bad, "create with the host-wide sysctl vm.swappiness", "not namespaced");
	WANT(swp && swp2 && !strcmp(swp, swp2),
	     "expected vm.swappiness unchanged; \"%s\" -> \"%s\"", swp, swp2);
	verdict();
}
END_TEST

START_TEST(test_oci_resources_set_cgroup_limits)
{
	json_t *res = json_pack("{s:{s:I}, s:{s:i}}", "memory", "limit", (json_int_t)64 << 20,
				"pids", "limit", 32);
	/* On v1 the cgroup goes beneath cgroupsPath's directory (podman's
	 * libpod_parent/POD), which the test removes after. */
	char *parent = h_printf("byoc-oci-test-%d", (int)getpid());
	json_t *cfg = config_with("sleep 30", "linux", "resources", res);
	json_object_set_new(json_object_get(cfg, "linux"), "cgroupsPath",
			    json_string(h_printf("/%s/leaf", parent)));
	pid_t pid = created("oci-res", bundle("b", cfg));
	EXPECT(RUNS(pid), "expected the created PID 1 (%d) to wait for start", (int)pid);
	const char *file = h_cgroup_v2() ? "memory.max" : "memory.limit_in_bytes";
	char *mem = h_cgroup_path(pid, "memory"), *pids = h_cgroup_path(pid, "pids");
	long long m = h_cgroup_read(pid, "memory", file, NULL),
		  p = h_cgroup_read(pid, "pids", "pids.max", NULL);
	WANT(strstr(mem, "byoc") && m == 64 << 20,
	     "expected the container's own cgroup %s to hold %s 67108864; saw %lld", mem, file, m);
	WANT(strstr(pids, "byoc") && p == 32,
	     "expected the container's own cgroup %s to hold pids.max 32; saw %lld", pids, p);
	WANT(h_cgroup_v2() || strstr(pids, h_printf("/pids/%s/byoc-", parent)),
	     "expected the pids cgroup beneath cgroupsPath's directory /%s; saw %s", parent, pids);
	struct h_run del = OCI("delete", "--force", "oci-res");
	for (const char *const *c = (const char *const[]){ "memory", "pids", "cpu", "cpuacct",
							   "devices", NULL };
	     *c; c++)
		rmdir(h_printf("/sys/fs/cgroup/%s/%s", *c, parent));
	WANT(del.status == 0, "expected delete --force to exit 0; saw %d, %s", del.status, del.err);
	struct h_run r;
	create(&r, "oci-climb", bundle("up", config_with("true", "linux", "cgroupsPath",
							  json_string("/../../escape"))));
	WANT_REFUSED(r, "create with cgroupsPath /../../escape", "linux.cgroupsPath");
	verdict();
}
END_TEST

START_TEST(test_oci_list_and_features)
{
	bool in_json = false, has_pid = false;
	size_t i;
	created("oci-listed", bundle("b", config("sleep 30")));
	struct h_run tab = OCI("list");
	struct h_run js = OCI("list", "--format", "json");
	struct h_run feat = OCI("features");
	char *row = strstr(tab.out, "\noci-listed ");
	json_t *arr = json_loads(js.out, 0, NULL), *f = json_loads(feat.out, 0, NULL), *e;
	json_array_foreach(arr, i, e) in_json |= !strcmp(str(e, "id"), "oci-listed");
	json_array_foreach(json_object_get(json_object_get(f, "linux"), "namespaces"), i, e)
		has_pid |= json_is_string(e) && !strcmp(json_string_value(e), "pid");
	WANT(tab.status == 0 && row && strstr(strndup(row, strcspn(row + 1, "\n")), " created "),
	     "expected byoc list to show a row \"oci-listed ... created ...\"; saw %d, \"%s\"",
	     tab.status, tab.out);
	WANT(js.status == 0 && in_json,
	     "expected byoc list --format json to print an array holding {\"id\": \"oci-listed\"}; "
	     "saw %d, \"%s\"",
	     js.status, js.out);
	WANT(feat.status == 0 && str(f, "ociVersionMax")[0] && has_pid,
	     "expected byoc features to print JSON with ociVersionMax and linux.namespaces holding "
	     "\"pid\"; saw %d, \"%s\"",
	     feat.status, feat.out);
	verdict();
}
END_TEST

/* The directories named `cgroup_name` below /sys/fs/cgroup, into `found`. */
static const char *cgroup_name;
static char *found = "";

static int find_cgroup(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	if (flag == FTW_D && !strcmp(path + ftw->base, cgroup_name))
		found = h_printf("%s%s ", found, path);
	return 0;
}

START_TEST(test_oci_cycle_leaves_nothing)
{
	pid_t pid = created("oci-cycle", bundle("b", config("exit 0")));
	char *cg = h_slurp("/proc/%d/cgroup", (int)pid), *name = cg ? strstr(cg, "/byoc-") : NULL;
	EXPECT(name, "expected PID 1 in a cgroup byoc-*; /proc/%d/cgroup: \"%s\"", (int)pid, cg);
	cgroup_name = strndup(name + 1, strcspn(name + 1, "/\n"));
	nftw("/sys/fs/cgroup", find_cgroup, 32, FTW_PHYS);
	EXPECT(found[0], "test set-up: found no directory %s below /sys/fs/cgroup", cgroup_name);
	found = "";
	started("oci-cycle");
	int status = reap(pid, 10000);
	struct h_run del = OCI("delete", "oci-cycle");
	nftw("/sys/fs/cgroup", find_cgroup, 32, FTW_PHYS);
	struct h_run mi; /* /proc's files may read short: cat reads them whole */
	h_run_argv(&mi, (const char *[]){ "/bin/cat", "/proc/self/mountinfo", NULL });
	char *mine = strstr(mi.out, h_tmp);
	char *left = entries(root);
	WANT(status == 0 && del.status == 0,
	     "expected exit 0 (saw %d), then delete (saw %d, \"%s\")", status, del.status, del.err);
	WANT(!found[0], "expected no cgroup %s after delete; left: %s", cgroup_name, found);
	WANT(mi.status == 0 && !mine, "expected no mount under %s; saw \"%.200s\"", h_tmp, mine);
	WANT(!left[0], "expected the state root empty after delete (but its .lock); saw \"%s\"",
	     left);
	verdict();
}
END_TEST

/* Hooks: prestart and createRuntime run before the container's set-up, with
 * its state on stdin (status creating, PID 1's pid); poststart after start,
 * poststop after delete; a failing prestart stops create and leaves nothing. */
START_TEST(test_oci_hooks_run_in_order)
{
	char *log = h_printf("%s/hooks.log", home());
	json_t *hook = json_pack("[{s:s, s:[ssss]}]", "path", "/bin/sh", "args", "sh", "-c",
				 "echo \"$0 $(cat)\" >> \"$1\"", "hook");
	json_t *hooks = json_object();
	const char *kinds[] = { "prestart", "createRuntime", "poststart", "poststop" };
	for (size_t i = 0; i < 4; i++) {
		json_t *h = json_deep_copy(hook);
		json_array_set_new(json_object_get(json_array_get(h, 0), "args"), 3,
				   json_string(h_printf("%s", kinds[i])));
		json_array_append_new(json_object_get(json_array_get(h, 0), "args"),
				      json_string(log));
		json_object_set_new(hooks, kinds[i], h);
	}
	pid_t pid = created("oci-hooks", bundle("b", config_with("exit 0", NULL, "hooks", hooks)));
	char *at_create = h_slurp("%s", log);
	started("oci-hooks");
	reap(pid, 10000);
	struct h_run del = OCI("delete", "oci-hooks");
	char *all = h_slurp("%s", log) ?: "", *want = h_printf("\"pid\":%d", (int)pid);
	char *pre = strstr(all, "prestart {"), *rt = strstr(all, "createRuntime {"),
	     *post = strstr(all, "poststart {"), *stop = strstr(all, "poststop {");
	WANT(at_create && pre && rt && pre < rt && !strstr(at_create, "poststart") && post &&
		     stop && post < stop && del.status == 0,
	     "expected prestart then createRuntime at create, poststart at start, poststop at "
	     "delete (exit 0: %d); the hooks wrote \"%s\"",
	     del.status, all);
	WANT(pre && strstr(pre, "\"status\":\"creating\"") && strstr(pre, want) &&
		     strstr(pre, "\"id\":\"oci-hooks\""),
	     "expected prestart's stdin to be the state: id oci-hooks, status creating, %s; saw "
	     "\"%s\"",
	     want, all);
	json_t *bad = json_pack("{s:[{s:s, s:[sss]}]}", "prestart", "path", "/bin/sh", "args", "sh",
				"-c", "exit 9");
	struct h_run r;
	pid = create(&r, "oci-badhook", bundle("bad", config_with("exit 0", NULL, "hooks", bad)));
	WANT_REFUSED(r, "create with a prestart hook that exits 9", "hooks.prestart[0] /bin/sh");
	WANT(!entries(root)[0], "expected nothing under --root after the refused create; saw "
				"\"%s\"",
	     entries(root));
	verdict();
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "oci";
	h_add(s, test_oci_create_leaves_a_created_container, 1, HINT_OCI);
	h_add(s, test_oci_start_runs_the_command, 1, HINT_OCI);
	h_add(s, test_oci_exit_status_reaches_the_subreaper, 1, HINT_OCI);
	h_add(s, test_oci_kill_signals_pid_1, 1, HINT_OCI);
	h_add(s, test_oci_delete_force_removes_a_running_container, 1, HINT_GC);
	h_add(s, test_oci_delete_stopped_and_unknown, 1, HINT_OCI);
	h_add(s, test_oci_create_and_start_refuse_repeats, 1, HINT_OCI);
	h_add(s, test_oci_bad_bundles_are_refused, 1, HINT_BUNDLE);
	h_add(s, test_oci_log_records_errors, 1, HINT_LOG);
	h_add(s, test_oci_config_mounts_and_hostname, 1, HINT_CONFIG);
	h_add(s, test_oci_config_process_and_sysctl, 1, HINT_CONFIG);
	h_add(s, test_oci_resources_set_cgroup_limits, 1, HINT_CONFIG);
	h_add(s, test_oci_list_and_features, 1, HINT_OCI);
	h_add(s, test_oci_cycle_leaves_nothing, 1, HINT_GC);
	h_add(s, test_oci_hooks_run_in_order, 1, "steps/byoc/oci_hooks.c (the hooks) and steps/byoc/oci.c");
}
