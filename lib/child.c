/* The child's side of the lifecycle: from clone() to execve() of the command.
 * Everything here runs in the container's new namespaces; a failure goes back
 * to the parent over the sync socket, with its stage, and the child exits. */
#define _GNU_SOURCE
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec.h"
#include "init.h"
#include "log.h"
#include "oci.h"
#include "tty.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2) /* Linux 5.11; see close_range(2) */
#endif

/* The child reports a failure to the parent and exits; it never returns. */
static _Noreturn void child_fail(int fd, struct byoc_error *err)
{
	if (send(fd, err, sizeof(*err), MSG_NOSIGNAL) < 0)
		byoc_log("cannot report to the parent: %s", strerror(errno));
	_exit(err->status ? err->status : BYOC_EXIT_RUNTIME);
}

static _Noreturn void child_fail_in(int fd, struct byoc_error *err, const char *stage)
{
	snprintf(err->stage, sizeof(err->stage), "%s", stage);
	child_fail(fd, err);
}

static void child_note(struct byoc_run *run, const char *stage)
{
	snprintf(run->notes->stage, sizeof(run->notes->stage), "%s", stage);
}

/* Whatever the caller left open (a host directory on fd 7, say) would let
 * the command reach past pivot_root. Keep 0, 1 and 2 only: mark every other
 * fd close-on-exec. The sync socket already is, so that it still reports a
 * failed execve(). */
static int close_inherited_fds(struct byoc_error *err)
{
	struct rlimit rl;

	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	/* Before Linux 5.11: one fcntl() per possible fd. */
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return byoc_error_sys(err, errno, "getrlimit(RLIMIT_NOFILE)");
	for (rlim_t fd = 3; fd < rl.rlim_cur && fd < (1u << 20); fd++) {
		int flags = fcntl((int)fd, F_GETFD);
		if (flags >= 0 && !(flags & FD_CLOEXEC) &&
		    fcntl((int)fd, F_SETFD, flags | FD_CLOEXEC) < 0)
			return byoc_error_sys(err, errno, "fcntl(%d, F_SETFD, FD_CLOEXEC)",
					      (int)fd);
	}
	return 0;
}

/* Replace the entry of envp (n entries) with the same KEY as `kv`, or add
 * it; -e PATH=... overrides the default PATH, as docker's does. */
static size_t env_set(char **envp, size_t n, const char *kv)
{
	size_t key = strcspn(kv, "=") + 1;

	for (size_t i = 0; i < n; i++)
		if (strncmp(envp[i], kv, key) == 0) {
			envp[i] = (char *)kv;
			return n;
		}
	envp[n++] = (char *)kv;
	return n;
}

/* The command's stdio: the runtime's own, or what the monitor gave
 * (c->stdio: /dev/null and its log pipe for a detached container), or a
 * pseudo-terminal of the container's devpts whose master goes to the parent
 * (-t). */
static int set_stdio(struct byoc_container *c, struct byoc_error *err)
{
	struct winsize ws;
	bool have_ws = byoc_tty_winsize(&ws);
	const struct byoc_oci_process *p = c->opts->oci ? &c->opts->oci->process : NULL;

	/* An OCI process's consoleSize, when it gives one. */
	if (p && p->console_height && p->console_width) {
		ws = (struct winsize){ .ws_row = (unsigned short)p->console_height,
				       .ws_col = (unsigned short)p->console_width };
		have_ws = true;
	}

	for (int fd = 0; fd <= 2; fd++)
		if (c->stdio[fd] >= 0 && dup2(c->stdio[fd], fd) < 0)
			return byoc_error_sys(err, errno, "dup2(%d, %d)", c->stdio[fd], fd);
	if (!c->opts->tty)
		return 0;
	return byoc_tty_child(c->sync_fd, have_ws ? &ws : NULL, err);
}

/* Whether `file` names a program execvp() would run: with a '/', that
 * path; else the first match in $PATH. Returns 0 or -errno. */
static int find_command(const char *file)
{
	const char *path = getenv("PATH");
	char buf[4096];
	int e = ENOENT;

	if (strchr(file, '/'))
		return access(file, X_OK) == 0 ? 0 : -errno;
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? p : ".", file);
		if (access(buf, X_OK) == 0)
			return 0;
		if (errno != ENOENT && errno != ENOTDIR)
			e = errno;
		p += n + (p[n] == ':');
	}
	return -e;
}

/* byoc create: the command is looked up now, while the runtime still
 * listens; then the child tells it "created", stops dying with it, and
 * waits at the exec FIFO until byoc start opens the other end. */
static void wait_for_start(struct byoc_container *c, char **argv)
{
	struct byoc_error err = { 0 };
	char path[64];
	int r = find_command(argv[0]), fd;

	if (r < 0) {
		byoc_exec_error(argv[0], -r, &err);
		child_fail_in(c->sync_fd, &err, "exec");
	}
	/* The state directory's locks are its runtime's: the child's copies
	 * of their fds would hold them for as long as it waits. */
	if (c->state.dir_fd >= 0)
		close(c->state.dir_fd);
	if (c->state.journal_fd >= 0)
		close(c->state.journal_fd);
	prctl(PR_SET_PDEATHSIG, 0);
	if (send(c->sync_fd, &(char){ BYOC_CREATED_BYTE }, 1, MSG_NOSIGNAL) != 1)
		_exit(BYOC_EXIT_RUNTIME);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->exec_fifo);
	while ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (fd < 0 || write(fd, "0", 1) != 1)
		_exit(BYOC_EXIT_RUNTIME);
	close(fd);
	close(c->exec_fifo);
}

