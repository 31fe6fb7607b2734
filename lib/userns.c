#define _GNU_SOURCE
#include "userns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "mountapi.h"
#include "state.h"

int byoc_subid_find(const char *file, const char *user, uid_t uid, uint32_t *start, uint32_t *count,
		    struct byoc_error *err)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	char line[512], num[16];

	if (!f) {
		if (errno == ENOENT)
			return 0;
		return byoc_error_sys(err, errno, "open(%s)", file);
	}
	snprintf(num, sizeof(num), "%u", (unsigned)uid);
	/* NAME_OR_UID:START:COUNT, one a line; see subuid(5). */
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *end;
		unsigned long s, n;

		if (!colon || line[0] == '#')
			continue;
		*colon = '\0';
		if (!((user && strcmp(line, user) == 0) || strcmp(line, num) == 0))
			continue;
		errno = 0;
		s = strtoul(colon + 1, &end, 10);
		if (errno || *end != ':' || s > UINT32_MAX)
			continue;
		n = strtoul(end + 1, &end, 10);
		if (errno || (*end != '\n' && *end != '\0') || n == 0 || n > UINT32_MAX - s)
			continue;
		*start = (uint32_t)s;
		*count = (uint32_t)n;
		return 1;
	}
	return 0;
}

/* A line of `file` other than `owner`'s whose range meets
 * [start, start+count): its owner into `who`. */
static bool subid_overlap(const char *file, uint32_t start, uint32_t count, char *who, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	char line[512];

	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *end;
		unsigned long s, n;

		if (!colon || line[0] == '#')
			continue;
		*colon = '\0';
		s = strtoul(colon + 1, &end, 10);
		if (*end != ':')
			continue;
		n = strtoul(end + 1, NULL, 10);
		if (s < (unsigned long)start + count && (unsigned long)start < s + n) {
			snprintf(who, len, "%s", line);
			return true;
		}
	}
	return false;
}

/* newuidmap or newgidmap where Debian's `uidmap` installs it. */
static const char *helper_path(const char *prog, char *buf, size_t len)
{
	static const char *const dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/usr/local/bin" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, len, "%s/%s", dirs[i], prog);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

static void map_one(struct byoc_idmap *m, uint32_t inside, uint32_t outside, uint32_t count)
{
	m->line[m->n++] = (struct byoc_idmap_line){ inside, outside, count };
}

int byoc_userns_plan(struct byoc_userns *u, struct byoc_error *err)
{
	uint32_t us = 0, uc = 0, gs = 0, gc = 0;
	char path[64], who[512];
	int ru, rg;

	memset(&u->uid, 0, sizeof(u->uid));
	memset(&u->gid, 0, sizeof(u->gid));
	u->helper = u->deny_setgroups = false;
	if (!u->rootless) {
		/* docker's --userns-remap: root's range when it has one. */
		ru = byoc_subid_find("/etc/subuid", "root", 0, &us, &uc, err);
		rg = ru < 0 ? ru : byoc_subid_find("/etc/subgid", "root", 0, &gs, &gc, err);
		if (ru < 0 || rg < 0)
			return -1;
		if (ru && rg && uc >= BYOC_USERNS_COUNT && gc >= BYOC_USERNS_COUNT) {
			snprintf(u->source, sizeof(u->source),
				 "root's ranges in /etc/subuid and /etc/subgid");
		} else {
			us = gs = BYOC_USERNS_BASE;
			const char *file = "/etc/subuid";
			if (subid_overlap(file, us, BYOC_USERNS_COUNT, who, sizeof(who)) ||
			    subid_overlap(file = "/etc/subgid", gs, BYOC_USERNS_COUNT, who,
					  sizeof(who)))
				return byoc_error_set(err, BYOC_EXIT_RUNTIME,
						      "--userns: the lab's range %u-%u meets %s's "
						      "range in %s: give root a range of its own "
						      "('usermod --add-subuids 200000-265535 "
						      "--add-subgids 200000-265535 root')",
						      us, us + BYOC_USERNS_COUNT - 1, who, file);
			snprintf(u->source, sizeof(u->source),
				 "the lab's own range (root has no range of %u IDs in /etc/subuid "
				 "and /etc/subgid)",
				 BYOC_USERNS_COUNT);
		}
		map_one(&u->uid, 0, us, BYOC_USERNS_COUNT);
		map_one(&u->gid, 0, gs, BYOC_USERNS_COUNT);
		return 0;
	}

	/* Rootless: the caller is root inside; IDs 1 and up are its range. */
	uid_t me = geteuid();
	gid_t mine = getegid();
	struct passwd *pw = getpwuid(me);
	const char *name = pw ? pw->pw_name : NULL;

	map_one(&u->uid, 0, me, 1);
	map_one(&u->gid, 0, mine, 1);
	ru = byoc_subid_find("/etc/subuid", name, me, &us, &uc, err);
	rg = ru < 0 ? ru : byoc_subid_find("/etc/subgid", name, me, &gs, &gc, err);
	if (ru < 0 || rg < 0)
		return -1;
	if (ru && rg && helper_path("newuidmap", path, sizeof(path)) &&
	    helper_path("newgidmap", path, sizeof(path))) {
		uc = uc < BYOC_USERNS_COUNT - 1 ? uc : BYOC_USERNS_COUNT - 1;
		gc = gc < BYOC_USERNS_COUNT - 1 ? gc : BYOC_USERNS_COUNT - 1;
		map_one(&u->uid, 1, us, uc);
		map_one(&u->gid, 1, gs, gc);
		u->helper = true;
		snprintf(u->source, sizeof(u->source),
			 "uid %u and its ranges in /etc/subuid and /etc/subgid, through newuidmap",
			 (unsigned)me);
	} else {
		u->deny_setgroups = true;
		snprintf(u->source, sizeof(u->source), "uid %u alone (%s)", (unsigned)me,
			 ru && rg ? "newuidmap is not installed: apt-get install uidmap"
				  : "it has no range in /etc/subuid");
	}
	return 0;
}

void byoc_idmap_format(const struct byoc_idmap *m, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%u %u %u\n", m->line[i].inside,
					 m->line[i].outside, m->line[i].count);
}

