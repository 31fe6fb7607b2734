/* Unit tests of the library: parsers, errors, options and the lifecycle (run
 * here with stages of the tests' own and no namespaces). */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "container.h"
#include "devices.h"
#include "error.h"
#include "options.h"
#include "parse.h"
#include "seccomp_cache.h"
#include "seccomp_profile.h"
#include "state.h"
#include "gc.h"
#include "record.h"
#include "userns.h"

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

/* A call's first argument picks a hint of its own: an overlay's EINVAL is not
 * any mount's. */
START_TEST(test_explain_by_first_argument)
{
	struct byoc_error err = { 0 };

	byoc_error_sys(&err, EINVAL, "mount(overlay, /m, lowerdir=/a)");
	ck_assert_msg(strstr(err.msg, "dmesg"), "saw \"%s\"", err.msg);
	byoc_error_sys(&err, EINVAL, "mount(/proc)");
	ck_assert_msg(strstr(err.msg, "see mount(2)") && !strstr(err.msg, "dmesg"), "saw \"%s\"",
		      err.msg);
}
END_TEST

/* "Run as root (sudo)" to a process that is root sends it in a circle: root
 * hears which capability it lacks; any other user hears to use sudo. */
START_TEST(test_explain_eperm_knows_who_asks)
{
	static const char *const calls[] = { "cap_drop_bound", "chroot", "mount", "clone",
					     "unlisted" };

	ck_assert_msg(geteuid() == 0, "the unit tests run as root");
	ck_assert_msg(strstr(byoc_explain("cap_drop_bound", EPERM), "CAP_SETPCAP") &&
			      strstr(byoc_explain("cap_drop_bound", EPERM), "first"),
		      "cap_drop_bound: EPERM to root says to drop the bounding set first");
	for (int as_root = 1; as_root >= 0; as_root--) {
		if (!as_root)
			ck_assert_msg(setuid(65534) == 0, "setuid: %s", strerror(errno));
		for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
			const char *h = byoc_explain(calls[i], EPERM);
			ck_assert_msg(h && (as_root ? !strstr(h, "sudo") : !!strstr(h, "root")),
				      "%s: EPERM %s: saw \"%s\"", calls[i],
				      as_root ? "to root" : "to nobody", h);
		}
	}
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

/* Capability names as capabilities(7) spells them, in any case, with or
 * without CAP_, or ALL; see cap_from_name(3). */
START_TEST(test_options_capabilities)
{
	static const struct {
		const char *name;
		int cap; /* -1: ALL */
	} good[] = {
		{ "NET_RAW", CAP_NET_RAW },
		{ "net_raw", CAP_NET_RAW },
		{ "CAP_NET_RAW", CAP_NET_RAW },
		{ "cap_Net_Raw", CAP_NET_RAW },
		{ "SYS_ADMIN", CAP_SYS_ADMIN },
		{ "chown", CAP_CHOWN },
		{ "ALL", -1 },
		{ "all", -1 },
	};
	static const char *const bad[] = { "FOO",	 "21",	    "CAP_",	     "",
					   "cap_chownx", "NET RAW", "CAP_CAP_CHOWN", "-1" };
	unsigned caps = ALL01 | BYOC_OPT_CAP_ADD | BYOC_OPT_CAP_DROP | BYOC_OPT_PRIVILEGED;
	struct byoc_error err = { 0 };
	struct byoc_options o;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint64_t want = good[i].cap < 0 ? BYOC_CAPS_ALL : 1ULL << good[i].cap;
		ck_assert_msg(parse(caps, &o, &err, "--cap-add", good[i].name, "--cap-drop",
				    good[i].name, NULL) == 0,
			      "--cap-add %s: %s", good[i].name, err.msg);
		ck_assert_msg(o.cap_add == want && o.cap_drop == want,
			      "--cap-add/--cap-drop %s: expected %#llx; saw %#llx, %#llx",
			      good[i].name, (unsigned long long)want, (unsigned long long)o.cap_add,
			      (unsigned long long)o.cap_drop);
	}
	ck_assert_int_eq(
		parse(caps, &o, &err, "--cap-add", "chown", "--cap-add=KILL", "--privileged", NULL),
		0);
	ck_assert(o.cap_add == ((1ULL << CAP_CHOWN) | (1ULL << CAP_KILL)) && o.cap_drop == 0);
	ck_assert(o.privileged);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse(caps, &o, &err, "--cap-drop", bad[i], NULL);
		char *want = NULL;
		ck_assert(asprintf(&want, "--cap-drop %s: no such capability", bad[i]) > 0);
		ck_assert_msg(r < 0 && err.status == 125 && strstr(err.msg, want),
			      "--cap-drop '%s': expected \"%s\"; saw r=%d \"%s\"", bad[i], want, r,
			      err.msg);
		free(want);
	}
}
END_TEST

/* ---- 08-devices-and-proc: --device and the v1 lines ---- */

/* --security-opt, as docker run spells it; the last seccomp= wins. */
START_TEST(test_options_security_opt)
{
	static const char *const bad[] = { "apparmor=unconfined", "seccomp",
					   "seccomp=", "label:x" };
	unsigned opts = ALL01 | BYOC_OPT_SECURITY_OPT;
	struct byoc_error err = { 0 };
	struct byoc_options o;

	ck_assert_int_eq(parse(opts, &o, &err, NULL), 0);
	ck_assert_int_eq(o.seccomp, BYOC_SECCOMP_DEFAULT);
	ck_assert_int_eq(parse(opts, &o, &err, "--security-opt", "seccomp=unconfined", NULL), 0);
	ck_assert_int_eq(o.seccomp, BYOC_SECCOMP_UNCONFINED);
	ck_assert_int_eq(parse(opts, &o, &err, "--security-opt=seccomp=/etc/p.json",
			       "--security-opt", "no-new-privileges", NULL),
			 0);
	ck_assert_int_eq(o.seccomp, BYOC_SECCOMP_PROFILE);
	ck_assert_str_eq(o.seccomp_profile, "/etc/p.json");
	ck_assert_int_eq(parse(opts, &o, &err, "--security-opt", "seccomp:/a.json",
			       "--security-opt", "seccomp=unconfined", NULL),
			 0);
	ck_assert_msg(o.seccomp == BYOC_SECCOMP_UNCONFINED && !o.seccomp_profile,
		      "expected the last --security-opt seccomp= to win");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse(opts, &o, &err, "--security-opt", bad[i], NULL);
		ck_assert_msg(
			r < 0 && err.status == 125 && strstr(err.msg, "--security-opt") &&
				strstr(err.msg, "give seccomp=unconfined"),
			"--security-opt %s: expected a refusal naming the fix; saw r=%d \"%s\"",
			bad[i], r, err.msg);
	}
	ck_assert_msg(parse(ALL01, &o, &err, "--security-opt", "seccomp=unconfined", NULL) < 0 &&
			      strstr(err.msg, "arrives in step 09-seccomp"),
		      "--security-opt before step 09: %s", err.msg);
}
END_TEST

START_TEST(test_options_device)
{
	static const struct {
		const char *bad, *says;
	} bad[] = {
		{ "dev/null", "is not an absolute path" },
		{ "/dev/null:/etc/null", "must be a name in /dev" },
		{ "/dev/null:/dev/a/b", "must be a name in /dev" },
		{ "/dev/null:/dev/..", "must be a name in /dev" },
		{ "/dev/null:/dev/", "must be a name in /dev" },
		{ "/dev/null:/dev/n:rwx", "is not a set of permissions" },
		{ "/dev/null:/dev/n:rr", "is not a set of permissions" },
	};
	unsigned opts = ALL01 | BYOC_OPT_DEVICE;
	struct byoc_error err = { 0 };
	struct byoc_options o;

	ck_assert_int_eq(parse(opts, &o, &err, "--device", "/dev/fuse", "--device",
			       "/dev/loop7:/dev/disk:r", "--device=/dev/kmsg::w", NULL),
			 0);
	ck_assert_int_eq(o.n_devices, 3);
	ck_assert_str_eq(o.devices[0].host, "/dev/fuse");
	ck_assert_str_eq(o.devices[0].container, "/dev/fuse");
	ck_assert_uint_eq(o.devices[0].access,
			  BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD);
	ck_assert_str_eq(o.devices[1].container, "/dev/disk");
	ck_assert_uint_eq(o.devices[1].access, BPF_DEVCG_ACC_READ);
	ck_assert_str_eq(o.devices[2].container, "/dev/kmsg");
	ck_assert_uint_eq(o.devices[2].access, BPF_DEVCG_ACC_WRITE);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse(opts, &o, &err, "--device", bad[i].bad, NULL);
		ck_assert_msg(r < 0 && err.status == 125 && strstr(err.msg, bad[i].says) &&
				      strstr(err.msg, "--device"),
			      "--device %s: expected \"%s\"; saw r=%d \"%s\"", bad[i].bad,
			      bad[i].says, r, err.msg);
	}
	ck_assert_msg(parse(ALL01, &o, &err, "--device", "/dev/fuse", NULL) < 0 &&
			      strstr(err.msg, "arrives in step 08-devices-and-proc"),
		      "--device before step 08: %s", err.msg);
}
END_TEST

