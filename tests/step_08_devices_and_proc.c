/* Step 08-devices-and-proc: root inside the container opens no device of
 * the machine but Docker's few, and writes none of its knobs in /proc and
 * /sys; it leads a session, and holds a session keyring, of its own. Seen by
 * the kernel: /bin/door inside (it opens for writing and never writes),
 * /proc/PID/{stat,mountinfo} and the cgroup from the host, and the stage's
 * own device program loaded for real by the devices-probe helper. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "harness.h"

#define HINT_DEV_FILE  "exercises/08-devices-and-proc/devices.c, "
#define HINT_PROC_FILE "exercises/08-devices-and-proc/proc.c, "
#define README	       "steps/08-devices-and-proc/README.md, "
#define HINT_V2	       HINT_DEV_FILE "the TODO in emit_rule(); " README "\"Your task: the v2 program\""
/* A list that refuses mknod() stops the container before it starts: step 03
 * makes its /dev with mknod() (on v2, a program without rules). */
#define HINT_MKNOD                                                                                 \
	HINT_DEV_FILE "the TODO in emit_rule() (cgroup v2: a program without rules refuses every " \
		      "device, mknod() of step 03's /dev/null included) or the one in "            \
		      "write_rules_v1() (v1); " README                                             \
		      "\"Your task: the v2 program\" and \"Your task: the v1 list\""
#define HINT_V1 HINT_DEV_FILE "the TODO in write_rules_v1(); " README "\"Your task: the v1 list\""
/* A device test runs the container itself: the v1 list on a v1 or hybrid
 * machine, the v2 program on a pure v2 one. */
#define HINT_LIST                                                                                  \
	HINT_DEV_FILE "the TODO in write_rules_v1() (cgroup v1 and hybrid machines) and the one "  \
		      "in emit_rule() (cgroup v2); " README                                        \
		      "\"Your task: the v1 list\" and \"Your task: the v2 program\""
#define HINT_DEVICE_OPT HINT_LIST "; and \"--privileged and --device\""
#define HINT_MASK	HINT_PROC_FILE "the TODO in mask_path(); " README "\"Your task: masked paths\""
#define HINT_RO                                                                                    \
	HINT_PROC_FILE "the TODO in readonly_path(); " README "\"Your task: read-only paths\""
#define HINT_SYS                                                                                   \
	HINT_PROC_FILE "the TODOs in mask_path() and readonly_path(); " README                     \
		       "\"Your task: masked paths\" and \"--privileged and --device\""
#define HINT_SESSION                                                                               \
	HINT_PROC_FILE "the TODO in own_session() (setsid); " README                               \
		       "\"Your task: a session of its own\""
#define HINT_KEYRING                                                                               \
	HINT_PROC_FILE "the TODO in own_session() (KEYCTL_JOIN_SESSION_KEYRING); " README          \
		       "\"Your task: a session of its own\""

/* File system magics, as statfs(2) names them and `door stat` prints them. */
#define FS_TMPFS "fs=0x1021994"
#define FS_PROC	 "fs=0x9fa0"
#define FS_SYSFS "fs=0x62656572"

/* Docker's default device list, as v1's devices.allow takes it. */
static const char *const docker_lines[] = {
	"c *:* m",   "b *:* m",	  "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",
	"c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm",
};
#define N_DOCKER (sizeof(docker_lines) / sizeof(docker_lines[0]))

/* runc's and containerd's masked paths, with current Docker's additions. */
static const char *const masked_paths[] = {
	"/proc/acpi",	    "/proc/asound",	 "/proc/interrupts",
	"/proc/kcore",	    "/proc/keys",	 "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/scsi",	    "/sys/firmware",	 "/sys/devices/virtual/powercap",
};
#define N_MASKED (sizeof(masked_paths) / sizeof(masked_paths[0]))

/* Whether the machine's kernel has `path`: the stage skips what it lacks,
 * and so does the test. The runner's /proc and /sys are the machine's. */
static bool host_has(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static bool host_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The rest of the line of `out` that starts with `key` and a space, or ""
 * when there is none (the caller frees it). */
static char *line_of(const char *out, const char *key)
{
	size_t len = strlen(key);

	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, len) == 0 && p[len] == ' ')
			return strndup(p + len + 1, strcspn(p + len + 1, "\n"));
	return strdup("");
}

/* Append "key: seen; " to `msg` when the line `key` of `out` does not start
 * with `want`. */
static void expect_line(char *msg, size_t size, const char *out, const char *key, const char *want)
{
	char *seen = line_of(out, key);

	if (strncmp(seen, want, strlen(want)) != 0)
		snprintf(msg + strlen(msg), size - strlen(msg), "%s: \"%s\"; ", key, seen);
	free(seen);
}

/* ---- the devices that every program needs ---- */

/* An off-list device to try: /dev/net/tun (c 10:200). Opening it for reading
 * changes nothing (TUNSETIFF would), and nothing else than the device list
 * refuses it; /dev/kmsg would not do: with kernel.dmesg_restrict 1, reading
 * it needs CAP_SYSLOG too, which Docker's set lacks. */
#define TUN_TRY "mknod /dev/byoc-tun c 10 200; echo \"tun $(door read /dev/byoc-tun)\"; "

