/* make bench's OCI cycle: what an engine asks of a runtime for one container,
 * as containerd's shim and podman's conmon ask it. A subreaper, it runs
 *   RUNTIME --root STATE create --bundle BUNDLE --pid-file FILE ID
 *   RUNTIME --root STATE start ID
 * then reaps the container's PID 1 (adopted when create exited), and runs
 *   RUNTIME --root STATE delete ID
 * exiting 0 when each step did and the container's command exited 0. The
 * same driver for byoc, crun and runc: their times differ by the runtime
 * alone.
 * Usage: cycle RUNTIME STATE BUNDLE ID
 * CYCLE_TIMES=1 in the environment prints each command's time on stderr. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Run argv to its end; its exit status, or -1. Stray children (the
 * container's PID 1, once adopted) reaped on the way are left alone. */
static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int run(char *const argv[], pid_t *adopted, int *adopted_status)
{
	pid_t pid, got;
	int ws;
	double t0 = now_ms();

	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return -1;
	while ((got = waitpid(-1, &ws, 0)) != pid) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (adopted && got == *adopted)
			*adopted_status = ws, *adopted = 0;
	}
	if (getenv("CYCLE_TIMES"))
		fprintf(stderr, "cycle: %s %s: %.2f ms\n", argv[0], argv[3], now_ms() - t0);
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

int main(int argc, char **argv)
{
	char pidfile[4200], text[32];
	int fd, ws = 0, status = -1;
	ssize_t n;
	pid_t init;

	if (argc != 5) {
		fprintf(stderr, "usage: cycle RUNTIME STATE BUNDLE ID\n");
		return 2;
	}
	char *rt = argv[1], *state = argv[2], *bundle = argv[3], *id = argv[4];
	snprintf(pidfile, sizeof(pidfile), "%s/%s.pid", state, id);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	char *create[] = { rt, "--root", state, "create", "--bundle", bundle, "--pid-file", pidfile,
			   id, NULL };
	char *start[] = { rt, "--root", state, "start", id, NULL };
	char *delete[] = { rt, "--root", state, "delete", "--force", id, NULL };
	if (run(create, NULL, NULL) != 0) {
		fprintf(stderr, "cycle: %s create failed\n", rt);
		run(delete, NULL, NULL);
		return 1;
	}
	fd = open(pidfile, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
	if (fd >= 0)
		close(fd);
	unlink(pidfile);
	init = n > 0 ? (text[n] = '\0', (pid_t)atoi(text)) : 0;
	if (init <= 0 || run(start, &init, &status) != 0) {
		fprintf(stderr, "cycle: %s start failed\n", rt);
		run(delete, NULL, NULL);
		return 1;
	}
	/* Its PID 1 is ours since create exited: wait for the command. */
	if (init > 0) {
		while (waitpid(init, &ws, 0) < 0 && errno == EINTR)
			;
		status = ws;
	}
	if (run(delete, NULL, NULL) != 0) {
		fprintf(stderr, "cycle: %s delete failed\n", rt);
		return 1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
