/* -t: the command gets a pseudo-terminal, as with docker -t. The command's side opens it from
 * the container's own devpts (/dev/ptmx -> pts/ptmx), so that the pty belongs to the container's
 * devpts instance, not the host's, and sends the master to the runtime. The runtime relays with
 * its own terminal in raw mode: the container's tty does the line editing, and Ctrl-C reaches it
 * as a byte that it turns into SIGINT for the command. */
#pragma once

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/ioctl.h> /* struct winsize: glibc's <termios.h> does not define it */
#include <sys/types.h>
#include <termios.h>

#include "error.h"

/* Child side. In the process about to execve the command, inside the container: open /dev/ptmx
 * (O_RDWR|O_NOCTTY|O_CLOEXEC), unlock it (TIOCSPTLCK 0), open its slave with TIOCGPTPEER
 * (O_RDWR|O_NOCTTY), set the slave's window size to *ws when ws is not NULL, start a new
 * session (setsid(); if the process already leads a session, that EPERM is fine), make the
 * slave the controlling terminal (TIOCSCTTY, 0), dup2 it onto 0, 1 and 2 (not close-on-exec),
 * close the original slave fd if it is above 2, send the master fd over `sock` with
 * byoc_tty_send_fd(), then close the master in this process. Returns 0 or < 0 with err filled
 * (status 125). */
int byoc_tty_child(int sock, const struct winsize *ws, struct byoc_error *err);

/* Send `fd` over the unix socket `sock` (SOCK_SEQPACKET or SOCK_STREAM) as SCM_RIGHTS with one
 * data byte 'T', MSG_NOSIGNAL. Returns 0 or -errno (err filled). */
int byoc_tty_send_fd(int sock, int fd, struct byoc_error *err);

/* recvmsg() on `sock` into buf/len, with room for one SCM_RIGHTS fd (MSG_CMSG_CLOEXEC). Returns
 * what recvmsg() returns (-1 with errno set on failure, 0 at EOF); *fd is the fd received, or -1.
 * If more than one fd arrives, the extra ones are closed. */
ssize_t byoc_tty_recv(int sock, void *buf, size_t len, int *fd);

/* The host side's relay state. */
struct byoc_tty {
	int master; /* the pty master, -1 before attach */
	int in;	    /* where keystrokes come from: 0, or -1 when stdin is not passed */
	int out;    /* where the container's output goes (1, or a log's fd; see sink) */
	/* When set, output goes to sink(sink_arg, buf, n) instead of write(out) (a detached
	 * container's log). Returns 0 or -errno. */
	int (*sink)(void *arg, const void *buf, size_t n);
	void *sink_arg;
	bool raw;    /* `saved` holds the terminal's settings, to restore */
	int term_fd; /* the terminal whose settings were changed, -1 when none */
	struct termios saved;
	char to_master[4096]; /* keystrokes not yet written to the master */
	size_t to_master_len;
	bool in_eof; /* stdin reached EOF: send the master VEOF (^D) once, stop reading */
};

/* The window size of the terminal on fd 0 or 1 (whichever is a terminal), into *ws. Returns
 * whether there was one. */
bool byoc_tty_winsize(struct winsize *ws);

/* Start relaying: t->master = master; `in` is 0 when the runtime's stdin is passed (-i), else
 * -1; output goes to fd 1 unless sink is set afterwards by the caller. If stdin is a terminal
 * and in >= 0, put it in raw mode (cfmakeraw on a copy, TCSANOW), remember the old settings
 * and register a restore that also runs from atexit() (one static pointer to the last attached
 * relay is fine). Copy the window size (byoc_tty_winsize) to the master (TIOCSWINSZ). Make the
 * master non-blocking. Returns 0 or < 0 with err. */
int byoc_tty_attach(struct byoc_tty *t, int master, int in, struct byoc_error *err);

/* SIGWINCH arrived: copy the runtime's window size to the master again. */
void byoc_tty_resize(struct byoc_tty *t);

/* The pollfd entries the relay wants, appended to fds (at most 2): the master (POLLIN, plus
 * POLLOUT while to_master_len > 0) and stdin (POLLIN, while in >= 0 and !in_eof and the buffer
 * has room). Returns how many were added. */
size_t byoc_tty_pollfds(const struct byoc_tty *t, struct pollfd *fds);

/* After poll(): move what is ready (reads up to 64 KiB per call at most, never blocks: master
 * is non-blocking; stdin is read only when poll said POLLIN). `fds`/`n` are the whole poll
 * array; find your entries by fd. Returns 1 while the master is open, 0 once it hung up (EIO or
 * POLLHUP on the master with nothing left to read: the command and everything holding the
 * slave are gone), or < 0 with err filled. EOF on stdin: write the terminal's VEOF character
 * (from the master's termios, default 4) to the master once, then stop polling stdin. */
int byoc_tty_pump(struct byoc_tty *t, const struct pollfd *fds, size_t n, struct byoc_error *err);

/* Read what is left on the master (non-blocking) into the output, then restore the terminal
 * (tcsetattr TCSADRAIN with the saved settings) and close the master. Safe to call twice and
 * on a struct that was never attached (zero-initialised with master = -1). */
void byoc_tty_detach(struct byoc_tty *t);

/* Restore the terminal only (for a signal or error path). Idempotent, async-signal-safe
 * (tcsetattr is). */
void byoc_tty_restore(struct byoc_tty *t);
