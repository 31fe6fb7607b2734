#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

/* Digits only: strtoull() would also take "-5" (as a huge number), leading
 * blanks and "0x", which are all typos here. */
static int parse_digits(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*end = s;
	*out = v;
	return 0;
}

static int shift_for_suffix(const char *suffix)
{
	static const char units[] = "kmgt";
	const char *u;

	if (*suffix == '\0')
		return 0;
	u = strchr(units, tolower((unsigned char)*suffix));
	if (!u)
		return -1;
	suffix++;
	if (*suffix == '\0' || strcmp(suffix, "B") == 0 || strcmp(suffix, "iB") == 0)
		return (int)(u - units + 1) * 10;
	return -1;
}

int byoc_parse_size(const char *s, uint64_t *out, struct byoc_error *err)
{
	const char *form =
		"a whole number of bytes with an optional suffix k, M, G or T, such as 64M";
	const char *end;
	uint64_t v;
	int r, shift;

	if (!s || *s == '\0')
		return byoc_error_set(err, BYOC_EXIT_RUNTIME, "empty size: use %s", form);
	r = parse_digits(s, &end, &v);
	if (r == -ERANGE)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "size '%s' is too large: use at most 8388607T", s);
	if (r < 0)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME, "invalid size '%s': use %s", s, form);
	shift = shift_for_suffix(end);
	if (shift < 0)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME, "invalid size '%s': use %s", s, form);
	if (v == 0)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME, "size '%s' is zero: use %s", s, form);
	if (v > (UINT64_MAX >> 1) >> shift)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "size '%s' is too large: use at most 8388607T", s);
	*out = v << shift;
	return 0;
}

int byoc_parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		     struct byoc_error *err)
{
	const char *end;
	uint64_t v;
	int r;

	r = (s && *s) ? parse_digits(s, &end, &v) : -EINVAL;
	if (r == 0 && *end != '\0')
		r = -EINVAL;
	if (r == 0 && (v < min || v > max))
		r = -ERANGE;
	if (r < 0)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "invalid number '%s': use a whole number from %llu to %llu",
				      s ? s : "", (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int byoc_parse_cpus(const char *s, uint64_t max_cpus, uint64_t *out, struct byoc_error *err)
{
	const char *end;
	uint64_t whole, micro = 0, scale = 100000;
	int r = (s && *s) ? parse_digits(s, &end, &whole) : -EINVAL;

	if (r == 0 && *end == '.') {
		if (!isdigit((unsigned char)end[1]))
			r = -EINVAL;
		for (end++; r == 0 && isdigit((unsigned char)*end); end++, scale /= 10) {
			if (scale == 0) {
				r = -EINVAL; /* more than 6 decimals */
				break;
			}
			micro += (uint64_t)(*end - '0') * scale;
		}
	}
	if (r == 0 && *end != '\0')
		r = -EINVAL;
	if (r == 0 && (whole > max_cpus || whole * 1000000 + micro > max_cpus * 1000000 ||
		       whole * 1000000 + micro < 10000))
		r = -ERANGE;
	if (r < 0)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "invalid number of CPUs '%s': use a decimal number from 0.01 "
				      "to %llu (this machine's CPUs), such as 0.5",
				      s ? s : "", (unsigned long long)max_cpus);
	*out = whole * 1000000 + micro;
	return 0;
}
