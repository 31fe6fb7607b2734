/* The rootfs on disk, for the clean slate: a manifest of its files, a copy
 * taken once per run, and the repair of what a test added, changed or
 * removed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "leaks.h"
#include "slate.h"

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
char *h_rootfs_manifest(const char *dir)
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
	const char *argv[] = { "cp", "-a", "--one-file-system", "--", src, copy, NULL };
	if (h_run_quiet(argv) != 0) {
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
static void note_file(struct h_report *r, size_t *named, const char *what, const char *line)
{
	if ((*named)++ < 5)
		h_note(r, "%s %.*s in the rootfs", what, (int)strcspn(line, "\t"), line);
}

/* Name each file added, removed or changed; remove the added ones, and if
 * any was removed or changed, put the whole copy back (a few MB: faster and
 * surer than mending file by file). */
void h_rootfs_repair(struct h_report *r, const char *before, const char *rootfs, const char *copy)
{
	char *now = h_rootfs_manifest(rootfs);
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
		h_note(r, "and %zu more changes in the rootfs", named - 5);
	if (restore) {
		char *src = NULL;
		if (copy && asprintf(&src, "%s/.", copy) < 0)
			abort();
		const char *argv[] = { "cp", "-a", "--one-file-system", "--", src, rootfs, NULL };
		/* Never empty the rootfs without a copy to fill it from. */
		if (copy && !is_empty(copy))
			empty_dir(rootfs);
		else
			copy = NULL;
		if (!copy || h_run_quiet(argv) != 0)
			h_note(r, "the rootfs could not be restored: rebuild it with 'sudo make "
				  "rootfs'");
		free(src);
	}
	free(now);
	free(gone);
	free(added);
}
