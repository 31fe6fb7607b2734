/* make clean-host: remove what dead runtimes left behind (their cgroups, the
 * host ends of their veth pairs in this network namespace, and their state
 * directories, see lib/state.h) and list it. Containers whose runtime is
 * alive are left alone. The same clean-up runs at every container's start. */
#include <stdio.h>

#include "state.h"

static void print_removed(const char *kind, const char *path, void *arg)
{
	(*(int *)arg)++;
	printf("removed %s %s\n", kind, path);
}

int main(void)
{
	struct byoc_error err = { 0 };
	struct byoc_state st;
	int n = 0;

	byoc_state_defaults(&st);
	if (byoc_state_gc(st.root, print_removed, &n, &err) < 0) {
		fprintf(stderr, "clean-host: %s\n", err.msg);
		return 1;
	}
	if (n == 0)
		printf("clean-host: nothing to remove: no container of the lab has lost its "
		       "runtime\n");
	return 0;
}
