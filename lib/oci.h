/* An OCI bundle's config.json (the runtime specification's, as podman and
 * containerd write it), read into what byoc's stages need. Every field is
 * either understood or refused in one line that names it: a field this
 * runtime ignored would weaken the container without a word. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* OCI hooks, in the order of enum: createRuntime, createContainer,
 * startContainer, prestart (the old name of createRuntime), poststart,
 * poststop. */
enum byoc_oci_hook_kind {
	BYOC_OCI_HOOK_CREATE_RUNTIME,
	BYOC_OCI_HOOK_CREATE_CONTAINER,
	BYOC_OCI_HOOK_START_CONTAINER,
	BYOC_OCI_HOOK_PRESTART,
	BYOC_OCI_HOOK_POSTSTART,
	BYOC_OCI_HOOK_POSTSTOP,
	BYOC_OCI_HOOK_KINDS,
};

extern const char *const byoc_oci_hook_names[BYOC_OCI_HOOK_KINDS];

struct byoc_oci_hook {
	const char *path;
	const char **args; /* NULL-terminated; NULL when absent */
	const char **env;  /* NULL-terminated; NULL when absent */
	int timeout;	   /* seconds; 0: none */
};

struct byoc_oci_mount {
	const char *destination; /* absolute */
	const char *type;	 /* "bind" for a bind mount, whatever "type" said */
	const char *source;	 /* for a bind: absolute (relative ones resolved against the bundle) */
	unsigned long flags;	 /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, ... */
	unsigned long propagation; /* MS_PRIVATE, MS_SLAVE, ... | MS_REC; 0: none given */
	bool bind, recursive;	   /* "bind"/"rbind" in options, or type "bind" */
	char data[512];		   /* the options that are not flags, comma-joined */
	char source_buf[4096];	   /* storage for a source resolved against the bundle */
};

struct byoc_oci_namespace {
	unsigned long flag; /* CLONE_NEW* */
	const char *path;   /* NULL: a new one */
};

struct byoc_oci_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

/* One entry of linux.resources.devices; -1 for a wildcard major or minor. */
struct byoc_oci_device_rule {
	bool allow;
	char type;	 /* 'a', 'c' or 'b' */
	int64_t major, minor;
	unsigned access; /* BPF_DEVCG_ACC_READ | _WRITE | _MKNOD */
};

/* One entry of linux.devices: a node to create in the container. */
struct byoc_oci_device {
	const char *path;
	char type; /* 'c', 'b', 'u' or 'p' */
	int64_t major, minor;
	uint32_t mode, uid, gid; /* mode 0666 when absent */
};

struct byoc_oci_id_map {
	uint32_t container_id, host_id, size;
};

#define BYOC_OCI_NAMESPACES_MAX 8
#define BYOC_OCI_ID_MAPS_MAX	8

/* process, alone: what byoc exec --process FILE reads too. */
struct byoc_oci_process {
	bool terminal;
	unsigned console_height, console_width;
	const char *cwd;	 /* absolute */
	const char **args;	 /* NULL-terminated, at least one */
	const char **env;	 /* NULL-terminated; may be empty */
	uint32_t uid, gid;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	bool has_umask;
	uint32_t umask;
	/* Bit N is capability N; has_caps: "capabilities" was given. */
	bool has_caps;
	uint64_t bounding, effective, permitted, inheritable, ambient;
	struct byoc_oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	const char *apparmor_profile; /* NULL when absent or empty */
};

struct byoc_oci {
	json_t *json;	   /* owns every string below */
	char bundle[4096]; /* absolute */
	const char *oci_version;
	struct byoc_oci_process process;
	char root_path[4096]; /* absolute: root.path resolved against the bundle */
	bool root_readonly;
	const char *hostname; /* NULL: none given */
	struct byoc_oci_mount *mounts;
	size_t n_mounts;
	struct byoc_oci_hook *hooks[BYOC_OCI_HOOK_KINDS];
	size_t n_hooks[BYOC_OCI_HOOK_KINDS];
	json_t *annotations; /* an object, borrowed from json; may be empty */

	/* linux */
	struct byoc_oci_namespace namespaces[BYOC_OCI_NAMESPACES_MAX];
	size_t n_namespaces;
	struct byoc_oci_id_map uid_maps[BYOC_OCI_ID_MAPS_MAX], gid_maps[BYOC_OCI_ID_MAPS_MAX];
	size_t n_uid_maps, n_gid_maps;
	const char **sysctl_keys, **sysctl_values; /* n_sysctl each */
	size_t n_sysctl;
	/* resources; -1: not given. cpu_quota and cpu_period in microseconds. */
	int64_t memory_limit, memory_swap, pids_limit, cpu_shares, cpu_quota, cpu_period;
	struct byoc_oci_device_rule *device_rules;
	size_t n_device_rules;
	const char *cgroups_path; /* NULL: none given */
	json_t *seccomp;	  /* linux.seccomp, borrowed from json; NULL: none */
	const char **masked_paths, **readonly_paths; /* NULL-terminated, may be empty */
	struct byoc_oci_device *devices;
	size_t n_devices;
	const char *rootfs_propagation; /* NULL: none given */
};

/* Read <bundle>/config.json. Returns 0, or < 0 with `err` filled (status
 * 1, as runc's): a message such as "config.json: line 4, column 7: ..." or
 * "config.json: process.args: expected an array of strings, got a number" or
 * "config.json: linux.intelRdt: not supported by byoc: remove it". */
int byoc_oci_load(const char *bundle, struct byoc_oci *spec, struct byoc_error *err);

/* The same from the text `json`; `bundle` resolves relative paths. */
int byoc_oci_parse(const char *json, size_t len, const char *bundle, struct byoc_oci *spec,
		   struct byoc_error *err);

/* A process object alone (byoc exec --process FILE), into `p`, whose strings
 * `*owner` owns (json_decref() it). Returns 0 or < 0 with `err` filled. */
int byoc_oci_process_load(const char *path, struct byoc_oci_process *p, json_t **owner,
			  struct byoc_error *err);

void byoc_oci_process_free(struct byoc_oci_process *p);
void byoc_oci_free(struct byoc_oci *spec);