uint32_t byoc_idmap_outside(const struct byoc_idmap *m, uint32_t inside)
{
	for (size_t i = 0; i < m->n; i++)
		if (inside >= m->line[i].inside && inside - m->line[i].inside < m->line[i].count)
			return m->line[i].outside + (inside - m->line[i].inside);
	return UINT32_MAX;
}

int byoc_userns_write(pid_t pid, const char *file, const char *text, struct byoc_error *err)
{
	char path[64];
	size_t len = strlen(text);
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return byoc_error_sys(err, errno, "open(%s)", path);
	/* The kernel takes a map in one write(), once. */
	ssize_t w = write(fd, text, len);
	if (w == (ssize_t)len)
		return 0;
	int e = w < 0 ? errno : EIO;
	char name[16];
	if (e == EPERM && strcmp(file, "gid_map") == 0 && geteuid() != 0)
		return byoc_error_set(
			err, BYOC_EXIT_RUNTIME,
			"write(%s, \"%.*s\"): EPERM: a normal user's gid_map is taken "
			"only once setgroups(2) is denied: write \"deny\" to "
			"/proc/%d/setgroups first",
			path, (int)strcspn(text, "\n"), text, (int)pid);
	if (e == EPERM)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "write(%s, \"%.*s\"): EPERM: a map may be written once, by "
				      "a process with CAP_SETUID (CAP_SETGID for gid_map) over the "
				      "namespace, and a normal user may map only its own ID",
				      path, (int)strcspn(text, "\n"), text);
	return byoc_error_set(err, BYOC_EXIT_RUNTIME, "write(%s, \"%.*s\"): %s", path,
			      (int)strcspn(text, "\n"), text,
			      byoc_errno_name(e, name, sizeof(name)));
}

int byoc_userns_helper(const char *prog, pid_t pid, const struct byoc_idmap *m,
		       struct byoc_error *err)
{
	char path[64], nums[1 + 3 * 2][16];
	char *argv[2 + 3 * 2 + 1] = { (char *)prog };
	size_t argc = 1;
	int ws = 0;

