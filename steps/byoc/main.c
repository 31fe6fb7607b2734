/* byoc: the lab's finished runtime, every step's stage in one container.
 *   byoc run [OPTION...] [--] [COMMAND [ARG...]]
 *   byoc gc | version | --help
 * Built from the stages of IMPL (`sudo make run IMPL=exercises`: all of
 * them the student's own). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"
#include "gc.h"
#include "stages.h"

#ifndef BYOC_VERSION
#define BYOC_VERSION "unknown"
#endif

/* In the steps' order, as step 07 has them: 03's pivot_root supersedes 01's
 * chroot and pivots into 05's overlay, so the overlay comes first; the caps
 * stage comes last, after the stages that need the capabilities it drops. */
static const struct byoc_stage *const stages[] = { &byoc_stage_chroot,	&byoc_stage_pidns,
						   &byoc_stage_overlay, &byoc_stage_mount,
						   &byoc_stage_cgroups, &byoc_stage_caps };

/* Every namespace the steps teach, and the stage that must create it. */
static const struct byoc_ns_need needs[] = {
	{ CLONE_NEWPID, "pidns", BYOC_IMPL "/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWUTS, "pidns", BYOC_IMPL "/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWIPC, "pidns", BYOC_IMPL "/02-pid-ns/pidns.c",
	  "steps/02-pid-ns/README.md, \"Your task\"" },
	{ CLONE_NEWNS, "mount", BYOC_IMPL "/03-mount-ns/mount.c",
	  "steps/03-mount-ns/README.md, \"Your task: pivot_root\"" },
};

static const struct byoc_step run = {
	.name = "byoc",
	.prog = "byoc run",
	.summary = "Run COMMAND (default: /bin/sh) in the full container: the stages of every "
		   "step,\nbuilt from " BYOC_IMPL "/.",
	.options = BYOC_OPT_ROOTFS | BYOC_OPT_HOSTNAME | BYOC_OPT_INIT | BYOC_OPT_MEMORY |
		   BYOC_OPT_PIDS | BYOC_OPT_CPUS | BYOC_OPT_CPU_WEIGHT | BYOC_OPT_STATS |
		   BYOC_OPT_LAYER | BYOC_OPT_STATE_DIR | BYOC_OPT_KEEP | BYOC_OPT_CAP_ADD |
		   BYOC_OPT_CAP_DROP | BYOC_OPT_PRIVILEGED | BYOC_OPT_NAME | BYOC_OPT_ENV |
		   BYOC_OPT_WORKDIR,
	.stages = stages,
	.n_stages = sizeof(stages) / sizeof(stages[0]),
	.needs = needs,
	.n_needs = sizeof(needs) / sizeof(needs[0]),
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: byoc COMMAND\n"
		   "The lab's container runtime, built from " BYOC_IMPL "/.\n\n"
		   "Commands:\n"
		   "  run [OPTION...] [--] [CMD [ARG...]]  run CMD in a new container "
		   "(byoc run --help)\n"
		   "  gc                                   remove what killed runtimes left "
		   "behind\n"
		   "  version                              print the version\n"
		   "  --help                               show this help\n");
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		usage(stderr);
		fprintf(stderr, "byoc: no command given: try 'byoc run -- /bin/sh'\n");
		return 125;
	}
	if (strcmp(cmd, "run") == 0)
		return byoc_step_main(&run, argc - 1, argv + 1);
	if (strcmp(cmd, "gc") == 0 && argc == 2)
		return byoc_gc_main("byoc gc");
	if (strcmp(cmd, "version") == 0 && argc == 2) {
		printf("byoc %s (stages from %s/)\n", BYOC_VERSION, BYOC_IMPL);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "gc") == 0 || strcmp(cmd, "version") == 0) {
		fprintf(stderr, "byoc %s: takes no arguments: run 'byoc %s'\n", cmd, cmd);
		return 125;
	}
	fprintf(stderr, "byoc: unknown command '%s': give run, gc or version (see byoc --help)\n",
		cmd);
	return 125;
}
