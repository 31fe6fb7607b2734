#define _GNU_SOURCE
#include "cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

const char *const byoc_controller_names[BYOC_CG_COUNT] = { "memory", "pids", "cpu", "cpuacct" };

void byoc_cgroup_defaults(struct byoc_cgroup *cg)
{
	memset(cg, 0, sizeof(*cg));
	cg->journal_fd = -1;
	cg->root = "/sys/fs/cgroup";
	cg->self = "/proc/self/cgroup";
	cg->mountinfo = "/proc/self/mountinfo";
}

const char *byoc_cgroup_mode_name(enum byoc_cgroup_mode mode)
{
	switch (mode) {
	case BYOC_CGROUP_V2:
		return "v2";
	case BYOC_CGROUP_HYBRID:
		return "hybrid";
	case BYOC_CGROUP_V1:
		return "v1";
	default:
		return "unknown";
	}
}

int byoc_cgroup_detect(struct byoc_cgroup *cg, struct byoc_error *err)
{
	char unified[4096];
	struct statfs st;

	if (cg->mode != BYOC_CGROUP_UNKNOWN)
		return 0;
	if (BYOC_SYS(err, statfs(cg->root, &st), "statfs(%s)", cg->root) < 0)
		return -1;
	if (st.f_type == CGROUP2_SUPER_MAGIC) {
		cg->mode = BYOC_CGROUP_V2;
	} else {
		snprintf(unified, sizeof(unified), "%s/unified", cg->root);
		cg->mode = statfs(unified, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC
				   ? BYOC_CGROUP_HYBRID
				   : BYOC_CGROUP_V1;
	}
	byoc_log("cgroups: %s (statfs of %s)", byoc_cgroup_mode_name(cg->mode), cg->root);
	return 0;
}

/* Whether a comma- or space-separated `list` holds `word`. */
static bool has_word(const char *list, const char *word, const char *seps)
{
	size_t len = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += len)
		if ((p == list || strchr(seps, p[-1])) && (p[len] == '\0' || strchr(seps, p[len])))
			return true;
	return false;
}

/* The whole of a small file (/proc/self/cgroup, mountinfo) in a buffer the
 * caller frees, or NULL. */
static char *slurp(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t cap = 0;

	if (!f || getdelim(&text, &cap, '\0', f) < 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The next line of `*text`, NUL-terminated in place, or NULL at the end. */
static char *next_line(char **text)
{
	char *line = *text;

	if (!line || !*line)
		return NULL;
	*text = line + strcspn(line, "\n");
	if (**text)
		*(*text)++ = '\0';
	return line;
}

/* This process's cgroup path for a v1 controller, or (controller NULL) in
 * the v2 tree, from `self`, the text of /proc/self/cgroup:
 * "ID:controllers:/path" per line. */
static int self_path(const char *self, const char *controller, char *out, size_t len)
{
	_cleanup_free_ char *copy = self ? strdup(self) : NULL;
	char *rest = copy, *line;

	while ((line = next_line(&rest))) {
		char *ctls = strchr(line, ':'), *path = ctls ? strchr(ctls + 1, ':') : NULL;
		if (!path)
			continue;
		*path++ = '\0';
		*ctls++ = '\0';
		if (controller ? has_word(ctls, controller, ",")
			       : strcmp(line, "0") == 0 && !*ctls) {
			snprintf(out, len, "%s", strcmp(path, "/") == 0 ? "" : path);
			return 0;
		}
	}
	return -ENOENT;
}

/* The mount point of the v1 hierarchy that holds `controller`, from the
 * super options of the cgroup mounts in `mountinfo`, the text of
 * mountinfo(5). */
static int v1_mount_point(const char *mountinfo, const char *controller, char *out, size_t len)
{
	_cleanup_free_ char *copy = mountinfo ? strdup(mountinfo) : NULL;
	char *rest = copy, *line;

	while ((line = next_line(&rest))) {
		char point[4096], type[64], opts[1024];
		const char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
		    sscanf(sep + 3, "%63s %*s %1023s", type, opts) != 2)
			continue;
		if (strcmp(type, "cgroup") == 0 && has_word(opts, controller, ",")) {
			snprintf(out, len, "%s", point);
			return 0;
		}
	}
	return -ENOENT;
}

/* Whether `path`'s directory is on a cgroup file system (v1 or v2), as
 * opposed to the unit tests' fake tree of regular files. */
static bool on_cgroupfs(const char *path)
{
	char dir[4200];
	struct statfs st;

	snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(path, '/') - path), path);
	return statfs(dir, &st) == 0 &&
	       (st.f_type == CGROUP2_SUPER_MAGIC || st.f_type == 0x27e0eb /* CGROUP_SUPER_MAGIC */);
}

