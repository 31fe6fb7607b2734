#define _GNU_SOURCE
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "log.h"
#include "net.h"
#include "userns.h"

void byoc_state_defaults(struct byoc_state *st)
{
	memset(st, 0, sizeof(*st));
	/* A normal user's containers (rootless, step 10) keep theirs in its own. */
	st->root = geteuid() == 0 ? "/run/byoc" : byoc_userns_state_root();
	st->journal_fd = -1;
}

/* A container's id: 12 lowercase hex digits (byoc_container_init()). */
static bool is_id(const char *name)
{
	return strlen(name) == 12 && strspn(name, "0123456789abcdef") == 12;
}

/* Remove `name` under `dirfd` and everything below it, never stepping onto
 * another file system (a mount left inside stays, and so does its parent).
 * `dev` is the file system to stay on; 0 takes the one `name` is on. An
 * empty directory goes with one rmdir(), a file with one unlink(): the walk
 * opens only directories that still hold something. */
static int remove_tree(int dirfd, const char *name, dev_t dev, int depth)
{
	struct stat st;
	struct dirent *e;
	int fd, r = 0;
	DIR *d;

	if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	if (errno == ENOTDIR)
		return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
	if (errno != ENOTEMPTY && errno != EEXIST)
		return -errno; /* EBUSY: a mount point */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if ((dev && st.st_dev != dev) || depth > 32)
		return -EBUSY;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (e->d_type != DT_DIR &&
		    e->d_type != DT_UNKNOWN) /* a file: no need to try rmdir */
			r = unlinkat(fd, e->d_name, 0) < 0 && errno != ENOENT ? -errno : r;
		else
			r = remove_tree(fd, e->d_name, st.st_dev, depth + 1) ?: r;
	}
	closedir(d);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

int byoc_remove_tree(int dirfd, const char *name)
{
	return remove_tree(dirfd, name, 0, 0);
}

/* A journal line names a cgroup of this container's: byoc-<id> below
 * /sys/fs/cgroup, <id> the state directory's own, so that no journal can send
 * the clean-up to another container's cgroup. */
static bool is_lab_cgroup(const char *path, const char *id)
{
	const char *base = strrchr(path, '/');

	return strncmp(path, "/sys/fs/cgroup/", 15) == 0 && !strstr(path, "/../") && base &&
	       strncmp(base + 1, "byoc-", 5) == 0 && strcmp(base + 6, id) == 0;
}

/* Kill and remove the cgroups a dead container's journal lists. Returns
 * whether none of them is left. */
