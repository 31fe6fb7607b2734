/* The escape suite: root inside `byoc run`'s default container is not root
 * of the machine. It walks README.md's table "Escapes tried", one test a
 * door: the probe /bin/door (rootfs/tools/door.c) must find the door held in
 * the default container, and open where the table says it is (--privileged,
 * step 07's container, or outside), so that each test is seen to fail.
 * door never writes a kernel knob: it proves one writable by open() alone. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <libgen.h>
#include <linux/keyctl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "harness.h"
#include "leaks.h"

#ifndef BYOC_README
#define BYOC_README "README.md"
#endif

#define HINT_TABLE                                                                                 \
	"README.md, \"Escapes tried\"; steps/08-devices-and-proc/README.md and "                   \
	"steps/09-seccomp/README.md, and the stage that closes the door: "                         \
	"solutions/08-devices-and-proc/ or solutions/09-seccomp/"

#define HINT_USERNS                                                                                \
	"README.md, \"With a user namespace\"; steps/10-userns/README.md and "                     \
	"solutions/10-userns/userns.c"

#define HINT_STATE                                                                                 \
	"lib/state.c (the state root and its clean-up) and lib/overlay.c (--keep's shelf); "       \
	"steps/05-overlayfs/README.md, \"Your task: --keep\""

/* One row of the table. */
struct row {
	char door[96], probe[256], held[128], opener[64], open[128];
};

/* The text between the first pair of backquotes in `cell`, or the cell
 * itself, trimmed. */
static void cell_text(const char *cell, char *out, size_t len)
{
	const char *a = strchr(cell, '`'), *b = a ? strchr(a + 1, '`') : NULL;

	if (b) {
		snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
		return;
	}
	while (*cell == ' ')
		cell++;
	snprintf(out, len, "%s", cell);
	for (size_t n = strlen(out); n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\n'); n--)
		out[n - 1] = '\0';
}

/* Read the table's rows; returns how many (at most `max`). */
static size_t read_table(struct row *rows, size_t max)
{
	FILE *f = fopen(BYOC_README, "re");
	char *line = NULL;
	size_t cap = 0, n = 0;
	bool in = false;

	ck_assert_msg(f, "open(%s): %s", BYOC_README, strerror(errno));
	while (getline(&line, &cap, f) > 0 && n < max) {
		if (strncmp(line, "##", 2) == 0)
			in = strncmp(line, "### Escapes tried", 17) == 0;
		if (!in || line[0] != '|' || strstr(line, "---") ||
		    strncmp(line, "| door |", 8) == 0)
			continue;
		char *cells[6], *save = NULL;
		size_t nc = 0;
		for (char *c = strtok_r(line, "|", &save); c && nc < 6;
		     c = strtok_r(NULL, "|", &save))
			cells[nc++] = c;
		ck_assert_msg(nc >= 5, "%s, \"Escapes tried\": a row with fewer than 5 cells",
			      BYOC_README);
		struct row *r = &rows[n++];
		cell_text(cells[0], r->door, sizeof(r->door));
		cell_text(cells[1], r->probe, sizeof(r->probe));
		cell_text(cells[2], r->held, sizeof(r->held));
		cell_text(cells[3], r->opener, sizeof(r->opener));
		cell_text(cells[4], r->open, sizeof(r->open));
	}
	fclose(f);
	free(line);
	return n;
}

static struct row find_row(const char *door)
{
	struct row rows[64];
	size_t n = read_table(rows, 64);

	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].door, door) == 0)
			return rows[i];
	ck_abort_msg("%s, \"Escapes tried\", has no row for the door '%s'", BYOC_README, door);
	return rows[0];
}

/* ---- what a row's probe needs around it ---- */

static char pty_slave[64];
static int pty_master = -1;

/* The runtime's controlling terminal: a pseudo-terminal of the test's own,
 * on its stdin, as when an operator types in a shell. */
