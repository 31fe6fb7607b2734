/* Scope-bound cleanup: a variable declared with one of these attributes is
 * released when it goes out of scope, on every return path. Hand ownership on
 * with byoc_steal_ptr() or byoc_steal_fd(). */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void byoc_freep(void *p)
{
	free(*(void **)p);
}

/* close() must not clobber the errno that the caller is about to report. */
static inline void byoc_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void byoc_fclosep(FILE **f)
{
	if (*f) {
		int saved = errno;
		fclose(*f);
		errno = saved;
	}
}

static inline void byoc_closedirp(DIR **d)
{
	if (*d) {
		int saved = errno;
		closedir(*d);
		errno = saved;
	}
}

#define _cleanup_free_	   __attribute__((cleanup(byoc_freep)))
#define _cleanup_close_	   __attribute__((cleanup(byoc_closep)))
#define _cleanup_fclose_   __attribute__((cleanup(byoc_fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(byoc_closedirp)))

static inline void *byoc_steal_ptr(void *pp)
{
	void **p = pp;
	void *v = *p;
	*p = NULL;
	return v;
}

static inline int byoc_steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}
