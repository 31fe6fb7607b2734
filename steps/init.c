/* The container's PID 1 with --init: a small static program that the runtime
 * carries inside itself and runs from a sealed memfd (lib/init.h says why).
 *
 * Usage: init COMMAND_PID. It starts with SIGCHLD and the forwarded signals
 * blocked, and the command already running as its child. It passes those
 * signals on to the command, reaps every process that exits (orphans are
 * reparented to PID 1), and exits with the command's status once it has
 * exited; the kernel then kills whatever is left in the namespace.
 *
 * Usage: init --exec FD COMMAND [ARG...]. byoc exec's way into a running
 * container: the process that entered it execs this sealed copy first, so
 * that nothing inside ever finds the runtime's binary behind /proc/PID/exe,
 * and this execs the command. If that fails, the errno goes to FD (an int)
 * for byoc exec to explain; FD closes when the command runs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "init.h"

static int exec_command(int argc, char **argv)
{
	int fd = atoi(argv[2]), e;

	if (argc < 4 || fd < 3 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return BYOC_EXIT_RUNTIME;
	execvp(argv[3], argv + 3);
	e = errno;
	if (write(fd, &e, sizeof(e)) != sizeof(e))
		return BYOC_EXIT_RUNTIME;
	return e == ENOENT || e == ENOTDIR ? BYOC_EXIT_NOT_FOUND : BYOC_EXIT_CANNOT_RUN;
}

int main(int argc, char **argv)
{
	static const int forwarded[] = { BYOC_FORWARDED_SIGNALS };
	pid_t command = argc == 2 ? (pid_t)atoi(argv[1]) : 0;
	sigset_t waitset;

	if (argc >= 3 && strcmp(argv[1], "--exec") == 0)
		return exec_command(argc, argv);
	if (command <= 0) {
		static const char usage[] =
			"byoc-init: this is the lab's init (steps/init.c), run by the runtime "
			"alone: 'init COMMAND_PID' or 'init --exec FD COMMAND'\n";
		ssize_t said = write(2, usage, sizeof(usage) - 1);
		return said < 0 ? BYOC_EXIT_RUNTIME : BYOC_EXIT_RUNTIME;
	}
	sigemptyset(&waitset);
	sigaddset(&waitset, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&waitset, forwarded[i]);
	/* Blocked already (the mask survives execve), and pending signals
	 * too: none is lost if the command exited before this line. */
	sigprocmask(SIG_BLOCK, &waitset, NULL);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&waitset, &si), ws;
		pid_t pid;

		if (sig < 0 && errno == EINTR)
			continue;
		if (sig < 0)
			return BYOC_EXIT_RUNTIME;
		if (sig != SIGCHLD) {
			kill(command, sig);
			continue;
		}
		/* One SIGCHLD may stand for several exits: reap until none is left. */
		while ((pid = waitpid(-1, &ws, WNOHANG)) > 0)
			if (pid == command)
				return WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
	}
}
