#define _GNU_SOURCE
#include "harness.h"
#include "leaks.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *h_bin;
const char *h_bin_arg;
const char *h_rootfs;
char h_tmp[256];

/* How long a run may take: 30 s, or BYOC_TEST_TIMEOUT seconds (the mutation
 * proof waits less for the wrong stages that hang). */
static int run_timeout(void)
{
	const char *env = getenv("BYOC_TEST_TIMEOUT");
	int s = env ? atoi(env) : 0;

	return (s > 0 ? s : 30) * 1000;
}

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

static void buf_add(struct h_buf *b, const char *p, size_t n)
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

void h_spawn(struct h_proc *p, const char *const *argv)
{
	int in[2], out[2], err[2];

	memset(p, 0, sizeof(*p));
	ck_assert_msg(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0 &&
			      pipe2(err, O_CLOEXEC) == 0,
		      "pipe2: %s", strerror(errno));
	p->pid = fork();
	ck_assert_msg(p->pid >= 0, "fork: %s", strerror(errno));
	if (p->pid == 0) {
		/* A process group of its own, so that h_finish() can remove
		 * whatever the run leaves behind. */
		setpgid(0, 0);
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		if (chdir(h_tmp) < 0)
			_exit(98);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "harness: execv(%s): %s\n", argv[0], strerror(errno));
		_exit(98);
	}
	setpgid(p->pid, p->pid); /* also here: no race with the child's own call */
	close(in[0]);
	close(out[1]);
	close(err[1]);
	p->in = in[1];
	p->out = out[0];
	p->err = err[0];
	buf_add(&p->bo, "", 0);
	buf_add(&p->be, "", 0);
}

/* Read what is there on stdout and stderr until `done` says so or the
 * deadline passes. Returns false on timeout. */
