/* Runs one step's suite and grades it: a score table on stdout, and on
 * request a JSON report plus Check's own XML and TAP logs. The runner works
 * in namespaces of its own (enter_sandbox()), and gives each test a clean
 * slate: what a test changes on the machine fails it and is undone (slate.h).
 *
 * Usage: runner --bin STEP_BINARY --rootfs DIR [--impl NAME] [--json FILE]
 *               [--xml FILE] [--tap FILE] [--expect-fail]
 * With --expect-fail the runner proves each test able to fail: it succeeds
 * only if every test fails (as against an unmodified exercise skeleton). */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "harness.h"
#include "leaks.h"
#include "slate.h"

struct h_test {
	const TTest *test;
	int points;
	const char *hint;
	char *leaked; /* seen by the runner after the test, or NULL */
	bool passed;
	const char *msg;
};

struct h_suite {
	struct h_test tests[64];
	size_t n;
	struct {
		const char *seen, *hint;
	} by_error[16];
	size_t n_by_error;
};

static struct h_suite suite;
static struct h_slate slate; /* the machine before the current test */
static char *rootfs_copy;    /* the rootfs as the run found it */
/* Precedes what a test changed on the machine, which the runner then undid. */
#define LEFT_LABEL "expected the machine as the test found it; the test changed (now undone): "

/* Check runs the test cases in the order they were added, one test each;
 * tcase_name() is not set in unchecked fixtures, so count instead. */
static size_t current_test;

void h_add(struct h_suite *s, const TTest *test, int points, const char *hint)
{
	if (s->n == sizeof(s->tests) / sizeof(s->tests[0]))
		abort();
	s->tests[s->n++] = (struct h_test){ .test = test, .points = points, .hint = hint };
}

void h_hint_for(struct h_suite *s, const char *seen, const char *hint)
{
	if (s->n_by_error == sizeof(s->by_error) / sizeof(s->by_error[0]))
		abort();
	s->by_error[s->n_by_error].seen = seen;
	s->by_error[s->n_by_error++].hint = hint;
}

/* Where a failing test sends the student: to the code that the runtime's
 * error names, if its message holds one, else the test's own hint. */
static const char *hint_of(const struct h_test *t)
{
	for (size_t i = 0; t->msg && i < suite.n_by_error; i++)
		if (strstr(t->msg, suite.by_error[i].seen))
			return suite.by_error[i].hint;
	return t->hint;
}

static struct h_test *find(const char *name)
{
	for (size_t i = 0; i < suite.n; i++)
		if (strcmp(suite.tests[i].test->name, name) == 0)
			return &suite.tests[i];
	return NULL;
}

/* Runs in the runner, around each test (one test per test case). */
static void before_test(void)
{
	snprintf(h_tmp, 256, "/tmp/byoc-test-XXXXXX");
	if (!mkdtemp(h_tmp)) {
		perror("mkdtemp");
		exit(2);
	}
	h_slate_free(&slate);
	h_slate_take(&slate, h_rootfs);
}

static void next_test(void)
{
	current_test++;
}

/* Runs in the runner after the test's process has ended: whatever the test
 * changed on the machine fails it, and is undone before the next test. */
static void after_test(void)
{
	struct h_test *t = &suite.tests[current_test];

	/* What the test's process left running (a runtime it never finished,
	 * after a failed assertion or a timeout) would hold its cgroups. */
	h_slate_kill_orphans();
	/* A stage that forgot to make / private may have mounted onto the
	 * tree: take back what landed in the lab's own directories. */
	h_unmount_below(h_rootfs);
	t->leaked = h_slate_restore(&slate, h_rootfs, rootfs_copy);
	h_remove_tree(h_tmp);
	next_test();
}

/* The runner and everything it starts live in throwaway mount, UTS, IPC and
 * network namespaces (as tools/sandbox.sh makes them): whatever a wrong stage
 * does to mounts, the hostname, IPC objects or links ends with the run, and
 * step 06's veth pairs have both ends in here. The first thing in
 * a new mount namespace: make every mount private, so nothing propagates to
 * the machine's (see mount_namespaces(7)). */
static int enter_sandbox(void)
{
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET) < 0) {
		fprintf(stderr,
			"runner: unshare(CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET): %s: "
			"run "
			"as root (sudo)\n",
			strerror(errno));
		return -1;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "runner: mount(/, MS_REC|MS_PRIVATE): %s\n", strerror(errno));
		return -1;
	}
	/* Orphans of a test (a runtime it left running) become our children,
	 * so that after_test() can find and end them; see prctl(2). */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return 0;
}

static pid_t runner_pid;

/* Check's test processes are forks of the runner that exit(): only the
 * runner itself may remove the copy. */
