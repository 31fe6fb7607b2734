/* Step 09's filter, made once: libseccomp takes milliseconds to turn Docker's
 * list into BPF, the kernel microseconds to load it. As crun does, the
 * runtime keeps what it made under <state root>/.cache/seccomp/, one file of
 * BPF instructions per key, and loads that on the next run. */
#pragma once

#include <linux/filter.h>
#include <stdint.h>

#include "error.h"
#include "options.h"

/* What the filter depends on: this runtime's binary (a rebuilt one makes its
 * own), the kernel and libseccomp, the capabilities kept, the option that
 * chose the filter, and for seccomp=FILE that file as it is now. Returns 0 with *key set, or 1 when
 * there is no key (the binary or the profile cannot be seen: the filter is
 * made, and a missing profile reported, as without a cache). */
int byoc_seccomp_cache_key(const struct byoc_options *o, uint64_t caps, uint64_t *key);

/* A whole file of BPF instructions, read from the start of `fd`: 0 with
 * *prog filled (the caller frees prog->filter), -EINVAL when it is no such
 * file (empty, not whole instructions, over BPF_MAXINSNS), or -errno. */
int byoc_seccomp_bpf_read(int fd, struct sock_fprog *prog);

/* The filter of `key` from the cache of the state root `root`: 1 with
 * *prog filled (the caller frees prog->filter), 0 when there is none
 * usable, < 0 with `err` filled when the cache itself is not to be trusted. */
int byoc_seccomp_cache_get(const char *root, uint64_t key, struct sock_fprog *prog,
			   struct byoc_error *err);

/* Keep `prog` as the filter of `key`. A cache that cannot be written costs
 * the next run time, nothing else: returns 0, or < 0 with `err` filled for
 * the caller to log. */
int byoc_seccomp_cache_put(const char *root, uint64_t key, const struct sock_fprog *prog,
			   struct byoc_error *err);