static int write_file(const char *path, const char *value, struct byoc_error *err)
{
	_cleanup_close_ int fd = -1;
	size_t len = strlen(value);

	byoc_log("write %s <- %s", path, value);
	/* cgroupfs has every file it supports already, and refuses O_CREAT
	 * with a misleading EACCES: create only in the unit tests' fake tree. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && strrchr(path, '/') && !on_cgroupfs(path))
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT) {
		const char *file = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "open(%s): ENOENT: the cgroup has no file %s: the %.*s "
				      "controller is not enabled for it, or this kernel lacks that "
				      "file (see 'sudo make doctor')",
				      path, file, (int)strcspn(file, "."), file);
	}
	if (fd < 0 || write(fd, value, len) != (ssize_t)len)
		return byoc_error_sys(err, errno, "write(%s, \"%s\")", path, value);
	return 0;
}

/* Write the directory down in the state directory, then make it: a runtime
 * killed in between leaves a journal line that names no directory, never a
 * directory that no journal names. */
static int make_dir(const struct byoc_cgroup *cg, const char *dir, struct byoc_error *err)
{
	char line[4200];
	int len = snprintf(line, sizeof(line), "%s\n", dir);

	if (cg->journal_fd >= 0 && write(cg->journal_fd, line, (size_t)len) != len)
		return byoc_error_sys(err, errno ? errno : EIO, "write(state cgroups, %s)", dir);
	return BYOC_SYS(err, mkdir(dir, 0755), "mkdir(%s)", dir);
}

static bool read_file(const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	if (n < 0)
		return false;
	buf[n] = '\0';
	return true;
}

int byoc_cgroup_write(struct byoc_cgroup *cg, enum byoc_controller ctl, const char *file,
		      const char *value, struct byoc_error *err)
{
	char path[4200];

	if (!cg->dir[ctl][0])
		return byoc_error_set(err, BYOC_EXIT_RUNTIME, "no %s cgroup to write %s to",
				      byoc_controller_names[ctl], file);
	snprintf(path, sizeof(path), "%s/%s", cg->dir[ctl], file);
	return write_file(path, value, err);
}

bool byoc_cgroup_has(const struct byoc_cgroup *cg, enum byoc_controller ctl, const char *file)
{
	char path[4200];

	if (!cg->dir[ctl][0])
		return false;
	snprintf(path, sizeof(path), "%s/%s", cg->dir[ctl], file);
	return access(path, F_OK) == 0;
}

int byoc_cgroup_read_u64(const struct byoc_cgroup *cg, enum byoc_controller ctl, const char *file,
			 const char *key, uint64_t *out)
{
	char path[4200], buf[8192];
	const char *p = buf;

	if (!cg->dir[ctl][0])
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/%s", cg->dir[ctl], file);
	if (!read_file(path, buf, sizeof(buf)))
		return -errno;
	if (key) {
		size_t len = strlen(key);
		for (p = buf; (p = strstr(p, key)); p += len)
			if ((p == buf || p[-1] == '\n') && p[len] == ' ')
				break;
		if (!p)
			return -ENOENT;
		p += len + 1;
	}
	return sscanf(p, "%" SCNu64, out) == 1 ? 0 : -EINVAL;
}

/* v2: enable the controllers of `names` ("+memory +pids") in dir's
 * cgroup.subtree_control. Returns 0 or -errno (EBUSY: dir holds processes). */
static int enable_controllers(const char *dir, const char *names, struct byoc_error *err)
{
	char path[4200];

	if (!*names)
		return 0;
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
	return write_file(path, names, err);
}

/* v2: which of `wanted` dir offers (cgroup.controllers), and which of those
 * its children do not get yet (cgroup.subtree_control), as "+a +b". */
static unsigned v2_offered(const char *dir, unsigned wanted, char *to_enable, size_t len)
{
	char path[4200], offered[1024] = "", enabled[1024] = "";
	unsigned have = 0;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
	read_file(path, offered, sizeof(offered));
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
	read_file(path, enabled, sizeof(enabled));
	to_enable[0] = '\0';
	for (int i = 0; i < BYOC_CG_COUNT; i++) {
		const char *name = byoc_controller_names[i];
		if (!(wanted & BYOC_CG_BIT(i)) || i == BYOC_CG_CPUACCT)
			continue;
		if (!has_word(offered, name, " \n"))
			continue;
		have |= BYOC_CG_BIT(i);
		if (!has_word(enabled, name, " \n"))
			snprintf(to_enable + strlen(to_enable), len - strlen(to_enable), "%s+%s",
				 to_enable[0] ? " " : "", name);
	}
	return have;
}

static int missing_controller(unsigned missing, const struct byoc_cgroup *cg,
			      struct byoc_error *err)
{
	for (int i = 0; i < BYOC_CG_COUNT; i++) {
		if (!(missing & BYOC_CG_BIT(i)))
			continue;
		if (cg->mode == BYOC_CGROUP_V2)
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "the %s controller is not available: it is not in "
					      "%s/cgroup.controllers (see 'sudo make doctor')",
					      byoc_controller_names[i], cg->root);
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "the %s controller is not available: no cgroup v1 hierarchy "
				      "mounts it (see 'sudo make doctor')",
				      byoc_controller_names[i]);
	}
	return 0;
}

