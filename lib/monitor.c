#define _GNU_SOURCE
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "record.h"
#include "tty.h"

int byoc_monitor_detach(struct byoc_container *c, struct byoc_error *err)
{
	int ready[2], ws;
	struct byoc_error report;
	ssize_t got;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return byoc_error_sys(err, errno, "pipe2(monitor)");
	pid = fork();
	if (pid < 0) {
		byoc_error_sys(err, errno, "fork(monitor)");
		close(ready[0]);
		close(ready[1]);
		return -EAGAIN;
	}
	if (pid == 0) {
		close(ready[0]);
		c->ready_fd = ready[1];
		/* A session of its own: the terminal's hang-up and Ctrl-C are
		 * not the monitor's; see setsid(2). */
		setsid();
		byoc_log_set_role("monitor");
		return 0;
	}
	close(ready[1]);
	while ((got = read(ready[0], &report, sizeof(report))) < 0 && errno == EINTR)
		;
	close(ready[0]);
	if (got == (ssize_t)sizeof(report) && report.status == 0)
		return 1;
	if (got == (ssize_t)sizeof(report)) {
		*err = report;
		waitpid(pid, NULL, 0);
		return -EINVAL;
	}
	ws = 0;
	waitpid(pid, &ws, 0);
	return byoc_error_set(err, BYOC_EXIT_RUNTIME,
			      "the container's monitor (PID %d) %s %d before the command ran: run "
			      "it again with -v to see where",
			      (int)pid, WIFSIGNALED(ws) ? "died of signal" : "exited with status",
			      WIFSIGNALED(ws) ? WTERMSIG(ws) : WEXITSTATUS(ws));
}

void byoc_monitor_report(struct byoc_container *c, const struct byoc_error *err)
{
	struct byoc_error ok = { 0 };
	int null;

	if (c->ready_fd < 0)
		return;
	if (write(c->ready_fd, err ? err : &ok, sizeof(ok)) != (ssize_t)sizeof(ok))
		byoc_log("cannot report to byoc run -d: %s", strerror(errno));
	close(c->ready_fd);
	c->ready_fd = -1;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; null >= 0 && fd <= 2; fd++)
		dup3(null, fd, 0);
	if (null > 2)
		close(null);
}

int byoc_monitor_open_log(struct byoc_container *c, struct byoc_error *err)
{
	char path[4200];
	int out[2], null;

	snprintf(path, sizeof(path), "%s/log", c->state.dir);
	c->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (c->log_fd < 0)
		return byoc_error_sys(err, errno, "open(%s)", path);
	c->log_size = 0;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return byoc_error_sys(err, errno, "open(/dev/null)");
	c->stdio[0] = null;
	if (c->opts->tty)
		return 0; /* -t: the terminal's master is the output */
	if (pipe2(out, O_CLOEXEC) < 0)
		return byoc_error_sys(err, errno, "pipe2(log)");
	c->log_pipe = out[0];
	c->stdio[1] = c->stdio[2] = out[1];
	return 0;
}

/* Append to the log; past BYOC_LOG_MAX it becomes log.1 and a new one
 * starts, so a chatty container never fills the machine's /run. */