	if (!helper_path(prog, path, sizeof(path)))
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "%s is not installed: install Debian's uidmap package "
				      "('sudo apt-get install uidmap')",
				      prog);
	snprintf(nums[0], sizeof(nums[0]), "%d", (int)pid);
	argv[argc++] = nums[0];
	for (size_t i = 0; i < m->n && i < 2; i++) {
		const uint32_t v[3] = { m->line[i].inside, m->line[i].outside, m->line[i].count };
		for (size_t k = 0; k < 3; k++) {
			snprintf(nums[1 + 3 * i + k], sizeof(nums[0]), "%u", v[k]);
			argv[argc++] = nums[1 + 3 * i + k];
		}
	}
	argv[argc] = NULL;
	byoc_log("userns: %s %s", path, nums[0]);
	pid_t child = fork();
	if (child < 0)
		return byoc_error_sys(err, errno, "fork(%s)", prog);
	if (child == 0) {
		execv(path, argv);
		_exit(127);
	}
	while (waitpid(child, &ws, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
		return 0;
	return byoc_error_set(err, BYOC_EXIT_RUNTIME,
			      "%s %d failed (status %d): it writes only the ranges that "
			      "/etc/subuid and /etc/subgid give this user: see 'byoc run -v' and "
			      "subuid(5)",
			      prog, (int)pid, WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
}

/* The copy: one walk, its hard links, and what it skipped. */
struct copy_walk {
	const struct byoc_userns *u;
	int dst_root;
	size_t skipped;
	struct link_seen {
		dev_t dev;
		ino_t ino;
		char *rel;
	} * links;
	size_t n_links, cap_links;
	struct byoc_error *err;
};

static int copy_owner(struct copy_walk *w, int dfd, const char *name, const char *rel,
		      const struct stat *st)
{
	if (w->u->rootless)
		return 0; /* a normal user gives nothing away: all is its own */
	uint32_t uid = byoc_idmap_outside(&w->u->uid, st->st_uid);
	uint32_t gid = byoc_idmap_outside(&w->u->gid, st->st_gid);
	if (uid == UINT32_MAX || gid == UINT32_MAX)
		return byoc_error_set(w->err, BYOC_EXIT_RUNTIME,
				      "%s is owned by %u:%u, which the container's map leaves "
				      "out: give an image whose IDs are below %u",
				      rel, (unsigned)st->st_uid, (unsigned)st->st_gid,
				      BYOC_USERNS_COUNT);
	if (fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return byoc_error_sys(w->err, errno, "chown(%s)", rel);
	return 0;
}

/* A copied file or directory, open as `fd`: its owner, then its mode
 * (after chown(), which clears set-user-ID), then its times. */
static int finish_entry(struct copy_walk *w, int dfd, const char *name, const char *rel, int fd,
			const struct stat *st)
{
	struct timespec t[2] = { st->st_atim, st->st_mtim };

	if (copy_owner(w, dfd, name, rel, st) < 0)
		return -1;
	if (fchmod(fd, st->st_mode & 07777) < 0)
		return byoc_error_sys(w->err, errno, "chmod(%s)", rel);
	futimens(fd, t);
	return 0;
}

static int copy_file(struct copy_walk *w, int sfd, const char *sname, int dfd, const char *name,
		     const char *rel, const struct stat *st)
{
	_cleanup_close_ int in = -1, out = -1;

	if (st->st_nlink > 1)
		for (size_t i = 0; i < w->n_links; i++)
			if (w->links[i].dev == st->st_dev && w->links[i].ino == st->st_ino) {
				if (linkat(w->dst_root, w->links[i].rel, dfd, name, 0) < 0)
					return byoc_error_sys(w->err, errno, "link(%s)", rel);
				return 0;
			}
	in = openat(sfd, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0 && errno == EACCES && w->u->rootless) {
		w->skipped++;
		byoc_log("userns: copy: %s is not readable: left out", rel);
		return 0;
	}
	if (in < 0)
		return byoc_error_sys(w->err, errno, "open(%s)", rel);
	out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return byoc_error_sys(w->err, errno, "create(%s)", rel);
	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL)) {
			char buf[65536];
			n = read(in, buf, sizeof(buf));
			if (n > 0 && write(out, buf, (size_t)n) != n)
				n = -1;
		}
		if (n < 0)
			return byoc_error_sys(w->err, errno, "copy(%s)", rel);
		if (n == 0)
			break;
	}
	if (finish_entry(w, dfd, name, rel, out, st) < 0)
		return -1;
	if (st->st_nlink > 1) {
		if (w->n_links == w->cap_links) {
			size_t cap = w->cap_links ? 2 * w->cap_links : 64;
			void *p = realloc(w->links, cap * sizeof(*w->links));
			if (!p)
				return byoc_error_sys(w->err, ENOMEM, "realloc(links)");
			w->links = p;
			w->cap_links = cap;
		}
		char *copy = strdup(rel);
		if (!copy)
			return byoc_error_sys(w->err, ENOMEM, "strdup");
		w->links[w->n_links++] = (struct link_seen){ st->st_dev, st->st_ino, copy };
	}
	return 0;
}

