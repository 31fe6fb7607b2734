/* Step 10-userns: root inside the container is an unprivileged user of the
 * machine. Seen from the host: the container's user namespace, its maps, the
 * owner of what it makes; and inside: id, the image's owners, the doors that
 * --privileged's capabilities no longer open. The rootless tests run the
 * runtime as the real user nobody, in a state directory of the test's own;
 * the ranges of /etc/subuid and /etc/subgid come from scratch files that the
 * test lays over /etc in a mount namespace of its own, so the machine's are
 * never read or written. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <libgen.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "harness.h"

#define FILE_  "exercises/10-userns/userns.c, "
#define README "steps/10-userns/README.md, "
#define HINT_NS                                                                                    \
	FILE_ "the TODOs of .clone_flags and write_maps(); " README                                \
	      "\"Your task: the namespace and its maps\""
#define HINT_ROOT  FILE_ "the TODO in userns_child_setup(); " README "\"Your task: root inside\""
#define HINT_LAYER FILE_ "the TODO in own_the_layers(); " README "\"Your task: a layer root owns\""
#define HINT_ALL                                                                                   \
	FILE_ "the TODOs of write_maps() and userns_child_setup(); " README                        \
	      "\"Your task: the namespace and its maps\" and \"Your task: root inside\""
#define HINT_EVERY                                                                                 \
	FILE_ "the TODOs of write_maps(), userns_child_setup() and own_the_layers(); " README      \
	      "\"Your task: the namespace and its maps\", \"Your task: root inside\" and \"Your "  \
	      "task: a layer root owns\""
#define HINT_ROOTLESS FILE_ "the TODO in write_maps() (setgroups first); " README "\"Rootless\""

/* The lab's own range (lib/userns.h), used when root has none. */
#define BASE 2100000000u

/* ---- helpers ---- */

/* In this test's process and its children only: a scratch /etc/subuid and
 * /etc/subgid, an overlay of /etc with a tmpfs above it. */
static void scratch_subids(const char *subuid, const char *subgid)
{
	char *t = h_printf("%s/etc-over", h_tmp), *up = h_printf("%s/up", t),
	     *work = h_printf("%s/work", t), *opts;

	ck_assert_msg(unshare(CLONE_NEWNS) == 0 &&
			      mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0,
		      "test set-up: a mount namespace of the test's own: %s", strerror(errno));
	ck_assert_msg(mkdir(t, 0755) == 0 && mount("tmpfs", t, "tmpfs", 0, "mode=755") == 0 &&
			      mkdir(up, 0755) == 0 && mkdir(work, 0755) == 0,
		      "test set-up: tmpfs on %s: %s", t, strerror(errno));
	opts = h_printf("lowerdir=/etc,upperdir=%s,workdir=%s", up, work);
	ck_assert_msg(mount("overlay", "/etc", "overlay", 0, opts) == 0,
		      "test set-up: overlay on /etc (%s): %s", opts, strerror(errno));
	h_write_file("/etc/subuid", subuid, 0644);
	h_write_file("/etc/subgid", subgid, 0644);
	free(t), free(up), free(work), free(opts);
}

/* A state directory that nobody owns, in h_tmp (which nobody may pass). */
static char *nobody_state_dir(void)
{
	char *dir = h_printf("%s/state", h_tmp);

	ck_assert_msg(chmod(h_tmp, 0711) == 0 && mkdir(dir, 0700) == 0 &&
			      chown(dir, H_NOBODY, H_NOBODY) == 0,
		      "test set-up: %s for nobody: %s", dir, strerror(errno));
	return dir;
}

/* Run `script` in the container of h_bin with `opts`, as nobody (`as_nobody`)
 * or as root, from `bin` (NULL: h_bin). */
static void run_as(struct h_run *r, bool as_nobody, const char *bin, const char *const *opts,
		   const char *script)
{
	const char *argv[40];
	size_t n = 0;

	argv[n++] = bin ? bin : h_bin;
	if (h_bin_arg && !bin)
		argv[n++] = h_bin_arg;
	for (; opts && *opts && n < 30; opts++)
		argv[n++] = *opts;
	argv[n++] = "--";
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = script;
	argv[n] = NULL;
	h_run_special(r, argv, -1, as_nobody ? h_become_nobody : NULL);
}