static void on_terminal(void)
{
	int fd;

	if (setsid() < 0 || (fd = open(pty_slave, O_RDWR)) < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
		_exit(97);
	dup2(fd, 0);
	close(fd);
}

static long own_session_keyring(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
}

/* Set: run_door() runs the runtime as the user nobody (rootless). */
static bool as_nobody;

/* Replace each token of the probe: $DISK, $TMP, $CALLER. */
static void expand(const char *probe, const char *disk, char *out, size_t len)
{
	char *copy = strdup(probe), *p = copy;

	out[0] = '\0';
	while (*p) {
		size_t used = strlen(out);
		if (strncmp(p, "$DISK", 5) == 0) {
			snprintf(out + used, len - used, "%s", disk);
			p += 5;
		} else if (strncmp(p, "$TMP", 4) == 0) {
			snprintf(out + used, len - used, "%s", h_tmp);
			p += 4;
		} else if (strncmp(p, "$CALLER", 7) == 0) {
			snprintf(out + used, len - used, "%d", (int)getpid());
			p += 7;
		} else {
			snprintf(out + used, len - used, "%c", *p++);
		}
	}
	free(copy);
}

/* Run the probe `prog` (door or sysprobe) with `dargs` (its subcommand and
 * arguments, NULL-terminated) where `where` says: "" (the default
 * container), options such as "--privileged" or "--security-opt
 * seccomp=unconfined", "step 07" or "outside". Returns its line, as the
 * table words it. */
static char *run_door(const char *prog, const char *const *dargs, const char *where)
{
	char *step07 = NULL, *dir = strdup(h_bin), *door = h_printf("%s/bin/%s", h_rootfs, prog);
	char *inside = h_printf("/bin/%s", prog), *opts = strdup(where), *save = NULL;
	const char *argv[40];
	size_t n = 0;
	bool kill0 = strcmp(dargs[0], "kill0") == 0, tty = strcmp(dargs[0], "tiocsti") == 0;
	struct h_run r;

	if (strcmp(where, "outside") == 0) {
		argv[n++] = door;
	} else {
		if (strcmp(where, "step 07") == 0) {
			step07 = h_printf("%s/step-07", dirname(dir));
			argv[n++] = step07;
		} else {
			argv[n++] = h_bin;
			if (h_bin_arg)
				argv[n++] = h_bin_arg;
		}
		argv[n++] = "--rootfs";
		argv[n++] = h_rootfs;
		if (strncmp(where, "--", 2) == 0)
			for (char *w = strtok_r(opts, " ", &save); w && n < 20;
			     w = strtok_r(NULL, " ", &save))
				argv[n++] = w;
		if (kill0)
			argv[n++] = "-v";
		argv[n++] = "--net";
		argv[n++] = "none";
		argv[n++] = "--";
		argv[n++] = inside;
	}
	for (; *dargs && n < 39; dargs++)
		argv[n++] = *dargs;
	argv[n] = NULL;

	if (tty) {
		pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		ck_assert_msg(pty_master >= 0 && grantpt(pty_master) == 0 &&
				      unlockpt(pty_master) == 0,
			      "test set-up: posix_openpt: %s", strerror(errno));
		snprintf(pty_slave, sizeof(pty_slave), "%s", ptsname(pty_master));
	}
	h_run_special(&r, argv, -1, tty ? on_terminal : as_nobody ? h_become_nobody : NULL);
	if (tty) {
		close(pty_master); /* and with it, whatever was typed */
		pty_master = -1;
	}

	char *line = h_printf("%.*s", (int)strcspn(r.out, "\n"), r.out);
	if (!line[0]) {
		free(line);
		line = h_printf("(no line: status %d, stderr: %.300s)", r.status, r.err);
	}
	if (kill0) {
		char *t = h_printf("%s; the runtime got %s", line,
				   strstr(r.err, "forwarding signal 10") ? "it" : "nothing");
		free(line);
		line = t;
	}
	long serial;
	if (strncmp(line, "open session-keyring ", 21) == 0 &&
	    sscanf(line + 21, "%ld", &serial) == 1) {
		char *t = h_printf("open session-keyring (%s)",
				   serial == own_session_keyring() ? "the caller's" : "its own");
		free(line);
		line = t;
	}
	h_run_free(&r);
	free(step07);
	free(dir);
	free(door);
	free(inside);
	free(opts);
	return line;
}

/* The same for a probe as the table words it, "door openw PATH" or
 * "sysprobe call keyctl". */
static char *run_probe(const char *probe, const char *where)
{
	char *words = strdup(probe), *save = NULL, *line;
	const char *dargs[32], *prog;
	size_t n = 0;

	prog = strtok_r(words, " ", &save); /* "door" or "sysprobe" */
	for (char *w = strtok_r(NULL, " ", &save); w && n < 31; w = strtok_r(NULL, " ", &save))
		dargs[n++] = w;
	dargs[n] = NULL;
	line = run_door(prog, dargs, where);
	free(words);
	return line;
}

/* ---- the real writes, in the lab's throwaway VM alone ---- */

/* What the VM's suite writes for real (BYOC_ESCAPES_REAL=1, set by
 * tools/vm/guest.sh only), as the lesson's table did: each knob written
 * with --privileged is read back on the machine and put back at once. */
static const struct {
	const char *path, *value;
	bool has_value; /* reads back what was written; else an action */
} real_writes[] = {
	{ "/proc/sys/kernel/core_pattern", "|/tmp/escaped %p", true },
	{ "/proc/sys/kernel/modprobe", "/tmp/evil-modprobe", true },
	{ "/proc/sysrq-trigger", "h", false },
	{ "/proc/sys/vm/drop_caches", "1", false },
};

/* The lab's VM boots with byoc.mode= on its kernel command line
 * (tools/vm/run.sh): the real writes happen there or nowhere, whatever the
 * environment says. */
static bool in_lab_vm(void)
{
	char cmdline[4096] = "";
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, cmdline, sizeof(cmdline) - 1);

	if (fd >= 0)
		close(fd);
	cmdline[n > 0 ? n : 0] = '\0';
	return strstr(cmdline, "byoc.mode=check") != NULL;
}

