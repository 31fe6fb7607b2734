/* byoc ps, logs, exec, stop, kill, rm, inspect and gc, as docker's own. Every
 * verb first cleans up after dead containers (lib/gc.h), so that ps -a shows
 * a container whose monitor was killed as exited; and each one that acts on
 * a container holds its directory's lock meanwhile (lib/state.h), so that two
 * of them never interleave. */
#define _GNU_SOURCE
#include "verbs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "enter.h"
#include "error.h"
#include "gc.h"
#include "options.h"
#include "record.h"
#include "state.h"

#define MAX_CONTAINERS 1024

/* A verb's options: `flags` lists its one-letter flags without a value,
 * `valued` those with one; --state-dir DIR is every verb's. */
struct verb {
	const char *name;
	const char *usage;
	const char *root;
	bool flag[128];
	const char *value[128];
	int first; /* argv index of the first operand */
};

static int usage_error(const struct verb *v, const char *what)
{
	fprintf(stderr, "byoc %s: %s: usage: byoc %s\n", v->name, what, v->usage);
	return BYOC_EXIT_RUNTIME;
}

/* Returns 0, or the exit status of a bad command line. */
static int parse(struct verb *v, int argc, char **argv, const char *flags, const char *valued,
		 int min_operands)
{
	static struct byoc_state st;
	int i;

	byoc_state_defaults(&st);
	v->root = st.root;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--state-dir") == 0 && i + 1 < argc) {
			v->root = argv[++i];
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			printf("Usage: byoc %s\n", v->usage);
			return -1;
		}
		for (const char *f = a + 1; *f; f++) {
			unsigned char c = (unsigned char)*f;
			if (c < 128 && strchr(flags, c)) {
				v->flag[c] = true;
			} else if (c < 128 && strchr(valued, c) && !f[1] && i + 1 < argc) {
				v->value[c] = argv[++i];
			} else {
				char what[64];
				snprintf(what, sizeof(what), "unknown option '%s'", a);
				return usage_error(v, what);
			}
		}
	}
	v->first = i;
	if (argc - i < min_operands)
		return usage_error(v, min_operands == 1 ? "name a container" : "too few arguments");
	return 0;
}

/* Find `ref` (a name, an id, or a unique id prefix) after the clean-up of
 * dead containers, and read its record. */
static int resolve(const struct verb *v, const char *ref, struct byoc_record *r)
{
	struct byoc_error err = { 0 };
	char id[13];

	byoc_gc(v->root, NULL, NULL, &(struct byoc_error){ 0 });
	if (byoc_record_find(v->root, ref, id, &err) < 0 || byoc_record_load(v->root, id, r) < 0) {
		fprintf(stderr, "byoc %s: %s\n", v->name,
			err.msg[0] ? err.msg : "the container is gone");
		return -1;
	}
	return 0;
}

/* resolve(), then take the container's lock (waiting while it starts or
 * another byoc command acts on it) and read its record again under it.
 * Returns the lock's fd, or -1 after saying why. */
