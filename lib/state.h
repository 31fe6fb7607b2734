/* Each container's state directory, /run/byoc/<id>/, and the removal of what
 * dead runtimes left behind.
 *
 * The directory holds:
 *   journal  the container's lock: its runtime holds an flock(2) on this
 *            file for its whole life, and the kernel drops it when the
 *            runtime dies, however it dies; and what the clean-up of a dead
 *            runtime needs: its cgroup directories, one a line, each written
 *            before it is created, and its claims ("net BLOCK LINK NETNS");
 *   name     the container's --name, if it was given one (byoc run).
 * Later steps keep more there (an overlay's upper and work directories, a
 * network address); whatever they add, the clean-up removes the directory's
 * whole tree, never crossing into a mount.
 *
 * A container is dead when its lock is free. byoc_state_gc() removes the
 * cgroups and state of dead containers only. It holds <root>/.lock while it
 * looks, and byoc_state_create() holds it from its clean-up through mkdir to
 * flock: so no clean-up ever sees a directory whose lock is not taken yet
 * and mistakes it for a dead one. The kernel drops both locks of a runtime
 * killed in between. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct byoc_state {
	const char *root; /* /run/byoc; byoc_state_defaults() sets it */
	const char *name; /* --name, or NULL */
	char dir[4096];	  /* <root>/<id>, "" until created */
	int journal_fd;	  /* appends to <dir>/journal, and holds its lock; -1 when none */
};

void byoc_state_defaults(struct byoc_state *st);

/* What byoc_state_gc() removed: kind is "cgroup", "link" (path is then the
 * name of a veth's host end) or "state", path the directory. */
typedef void (*byoc_state_removed_fn)(const char *kind, const char *path, void *arg);

/* Remove the cgroups and state directories of every dead container under
 * `root`, calling `removed` (may be NULL) for each. Returns how many were
 * removed, or < 0 with `err` filled. */
int byoc_state_gc(const char *root, byoc_state_removed_fn removed, void *arg,
		  struct byoc_error *err);

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

/* Remove the state directory and release the lock. Safe to call twice. */
void byoc_state_remove(struct byoc_state *st);
