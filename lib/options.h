/* One command line for every step and for the full container:
 *	[--rootfs DIR] [-v] [--help] [--] [COMMAND [ARG...]]
 * Options that a later step introduces are known here too, so that using one
 * too early gets a message naming the step that brings it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "overlay.h"

struct byoc_oci;

enum byoc_option_id {
	BYOC_OPT_ROOTFS = 1u << 0,
	BYOC_OPT_HOSTNAME = 1u << 1,
	BYOC_OPT_MEMORY = 1u << 2,
	BYOC_OPT_PIDS = 1u << 3,
	BYOC_OPT_CPUS = 1u << 4,
	BYOC_OPT_CPU_WEIGHT = 1u << 5,
	BYOC_OPT_STATS = 1u << 6,
	BYOC_OPT_NET = 1u << 7,
	BYOC_OPT_VERBOSE = 1u << 8,
	BYOC_OPT_HELP = 1u << 9,
	BYOC_OPT_INIT = 1u << 10,
	BYOC_OPT_CAP_ADD = 1u << 11,
	BYOC_OPT_CAP_DROP = 1u << 12,
	BYOC_OPT_PRIVILEGED = 1u << 13,
	BYOC_OPT_LAYER = 1u << 14,
	BYOC_OPT_STATE_DIR = 1u << 15,
	BYOC_OPT_KEEP = 1u << 16,
	BYOC_OPT_SUBNET = 1u << 17,
	BYOC_OPT_DEVICE = 1u << 18,
	BYOC_OPT_SECURITY_OPT = 1u << 19,
	BYOC_OPT_USERNS = 1u << 23,
	/* byoc run's own, as docker run names them. */
	BYOC_OPT_NAME = 1u << 20,
	BYOC_OPT_ENV = 1u << 21,
	BYOC_OPT_WORKDIR = 1u << 22,
	BYOC_OPT_DETACH = 1u << 24,
	BYOC_OPT_TTY = 1u << 25,
	BYOC_OPT_INTERACTIVE = 1u << 26,
};

struct byoc_option_spec {
	unsigned id;
	const char *name; /* long name, without "--" */
	char short_name;  /* 0 when there is none */
	const char *arg;  /* the value's form ("DIR"), NULL for a flag */
	const char *help;
	const char *step; /* the step that introduces it */
};

/* The table behind the parser, ending with an entry whose name is NULL. */
extern const struct byoc_option_spec byoc_option_table[];

/* --net: none, only lo; veth, a pair to the runtime's namespace. */
enum byoc_net { BYOC_NET_VETH = 0, BYOC_NET_NONE };

/* The smallest --memory accepted, in bytes. */
#define BYOC_MEMORY_FLOOR (6 << 20)

/* At most this many -e/--env. */
#define BYOC_ENV_MAX 64

/* At most this many --device. */
#define BYOC_DEVICES_MAX 16

/* --device HOST[:CONTAINER[:PERMS]], as docker run takes it. */
struct byoc_device_opt {
	const char *spec;    /* as given, for messages */
	char host[256];	     /* the node on the machine, absolute */
	char container[256]; /* where it appears inside: absolute, under /dev */
	unsigned access;     /* BPF_DEVCG_ACC_*: r, w, m */
};

/* --security-opt seccomp=...: Docker's default filter (step 09's table),
 * none, or a Docker-format JSON profile. */
enum byoc_seccomp { BYOC_SECCOMP_DEFAULT = 0, BYOC_SECCOMP_UNCONFINED, BYOC_SECCOMP_PROFILE };

/* --cap-add ALL, --cap-drop ALL. */
#define BYOC_CAPS_ALL UINT64_MAX

struct byoc_options {
	const char *rootfs;
	const char *hostname; /* as given: the stage that sets it validates it */
	bool init;	      /* run a minimal init as PID 1, the command as PID 2 */
	uint64_t memory;      /* bytes; 0: no limit */
	uint64_t pids;	      /* tasks; 0: no limit */
	uint64_t cpus;	      /* millionths of a CPU; 0: no limit */
	uint64_t cpu_weight;  /* 1..10000; 0: the default */
	bool stats;	      /* print the cgroup's figures at exit */
	/* 07-capabilities: bit N is capability N (see capabilities(7)), as
	 * --cap-add and --cap-drop named them; BYOC_CAPS_ALL for ALL. */
	uint64_t cap_add, cap_drop;
	bool privileged; /* keep every capability, every device, all of /proc */
	/* 08-devices-and-proc: nodes added to the device allow list. */
	struct byoc_device_opt devices[BYOC_DEVICES_MAX];
	size_t n_devices;
	/* 09-seccomp: which filter, and the profile's path for
	 * BYOC_SECCOMP_PROFILE. --privileged loads none either. */
	enum byoc_seccomp seccomp;
	const char *seccomp_profile;
	/* 10-userns: root inside maps to an unprivileged range outside. A
	 * rootless runtime always has one. */
	bool userns;
	enum byoc_net net;
	bool net_given;		/* --net was given: a rootless runtime defaults to none */
	uint32_t subnet;	/* --subnet's network address, host byte order */
	unsigned subnet_prefix; /* its prefix length, 1..30 */
	/* byoc run: the container's name (NULL: its id), KEY=VALUE pairs added
	 * to its clean environment, and the directory its command starts in
	 * (absolute, inside the container; NULL: /). */
	const char *name;
	const char *env[BYOC_ENV_MAX];
	size_t n_env;
	const char *workdir;
	/* byoc run -d: the container outlives the command that started it, its
	 * monitor keeps its output in a log; -t: its command gets a
	 * pseudo-terminal; -i: the runtime's stdin reaches it. */
	bool detach, tty, interactive;
	bool verbose;
	bool help;
	char **command; /* NULL-terminated; never empty after parsing */
	/* byoc create: the OCI bundle's spec (lib/oci.h), which its own stages
	 * (steps/byoc/oci_stages.c) apply; NULL for byoc run. */
	const struct byoc_oci *oci;
	/* Paths step 08 masks or makes read-only besides its own lists
	 * (NULL-terminated; NULL: none): an OCI bundle's. */
	const char *const *masked_extra, *const *readonly_extra;
	/* The cgroup's parent below each v1 hierarchy's root (byoc create:
	 * cgroupsPath less its last part); NULL: beneath the runtime's own. */
	const char *cgroup_parent;

	/* 05-overlayfs */
	const char *layers[BYOC_LAYERS_MAX]; /* --layer, as given: the last on top */
	size_t n_layers;
	const char *state_dir; /* --state-dir; NULL: /run/byoc */
	bool keep;	       /* keep the upper directory after exit */
};

/* Parse argv[1..argc-1]. `allowed` is the set of options this program takes
 * (a mask of enum byoc_option_id); `step` names it for messages.
 * `default_rootfs` and `default_command` fill what the user left out.
 * Returns 0, or -EINVAL with a one-line message in `err` (status 125). */
int byoc_options_parse(int argc, char **argv, unsigned allowed, const char *step,
		       const char *default_rootfs, char **default_command, struct byoc_options *o,
		       struct byoc_error *err);