static char *read_knob(const char *path)
{
	char buf[512] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

static void write_knob(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, value, strlen(value));

	if (fd >= 0)
		close(fd);
	ck_assert_msg(n == (ssize_t)strlen(value), "putting %s back to '%s': %s", path, value,
		      strerror(errno));
}

static void real_write(const char *door, const char *path)
{
	for (size_t i = 0; i < sizeof(real_writes) / sizeof(real_writes[0]); i++) {
		if (strcmp(real_writes[i].path, path) != 0 || access(path, F_OK) < 0)
			continue;
		const char *value = real_writes[i].value;
		const char *dargs[] = { "write", path, value, NULL };
		char *saved = real_writes[i].has_value ? read_knob(path) : strdup("");
		char *held = run_door("door", dargs, ""), *after_held = read_knob(path);
		char *open = run_door("door", dargs, "--privileged"), *after_open = read_knob(path);
		if (real_writes[i].has_value)
			write_knob(path, saved);
		char *restored = real_writes[i].has_value ? read_knob(path) : strdup("");
		fprintf(stderr,
			"escapes: real write, %s: `echo '%s' > %s` in the default container: "
			"%s%s%s%s; with --privileged: %s%s%s%s\n",
			door, value, path, held,
			real_writes[i].has_value ? " (the machine's value: '" : "",
			real_writes[i].has_value ? after_held : "",
			real_writes[i].has_value ? "')" : "", open,
			real_writes[i].has_value ? " (the machine's value became '" : "",
			real_writes[i].has_value ? after_open : "",
			real_writes[i].has_value ? "', now put back)" : "");
		ck_assert_msg(strncmp(held, "held open EROFS", 15) == 0 &&
				      (!real_writes[i].has_value || strcmp(after_held, saved) == 0),
			      "VM: expected the real write of '%s' to %s to be refused in the "
			      "default container and the machine's value to stay '%s'; saw \"%s\", "
			      "the value '%s'",
			      value, path, saved, held, after_held);
		ck_assert_msg(strncmp(open, "open wrote", 10) == 0 &&
				      (!real_writes[i].has_value || strcmp(after_open, value) == 0),
			      "VM: expected the real write of '%s' to %s to reach the machine with "
			      "--privileged; saw \"%s\", the value '%s'",
			      value, path, open, after_open);
		ck_assert_msg(strcmp(restored, saved) == 0, "VM: %s was not put back to '%s': '%s'",
			      path, saved, restored);
		free(saved), free(held), free(after_held), free(open), free(after_open);
		free(restored);
	}
}

/* Whether an open run shows that the machine lacks the door: its file or
 * device does not exist here. */
static bool machine_lacks(const char *line)
{
	return strncmp(line, "error", 5) == 0 || strstr(line, "ENXIO") || strstr(line, "ENODEV");
}

/* A scratch disk for $DISK: "b MAJOR MINOR" into `disk`; returns the fd
 * whose close detaches it. */
static int scratch_disk(char *disk, size_t len)
{
	char *token = h_random_token(), majmin[32];
	unsigned maj = 0, min = 0;
	int loop = h_scratch_disk(token, majmin, sizeof(majmin));

	sscanf(majmin, "%u:%u", &maj, &min);
	snprintf(disk, len, "b %u %u", maj, min);
	free(token);
	return loop;
}

static void check_door(const char *door)
{
	struct row row = find_row(door);
	char probe[512], disk[32] = "";
	int loop = -1;

	if (strstr(row.probe, "$DISK"))
		loop = scratch_disk(disk, sizeof(disk));
	if (strstr(row.probe, "$TMP")) {
		char *marker = h_printf("%s/marker", h_tmp);
		h_write_file(marker, "the machine's own file\n", 0644);
		free(marker);
	}
	expand(row.probe, disk, probe, sizeof(probe));
	char *held = run_probe(probe, "");
	const char *where = strcmp(row.opener, "outside") == 0 ? "outside" : row.opener;
	char *open = run_probe(probe, where);
	if (loop >= 0)
		close(loop); /* the last user: the kernel detaches it */

	if (machine_lacks(open) && machine_lacks(held)) {
		fprintf(stderr, "escapes: %s: skipped, this machine lacks it (%s)\n", door, open);
	} else {
		ck_assert_msg(strncmp(held, row.held, strlen(row.held)) == 0,
			      "door '%s': expected `%s` in byoc run's default container to say "
			      "\"%s...\" (held); it said \"%s\"",
			      door, probe, row.held, held);
		ck_assert_msg(machine_lacks(open) ||
				      (strncmp(open, row.open, strlen(row.open)) == 0 &&
				       strcmp(open, held) != 0),
			      "door '%s': expected `%s` with %s to say \"%s...\" (open: the proof "
			      "that this test can fail); it said \"%s\"",
			      door, probe, row.opener, row.open, open);
	}
	fprintf(stderr, "escapes: %s: `%s` in the default container: %s; with %s: %s\n", door,
		probe, held, row.opener, open);
	const char *real = getenv("BYOC_ESCAPES_REAL");
	if (real && strcmp(real, "1") == 0 && in_lab_vm() && strncmp(probe, "door openw ", 11) == 0)
		real_write(door, probe + 11);
	free(held);
	free(open);
}

