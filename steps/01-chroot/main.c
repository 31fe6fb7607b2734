/* Step 01: a process whose root directory is the lab's rootfs. */
#include "driver.h"
#include "stages.h"

static const struct byoc_stage *const stages[] = { &byoc_stage_chroot };

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "01-chroot",
		.options = BYOC_OPTS_01,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
