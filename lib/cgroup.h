/* cgroups: detect the mode once, create the container's cgroup where the
 * hierarchy allows, write its files, read its figures, kill what is left and
 * remove it. Paths are parameters so that the unit tests can use a fake tree. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

enum byoc_cgroup_mode {
	BYOC_CGROUP_UNKNOWN,
	BYOC_CGROUP_V2,	    /* /sys/fs/cgroup is cgroup2: one unified tree */
	BYOC_CGROUP_HYBRID, /* v1 controllers, plus a cgroup2 mount with none */
	BYOC_CGROUP_V1,
};

enum byoc_controller {
	BYOC_CG_MEMORY,
	BYOC_CG_PIDS,
	BYOC_CG_CPU,
	BYOC_CG_CPUACCT, /* v1 only: CPU time; in v2 it is part of cpu */
	BYOC_CG_COUNT,
};
#define BYOC_CG_BIT(ctl) (1u << (ctl))

extern const char *const byoc_controller_names[BYOC_CG_COUNT];

struct byoc_cgroup {
	/* Where to look; byoc_cgroup_defaults() sets the real ones. */
	const char *root;      /* /sys/fs/cgroup */
	const char *self;      /* /proc/self/cgroup */
	const char *mountinfo; /* /proc/self/mountinfo */
	enum byoc_cgroup_mode mode;
	/* The container's cgroup directory for each controller, or "" when it
	 * has none. In v2 every controller has the same directory. */
	char dir[BYOC_CG_COUNT][4096];
	bool created[BYOC_CG_COUNT];
	bool under_lab_parent; /* v2: placed in <root>/byoc, not beneath our own cgroup */
	/* v1 and hybrid: the cgroup beneath this path of each hierarchy (made
	 * when missing, and left), not beneath this process's own cgroup: an
	 * OCI bundle's cgroupsPath less its last part. NULL: our own. */
	const char *parent;
	/* Where each directory is written down before it is made (the state
	 * directory's "journal", see state.h), or -1. */
	int journal_fd;
};

struct byoc_cgroup_stats {
	bool have_peak, have_oom, have_cpu;
	uint64_t peak_bytes, oom_kills, cpu_usec;
};

void byoc_cgroup_defaults(struct byoc_cgroup *cg);
const char *byoc_cgroup_mode_name(enum byoc_cgroup_mode mode);

/* Find the mode, unless cg->mode is set already: statfs(2) of the root gives
 * cgroup2 (v2), else a cgroup2 mount at <root>/unified means hybrid. */
int byoc_cgroup_detect(struct byoc_cgroup *cg, struct byoc_error *err);

/* Create the cgroup "byoc-<id>" for the controllers in `wanted` (a mask of
 * BYOC_CG_BIT()); fail, naming it, if one of `required` is not available.
 * v2: beneath the cgroup this process runs in, with the controllers enabled in
 * its cgroup.subtree_control; if that cgroup holds processes (the
 * no-internal-processes rule: EBUSY), lacks a required controller, or is the
 * root, beneath <root>/byoc instead: the lab parent, which records what the
 * lab enabled at the root, and whose last user puts the root back.
 * v1: beneath this process's own cgroup in each controller's hierarchy. */
int byoc_cgroup_create(struct byoc_cgroup *cg, const char *id, unsigned wanted, unsigned required,
		       struct byoc_error *err);

/* Write `value` to `file` of the controller's directory. */
int byoc_cgroup_write(struct byoc_cgroup *cg, enum byoc_controller ctl, const char *file,
		      const char *value, struct byoc_error *err);
/* Whether the controller's directory has `file` (some files depend on the
 * kernel: memory.swap.max, memory.memsw.*, cgroup.kill, memory.peak). */
bool byoc_cgroup_has(const struct byoc_cgroup *cg, enum byoc_controller ctl, const char *file);
/* Read the number behind `key` in a "key value" file (memory.events, cpu.stat),
 * or the file's first number when key is NULL. */
int byoc_cgroup_read_u64(const struct byoc_cgroup *cg, enum byoc_controller ctl, const char *file,
			 const char *key, uint64_t *out);

/* v1 and hybrid: make "byoc-<id>" beneath this process's own cgroup in the
 * hierarchy of `controller` (one that enum byoc_controller does not list:
 * "devices"), written down in the journal first, as every cgroup is. Returns
 * 0 with its path in `dir`, -ENOENT when no hierarchy holds that controller,
 * or < 0 with `err` filled. Remove it with byoc_cgroup_remove_dir(). */
int byoc_cgroup_v1_make(struct byoc_cgroup *cg, const char *controller, const char *id, char *dir,
			size_t len, struct byoc_error *err);
/* Write `value` to the file `file` of the cgroup directory `dir`. */
int byoc_cgroup_write_path(const char *dir, const char *file, const char *value,
			   struct byoc_error *err);
/* Kill whatever is left in the cgroup directory `dir`, then remove it. */
void byoc_cgroup_remove_dir(const char *dir);

/* Peak memory, OOM kills and CPU time, from whichever files the kernel has. */
void byoc_cgroup_stats(const struct byoc_cgroup *cg, struct byoc_cgroup_stats *s);

/* Kill every process left in the cgroup and remove what byoc_cgroup_create()
 * made, also after a partial failure. Safe to call twice. */
void byoc_cgroup_destroy(struct byoc_cgroup *cg);