static bool pump(struct h_proc *p, long deadline, bool (*done)(struct h_proc *, const void *),
		 const void *arg)
{
	while (!done(p, arg)) {
		struct pollfd fds[2] = { { p->out, POLLIN, 0 }, { p->err, POLLIN, 0 } };
		long left = deadline - now_ms();
		if (left <= 0)
			return false;
		if (poll(fds, 2, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		for (int i = 0; i < 2; i++) {
			char chunk[4096];
			ssize_t n;
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(fds[i].fd, chunk, sizeof(chunk));
			if (n > 0) {
				buf_add(i ? &p->be : &p->bo, chunk, (size_t)n);
			} else {
				close(fds[i].fd);
				*(i ? &p->err : &p->out) = -1;
			}
		}
	}
	return true;
}

/* Whether stdout holds `line` as a whole line. */
static bool has_line(struct h_proc *p, const void *arg)
{
	const char *want = arg, *s = p->bo.data;
	size_t len = strlen(want);

	for (; (s = strstr(s, want)); s += len)
		if ((s == p->bo.data || s[-1] == '\n') && s[len] == '\n')
			return true;
	return false;
}

/* Done waiting: the line came, or stdout ended without it. */
static bool line_or_eof(struct h_proc *p, const void *arg)
{
	return has_line(p, arg) || p->out < 0;
}

bool h_wait_line(struct h_proc *p, const char *line)
{
	return pump(p, now_ms() + run_timeout(), line_or_eof, line) && has_line(p, line);
}

static bool both_closed(struct h_proc *p, const void *arg)
{
	(void)arg;
	return p->out < 0 && p->err < 0;
}

/* Processes in process group `pgid` other than `except`. */
static int group_members(pid_t pgid, pid_t except)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[64], buf[512];
		pid_t pid = atoi(e->d_name);
		int pgrp = 0;
		FILE *f;
		if (pid <= 0 || pid == except)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (!(f = fopen(path, "re")))
			continue;
		/* Field 3 is the state, field 5 the process group; the name in ()
		 * may hold spaces. A zombie is dead, only not yet reaped (by the
		 * runner, when its parent was the runtime): not a leftover. */
		char state = 'Z';
		if (fgets(buf, sizeof(buf), f) && strrchr(buf, ')') &&
		    sscanf(strrchr(buf, ')') + 2, "%c %*d %d", &state, &pgrp) == 2 &&
		    pgrp == pgid && state != 'Z')
			n++;
		fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

void h_finish(struct h_proc *p, struct h_run *r)
{
	long deadline = now_ms() + run_timeout();
	bool timed_out = false;
	siginfo_t si = { 0 };

	if (p->in >= 0)
		close(p->in);
	p->in = -1;
	if (!pump(p, deadline, both_closed, NULL)) {
		timed_out = true;
		kill(-p->pid, SIGKILL);
	}
	for (int *fd = &p->out; fd <= &p->err; fd++)
		if (*fd >= 0)
			close(*fd);
	/* Wait without reaping: the zombie keeps its process group alive, so
	 * the kill below can only reach what this run left behind. */
	while (waitid(P_PID, p->pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	r->leftovers = group_members(p->pid, p->pid);
	kill(-p->pid, SIGKILL);
	while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
		;
	r->out = p->bo.data;
	r->err = p->be.data;
	if (timed_out)
		r->status = -1;
	else
		r->status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
}

void h_run_argv(struct h_run *r, const char *const *argv)
{
	struct h_proc p;

	h_spawn(&p, argv);
	h_finish(&p, r);
}

void h_run_free(struct h_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* argv for the step's binary running `script` with /bin/sh -c behind the
 * rootfs guard; `full` receives the allocated script to free. */
static void container_argv(const char **argv, size_t max, char **full, const char *const *opts,
			   const char *script, const char *const *args)
{
	size_t n = 0;

	*full = h_printf("[ -e /etc/byoc-rootfs ] || { echo 'byoc-test: this shell runs "
			 "outside the lab rootfs' >&2; exit %d; }\n%s",
			 H_OUTSIDE_ROOTFS, script);
	argv[n++] = h_bin;
	if (h_bin_arg)
		argv[n++] = h_bin_arg;
	for (; opts && *opts && n < max - 8; opts++)
		argv[n++] = *opts;
	argv[n++] = "--";
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = *full;
	argv[n++] = "sh";
	for (; args && *args && n < max - 1; args++)
		argv[n++] = *args;
	argv[n] = NULL;
}

void h_container_sh(struct h_run *r, const char *const *opts, const char *script,
		    const char *const *args)
{
	struct h_proc p;

	h_container_spawn(&p, opts, script, args);
	h_finish(&p, r);
}

void h_container_spawn(struct h_proc *p, const char *const *opts, const char *script,
		       const char *const *args)
{
	const char *argv[64];
	char *full;

	container_argv(argv, 64, &full, opts, script, args);
	h_spawn(p, argv);
	free(full);
}

void h_assert_ready(struct h_proc *p)
{
	struct h_run r;

	if (h_wait_line(p, "ready"))
		return;
	h_finish(p, &r);
	h_assert_ran_inside(&r);
	ck_abort_msg("expected the container to print \"ready\"; saw status %d, stdout \"%s\", "
		     "stderr \"%s\"",
		     r.status, r.out, r.err);
}

pid_t h_first_child(pid_t pid)
{
	char path[64];
	int child = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	f = fopen(path, "re");
	ck_assert_msg(f, "open(%s): %s", path, strerror(errno));
	if (fscanf(f, "%d", &child) != 1)
		child = 0;
	fclose(f);
	ck_assert_msg(child > 0, "expected the runtime %d to have a child (the container)", pid);
	return child;
}

char *h_ns(pid_t pid, const char *ns)
{
	char path[64], link[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns);
	n = readlink(path, link, sizeof(link) - 1);
	ck_assert_msg(n > 0, "readlink(%s): %s", path, strerror(errno));
	link[n] = '\0';
	return strdup(link);
}

void h_pidns_census(const char *ns, int *count, int *zombies)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	*count = *zombies = 0;
	while (d && (e = readdir(d))) {
		char path[64], link[128], buf[512];
		pid_t pid = atoi(e->d_name);
		ssize_t n;
		FILE *f;
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, ns) != 0)
			continue;
		(*count)++;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if ((f = fopen(path, "re"))) {
			/* Field 3, the state, follows the name in (). */
			if (fgets(buf, sizeof(buf), f) && strrchr(buf, ')') &&
			    strrchr(buf, ')')[2] == 'Z')
				(*zombies)++;
			fclose(f);
		}
	}
	if (d)
		closedir(d);
}

void h_assert_ran_inside(const struct h_run *r)
{
	ck_assert_msg(r->status != -1,
		      "expected the container to finish; it was still running "
		      "after %d s and was killed",
		      run_timeout() / 1000);
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

char *h_slurp(const char *fmt, ...)
{
	static char buf[1 << 16], path[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	for (ssize_t i = 0; i < n; i++)
		buf[i] = buf[i] ? buf[i] : ' ';
	return n < 0 ? NULL : strndup(buf, (size_t)n);
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

bool h_cgroup_v2(void)
{
	struct statfs st;

	return statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == 0x63677270; /* CGROUP2 */
}

/* The v1 hierarchy's mount point for a controller, from mountinfo(5). */
static char *v1_mount(const char *controller)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], *found = NULL;

	while (f && !found && fgets(line, sizeof(line), f)) {
		char point[4096], type[64], opts[1024], *tok, *save = NULL;
		const char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
		    sscanf(sep + 3, "%63s %*s %1023s", type, opts) != 2 || strcmp(type, "cgroup"))
			continue;
		for (tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (strcmp(tok, controller) == 0)
				found = strdup(point);
	}
	if (f)
		fclose(f);
	return found;
}

static bool has_token(const char *list, const char *word)
{
	char copy[1024], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", list);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (strcmp(t, word) == 0)
			return true;
	return false;
}

char *h_cgroup_path(pid_t pid, const char *controller)
{
	char path[64], line[4096], *found = NULL;
	bool v2 = h_cgroup_v2();
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	f = fopen(path, "re");
	ck_assert_msg(f, "open(%s): %s", path, strerror(errno));
	while (!found && fgets(line, sizeof(line), f)) {
		char *ctls = strchr(line, ':'), *cg = ctls ? strchr(ctls + 1, ':') : NULL;
		if (!cg)
			continue;
		*cg++ = '\0';
		cg[strcspn(cg, "\n")] = '\0';
		*ctls++ = '\0'; /* "0::/path": the ID alone, for the v2 entry */
		if (v2 ? strcmp(line, "0") == 0 : has_token(ctls, controller)) {
			char *mount = v2 ? strdup("/sys/fs/cgroup") : v1_mount(controller);
			if (mount)
				found = h_printf("%s%s", mount, strcmp(cg, "/") ? cg : "");
			free(mount);
		}
	}
	fclose(f);
	ck_assert_msg(found, "no %s cgroup for PID %d in %s", controller, (int)pid, path);
	return found;
}

long long h_cgroup_read(pid_t pid, const char *controller, const char *file, const char *key)
{
	char *dir = h_cgroup_path(pid, controller), *path = h_printf("%s/%s", dir, file);
	char buf[8192] = "";
	long long v = -1;
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	const char *p = buf;

	buf[n] = '\0';
	if (f)
		fclose(f);
	if (key) {
		size_t len = strlen(key);
		for (p = buf; (p = strstr(p, key)); p += len)
			if ((p == buf || p[-1] == '\n') && p[len] == ' ')
				break;
		if (p)
			p += len + 1;
	}
	if (f && p && sscanf(p, "%lld", &v) != 1)
		v = -1;
	free(dir);
	free(path);
	return v;
}

char *h_uts_hostname(pid_t pid)
{
	char name[256] = "", path[64];
	int fds[2];
	pid_t child;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/uts", (int)pid);
	ck_assert_msg(pipe2(fds, O_CLOEXEC) == 0, "pipe2: %s", strerror(errno));
	child = fork();
	ck_assert_msg(child >= 0, "fork: %s", strerror(errno));
	if (child == 0) {
		/* setns(2) with CLONE_NEWUTS: only this child changes namespace. */
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWUTS) < 0 || gethostname(name, sizeof(name)) < 0)
			snprintf(name, sizeof(name), "(cannot read %s: %s)", path, strerror(errno));
		if (write(fds[1], name, strlen(name)) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], name, sizeof(name) - 1);
	name[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	return strdup(name);
}

static char *read_text(const char *path)
{
	char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strdup(buf);
}

char *h_runtime_changes(pid_t runtime, const char *hostname)
{
	static const char *const kinds[] = { "mnt", "uts", "ipc", "pid", "net", "cgroup" };
	char path[64], out[2048] = "";
	struct stat mine, theirs;

#define ADD(...) snprintf(out + strlen(out), sizeof(out) - strlen(out), __VA_ARGS__)
	snprintf(path, sizeof(path), "/proc/%d/root/", (int)runtime);
	if (stat("/proc/self/root/", &mine) == 0 && stat(path, &theirs) == 0 &&
	    (mine.st_dev != theirs.st_dev || mine.st_ino != theirs.st_ino))
		ADD("its root directory (%s) is no longer the host's /; ", path);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char *host = h_ns(getpid(), kinds[i]), *its = h_ns(runtime, kinds[i]);
		if (strcmp(host, its) != 0)
			ADD("it left the host's %s namespace %s for %s; ", kinds[i], host, its);
		free(host);
		free(its);
	}
	char *name = h_uts_hostname(runtime);
	if (strcmp(name, hostname) != 0)
		ADD("its hostname became \"%s\" (it was \"%s\"); ", name, hostname);
	free(name);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)runtime);
	char *cg_host = read_text("/proc/self/cgroup"), *cg_its = read_text(path);
	if (strcmp(cg_host, cg_its) != 0)
		ADD("it moved to other cgroups: %s is\n%sinstead of\n%s; ", path, cg_its, cg_host);
	free(cg_host);
	free(cg_its);
