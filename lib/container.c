#define _GNU_SOURCE
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "exec.h"
#include "init.h"
#include "log.h"

/* The kernel's struct clone_args (see clone(2)); declared here because
 * <linux/sched.h> clashes with glibc's <sched.h>. */
struct clone_args_v2 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2) /* Linux 5.11; see close_range(2) */
#endif

/* Signals the runtime passes on to the container's command. */
static const int forwarded_signals[] = { BYOC_FORWARDED_SIGNALS };

static const char go_byte = 'G', ready_byte = 'R';

static void fill_stage(struct byoc_error *err, const char *stage)
{
	snprintf(err->stage, sizeof(err->stage), "%s", stage);
}

/* A rootless runtime runs only the child's side of a stage that changes the
 * machine (see .root_only). */
static bool host_hooks_skipped(const struct byoc_stage *s)
{
	return s->root_only && geteuid() != 0;
}

/* Run one hook. A hook that fails without a message is reported as such,
 * with what to do about it, rather than as an empty line. */
static int run_hook(int (*hook)(struct byoc_container *, struct byoc_error *),
		    struct byoc_container *c, const struct byoc_stage *s, const char *hook_name,
		    struct byoc_error *err)
{
	int r;

	byoc_log("stage %s: %s", s->name, hook_name);
	err->msg[0] = '\0';
	r = hook(c, err);
	if (r >= 0)
		return 0;
	if (err->msg[0] == '\0')
		byoc_error_set(err, BYOC_EXIT_RUNTIME,
			       "%s failed (returned %d) without saying why: fill err before "
			       "returning, with BYOC_SYS() around the system call, or "
			       "byoc_error_sys() or byoc_error_set() (see lib/error.h)",
			       hook_name, r);
	if (err->status == 0)
		err->status = BYOC_EXIT_RUNTIME;
	fill_stage(err, s->name);
	return r;
}

int byoc_stdio_ensure(struct byoc_error *err)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* open() returns the lowest free fd: this one. Not close-on-exec:
		 * the container's command is to inherit it as its stdio. */
		int got = open("/dev/null", O_RDWR);
		if (got < 0)
			return byoc_error_sys(err, errno, "open(/dev/null) for closed fd %d", fd);
		if (got != fd) {
			close(got);
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "open(/dev/null) for closed fd %d gave fd %d", fd,
					      got);
		}
	}
	return 0;
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

size_t byoc_stages_resolve(const struct byoc_stage *const *in, size_t n,
			   const struct byoc_stage **out)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		bool superseded = false;
		for (size_t j = i + 1; j < n; j++)
			if (in[j]->supersedes && strcmp(in[j]->supersedes, in[i]->name) == 0)
				superseded = true;
		if (!superseded)
			out[kept++] = in[i];
	}
	return kept;
}

/* What each namespace keeps from the machine, for the refusal's message; see
 * namespaces(7). */
static const struct {
	unsigned long flag;
	const char *name, *what, *risk;
} namespaces[] = {
	{ CLONE_NEWNS, "CLONE_NEWNS", "mount namespace",
	  "its mounts and pivot_root would change the machine's own mount table" },
	{ CLONE_NEWUTS, "CLONE_NEWUTS", "UTS namespace", "sethostname() would rename the machine" },
	{ CLONE_NEWIPC, "CLONE_NEWIPC", "IPC namespace",
	  "its IPC objects would be the machine's own" },
	{ CLONE_NEWPID, "CLONE_NEWPID", "PID namespace",
	  "the command would see and signal every process of the machine" },
	{ CLONE_NEWNET, "CLONE_NEWNET", "network namespace",
	  "its links and addresses would be the machine's own" },
	{ CLONE_NEWCGROUP, "CLONE_NEWCGROUP", "cgroup namespace",
	  "it would see the machine's whole cgroup tree" },
	{ CLONE_NEWUSER, "CLONE_NEWUSER", "user namespace",
	  "its root would be the machine's root" },
};

static const char *ns_field(unsigned long flag, size_t field)
{
	for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
		if (namespaces[i].flag == flag)
			return field == 0   ? namespaces[i].name
			       : field == 1 ? namespaces[i].what
					    : namespaces[i].risk;
	return NULL;
}

const char *byoc_ns_describe(unsigned long flag, const char **flag_name)
{
	if (flag_name && ns_field(flag, 0))
		*flag_name = ns_field(flag, 0);
	return ns_field(flag, 1);
}