START_TEST(test_devices_rule_lines)
{
	static const struct {
		struct byoc_dev_rule rule;
		const char *line;
	} rules[] = {
		{ { BYOC_DEV_CHAR, 1, 3,
		    BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD },
		  "c 1:3 rwm" },
		{ { BYOC_DEV_BLOCK, BYOC_DEV_WILDCARD, BYOC_DEV_WILDCARD, BPF_DEVCG_ACC_MKNOD },
		  "b *:* m" },
		{ { BYOC_DEV_CHAR, 136, BYOC_DEV_WILDCARD, BPF_DEVCG_ACC_READ }, "c 136:* r" },
		{ { BYOC_DEV_ANY, BYOC_DEV_WILDCARD, BYOC_DEV_WILDCARD, 0 }, "a" },
	};
	char line[64];

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		byoc_dev_rule_format(&rules[i].rule, line, sizeof(line));
		ck_assert_str_eq(line, rules[i].line);
	}
}
END_TEST

/* ---- 05-overlayfs: layers and the overlay's options ---- */

#define ALL05 (ALL01 | BYOC_OPT_LAYER | BYOC_OPT_STATE_DIR | BYOC_OPT_KEEP)

START_TEST(test_overlay_layer_options)
{
	char root[] = "/tmp/byoc-unit-XXXXXX";
	struct byoc_error err = { 0 };
	struct byoc_options o;

	ck_assert(mkdtemp(root));
	char *a = NULL, *b = NULL, *file = NULL, *aslash = NULL;
	ck_assert(asprintf(&a, "%s/a", root) > 0 && asprintf(&b, "%s/b", root) > 0 &&
		  asprintf(&file, "%s/f", root) > 0 && asprintf(&aslash, "%s/a/", root) > 0);
	ck_assert(mkdir(a, 0755) == 0 && mkdir(b, 0755) == 0);
	close(open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));

	ck_assert_int_eq(parse(ALL05, &o, &err, "--layer", a, "--layer", b, "--keep", NULL), 0);
	ck_assert_uint_eq(o.n_layers, 2);
	ck_assert_str_eq(o.layers[0], a); /* as given: the last on top */
	ck_assert_str_eq(o.layers[1], b);
	ck_assert(o.keep);
	ck_assert_ptr_null(o.state_dir);

	ck_assert_int_lt(parse(ALL05, &o, &err, "--layer", a, "--layer", aslash, NULL), 0);
	ck_assert_msg(strstr(err.msg, "given twice"), "%s", err.msg);
	ck_assert_int_lt(parse(ALL05, &o, &err, "--layer", file, NULL), 0);
	ck_assert_msg(strstr(err.msg, "is a file, not a directory"), "%s", err.msg);
	ck_assert_int_lt(parse(ALL05, &o, &err, "--layer", "/no/such/layer", NULL), 0);
	ck_assert_msg(strstr(err.msg, "/no/such/layer: No such file"), "%s", err.msg);
	ck_assert_int_lt(parse(ALL05, &o, &err, "--layer", "/a,b", NULL), 0);
	ck_assert_msg(strstr(err.msg, "holds ','"), "%s", err.msg);
	ck_assert_int_lt(parse(ALL05, &o, &err, "--layer", "", NULL), 0);
	ck_assert_int_lt(parse(ALL05, &o, &err, "--state-dir", file, NULL), 0);
	ck_assert_msg(strstr(err.msg, "is not a directory"), "%s", err.msg);
	ck_assert_int_eq(parse(ALL05, &o, &err, "--state-dir", root, NULL), 0);
	ck_assert_str_eq(o.state_dir, root);
	/* Options of step 05 are refused by earlier steps. */
	ck_assert_int_lt(parse(ALL01, &o, &err, "--layer", a, NULL), 0);
	ck_assert_msg(strstr(err.msg, "arrives in step 05-overlayfs"), "%s", err.msg);

	/* 499 layers and the rootfs: overlayfs's 500; one more is refused. */
	memset(&o, 0, sizeof(o));
	for (int i = 0; i < BYOC_LAYERS_MAX; i++) {
		char *d = NULL;
		ck_assert(asprintf(&d, "%s/l%d", root, i) > 0 && mkdir(d, 0755) == 0);
		int r = byoc_layer_add(o.layers, &o.n_layers, d, &err);
		ck_assert_msg(i < BYOC_LAYERS_MAX - 1 ? r == 0 : r < 0, "layer %d: %d %s", i, r,
			      err.msg);
		if (r < 0)
			free(d); /* the accepted ones stay in o.layers until the tree goes */
	}
	ck_assert_msg(strstr(err.msg, "more than 499 layers"), "%s", err.msg);
	char *rm = NULL;
	ck_assert(asprintf(&rm, "rm -rf %s", root) > 0 && system(rm) == 0);
	for (size_t i = 0; i < o.n_layers; i++)
		free((char *)o.layers[i]);
	free(rm);
	free(a);
	free(b);
	free(file);
	free(aslash);
}
END_TEST

/* The overlay's options must fit in one page (mount(2) copies no more):
 * exactly at the limit they are accepted, one byte more is refused. */
START_TEST(test_overlay_options_fit_a_page)
{
	char dir[] = "/tmp/byoc-unit-XXXXXX";
	struct byoc_error err = { 0 };
	struct byoc_options o = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	size_t limit =
		page > 0 && page < BYOC_OVERLAY_DATA_MAX ? (size_t)page : BYOC_OVERLAY_DATA_MAX;
	static char layer[8192];

	ck_assert(mkdtemp(dir));
	o.rootfs = dir;
	/* "lowerdir=L:ROOTFS,upperdir=DIR/upper,workdir=DIR/work" and a NUL */
	size_t fixed = 9 + strlen(dir) + 10 + strlen(dir) + 6 + 9 + strlen(dir) + 5 + 1;
	size_t room = limit - fixed - 1; /* the layer's ':' */
	memset(layer, 'x', room);
	layer[0] = '/';
	layer[room] = '\0';
	o.layers[0] = layer;
	o.n_layers = 1;
	ck_assert_msg(byoc_overlay_check(o.rootfs, o.layers, o.n_layers, dir, &err) == 0,
		      "%zu bytes refused: %s", limit - 1, err.msg);
	layer[room] = 'x';
	layer[room + 1] = '\0';
	ck_assert_int_lt(byoc_overlay_check(o.rootfs, o.layers, o.n_layers, dir, &err), 0);
	ck_assert_msg(strstr(err.msg, "at most 0 of these layers fit"), "%s", err.msg);

	/* The rootfs given as a layer too. */
	o.layers[0] = dir;
	ck_assert_int_lt(byoc_overlay_check(o.rootfs, o.layers, o.n_layers, dir, &err), 0);
	ck_assert_msg(strstr(err.msg, "the rootfs itself"), "%s", err.msg);
	rmdir(dir);
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

static const struct byoc_stage stage_a = { .name = "a",
					   .prepare = a_prepare,
					   .after_clone = a_after,
					   .child_setup = a_child,
					   .cleanup = a_cleanup };
static const struct byoc_stage stage_b = {
	.name = "b", .prepare = b_prepare, .child_setup = b_child, .cleanup = b_cleanup
};
static const struct byoc_stage stage_b_over_a = { .name = "b",
						  .supersedes = "a",
						  .prepare = b_prepare,
						  .child_setup = b_child,
						  .cleanup = b_cleanup };
static const struct byoc_stage stage_fail = { .name = "fails",
					      .prepare = fail_prepare,
					      .cleanup = b_cleanup };
static const struct byoc_stage stage_fail_after = { .name = "late", .after_clone = fail_after };
static const struct byoc_stage stage_fail_child = { .name = "pivot", .child_setup = fail_child };

/* An after_clone() that overlaps the child's set-up: it sees the child's
 * event of an earlier stage before it returns, or waits 2 s for nothing. */
static int child_pipe_read = -1;
static int overlap_after(struct byoc_container *c, struct byoc_error *err)
{
	struct pollfd p = { .fd = child_pipe_read, .events = POLLIN };

	(void)c, (void)err;
	event(poll(&p, 1, 2000) == 1 ? "after:net-saw-child " : "after:net-alone ");
	return 0;
}
static int net_child(struct byoc_container *c, struct byoc_error *err)
{
	(void)c, (void)err;
	child_event("child:net ");
	return 0;
}
/* Fails once the child has died of its own failure. */
static int overlap_fail_after(struct byoc_container *c, struct byoc_error *err)
{
	siginfo_t si;

	waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOWAIT);
	return byoc_error_set(err, 125, "RTM_NEWLINK: ESRCH: the child is gone");
}
static const struct byoc_stage stage_overlap = { .name = "net",
						 .after_clone = overlap_after,
						 .child_setup = net_child,
						 .after_clone_overlaps = true };