#undef ADD
	return out[0] ? strdup(out) : NULL;
}

static struct {
	char **v;
	size_t n, cap, skip;
} manifest;

static int manifest_visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char *line, type = S_ISDIR(st->st_mode)	  ? 'd'
			   : S_ISLNK(st->st_mode) ? 'l'
			   : S_ISREG(st->st_mode) ? 'f'
			   : S_ISCHR(st->st_mode) ? 'c'
						  : 'o';
	const char *rel = strlen(path) >= manifest.skip ? path + manifest.skip : "";

	if (asprintf(&line, "/%s %c %04o %u:%u %lld", rel, type, (unsigned)(st->st_mode & 07777),
		     (unsigned)st->st_uid, (unsigned)st->st_gid,
		     type == 'd' ? 0LL : (long long)st->st_size) < 0)
		abort();
	if (type == 'f') {
		char *with_time = h_printf("%s %lld.%09ld", line, (long long)st->st_mtim.tv_sec,
					   st->st_mtim.tv_nsec);
		free(line);
		line = with_time;
	}
	(void)flag;
	(void)ftw;
	if (manifest.n == manifest.cap) {
		manifest.cap = manifest.cap ? 2 * manifest.cap : 256;
		manifest.v = realloc(manifest.v, manifest.cap * sizeof(char *));
		if (!manifest.v)
			abort();
	}
	manifest.v[manifest.n++] = line;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *h_tree_manifest(const char *dir)
{
	size_t len = 1;
	char *s;

	manifest.n = 0;
	manifest.skip = strlen(dir) + 1;
	/* FTW_MOUNT: what is mounted on the tree is not the tree on disk. */
	ck_assert_msg(nftw(dir, manifest_visit, 16, FTW_PHYS | FTW_MOUNT) == 0, "nftw(%s): %s", dir,
		      strerror(errno));
	qsort(manifest.v, manifest.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < manifest.n; i++)
		len += strlen(manifest.v[i]) + 1;
	s = calloc(1, len);
	for (size_t i = 0; s && i < manifest.n; i++)
		strcat(strcat(s, manifest.v[i]), "\n");
	for (size_t i = 0; i < manifest.n; i++)
		free(manifest.v[i]);
	manifest.n = 0;
	ck_assert(s);
	return s;
}