int byoc_stages_check(const struct byoc_stage *const *stages, size_t n,
		      const struct byoc_ns_need *needs, size_t n_needs, struct byoc_error *err)
{
	unsigned long flags = 0;
	const struct byoc_ns_need *missing[8];
	size_t n_missing = 0;

	for (size_t i = 0; i < n; i++)
		flags |= stages[i]->clone_flags;
	for (size_t i = 0; i < n_needs && n_missing < sizeof(missing) / sizeof(missing[0]); i++)
		if (!(flags & needs[i].flag))
			missing[n_missing++] = &needs[i];
	if (n_missing == 0)
		return 0;

	const struct byoc_ns_need *need = missing[0];
	const char *name = ns_field(need->flag, 0), *what = ns_field(need->flag, 1);
	const char *risk = ns_field(need->flag, 2);
	fill_stage(err, need->stage);
	if (n_missing == 1)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "refused before anything ran: no stage asks clone() for a %s "
				      "(%s), so %s: add it to .clone_flags of stage %s in %s; read "
				      "%s",
				      what ? what : "namespace", name ? name : "CLONE_NEW?",
				      risk ? risk : "the container would share it with the machine",
				      need->stage, need->source, need->lesson);
	/* Several steps unfinished (the capstone built from exercises/): name
	 * every one, so that the student sees the whole list at once. */
	char list[400] = "";
	size_t len = 0;
	for (size_t i = 0; i < n_missing && len < sizeof(list); i++) {
		const char *flag = ns_field(missing[i]->flag, 0), *file = missing[i]->source;
		bool same_next = i + 1 < n_missing && strcmp(missing[i + 1]->source, file) == 0;
		bool last = i + 1 == n_missing;
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s%s%s",
					flag ? flag : "CLONE_NEW?", same_next ? ", " : " in ",
					same_next ? "" : file, same_next || last ? "" : "; ");
	}
	return byoc_error_set(err, BYOC_EXIT_RUNTIME,
			      "refused before anything ran: %zu namespaces that the container "
			      "needs are asked for by no stage, so it would share them with the "
			      "machine: add each to its stage's .clone_flags: %s; read each step's "
			      "\"Your task\"",
			      n_missing, list);
}

int byoc_container_init(struct byoc_container *c, const struct byoc_options *opts,
			struct byoc_error *err)
{
	unsigned char raw[6];

