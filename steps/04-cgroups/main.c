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
	{ CLONE_NEWPID, "pidns", "solutions/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWUTS, "pidns", "solutions/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWIPC, "pidns", "solutions/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWNS, "mount", "solutions/03-mount-ns/mount.c",
	  "steps/03-mount-ns/README.md, \"Your task: pivot_root\"" },
};

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "04-cgroups",
		.options = BYOC_OPT_ROOTFS | BYOC_OPT_HOSTNAME | BYOC_OPT_INIT | BYOC_OPT_MEMORY |
			   BYOC_OPT_PIDS | BYOC_OPT_CPUS | BYOC_OPT_CPU_WEIGHT | BYOC_OPT_STATS,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