/* The first line of `s` (the caller frees it). */
static char *first_line(const char *s)
{
	return strndup(s, strcspn(s, "\n"));
}

/* The entries named by a container id left in `dir` (the caller frees it). */
static char *ids_left(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *list = strdup("");

	while (d && (e = readdir(d)))
		if (strlen(e->d_name) == 12 && strspn(e->d_name, "0123456789abcdef") == 12) {
			char *more = h_printf("%s %s", list, e->d_name);
			free(list);
			list = more;
		}
	if (d)
		closedir(d);
	return list;
}

/* ---- the namespace and its maps ---- */

START_TEST(test_userns_namespace_differs)
{
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, NULL, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	char *inside = child > 0 ? h_ns(child, "user") : strdup("(no child)");
	char *runtime = h_ns(p.pid, "user"), *ours = h_ns(getpid(), "user");
	h_finish(&p, &r);
	h_assert_ran_inside(&r);
	ck_assert_msg(strcmp(inside, ours) != 0,
		      "expected the container's process in a user namespace of its own; it is in "
		      "the test's, %s: root inside is root of the machine",
		      ours);
	ck_assert_msg(strcmp(runtime, ours) == 0,
		      "expected the runtime itself to stay in the test's user namespace %s; it is "
		      "in %s (unshare(CLONE_NEWUSER) in a hook of the runtime's side?)",
		      ours, runtime);
	h_run_free(&r);
	free(inside), free(runtime), free(ours);
}
END_TEST