	memset(c, 0, sizeof(*c));
	c->opts = opts;
	c->root = opts->rootfs;
	c->sync_fd = -1;
	byoc_cgroup_defaults(&c->cgroup);
	byoc_state_defaults(&c->state);
	if (opts->state_dir)
		c->state.root = opts->state_dir;
	byoc_net_defaults(&c->net);
	c->devices.prog_fd = -1;
	c->state.name = opts->name;
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return byoc_error_sys(err, errno, "getrandom(container id)");
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(c->id + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

static pid_t clone_child(unsigned long flags)
{
	struct clone_args_v2 args = { .flags = flags, .exit_signal = SIGCHLD };
	long pid;

	/* Like fork(): the child continues here on a copy of our stack. */
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && errno == ENOSYS) /* kernels before 5.3 */
		pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	return (pid_t)pid;
}

/* The child reports a failure to the parent and exits; it never returns. */
static _Noreturn void child_fail(int fd, struct byoc_error *err)
{
	if (send(fd, err, sizeof(*err), MSG_NOSIGNAL) < 0)
		byoc_log("cannot report to the parent: %s", strerror(errno));
	_exit(err->status ? err->status : BYOC_EXIT_RUNTIME);
}

/* Which stage the child is in, for the parent to name if the child dies
 * there: a page the two share (MAP_SHARED, made before clone()), so that a
 * note costs no system call and wakes nobody. */
struct child_notes {
	char stage[sizeof(((struct byoc_error *)0)->stage)];
};
static struct child_notes *notes;

static void child_note(const char *stage)
{
	if (notes)
		snprintf(notes->stage, sizeof(notes->stage), "%s", stage);
}

static _Noreturn void child_fail_in(int fd, struct byoc_error *err, const char *stage)
{
	fill_stage(err, stage);
	child_fail(fd, err);
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

static _Noreturn void child_exec(struct byoc_container *c, const sigset_t *oldmask)
{
	static char path_env[] =
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	static char home_env[] = "HOME=/root";
	char term_env[128];
	char *envp[3 + BYOC_ENV_MAX + 1] = { path_env, home_env };
	size_t n_env = 2;
	const char *term = getenv("TERM");
	char **argv = c->opts->command;
	struct byoc_error err = { 0 };

	/* A clean environment: the host's variables stay on the host; only
	 * what -e gave is added. */
	if (term) {
		snprintf(term_env, sizeof(term_env), "TERM=%s", term);
		envp[n_env++] = term_env;
	}
	for (size_t i = 0; i < c->opts->n_env; i++)
		n_env = env_set(envp, n_env, c->opts->env[i]);
	envp[n_env] = NULL;
	environ = envp; /* execvp() searches the PATH given here */
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
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	byoc_log("execve(%s)", argv[0]);
	child_note("exec");
	execvp(argv[0], argv);
	byoc_exec_error(argv[0], errno, &err);
	child_fail_in(c->sync_fd, &err, "exec");
}

static _Noreturn void child_main(struct byoc_container *c, const struct byoc_stage **stages,
				 size_t n, const sigset_t *oldmask)
{
	struct byoc_error err = { 0 };
	char go;

	byoc_log_set_role("child");
	/* Die with the runtime, even if it is SIGKILLed; see PR_SET_PDEATHSIG
	 * in prctl(2). If the parent is already gone, the read below sees EOF. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (read(c->sync_fd, &go, 1) != 1 || go != go_byte)
		_exit(BYOC_EXIT_RUNTIME);

	for (size_t i = 0; i < n; i++) {
		/* An overlapping after_clone() says it is done with a byte. */
		if (stages[i]->after_clone && stages[i]->after_clone_overlaps &&
		    !host_hooks_skipped(stages[i]) &&
		    (read(c->sync_fd, &go, 1) != 1 || go != ready_byte))
			_exit(BYOC_EXIT_RUNTIME);
		if (!stages[i]->child_setup)
			continue;
		child_note(stages[i]->name);
		if (run_hook(stages[i]->child_setup, c, stages[i], "child_setup", &err) < 0)
			child_fail(c->sync_fd, &err);
	}
	child_exec(c, oldmask);
}

/* Wait for the child to end, passing on the signals the runtime receives.
 * All of them are blocked, so none is lost between checks and no handler or
 * polling is needed: sigwaitinfo() hands them over one at a time. */
static int wait_forwarding(struct byoc_container *c, const sigset_t *waitset, int *status,
			   struct byoc_error *err)
{
	int ws;

	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(waitset, &si);

		if (sig < 0) {
			if (errno == EINTR)
				continue;
			return byoc_error_sys(err, errno, "sigwaitinfo");
		}
		if (sig == SIGCHLD) {
			pid_t w = waitpid(c->pid, &ws, WNOHANG);
			if (w < 0)
				return byoc_error_sys(err, errno, "waitpid(%d)", (int)c->pid);
			if (w == c->pid)
				break;
			continue;
		}
		/* The terminal already sent Ctrl-C and friends to its whole
		 * foreground process group: do not deliver them twice. */
		if (si.si_code == SI_KERNEL && getpgid(c->pid) == getpgrp())
			continue;
		byoc_log("forwarding signal %d (%s) to %d", sig, strsignal(sig), (int)c->pid);
		kill(c->pid, sig);
	}
	*status = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
	byoc_log("the command exited with status %d", *status);
	return 0;
}