static int copy_entry(struct copy_walk *w, int sfd, const char *sname, int dfd, const char *name,
		      const char *rel, int depth);

static int copy_dir(struct copy_walk *w, int sfd, const char *sname, int dfd, const char *name,
		    const char *rel, const struct stat *st, int depth)
{
	_cleanup_close_ int in = -1, out = -1;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;

	if (depth > 64)
		return byoc_error_set(w->err, BYOC_EXIT_RUNTIME, "%s: deeper than 64 directories",
				      rel);
	if (mkdirat(dfd, name, 0700) < 0)
		return byoc_error_sys(w->err, errno, "mkdir(%s)", rel);
	out = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (out < 0)
		return byoc_error_sys(w->err, errno, "open(%s)", rel);
	in = openat(sfd, sname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0 && errno == EACCES && w->u->rootless) {
		w->skipped++;
		byoc_log("userns: copy: %s is not readable: copied empty", rel);
	} else if (in < 0) {
		return byoc_error_sys(w->err, errno, "open(%s)", rel);
	} else {
		int listing = dup(in);
		if (listing < 0 || !(d = fdopendir(listing))) {
			if (listing >= 0)
				close(listing);
			return byoc_error_sys(w->err, errno, "opendir(%s)", rel);
		}
		while ((e = readdir(d))) {
			char sub[4096];
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", rel, e->d_name);
			if (copy_entry(w, in, e->d_name, out, e->d_name, sub, depth + 1) < 0)
				return -1;
		}
	}
	return finish_entry(w, dfd, name, rel, out, st);
}

static int copy_entry(struct copy_walk *w, int sfd, const char *sname, int dfd, const char *name,
		      const char *rel, int depth)
{
	struct stat st;
	char target[4096];
	ssize_t n;

	if (fstatat(sfd, sname, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return byoc_error_sys(w->err, errno, "stat(%s)", rel);
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		return copy_dir(w, sfd, sname, dfd, name, rel, &st, depth);
	case S_IFREG:
		return copy_file(w, sfd, sname, dfd, name, rel, &st);
	case S_IFLNK:
		n = readlinkat(sfd, sname, target, sizeof(target) - 1);
		if (n < 0)
			return byoc_error_sys(w->err, errno, "readlink(%s)", rel);
		target[n] = '\0';
		if (symlinkat(target, dfd, name) < 0)
			return byoc_error_sys(w->err, errno, "symlink(%s)", rel);
		return copy_owner(w, dfd, name, rel, &st);
	default: /* device nodes, FIFOs, sockets: not in an image's copy */
		w->skipped++;
		byoc_log("userns: copy: %s is not a file, directory or link: left out", rel);
		return 0;
	}
}

int byoc_userns_copy(const char *src, const char *dst, const struct byoc_userns *u, size_t *skipped,
		     struct byoc_error *err)
{
	_cleanup_free_ char *parent = strdup(dst);
	_cleanup_close_ int sfd = -1, dfd = -1;
	struct copy_walk w = { .u = u, .err = err };
	char *slash;
	int r;

	if (!parent)
		return byoc_error_sys(err, ENOMEM, "strdup");
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME, "copy to %s: not a path below /",
				      dst);
	*slash = '\0';
	/* The walk opens src's parent and copies its entry, so that src
	 * itself keeps its mode and owner. */
	_cleanup_free_ char *sparent = strdup(src);
	if (!sparent)
		return byoc_error_sys(err, ENOMEM, "strdup");
	char *sslash = strrchr(sparent, '/');
	const char *sname = sslash ? sslash + 1 : sparent;
	if (sslash)
		*sslash = '\0';
	sfd = open(sslash ? (sparent[0] ? sparent : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0 || dfd < 0)
		return byoc_error_sys(err, errno, "open(%s)", sfd < 0 ? src : parent);
	w.dst_root = dfd;
	/* Hard links are found again by their path from dst's parent. */
	r = copy_entry(&w, sfd, sname, dfd, slash + 1, slash + 1, 0);
	for (size_t i = 0; i < w.n_links; i++)
		free(w.links[i].rel);
	free(w.links);
	if (skipped)
		*skipped = w.skipped;
	return r;
}

/* The runtime in the mount namespace of a container, and back. */
struct mnt_visit {
	int home, cwd;
};

/* `path` as an absolute path into `buf`: setns() moves the working
 * directory to the root of the namespace entered. */
static const char *absolute(const char *path, char *buf, size_t len)
{
	char cwd[4096];

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)) ||
	    (size_t)snprintf(buf, len, "%s/%s", cwd, path) >= len)
		return path;
	return buf;
}