static bool remove_cgroups(int dirfd, const char *id, byoc_state_removed_fn removed, void *arg)
{
	_cleanup_close_ int fd = openat(dirfd, "journal", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_fclose_ FILE *f = fd < 0 ? NULL : fdopen(byoc_steal_fd(&fd), "r");
	char line[4096];
	bool all_gone = true;

	while (f && fgets(line, sizeof(line), f)) {
		struct byoc_cgroup cg;
		char *slash;

		line[strcspn(line, "\n")] = '\0';
		if (!is_lab_cgroup(line, id) || access(line, F_OK) < 0)
			continue;
		byoc_cgroup_defaults(&cg);
		snprintf(cg.dir[0], sizeof(cg.dir[0]), "%s", line);
		cg.created[0] = true;
		byoc_cgroup_destroy(&cg); /* kills what is left inside, then rmdir */
		if (access(line, F_OK) == 0) {
			all_gone = false;
			continue;
		}
		byoc_log("state: removed cgroup %s", line);
		if (removed)
			removed("cgroup", line, arg);
		/* cgroup v2's lab parent, <root>/byoc, goes once empty. */
		slash = strrchr(line, '/');
		*slash = '\0';
		if (strcmp(strrchr(line, '/'), "/byoc") == 0)
			rmdir(line);
	}
	return all_gone;
}

/* A listing of the state root from its start. The dup shares its offset with
 * rootfd, which an earlier listing may have read to the end. NULL with `err`
 * filled on failure. */
static DIR *state_opendir(const char *root, int rootfd, struct byoc_error *err)
{
	int fd = dup(rootfd);
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		byoc_error_sys(err, errno, "opendir(%s)", root);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	rewinddir(d);
	return d;
}

/* The clean-up proper, with <root>/.lock held exclusively. */
static int gc_locked(const char *root, int rootfd, byoc_state_removed_fn removed, void *arg,
		     struct byoc_error *err)
{
	int count = 0;
	struct dirent *e;
	DIR *d = state_opendir(root, rootfd, err);

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		_cleanup_close_ int dirfd = -1, lockfd = -1;
		char path[4200];

		if (!is_id(e->d_name))
			continue;
		dirfd = openat(rootfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dirfd < 0)
			continue;
		/* No journal at all: its runtime died before creating it. */
		lockfd = openat(dirfd, "journal", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (lockfd >= 0 && flock(lockfd, LOCK_EX | LOCK_NB) < 0)
			continue; /* held: that runtime is alive */
		snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
		char link[16];
		/* Its veth's host end, if something kept its namespace alive. */
		if (byoc_net_gc(dirfd, link) && removed)
			removed("link", link, arg);
		if (!remove_cgroups(dirfd, e->d_name, removed, arg))
			continue; /* the next clean-up tries again */
		if (remove_tree(rootfd, e->d_name, 0, 0) < 0)
			continue;
		byoc_log("state: removed %s (its runtime is gone)", path);
		if (removed)
			removed("state", path, arg);
		count++;
	}
	closedir(d);
	return count;
}

int byoc_state_root_trusted(int fd, const char *root, struct byoc_error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return byoc_error_sys(err, errno, "fstat(%s)", root);
	if (st.st_uid != geteuid())
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "the state directory %s belongs to uid %u, not to this "
				      "runtime's user (uid %u): the clean-up trusts what it finds "
				      "there: give a directory that you own and only you can write",
				      root, (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "the state directory %s is writable by others (mode %04o): "
				      "anyone could plant state that the clean-up trusts: give a "
				      "directory that only its owner can write ('chmod go-w %s')",
				      root, (unsigned)(st.st_mode & 07777), root);
	return 0;
}

/* Open <root> (creating it) and take <root>/.lock exclusively. Returns the
 * lock's fd and sets *rootfd, or < 0 with `err` filled. */
static int lock_root(const char *root, int *rootfd, struct byoc_error *err)
{
	_cleanup_close_ int dfd = -1, lock = -1;

	if (mkdir(root, 0755) < 0 && errno != EEXIST)
		return byoc_error_sys(err, errno, "mkdir(%s)", root);
	dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return byoc_error_sys(err, errno, "open(%s)", root);
	if (byoc_state_root_trusted(dfd, root, err) < 0)
		return -EPERM;
	lock = openat(dfd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0)
		return byoc_error_sys(err, errno, "open(%s/.lock)", root);
	while (flock(lock, LOCK_EX) < 0)
		if (errno != EINTR)
			return byoc_error_sys(err, errno, "flock(%s/.lock)", root);
	*rootfd = byoc_steal_fd(&dfd);
	return byoc_steal_fd(&lock);
}

int byoc_state_gc(const char *root, byoc_state_removed_fn removed, void *arg,
		  struct byoc_error *err)
{
	_cleanup_close_ int rootfd = -1, lock = lock_root(root, &rootfd, err);

	if (lock < 0)
		return lock;
	return gc_locked(root, rootfd, removed, arg, err);
}

/* Refuse `name` if a container under `rootfd` has it; dead ones are gone
 * already (gc_locked() ran first), so whoever has it is running. */
static int name_free(const char *root, int rootfd, const char *name, struct byoc_error *err)
{
	struct dirent *e;
	DIR *d = state_opendir(root, rootfd, err);

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[64], seen[80] = "";
		_cleanup_close_ int nfd = -1;
		ssize_t n;

		if (!is_id(e->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/name", e->d_name);
		nfd = openat(rootfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		n = nfd < 0 ? -1 : read(nfd, seen, sizeof(seen) - 1);
		if (n > 0 && (seen[n] = '\0', strcmp(seen, name) == 0)) {
			byoc_error_set(err, BYOC_EXIT_RUNTIME,
				       "--name %s: a running container (%s/%s) already has that "
				       "name: choose another, or stop that one first",
				       name, root, e->d_name);
			closedir(d);
			return -EEXIST;
		}
	}
	closedir(d);
	return 0;
}

static int write_name(int dirfd, const char *path, const char *name, struct byoc_error *err)
{
	_cleanup_close_ int fd =
		openat(dirfd, "name", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t len = strlen(name);

	if (fd < 0)
		return byoc_error_sys(err, errno, "open(%s/name)", path);
	if (write(fd, name, len) != (ssize_t)len)
		return byoc_error_sys(err, errno ? errno : EIO, "write(%s/name)", path);
	return 0;
}

int byoc_state_create(struct byoc_state *st, const char *id, struct byoc_error *err)
{
	_cleanup_close_ int rootfd = -1, lock = lock_root(st->root, &rootfd, err);
	_cleanup_close_ int dirfd = -1;
	char path[sizeof(st->dir)];

	if (lock < 0)
		return lock;
	/* A clean-up that fails leaves the leftovers for the next one; it
	 * must not stop this container from starting. */
	gc_locked(st->root, rootfd, NULL, NULL, &(struct byoc_error){ 0 });
	if (st->name && name_free(st->root, rootfd, st->name, err) < 0)
		return -EEXIST;

	snprintf(path, sizeof(path), "%s/%s", st->root, id);
	if (BYOC_SYS(err, mkdirat(rootfd, id, 0700), "mkdir(%s)", path) < 0)
		return -1;
	snprintf(st->dir, sizeof(st->dir), "%s", path);
	dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return byoc_error_sys(err, errno, "open(%s)", path);
	/* One file is the lock and the journal: every file made here costs its
	 * making and its removal on every start. */
	st->journal_fd =
		openat(dirfd, "journal", O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
	if (st->journal_fd < 0)
		return byoc_error_sys(err, errno, "open(%s/journal)", path);
	if (BYOC_SYS(err, flock(st->journal_fd, LOCK_EX | LOCK_NB), "flock(%s/journal)", path) < 0)
		return -1;
	if (st->name && write_name(dirfd, path, st->name, err) < 0)
		return -1;
	return 0;
}

bool byoc_state_record(int dirfd, const char *journal, const char *name, char *out, size_t len)
{
	_cleanup_close_ int fd = openat(dirfd, journal, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[8192];
	ssize_t got = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	size_t n = strlen(name);

	if (got <= 0)
		return false;
	buf[got] = '\0';
	for (char *line = buf; line && *line;) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		if (strncmp(line, name, n) == 0 && line[n] == ' ') {
			snprintf(out, len, "%s", line + n + 1);
			return true;
		}
		line = end ? end + 1 : NULL;
	}
	return false;
}

/* The record `name` of each other container's journal (the rest of its line
 * "NAME ..."), for byoc_state_claim(). */
static int read_others(int rootfd, const char *own, const char *name, char ***taken, size_t *n)
{
	int fd = dup(rootfd);
	struct dirent *e;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	while ((e = readdir(d))) {
		char path[320], rec[256], **grown;

		if (!is_id(e->d_name) || strcmp(e->d_name, own) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/journal", e->d_name);
		if (!byoc_state_record(rootfd, path, name, rec, sizeof(rec)))
			continue;
		grown = realloc(*taken, (*n + 1) * sizeof(**taken));
		if (!grown || !(grown[*n] = strdup(rec))) {
			*taken = grown ? grown : *taken;
			closedir(d);
			return -ENOMEM;
		}
		*taken = grown;
		(*n)++;
	}
	closedir(d);
	return 0;
}

int byoc_state_claim(struct byoc_state *st, const char *name, byoc_state_choose_fn choose,
		     void *arg, struct byoc_error *err)
{
	_cleanup_close_ int rootfd = -1, lock = lock_root(st->root, &rootfd, err);
	_cleanup_close_ int fd = -1;
	const char *own = strrchr(st->dir, '/');
	char **taken = NULL, line[256] = "", path[4200];
	size_t n = 0;
	int r;

	if (lock < 0)
		return lock;
	if (!own)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME, "internal error: no state directory");
	r = read_others(rootfd, own + 1, name, &taken, &n);
	if (r < 0)
		byoc_error_sys(err, -r, "reading %s/*/journal for %s", st->root, name);
	else
		r = choose(taken, n, line, sizeof(line), arg, err);
	while (n-- > 0)
		free(taken[n]);
	free(taken);
	if (r < 0)
		return r;
	/* One write of "NAME LINE" to the journal (O_APPEND): whole, or not
	 * at all. */
	snprintf(path, sizeof(path), "%s %s", name, line);
	if (write(st->journal_fd, path, strlen(path)) != (ssize_t)strlen(path))
		return byoc_error_sys(err, errno ? errno : EIO, "write(%s/journal)", st->dir);
	return 0;
}

void byoc_state_remove(struct byoc_state *st)
{
	if (st->dir[0]) {
		/* The lock goes last, so the directory is never unlocked while
		 * it still lists cgroups or a link. */
		static const char *const files[] = { "name", "hostname", "hosts", "resolv.conf" };
		static const char *const dirs[] = { "work/work", "work", "merged", "upper" };
		char path[4300];
		/* What a state directory holds, by name: one system call each,
		 * then a walk for whatever is left (the upper layer's files). */
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", st->dir, files[i]);
			unlink(path);
		}
		for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", st->dir, dirs[i]);
			rmdir(path);
		}
		snprintf(path, sizeof(path), "%s/journal", st->dir);
		unlink(path);
		if (remove_tree(AT_FDCWD, st->dir, 0, 0) < 0)
			byoc_log("state: cannot remove %s: %s", st->dir, strerror(errno));
		st->dir[0] = '\0';
	}
	if (st->journal_fd >= 0)
		close(st->journal_fd);
	st->journal_fd = -1;
}
