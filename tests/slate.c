#define _GNU_SOURCE
#include "slate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "leaks.h"

/* What changed, as "; "-separated items. */
struct report {
	char *text;
};

static void note(struct report *r, const char *fmt, ...)
{
	char *item, *joined;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&item, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (asprintf(&joined, "%s%s%s", r->text ? r->text : "", r->text ? "; " : "", item) < 0)
		abort();
	free(r->text);
	free(item);
	r->text = joined;
}

/* Run a program quietly; returns its exit status, or -1. */
static int run_quiet(const char *const *argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- the rootfs: a manifest, and a copy to repair it from ---- */

static FILE *manifest_out;
static size_t manifest_skip;

/* One line per file: the path, then what a stage could change about it. A
 * directory's size and times change with its entries: those are left out. */
static int manifest_visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *rel = path + manifest_skip;
	char target[4096] = "";
	(void)flag, (void)ftw;

	if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
	}
	fprintf(manifest_out, "%s\t%o %u:%u", *rel ? rel : "/", (unsigned)st->st_mode,
		(unsigned)st->st_uid, (unsigned)st->st_gid);
	if (S_ISREG(st->st_mode))
		fprintf(manifest_out, " size %lld mtime %lld.%09ld", (long long)st->st_size,
			(long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
	else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		fprintf(manifest_out, " dev %u:%u", major(st->st_rdev), minor(st->st_rdev));
	else if (S_ISLNK(st->st_mode))
		fprintf(manifest_out, " -> %s", target);
	fputc('\n', manifest_out);
	return 0;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The manifest of `dir`, sorted; FTW_MOUNT: what is mounted below it is not
 * the rootfs on disk. */
static char *manifest(const char *dir)
{
	char *text = NULL, *copy, *save = NULL, **v = NULL, *out, *p;
	size_t len = 0, n = 0;

	manifest_out = open_memstream(&text, &len);
	if (!manifest_out)
		abort();
	manifest_skip = strlen(dir);
	nftw(dir, manifest_visit, 16, FTW_PHYS | FTW_MOUNT);
	fclose(manifest_out);
	copy = strdup(text);
	v = calloc(len / 8 + 2, sizeof(*v));
	if (!copy || !v)
		abort();
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		v[n++] = l;
	qsort(v, n, sizeof(*v), cmp_lines);
	p = out = calloc(1, len + 1);
	if (!out)
		abort();
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s\n", v[i]);
	free(v);
	free(copy);
	free(text);
	return out;
}

char *h_slate_copy_rootfs(const char *rootfs)
{
	char *copy = strdup("/tmp/byoc-rootfs-copy-XXXXXX"), *src;

	if (!copy || !mkdtemp(copy)) {
		fprintf(stderr, "runner: mkdtemp(/tmp/byoc-rootfs-copy-*): %s\n", strerror(errno));
		free(copy);
		return NULL;
	}
	if (asprintf(&src, "%s/.", rootfs) < 0)
		abort();
	const char *argv[] = { "cp", "-a", "--", src, copy, NULL };
	if (run_quiet(argv) != 0) {
		fprintf(stderr, "runner: cp -a %s %s failed: is the disk full?\n", src, copy);
		h_slate_drop_copy(copy);
		copy = NULL;
	}
	free(src);
	return copy;
}

static int remove_visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	if (ftw->level == 0)
		return 0; /* the directory itself stays */
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Remove what is in `dir`, never leaving its file system. */
static void empty_dir(const char *dir)
{
	nftw(dir, remove_visit, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static bool is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool empty = true;

	while (d && empty && (e = readdir(d)))
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	if (d)
		closedir(d);
	return empty;
}

void h_slate_drop_copy(char *copy)
{
	if (!copy)
		return;
	empty_dir(copy);
	rmdir(copy);
	free(copy);
}

/* Whether `manifest` has a line for the path that `line` starts with. */
static bool has_path(const char *manifest, const char *line)
{
	size_t plen = strcspn(line, "\t");

	for (const char *p = manifest; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, line, plen + 1) == 0)
			return true;
	return false;
}

/* Name a few of the rootfs's changes, then how many more. */
static void note_file(struct report *r, size_t *named, const char *what, const char *line)
{
	if ((*named)++ < 5)
		note(r, "%s %.*s in the rootfs", what, (int)strcspn(line, "\t"), line);
}

/* Name each file added, removed or changed; remove the added ones, and if
 * any was removed or changed, put the whole copy back (a few MB: faster and
 * surer than mending file by file). */
static void repair_rootfs(struct report *r, const char *before, const char *rootfs,
			  const char *copy)
{
	char *now = manifest(rootfs);
	char *gone = h_leak_added(now, before, "\n"), *added = h_leak_added(before, now, "\n");
	char *save = NULL, *lines[4096];
	size_t n = 0, named = 0;
	bool restore = false;

	/* A path in both lists changed; one only in `gone` was removed. */
	for (char *l = gone ? strtok_r(gone, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		note_file(r, &named, has_path(now, l) ? "changed" : "removed", l);
		restore = true;
	}
	save = NULL;
	for (char *l = added ? strtok_r(added, "\n", &save) : NULL; l && n < 4096;
	     l = strtok_r(NULL, "\n", &save))
		if (!has_path(before, l))
			lines[n++] = l;
	/* Deepest first: a path sorts after its directory. */
	for (size_t i = n; i-- > 0;) {
		char *path;
		if (asprintf(&path, "%s%.*s", rootfs, (int)strcspn(lines[i], "\t"), lines[i]) < 0)
			abort();
		note_file(r, &named, "added", lines[i]);
		if (remove(path) < 0 && errno != ENOENT)
			restore = true;
		free(path);
	}
	if (named > 5)
		note(r, "and %zu more changes in the rootfs", named - 5);
	if (restore) {
		char *src = NULL;
		if (copy && asprintf(&src, "%s/.", copy) < 0)
			abort();
		const char *argv[] = { "cp", "-a", "--", src, rootfs, NULL };
		/* Never empty the rootfs without a copy to fill it from. */
		if (copy && !is_empty(copy))
			empty_dir(rootfs);
		else
			copy = NULL;
		if (!copy || run_quiet(argv) != 0)
			note(r, "the rootfs could not be restored: rebuild it with 'sudo make "
				"rootfs'");
		free(src);
	}
	free(now);
	free(gone);
	free(added);
}

/* ---- cgroups: kill what is inside, then remove, deepest first ---- */

/* Whether `pid` is `ancestor` or one of its descendants, by the parent PIDs
 * in /proc/PID/stat (field 4, after the name in parentheses). */
static bool descends_from(pid_t pid, pid_t ancestor)
{
	for (int depth = 0; pid > 1 && depth < 64; depth++) {
		char path[64], buf[512], *end;
		int ppid = 0;
		FILE *f;
		if (pid == ancestor)
			return true;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (!(f = fopen(path, "re")))
			return false;
		end = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		if (!end || sscanf(end + 2, "%*c %d", &ppid) != 1)
			return false;
		pid = ppid;
	}
	return pid == ancestor;
}

/* Kill every process of the cgroup `dir` and wait until each has gone; a
 * pidfd becomes readable when its process exits (see pidfd_open(2)).
 * Returns how many there were, or -1 (killing none) if one of them is not
 * the runner's: then the cgroup belongs to another run on this machine. */
static int kill_cgroup_procs(const char *dir)
{
	char path[4200];
	int n = 0, pids[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (!(f = fopen(path, "re")))
		return 0;
	while (n < 1024 && fscanf(f, "%d", &pids[n]) == 1)
		if (pids[n] != getpid())
			n++;
	fclose(f);
	for (int i = 0; i < n; i++)
		if (!descends_from(pids[i], getpid()))
			return -1;
	for (int i = 0; i < n; i++) {
		int fd = (int)syscall(SYS_pidfd_open, pids[i], 0);
		kill(pids[i], SIGKILL);
		if (fd >= 0) {
			struct pollfd p = { fd, POLLIN, 0 };
			poll(&p, 1, 5000);
			close(fd);
		}
	}
	return n;
}

static int by_depth(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int dx = 0, dy = 0;

	for (; *x; x++)
		dx += *x == '/';
	for (; *y; y++)
		dy += *y == '/';
	return dy - dx;
}

static void remove_cgroups(struct report *r, char **paths, size_t n)
{
	qsort(paths, n, sizeof(*paths), by_depth);
	for (size_t i = 0; i < n; i++) {
		int killed = kill_cgroup_procs(paths[i]);
		if (killed < 0)
			continue; /* not this test's */
		/* A process that just exited may still hold the cgroup for a
		 * moment: one more round after its pidfd fired. */
		if (rmdir(paths[i]) < 0 && errno == EBUSY && kill_cgroup_procs(paths[i]) >= 0)
			rmdir(paths[i]);
		if (killed)
			note(r, "cgroup %s with %d process%s in it", paths[i], killed,
			     killed == 1 ? "" : "es");
		else
			note(r, "cgroup %s", paths[i]);
		if (access(paths[i], F_OK) == 0)
			note(r, "which could not be removed: rmdir(%s): %s", paths[i],
			     strerror(errno));
	}
}

/* mountinfo(5) writes a space in a path as \040. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		unsigned v;
		if (s[0] == '\\' && sscanf(s + 1, "%3o", &v) == 1 && strlen(s) >= 4) {
			*out++ = (char)v;
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static int longest_first(const void *a, const void *b)
{
	return (int)strlen(*(char *const *)b) - (int)strlen(*(char *const *)a);
}

/* Undo one kind of leftover, named by its snapshot line's first word. */
static void undo_line(struct report *r, char *line, char **mounts, size_t *n_mounts, char **cgroups,
		      size_t *n_cgroups)
{
	char *arg = strchr(line, ' ');
	long long key, id;

	if (!arg)
		return;
	*arg++ = '\0';
	if (strcmp(line, "mount") == 0) {
		arg[strcspn(arg, " ")] = '\0';
		mounts[(*n_mounts)++] = arg;
	} else if (strcmp(line, "cgroup") == 0) {
		cgroups[(*n_cgroups)++] = arg;
	} else if (strcmp(line, "link") == 0 || strcmp(line, "netns") == 0) {
		/* Links and network namespaces are the whole machine's: delete
		 * only the lab's, named byoc..., and name the others. */
		bool link = strcmp(line, "link") == 0, ours = strstr(arg, "byoc") != NULL;
		const char *argv[] = { "ip", link ? "link" : "netns", "delete", arg, NULL };
		char *path;
		if (asprintf(&path, "%s/%s", link ? "/sys/class/net" : "/run/netns", arg) < 0)
			abort();
		/* Deleting one end of a veth pair deletes the other. */
		bool gone = ours && (run_quiet(argv) == 0 || access(path, F_OK) != 0);
		const char *how = gone ? "" : " (could not be deleted)";
		note(r, "network %s %s%s", link ? "link" : "namespace", arg,
		     ours ? how : " (not named byoc...: left alone)");
		free(path);
	} else if (strcmp(line, "state") == 0) {
		char *dir;
		if (asprintf(&dir, "/run/byoc/%s", arg) < 0)
			abort();
		h_remove_tree(dir);
		rmdir(dir);
		note(r, "state directory %s", dir);
		free(dir);
	} else if (sscanf(arg, "key %lld id %lld", &key, &id) == 2) {
		if (strcmp(line, "ipc-msg") == 0)
			msgctl((int)id, IPC_RMID, NULL);
		else if (strcmp(line, "ipc-sem") == 0)
			semctl((int)id, 0, IPC_RMID);
		else if (strcmp(line, "ipc-shm") == 0)
			shmctl((int)id, IPC_RMID, NULL);
		note(r, "System V %s object, key %lld", line + 4, key);
	}
}

/* ---- the whole slate ---- */

void h_slate_take(struct h_slate *s, const char *rootfs)
{
	s->leaks = h_leak_snapshot();
	s->rootfs = rootfs ? manifest(rootfs) : NULL;
	if (gethostname(s->hostname, sizeof(s->hostname)) < 0)
		s->hostname[0] = '\0';
	s->hostname[sizeof(s->hostname) - 1] = '\0';
}

void h_slate_free(struct h_slate *s)
{
	free(s->leaks);
	free(s->rootfs);
	s->leaks = s->rootfs = NULL;
}

int h_slate_kill_orphans(void)
{
	char path[64];
	int n = 0, pids[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	if ((f = fopen(path, "re"))) {
		while (n < 256 && fscanf(f, "%d", &pids[n]) == 1)
			kill(pids[n++], SIGKILL);
		fclose(f);
	}
	/* Reap them, and whatever else of ours has already ended. */
	for (int i = 0; i < n; i++)
		while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return n;
}

char *h_slate_restore(const struct h_slate *before, const char *rootfs, const char *copy)
{
	struct report r = { NULL };
	char *now = h_leak_snapshot(), *added = h_leak_added(before->leaks, now, "\n");
	char *save = NULL, host[65] = "";
	size_t n_lines = 0, n_mounts = 0, n_cgroups = 0;

	for (char *p = added; p && *p; p++)
		n_lines += *p == '\n';
	char **mounts = calloc(n_lines + 1, sizeof(char *));
	char **cgroups = calloc(n_lines + 1, sizeof(char *));
	if (!mounts || !cgroups)
		abort();
	for (char *l = added ? strtok_r(added, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save))
		undo_line(&r, l, mounts, &n_mounts, cgroups, &n_cgroups);
	remove_cgroups(&r, cgroups, n_cgroups);
	/* The newest on top and the deepest first: detach each once. */
	qsort(mounts, n_mounts, sizeof(*mounts), longest_first);
	for (size_t i = 0; i < n_mounts; i++) {
		note(&r, "mount on %s", mounts[i]);
		unescape(mounts[i]);
		umount2(mounts[i], MNT_DETACH);
	}

	if (gethostname(host, sizeof(host) - 1) == 0 && strcmp(host, before->hostname) != 0) {
		bool back = sethostname(before->hostname, strlen(before->hostname)) == 0;
		note(&r, "the hostname changed from %s to %s%s", before->hostname, host,
		     back ? "" : " and could not be restored");
	}
	if (rootfs && before->rootfs)
		repair_rootfs(&r, before->rootfs, rootfs, copy);

	free(mounts);
	free(cgroups);
	free(added);
	free(now);
	return r.text;
}
