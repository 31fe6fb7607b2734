/* Unit tests of the library: parsers, errors, options and the lifecycle (run
 * here with stages of the tests' own and no namespaces). */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "error.h"
#include "options.h"
#include "parse.h"

/* ---- sizes and counts ---- */

START_TEST(test_size_accepts_units)
{
	static const struct {
		const char *in;
		uint64_t want;
	} ok[] = {
		{ "4096", 4096 },
		{ "512k", 512ull << 10 },
		{ "512K", 512ull << 10 },
		{ "64M", 64ull << 20 },
		{ "64m", 64ull << 20 },
		{ "1G", 1ull << 30 },
		{ "2T", 2ull << 40 },
		{ "64MB", 64ull << 20 },
		{ "64MiB", 64ull << 20 },
		{ "9223372036854775807", INT64_MAX },
		{ "8388607T", 8388607ull << 40 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct byoc_error err = { 0 };
		uint64_t v = 0;
		int r = byoc_parse_size(ok[i].in, &v, &err);
		ck_assert_msg(r == 0 && v == ok[i].want,
			      "size '%s': expected %llu, saw r=%d v=%llu (%s)", ok[i].in,
			      (unsigned long long)ok[i].want, r, (unsigned long long)v, err.msg);
	}
}
END_TEST

START_TEST(test_size_rejects_bad_input)
{
	static const struct {
		const char *in, *says;
	} bad[] = {
		{ "", "empty" },
		{ "0", "zero" },
		{ "0M", "zero" },
		{ "-5", "invalid" },
		{ "12Q", "invalid" },
		{ "1.5G", "invalid" },
		{ " 64M", "invalid" },
		{ "64M ", "invalid" },
		{ "0x10", "invalid" },
		{ "M", "invalid" },
		{ "64MM", "invalid" },
		{ "99999999999999999999G", "too large" },
		{ "18446744073709551615", "too large" },
		{ "9223372036854775808", "too large" },
		{ "8388608T", "too large" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct byoc_error err = { 0 };
		uint64_t v = 12345;
		int r = byoc_parse_size(bad[i].in, &v, &err);
		ck_assert_msg(
			r < 0 && v == 12345 && err.status == 125 && strstr(err.msg, bad[i].says),
			"size '%s': expected a refusal saying \"%s\"; saw r=%d v=%llu msg \"%s\"",
			bad[i].in, bad[i].says, r, (unsigned long long)v, err.msg);
	}
	struct byoc_error err = { 0 };
	uint64_t v;
	ck_assert(byoc_parse_size(NULL, &v, &err) < 0);
}
END_TEST

START_TEST(test_count_range)
{
	struct byoc_error err = { 0 };
	uint64_t v = 0;

	ck_assert(byoc_parse_count("16", 1, 100, &v, &err) == 0 && v == 16);
	ck_assert(byoc_parse_count("1", 1, 100, &v, &err) == 0 && v == 1);
	ck_assert(byoc_parse_count("100", 1, 100, &v, &err) == 0 && v == 100);
	static const char *const bad[] = { "0",	 "101", "abc", "",
					   "-1", "16x", "1e3", "99999999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		ck_assert_msg(
			byoc_parse_count(bad[i], 1, 100, &v, &err) < 0 && v == 7 &&
				strstr(err.msg, "from 1 to 100"),
			"count '%s': expected a refusal naming the range; saw v=%llu msg \"%s\"",
			bad[i], (unsigned long long)v, err.msg);
	}
}
END_TEST

/* ---- errors ---- */

START_TEST(test_error_sys_names_call_errno_and_hint)
{
	struct byoc_error err = { 0 };
	int r = byoc_error_sys(&err, ENOENT, "chroot(%s)", "/nope");

	ck_assert_int_eq(r, -ENOENT);
	ck_assert_int_eq(err.status, 125);
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert_msg(strncmp(err.msg, "chroot(/nope): ENOENT (No such file or directory): ", 51) ==
				      0 &&
			      strstr(err.msg, "make rootfs"),
		      "saw \"%s\"", err.msg);
}
END_TEST

START_TEST(test_explain_prefers_the_call)
{
	ck_assert_ptr_nonnull(strstr(byoc_explain("pivot_root", EINVAL), "mount point"));
	ck_assert_ptr_nonnull(strstr(byoc_explain("mount", ENOSPC), "mount-max"));
	/* EPERM of an unlisted call falls back to the generic hint. */
	ck_assert_ptr_nonnull(strstr(byoc_explain("unlisted", EPERM), "root"));
	ck_assert_ptr_nonnull(strstr(byoc_explain("chroot", EPERM), "CAP_SYS_CHROOT"));
	ck_assert_ptr_null(byoc_explain("chroot", ENOSYS));
	ck_assert_ptr_null(byoc_explain(NULL, ENOSYS));
}
END_TEST

START_TEST(test_errno_name_unknown_number)
{
	char buf[16];

	ck_assert_str_eq(byoc_errno_name(EINVAL, buf, sizeof(buf)), "EINVAL");
	ck_assert_str_eq(byoc_errno_name(4000, buf, sizeof(buf)), "E4000");
}
END_TEST

/* ---- options ---- */

static int parse(unsigned allowed, struct byoc_options *o, struct byoc_error *err, ...)
{
	static char *default_command[] = { "/bin/sh", NULL };
	static char *argv[32]; /* the parsed options point into it */
	int argc = 1;
	va_list ap;

	memset(argv, 0, sizeof(argv));
	argv[0] = "step";
	va_start(ap, err);
	for (char *a; (a = va_arg(ap, char *));)
		argv[argc++] = a;
	va_end(ap);
	return byoc_options_parse(argc, argv, allowed, "01-chroot", "/default/rootfs",
				  default_command, o, err);
}

#define ALL01 (BYOC_OPT_ROOTFS | BYOC_OPT_VERBOSE | BYOC_OPT_HELP)

START_TEST(test_options_defaults)
{
	struct byoc_error err = { 0 };
	struct byoc_options o;

	ck_assert_int_eq(parse(ALL01, &o, &err, NULL), 0);
	ck_assert_str_eq(o.rootfs, "/default/rootfs");
	ck_assert_str_eq(o.command[0], "/bin/sh");
	ck_assert_ptr_null(o.command[1]);
	ck_assert(!o.verbose && !o.help);
}
END_TEST

START_TEST(test_options_forms)
{
	struct byoc_error err = { 0 };
	struct byoc_options o;

	ck_assert_int_eq(parse(ALL01, &o, &err, "--rootfs", "/r", "-v", "ls", "-l", NULL), 0);
	ck_assert_str_eq(o.rootfs, "/r");
	ck_assert(o.verbose);
	ck_assert_str_eq(o.command[0], "ls");
	ck_assert_str_eq(o.command[1], "-l"); /* options end where the command starts */

	ck_assert_int_eq(parse(ALL01, &o, &err, "--rootfs=/eq", "--", "-v", NULL), 0);
	ck_assert_str_eq(o.rootfs, "/eq");
	ck_assert(!o.verbose);
	ck_assert_str_eq(o.command[0], "-v");

	ck_assert_int_eq(parse(ALL01, &o, &err, "--help", NULL), 0);
	ck_assert(o.help);

	/* Step 02's options, stored as given: the stage validates them. */
	unsigned all02 = ALL01 | BYOC_OPT_HOSTNAME | BYOC_OPT_INIT;
	ck_assert_int_eq(parse(all02, &o, &err, "--hostname", "", "--init", NULL), 0);
	ck_assert_str_eq(o.hostname, "");
	ck_assert(o.init);
	ck_assert_int_eq(parse(all02, &o, &err, "--hostname=box", NULL), 0);
	ck_assert_str_eq(o.hostname, "box");
	ck_assert(!o.init);
}
END_TEST

START_TEST(test_options_errors)
{
	static const struct {
		const char *a, *b, *says;
	} bad[] = {
		{ "--bogus", NULL, "unknown option '--bogus'" },
		{ "-x", NULL, "unknown option '-x'" },
		{ "--memory", "64M", "arrives in step 04-cgroups" },
		{ "--hostname=box", NULL, "arrives in step 02-pid-ns" },
		{ "--rootfs", NULL, "--rootfs needs a value" },
		{ "--rootfs=", NULL, "--rootfs is empty" },
		{ "--verbose=yes", NULL, "--verbose takes no value" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct byoc_error err = { 0 };
		struct byoc_options o;
		int r = parse(ALL01, &o, &err, bad[i].a, bad[i].b, NULL);
		ck_assert_msg(r < 0 && err.status == 125 && strstr(err.msg, bad[i].says),
			      "'%s %s': expected an error saying \"%s\"; saw r=%d \"%s\"", bad[i].a,
			      bad[i].b ? bad[i].b : "", bad[i].says, r, err.msg);
	}
}
END_TEST

/* ---- stages and the lifecycle ---- */

/* Hooks record what ran: the parent's in `events`, the child's through a
 * pipe, since the child is another process. */
static char events[512];
static int child_pipe = -1;

static void event(const char *what)
{
	strcat(events, what);
}

static void child_event(const char *what)
{
	if (write(child_pipe, what, strlen(what)) < 0)
		_exit(99);
}

static int a_prepare(struct byoc_container *c, struct byoc_error *err)
{
	(void)c, (void)err;
	event("prepare:a ");
	return 0;
}
static int a_after(struct byoc_container *c, struct byoc_error *err)
{
	(void)err;
	event(c->pid > 0 ? "after:a " : "after:a-without-pid ");
	return 0;
}
static int a_child(struct byoc_container *c, struct byoc_error *err)
{
	(void)c, (void)err;
	child_event("child:a ");
	return 0;
}
static void a_cleanup(struct byoc_container *c)
{
	(void)c;
	event("cleanup:a ");
}
static int b_prepare(struct byoc_container *c, struct byoc_error *err)
{
	(void)c, (void)err;
	event("prepare:b ");
	return 0;
}
static int b_child(struct byoc_container *c, struct byoc_error *err)
{
	(void)c, (void)err;
	child_event("child:b ");
	return 0;
}
static void b_cleanup(struct byoc_container *c)
{
	(void)c;
	event("cleanup:b ");
}
static int fail_prepare(struct byoc_container *c, struct byoc_error *err)
{
	(void)c;
	event("prepare:fail ");
	return byoc_error_sys(err, EPERM, "mount(/x)");
}
static int fail_after(struct byoc_container *c, struct byoc_error *err)
{
	(void)c;
	event("after:fail ");
	return byoc_error_set(err, 125, "after_clone failed on purpose");
}
static int fail_child(struct byoc_container *c, struct byoc_error *err)
{
	(void)c, (void)err;
	return byoc_error_sys(err, EINVAL, "pivot_root(.)");
}

static const struct byoc_stage stage_a = { "a", NULL, 0, a_prepare, a_after, a_child, a_cleanup };
static const struct byoc_stage stage_b = { "b", NULL, 0, b_prepare, NULL, b_child, b_cleanup };
static const struct byoc_stage stage_b_over_a = {
	"b", "a", 0, b_prepare, NULL, b_child, b_cleanup
};
static const struct byoc_stage stage_fail = {
	"fails", NULL, 0, fail_prepare, NULL, NULL, b_cleanup
};
static const struct byoc_stage stage_fail_after = { "late", NULL, 0, NULL, fail_after, NULL, NULL };
static const struct byoc_stage stage_fail_child = {
	"pivot", NULL, 0, NULL, NULL, fail_child, NULL
};

static bool run_with_init; /* --init for the next run() */

/* Run `cmd` in a container made of `stages`; the child's events are appended
 * to `events` after a "| ". */
static int run(const struct byoc_stage *const *stages, size_t n, const char *const *cmd,
	       int *status, struct byoc_error *err)
{
	static struct byoc_options opts;
	struct byoc_container c;
	char child_events[256] = "";
	int fds[2], r;
	ssize_t got;

	opts.command = (char **)cmd;
	opts.init = run_with_init;
	events[0] = '\0';
	ck_assert(pipe2(fds, O_CLOEXEC) == 0);
	child_pipe = fds[1];
	ck_assert(byoc_container_init(&c, &opts, err) == 0);
	r = byoc_container_run(&c, stages, n, status, err);
	close(fds[1]);
	got = read(fds[0], child_events, sizeof(child_events) - 1);
	child_events[got > 0 ? got : 0] = '\0';
	close(fds[0]);
	strcat(events, "| ");
	strcat(events, child_events);
	return r;
}

static const char *const cmd_true[] = { "/bin/sh", "-c", "exit 0", NULL };

START_TEST(test_lifecycle_hook_order)
{
	const struct byoc_stage *stages[] = { &stage_a, &stage_b };
	struct byoc_error err = { 0 };
	int status = -1;

	ck_assert_int_eq(run(stages, 2, cmd_true, &status, &err), 0);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(events,
			 "prepare:a prepare:b after:a cleanup:b cleanup:a | child:a child:b ");
}
END_TEST

START_TEST(test_lifecycle_supersedes)
{
	const struct byoc_stage *in[] = { &stage_a, &stage_b_over_a }, *out[2];
	struct byoc_error err = { 0 };
	int status;

	ck_assert_int_eq(byoc_stages_resolve(in, 2, out), 1);
	ck_assert_ptr_eq(out[0], &stage_b_over_a);
	ck_assert_int_eq(run(in, 2, cmd_true, &status, &err), 0);
	ck_assert_str_eq(events, "prepare:b cleanup:b | child:b ");
}
END_TEST

START_TEST(test_lifecycle_prepare_failure_cleans_up)
{
	const struct byoc_stage *stages[] = { &stage_a, &stage_fail, &stage_b };
	struct byoc_error err = { 0 };
	int status = -1;

	ck_assert_int_lt(run(stages, 3, cmd_true, &status, &err), 0);
	ck_assert_int_eq(err.status, 125);
	ck_assert_str_eq(err.stage, "fails");
	ck_assert_ptr_nonnull(strstr(err.msg, "mount(/x): EPERM"));
	/* The failing stage is cleaned up too; the stage after it never started. */
	ck_assert_str_eq(events, "prepare:a prepare:fail cleanup:b cleanup:a | ");
}
END_TEST

START_TEST(test_lifecycle_after_clone_failure_kills_child)
{
	const struct byoc_stage *stages[] = { &stage_a, &stage_fail_after };
	const char *const cmd[] = { "/bin/sh", "-c", "echo ran", NULL };
	struct byoc_error err = { 0 };
	int status = -1;

	ck_assert_int_lt(run(stages, 2, cmd, &status, &err), 0);
	ck_assert_str_eq(err.stage, "late");
	ck_assert_int_eq(err.status, 125);
	/* The child never got "go": no child_setup ran. */
	ck_assert_str_eq(events, "prepare:a after:a after:fail cleanup:a | ");
}
END_TEST

START_TEST(test_lifecycle_child_error_reaches_parent)
{
	const struct byoc_stage *stages[] = { &stage_a, &stage_fail_child, &stage_b };
	struct byoc_error err = { 0 };
	int status = -1;

	ck_assert_int_lt(run(stages, 3, cmd_true, &status, &err), 0);
	ck_assert_int_eq(err.status, 125);
	ck_assert_str_eq(err.stage, "pivot");
	ck_assert_msg(strstr(err.msg, "pivot_root(.): EINVAL") && strstr(err.msg, "mount point"),
		      "saw \"%s\"", err.msg);
	ck_assert_str_eq(events, "prepare:a prepare:b after:a cleanup:b cleanup:a | child:a ");
}
END_TEST

START_TEST(test_lifecycle_exec_statuses)
{
	const struct byoc_stage *stages[] = { &stage_a };
	const char *const missing[] = { "/nonexistent/tool", NULL };
	const char *const dir[] = { "/", NULL };
	const char *const exit42[] = { "/bin/sh", "-c", "exit 42", NULL };
	const char *const killed[] = { "/bin/sh", "-c", "kill -KILL $$", NULL };
	struct byoc_error err = { 0 };
	int status = -1;

	ck_assert_int_lt(run(stages, 1, missing, &status, &err), 0);
	ck_assert_int_eq(err.status, 127);
	ck_assert_ptr_nonnull(strstr(err.msg, "execve(/nonexistent/tool): ENOENT"));
	ck_assert_str_eq(events, "prepare:a after:a cleanup:a | child:a ");

	ck_assert_int_lt(run(stages, 1, dir, &status, &err), 0);
	ck_assert_int_eq(err.status, 126);

	ck_assert_int_eq(run(stages, 1, exit42, &status, &err), 0);
	ck_assert_int_eq(status, 42);
	ck_assert_int_eq(run(stages, 1, killed, &status, &err), 0);
	ck_assert_int_eq(status, 128 + SIGKILL);
}
END_TEST

START_TEST(test_lifecycle_forwards_signals)
{
	const struct byoc_stage *stages[] = { &stage_a };
	/* The command signals its parent, the runtime, which must pass the
	 * signal back; the trap turns it into status 7. */
	const char *const cmd[] = { "/bin/sh", "-c",
				    "trap 'exit 7' TERM; kill -TERM $PPID; "
				    "while :; do sleep 1; done",
				    NULL };
	struct byoc_error err = { 0 };
	int status = -1;

	ck_assert_int_eq(run(stages, 1, cmd, &status, &err), 0);
	ck_assert_int_eq(status, 7);
}
END_TEST

static const struct byoc_stage stage_newpid = {
	"newpid", NULL, CLONE_NEWPID, NULL, NULL, NULL, NULL
};

START_TEST(test_lifecycle_init_makes_command_pid_2)
{
	const struct byoc_stage *stages[] = { &stage_newpid };
	const char *const cmd[] = { "/bin/sh", "-c", "exit $$", NULL };
	const char *const killed[] = { "/bin/sh", "-c", "kill -KILL $$", NULL };
	const char *const missing[] = { "/nonexistent/tool", NULL };
	struct byoc_error err = { 0 };
	int status = -1;

	ck_assert_int_eq(run(stages, 1, cmd, &status, &err), 0);
	ck_assert_msg(status == 1, "without --init the command is PID 1; saw %d", status);
	run_with_init = true;
	ck_assert_int_eq(run(stages, 1, cmd, &status, &err), 0);
	ck_assert_msg(status == 2, "with --init the command is PID 2; saw %d", status);
	/* The init passes the command's death by a signal on as 128+N. */
	ck_assert_int_eq(run(stages, 1, killed, &status, &err), 0);
	ck_assert_int_eq(status, 128 + SIGKILL);
	/* The command's exec failure still reaches the runtime. */
	ck_assert_int_lt(run(stages, 1, missing, &status, &err), 0);
	ck_assert_int_eq(err.status, 127);
	run_with_init = false;
}
END_TEST

START_TEST(test_container_ids_differ)
{
	struct byoc_options opts = { 0 };
	struct byoc_container a, b;
	struct byoc_error err = { 0 };

	ck_assert_int_eq(byoc_container_init(&a, &opts, &err), 0);
	ck_assert_int_eq(byoc_container_init(&b, &opts, &err), 0);
	ck_assert_int_eq(strlen(a.id), 12);
	ck_assert_str_ne(a.id, b.id);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lib");
	TCase *tc = tcase_create("lib");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_size_accepts_units);
	tcase_add_test(tc, test_size_rejects_bad_input);
	tcase_add_test(tc, test_count_range);
	tcase_add_test(tc, test_error_sys_names_call_errno_and_hint);
	tcase_add_test(tc, test_explain_prefers_the_call);
	tcase_add_test(tc, test_errno_name_unknown_number);
	tcase_add_test(tc, test_options_defaults);
	tcase_add_test(tc, test_options_forms);
	tcase_add_test(tc, test_options_errors);
	tcase_add_test(tc, test_lifecycle_hook_order);
	tcase_add_test(tc, test_lifecycle_supersedes);
	tcase_add_test(tc, test_lifecycle_prepare_failure_cleans_up);
	tcase_add_test(tc, test_lifecycle_after_clone_failure_kills_child);
	tcase_add_test(tc, test_lifecycle_child_error_reaches_parent);
	tcase_add_test(tc, test_lifecycle_exec_statuses);
	tcase_add_test(tc, test_lifecycle_forwards_signals);
	tcase_add_test(tc, test_lifecycle_init_makes_command_pid_2);
	tcase_add_test(tc, test_container_ids_differ);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