START_TEST(test_devices_null_and_friends_work)
{
	char msg[4096] = "";
	struct h_run r;

	h_container_sh(
		&r, NULL,
		"for d in null zero full random urandom; do "
		"echo \"$d-r $(door read /dev/$d)\"; echo \"$d-w $(door openw /dev/$d)\"; "
		"done; "
		/* Opened, never read: a read of the caller's terminal from
		 * a process group in the background would stop the shell
		 * (SIGTTIN) if the container kept the caller's session. */
		"if (: </dev/tty) 2>/tmp/tty.err; then echo 'tty open'; "
		"else echo \"tty $(cat /tmp/tty.err)\"; fi; "
		"(exec 3<>/dev/ptmx && echo \"pts $(ls /dev/pts | tr '\\n' ' ')\"); " TUN_TRY,
		NULL);
	h_assert_ran_inside(&r);
	static const char *const names[] = { "null", "zero", "full", "random", "urandom" };
	for (size_t i = 0; i < 5; i++) {
		char key[32];
		snprintf(key, sizeof(key), "%s-r", names[i]);
		expect_line(msg, sizeof(msg), r.out, key, "open ");
		snprintf(key, sizeof(key), "%s-w", names[i]);
		expect_line(msg, sizeof(msg), r.out, key, "open");
	}
	/* Without a controlling terminal (the container leads a session of
	 * its own), /dev/tty has no terminal to be: ENXIO, not EPERM. */
	char *tty = line_of(r.out, "tty"), *pts = line_of(r.out, "pts");
	if (strcmp(tty, "open") != 0 && !strstr(tty, "No such device or address"))
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "tty: \"%s\"; ", tty);
	/* /dev/ptmx opened: a new pseudo-terminal /dev/pts/0 in the
	 * container's own devpts, beside ptmx. */
	if (!strstr(pts, "0 "))
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
			 "/dev/pts while /dev/ptmx was open: \"%s\"; ", pts);
	ck_assert_msg(msg[0] == '\0',
		      "expected /dev/null, zero, full, random and urandom to open for reading and "
		      "writing, /dev/tty to open or fail with ENXIO (no terminal, but not EPERM), "
		      "and /dev/ptmx to open and give a /dev/pts/0; saw %sstderr \"%s\"",
		      msg, r.err);
	/* A container with no device list at all passes the above: the rest
	 * proves that the list is what lets them through. */
	expect_line(msg, sizeof(msg), r.out, "tun", "held open EPERM");
	ck_assert_msg(msg[0] == '\0',
		      "expected these devices to be usable under a device list that refuses the "
		      "rest: /dev/net/tun (c 10:200), made with mknod, held open EPERM; saw %s"
		      "stdout \"%s\"",
		      msg, r.out);
	free(tty);
	free(pts);
	h_run_free(&r);
}
END_TEST

/* ---- a scratch disk of the test's own ---- */

/* h_scratch_disk(), with its /dev path, major and minor apart. */
static int scratch_disk(char *path, size_t len, unsigned *maj, unsigned *min)
{
	char majmin[32], *token = h_random_token();
	int loop = h_scratch_disk(token, majmin, sizeof(majmin));

	ck_assert(sscanf(majmin, "%u:%u", maj, min) == 2);
	/* Loop devices are /dev/loopN, N the minor (loop(4), no partitions). */
	snprintf(path, len, "/dev/loop%u", *min);
	free(token);
	return loop;
}

START_TEST(test_devices_mknod_allowed_open_refused)
{
	char path[64], maj[16], min[16], msg[4096] = "";
	unsigned ma, mi;
	int loop = scratch_disk(path, sizeof(path), &ma, &mi);
	struct h_run r;

	snprintf(maj, sizeof(maj), "%u", ma);
	snprintf(min, sizeof(min), "%u", mi);
	const char *args[] = { maj, min, NULL };
	/* door read opens for reading only; kmsg is refused by
	 * kernel.dmesg_restrict too, tun and the disk by the list alone. */
	h_container_sh(&r, NULL,
		       "mknod /dev/byoc-kmsg c 1 11; echo \"kmsg-mknod $?\"; "
		       "echo \"kmsg $(door read /dev/byoc-kmsg)\"; "
		       "mknod /dev/byoc-tun c 10 200; echo \"tun-mknod $?\"; "
		       "echo \"tun $(door read /dev/byoc-tun)\"; "
		       "mknod /dev/byoc-disk b \"$1\" \"$2\"; echo \"disk-mknod $?\"; "
		       "echo \"disk $(door read /dev/byoc-disk)\"",
		       args);
	close(loop); /* the last user: the kernel detaches the loop device */
	h_assert_ran_inside(&r);
	expect_line(msg, sizeof(msg), r.out, "kmsg-mknod", "0");
	expect_line(msg, sizeof(msg), r.out, "tun-mknod", "0");
	expect_line(msg, sizeof(msg), r.out, "disk-mknod", "0");
	ck_assert_msg(msg[0] == '\0',
		      "expected mknod inside to make any node (Docker's list allows mknod of "
		      "every device: \"c *:* m\", \"b *:* m\"); saw %sstderr \"%s\"",
		      msg, r.err);
	expect_line(msg, sizeof(msg), r.out, "kmsg", "held open EPERM");
	expect_line(msg, sizeof(msg), r.out, "tun", "held open EPERM");
	expect_line(msg, sizeof(msg), r.out, "disk", "held open EPERM");
	ck_assert_msg(msg[0] == '\0',
		      "expected open() of the nodes made to be refused with EPERM by the device "
		      "list: /dev/kmsg (c 1:11), /dev/net/tun (c 10:200) and the test's scratch "
		      "disk %s (b %s:%s); saw %sstderr \"%s\"",
		      path, maj, min, msg, r.err);
	h_run_free(&r);
}
END_TEST

START_TEST(test_devices_device_option_adds_one)
{
	char path[64], msg[4096] = "";
	unsigned ma, mi;
	int loop = scratch_disk(path, sizeof(path), &ma, &mi);
	char *spec = h_printf("%s:/dev/disk0:r", path), *want = h_printf("open blk %u:%u ", ma, mi);
	const char *opts[] = { "--device", spec, NULL };
	struct h_run r;

	/* Bytes 56 and 57 of the superblock, which starts at byte 1024: the
	 * ext4 magic 0xef53, little-endian (Documentation/filesystems/ext4). */
	h_container_sh(
		&r, opts,
		"echo \"stat $(door stat /dev/disk0)\"; "
		"echo \"read $(door read /dev/disk0)\"; "
		"printf 'magic '; dd if=/dev/disk0 bs=1 skip=1080 count=2 2>/dev/null; echo; "
		"echo \"write $(door openw /dev/disk0)\"; " TUN_TRY,
		NULL);
	close(loop);
	h_assert_ran_inside(&r);
	expect_line(msg, sizeof(msg), r.out, "stat", want);
	expect_line(msg, sizeof(msg), r.out, "read", "open 65536 bytes");
	expect_line(msg, sizeof(msg), r.out, "magic", "\x53\xef");
	ck_assert_msg(msg[0] == '\0',
		      "expected --device %s to give the container /dev/disk0, a block device "
		      "%u:%u (the test's scratch disk), readable: its superblock's magic 53 ef "
		      "at byte 1080; saw %sstderr \"%s\"",
		      spec, ma, mi, msg, r.err);
	expect_line(msg, sizeof(msg), r.out, "write", "held open EPERM");
	ck_assert_msg(msg[0] == '\0',
		      "expected --device %s to allow reading alone (perms \"r\"): open for "
		      "writing held EPERM; saw %s",
		      spec, msg);
	expect_line(msg, sizeof(msg), r.out, "tun", "held open EPERM");
	ck_assert_msg(msg[0] == '\0',
		      "expected --device to add one device to Docker's list, no more: /dev/net/tun "
		      "(c 10:200), made with mknod, still held open EPERM; saw %s",
		      msg);
	free(spec);
	free(want);
	h_run_free(&r);
}
END_TEST

