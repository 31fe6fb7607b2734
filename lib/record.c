#define _GNU_SOURCE
#include "record.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "oci.h"

const char *const byoc_record_kept[] = { "exit",  "config",      "name",
					 "log",	  "log.1",	 "annotations",
					 NULL };

/* `s` with '\\' and newlines escaped, so that one value is one line. */
static size_t escape(char *out, size_t len, const char *s)
{
	size_t n = 0;

	for (; *s && n + 3 < len; s++) {
		if (*s == '\\' || *s == '\n')
			out[n++] = '\\';
		out[n++] = *s == '\n' ? 'n' : *s;
	}
	out[n] = '\0';
	return n;
}

static void unescape(char *out, size_t len, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < len; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++, out[o++] = s[i] == 'n' ? '\n' : s[i];
		else
			out[o++] = s[i];
	}
	out[o] = '\0';
}

unsigned long long byoc_record_start_time(pid_t pid)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -1;
	unsigned long long start = 0;
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* After the command's name in parentheses (which may hold spaces),
	 * field 3 on; the start time is field 22. See proc(5). */
	p = strrchr(buf, ')');
	/* A zombie has ended: its parent has yet to reap it. */
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	if (sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu",
			 &start) != 1)
		return 0;
	return start;
}

/* The record's text: how the container was started, and its PID. */
static size_t config_text(char *buf, size_t size, const struct byoc_options *o, pid_t pid,
			  unsigned long long start)
{
	char word[1024];
	struct timespec ts;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = (size_t)snprintf(buf, size,
			     "created %lld\ndetached %d\ntty %d\nuserns %d\ninit %d\n"
			     "memory %" PRIu64 "\npids %" PRIu64 "\ncpus %" PRIu64 "\nnet %s\n"
			     "pid %d %llu %d\n",
			     (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec, o->detach, o->tty,
			     o->userns || geteuid() != 0, o->init, o->memory, o->pids, o->cpus,
			     o->net == BYOC_NET_NONE ? "none" : "veth", (int)pid, start,
			     (int)getpid());
	if (o->oci && n < size) {
		escape(word, sizeof(word), o->oci->bundle);
		n += (size_t)snprintf(buf + n, size - n, "oci 1\nbundle %s\nhooks %d\n", word,
				      o->oci->n_hooks[BYOC_OCI_HOOK_POSTSTART] ||
					      o->oci->n_hooks[BYOC_OCI_HOOK_POSTSTOP]);
	}
	if (o->hostname && n < size)
		n += (size_t)snprintf(buf + n, size - n, "hostname %s\n", o->hostname);
	if (o->workdir && n < size) {
		escape(word, sizeof(word), o->workdir);
		n += (size_t)snprintf(buf + n, size - n, "workdir %s\n", word);
	}
	for (char **a = o->command; a && *a && n < size; a++) {
		escape(word, sizeof(word), *a);
		n += (size_t)snprintf(buf + n, size - n, "arg %s\n", word);
	}
	for (size_t i = 0; i < o->n_env && n < size; i++) {
		escape(word, sizeof(word), o->env[i]);
		n += (size_t)snprintf(buf + n, size - n, "env %s\n", word);
	}
	return n < size ? n : size;
}

void byoc_record_write(const struct byoc_state *st, const struct byoc_options *o, pid_t pid,
		       unsigned long long start, const struct sock_fprog *seccomp)
{
	size_t bpf = seccomp ? seccomp->len * sizeof(seccomp->filter[0]) : 0, n;
	_cleanup_free_ char *buf = malloc(BYOC_RECORD_TEXT_MAX + 32 + 2 * bpf);
	int r = -ENOMEM;

	if (buf) {
		/* One file, written once: each file made and removed costs every
		 * container's start and end. The filter's instructions go last,
		 * in hexadecimal, on one line. */
		n = config_text(buf, BYOC_RECORD_TEXT_MAX, o, pid, start);
		if (bpf) {
			const unsigned char *b = (const unsigned char *)seccomp->filter;
			n += (size_t)snprintf(buf + n, 32, "seccomp ");
			for (size_t i = 0; i < bpf; i++) {
				buf[n++] = "0123456789abcdef"[b[i] >> 4];
				buf[n++] = "0123456789abcdef"[b[i] & 15];
			}
			buf[n++] = '\n';
		}
		r = byoc_state_write(st, "config", buf, n);
	}
	/* byoc create: the bundle's annotations, for byoc state. */
	if (r == 0 && o->oci) {
		_cleanup_free_ char *json = json_dumps(o->oci->annotations, JSON_COMPACT);
		r = json ? byoc_state_write(st, "annotations", json, strlen(json)) : -ENOMEM;
	}
	if (r < 0)
		byoc_log("record: cannot write %s/config: %s", st->dir, strerror(-r));
}

int byoc_record_write_exit_at(int dirfd, int status, long long finished_ns, const char *reason)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "%d %lld %s\n", status, finished_ns, reason);
	_cleanup_close_ int fd = openat(
		dirfd, ".exit.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n || renameat(dirfd, ".exit.tmp", dirfd, "exit") < 0)
		return -(errno ? errno : EIO);
	return 0;
}

