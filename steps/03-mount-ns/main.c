/* Step 03: the container gets its own mount table, with the rootfs as its
 * root mount and its own /proc, /dev, /sys and /tmp. */
#define _GNU_SOURCE
#include <sched.h>

#include "driver.h"
#include "stages.h"

static const struct byoc_stage *const stages[] = { &byoc_stage_chroot, &byoc_stage_pidns,
						   &byoc_stage_mount };

/* Without a mount namespace, pivot_root would change the machine's root. */
static const struct byoc_ns_need needs[] = {
	BYOC_NEEDS_PIDNS("solutions"),
	BYOC_NEEDS_MOUNT(BYOC_IMPL),
};

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "03-mount-ns",
		.options = BYOC_OPTS_03,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
