/* Step 09: root inside the container reaches only the system calls that
 * programs need: a seccomp filter, loaded last. */
#define _GNU_SOURCE
#include <sched.h>

#include "driver.h"
#include "stages.h"

/* The seccomp stage comes last: its filter would refuse the mounts, the
 * hostname and the capability changes of the stages before it, and it needs
 * the no_new_privs that the caps stage sets. */
static const struct byoc_stage *const stages[] = {
	&byoc_stage_chroot,  &byoc_stage_pidns,	  &byoc_stage_overlay, &byoc_stage_mount,
	&byoc_stage_cgroups, &byoc_stage_net,	  &byoc_stage_devices, &byoc_stage_proc,
	&byoc_stage_caps,    &byoc_stage_seccomp,
};

static const struct byoc_ns_need needs[] = {
	BYOC_NEEDS_PIDNS("solutions"),
	BYOC_NEEDS_MOUNT("solutions"),
	BYOC_NEEDS_NET("solutions"),
};

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "09-seccomp",
		.options = BYOC_OPTS_09,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