/* The record of the controllers the lab itself enabled at the root, so that
 * the runtime that removes the lab parent can put the root back as it was.
 * It is an extended attribute of the root cgroup (cgroupfs keeps trusted.*
 * attributes, as systemd's trusted.invocation_id; see xattr(7)): whoever
 * removes an empty lab parent by hand, the next runtime still finds it. */
#define LAB_RECORD "trusted.byoc.enabled_at_root"

/* v2 has one tree: the container's cgroup is byoc-<id> under `parent`, one
 * directory that every controller shares. */
static int v2_make_leaf(struct byoc_cgroup *cg, const char *parent, const char *id,
			struct byoc_error *err)
{
	for (int i = 0; i < BYOC_CG_COUNT; i++)
		if (snprintf(cg->dir[i], sizeof(cg->dir[i]), "%s/byoc-%s", parent, id) >=
		    (int)sizeof(cg->dir[i]))
			return byoc_error_sys(err, ENAMETOOLONG, "cgroup path under %s", parent);
	if (make_dir(cg, cg->dir[0], err) < 0) {
		memset(cg->dir, 0, sizeof(cg->dir));
		return -1;
	}
	cg->created[0] = true;
	return 0;
}

/* Create <root>/byoc/byoc-<id> (the lab parent, as docker's cgroupfs driver
 * uses /sys/fs/cgroup/docker), enabling at the root what it lacks. Holds
 * flock(2) on the root's directory meanwhile, as byoc_cgroup_destroy() does
 * when it removes the lab parent: a second container never sees the lab
 * parent vanish, and never inherits a root whose controllers it did not see
 * enabled (two overlapping containers). */
