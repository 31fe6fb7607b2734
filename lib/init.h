/* --init: a minimal PID 1 for the container's PID namespace.
 *
 * PID 1 must show nothing of the host (see steps/02-pid-ns/README.md, "PID 1
 * and the host's binary"): not the runtime's environment or command line in
 * /proc/1/environ and /proc/1/cmdline, and no path to the runtime's binary in
 * /proc/1/exe (runc's CVE-2019-5736 overwrote the host's runc through it). So
 * PID 1 does not stay a fork of the runtime: it execs steps/init.c, a small
 * static program built into the runtime, from a sealed memfd. */
#pragma once

#include <signal.h>
#include <sys/types.h>

#include "error.h"

/* The signals the runtime, and then the init, pass on to the command. */
#define BYOC_FORWARDED_SIGNALS SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH

/* A sealed, close-on-exec memfd holding the init program: nothing can write
 * to it, and it belongs to no file system the container can reach. Returns
 * the fd, or < 0 with `err` filled. */
int byoc_init_load(struct byoc_error *err);

/* Replace this process (PID 1, with SIGCHLD and the forwarded signals
 * blocked) by the init loaded in `fd`, which waits for `command`, passes
 * signals on to it, reaps orphans and exits with its status. `envp` becomes
 * PID 1's whole environment. Returns only on failure, with `err` filled. */
int byoc_init_exec(int fd, pid_t command, char *const envp[], struct byoc_error *err);

/* byoc exec: replace this process, inside the container, by the init loaded
 * in `fd` in its exec mode, which execs argv[0] (searched in envp's PATH). If
 * that fails, the init writes the errno (an int) to `report_fd`, which must
 * not be close-on-exec. Returns only on failure, with `err` filled. */
int byoc_init_exec_command(int fd, int report_fd, char *const argv[], char *const envp[],
			   struct byoc_error *err);
