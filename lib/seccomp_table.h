/* Step 09's allow list: the system calls of Docker's default seccomp profile,
 * in families, each with the capability that unlocks it. */
#pragma once

/* A family of system calls: a container keeps it when it keeps `cap` (a
 * CAP_* number), or always for BYOC_SECCOMP_ANY. */
#define BYOC_SECCOMP_ANY (-1)

struct byoc_seccomp_family {
	const char *what;	  /* "files and directories" */
	int cap;		  /* CAP_SYS_ADMIN, or BYOC_SECCOMP_ANY */
	const char *const *names; /* NULL-terminated */
};

/* Ends with an entry whose `what` is NULL. A name that this machine's
 * libseccomp does not know (a call newer than the library) is skipped; one
 * that exists only on other architectures (chown32) is taken for those. */
extern const struct byoc_seccomp_family byoc_seccomp_families[];
