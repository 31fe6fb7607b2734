/* Errors: the library never prints and never exits. A failing function fills
 * a struct byoc_error and returns a negative errno; only a main() turns that
 * into a message and an exit status. */
#pragma once

#include <stddef.h>

/* Exit statuses, as docker run uses them. */
enum {
	BYOC_EXIT_RUNTIME = 125,    /* the runtime itself failed */
	BYOC_EXIT_CANNOT_RUN = 126, /* the command exists but cannot be run */
	BYOC_EXIT_NOT_FOUND = 127,  /* the command does not exist */
};

struct byoc_error {
	int status;	/* exit status for a main(): 125, 126 or 127 */
	int errnum;	/* errno of the failing call, 0 when there was none */
	char stage[32]; /* the stage that failed, filled in by the lifecycle */
	char msg[512];
};

/* A failed system call: "what: ENAME (description): hint". The hint comes from
 * byoc_explain() for the call named at the start of `what` ("chroot(...)").
 * Returns -errnum (or -EIO if errnum is 0). */
int byoc_error_sys(struct byoc_error *err, int errnum, const char *what_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Any other failure, with the exit status it should lead to. Returns -EINVAL. */
int byoc_error_set(struct byoc_error *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A hint for `call` failing with `errnum`, or NULL when there is nothing
 * better to say than strerror(). `call` is the bare name: "pivot_root". */
const char *byoc_explain(const char *call, int errnum);

/* "ENOENT", or "E123" for a number glibc does not name. */
const char *byoc_errno_name(int errnum, char *buf, size_t len);
