/* make bench: the timing driver's shared types. bench.c reads the variants
 * and runs them; report.c turns the samples into figures, JSON, a table and
 * the chart's data. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

#define BENCH_MAX_VARIANTS 32
#define BENCH_MAX_ARGS	   32

/* One run's figures, from clock_gettime(CLOCK_MONOTONIC) around fork..wait4
 * and from wait4's rusage (see getrusage(2): ru_maxrss of a waited-for child
 * covers the children it reaped itself). */
struct bench_sample {
	double wall_ms;
	double cpu_ms;
	long rss_kib;
};

struct bench_series {
	struct bench_sample *v;
	size_t n, cap;
	size_t failed;
};

struct bench_variant {
	char *name;
	char *pair;	 /* the variant its ratio is taken to; empty for the floors */
	char *what;	 /* what it isolates, for the table */
	bool cold;	 /* also timed after an idle pause */
	bool throughput; /* also timed 1000 back to back */
	char *argv[BENCH_MAX_ARGS + 1];
	char *path; /* argv[0] resolved on PATH once */
	int id_arg; /* the argument "{id}", replaced by a fresh name each run; or -1 */
	struct bench_series warm, cold_runs;
	struct bench_series pair_warm; /* its pair's runs, alternating with its own */
	double tput_s;		       /* total wall seconds of its throughput runs */
	size_t tput_runs, tput_failed;
	int shown_failures;
	char *first_failure; /* its exit status and the start of its stderr */
};

struct bench_skip {
	char *name, *why;
};

struct bench_concurrency {
	size_t containers, up, failed, distinct;
	double up_ms, total_ms;
	char *first_error;
	bool ran;
};

struct bench {
	struct bench_variant v[BENCH_MAX_VARIANTS];
	size_t n;
	struct bench_skip skip[BENCH_MAX_VARIANTS];
	size_t n_skip;
	char *notes[BENCH_MAX_VARIANTS];
	size_t n_notes;
	char *concurrent_argv[BENCH_MAX_ARGS + 1];
	char *concurrent_path;
	/* settings */
	long warm_runs, warmup_rounds, cold_runs, cold_idle_ms, tput_runs, concurrent;
	struct bench_concurrency conc;
	char *leaks; /* what the runs left on the machine; NULL when nothing */
	bool leak_checked;
	char *started; /* ISO 8601, UTC */
};

/* bench.c: running one command */
extern int bench_devnull;
extern volatile sig_atomic_t bench_stop;
double bench_now_ms(void);
void bench_sleep_ms(long ms);
pid_t bench_spawn(char *path, char **argv, int in, int out, int err);
int bench_exit_code(int status);
void bench_first_line_of(int fd, char *buf, size_t size);
int bench_cmp_str(const void *a, const void *b);

/* concurrent.c */
int bench_run_concurrent(struct bench *b, const char *dir);

/* leaks.c */
/* What was left since `before` (h_leak_snapshot()) into b->leaks. */
void bench_check_leaks(struct bench *b, const char *before);

/* report.c */
double bench_median(const struct bench_series *s, int field);
double bench_min(const struct bench_series *s, int field);
double bench_max(const struct bench_series *s, int field);
enum { BENCH_WALL, BENCH_CPU, BENCH_RSS };
struct bench_variant *bench_find(struct bench *b, const char *name);
bool bench_concurrency_ok(const struct bench *b);
int bench_write_json(struct bench *b, const char *path);
void bench_print_table(struct bench *b, FILE *out);
int bench_write_chart_data(struct bench *b, const char *path);
