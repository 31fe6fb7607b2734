/* make bench's figures: medians and ranges, ratios to each variant's floor,
 * the two targets, and three outputs: results.json, the table on stdout
 * (README.md quotes it) and the chart's data for tools/bench/chart.gp. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/magic.h>

#include "bench.h"
#include "cleanup.h"

static double field_of(const struct bench_sample *s, int field)
{
	return field == BENCH_WALL ? s->wall_ms : field == BENCH_CPU ? s->cpu_ms : s->rss_kib;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(const struct bench_series *s, int field)
{
	_cleanup_free_ double *v = NULL;

	if (!s->n || !(v = malloc(s->n * sizeof(*v))))
		return NAN;
	for (size_t i = 0; i < s->n; i++)
		v[i] = field_of(&s->v[i], field);
	qsort(v, s->n, sizeof(*v), cmp_double);
	return s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
}

double bench_min(const struct bench_series *s, int field)
{
	double m = NAN;

	for (size_t i = 0; i < s->n; i++)
		if (isnan(m) || field_of(&s->v[i], field) < m)
			m = field_of(&s->v[i], field);
	return m;
}

double bench_max(const struct bench_series *s, int field)
{
	double m = NAN;

	for (size_t i = 0; i < s->n; i++)
		if (isnan(m) || field_of(&s->v[i], field) > m)
			m = field_of(&s->v[i], field);
	return m;
}

bool bench_concurrency_ok(const struct bench *b)
{
	const struct bench_concurrency *c = &b->conc;

	return c->failed == 0 && c->up == c->containers && c->distinct == c->containers;
}

struct bench_variant *bench_find(struct bench *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->v[i].name, name))
			return &b->v[i];
	return NULL;
}

/* The ratio of v's median wall time to its pair's, in the same mode. */
static double ratio(struct bench *b, struct bench_variant *v, bool cold)
{
	struct bench_variant *p = v->pair[0] ? bench_find(b, v->pair) : NULL;

	if (!p)
		return NAN;
	if (cold)
		return bench_median(&v->cold_runs, BENCH_WALL) /
		       bench_median(&p->cold_runs, BENCH_WALL);
	return bench_median(&v->warm, BENCH_WALL) / bench_median(&v->pair_warm, BENCH_WALL);
}

struct target {
	const char *what, *num, *den, *op;
	double limit;
};

/* byoc within 1.2x of the floor; crun at least twice byoc's time. */
static const struct target targets[] = {
	{ "byoc run with full isolation within 1.2x of the floor, warm", "byoc", "floor",
	  "<=", 1.2 },
	{ "byoc run at least 2x faster than crun, warm", "crun", "byoc", ">=", 2.0 },
	{ "byoc's OCI cycle at least 1.5x faster than crun's on the same bundle, warm",
	  "crun create+start+delete", "byoc create+start+delete", ">=", 1.5 },
	{ "byoc's OCI cycle at least 4x faster than runc's on the same bundle, warm",
	  "runc create+start+delete", "byoc create+start+delete", ">=", 4.0 },
};

/* -1: not measured; 0: missed; 1: met. */
static int target_verdict(struct bench *b, const struct target *t, double *value)
{
	struct bench_variant *n = bench_find(b, t->num), *d = bench_find(b, t->den);

	if (!n || !d || !n->warm.n || !d->warm.n)
		return -1;
	/* A variant beside its own floor: the ratio within that block. */
	if (!strcmp(n->pair, d->name))
		*value = ratio(b, n, false);
	else
		*value = bench_median(&n->warm, BENCH_WALL) / bench_median(&d->warm, BENCH_WALL);
	return t->op[0] == '<' ? *value <= t->limit : *value >= t->limit;
}

static const char *cgroup_mode(void)
{
	struct statfs st;

	if (statfs("/sys/fs/cgroup", &st) < 0)
		return "none";
	if (st.f_type == CGROUP2_SUPER_MAGIC)
		return "v2";
	if (statfs("/sys/fs/cgroup/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
		return "hybrid";
	return "v1";
}

static char *cpu_model(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/cpuinfo", "re");
	char line[256];

	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) != 0 || !colon)
			continue;
		line[strcspn(line, "\n")] = '\0';
		return strdup(colon + 2);
	}
	return strdup("unknown");
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double x)
{
	if (isnan(x))
		fputs("null", f);
	else
		fprintf(f, "%.3f", x);
}

static void json_range(FILE *f, const char *key, const struct bench_series *s, int field)
{
	fprintf(f, "\"%s\": {\"median\": ", key);
	json_num(f, bench_median(s, field));
	fputs(", \"min\": ", f);
	json_num(f, bench_min(s, field));
	fputs(", \"max\": ", f);
	json_num(f, bench_max(s, field));
	fputs("}", f);
}