/* Reap a child that failed or that we are giving up on. */
static void reap(pid_t pid, bool kill_it)
{
	if (pid <= 0)
		return;
	if (kill_it)
		kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* The child died before its command ran: say in which stage, and what
 * killed it. */
static int describe_death(struct byoc_container *c, int ws, const char *stage,
			  struct byoc_error *err)
{
	struct byoc_cgroup_stats s;

	byoc_cgroup_stats(&c->cgroup, &s);
	if (WIFSIGNALED(ws) && s.have_oom && s.oom_kills > 0)
		byoc_error_set(err, BYOC_EXIT_RUNTIME,
			       "the kernel's OOM killer killed the container (SIGKILL) before its "
			       "command ran: --memory (%llu bytes, %.1f MiB) is too small for the "
			       "container's set-up; give more",
			       (unsigned long long)c->opts->memory,
			       (double)c->opts->memory / (1 << 20));
	else if (WIFSIGNALED(ws))
		byoc_error_set(err, BYOC_EXIT_RUNTIME,
			       "signal %d (%s) killed the container before its command ran",
			       WTERMSIG(ws), strsignal(WTERMSIG(ws)));
	else
		byoc_error_set(err, BYOC_EXIT_RUNTIME,
			       "the container exited with status %d before its command ran",
			       WEXITSTATUS(ws));
	fill_stage(err, stage);
	return -EINVAL;
}

static int died_before_exec(struct byoc_container *c, const char *stage, struct byoc_error *err)
{
	int ws = 0;

	while (waitpid(c->pid, &ws, 0) < 0 && errno == EINTR)
		;
	return describe_death(c, ws, stage, err);
}

/* An after_clone() hook that overlaps the child's set-up failed: stop the
 * child. If it had failed or died meanwhile, of itself, its own account
 * replaces the hook's, which may only follow from it (a veth for a child
 * that is gone: ESRCH). */
static void overlap_failed(struct byoc_container *c, int fd, struct byoc_error *err)
{
	struct byoc_error report;
	ssize_t got;
	int ws = 0;

	kill(c->pid, SIGKILL);
	/* Its report, or the end of the socket when it is gone. ECONNRESET
	 * (it left a ready byte unread) comes once, before what it sent. */
	while ((got = recv(fd, &report, sizeof(report), 0)) < 0 &&
	       (errno == EINTR || errno == ECONNRESET))
		;
	while (waitpid(c->pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (got == (ssize_t)sizeof(report))
		*err = report;
	else if (!WIFSIGNALED(ws) || WTERMSIG(ws) != SIGKILL) /* SIGKILL: ours */
		describe_death(c, ws, notes->stage[0] ? notes->stage : "lifecycle", err);
}

/* Wait for a failure report, or EOF: the sync socket is close-on-exec, so
 * EOF means that execve() succeeded or that the child died; the last note
 * says which, and where. Returns 0 once the command runs. */
static int await_exec(struct byoc_container *c, int fd, struct byoc_error *err)
{
	for (;;) {
		struct byoc_error report;
		ssize_t got = recv(fd, &report, sizeof(report), 0);

		/* ECONNRESET: the child died with a ready byte of an
		 * overlapping hook unread. The kernel reports that once, and
		 * before the data the child sent first (its failure report,
		 * see __skb_try_recv_datagram()): read on, to the report or
		 * to the end. */
		if (got < 0 && (errno == EINTR || errno == ECONNRESET))
			continue;
		if (got < 0) {
			int r = byoc_error_sys(err, errno, "recv(sync socket)");
			reap(c->pid, true);
			return r;
		}
		if (got == (ssize_t)sizeof(report)) {
			*err = report;
			reap(c->pid, false);
			return -EINVAL;
		}
		if (got == 0)
			break;
	}
	if (strcmp(notes->stage, "exec") == 0)
		return 0;
	return died_before_exec(c, notes->stage[0] ? notes->stage : "lifecycle", err);
}

int byoc_container_run(struct byoc_container *c, const struct byoc_stage *const *stages, size_t n,
		       int *status, struct byoc_error *err)
{
	_cleanup_free_ const struct byoc_stage **list = calloc(n ? n : 1, sizeof(*list));
	_cleanup_close_ int parent_fd = -1;
	sigset_t waitset, oldmask;
	unsigned long flags = 0;
	size_t count, started = 0;
	int fds[2], r = 0;

	if (!list)
		return byoc_error_sys(err, ENOMEM, "calloc");
	count = byoc_stages_resolve(stages, n, list);
	/* Stages that this container goes without (step 10's userns stage
	 * without --userns). */
	size_t kept = 0, n_needs = 0, n_dropped = 0;
	const char *dropped[8];
	for (size_t i = 0; i < count; i++)
		if (!list[i]->wanted || list[i]->wanted(c->opts))
			list[kept++] = list[i];
		else if (n_dropped < sizeof(dropped) / sizeof(dropped[0]))
			dropped[n_dropped++] = list[i]->name;
	count = kept;
	/* ... and what such a stage would need. */
	struct byoc_ns_need needs[16];
	for (size_t i = 0; i < c->n_needs && n_needs < sizeof(needs) / sizeof(needs[0]); i++) {
		bool gone = false;
		for (size_t j = 0; j < n_dropped; j++)
			gone = gone || strcmp(c->needs[i].stage, dropped[j]) == 0;
		if (!gone)
			needs[n_needs++] = c->needs[i];
	}
	/* Before anything is created: a missing namespace means the stages
	 * would act on the machine itself. */
	if (byoc_stages_check(list, count, needs, n_needs, err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < count; i++)
		flags |= list[i]->clone_flags;

	sigemptyset(&waitset);
	sigaddset(&waitset, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
		sigaddset(&waitset, forwarded_signals[i]);
	/* An inherited SIG_IGN for SIGCHLD would make the kernel reap the child
	 * for us, and its exit status would be lost; see wait(2). */
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_BLOCK, &waitset, &oldmask);

	r = byoc_state_create(&c->state, c->id, err);
	if (r == -EEXIST)
		goto out; /* --name taken: bad input, not a stage's failure */
	if (r < 0)
		goto out_stage_lifecycle;
	c->cgroup.journal_fd = c->state.journal_fd;

	for (; started < count; started++) {
		const struct byoc_stage *s = list[started];
		if (!s->prepare || host_hooks_skipped(s))
			continue;
		r = run_hook(s->prepare, c, s, "prepare", err);
		if (r < 0) {
			started++; /* its cleanup undoes what it did before failing */
			goto out;
		}
	}

	r = BYOC_SYS(err, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds),
		     "socketpair(sync)");
	if (r < 0)
		goto out_stage_lifecycle;
	parent_fd = fds[0];
	notes = mmap(NULL, sizeof(*notes), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		     0);
	if (notes == MAP_FAILED) {
		notes = NULL;
		r = byoc_error_sys(err, errno, "mmap(notes)");
		close(fds[1]);
		goto out_stage_lifecycle;
	}

	byoc_log("clone3(flags=%#lx)", flags);
	c->pid = clone_child(flags);
	if (c->pid < 0) {
		r = byoc_error_sys(err, errno, "clone(flags=%#lx)", flags);
		close(fds[1]);
		goto out_stage_lifecycle;
	}
	if (c->pid == 0) {
		close(parent_fd);
		c->sync_fd = fds[1];
		child_main(c, list, count, &oldmask);
	}
	close(fds[1]);
	c->sync_fd = parent_fd;

	/* The hooks the child waits for before it starts, then the go, then
	 * those it may overlap, each followed by its ready byte. */
	for (int overlapping = 0; overlapping < 2; overlapping++) {
		for (size_t i = 0; i < count; i++) {
			if (!list[i]->after_clone || list[i]->after_clone_overlaps != overlapping ||
			    host_hooks_skipped(list[i]))
				continue;
			r = run_hook(list[i]->after_clone, c, list[i], "after_clone", err);
			if (r < 0) {
				if (overlapping)
					overlap_failed(c, parent_fd, err);
				else
					reap(c->pid, true);
				goto out;
			}
			/* EPIPE: the child is gone, and await_exec() says how. */
			if (overlapping && send(parent_fd, &ready_byte, 1, MSG_NOSIGNAL) != 1)
				goto await;
		}
		if (!overlapping && write(parent_fd, &go_byte, 1) != 1) {
			r = byoc_error_sys(err, errno, "write(sync socket)");
			reap(c->pid, true);
			goto out_stage_lifecycle;
		}
	}
await:
	r = await_exec(c, parent_fd, err);
	if (r < 0)
		goto out;
	c->command_ran = true;
	r = wait_forwarding(c, &waitset, status, err);
	if (r < 0)
		reap(c->pid, true);
	goto out;

out_stage_lifecycle:
	fill_stage(err, "lifecycle");
out:
	if (notes) {
		munmap(notes, sizeof(*notes));
		notes = NULL;
	}
	/* Cleanup runs in reverse order on every path, success or failure. */
	while (started-- > 0) {
		if (list[started]->cleanup && !host_hooks_skipped(list[started])) {
			byoc_log("stage %s: cleanup", list[started]->name);
			list[started]->cleanup(c);
		}
	}
	c->cgroup.journal_fd = -1;
	byoc_state_remove(&c->state);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	c->sync_fd = -1;
	return r < 0 ? r : 0;
}
