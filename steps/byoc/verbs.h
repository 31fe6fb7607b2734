/* byoc's verbs beside run: the commands that look at and act on containers
 * that another byoc command started (a detached one, or one in the
 * foreground of another terminal). Each returns its exit status: 0, the
 * command's own (exec), or 125 with one line on stderr. */
#pragma once

#include <stdbool.h>

int byoc_ps_main(int argc, char **argv);
int byoc_logs_main(int argc, char **argv);
int byoc_exec_main(int argc, char **argv);
int byoc_stop_main(int argc, char **argv);
int byoc_kill_main(int argc, char **argv);
int byoc_rm_main(int argc, char **argv);
int byoc_inspect_main(int argc, char **argv);
int byoc_gc_main(int argc, char **argv);

/* A signal's number from a name (TERM, SIGTERM) or a number; -1 if none. */
int byoc_signal_number(const char *s);

/* The OCI runtime command line (oci.c). byoc_oci_globals() takes --root,
 * --log, --log-format and --systemd-cgroup off the front of argv, leaving
 * argv[1] the verb; returns 0 or 1 after a message. */
int byoc_oci_globals(int *argc, char ***argv);
bool byoc_oci_globals_given(void);
/* Run OCI verb `verb` (create, start, state, delete, list, features), or
 * return -1 when it is not one. */
int byoc_oci_main(const char *verb, int argc, char **argv);
/* kill ID [SIGNAL] [--all], runc's form of kill. */
int byoc_oci_kill_main(int argc, char **argv);
/* exec --process FILE [--detach] [--pid-file FILE] ID, runc's form. */
int byoc_oci_exec_main(int argc, char **argv);
int byoc_oci_fail_unknown(const char *verb);
