/* byoc as an OCI runtime: the command line that podman's conmon and
 * containerd's shim drive (runc's): create, start, state, kill, delete,
 * features and list, with the global --root, --log, --log-format and
 * --systemd-cgroup. A bundle goes through the same lifecycle and stages as
 * byoc run (oci_stages.c); create leaves the container's PID 1 waiting at its
 * exec FIFO and exits, so that the caller, a subreaper, adopts it; start
 * opens the FIFO. Errors: one line on stderr, a JSON line in --log, status 1. */
#define _GNU_SOURCE
#include "verbs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "enter.h"
#include "gc.h"
#include "log.h"
#include "oci_stages.h"
#include "record.h"
#include "stages.h"
#include "tty.h"

#define OCI_VERSION "1.0.2"

/* The global options, before the verb. */
static struct {
	const char *root; /* NULL: byoc's default state root */
	const char *log;
	bool json;
} g;

/* One line on stderr, and in --log as JSON ({"level", "msg", "error",
 * "time"}, which containerd reads) or as text. */
static void say(const char *level, const char *verb, const char *fmt, va_list ap)
{
	char msg[1024], when[64];
	struct timespec ts;
	struct tm tm;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "byoc%s%s: %s%s\n", verb[0] ? " " : "", verb,
		strcmp(level, "error") ? "warning: " : "", msg);
	if (!g.log)
		return;
	_cleanup_fclose_ FILE *f = fopen(g.log, "ae");
	if (!f)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (g.json) {
		json_t *line = json_pack("{s:s, s:s, s:s, s:s}", "level", level, "msg", msg,
					 strcmp(level, "error") ? "warning" : "error", msg, "time",
					 when);
		_cleanup_free_ char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
		if (text)
			fprintf(f, "%s\n", text);
		json_decref(line);
	} else {
		fprintf(f, "time=\"%s\" level=%s msg=\"%s\"\n", when, level, msg);
	}
}

/* An error: say() it; returns 1, runc's status. */
static int __attribute__((format(printf, 2, 3))) fail(const char *verb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("error", verb, fmt, ap);
	va_end(ap);
	return 1;
}

static void __attribute__((format(printf, 2, 3))) warn(const char *verb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("warning", verb, fmt, ap);
	va_end(ap);
}

static const char *root(void)
{
	static struct byoc_state st;

	if (g.root)
		return g.root;
	byoc_state_defaults(&st);
	return st.root;
}

int byoc_oci_globals(int *argc, char ***argv)
{
	char **a = *argv;
	int i = 1;

	for (; i < *argc && strncmp(a[i], "--", 2) == 0 && a[i][2]; i++) {
		const char *o = a[i] + 2, *eq = strchr(o, '='), *val = NULL;
		size_t n = eq ? (size_t)(eq - o) : strlen(o);
		bool valued = (n == 4 && !strncmp(o, "root", 4)) || (n == 3 && !strncmp(o, "log", 3)) ||
			      (n == 10 && !strncmp(o, "log-format", 10));
		if (valued) {
			val = eq ? eq + 1 : i + 1 < *argc ? a[++i] : NULL;
			if (!val)
				return fail("", "--%.*s needs a value", (int)n, o);
		}
		if (n == 4 && !strncmp(o, "root", 4)) {
			g.root = val;
		} else if (n == 3 && !strncmp(o, "log", 3)) {
			g.log = val;
		} else if (n == 10 && !strncmp(o, "log-format", 10)) {
			if (strcmp(val, "json") && strcmp(val, "text"))
				return fail("", "--log-format %s: give json or text", val);
			g.json = strcmp(val, "json") == 0;
		} else if (!strcmp(o, "systemd-cgroup")) {
			return fail("", "--systemd-cgroup: byoc manages cgroups itself, not through "
					"systemd: run the engine with cgroupfs (podman "
					"--cgroup-manager cgroupfs)");
		} else if (!strcmp(o, "debug")) {
			byoc_log_enable(stderr);
			continue;
		} else {
			break; /* --help, --version: the verbs' */
		}
	}
	/* argv[0] stays; the verb comes next. */
	a[i - 1] = a[0];
	*argv = a + i - 1;
	*argc -= i - 1;
	return 0;
}

