/* Docker-format seccomp profiles (the JSON of Docker's
 * profiles/seccomp/default.json) turned into a libseccomp filter, for
 * --security-opt seccomp=FILE. The entries are chosen as Docker chooses them
 * (moby's profiles/seccomp/seccomp_linux.go) and the rules added as runc adds
 * them. */
#pragma once

#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Build a libseccomp filter from the Docker-format profile at `path`. `caps`: the
 * capabilities the container keeps, bit N for capability N. On success returns 0 and
 * *ctx is the caller's (seccomp_release()). On failure returns < 0 with err->status 125
 * and a one-line message, *ctx NULL. */
int byoc_seccomp_profile_load(const char *path, uint64_t caps, scmp_filter_ctx *ctx,
			      struct byoc_error *err);

/* The same from a buffer; `name` stands for the file in messages. */
int byoc_seccomp_profile_parse(const char *json, size_t len, const char *name, uint64_t caps,
			       scmp_filter_ctx *ctx, struct byoc_error *err);
