/* The parent's side of the lifecycle, top to bottom as lib/container.h draws
 * it: select the stages, make the state directory, prepare, clone, the
 * after_clone() hooks and "go", the command's execve(), the wait (monitor.c),
 * and the clean-up on every path. The child's side is child.c; the stage list
 * is stages.c. */
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
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "cleanup.h"
#include "gc.h"
#include "init.h"
#include "log.h"
#include "monitor.h"
#include "record.h"
#include "tty.h"

/* The kernel's struct clone_args (see clone(2)); declared here because
 * <linux/sched.h> clashes with glibc's <sched.h>. */
struct clone_args_v2 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* Signals the runtime passes on to the container's command. */
static const int forwarded_signals[] = { BYOC_FORWARDED_SIGNALS };

static int in_lifecycle(struct byoc_error *err, int r)
{
	snprintf(err->stage, sizeof(err->stage), "lifecycle");
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

int byoc_container_init(struct byoc_container *c, const struct byoc_options *opts,
			struct byoc_error *err)
{
	unsigned char raw[6];

	memset(c, 0, sizeof(*c));
	c->opts = opts;
	c->root = opts->rootfs;
	c->sync_fd = -1;
	c->tty_master = -1;
	c->log_pipe = -1;
	c->log_fd = -1;
	c->ready_fd = -1;
	c->exec_fifo = -1;
	for (int fd = 0; fd <= 2; fd++)
		c->stdio[fd] = -1;
	byoc_cgroup_defaults(&c->cgroup);
	c->cgroup.parent = opts->cgroup_parent;
	byoc_state_defaults(&c->state);
	c->state.reclaimer = &byoc_gc_reclaimer;
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
	snprintf(err->stage, sizeof(err->stage), "%s", stage);
	return -EINVAL;
}

/* The stage the child noted last, or "lifecycle" before the first. */
static const char *last_stage(const struct byoc_run *run)
{
	return run->notes->stage[0] ? run->notes->stage : "lifecycle";
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
static void overlap_failed(struct byoc_run *run, struct byoc_error *err)
{
	struct byoc_container *c = run->c;
	struct byoc_error report;
	ssize_t got;
	int ws = 0;

	kill(c->pid, SIGKILL);
	/* Its report, or the end of the socket when it is gone. ECONNRESET
	 * (it left a ready byte unread) comes once, before what it sent. */
	while ((got = recv(run->sync_fd, &report, sizeof(report), 0)) < 0 &&
	       (errno == EINTR || errno == ECONNRESET))
		;
	while (waitpid(c->pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (got == (ssize_t)sizeof(report))
		*err = report;
	else if (!WIFSIGNALED(ws) || WTERMSIG(ws) != SIGKILL) /* SIGKILL: ours */
		describe_death(c, ws, last_stage(run), err);
}

/* Wait for a failure report, or EOF: the sync socket is close-on-exec, so
 * EOF means that execve() succeeded or that the child died; the last note
 * says which, and where. With -t, the child sends its terminal's master
 * first. Returns 0 once the command runs. */
static int await_exec(struct byoc_run *run, struct byoc_error *err)
{
	struct byoc_container *c = run->c;

	for (;;) {
		struct byoc_error report;
		int fd = -1;
		ssize_t got = byoc_tty_recv(run->sync_fd, &report, sizeof(report), &fd);

		if (fd >= 0) {
			if (c->tty_master >= 0)
				close(c->tty_master);
			c->tty_master = fd;
			continue;
		}
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
		if (got == 1 && *(const char *)&report == BYOC_CREATED_BYTE) {
			/* byoc create: set up, it waits for byoc start. */
			c->created = true;
			return 0;
		}
	}
	if (strcmp(run->notes->stage, "exec") == 0)
		return 0;
	return died_before_exec(c, last_stage(run), err);
}

/* Block SIGCHLD and the signals to forward: the monitor takes them from a
 * signalfd, one at a time, so none is lost between checks. */
static void block_signals(struct byoc_run *run)
{
	sigemptyset(&run->waitset);
	sigaddset(&run->waitset, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
		sigaddset(&run->waitset, forwarded_signals[i]);
	/* An inherited SIG_IGN for SIGCHLD would make the kernel reap the child
	 * for us, and its exit status would be lost; see wait(2). */
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_BLOCK, &run->waitset, &run->oldmask);
}

/* byoc create: the FIFO at which the child waits for byoc start. Anyone may
 * open it for writing (the container's root may be another user of the
 * machine); only root reads it. */
static int make_exec_fifo(struct byoc_container *c, struct byoc_error *err)
{
	if (mkfifoat(c->state.dir_fd, "exec.fifo", 0600) < 0)
		return byoc_error_sys(err, errno, "mkfifo(%s/exec.fifo)", c->state.dir);
	if (fchmodat(c->state.dir_fd, "exec.fifo", 0622, 0) < 0)
		return byoc_error_sys(err, errno, "chmod(%s/exec.fifo)", c->state.dir);
	c->exec_fifo = openat(c->state.dir_fd, "exec.fifo", O_PATH | O_CLOEXEC);
	if (c->exec_fifo < 0)
		return byoc_error_sys(err, errno, "open(%s/exec.fifo, O_PATH)", c->state.dir);
	return 0;
}

/* The state directory, its lock, and what ps, exec and stop read there. */
static int create_state(struct byoc_run *run, struct byoc_error *err)
{
	struct byoc_container *c = run->c;
	int r = byoc_state_create(&c->state, c->id, err);

	if (r == -EEXIST)
		return r; /* --name taken: bad input, not a stage's failure */
	if (r < 0)
		return in_lifecycle(err, r);
	c->cgroup.journal_fd = c->state.journal_fd;
	if (c->opts->detach && (r = byoc_monitor_open_log(c, err)) < 0)
		return in_lifecycle(err, r);
	if (c->opts->oci && (r = make_exec_fifo(c, err)) < 0)
		return in_lifecycle(err, r);
	return 0;
}

static int prepare_stages(struct byoc_run *run, struct byoc_error *err)
{
	for (; run->prepared < run->n_stages; run->prepared++) {
		const struct byoc_stage *s = run->stages[run->prepared];
		if (!s->prepare || byoc_stage_host_skipped(s))
			continue;
		if (byoc_stage_hook(s->prepare, run->c, s, "prepare", err) < 0) {
			run->prepared++; /* its cleanup undoes what it did before failing */
			return -EINVAL;
		}
	}
	return 0;
}

/* clone() with every stage's namespaces; the child goes to child.c. */
static int start_child(struct byoc_run *run, struct byoc_error *err)
{
	struct byoc_container *c = run->c;
	int fds[2];

	for (size_t i = 0; i < run->n_stages; i++)
		run->clone_flags |= run->stages[i]->clone_flags;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return in_lifecycle(err, byoc_error_sys(err, errno, "socketpair(sync)"));
	run->sync_fd = fds[0];
	run->notes = mmap(NULL, sizeof(*run->notes), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (run->notes == MAP_FAILED) {
		run->notes = NULL;
		close(fds[1]);
		return in_lifecycle(err, byoc_error_sys(err, errno, "mmap(notes)"));
	}
	byoc_log("clone3(flags=%#lx)", run->clone_flags);
	c->pid = clone_child(run->clone_flags);
	if (c->pid < 0) {
		close(fds[1]);
		return in_lifecycle(
			err, byoc_error_sys(err, errno, "clone(flags=%#lx)", run->clone_flags));
	}
	if (c->pid == 0) {
		close(run->sync_fd);
		c->sync_fd = fds[1];
		byoc_child_main(run);
	}
	close(fds[1]);
	c->sync_fd = run->sync_fd;
	c->pid_start = byoc_record_start_time(c->pid);
	/* The command's stdio ends are the child's now. */
	for (int fd = 0; fd <= 2; fd++)
		if (c->stdio[fd] >= 0 && (fd == 0 || c->stdio[fd] != c->stdio[fd - 1]))
			close(c->stdio[fd]);
	for (int fd = 0; fd <= 2; fd++)
		c->stdio[fd] = -1;
	return 0;
}

/* The hooks the child waits for before it starts, then the go, then those
 * it may overlap, each followed by its ready byte. */
static int after_clone_stages(struct byoc_run *run, struct byoc_error *err)
{
	struct byoc_container *c = run->c;

	for (int overlapping = 0; overlapping < 2; overlapping++) {
		for (size_t i = 0; i < run->n_stages; i++) {
			const struct byoc_stage *s = run->stages[i];
			if (!s->after_clone || s->after_clone_overlaps != overlapping ||
			    byoc_stage_host_skipped(s))
				continue;
			if (byoc_stage_hook(s->after_clone, c, s, "after_clone", err) < 0) {
				if (overlapping)
					overlap_failed(run, err);
				else
					reap(c->pid, true);
				return -EINVAL;
			}
			/* EPIPE: the child is gone, and await_exec() says how. */
			if (overlapping &&
			    send(run->sync_fd, &(char){ BYOC_READY_BYTE }, 1, MSG_NOSIGNAL) != 1)
				return 0;
		}
		if (!overlapping && write(run->sync_fd, &(char){ BYOC_GO_BYTE }, 1) != 1) {
			int r = byoc_error_sys(err, errno, "write(sync socket)");
			reap(c->pid, true);
			return in_lifecycle(err, r);
		}
	}
	return 0;
}

/* The command runs: byoc commands may act on it now, and whoever waits for
 * that (byoc run -d) is told. */
static void command_runs(struct byoc_run *run)
{
	struct byoc_container *c = run->c;

	c->command_ran = true;
	byoc_state_started(&c->state);
	if (c->ready_fd >= 0)
		byoc_monitor_report(c, NULL);
}

/* Every stage's cleanup() in reverse order, on every path; then the state:
 * removed, or for a detached container that ran, its record kept for ps -a
 * and logs until byoc rm. */
static void finish(struct byoc_run *run)
{
	struct byoc_container *c = run->c;

	if (run->notes)
		munmap(run->notes, sizeof(*run->notes));
	if (run->sync_fd >= 0)
		close(run->sync_fd);
	for (int fd = 0; fd <= 2; fd++)
		if (c->stdio[fd] >= 0 && (fd == 0 || c->stdio[fd] != c->stdio[fd - 1]))
			close(c->stdio[fd]);
	/* byoc create's terminal master outlives the run: the caller passes
	 * it to the engine's console socket. */
	int master = c->created ? c->tty_master : -1;
	if (c->created)
		c->tty_master = -1;
	byoc_monitor_close(c);
	c->tty_master = master;
	if (c->exec_fifo >= 0)
		close(c->exec_fifo);
	c->exec_fifo = -1;
	/* byoc create: what the stages made is the container's now; byoc
	 * delete removes it. */
	if (c->created)
		run->prepared = 0;
	while (run->prepared-- > 0) {
		const struct byoc_stage *s = run->stages[run->prepared];
		if (s->cleanup && !byoc_stage_host_skipped(s)) {
			byoc_log("stage %s: cleanup", s->name);
			s->cleanup(c);
		}
	}
	c->cgroup.journal_fd = -1;
	if (c->created)
		byoc_state_leave(&c->state);
	else if (c->opts->detach && c->command_ran)
		byoc_state_keep(&c->state, byoc_record_kept);
	else
		byoc_state_remove(&c->state);
	sigprocmask(SIG_SETMASK, &run->oldmask, NULL);
	c->sync_fd = -1;
}

int byoc_container_run(struct byoc_container *c, const struct byoc_stage_list *stages, int *status,
		       struct byoc_error *err)
{
	_cleanup_free_ const struct byoc_stage **list =
		calloc(stages->n ? stages->n : 1, sizeof(*list));
	struct byoc_run run = { .c = c, .stages = list, .sync_fd = -1 };
	int r;

	if (!list)
		return byoc_error_sys(err, ENOMEM, "calloc");
	/* Which stages, and whether they ask for every namespace needed:
	 * before anything is made. */
	if (byoc_stages_select(c->opts, stages, list, &run.n_stages, err) < 0)
		return -EINVAL;
	block_signals(&run);
	r = create_state(&run, err);
	if (r == 0)
		r = prepare_stages(&run, err);
	if (r == 0)
		r = start_child(&run, err);
	if (r == 0)
		r = after_clone_stages(&run, err);
	/* While the child sets itself up: its record for ps, exec and stop
	 * (they wait for the directory's lock until the command runs). */
	if (r == 0)
		byoc_record_write(&c->state, c->opts, c->pid, c->pid_start, &c->seccomp);
	if (r == 0)
		r = await_exec(&run, err);
	if (r == 0 && c->created) {
		byoc_state_started(&c->state);
	} else if (r == 0) {
		command_runs(&run);
		r = byoc_monitor_wait(&run, status, err);
	}
	finish(&run);
	return r < 0 ? r : 0;
}
