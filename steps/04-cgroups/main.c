/* Step 04: the container's memory, tasks and CPU are limited by a cgroup. */
#define _GNU_SOURCE
#include <sched.h>

#include "driver.h"
#include "stages.h"

static const struct byoc_stage *const stages[] = { &byoc_stage_chroot, &byoc_stage_pidns,
						   &byoc_stage_mount, &byoc_stage_cgroups };

/* The earlier steps' namespaces; the cgroup namespace is unshare()d by the
 * stage itself, in the child. */
static const struct byoc_ns_need needs[] = {
	BYOC_NEEDS_PIDNS("solutions"),
	BYOC_NEEDS_MOUNT("solutions"),
};

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "04-cgroups",
		.options = BYOC_OPTS_04,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
