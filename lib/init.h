/* A minimal init for PID 1 of a PID namespace (--init). */
#pragma once

#include <signal.h>
#include <sys/types.h>

/* Run as PID 1 with every signal of `waitset` blocked: pass those signals on
 * to `command`, reap every process that exits (orphans are reparented to
 * PID 1), and exit with the command's status once it has exited. Exiting
 * makes the kernel kill whatever is left in the namespace. */
_Noreturn void byoc_init_run(pid_t command, const sigset_t *waitset);
