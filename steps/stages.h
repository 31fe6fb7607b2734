/* Every step's stage, as solutions/ and exercises/ define them. */
#pragma once

#include "container.h"

extern const struct byoc_stage byoc_stage_chroot;  /* 01-chroot */
extern const struct byoc_stage byoc_stage_pidns;   /* 02-pid-ns */
extern const struct byoc_stage byoc_stage_mount;   /* 03-mount-ns */
extern const struct byoc_stage byoc_stage_cgroups; /* 04-cgroups */
extern const struct byoc_stage byoc_stage_overlay; /* 05-overlayfs */
extern const struct byoc_stage byoc_stage_net;	   /* 06-netns-veth */
extern const struct byoc_stage byoc_stage_caps;	   /* 07-capabilities */
extern const struct byoc_stage byoc_stage_devices; /* 08-devices-and-proc */
extern const struct byoc_stage byoc_stage_proc;	   /* 08-devices-and-proc */
extern const struct byoc_stage byoc_stage_seccomp; /* 09-seccomp */
extern const struct byoc_stage byoc_stage_userns;  /* 10-userns */
extern const struct byoc_stage byoc_stage_userns_premount; /* 10-userns */

/* 07-capabilities: the capabilities the container keeps, bit N for
 * capability N (09-seccomp allows the calls of those it keeps). */
uint64_t byoc_caps_wanted(const struct byoc_options *o);

/* 08-devices-and-proc: write the cgroup v2 device program that allows
 * exactly `rules` (n of them) into `p`; the suite's probe also runs it. */
int byoc_devices_program(const struct byoc_dev_rule *rules, size_t n, struct byoc_bpf_prog *p);

/* The namespaces each stage must ask clone() for (see byoc_stages_check()),
 * with the file that asks and the lesson that teaches it. DIR is the tree a
 * step takes that stage from: BYOC_IMPL for its own, "solutions" for the
 * steps before it. Needs <sched.h> with _GNU_SOURCE. */
#define BYOC_NEED(flag, stage, file, lesson)                                                       \
	{                                                                                          \
		flag, stage, file, lesson                                                          \
	}
#define BYOC_NEEDS_PIDNS(dir)                                                                      \
	BYOC_NEED(CLONE_NEWPID, "pidns", dir "/02-pid-ns/pidns.c",                                 \
		  "steps/02-pid-ns/README.md, \"Your task\""),                                     \
		BYOC_NEED(CLONE_NEWUTS, "pidns", dir "/02-pid-ns/pidns.c",                         \
			  "steps/02-pid-ns/README.md, \"Your task\""),                             \
		BYOC_NEED(CLONE_NEWIPC, "pidns", dir "/02-pid-ns/pidns.c",                         \
			  "steps/02-pid-ns/README.md, \"Your task\"")
#define BYOC_NEEDS_MOUNT(dir)                                                                      \
	BYOC_NEED(CLONE_NEWNS, "mount", dir "/03-mount-ns/mount.c",                                \
		  "steps/03-mount-ns/README.md, \"Your task: pivot_root\"")
#define BYOC_NEEDS_NET(dir)                                                                        \
	BYOC_NEED(CLONE_NEWNET, "net", dir "/06-netns-veth/net.c",                                 \
		  "steps/06-netns-veth/README.md, \"Your task\"")
#define BYOC_NEEDS_USERNS(dir)                                                                     \
	BYOC_NEED(CLONE_NEWUSER, "userns", dir "/10-userns/userns.c",                              \
		  "steps/10-userns/README.md, \"Your task: the namespace and its maps\"")

/* The options of the container of step NN: those of the steps before it and
 * its own. */
#define BYOC_OPTS_01 BYOC_OPT_ROOTFS
#define BYOC_OPTS_02 (BYOC_OPTS_01 | BYOC_OPT_HOSTNAME | BYOC_OPT_INIT)
#define BYOC_OPTS_03 BYOC_OPTS_02
#define BYOC_OPTS_04                                                                               \
	(BYOC_OPTS_03 | BYOC_OPT_MEMORY | BYOC_OPT_PIDS | BYOC_OPT_CPUS | BYOC_OPT_CPU_WEIGHT |    \
	 BYOC_OPT_STATS)
#define BYOC_OPTS_05 (BYOC_OPTS_04 | BYOC_OPT_LAYER | BYOC_OPT_STATE_DIR | BYOC_OPT_KEEP)
#define BYOC_OPTS_06 (BYOC_OPTS_05 | BYOC_OPT_NET | BYOC_OPT_SUBNET)
#define BYOC_OPTS_07 (BYOC_OPTS_06 | BYOC_OPT_CAP_ADD | BYOC_OPT_CAP_DROP | BYOC_OPT_PRIVILEGED)
#define BYOC_OPTS_08 (BYOC_OPTS_07 | BYOC_OPT_DEVICE)
#define BYOC_OPTS_09 (BYOC_OPTS_08 | BYOC_OPT_SECURITY_OPT)
#define BYOC_OPTS_10 (BYOC_OPTS_09 | BYOC_OPT_USERNS)
