/* make bench's timing driver: runs each variant alternately with its floor
 * (A B A B ...) so that the machine's drift falls on both alike, then after
 * an idle pause (cold), then 1000 back to back, then many containers at
 * once, then checks that nothing was left on the machine.
 * Usage: bench SPEC OUTDIR LEAK_SNAPSHOT
 * SPEC has one tab-separated line per item (tools/bench/bench.sh writes it):
 *   variant NAME PAIR FLAGS WHAT ARG0 ARG...   FLAGS: cold,throughput or -
 *   skip NAME WHY
 *   note TEXT
 *   concurrent ARG0 ARG...                     prints its address, reads a line
 * An argument "{id}" becomes a name of its own on every run (byoc-bench-PID-N):
 * crun and runc want a container id that is not in use.
 * Settings from the environment: BENCH_RUNS (100), BENCH_WARMUP (3),
 * BENCH_COLD_RUNS (100), BENCH_COLD_IDLE_MS (1000), BENCH_THROUGHPUT (1000),
 * BENCH_CONCURRENT (50). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "cleanup.h"

extern char **environ;

static int devnull = -1;
/* Set by SIGINT or SIGTERM: finish the run under way, then report and clean up. */
static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) < 0 && errno == EINTR && !stop)
		;
}

static long env_long(const char *name, long fallback)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return fallback;
	v = strtol(s, &end, 10);
	if (*end || v < 0) {
		fprintf(stderr, "bench: %s=%s: not a whole number: give a count such as 100\n",
			name, s);
		exit(2);
	}
	return v;
}

/* argv[0] as execve(2) needs it: a path, looked up on PATH once here rather
 * than on every run. */
static char *resolve(const char *cmd)
{
	_cleanup_free_ char *path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	char *save = NULL, *full;

	if (strchr(cmd, '/'))
		return access(cmd, X_OK) == 0 ? strdup(cmd) : NULL;
	for (char *dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if (asprintf(&full, "%s/%s", dir, cmd) < 0)
			return NULL;
		if (access(full, X_OK) == 0)
			return full;
		free(full);
	}
	return NULL;
}

/* Splits a tab-separated line in place; returns the number of fields. */
static size_t split_tabs(char *line, char **field, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	line[strcspn(line, "\n")] = '\0';
	for (char *f = strtok_r(line, "\t", &save); f && n < max; f = strtok_r(NULL, "\t", &save))
		field[n++] = f;
	return n;
}

static int set_argv(char **argv, char **path, char **field, size_t n)
{
	if (n == 0 || n > BENCH_MAX_ARGS)
		return -1;
	for (size_t i = 0; i < n; i++)
		argv[i] = strdup(field[i]);
	argv[n] = NULL;
	*path = resolve(argv[0]);
	return *path ? 0 : -1;
}

static int read_spec(struct bench *b, const char *file)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0, lineno = 0;

	if (!f) {
		fprintf(stderr, "bench: open %s: %s: run it through tools/bench/bench.sh\n", file,
			strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		char *field[BENCH_MAX_ARGS + 8];
		size_t n = split_tabs(line, field, sizeof(field) / sizeof(field[0]));
		lineno++;
		if (n == 0 || field[0][0] == '#')
			continue;
		if (!strcmp(field[0], "variant") && n >= 6 && b->n < BENCH_MAX_VARIANTS) {
			struct bench_variant *v = &b->v[b->n];
			v->name = strdup(field[1]);
			v->pair = strdup(strcmp(field[2], "-") ? field[2] : "");
			v->cold = strstr(field[3], "cold") != NULL;
			v->throughput = strstr(field[3], "throughput") != NULL;
			v->what = strdup(field[4]);
			if (set_argv(v->argv, &v->path, field + 5, n - 5) < 0) {
				fprintf(stderr,
					"bench: %s:%zu: %s: command not found or not executable: "
					"build it first (make bench builds everything)\n",
					file, lineno, field[5]);
				return -1;
			}
			v->id_arg = -1;
			for (int k = 0; v->argv[k]; k++)
				if (!strcmp(v->argv[k], "{id}"))
					v->id_arg = k;
			b->n++;
		} else if (!strcmp(field[0], "skip") && n == 3 && b->n_skip < BENCH_MAX_VARIANTS) {
			b->skip[b->n_skip].name = strdup(field[1]);
			b->skip[b->n_skip++].why = strdup(field[2]);
		} else if (!strcmp(field[0], "note") && n == 2 && b->n_notes < BENCH_MAX_VARIANTS) {
			b->notes[b->n_notes++] = strdup(field[1]);
		} else if (!strcmp(field[0], "concurrent") && n >= 2) {
			if (set_argv(b->concurrent_argv, &b->concurrent_path, field + 1, n - 1) <
			    0) {
				fprintf(stderr, "bench: %s:%zu: %s: command not found\n", file,
					lineno, field[1]);
				return -1;
			}
		} else {
			fprintf(stderr,
				"bench: %s:%zu: not a line of a bench spec: see bench.c's header\n",
				file, lineno);
			return -1;
		}
	}
	return 0;
}

