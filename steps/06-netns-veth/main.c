/* Step 06: the container gets a network namespace of its own, with only lo,
 * or a veth pair whose other end is in the runtime's namespace. */
#define _GNU_SOURCE
#include <sched.h>

#include "driver.h"
#include "stages.h"

/* The overlay stage comes before the mount stage, which pivots into it
 * (steps/05-overlayfs/main.c); the net stage's child_setup mounts the
 * container's /etc files once the root is in place. */
static const struct byoc_stage *const stages[] = { &byoc_stage_chroot,	&byoc_stage_pidns,
						   &byoc_stage_overlay, &byoc_stage_mount,
						   &byoc_stage_cgroups, &byoc_stage_net };

/* Without a network namespace, the pair's "inside" end, its address and its
 * default route would be the machine's own. */
static const struct byoc_ns_need needs[] = {
	{ CLONE_NEWPID, "pidns", "solutions/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWUTS, "pidns", "solutions/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWIPC, "pidns", "solutions/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWNS, "mount", "solutions/03-mount-ns/mount.c",
	  "steps/03-mount-ns/README.md, \"Your task: pivot_root\"" },
	{ CLONE_NEWNET, "net", BYOC_IMPL "/06-netns-veth/net.c",
	  "steps/06-netns-veth/README.md, \"Your task\"" },
};

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "06-netns-veth",
		.options = BYOC_OPT_ROOTFS | BYOC_OPT_HOSTNAME | BYOC_OPT_INIT | BYOC_OPT_MEMORY |
			   BYOC_OPT_PIDS | BYOC_OPT_CPUS | BYOC_OPT_CPU_WEIGHT | BYOC_OPT_STATS |
			   BYOC_OPT_LAYER | BYOC_OPT_STATE_DIR | BYOC_OPT_KEEP | BYOC_OPT_NET |
			   BYOC_OPT_SUBNET,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
