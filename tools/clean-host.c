/* make clean-host: remove what dead runtimes left behind (their cgroups, the
 * host ends of their veth pairs in this network namespace, and their state
 * directories, see lib/state.h) and list it. Containers whose runtime is
 * alive are left alone. The same clean-up runs at every container's start,
 * and `byoc gc` runs this very code (tools/gc.c). */
#include "gc.h"

int main(void)
{
	return byoc_gc_main("clean-host");
}
