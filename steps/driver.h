/* What every step's main() shares: parse the command line, run the stages,
 * and turn the outcome into a message and an exit status. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "container.h"

/* Where this build's stage of the step comes from: "exercises" or
 * "solutions" (the steps before it always link solutions/). */
#ifndef BYOC_IMPL
#define BYOC_IMPL "exercises"
#endif

struct byoc_step {
	const char *name; /* "01-chroot" */
	/* byoc run's: the program's name in messages ("byoc run") and the
	 * help's first line; NULL for a step (argv[0], "the container of step
	 * NAME"). */
	const char *prog;
	const char *summary;
	unsigned options;			/* enum byoc_option_id mask */
	const struct byoc_stage *const *stages; /* steps 1..N, in order */
	size_t n_stages;
	/* The namespaces the stages must create; the library refuses to start
	 * the container without one of them. */
	const struct byoc_ns_need *needs;
	size_t n_needs;
	/* Every container of this step has a user namespace (step 10's), as
	 * if --userns were given. */
	bool userns;
};

int byoc_step_main(const struct byoc_step *step, int argc, char **argv);
