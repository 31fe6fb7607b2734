/* The container's lifecycle, owned once by the library. Each step adds a
 * stage: a set of namespaces to clone with and hooks that run at fixed points.
 *
 *   parent                                   child
 *     prepare()        (in order)
 *     clone(flags of all stages)  ───────▶     wait for "go"
 *     after_clone()    (in order)
 *     send "go"        ───────────────────▶    child_setup()  (in order)
 *                                              execve(command)
 *     wait, forwarding signals
 *     cleanup()        (reverse order, always)
 *
 * A failure in the child before execve travels back to the parent over the
 * sync socket, with the stage's name, and the parent reports it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"
#include "options.h"
#include "state.h"

struct byoc_container {
	const struct byoc_options *opts;
	char id[13];		 /* 12 hex digits, unique per container */
	pid_t pid;		 /* the child, as the host numbers it; 0 before clone */
	int sync_fd;		 /* this side's end of the sync socket */
	struct byoc_state state; /* /run/byoc/<id>: its lock, its cgroups */

	/* What stages work out in prepare() for later hooks to use. */
	char hostname[65];		/* 02-pid-ns: the UTS name, at most HOST_NAME_MAX */
	struct byoc_cgroup cgroup;	/* 04-cgroups */
	struct byoc_cgroup_stats stats; /* 04-cgroups: read just before removal */
	bool have_stats;
};

struct byoc_stage {
	const char *name;
	/* An earlier stage that this one replaces when both are listed (step
	 * 03's pivot_root replaces step 01's chroot), or NULL. */
	const char *supersedes;
	unsigned long clone_flags; /* CLONE_NEW* this stage needs */
	/* Each hook may be NULL. Hooks return 0, or < 0 with `err` filled. */
	int (*prepare)(struct byoc_container *c, struct byoc_error *err);
	int (*after_clone)(struct byoc_container *c, struct byoc_error *err);
	int (*child_setup)(struct byoc_container *c, struct byoc_error *err);
	/* Must undo whatever prepare() and after_clone() did, even partly. */
	void (*cleanup)(struct byoc_container *c);
};

/* Drop the stages that a later stage in the list supersedes. `out` must hold
 * `n` entries. Returns how many stages remain. */
size_t byoc_stages_resolve(const struct byoc_stage *const *in, size_t n,
			   const struct byoc_stage **out);

/* Make sure fds 0, 1 and 2 are open (on /dev/null where closed), so that no
 * fd the runtime opens later lands on one of them. Call it first. */
int byoc_stdio_ensure(struct byoc_error *err);

/* Fill `c` for a new container: a fresh random id. */
int byoc_container_init(struct byoc_container *c, const struct byoc_options *opts,
			struct byoc_error *err);

/* Run the container to the end. On success returns 0 and sets *status to the
 * command's exit status (128+N if a signal N killed it). On failure returns
 * < 0 with `err` filled: err->status is 125 (the runtime or a stage failed;
 * err->stage names it), 126 (the command cannot be run) or 127 (not found). */
int byoc_container_run(struct byoc_container *c, const struct byoc_stage *const *stages, size_t n,
		       int *status, struct byoc_error *err);
