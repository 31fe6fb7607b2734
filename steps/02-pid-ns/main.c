/* Step 02: the container gets its own PIDs, hostname and IPC objects. */
#include "driver.h"
#include "stages.h"

static const struct byoc_stage *const stages[] = { &byoc_stage_chroot, &byoc_stage_pidns };

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "02-pid-ns",
		.options = BYOC_OPT_ROOTFS | BYOC_OPT_HOSTNAME | BYOC_OPT_INIT,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
