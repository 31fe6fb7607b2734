/* The container's lifecycle, owned once by the library. Each step adds a
 * stage: a set of namespaces to clone with and hooks that run at fixed points.
 * Read it top to bottom in byoc_container_run() (container.c):
 *
 *   parent (container.c, monitor.c)          child (child.c)
 *     select the stages (stages.c): drop
 *       those not .wanted, refuse a list
 *       missing a namespace of the step's
 *     state directory /run/byoc/<id>: its
 *       lock, journal and record (state.c,
 *       record.c); dead containers' leftovers
 *       go first (gc.c)
 *     prepare()        (in order)
 *     clone(flags of all stages)  ───────▶     wait for "go"
 *     after_clone()    (in order; step 10's
 *                       writes the ID maps)
 *     send "go"        ───────────────────▶    child_setup()  (in order; step
 *                                              10's first: root of its namespace)
 *     after_clone() of overlapping stages,
 *       a "ready" byte after each ─────────▶   (waits for it before that
 *                                              stage's child_setup())
 *                                              stdio: -t's pseudo-terminal, or
 *                                              a detached container's log pipe
 *     the command runs (EOF on the sync   ◀──  execve(command)
 *       socket): its PID into the record
 *     the monitor (monitor.c): wait, forward
 *       signals, relay the terminal or keep
 *       the log; record the exit status
 *     cleanup()        (reverse order, always)
 *     the state: removed, or kept for ps -a
 *       and logs (a detached container)
 *
 * byoc run -d forks the monitor first (byoc_monitor_detach()): it runs all of
 * the above in a session of its own, and the command that started it returns
 * once the command runs.
 *
 * Stages that a container goes without (.wanted) are left out before
 * anything runs; a rootless runtime runs only the child_setup() of a stage
 * that needs root (.root_only).
 *
 * A failure in the child before execve travels back to the parent over the
 * sync socket, with the stage's name, and the parent reports it. */
#pragma once

#include "stage.h"

/* Make sure fds 0, 1 and 2 are open (on /dev/null where closed), so that no
 * fd the runtime opens later lands on one of them. Call it first. */
int byoc_stdio_ensure(struct byoc_error *err);

/* Fill `c` for a new container: a fresh random id. */
int byoc_container_init(struct byoc_container *c, const struct byoc_options *opts,
			struct byoc_error *err);

/* Run the container to the end. First, before any stage runs, the stage list
 * is checked against its needs (byoc_stages_select()). On success returns 0 and sets *status to the
 * command's exit status (128+N if a signal N killed it). On failure returns
 * < 0 with `err` filled: err->status is 125 (the runtime or a stage failed;
 * err->stage names it), 126 (the command cannot be run) or 127 (not found). */
int byoc_container_run(struct byoc_container *c, const struct byoc_stage_list *list, int *status,
		       struct byoc_error *err);