/* ---- with a user namespace (step 10) ---- */

/* A row of "With a user namespace": the probe, what it says with --userns
 * --privileged and rootless with --privileged, and with --privileged alone. */
struct userns_row {
	char door[96], probe[256], held[128], open[128];
};

static struct userns_row find_userns_row(const char *door)
{
	FILE *f = fopen(BYOC_README, "re");
	char *line = NULL;
	size_t cap = 0;
	bool in = false;
	struct userns_row row;

	memset(&row, 0, sizeof(row));
	ck_assert_msg(f, "open(%s): %s", BYOC_README, strerror(errno));
	while (getline(&line, &cap, f) > 0 && !row.door[0]) {
		if (strncmp(line, "##", 2) == 0)
			in = strncmp(line, "### With a user namespace", 25) == 0;
		if (!in || line[0] != '|' || strstr(line, "---") ||
		    strncmp(line, "| door |", 8) == 0)
			continue;
		char *cells[5], *save = NULL;
		size_t nc = 0;
		for (char *c = strtok_r(line, "|", &save); c && nc < 5;
		     c = strtok_r(NULL, "|", &save))
			cells[nc++] = c;
		ck_assert_msg(nc >= 4,
			      "%s, \"With a user namespace\": a row with fewer than 4 cells",
			      BYOC_README);
		char name[96];
		cell_text(cells[0], name, sizeof(name));
		if (strcmp(name, door) != 0)
			continue;
		snprintf(row.door, sizeof(row.door), "%s", name);
		cell_text(cells[1], row.probe, sizeof(row.probe));
		cell_text(cells[2], row.held, sizeof(row.held));
		cell_text(cells[3], row.open, sizeof(row.open));
	}
	fclose(f);
	free(line);
	ck_assert_msg(row.door[0], "%s, \"With a user namespace\", has no row for the door '%s'",
		      BYOC_README, door);
	return row;
}

static void check_userns_door(const char *door)
{
	struct userns_row row = find_userns_row(door);
	char probe[512], disk[32] = "";
	char *state = h_printf("/tmp/byoc-%d", H_NOBODY);
	bool had_state = access(state, F_OK) == 0;
	int loop = -1;

	if (strstr(row.probe, "$DISK"))
		loop = scratch_disk(disk, sizeof(disk));
	expand(row.probe, disk, probe, sizeof(probe));
	char *remapped = run_probe(probe, "--userns --privileged");
	chmod(h_tmp, 0711);
	as_nobody = true;
	char *rootless = run_probe(probe, "--privileged");
	as_nobody = false;
	if (!had_state)
		h_remove_tree(state);
	char *open = run_probe(probe, "--privileged");
	if (loop >= 0)
		close(loop);
	fprintf(stderr,
		"escapes: %s: `%s` with --userns --privileged: %s; rootless: %s; with "
		"--privileged: %s\n",
		door, probe, remapped, rootless, open);
	ck_assert_msg(strncmp(remapped, row.held, strlen(row.held)) == 0 &&
			      strncmp(rootless, row.held, strlen(row.held)) == 0,
		      "door '%s': expected `%s` to say \"%s...\" (held) with --userns "
		      "--privileged and in a rootless container with --privileged; they said "
		      "\"%s\" and \"%s\"",
		      door, probe, row.held, remapped, rootless);
	if (machine_lacks(open))
		fprintf(stderr, "escapes: %s: no open run, this machine lacks it (%s)\n", door,
			open);
	ck_assert_msg(machine_lacks(open) || strncmp(open, row.open, strlen(row.open)) == 0,
		      "door '%s': expected `%s` with --privileged alone, no user namespace, to "
		      "say \"%s...\" (open: the proof that this test can fail); it said \"%s\"",
		      door, probe, row.open, open);
	free(remapped), free(rootless), free(open), free(state);
}

#define USERNS_TEST(name, door)                                                                    \
	START_TEST(name)                                                                           \
	{                                                                                          \
		check_userns_door(door);                                                           \
	}                                                                                          \
	END_TEST

USERNS_TEST(test_escape_userns_core_pattern, "core_pattern")
USERNS_TEST(test_escape_userns_drop_caches, "drop_caches")
USERNS_TEST(test_escape_userns_sys_writes, "writes under /sys")
USERNS_TEST(test_escape_userns_raw_disk, "the machine's disk")
USERNS_TEST(test_escape_userns_dev_mem, "/dev/mem")

/* What root inside makes belongs, on the machine, to the ID that the
 * container's map gives its root: with --userns, and rootless. */
