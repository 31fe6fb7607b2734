/* Step 01-chroot: what the kernel shows of a chrooted command, seen from
 * outside. Every command runs through h_container_sh(), which fails with 99
 * when the command is not inside the lab's rootfs. */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define HINT_TODO     "exercises/01-chroot/chroot.c, the TODO in chroot_child_setup(); "
#define HINT_TASK     HINT_TODO "steps/01-chroot/README.md, \"Your task\""
#define HINT_STATUS   HINT_TODO "steps/01-chroot/README.md, \"Exit statuses\""
#define HINT_BREAKOUT "steps/01-chroot/README.md, \"The breakout\""

START_TEST(test_chroot_root_is_the_rootfs)
{
	struct h_run r;
	char *want = h_dev_ino(h_rootfs), *got;

	h_container_sh(&r, NULL, "stat -c '%d:%i' /", NULL);
	h_assert_ran_inside(&r);
	got = strndup(r.out, strcspn(r.out, "\n"));
	ck_assert_msg(r.status == 0 && strcmp(got, want) == 0,
		      "expected the container's / to be the rootfs %s (device:inode %s); "
		      "saw %s (status %d)",
		      h_rootfs, want, got, r.status);
	free(got);
	free(want);
	h_run_free(&r);
}
END_TEST

START_TEST(test_chroot_hides_host_files)
{
	struct h_run r;
	char *marker = h_printf("%s/host-only", h_tmp);
	const char *args[] = { marker, NULL };

	h_write_file(marker, "on the host\n", 0644);
	h_container_sh(&r, NULL,
		       "if [ -e \"$1\" ]; then echo visible; else echo hidden; fi; "
		       "[ -x /bin/busybox ] && echo busybox",
		       args);
	h_assert_ran_inside(&r);
	ck_assert_msg(strcmp(r.out, "hidden\nbusybox\n") == 0,
		      "expected the host file %s hidden and /bin/busybox present; saw \"%s\"",
		      marker, r.out);
	free(marker);
	h_run_free(&r);
}
END_TEST