bool byoc_oci_globals_given(void)
{
	return g.root || g.log;
}

/* A verb's options, runc's long ones: `valued` and `flags` list them
 * ("bundle,b" is --bundle and -b). */
struct args {
	const char *verb, *usage;
	const char *value[8];
	bool flag[8];
	int first;
};

static int match(const char *arg, const char *list, size_t *which, const char **inline_val)
{
	size_t k = 0;

	for (const char *p = list; *p; k++) {
		size_t n = strcspn(p, "|");
		char name[32];
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		for (char *alt = strtok(name, ","); alt; alt = strtok(NULL, ",")) {
			size_t len = strlen(alt);
			const char *a = arg + (len == 1 ? 1 : 2);
			if ((len == 1 ? arg[1] != '-' : arg[1] == '-') && strncmp(a, alt, len) == 0 &&
			    (a[len] == '\0' || (a[len] == '=' && len > 1))) {
				*which = k;
				*inline_val = a[len] == '=' ? a + len + 1 : NULL;
				return 1;
			}
		}
		p += n + (p[n] == '|');
	}
	return 0;
}

/* Returns 0, or 1 after a usage message. */
static int parse(struct args *A, int argc, char **argv, const char *valued, const char *flags,
		 int operands)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		size_t k;
		const char *val;
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (valued && match(argv[i], valued, &k, &val)) {
			if (!val && i + 1 >= argc)
				return fail(A->verb, "%s needs a value: usage: byoc %s", argv[i],
					    A->usage);
			A->value[k] = val ? val : argv[++i];
		} else if (flags && match(argv[i], flags, &k, &val)) {
			A->flag[k] = true;
		} else {
			return fail(A->verb, "unknown option %s: usage: byoc %s", argv[i],
				    A->usage);
		}
	}
	A->first = i;
	if (operands >= 0 && argc - i != operands)
		return fail(A->verb, "%s: usage: byoc %s",
			    argc - i < operands ? "give the container's id" : "too many arguments",
			    A->usage);
	return 0;
}

/* An id as runc takes it: letters, digits, '_', '-', '.', and a letter or
 * digit first; it becomes the container's name. */
static bool valid_id(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n < 80 && strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					      "0123456789_-.") == n &&
	       id[0] != '.' && id[0] != '-' && id[0] != '_';
}

/* Container `id` (a name) after the clean-up of dead ones: its record.
 * Returns 0, or -1 when it does not exist. */
static int find(const char *id, struct byoc_record *r)
{
	char dir[13];

	byoc_gc(root(), NULL, NULL, &(struct byoc_error){ 0 });
	if (!valid_id(id) || byoc_record_find_name(root(), id, dir) < 0 ||
	    byoc_record_load(root(), dir, r) < 0)
		return -1;
	return 0;
}

/* find() and the container's lock, then its record again. Returns the
 * lock's fd, or -1 after saying why. */
