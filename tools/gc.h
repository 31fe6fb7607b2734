/* The clean-up of dead runtimes' leftovers, with its report: `make
 * clean-host` and `byoc gc` both run it. */
#pragma once

/* Remove and list what dead runtimes left (lib/state.h); `prog` names the
 * program in messages. Returns the exit status: 0, or 1 on failure. */
int byoc_gc_main(const char *prog);
