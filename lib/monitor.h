/* The monitor: the runtime's side while the command runs, as conmon and
 * containerd-shim are docker's and podman's. It reaps the container's PID 1
 * and turns its end into an exit status, passes signals on, relays a -t
 * terminal, and for a detached container (byoc run -d) keeps the command's
 * output in <state>/log and its exit in the record, in a process of its own
 * that outlives the command that started it. */
#pragma once

#include "run.h"
#include "stage.h"

/* A detached container's log grows to this many bytes, then becomes log.1
 * (the one before goes) and a new log starts. */
#define BYOC_LOG_MAX (1 << 20)

/* byoc run -d: fork the monitor. In the process that called it, returns 1
 * once the command runs (0 is never returned there), or < 0 with `err`
 * filled: the container's own failure, or the monitor's death. In the
 * monitor (a new session, its stdin /dev/null), returns 0 with c->ready_fd
 * set: it goes on to byoc_container_run(), which reports on it. */
int byoc_monitor_detach(struct byoc_container *c, struct byoc_error *err);

/* Tell the waiting `byoc run -d` that the command runs (err NULL) or why it
 * does not, then point the monitor's own stdio at /dev/null: nothing holds
 * the caller's terminal or pipes. Once only. */
void byoc_monitor_report(struct byoc_container *c, const struct byoc_error *err);

/* Detached: open <state>/log and the pipe the command writes into; the
 * command's stdin is /dev/null. Returns 0 or < 0 with `err` filled. */
int byoc_monitor_open_log(struct byoc_container *c, struct byoc_error *err);

/* Wait for the command to end, forwarding signals, relaying the terminal or
 * the log; *status as docker's (128+N for signal N). For a detached
 * container, writes its exit into the record. Returns 0, or < 0 with `err`
 * filled (the command is then killed and reaped). */
int byoc_monitor_wait(struct byoc_run *run, int *status, struct byoc_error *err);

/* Close what the monitor holds (the log, the terminal's master). */
void byoc_monitor_close(struct byoc_container *c);