/* Starts argv with stdin `in`, stdout `out`, stderr `err` (posix_spawn(3):
 * a vfork-like clone and execve, so the driver's size does not count), in a
 * process group of its own: a Ctrl-C at the terminal reaches the driver
 * alone, which lets the run under way end as it would, cleaning up. */
static pid_t spawn(char *path, char **argv, int in, int out, int err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid;
	int r;

	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	r = posix_spawn(&pid, path, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (r) {
		errno = r;
		return -1;
	}
	return pid;
}

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The first bytes of a memfd as one line, for a failure message. */
static void first_line_of(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
}

static void add_sample(struct bench_series *s, struct bench_sample x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 128;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			abort();
	}
	s->v[s->n++] = x;
}

/* One run of v; returns 0 when it exited 0, else reports it (the first three
 * failures of each variant) and returns -1. */
static int run_once(struct bench_variant *v, int errfd, struct bench_sample *out)
{
	static unsigned long runs;
	char id[64], *placeholder = v->id_arg >= 0 ? v->argv[v->id_arg] : NULL;
	struct rusage ru;
	int status;
	double t0;
	pid_t pid;

	/* The child shares the offset: rewind it as well as emptying the file. */
	if (ftruncate(errfd, 0) < 0 || lseek(errfd, 0, SEEK_SET) < 0)
		return -1;
	if (v->id_arg >= 0) {
		snprintf(id, sizeof(id), "byoc-bench-%d-%lu", (int)getpid(), runs++);
		v->argv[v->id_arg] = id;
	}
	t0 = now_ms();
	pid = spawn(v->path, v->argv, devnull, devnull, errfd);
	if (placeholder)
		v->argv[v->id_arg] = placeholder;
	if (pid < 0) {
		fprintf(stderr, "bench: %s: cannot start %s: %s\n", v->name, v->path,
			strerror(errno));
		return -1;
	}
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	out->wall_ms = now_ms() - t0;
	out->cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	out->rss_kib = ru.ru_maxrss;
	if (status == 0)
		return 0;
	if (v->shown_failures++ < 3) {
		char err[400];
		first_line_of(errfd, err, sizeof(err));
		fprintf(stderr, "bench: %s failed with status %d: %s\n", v->name, exit_code(status),
			err[0] ? err : "(nothing on stderr)");
		if (!v->first_failure &&
		    asprintf(&v->first_failure, "status %d: %s", exit_code(status),
			     err[0] ? err : "(nothing on stderr)") < 0)
			v->first_failure = NULL;
	}
	return -1;
}

/* One warm run of v into `into` (after the warm-up rounds). */
static void warm_run(struct bench *b, struct bench_variant *v, struct bench_series *into,
		     long round, int errfd)
{
	struct bench_sample s;

	if (run_once(v, errfd, &s) < 0)
		v->warm.failed++;
	else if (round >= b->warmup_rounds)
		add_sample(into, s);
}