static int lock_container(const struct verb *v, const char *ref, struct byoc_record *r)
{
	struct byoc_error err = { 0 };
	int lock;

	if (resolve(v, ref, r) < 0)
		return -1;
	lock = byoc_state_lock(v->root, r->id, &err);
	if (lock >= 0 && byoc_record_load(v->root, r->id, r) == 0)
		return lock;
	if (lock >= 0)
		close(lock);
	fprintf(stderr, "byoc %s: %s\n", v->name, err.msg[0] ? err.msg : "the container is gone");
	return -1;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* "5 seconds", "3 minutes", as docker ps says how long ago. */
static const char *ago(long long then_ns, char *buf, size_t len)
{
	long long s = (now_ns() - then_ns) / 1000000000LL;
	static const struct {
		long long per;
		const char *unit;
	} units[] = { { 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" } };

	if (s < 0)
		s = 0;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (s >= units[i].per || units[i].per == 1) {
			long long n = s / units[i].per;
			snprintf(buf, len, "%lld %s%s", n, units[i].unit, n == 1 ? "" : "s");
			break;
		}
	return buf;
}

static const char *status_of(const struct byoc_record *r, char *buf, size_t len)
{
	char when[32];

	if (r->running && !r->started)
		snprintf(buf, len, "Starting");
	else if (r->running)
		snprintf(buf, len, "Up %s", ago(r->created_ns, when, sizeof(when)));
	else if (r->exited)
		snprintf(buf, len, "Exited (%d) %s ago%s%s", r->exit_status,
			 ago(r->finished_ns, when, sizeof(when)), r->reason[0] ? ", " : "",
			 r->reason);
	else
		snprintf(buf, len, "Dead");
	return buf;
}

static void limits_of(const struct byoc_record *r, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (r->memory)
		n += (size_t)snprintf(buf + n, len - n, "mem %.0fM ",
				      (double)r->memory / (1 << 20));
	if (r->pids && n < len)
		n += (size_t)snprintf(buf + n, len - n, "pids %llu ", (unsigned long long)r->pids);
	if (r->cpus && n < len)
		n += (size_t)snprintf(buf + n, len - n, "cpus %.2f ", (double)r->cpus / 1e6);
	if (n == 0)
		snprintf(buf, len, "-");
	else
		buf[n - 1] = '\0';
}

int byoc_ps_main(int argc, char **argv)
{
	struct verb v = { .name = "ps", .usage = "ps [-a] [--state-dir DIR]" };
	static char ids[MAX_CONTAINERS][13];
	int n, r = parse(&v, argc, argv, "aq", "", 0);

	if (r)
		return r < 0 ? 0 : r;
	if (v.first < argc)
		return usage_error(&v, "takes no operand");
	byoc_gc(v.root, NULL, NULL, &(struct byoc_error){ 0 });
	n = byoc_record_list(v.root, ids, MAX_CONTAINERS);
	if (n < 0) {
		fprintf(stderr, "byoc ps: cannot list %s: %s\n", v.root, strerror(-n));
		return BYOC_EXIT_RUNTIME;
	}
	if (!v.flag['q'])
		printf("%-12s  %-16s  %-22s  %-14s  %-32s  %-7s  %s\n", "CONTAINER ID", "NAME",
		       "COMMAND", "CREATED", "STATUS", "PID", "LIMITS");
	for (int i = 0; i < n; i++) {
		struct byoc_record rec;
		char status[192], created[40], limits[64], pid[16], command[32];
		if (byoc_record_load(v.root, ids[i], &rec) < 0 || (!rec.running && !v.flag['a']))
			continue;
		if (v.flag['q']) {
			printf("%s\n", rec.id);
			continue;
		}
		snprintf(command, sizeof(command), "\"%.19s%s\"", rec.command,
			 strlen(rec.command) > 19 ? "…" : "");
		snprintf(created, sizeof(created), "%s ago",
			 ago(rec.created_ns, status, sizeof(status)));
		snprintf(pid, sizeof(pid), rec.running && rec.started ? "%d" : "-", (int)rec.pid);
		limits_of(&rec, limits, sizeof(limits));
		printf("%-12s  %-16s  %-22s  %-14s  %-32s  %-7s  %s\n", rec.id,
		       rec.name[0] ? rec.name : "-", command, created,
		       status_of(&rec, status, sizeof(status)), pid, limits);
	}
	return 0;
}

/* Copy what `fd` holds from `*offset` on to stdout. */
static void copy_out(int fd, off_t *offset)
{
	char buf[65536];
	ssize_t got;

	while ((got = pread(fd, buf, sizeof(buf), *offset)) > 0) {
		if (fwrite(buf, 1, (size_t)got, stdout) != (size_t)got)
			return;
		*offset += got;
	}
	fflush(stdout);
}

static bool still_running(const struct verb *v, const char *id)
{
	struct byoc_record r;

	return byoc_record_load(v->root, id, &r) == 0 && r.running;
}

int byoc_logs_main(int argc, char **argv)
{
	struct verb v = { .name = "logs", .usage = "logs [-f] NAME" };
	struct byoc_record rec;
	char path[4300];
	int r = parse(&v, argc, argv, "f", "", 1);
	off_t offset = 0;

	if (r)
		return r < 0 ? 0 : r;
	if (argc - v.first > 1)
		return usage_error(&v, "name one container");
	if (resolve(&v, argv[v.first], &rec) < 0)
		return BYOC_EXIT_RUNTIME;
	if (!rec.detached) {
		fprintf(stderr,
			"byoc logs: %s runs in the foreground: its output goes to the terminal of "
			"its 'byoc run'; only a detached container (byoc run -d) has a log\n",
			argv[v.first]);
		return BYOC_EXIT_RUNTIME;
	}
	snprintf(path, sizeof(path), "%s/log.1", rec.dir);
	int old = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (old >= 0) {
		copy_out(old, &offset);
		close(old);
	}
	snprintf(path, sizeof(path), "%s/log", rec.dir);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	offset = 0;
	if (fd < 0 && errno != ENOENT) {
		fprintf(stderr, "byoc logs: open(%s): %s\n", path, strerror(errno));
		return BYOC_EXIT_RUNTIME;
	}
	if (fd >= 0)
		copy_out(fd, &offset);
	/* -f: follow the log while the container runs; a log that turned
	 * into log.1 meanwhile is read to its end, then the new one. */
	while (v.flag['f'] && fd >= 0) {
		bool running = still_running(&v, rec.id);
		struct stat now, cur;
		copy_out(fd, &offset);
		if (stat(path, &now) == 0 && fstat(fd, &cur) == 0 && now.st_ino != cur.st_ino) {
			close(fd);
			fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			offset = 0;
			continue;
		}
		if (!running)
			break;
		poll(NULL, 0, 100);
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

int byoc_exec_main(int argc, char **argv)
{
	struct verb v = {
		.name = "exec",
		.usage = "exec [-i] [-t] [-e KEY=VALUE]... [-w DIR] NAME COMMAND [ARG...]"
	};
	const char *env[BYOC_ENV_MAX];
	size_t n_env = 0;
	struct byoc_record rec;
	struct byoc_error err = { 0 };
	int status = 0, r, i;
	_cleanup_close_ int lock = -1;

	/* -e may repeat: gather them first, and leave the rest to parse(). */
	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i++)
		if (strcmp(argv[i], "-e") == 0 || strcmp(argv[i], "--env") == 0) {
			if (!strchr(argv[i + 1], '=') || n_env == BYOC_ENV_MAX)
				return usage_error(&v, "-e takes KEY=VALUE");
			env[n_env++] = argv[i + 1];
			argv[i] = "-E", argv[i + 1] = "-E";
			i++;
		}
	r = parse(&v, argc, argv, "itdE", "w", 2);
	if (r)
		return r < 0 ? 0 : r;
	if (v.value['w'] && v.value['w'][0] != '/')
		return usage_error(&v, "-w takes an absolute directory");
	/* stop and rm wait while this enters; the command then runs on its
	 * own, and ends with the container. */
	lock = lock_container(&v, argv[v.first], &rec);
	if (lock < 0)
		return BYOC_EXIT_RUNTIME;
	if (!rec.running || !byoc_record_pid_alive(&rec)) {
		fprintf(stderr,
			"byoc exec: container %s is not running: exec enters a running one; "
			"start a new one with 'byoc run'\n",
			argv[v.first]);
		return BYOC_EXIT_RUNTIME;
	}
	struct byoc_enter e = {
		.pid = rec.pid,
		.start_time = rec.start_time,
		.state_dir = rec.dir,
		.id = rec.id,
		.argv = argv + v.first + 1,
		.env = env,
		.n_env = n_env,
		.workdir = v.value['w']	    ? v.value['w']
			   : rec.workdir[0] ? rec.workdir
					    : NULL,
		.tty = v.flag['t'],
		.interactive = v.flag['i'],
		/* The lock goes once the command is on its way: a long exec
		 * must not hold stop back. */
		.unlock_fd = byoc_steal_fd(&lock),
	};
	r = byoc_enter(&e, &status, &err);
	if (r < 0) {
		fprintf(stderr, "byoc exec: %s\n", err.msg);
		return err.status ? err.status : BYOC_EXIT_RUNTIME;
	}
	return status;
}

/* Wait up to `ms` for the container's runtime or monitor to finish. */
static bool wait_stopped(const struct verb *v, const char *id, int ms)
{
	for (int waited = 0; waited <= ms; waited += 10) {
		if (!still_running(v, id))
			return true;
		poll(NULL, 0, 10);
	}
	return false;
}

int byoc_signal_number(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end)
		return n > 0 && n < NSIG ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *name = sigabbrev_np(sig);
		if (name && strcasecmp(name, s) == 0)
			return sig;
	}
	return -1;
}

/* Signal the container's PID 1, checked to be it; `lock` is held. */
static int signal_container(const struct byoc_record *rec, int sig)
{
	if (!byoc_record_pid_alive(rec))
		return -ESRCH;
	return kill(rec->pid, sig) < 0 ? -errno : 0;
}

/* One container of stop or rm -f: SIGTERM (stop) or SIGKILL, then wait for
 * its monitor to have cleaned up. Returns 0, or an exit status. */
static int stop_one(const struct verb *v, const char *ref, int first_signal, int timeout_ms)
{
	struct byoc_record rec;
	_cleanup_close_ int lock = lock_container(v, ref, &rec);

	if (lock < 0)
		return BYOC_EXIT_RUNTIME;
	if (!rec.running)
		return 0;
	signal_container(&rec, first_signal);
	if (first_signal != SIGKILL && wait_stopped(v, rec.id, timeout_ms))
		return 0;
	signal_container(&rec, SIGKILL);
	if (wait_stopped(v, rec.id, 30000))
		return 0;
	fprintf(stderr,
		"byoc %s: %s still runs 30 s after SIGKILL: its monitor (PID %d) is stuck; "
		"see 'byoc inspect %s'\n",
		v->name, ref, (int)rec.monitor, ref);
	return BYOC_EXIT_RUNTIME;
}

int byoc_stop_main(int argc, char **argv)
{
	struct verb v = { .name = "stop", .usage = "stop [-t SECONDS] NAME..." };
	int r = parse(&v, argc, argv, "", "t", 1), status = 0;
	long timeout = 10;

	if (r)
		return r < 0 ? 0 : r;
	if (v.value['t']) {
		char *end;
		timeout = strtol(v.value['t'], &end, 10);
		if (!*v.value['t'] || *end || timeout < 0 || timeout > 3600)
			return usage_error(&v, "-t takes whole seconds, 0 to 3600");
	}
	for (int i = v.first; i < argc; i++) {
		r = stop_one(&v, argv[i], SIGTERM, (int)timeout * 1000);
		if (r == 0)
			printf("%s\n", argv[i]);
		status = r ? r : status;
	}
	return status;
}

int byoc_kill_main(int argc, char **argv)
{
	struct verb v = { .name = "kill", .usage = "kill [-s SIGNAL] NAME..." };
	int r = parse(&v, argc, argv, "", "s", 1), sig = SIGKILL, status = 0;

	if (r)
		return r < 0 ? 0 : r;
	if (v.value['s'] && (sig = byoc_signal_number(v.value['s'])) < 0) {
		fprintf(stderr,
			"byoc kill: -s %s is not a signal: give a name (TERM, SIGHUP) or a number "
			"(see kill -l)\n",
			v.value['s']);
		return BYOC_EXIT_RUNTIME;
	}
	for (int i = v.first; i < argc; i++) {
		struct byoc_record rec;
		_cleanup_close_ int lock = lock_container(&v, argv[i], &rec);
		if (lock < 0) {
			status = BYOC_EXIT_RUNTIME;
			continue;
		}
		if (!rec.running || signal_container(&rec, sig) < 0) {
			fprintf(stderr,
				"byoc kill: container %s is not running: nothing to signal (see "
				"'byoc ps -a')\n",
				argv[i]);
			status = BYOC_EXIT_RUNTIME;
			continue;
		}
		printf("%s\n", argv[i]);
	}
	return status;
}

int byoc_rm_main(int argc, char **argv)
{
	struct verb v = { .name = "rm", .usage = "rm [-f] NAME..." };
	int r = parse(&v, argc, argv, "f", "", 1), status = 0;

	if (r)
		return r < 0 ? 0 : r;
	for (int i = v.first; i < argc; i++) {
		struct byoc_record rec;
		struct byoc_error err = { 0 };
		_cleanup_close_ int lock = -1;
		if (resolve(&v, argv[i], &rec) < 0) {
			status = BYOC_EXIT_RUNTIME;
			continue;
		}
		if (rec.running && !v.flag['f']) {
			fprintf(stderr,
				"byoc rm: container %s is running: stop it first ('byoc stop %s'), "
				"or remove it running with 'byoc rm -f %s'\n",
				argv[i], argv[i], argv[i]);
			status = BYOC_EXIT_RUNTIME;
			continue;
		}
		if (rec.running && (r = stop_one(&v, argv[i], SIGKILL, 0)) != 0) {
			status = r;
			continue;
		}
		/* Its monitor kept the record; a foreground runtime removed
		 * its own. Under the lock: never half removed. */
		lock = byoc_state_lock(v.root, rec.id, &err);
		if (lock >= 0 && byoc_remove_tree(AT_FDCWD, rec.dir) < 0) {
			fprintf(stderr, "byoc rm: cannot remove %s: %s\n", rec.dir,
				strerror(errno));
			status = BYOC_EXIT_RUNTIME;
			continue;
		}
		printf("%s\n", argv[i]);
	}
	return status;
}

static void print_removed(const char *kind, const char *path, void *arg)
{
	(*(int *)arg)++;
	printf("removed %s %s\n", kind, path);
}

int byoc_gc_main(int argc, char **argv)
{
	struct verb v = { .name = "gc", .usage = "gc" };
	struct byoc_error err = { 0 };
	int n = 0, r = parse(&v, argc, argv, "", "", 0);

	if (r)
		return r < 0 ? 0 : r;
	if (v.first < argc) {
		fprintf(stderr, "byoc gc: takes no arguments: run 'byoc gc'\n");
		return BYOC_EXIT_RUNTIME;
	}
	if (byoc_gc(v.root, print_removed, &n, &err) < 0) {
		fprintf(stderr, "byoc gc: %s\n", err.msg);
		return 1;
	}
	if (n == 0)
		printf("byoc gc: nothing to remove: no container of the lab has lost its "
		       "runtime\n");
	return 0;
}
