/* Step 05: the rootfs is a read-only image at the bottom of an overlay; the
 * container writes into a layer of its own. */
#define _GNU_SOURCE
#include <sched.h>

#include "driver.h"
#include "stages.h"

/* The overlay stage comes before the mount stage: its child_setup mounts the
 * overlay and sets c->root, and the mount stage's child_setup then pivots
 * into it. Hooks run in this order (prepare and child_setup), and cleanups in
 * the reverse order. */
static const struct byoc_stage *const stages[] = { &byoc_stage_chroot, &byoc_stage_pidns,
						   &byoc_stage_overlay, &byoc_stage_mount,
						   &byoc_stage_cgroups };

/* Without a mount namespace, the overlay would be mounted on the machine. */
static const struct byoc_ns_need needs[] = {
	BYOC_NEEDS_PIDNS("solutions"),
	BYOC_NEEDS_MOUNT("solutions"),
};

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "05-overlayfs",
		.options = BYOC_OPTS_05,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