static const struct byoc_stage stage_overlap_fail = { .name = "net",
						      .after_clone = overlap_fail_after,
						      .child_setup = net_child,
						      .after_clone_overlaps = true };

static int silent_prepare(struct byoc_container *c, struct byoc_error *err)
{
	(void)c, (void)err;
	event("prepare:silent ");
	return -1;
}
static int silent_child(struct byoc_container *c, struct byoc_error *err)
{
	(void)c, (void)err;
	return -1;
}
static const struct byoc_stage stage_silent = { .name = "quiet",
						.prepare = silent_prepare,
						.cleanup = b_cleanup };
static const struct byoc_stage stage_silent_child = { .name = "chroot",
						      .child_setup = silent_child };
static const struct byoc_stage stage_mount_ns = { .name = "mount", .clone_flags = CLONE_NEWNS };
static const struct byoc_stage stage_over_mount_ns = { .name = "plain", .supersedes = "mount" };

static const struct byoc_ns_need need_mount_ns[] = {
	{ CLONE_NEWNS, "mount", "exercises/03-mount-ns/mount.c",
	  "steps/03-mount-ns/README.md, \"Your task: pivot_root\"" },
};
/* The namespaces the next run() requires. */
static const struct byoc_ns_need *run_needs;
static size_t run_n_needs;

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
	child_pipe_read = fds[0];
	ck_assert(byoc_container_init(&c, &opts, err) == 0);
	r = byoc_container_run(&c, &(struct byoc_stage_list){ stages, n, run_needs, run_n_needs },
			       status, err);
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

START_TEST(test_lifecycle_after_clone_overlaps)
{
	const struct byoc_stage *stages[] = { &stage_b, &stage_overlap };
	struct byoc_error err = { 0 };
	int status = -1;

	ck_assert_int_eq(run(stages, 2, cmd_true, &status, &err), 0);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(events, "prepare:b after:net-saw-child cleanup:b | child:b child:net ");
}
END_TEST

START_TEST(test_lifecycle_overlap_child_failure_comes_first)
{
	const struct byoc_stage *stages[] = { &stage_fail_child, &stage_overlap_fail };
	struct byoc_error err = { 0 };
	int status = -1;

	ck_assert_int_lt(run(stages, 2, cmd_true, &status, &err), 0);
	ck_assert_int_eq(err.status, 125);
	ck_assert_str_eq(err.stage, "pivot");
	ck_assert_msg(strstr(err.msg, "pivot_root(.)"), "%s", err.msg);
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

/* A stage list without a namespace that the step declares is refused before
 * any hook runs, with a message naming the flag, the stage, its file and the
 * lesson. */
START_TEST(test_lifecycle_refuses_missing_namespace)
{
	const struct byoc_stage *stages[] = { &stage_a, &stage_b };
	struct byoc_error err = { 0 };
	int status = -1;

	run_needs = need_mount_ns;
	run_n_needs = 1;
	ck_assert_int_lt(run(stages, 2, cmd_true, &status, &err), 0);
	run_needs = NULL;
	run_n_needs = 0;
	ck_assert_int_eq(err.status, 125);
	ck_assert_str_eq(err.stage, "mount");
	ck_assert_msg(strstr(err.msg, "CLONE_NEWNS") && strstr(err.msg, "mount namespace") &&
			      strstr(err.msg, "exercises/03-mount-ns/mount.c") &&
			      strstr(err.msg, "\"Your task: pivot_root\"") &&
			      !strchr(err.msg, '\n'),
		      "expected one line naming CLONE_NEWNS, the file and the lesson; saw \"%s\"",
		      err.msg);
	/* Nothing ran: no prepare, no clone, no cleanup. */
	ck_assert_str_eq(events, "| ");
}
END_TEST

/* The capstone built from unfinished exercises lacks several namespaces at
 * once: one line names every one, each with its file. */
START_TEST(test_stages_check_names_every_missing_namespace)
{
	static const struct byoc_ns_need three[] = {
		{ CLONE_NEWPID, "pidns", "exercises/02-pid-ns/pidns.c",
		  "steps/02-pid-ns/README.md" },
		{ CLONE_NEWNS, "mount", "exercises/03-mount-ns/mount.c",
		  "steps/03-mount-ns/README.md" },
		{ CLONE_NEWNET, "net", "exercises/06-netns-veth/net.c",
		  "steps/06-netns-veth/README.md" },
	};
	const struct byoc_stage *stages[] = { &stage_a };
	struct byoc_error err = { 0 };

	ck_assert_int_lt(byoc_stages_check(stages, 1, three, 3, &err), 0);
	ck_assert_str_eq(err.stage, "pidns");
	ck_assert_msg(strstr(err.msg, "3 namespaces") &&
			      strstr(err.msg, "CLONE_NEWPID in exercises/02-pid-ns/pidns.c") &&
			      strstr(err.msg, "CLONE_NEWNS in exercises/03-mount-ns/mount.c") &&
			      strstr(err.msg, "CLONE_NEWNET in exercises/06-netns-veth/net.c") &&
			      !strchr(err.msg, '\n'),
		      "expected one line naming all three flags and files; saw \"%s\"", err.msg);
}
END_TEST

START_TEST(test_stages_check_counts_only_the_resolved_list)
{
	const struct byoc_stage *with[] = { &stage_a, &stage_mount_ns };
	const struct byoc_stage *over[] = { &stage_mount_ns, &stage_over_mount_ns }, *out[2];
	struct byoc_error err = { 0 };
	size_t n;

	ck_assert_int_eq(byoc_stages_check(with, 2, need_mount_ns, 1, &err), 0);
	ck_assert_int_eq(byoc_stages_check(with, 2, NULL, 0, &err), 0);
	/* A stage that supersedes the one with the flag, and lacks it itself. */
	n = byoc_stages_resolve(over, 2, out);
	ck_assert_int_eq(n, 1);
	ck_assert_int_lt(byoc_stages_check(out, n, need_mount_ns, 1, &err), 0);
	ck_assert_int_eq(err.status, 125);
	ck_assert_str_eq(err.stage, "mount");
}
END_TEST

/* A hook that fails without filling err is named as such, not reported as an
 * empty message; the parent's and the child's alike. */
START_TEST(test_lifecycle_silent_failure_is_named)
{
	const struct byoc_stage *parent[] = { &stage_a, &stage_silent };
	const struct byoc_stage *child[] = { &stage_silent_child };
	struct byoc_error err = { 0 };
	int status = -1;

	ck_assert_int_lt(run(parent, 2, cmd_true, &status, &err), 0);
	ck_assert_int_eq(err.status, 125);
	ck_assert_str_eq(err.stage, "quiet");
	ck_assert_msg(strstr(err.msg, "prepare failed (returned -1) without saying why") &&
			      strstr(err.msg, "BYOC_SYS"),
		      "saw \"%s\"", err.msg);
	ck_assert_str_eq(events, "prepare:a prepare:silent cleanup:b cleanup:a | ");

	memset(&err, 0, sizeof(err));
	ck_assert_int_lt(run(child, 1, cmd_true, &status, &err), 0);
	ck_assert_int_eq(err.status, 125);
	ck_assert_str_eq(err.stage, "chroot");
	ck_assert_msg(strstr(err.msg, "child_setup failed (returned -1) without saying why"),
		      "saw \"%s\"", err.msg);
}
END_TEST

static const struct byoc_stage stage_newpid = { .name = "newpid", .clone_flags = CLONE_NEWPID };

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

/* ---- cgroup v2 against a fake tree (regular files stand in for cgroupfs) ---- */

extern const struct byoc_stage byoc_stage_cgroups;

static char fake[64];

static void fake_write(const char *rel, const char *content)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fake, rel);
	f = fopen(path, "we");
	ck_assert_msg(f, "fopen(%s)", path);
	fputs(content, f);
	fclose(f);
}

