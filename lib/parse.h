/* Parsing of option values. Each parser accepts one exact form and explains
 * the form in its error message. */
#pragma once

#include <stdint.h>

#include "error.h"

/* A size in bytes: a whole number with an optional binary suffix k, M, G or T
 * (upper or lower case, optionally followed by "B" or "iB"): "64M", "1G",
 * "512k", "4096". Zero, negative numbers, fractions, junk and sizes beyond
 * 2^63-1 bytes are refused. */
int byoc_parse_size(const char *s, uint64_t *out, struct byoc_error *err);

/* A whole number in [min, max]. */
int byoc_parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		     struct byoc_error *err);

/* A number of CPUs with up to 6 decimals ("0.5", "2", "1.25"), from 0.01 to
 * max_cpus; *out is in millionths of a CPU. Exponents ("1e9"), signs and
 * junk are refused. */
int byoc_parse_cpus(const char *s, uint64_t max_cpus, uint64_t *out, struct byoc_error *err);