/* ---- the stage on any machine: devices-probe ---- */

/* The helper built beside the step's binary from the same devices.c. */
static char *probe_helper(void)
{
	char *bin = strdup(h_bin), *slash = strrchr(bin, '/');
	char *helper;

	*slash = '\0';
	helper = h_printf("%s/devices-probe", bin);
	free(bin);
	ck_assert_msg(access(helper, X_OK) == 0,
		      "expected %s, built with the step (make IMPL=... step-08): %s", helper,
		      strerror(errno));
	return helper;
}

/* Run the probe with `args` (NULL-terminated, at most 126). */
static void run_probe(struct h_run *r, const char *const *args)
{
	const char *argv[128];
	char *helper = probe_helper();
	size_t n = 0;

	argv[n++] = helper;
	for (; *args && n < 127; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	h_run_argv(r, argv);
	free(helper);
}

/* Each query "c 1 3 r" and whether the program must allow it. Opening a
 * pseudo-terminal number that has no terminal (136:4242) gives ENXIO, which
 * the probe counts as allowed: the device list is asked first. */
struct query {
	const char *q;
	bool allowed;
};
static const struct query docker_queries[] = {
	{ "c 1 3 r", true },	  { "c 1 3 w", true },	{ "c 1 5 r", true },
	{ "c 1 5 w", true },	  { "c 1 7 r", true },	{ "c 1 7 w", true },
	{ "c 1 8 r", true },	  { "c 1 8 w", true },	{ "c 1 9 r", true },
	{ "c 1 9 w", true },	  { "c 5 0 r", true },	{ "c 5 0 w", true },
	{ "c 5 2 r", true },	  { "c 5 2 w", true },	{ "c 136 4242 r", true },
	{ "c 136 4242 w", true }, { "c 1 1 m", true },	{ "c 10 200 m", true },
	{ "b 8 0 m", true },	  { "b 7 0 m", true },	{ "c 1 1 r", false },
	{ "c 1 11 r", false },	  { "c 5 1 r", false }, { "c 10 200 r", false },
	{ "b 7 0 r", false },
};
static const struct query kmsg_queries[] = {
	{ "c 1 11 r", true },
	{ "c 1 11 w", false },
	{ "c 1 3 r", true },
};

/* Run the probe's v2 mode, with --device `opt` unless NULL, on the queries
 * `q` (n of them, at most 32); append to `msg` each one the program answered
 * wrong. */
static void probe_v2(char *msg, size_t size, const char *opt, const struct query *q, size_t n)
{
	const char *args[128] = { "v2" };
	char words[32][4][16];
	size_t k = 1;
	struct h_run r;

	if (opt) {
		args[k++] = "--device";
		args[k++] = opt;
	}
	args[k++] = "--";
	ck_assert(n <= 32);
	for (size_t i = 0; i < n; i++) {
		sscanf(q[i].q, "%15s %15s %15s %15s", words[i][0], words[i][1], words[i][2],
		       words[i][3]);
		for (size_t w = 0; w < 4; w++)
			args[k++] = words[i][w];
	}
	args[k] = NULL;
	run_probe(&r, args);
	ck_assert_msg(r.status == 0,
		      "expected devices-probe to load and attach the stage's program%s%s; it "
		      "failed with status %d: %s",
		      opt ? " with --device " : "", opt ? opt : "", r.status, r.err);
	for (size_t i = 0; i < n; i++) {
		char *line = h_printf("%c %s:%s %s %s\n", words[i][0][0], words[i][1], words[i][2],
				      words[i][3], q[i].allowed ? "allowed" : "refused");
		if (!strstr(r.out, line))
			snprintf(msg + strlen(msg), size - strlen(msg), "%s %s:%s %s %s; ",
				 words[i][0], words[i][1], words[i][2], words[i][3],
				 q[i].allowed ? "refused" : "allowed");
		free(line);
	}
	h_run_free(&r);
}

START_TEST(test_devices_bpf_program_allows_the_list)
{
	char msg[4096] = "";

	probe_v2(msg, sizeof(msg), NULL, docker_queries,
		 sizeof(docker_queries) / sizeof(docker_queries[0]));
	ck_assert_msg(msg[0] == '\0',
		      "expected the device program, loaded into a scratch cgroup by "
		      "devices-probe, to allow exactly Docker's list: read and write of c 1:3, "
		      "1:5, 1:7, 1:8, 1:9, 5:0, 5:2 and 136:*, mknod of any c or b device, and "
		      "nothing else; it answered wrong: %s(run devices-probe v2 -- c 1 3 r ... "
		      "with BYOC_PROBE_VERBOSE=1 to see each instruction)",
		      msg);
	probe_v2(msg, sizeof(msg), "/dev/kmsg:/dev/kmsg:r", kmsg_queries,
		 sizeof(kmsg_queries) / sizeof(kmsg_queries[0]));
	ck_assert_msg(msg[0] == '\0',
		      "expected --device /dev/kmsg:/dev/kmsg:r to add a rule \"c 1:11 r\": reading "
		      "allowed, writing refused (compare the access asked for with the rule's); "
		      "it answered wrong: %s",
		      msg);
}
END_TEST

/* The probe's v1 mode: each write as "FILE VALUE" (the cgroup's directory
 * stripped), in order, one per line. */
static char *v1_writes(const char *const *opts, int *status, char **err)
{
	const char *args[8] = { "v1" };
	char *s = strdup(""), *line, *save = NULL;
	size_t k = 1;
	struct h_run r;

	for (; opts && *opts && k < 7; opts++)
		args[k++] = *opts;
	args[k] = NULL;
	run_probe(&r, args);
	*status = r.status;
	*err = strdup(r.err);
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *p = strncmp(line, "write ", 6) == 0 ? strchr(line + 6, '/') : NULL;
		if (!p)
			continue;
		char *t = h_printf("%s%s\n", s, p + 1);
		free(s);
		s = t;
	}
	h_run_free(&r);
	return s;
}