static int v2_lab_parent(struct byoc_cgroup *cg, const char *id, unsigned wanted, unsigned required,
			 struct byoc_error *err)
{
	_cleanup_close_ int lock = open(cg->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char parent[4096], to_enable[256], record[512] = "";
	unsigned have;
	ssize_t n;

	if (lock < 0)
		return byoc_error_sys(err, errno, "open(%s)", cg->root);
	if (BYOC_SYS(err, flock(lock, LOCK_EX), "flock(%s)", cg->root) < 0)
		return -1;
	have = v2_offered(cg->root, wanted, to_enable, sizeof(to_enable));
	if (missing_controller(required & ~have & ~BYOC_CG_BIT(BYOC_CG_CPUACCT), cg, err) < 0)
		return -1;
	snprintf(parent, sizeof(parent), "%s/byoc", cg->root);
	if (mkdir(parent, 0755) < 0 && errno != EEXIST)
		return byoc_error_sys(err, errno, "mkdir(%s)", parent);
	cg->under_lab_parent = true; /* byoc_cgroup_destroy() removes it if it is empty */
	if (enable_controllers(cg->root, to_enable, err) < 0)
		return -1;
	if (to_enable[0]) {
		n = getxattr(cg->root, LAB_RECORD, record, sizeof(record) - 1);
		record[n > 0 ? n : 0] = '\0';
		snprintf(record + strlen(record), sizeof(record) - strlen(record), " %s",
			 to_enable);
		if (setxattr(cg->root, LAB_RECORD, record, strlen(record), 0) < 0)
			byoc_log("setxattr(%s, %s): %s: the root keeps %s enabled", cg->root,
				 LAB_RECORD, strerror(errno), to_enable);
	}
	v2_offered(parent, wanted, to_enable, sizeof(to_enable));
	if (enable_controllers(parent, to_enable, err) < 0)
		return -1;
	return v2_make_leaf(cg, parent, id, err);
}

/* Under the lock of v2_lab_parent(): remove the lab parent if no container
 * is left in it (or it is gone already), and then disable at the root what
 * the lab enabled there. */
static void v2_lab_parent_remove(struct byoc_cgroup *cg)
{
	_cleanup_close_ int lock = open(cg->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char parent[4096], record[512] = "", *save = NULL;
	ssize_t n;

	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		byoc_log("flock(%s): %s", cg->root, strerror(errno));
	snprintf(parent, sizeof(parent), "%s/byoc", cg->root);
	/* Another container still in it: it stays, for that one's runtime. */
	if (rmdir(parent) < 0 && errno != ENOENT) {
		byoc_log("rmdir(%s): %s: left to the runtime of the container in it", parent,
			 strerror(errno));
		return;
	}
	n = getxattr(cg->root, LAB_RECORD, record, sizeof(record) - 1);
	if (n <= 0)
		return;
	record[n] = '\0';
	removexattr(cg->root, LAB_RECORD);
	/* One at a time: the kernel refuses a whole line if one of it is busy. */
	for (char *t = strtok_r(record, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		struct byoc_error ignored;
		*t = '-';
		enable_controllers(cg->root, t, &ignored);
	}
}

/* v2. The container's cgroup goes beneath the runtime's own cgroup when that
 * one has every controller required and can hand them to a child. It rarely
 * can: the runtime itself is in it, and a cgroup with processes cannot enable
 * controllers for children (EBUSY: the no-internal-processes rule, see
 * cgroups(7)). Then, and when it lacks a required controller that the root
 * has, or is the root itself, the container goes to the lab parent. */
static int v2_create(struct byoc_cgroup *cg, const char *id, unsigned wanted, unsigned required,
		     struct byoc_error *err)
{
	_cleanup_free_ char *self = slurp(cg->self);
	char own[4096], parent[4096], to_enable[256];
	unsigned have, lacking;
	int r;

	if (self_path(self, NULL, own, sizeof(own)) < 0)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME, "no cgroup v2 line in %s", cg->self);
	if (!own[0])
		return v2_lab_parent(cg, id, wanted, required, err);
	snprintf(parent, sizeof(parent), "%s%s", cg->root, own);
	have = v2_offered(parent, wanted, to_enable, sizeof(to_enable));
	lacking = required & ~have & ~BYOC_CG_BIT(BYOC_CG_CPUACCT);
	if (lacking) {
		byoc_log("cgroups: %s lacks a controller required; using %s/byoc", parent,
			 cg->root);
		return v2_lab_parent(cg, id, wanted, required, err);
	}
	r = enable_controllers(parent, to_enable, err);
	if (r == -EBUSY) {
		byoc_log("cgroups: %s holds processes; using %s/byoc", parent, cg->root);
		return v2_lab_parent(cg, id, wanted, required, err);
	}
	if (r < 0)
		return r;
	return v2_make_leaf(cg, parent, id, err);
}

/* Where beneath the hierarchy mounted at `mount` the cgroup goes: cg->parent
 * (made, with its parents, where missing: the engine's, as runc leaves them)
 * or this process's own cgroup. Returns 0 or < 0. */
static int v1_parent(const struct byoc_cgroup *cg, const char *self, const char *controller,
		     const char *mount, char *own, size_t len)
{
	char dir[4200];

	if (!cg->parent)
		return self_path(self, controller, own, len);
	if (snprintf(own, len, "%s", cg->parent) >= (int)len)
		return -ENAMETOOLONG;
	for (size_t n = 1; n <= strlen(own); n++) {
		if (own[n] != '/' && own[n] != '\0')
			continue;
		snprintf(dir, sizeof(dir), "%s%.*s", mount, (int)n, own);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	return 0;
}

static int v1_create(struct byoc_cgroup *cg, const char *id, unsigned wanted, unsigned required,
		     struct byoc_error *err)
{
	_cleanup_free_ char *mountinfo = slurp(cg->mountinfo), *self = slurp(cg->self);
	unsigned missing = 0;

	for (int i = 0; i < BYOC_CG_COUNT; i++) {
		char mount[4096], own[4096];
		if (!(wanted & BYOC_CG_BIT(i)))
			continue;
		if (v1_mount_point(mountinfo, byoc_controller_names[i], mount, sizeof(mount)) < 0 ||
		    v1_parent(cg, self, byoc_controller_names[i], mount, own, sizeof(own)) < 0) {
			missing |= BYOC_CG_BIT(i) & required;
			continue;
		}
		if (snprintf(cg->dir[i], sizeof(cg->dir[i]), "%s%s/byoc-%s", mount, own, id) >=
		    (int)sizeof(cg->dir[i]))
			return byoc_error_sys(err, ENAMETOOLONG, "cgroup path under %s", mount);
	}
	if (missing_controller(missing, cg, err) < 0) {
		memset(cg->dir, 0, sizeof(cg->dir));
		return -1;
	}
	for (int i = 0; i < BYOC_CG_COUNT; i++) {
		bool shared = false; /* co-mounted controllers, as "cpu,cpuacct" */
		for (int j = 0; j < i; j++)
			shared |= cg->dir[i][0] && strcmp(cg->dir[i], cg->dir[j]) == 0;
		if (!cg->dir[i][0] || shared)
			continue;
		if (make_dir(cg, cg->dir[i], err) < 0)
			return -1; /* byoc_cgroup_destroy() removes the ones made */
		cg->created[i] = true;
	}
	return 0;
}

int byoc_cgroup_v1_make(struct byoc_cgroup *cg, const char *controller, const char *id, char *dir,
			size_t len, struct byoc_error *err)
{
	_cleanup_free_ char *mountinfo = slurp(cg->mountinfo), *self = slurp(cg->self);
	char mount[4096], own[4096];

	if (v1_mount_point(mountinfo, controller, mount, sizeof(mount)) < 0 ||
	    v1_parent(cg, self, controller, mount, own, sizeof(own)) < 0)
		return -ENOENT;
	if (snprintf(dir, len, "%s%s/byoc-%s", mount, own, id) >= (int)len)
		return byoc_error_sys(err, ENAMETOOLONG, "cgroup path under %s", mount);
	return make_dir(cg, dir, err);
}

int byoc_cgroup_write_path(const char *dir, const char *file, const char *value,
			   struct byoc_error *err)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return write_file(path, value, err);
}

int byoc_cgroup_create(struct byoc_cgroup *cg, const char *id, unsigned wanted, unsigned required,
		       struct byoc_error *err)
{
	if (byoc_cgroup_detect(cg, err) < 0)
		return -1;
	if (cg->mode == BYOC_CGROUP_V2)
		return v2_create(cg, id, wanted, required, err);
	return v1_create(cg, id, wanted, required, err);
}

void byoc_cgroup_stats(const struct byoc_cgroup *cg, struct byoc_cgroup_stats *s)
{
	uint64_t ns;

	memset(s, 0, sizeof(*s));
	if (cg->mode == BYOC_CGROUP_V2) {
		s->have_peak = byoc_cgroup_read_u64(cg, BYOC_CG_MEMORY, "memory.peak", NULL,
						    &s->peak_bytes) == 0;
		s->have_oom = byoc_cgroup_read_u64(cg, BYOC_CG_MEMORY, "memory.events", "oom_kill",
						   &s->oom_kills) == 0;
		s->have_cpu = byoc_cgroup_read_u64(cg, BYOC_CG_CPU, "cpu.stat", "usage_usec",
						   &s->cpu_usec) == 0;
		return;
	}
	s->have_peak = byoc_cgroup_read_u64(cg, BYOC_CG_MEMORY, "memory.max_usage_in_bytes", NULL,
					    &s->peak_bytes) == 0;
	s->have_oom = byoc_cgroup_read_u64(cg, BYOC_CG_MEMORY, "memory.oom_control", "oom_kill",
					   &s->oom_kills) == 0;
	s->have_cpu = byoc_cgroup_read_u64(cg, BYOC_CG_CPUACCT, "cpuacct.usage", NULL, &ns) == 0;
	s->cpu_usec = ns / 1000;
}

/* SIGKILL whatever is in the cgroup until it is empty. The normal path finds
 * it empty already: when PID 1 of the container exits, the kernel kills its
 * PID namespace before the runtime's waitpid() returns. */
static void kill_all(const char *dir)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	if (access(path, F_OK) == 0) {
		struct byoc_error ignored;
		write_file(path, "1", &ignored); /* v2, Linux 5.14+: all at once */
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	for (int round = 0; round < 1000; round++) {
		_cleanup_fclose_ FILE *f = fopen(path, "re");
		int pid, found = 0;
		while (f && fscanf(f, "%d", &pid) == 1) {
			kill(pid, SIGKILL);
			found++;
		}
		if (!found)
			return;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL); /* exiting takes a moment */
	}
}

static void remove_dir(const char *dir)
{
	/* A killed process leaves the cgroup only once it has exited. */
	for (int tries = 0; tries < 1000; tries++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY)
			break;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	byoc_log("rmdir(%s): %s", dir, strerror(errno));
}

void byoc_cgroup_remove_dir(const char *dir)
{
	byoc_log("rmdir(%s)", dir);
	if (rmdir(dir) == 0 || errno == ENOENT)
		return;
	if (errno == EBUSY) {
		kill_all(dir);
		remove_dir(dir);
		return;
	}
	byoc_log("rmdir(%s): %s", dir, strerror(errno));
}

void byoc_cgroup_destroy(struct byoc_cgroup *cg)
{
	for (int i = 0; i < BYOC_CG_COUNT; i++) {
		if (!cg->created[i])
			continue;
		byoc_log("rmdir(%s)", cg->dir[i]);
		/* Empty already, on the normal path: one rmdir(). */
		if (rmdir(cg->dir[i]) == 0 || errno == ENOENT) {
			/* gone */
		} else if (errno == EBUSY) {
			kill_all(cg->dir[i]);
			remove_dir(cg->dir[i]);
		} else {
			byoc_log("rmdir(%s): %s", cg->dir[i], strerror(errno));
		}
		cg->created[i] = false;
	}
	if (cg->under_lab_parent) {
		v2_lab_parent_remove(cg);
		cg->under_lab_parent = false;
	}
}