static int mnt_enter(pid_t pid, struct mnt_visit *v, struct byoc_error *err)
{
	char path[64];
	_cleanup_close_ int target = -1;

	v->home = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	v->cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (v->home < 0 || v->cwd < 0 || target < 0) {
		int r = byoc_error_sys(err, errno, "open(%s)", target < 0 ? path : "/proc/self");
		if (v->home >= 0)
			close(v->home);
		if (v->cwd >= 0)
			close(v->cwd);
		return r;
	}
	if (setns(target, CLONE_NEWNS) < 0) {
		int r = byoc_error_sys(err, errno, "setns(%s)", path);
		close(v->home);
		close(v->cwd);
		return r;
	}
	return 0;
}

static void mnt_leave(struct mnt_visit *v)
{
	/* setns() also moved the root and the working directory. */
	if (setns(v->home, CLONE_NEWNS) < 0 || fchdir(v->cwd) < 0)
		byoc_log("userns: cannot come back to the runtime's mount namespace: %s",
			 strerror(errno));
	close(v->home);
	close(v->cwd);
}

int byoc_userns_idmap(pid_t pid, const char *const *paths, size_t n, struct byoc_error *err)
{
	char path[64];
	_cleanup_close_ int userns = -1;
	struct mnt_visit v;
	int r = 0;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	userns = open(path, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return byoc_error_sys(err, errno, "open(%s)", path);
	char full[1 + BYOC_LAYERS_MAX][4096];
	const char *at[1 + BYOC_LAYERS_MAX];
	for (size_t i = 0; i < n && i < 1 + BYOC_LAYERS_MAX; i++)
		at[i] = absolute(paths[i], full[i], sizeof(full[i]));
	if (mnt_enter(pid, &v, err) < 0)
		return -1;
	for (size_t i = 0; i < n && i < 1 + BYOC_LAYERS_MAX && r == 0; i++) {
		_cleanup_close_ int tree =
			sys_open_tree(AT_FDCWD, at[i], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		struct byoc_mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP,
						.userns_fd = (uint64_t)userns };
		char name[16];

		if (tree < 0 && errno == ENOSYS) {
			r = byoc_error_set(err, BYOC_EXIT_RUNTIME,
					   "open_tree: ENOSYS: the kernel has no new mount API "
					   "(Linux 5.2)");
			r = -EOPNOTSUPP;
			break;
		}
		if (tree < 0) {
			r = byoc_error_sys(err, errno, "open_tree(%s, OPEN_TREE_CLONE)", at[i]);
			break;
		}
		if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
			int e = errno;
			byoc_error_set(err, BYOC_EXIT_RUNTIME,
				       "mount_setattr(%s, MOUNT_ATTR_IDMAP): %s: %s", at[i],
				       byoc_errno_name(e, name, sizeof(name)),
				       e == ENOSYS ? "the kernel has no ID-mapped mounts (Linux "
						     "5.12)"
						   : "its file system cannot be ID-mapped here");
			r = (e == ENOSYS || e == EINVAL || e == EOPNOTSUPP || e == EPERM)
				    ? -EOPNOTSUPP
				    : -e;
			break;
		}
		if (sys_move_mount(tree, at[i]) < 0)
			r = byoc_error_sys(err, errno, "move_mount(%s)", at[i]);
		else
			byoc_log("userns: %s is ID-mapped in the container", at[i]);
	}
	mnt_leave(&v);
	return r;
}

int byoc_userns_bind(pid_t pid, const char *const *paths, const char *const *copies, size_t n,
		     struct byoc_error *err)
{
	char full[1 + BYOC_LAYERS_MAX][4096], cabs[1 + BYOC_LAYERS_MAX][4096];
	const char *at[1 + BYOC_LAYERS_MAX], *from[1 + BYOC_LAYERS_MAX];
	struct mnt_visit v;
	int r = 0;