static char *fake_read(const char *rel)
{
	static char buf[256];
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", fake, rel);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A v2 root offering memory, pids and cpu; this process in /a/b, which
 * offers `offered` and hands on `enabled`. */
static void fake_tree(const char *self, const char *offered, const char *enabled)
{
	char path[128];

	snprintf(fake, sizeof(fake), "/tmp/byoc-unit-XXXXXX");
	ck_assert(mkdtemp(fake));
	snprintf(path, sizeof(path), "%s/a", fake);
	ck_assert(mkdir(path, 0755) == 0);
	strcat(path, "/b");
	ck_assert(mkdir(path, 0755) == 0);
	fake_write("cgroup.controllers", "cpuset cpu io memory pids\n");
	fake_write("cgroup.subtree_control", "");
	fake_write("a/b/cgroup.controllers", offered);
	fake_write("a/b/cgroup.subtree_control", enabled);
	fake_write("self", self);
}

static void fake_container(struct byoc_container *c, struct byoc_options *o)
{
	static char self[128];
	struct byoc_error err = { 0 };

	ck_assert(byoc_container_init(c, o, &err) == 0);
	snprintf(self, sizeof(self), "%s/self", fake);
	c->cgroup.root = fake;
	c->cgroup.self = self;
	c->cgroup.mode = BYOC_CGROUP_V2; /* statfs cannot tell a fake */
}

static void fake_remove_files(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "find '%s' -maxdepth 1 -type f -delete", dir);
	ck_assert(system(cmd) == 0);
}

/* Remove the fake tree. */
static void fake_remove(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -r '%s'", fake);
	ck_assert(system(cmd) == 0);
}

START_TEST(test_cgroup_v2_files_and_subtree_control)
{
	struct byoc_options o = {
		.memory = 32 << 20, .pids = 16, .cpus = 500000, .cpu_weight = 200
	};
	struct byoc_error err = { 0 };
	struct byoc_container c;
	char rel[128];

	fake_tree("0::/a/b\n", "cpu memory pids\n", "");
	fake_container(&c, &o);
	ck_assert_msg(byoc_stage_cgroups.prepare(&c, &err) == 0, "prepare: %s", err.msg);
	/* The controllers are handed to the children of the runtime's cgroup. */
	ck_assert_str_eq(fake_read("a/b/cgroup.subtree_control"), "+memory +pids +cpu");
	snprintf(rel, sizeof(rel), "a/b/byoc-%s", c.id);
	ck_assert_str_eq(c.cgroup.dir[BYOC_CG_PIDS],
			 strcat(strcat(strcpy((char[256]){ 0 }, fake), "/"), rel));
	static const char *const want[][2] = {
		{ "memory.max", "33554432" },
		{ "pids.max", "16" },
		{ "cpu.max", "50000 100000" },
		{ "cpu.weight", "200" },
	};
	for (size_t i = 0; i < 4; i++) {
		char file[160];
		snprintf(file, sizeof(file), "%s/%s", rel, want[i][0]);
		ck_assert_msg(fake_read(file) && strcmp(fake_read(file), want[i][1]) == 0,
			      "%s: expected \"%s\", saw \"%s\"", want[i][0], want[i][1],
			      fake_read(file) ? fake_read(file) : "(missing)");
	}
	/* memory.swap.max is written only where the kernel has it. */
	snprintf(rel + strlen(rel), sizeof(rel) - strlen(rel), "/memory.swap.max");
	ck_assert_ptr_null(fake_read(rel));

	c.pid = 4242;
	ck_assert(byoc_stage_cgroups.after_clone(&c, &err) == 0);
	snprintf(rel, sizeof(rel), "a/b/byoc-%s/cgroup.procs", c.id);
	ck_assert_str_eq(fake_read(rel), "4242");

	/* Cleanup kills what cgroup.procs lists (a real PID 4242 must not be
	 * hit) and cgroupfs, unlike this fake, lets rmdir remove a cgroup with
	 * its files: delete them first. */
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", c.cgroup.dir[0]);
	fake_remove_files(dir);
	byoc_stage_cgroups.cleanup(&c);
	ck_assert_msg(access(dir, F_OK) != 0, "expected %s removed by cleanup", dir);
	fake_remove();
}
END_TEST

START_TEST(test_cgroup_v2_root_and_enabled_controllers)
{
	struct byoc_options o = { .pids = 8 };
	struct byoc_error err = { 0 };
	struct byoc_container c;

	/* The runtime in the root cgroup: children of the root. */
	fake_tree("0::/\n", "", "");
	fake_container(&c, &o);
	ck_assert_msg(byoc_stage_cgroups.prepare(&c, &err) == 0, "prepare: %s", err.msg);
	ck_assert_str_eq(fake_read("cgroup.subtree_control"), "+memory +pids +cpu");
	ck_assert_msg(strstr(c.cgroup.dir[0], "/a/") == NULL, "saw %s", c.cgroup.dir[0]);
	fake_remove();

	/* Controllers already handed on are not written again. */
	fake_tree("0::/a/b\n", "cpu memory pids\n", "memory pids cpu\n");
	fake_container(&c, &o);
	ck_assert_msg(byoc_stage_cgroups.prepare(&c, &err) == 0, "prepare: %s", err.msg);
	ck_assert_str_eq(fake_read("a/b/cgroup.subtree_control"), "memory pids cpu\n");
	fake_remove();
}
END_TEST

START_TEST(test_cgroup_v2_missing_controller)
{
	struct byoc_options o = { .pids = 16 };
	struct byoc_error err = { 0 };
	struct byoc_container c;
	char path[160], rel[160];

	/* The runtime's cgroup lacks pids, the root has it (a systemd slice
	 * that does not delegate it): the lab parent, with the limit. */
	fake_tree("0::/a/b\n", "cpu memory\n", "");
	fake_container(&c, &o);
	ck_assert_msg(byoc_stage_cgroups.prepare(&c, &err) == 0, "prepare: %s", err.msg);
	snprintf(path, sizeof(path), "%s/byoc/byoc-%s", fake, c.id);
	ck_assert_str_eq(c.cgroup.dir[BYOC_CG_PIDS], path);
	snprintf(rel, sizeof(rel), "byoc/byoc-%s/pids.max", c.id);
	ck_assert_msg(fake_read(rel) && strcmp(fake_read(rel), "16") == 0, "pids.max: %s",
		      fake_read(rel) ? fake_read(rel) : "(missing)");
	ck_assert_str_eq(fake_read("a/b/cgroup.subtree_control"), "");
	fake_remove();

	/* The root lacks it too: refused, naming the root's list. */
	fake_tree("0::/a/b\n", "cpu memory\n", "");
	fake_write("cgroup.controllers", "cpu memory\n");
	fake_container(&c, &o);
	ck_assert_int_lt(byoc_stage_cgroups.prepare(&c, &err), 0);
	ck_assert_msg(err.status == 125 &&
			      strstr(err.msg, "the pids controller is not available") &&
			      strstr(err.msg, "/cgroup.controllers"),
		      "saw \"%s\"", err.msg);
	snprintf(path, sizeof(path), "%s/byoc", fake);
	ck_assert_msg(access(path, F_OK) != 0, "expected nothing created; %s exists", path);
	ck_assert_str_eq(fake_read("a/b/cgroup.subtree_control"), "");
	byoc_stage_cgroups.cleanup(&c);
	fake_remove();
}
END_TEST

START_TEST(test_options_bad_limits)
{
	static const struct {
		const char *opt, *value, *says;
	} bad[] = {
		{ "--memory", "0", "--memory: size '0' is zero" },
		{ "--memory", "-5", "--memory: invalid size '-5'" },
		{ "--memory", "12Q", "--memory: invalid size '12Q': use a whole number of bytes" },
		{ "--memory", "99999999999999999999G",
		  "--memory: size '99999999999999999999G' is too large" },
		{ "--pids", "0", "--pids: invalid number '0': use a whole number from 1" },
		{ "--pids", "abc", "--pids: invalid number 'abc'" },
		{ "--cpus", "0",
		  "--cpus: invalid number of CPUs '0': use a decimal number from 0.01" },
		{ "--cpus", "-1", "--cpus: invalid number of CPUs '-1'" },
		{ "--cpus", "1e9", "--cpus: invalid number of CPUs '1e9'" },
		{ "--cpus", "0.001", "--cpus: invalid number of CPUs '0.001'" },
		{ "--cpus", "0.1234567", "--cpus: invalid number of CPUs" },
		{ "--cpu-weight", "0",
		  "--cpu-weight: invalid number '0': use a whole number from 1 to 10000" },
		{ "--cpu-weight", "10001", "--cpu-weight: invalid number '10001'" },
	};
	unsigned all = ALL01 | BYOC_OPT_MEMORY | BYOC_OPT_PIDS | BYOC_OPT_CPUS |
		       BYOC_OPT_CPU_WEIGHT | BYOC_OPT_STATS;
	struct byoc_error err = { 0 };
	struct byoc_options o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse(all, &o, &err, bad[i].opt, bad[i].value, NULL);
		ck_assert_msg(r < 0 && err.status == 125 && strstr(err.msg, bad[i].says),
			      "%s %s: expected \"%s...\"; saw \"%s\"", bad[i].opt, bad[i].value,
			      bad[i].says, err.msg);
	}
	ck_assert_int_eq(parse(all, &o, &err, "--memory", "64M", "--pids", "16", "--cpus", "0.5",
			       "--cpu-weight", "100", "--stats", NULL),
			 0);
	ck_assert(o.memory == 64 << 20 && o.pids == 16 && o.cpus == 500000 && o.cpu_weight == 100 &&
		  o.stats);
	ck_assert_int_eq(parse(all, &o, &err, "--cpus", "1.25", NULL),
			 sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 0 : -EINVAL);
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