static void drop_rootfs_copy(void)
{
	if (getpid() != runner_pid)
		return;
	h_slate_drop_copy(rootfs_copy);
	rootfs_copy = NULL;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void print_indented(const char *label, const char *text)
{
	const char *p = text;

	printf("             %s", label);
	for (; *p; p++) {
		putchar(*p);
		if (*p == '\n' && p[1])
			printf("             %*s", (int)strlen(label), "");
	}
	if (p == text || p[-1] != '\n')
		putchar('\n');
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bin", required_argument, NULL, 'b' },
		{ "rootfs", required_argument, NULL, 'r' },
		{ "impl", required_argument, NULL, 'i' },
		{ "json", required_argument, NULL, 'j' },
		{ "xml", required_argument, NULL, 'x' },
		{ "tap", required_argument, NULL, 't' },
		{ "expect-fail", no_argument, NULL, 'e' },
		{ "bin-arg", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *impl = "", *json = NULL, *xml = NULL, *tap = NULL, *step = "?";
	bool expect_fail = false;
	int opt, score = 0, max = 0, passed = 0;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			h_bin = optarg;
			break;
		case 'r':
			h_rootfs = optarg;
			break;
		case 'i':
			impl = optarg;
			break;
		case 'j':
			json = optarg;
			break;
		case 'x':
			xml = optarg;
			break;
		case 't':
			tap = optarg;
			break;
		case 'e':
			expect_fail = true;
			break;
		case 'a':
			h_bin_arg = optarg;
			break;
		default:
			return 2;
		}
	}
	if (!h_bin || !h_rootfs) {
		fprintf(stderr,
			"usage: %s --bin STEP_BINARY --rootfs DIR [--impl NAME] "
			"[--json FILE] [--xml FILE] [--tap FILE] [--expect-fail] [--bin-arg "
			"WORD]\n",
			argv[0]);
		return 2;
	}
	/* The tests run commands from their own directory: use full paths. */
	static char bin[PATH_MAX], rootfs[PATH_MAX];
	if (realpath(h_rootfs, rootfs) == NULL) {
		fprintf(stderr, "runner: rootfs %s: %s: build it with 'make rootfs'\n", h_rootfs,
			strerror(errno));
		return 2;
	}
	h_rootfs = rootfs;
	if (enter_sandbox() < 0)
		return 2;
	/* Each test's changes to the rootfs on disk are repaired from this. */
	rootfs_copy = h_slate_copy_rootfs(h_rootfs);
	if (!rootfs_copy)
		return 2;
	runner_pid = getpid();
	atexit(drop_rootfs_copy);
	/* A step that did not compile still gets a report: every test fails. */
	bool not_built = realpath(h_bin, bin) == NULL || access(bin, X_OK) < 0;
	if (!not_built)
		h_bin = bin;
	if (not_built && expect_fail) {
		fprintf(stderr, "runner: %s is missing: build it first\n", h_bin);
		return 2;
	}

	h_register(&suite, &step);
	Suite *s = suite_create(step);
	for (size_t i = 0; i < suite.n; i++) {
		TCase *tc = tcase_create(suite.tests[i].test->name);
		tcase_add_unchecked_fixture(tc, before_test, after_test);
		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, suite.tests[i].test);
		suite_add_tcase(s, tc);
	}
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	if (xml)
		srunner_set_xml(sr, xml);
	if (tap)
		srunner_set_tap(sr, tap);
	if (!not_built)
		srunner_run_all(sr, CK_SILENT);

	for (size_t i = 0; not_built && i < suite.n; i++)
		suite.tests[i].msg =
			"the step did not build: fix the compiler's errors shown above";
	TestResult **results = srunner_results(sr);
	for (int i = 0; !not_built && i < srunner_ntests_run(sr); i++) {
		struct h_test *t = find(tr_tcname(results[i]));
		if (!t)
			continue;
		t->passed = tr_rtype(results[i]) == CK_PASS && !t->leaked;
		t->msg = tr_rtype(results[i]) == CK_PASS ? "" : tr_msg(results[i]);
	}

	printf("== Step %s%s%s%s: %s ==\n", step, *impl ? " (" : "", impl, *impl ? ")" : "",
	       expect_fail ? "proving that each test can fail" : h_bin);
	for (size_t i = 0; i < suite.n; i++) {
		struct h_test *t = &suite.tests[i];
		max += t->points;
		if (t->passed) {
			score += t->points;
			passed++;
		}
		if (expect_fail) {
			printf("  %-6s %s%s\n", t->passed ? "PASSES" : "fails", t->test->name,
			       t->passed ? "  <- cannot tell this implementation from a solution"
					 : "");
			continue;
		}
		printf("  %s  %2d/%-2d  %s\n", t->passed ? "PASS" : "FAIL",
		       t->passed ? t->points : 0, t->points, t->test->name);
		if (!t->passed) {
			if (t->msg && *t->msg)
				print_indented("", t->msg);
			if (t->leaked)
				print_indented(LEFT_LABEL, t->leaked);
			print_indented("read: ", hint_of(t));
		}
	}
	if (expect_fail)
		printf("  %zu of %zu tests fail against %s\n", suite.n - passed, suite.n, impl);
	else
		printf("  Score %d/%d: %d passed, %zu failed\n", score, max, passed,
		       suite.n - passed);

	if (json) {
		FILE *f = fopen(json, "we");
		if (!f) {
			perror(json);
			return 2;
		}
		fprintf(f, "{\"step\": ");
		json_string(f, step);
		fprintf(f, ", \"impl\": ");
		json_string(f, impl);
		fprintf(f, ", \"score\": %d, \"max\": %d, \"tests\": [", score, max);
		for (size_t i = 0; i < suite.n; i++) {
			struct h_test *t = &suite.tests[i];
			char *msg = NULL;
			const char *said = t->msg ? t->msg : "";
			if (!t->passed &&
			    asprintf(&msg, "%s%s%s%s; read: %s", said,
				     *said && t->leaked ? "; " : "", t->leaked ? LEFT_LABEL : "",
				     t->leaked ? t->leaked : "", hint_of(t)) < 0)
				abort();
			fprintf(f, "%s\n  {\"name\": ", i ? "," : "");
			json_string(f, t->test->name);
			fprintf(f, ", \"points\": %d, \"passed\": %s, \"message\": ", t->points,
				t->passed ? "true" : "false");
			json_string(f, msg ? msg : "");
			fputc('}', f);
			free(msg);
		}
		fprintf(f, "\n]}\n");
		fclose(f);
	}
	srunner_free(sr);
	if (expect_fail)
		return passed == 0 ? 0 : 1;
	return passed == (int)suite.n ? 0 : 1;
}