static void json_series(FILE *f, struct bench *b, struct bench_variant *v, bool cold)
{
	const struct bench_series *s = cold ? &v->cold_runs : &v->warm;

	fprintf(f, "{\"runs\": %zu, \"failed\": %zu, ", s->n, s->failed);
	json_range(f, "wall_ms", s, BENCH_WALL);
	fputs(", ", f);
	json_range(f, "cpu_ms", s, BENCH_CPU);
	if (!cold && v->pair_warm.n) {
		fputs(", ", f);
		json_range(f, "pair_wall_ms", &v->pair_warm, BENCH_WALL);
	}
	fputs(", \"peak_rss_kib\": {\"max\": ", f);
	json_num(f, bench_max(s, BENCH_RSS));
	fputs(", \"median\": ", f);
	json_num(f, bench_median(s, BENCH_RSS));
	fputs("}, \"ratio_to_pair\": ", f);
	json_num(f, ratio(b, v, cold));
	fputs("}", f);
}

static void json_machine(FILE *f, struct bench *b)
{
	struct utsname u;
	_cleanup_free_ char *model = cpu_model();

	uname(&u);
	fputs("  \"machine\": {\"kernel\": ", f);
	json_str(f, u.release);
	fputs(", \"cgroup_mode\": ", f);
	json_str(f, cgroup_mode());
	fprintf(f, ", \"cpus\": %ld, \"cpu_model\": ", sysconf(_SC_NPROCESSORS_ONLN));
	json_str(f, model);
	fputs(", \"date\": ", f);
	json_str(f, b->started);
	fputs("},\n", f);
	fprintf(f,
		"  \"settings\": {\"warm_runs\": %ld, \"warmup_rounds\": %ld, \"cold_runs\": %ld, "
		"\"cold_idle_ms\": %ld, \"throughput_runs\": %ld, \"concurrent\": %ld, "
		"\"order\": \"warm: each variant alternating with its pair, run by run, warm-up "
		"rounds discarded; cold: round robin with the idle pause before each run; "
		"throughput: blocks of 100 alternating\"},\n",
		b->warm_runs, b->warmup_rounds, b->cold_runs, b->cold_idle_ms, b->tput_runs,
		b->concurrent);
}

static void json_variants(FILE *f, struct bench *b)
{
	fputs("  \"variants\": [", f);
	for (size_t i = 0; i < b->n; i++) {
		struct bench_variant *v = &b->v[i];
		fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
		json_str(f, v->name);
		fputs(", \"pair\": ", f);
		json_str(f, v->pair);
		fputs(", \"isolates\": ", f);
		json_str(f, v->what);
		fputs(", \"argv\": [", f);
		for (size_t k = 0; v->argv[k]; k++) {
			fputs(k ? ", " : "", f);
			json_str(f, v->argv[k]);
		}
		fputs("], \"first_failure\": ", f);
		if (v->first_failure)
			json_str(f, v->first_failure);
		else
			fputs("null", f);
		fputs(",\n     \"warm\": ", f);
		json_series(f, b, v, false);
		fputs(",\n     \"cold\": ", f);
		if (v->cold)
			json_series(f, b, v, true);
		else
			fputs("null", f);
		fputs("}", f);
	}
	fputs("\n  ],\n  \"skipped\": [", f);
	for (size_t i = 0; i < b->n_skip; i++) {
		fputs(i ? ", {\"name\": " : "{\"name\": ", f);
		json_str(f, b->skip[i].name);
		fputs(", \"why\": ", f);
		json_str(f, b->skip[i].why);
		fputs("}", f);
	}
	fputs("],\n  \"notes\": [", f);
	for (size_t i = 0; i < b->n_notes; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, b->notes[i]);
	}
	fputs("],\n", f);
}