/* ---- what the runtime leaves, and what it finds ---- */

START_TEST(test_cgroup_missing_file_is_named)
{
	static const char *const dirs[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified",
					    "/sys/fs/cgroup/memory" };
	struct byoc_cgroup cg;
	struct byoc_error err = { 0 };
	struct statfs st;

	/* A real cgroup directory: cgroupfs refuses O_CREAT with EACCES, which
	 * must not turn into "run as root". Nothing is written: the file is
	 * not there. */
	byoc_cgroup_defaults(&cg);
	for (size_t i = 0; i < 3 && !cg.dir[BYOC_CG_MEMORY][0]; i++)
		if (statfs(dirs[i], &st) == 0 && (st.f_type == 0x63677270 || st.f_type == 0x27e0eb))
			snprintf(cg.dir[BYOC_CG_MEMORY], sizeof(cg.dir[0]), "%s", dirs[i]);
	ck_assert_msg(cg.dir[BYOC_CG_MEMORY][0], "no cgroup file system under /sys/fs/cgroup");
	ck_assert_int_lt(byoc_cgroup_write(&cg, BYOC_CG_MEMORY, "memory.byoc_missing", "1", &err),
			 0);
	ck_assert_msg(strstr(err.msg, "ENOENT") && strstr(err.msg, "no file memory.byoc_missing") &&
			      strstr(err.msg, "memory controller") &&
			      !strstr(err.msg, "run as root"),
		      "saw \"%s\"", err.msg);
}
END_TEST

