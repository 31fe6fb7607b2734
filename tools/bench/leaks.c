/* make bench's leak check: what the lab's leak snapshot (tests/leaks.c)
 * shows before the first run and after the last must be the same. A veth's
 * host end is given 3 s: the kernel removes it a moment after the
 * container's network namespace ends. */
#include <stdlib.h>

#include "bench.h"
#include "cleanup.h"
#include "leaks.h"

void bench_check_leaks(struct bench *b, const char *before)
{
	_cleanup_free_ char *after = h_leak_snapshot_settled(before);

	b->leak_checked = true;
	b->leaks = h_leak_diff(before, after);
}