static _Noreturn void child_exec(struct byoc_run *run)
{
	static char path_env[] =
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	static char home_env[] = "HOME=/root";
	struct byoc_container *c = run->c;
	char term_env[128];
	char *envp[3 + BYOC_ENV_MAX + 1] = { path_env, home_env };
	size_t n_env = 2;
	const char *term = getenv("TERM");
	char **argv = c->opts->command;
	struct byoc_error err = { 0 };

	/* A clean environment: the host's variables stay on the host; only
	 * what -e gave is added. */
	if (term || c->opts->tty) {
		snprintf(term_env, sizeof(term_env), "TERM=%s", term ? term : "xterm");
		envp[n_env++] = term_env;
	}
	for (size_t i = 0; i < c->opts->n_env; i++)
		n_env = env_set(envp, n_env, c->opts->env[i]);
	envp[n_env] = NULL;
	environ = envp; /* execvp() searches the PATH given here */
	/* An OCI bundle's process has exactly the environment it lists. */
	if (c->opts->oci)
		environ = (char **)c->opts->oci->process.env;
	/* --workdir: after pivot_root, so the path is the container's. */
	if (c->opts->workdir && chdir(c->opts->workdir) < 0) {
		char name[16];
		int e = errno;
		byoc_error_set(&err, BYOC_EXIT_RUNTIME,
			       "--workdir %s: chdir(%s): %s: give a directory that exists in the "
			       "container's root file system",
			       c->opts->workdir, c->opts->workdir,
			       byoc_errno_name(e, name, sizeof(name)));
		child_fail_in(c->sync_fd, &err, "workdir");
	}
	if (set_stdio(c, &err) < 0)
		child_fail_in(c->sync_fd, &err, "tty");
	if (close_inherited_fds(&err) < 0)
		child_fail_in(c->sync_fd, &err, "exec");

	if (c->opts->init) {
		/* PID 1 execs the init; the command runs as its child. Both
		 * copies of the sync socket report: the parent reads EOF once
		 * both execs have succeeded. The command starts once PID 1 is
		 * the init (its execve() closes `started`): before that, a
		 * signal or an orphan would meet a copy of the runtime. */
		int init_fd = byoc_init_load(&err), started[2];
		if (init_fd < 0)
			child_fail_in(c->sync_fd, &err, "init");
		if (pipe2(started, O_CLOEXEC) < 0) {
			byoc_error_sys(&err, errno, "pipe2(init)");
			child_fail_in(c->sync_fd, &err, "init");
		}
		pid_t command = fork();
		if (command < 0) {
			byoc_error_sys(&err, errno, "fork(init)");
			child_fail_in(c->sync_fd, &err, "init");
		}
		if (command > 0) {
			close(started[0]);
			byoc_init_exec(init_fd, command, envp, &err);
			kill(command, SIGKILL);
			child_fail_in(c->sync_fd, &err, "init");
		}
		close(init_fd);
		close(started[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		char gone;
		while (read(started[0], &gone, 1) < 0 && errno == EINTR)
			;
		close(started[0]);
	}
	if (c->exec_fifo >= 0)
		wait_for_start(c, argv);
	sigprocmask(SIG_SETMASK, &run->oldmask, NULL);
	byoc_log("execve(%s)", argv[0]);
	child_note(run, "exec");
	execvp(argv[0], argv);
	byoc_exec_error(argv[0], errno, &err);
	child_fail_in(c->sync_fd, &err, "exec");
}

_Noreturn void byoc_child_main(struct byoc_run *run)
{
	struct byoc_container *c = run->c;
	struct byoc_error err = { 0 };
	char go;

	byoc_log_set_role("child");
	/* Die with the runtime (or the monitor), even if it is SIGKILLed; see
	 * PR_SET_PDEATHSIG in prctl(2). If the parent is already gone, the
	 * read below sees EOF. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (read(c->sync_fd, &go, 1) != 1 || go != BYOC_GO_BYTE)
		_exit(BYOC_EXIT_RUNTIME);

	for (size_t i = 0; i < run->n_stages; i++) {
		const struct byoc_stage *s = run->stages[i];
		/* An overlapping after_clone() says it is done with a byte. */
		if (s->after_clone && s->after_clone_overlaps && !byoc_stage_host_skipped(s) &&
		    (read(c->sync_fd, &go, 1) != 1 || go != BYOC_READY_BYTE))
			_exit(BYOC_EXIT_RUNTIME);
		if (!s->child_setup)
			continue;
		child_note(run, s->name);
		if (byoc_stage_hook(s->child_setup, c, s, "child_setup", &err) < 0)
			child_fail(c->sync_fd, &err);
	}
	child_exec(run);
}