int byoc_record_write_exit(const struct byoc_state *st, int status, long long finished_ns,
			   const char *reason)
{
	_cleanup_close_ int dirfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return dirfd < 0 ? -errno : byoc_record_write_exit_at(dirfd, status, finished_ns, reason);
}

/* <dir>/<file> into buf (NUL-terminated). Returns the length, or -errno. */
static ssize_t read_file(int dirfd, const char *file, char *buf, size_t len)
{
	_cleanup_close_ int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

bool byoc_record_next(const struct byoc_record *r, const char *key, const char **cursor, char *out,
		      size_t len)
{
	size_t k = strlen(key);
	const char *p = *cursor ? *cursor : r->config;

	while (*p) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *next = end ? end + 1 : p + n;
		if (n > k && strncmp(p, key, k) == 0 && p[k] == ' ') {
			unescape(out, len, p + k + 1, n - k - 1);
			*cursor = next;
			return true;
		}
		p = next;
	}
	*cursor = p;
	return false;
}

/* The value of the first line "KEY VALUE" of r->config, or "". */
static void config_value(const struct byoc_record *r, const char *key, char *out, size_t len)
{
	const char *cursor = NULL;

	if (!byoc_record_next(r, key, &cursor, out, len))
		out[0] = '\0';
}

static unsigned long long config_number(const struct byoc_record *r, const char *key)
{
	char v[32];

	config_value(r, key, v, sizeof(v));
	return strtoull(v, NULL, 10);
}

/* Whether another process holds the lock of the journal in `dirfd`. */
static bool journal_locked(int dirfd)
{
	_cleanup_close_ int fd = openat(dirfd, "journal", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	return fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

int byoc_record_load(const char *root, const char *which, struct byoc_record *r)
{
	char path[4200], buf[256], word[512], id[13];
	_cleanup_close_ int dirfd = -1;
	const char *cursor = NULL;
	size_t n = 0;

	snprintf(id, sizeof(id), "%s", which); /* may be r->id */
	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/%s", root, id);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->dir, sizeof(r->dir), "%s", path);
	r->running = journal_locked(dirfd);
	if (read_file(dirfd, "config", r->config, sizeof(r->config)) < 0)
		r->config[0] = '\0'; /* its command does not run yet */
	/* The filter's instructions are not for reading. */
	char *tail = strstr(r->config, "\nseccomp ");
	if (tail)
		tail[1] = '\0';
	read_file(dirfd, "name", r->name, sizeof(r->name));
	config_value(r, "pid", buf, sizeof(buf));
	if (sscanf(buf, "%d %llu %d", &r->pid, &r->start_time, &r->monitor) == 3)
		r->started = true;
	if (read_file(dirfd, "exit", buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "%d %lld %127[^\n]", &r->exit_status, &r->finished_ns, r->reason) >= 2)
		r->exited = true;
	r->created_ns = (long long)config_number(r, "created");
	r->detached = config_number(r, "detached");
	r->tty = config_number(r, "tty");
	r->userns = config_number(r, "userns");
	r->init = config_number(r, "init");
	r->oci = config_number(r, "oci");
	r->hooks = config_number(r, "hooks");
	config_value(r, "bundle", r->bundle, sizeof(r->bundle));
	r->memory = config_number(r, "memory");
	r->pids = config_number(r, "pids");
	r->cpus = config_number(r, "cpus");
	config_value(r, "net", r->net, sizeof(r->net));
	config_value(r, "hostname", r->hostname, sizeof(r->hostname));
	config_value(r, "workdir", r->workdir, sizeof(r->workdir));
	while (byoc_record_next(r, "arg", &cursor, word, sizeof(word)) && n < sizeof(r->command))
		n += (size_t)snprintf(r->command + n, sizeof(r->command) - n, "%s%s", n ? " " : "",
				      word);
	return 0;
}

bool byoc_record_pid_alive(const struct byoc_record *r)
{
	return r->started && r->pid > 0 && r->start_time &&
	       byoc_record_start_time(r->pid) == r->start_time;
}

static bool is_id(const char *name)
{
	return strlen(name) == 12 && strspn(name, "0123456789abcdef") == 12;
}

struct listed {
	char id[13];
	long long created;
};

static int newest_first(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;

	return x->created < y->created ? 1 : x->created > y->created ? -1 : strcmp(x->id, y->id);
}

int byoc_record_list(const char *root, char (*ids)[13], size_t max)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	_cleanup_free_ struct listed *all = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		struct byoc_record *r;
		if (!is_id(e->d_name))
			continue;
		if (n == cap) {
			struct listed *grown =
				realloc(all, (cap = cap ? 2 * cap : 16) * sizeof(*all));
			if (!grown)
				return -ENOMEM;
			all = grown;
		}
		r = malloc(sizeof(*r));
		if (!r)
			return -ENOMEM;
		snprintf(all[n].id, sizeof(all[n].id), "%s", e->d_name);
		all[n].created = byoc_record_load(root, e->d_name, r) == 0 ? r->created_ns : 0;
		free(r);
		n++;
	}
	qsort(all, n, sizeof(*all), newest_first);
	for (size_t i = 0; i < n && i < max; i++)
		memcpy(ids[i], all[i].id, sizeof(ids[i]));
	return (int)(n < max ? n : max);
}

