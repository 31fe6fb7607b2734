/* An OCI bundle as byoc run's options and two stages of its own
 * (oci_stages.c). */
#pragma once

#include "oci.h"
#include "stage.h"

/* Fill `o` for container `id` (its name) under `state_root` (NULL: the
 * default) from `spec`, which must outlive it. Returns 0, or < 0 with `err`
 * naming the field that byoc cannot honour (status 1). */
int byoc_oci_options(const struct byoc_oci *spec, const char *id, const char *state_root,
		     struct byoc_options *o, struct byoc_error *err);

/* The directories step 03 mounts on, made in the bundle's root where the
 * image lacks them: before step 03. */
extern const struct byoc_stage byoc_stage_oci_root;
/* The spec's mounts, namespaces joined by path, sysctls, rlimits,
 * oomScoreAdj, AppArmor profile and read-only root: after step 06, before
 * step 08. */
extern const struct byoc_stage byoc_stage_oci_mounts;
/* Its umask, groups and user: after step 07, before step 09. */
extern const struct byoc_stage byoc_stage_oci_process;

/* prestart and createRuntime hooks, once the child exists (oci_hooks.c). */
extern const struct byoc_stage byoc_stage_oci_hooks;
/* Run the spec's hooks of `kind`, each with `state` (JSON) on its stdin, in
 * order. Returns 0, or < 0 with `err` naming the hook that failed. */
int byoc_oci_hooks_run(const struct byoc_oci *spec, enum byoc_oci_hook_kind kind,
		       const char *state, struct byoc_error *err);
/* The state the hooks read: {ociVersion, id, status, pid, bundle,
 * annotations}, newly allocated; NULL without memory. */
char *byoc_oci_state_text(const struct byoc_oci *spec, const char *id, const char *status,
			  pid_t pid);