	for (size_t i = 0; i < n && i < 1 + BYOC_LAYERS_MAX; i++) {
		at[i] = absolute(paths[i], full[i], sizeof(full[i]));
		from[i] = absolute(copies[i], cabs[i], sizeof(cabs[i]));
	}
	if (mnt_enter(pid, &v, err) < 0)
		return -1;
	for (size_t i = 0; i < n && i < 1 + BYOC_LAYERS_MAX && r == 0; i++)
		r = BYOC_SYS(err, mount(from[i], at[i], NULL, MS_BIND | MS_REC, NULL),
			     "mount(%s, %s, MS_BIND)", from[i], at[i]);
	mnt_leave(&v);
	return r;
}

int byoc_userns_clone_devs(struct byoc_userns *u, const char *const *paths, size_t n,
			   struct byoc_error *err)
{
	for (size_t i = 0; i < n && u->n_devs < BYOC_USERNS_DEVS_MAX; i++) {
		struct stat st;
		int fd = sys_open_tree(AT_FDCWD, paths[i], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

		if (fd < 0)
			return byoc_error_sys(err, errno, "open_tree(%s, OPEN_TREE_CLONE)",
					      paths[i]);
		if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
			close(fd);
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "the machine's %s is not a character device",
					      paths[i]);
		}
		u->dev_fd[u->n_devs] = fd;
		u->dev_rdev[u->n_devs++] = st.st_rdev;
	}
	return 0;
}

int byoc_userns_bind_dev(const struct byoc_userns *u, const char *path, dev_t rdev,
			 struct byoc_error *err)
{
	for (size_t i = 0; i < u->n_devs; i++) {
		if (u->dev_rdev[i] != rdev)
			continue;
		/* A mount needs something to cover: an empty file. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0)
			return byoc_error_sys(err, errno, "create(%s)", path);
		close(fd);
		return BYOC_SYS(err, sys_move_mount(u->dev_fd[i], path), "move_mount(%s)", path);
	}
	return byoc_error_set(err, BYOC_EXIT_RUNTIME,
			      "%s: the userns stage cloned no node of the machine with that "
			      "number",
			      path);
}

int byoc_userns_remove(const struct byoc_userns *u, const char *path)
{
	int ready[2], go[2], ws = 0;
	struct byoc_error err = { 0 };
	char byte = 0;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(go, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return -errno;
	}
	pid_t child = fork();
	if (child < 0) {
		int e = errno;
		close(ready[0]), close(ready[1]), close(go[0]), close(go[1]);
		return -e;
	}
	if (child == 0) {
		close(ready[0]);
		close(go[1]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &byte, 1) != 1)
			_exit(1);
		/* Every capability here, over every file of a mapped owner. */
		_exit(byoc_remove_tree(AT_FDCWD, path) < 0 ? 1 : 0);
	}
	close(ready[1]);
	close(go[0]);
	int r = read(ready[0], &byte, 1) == 1 &&
				byoc_userns_helper("newgidmap", child, &u->gid, &err) == 0 &&
				byoc_userns_helper("newuidmap", child, &u->uid, &err) == 0
			? 0
			: -EPERM;
	if (r == 0 && write(go[1], "g", 1) != 1)
		r = -EPIPE;
	close(ready[0]);
	close(go[1]);
	while (waitpid(child, &ws, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && !(WIFEXITED(ws) && WEXITSTATUS(ws) == 0))
		r = -EIO;
	if (r < 0)
		byoc_log("userns: cannot remove %s as root inside: %s", path,
			 err.msg[0] ? err.msg : strerror(-r));
	return r;
}

bool byoc_userns_user_xattrs(const char *dir)
{
	char path[4200];
	int fd;
	bool ok;

	snprintf(path, sizeof(path), "%s/.xattr-probe", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	ok = fd >= 0 && fsetxattr(fd, "user.byoc-probe", "1", 1, 0) == 0;
	if (fd >= 0)
		close(fd);
	unlink(path);
	return ok;
}

int byoc_userns_apparmor_restricted(void)
{
	_cleanup_fclose_ FILE *f =
		fopen("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "re");
	int v = 0;

	if (!f || fscanf(f, "%d", &v) != 1)
		return 0;
	return v == 1;
}
