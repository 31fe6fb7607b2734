/* A stage: what each step adds to the container's lifecycle (a set of
 * namespaces to clone with and hooks that run at fixed points), the container
 * those hooks work on, and the checks of a step's list of stages before
 * anything runs. The lifecycle that runs them is lib/container.h's. */
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
	char id[13]; /* 12 hex digits, unique per container */
	pid_t pid;   /* the child, as the host numbers it; 0 before clone */
	/* Its start time (lib/record.h), read once, while it waits for "go". */
	unsigned long long pid_start;
	/* The command started (execve() succeeded): what lives in the
	 * container's namespaces now ends with them. */
	bool command_ran;
	int sync_fd;		 /* this side's end of the sync socket */
	struct byoc_state state; /* /run/byoc/<id>: its lock, its cgroups */

	/* The command's stdio: -1 keeps the runtime's own fd (monitor.c sets
	 * /dev/null and the log pipe for a detached container). */
	int stdio[3];
	int tty_master; /* -t: the pseudo-terminal's master, from the child */
	int log_pipe;	/* detached: the read end of the command's output */
	int log_fd;	/* detached: <state>/log, appended to */
	long long log_size;
	int ready_fd; /* detached: where the monitor reports "it runs" or why not */
	/* byoc create: <state>/exec.fifo (O_PATH), which the child opens for
	 * writing once set up, blocking until byoc start opens it; -1 for byoc
	 * run. Once the child waits there, `created` is true and the container
	 * outlives the runtime: byoc delete cleans up. */
	int exec_fifo;
	bool created;
	/* byoc create: the fds the oci-mounts stage opens on the host for the
	 * child (steps/byoc/oci_stages.c); NULL before. */
	int *oci_fds;

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

/* A step's container: its stages, steps 1..N in order, and the namespaces
 * they must create between them (see byoc_stages_check()). */
struct byoc_stage_list {
	const struct byoc_stage *const *stages;
	size_t n;
	const struct byoc_ns_need *needs;
	size_t n_needs;
};

/* The stages a container with options `o` has, in order, into `out` (room
 * for list->n), and *n_out of them: byoc_stages_resolve(), then without
 * those it goes without (.wanted) and their needs, then byoc_stages_check().
 * Returns 0, or < 0 with `err` filled. */
int byoc_stages_select(const struct byoc_options *o, const struct byoc_stage_list *list,
		       const struct byoc_stage **out, size_t *n_out, struct byoc_error *err);

/* Refuse a resolved stage list whose clone flags lack a namespace of
 * `needs`: without it, a stage would change the machine itself (pivot its
 * root, rename it). Returns 0, or < 0 with `err` naming the flag, the stage,
 * its file and the lesson (status 125, err->stage set). */
int byoc_stages_check(const struct byoc_stage *const *stages, size_t n,
		      const struct byoc_ns_need *needs, size_t n_needs, struct byoc_error *err);

/* "mount namespace" for CLONE_NEWNS, and so on; NULL for another flag. */
const char *byoc_ns_describe(unsigned long flag, const char **flag_name);

/* Run one hook of stage `s`, logging it; a hook that fails without a message
 * is reported as such. Returns 0 or < 0 with err filled and err->stage set. */
int byoc_stage_hook(int (*hook)(struct byoc_container *, struct byoc_error *),
		    struct byoc_container *c, const struct byoc_stage *s, const char *hook_name,
		    struct byoc_error *err);

/* A rootless runtime runs only the child's side of a stage that changes the
 * machine (see .root_only). */
bool byoc_stage_host_skipped(const struct byoc_stage *s);
