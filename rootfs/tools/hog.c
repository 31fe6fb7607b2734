/* hog: use memory until the kernel says no, for step 04's lesson. It
 * allocates 1 MiB at a time and writes to every page, so the memory is really
 * charged to its cgroup. Past memory.max (v2) or memory.limit_in_bytes (v1)
 * the cgroup's OOM killer sends it SIGKILL.
 *
 * Usage: hog [MIB]   stop by itself after MIB mebibytes (default 256) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	long limit = argc > 1 ? atol(argv[1]) : 256;

	for (long mib = 1; mib <= limit; mib++) {
		char *p = malloc(1 << 20);
		if (!p) {
			printf("hog: malloc failed after %ld MiB\n", mib - 1);
			return 1;
		}
		memset(p, 0xa5, 1 << 20);
	}
	printf("hog: used %ld MiB and was not stopped\n", limit);
	return 0;
}