START_TEST(test_state_gc_removes_the_dead_only)
{
	char root[] = "/tmp/byoc-unit-state-XXXXXX", path[256];
	struct byoc_state live;
	struct byoc_error err = { 0 };
	struct stat st;

	ck_assert(mkdtemp(root));
	byoc_state_defaults(&live);
	live.root = root;
	ck_assert_int_eq(byoc_state_create(&live, "0123456789ab", &err), 0);
	/* Dead: a journal nobody holds the lock of, naming a host directory
	 * that is no cgroup of the lab's, which must stay untouched. */
	snprintf(path, sizeof(path), "%s/aaaaaaaaaaaa", root);
	ck_assert(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/aaaaaaaaaaaa/journal", root);
	FILE *f = fopen(path, "we");
	fputs("/etc\n/sys/fs/cgroup/../../etc\n", f);
	fclose(f);
	/* Dead before it made its lock; and a name that is no id, kept. */
	snprintf(path, sizeof(path), "%s/bbbbbbbbbbbb", root);
	ck_assert(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/keep-me", root);
	ck_assert(mkdir(path, 0700) == 0);
	/* A detached container whose monitor was killed: its record stays,
	 * with how it ended, and its journal goes. And one that exited
	 * before: its kept record is left as it is. */
	snprintf(path, sizeof(path), "%s/cccccccccccc", root);
	ck_assert(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/cccccccccccc/journal", root);
	ck_assert(close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) == 0);
	snprintf(path, sizeof(path), "%s/cccccccccccc/config", root);
	f = fopen(path, "we");
	fputs("created 1\ndetached 1\narg sleep\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/dddddddddddd", root);
	ck_assert(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/dddddddddddd/exit", root);
	f = fopen(path, "we");
	fputs("3 2 \n", f);
	fclose(f);

	ck_assert_int_eq(byoc_gc(root, NULL, NULL, &err), 2);
	struct byoc_record rec;
	ck_assert_int_eq(byoc_record_load(root, "cccccccccccc", &rec), 0);
	ck_assert_msg(rec.exited && rec.exit_status == 137 &&
			      strcmp(rec.reason, "its monitor was killed") == 0 && !rec.running,
		      "a detached container whose monitor died: exited %d, status %d, reason '%s'",
		      rec.exited, rec.exit_status, rec.reason);
	snprintf(path, sizeof(path), "%s/cccccccccccc/journal", root);
	ck_assert(stat(path, &st) < 0);
	ck_assert_int_eq(byoc_record_load(root, "dddddddddddd", &rec), 0);
	ck_assert(rec.exited && rec.exit_status == 3);
	ck_assert_int_eq(byoc_remove_tree(AT_FDCWD, rec.dir), 0);
	snprintf(path, sizeof(path), "%s/cccccccccccc", root);
	ck_assert_int_eq(byoc_remove_tree(AT_FDCWD, path), 0);
	ck_assert(stat("/etc", &st) == 0);
	ck_assert(stat(live.dir, &st) == 0);
	snprintf(path, sizeof(path), "%s/aaaaaaaaaaaa", root);
	ck_assert(stat(path, &st) < 0);
	snprintf(path, sizeof(path), "%s/keep-me", root);
	ck_assert(stat(path, &st) == 0 && rmdir(path) == 0);
	byoc_state_remove(&live);
	ck_assert(stat(live.dir[0] ? live.dir : "/nonexistent/x", &st) < 0);
	snprintf(path, sizeof(path), "%s/.lock", root);
	unlink(path);
	ck_assert_msg(rmdir(root) == 0, "rmdir(%s): %s: something was left", root, strerror(errno));
}
END_TEST

START_TEST(test_net_subnet_parse)
{
	static const char *const bad[] = { "300.1.2.3/24", "10.0.0.0/31", "10.0.0.0/32",
					   "10.0.0.0/0",   "10.0.0.1/24", "10.0.0.0",
					   "10.0.0.0/24x", "10.0.0.0/+24" };
	struct byoc_error err = { 0 };
	uint32_t net;
	unsigned prefix;

	ck_assert_int_eq(byoc_net_parse_subnet("198.18.0.0/22", &net, &prefix, &err), 0);
	ck_assert(net == 0xc6120000 && prefix == 22);
	ck_assert_int_eq(byoc_net_parse_subnet("10.1.2.4/30", &net, &prefix, &err), 0);
	ck_assert(net == 0x0a010204 && prefix == 30);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(byoc_net_parse_subnet(bad[i], &net, &prefix, &err) < 0 &&
				      err.status == 125 && strstr(err.msg, bad[i]),
			      "expected %s refused with a message naming it; saw \"%s\"", bad[i],
			      err.msg);
	}
}
END_TEST

/* Leases under one state root: each container its own /30 and name, the
 * lowest free first, a freed one handed out again, a full subnet refused. */
START_TEST(test_net_leases_are_distinct)
{
	char root[] = "/tmp/byoc-unit-net-XXXXXX", id[13], path[256];
	struct byoc_state st[5];
	struct byoc_net_ctx n[5];
	struct byoc_error err = { 0 };
	uint32_t subnet;
	unsigned prefix;

	ck_assert(mkdtemp(root));
	ck_assert_int_eq(byoc_net_parse_subnet("10.9.0.0/28", &subnet, &prefix, &err), 0);
	for (int i = 0; i < 5; i++) {
		byoc_state_defaults(&st[i]);
		byoc_net_defaults(&n[i]);
		st[i].root = root;
		snprintf(id, sizeof(id), "%012x", i + 1);
		ck_assert_int_eq(byoc_state_create(&st[i], id, &err), 0);
		int r = byoc_net_lease(&n[i], &st[i], subnet, prefix, &err);
		if (i < 4) {
			char name[16];
			snprintf(name, sizeof(name), "byoc%d", i);
			ck_assert_msg(r == 0 && n[i].host_addr == 0x0a090001 + 4 * (uint32_t)i &&
					      n[i].peer_addr == n[i].host_addr + 1 &&
					      strcmp(n[i].host_link, name) == 0,
				      "lease %d: r %d, host %#x, link %s (%s)", i, r,
				      n[i].host_addr, n[i].host_link, err.msg);
		} else {
			ck_assert_msg(r < 0 && strstr(err.msg, "no free pair"), "saw \"%s\"",
				      err.msg);
		}
	}
	/* The second container goes: its /30 and name are the next to go out. */
	byoc_state_remove(&st[1]);
	byoc_state_remove(&st[4]);
	byoc_state_defaults(&st[4]);
	st[4].root = root;
	ck_assert_int_eq(byoc_state_create(&st[4], "00000000000f", &err), 0);
	ck_assert_int_eq(byoc_net_lease(&n[4], &st[4], subnet, prefix, &err), 0);
	ck_assert(n[4].host_addr == 0x0a090005 && strcmp(n[4].host_link, "byoc1") == 0);
	for (int i = 0; i < 5; i++)
		byoc_state_remove(&st[i]);
	snprintf(path, sizeof(path), "%s/.lock", root);
	unlink(path);
	ck_assert_msg(rmdir(root) == 0, "rmdir(%s): %s: something was left", root, strerror(errno));
}
END_TEST

/* A lease skips what the runtime's network namespace already has: made in
 * a network namespace of the test's own. */
START_TEST(test_net_lease_skips_what_the_namespace_has)
{
	char root[] = "/tmp/byoc-unit-net-XXXXXX", path[256];
	struct byoc_state st;
	struct byoc_net_ctx n;
	struct byoc_error err = { 0 };

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s", strerror(errno));
	ck_assert(system("ip link add byoc0 type veth peer name other0 && "
			 "ip addr add 10.9.0.1/32 dev other0") == 0);
	ck_assert(mkdtemp(root));
	byoc_state_defaults(&st);
	byoc_net_defaults(&n);
	st.root = root;
	ck_assert_int_eq(byoc_state_create(&st, "00000000000a", &err), 0);
	ck_assert_int_eq(byoc_net_lease(&n, &st, 0x0a090000, 24, &err), 0);
	ck_assert_msg(
		n.host_addr == 0x0a090005 && strcmp(n.host_link, "byoc1") == 0,
		"expected 10.9.0.5 and byoc1 (10.9.0.1 and byoc0 are taken here); saw %#x, %s",
		n.host_addr, n.host_link);
	byoc_state_remove(&st);
	snprintf(path, sizeof(path), "%s/.lock", root);
	unlink(path);
	ck_assert(rmdir(root) == 0);
}
END_TEST

/* Seccomp profiles (lib/seccomp_profile.c): each filter is read back as
 * libseccomp's pseudo filter code, seccomp_export_pfc(3). */
/* Docker's own default.json, where make seccomp-profile unpacks it (the
 * unit tests run from the checkout). */
#define DOCKER_PROFILE "build/seccomp/docker-default.json"
#define CAP(c)	       (UINT64_C(1) << (c))
/* The 14 capabilities a Docker container keeps by default. */
#define DOCKER_CAPS                                                                                \
	(CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) | CAP(CAP_FSETID) | CAP(CAP_FOWNER) |              \
	 CAP(CAP_MKNOD) | CAP(CAP_NET_RAW) | CAP(CAP_SETGID) | CAP(CAP_SETUID) |                   \
	 CAP(CAP_SETFCAP) | CAP(CAP_SETPCAP) | CAP(CAP_NET_BIND_SERVICE) | CAP(CAP_SYS_CHROOT) |   \
	 CAP(CAP_KILL) | CAP(CAP_AUDIT_WRITE))

/* The filter's pseudo filter code (malloc'd), or NULL when there is none. */
static char *seccomp_pfc(int rc, scmp_filter_ctx ctx)
{
	FILE *f;
	char *text;
	long len;

	if (rc < 0)
		return NULL;
	f = tmpfile();
	ck_assert_msg(f, "tmpfile: %s", strerror(errno));
	rc = seccomp_export_pfc(ctx, fileno(f));
	ck_assert_msg(rc == 0, "seccomp_export_pfc: %s", strerror(-rc));
	seccomp_release(ctx);
	len = lseek(fileno(f), 0, SEEK_END);
	text = calloc(1, (size_t)len + 1);
	ck_assert(text && pread(fileno(f), text, (size_t)len, 0) == len);
	fclose(f);
	return text;
}

static char *seccomp_pfc_of(const char *json, uint64_t caps, struct byoc_error *err)
{
	scmp_filter_ctx ctx;
	int rc = byoc_seccomp_profile_parse(json, strlen(json), "test.json", caps, &ctx, err);

	return seccomp_pfc(rc, ctx);
}

static char *seccomp_pfc_of_file(const char *path, uint64_t caps, struct byoc_error *err)
{
	scmp_filter_ctx ctx;
	int rc = byoc_seccomp_profile_load(path, caps, &ctx, err);

	return seccomp_pfc(rc, ctx);
}

/* Whether the pseudo code's first rule for `name` allows it. */
static bool pfc_allows(const char *pfc, const char *name)
{
	char line[96];
	const char *at;

	snprintf(line, sizeof(line), "# filter for syscall \"%s\"", name);
	at = strstr(pfc, line);
	return at && strncmp(strstr(at, "action "), "action ALLOW;", 13) == 0;
}

/* A profile whose parse fails with `want` in its message, and status 125. */
static void seccomp_profile_fails(const char *json, const char *want)
{
	struct byoc_error err = { 0 };
	char *pfc = seccomp_pfc_of(json, 0, &err);

	ck_assert_msg(!pfc && err.status == 125 && strstr(err.msg, want),
		      "expected a failure (125) saying \"%s\"; saw status %d, \"%s\"", want,
		      err.status, err.msg);
}

START_TEST(test_seccomp_profile_docker_default_follows_caps)
{
	struct byoc_error err = { 0 };
	char *pfc;

	if (access(DOCKER_PROFILE, R_OK) < 0) {
		const char *required = getenv("BYOC_FIXTURES_REQUIRED");
		ck_assert_msg(!required || strcmp(required, "1") != 0,
			      "test set-up: no Docker default profile at %s: run 'make "
			      "seccomp-profile'",
			      DOCKER_PROFILE);
		fprintf(stderr, "skipped: no Docker default profile at %s\n", DOCKER_PROFILE);
		return;
	}
	pfc = seccomp_pfc_of_file(DOCKER_PROFILE, DOCKER_CAPS, &err);
	ck_assert_msg(pfc, "Docker's default.json did not load: %s", err.msg);
	ck_assert_msg(pfc_allows(pfc, "read") && !strstr(pfc, "\"reboot\""),
		      "expected read allowed and no rule for reboot without CAP_SYS_BOOT");
	free(pfc);
	pfc = seccomp_pfc_of_file(DOCKER_PROFILE, DOCKER_CAPS | CAP(CAP_SYS_BOOT), &err);
	ck_assert_msg(pfc && pfc_allows(pfc, "reboot"),
		      "expected reboot allowed with CAP_SYS_BOOT");
	free(pfc);
}
END_TEST

START_TEST(test_seccomp_profile_syntax_error_names_line_and_column)
{
	seccomp_profile_fails("{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n    x\n}\n",
			      "seccomp profile test.json:3:5: ");
	seccomp_profile_fails("{\"defaultAction\": \"SCMP_ACT_ALLOW\"", "fix the JSON");
}
END_TEST

START_TEST(test_seccomp_profile_missing_file_is_named)
{
	struct byoc_error err = { 0 };
	scmp_filter_ctx ctx = (scmp_filter_ctx)1;

	ck_assert_int_eq(byoc_seccomp_profile_load("/nonexistent/p.json", 0, &ctx, &err), -ENOENT);
	ck_assert_msg(ctx == NULL && err.status == 125 &&
			      strncmp(err.msg, "seccomp profile /nonexistent/p.json: ENOENT", 43) ==
				      0,
		      "saw \"%s\"", err.msg);
}
END_TEST

START_TEST(test_seccomp_profile_unknown_action)
{
	seccomp_profile_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
			      "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_FOO\"}]}",
			      "syscalls[0].action: unknown action \"SCMP_ACT_FOO\": give one of "
			      "SCMP_ACT_ALLOW, SCMP_ACT_ERRNO");
	seccomp_profile_fails("{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}",
			      "defaultAction: SCMP_ACT_NOTIFY is not supported by byoc");
}
END_TEST

START_TEST(test_seccomp_profile_unknown_op)
{
	seccomp_profile_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
			      "{\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
			      "[{\"index\": 1, \"value\": 9, \"op\": \"SCMP_CMP_FOO\"}]}]}",
			      "syscalls[0].args[0].op: unknown operator \"SCMP_CMP_FOO\"");
}
END_TEST

START_TEST(test_seccomp_profile_missing_default_action)
{
	seccomp_profile_fails("{\"syscalls\": []}",
			      "test.json: defaultAction: missing: every profile names its default "
			      "action");
}
END_TEST

