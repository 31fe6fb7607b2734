#define _GNU_SOURCE
#include "tty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41) /* Linux 4.13 */
#endif

#define PUMP_MAX  (64 * 1024)	/* bytes taken from the master per byoc_tty_pump() */
#define DRAIN_MAX (1024 * 1024) /* ... and by byoc_tty_detach(), should the command live on */

/* Control data with room for one fd, aligned for struct cmsghdr; see cmsg(3). */
union fd_cmsg {
	struct cmsghdr align;
	char buf[CMSG_SPACE(sizeof(int))];
};

/* The relay whose terminal atexit() puts back. */
static struct byoc_tty *attached;

int byoc_tty_send_fd(int sock, int fd, struct byoc_error *err)
{
	char byte = 'T';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union fd_cmsg ctl;
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c;
	ssize_t n;

	/* One data byte: a stream socket carries no ancillary data without one; see unix(7). */
	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return byoc_error_sys(
			err, errno,
			"sendmsg(SCM_RIGHTS, pty master): the runtime must keep its end "
			"of the socket open until it has the fd");
	return 0;
}

ssize_t byoc_tty_recv(int sock, void *buf, size_t len, int *fd)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	union fd_cmsg ctl;
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return n;
	/* CMSG_SPACE() may pad room for one fd to two; fds beyond the room the kernel drops. */
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int got;
			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*fd < 0)
				*fd = got;
			else
				close(got);
		}
	}
	return n;
}

int byoc_tty_child(int sock, const struct winsize *ws, struct byoc_error *err)
{
	_cleanup_close_ int master = -1, slave = -1;
	int unlock = 0, r;

	master = BYOC_SYS(err, open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC),
			  "open(/dev/ptmx): the container needs its own devpts on /dev/pts and "
			  "/dev/ptmx a symlink to pts/ptmx");
	if (master < 0)
		return master;
	r = BYOC_SYS(err, ioctl(master, TIOCSPTLCK, &unlock), "ioctl(/dev/ptmx, TIOCSPTLCK, 0)");
	if (r < 0)
		return r;
	/* Through the master, not by its name: /dev/pts/N might name another devpts's slave
	 * (ioctl_tty(2), TIOCGPTPEER). Not O_CLOEXEC: the slave is to become 0, 1 and 2, and
	 * dup2() onto itself, when it lands there, would not clear the flag. */
	slave = BYOC_SYS(err, ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY),
			 "ioctl(/dev/ptmx, TIOCGPTPEER): needs Linux 4.13 or later");
	if (slave < 0)
		return slave;
	if (ws) {
		r = BYOC_SYS(err, ioctl(slave, TIOCSWINSZ, ws), "ioctl(pty slave, TIOCSWINSZ)");
		if (r < 0)
			return r;
	}
	/* Only a session leader without a terminal may take one (ioctl_tty(2), TIOCSCTTY). */
	if (setsid() < 0 && getsid(0) != getpid())
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "setsid(): EPERM: this process leads a process group, so it "
				      "cannot start a session to take the pty: call "
				      "byoc_tty_child() in a freshly forked child");
	if (ioctl(slave, TIOCSCTTY, 0) < 0) {
		r = byoc_error_sys(err, errno, "ioctl(pty slave, TIOCSCTTY)");
		if (r == -EPERM) /* the fix is a session of its own, not "run as root" */
			snprintf(err->msg, sizeof(err->msg),
				 "ioctl(pty slave, TIOCSCTTY): EPERM: the session has a terminal "
				 "already: run the command in a session of its own");
		return r;
	}
	for (int fd = 0; fd <= 2; fd++) {
		if (fd == slave)
			continue;
		r = BYOC_SYS(err, dup2(slave, fd), "dup2(pty slave, %d)", fd);
		if (r < 0)
			return r;
	}
	if (slave > 2)
		close(slave);
	slave = -1; /* when 0, 1 or 2, it stays open for the command */
	r = byoc_tty_send_fd(sock, master, err);
	if (r < 0)
		return r;
	close(byoc_steal_fd(&master));
	return 0;
}