/* Warm, pair by pair: the floor and a variant alternate, floor, variant,
 * floor, variant, so that each run follows the other's. What a run leaves
 * to the kernel to finish after it exits (a network namespace's teardown,
 * freeing cgroups) then falls on both alike, and a heavy runtime's leftovers
 * never land on a comparison it is not part of. A floor's own row is its
 * first block: the floor beside byoc, the floor --net none beside byoc
 * --net none. */
static void run_warm(struct bench *b, int errfd)
{
	for (size_t i = 0; i < b->n && !stop; i++) {
		struct bench_variant *v = &b->v[i], *p = v->pair[0] ? bench_find(b, v->pair) : NULL;
		bool paired = false;
		for (size_t k = 0; k < b->n; k++)
			paired |= !strcmp(b->v[k].pair, v->name);
		if (!p && paired)
			continue; /* timed beside the variants paired with it */
		for (long r = 0; r < b->warmup_rounds + b->warm_runs && !stop; r++) {
			if (p)
				warm_run(b, p, &v->pair_warm, r, errfd);
			warm_run(b, v, &v->warm, r, errfd);
		}
		if (p && !p->warm.n) {
			p->warm = v->pair_warm;
			v->pair_warm.v = malloc(p->warm.cap * sizeof(*p->warm.v));
			if (!v->pair_warm.v)
				abort();
			memcpy(v->pair_warm.v, p->warm.v, p->warm.n * sizeof(*p->warm.v));
		}
	}
}

/* After an idle pause the kernel's deferred work is cold: on cgroup v1 the
 * first write to cgroup.procs waits for an RCU grace period. */
static void run_cold(struct bench *b, int errfd)
{
	for (long r = 0; r < b->cold_runs && !stop; r++) {
		if (r && r % 10 == 0)
			fprintf(stderr, "bench: cold round %ld of %ld\n", r, b->cold_runs);
		for (size_t i = 0; i < b->n; i++) {
			struct bench_sample s;
			if (!b->v[i].cold)
				continue;
			sleep_ms(b->cold_idle_ms);
			if (stop)
				break;
			if (run_once(&b->v[i], errfd, &s) < 0)
				b->v[i].cold_runs.failed++;
			else
				add_sample(&b->v[i].cold_runs, s);
		}
	}
}

/* Back to back, in alternating blocks of 100 so that drift cancels here too. */
static void run_throughput(struct bench *b, int errfd)
{
	const long block = 100;

	for (long done = 0; done < b->tput_runs; done += block)
		for (size_t i = 0; i < b->n && !stop; i++) {
			struct bench_variant *v = &b->v[i];
			long k = b->tput_runs - done < block ? b->tput_runs - done : block;
			double t0 = now_ms();
			long j;
			if (!v->throughput)
				continue;
			for (j = 0; j < k && !stop; j++) {
				struct bench_sample s;
				if (run_once(v, errfd, &s) < 0)
					v->tput_failed++;
			}
			v->tput_s += (now_ms() - t0) / 1e3;
			v->tput_runs += j;
		}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The IPv4 address a container printed (`ip -4 -o addr`: "inet A.B.C.D/N"). */
static char *address_in(const char *file)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	char buf[512], addr[64];
	size_t n;
	const char *p;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	p = strstr(buf, "inet ");
	if (!p || sscanf(p + 5, "%63[0-9.]", addr) != 1)
		return NULL;
	return strdup(addr);
}

/* Many containers at once: each prints its address and waits for a line on
 * a shared fifo, so that all are up together before any ends. */