static int log_write(void *arg, const void *buf, size_t n)
{
	struct byoc_container *c = arg;

	if (c->log_size + (long long)n > BYOC_LOG_MAX) {
		char from[4200], to[4200];
		snprintf(from, sizeof(from), "%s/log", c->state.dir);
		snprintf(to, sizeof(to), "%s/log.1", c->state.dir);
		int fd =
			rename(from, to) == 0
				? open(from, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
				       0600)
				: -1;
		if (fd >= 0) {
			close(c->log_fd);
			c->log_fd = fd;
			c->log_size = 0;
		}
	}
	for (size_t done = 0; done < n;) {
		ssize_t w = write(c->log_fd, (const char *)buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -(errno ? errno : EIO);
		done += (size_t)w;
		c->log_size += w;
	}
	return 0;
}

/* The command's output pipe into the log. Returns whether it is still open. */
static bool pump_log(struct byoc_container *c)
{
	char buf[65536];
	ssize_t got = read(c->log_pipe, buf, sizeof(buf));

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (got <= 0)
		return false;
	log_write(c, buf, (size_t)got);
	return true;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One signal from the signalfd: SIGCHLD reaps the command if it ended
 * (returns 1 and fills *ws), any other is passed on to it. */
static int take_signal(struct byoc_container *c, struct byoc_tty *tty, int sfd, int *ws)
{
	struct signalfd_siginfo si;
	ssize_t got = read(sfd, &si, sizeof(si));

	if (got != (ssize_t)sizeof(si))
		return 0;
	if (si.ssi_signo == SIGCHLD)
		return waitpid(c->pid, ws, WNOHANG) == c->pid;
	if (si.ssi_signo == SIGWINCH && tty->master >= 0) {
		byoc_tty_resize(tty);
		return 0;
	}
	/* The terminal already sent Ctrl-C and friends to its whole
	 * foreground process group: do not deliver them twice. */
	if (si.ssi_code == SI_KERNEL && getpgid(c->pid) == getpgrp())
		return 0;
	byoc_log("forwarding signal %u (%s) to %d", si.ssi_signo, strsignal((int)si.ssi_signo),
		 (int)c->pid);
	kill(c->pid, (int)si.ssi_signo);
	return 0;
}

int byoc_monitor_wait(struct byoc_run *run, int *status, struct byoc_error *err)
{
	struct byoc_container *c = run->c;
	struct byoc_tty tty = { .master = -1, .in = -1, .out = 1, .term_fd = -1 };
	_cleanup_close_ int sfd = signalfd(-1, &run->waitset, SFD_CLOEXEC | SFD_NONBLOCK);
	bool ended = false;
	int ws = 0, r = 0;

	if (sfd < 0) {
		r = byoc_error_sys(err, errno, "signalfd");
		goto fail;
	}
	if (c->tty_master >= 0) {
		r = byoc_tty_attach(&tty, c->tty_master, c->opts->detach ? -1 : 0, err);
		c->tty_master = -1; /* the relay's now */
		if (r < 0)
			goto fail;
		if (c->opts->detach) {
			tty.sink = log_write;
			tty.sink_arg = c;
		}
	}
	/* Until the command ends, and then until its output is drained: the
	 * kernel kills what is left in its PID namespace, which closes the
	 * last writers. */
	for (;;) {
		struct pollfd fds[4];
		size_t n = 0;
		int ready;

		if (!ended)
			fds[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (c->log_pipe >= 0)
			fds[n++] = (struct pollfd){ .fd = c->log_pipe, .events = POLLIN };
		if (tty.master >= 0)
			n += byoc_tty_pollfds(&tty, fds + n);
		if (n == 0)
			break; /* ended, and its output drained */
		ready = poll(fds, n, ended ? 2000 : -1);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0) {
			r = byoc_error_sys(err, errno, "poll");
			goto fail;
		}
		if (ready == 0)
			break; /* something still holds the output open: enough */
		for (size_t i = 0; i < n; i++) {
			if (!fds[i].revents)
				continue;
			if (fds[i].fd == sfd && take_signal(c, &tty, sfd, &ws))
				ended = true;
			else if (fds[i].fd == c->log_pipe && !pump_log(c)) {
				close(c->log_pipe);
				c->log_pipe = -1;
			}
		}
		if (tty.master >= 0 && byoc_tty_pump(&tty, fds, n, err) <= 0)
			byoc_tty_detach(&tty);
	}
	byoc_tty_detach(&tty);
	*status = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
	byoc_log("the command exited with status %d", *status);
	if (c->opts->detach)
		byoc_record_write_exit(&c->state, *status, now_ns(), "");
	return 0;
fail:
	byoc_tty_detach(&tty);
	kill(c->pid, SIGKILL);
	while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
		;
	return r;
}

void byoc_monitor_close(struct byoc_container *c)
{
	/* Not ready_fd: the driver reports on it after the run. */
	int *fds[] = { &c->log_pipe, &c->log_fd, &c->tty_master };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}
