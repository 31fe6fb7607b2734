/* What `make clean-host` and `byoc gc` print around byoc_state_gc(). */
#include "gc.h"

#include <stdio.h>

#include "state.h"

static void print_removed(const char *kind, const char *path, void *arg)
{
	(*(int *)arg)++;
	printf("removed %s %s\n", kind, path);
}

int byoc_gc_main(const char *prog)
{
	struct byoc_error err = { 0 };
	struct byoc_state st;
	int n = 0;

	byoc_state_defaults(&st);
	if (byoc_state_gc(st.root, print_removed, &n, &err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.msg);
		return 1;
	}
	if (n == 0)
		printf("%s: nothing to remove: no container of the lab has lost its runtime\n",
		       prog);
	return 0;
}
