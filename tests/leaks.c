#define _GNU_SOURCE
#include "leaks.h"

#include <dirent.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

struct lines {
	char **v;
	size_t n, cap;
};

static void add(struct lines *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			abort();
	}
	l->v[l->n++] = s;
}

static void add_dir_entries(struct lines *l, const char *kind, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *s;
		if (e->d_name[0] == '.')
			continue;
		/* The state root's shelf of kept layers (--keep) is the
		 * runtime's own, as .lock is: what counts is a layer on it. */
		if (strcmp(kind, "state") == 0 && strcmp(e->d_name, "kept") == 0) {
			char *shelf;
			if (asprintf(&shelf, "%s/kept", dir) < 0)
				abort();
			add_dir_entries(l, "state kept/", shelf);
			free(shelf);
			continue;
		}
		if (asprintf(&s, "%s%s%s", kind, kind[strlen(kind) - 1] == '/' ? "" : " ",
			     e->d_name) < 0)
			abort();
		add(l, s);
	}
	closedir(d);
}

/* Attached loop devices (loop(4)), with their backing files: a test that
 * makes a scratch disk must detach it. */
static void add_loops(struct lines *l)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[300], file[4096] = "";
		FILE *f;
		if (strncmp(e->d_name, "loop", 4) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue; /* not attached */
		if (!fgets(file, sizeof(file), f))
			file[0] = '\0';
		fclose(f);
		file[strcspn(file, "\n")] = '\0';
		char *s;
		if (asprintf(&s, "loop %s %s", e->d_name, file) < 0)
			abort();
		add(l, s);
	}
	closedir(d);
}

/* Mount points of this process's mount namespace, from mountinfo(5):
 * field 5 is the mount point; after " - " come the type and the source. */
static void add_mounts(struct lines *l)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		char point[4096], type[256];
		const char *sep = strstr(line, " - ");
		char *s;
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
		    sscanf(sep + 3, "%255s", type) != 1)
			continue;
		if (asprintf(&s, "mount %s %s", point, type) < 0)
			abort();
		add(l, s);
	}
	free(line);
	fclose(f);
}

/* The links of the caller's network namespace. /sys/class/net shows those
 * of the namespace that mounted /sys; /proc/self/net/dev, the caller's own. */
static void add_links(struct lines *l)
{
	char *line = NULL, name[64];
	size_t cap = 0;
	FILE *f = fopen("/proc/self/net/dev", "re");

	while (f && getline(&line, &cap, f) > 0) {
		char *s;
		if (!strchr(line, ':') || sscanf(line, " %63[^:]:", name) != 1)
			continue; /* the two header lines */
		if (asprintf(&s, "link %s", name) < 0)
			abort();
		add(l, s);
	}
	free(line);
	if (f)
		fclose(f);
}

/* System V IPC objects of this IPC namespace: the first column is the key. */
static void add_sysvipc(struct lines *l, const char *kind)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sysvipc/%s", kind);
	if (!(f = fopen(path, "re")))
		return;
	while (getline(&line, &cap, f) > 0) {
		long long key, id;
		char *s;
		if (sscanf(line, "%lld %lld", &key, &id) != 2)
			continue; /* the header */
		if (asprintf(&s, "ipc-%s key %lld id %lld", kind, key, id) < 0)
			abort();
		add(l, s);
	}
	free(line);
	fclose(f);
}

static struct lines *cgroup_walk;

static int cgroup_visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	if (flag != FTW_D)
		return FTW_CONTINUE;
	if (strstr(path + ftw->base, "byoc")) {
		char *s;
		if (asprintf(&s, "cgroup %s", path) < 0)
			abort();
		add(cgroup_walk, s);
	}
	return ftw->level >= 8 ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(struct lines *l, const char *sep)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < l->n; i++)
		len += strlen(l->v[i]) + strlen(sep);
	s = p = calloc(1, len);
	if (!s)
		abort();
	for (size_t i = 0; i < l->n; i++)
		p += sprintf(p, "%s%s", i ? sep : "", l->v[i]);
	return s;
}

static void free_lines(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

char *h_leak_snapshot(void)
{
	struct lines l = { 0 };
	char *s;

	add_mounts(&l);
	add_links(&l);
	add_dir_entries(&l, "netns", "/run/netns");
	add_dir_entries(&l, "state", "/run/byoc");
	add_dir_entries(&l, "floor", "/run/byoc-floor"); /* make bench's floor */
	add_loops(&l);
	add_sysvipc(&l, "msg");
	add_sysvipc(&l, "sem");
	add_sysvipc(&l, "shm");
	cgroup_walk = &l;
	nftw("/sys/fs/cgroup", cgroup_visit, 16, FTW_PHYS | FTW_ACTIONRETVAL);
	qsort(l.v, l.n, sizeof(*l.v), cmp);
	s = join(&l, "\n");
	free_lines(&l);
	return s;
}

char *h_leak_snapshot_settled(const char *before)
{
	char *now = h_leak_snapshot();

	for (int i = 0; i < 300; i++) {
		char *added = h_leak_added(before, now, "\n");
		bool links = added && (strncmp(added, "link ", 5) == 0 || strstr(added, "\nlink "));
		free(added);
		if (!links)
			break;
		usleep(10000);
		free(now);
		now = h_leak_snapshot();
	}
	return now;
}

/* Split a copy of `s` into sorted lines; l->v points into *copy. */
static void split_sorted(const char *s, char **copy, struct lines *l)
{
	char *save = NULL;

	*copy = strdup(s ? s : "");
	if (!*copy)
		abort();
	for (char *line = strtok_r(*copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		add(l, line);
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp);
}

char *h_leak_added(const char *before, const char *after, const char *sep)
{
	struct lines b = { 0 }, a = { 0 }, extra = { 0 };
	char *bcopy, *acopy, *s = NULL;
	size_t i = 0, j = 0;

	split_sorted(before, &bcopy, &b);
	split_sorted(after, &acopy, &a);
	/* A merge of two sorted lists: a line counts as many times as `after`
	 * has it more often than `before` (a second mount on one point). */
	while (j < a.n) {
		int c = i < b.n ? strcmp(b.v[i], a.v[j]) : 1;
		if (c < 0) {
			i++;
		} else if (c == 0) {
			i++;
			j++;
		} else {
			add(&extra, a.v[j++]);
		}
	}
	if (extra.n)
		s = join(&extra, sep);
	free(extra.v);
	free(a.v);
	free(b.v);
	free(acopy);
	free(bcopy);
	return s;
}

char *h_leak_diff(const char *before, const char *after)
{
	return h_leak_added(before, after, "; ");
}

static int remove_visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void h_unmount_below(const char *dir)
{
	size_t len = strlen(dir);
	struct lines l = { 0 };

	add_mounts(&l);
	/* mountinfo lists a mount after its parent: walk it backwards. */
	for (size_t i = l.n; i-- > 0;) {
		const char *point = l.v[i] + strlen("mount ");
		char path[4096];
		if (strncmp(point, dir, len) != 0 || (point[len] != '/' && point[len] != ' '))
			continue;
		snprintf(path, sizeof(path), "%.*s", (int)strcspn(point, " "), point);
		umount2(path, MNT_DETACH);
	}
	free_lines(&l);
}

void h_remove_tree(const char *dir)
{
	h_unmount_below(dir);
	/* FTW_MOUNT: never step onto another file system, whatever is left. */
	nftw(dir, remove_visit, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}
