/* The made filters of step 09, kept under <state root>/.cache/seccomp/ (see
 * seccomp_cache.h). A filter from the cache is loaded into the container
 * as it is, so the cache is trusted only as far as the state root is: each
 * directory on the way must be this user's and writable by no one else, and
 * each file a regular one of this user's, of whole BPF instructions. */
#define _GNU_SOURCE
#include "seccomp_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "state.h"

/* Beyond this many filters, the next one to be kept clears the others first
 * (rebuilt runtimes and other capability sets leave theirs behind). */
#define CACHE_MAX 64

/* FNV-1a, 64 bits: a name for a key, not a defence; what an attacker would
 * need to plant a filter is the state root, which only root can write. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* A file as it is now: a new build, or a profile written again, differs. */
static uint64_t hash_file(uint64_t h, const struct stat *st)
{
	const uint64_t parts[] = {
		st->st_dev,	     st->st_ino,	 (uint64_t)st->st_size, st->st_mtim.tv_sec,
		st->st_mtim.tv_nsec, st->st_ctim.tv_sec, st->st_ctim.tv_nsec,
	};

	return fnv1a(h, parts, sizeof(parts));
}

int byoc_seccomp_cache_key(const struct byoc_options *o, uint64_t caps, uint64_t *key)
{
	static const char version[] = "byoc seccomp cache 1";
	uint64_t h = fnv1a(0xcbf29ce484222325ULL, version, sizeof(version));
	const struct scmp_version *lib = seccomp_version();
	struct utsname u;
	struct stat st;

	if (stat("/proc/self/exe", &st) < 0 || uname(&u) < 0)
		return 1;
	h = hash_file(h, &st);
	/* The kernel (a profile's minKernel) and the library (the calls it
	 * knows) make the same options another filter. */
	h = fnv1a(h, u.release, strlen(u.release));
	h = fnv1a(h, lib, sizeof(*lib));
	h = fnv1a(h, &caps, sizeof(caps));
	h = fnv1a(h, &o->seccomp, sizeof(o->seccomp));
	if (o->seccomp == BYOC_SECCOMP_PROFILE) {
		if (stat(o->seccomp_profile, &st) < 0)
			return 1;
		h = fnv1a(h, o->seccomp_profile, strlen(o->seccomp_profile));
		h = hash_file(h, &st);
	}
	*key = h;
	return 0;
}

/* <root>/.cache/seccomp, made 0700 where missing, each level checked as
 * the state root is (byoc_state_root_trusted()). Returns its fd; -ENOENT
 * (`err` untouched) when it is missing and `create` is false. */
static int cache_dir(const char *root, bool create, struct byoc_error *err)
{
	static const char *const levels[] = { ".cache", "seccomp" };
	char path[4096];
	_cleanup_close_ int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return byoc_error_sys(err, errno, "open(%s)", root);
	snprintf(path, sizeof(path), "%s", root);
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		int next;
		if (create && mkdirat(fd, levels[i], 0700) < 0 && errno != EEXIST)
			return byoc_error_sys(err, errno, "mkdir(%s/%s)", path, levels[i]);
		next = openat(fd, levels[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && !create)
			return -ENOENT; /* nothing kept yet: not an error */
		if (next < 0)
			return byoc_error_sys(err, errno, "open(%s/%s)", path, levels[i]);
		close(fd);
		fd = next;
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s", levels[i]);
		if (byoc_state_root_trusted(fd, path, err) < 0)
			return -EPERM;
	}
	return byoc_steal_fd(&fd);
}

int byoc_seccomp_bpf_read(int fd, struct sock_fprog *prog)
{
	_cleanup_free_ struct sock_filter *insns = NULL;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size == 0 || st.st_size % sizeof(*insns) ||
	    st.st_size / sizeof(*insns) > BPF_MAXINSNS)
		return -EINVAL;
	insns = malloc(st.st_size);
	if (!insns)
		return -ENOMEM;
	if (pread(fd, insns, st.st_size, 0) != st.st_size)
		return errno ? -errno : -EIO;
	prog->len = st.st_size / sizeof(*insns);
	prog->filter = byoc_steal_ptr(&insns);
	return 0;
}

int byoc_seccomp_cache_get(const char *root, uint64_t key, struct sock_fprog *prog,
			   struct byoc_error *err)
{
	_cleanup_close_ int dir = cache_dir(root, false, err), fd = -1;
	char name[32];
	struct stat st;

	if (dir == -ENOENT)
		return 0;
	if (dir < 0)
		return dir;
	snprintf(name, sizeof(name), "%016llx", (unsigned long long)key);
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	/* Not one this runtime wrote: make it anew. */
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) ||
	    byoc_seccomp_bpf_read(fd, prog) < 0) {
		unlinkat(dir, name, 0);
		return 0;
	}
	return 1;
}

/* Remove every filter of the cache, when it holds CACHE_MAX or more. */
static void cache_trim(int dir)
{
	_cleanup_closedir_ DIR *d = NULL;
	int fd = dup(dir), n = 0;
	struct dirent *e;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	if (n < CACHE_MAX)
		return;
	rewinddir(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			unlinkat(dir, e->d_name, 0);
}

int byoc_seccomp_cache_put(const char *root, uint64_t key, const struct sock_fprog *prog,
			   struct byoc_error *err)
{
	_cleanup_close_ int dir = cache_dir(root, true, err), fd = -1;
	size_t len = prog->len * sizeof(*prog->filter);
	char name[32], tmp[48];

	if (dir < 0)
		return dir;
	cache_trim(dir);
	snprintf(name, sizeof(name), "%016llx", (unsigned long long)key);
	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return byoc_error_sys(err, errno, "open(%s/.cache/seccomp/%s)", root, tmp);
	/* Whole, then renamed into place: a reader sees all of it or none. */
	if (write(fd, prog->filter, len) != (ssize_t)len || renameat(dir, tmp, dir, name) < 0) {
		int saved = errno ? errno : EIO;
		unlinkat(dir, tmp, 0);
		return byoc_error_sys(err, saved, "write(%s/.cache/seccomp/%s)", root, name);
	}
	return 0;
}
