/* Step 10: root inside the container is nobody outside: a user namespace
 * first of all; and a container that a normal user runs without sudo. */
#define _GNU_SOURCE
#include <sched.h>

#include "driver.h"
#include "stages.h"

/* The userns stage comes first: the child becomes root of its namespace
 * before any other stage mounts or configures anything, and its maps are
 * written before the others' after_clone() hooks. */
static const struct byoc_stage *const stages[] = {
	&byoc_stage_userns,	     &byoc_stage_chroot, &byoc_stage_pidns,   &byoc_stage_overlay,
	&byoc_stage_userns_premount, &byoc_stage_mount,	 &byoc_stage_cgroups, &byoc_stage_net,
	&byoc_stage_devices,	     &byoc_stage_proc,	 &byoc_stage_caps,    &byoc_stage_seccomp,
};

static const struct byoc_ns_need needs[] = {
	BYOC_NEEDS_USERNS(BYOC_IMPL),
	BYOC_NEEDS_PIDNS("solutions"),
	BYOC_NEEDS_MOUNT("solutions"),
	BYOC_NEEDS_NET("solutions"),
};

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "10-userns",
		.options = BYOC_OPTS_10,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
		.userns = true,
	};
	return byoc_step_main(&step, argc, argv);
}