static int run_concurrent(struct bench *b, const char *dir)
{
	struct bench_concurrency *c = &b->conc;
	size_t n = b->concurrent;
	pid_t *pid = calloc(n, sizeof(*pid));
	int *status = calloc(n, sizeof(*status));
	char **addr = calloc(n, sizeof(*addr));
	char gate[4096], file[4096];
	int gatefd;
	double t0;

	if (!pid || !status || !addr)
		abort();
	c->containers = n;
	c->ran = true;
	snprintf(gate, sizeof(gate), "%s/gate", dir);
	if (mkfifo(gate, 0600) < 0 || (gatefd = open(gate, O_RDWR | O_CLOEXEC)) < 0) {
		fprintf(stderr, "bench: mkfifo %s: %s: is %s writable?\n", gate, strerror(errno),
			dir);
		return -1;
	}
	t0 = now_ms();
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int out = -1, err = -1;
		snprintf(file, sizeof(file), "%s/out.%zu", dir, i);
		out = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		snprintf(file, sizeof(file), "%s/err.%zu", dir, i);
		err = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		pid[i] = out < 0 || err < 0
				 ? -1
				 : spawn(b->concurrent_path, b->concurrent_argv, gatefd, out, err);
		if (pid[i] < 0)
			status[i] = 125 << 8;
	}
	/* Up: an address printed; or gone already, which is a failure. */
	for (int t = 0; t < 3000; t++) {
		size_t up = 0, gone = 0;
		for (size_t i = 0; i < n; i++) {
			if (pid[i] > 0 && waitpid(pid[i], &status[i], WNOHANG) == pid[i])
				pid[i] = 0;
			if (pid[i] <= 0) {
				gone++;
				continue;
			}
			snprintf(file, sizeof(file), "%s/out.%zu", dir, i);
			free(addr[i]);
			addr[i] = address_in(file);
			up += addr[i] != NULL;
		}
		c->up = up;
		if (up + gone >= n || stop)
			break;
		sleep_ms(20);
	}
	c->up_ms = now_ms() - t0;
	for (size_t i = 0; i < n; i++)
		if (write(gatefd, "go\n", 3) != 3)
			break;
	close(gatefd);
	for (size_t i = 0; i < n; i++) {
		if (pid[i] > 0)
			while (waitpid(pid[i], &status[i], 0) < 0 && errno == EINTR)
				;
		if (!addr[i]) {
			snprintf(file, sizeof(file), "%s/out.%zu", dir, i);
			addr[i] = address_in(file);
		}
		if (status[i] != 0 || !addr[i]) {
			c->failed++;
			if (!c->first_error) {
				_cleanup_close_ int fd = -1;
				char err[400] = "";
				snprintf(file, sizeof(file), "%s/err.%zu", dir, i);
				if ((fd = open(file, O_RDONLY | O_CLOEXEC)) >= 0)
					first_line_of(fd, err, sizeof(err));
				if (asprintf(&c->first_error, "container %zu: status %d, %s: %s", i,
					     exit_code(status[i]),
					     addr[i] ? "address printed" : "no address printed",
					     err[0] ? err : "(nothing on stderr)") < 0)
					c->first_error = NULL;
			}
		}
		snprintf(file, sizeof(file), "%s/out.%zu", dir, i);
		unlink(file);
		snprintf(file, sizeof(file), "%s/err.%zu", dir, i);
		unlink(file);
	}
	c->total_ms = now_ms() - t0;
	unlink(gate);
	/* Distinct addresses among those printed. */
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (addr[i])
			addr[k++] = addr[i];
	qsort(addr, k, sizeof(*addr), cmp_str);
	for (size_t i = 0; i < k; i++)
		c->distinct += i == 0 || strcmp(addr[i], addr[i - 1]) != 0;
	for (size_t i = 0; i < k; i++)
		free(addr[i]);
	free(addr);
	free(status);
	free(pid);
	if (c->first_error)
		fprintf(stderr, "bench: %zu containers at once: %s\n", n, c->first_error);
	if (c->distinct != n && !c->first_error &&
	    asprintf(&c->first_error, "%zu containers printed %zu distinct addresses", n,
		     c->distinct) < 0)
		c->first_error = NULL;
	return bench_concurrency_ok(b) ? 0 : -1;
}

