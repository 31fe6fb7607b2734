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

#include "cleanup.h"
#include "log.h"

/* A normal user's containers (rootless, step 10) keep theirs in its own
 * runtime directory: $XDG_RUNTIME_DIR/byoc when that is the caller's,
 * /tmp/byoc-UID otherwise. */
static const char *rootless_root(void)
{
	static char root[4096];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (xdg && xdg[0] == '/' && strlen(xdg) < sizeof(root) - 6 && stat(xdg, &st) == 0 &&
	    S_ISDIR(st.st_mode) && st.st_uid == geteuid())
		snprintf(root, sizeof(root), "%s/byoc", xdg);
	else
		snprintf(root, sizeof(root), "/tmp/byoc-%u", (unsigned)geteuid());
	return root;
}

void byoc_state_defaults(struct byoc_state *st)
{
	memset(st, 0, sizeof(*st));
	st->root = geteuid() == 0 ? "/run/byoc" : rootless_root();
	st->journal_fd = -1;
	st->dir_fd = -1;
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

/* A listing of the directory `dirfd` from its start. The dup shares its
 * offset with dirfd, which an earlier listing may have read to the end. NULL
 * with errno set on failure. */
static DIR *listing(int dirfd)
{
	int fd = dup(dirfd), saved;
	DIR *d;

	if (fd < 0)
		return NULL;
	if (!(d = fdopendir(fd))) {
		saved = errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	rewinddir(d);
	return d;
}

/* The state root's listing; NULL with `err` filled on failure. */
static DIR *state_opendir(const char *root, int rootfd, struct byoc_error *err)
{
	DIR *d = listing(rootfd);

	if (!d)
		byoc_error_sys(err, errno, "opendir(%s)", root);
	return d;
}

/* Whether `name` is one of `keep` (NULL-terminated; NULL: none). */
static bool is_kept(const char *name, const char *const *keep)
{
	for (; keep && *keep; keep++)
		if (strcmp(name, *keep) == 0)
			return true;
	return false;
}

/* Remove everything in the directory `dirfd` but the files `keep` names. */
static int remove_all_but(int dirfd, const char *const *keep)
{
	struct dirent *e;
	DIR *d = listing(dirfd);
	int r = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && !is_kept(e->d_name, keep))
			r = remove_tree(dirfd, e->d_name, 0, 0) ?: r;
	closedir(d);
	return r;
}

/* Whether the directory holds a kept record: its mark, keep[0], exists. */
static bool is_kept_record(int dirfd, const char *const *keep)
{
	return keep && keep[0] && faccessat(dirfd, keep[0], F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* The clean-up proper, with <root>/.lock held exclusively: every container
 * whose lock is free and that no byoc command holds (the directory's own
 * flock) goes to `rc` first. */
static int gc_locked(const char *root, int rootfd, const struct byoc_reclaimer *rc,
		     struct byoc_error *err)
{
	int count = 0;
	struct dirent *e;
	DIR *d = state_opendir(root, rootfd, err);

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		_cleanup_close_ int dirfd = -1, lockfd = -1;
		enum byoc_reclaim what;
		char path[4200];

		if (!is_id(e->d_name))
			continue;
		dirfd = openat(rootfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dirfd < 0 || flock(dirfd, LOCK_EX | LOCK_NB) < 0)
			continue; /* starting, or a byoc command works on it */
		lockfd = openat(dirfd, "journal", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (lockfd >= 0 && flock(lockfd, LOCK_EX | LOCK_NB) < 0)
			continue; /* held: that runtime is alive */
		/* No journal and a record kept: an exited container that waits
		 * for byoc rm. No journal at all: its runtime died before
		 * creating it. */
		if (lockfd < 0 && rc && is_kept_record(dirfd, rc->keep))
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
		what = rc ? rc->reclaim(dirfd, e->d_name, rc->arg) : BYOC_RECLAIM_REMOVE;
		if (what == BYOC_RECLAIM_RETRY)
			continue; /* the next clean-up tries again */
		if (what == BYOC_RECLAIM_KEEP) {
			if (remove_all_but(dirfd, rc->keep) == 0)
				byoc_log("state: %s exited without its monitor; its record is kept",
					 path);
			continue;
		}
		if (remove_tree(rootfd, e->d_name, 0, 0) < 0)
			continue;
		byoc_log("state: removed %s (its runtime is gone)", path);
		if (rc && rc->removed)
			rc->removed("state", path, rc->arg);
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

int byoc_state_gc(const char *root, const struct byoc_reclaimer *rc, struct byoc_error *err)
{
	_cleanup_close_ int rootfd = -1, lock = lock_root(root, &rootfd, err);

	if (lock < 0)
		return lock;
	return gc_locked(root, rootfd, rc, err);
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
			snprintf(path, sizeof(path), "%s/journal", e->d_name);
			if (faccessat(rootfd, path, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
				byoc_error_set(err, BYOC_EXIT_RUNTIME,
					       "--name %s: an exited container (%s) still has that "
					       "name: remove it first ('byoc rm %s'), or choose "
					       "another",
					       name, e->d_name, name);
			else
				byoc_error_set(err, BYOC_EXIT_RUNTIME,
					       "--name %s: a running container (%s/%s) already has "
					       "that name: choose another, or stop that one first",
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
	gc_locked(st->root, rootfd, st->reclaimer, &(struct byoc_error){ 0 });
	if (st->name && name_free(st->root, rootfd, st->name, err) < 0)
		return -EEXIST;

	snprintf(path, sizeof(path), "%s/%s", st->root, id);
	if (BYOC_SYS(err, mkdirat(rootfd, id, 0700), "mkdir(%s)", path) < 0)
		return -1;
	snprintf(st->dir, sizeof(st->dir), "%s", path);
	dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return byoc_error_sys(err, errno, "open(%s)", path);
	/* Until the command runs, byoc commands on this container wait. */
	if (BYOC_SYS(err, flock(dirfd, LOCK_EX | LOCK_NB), "flock(%s)", path) < 0)
		return -1;
	st->dir_fd = dup(dirfd);
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
	struct dirent *e;
	DIR *d = listing(rootfd);

	if (!d)
		return -errno;
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

int byoc_state_lock(const char *root, const char *id, struct byoc_error *err)
{
	char path[4200];
	struct stat st;
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "%s/%s", root, id);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "container %s is gone: another byoc command removed it", id);
	if (fd < 0)
		return byoc_error_sys(err, errno, "open(%s)", path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return byoc_error_sys(err, errno, "flock(%s)", path);
	/* Removed while this waited for the lock. */
	if (fstat(fd, &st) < 0 || st.st_nlink == 0)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "container %s is gone: another byoc command removed it", id);
	return byoc_steal_fd(&fd);
}

void byoc_state_started(struct byoc_state *st)
{
	if (st->dir_fd >= 0)
		close(st->dir_fd);
	st->dir_fd = -1;
}

int byoc_state_write(const struct byoc_state *st, const char *file, const void *data, size_t len)
{
	_cleanup_close_ int fd = -1;

	if (st->dir_fd < 0)
		return -EBADF;
	/* Written once, while the container starts: byoc commands that act
	 * on it wait for the directory's lock until it is written. */
	fd = openat(st->dir_fd, file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		return -(errno ? errno : EIO);
	return 0;
}

void byoc_state_keep(struct byoc_state *st, const char *const *keep)
{
	if (st->dir[0]) {
		_cleanup_close_ int dirfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		/* The journal goes last: without it, the directory is a kept
		 * record that no clean-up touches. */
		if (dirfd < 0 || remove_all_but(dirfd, keep) < 0)
			byoc_log("state: cannot empty %s: %s", st->dir, strerror(errno));
		st->dir[0] = '\0';
	}
	byoc_state_leave(st);
}

void byoc_state_leave(struct byoc_state *st)
{
	byoc_state_started(st);
	if (st->journal_fd >= 0)
		close(st->journal_fd);
	st->journal_fd = -1;
}

void byoc_state_remove(struct byoc_state *st)
{
	if (st->dir[0]) {
		/* The lock goes last, so the directory is never unlocked while
		 * it still lists cgroups or a link. */
		static const char *const files[] = { "name", "config", "hostname", "hosts",
						     "resolv.conf" };
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
	byoc_state_leave(st);
}
