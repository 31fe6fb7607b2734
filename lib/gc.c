#define _GNU_SOURCE
#include "gc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "log.h"
#include "net.h"
#include "record.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct reclaim_report {
	void (*removed)(const char *kind, const char *path, void *arg);
	void *arg;
};

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
static bool remove_cgroups(int dirfd, const char *id, const struct reclaim_report *rep)
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
		if (rep->removed)
			rep->removed("cgroup", line, rep->arg);
		/* cgroup v2's lab parent, <root>/byoc, goes once empty. */
		slash = strrchr(line, '/');
		*slash = '\0';
		if (strcmp(strrchr(line, '/'), "/byoc") == 0)
			rmdir(line);
	}
	return all_gone;
}

/* Its PID 1, if the kernel still runs it: a PID 1 may have cleared its
 * parent-death signal (prctl(2)), and a rootless container has no cgroup to
 * kill it by. Killing PID 1 ends its whole PID namespace. */
static void kill_leftover(int dirfd)
{
	unsigned long long start;
	pid_t pid;

	if (byoc_record_pid_at(dirfd, &pid, &start) && pid > 0 && start &&
	    byoc_record_start_time(pid) == start) {
		byoc_log("gc: killing PID %d, left by a killed monitor", (int)pid);
		kill(pid, SIGKILL);
	}
}

/* Whether the container's config has the line `line` ("detached 1"). */
static bool config_says(int dirfd, const char *line)
{
	char buf[512];
	_cleanup_close_ int fd = openat(dirfd, "config", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	return n > 0 && (buf[n] = '\0', strstr(buf, line) != NULL);
}

/* Whether its recorded PID 1 still runs. */
static bool pid_alive(int dirfd)
{
	unsigned long long start;
	pid_t pid;

	return byoc_record_pid_at(dirfd, &pid, &start) && pid > 0 && start &&
	       byoc_record_start_time(pid) == start;
}

/* Its processes, its veth's host end and its cgroups. Returns whether none
 * of its cgroups is left. */
static bool remove_leftovers(int dirfd, const char *id, const struct reclaim_report *rep)
{
	char link[16];

	kill_leftover(dirfd);
	/* Its veth's host end, if something kept its namespace alive. */
	if (byoc_net_gc(dirfd, link) && rep->removed)
		rep->removed("link", link, rep->arg);
	return remove_cgroups(dirfd, id, rep);
}

static enum byoc_reclaim reclaim(int dirfd, const char *id, void *arg)
{
	const struct reclaim_report *rep = arg;

	/* byoc create's container outlives its runtime: it lives while its
	 * PID 1 does, and its record stays, stopped, until byoc delete. */
	if (config_says(dirfd, "\noci 1\n")) {
		if (pid_alive(dirfd) || !remove_leftovers(dirfd, id, rep))
			return BYOC_RECLAIM_RETRY;
		if (faccessat(dirfd, "exit", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			byoc_record_write_exit_at(dirfd, -1, now_ns(),
						  "its status went to the process that started it");
		return BYOC_RECLAIM_KEEP;
	}
	if (!remove_leftovers(dirfd, id, rep))
		return BYOC_RECLAIM_RETRY;
	if (!config_says(dirfd, "\ndetached 1\n"))
		return BYOC_RECLAIM_REMOVE;
	/* A detached container whose monitor was killed: the kernel killed
	 * its command too (PR_SET_PDEATHSIG), or kill_leftover() did. */
	if (faccessat(dirfd, "exit", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		byoc_record_write_exit_at(dirfd, 128 + SIGKILL, now_ns(), "its monitor was killed");
	return BYOC_RECLAIM_KEEP;
}

int byoc_gc_delete(const char *root, const char *id, bool force, struct byoc_error *err)
{
	static const struct reclaim_report none;
	char path[4200];
	_cleanup_close_ int dirfd = -1;

	snprintf(path, sizeof(path), "%s/%s", root, id);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return byoc_error_sys(err, errno, "open(%s)", path);
	if (!force && pid_alive(dirfd))
		return byoc_error_set(err, 1, "container %s is running: stop it first, or delete it "
					      "with --force", id);
	/* Its PID 1 first: the cgroups empty once its PID namespace ends. */
	for (int tries = 0; tries < 500 && pid_alive(dirfd); tries++) {
		kill_leftover(dirfd);
		usleep(10000);
	}
	if (!remove_leftovers(dirfd, id, &none))
		return byoc_error_set(err, 1, "container %s: a cgroup of its is busy: try again",
				      id);
	if (byoc_remove_tree(AT_FDCWD, path) < 0)
		return byoc_error_sys(err, errno, "remove(%s)", path);
	return 0;
}

static const struct reclaim_report quiet;

const struct byoc_reclaimer byoc_gc_reclaimer = {
	.reclaim = reclaim,
	.arg = (void *)&quiet,
	.keep = byoc_record_kept,
};

static void pass_on(const char *kind, const char *path, void *arg)
{
	const struct reclaim_report *rep = arg;

	if (rep->removed)
		rep->removed(kind, path, rep->arg);
}

int byoc_gc(const char *root, void (*removed)(const char *kind, const char *path, void *arg),
	    void *arg, struct byoc_error *err)
{
	struct reclaim_report rep = { removed, arg };
	struct byoc_reclaimer rc = {
		.reclaim = reclaim, .removed = pass_on, .arg = &rep, .keep = byoc_record_kept
	};

	return byoc_state_gc(root, &rc, err);
}
