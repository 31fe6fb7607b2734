/* forkbomb: every process forks as fast as it can, for step 04's lesson on
 * pids.max. A counter shared by the whole tree stops it at a bound (default
 * 64 processes), so that it is harmless even without a limit.
 *
 * When fork() fails, a process stops and waits to be killed; the first one
 * reports how far the tree got, then exits. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long bound = argc > 1 ? atol(argv[1]) : 64;
	atomic_long *made = mmap(NULL, sizeof(*made), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t first = getpid();
	int refused = 0, error = 0;

	if (made == MAP_FAILED)
		return 2;
	atomic_store(made, 1);
	for (;;) {
		if (atomic_fetch_add(made, 1) >= bound) {
			atomic_fetch_sub(made, 1);
			break;
		}
		pid_t pid = fork();
		if (pid == 0)
			continue; /* the child forks too */
		if (pid > 0)
			continue;
		atomic_fetch_sub(made, 1);
		error = errno;
		/* The first process retries a few times: others may still fork. */
		if (getpid() != first || ++refused == 20)
			break;
	}
	if (getpid() != first)
		for (;;)
			pause();
	/* How many there were is the cgroup's to say (pids.peak): the counter is
	 * only a bound, and forks in flight blur it. */
	if (refused)
		printf("forkbomb: fork() refused: %s\n", strerror(error));
	else
		printf("forkbomb: stopped at its own bound of %ld processes\n", bound);
	return 0;
}