START_TEST(test_seccomp_profile_type_error_names_path)
{
	seccomp_profile_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
			      "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}, {\"names\": [7], "
			      "\"action\": \"SCMP_ACT_ALLOW\"}]}",
			      "syscalls[1].names[0]: expected a string");
}
END_TEST

START_TEST(test_seccomp_profile_old_name_form)
{
	struct byoc_error err = { 0 };
	char *pfc = seccomp_pfc_of(
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
		"{\"name\": \"read\", \"action\": \"SCMP_ACT_ALLOW\", \"args\": []}]}",
		0, &err);

	ck_assert_msg(pfc && pfc_allows(pfc, "read"), "expected read allowed; saw \"%s\"", err.msg);
	free(pfc);
}
END_TEST

/* Two comparisons of one argument are alternatives: one rule each, which
 * libseccomp would refuse in a single rule. */
START_TEST(test_seccomp_profile_repeated_index_makes_two_rules)
{
	struct byoc_error err = { 0 };
	char *pfc = seccomp_pfc_of(
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
		"[\"personality\"], "
		"\"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 7, \"op\": "
		"\"SCMP_CMP_EQ\"}, {\"index\": 0, \"value\": 9, \"op\": \"SCMP_CMP_EQ\"}]}]}",
		0, &err);

	ck_assert_msg(pfc && strstr(pfc, "== 7)\n") && strstr(pfc, "== 9)\n"),
		      "expected a rule for personality(7) and one for personality(9); saw \"%s\"",
		      pfc ? pfc : err.msg);
	free(pfc);
}
END_TEST

START_TEST(test_seccomp_profile_unknown_syscall_skipped)
{
	struct byoc_error err = { 0 };
	char *pfc = seccomp_pfc_of("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
				   "{\"names\": [\"no_such_call\", \"read\"], \"action\": "
				   "\"SCMP_ACT_ALLOW\"}]}",
				   0, &err);

	ck_assert_msg(pfc && pfc_allows(pfc, "read") && !strstr(pfc, "no_such_call"),
		      "expected no_such_call skipped and read allowed; saw \"%s\"", err.msg);
	free(pfc);
}
END_TEST

/* ---- step 10: the ID maps and the copy ---- */

static pid_t userns_runner;

static void userns_dir_name(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/byoc-unit-userns-%d", (int)userns_runner);
}

static void userns_setup(void)
{
	userns_runner = getpid();
}

static void userns_teardown(void)
{
	char dir[64], cmd[96];

	userns_dir_name(dir, sizeof(dir));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	ck_assert_msg(f && fputs(text, f) >= 0 && fclose(f) == 0, "write %s: %s", path,
		      strerror(errno));
}

START_TEST(test_userns_subid_find)
{
	char dir[64], file[128];
	struct byoc_error err = { 0 };
	uint32_t start = 0, count = 0;

	userns_dir_name(dir, sizeof(dir));
	ck_assert(mkdir(dir, 0700) == 0 || errno == EEXIST);
	snprintf(file, sizeof(file), "%s/subuid", dir);
	write_text(file, "# a comment\nbroken line\nalice:100000:65536\n1001:200000:1000\n"
			 "bob:x:1\nroot:300000:0\nroot:400000:65536\n");
	ck_assert_int_eq(byoc_subid_find(file, "alice", 1000, &start, &count, &err), 1);
	ck_assert_uint_eq(start, 100000);
	ck_assert_uint_eq(count, 65536);
	/* By number, when the name has no line. */
	ck_assert_int_eq(byoc_subid_find(file, "carol", 1001, &start, &count, &err), 1);
	ck_assert_uint_eq(start, 200000);
	/* A malformed or empty range is skipped, not taken. */
	ck_assert_int_eq(byoc_subid_find(file, "bob", 1002, &start, &count, &err), 0);
	ck_assert_int_eq(byoc_subid_find(file, "root", 0, &start, &count, &err), 1);
	ck_assert_uint_eq(start, 400000);
	snprintf(file, sizeof(file), "%s/missing", dir);
	ck_assert_int_eq(byoc_subid_find(file, "alice", 1000, &start, &count, &err), 0);
}
END_TEST

START_TEST(test_userns_idmap_format_and_lookup)
{
	struct byoc_idmap m = { .line = { { 0, 1000, 1 }, { 1, 100000, 65535 } }, .n = 2 };
	char text[128];

	byoc_idmap_format(&m, text, sizeof(text));
	ck_assert_str_eq(text, "0 1000 1\n1 100000 65535\n");
	ck_assert_uint_eq(byoc_idmap_outside(&m, 0), 1000);
	ck_assert_uint_eq(byoc_idmap_outside(&m, 1), 100000);
	ck_assert_uint_eq(byoc_idmap_outside(&m, 65535), 165534);
	ck_assert_uint_eq(byoc_idmap_outside(&m, 65536), UINT32_MAX);
}
END_TEST

/* The chowned copy: each owner shifted into the range, set-user-ID kept,
 * links kept as links, hard links as one inode, nodes and FIFOs left out;
 * an owner the map leaves out refused by name. */
START_TEST(test_userns_copy_shifts_owners)
{
	char dir[64], src[128], dst[128], path[256];
	struct byoc_userns u;
	struct byoc_error err = { 0 };
	struct stat f, h, l, d;
	size_t skipped = 0;

	memset(&u, 0, sizeof(u));
	u.uid = (struct byoc_idmap){ .line = { { 0, BYOC_USERNS_BASE, 65536 } }, .n = 1 };
	u.gid = u.uid;
	userns_dir_name(dir, sizeof(dir));
	ck_assert(mkdir(dir, 0700) == 0 || errno == EEXIST);
	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(dst, sizeof(dst), "%s/dst", dir);
	ck_assert_int_eq(mkdir(src, 0750), 0);
	snprintf(path, sizeof(path), "%s/f", src);
	write_text(path, "payload");
	ck_assert(chown(path, 1000, 1000) == 0 && chmod(path, 04755) == 0);
	char link_path[256], hard[256], fifo[256];
	snprintf(link_path, sizeof(link_path), "%s/l", src);
	snprintf(hard, sizeof(hard), "%s/h", src);
	snprintf(fifo, sizeof(fifo), "%s/p", src);
	ck_assert(symlink("f", link_path) == 0 && link(path, hard) == 0 && mkfifo(fifo, 0600) == 0);

	ck_assert_msg(byoc_userns_copy(src, dst, &u, &skipped, &err) == 0, "copy: %s", err.msg);
	ck_assert_uint_eq(skipped, 1); /* the FIFO */
	snprintf(path, sizeof(path), "%s/f", dst);
	snprintf(hard, sizeof(hard), "%s/h", dst);
	snprintf(link_path, sizeof(link_path), "%s/l", dst);
	ck_assert(stat(path, &f) == 0 && stat(hard, &h) == 0 && lstat(link_path, &l) == 0 &&
		  stat(dst, &d) == 0);
	ck_assert_uint_eq(f.st_uid, BYOC_USERNS_BASE + 1000);
	ck_assert_uint_eq(f.st_gid, BYOC_USERNS_BASE + 1000);
	ck_assert_uint_eq(f.st_mode & 07777, 04755);
	ck_assert_uint_eq(f.st_ino, h.st_ino);
	ck_assert(S_ISLNK(l.st_mode));
	ck_assert_uint_eq(l.st_uid, BYOC_USERNS_BASE);
	ck_assert_uint_eq(d.st_uid, BYOC_USERNS_BASE);
	ck_assert_uint_eq(d.st_mode & 07777, 0750);

	/* An owner beyond the map's 65536 IDs. */
	snprintf(path, sizeof(path), "%s/big", src);
	write_text(path, "x");
	ck_assert(chown(path, 70000, 0) == 0);
	snprintf(dst, sizeof(dst), "%s/dst2", dir);
	ck_assert_int_lt(byoc_userns_copy(src, dst, &u, NULL, &err), 0);
	ck_assert_msg(strstr(err.msg, "big is owned by 70000:0") && strstr(err.msg, "below 65536"),
		      "expected the refusal to name the file and the owner; saw \"%s\"", err.msg);
}
END_TEST

/* The filter cache: what it keeps it gives back; a file or a directory
 * that another user owns or others can write is never loaded; and the key
 * changes with what the filter depends on. */
/* The cache test's directory, named for the runner: an unchecked fixture
 * runs in the runner itself (its teardown also after a failed test, whose
 * forked child ends at the failure), and the child knows the name. */
static pid_t cache_runner;

static void cache_dir_name(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/byoc-unit-cache-%d", (int)cache_runner);
}

static void cache_setup(void)
{
	cache_runner = getpid();
}

