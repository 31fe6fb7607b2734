#define _GNU_SOURCE
#include "enter.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "exec.h"
#include "init.h"
#include "log.h"
#include "record.h"
#include "tty.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* The user namespace first: joining it gives the capabilities that joining
 * the others needs (see setns(2)); the mount namespace last, as the others'
 * files are reached through the host's /proc until then. */
static const struct {
	int flag;
	const char *name;
} namespaces[] = {
	{ CLONE_NEWUSER, "user" }, { CLONE_NEWIPC, "ipc" }, { CLONE_NEWUTS, "uts" },
	{ CLONE_NEWNET, "net" },   { CLONE_NEWPID, "pid" }, { CLONE_NEWCGROUP, "cgroup" },
	{ CLONE_NEWNS, "mnt" },
};
#define N_NS (sizeof(namespaces) / sizeof(namespaces[0]))

#define MAX_CGROUPS 8
#define MAX_ENV	    256

/* What entering needs, all read or opened on the host before the first
 * setns(): inside, the host's /proc is out of reach. */
struct target {
	int ns[N_NS]; /* -1: the same namespace as ours */
	int root;     /* the container's root, /proc/PID/root */
	char cgroups[MAX_CGROUPS][512];
	size_t n_cgroups;
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	bool no_new_privs;
	struct sock_filter *filter;
	unsigned short filter_len;
	char environ[65536];
	char *envp[MAX_ENV + 1];
};

static void target_close(struct target *t)
{
	for (size_t i = 0; i < N_NS; i++)
		if (t->ns[i] >= 0)
			close(t->ns[i]);
	if (t->root >= 0)
		close(t->root);
	free(t->filter);
}

static ssize_t read_path(const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t got;

	if (fd < 0)
		return -errno;
	while (n + 1 < len && (got = read(fd, buf + n, len - 1 - n)) > 0)
		n += (size_t)got;
	buf[n] = '\0';
	return (ssize_t)n;
}

/* PID 1's capability sets and no_new_privs, from /proc/PID/status. */
static int read_status(pid_t pid, struct target *t, struct byoc_error *err)
{
	char path[64], buf[4096], *line;
	struct {
		const char *key;
		uint64_t *set;
	} caps[] = { { "CapInh:", &t->cap_inh },
		     { "CapPrm:", &t->cap_prm },
		     { "CapEff:", &t->cap_eff },
		     { "CapBnd:", &t->cap_bnd },
		     { "CapAmb:", &t->cap_amb } };

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_path(path, buf, sizeof(buf)) < 0)
		return byoc_error_sys(err, errno, "read(%s)", path);
	for (line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
			if (strncmp(line, caps[i].key, strlen(caps[i].key)) == 0)
				*caps[i].set = strtoull(line + strlen(caps[i].key), NULL, 16);
		if (strncmp(line, "NoNewPrivs:", 11) == 0)
			t->no_new_privs = atoi(line + 11) == 1;
	}
	return 0;
}

/* The environment: PID 1's, then -e's over it, then TERM with -t. */
static int read_environ(const struct byoc_enter *e, struct target *t, struct byoc_error *err)
{
	static char term[128];
	char path[64];
	ssize_t n;
	size_t count = 0;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)e->pid);
	n = read_path(path, t->environ, sizeof(t->environ));
	if (n < 0)
		return byoc_error_sys(err, (int)-n, "read(%s)", path);
	for (char *p = t->environ; p < t->environ + n && count < MAX_ENV && !e->env_exact;
	     p += strlen(p) + 1)
		if (*p)
			t->envp[count++] = p;
	for (size_t i = 0; i <= e->n_env && count < MAX_ENV; i++) {
		const char *kv = i < e->n_env ? e->env[i] : NULL;
		if (!kv && e->tty && !getenv("TERM"))
			kv = "TERM=xterm";
		else if (!kv && e->tty)
			kv = (snprintf(term, sizeof(term), "TERM=%s", getenv("TERM")), term);
		if (!kv)
			break;
		size_t key = strcspn(kv, "=") + 1, j;
		for (j = 0; j < count && strncmp(t->envp[j], kv, key) != 0; j++)
			;
		t->envp[j] = (char *)kv;
		count += j == count;
	}
	t->envp[count] = NULL;
	return 0;
}