static int lock(const char *verb, const char *id, struct byoc_record *r)
{
	struct byoc_error err = { 0 };
	int fd;

	if (find(id, r) < 0)
		return fail(verb, "container %s does not exist", id), -1;
	if (!r->oci)
		return fail(verb, "container %s was started by byoc run, not byoc create: use byoc "
				  "stop, kill and rm on it",
			    id),
		       -1;
	fd = byoc_state_lock(root(), r->id, &err);
	if (fd >= 0 && byoc_record_load(root(), r->id, r) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	return fail(verb, "container %s does not exist", id), -1;
}

enum oci_status { OCI_CREATING, OCI_CREATED, OCI_RUNNING, OCI_STOPPED };
static const char *const status_names[] = { "creating", "created", "running", "stopped" };

static enum oci_status status_of(const struct byoc_record *r)
{
	char fifo[4300];

	if (!r->started)
		return r->running ? OCI_CREATING : OCI_STOPPED;
	if (!byoc_record_pid_alive(r))
		return OCI_STOPPED;
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", r->dir);
	return access(fifo, F_OK) == 0 ? OCI_CREATED : OCI_RUNNING;
}

/* The state as the runtime spec gives it (runc's fields). */
static json_t *state_json(const struct byoc_record *r, const char *id)
{
	enum oci_status s = status_of(r);
	char created[64], path[4300];
	time_t sec = (time_t)(r->created_ns / 1000000000LL);
	struct tm tm;
	json_error_t jerr;
	json_t *annotations;

	gmtime_r(&sec, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(created + strlen(created), sizeof(created) - strlen(created), ".%09lldZ",
		 r->created_ns % 1000000000LL);
	snprintf(path, sizeof(path), "%s/annotations", r->dir);
	annotations = json_load_file(path, 0, &jerr);
	return json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:o}", "ociVersion", OCI_VERSION,
			 "id", id, "pid",
			 s == OCI_CREATED || s == OCI_RUNNING ? (int)r->pid : 0, "status",
			 status_names[s], "bundle", r->bundle, "created", created, "owner", "",
			 "annotations", annotations ? annotations : json_object());
}

/* --root's parents, as runc makes them (containerd gives
 * /run/containerd/runc/NAMESPACE); the root itself the state makes. */
static void make_parents(const char *dir)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = strchr(buf + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(buf, 0711);
		*p = '/';
	}
}

static int write_pid_file(const char *path, pid_t pid)
{
	char tmp[4200], text[16];
	int n = snprintf(text, sizeof(text), "%d", (int)pid); /* no newline, as runc's */
	_cleanup_close_ int fd = -1;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, (size_t)n) != n || rename(tmp, path) < 0)
		return -errno;
	return 0;
}

/* The terminal's master to the engine's console socket (a unix stream
 * socket's path), as SCM_RIGHTS: conmon and containerd-shim relay it. */
