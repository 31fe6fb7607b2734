/* Step 05: the rootfs is a read-only image at the bottom of an overlay; the
 * container writes into a layer of its own. */
#define _GNU_SOURCE
#include <sched.h>

#include "driver.h"
#include "stages.h"

/* The overlay stage comes before the mount stage: its child_setup mounts the
 * overlay and sets c->root, and the mount stage's child_setup then pivots
 * into it. Hooks run in this order (prepare and child_setup), and cleanups in
 * the reverse order. */
static const struct byoc_stage *const stages[] = { &byoc_stage_chroot, &byoc_stage_pidns,
						   &byoc_stage_overlay, &byoc_stage_mount,
						   &byoc_stage_cgroups };

/* Without a mount namespace, the overlay would be mounted on the machine. */
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
		.name = "05-overlayfs",
		.options = BYOC_OPT_ROOTFS | BYOC_OPT_HOSTNAME | BYOC_OPT_INIT | BYOC_OPT_MEMORY |
			   BYOC_OPT_PIDS | BYOC_OPT_CPUS | BYOC_OPT_CPU_WEIGHT | BYOC_OPT_STATS |
			   BYOC_OPT_LAYER | BYOC_OPT_STATE_DIR | BYOC_OPT_KEEP,
		.stages = stages,
		.n_stages = sizeof(stages) / sizeof(stages[0]),
		.needs = needs,
		.n_needs = sizeof(needs) / sizeof(needs[0]),
	};
	return byoc_step_main(&step, argc, argv);
}