static void json_rest(FILE *f, struct bench *b)
{
	fputs("  \"targets\": [", f);
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		double value = NAN;
		int met = target_verdict(b, &targets[i], &value);
		fputs(i ? ", {\"target\": " : "{\"target\": ", f);
		json_str(f, targets[i].what);
		fprintf(f, ", \"ratio\": \"%s / %s\", \"value\": ", targets[i].num, targets[i].den);
		json_num(f, value);
		fprintf(f, ", \"limit\": \"%s %.1f\", \"verdict\": \"%s\"}", targets[i].op,
			targets[i].limit,
			met < 0 ? "not measured"
			: met	? "met"
				: "missed");
	}
	fputs("],\n  \"throughput\": [", f);
	for (size_t i = 0, k = 0; i < b->n; i++) {
		struct bench_variant *v = &b->v[i];
		if (!v->throughput)
			continue;
		fputs(k++ ? ", {\"name\": " : "{\"name\": ", f);
		json_str(f, v->name);
		fprintf(f, ", \"runs\": %zu, \"failed\": %zu, \"total_s\": %.3f, \"runs_per_s\": ",
			v->tput_runs, v->tput_failed, v->tput_s);
		json_num(f, v->tput_s > 0 ? v->tput_runs / v->tput_s : NAN);
		fputs("}", f);
	}
	fputs("],\n  \"concurrency\": ", f);
	if (b->conc.ran) {
		fprintf(f,
			"{\"containers\": %zu, \"up_together\": %zu, \"failed\": %zu, "
			"\"distinct_addresses\": %zu, \"all_up_ms\": %.1f, \"total_ms\": %.1f, "
			"\"passed\": %s, \"first_error\": ",
			b->conc.containers, b->conc.up, b->conc.failed, b->conc.distinct,
			b->conc.up_ms, b->conc.total_ms,
			bench_concurrency_ok(b) ? "true" : "false");
		if (b->conc.first_error)
			json_str(f, b->conc.first_error);
		else
			fputs("null", f);
		fputs("}", f);
	} else {
		fputs("null", f);
	}
	fprintf(f, ",\n  \"leak_check\": {\"checked\": %s, \"clean\": %s, \"left\": ",
		b->leak_checked ? "true" : "false",
		b->leak_checked && !b->leaks ? "true" : "false");
	if (b->leaks)
		json_str(f, b->leaks);
	else
		fputs("null", f);
	fputs("}\n", f);
}

int bench_write_json(struct bench *b, const char *path)
{
	FILE *f = fopen(path, "we");

	if (!f) {
		fprintf(stderr, "bench: cannot write %s: %m: is build/bench writable?\n", path);
		return -1;
	}
	fputs("{\n", f);
	json_machine(f, b);
	json_variants(f, b);
	json_rest(f, b);
	fputs("}\n", f);
	return fclose(f) == 0 ? 0 : -1;
}

static void table_row(struct bench *b, struct bench_variant *v, FILE *out)
{
	double r = ratio(b, v, false);
	char x[32], cold[32];

	if (!v->warm.n) {
		fprintf(out, "| %s | %s | every run failed | | | | |\n", v->name, v->what);
		return;
	}
	if (!v->pair[0])
		snprintf(x, sizeof(x), "floor");
	else
		snprintf(x, sizeof(x), "%.2f%s", r,
			 !strcmp(v->pair, "floor")	 ? ""
			 : !strncmp(v->pair, "floor", 5) ? "†"
							 : "‡");
	if (v->cold && v->cold_runs.n)
		snprintf(cold, sizeof(cold), "%.2f", bench_median(&v->cold_runs, BENCH_WALL));
	else
		cold[0] = '\0';
	fprintf(out, "| %s | %s | %.2f (%.2f-%.2f) | %.2f | %.1f MiB | %s | %s |\n", v->name,
		v->what, bench_median(&v->warm, BENCH_WALL), bench_min(&v->warm, BENCH_WALL),
		bench_max(&v->warm, BENCH_WALL), bench_median(&v->warm, BENCH_CPU),
		bench_max(&v->warm, BENCH_RSS) / 1024, x, cold);
}