START_TEST(test_escape_userns_file_owner)
{
	static const char *const remap[] = { "--userns", NULL };
	struct h_proc p;
	struct h_run r;
	struct stat st = { 0 };
	unsigned inside = 1, outside = 0, count = 0;

	h_container_spawn(&p, remap, "touch /made-inside && " H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	char *map = h_printf("/proc/%d/uid_map", (int)child);
	char *made = h_printf("/proc/%d/root/made-inside", (int)child);
	FILE *f = fopen(map, "re");
	if (f) {
		if (fscanf(f, "%u %u %u", &inside, &outside, &count) != 3)
			inside = 1;
		fclose(f);
	}
	int rs = stat(made, &st);
	h_finish(&p, &r);
	h_assert_ran_inside(&r);
	h_run_free(&r);
	ck_assert_msg(inside == 0 && outside != 0 && count > 0,
		      "expected byoc run --userns to map root inside to an ID other than 0 (%s "
		      "says \"%u %u %u\")",
		      map, inside, outside, count);
	ck_assert_msg(rs == 0 && st.st_uid == outside,
		      "expected %s, made by root inside, to belong to uid %u on the machine; it "
		      "belongs to %u",
		      made, outside, (unsigned)st.st_uid);
	free(map), free(made);

	/* Rootless: the user's own uid; kept layer in a state directory of nobody's. */
	char *state = h_printf("%s/state", h_tmp),
	     *pattern = h_printf("%s/kept/*.upper/made", state);
	const char *argv[16];
	size_t n = 0;
	argv[n++] = h_bin;
	if (h_bin_arg)
		argv[n++] = h_bin_arg;
	const char *rest[] = { "--keep", "--state-dir", state,	 "--rootfs", h_rootfs,
			       "--",	 "/bin/touch",	"/made", NULL };
	for (size_t i = 0; i < sizeof(rest) / sizeof(rest[0]); i++)
		argv[n++] = rest[i];
	glob_t g = { 0 };
	ck_assert(chmod(h_tmp, 0711) == 0 && mkdir(state, 0700) == 0 &&
		  chown(state, H_NOBODY, H_NOBODY) == 0);
	h_run_special(&r, argv, -1, h_become_nobody);
	ck_assert_msg(r.status == 0 && glob(pattern, 0, NULL, &g) == 0 &&
			      stat(g.gl_pathv[0], &st) == 0 && st.st_uid == H_NOBODY,
		      "expected /made, made by root inside nobody's rootless container, to be "
		      "nobody's (%d) on the machine in the kept layer %s; status %d, stderr "
		      "\"%s\", uid %u",
		      H_NOBODY, pattern, r.status, r.err, (unsigned)st.st_uid);
	globfree(&g);
	h_run_free(&r);
	free(state), free(pattern);
}
END_TEST

#define DOOR_TEST(name, door)                                                                      \
	START_TEST(name)                                                                           \
	{                                                                                          \
		check_door(door);                                                                  \
	}                                                                                          \
	END_TEST

DOOR_TEST(test_escape_core_pattern, "core_pattern")
DOOR_TEST(test_escape_modprobe, "modprobe")
DOOR_TEST(test_escape_sysrq_trigger, "sysrq-trigger")
DOOR_TEST(test_escape_drop_caches, "drop_caches")
DOOR_TEST(test_escape_raw_disk, "the machine's disk")
DOOR_TEST(test_escape_dev_mem, "/dev/mem")
DOOR_TEST(test_escape_dev_kmsg, "/dev/kmsg")
DOOR_TEST(test_escape_proc_kcore, "/proc/kcore")
DOOR_TEST(test_escape_proc_keys, "/proc/keys")
DOOR_TEST(test_escape_proc_timer_list, "/proc/timer_list")
DOOR_TEST(test_escape_sys_firmware, "/sys/firmware")
DOOR_TEST(test_escape_sys_writes, "writes under /sys")
DOOR_TEST(test_escape_release_agent, "cgroup v1 release_agent")
DOOR_TEST(test_escape_shocker, "open_by_handle_at (shocker)")
DOOR_TEST(test_escape_mount, "mount")
DOOR_TEST(test_escape_unshare_mount, "unshare and mount")
DOOR_TEST(test_escape_tiocsti, "TIOCSTI on the caller's terminal")
DOOR_TEST(test_escape_kill_group, "kill(0) to the caller's group")
DOOR_TEST(test_escape_session_keyring, "the session keyring")
DOOR_TEST(test_escape_other_proc, "another process's /proc")
DOOR_TEST(test_escape_proc_pid_root, "a process's root, /proc/PID/root")
DOOR_TEST(test_escape_seccomp_keyctl, "keyctl")
DOOR_TEST(test_escape_seccomp_add_key, "add_key")
DOOR_TEST(test_escape_seccomp_bpf, "bpf")
DOOR_TEST(test_escape_seccomp_perf_event_open, "perf_event_open")
DOOR_TEST(test_escape_seccomp_userfaultfd, "userfaultfd")
DOOR_TEST(test_escape_seccomp_io_uring_setup, "io_uring_setup")
DOOR_TEST(test_escape_seccomp_userns_mount, "unshare(CLONE_NEWUSER) and mount")
DOOR_TEST(test_escape_seccomp_open_by_handle_at, "open_by_handle_at")
DOOR_TEST(test_escape_seccomp_kexec_load, "kexec_load")
DOOR_TEST(test_escape_seccomp_init_module, "init_module")
DOOR_TEST(test_escape_seccomp_clock_settime, "clock_settime")
DOOR_TEST(test_escape_seccomp_swapon, "swapon")
DOOR_TEST(test_escape_seccomp_reboot, "reboot")
DOOR_TEST(test_escape_seccomp_ia32, "keyctl through int 0x80")
DOOR_TEST(test_escape_seccomp_x32, "keyctl as an x32 call")

/* Every row of the table has its test above: a door added to the README
 * without one is not tried. */
static const char *const tested[] = {
	"core_pattern",
	"modprobe",
	"sysrq-trigger",
	"drop_caches",
	"the machine's disk",
	"/dev/mem",
	"/dev/kmsg",
	"/proc/kcore",
	"/proc/keys",
	"/proc/timer_list",
	"/sys/firmware",
	"writes under /sys",
	"cgroup v1 release_agent",
	"open_by_handle_at (shocker)",
	"mount",
	"unshare and mount",
	"TIOCSTI on the caller's terminal",
	"kill(0) to the caller's group",
	"the session keyring",
	"another process's /proc",
	"a process's root, /proc/PID/root",
	"keyctl",
	"add_key",
	"bpf",
	"perf_event_open",
	"userfaultfd",
	"io_uring_setup",
	"unshare(CLONE_NEWUSER) and mount",
	"open_by_handle_at",
	"kexec_load",
	"init_module",
	"clock_settime",
	"swapon",
	"reboot",
	"keyctl through int 0x80",
	"keyctl as an x32 call",
};

START_TEST(test_escape_every_row_is_tried)
{
	struct row rows[64];
	size_t n = read_table(rows, 64);
	char missing[1024] = "";

	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t j = 0; j < sizeof(tested) / sizeof(tested[0]); j++)
			found |= strcmp(rows[i].door, tested[j]) == 0;
		if (!found)
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
				 " '%.90s'", rows[i].door);
	}
	ck_assert_msg(n >= sizeof(tested) / sizeof(tested[0]),
		      "expected %zu rows in %s, \"Escapes tried\"; found %zu",
		      sizeof(tested) / sizeof(tested[0]), BYOC_README, n);
	ck_assert_msg(!missing[0], "rows of \"Escapes tried\" that no test tries:%s", missing);
}
END_TEST

