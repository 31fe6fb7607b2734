/* make bench's leak check: the machine's cgroups, mounts, state directories
 * and links before the first run and after the last must be the same. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "cleanup.h"

/* What the floor leaves when it fails to clean up that LEAK_SNAPSHOT does
 * not name: its directories in /run/byoc-floor. (Its cgroups, byoc-floor-PID,
 * are the snapshot's.) */
static void floor_leftovers(FILE *out)
{
	_cleanup_closedir_ DIR *d = opendir("/run/byoc-floor");
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			fprintf(out, "state /run/byoc-floor/%s\n", e->d_name);
}

/* LEAK_SNAPSHOT's lines: the mounts, links, cgroups and state directories;
 * then the floor's. */
char *bench_snapshot(const char *tool)
{
	_cleanup_close_ int fd = memfd_create("bench-snapshot", MFD_CLOEXEC);
	char *argv[] = { (char *)tool, NULL };
	struct stat st;
	int status;
	pid_t pid;
	char *s;

	if (fd < 0 || (pid = bench_spawn((char *)tool, argv, bench_devnull, fd, bench_devnull)) < 0)
		return NULL;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (status != 0)
		return NULL;
	_cleanup_fclose_ FILE *f = fdopen(fcntl(fd, F_DUPFD_CLOEXEC, 0), "a");
	if (!f)
		return NULL;
	floor_leftovers(f);
	fflush(f);
	if (fstat(fd, &st) < 0 || !(s = calloc(1, st.st_size + 1)))
		return NULL;
	if (pread(fd, s, st.st_size, 0) != st.st_size) {
		free(s);
		return NULL;
	}
	return s;
}

struct lines {
	char **v;
	size_t n;
};

/* Splits a copy of s into sorted lines that point into *copy. */
static void sorted_lines(const char *s, char **copy, struct lines *l)
{
	char *save = NULL;
	size_t cap = 16;

	*copy = strdup(s);
	l->v = malloc(cap * sizeof(*l->v));
	l->n = 0;
	if (!*copy || !l->v)
		abort();
	for (char *p = strtok_r(*copy, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		if (l->n == cap && !(l->v = realloc(l->v, (cap *= 2) * sizeof(*l->v))))
			abort();
		l->v[l->n++] = p;
	}
	qsort(l->v, l->n, sizeof(*l->v), bench_cmp_str);
}

/* The lines that `after` has more often than `before` (a second mount on one
 * point counts), "; "-joined: the links alone, or all but the links. */
static char *added_lines(const char *before, const char *after, bool links)
{
	_cleanup_free_ char *bcopy = NULL, *acopy = NULL;
	struct lines b, a;
	char *out = NULL;
	size_t len = 0, i = 0, j = 0, shown = 0;
	FILE *f = open_memstream(&out, &len);

	sorted_lines(before, &bcopy, &b);
	sorted_lines(after, &acopy, &a);
	while (j < a.n) {
		int c = i < b.n ? strcmp(b.v[i], a.v[j]) : 1;
		if (c < 0) {
			i++;
		} else if (c == 0) {
			i++;
			j++;
		} else {
			const char *l = a.v[j++];
			if ((strncmp(l, "link ", 5) == 0) == links)
				fprintf(f, "%s%s", shown++ ? "; " : "", l);
		}
	}
	fclose(f);
	free(a.v);
	free(b.v);
	if (!shown) {
		free(out);
		return NULL;
	}
	return out;
}

/* Cgroups, mounts and state directories must be gone when the runtime has
 * exited; a veth's host end goes when the kernel frees the container's
 * network namespace, a few milliseconds later, so links get 10 s. */
void bench_check_leaks(struct bench *b, const char *tool, const char *before)
{
	_cleanup_free_ char *after = bench_snapshot(tool);
	_cleanup_free_ char *other = NULL;
	char *links = NULL;

	if (!after)
		return;
	b->leak_checked = true;
	other = added_lines(before, after, false);
	links = added_lines(before, after, true);
	for (int t = 0; links && t < 100; t++) {
		bench_sleep_ms(100);
		free(after);
		after = bench_snapshot(tool);
		free(links);
		links = after ? added_lines(before, after, true) : NULL;
	}
	if (other && links) {
		if (asprintf(&b->leaks, "%s; %s", other, links) < 0)
			b->leaks = NULL;
		free(links);
	} else {
		b->leaks = other ? byoc_steal_ptr(&other) : links;
	}
}
