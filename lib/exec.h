/* Why execve() of the container's command failed, in words that point at
 * the real cause. */
#pragma once

#include "error.h"

/* Fill `err` for execve(`cmd`) having failed with `errnum`, after a PATH
 * search like execvp(3)'s. ENOENT is looked into: the file itself may exist
 * while its '#!' interpreter or its dynamic loader does not. The status is 127
 * for ENOENT and ENOTDIR (not found), 126 otherwise (cannot run). */
int byoc_exec_error(const char *cmd, int errnum, struct byoc_error *err);