static int send_console(const char *path, int master, struct byoc_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int r;

	if (master < 0)
		return byoc_error_set(err, 1, "the container sent no terminal");
	if (strlen(path) >= sizeof(sa.sun_path))
		return byoc_error_set(err, 1, "--console-socket %s: the path is too long", path);
	memcpy(sa.sun_path, path, strlen(path));
	if (sock < 0 || connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return byoc_error_sys(err, errno, "--console-socket: connect(%s)", path);
	r = byoc_tty_send_fd(sock, master, err);
	close(master);
	return r;
}

/* The lab's stages in byoc run's order (main.c), less the overlay (the
 * bundle's root is the caller's, written in place) and step 10's user
 * namespace (refused: not yet), with oci-mounts after the network and
 * oci-process after the capabilities. */
static const struct byoc_stage *const oci_stages[] = {
	&byoc_stage_pidns,   &byoc_stage_oci_root,    &byoc_stage_mount,	&byoc_stage_cgroups,
	&byoc_stage_net,     &byoc_stage_oci_mounts,  &byoc_stage_devices,  &byoc_stage_oci_hooks,
	&byoc_stage_proc,    &byoc_stage_caps,	      &byoc_stage_oci_process,
	&byoc_stage_seccomp,
};

static int create_main(int argc, char **argv)
{
	struct args A = { .verb = "create", .usage = "create [--bundle DIR] [--pid-file FILE] [--console-socket "
				    "SOCK] [--no-pivot] [--no-new-keyring] ID" };
	int r = parse(&A, argc, argv, "bundle,b|pid-file|console-socket|preserve-fds",
		      "no-pivot|no-new-keyring", 1);
	const char *id = argv[A.first], *bundle = A.value[0] ? A.value[0] : ".";
	struct byoc_error err = { 0 };
	struct byoc_oci spec = { 0 };
	struct byoc_options opts;
	struct byoc_container c;
	struct byoc_record rec;
	int status;

	if (r)
		return r;
	if (!valid_id(id))
		return fail("create", "%s: not a valid container id: give letters, digits, '_', "
				      "'-' and '.', a letter or digit first",
			    id);
	if (A.value[3] && strcmp(A.value[3], "0") != 0)
		return fail("create", "--preserve-fds %s: byoc passes no extra fds: give 0",
			    A.value[3]);
	make_parents(root());
	if (find(id, &rec) == 0)
		return fail("create", "container %s already exists: delete it first, or choose "
				      "another id",
			    id);
	if (byoc_stdio_ensure(&err) < 0 || byoc_oci_load(bundle, &spec, &err) < 0 ||
	    byoc_oci_options(&spec, id, g.root, &opts, &err) < 0 ||
	    byoc_container_init(&c, &opts, &err) < 0) {
		byoc_oci_free(&spec);
		return fail("create", "%s", err.msg);
	}
	if (opts.tty != (A.value[2] != NULL)) {
		byoc_oci_free(&spec);
		return fail("create", "%s",
			    opts.tty ? "process.terminal is true: give --console-socket SOCK, "
				       "where the terminal's master goes"
				     : "--console-socket given, but process.terminal is false: "
				       "set it to true, or leave the socket out");
	}
	r = byoc_container_run(&c,
			       &(struct byoc_stage_list){ oci_stages,
							  sizeof(oci_stages) / sizeof(oci_stages[0]),
							  NULL, 0 },
			       &status, &err);
	byoc_oci_free(&spec);
	if (r < 0 && err.stage[0] && strcmp(err.stage, "exec") != 0)
		return fail("create", "stage %s: %s", err.stage, err.msg);
	if (r < 0)
		return fail("create", "%s", err.msg);
	if (!c.created)
		return fail("create", "the container exited before it was created");
	if (opts.tty && (r = send_console(A.value[2], c.tty_master, &err)) < 0) {
		byoc_gc_delete(root(), c.id, true, &err);
		return fail("create", "%s", err.msg);
	}
	if (A.value[1] && (r = write_pid_file(A.value[1], c.pid)) < 0) {
		byoc_gc_delete(root(), c.id, true, &err);
		return fail("create", "--pid-file %s: %s: give a path in a directory that exists",
			    A.value[1], strerror(-r));
	}
	return 0;
}

/* poststart (after start) and poststop (after delete), from the bundle's
 * config.json: a failure is a warning (the runtime spec). */
static void late_hooks(const char *verb, const struct byoc_record *rec, const char *id,
		       enum byoc_oci_hook_kind kind, const char *status, pid_t pid)
{
	struct byoc_oci spec = { 0 };
	struct byoc_error err = { 0 };
	_cleanup_free_ char *state = NULL;

	if (!rec->hooks)
		return;
	if (byoc_oci_load(rec->bundle, &spec, &err) < 0) {
		warn(verb, "hooks.%s not run: %s", byoc_oci_hook_names[kind], err.msg);
		return;
	}
	state = byoc_oci_state_text(&spec, id, status, pid);
	if (state && byoc_oci_hooks_run(&spec, kind, state, &err) < 0)
		warn(verb, "%s", err.msg);
	byoc_oci_free(&spec);
}

/* Open the exec FIFO: the container's PID 1, blocked opening the other end,
 * goes on to execve() its command. */
static int start_main(int argc, char **argv)
{
	struct args A = { .verb = "start", .usage = "start ID" };
	struct byoc_record rec;
	char fifo[4300], byte;
	int r = parse(&A, argc, argv, NULL, NULL, 1);
	const char *id = argv[A.first];
	_cleanup_close_ int lockfd = -1, fd = -1;

	if (r)
		return r;
	if ((lockfd = lock("start", id, &rec)) < 0)
		return 1;
	switch (status_of(&rec)) {
	case OCI_RUNNING:
		return fail("start", "container %s is running already: it was started", id);
	case OCI_STOPPED:
		return fail("start", "container %s is stopped: create it again", id);
	default:
		break;
	}
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", rec.dir);
	fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail("start", "open(%s): %s", fifo, strerror(errno));
	for (int waited = 0;; waited += 100) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 100) > 0 && read(fd, &byte, 1) == 1)
			break;
		if (!byoc_record_pid_alive(&rec) || waited > 10000)
			return fail("start", "container %s did not start: its PID 1 %s", id,
				    byoc_record_pid_alive(&rec) ? "did not answer in 10 s" :
								  "is gone");
	}
	unlink(fifo);
	late_hooks("start", &rec, id, BYOC_OCI_HOOK_POSTSTART, "running", rec.pid);
	return 0;
}

