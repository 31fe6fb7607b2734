/* A clean slate for every test: the runner records the machine before a test
 * and, after it, names each change the test made and undoes it, so that the
 * next test, and the next submission, start from the same machine. */
#pragma once

struct h_slate {
	char *leaks;	   /* h_leak_snapshot() */
	char *rootfs;	   /* the rootfs's manifest: one line per file */
	char hostname[65]; /* HOST_NAME_MAX + 1 */
};

/* Take a pristine copy of the rootfs to restore from, once per run; returns
 * its directory (free it with h_slate_drop_copy()), or NULL with a message. */
char *h_slate_copy_rootfs(const char *rootfs);
void h_slate_drop_copy(char *copy);

/* Record the machine now. */
void h_slate_take(struct h_slate *s, const char *rootfs);

/* Compare the machine with `before`, undo what changed (kill the processes of
 * new byoc cgroups and remove them deepest first, unmount new mounts, delete
 * new links, network namespaces, state directories and IPC objects, restore
 * the hostname, repair the rootfs from `copy`) and return what changed, one
 * "; "-separated item each, or NULL when nothing did. */
char *h_slate_restore(const struct h_slate *before, const char *rootfs, const char *copy);

void h_slate_free(struct h_slate *s);

/* Kill and reap the processes a test left behind: with the runner a child
 * subreaper (see PR_SET_CHILD_SUBREAPER in prctl(2)), its orphans are ours.
 * Returns how many there were. */
int h_slate_kill_orphans(void);

/* Shared by slate.c and slate_rootfs.c. */
struct h_report {
	char *text; /* what changed, as "; "-separated items */
};
void h_note(struct h_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Run a program with its output discarded; returns its exit status, or -1. */
int h_run_quiet(const char *const *argv);
/* The sorted manifest of the files below `dir`, one line each. */
char *h_rootfs_manifest(const char *dir);
/* Name (in `r`) and undo the rootfs's changes since the manifest `before`. */
void h_rootfs_repair(struct h_report *r, const char *before, const char *rootfs, const char *copy);