/* What differs between the writes seen and those wanted: "devices.deny a"
 * first, then the allow lines `want` (n of them) in any order, then the
 * child's PID. */
static void compare_v1(char *msg, size_t size, const char *seen, const char *const *want, size_t n)
{
	const char *procs = strstr(seen, "\ncgroup.procs 4242\n");
	size_t lines = h_count_lines(seen);

	if (strncmp(seen, "devices.deny a\n", 15) != 0)
		snprintf(msg + strlen(msg), size - strlen(msg),
			 "the first write is not \"a\" to devices.deny; ");
	for (size_t i = 0; i < n; i++) {
		/* Between the first line and the last. */
		char *allow = h_printf("\ndevices.allow %s\n", want[i]);
		if (!strstr(seen, allow))
			snprintf(msg + strlen(msg), size - strlen(msg), "no devices.allow %s; ",
				 want[i]);
		free(allow);
	}
	if (lines != n + 2)
		snprintf(msg + strlen(msg), size - strlen(msg), "%zu writes, not %zu; ", lines,
			 n + 2);
	if (!procs || procs[strlen("\ncgroup.procs 4242\n")] != '\0')
		snprintf(msg + strlen(msg), size - strlen(msg),
			 "the last write is not the child's PID to cgroup.procs; ");
	if (msg[0])
		snprintf(msg + strlen(msg), size - strlen(msg), "the writes were:\n%s", seen);
}

START_TEST(test_devices_v1_list_is_docker_default)
{
	const char *device[] = { "--device", "/dev/kmsg:/dev/kmsg:rw", NULL };
	const char *priv[] = { "--privileged", NULL };
	const char *with_kmsg[N_DOCKER + 1];
	char msg[4096] = "", *err;
	int status;

	char *seen = v1_writes(NULL, &status, &err);
	ck_assert_msg(status == 0, "expected devices-probe v1 to succeed; status %d: %s", status,
		      err);
	compare_v1(msg, sizeof(msg), seen, docker_lines, N_DOCKER);
	ck_assert_msg(
		msg[0] == '\0',
		"expected the devices cgroup's writes, seen by devices-probe v1: \"a\" to "
		"devices.deny first (a new cgroup starts with its parent's list, everything), "
		"then each line of Docker's list to devices.allow, then the child's PID to "
		"cgroup.procs; %s",
		msg);
	free(seen);
	free(err);

	memcpy(with_kmsg, docker_lines, sizeof(docker_lines));
	with_kmsg[N_DOCKER] = "c 1:11 rw";
	seen = v1_writes(device, &status, &err);
	ck_assert_msg(status == 0,
		      "expected devices-probe v1 --device %s to succeed; status %d: %s", device[1],
		      status, err);
	compare_v1(msg, sizeof(msg), seen, with_kmsg, N_DOCKER + 1);
	ck_assert_msg(msg[0] == '\0',
		      "expected --device %s to add one line, \"c 1:11 rw\", to Docker's list; %s",
		      device[1], msg);
	free(seen);
	free(err);

	struct h_run r;
	const char *args[] = { "v1", priv[0], NULL };
	run_probe(&r, args);
	ck_assert_msg(r.status == 0 && r.out[0] == '\0',
		      "expected --privileged to make no devices cgroup and write nothing; saw "
		      "status %d, stdout \"%s\", stderr \"%s\"",
		      r.status, r.out, r.err);
	h_run_free(&r);
}
END_TEST

/* ---- the list lives and dies with the container ---- */

/* v2 only: how many device programs are attached to the cgroup `dir`
 * itself (see BPF_PROG_QUERY in bpf(2)), -1 if the kernel says no. */
static int device_programs(const char *dir)
{
	union bpf_attr attr;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), n = -1;

	if (fd < 0)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (unsigned)fd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	if (syscall(SYS_bpf, BPF_PROG_QUERY, &attr, sizeof(attr)) == 0)
		n = (int)attr.query.prog_cnt;
	close(fd);
	return n;
}

/* v1 only: the kernel's list of the cgroup `dir`, one rule a line. */
static char *devices_list(const char *dir)
{
	char *path = h_printf("%s/devices.list", dir), buf[4096] = "";
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
	free(path);
	return strdup(buf);
}

/* The byoc-* cgroups in `dir`, separated by spaces. */
static char *byoc_cgroups_in(const char *dir)
{
	char *ls = strdup(""), *t;
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d)))
		if (strncmp(e->d_name, "byoc-", 5) == 0) {
			t = h_printf("%s%s ", ls, e->d_name);
			free(ls);
			ls = t;
		}
	if (d)
		closedir(d);
	return ls;
}