char *h_manifest_diff(const char *a, const char *b)
{
	char *removed = h_leak_diff(b, a), *added = h_leak_diff(a, b), *s = NULL;

	if (removed || added)
		s = h_printf("removed: %s; added: %s", removed ? removed : "nothing",
			     added ? added : "nothing");
	free(removed);
	free(added);
	return s;
}

bool h_has_opt(const char *list, const char *opt)
{
	size_t len = strlen(opt);

	for (const char *p = list; (p = strstr(p, opt)); p += len)
		if ((p == list || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

bool h_mount_of(pid_t pid, const char *point, struct h_mount *m)
{
	char path[64], line[8192];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	f = fopen(path, "re");
	ck_assert_msg(f, "open(%s): %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char mp[4096], opts[512], type[64], super[1024] = "";
		const char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s %511s", mp, opts) != 2 ||
		    sscanf(sep + 3, "%63s %*s %1023s", type, super) < 1 || strcmp(mp, point) != 0)
			continue;
		snprintf(m->opts, sizeof(m->opts), "%s", opts);
		snprintf(m->type, sizeof(m->type), "%s", type);
		snprintf(m->super, sizeof(m->super), "%s", super);
		found = true; /* keep going: the last mount on a point is the one seen */
	}
	fclose(f);
	return found;
}

/* A 1 MiB ext2 image in h_tmp holding `secret` with `token`, attached to a
 * free loop device, read-only and autoclear: the kernel detaches it when the
 * returned fd, the last user, is closed (also if the test dies). Fills
 * "MAJOR:MINOR". See loop(4). */
int h_scratch_disk(const char *token, char *majmin, size_t len)
{
	char *src = h_printf("%s/disk", h_tmp), *file = h_printf("%s/disk/secret", h_tmp);
	char *img = h_printf("%s/disk.img", h_tmp);
	const char *mkfs[] = {
		"/sbin/mke2fs", "-q", "-F", "-t", "ext2", "-d", src, img, "1M", NULL
	};
	struct loop_config cfg = { .info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR };
	struct h_run r;
	struct stat st;
	int ctl, n, loop = -1;

	ck_assert_msg(mkdir(src, 0755) == 0, "test set-up: mkdir(%s): %s", src, strerror(errno));
	h_write_file(file, token, 0644);
	h_run_argv(&r, mkfs);
	ck_assert_msg(r.status == 0, "test set-up: mke2fs -d (e2fsprogs) failed: %s", r.err);
	h_run_free(&r);
	cfg.fd = (unsigned)open(img, O_RDONLY | O_CLOEXEC);
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	ck_assert_msg((int)cfg.fd >= 0 && ctl >= 0, "test set-up: open(%s, /dev/loop-control): %s",
		      img, strerror(errno));
	for (int tries = 0; tries < 8 && loop < 0; tries++) {
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		char *dev = h_printf("/dev/loop%d", n);
		loop = n < 0 ? -1 : open(dev, O_RDONLY | O_CLOEXEC);
		free(dev);
		if (loop >= 0 && ioctl(loop, LOOP_CONFIGURE, &cfg) < 0) {
			close(loop); /* taken in between (EBUSY): another one */
			loop = -1;
		}
	}
	ck_assert_msg(loop >= 0 && fstat(loop, &st) == 0,
		      "test set-up: no free loop device (LOOP_CONFIGURE needs Linux 5.8): %s",
		      strerror(errno));
	snprintf(majmin, len, "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	close((int)cfg.fd);
	close(ctl);
	free(src);
	free(file);
	free(img);
	return loop;
}

void h_become_nobody(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(H_NOBODY, H_NOBODY, H_NOBODY) < 0 ||
	    setresuid(H_NOBODY, H_NOBODY, H_NOBODY) < 0)
		_exit(97);
}

void h_run_special(struct h_run *r, const char *const *argv, int closed, void (*setup)(void))
{
	char *out = h_printf("%s/out", h_tmp), *err = h_printf("%s/err", h_tmp);
	int ws = 0;

	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY), o = open(out, O_WRONLY | O_CREAT, 0600),
		    e = open(err, O_WRONLY | O_CREAT, 0600);
		if (in < 0 || o < 0 || e < 0 || chdir(h_tmp) < 0)
			_exit(98);
		dup2(in, 0), dup2(o, 1), dup2(e, 2);
		close(in), close(o), close(e);
		if (closed >= 0)
			close(closed);
		/* Before setpgid(): a setup may make a session of its own,
		 * which a process group leader cannot. */
		if (setup)
			setup();
		setpgid(0, 0);
		execv(argv[0], (char *const *)argv);
		_exit(98);
	}
	if (!setup)
		setpgid(pid, pid);
	for (int ms = 0; waitpid(pid, &ws, WNOHANG) == 0; ms++) {
		ck_assert_msg(ms < 30000, "%s did not finish within 30 s", argv[0]);
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	kill(-pid, SIGKILL);
	r->status = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
	r->leftovers = 0;
	FILE *f = fopen(out, "re");
	size_t len = 0;
	r->out = NULL;
	/* getdelim() leaves its buffer unterminated when the file is empty. */
	if (f && getdelim(&r->out, &len, '\0', f) < 0 && r->out)
		r->out[0] = '\0';
	if (f)
		fclose(f);
	r->out = r->out ? r->out : strdup("");
	len = 0;
	r->err = NULL;
	f = fopen(err, "re");
	if (f && getdelim(&r->err, &len, '\0', f) < 0 && r->err)
		r->err[0] = '\0';
	if (f)
		fclose(f);
	r->err = r->err ? r->err : strdup("");
	unlink(out);
	unlink(err);
	free(out);
	free(err);
}