/* An image whose /proc, /dev, /tmp and /etc/hosts are links to absolute
 * paths of the machine: the mounts happen after pivot_root, inside the
 * container's own root, so nothing outside may change. */
START_TEST(test_escape_image_links_stay_inside)
{
	static const char *const links[][2] = {
		{ "proc", "/outside/proc" },
		{ "dev", "/outside/dev" },
		{ "tmp", "/outside/tmp" },
		{ "etc/hosts", "/outside/hosts" },
	};
	char *layer = h_printf("%s/layer", h_tmp), *outside = h_printf("%s/outside", h_tmp);
	char *etc = h_printf("%s/etc", layer), *before, *after;
	struct h_run r;

	ck_assert(mkdir(layer, 0755) == 0 && mkdir(etc, 0755) == 0 && mkdir(outside, 0755) == 0);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		char *target = h_printf("%s%s", h_tmp, links[i][1]);
		char *sub = h_printf("%s/%s", outside, links[i][1] + strlen("/outside/"));
		char *link = h_printf("%s/%s", layer, links[i][0]);
		ck_assert_msg(symlink(target, link) == 0, "symlink(%s): %s", link, strerror(errno));
		if (strcmp(links[i][0], "etc/hosts") == 0)
			h_write_file(sub, "the machine's own hosts\n", 0644);
		else
			ck_assert(mkdir(sub, 0755) == 0);
		free(target);
		free(sub);
		free(link);
	}
	before = h_tree_manifest(outside);
	const char *argv[12];
	size_t n = 0;
	argv[n++] = h_bin;
	if (h_bin_arg)
		argv[n++] = h_bin_arg;
	const char *rest[] = { "--rootfs", h_rootfs, "--net",	  "none", "--layer",
			       layer,	   "--",     "/bin/true", NULL };
	for (size_t i = 0; i < sizeof(rest) / sizeof(rest[0]); i++)
		argv[n++] = rest[i];
	h_run_argv(&r, argv);
	after = h_tree_manifest(outside);
	char *diff = h_manifest_diff(before, after);
	ck_assert_msg(!diff,
		      "expected an image's links to absolute paths to leave the machine's %s "
		      "as it was; it changed: %s (status %d, stderr %s)",
		      outside, diff, r.status, r.err);
	ck_assert_msg(r.status == 0 || r.status == 125,
		      "expected the container to run or refuse (125); saw status %d, stderr %s",
		      r.status, r.err);
	h_run_free(&r);
	free(before);
	free(after);
	free(layer);
	free(outside);
	free(etc);
}
END_TEST

