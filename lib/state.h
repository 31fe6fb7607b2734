/* Each container's state directory, /run/byoc/<id>/: the store of what a
 * container is while it runs, and of its record after (a detached one).
 *
 * The directory holds:
 *   journal  the container's lock: its runtime (or monitor) holds an
 *            flock(2) on this file for its whole life, and the kernel drops
 *            it when that process dies, however it dies; and what the
 *            clean-up of a dead runtime needs: its cgroup directories, one a
 *            line, each written before it is created, and its claims ("net
 *            BLOCK LINK NETNS");
 *   name     the container's --name, if it was given one (byoc run);
 *   config, pid, exit, log  its record (lib/record.h).
 * Later steps keep more there (an overlay's upper and work directories, a
 * network address); whatever they add, the clean-up removes the directory's
 * whole tree, never crossing into a mount.
 *
 * The directory itself is a second lock (flock on its fd): its runtime holds
 * it until the command runs, and each byoc command (stop, rm, exec) while it
 * works on the container, so that two of them never interleave.
 *
 * A container is dead when its journal's lock is free. The clean-up
 * (byoc_state_gc(), and the start of every container) hands each dead one to
 * a reclaimer (lib/gc.c removes its cgroups and links) and then removes its
 * directory, or keeps its record. It holds <root>/.lock while it looks, and
 * byoc_state_create() holds it from its clean-up through mkdir to flock: so
 * no clean-up ever sees a directory whose lock is not taken yet and mistakes
 * it for a dead one. The kernel drops both locks of a runtime killed in
 * between. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* What becomes of a dead container's directory once its reclaimer has
 * removed what it left outside: nothing yet (try again next time), all of it,
 * or all but its record. */
enum byoc_reclaim { BYOC_RECLAIM_RETRY, BYOC_RECLAIM_REMOVE, BYOC_RECLAIM_KEEP };

struct byoc_reclaimer {
	/* Called with the dead container's directory open, both locks held. */
	enum byoc_reclaim (*reclaim)(int dirfd, const char *id, void *arg);
	/* What was removed: kind "cgroup", "link" (path is then a veth's host
	 * end) or "state" (a directory); may be NULL. */
	void (*removed)(const char *kind, const char *path, void *arg);
	void *arg;
	/* The files BYOC_RECLAIM_KEEP keeps, NULL-terminated; the first marks
	 * a kept record. */
	const char *const *keep;
};

struct byoc_state {
	const char *root; /* /run/byoc; byoc_state_defaults() sets it */
	const char *name; /* --name, or NULL */
	char dir[4096];	  /* <root>/<id>, "" until created */
	int journal_fd;	  /* appends to <dir>/journal, and holds its lock; -1 when none */
	int dir_fd;	  /* the directory, flocked until the command runs; -1 after */
	/* Who removes what dead containers left, at byoc_state_create(). */
	const struct byoc_reclaimer *reclaimer;
};

void byoc_state_defaults(struct byoc_state *st);

/* Hand every dead container under `root` to `rc` (NULL: remove each
 * directory), then remove its directory or keep its record. Returns how many
 * directories were removed, or < 0 with `err` filled. */
int byoc_state_gc(const char *root, const struct byoc_reclaimer *rc, struct byoc_error *err);

/* Clean up after dead containers, then create <root>/<id> and take its lock.
 * With st->name set, refuse (status 125) a name that a running container
 * already has, and record it: both under <root>/.lock, so two runtimes never
 * take the same name. All fds are close-on-exec: the container never holds
 * the lock. */
int byoc_state_create(struct byoc_state *st, const char *id, struct byoc_error *err);

/* Claim something that containers must not share (an address, a link
 * name): under <root>/.lock, `choose` gets the record `name` of every other
 * container's journal (`taken`, `n` of them: each the rest of a line
 * "NAME ...") and fills `line` (ending in a newline); "NAME LINE" is appended
 * to this container's journal before the lock is released.
 * Returns 0, or < 0 with `err` filled (by `choose`, or naming the call). */
typedef int (*byoc_state_choose_fn)(char *const *taken, size_t n, char *line, size_t len, void *arg,
				    struct byoc_error *err);
int byoc_state_claim(struct byoc_state *st, const char *name, byoc_state_choose_fn choose,
		     void *arg, struct byoc_error *err);

/* The record `name` of the journal at `journal` under `dirfd` ("journal" in
 * a state directory): the rest of its first line "NAME ...", into `out`.
 * Returns whether there was one. */
bool byoc_state_record(int dirfd, const char *journal, const char *name, char *out, size_t len);

/* Refuse a state root (open as `fd`) that this runtime's user does not own
 * or that others can write: the clean-up trusts the journals it finds there.
 * Returns 0, or < 0 with `err` filled (status 125). */
int byoc_state_root_trusted(int fd, const char *root, struct byoc_error *err);

/* Remove `name` under `dirfd` (AT_FDCWD: a path) and all below it, never
 * crossing into another file system. Returns 0 or -errno. */
int byoc_remove_tree(int dirfd, const char *name);

/* Take the directory lock of container `id` under `root`, waiting while its
 * runtime starts it or another byoc command works on it. Returns the fd that
 * holds it, or < 0 with `err` filled (status 125: it is gone). */
int byoc_state_lock(const char *root, const char *id, struct byoc_error *err);

/* The command runs: release the directory's lock (byoc commands may act). */
void byoc_state_started(struct byoc_state *st);

/* Write the new file <dir>/<file>, while the directory's lock is held (the
 * container starts): the byoc commands that act on it read it after.
 * Returns 0 or -errno. */
int byoc_state_write(const struct byoc_state *st, const char *file, const void *data, size_t len);

/* Remove the state directory and release the locks. Safe to call twice. */
void byoc_state_remove(struct byoc_state *st);
/* Release the locks and leave the directory as it is: a container made by
 * byoc create outlives its runtime, and byoc delete removes it. */
void byoc_state_leave(struct byoc_state *st);

/* Remove all of the state directory but the files `keep` names (the journal
 * last), and release the locks: what stays is a record that no clean-up
 * touches. */
void byoc_state_keep(struct byoc_state *st, const char *const *keep);
