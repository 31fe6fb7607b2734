/* Prints the host state that the lab may change (see leaks.h), so that a
 * whole `make check` run can be compared before and after. With --settle, a
 * snapshot taken before comes on standard input: the links it lacks are
 * given 3 s to go (the kernel removes a veth pair a moment after its
 * namespace ends). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leaks.h"

int main(int argc, char **argv)
{
	char *s;

	if (argc > 1 && strcmp(argv[1], "--settle") == 0) {
		char *before = NULL;
		size_t cap = 0;
		ssize_t len = getdelim(&before, &cap, '\0', stdin);
		if (len < 0) {
			free(before);
			before = strdup("");
		}
		s = h_leak_snapshot_settled(before);
		free(before);
	} else {
		s = h_leak_snapshot();
	}
	puts(s);
	free(s);
	return 0;
}
