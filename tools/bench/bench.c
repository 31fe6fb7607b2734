/* make bench's timing driver: runs each variant alternately with its floor
 * (A B A B ...) so that the machine's drift falls on both alike, then after
 * an idle pause (cold), then 1000 back to back, then many containers at
 * once, then checks that nothing was left on the machine.
 * Usage: bench SPEC OUTDIR
 * SPEC has one tab-separated line per item (tools/bench/bench.sh writes it):
 *   variant NAME PAIR FLAGS WHAT ARG0 ARG...   FLAGS: cold,throughput or -
 *   skip NAME WHY
 *   note TEXT
 *   concurrent ARG0 ARG...                     prints its address, reads a line
 * An argument "{id}" becomes a name of its own on every run (byoc-bench-PID-N):
 * crun and runc want a container id that is not in use.
 * Settings from the environment: BENCH_RUNS (100), BENCH_WARMUP (3),
 * BENCH_COLD_RUNS (100), BENCH_COLD_IDLE_MS (1000), BENCH_THROUGHPUT (1000),
 * BENCH_CONCURRENT (50); and, read by tools/bench/bench.sh, BENCH_TMPFS_RUN (0).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
#include "leaks.h"

extern char **environ;

int bench_devnull = -1;
/* Set by SIGINT or SIGTERM: finish the run under way, then report and clean up. */
volatile sig_atomic_t bench_stop;

static void on_stop(int sig)
{
	(void)sig;
	bench_stop = 1;
}

double bench_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

void bench_sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) < 0 && errno == EINTR && !bench_stop)
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
pid_t bench_spawn(char *path, char **argv, int in, int out, int err)
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

int bench_exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The first bytes of a memfd as one line, for a failure message. */
void bench_first_line_of(int fd, char *buf, size_t size)
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
	t0 = bench_now_ms();
	pid = bench_spawn(v->path, v->argv, bench_devnull, bench_devnull, errfd);
	if (placeholder)
		v->argv[v->id_arg] = placeholder;
	if (pid < 0) {
		fprintf(stderr, "bench: %s: cannot start %s: %s\n", v->name, v->path,
			strerror(errno));
		return -1;
	}
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	out->wall_ms = bench_now_ms() - t0;
	out->cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	out->rss_kib = ru.ru_maxrss;
	if (status == 0)
		return 0;
	if (v->shown_failures++ < 3) {
		char err[400];
		bench_first_line_of(errfd, err, sizeof(err));
		fprintf(stderr, "bench: %s failed with status %d: %s\n", v->name,
			bench_exit_code(status), err[0] ? err : "(nothing on stderr)");
		if (!v->first_failure &&
		    asprintf(&v->first_failure, "status %d: %s", bench_exit_code(status),
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
	for (size_t i = 0; i < b->n && !bench_stop; i++) {
		struct bench_variant *v = &b->v[i], *p = v->pair[0] ? bench_find(b, v->pair) : NULL;
		bool paired = false;
		for (size_t k = 0; k < b->n; k++)
			paired |= !strcmp(b->v[k].pair, v->name);
		if (!p && paired)
			continue; /* timed beside the variants paired with it */
		for (long r = 0; r < b->warmup_rounds + b->warm_runs && !bench_stop; r++) {
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
	for (long r = 0; r < b->cold_runs && !bench_stop; r++) {
		if (r && r % 10 == 0)
			fprintf(stderr, "bench: cold round %ld of %ld\n", r, b->cold_runs);
		for (size_t i = 0; i < b->n; i++) {
			struct bench_sample s;
			if (!b->v[i].cold)
				continue;
			bench_sleep_ms(b->cold_idle_ms);
			if (bench_stop)
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
		for (size_t i = 0; i < b->n && !bench_stop; i++) {
			struct bench_variant *v = &b->v[i];
			long k = b->tput_runs - done < block ? b->tput_runs - done : block;
			double t0 = bench_now_ms();
			long j;
			if (!v->throughput)
				continue;
			for (j = 0; j < k && !bench_stop; j++) {
				struct bench_sample s;
				if (run_once(v, errfd, &s) < 0)
					v->tput_failed++;
			}
			v->tput_s += (bench_now_ms() - t0) / 1e3;
			v->tput_runs += j;
		}
}

int bench_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int prepare_io(struct bench *b)
{
	char date[32];
	time_t t = time(NULL);

	bench_devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (bench_devnull < 0) {
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

	if (argc != 3) {
		fprintf(stderr, "usage: bench SPEC OUTDIR (run 'make bench')\n");
		return 2;
	}
	if (prepare_io(&b) < 0 || read_spec(&b, argv[1]) < 0)
		return 2;
	struct sigaction sa = { .sa_handler = on_stop };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	before = h_leak_snapshot();
	errfd = memfd_create("bench-stderr", MFD_CLOEXEC);
	if (errfd < 0 || !mkdtemp(dir)) {
		perror("bench: memfd_create or mkdtemp");
		return 2;
	}
	fprintf(stderr,
		"bench: %zu variants, each beside its floor, %ld warm runs (+%ld warm-up)\n", b.n,
		b.warm_runs, b.warmup_rounds);
	run_warm(&b, errfd);
	if (!bench_stop)
		fprintf(stderr, "bench: cold, %ld rounds, %ld ms idle before each run\n",
			b.cold_runs, b.cold_idle_ms);
	run_cold(&b, errfd);
	if (!bench_stop)
		fprintf(stderr, "bench: throughput, %ld back to back\n", b.tput_runs);
	run_throughput(&b, errfd);
	if (b.concurrent_path && b.concurrent > 0 && !bench_stop) {
		fprintf(stderr, "bench: %ld containers at once\n", b.concurrent);
		failed |= bench_run_concurrent(&b, dir) < 0;
	}
	rmdir(dir);
	bench_check_leaks(&b, before);
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
	if (bench_stop) {
		fprintf(stderr, "bench: interrupted: the figures above are partial\n");
		return 130;
	}
	return failed ? 1 : 0;
}
