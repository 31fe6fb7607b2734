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
	BYOC_NEEDS_PIDNS("solutions"),
	BYOC_NEEDS_MOUNT("solutions"),
	BYOC_NEEDS_NET(BYOC_IMPL),
};

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "06-netns-veth",
		.options = BYOC_OPTS_06,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