static int state_main(int argc, char **argv)
{
	struct args A = { .verb = "state", .usage = "state ID" };
	struct byoc_record rec;
	int r = parse(&A, argc, argv, NULL, NULL, 1);
	json_t *st;
	char *text;

	if (r)
		return r;
	if (find(argv[A.first], &rec) < 0 || !rec.oci)
		return fail("state", "container %s does not exist%s", argv[A.first],
			    find(argv[A.first], &rec) == 0 ? " as an OCI container (byoc run "
							     "started it: see byoc ps)"
							   : "");
	st = state_json(&rec, argv[A.first]);
	text = st ? json_dumps(st, JSON_INDENT(2)) : NULL;
	json_decref(st);
	if (!text)
		return fail("state", "cannot write the state: out of memory");
	printf("%s\n", text);
	free(text);
	return 0;
}

/* Every process of the container: its cgroups' cgroup.procs. */
static int kill_all(const struct byoc_record *rec, int sig)
{
	char path[4300], line[4200];
	_cleanup_fclose_ FILE *journal = NULL;
	int sent = 0;

	snprintf(path, sizeof(path), "%s/journal", rec->dir);
	journal = fopen(path, "re");
	while (journal && fgets(line, sizeof(line), journal)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "/sys/fs/cgroup/", 15) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.procs", line);
		_cleanup_fclose_ FILE *procs = fopen(path, "re");
		int pid;
		while (procs && fscanf(procs, "%d", &pid) == 1)
			sent += kill(pid, sig) == 0;
	}
	return sent;
}

int byoc_oci_kill_main(int argc, char **argv)
{
	struct args A = { .verb = "kill", .usage = "kill [--all] ID [SIGNAL]" };
	struct byoc_record rec;
	int r = parse(&A, argc, argv, NULL, "all,a", -1), sig = SIGTERM;
	_cleanup_close_ int lockfd = -1;

	if (r)
		return r;
	if (argc - A.first < 1 || argc - A.first > 2)
		return fail("kill", "usage: byoc %s", A.usage);
	if (argc - A.first == 2 && (sig = byoc_signal_number(argv[A.first + 1])) < 0)
		return fail("kill", "%s is not a signal: give a name (TERM, SIGKILL) or a number",
			    argv[A.first + 1]);
	if ((lockfd = lock("kill", argv[A.first], &rec)) < 0)
		return 1;
	if (status_of(&rec) != OCI_CREATED && status_of(&rec) != OCI_RUNNING)
		return fail("kill", "container %s: container not running", argv[A.first]);
	if (A.flag[0])
		kill_all(&rec, sig);
	if (kill(rec.pid, sig) < 0 && !A.flag[0])
		return fail("kill", "container %s: kill(%d): %s", argv[A.first], (int)rec.pid,
			    strerror(errno));
	return 0;
}

/* A new process in a running container, as --process describes it
 * (podman's conmon and containerd's shim write that file). With --detach,
 * byoc returns once it runs, and the caller's subreaper adopts it. */