/* What the floor leaves when it fails to clean up, which LEAK_SNAPSHOT
 * does not name: its cgroups (floor-PID, beneath the caller's cgroup on v1)
 * and its directories in /run/byoc-floor. */
static FILE *floor_out;

static int floor_visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	if (flag != FTW_D)
		return FTW_CONTINUE;
	if (!strncmp(path + ftw->base, "floor-", 6))
		fprintf(floor_out, "cgroup %s\n", path);
	return ftw->level >= 8 ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
}

static void floor_leftovers(FILE *out)
{
	_cleanup_closedir_ DIR *d = opendir("/run/byoc-floor");
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			fprintf(out, "state /run/byoc-floor/%s\n", e->d_name);
	floor_out = out;
	nftw("/sys/fs/cgroup", floor_visit, 16, FTW_PHYS | FTW_ACTIONRETVAL);
}

/* LEAK_SNAPSHOT's lines: the mounts, links, cgroups and state directories;
 * then the floor's. */
static char *snapshot(const char *tool)
{
	_cleanup_close_ int fd = memfd_create("bench-snapshot", MFD_CLOEXEC);
	char *argv[] = { (char *)tool, NULL };
	struct stat st;
	int status;
	pid_t pid;
	char *s;

	if (fd < 0 || (pid = spawn((char *)tool, argv, devnull, fd, devnull)) < 0)
		return NULL;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (status != 0)
		return NULL;
	_cleanup_fclose_ FILE *f = fdopen(fcntl(fd, F_DUPFD_CLOEXEC, 0), "a");
	if (!f)
		return NULL;
	floor_leftovers(f);
	fflush(f);
	if (fstat(fd, &st) < 0 || !(s = calloc(1, st.st_size + 1)))
		return NULL;
	if (pread(fd, s, st.st_size, 0) != st.st_size) {
		free(s);
		return NULL;
	}
	return s;
}

struct lines {
	char **v;
	size_t n;
};

/* Splits a copy of s into sorted lines that point into *copy. */
static void sorted_lines(const char *s, char **copy, struct lines *l)
{
	char *save = NULL;
	size_t cap = 16;

	*copy = strdup(s);
	l->v = malloc(cap * sizeof(*l->v));
	l->n = 0;
	if (!*copy || !l->v)
		abort();
	for (char *p = strtok_r(*copy, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		if (l->n == cap && !(l->v = realloc(l->v, (cap *= 2) * sizeof(*l->v))))
			abort();
		l->v[l->n++] = p;
	}
	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
}

/* The lines that `after` has more often than `before` (a second mount on one
 * point counts), "; "-joined: the links alone, or all but the links. */
static char *added_lines(const char *before, const char *after, bool links)
{
	_cleanup_free_ char *bcopy = NULL, *acopy = NULL;
	struct lines b, a;
	char *out = NULL;
	size_t len = 0, i = 0, j = 0, shown = 0;
	FILE *f = open_memstream(&out, &len);

	sorted_lines(before, &bcopy, &b);
	sorted_lines(after, &acopy, &a);
	while (j < a.n) {
		int c = i < b.n ? strcmp(b.v[i], a.v[j]) : 1;
		if (c < 0) {
			i++;
		} else if (c == 0) {
			i++;
			j++;
		} else {
			const char *l = a.v[j++];
			if ((strncmp(l, "link ", 5) == 0) == links)
				fprintf(f, "%s%s", shown++ ? "; " : "", l);
		}
	}
	fclose(f);
	free(a.v);
	free(b.v);
	if (!shown) {
		free(out);
		return NULL;
	}
	return out;
}

/* Cgroups, mounts and state directories must be gone when the runtime has
 * exited; a veth's host end goes when the kernel frees the container's
 * network namespace, a few milliseconds later, so links get 10 s. */
static void check_leaks(struct bench *b, const char *tool, const char *before)
{
	_cleanup_free_ char *after = snapshot(tool);
	_cleanup_free_ char *other = NULL;
	char *links = NULL;

	if (!after)
		return;
	b->leak_checked = true;
	other = added_lines(before, after, false);
	links = added_lines(before, after, true);
	for (int t = 0; links && t < 100; t++) {
		sleep_ms(100);
		free(after);
		after = snapshot(tool);
		free(links);
		links = after ? added_lines(before, after, true) : NULL;
	}
	if (other && links) {
		if (asprintf(&b->leaks, "%s; %s", other, links) < 0)
			b->leaks = NULL;
		free(links);
	} else {
		b->leaks = other ? byoc_steal_ptr(&other) : links;
	}
}

static int prepare_io(struct bench *b)
{
	char date[32];
	time_t t = time(NULL);

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0) {
		perror("bench: open /dev/null");
		return -1;
	}
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	b->started = strdup(date);
	b->warm_runs = env_long("BENCH_RUNS", 100);
	b->warmup_rounds = env_long("BENCH_WARMUP", 3);
	b->cold_runs = env_long("BENCH_COLD_RUNS", 100);
	b->cold_idle_ms = env_long("BENCH_COLD_IDLE_MS", 1000);
	b->tput_runs = env_long("BENCH_THROUGHPUT", 1000);
	b->concurrent = env_long("BENCH_CONCURRENT", 50);
	return 0;
}