START_TEST(test_devices_nothing_left)
{
	bool v2 = h_cgroup_v2();
	char msg[4096] = "";
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	char *dir = h_cgroup_path(h_first_child(p.pid), "devices");
	/* The list as the kernel holds it: on v1 the cgroup's devices.list, on
	 * v2 the program attached to the container's cgroup. */
	char *list = v2 ? NULL : devices_list(dir);
	int progs = v2 ? device_programs(dir) : 0;
	h_finish(&p, &r);
	h_run_free(&r);
	if (v2) {
		ck_assert_msg(progs >= 1,
			      "expected a device program attached to the container's cgroup %s "
			      "(BPF_PROG_QUERY, BPF_CGROUP_DEVICE); saw %d",
			      dir, progs);
	} else {
		for (size_t i = 0; i < N_DOCKER; i++) {
			char *line = h_printf("%s\n", docker_lines[i]);
			if (!strstr(list, line))
				snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s; ",
					 docker_lines[i]);
			free(line);
		}
		ck_assert_msg(msg[0] == '\0' && h_count_lines(list) == N_DOCKER,
			      "expected %s/devices.list to hold Docker's list, %zu lines; %s%sthe "
			      "kernel's list is \"%s\"",
			      dir, N_DOCKER, msg[0] ? "missing: " : "", msg, list);
	}
	ck_assert_msg(access(dir, F_OK) < 0 && errno == ENOENT,
		      "expected the container's devices cgroup %s removed once it exited", dir);

	/* Two set-ups that fail: before the cgroup is made (stat of a node
	 * that is not there), and after the child joined it (mknod over the
	 * directory /dev/pts). Each says one line, and leaves no cgroup. */
	char *parent = strdup(dir);
	*strrchr(parent, '/') = '\0';
	char *before = byoc_cgroups_in(parent);
	static const char *const specs[] = { "/dev/nonexistent", "/dev/null:/dev/pts" };
	static const char *const says[] = { "stat(/dev/nonexistent): ENOENT",
					    "unlink(/dev/pts): EISDIR" };
	for (size_t i = 0; i < 2; i++) {
		const char *opts[] = { "--device", specs[i], NULL };
		h_container_sh(&r, opts, "echo ran", NULL);
		char *after = byoc_cgroups_in(parent);
		ck_assert_msg(r.status == 125 && h_count_lines(r.err) == 1 &&
				      strstr(r.err, says[i]) &&
				      (i > 0 || strstr(r.err, "--device /dev/nonexistent")),
			      "expected --device %s to fail with status 125 and one line that "
			      "names %s%s; saw status %d, stdout \"%s\", stderr \"%s\"",
			      specs[i], i ? "" : "--device and ", says[i], r.status, r.out, r.err);
		ck_assert_msg(strcmp(before, after) == 0,
			      "expected the failed set-up (--device %s) to leave no cgroup in %s; "
			      "before \"%s\", after \"%s\"",
			      specs[i], parent, before, after);
		free(after);
		h_run_free(&r);
	}
	free(before);
	free(parent);
	free(list);
	free(dir);
}
END_TEST

/* ---- masked paths ---- */

/* In a container with `opts`: for each path of `paths` that the host has,
 * "PATH stat ..." and, when it looks masked (/dev/null, or a tmpfs), "PATH
 * read ..." (never a read of the real /proc/kcore). */
#define MASK_SCRIPT                                                                                \
	"for p in \"$@\"; do s=$(door stat \"$p\"); echo \"$p-stat $s\"; case \"$s\" in "          \
	"*' chr 1:3 '*|*" FS_TMPFS ") echo \"$p-read $(door read \"$p\")\";; esac; done"

static void run_mask_script(struct h_run *r, const char *const *opts, const char *const *paths,
			    size_t n)
{
	const char *args[N_MASKED + 1];
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (host_has(paths[i]))
			args[k++] = paths[i];
	args[k] = NULL;
	h_container_sh(r, opts, MASK_SCRIPT, args);
	h_assert_ran_inside(r);
}

/* Append to `msg` each masked directory the host has that is not a
 * read-only tmpfs in the mountinfo of a default container: an empty tmpfs
 * that root inside could fill would be a place of its own in /proc. */
static void expect_ro_tmpfs(char *msg, size_t size)
{
	struct h_mount m[N_MASKED];
	bool found[N_MASKED];
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	for (size_t i = 0; i < N_MASKED; i++)
		found[i] =
			host_is_dir(masked_paths[i]) && h_mount_of(child, masked_paths[i], &m[i]);
	h_finish(&p, &r);
	h_run_free(&r);
	for (size_t i = 0; i < N_MASKED; i++) {
		if (!host_is_dir(masked_paths[i]))
			continue;
		if (!found[i])
			snprintf(msg + strlen(msg), size - strlen(msg), "no mount on %s; ",
				 masked_paths[i]);
		else if (strcmp(m[i].type, "tmpfs") != 0 || !h_has_opt(m[i].opts, "ro"))
			snprintf(msg + strlen(msg), size - strlen(msg),
				 "%s is a %s mounted \"%s\"; ", masked_paths[i], m[i].type,
				 m[i].opts);
	}
}

/* Append to `msg` how the masked `path` looks unlike an empty /dev/null (a
 * file) or an empty tmpfs (a directory). */
static void expect_masked(char *msg, size_t size, const char *out, const char *path)
{
	char *stat_key = h_printf("%s-stat", path), *read_key = h_printf("%s-read", path);
	char *st = line_of(out, stat_key), *rd = line_of(out, read_key);
	bool dir = host_is_dir(path);
	bool ok = dir ? strstr(st, FS_TMPFS) && strcmp(rd, "open 0 entries") == 0
		      : strncmp(st, "open chr 1:3 ", 13) == 0 && strcmp(rd, "open 0 bytes") == 0;

	if (!ok)
		snprintf(msg + strlen(msg), size - strlen(msg), "%s is \"%s\"%s%s%s; ", path, st,
			 rd[0] ? ", reads \"" : "", rd, rd[0] ? "\"" : "");
	free(stat_key);
	free(read_key);
	free(st);
	free(rd);
}

/* The paths the host lacks, for the message. */
static char *lacking(const char *const *paths, size_t n)
{
	char *s = strdup(""), *t;

	for (size_t i = 0; i < n; i++)
		if (!host_has(paths[i])) {
			t = h_printf("%s%s%s", s, *s ? ", " : "", paths[i]);
			free(s);
			s = t;
		}
	return s;
}

