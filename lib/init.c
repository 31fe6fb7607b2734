#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "log.h"

_Noreturn void byoc_init_run(pid_t command, const sigset_t *waitset)
{
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(waitset, &si), ws;
		pid_t pid;

		if (sig < 0 && errno == EINTR)
			continue;
		if (sig < 0)
			_exit(BYOC_EXIT_RUNTIME);
		if (sig != SIGCHLD) {
			kill(command, sig);
			continue;
		}
		/* One SIGCHLD may stand for several exits: reap until none is left. */
		while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
			if (pid != command) {
				byoc_log("init: reaped orphan %d", (int)pid);
				continue;
			}
			int status = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
			byoc_log("init: the command exited with status %d", status);
			_exit(status);
		}
	}
}
