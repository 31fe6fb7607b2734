/* Prints the host state that the lab may change (see leaks.h), so that a
 * whole `make check` run can be compared before and after. */
#include <stdio.h>
#include <stdlib.h>

#include "leaks.h"

int main(void)
{
	char *s = h_leak_snapshot();

	puts(s);
	free(s);
	return 0;
}
