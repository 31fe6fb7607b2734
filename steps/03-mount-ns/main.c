/* Step 03: the container gets its own mount table, with the rootfs as its
 * root mount and its own /proc, /dev, /sys and /tmp. */
#include "driver.h"
#include "stages.h"

static const struct byoc_stage *const stages[] = { &byoc_stage_chroot, &byoc_stage_pidns,
						   &byoc_stage_mount };

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "03-mount-ns",
		.options = BYOC_OPT_ROOTFS | BYOC_OPT_HOSTNAME | BYOC_OPT_INIT,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