int byoc_oci_exec_main(int argc, char **argv)
{
	struct args A = { .verb = "exec", .usage = "exec --process FILE [--detach] [--pid-file FILE] ID" };
	int r = parse(&A, argc, argv, "process,p|pid-file|console-socket|preserve-fds",
		      "detach,d|tty,t", 1);
	const char *id = argv[A.first];
	struct byoc_oci_process p = { 0 };
	struct byoc_record rec;
	struct byoc_error err = { 0 };
	_cleanup_close_ int lockfd = -1;
	json_t *owner = NULL;
	gid_t groups[64];
	pid_t pid = 0;
	int status = 0, master = -1;
	size_t n_env = 0;

	if (r)
		return r;
	if (!A.value[0])
		return fail("exec", "give --process FILE: byoc's OCI exec takes the process as "
				    "JSON (or use 'byoc exec NAME CMD')");
	if ((A.flag[1] || A.value[2]) && !(A.flag[1] && A.value[2] && A.flag[0]))
		return fail("exec", "--tty takes --console-socket SOCK and --detach: the engine "
				    "relays the terminal");
	if (A.value[3] && strcmp(A.value[3], "0") != 0)
		return fail("exec", "--preserve-fds %s: byoc passes no extra fds: give 0",
			    A.value[3]);
	if (byoc_oci_process_load(A.value[0], &p, &owner, &err) < 0)
		return fail("exec", "%s", err.msg);
	if (p.terminal != A.flag[1] || p.n_additional_gids > sizeof(groups) / sizeof(groups[0])) {
		r = fail("exec", "%s: %s", A.value[0],
			 p.terminal != A.flag[1] ? "terminal and --tty must agree"
						 : "user.additionalGids: more than 64");
		goto out;
	}
	for (size_t i = 0; i < p.n_additional_gids; i++)
		groups[i] = p.additional_gids[i];
	while (p.env[n_env])
		n_env++;
	if ((lockfd = lock("exec", id, &rec)) < 0) {
		r = 1;
		goto out;
	}
	if (status_of(&rec) != OCI_RUNNING && status_of(&rec) != OCI_CREATED) {
		r = fail("exec", "container %s: container not running", id);
		goto out;
	}
	struct byoc_enter e = {
		.pid = rec.pid,
		.start_time = rec.start_time,
		.state_dir = rec.dir,
		.id = rec.id,
		.argv = (char **)p.args,
		.env = p.env,
		.n_env = n_env,
		.env_exact = true,
		.workdir = p.cwd,
		.interactive = true, /* the caller's stdio is the process's */
		.unlock_fd = byoc_steal_fd(&lockfd),
		.uid = p.uid,
		.gid = p.gid,
		.groups = groups,
		.n_groups = p.n_additional_gids,
		.has_caps = p.has_caps,
		.caps = p.bounding,
		.no_new_privs = p.no_new_privileges,
		.detach = A.flag[0],
		.command_pid = &pid,
		.tty = A.flag[1],
		.tty_master = &master,
	};
	if (byoc_enter(&e, &status, &err) < 0) {
		r = fail("exec", "%s", err.msg);
		goto out;
	}
	if (master >= 0 && send_console(A.value[2], master, &err) < 0) {
		r = fail("exec", "%s", err.msg);
		goto out;
	}
	if (A.value[1] && pid > 0 && (r = write_pid_file(A.value[1], pid)) < 0) {
		r = fail("exec", "--pid-file %s: %s", A.value[1], strerror(-r));
		goto out;
	}
	r = A.flag[0] ? 0 : status;
out:
	byoc_oci_process_free(&p);
	json_decref(owner);
	return r;
}

static int delete_main(int argc, char **argv)
{
	struct args A = { .verb = "delete", .usage = "delete [--force] ID" };
	struct byoc_record rec;
	struct byoc_error err = { 0 };
	int r = parse(&A, argc, argv, NULL, "force,f", 1);
	const char *id = argv[A.first];
	_cleanup_close_ int lockfd = -1;

	if (r)
		return r;
	if (find(id, &rec) < 0)
		return A.flag[0] ? 0 : fail("delete", "container %s does not exist", id);
	if ((lockfd = lock("delete", id, &rec)) < 0)
		return A.flag[0] && rec.oci ? 0 : 1;
	if (!A.flag[0] && status_of(&rec) == OCI_RUNNING)
		return fail("delete", "container %s is running: stop it first, or delete it with "
				      "--force",
			    id);
	if (byoc_gc_delete(root(), rec.id, true, &err) < 0)
		return fail("delete", "%s", err.msg);
	late_hooks("delete", &rec, id, BYOC_OCI_HOOK_POSTSTOP, "stopped", 0);
	return 0;
}

