/* A container's record: what its state directory says about it, for byoc
 * ps, inspect, logs, exec, stop and rm. The lifecycle writes it; a detached
 * container's stays after it exits, until byoc rm.
 *   config       written once its command runs: one "KEY VALUE" a line
 *                (created, detached, tty, memory, pids, cpus, net,
 *                hostname, workdir, userns, init, one "arg" line per word of
 *                the command, one "env" line per -e), and "pid PID START
 *                MONITOR": its PID 1 as the host numbers it, that process's
 *                start time (/proc/PID/stat, field 22: a PID the kernel gave
 *                to another process since does not match) and the monitor's
 *                PID; last, if it has one, "seccomp HEX": the instructions of
 *                its seccomp filter, for byoc exec to load the same
 *   exit         "STATUS FINISHED REASON": how and when it ended
 *   log, log.1   a detached container's output (lib/monitor.h) */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/filter.h>

#include "error.h"
#include "options.h"
#include "state.h"

/* The files a kept record keeps; "exit" first, its mark (struct
 * byoc_reclaimer). */
extern const char *const byoc_record_kept[];

/* The record's text is at most this long; a longer command line is cut. */
#define BYOC_RECORD_TEXT_MAX 8192

/* The command of a container started with `o` runs as `pid` (which started
 * at `start`, byoc_record_start_time()), under the filter `seccomp` (NULL or
 * .len 0: none): write its config. Errors are
 * logged, not returned: the record is for the commands that look at the
 * container, not for the container. */
void byoc_record_write(const struct byoc_state *st, const struct byoc_options *o, pid_t pid,
		       unsigned long long start, const struct sock_fprog *seccomp);
/* How and when it ended; `reason` may be "". In the directory `dirfd`. */
int byoc_record_write_exit_at(int dirfd, int status, long long finished_ns, const char *reason);
int byoc_record_write_exit(const struct byoc_state *st, int status, long long finished_ns,
			   const char *reason);

struct byoc_record {
	char id[13];
	char name[80];	/* "" when it has none */
	char dir[4200]; /* its state directory */
	bool running;	/* its journal's lock is held: its runtime lives */
	bool started;	/* its command ran (a PID is recorded) */
	bool exited;	/* an exit is recorded */
	bool detached, tty, userns, init;
	bool oci;	   /* made by byoc create from an OCI bundle */
	bool hooks;	   /* its bundle has poststart or poststop hooks */
	char bundle[4096]; /* that bundle */
	long long created_ns, finished_ns;
	pid_t pid, monitor;
	unsigned long long start_time;
	int exit_status;
	char reason[128];
	uint64_t memory, pids, cpus;
	char net[8];
	char hostname[72];
	char workdir[256];
	char command[512];		   /* the words of the command, joined by spaces */
	char config[BYOC_RECORD_TEXT_MAX]; /* the config's text, as written */
};

/* Read the record of container `id` under `root`. Returns 0, or -errno
 * (-ENOENT: no such container). */
int byoc_record_load(const char *root, const char *id, struct byoc_record *r);

/* Whether r->pid is still the container's PID 1 (its start time matches). */
bool byoc_record_pid_alive(const struct byoc_record *r);

/* The next "arg" of r->config after *cursor (start with NULL), unescaped
 * into `out`. Returns false after the last. */
bool byoc_record_next(const struct byoc_record *r, const char *key, const char **cursor, char *out,
		      size_t len);

/* The ids of every container under `root` (at most `max`), newest first.
 * Returns how many, or -errno. */
int byoc_record_list(const char *root, char (*ids)[13], size_t max);

/* Which container `ref` names under `root`, as docker resolves it: a whole
 * id, a name, or a prefix of exactly one id. Returns 0 with `id` filled, or
 * < 0 with `err` filled (status 125): no such container, or an ambiguous
 * prefix. */
int byoc_record_find(const char *root, const char *ref, char id[13], struct byoc_error *err);

/* The container named exactly `name` under `root` (byoc create's ids are
 * names): 0 with `id` filled, or -ENOENT. */
int byoc_record_find_name(const char *root, const char *name, char id[13]);

/* The seccomp filter of the container whose state directory is `dir`: 1
 * with *prog filled (the caller frees prog->filter), 0 when it has none, or
 * -errno. */
int byoc_record_seccomp(const char *dir, struct sock_fprog *prog);

/* Its PID 1 and that process's start time, from the directory `dirfd`.
 * Returns whether they were recorded. */
bool byoc_record_pid_at(int dirfd, pid_t *pid, unsigned long long *start);

/* The start time of process `pid` (/proc/PID/stat, field 22), 0 if none. */
unsigned long long byoc_record_start_time(pid_t pid);
