/* byoc exec: a new process in a running container, as docker exec starts
 * one. It joins the container's cgroups and each of its namespaces (setns(2),
 * the user namespace first), takes its root, root's IDs inside, the same
 * capabilities, no_new_privs and seccomp filter as its PID 1, and that
 * process's environment, then runs the command with the exit status as
 * docker exec's.
 *
 * The process that enters is a copy of the runtime, and the runtime's binary
 * must never be reachable from inside (runc's CVE-2019-5736: a container
 * wrote into the host's runc through /proc/PID/exe): it is not dumpable
 * while it is one, and it replaces itself with the sealed init (lib/init.h)
 * before the command, so that even a command whose '#!' names /proc/self/exe
 * finds only that copy. Every fd above 2 is close-on-exec before the first
 * setns(), and the working directory is checked to be inside the container's
 * root after chdir() (runc's CVE-2024-21626). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct byoc_enter {
	pid_t pid;		       /* the container's PID 1, as the host numbers it */
	unsigned long long start_time; /* its start time (lib/record.h) */
	const char *state_dir;	       /* its state directory: cgroups, seccomp filter */
	const char *id;		       /* its id: which cgroups are its own */
	char **argv;		       /* the command */
	const char *const *env;	       /* -e KEY=VALUE, added to PID 1's environment */
	size_t n_env;
	const char *workdir; /* NULL: / */
	bool tty;	     /* -t: a pseudo-terminal of the container's devpts */
	bool interactive;    /* -i: the caller's stdin reaches the command */
	/* A lock to release (close) once the command runs, or -1. */
	int unlock_fd;
	/* byoc exec --process (an OCI process): `env` is the whole
	 * environment, not added to PID 1's; the command runs as uid and gid
	 * with those supplementary groups; with has_caps, only the
	 * capabilities of `caps` among PID 1's; no_new_privs also when PID 1
	 * runs without it. */
	bool env_exact;
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t n_groups;
	bool has_caps;
	uint64_t caps;
	bool no_new_privs;
	/* Return once the command runs, its PID (as the host numbers it) in
	 * *command_pid: it is left to the caller's subreaper (OCI exec
	 * --detach). */
	bool detach;
	pid_t *command_pid;
	/* With tty and detach: the terminal's master, for the caller (the
	 * engine's console socket); -1 without. */
	int *tty_master;
};

/* Run e->argv in the container and wait for it. Returns 0 with *status the
 * command's (128+N for signal N), or < 0 with `err` filled: status 125 (the
 * container is gone, or entering it failed), 126 or 127 (the command cannot
 * be run, or was not found). */
int byoc_enter(const struct byoc_enter *e, int *status, struct byoc_error *err);