static int list_main(int argc, char **argv)
{
	struct args A = { .verb = "list", .usage = "list [--format table|json] [--quiet]" };
	char ids[1024][13];
	int r = parse(&A, argc, argv, "format,f", "quiet,q", 0), n;
	bool json = A.value[0] && strcmp(A.value[0], "json") == 0;
	json_t *all = json_array();

	if (r)
		return r;
	if (A.value[0] && !json && strcmp(A.value[0], "table") != 0)
		return fail("list", "--format %s: give table or json", A.value[0]);
	byoc_gc(root(), NULL, NULL, &(struct byoc_error){ 0 });
	n = byoc_record_list(root(), ids, 1024);
	if (!json && !A.flag[0])
		printf("%-24s %-8s %-8s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	for (int i = 0; i < n; i++) {
		struct byoc_record rec;
		if (byoc_record_load(root(), ids[i], &rec) < 0 || !rec.oci)
			continue;
		json_t *st = state_json(&rec, rec.name);
		if (json)
			json_array_append(all, st);
		else if (A.flag[0])
			printf("%s\n", rec.name);
		else
			printf("%-24s %-8lld %-8s %-40s %s\n", rec.name,
			       json_integer_value(json_object_get(st, "pid")),
			       json_string_value(json_object_get(st, "status")), rec.bundle,
			       json_string_value(json_object_get(st, "created")));
		json_decref(st);
	}
	if (json) {
		_cleanup_free_ char *text = json_dumps(all, 0);
		printf("%s\n", text ? text : "[]");
	}
	json_decref(all);
	return 0;
}

/* What this runtime implements, as the runtime spec's features.md lists it. */
static int features_main(int argc, char **argv)
{
	struct args A = { .verb = "features", .usage = "features" };
	int r = parse(&A, argc, argv, NULL, NULL, 0);
	json_t *f;
	char *text;

	if (r)
		return r;
	f = json_pack(
		"{s:s, s:s, s:[ssss], s:[sssssssssssssssssssss], s:{s:[sssss], s:[], "
		"s:{s:b, s:b, s:b}, s:{s:b}, s:{s:b}, s:{s:b}}}",
		"ociVersionMin", "1.0.0", "ociVersionMax", "1.1.0", "hooks", "prestart",
		"createRuntime", "poststart", "poststop", "mountOptions", "ro",
		"rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "bind", "rbind",
		"private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable",
		"runbindable", "relatime", "strictatime", "noatime", "linux", "namespaces", "pid",
		"network", "mount", "ipc", "uts", "capabilities", "cgroup", "v1", 1, "v2", 1,
		"systemd", 0, "seccomp", "enabled", 1, "apparmor", "enabled", 1, "selinux",
		"enabled", 0);
	json_t *linux_ = json_object_get(f, "linux");
	json_array_append_new(json_object_get(linux_, "namespaces"), json_string("cgroup"));
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
		char *name = cap_to_name(cap);
		for (char *p = name; p && *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (name)
			json_array_append_new(json_object_get(linux_, "capabilities"),
					      json_string(name));
		cap_free(name);
	}
	text = f ? json_dumps(f, JSON_INDENT(2)) : NULL;
	json_decref(f);
	if (!text)
		return fail("features", "out of memory");
	printf("%s\n", text);
	free(text);
	return 0;
}

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} oci_verbs[] = {
	{ "create", create_main }, { "start", start_main }, { "state", state_main },
	{ "delete", delete_main }, { "list", list_main },   { "features", features_main },
};

int byoc_oci_main(const char *verb, int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(oci_verbs) / sizeof(oci_verbs[0]); i++)
		if (strcmp(verb, oci_verbs[i].name) == 0)
			return oci_verbs[i].main(argc, argv);
	return -1;
}

int byoc_oci_fail_unknown(const char *verb)
{
	return fail("", "unknown command '%s': give run, ps, logs, exec, stop, kill, rm, "
			"inspect, gc or version, or an OCI runtime command (create, start, "
			"state, delete, features, list); see byoc --help",
		    verb);
}
