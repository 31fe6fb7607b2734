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
	BYOC_NEEDS_PIDNS("solutions"),
	BYOC_NEEDS_MOUNT("solutions"),
	BYOC_NEEDS_NET("solutions"),
};

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "07-capabilities",
		.options = BYOC_OPTS_07,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