/* Whether container `id` under `root` has the name `name`. */
static bool named(const char *root, const char *id, const char *name)
{
	char path[4200], seen[80];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s/name", root, id);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, seen, sizeof(seen) - 1);
	return n > 0 && (seen[n] = '\0', strcmp(seen, name) == 0);
}

int byoc_record_find_name(const char *root, const char *name, char id[13])
{
	_cleanup_closedir_ DIR *d = opendir(root);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (is_id(e->d_name) && named(root, e->d_name, name)) {
			memcpy(id, e->d_name, 13);
			return 0;
		}
	return -ENOENT;
}

int byoc_record_find(const char *root, const char *ref, char id[13], struct byoc_error *err)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	char by_prefix[2][13] = { "", "" };
	size_t prefixed = 0, len = strlen(ref);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (!is_id(e->d_name))
			continue;
		if (strcmp(e->d_name, ref) == 0) {
			memcpy(id, e->d_name, 13);
			return 0;
		}
		if (named(root, e->d_name, ref)) {
			memcpy(id, e->d_name, 13);
			return 0;
		}
		if (len > 0 && strncmp(e->d_name, ref, len) == 0)
			memcpy(by_prefix[prefixed++ ? 1 : 0], e->d_name, 13);
	}
	if (prefixed == 1) {
		memcpy(id, by_prefix[0], 13);
		return 0;
	}
	if (prefixed > 1)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "'%s' is ambiguous: it begins the ids of %zu containers (%s, "
				      "%s%s): give more of the id, or the name",
				      ref, prefixed, by_prefix[0], by_prefix[1],
				      prefixed > 2 ? ", ..." : "");
	return byoc_error_set(err, BYOC_EXIT_RUNTIME,
			      "no such container: '%s' is neither the name nor the id of one: "
			      "see 'byoc ps -a'",
			      ref);
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int byoc_record_seccomp(const char *dir, struct sock_fprog *prog)
{
	size_t size = BYOC_RECORD_TEXT_MAX + 32 + 2 * BPF_MAXINSNS * sizeof(struct sock_filter);
	_cleanup_free_ char *buf = malloc(size + 1);
	_cleanup_close_ int fd = -1;
	char path[4300], *at;
	size_t len, bytes;
	ssize_t n, got = 0;
	unsigned char *b;

	prog->len = 0;
	prog->filter = NULL;
	snprintf(path, sizeof(path), "%s/config", dir);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (!buf || fd < 0)
		return buf ? -errno : -ENOMEM;
	while ((n = read(fd, buf + got, size - (size_t)got)) > 0)
		got += n;
	buf[got] = '\0';
	at = strstr(buf, "\nseccomp ");
	if (!at)
		return 0; /* a container without a filter */
	at += 9;
	len = strcspn(at, "\n");
	bytes = len / 2;
	if (len % 2 || bytes == 0 || bytes % sizeof(struct sock_filter) ||
	    bytes / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return -EINVAL;
	b = malloc(bytes);
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < bytes; i++) {
		int hi = hex_digit(at[2 * i]), lo = hex_digit(at[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(b);
			return -EINVAL;
		}
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	prog->filter = (struct sock_filter *)b;
	prog->len = (unsigned short)(bytes / sizeof(struct sock_filter));
	return 1;
}

bool byoc_record_pid_at(int dirfd, pid_t *pid, unsigned long long *start)
{
	char buf[BYOC_RECORD_TEXT_MAX], *line;
	int monitor;

	if (read_file(dirfd, "config", buf, sizeof(buf)) <= 0 || !(line = strstr(buf, "\npid ")))
		return false;
	return sscanf(line + 5, "%d %llu %d", pid, start, &monitor) == 3;
}