int main(int argc, char **argv)
{
	static struct bench b;
	_cleanup_close_ int errfd = -1;
	_cleanup_free_ char *before = NULL;
	char path[4096], dir[] = "/tmp/byoc-bench-XXXXXX";
	int failed = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: bench SPEC OUTDIR LEAK_SNAPSHOT (run 'make bench')\n");
		return 2;
	}
	if (prepare_io(&b) < 0 || read_spec(&b, argv[1]) < 0)
		return 2;
	struct sigaction sa = { .sa_handler = on_stop };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!(before = snapshot(argv[3]))) {
		fprintf(stderr, "bench: %s gave no snapshot: build it with 'make bench'\n",
			argv[3]);
		return 2;
	}
	errfd = memfd_create("bench-stderr", MFD_CLOEXEC);
	if (errfd < 0 || !mkdtemp(dir)) {
		perror("bench: memfd_create or mkdtemp");
		return 2;
	}
	fprintf(stderr,
		"bench: %zu variants, each beside its floor, %ld warm runs (+%ld warm-up)\n", b.n,
		b.warm_runs, b.warmup_rounds);
	run_warm(&b, errfd);
	if (!stop)
		fprintf(stderr, "bench: cold, %ld rounds, %ld ms idle before each run\n",
			b.cold_runs, b.cold_idle_ms);
	run_cold(&b, errfd);
	if (!stop)
		fprintf(stderr, "bench: throughput, %ld back to back\n", b.tput_runs);
	run_throughput(&b, errfd);
	if (b.concurrent_path && b.concurrent > 0 && !stop) {
		fprintf(stderr, "bench: %ld containers at once\n", b.concurrent);
		failed |= run_concurrent(&b, dir) < 0;
	}
	rmdir(dir);
	check_leaks(&b, argv[3], before);
	for (size_t i = 0; i < b.n; i++)
		failed |= b.v[i].warm.failed || b.v[i].cold_runs.failed || b.v[i].tput_failed;
	failed |= !b.leak_checked || b.leaks != NULL;
	snprintf(path, sizeof(path), "%s/results.json", argv[2]);
	if (bench_write_json(&b, path) < 0)
		failed = 1;
	snprintf(path, sizeof(path), "%s/chart.dat", argv[2]);
	if (bench_write_chart_data(&b, path) < 0)
		failed = 1;
	snprintf(path, sizeof(path), "%s/table.md", argv[2]);
	_cleanup_fclose_ FILE *table = fopen(path, "we");
	if (table)
		bench_print_table(&b, table);
	else
		failed = 1;
	bench_print_table(&b, stdout);
	if (stop) {
		fprintf(stderr, "bench: interrupted: the figures above are partial\n");
		return 130;
	}
	return failed ? 1 : 0;
}