/* Run byoc with `opts` (NULL-terminated) and then `tail` (NULL-terminated). */
static void run_byoc(struct h_run *r, const char *const *opts, const char *const *tail)
{
	const char *argv[40];
	size_t n = 0;

	argv[n++] = h_bin;
	if (h_bin_arg)
		argv[n++] = h_bin_arg;
	argv[n++] = "--rootfs";
	argv[n++] = h_rootfs;
	for (; opts && *opts && n < 30; opts++)
		argv[n++] = *opts;
	for (; tail && *tail && n < 39; tail++)
		argv[n++] = *tail;
	argv[n] = NULL;
	h_run_argv(r, argv);
}

/* --keep: a kept upper layer holds what root inside made, here a
 * set-user-ID-root copy of busybox; it must sit behind a directory that
 * only root can enter. */
/* Whether uid 65534, a local user, may run `path` (a child that drops to
 * it asks access(2)). */
static bool nobody_reaches(const char *path)
{
	int ws = 0;
	pid_t pid = fork();

	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(3);
		_exit(access(path, X_OK) == 0 ? 0 : 1);
	}
	waitpid(pid, &ws, 0);
	return WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
}

START_TEST(test_escape_kept_layer_behind_0700)
{
	char *state = h_printf("%s/state", h_tmp), *shelf = h_printf("%s/kept", state);
	const char *opts[] = { "--net", "none", "--state-dir", state, "--keep", NULL };
	const char *tail[] = { "--", "/bin/sh", "-c",
			       "cp /bin/busybox /suid-sh && chmod 4755 /suid-sh", NULL };
	struct h_run r;
	struct stat st;

	/* A state root that any user can pass through, as /run/byoc is. */
	ck_assert(chmod(h_tmp, 0711) == 0 && mkdir(state, 0755) == 0);
	run_byoc(&r, opts, tail);
	const char *at = strstr(r.err, "(its changes to the image): ");
	char *kept = at ? h_printf("%.*s", (int)strcspn(at + 28, ";\n"), at + 28) : strdup("");
	char *file = h_printf("%s/suid-sh", kept);
	bool shelf_ok = stat(shelf, &st) == 0 && S_ISDIR(st.st_mode) &&
			(st.st_mode & 07777) == 0700 && st.st_uid == 0;
	unsigned mode = (unsigned)(st.st_mode & 07777);
	bool reached = nobody_reaches(file);
	/* The proof that the test can fail: the same layer without the shelf's
	 * 0700 is within a local user's reach. */
	bool reached_open = chmod(shelf, 0755) == 0 && nobody_reaches(file);
	char *rm = h_printf("rm -rf %s", shelf);
	ck_assert(system(rm) == 0);
	ck_assert_msg(r.status == 0 && strncmp(kept, shelf, strlen(shelf)) == 0,
		      "expected --keep to keep the upper layer under %s; saw status %d, stderr %s",
		      shelf, r.status, r.err);
	ck_assert_msg(shelf_ok && !reached && reached_open,
		      "expected kept layers behind %s, mode 0700, owned by root, so that uid "
		      "65534 cannot run the container's set-user-ID-root %s (and can, once the "
		      "shelf is opened to 0755); saw mode %04o, uid 65534 %s it, and %s it once "
		      "opened",
		      shelf, file, mode, reached ? "reached" : "did not reach",
		      reached_open ? "reached" : "did not reach");
	h_run_free(&r);
	free(rm), free(kept), free(file), free(state), free(shelf);
}
END_TEST

/* The clean-up trusts the journals under the state root: a root that others
 * can write, or that another user owns, is refused before anything is made
 * there. */
START_TEST(test_escape_state_dir_of_others_refused)
{
	char *open_dir = h_printf("%s/anyone", h_tmp), *theirs = h_printf("%s/theirs", h_tmp);
	const char *tail[] = { "--", "/bin/true", NULL };
	struct h_run r1, r2;

	ck_assert(mkdir(open_dir, 0755) == 0 && chmod(open_dir, 0777) == 0);
	ck_assert(mkdir(theirs, 0755) == 0 && chown(theirs, 65534, 65534) == 0);
	const char *o1[] = { "--net", "none", "--state-dir", open_dir, NULL };
	const char *o2[] = { "--net", "none", "--state-dir", theirs, NULL };
	run_byoc(&r1, o1, tail);
	run_byoc(&r2, o2, tail);
	char *e1 = h_tree_manifest(open_dir), *e2 = h_tree_manifest(theirs);
	ck_assert_msg(r1.status == 125 && strstr(r1.err, "writable by others") &&
			      h_count_lines(r1.err) == 1 && h_count_lines(e1) <= 1,
		      "expected --state-dir of mode 0777 refused (125, one line saying it is "
		      "writable by others) with nothing made in it; saw status %d, stderr %s, "
		      "and in it: %s",
		      r1.status, r1.err, e1);
	ck_assert_msg(r2.status == 125 && strstr(r2.err, "belongs to uid 65534") &&
			      h_count_lines(r2.err) == 1 && h_count_lines(e2) <= 1,
		      "expected --state-dir owned by uid 65534 refused (125, one line naming the "
		      "owner) with nothing made in it; saw status %d, stderr %s, and in it: %s",
		      r2.status, r2.err, e2);
	h_run_free(&r1);
	h_run_free(&r2);
	free(e1), free(e2), free(open_dir), free(theirs);
}
END_TEST