void bench_print_table(struct bench *b, FILE *out)
{
	struct utsname u;
	_cleanup_free_ char *model = cpu_model();

	uname(&u);
	fprintf(out,
		"%ld runs of /bin/true each, warm (back to back, alternating with the floor), %ld "
		"cold "
		"(after %ld ms idle); Linux %s, cgroup %s, %ld CPUs (%s), %s\n\n",
		b->warm_runs, b->cold_runs, b->cold_idle_ms, u.release, cgroup_mode(),
		sysconf(_SC_NPROCESSORS_ONLN), model, b->started);
	fputs("| variant | what it isolates | warm median (min-max) ms | CPU ms | peak RSS | x "
	      "floor "
	      "| cold median ms |\n",
	      out);
	fputs("|---|---|---:|---:|---:|---:|---:|\n", out);
	for (size_t i = 0; i < b->n; i++)
		table_row(b, &b->v[i], out);
	fputs("\nx floor: the warm median over the floor's, timed alternately with it; † the floor "
	      "with --net none, the same empty network namespace; ‡ over the variant it alternated "
	      "with, below.\n",
	      out);
	/* A variant paired with another runtime variant measures one option's
	 * cost: the two medians side by side, and their difference. */
	for (size_t i = 0; i < b->n; i++) {
		struct bench_variant *v = &b->v[i];
		if (!v->pair[0] || !strncmp(v->pair, "floor", 5) || !v->warm.n || !v->pair_warm.n)
			continue;
		double mine = bench_median(&v->warm, BENCH_WALL);
		double theirs = bench_median(&v->pair_warm, BENCH_WALL);
		fprintf(out,
			"‡ %s beside %s, run by run: warm medians %.2f and %.2f ms, the first "
			"minus the second %+.2f ms (CPU %.2f and %.2f ms)\n",
			v->name, v->pair, mine, theirs, mine - theirs,
			bench_median(&v->warm, BENCH_CPU), bench_median(&v->pair_warm, BENCH_CPU));
	}
	for (size_t i = 0; i < b->n; i++) {
		struct bench_variant *v = &b->v[i];
		size_t failed = v->warm.failed + v->cold_runs.failed + v->tput_failed;
		if (failed)
			fprintf(out, "FAILED %s: %zu runs did not exit 0; the first: %s\n", v->name,
				failed, v->first_failure ? v->first_failure : "(not recorded)");
	}
	for (size_t i = 0; i < b->n_skip; i++)
		fprintf(out, "skipped %s: %s\n", b->skip[i].name, b->skip[i].why);
	for (size_t i = 0; i < b->n_notes; i++)
		fprintf(out, "note: %s\n", b->notes[i]);
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		double value = NAN;
		int met = target_verdict(b, &targets[i], &value);
		if (met < 0)
			fprintf(out, "target: %s: not measured (%s or %s missing)\n",
				targets[i].what, targets[i].num, targets[i].den);
		else
			fprintf(out, "target: %s: %s (%s / %s = %.2f, %s %.1f)\n", targets[i].what,
				met ? "met" : "missed", targets[i].num, targets[i].den, value,
				targets[i].op, targets[i].limit);
	}
	for (size_t i = 0; i < b->n; i++) {
		struct bench_variant *v = &b->v[i];
		if (v->throughput && v->tput_s > 0)
			fprintf(out,
				"throughput: %s: %zu runs back to back in %.2f s, %.0f runs/s%s\n",
				v->name, v->tput_runs, v->tput_s, v->tput_runs / v->tput_s,
				v->tput_failed ? " (some failed)" : "");
	}
	if (b->conc.ran)
		fprintf(out,
			"concurrency: %zu containers at once on %ld CPUs: %zu up together, %zu "
			"failed, %zu distinct addresses, all up in %.0f ms, all done in %.0f ms: "
			"%s%s%s\n",
			b->conc.containers, sysconf(_SC_NPROCESSORS_ONLN), b->conc.up,
			b->conc.failed, b->conc.distinct, b->conc.up_ms, b->conc.total_ms,
			bench_concurrency_ok(b) ? "passed" : "FAILED",
			b->conc.first_error ? ": " : "",
			b->conc.first_error ? b->conc.first_error : "");
	if (!b->leak_checked)
		fputs("leak check: could not take the snapshot after the runs\n", out);
	else if (b->leaks)
		fprintf(out, "leak check: left behind: %s\n", b->leaks);
	else
		fputs("leak check: nothing left (cgroups, mounts, state directories, links)\n",
		      out);
}

/* One line per variant, first on top: y, name, warm median, min, max, cold
 * median ("-" when not timed cold); then chart.vars for the title and lines. */
int bench_write_chart_data(struct bench *b, const char *path)
{
	_cleanup_free_ char *vars = NULL, *model = cpu_model();
	struct bench_variant *floor = bench_find(b, "floor");
	struct utsname u;
	FILE *f = fopen(path, "we");

	if (!f)
		return -1;
	for (size_t i = 0; i < b->n; i++) {
		struct bench_variant *v = &b->v[i];
		fprintf(f, "%zu\t%s\t%.3f\t%.3f\t%.3f\t", b->n - i, v->name,
			bench_median(&v->warm, BENCH_WALL), bench_min(&v->warm, BENCH_WALL),
			bench_max(&v->warm, BENCH_WALL));
		if (v->cold && v->cold_runs.n)
			fprintf(f, "%.3f\n", bench_median(&v->cold_runs, BENCH_WALL));
		else
			fputs("-\n", f);
	}
	if (fclose(f) != 0 || asprintf(&vars, "%.*s.vars", (int)(strlen(path) - 4), path) < 0)
		return -1;
	if (!(f = fopen(vars, "we")))
		return -1;
	uname(&u);
	struct bench_variant *none = bench_find(b, "floor --net none");
	fprintf(f, "floor_ms = %.3f\n", floor ? bench_median(&floor->warm, BENCH_WALL) : NAN);
	fprintf(f, "floor_none_ms = %.3f\n", none ? bench_median(&none->warm, BENCH_WALL) : NAN);
	fprintf(f, "variants = %zu\n", b->n);
	fprintf(f, "machine = \"Linux %s, cgroup %s, %ld CPUs (%s), %s\"\n", u.release,
		cgroup_mode(), sysconf(_SC_NPROCESSORS_ONLN), model, b->started);
	fprintf(f, "runs = \"%ld warm runs, %ld cold (after %ld ms idle)\"\n", b->warm_runs,
		b->cold_runs, b->cold_idle_ms);
	return fclose(f) == 0 ? 0 : -1;
}