bool byoc_tty_winsize(struct winsize *ws)
{
	return ioctl(0, TIOCGWINSZ, ws) == 0 || ioctl(1, TIOCGWINSZ, ws) == 0;
}

static int set_termios(int fd, int when, const struct termios *tio)
{
	int r;

	do
		r = tcsetattr(fd, when, tio);
	while (r < 0 && errno == EINTR);
	return r;
}

void byoc_tty_restore(struct byoc_tty *t)
{
	if (!t || !t->raw)
		return;
	set_termios(t->term_fd, TCSADRAIN, &t->saved);
	t->raw = false;
}

static void restore_at_exit(void)
{
	byoc_tty_restore(attached);
}

int byoc_tty_attach(struct byoc_tty *t, int master, int in, struct byoc_error *err)
{
	static bool registered;
	struct termios raw;
	struct winsize ws;
	int flags;

	*t = (struct byoc_tty){ .master = master, .in = in, .out = 1, .term_fd = -1 };
	/* First, so that byoc_tty_detach() never blocks on the master, even after a failure. */
	flags = BYOC_SYS(err, fcntl(master, F_GETFL), "fcntl(pty master, F_GETFL)");
	if (flags < 0)
		return flags;
	flags = BYOC_SYS(err, fcntl(master, F_SETFL, flags | O_NONBLOCK),
			 "fcntl(pty master, F_SETFL, O_NONBLOCK)");
	if (flags < 0)
		return flags;
	if (byoc_tty_winsize(&ws) && ioctl(master, TIOCSWINSZ, &ws) < 0)
		return byoc_error_sys(err, errno, "ioctl(pty master, TIOCSWINSZ)");
	if (in < 0 || !isatty(in))
		return 0;
	if (!registered && atexit(restore_at_exit) != 0)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "atexit(): no room to register the terminal's restore");
	registered = true;
	if (tcgetattr(in, &t->saved) < 0)
		return byoc_error_sys(err, errno, "tcgetattr(stdin)");
	/* Raw: no echo, no line editing, no signals from ^C or ^Z here; all of that is the
	 * container's terminal's job, as the bytes reach it (termios(3), "Raw mode"). */
	raw = t->saved;
	cfmakeraw(&raw);
	attached = t;
	t->term_fd = in;
	t->raw = true;
	if (set_termios(in, TCSANOW, &raw) < 0) {
		t->raw = false;
		return byoc_error_sys(err, errno, "tcsetattr(stdin, TCSANOW, raw)");
	}
	return 0;
}

void byoc_tty_resize(struct byoc_tty *t)
{
	struct winsize ws;

	/* The kernel sends SIGWINCH to the command's foreground process group (ioctl_tty(2)). */
	if (t->master >= 0 && byoc_tty_winsize(&ws) && ioctl(t->master, TIOCSWINSZ, &ws) < 0)
		byoc_log("ioctl(pty master, TIOCSWINSZ): %s", strerror(errno));
}

size_t byoc_tty_pollfds(const struct byoc_tty *t, struct pollfd *fds)
{
	size_t n = 0;

	if (t->master >= 0) {
		short events = t->to_master_len > 0 ? POLLIN | POLLOUT : POLLIN;
		fds[n++] = (struct pollfd){ .fd = t->master, .events = events };
	}
	if (t->in >= 0 && !t->in_eof && t->to_master_len < sizeof(t->to_master))
		fds[n++] = (struct pollfd){ .fd = t->in, .events = POLLIN };
	return n;
}

static int write_output(struct byoc_tty *t, const char *buf, size_t n, struct byoc_error *err)
{
	if (t->sink) {
		int r = t->sink(t->sink_arg, buf, n);
		return r < 0 ? byoc_error_sys(err, -r, "write(container log)") : 0;
	}
	while (n > 0) {
		ssize_t w = write(t->out, buf, n);
		if (w < 0 && errno == EAGAIN) {
			/* Someone made the fd non-blocking: wait for room, not to drop output. */
			struct pollfd p = { .fd = t->out, .events = POLLOUT };
			if (poll(&p, 1, 100) < 0 && errno != EINTR)
				return byoc_error_sys(err, errno, "poll(fd %d, POLLOUT)", t->out);
		} else if (w < 0 && errno != EINTR) {
			return byoc_error_sys(err, errno, "write(fd %d, the container's output)",
					      t->out);
		} else if (w > 0) {
			buf += w;
			n -= (size_t)w;
		}
	}
	return 0;
}