START_TEST(test_proc_masked_paths_are_empty)
{
	const char *priv[] = { "--privileged", NULL };
	char msg[4096] = "", *skipped = lacking(masked_paths, N_MASKED);
	struct h_run r, pr;

	run_mask_script(&r, NULL, masked_paths, N_MASKED);
	for (size_t i = 0; i < N_MASKED; i++)
		if (host_has(masked_paths[i]))
			expect_masked(msg, sizeof(msg), r.out, masked_paths[i]);
	ck_assert_msg(msg[0] == '\0',
		      "expected each masked path to be empty inside: a file /dev/null bound over "
		      "it (door stat: chr 1:3; 0 bytes), a directory an empty tmpfs (%s; 0 "
		      "entries); saw %s(this kernel lacks %s: skipped); stderr \"%s\"",
		      FS_TMPFS, msg, skipped[0] ? skipped : "none", r.err);
	expect_ro_tmpfs(msg, sizeof(msg));
	ck_assert_msg(msg[0] == '\0',
		      "expected each masked directory to be a read-only tmpfs in the container's "
		      "mountinfo (MS_RDONLY): root inside must not fill it; saw %s",
		      msg);

	/* --privileged masks nothing: what proves that the above looked at
	 * the masks and not at paths empty anyway (/proc/acpi is empty on
	 * many machines). */
	run_mask_script(&pr, priv, masked_paths, N_MASKED);
	for (size_t i = 0; i < N_MASKED; i++) {
		if (!host_has(masked_paths[i]))
			continue;
		char *key = h_printf("%s-stat", masked_paths[i]), *st = line_of(pr.out, key);
		const char *fs = strncmp(masked_paths[i], "/proc/", 6) == 0 ? FS_PROC : FS_SYSFS;
		if (strncmp(st, "open ", 5) != 0 || !strstr(st, fs))
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s is \"%s\"; ",
				 masked_paths[i], st);
		free(key);
		free(st);
	}
	ck_assert_msg(msg[0] == '\0',
		      "expected --privileged to mask nothing: each path the kernel's own (%s in "
		      "/proc, %s in /sys); saw %sstderr \"%s\"",
		      FS_PROC, FS_SYSFS, msg, pr.err);
	free(skipped);
	h_run_free(&r);
	h_run_free(&pr);
}
END_TEST

START_TEST(test_proc_kcore_and_keys_masked)
{
	static const char *const paths[] = { "/proc/keys", "/proc/kcore" };
	char msg[4096] = "";
	struct h_mount m;
	struct h_proc p;
	struct h_run r;
	bool mounted[2];

	const char *args[] = { paths[0], host_has(paths[1]) ? paths[1] : NULL, NULL };
	h_container_spawn(&p, NULL, MASK_SCRIPT "; " H_WAIT_SCRIPT, args);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	for (size_t i = 0; i < 2; i++)
		mounted[i] = h_mount_of(child, paths[i], &m);
	h_finish(&p, &r);
	h_assert_ran_inside(&r);
	for (size_t i = 0; i < 2; i++) {
		if (!host_has(paths[i]))
			continue;
		expect_masked(msg, sizeof(msg), r.out, paths[i]);
		if (!mounted[i])
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
				 "no mount on %s in /proc/%d/mountinfo; ", paths[i], (int)child);
	}
	ck_assert_msg(msg[0] == '\0',
		      "expected /proc/keys (the keys of the machine's root) and /proc/kcore (the "
		      "kernel's memory%s) to be /dev/null inside, bound over them: door stat "
		      "shows chr 1:3, reading gives 0 bytes; saw %sstderr \"%s\"",
		      host_has(paths[1]) ? "" : "; this kernel lacks it", msg, r.err);
	h_run_free(&r);
}
END_TEST

/* ---- read-only paths ---- */

/* For each path of `paths` that the host has: "PATH door-openw-output". */
#define OPENW_SCRIPT "for p in \"$@\"; do echo \"$p $(door openw \"$p\")\"; done"

/* Run OPENW_SCRIPT over the `paths` the host has, started, so that the test
 * can read the container's mountinfo; `ro` (n_ro of them) are the mount
 * points to look up, each filled into `mounts` (type "" when none). */
static void openw_run(struct h_run *r, const char *const *opts, const char *const *paths, size_t n,
		      const char *const *ro, size_t n_ro, struct h_mount *mounts)
{
	const char *args[16];
	size_t k = 0;
	struct h_proc p;

	for (size_t i = 0; i < n && k < 15; i++)
		if (host_has(paths[i]))
			args[k++] = paths[i];
	args[k] = NULL;
	h_container_spawn(&p, opts, OPENW_SCRIPT "; " H_WAIT_SCRIPT, args);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	for (size_t i = 0; i < n_ro; i++)
		if (!h_mount_of(child, ro[i], &mounts[i]))
			mounts[i].type[0] = '\0';
	h_finish(&p, r);
	h_assert_ran_inside(r);
}

/* Append to `msg` each path the host has whose door is not `want`. */
static void expect_doors(char *msg, size_t size, const char *out, const char *const *paths,
			 size_t n, const char *want)
{
	for (size_t i = 0; i < n; i++) {
		if (!host_has(paths[i]))
			continue;
		char *seen = line_of(out, paths[i]);
		if (strcmp(seen, want) != 0)
			snprintf(msg + strlen(msg), size - strlen(msg), "%s: \"%s\"; ", paths[i],
				 seen);
		free(seen);
	}
}

/* Append to `msg` each mount of `mounts` (on `points`) that is not a
 * read-only mount of its own with nosuid, nodev and noexec kept, over a
 * file system that stays read-write: the per-mount flag, not the
 * superblock's, which the container's whole /proc shares. */
static void expect_ro_mounts(char *msg, size_t size, const char *const *points,
			     const struct h_mount *mounts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct h_mount *m = &mounts[i];
		if (!host_has(points[i]))
			continue;
		if (!m->type[0])
			snprintf(msg + strlen(msg), size - strlen(msg), "no mount on %s; ",
				 points[i]);
		else if (!h_has_opt(m->opts, "ro") || !h_has_opt(m->opts, "nosuid") ||
			 !h_has_opt(m->opts, "nodev") || !h_has_opt(m->opts, "noexec") ||
			 !h_has_opt(m->super, "rw"))
			snprintf(msg + strlen(msg), size - strlen(msg),
				 "%s is mounted \"%s\" over %s \"%s\"; ", points[i], m->opts,
				 m->type, m->super);
	}
}

