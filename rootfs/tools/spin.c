/* spin: keep one CPU busy for a number of seconds of wall time, for step 04's
 * lesson on cpu.max; then say how much CPU time it got.
 *
 * Usage: spin [SECONDS]   (default 1) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 1.0, end = now() + seconds;
	volatile unsigned long n = 0;
	struct rusage ru;

	while (now() < end)
		n++;
	getrusage(RUSAGE_SELF, &ru);
	printf("spin: %.2f s of wall time, %.2f s of CPU time\n", seconds,
	       ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return 0;
}