/* Copy from the master to the output, up to `limit` bytes. Returns 1 while the master is open,
 * 0 once it hung up, or < 0. */
static int read_master(struct byoc_tty *t, size_t limit, bool hup, struct byoc_error *err)
{
	char buf[16384];

	for (size_t total = 0; total < limit;) {
		ssize_t n = read(t->master, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return hup ? 0 : 1;
		/* Once every fd on the slave is closed and the data is read, Linux's n_tty
		 * gives EIO rather than end of file. */
		if (n == 0 || (n < 0 && errno == EIO))
			return 0;
		if (n < 0)
			return byoc_error_sys(err, errno, "read(pty master)");
		int r = write_output(t, buf, (size_t)n, err);
		if (r < 0)
			return r;
		total += (size_t)n;
	}
	return 1;
}

static int read_stdin(struct byoc_tty *t, struct byoc_error *err)
{
	size_t room = sizeof(t->to_master) - t->to_master_len;
	struct termios tio;
	ssize_t n;

	if (t->in_eof || room == 0)
		return 0;
	do
		n = read(t->in, t->to_master + t->to_master_len, room);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n < 0)
		return byoc_error_sys(err, errno, "read(stdin)");
	t->to_master_len += (size_t)n;
	if (n > 0)
		return 0;
	/* End of input, for a reader of a terminal, is its VEOF character at the start of a line
	 * (termios(3), "Canonical and noncanonical mode"). On a master, tcgetattr() reads the
	 * slave's settings. */
	t->in_eof = true;
	t->to_master[t->to_master_len] = 4;
	if (tcgetattr(t->master, &tio) == 0 && tio.c_cc[VEOF] != _POSIX_VDISABLE)
		t->to_master[t->to_master_len] = (char)tio.c_cc[VEOF];
	t->to_master_len++;
	return 0;
}

static int write_master(struct byoc_tty *t, struct byoc_error *err)
{
	while (t->to_master_len > 0) {
		ssize_t n = write(t->master, t->to_master, t->to_master_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0 && errno == EIO) { /* the slave is gone: read_master() will say so */
			t->to_master_len = 0;
			return 0;
		}
		if (n < 0)
			return byoc_error_sys(err, errno, "write(pty master)");
		t->to_master_len -= (size_t)n;
		memmove(t->to_master, t->to_master + n, t->to_master_len);
	}
	return 0;
}

static short revents_of(const struct pollfd *fds, size_t n, int fd)
{
	short revents = 0;

	for (size_t i = 0; fd >= 0 && i < n; i++)
		if (fds[i].fd == fd)
			revents |= fds[i].revents;
	return revents;
}

int byoc_tty_pump(struct byoc_tty *t, const struct pollfd *fds, size_t n, struct byoc_error *err)
{
	short master = revents_of(fds, n, t->master), in = revents_of(fds, n, t->in);
	int r;

	if (in & (POLLIN | POLLHUP | POLLERR)) {
		r = read_stdin(t, err);
		if (r < 0)
			return r;
	}
	r = write_master(t, err);
	if (r < 0)
		return r;
	if (!(master & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
		return 1;
	return read_master(t, PUMP_MAX, master & POLLHUP, err);
}

void byoc_tty_detach(struct byoc_tty *t)
{
	struct byoc_error ignored;

	if (t->master >= 0)
		read_master(t, DRAIN_MAX, false, &ignored);
	byoc_tty_restore(t);
	if (t->master >= 0)
		close(t->master);
	t->master = -1;
	if (attached == t)
		attached = NULL;
}
