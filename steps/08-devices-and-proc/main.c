/* Step 08: root inside the container opens no device of the machine and
 * writes none of its knobs in /proc and /sys. */
#define _GNU_SOURCE
#include <sched.h>

#include "driver.h"
#include "stages.h"

/* The devices and proc stages come after the mount stage (they mount over
 * its /proc and /sys and make nodes in its /dev) and before the caps stage,
 * which takes away the CAP_SYS_ADMIN that mounting needs. */
static const struct byoc_stage *const stages[] = {
	&byoc_stage_chroot,  &byoc_stage_pidns,	  &byoc_stage_overlay,
	&byoc_stage_mount,   &byoc_stage_cgroups, &byoc_stage_net,
	&byoc_stage_devices, &byoc_stage_proc,	  &byoc_stage_caps,
};

static const struct byoc_ns_need needs[] = {
	BYOC_NEEDS_PIDNS("solutions"),
	BYOC_NEEDS_MOUNT("solutions"),
	BYOC_NEEDS_NET("solutions"),
};

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "08-devices-and-proc",
		.options = BYOC_OPTS_08,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