static void cache_teardown(void)
{
	char dir[64], cmd[96];

	cache_dir_name(dir, sizeof(dir));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

START_TEST(test_seccomp_cache_trusts_only_its_own)
{
	char root[64], path[256], file[64];
	struct sock_filter insns[3] = { { 0x06, 0, 0, 0x7fff0000 } };
	struct sock_fprog put = { 3, insns }, got = { 0, NULL };
	struct byoc_options o = { 0 };
	struct byoc_error err = { 0 };
	uint64_t key, other;

	cache_dir_name(root, sizeof(root));
	cache_teardown(); /* a runner of the same PID long ago */
	ck_assert_int_eq(mkdir(root, 0755), 0);
	ck_assert_int_eq(byoc_seccomp_cache_key(&o, 0x1234, &key), 0);
	ck_assert_int_eq(byoc_seccomp_cache_key(&o, 0x1235, &other), 0);
	ck_assert_msg(key != other, "expected another key for another set of capabilities");
	o.seccomp = BYOC_SECCOMP_UNCONFINED;
	ck_assert_int_eq(byoc_seccomp_cache_key(&o, 0x1234, &other), 0);
	ck_assert_msg(key != other, "expected another key for another --security-opt");
	o.seccomp = BYOC_SECCOMP_PROFILE;
	o.seccomp_profile = "/nonexistent/profile.json";
	ck_assert_int_eq(byoc_seccomp_cache_key(&o, 0x1234, &other), 1);

	ck_assert_int_eq(byoc_seccomp_cache_get(root, key, &got, &err), 0);
	ck_assert_int_eq(byoc_seccomp_cache_put(root, key, &put, &err), 0);
	ck_assert_int_eq(byoc_seccomp_cache_get(root, key, &got, &err), 1);
	ck_assert_msg(got.len == 3 && memcmp(got.filter, insns, sizeof(insns)) == 0,
		      "expected the filter back as it was kept");
	free(got.filter);

	snprintf(file, sizeof(file), "%016llx", (unsigned long long)key);
	snprintf(path, sizeof(path), "%s/.cache/seccomp/%s", root, file);
	ck_assert_int_eq(chmod(path, 0620), 0);
	ck_assert_msg(byoc_seccomp_cache_get(root, key, &got, &err) == 0 && access(path, F_OK) < 0,
		      "expected a filter that others can write to be removed, not loaded");
	ck_assert_int_eq(byoc_seccomp_cache_put(root, key, &put, &err), 0);
	ck_assert_int_eq(chown(path, 65534, 65534), 0);
	ck_assert_msg(byoc_seccomp_cache_get(root, key, &got, &err) == 0 && access(path, F_OK) < 0,
		      "expected a filter of another user to be removed, not loaded");
	ck_assert_int_eq(byoc_seccomp_cache_put(root, key, &put, &err), 0);
	snprintf(path, sizeof(path), "%s/.cache", root);
	ck_assert_int_eq(chmod(path, 0777), 0);
	ck_assert_msg(byoc_seccomp_cache_get(root, key, &got, &err) < 0 &&
			      strstr(err.msg, "writable by others"),
		      "expected a cache directory that others can write to be refused; saw \"%s\"",
		      err.msg);
}
END_TEST

START_TEST(test_seccomp_profile_min_kernel)
{
	struct byoc_error err = { 0 };
	char *pfc =
		seccomp_pfc_of("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
			       "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
			       "\"includes\": {\"minKernel\": \"2.6\"}}, {\"names\": [\"write\"], "
			       "\"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": "
			       "\"99.0\"}}]}",
			       0, &err);

	ck_assert_msg(pfc && pfc_allows(pfc, "read") && !strstr(pfc, "\"write\""),
		      "expected read (2.6) kept and write (99.0) skipped; saw \"%s\"", err.msg);
	free(pfc);
}
END_TEST

START_TEST(test_seccomp_profile_archmap_adds_subarches)
{
	struct byoc_error err = { 0 };
	char *pfc;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
		fprintf(stderr, "skipped: the archMap test is written for x86_64\n");
		return;
	}
	pfc = seccomp_pfc_of("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": [{"
			     "\"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": "
			     "[\"SCMP_ARCH_ARM\"]}, {\"architecture\": \"SCMP_ARCH_X86_64\", "
			     "\"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]}]}",
			     0, &err);
	ck_assert_msg(pfc && strstr(pfc, "# filter for arch x86_64 (") &&
			      strstr(pfc, "# filter for arch x86 (") &&
			      strstr(pfc, "# filter for arch x32 (") && !strstr(pfc, "arch arm"),
		      "expected filters for x86_64, x86 and x32 only; saw \"%s\"",
		      pfc ? pfc : err.msg);
	free(pfc);
}
END_TEST

TCase *oci_tcase(void); /* unit_oci.c */

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
	tcase_add_test(tc, test_explain_by_first_argument);
	tcase_add_test(tc, test_explain_eperm_knows_who_asks);
	tcase_add_test(tc, test_errno_name_unknown_number);
	tcase_add_test(tc, test_options_defaults);
	tcase_add_test(tc, test_options_forms);
	tcase_add_test(tc, test_options_errors);
	tcase_add_test(tc, test_options_capabilities);
	tcase_add_test(tc, test_options_device);
	tcase_add_test(tc, test_options_security_opt);
	tcase_add_test(tc, test_devices_rule_lines);
	tcase_add_test(tc, test_lifecycle_hook_order);
	tcase_add_test(tc, test_lifecycle_after_clone_overlaps);
	tcase_add_test(tc, test_lifecycle_overlap_child_failure_comes_first);
	tcase_add_test(tc, test_lifecycle_supersedes);
	tcase_add_test(tc, test_lifecycle_prepare_failure_cleans_up);
	tcase_add_test(tc, test_lifecycle_after_clone_failure_kills_child);
	tcase_add_test(tc, test_lifecycle_child_error_reaches_parent);
	tcase_add_test(tc, test_lifecycle_exec_statuses);
	tcase_add_test(tc, test_lifecycle_forwards_signals);
	tcase_add_test(tc, test_lifecycle_init_makes_command_pid_2);
	tcase_add_test(tc, test_lifecycle_refuses_missing_namespace);
	tcase_add_test(tc, test_stages_check_counts_only_the_resolved_list);
	tcase_add_test(tc, test_stages_check_names_every_missing_namespace);
	tcase_add_test(tc, test_lifecycle_silent_failure_is_named);
	tcase_add_test(tc, test_container_ids_differ);
	tcase_add_test(tc, test_cgroup_v2_files_and_subtree_control);
	tcase_add_test(tc, test_cgroup_v2_root_and_enabled_controllers);
	tcase_add_test(tc, test_cgroup_v2_missing_controller);
	tcase_add_test(tc, test_options_bad_limits);
	tcase_add_test(tc, test_overlay_layer_options);
	tcase_add_test(tc, test_overlay_options_fit_a_page);
	tcase_add_test(tc, test_cgroup_missing_file_is_named);
	tcase_add_test(tc, test_state_gc_removes_the_dead_only);
	tcase_add_test(tc, test_net_subnet_parse);
	tcase_add_test(tc, test_net_leases_are_distinct);
	tcase_add_test(tc, test_net_lease_skips_what_the_namespace_has);
	tcase_add_test(tc, test_seccomp_profile_docker_default_follows_caps);
	tcase_add_test(tc, test_seccomp_profile_syntax_error_names_line_and_column);
	tcase_add_test(tc, test_seccomp_profile_missing_file_is_named);
	tcase_add_test(tc, test_seccomp_profile_unknown_action);
	tcase_add_test(tc, test_seccomp_profile_unknown_op);
	tcase_add_test(tc, test_seccomp_profile_missing_default_action);
	tcase_add_test(tc, test_seccomp_profile_type_error_names_path);
	tcase_add_test(tc, test_seccomp_profile_old_name_form);
	tcase_add_test(tc, test_seccomp_profile_repeated_index_makes_two_rules);
	tcase_add_test(tc, test_seccomp_profile_unknown_syscall_skipped);
	tcase_add_test(tc, test_seccomp_profile_min_kernel);
	tcase_add_test(tc, test_seccomp_profile_archmap_adds_subarches);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, oci_tcase());
	TCase *cache = tcase_create("seccomp cache");
	tcase_add_unchecked_fixture(cache, cache_setup, cache_teardown);
	tcase_add_test(cache, test_seccomp_cache_trusts_only_its_own);
	suite_add_tcase(s, cache);

	TCase *userns = tcase_create("userns");
	tcase_add_unchecked_fixture(userns, userns_setup, userns_teardown);
	tcase_add_test(userns, test_userns_subid_find);
	tcase_add_test(userns, test_userns_idmap_format_and_lookup);
	tcase_add_test(userns, test_userns_copy_shifts_owners);
	suite_add_tcase(s, userns);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
