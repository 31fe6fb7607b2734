/* Step 04: the container's memory, tasks and CPU are limited by a cgroup. */
#include "driver.h"
#include "stages.h"

static const struct byoc_stage *const stages[] = { &byoc_stage_chroot, &byoc_stage_pidns,
						   &byoc_stage_mount, &byoc_stage_cgroups };

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "04-cgroups",
		.options = BYOC_OPT_ROOTFS | BYOC_OPT_HOSTNAME | BYOC_OPT_INIT | BYOC_OPT_MEMORY |
			   BYOC_OPT_PIDS | BYOC_OPT_CPUS | BYOC_OPT_CPU_WEIGHT | BYOC_OPT_STATS,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
