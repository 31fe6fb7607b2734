/* Step 02: the container gets its own PIDs, hostname and IPC objects. */
#define _GNU_SOURCE
#include <sched.h>

#include "driver.h"
#include "stages.h"

static const struct byoc_stage *const stages[] = { &byoc_stage_chroot, &byoc_stage_pidns };

/* Without them the stages would act on the machine itself: sethostname()
 * would rename it. */
static const struct byoc_ns_need needs[] = {
	BYOC_NEEDS_PIDNS(BYOC_IMPL),
};

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "02-pid-ns",
		.options = BYOC_OPTS_02,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
