/* mkmsgq: create a System V message queue, for step 02's lesson on IPC
 * namespaces (busybox has no ipcmk). The queue lives in the IPC namespace of
 * the caller and disappears with it; see ipc_namespaces(7).
 *
 * Usage: mkmsgq KEY    (KEY a positive decimal number) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

int main(int argc, char **argv)
{
	char *end;
	long key = argc == 2 ? strtol(argv[1], &end, 10) : 0;
	int id;

	if (argc != 2 || *end != '\0' || key <= 0) {
		fprintf(stderr, "usage: mkmsgq KEY (a positive decimal number)\n");
		return 2;
	}
	id = msgget((key_t)key, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0) {
		fprintf(stderr, "mkmsgq: msgget(%ld): %s\n", key, strerror(errno));
		return 1;
	}
	printf("message queue: key %ld, id %d\n", key, id);
	return 0;
}
