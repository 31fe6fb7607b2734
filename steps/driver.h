/* What every step's main() shares: parse the command line, run the stages,
 * and turn the outcome into a message and an exit status. */
#pragma once

#include <stddef.h>

#include "container.h"

struct byoc_step {
	const char *name;			/* "01-chroot" */
	unsigned options;			/* enum byoc_option_id mask */
	const struct byoc_stage *const *stages; /* steps 1..N, in order */
	size_t n_stages;
};

int byoc_step_main(const struct byoc_step *step, int argc, char **argv);
