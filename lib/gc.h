/* The clean-up of dead containers: what a container whose runtime or
 * monitor was killed left outside its state directory (its processes, its
 * cgroups, its veth's host end), removed before its directory goes, or before
 * its record is kept (a detached container: ps -a shows that it was killed).
 * Above lib/state.c (which only stores), lib/cgroup.c and lib/net.c. */
#pragma once

#include <stdbool.h>

#include "error.h"
#include "state.h"

/* What the start of every container hands to byoc_state_create(). */
extern const struct byoc_reclaimer byoc_gc_reclaimer;

/* Clean up every dead container under `root`, calling `removed` (may be
 * NULL) for each thing removed: kind "cgroup", "link" or "state". Returns how
 * many state directories were removed, or < 0 with `err` filled. */
int byoc_gc(const char *root, void (*removed)(const char *kind, const char *path, void *arg),
	    void *arg, struct byoc_error *err);

/* byoc delete: remove container `id` under `root` (its directory's lock
 * held by the caller): its PID 1 if `force` (else refuse one that runs,
 * status 1), its cgroups, its links, its directory. Returns 0 or < 0 with
 * `err` filled. */
int byoc_gc_delete(const char *root, const char *id, bool force, struct byoc_error *err);
