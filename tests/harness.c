#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *h_bin;
const char *h_rootfs;
char h_tmp[256];

static const int run_timeout_ms = 30000;

char *h_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

struct buf {
	char *data;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			abort();
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void h_run_argv(struct h_run *r, const char *const *argv)
{
	int out[2], err[2], ws;
	struct buf bo = { 0 }, be = { 0 };
	long deadline = now_ms() + run_timeout_ms;
	bool timed_out = false;
	pid_t pid;

	ck_assert_msg(pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0, "pipe2: %s",
		      strerror(errno));
	pid = fork();
	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		if (chdir(h_tmp) < 0)
			_exit(98);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "harness: execv(%s): %s\n", argv[0], strerror(errno));
		_exit(98);
	}
	close(out[1]);
	close(err[1]);

	struct pollfd p[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		long left = deadline - now_ms();
		if (left <= 0) {
			timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(p, 2, (int)left) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			char chunk[4096];
			ssize_t n;
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, chunk, sizeof(chunk));
			if (n > 0) {
				buf_add(i ? &be : &bo, chunk, (size_t)n);
			} else {
				close(p[i].fd);
				p[i].fd = -1;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	buf_add(&bo, "", 0);
	buf_add(&be, "", 0);
	r->out = bo.data;
	r->err = be.data;
	if (timed_out)
		r->status = -1;
	else
		r->status = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
}

void h_run_free(struct h_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

void h_container_sh(struct h_run *r, const char *const *opts, const char *script,
		    const char *const *args)
{
	const char *argv[64];
	size_t n = 0;
	char *full = h_printf("[ -e /etc/byoc-rootfs ] || { echo 'byoc-test: this shell runs "
			      "outside the lab rootfs' >&2; exit %d; }\n%s",
			      H_OUTSIDE_ROOTFS, script);

	argv[n++] = h_bin;
	for (; opts && *opts; opts++)
		argv[n++] = *opts;
	argv[n++] = "--";
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = full;
	argv[n++] = "sh";
	for (; args && *args && n < 63; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	h_run_argv(r, argv);
	free(full);
}

void h_assert_ran_inside(const struct h_run *r)
{
	ck_assert_msg(r->status != -1,
		      "expected the container to finish; it was still running "
		      "after %d s and was killed",
		      run_timeout_ms / 1000);
	ck_assert_msg(r->status != 125,
		      "expected the container to start; the runtime failed "
		      "with status 125: %s",
		      r->err);
	ck_assert_msg(r->status != H_OUTSIDE_ROOTFS,
		      "expected the command to run inside the rootfs (it has /etc/byoc-rootfs); "
		      "it ran with the host's / as its root");
}

void h_write_file(const char *path, const char *content, unsigned mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	ck_assert_msg(fd >= 0, "open(%s): %s", path, strerror(errno));
	ck_assert_msg(write(fd, content, strlen(content)) == (ssize_t)strlen(content),
		      "write(%s): %s", path, strerror(errno));
	close(fd);
	chmod(path, mode);
}

char *h_random_token(void)
{
	unsigned char raw[8];
	char *s;

	ck_assert(getrandom(raw, sizeof(raw), 0) == sizeof(raw));
	s = h_printf("token-%02x%02x%02x%02x%02x%02x%02x%02x", raw[0], raw[1], raw[2], raw[3],
		     raw[4], raw[5], raw[6], raw[7]);
	return s;
}

char *h_dev_ino(const char *path)
{
	struct stat st;

	ck_assert_msg(stat(path, &st) == 0, "stat(%s): %s", path, strerror(errno));
	return h_printf("%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
}

size_t h_count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}
