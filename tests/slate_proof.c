/* The runner's clean slate, proven: each test here changes the machine in one
 * way a wrong stage could; the runner must fail it, name the change and undo
 * it, and the last test checks that everything is back. tools/slate-proof.sh
 * runs this suite and reads its report. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define NAME "byoc-slate-proof"

/* A cgroup of the proof's own: in v2's tree, or v1's pids hierarchy. */
static char *proof_cgroup(void)
{
	char *mine = h_cgroup_path(getpid(), "pids"), *dir;

	if (h_cgroup_v2())
		dir = h_printf("/sys/fs/cgroup/%s", NAME);
	else
		dir = h_printf("%.*s/%s", (int)(strstr(mine, "/pids") - mine + 5), mine, NAME);
	free(mine);
	return dir;
}

START_TEST(test_slate_hostname)
{
	ck_assert_msg(sethostname(NAME, strlen(NAME)) == 0, "sethostname: %s", strerror(errno));
}
END_TEST

START_TEST(test_slate_mount)
{
	ck_assert_msg(mount("tmpfs", h_tmp, "tmpfs", 0, "size=64k") == 0, "mount(%s): %s", h_tmp,
		      strerror(errno));
}
END_TEST

/* A cgroup with a process in it, whose parent the runner will kill first:
 * the process itself is left for the cgroup's clean-up to find. */
START_TEST(test_slate_cgroup)
{
	char *dir = proof_cgroup(), *procs = h_printf("%s/cgroup.procs", dir);
	int ready[2];
	char c;

	ck_assert_msg(mkdir(dir, 0755) == 0, "mkdir(%s): %s", dir, strerror(errno));
	ck_assert(pipe(ready) == 0);
	if (fork() == 0) {
		/* Out of the test's process group, which Check kills when the
		 * test ends, as h_spawn() takes a runtime out of it. */
		setsid();
		if (fork() == 0) {
			char pid[16];
			FILE *f = fopen(procs, "we");
			snprintf(pid, sizeof(pid), "%d", (int)getpid());
			if (!f || fputs(pid, f) < 0 || fclose(f) != 0)
				_exit(1);
			if (write(ready[1], "r", 1) < 0)
				_exit(1);
		}
		pause();
		_exit(0);
	}
	close(ready[1]);
	ck_assert_msg(read(ready[0], &c, 1) == 1, "could not put a process in %s", dir);
	free(dir);
	free(procs);
}
END_TEST

START_TEST(test_slate_ipc)
{
	ck_assert_msg(msgget(IPC_PRIVATE, IPC_CREAT | 0600) >= 0, "msgget: %s", strerror(errno));
}
END_TEST

START_TEST(test_slate_rootfs_added)
{
	char *file = h_printf("%s/%s", h_rootfs, NAME);

	h_write_file(file, "left here\n", 0644);
	free(file);
}
END_TEST

START_TEST(test_slate_rootfs_changed)
{
	char *passwd = h_printf("%s/etc/passwd", h_rootfs),
	     *group = h_printf("%s/etc/group", h_rootfs);

	ck_assert(chmod(passwd, 0600) == 0);
	ck_assert(unlink(group) == 0);
	free(passwd);
	free(group);
}
END_TEST

/* Runs last: the machine is as the first test found it. */
START_TEST(test_slate_all_undone)
{
	char host[65] = "", *dir = proof_cgroup();
	char *added = h_printf("%s/%s", h_rootfs, NAME);
	char *passwd = h_printf("%s/etc/passwd", h_rootfs),
	     *group = h_printf("%s/etc/group", h_rootfs);
	struct stat st;
	FILE *f = fopen("/proc/sysvipc/msg", "re");
	char line[512];
	int queues = -1; /* the header */

	gethostname(host, sizeof(host) - 1);
	ck_assert_msg(strcmp(host, NAME) != 0, "expected the hostname restored; it is %s", host);
	ck_assert_msg(access(dir, F_OK) != 0, "expected %s removed; it is there", dir);
	ck_assert_msg(access(added, F_OK) != 0, "expected %s removed; it is there", added);
	ck_assert_msg(stat(passwd, &st) == 0 && (st.st_mode & 07777) == 0644,
		      "expected %s restored to mode 0644", passwd);
	ck_assert_msg(access(group, F_OK) == 0, "expected %s restored; it is missing", group);
	while (f && fgets(line, sizeof(line), f))
		queues++;
	if (f)
		fclose(f);
	ck_assert_msg(queues == 0, "expected no message queue left; saw %d", queues);
	free(dir);
	free(added);
	free(passwd);
	free(group);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "slate";
	h_add(s, test_slate_hostname, 1, "the runner restores the hostname");
	h_add(s, test_slate_mount, 1, "the runner unmounts");
	h_add(s, test_slate_cgroup, 1, "the runner kills and removes cgroups");
	h_add(s, test_slate_ipc, 1, "the runner removes IPC objects");
	h_add(s, test_slate_rootfs_added, 1, "the runner removes added files");
	h_add(s, test_slate_rootfs_changed, 1, "the runner restores the rootfs");
	h_add(s, test_slate_all_undone, 1, "tests/slate.c");
}
