/* The container's lifecycle, owned once by the library. Each step adds a
 * stage: a set of namespaces to clone with and hooks that run at fixed points.
 *
 *   parent                                   child
 *     state directory, its lock
 *     prepare()        (in order)
 *     clone(flags of all stages)  ───────▶     wait for "go"
 *     after_clone()    (in order; step 10's
 *                       writes the ID maps)
 *     send "go"        ───────────────────▶    child_setup()  (in order; step
 *                                              10's first: root of its namespace)
 *     after_clone() of overlapping stages,
 *       a "ready" byte after each ─────────▶   (waits for it before that
 *                                              stage's child_setup())
 *                                              execve(command)
 *     wait, forwarding signals
 *     cleanup()        (reverse order, always)
 *
 * Stages that a container goes without (.wanted) are left out before
 * anything runs; a rootless runtime runs only the child_setup() of a stage
 * that needs root (.root_only).
 *
 * A failure in the child before execve travels back to the parent over the
 * sync socket, with the stage's name, and the parent reports it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/filter.h>

#include "cgroup.h"
#include "devices.h"
#include "error.h"
#include "net.h"
#include "options.h"
#include "overlay.h"
#include "state.h"
#include "userns.h"

/* A namespace that a step's container must have, declared by the step's
 * driver: which stage must ask clone() for it, in which file, and the lesson
 * section that teaches it. */
struct byoc_ns_need {
	unsigned long flag; /* one CLONE_NEW* flag */
	const char *stage;  /* "mount" */
	const char *source; /* "exercises/03-mount-ns/mount.c" */
	const char *lesson; /* "steps/03-mount-ns/README.md, \"Your task: pivot_root\"" */
};

struct byoc_container {
	const struct byoc_options *opts;
	/* The namespaces the stages must create (see byoc_stages_check()). */
	const struct byoc_ns_need *needs;
	size_t n_needs;
	char id[13]; /* 12 hex digits, unique per container */
	pid_t pid;   /* the child, as the host numbers it; 0 before clone */
	/* The command started (execve() succeeded): what lives in the
	 * container's namespaces now ends with them. */
	bool command_ran;
	int sync_fd;		 /* this side's end of the sync socket */
	struct byoc_state state; /* /run/byoc/<id>: its lock, its cgroups */

	/* The directory that becomes the container's / (03-mount-ns pivots
	 * into it): opts->rootfs, unless 05-overlayfs mounts an overlay of it
	 * and points here at the overlay instead. */
	const char *root;

	/* What stages work out in prepare() for later hooks to use. */
	char hostname[65];		/* 02-pid-ns: the UTS name, at most HOST_NAME_MAX */
	struct byoc_cgroup cgroup;	/* 04-cgroups */
	struct byoc_cgroup_stats stats; /* 04-cgroups: read just before removal */
	bool have_stats;
	struct byoc_overlay overlay; /* 05-overlayfs */
	struct byoc_net_ctx net;     /* 06-netns-veth: its addresses, links and files */
	struct byoc_devices devices; /* 08-devices-and-proc: the allow list and its program */
	/* 09-seccomp: the filter as BPF, made in prepare() for the child to
	 * load last; .len 0 when the container has none. */
	struct sock_fprog seccomp;
	/* 10-userns: the maps and the image's owner; and in the child, how
	 * the mount stage makes a device node where mknod(2) is refused (a
	 * user namespace): NULL to call mknod(2). */
	struct byoc_userns userns;
	int (*make_dev)(struct byoc_container *c, const char *path, dev_t rdev,
			struct byoc_error *err);
};

struct byoc_stage {
	const char *name;
	/* An earlier stage that this one replaces when both are listed (step
	 * 03's pivot_root replaces step 01's chroot), or NULL. */
	const char *supersedes;
	unsigned long clone_flags; /* CLONE_NEW* this stage needs */
	/* Each hook may be NULL. Hooks return 0, or < 0 with `err` filled; the
	 * lifecycle reports a hook that fails without a message as such. */
	int (*prepare)(struct byoc_container *c, struct byoc_error *err);
	int (*after_clone)(struct byoc_container *c, struct byoc_error *err);
	int (*child_setup)(struct byoc_container *c, struct byoc_error *err);
	/* Must undo whatever prepare() and after_clone() did, even partly. */
	void (*cleanup)(struct byoc_container *c);
	/* false: the child starts its set-up once after_clone() is done (step
	 * 04 joins the cgroup there, before anything runs in it). true: the
	 * child sets up the stages before this one meanwhile, and waits for
	 * after_clone() only before this stage's own child_setup() (step 06
	 * makes the veth pair while the child mounts). */
	bool after_clone_overlaps;
	/* true: prepare(), after_clone() and cleanup() change the machine
	 * (cgroups) and need root; a rootless runtime (step 10) runs only the
	 * stage's child_setup(), after the userns stage refused the options
	 * that would need the rest. */
	bool root_only;
	/* NULL, or whether the container has this stage at all (step 10's:
	 * only with --userns, or rootless). */
	bool (*wanted)(const struct byoc_options *o);
};

/* Drop the stages that a later stage in the list supersedes. `out` must hold
 * `n` entries. Returns how many stages remain. */
size_t byoc_stages_resolve(const struct byoc_stage *const *in, size_t n,
			   const struct byoc_stage **out);

/* Refuse a resolved stage list whose clone flags lack a namespace of
 * `needs`: without it, a stage would change the machine itself (pivot its
 * root, rename it). Returns 0, or < 0 with `err` naming the flag, the stage,
 * its file and the lesson (status 125, err->stage set). */
int byoc_stages_check(const struct byoc_stage *const *stages, size_t n,
		      const struct byoc_ns_need *needs, size_t n_needs, struct byoc_error *err);

/* "mount namespace" for CLONE_NEWNS, and so on; NULL for another flag. */
const char *byoc_ns_describe(unsigned long flag, const char **flag_name);

/* Make sure fds 0, 1 and 2 are open (on /dev/null where closed), so that no
 * fd the runtime opens later lands on one of them. Call it first. */
int byoc_stdio_ensure(struct byoc_error *err);

/* Fill `c` for a new container: a fresh random id. */
int byoc_container_init(struct byoc_container *c, const struct byoc_options *opts,
			struct byoc_error *err);

/* Run the container to the end. First, before any stage runs, the stage list
 * is checked against c->needs (byoc_stages_check()). On success returns 0 and sets *status to the
 * command's exit status (128+N if a signal N killed it). On failure returns
 * < 0 with `err` filled: err->status is 125 (the runtime or a stage failed;
 * err->stage names it), 126 (the command cannot be run) or 127 (not found). */
int byoc_container_run(struct byoc_container *c, const struct byoc_stage *const *stages, size_t n,
		       int *status, struct byoc_error *err);
