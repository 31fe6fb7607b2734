/* Step 03: the container gets its own mount table, with the rootfs as its
 * root mount and its own /proc, /dev, /sys and /tmp. */
#define _GNU_SOURCE
#include <sched.h>

#include "driver.h"
#include "stages.h"

static const struct byoc_stage *const stages[] = { &byoc_stage_chroot, &byoc_stage_pidns,
						   &byoc_stage_mount };

/* Without a mount namespace, pivot_root would change the machine's root. */
static const struct byoc_ns_need needs[] = {
	{ CLONE_NEWPID, "pidns", "solutions/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWUTS, "pidns", "solutions/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWIPC, "pidns", "solutions/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWNS, "mount", BYOC_IMPL "/03-mount-ns/mount.c",
	  "steps/03-mount-ns/README.md, \"Your task: pivot_root\"" },
};

int main(int argc, char **argv)
{
	static const struct byoc_step step = {
		.name = "03-mount-ns",
		.options = BYOC_OPT_ROOTFS | BYOC_OPT_HOSTNAME | BYOC_OPT_INIT,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