/* The container's own cgroups: the journal's lines that end in byoc-<id>. */
static void read_cgroups(const struct byoc_enter *e, struct target *t)
{
	char path[4200], want[32];
	_cleanup_free_ char *buf = malloc(16384);

	snprintf(path, sizeof(path), "%s/journal", e->state_dir);
	snprintf(want, sizeof(want), "/byoc-%s", e->id);
	if (!buf || read_path(path, buf, 16384) <= 0)
		return;
	for (char *line = strtok(buf, "\n"); line && t->n_cgroups < MAX_CGROUPS;
	     line = strtok(NULL, "\n")) {
		size_t len = strlen(line), w = strlen(want);
		if (strncmp(line, "/sys/fs/cgroup/", 15) == 0 && len > w &&
		    strcmp(line + len - w, want) == 0 && len < sizeof(t->cgroups[0]))
			memcpy(t->cgroups[t->n_cgroups++], line, len + 1);
	}
}

static int read_seccomp(const struct byoc_enter *e, struct target *t, struct byoc_error *err)
{
	struct sock_fprog prog;
	int r = byoc_record_seccomp(e->state_dir, &prog);

	if (r < 0)
		return byoc_error_sys(err, -r, "reading the seccomp filter in %s/config",
				      e->state_dir);
	t->filter = prog.filter;
	t->filter_len = prog.len;
	return 0;
}

static int open_target(const struct byoc_enter *e, struct target *t, struct byoc_error *err)
{
	char path[64], self[64];
	struct stat theirs, ours;

	for (size_t i = 0; i < N_NS; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)e->pid, namespaces[i].name);
		snprintf(self, sizeof(self), "/proc/self/ns/%s", namespaces[i].name);
		if (stat(path, &theirs) < 0 && errno == ENOENT)
			continue; /* a kernel without this namespace */
		if (stat(self, &ours) == 0 && theirs.st_ino == ours.st_ino &&
		    theirs.st_dev == ours.st_dev)
			continue;
		t->ns[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (t->ns[i] < 0)
			return byoc_error_sys(err, errno, "open(%s)", path);
	}
	snprintf(path, sizeof(path), "/proc/%d/root", (int)e->pid);
	t->root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->root < 0)
		return byoc_error_sys(err, errno, "open(%s)", path);
	if (read_status(e->pid, t, err) < 0 || read_environ(e, t, err) < 0 ||
	    read_seccomp(e, t, err) < 0)
		return -EINVAL;
	read_cgroups(e, t);
	if (e->has_caps) {
		t->cap_bnd &= e->caps, t->cap_prm &= e->caps, t->cap_eff &= e->caps;
		t->cap_inh &= e->caps, t->cap_amb &= e->caps;
	}
	/* All of it from the container's PID 1, not from a process that got
	 * its PID since. */
	if (byoc_record_start_time(e->pid) != e->start_time)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "the container's PID 1 (%d) exited meanwhile: nothing to "
				      "enter",
				      (int)e->pid);
	return 0;
}

static _Noreturn void fail(int sock, struct byoc_error *err)
{
	if (err->status == 0)
		err->status = BYOC_EXIT_RUNTIME;
	send(sock, err, sizeof(*err), MSG_NOSIGNAL);
	_exit(err->status);
}

/* The capabilities of PID 1: execve() recomputes them from these as it did
 * for PID 1 (see capabilities(7)). */
