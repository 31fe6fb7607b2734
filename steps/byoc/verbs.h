/* byoc's verbs beside run: the commands that look at and act on containers
 * that another byoc command started (a detached one, or one in the
 * foreground of another terminal). Each returns its exit status: 0, the
 * command's own (exec), or 125 with one line on stderr. */
#pragma once

int byoc_ps_main(int argc, char **argv);
int byoc_logs_main(int argc, char **argv);
int byoc_exec_main(int argc, char **argv);
int byoc_stop_main(int argc, char **argv);
int byoc_kill_main(int argc, char **argv);
int byoc_rm_main(int argc, char **argv);
int byoc_inspect_main(int argc, char **argv);
int byoc_gc_main(int argc, char **argv);