START_TEST(test_proc_sys_is_read_only)
{
	static const char *const knobs[] = { "/proc/sys/kernel/core_pattern",
					     "/proc/sys/kernel/modprobe",
					     "/proc/sys/vm/drop_caches",
					     "/proc/self/oom_score_adj" };
	static const char *const points[] = { "/proc/sys" };
	const char *priv[] = { "--privileged", NULL };
	char msg[4096] = "";
	struct h_mount mounts[1];
	struct h_run r, pr;

	openw_run(&r, NULL, knobs, 3, points, 1, mounts);
	expect_doors(msg, sizeof(msg), r.out, knobs, 3, "held open EROFS");
	ck_assert_msg(msg[0] == '\0',
		      "expected door openw (which writes nothing) of the knobs of /proc/sys to be "
		      "held with EROFS; saw %sstderr \"%s\"",
		      msg, r.err);
	expect_ro_mounts(msg, sizeof(msg), points, mounts, 1);
	ck_assert_msg(msg[0] == '\0',
		      "expected /proc/sys in the container's mountinfo to be a mount of its own, "
		      "read-only with nosuid,nodev,noexec kept (a remount sets every flag anew), "
		      "over a proc that stays rw (MS_BIND | MS_REMOUNT: the mount's flag, not the "
		      "file system's); saw %s",
		      msg);
	h_run_free(&r);

	/* The rest of /proc stays writable: the container adjusts its own
	 * processes (docker run --oom-score-adj). */
	openw_run(&r, NULL, knobs + 3, 1, NULL, 0, NULL);
	expect_doors(msg, sizeof(msg), r.out, knobs + 3, 1, "open");
	ck_assert_msg(msg[0] == '\0',
		      "expected /proc outside the read-only paths to stay writable: door openw "
		      "/proc/self/oom_score_adj open; saw %sstderr \"%s\"",
		      msg, r.err);

	openw_run(&pr, priv, knobs, 3, NULL, 0, NULL);
	expect_doors(msg, sizeof(msg), pr.out, knobs, 3, "open");
	ck_assert_msg(msg[0] == '\0',
		      "expected --privileged to leave /proc/sys writable (door openw open, and "
		      "nothing written); saw %sstderr \"%s\"",
		      msg, pr.err);
	h_run_free(&r);
	h_run_free(&pr);
}
END_TEST

/* /proc/sysrq-trigger, where the kernel has it, and the rest of the list:
 * /proc/bus, /proc/fs and /proc/irq, each a read-only mount of its own; a
 * knob in /proc/irq, held with EROFS. */
START_TEST(test_proc_sysrq_trigger_is_read_only)
{
	static const char *const knobs[] = { "/proc/sysrq-trigger",
					     "/proc/irq/default_smp_affinity" };
	static const char *const points[] = { "/proc/sysrq-trigger", "/proc/bus", "/proc/fs",
					      "/proc/irq" };
	const char *priv[] = { "--privileged", NULL };
	char msg[4096] = "";
	struct h_mount mounts[4];
	struct h_run r, pr;

	if (!host_has(knobs[0]))
		fprintf(stderr,
			"  note: this kernel lacks /proc/sysrq-trigger: "
			"test_proc_sysrq_trigger_is_read_only checks /proc/bus, /proc/fs and "
			"/proc/irq alone\n");
	openw_run(&r, NULL, knobs, 2, points, 4, mounts);
	expect_doors(msg, sizeof(msg), r.out, knobs, 2, "held open EROFS");
	ck_assert_msg(msg[0] == '\0',
		      "expected door openw (which writes nothing) of /proc/sysrq-trigger (where "
		      "this kernel has it) and /proc/irq/default_smp_affinity to be held with "
		      "EROFS; saw %sstderr \"%s\"",
		      msg, r.err);
	expect_ro_mounts(msg, sizeof(msg), points, mounts, 4);
	ck_assert_msg(msg[0] == '\0',
		      "expected /proc/sysrq-trigger (a file), /proc/bus, /proc/fs and /proc/irq, "
		      "those this kernel has, each a read-only mount of its own in the "
		      "container's mountinfo, with nosuid,nodev,noexec kept, over a proc that "
		      "stays rw; saw %s",
		      msg);
	openw_run(&pr, priv, knobs, 2, NULL, 0, NULL);
	expect_doors(msg, sizeof(msg), pr.out, knobs, 2, "open");
	ck_assert_msg(msg[0] == '\0',
		      "expected --privileged to leave them writable (door openw open, and nothing "
		      "written); saw %sstderr \"%s\"",
		      msg, pr.err);
	h_run_free(&r);
	h_run_free(&pr);
}
END_TEST

/* A knob of sysfs that every kernel has; the probe opens, never writes. */
static const char *sys_knob(void)
{
	static const char *const knobs[] = { "/sys/kernel/profiling", "/sys/kernel/uevent_helper",
					     "/sys/kernel/mm/transparent_hugepage/enabled" };

	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (host_has(knobs[i]))
			return knobs[i];
	ck_abort_msg("test set-up: this kernel has none of /sys/kernel/profiling, uevent_helper, "
		     "mm/transparent_hugepage/enabled");
	return NULL;
}

START_TEST(test_proc_sys_writable_when_privileged)
{
	const char *priv[] = { "--privileged", NULL }, *knob = sys_knob();
	static const char *const points[] = { "/sys" };
	const char *script = "echo \"knob $(door openw \"$1\")\"; "
			     "echo \"firmware $(door stat /sys/firmware)\"; " H_WAIT_SCRIPT;
	const char *args[] = { knob, NULL };
	struct h_mount m[2];
	struct h_proc p;
	struct h_run r[2];
	char msg[4096] = "";

	for (int i = 0; i < 2; i++) {
		h_container_spawn(&p, i ? priv : NULL, script, args);
		h_assert_ready(&p);
		if (!h_mount_of(h_first_child(p.pid), points[0], &m[i]))
			snprintf(m[i].opts, sizeof(m[i].opts), "(no mount)");
		h_finish(&p, &r[i]);
		h_assert_ran_inside(&r[i]);
	}
	expect_line(msg, sizeof(msg), r[0].out, "knob", "held open EROFS");
	expect_line(msg, sizeof(msg), r[0].out, "firmware", "open dir ");
	char *fw = line_of(r[0].out, "firmware");
	if (!strstr(fw, FS_TMPFS) && !strstr(msg, "firmware"))
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "firmware: \"%s\"; ", fw);
	ck_assert_msg(msg[0] == '\0',
		      "expected /sys read-only by default (door openw %s held EROFS) and "
		      "/sys/firmware masked, an empty tmpfs (%s); saw %sstderr \"%s\"",
		      knob, FS_TMPFS, msg, r[0].err);
	expect_line(msg, sizeof(msg), r[1].out, "knob", "open");
	free(fw);
	fw = line_of(r[1].out, "firmware");
	if (!strstr(fw, FS_SYSFS))
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "firmware: \"%s\"; ", fw);
	if (!h_has_opt(m[1].opts, "rw"))
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "/sys mounted \"%s\"; ",
			 m[1].opts);
	ck_assert_msg(msg[0] == '\0',
		      "expected --privileged to give /sys back: mounted rw, door openw %s open "
		      "(nothing written), /sys/firmware sysfs (%s); saw %sstderr \"%s\"",
		      knob, FS_SYSFS, msg, r[1].err);
	free(fw);
	h_run_free(&r[0]);
	h_run_free(&r[1]);
}
END_TEST