static int set_caps(const struct target *t, struct byoc_error *err)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {
		{ (uint32_t)t->cap_prm, (uint32_t)t->cap_prm, (uint32_t)t->cap_inh },
		{ (uint32_t)(t->cap_prm >> 32), (uint32_t)(t->cap_prm >> 32),
		  (uint32_t)(t->cap_inh >> 32) },
	};

	for (int cap = 0; cap < 64; cap++)
		if (!(t->cap_bnd & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			return byoc_error_sys(err, errno, "prctl(PR_CAPBSET_DROP, %d)", cap);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return byoc_error_sys(err, errno, "capset");
	for (int cap = 0; cap < 64; cap++)
		if ((t->cap_amb & (1ULL << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return byoc_error_sys(err, errno, "prctl(PR_CAP_AMBIENT_RAISE, %d)", cap);
	return 0;
}

/* The command's process, in the container's PID namespace: becomes root
 * inside, takes its terminal and directory, the same limits as PID 1, and
 * replaces itself by the sealed init, which execs the command. */
static _Noreturn void command_main(const struct byoc_enter *e, struct target *t, int sock,
				   int report, const sigset_t *oldmask)
{
	struct byoc_error err = { 0 };
	char cwd[4096];
	int init_fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (BYOC_SYS(&err, setresgid(e->gid, e->gid, e->gid), "setresgid(%u)", e->gid) < 0 ||
	    BYOC_SYS(&err, setgroups(e->n_groups, e->groups), "setgroups") < 0 ||
	    BYOC_SYS(&err, setresuid(0, 0, 0), "setresuid(0)") < 0)
		fail(sock, &err);
	if (e->tty) {
		struct winsize ws;
		bool have_ws = byoc_tty_winsize(&ws);
		if (byoc_tty_child(sock, have_ws ? &ws : NULL, &err) < 0)
			fail(sock, &err);
	} else if (!e->interactive) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0) {
			byoc_error_sys(&err, errno, "open(/dev/null)");
			fail(sock, &err);
		}
		close(null);
	}
	/* A directory fd the runtime held would leave getcwd() outside the
	 * new root, "(unreachable)/...": refuse that (CVE-2024-21626). */
	if (chdir(e->workdir ? e->workdir : "/") < 0) {
		char name[16];
		byoc_error_set(&err, BYOC_EXIT_RUNTIME,
			       "-w %s: chdir: %s: give a directory that exists in the container",
			       e->workdir, byoc_errno_name(errno, name, sizeof(name)));
		fail(sock, &err);
	}
	if (!getcwd(cwd, sizeof(cwd)) || cwd[0] != '/') {
		byoc_error_set(&err, BYOC_EXIT_RUNTIME,
			       "the working directory is outside the container's root: refused");
		fail(sock, &err);
	}
	init_fd = byoc_init_load(&err);
	if (init_fd < 0 || fcntl(report, F_SETFD, 0) < 0)
		fail(sock, &err);
	if (set_caps(t, &err) < 0)
		fail(sock, &err);
	/* Another user than root: its capabilities go, as on any execve(). */
	if (e->uid != 0 &&
	    BYOC_SYS(&err, setresuid(e->uid, e->uid, e->uid), "setresuid(%u)", e->uid) < 0)
		fail(sock, &err);
	if ((t->no_new_privs || e->no_new_privs) && BYOC_SYS(&err, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0),
					"prctl(PR_SET_NO_NEW_PRIVS)") < 0)
		fail(sock, &err);
	if (t->filter_len) {
		struct sock_fprog prog = { t->filter_len, t->filter };
		if (BYOC_SYS(&err, prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog),
			     "prctl(PR_SET_SECCOMP)") < 0)
			fail(sock, &err);
	}
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	/* Detached: the joiner exits once the command runs. */
	if (e->detach)
		prctl(PR_SET_PDEATHSIG, 0);
	byoc_init_exec_command(init_fd, report, e->argv, t->envp, &err);
	fail(sock, &err);
}

