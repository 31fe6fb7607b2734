/* What the lab's probes (door, sysprobe) share: one line of output, whose
 * first word and exit status say whether the kernel let the probe through. */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { OPEN = 0, HELD = 1, ERROR = 2, USAGE = -1 };

/* The one line of output, and the exit status that goes with it. Flushed at
 * once: a probe may fork, or be killed, right after. */
__attribute__((format(printf, 2, 3))) static inline int report(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return status;
}

/* "EPERM" for EPERM; strerrorname_np() is glibc 2.32's, see strerror(3). */
static inline const char *errno_name(int err)
{
	static char buf[16];
	const char *name = NULL;

#ifdef __GLIBC_PREREQ
#if __GLIBC_PREREQ(2, 32)
	name = strerrorname_np(err);
#endif
#endif
	if (name)
		return name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}
