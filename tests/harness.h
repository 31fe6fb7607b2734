/* The tests' harness: runs the program under test as a separate process and
 * observes it from outside, and checks that no test leaves anything behind. */
#pragma once

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A suite registers its tests with h_add(), each with its points and where a
 * student should read when it fails. */
struct h_suite;
void h_add(struct h_suite *s, const TTest *test, int points, const char *hint);
/* When a failing test's message holds `seen` (what the runtime's one-line
 * error names, such as "stage net: RTM_NEWROUTE"), the failure points to
 * `hint` rather than to the test's own: a container that does not start
 * fails every test, and each should send the student to the code that
 * failed. The first match wins. */
void h_hint_for(struct h_suite *s, const char *seen, const char *hint);
/* Defined by each suite file. */
void h_register(struct h_suite *s, const char **step);

/* Set by the runner: the binary under test, the lab's rootfs, and a fresh
 * directory on the host, outside the rootfs, removed after each test. */
extern const char *h_bin;
/* A word that goes right after h_bin, before the options: "run" for byoc
 * (runner --bin-arg run); NULL for a step's binary. */
extern const char *h_bin_arg;
extern const char *h_rootfs;
extern char h_tmp[];

struct h_proc;

struct h_run {
	int status; /* exit status, 128+N for signal N; -1 if it timed out */
	char *out;
	char *err;
	int leftovers; /* processes of the run still alive after it exited */
};

/* Run argv (NULL-terminated; argv[0] a path) in h_tmp, with stdin empty,
 * capturing stdout and stderr, killed after 30 seconds (BYOC_TEST_TIMEOUT). */
void h_run_argv(struct h_run *r, const char *const *argv);

/* The same with stdin on /dev/null, fd `closed` closed (or -1), and
 * `setup` (may be NULL) called in the child right before execv(): stdout
 * and stderr go to files in h_tmp, so the run may hold a terminal. */
void h_run_special(struct h_run *r, const char *const *argv, int closed, void (*setup)(void));

/* The same in steps: start it (stdin a pipe), talk to it, then finish. The
 * run gets a process group of its own; h_finish() closes stdin, collects the
 * output, counts and kills whatever the run left in its group. */
struct h_buf {
	char *data;
	size_t len, cap;
};
struct h_proc {
	pid_t pid;
	int in, out, err;
	struct h_buf bo, be;
};
void h_spawn(struct h_proc *p, const char *const *argv);
/* Wait (at most 30 s) until stdout has printed `line` as a whole line. */
bool h_wait_line(struct h_proc *p, const char *line);
void h_finish(struct h_proc *p, struct h_run *r);
void h_run_free(struct h_run *r);

/* Run `script` with /bin/sh -c in the container, after the step's options
 * `opts` (NULL-terminated, may be NULL); extra arguments follow as $1, $2...
 * The script first checks that it runs inside the lab's rootfs and exits 99
 * if not. */
void h_container_sh(struct h_run *r, const char *const *opts, const char *script,
		    const char *const *args);
#define H_OUTSIDE_ROOTFS 99
/* The same, started: talk to it, then h_finish(). */
void h_container_spawn(struct h_proc *p, const char *const *opts, const char *script,
		       const char *const *args);

/* A script tail that prints "ready" and waits for stdin to close: the test
 * looks at the container from outside in between. */
#define H_WAIT_SCRIPT "echo ready; read line || :"
/* Wait for "ready"; if it never comes, fail with what the run did instead. */
void h_assert_ready(struct h_proc *p);

/* What the host's /proc says: the first child of `pid` (the container, for a
 * runtime), the "pid:[4026531836]" link of a namespace, and how many
 * processes live in a PID namespace and how many of them are zombies. */
pid_t h_first_child(pid_t pid);
char *h_ns(pid_t pid, const char *ns);
void h_pidns_census(const char *ns, int *count, int *zombies);

/* Fail unless the container ran the script inside the rootfs: names what
 * happened instead (runtime failure, ran on the host, timeout). */
void h_assert_ran_inside(const struct h_run *r);

/* The user nobody, for rootless runs (step 10): a setup for h_run_special()
 * that drops every group and becomes uid and gid 65534. */
#define H_NOBODY 65534
void h_become_nobody(void);

/* Small helpers. */
char *h_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void h_write_file(const char *path, const char *content, unsigned mode);
/* The file at the path `fmt` makes (its first 64 KiB, NULs as spaces),
 * newly allocated; NULL when it cannot be read. */
char *h_slurp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *h_random_token(void);
/* "dev:ino" of a path as the host sees it. */
char *h_dev_ino(const char *path);
size_t h_count_lines(const char *s);

/* cgroups, seen from the host: whether /sys/fs/cgroup is cgroup v2; the
 * directory of the cgroup `pid` is in for `controller` (v1) or in the unified
 * tree (v2); and a number from one of its files (the value after `key` in a
 * "key value" file, or the first number when key is NULL), -1 if none. */
bool h_cgroup_v2(void);
char *h_cgroup_path(pid_t pid, const char *controller);
long long h_cgroup_read(pid_t pid, const char *controller, const char *file, const char *key);

/* What must stay the host's while a container runs: the runtime process
 * `runtime` keeps the test's root directory, namespaces, cgroups and
 * `hostname` (the test's, read before the run). Returns NULL, or what
 * differs (the caller frees it): work done in the parent that belongs in the
 * child. */
char *h_runtime_changes(pid_t runtime, const char *hostname);
/* The hostname in the UTS namespace of `pid`, as a child that joins it with
 * setns(2) reads it. */
char *h_uts_hostname(pid_t pid);

/* One line per entry of the tree at `dir`, without crossing mounts:
 * "path type mode uid:gid size" (and mtime for files), sorted. Two manifests
 * differ when anything was added, removed or changed on disk. */
char *h_tree_manifest(const char *dir);
/* The lines of `a` missing from `b` and of `b` missing from `a`, as
 * "removed: ...; added: ...", or NULL when the manifests are the same. */
char *h_manifest_diff(const char *a, const char *b);

/* A mount as /proc/PID/mountinfo shows it (mountinfo(5)): the per-mount
 * options (field 6), the type and the super options (after " - "). */
struct h_mount {
	char opts[512], type[64], super[1024];
};
/* The visible (last) mount on `point` in `pid`'s mount namespace. */
bool h_mount_of(pid_t pid, const char *point, struct h_mount *m);
/* Whether the comma-separated `list` holds `opt` exactly ("nosuid", "size=64k"). */
bool h_has_opt(const char *list, const char *opt);

/* A scratch disk of the test's own: a 1 MiB ext2 image in h_tmp holding a
 * file "secret" with `token`, attached to a free loop device, read-only and
 * autoclear: the kernel detaches it when the returned fd, the last user, is
 * closed (also if the test dies). Fills `majmin` with "MAJOR:MINOR". */
int h_scratch_disk(const char *token, char *majmin, size_t len);