START_TEST(test_userns_root_inside)
{
	struct h_run r;

	h_container_sh(&r, NULL, "id -u; id -g; id -G; grep CapEff /proc/self/status", NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(r.status == 0 && strncmp(r.out, "0\n0\n0\nCapEff:", 13) == 0,
		      "expected root inside: `id -u`, `id -g` and `id -G` to print 0, 0 and 0 "
		      "(65534 is an ID the map leaves out: setresuid, setresgid or setgroups was "
		      "not called); saw status %d, stdout \"%s\", stderr \"%s\"",
		      r.status, r.out, r.err);
	ck_assert_msg(!strstr(r.out, "CapEff:\t0000000000000000"),
		      "expected root inside to keep the default capabilities (of its namespace); "
		      "its effective set is empty: stdout \"%s\"",
		      r.out);
	h_run_free(&r);
}
END_TEST

START_TEST(test_userns_maps_root_to_the_range)
{
	static const char *const script = "awk '{print $1, $2, $3}' /proc/self/uid_map; "
					  "awk '{print $1, $2, $3}' /proc/self/gid_map";
	struct h_run r;

	/* No range for root: the lab's own. */
	scratch_subids("", "");
	h_container_sh(&r, NULL, script, NULL);
	h_assert_ran_inside(&r);
	char *want = h_printf("0 %u 65536\n0 %u 65536\n", BASE, BASE);
	ck_assert_msg(r.status == 0 && strcmp(r.out, want) == 0,
		      "with no range for root in /etc/subuid, expected uid_map and gid_map \"0 %u "
		      "65536\" (IDs 0-65535 inside, the lab's range outside); saw status %d, "
		      "\"%s\", stderr \"%s\"",
		      BASE, r.status, r.out, r.err);
	h_run_free(&r);
	free(want);

	/* Root's own range, when it has one. */
	h_write_file("/etc/subuid", "alice:100000:65536\nroot:400000:65536\n", 0644);
	h_write_file("/etc/subgid", "alice:100000:65536\nroot:500000:70000\n", 0644);
	h_container_sh(&r, NULL, script, NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(r.status == 0 && strcmp(r.out, "0 400000 65536\n0 500000 65536\n") == 0,
		      "with root:400000:65536 in /etc/subuid and root:500000:70000 in "
		      "/etc/subgid, expected \"0 400000 65536\" and \"0 500000 65536\"; saw "
		      "status %d, \"%s\", stderr \"%s\"",
		      r.status, r.out, r.err);
	h_run_free(&r);

	/* The lab's range taken by someone: refused, not shared. */
	h_write_file("/etc/subuid", "alice:2100000500:1000\n", 0644);
	h_write_file("/etc/subgid", "", 0644);
	h_container_sh(&r, NULL, "echo ran", NULL);
	ck_assert_msg(r.status == 125 && !strstr(r.out, "ran") && strstr(r.err, "alice") &&
			      h_count_lines(r.err) == 1,
		      "expected the lab's range, met by alice's in /etc/subuid, refused in one "
		      "line naming alice (status 125); saw status %d, stdout \"%s\", stderr \"%s\"",
		      r.status, r.out, r.err);
	h_run_free(&r);
}
END_TEST

/* ---- what root inside owns ---- */

START_TEST(test_userns_file_made_inside_is_the_range_outside)
{
	struct h_proc p;
	struct h_run r;
	struct stat made = { 0 }, dir = { 0 };

	scratch_subids("", "");
	h_container_spawn(&p, NULL,
			  "touch /made && mkdir /d && chown 1000:1000 /d && " H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	char *a = h_printf("/proc/%d/root/made", (int)child),
	     *b = h_printf("/proc/%d/root/d", (int)child);
	int ra = stat(a, &made), rb = stat(b, &dir);
	h_finish(&p, &r);
	h_assert_ran_inside(&r);
	ck_assert_msg(ra == 0 && rb == 0, "stat(%s), stat(%s) from the host: %s", a, b,
		      strerror(errno));
	ck_assert_msg(made.st_uid == BASE && made.st_gid == BASE,
		      "expected /made, made by root inside, to be %u:%u on the machine; it is "
		      "%u:%u",
		      BASE, BASE, (unsigned)made.st_uid, (unsigned)made.st_gid);
	ck_assert_msg(dir.st_uid == BASE + 1000 && dir.st_gid == BASE + 1000,
		      "expected /d, chowned to 1000:1000 inside, to be %u:%u on the machine; it "
		      "is %u:%u",
		      BASE + 1000, BASE + 1000, (unsigned)dir.st_uid, (unsigned)dir.st_gid);
	h_run_free(&r);
	free(a), free(b);
}
END_TEST

START_TEST(test_userns_image_is_roots_inside)
{
	static const char *const files[] = { "", "/bin/busybox", "/etc/passwd", "/usr/bin" };
	char *want = strdup("");
	struct h_run r;

	/* As on disk: root's files are root's (0:0) inside too. */
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path = h_printf("%s%s", h_rootfs, files[i]), *more;
		struct stat st;
		ck_assert_msg(stat(path, &st) == 0, "stat(%s): %s", path, strerror(errno));
		more = h_printf("%s%u:%u\n", want, (unsigned)st.st_uid, (unsigned)st.st_gid);
		free(want), free(path);
		want = more;
	}
	h_container_sh(&r, NULL, "stat -c %u:%g / /bin/busybox /etc/passwd /usr/bin", NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(r.status == 0 && strcmp(r.out, want) == 0,
		      "expected the image's files to have inside the owners they have on disk "
		      "(\"%s\": an ID-mapped mount, or a copy in the range); 65534 is an owner "
		      "the map leaves out; saw status %d, \"%s\", stderr \"%s\"",
		      want, r.status, r.out, r.err);
	h_run_free(&r);
	free(want);
}
END_TEST

/* Whether the file system of the state root takes user.* extended
 * attributes, where overlayfs mounted in a user namespace keeps its opaque
 * directories (tmpfs only from Linux 6.6). */
static bool state_root_has_user_xattrs(void)
{
	const char *root = access("/run/byoc", F_OK) == 0 ? "/run/byoc" : "/run";
	char *path = h_printf("%s/.byoc-xattr-probe-%d", root, (int)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && fsetxattr(fd, "user.byoc-probe", "1", 1, 0) == 0;

	if (fd >= 0)
		close(fd);
	unlink(path);
	free(path);
	return ok;
}

START_TEST(test_userns_root_writes_its_layer)
{
	bool xattrs = state_root_has_user_xattrs();
	struct h_run r;

	/* Also a directory removed and made again: opaque, in user.* xattrs. */
	h_container_sh(
		&r, NULL,
		xattrs ? "echo more >> /etc/motd && mkdir /newdir && touch /newdir/f && "
			 "rm -r /usr/sbin && mkdir /usr/sbin && echo \"ok $(ls /usr/sbin | wc -l)\""
		       : "echo more >> /etc/motd && mkdir /newdir && touch /newdir/f && "
			 "rm /bin/vi && echo \"ok $(ls /bin/vi 2>/dev/null | wc -l)\"",
		NULL);
	if (!xattrs)
		fprintf(stderr, "test_userns_root_writes_its_layer: /run takes no user.* "
				"extended attributes here (tmpfs before Linux 6.6): a directory of "
				"the image cannot be removed in a user namespace; not tried\n");
	h_assert_ran_inside(&r);
	ck_assert_msg(r.status == 0 && strcmp(r.out, "ok 0\n") == 0,
		      "expected root inside to change the image through its layer (append to "
		      "/etc/motd, make /newdir, %s); saw status %d, \"%s\", stderr \"%s\"",
		      xattrs ? "remove /usr/sbin and make it again, empty" : "remove /bin/vi",
		      r.status, r.out, r.err);
	h_run_free(&r);
}
END_TEST

START_TEST(test_userns_privileged_is_still_nobody)
{
	static const char *const opts[] = { "--privileged", NULL };
	struct h_run r;

	h_container_sh(&r, opts,
		       "grep CapEff /proc/self/status; door openw /proc/sys/kernel/core_pattern; "
		       "door mknod-open c 1 1; door openw /sys/kernel/profiling",
		       NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(strstr(r.out, "CapEff:\t000001ffffffffff") ||
			      strstr(r.out, "CapEff:\t000003ff"),
		      "expected --privileged to keep every capability (of the namespace); saw "
		      "\"%s\"",
		      r.out);
	ck_assert_msg(strstr(r.out, "\nheld open EACCES\nheld mknod EPERM\nheld open EACCES\n"),
		      "expected even --privileged's root to be refused /proc/sys/kernel/"
		      "core_pattern for writing (EACCES), mknod (EPERM) and /sys for writing "
		      "(EACCES): its capabilities are its namespace's; saw \"%s\", stderr \"%s\"",
		      r.out, r.err);
	h_run_free(&r);
}
END_TEST

START_TEST(test_userns_device_nodes_are_the_machines)
{
	struct h_run r;

	h_container_sh(&r, NULL,
		       "for d in null zero full random urandom tty; do stat -c '%n %F %t:%T' "
		       "/dev/$d; done; echo x > /dev/null && head -c 4 /dev/zero | od -An -tx1 "
		       "&& head -c 8 /dev/urandom | wc -c",
		       NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(r.status == 0 && strstr(r.out, "/dev/null character special file 1:3\n") &&
			      strstr(r.out, "/dev/zero character special file 1:5\n") &&
			      strstr(r.out, "/dev/full character special file 1:7\n") &&
			      strstr(r.out, "/dev/random character special file 1:8\n") &&
			      strstr(r.out, "/dev/urandom character special file 1:9\n") &&
			      strstr(r.out, "/dev/tty character special file 5:0\n") &&
			      strstr(r.out, " 00 00 00 00\n8\n"),
		      "expected the six nodes of /dev, bound from the machine's (mknod is refused "
		      "in a user namespace), and working; saw status %d, \"%s\", stderr \"%s\"",
		      r.status, r.out, r.err);
	h_run_free(&r);
}
END_TEST

/* ---- rootless ---- */

START_TEST(test_userns_rootless_is_root_inside)
{
	char *state = nobody_state_dir();
	const char *opts[] = { "--state-dir", state, "--keep", NULL };
	struct h_run r;
	struct stat st = { 0 };
	glob_t g = { 0 };

	run_as(&r, true, NULL, opts,
	       "echo \"PID $$\"; id -u; awk '{print $1, $2, $3}' /proc/self/uid_map; hostname; "
	       "awk '$5 == \"/\" {print $9}' /proc/self/mountinfo; touch /made-rootless");
	char *want = "PID 1\n0\n0 65534 1\n";
	char *host = first_line(r.out + (strncmp(r.out, want, strlen(want)) ? 0 : strlen(want)));
	ck_assert_msg(r.status == 0 && strncmp(r.out, want, strlen(want)) == 0 &&
			      strlen(host) == 12 && strstr(r.out, "\noverlay\n"),
		      "expected nobody's container, run without root: PID 1, uid 0 inside, "
		      "uid_map \"0 65534 1\", a hostname of its own (its id) and an overlay as /; "
		      "saw status %d, stdout \"%s\", stderr \"%s\"",
		      r.status, r.out, r.err);
	char *pattern = h_printf("%s/kept/*.upper/made-rootless", state);
	ck_assert_msg(glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc == 1 &&
			      stat(g.gl_pathv[0], &st) == 0 && st.st_uid == H_NOBODY,
		      "expected /made-rootless, made by root inside, in the kept layer %s and "
		      "owned by nobody (%d) on the machine; found %zu, uid %u",
		      pattern, H_NOBODY, g.gl_pathc, (unsigned)st.st_uid);
	globfree(&g);
	char *left = ids_left(state);
	ck_assert_msg(!left[0], "expected nothing of the container left in %s; found%s", state,
		      left);
	h_run_free(&r);
	free(host), free(pattern), free(left), free(state);
}
END_TEST

/* An image that is the user's already (make hands build/ back to the user
 * who ran sudo) is used as it is: no copy, and root's inside. */
START_TEST(test_userns_rootless_own_image_not_copied)
{
	char *state = nobody_state_dir(), *img = h_printf("%s/img", h_tmp);
	char *cmd = h_printf("cp -a '%s' '%s' && chown -R %d:%d '%s'", h_rootfs, img, H_NOBODY,
			     H_NOBODY, img);
	const char *opts[] = { "-v", "--state-dir", state, "--rootfs", img, NULL };
	struct h_run r;

	ck_assert_msg(system(cmd) == 0, "test set-up: %s failed", cmd);
	run_as(&r, true, NULL, opts,
	       "touch /etc/made && stat -c %u:%g /bin/busybox /etc/made && ls /root | wc -l");
	char *note = h_printf("%s is uid %d's already: used as it is", img, H_NOBODY);
	ck_assert_msg(r.status == 0 && strcmp(r.out, "0:0\n0:0\n0\n") == 0 && strstr(r.err, note) &&
			      !strstr(r.err, "userns: copied"),
		      "expected nobody's own image used without a copy (\"%s\" in the -v log) "
		      "and root's inside; saw status %d, stdout \"%s\", stderr (last part) "
		      "\"%.600s\"",
		      note, r.status, r.out,
		      strlen(r.err) > 600 ? r.err + strlen(r.err) - 600 : r.err);
	h_run_free(&r);
	free(state), free(img), free(cmd), free(note);
}
END_TEST

START_TEST(test_userns_rootless_refusals)
{
	static const struct {
		const char *opt, *value, *says;
	} cases[] = {
		{ "--memory", "64M", "--memory needs a cgroup" },
		{ "--pids", "10", "--pids needs a cgroup" },
		{ "--net", "veth", "--net veth needs root" },
		{ "--device", "/dev/null", "--device needs root" },
	};
	char *state = nobody_state_dir(), msg[4096] = "";
	struct h_run r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *opts[] = { "--state-dir", state, cases[i].opt, cases[i].value, NULL };
		run_as(&r, true, NULL, opts, "echo ran");
		if (r.status != 125 || strstr(r.out, "ran") || !strstr(r.err, cases[i].says) ||
		    h_count_lines(r.err) != 1)
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
				 "%s %s: status %d, stdout \"%s\", stderr \"%s\"; ", cases[i].opt,
				 cases[i].value, r.status, r.out, r.err);
		h_run_free(&r);
	}
	/* The steps before 10 need root, and say where a container without it is. */
	char *dir = strdup(h_bin), *step09 = h_printf("%s/step-09", dirname(dir));
	run_as(&r, true, step09, NULL, "echo ran");
	if (r.status != 125 || !strstr(r.err, "needs root") || !strstr(r.err, "step 10"))
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
			 "step-09 run by nobody: status %d, stderr \"%s\"; ", r.status, r.err);
	h_run_free(&r);
	char *left = ids_left(state);
	ck_assert_msg(!msg[0] && !left[0],
		      "expected each refused in one line with status 125 before anything ran, "
		      "saying what it needs, and nothing left in %s: %s%s%s",
		      state, msg, left[0] ? "left:" : "", left);
	free(left), free(dir), free(step09), free(state);
}
END_TEST

START_TEST(test_userns_rootless_range_through_newuidmap)
{
	ck_assert_msg(access("/usr/bin/newuidmap", X_OK) == 0 ||
			      access("/bin/newuidmap", X_OK) == 0,
		      "newuidmap is not installed: run 'sudo make deps' (Debian's uidmap)");
	scratch_subids("nobody:300000:65536\n", "nobody:300000:65536\n");
	char *state = nobody_state_dir();
	const char *opts[] = { "--state-dir", state, NULL };
	struct h_run r;

	run_as(&r, true, NULL, opts,
	       "awk '{print $1, $2, $3}' /proc/self/uid_map; mkdir -p /home/u && chown 1000:1000 "
	       "/home/u && touch /home/u/f && chown 1000:1000 /home/u/f && chmod 700 /home/u && "
	       "stat -c %u /home/u");
	ck_assert_msg(r.status == 0 && strcmp(r.out, "0 65534 1\n1 300000 65535\n1000\n") == 0,
		      "with nobody:300000:65536 in /etc/subuid and /etc/subgid, expected the maps "
		      "\"0 65534 1\" and \"1 300000 65535\" (through newuidmap and newgidmap), and "
		      "root inside able to chown to 1000; saw status %d, stdout \"%s\", stderr "
		      "\"%s\"",
		      r.status, r.out, r.err);
	char *left = ids_left(state);
	ck_assert_msg(!left[0],
		      "expected the container's state, with files of uid 300999 that nobody "
		      "cannot remove itself, removed after exit; left in %s:%s",
		      state, left);
	h_run_free(&r);
	free(left), free(state);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "10-userns";
	h_hint_for(s, "no stage asks clone() for a user namespace", HINT_NS);
	h_hint_for(s, "/setgroups", HINT_NS);
	h_hint_for(s, "_map", HINT_NS);
	h_hint_for(s, "setres", HINT_ROOT);
	h_hint_for(s, "setgroups(0", HINT_ROOT);
	h_hint_for(s, "stage overlay: mount(overlay", HINT_EVERY);
	h_add(s, test_userns_namespace_differs, 2, HINT_NS);
	h_add(s, test_userns_root_inside, 3, HINT_ROOT);
	h_add(s, test_userns_maps_root_to_the_range, 3, HINT_NS);
	h_add(s, test_userns_file_made_inside_is_the_range_outside, 3, HINT_ALL);
	h_add(s, test_userns_image_is_roots_inside, 2, HINT_ALL);
	h_add(s, test_userns_root_writes_its_layer, 3, HINT_LAYER);
	h_add(s, test_userns_privileged_is_still_nobody, 3, HINT_ALL);
	h_add(s, test_userns_device_nodes_are_the_machines, 2, HINT_ALL);
	h_add(s, test_userns_rootless_is_root_inside, 4, HINT_ROOTLESS);
	h_add(s, test_userns_rootless_own_image_not_copied, 2, HINT_ROOTLESS);
	h_add(s, test_userns_rootless_refusals, 3, HINT_ROOTLESS);
	h_add(s, test_userns_rootless_range_through_newuidmap, 3, HINT_NS);
}