/* ---- a session of its own ---- */

/* Fields 5, 6 and 7 of /proc/PID/stat (proc(5)): process group, session,
 * controlling terminal. The name in () may hold spaces. */
static bool stat_ids(pid_t pid, int *pgrp, int *session, int *tty)
{
	char *path = h_printf("/proc/%d/stat", (int)pid), buf[1024];
	FILE *f = fopen(path, "re");
	bool ok = f && fgets(buf, sizeof(buf), f) && strrchr(buf, ')') &&
		  sscanf(strrchr(buf, ')') + 2, "%*c %*d %d %d %d", pgrp, session, tty) == 3;

	if (f)
		fclose(f);
	free(path);
	return ok;
}

START_TEST(test_session_is_its_own)
{
	int pg, sid, tty, rpg, rsid, rtty;
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	bool ok = stat_ids(child, &pg, &sid, &tty) && stat_ids(p.pid, &rpg, &rsid, &rtty);
	h_finish(&p, &r);
	ck_assert_msg(ok, "test set-up: cannot read /proc/%d/stat or /proc/%d/stat", (int)child,
		      (int)p.pid);
	ck_assert_msg(sid != rsid && pg != rpg && sid == child && pg == child,
		      "expected the container's PID 1 (%d on the host) to lead a session and a "
		      "process group of its own (setsid): /proc/%d/stat's session and process "
		      "group %d, not the runtime's (session %d, group %d); saw session %d, group "
		      "%d",
		      (int)child, (int)child, (int)child, rsid, rpg, sid, pg);
	ck_assert_msg(tty == 0,
		      "expected the container to have no controlling terminal (tty_nr 0 in "
		      "/proc/%d/stat): a new session has none; saw tty_nr %d",
		      (int)child, tty);
	h_run_free(&r);
}
END_TEST

START_TEST(test_session_keyring_is_its_own)
{
	long mine = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	struct h_proc a, b;
	struct h_run ra, rb;

	ck_assert_msg(mine > 0, "test set-up: keyctl(KEYCTL_GET_KEYRING_ID): %s", strerror(errno));
	/* Two containers at once, each with its keyring alive. */
	h_container_spawn(&a, NULL, "echo \"keyring $(door keyring)\"; " H_WAIT_SCRIPT, NULL);
	h_assert_ready(&a);
	h_container_spawn(&b, NULL, "echo \"keyring $(door keyring)\"; " H_WAIT_SCRIPT, NULL);
	h_assert_ready(&b);
	h_finish(&a, &ra);
	h_finish(&b, &rb);
	char *ka = line_of(ra.out, "keyring"), *kb = line_of(rb.out, "keyring");
	char *own = h_printf("open session-keyring %ld", mine);
	ck_assert_msg(strncmp(ka, "open session-keyring ", 21) == 0 &&
			      strncmp(kb, "open session-keyring ", 21) == 0,
		      "expected door keyring to print the session keyring's serial; saw \"%s\", "
		      "\"%s\", stderr \"%s\"",
		      ka, kb, ra.err);
	ck_assert_msg(strcmp(ka, own) != 0 && strcmp(kb, own) != 0,
		      "expected the container's session keyring to be a new one, not the "
		      "runtime's (%ld, inherited over clone); saw \"%s\" and \"%s\"",
		      mine, ka, kb);
	ck_assert_msg(strcmp(ka, kb) != 0,
		      "expected each container to join a session keyring of its own (a new "
		      "anonymous one); two containers at once both saw \"%s\"",
		      ka);
	free(ka);
	free(kb);
	free(own);
	h_run_free(&ra);
	h_run_free(&rb);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "08-devices-and-proc";
	/* A container (or the probe) that does not start: the code its error
	 * names. */
	h_hint_for(s, "bpf(BPF_PROG_LOAD)", HINT_V2);
	h_hint_for(s, "stage mount: mknod(/dev/", HINT_MKNOD);
	h_hint_for(s, "devices.deny", HINT_V1);
	h_hint_for(s, "devices.allow", HINT_V1);
	h_hint_for(s, "stage proc: mount(/dev/null,", HINT_MASK);
	h_hint_for(s, "stage proc: mount(tmpfs,", HINT_MASK);
	h_hint_for(s, "stage proc: mount(", HINT_RO);
	h_hint_for(s, "stage proc: setsid", HINT_SESSION);
	h_hint_for(s, "stage proc: keyctl", HINT_KEYRING);
	h_add(s, test_devices_null_and_friends_work, 2, HINT_LIST);
	h_add(s, test_devices_mknod_allowed_open_refused, 3, HINT_LIST);
	h_add(s, test_devices_device_option_adds_one, 3, HINT_DEVICE_OPT);
	h_add(s, test_devices_bpf_program_allows_the_list, 4, HINT_V2);
	h_add(s, test_devices_v1_list_is_docker_default, 3, HINT_V1);
	h_add(s, test_devices_nothing_left, 2, HINT_LIST);
	h_add(s, test_proc_masked_paths_are_empty, 3, HINT_MASK);
	h_add(s, test_proc_kcore_and_keys_masked, 2, HINT_MASK);
	h_add(s, test_proc_sys_is_read_only, 3, HINT_RO);
	h_add(s, test_proc_sysrq_trigger_is_read_only, 2, HINT_RO);
	h_add(s, test_proc_sys_writable_when_privileged, 2, HINT_SYS);
	h_add(s, test_session_is_its_own, 2, HINT_SESSION);
	h_add(s, test_session_keyring_is_its_own, 2, HINT_KEYRING);
}