START_TEST(test_chroot_cwd_is_root)
{
	struct h_run r;
	char *want = h_printf("/\n%s\n", h_dev_ino(h_rootfs));

	/* The runtime starts in h_tmp, a directory outside the rootfs. */
	h_container_sh(&r, NULL, "pwd; stat -c '%d:%i' .", NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(strcmp(r.out, want) == 0,
		      "expected the working directory to be / of the rootfs (pwd, then "
		      "device:inode):\n%ssaw:\n%s(after chroot(2), chdir(\"/\") moves the working "
		      "directory inside)",
		      want, r.out);
	free(want);
	h_run_free(&r);
}
END_TEST

/* --rootfs as a path relative to the runtime's working directory (h_tmp):
 * chroot(2) resolves it from there, once. */
START_TEST(test_chroot_relative_rootfs)
{
	char tmp[4096], root[4096], rel[8192] = "", *want = h_dev_ino(h_rootfs), *expect;
	const char *opts[] = { "--rootfs", rel, NULL };
	struct h_run r;

	ck_assert(realpath(h_tmp, tmp) && realpath(h_rootfs, root));
	for (const char *p = tmp; *p; p++)
		if (*p == '/')
			strcat(rel, "../");
	strcat(rel, root + 1);
	expect = h_printf("%s\n/\n", want);
	h_container_sh(&r, opts, "stat -c '%d:%i' /; pwd", NULL);
	ck_assert_msg(
		r.status == 0 && strcmp(r.out, expect) == 0,
		"expected --rootfs %s (the rootfs, relative to the runtime's working "
		"directory %s) to be the container's / (device:inode %s) and its working "
		"directory; saw status %d, \"%s%s\" (chroot(rootfs) first, then chdir(\"/\"): "
		"after chdir(rootfs) a relative path means something else)",
		rel, tmp, want, r.status, r.out, r.err);
	free(want);
	free(expect);
	h_run_free(&r);
}
END_TEST

START_TEST(test_chroot_argv_arrives_exactly)
{
	static const char *const args[] = { "two words",  "",	       "'single'",
					    "\"double\"", "$HOME",     "*",
					    "tab\there",  "new\nline", NULL };
	static const char want[] = "[two words]\n[]\n['single']\n[\"double\"]\n[$HOME]\n[*]\n"
				   "[tab\there]\n[new\nline]\n";
	struct h_run r;

	h_container_sh(&r, NULL, "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done", args);
	h_assert_ran_inside(&r);
	ck_assert_msg(strcmp(r.out, want) == 0, "expected the arguments unchanged:\n%ssaw:\n%s",
		      want, r.out);
	h_run_free(&r);
}
END_TEST

START_TEST(test_chroot_exit_status_passes_through)
{
	struct h_run r;

	h_container_sh(&r, NULL, "exit 0", NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(r.status == 0, "expected status 0 from 'exit 0'; saw %d", r.status);
	h_run_free(&r);
	h_container_sh(&r, NULL, "exit 42", NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(r.status == 42, "expected status 42 from 'exit 42'; saw %d", r.status);
	h_run_free(&r);
}
END_TEST

START_TEST(test_chroot_sigkill_is_137)
{
	struct h_run r;

	h_container_sh(&r, NULL, "kill -KILL $$", NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(r.status == 137,
		      "expected 137 (128 + SIGKILL) for a command killed by "
		      "SIGKILL; saw %d",
		      r.status);
	h_run_free(&r);
}
END_TEST

START_TEST(test_chroot_not_executable_is_126)
{
	const char *argv[] = { h_bin, "--", "/etc/byoc-rootfs", NULL };
	struct h_run r;

	/* A file of the rootfs without the x bit: it exists only inside. */
	h_run_argv(&r, argv);
	ck_assert_msg(r.status == 126 && h_count_lines(r.err) == 1 &&
			      strstr(r.err, "/etc/byoc-rootfs"),
		      "expected status 126 and one line on stderr naming /etc/byoc-rootfs (a file "
		      "of the rootfs that is not executable); saw status %d, stderr \"%s\"",
		      r.status, r.err);
	h_run_free(&r);
}
END_TEST

START_TEST(test_chroot_not_found_is_127)
{
	char *tool = h_printf("%s/host-tool", h_tmp);
	const char *argv[] = { h_bin, "--", tool, NULL };
	struct h_run r;

	/* A program that exists on the host, outside the rootfs. */
	h_write_file(tool, "#!/bin/sh\nexit 0\n", 0755);
	h_run_argv(&r, argv);
	ck_assert_msg(r.status == 127 && h_count_lines(r.err) == 1 && strstr(r.err, tool),
		      "expected status 127 and one line on stderr naming %s (a program that "
		      "exists only on the host); saw status %d, stderr \"%s\"",
		      tool, r.status, r.err);
	free(tool);
	h_run_free(&r);
}
END_TEST

START_TEST(test_chroot_missing_rootfs_is_125)
{
	char *missing = h_printf("%s/no-such-rootfs", h_tmp);
	char *file = h_printf("%s/a-file", h_tmp);
	const char *opts1[] = { "--rootfs", missing, NULL };
	const char *opts2[] = { "--rootfs", file, NULL };
	struct h_run r;

	h_container_sh(&r, opts1, "exit 0", NULL);
	ck_assert_msg(r.status == 125 && h_count_lines(r.err) == 1 && strstr(r.err, missing),
		      "expected status 125 and one line on stderr naming %s for a missing rootfs; "
		      "saw status %d, stderr \"%s\"",
		      missing, r.status, r.err);
	h_run_free(&r);

	h_write_file(file, "not a directory\n", 0644);
	h_container_sh(&r, opts2, "exit 0", NULL);
	ck_assert_msg(r.status == 125 && h_count_lines(r.err) == 1 && strstr(r.err, file),
		      "expected status 125 and one line on stderr naming %s for a rootfs that is "
		      "a file; saw status %d, stderr \"%s\"",
		      file, r.status, r.err);
	h_run_free(&r);
	free(missing);
	free(file);
}
END_TEST

START_TEST(test_chroot_stdout_stderr_separate)
{
	struct h_run r;

	h_container_sh(&r, NULL, "echo to-out; echo to-err >&2; echo more-out", NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(strcmp(r.out, "to-out\nmore-out\n") == 0 && strcmp(r.err, "to-err\n") == 0,
		      "expected stdout \"to-out\\nmore-out\\n\" and stderr \"to-err\\n\"; saw "
		      "stdout \"%s\", stderr \"%s\"",
		      r.out, r.err);
	h_run_free(&r);
}
END_TEST

START_TEST(test_chroot_breakout_escapes)
{
	char *secret = h_printf("%s/secret", h_tmp);
	char *token = h_random_token();
	char *want = h_printf("%s\n", token);
	const char *argv[] = { h_bin, "--", "/bin/breakout", secret, NULL };
	struct h_run r;

	h_write_file(secret, want, 0600);
	h_run_argv(&r, argv);
	ck_assert_msg(r.status == 0 && strcmp(r.out, want) == 0,
		      "expected /bin/breakout to escape the chroot and print the host file %s "
		      "(\"%s\"); saw status %d, stdout \"%s\", stderr \"%s\"",
		      secret, token, r.status, r.out, r.err);
	free(secret);
	free(token);
	free(want);
	h_run_free(&r);
}
END_TEST

/* chroot(2) changes the root of the process that calls it: called in the
 * runtime (a .prepare or .after_clone hook) instead of the child, it would
 * chroot the runtime too. */
START_TEST(test_chroot_runtime_keeps_the_hosts_root)
{
	char *want = h_dev_ino(h_rootfs), *changes, host[256];
	struct h_proc p;
	struct h_run r;

	gethostname(host, sizeof(host));
	h_container_spawn(&p, NULL, "stat -c '%d:%i' /; " H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	changes = h_runtime_changes(p.pid, host);
	h_finish(&p, &r);
	ck_assert_msg(strncmp(r.out, want, strlen(want)) == 0 && r.out[strlen(want)] == '\n',
		      "expected the container's / to be the rootfs (device:inode %s); saw \"%s\"",
		      want, r.out);
	ck_assert_msg(changes == NULL,
		      "expected the runtime (PID %d) to stay as it was while its container ran: "
		      "chroot belongs in the child (.child_setup), not in the runtime; but %s",
		      (int)p.pid, changes);
	free(want);
	h_run_free(&r);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "01-chroot";
	h_add(s, test_chroot_root_is_the_rootfs, 3, HINT_TASK);
	h_add(s, test_chroot_hides_host_files, 2, HINT_TASK);
	h_add(s, test_chroot_cwd_is_root, 3, HINT_TASK);
	h_add(s, test_chroot_relative_rootfs, 2, HINT_TASK);
	h_add(s, test_chroot_argv_arrives_exactly, 2, HINT_TASK);
	h_add(s, test_chroot_exit_status_passes_through, 2, HINT_STATUS);
	h_add(s, test_chroot_sigkill_is_137, 2, HINT_STATUS);
	h_add(s, test_chroot_not_executable_is_126, 2, HINT_STATUS);
	h_add(s, test_chroot_not_found_is_127, 2, HINT_STATUS);
	h_add(s, test_chroot_missing_rootfs_is_125, 2, HINT_STATUS);
	h_add(s, test_chroot_stdout_stderr_separate, 1, HINT_TASK);
	h_add(s, test_chroot_breakout_escapes, 1, HINT_BREAKOUT);
	h_add(s, test_chroot_runtime_keeps_the_hosts_root, 2, HINT_TASK);
}