/* The joiner: a process of the host's PID namespace that enters every other
 * namespace of the container, forks the command into its PID namespace,
 * says how its execve() went, and exits with its status. */
static _Noreturn void joiner_main(const struct byoc_enter *e, struct target *t, int sock,
				  const sigset_t *oldmask)
{
	struct byoc_error err = { 0 };
	int report[2], ws = 0, got_errno;
	ssize_t n;
	pid_t command;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (e->unlock_fd >= 0)
		close(e->unlock_fd); /* the caller's, until the command runs */
	/* Nothing inside may open this copy of the runtime through /proc. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	for (size_t i = 0; i < t->n_cgroups; i++) {
		char path[600];
		snprintf(path, sizeof(path), "%s/cgroup.procs", t->cgroups[i]);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0\n", 2) != 2) {
			byoc_error_sys(&err, errno, "write(%s)", path);
			fail(sock, &err);
		}
		close(fd);
	}
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		byoc_error_sys(&err, errno, "close_range(CLOSE_RANGE_CLOEXEC)");
		fail(sock, &err);
	}
	for (size_t i = 0; i < N_NS; i++)
		if (t->ns[i] >= 0 && setns(t->ns[i], namespaces[i].flag) < 0) {
			byoc_error_sys(&err, errno, "setns(%s namespace)", namespaces[i].name);
			fail(sock, &err);
		}
	if (BYOC_SYS(&err, fchdir(t->root), "fchdir(the container's root)") < 0 ||
	    BYOC_SYS(&err, chroot("."), "chroot(the container's root)") < 0 ||
	    BYOC_SYS(&err, chdir("/"), "chdir(/)") < 0)
		fail(sock, &err);
	if (pipe2(report, O_CLOEXEC) < 0) {
		byoc_error_sys(&err, errno, "pipe2");
		fail(sock, &err);
	}
	command = fork();
	if (command < 0) {
		byoc_error_sys(&err, errno, "fork");
		fail(sock, &err);
	}
	if (command == 0) {
		close(report[0]);
		command_main(e, t, sock, report[1], oldmask);
	}
	close(report[1]);
	char msg[1 + sizeof(pid_t)] = { 'P' };
	memcpy(msg + 1, &command, sizeof(command));
	send(sock, msg, sizeof(msg), MSG_NOSIGNAL);
	/* EOF: the command runs (the init's execve() closed the pipe), or it
	 * died before, having said why. An errno: the init could not run
	 * it; explained here, where the container's files are. */
	while ((n = read(report[0], &got_errno, sizeof(got_errno))) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(got_errno)) {
		byoc_exec_error(e->argv[0], got_errno, &err);
		send(sock, &err, sizeof(err), MSG_NOSIGNAL);
	} else {
		send(sock, "R", 1, MSG_NOSIGNAL);
		if (e->detach)
			_exit(0); /* the command goes to the caller's subreaper */
	}
	while (waitpid(command, &ws, 0) < 0 && errno == EINTR)
		;
	_exit(WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws));
}

/* Until the joiner says the command runs, or why not. Returns 0, or < 0
 * with err filled. */
static int await_command(int sock, pid_t *command, int *master, struct byoc_error *err)
{
	for (;;) {
		struct byoc_error report;
		int fd = -1;
		ssize_t got = byoc_tty_recv(sock, &report, sizeof(report), &fd);

		if (fd >= 0) {
			*master = fd;
			continue;
		}
		if (got < 0 && errno == EINTR)
			continue;
		if (got == 1 + (ssize_t)sizeof(pid_t) && ((char *)&report)[0] == 'P') {
			memcpy(command, (char *)&report + 1, sizeof(*command));
			continue;
		}
		if (got == 1 && ((char *)&report)[0] == 'R')
			return 0;
		if (got == (ssize_t)sizeof(report)) {
			*err = report;
			return -EINVAL;
		}
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "the process entering the container died before the command "
				      "ran: run with -v to see where");
	}
}

