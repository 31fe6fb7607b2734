/* make bench's concurrency test: many containers at once, each printing its
 * address, all up together before any ends, every address its own. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "cleanup.h"

/* The IPv4 address a container printed (`ip -4 -o addr`: "inet A.B.C.D/N"). */
static char *address_in(const char *file)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	char buf[512], addr[64];
	size_t n;
	const char *p;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	p = strstr(buf, "inet ");
	if (!p || sscanf(p + 5, "%63[0-9.]", addr) != 1)
		return NULL;
	return strdup(addr);
}

/* Many containers at once: each prints its address and waits for a line on
 * a shared fifo, so that all are up together before any ends. */
int bench_run_concurrent(struct bench *b, const char *dir)
{
	struct bench_concurrency *c = &b->conc;
	size_t n = b->concurrent;
	pid_t *pid = calloc(n, sizeof(*pid));
	int *status = calloc(n, sizeof(*status));
	char **addr = calloc(n, sizeof(*addr));
	char gate[4096], file[4096];
	int gatefd;
	double t0;

	if (!pid || !status || !addr)
		abort();
	c->containers = n;
	c->ran = true;
	snprintf(gate, sizeof(gate), "%s/gate", dir);
	if (mkfifo(gate, 0600) < 0 || (gatefd = open(gate, O_RDWR | O_CLOEXEC)) < 0) {
		fprintf(stderr, "bench: mkfifo %s: %s: is %s writable?\n", gate, strerror(errno),
			dir);
		return -1;
	}
	t0 = bench_now_ms();
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int out = -1, err = -1;
		snprintf(file, sizeof(file), "%s/out.%zu", dir, i);
		out = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		snprintf(file, sizeof(file), "%s/err.%zu", dir, i);
		err = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		pid[i] = out < 0 || err < 0 ? -1
					    : bench_spawn(b->concurrent_path, b->concurrent_argv,
							  gatefd, out, err);
		if (pid[i] < 0)
			status[i] = 125 << 8;
	}
	/* Up: an address printed; or gone already, which is a failure. */
	for (int t = 0; t < 3000; t++) {
		size_t up = 0, gone = 0;
		for (size_t i = 0; i < n; i++) {
			if (pid[i] > 0 && waitpid(pid[i], &status[i], WNOHANG) == pid[i])
				pid[i] = 0;
			if (pid[i] <= 0) {
				gone++;
				continue;
			}
			snprintf(file, sizeof(file), "%s/out.%zu", dir, i);
			free(addr[i]);
			addr[i] = address_in(file);
			up += addr[i] != NULL;
		}
		c->up = up;
		if (up + gone >= n || bench_stop)
			break;
		bench_sleep_ms(20);
	}
	c->up_ms = bench_now_ms() - t0;
	for (size_t i = 0; i < n; i++)
		if (write(gatefd, "go\n", 3) != 3)
			break;
	close(gatefd);
	for (size_t i = 0; i < n; i++) {
		if (pid[i] > 0)
			while (waitpid(pid[i], &status[i], 0) < 0 && errno == EINTR)
				;
		if (!addr[i]) {
			snprintf(file, sizeof(file), "%s/out.%zu", dir, i);
			addr[i] = address_in(file);
		}
		if (status[i] != 0 || !addr[i]) {
			c->failed++;
			if (!c->first_error) {
				_cleanup_close_ int fd = -1;
				char err[400] = "";
				snprintf(file, sizeof(file), "%s/err.%zu", dir, i);
				if ((fd = open(file, O_RDONLY | O_CLOEXEC)) >= 0)
					bench_first_line_of(fd, err, sizeof(err));
				if (asprintf(&c->first_error, "container %zu: status %d, %s: %s", i,
					     bench_exit_code(status[i]),
					     addr[i] ? "address printed" : "no address printed",
					     err[0] ? err : "(nothing on stderr)") < 0)
					c->first_error = NULL;
			}
		}
		snprintf(file, sizeof(file), "%s/out.%zu", dir, i);
		unlink(file);
		snprintf(file, sizeof(file), "%s/err.%zu", dir, i);
		unlink(file);
	}
	c->total_ms = bench_now_ms() - t0;
	unlink(gate);
	/* Distinct addresses among those printed. */
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (addr[i])
			addr[k++] = addr[i];
	qsort(addr, k, sizeof(*addr), bench_cmp_str);
	for (size_t i = 0; i < k; i++)
		c->distinct += i == 0 || strcmp(addr[i], addr[i - 1]) != 0;
	for (size_t i = 0; i < k; i++)
		free(addr[i]);
	free(addr);
	free(status);
	free(pid);
	if (c->first_error)
		fprintf(stderr, "bench: %zu containers at once: %s\n", n, c->first_error);
	if (c->distinct != n && !c->first_error &&
	    asprintf(&c->first_error, "%zu containers printed %zu distinct addresses", n,
		     c->distinct) < 0)
		c->first_error = NULL;
	return bench_concurrency_ok(b) ? 0 : -1;
}
