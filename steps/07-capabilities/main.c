/* Step 07: root inside the container keeps only Docker's default
 * capabilities, so it is not root of the machine. */
#define _GNU_SOURCE
#include <sched.h>

#include "driver.h"
#include "stages.h"

/* The caps stage comes last: the stages before it mount, pivot, name the
 * container and configure its network with capabilities it then gives up.
 * The overlay stage comes before the mount stage, which pivots into it
 * (steps/05-overlayfs/main.c). */
static const struct byoc_stage *const stages[] = { &byoc_stage_chroot,	&byoc_stage_pidns,
						   &byoc_stage_overlay, &byoc_stage_mount,
						   &byoc_stage_cgroups, &byoc_stage_net,
						   &byoc_stage_caps };

static const struct byoc_ns_need needs[] = {
	{ CLONE_NEWPID, "pidns", "solutions/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWUTS, "pidns", "solutions/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWIPC, "pidns", "solutions/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWNS, "mount", "solutions/03-mount-ns/mount.c",
	  "steps/03-mount-ns/README.md, \"Your task: pivot_root\"" },
	{ CLONE_NEWNET, "net", "solutions/06-netns-veth/net.c",
	  "steps/06-netns-veth/README.md, \"Your task\"" },
};

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "07-capabilities",
		.options = BYOC_OPT_ROOTFS | BYOC_OPT_HOSTNAME | BYOC_OPT_INIT | BYOC_OPT_MEMORY |
			   BYOC_OPT_PIDS | BYOC_OPT_CPUS | BYOC_OPT_CPU_WEIGHT | BYOC_OPT_STATS |
			   BYOC_OPT_LAYER | BYOC_OPT_STATE_DIR | BYOC_OPT_KEEP | BYOC_OPT_NET |
			   BYOC_OPT_SUBNET | BYOC_OPT_CAP_ADD | BYOC_OPT_CAP_DROP |
			   BYOC_OPT_PRIVILEGED,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