/* A dead container's journal may only send the clean-up to that
 * container's own cgroups: one planted to name another's (byoc-<other id>)
 * is ignored, and that cgroup stays. */
START_TEST(test_escape_gc_spares_cgroups_a_journal_does_not_own)
{
	char *state = h_printf("%s/state", h_tmp), *dead = h_printf("%s/0123456789ab", state);
	const char *parent =
		access("/sys/fs/cgroup/pids", F_OK) == 0 ? "/sys/fs/cgroup/pids" : "/sys/fs/cgroup";
	char *victim = h_printf("%s/byoc-ba9876543210", parent);
	char *journal = h_printf("%s/journal", dead), *line = h_printf("%s\n", victim);
	const char *opts[] = { "--net", "none", "--state-dir", state, NULL };
	const char *tail[] = { "--", "/bin/true", NULL };
	struct h_run r;

	ck_assert(mkdir(state, 0755) == 0 && mkdir(dead, 0700) == 0);
	ck_assert_msg(mkdir(victim, 0755) == 0, "test set-up: mkdir(%s): %s", victim,
		      strerror(errno));
	h_write_file(journal, line, 0600);
	run_byoc(&r, opts, tail); /* its start removes dead containers */
	bool spared = access(victim, F_OK) == 0, dead_gone = access(dead, F_OK) != 0;
	rmdir(victim);
	ck_assert_msg(r.status == 0 && spared && dead_gone,
		      "expected the clean-up of the dead state %s to leave %s alone (its journal "
		      "names another container's cgroup) and remove the dead state; saw status %d "
		      "(%s), the cgroup %s, the dead state %s",
		      dead, victim, r.status, r.err, spared ? "spared" : "removed",
		      dead_gone ? "removed" : "left");
	h_run_free(&r);
	free(state), free(dead), free(victim), free(journal), free(line);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "escapes";
	h_add(s, test_escape_every_row_is_tried, 1, HINT_TABLE);
	h_add(s, test_escape_core_pattern, 1, HINT_TABLE);
	h_add(s, test_escape_modprobe, 1, HINT_TABLE);
	h_add(s, test_escape_sysrq_trigger, 1, HINT_TABLE);
	h_add(s, test_escape_drop_caches, 1, HINT_TABLE);
	h_add(s, test_escape_raw_disk, 1, HINT_TABLE);
	h_add(s, test_escape_dev_mem, 1, HINT_TABLE);
	h_add(s, test_escape_dev_kmsg, 1, HINT_TABLE);
	h_add(s, test_escape_proc_kcore, 1, HINT_TABLE);
	h_add(s, test_escape_proc_keys, 1, HINT_TABLE);
	h_add(s, test_escape_proc_timer_list, 1, HINT_TABLE);
	h_add(s, test_escape_sys_firmware, 1, HINT_TABLE);
	h_add(s, test_escape_sys_writes, 1, HINT_TABLE);
	h_add(s, test_escape_release_agent, 1, HINT_TABLE);
	h_add(s, test_escape_shocker, 1, HINT_TABLE);
	h_add(s, test_escape_mount, 1, HINT_TABLE);
	h_add(s, test_escape_unshare_mount, 1, HINT_TABLE);
	h_add(s, test_escape_tiocsti, 1, HINT_TABLE);
	h_add(s, test_escape_kill_group, 1, HINT_TABLE);
	h_add(s, test_escape_session_keyring, 1, HINT_TABLE);
	h_add(s, test_escape_other_proc, 1, HINT_TABLE);
	h_add(s, test_escape_proc_pid_root, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_keyctl, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_add_key, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_bpf, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_perf_event_open, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_userfaultfd, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_io_uring_setup, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_userns_mount, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_open_by_handle_at, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_kexec_load, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_init_module, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_clock_settime, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_swapon, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_reboot, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_ia32, 1, HINT_TABLE);
	h_add(s, test_escape_seccomp_x32, 1, HINT_TABLE);
	h_add(s, test_escape_userns_core_pattern, 1, HINT_USERNS);
	h_add(s, test_escape_userns_drop_caches, 1, HINT_USERNS);
	h_add(s, test_escape_userns_sys_writes, 1, HINT_USERNS);
	h_add(s, test_escape_userns_raw_disk, 1, HINT_USERNS);
	h_add(s, test_escape_userns_dev_mem, 1, HINT_USERNS);
	h_add(s, test_escape_userns_file_owner, 1, HINT_USERNS);
	h_add(s, test_escape_image_links_stay_inside, 1, HINT_TABLE);
	h_add(s, test_escape_kept_layer_behind_0700, 1, HINT_STATE);
	h_add(s, test_escape_state_dir_of_others_refused, 1, HINT_STATE);
	h_add(s, test_escape_gc_spares_cgroups_a_journal_does_not_own, 1, HINT_STATE);
}
