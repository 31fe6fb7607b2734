/* Verbose logging (-v): one line per stage and per system call. The library
 * writes nothing until a main() turns logging on. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "error.h"

/* Turn logging on, to `f`, with lines prefixed by "byoc[<who>]". */
void byoc_log_enable(FILE *f);
bool byoc_log_enabled(void);
/* Which side is speaking: "parent" or "child". */
void byoc_log_set_role(const char *role);
void byoc_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run a system call, log it with -v, and on failure fill `err` with the call,
 * its errno and a hint. Evaluates to the call's result (>= 0) or -errno:
 *
 *	if (BYOC_SYS(err, chroot(dir), "chroot(%s)", dir) < 0)
 *		return -1;
 */
#define BYOC_SYS(err, call, ...)                                                                   \
	({                                                                                         \
		byoc_log(__VA_ARGS__);                                                             \
		long byoc_ret_ = (long)(call);                                                     \
		int byoc_errno_ = errno;                                                           \
		byoc_ret_ < 0 ? byoc_error_sys((err), byoc_errno_, __VA_ARGS__) : (int)byoc_ret_;  \
	})

/* BYOC_SYS for libseccomp's calls, which return -errno and leave errno as it
 * was (see seccomp_rule_add(3)). */
#define BYOC_SCMP(err, call, ...)                                                                  \
	({                                                                                         \
		byoc_log(__VA_ARGS__);                                                             \
		int byoc_ret_ = (call);                                                            \
		byoc_ret_ < 0 ? byoc_error_sys((err), -byoc_ret_, __VA_ARGS__) : byoc_ret_;        \
	})