static int relay(const struct byoc_enter *e, pid_t joiner, pid_t command, int master,
		 const sigset_t *waitset, int *status, struct byoc_error *err)
{
	struct byoc_tty tty = { .master = -1, .in = -1, .out = 1, .term_fd = -1 };
	_cleanup_close_ int sfd = signalfd(-1, waitset, SFD_CLOEXEC | SFD_NONBLOCK);
	int ws = 0, r = 0;
	bool ended = false;

	if (sfd < 0)
		return byoc_error_sys(err, errno, "signalfd");
	if (master >= 0 && (r = byoc_tty_attach(&tty, master, e->interactive ? 0 : -1, err)) < 0)
		return r;
	while (!ended || tty.master >= 0) {
		struct pollfd fds[3];
		size_t n = 0;

		if (!ended)
			fds[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (tty.master >= 0)
			n += byoc_tty_pollfds(&tty, fds + n);
		int ready = poll(fds, n, ended ? 2000 : -1);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0)
			break;
		if (!ended && fds[0].revents) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGCHLD)
					ended = waitpid(joiner, &ws, WNOHANG) == joiner;
				else if (si.ssi_signo == SIGWINCH && tty.master >= 0)
					byoc_tty_resize(&tty);
				else if (!(si.ssi_code == SI_KERNEL && !e->tty &&
					   getpgid(command) == getpgrp()) &&
					 command > 0)
					kill(command, (int)si.ssi_signo);
			}
		}
		if (tty.master >= 0 && byoc_tty_pump(&tty, fds, n, err) <= 0)
			byoc_tty_detach(&tty);
	}
	byoc_tty_detach(&tty);
	if (!ended)
		while (waitpid(joiner, &ws, 0) < 0 && errno == EINTR)
			;
	*status = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
	return 0;
}

int byoc_enter(const struct byoc_enter *e, int *status, struct byoc_error *err)
{
	static const int forwarded[] = { BYOC_FORWARDED_SIGNALS };
	struct target t = { .root = -1 };
	sigset_t waitset, oldmask;
	int sp[2], master = -1, r;
	pid_t joiner, command = 0;

	for (size_t i = 0; i < N_NS; i++)
		t.ns[i] = -1;
	r = open_target(e, &t, err);
	if (r < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		if (r == 0)
			r = byoc_error_sys(err, errno, "socketpair");
		target_close(&t);
		if (e->unlock_fd >= 0)
			close(e->unlock_fd);
		return r;
	}
	sigemptyset(&waitset);
	sigaddset(&waitset, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&waitset, forwarded[i]);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_BLOCK, &waitset, &oldmask);
	joiner = fork();
	if (joiner == 0) {
		close(sp[0]);
		joiner_main(e, &t, sp[1], &oldmask);
	}
	close(sp[1]);
	target_close(&t);
	if (joiner < 0)
		r = byoc_error_sys(err, errno, "fork");
	else
		r = await_command(sp[0], &command, &master, err);
	if (e->unlock_fd >= 0)
		close(e->unlock_fd);
	if (r == 0 && e->detach) {
		*e->command_pid = command;
		*status = 0;
		if (e->tty_master)
			*e->tty_master = master;
		else if (master >= 0)
			close(master);
		while (waitpid(joiner, NULL, 0) < 0 && errno == EINTR)
			;
	} else if (r == 0) {
		r = relay(e, joiner, command, master, &waitset, status, err);
	} else if (joiner > 0) {
		/* The joiner reaps the command's process and exits by itself:
		 * killed, it would leave that process a zombie for the
		 * container's PID 1, which may never reap it. */
		if (master >= 0)
			close(master);
		while (waitpid(joiner, NULL, 0) < 0 && errno == EINTR)
			;
	}
	close(sp[0]);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	return r;
}
