/* Step 05-overlayfs: the rootfs is a read-only image under an overlay, and
 * each container writes into a layer of its own. The tests read the
 * container's mountinfo through /proc/PID on the host, the layers and the
 * state directory on disk, and the kept upper directory's whiteouts. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "harness.h"
#include "leaks.h"
#include "slate.h"

#define HINT_FILE   "exercises/05-overlayfs/overlay.c, "
#define HINT_README "steps/05-overlayfs/README.md, "
#define HINT_DIRS                                                                                  \
	HINT_FILE "the TODO in overlay_prepare() that makes the directories; " HINT_README         \
		  "\"Your task: the container's layer\""
#define HINT_DATA                                                                                  \
	HINT_FILE "the TODO in overlay_prepare() that writes the options; " HINT_README            \
		  "\"Your task: the overlay's options\""
#define HINT_MOUNT                                                                                 \
	HINT_FILE "the TODO in overlay_child_setup(); " HINT_README "\"Your task: mount it "       \
		  "inside\""
#define HINT_DATA_MOUNT                                                                            \
	HINT_FILE "the TODO in overlay_prepare() that writes the options and the TODO in "         \
		  "overlay_child_setup(); " HINT_README                                            \
		  "\"Your task: the overlay's options\" and "                                      \
		  "\"Your task: mount it inside\""
#define HINT_KEEP    HINT_FILE "the TODO in overlay_cleanup(); " HINT_README "\"Your task: --keep\""
#define HINT_FAULTS  HINT_DATA "; and \"Bad input and faults\""
#define HINT_REFUSED HINT_MOUNT "; and \"Bad input and faults\""

/* ---- helpers ---- */

/* A layer directory under h_tmp with `files` ("path=content" pairs). */
static char *make_layer(const char *name, const char *const *files)
{
	char *dir = h_printf("%s/%s", h_tmp, name);

	ck_assert_msg(mkdir(dir, 0755) == 0, "mkdir(%s): %s", dir, strerror(errno));
	for (; files && *files; files++) {
		const char *eq = strchr(*files, '=');
		char *path = h_printf("%s/%.*s", dir, (int)(eq - *files), *files);
		char *cmd = h_printf("mkdir -p \"$(dirname '%s')\"", path);
		ck_assert(system(cmd) == 0);
		h_write_file(path, eq + 1, 0644);
		free(cmd);
		free(path);
	}
	return dir;
}

/* The line of /proc/PID/mountinfo for the mount on "/", as the host reads
 * it (mountinfo(5)), or NULL. */
static char *root_mount(pid_t pid)
{
	char *path = h_printf("/proc/%d/mountinfo", (int)pid), *line = NULL, *found = NULL;
	size_t cap = 0;
	FILE *f = fopen(path, "re");

	while (f && !found && getline(&line, &cap, f) > 0) {
		char point[4096];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 && strcmp(point, "/") == 0)
			found = strdup(line);
	}
	if (f)
		fclose(f);
	free(line);
	free(path);
	return found;
}

/* The value of `key=` in the overlay's super options, or NULL. */
static char *mount_opt(const char *line, const char *key)
{
	char *want = h_printf(",%s=", key), *copy = h_printf(",%s", strstr(line, " - ") + 3);
	char *p = strstr(copy, want), *v = NULL;

	if (p) {
		p += strlen(want);
		v = strndup(p, strcspn(p, ", \n"));
	}
	free(want);
	free(copy);
	return v;
}

/* Run a container with `opts` that runs `script` and waits; check its root
 * from outside, then let it finish into *r. */
static void run_on_overlay(struct h_run *r, const char *const *opts, const char *script,
			   const char *const *args, const char *lower)
{
	struct h_proc p;
	char *full = h_printf("%s; " H_WAIT_SCRIPT, script);

	h_container_spawn(&p, opts, full, args);
	free(full);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	char *line = root_mount(child);
	h_finish(&p, r);
	h_assert_ran_inside(r);
	ck_assert_msg(line && strstr(line, " - overlay "),
		      "expected the container's / to be an overlay (the host's "
		      "/proc/PID/mountinfo); saw: %s",
		      line ? line : "no mount on /");
	if (lower) {
		char *got = mount_opt(line, "lowerdir");
		ck_assert_msg(got && strcmp(got, lower) == 0,
			      "expected the overlay's lowerdir to list the layers from the top "
			      "down, the image last: lowerdir=%s; saw lowerdir=%s",
			      lower, got ? got : "(none)");
		free(got);
	}
	free(line);
}

/* The tree below `dir`: the rootfs manifest (mode, owner, size, mtime, link
 * target) and a checksum of each regular file's bytes. */
static char *manifest_sums;
static int sum_visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t h = 1469598103934665603ull;
	unsigned char buf[65536];
	ssize_t n;
	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 1099511628211ull; /* FNV-1a */
	if (fd >= 0)
		close(fd);
	char *old = manifest_sums;
	manifest_sums = h_printf("%s%s %016llx\n", old, path, (unsigned long long)h);
	free(old);
	return 0;
}

static char *tree_manifest(const char *dir)
{
	char *m = h_rootfs_manifest(dir), *all;

	manifest_sums = strdup("");
	nftw(dir, sum_visit, 16, FTW_PHYS | FTW_MOUNT);
	all = h_printf("%s%s", m, manifest_sums);
	free(m);
	free(manifest_sums);
	return all;
}

/* The entries of `dir` but ".lock", one a line, sorted by the shell. */
static char *entries(const char *dir)
{
	char *out = strdup("");
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' &&
		    (!e->d_name[1] || e->d_name[1] == '.' || strcmp(e->d_name, ".lock") == 0))
			continue;
		char *old = out;
		out = h_printf("%s%s ", old, e->d_name);
		free(old);
	}
	if (d)
		closedir(d);
	return out;
}

static char *app_layer(void)
{
	char *copy = strdup(h_rootfs), *layer = h_printf("%s/layers/app", dirname(copy));
	free(copy);
	return layer;
}

/* ---- the tests ---- */

START_TEST(test_overlay_root_is_an_overlay)
{
	static const char *const a_files[] = { "etc/layer-a=a\n", NULL };
	char *a = make_layer("a", a_files), *lower = h_printf("%s:%s", a, h_rootfs);
	const char *opts[] = { "--layer", a, NULL };
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, opts, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	char *line = root_mount(child);
	char *upper = line ? mount_opt(line, "upperdir") : NULL;
	char *work = line ? mount_opt(line, "workdir") : NULL;
	struct stat st;
	bool upper_is_dir = upper && stat(upper, &st) == 0 && S_ISDIR(st.st_mode);
	h_finish(&p, &r);
	ck_assert_msg(line && strstr(line, " - overlay "),
		      "expected the container's / to be an overlay (the host's "
		      "/proc/%d/mountinfo; the TODO in overlay_child_setup()); saw: %s",
		      (int)child, line ? line : "no mount on /");
	char *got = mount_opt(line, "lowerdir");
	ck_assert_msg(got && strcmp(got, lower) == 0,
		      "expected lowerdir=%s (the layer above the image: the TODO in "
		      "overlay_prepare() that writes the options); saw %s",
		      lower, got);
	/* <root>/<12 hex digits>/upper and .../work: the container's own. */
	size_t n = upper ? strlen(upper) : 0;
	ck_assert_msg(upper && work && strncmp(upper, "/run/byoc/", 10) == 0 && n == 10 + 12 + 6 &&
			      strcmp(upper + n - 6, "/upper") == 0 &&
			      strncmp(work, upper, n - 6) == 0 &&
			      strcmp(work + n - 6, "/work") == 0 && upper_is_dir,
		      "expected upperdir and workdir in the container's state directory, "
		      "/run/byoc/<id>/upper and /run/byoc/<id>/work, upper a directory while it "
		      "runs; saw upperdir=%s workdir=%s",
		      upper, work);
	/* mountinfo(5): the per-mount options are the sixth field. */
	char flags[256] = "";
	sscanf(line, "%*s %*s %*s %*s %*s %255s", flags);
	ck_assert_msg(!h_has_opt(flags, "nosuid") && !h_has_opt(flags, "nodev") &&
			      !h_has_opt(flags, "noexec") && !h_has_opt(flags, "ro"),
		      "expected the overlay on / mounted without flags (0): its set-user-ID "
		      "programs and device nodes must work, as the image's do; saw the options %s",
		      flags);
	ck_assert_msg(r.status == 0, "expected status 0; saw %d: %s", r.status, r.err);
	free(got);
	free(upper);
	free(work);
	free(line);
	free(lower);
	free(a);
	h_run_free(&r);
}
END_TEST

START_TEST(test_overlay_image_unchanged_on_disk)
{
	static const char *const a_files[] = { "etc/layer-a=a\n", "data/keep=k\n", NULL };
	char *a = make_layer("a", a_files), *lower = h_printf("%s:%s", a, h_rootfs);
	char *image_before = tree_manifest(h_rootfs), *layer_before = tree_manifest(a);
	const char *opts[] = { "--layer", a, NULL };
	struct h_run r;

	/* Write, append, replace, delete, chmod and rename, in both layers. */
	run_on_overlay(&r, opts,
		       "echo new > /root/new && echo more >> /etc/motd && echo b > /etc/layer-a && "
		       "rm /etc/passwd /data/keep && chmod 600 /etc/group && mv /etc/hosts-x "
		       "/x 2>/dev/null; mkdir /newdir && rm -rf /usr/sbin && touch /bin/busybox && "
		       "echo done",
		       NULL, lower);
	char *image_after = tree_manifest(h_rootfs), *layer_after = tree_manifest(a);
	ck_assert_msg(strstr(r.out, "done"),
		      "expected the container to write, delete and chmod inside; saw status %d, "
		      "\"%s%s\"",
		      r.status, r.out, r.err);
	ck_assert_msg(strcmp(image_before, image_after) == 0,
		      "expected the image (the rootfs, %s) byte-for-byte unchanged on disk by "
		      "writes inside; it changed",
		      h_rootfs);
	ck_assert_msg(strcmp(layer_before, layer_after) == 0,
		      "expected the layer %s byte-for-byte unchanged on disk by writes inside; it "
		      "changed",
		      a);
	free(image_before);
	free(image_after);
	free(layer_before);
	free(layer_after);
	free(lower);
	free(a);
	h_run_free(&r);
}
END_TEST

START_TEST(test_overlay_second_container_starts_clean)
{
	char *token = h_random_token();
	const char *args[] = { token, NULL };
	struct h_proc p;
	struct h_run first, beside, second;

	/* A second container while the first still runs, then a third after. */
	h_container_spawn(&p, NULL,
			  "echo \"$1\" > /root/test.txt && cat /root/test.txt && " H_WAIT_SCRIPT,
			  args);
	h_assert_ready(&p);
	run_on_overlay(&beside, NULL, "cat /root/test.txt 2>&1 || echo absent", NULL, NULL);
	h_finish(&p, &first);
	run_on_overlay(&second, NULL, "cat /root/test.txt 2>&1 || echo absent", NULL, NULL);
	ck_assert_msg(strstr(first.out, token),
		      "expected the first container to read back what it wrote to /root/test.txt; "
		      "saw \"%s%s\"",
		      first.out, first.err);
	ck_assert_msg(strstr(beside.out, "absent") && !strstr(beside.out, token),
		      "expected a container running beside the first not to see its "
		      "/root/test.txt: each has its own upper layer; it read \"%s\"",
		      beside.out);
	ck_assert_msg(strstr(second.out, "absent") && !strstr(second.out, token),
		      "expected a container started after the first not to see its "
		      "/root/test.txt: each has its own upper layer; it read \"%s\"",
		      second.out);
	free(token);
	h_run_free(&first);
	h_run_free(&beside);
	h_run_free(&second);
}
END_TEST

START_TEST(test_overlay_higher_layer_shadows_lower)
{
	static const char *const a_files[] = { "etc/layer-file=from a\n", "etc/only-a=a\n", NULL };
	static const char *const b_files[] = { "etc/layer-file=from b\n", "etc/motd=from b\n",
					       NULL };
	char *a = make_layer("a", a_files), *b = make_layer("b", b_files);
	char *lower = h_printf("%s:%s:%s", b, a, h_rootfs), *app = app_layer();
	const char *opts[] = { "--layer", a, "--layer", b, NULL };
	const char *app_opts[] = { "--layer", app, NULL };
	struct h_run r, ra;

	run_on_overlay(&r, opts,
		       "cat /etc/layer-file /etc/only-a /etc/motd; head -c 4 /etc/passwd; echo",
		       NULL, lower);
	ck_assert_msg(strcmp(r.out, "from b\na\nfrom b\nroot\nready\n") == 0,
		      "expected --layer %s --layer %s: the last given on top (/etc/layer-file "
		      "\"from b\"), a's own file seen through b, and the image's /etc/passwd "
		      "below both; saw \"%s\"",
		      a, b, r.out);
	char *app_lower = h_printf("%s:%s", app, h_rootfs);
	run_on_overlay(&ra, app_opts, "/app/hello && cat /etc/motd", NULL, app_lower);
	ck_assert_msg(strstr(ra.out, "hello: greeting=hello from the app layer") &&
			      strstr(ra.out, "byoc app layer"),
		      "expected the lab's app layer (%s) to add /app/hello and /etc/app.conf and "
		      "hide the image's /etc/motd; saw \"%s%s\"",
		      app, ra.out, ra.err);
	free(app_lower);
	free(lower);
	free(app);
	free(a);
	free(b);
	h_run_free(&r);
	h_run_free(&ra);
}
END_TEST

/* Parse "... kept the container's upper directory (...): PATH; remove it
 * with: CMD" from stderr. */
static char *kept_path(const char *err)
{
	const char *p = strstr(err, "upper directory");
	p = p ? strstr(p, "): ") : NULL;
	return p ? strndup(p + 3, strcspn(p + 3, "; \n")) : NULL;
}

static bool is_whiteout(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

START_TEST(test_overlay_keep_shows_whiteout)
{
	static const char *const a_files[] = { "etc/layer-file=a\n", NULL };
	char *a = make_layer("a", a_files), *lower = h_printf("%s:%s", a, h_rootfs);
	const char *opts[] = { "--layer", a, "--keep", NULL };
	struct h_run r;

	run_on_overlay(&r, opts,
		       "rm /etc/layer-file /etc/motd && echo x > /root/added && "
		       "ls /etc/layer-file /etc/motd 2>&1 | grep -c 'No such file'",
		       NULL, lower);
	char *kept = kept_path(r.err);
	ck_assert_msg(strstr(r.out, "2\n"), "expected the deleted files gone inside; saw \"%s\"",
		      r.out);
	ck_assert_msg(kept && strstr(r.err, "rm -rf") && h_count_lines(r.err) == 1,
		      "expected --keep to print one line naming the kept upper directory and "
		      "how to remove it (rm -rf); saw \"%s\"",
		      r.err);
	char *w1 = h_printf("%s/etc/layer-file", kept), *w2 = h_printf("%s/etc/motd", kept);
	char *added = h_printf("%s/root/added", kept),
	     *lower_file = h_printf("%s/etc/layer-file", a);
	char *image_file = h_printf("%s/etc/motd", h_rootfs);
	bool ok = is_whiteout(w1) && is_whiteout(w2) && access(added, F_OK) == 0 &&
		  access(lower_file, F_OK) == 0 && access(image_file, F_OK) == 0;
	/* Remove it as the runtime says, then it must be gone. */
	char *cmd = h_printf("%.*s", (int)strcspn(strstr(r.err, "rm -rf"), "\n"),
			     strstr(r.err, "rm -rf"));
	int rm = system(cmd);
	bool gone = access(kept, F_OK) < 0;
	ck_assert_msg(ok,
		      "expected the kept upper directory %s to hold whiteouts (character devices "
		      "0:0) for etc/layer-file and etc/motd, and root/added, while the layer and "
		      "the image keep their files",
		      kept);
	ck_assert_msg(rm == 0 && gone, "expected '%s' to remove the kept directory", cmd);
	free(cmd);
	free(w1);
	free(w2);
	free(added);
	free(lower_file);
	free(image_file);
	free(kept);
	free(lower);
	free(a);
	h_run_free(&r);
}
END_TEST

/* --keep when the rename cannot be done: <state>/kept/<id>.upper is taken (a
 * file made there while the container runs). The runtime must say it kept
 * nothing, not name a path that holds no layer. */
START_TEST(test_overlay_keep_says_when_it_cannot)
{
	char *state = h_printf("%s/state", h_tmp);
	const char *opts[] = { "--state-dir", state, "--keep", NULL };
	struct h_proc p;
	struct h_run r;
	struct stat st;

	ck_assert(mkdir(state, 0755) == 0);
	h_container_spawn(&p, opts, "echo x > /root/f; " H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	char *id = entries(state), *shelf = h_printf("%s/kept", state);
	id[strcspn(id, " ")] = '\0';
	char *taken = h_printf("%s/%s.upper", shelf, id);
	ck_assert(mkdir(shelf, 0700) == 0);
	h_write_file(taken, "", 0644);
	h_finish(&p, &r);
	bool still_file = lstat(taken, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0;
	unlink(taken);
	rmdir(shelf);
	free(shelf);
	char *left = entries(state);
	ck_assert_msg(id[0] && r.status == 0 && strstr(r.err, "was not kept") &&
			      !strstr(r.err, "kept the container's upper directory"),
		      "expected --keep, whose rename(2) to %s fails (a file is there), to say the "
		      "upper directory was not kept, and nothing about a kept one; saw status %d, "
		      "stderr \"%s\"",
		      taken, r.status, r.err);
	ck_assert_msg(still_file && !left[0],
		      "expected the file at %s left as it was and nothing else in %s; saw %s, "
		      "and \"%s\"",
		      taken, state, still_file ? "the file" : "it changed", left);
	free(left);
	free(taken);
	free(id);
	free(state);
	h_run_free(&r);
}
END_TEST

START_TEST(test_overlay_recreated_dir_is_opaque)
{
	static const char *const a_files[] = { "data/old=old\n", NULL };
	char *a = make_layer("a", a_files), *lower = h_printf("%s:%s", a, h_rootfs);
	const char *opts[] = { "--layer", a, "--keep", NULL };
	struct h_run r;
	char value[8] = "";

	run_on_overlay(&r, opts, "rm -rf /data && mkdir /data && touch /data/new && ls /data", NULL,
		       lower);
	char *kept = kept_path(r.err);
	char *dir = h_printf("%s/data", kept ? kept : "/nonexistent");
	ssize_t n = getxattr(dir, "trusted.overlay.opaque", value, sizeof(value) - 1);
	if (kept) {
		char *cmd = h_printf("rm -rf '%s'", kept);
		ck_assert(system(cmd) == 0);
		free(cmd);
	}
	ck_assert_msg(strcmp(r.out, "new\nready\n") == 0,
		      "expected /data, removed and made again inside, to hold only the new file "
		      "(the layer's data/old hidden); saw \"%s\"",
		      r.out);
	ck_assert_msg(kept && n > 0 && value[0] == 'y',
		      "expected the kept upper directory's data to be opaque (the xattr "
		      "trusted.overlay.opaque=y); saw %s (kept: %s)",
		      n > 0 ? value : strerror(errno), kept ? kept : "nothing");
	free(dir);
	free(kept);
	free(lower);
	free(a);
	h_run_free(&r);
}
END_TEST

/* Run a container with `opts` and check, from the test's mount namespace,
 * that its overlay never shows there, nor any mount after it. `where` says
 * where its state directory is, for the message. */
static void assert_overlay_stays_inside(const char *const *opts, const char *where)
{
	char *before = h_leak_snapshot();
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, opts, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	char *line = root_mount(child), *during = h_leak_snapshot();
	h_finish(&p, &r);
	char *after = h_leak_snapshot();
	ck_assert_msg(line && strstr(line, " - overlay "),
		      "expected the container's / to be an overlay (state directory %s); saw %s",
		      where, line ? line : "no mount on /");
	/* Only what appeared since the container started: the machine may
	 * have overlays of its own (Docker's). */
	char *new_during = h_leak_added(before, during, "\n");
	ck_assert_msg(!new_during || !strstr(new_during, " overlay"),
		      "expected no overlay in the host's mount table while the container runs, "
		      "with the state directory %s (mount it inside, after making every mount "
		      "private: MS_REC|MS_PRIVATE on /); new on the host:\n%s",
		      where, new_during);
	free(new_during);
	char *added = h_leak_added(before, after, "\n");
	ck_assert_msg(!added || !strstr(added, "mount "),
		      "expected the host's mounts unchanged after the container; new:\n%s", added);
	free(added);
	free(before);
	free(during);
	free(after);
	free(line);
	h_run_free(&r);
}

/* As on a systemd host, / is shared here (a mount namespace of the test's
 * own), and so is a tmpfs of its own below it, as /run is there: an overlay
 * mounted before every mount is made private would propagate out, through /
 * or through the tmpfs that holds the state directory. */
START_TEST(test_overlay_never_in_host_mountinfo)
{
	char *run = h_printf("%s/run", h_tmp), *state = h_printf("%s/run/byoc", h_tmp);
	const char *opts[] = { "--state-dir", state, NULL };

	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s", strerror(errno));
	ck_assert(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
	ck_assert(mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL) == 0);
	assert_overlay_stays_inside(NULL, "on / (the default, /run/byoc)");

	ck_assert(mkdir(run, 0755) == 0);
	ck_assert_msg(mount("tmpfs", run, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=0755") == 0,
		      "test set-up: mount(tmpfs, %s): %s", run, strerror(errno));
	ck_assert(mount(NULL, run, NULL, MS_SHARED, NULL) == 0);
	ck_assert(mkdir(state, 0755) == 0);
	char *where = h_printf("%s, on a shared tmpfs of its own (as /run is on systemd)", state);
	assert_overlay_stays_inside(opts, where);
	umount2(run, MNT_DETACH);
	free(where);
	free(run);
	free(state);
}
END_TEST

/* The overlay's root takes the upper directory's owner and mode: made 0700,
 * the container's / would shut out every user but root. */
START_TEST(test_overlay_root_keeps_the_image_mode)
{
	struct stat image;
	struct h_run r;

	ck_assert(stat(h_rootfs, &image) == 0);
	char *want = h_printf("%o", (unsigned)(image.st_mode & 07777));
	/* A caller's umask of 0, as some service managers give: the mode the
	 * stage asks mkdir(2) for is then the mode it gets. */
	umask(0);
	run_on_overlay(&r, NULL,
		       "echo mode=$(stat -c %a /); su -s /bin/sh nobody -c 'ls / >/dev/null && "
		       "echo nobody ran'",
		       NULL, NULL);
	char *line = h_printf("mode=%s\n", want);
	ck_assert_msg(strstr(r.out, line),
		      "expected the container's / to have the image's mode, %s, also under a "
		      "umask of 0 (the overlay's root takes the upper directory's mode: mkdir it "
		      "0755); saw \"%s\"",
		      want, r.out);
	ck_assert_msg(strstr(r.out, "nobody ran\n"),
		      "expected a user other than root (su nobody) to run /bin/sh and list / "
		      "inside; saw stdout \"%s\", stderr \"%s\"",
		      r.out, r.err);
	free(line);
	free(want);
	h_run_free(&r);
}
END_TEST

START_TEST(test_overlay_state_dir_gone_after_exit)
{
	char *state = h_printf("%s/state", h_tmp), *empty = h_printf("%s/bare", h_tmp);
	const char *opts[] = { "--state-dir", state, NULL };
	struct h_proc p;
	struct h_run r;

	ck_assert(mkdir(state, 0755) == 0);
	/* 1. a normal exit */
	run_on_overlay(&r, opts, "touch /root/x", NULL, NULL);
	h_run_free(&r);
	char *after_exit = entries(state);

	/* 2. the command SIGKILLed from outside */
	h_container_spawn(&p, opts, "echo ready; sleep 100", NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	char *upper_seen = entries(state);
	kill(child, SIGKILL);
	h_finish(&p, &r);
	int killed_status = r.status;
	h_run_free(&r);
	char *after_kill = entries(state);

	/* 3. a set-up failure after the overlay: a rootfs without /proc */
	ck_assert(mkdir(empty, 0755) == 0);
	char *bb = h_printf("mkdir %s/bin %s/etc && cp %s/bin/busybox %s/bin/sh && touch "
			    "%s/etc/byoc-rootfs",
			    empty, empty, h_rootfs, empty, empty);
	ck_assert(system(bb) == 0);
	const char *bad[] = { h_bin, "--state-dir", state, "--rootfs", empty,
			      "--",  "/bin/sh",	    "-c",  "true",     NULL };
	h_run_argv(&r, bad);
	int setup_status = r.status;
	char *setup_err = strdup(r.err);
	h_run_free(&r);
	char *after_setup = entries(state);

	/* 4. the runtime itself SIGKILLed: the next run removes what it left */
	h_container_spawn(&p, opts, "echo ready; sleep 100", NULL);
	h_assert_ready(&p);
	kill(p.pid, SIGKILL);
	h_finish(&p, &r);
	h_run_free(&r);
	char *after_runtime_kill = entries(state);
	run_on_overlay(&r, opts, "true", NULL, NULL);
	h_run_free(&r);
	char *after_next = entries(state);

	ck_assert_msg(strlen(upper_seen) == 13,
		      "expected the running container's state directory (its id) in "
		      "--state-dir %s, holding its layer; saw \"%s\"",
		      state, upper_seen);
	ck_assert_msg(!after_exit[0], "expected %s empty after the container exited; saw \"%s\"",
		      state, after_exit);
	ck_assert_msg(killed_status == 137 && !after_kill[0],
		      "expected status 137 and %s empty after the command was SIGKILLed; saw %d "
		      "and \"%s\"",
		      state, killed_status, after_kill);
	ck_assert_msg(setup_status == 125 && !after_setup[0],
		      "expected a set-up failure (a rootfs without /proc) to give 125 and leave %s "
		      "empty; saw %d, \"%s\", and \"%s\"",
		      state, setup_status, setup_err, after_setup);
	ck_assert_msg(after_runtime_kill[0] && !after_next[0],
		      "expected a SIGKILLed runtime's state directory in %s (\"%s\") removed by "
		      "the next run; saw \"%s\"",
		      state, after_runtime_kill, after_next);
	free(after_exit);
	free(upper_seen);
	free(after_kill);
	free(after_setup);
	free(after_runtime_kill);
	free(after_next);
	free(setup_err);
	free(bb);
	free(state);
	free(empty);
}
END_TEST

/* One bad input: status 125, one line holding `want`, and no new entry in
 * /run/byoc nor in `state` (NULL: none given). */
static void assert_refused(const char *const *argv, const char *want, const char *state,
			   const char *what)
{
	char *run_before = entries("/run/byoc"), *state_before = state ? entries(state) : NULL;
	struct h_run r;

	h_run_argv(&r, argv);
	char *run_after = entries("/run/byoc"), *state_after = state ? entries(state) : NULL;
	ck_assert_msg(r.status == 125 && h_count_lines(r.err) == 1 && strstr(r.err, want),
		      "expected %s refused with status 125 and one line holding \"%s\"; saw "
		      "status %d, stderr \"%s\"",
		      what, want, r.status, r.err);
	ck_assert_msg(strcmp(run_before, run_after) == 0 &&
			      (!state || strcmp(state_before, state_after) == 0),
		      "expected %s to leave nothing behind; /run/byoc held \"%s\", then \"%s\"",
		      what, run_before, run_after);
	free(run_before);
	free(run_after);
	free(state_before);
	free(state_after);
	h_run_free(&r);
}

START_TEST(test_overlay_bad_input_refused)
{
	static const char *const a_files[] = { "etc/layer-a=a\n", NULL };
	char *a = make_layer("a", a_files), *file = h_printf("%s/etc/layer-a", a);
	char *missing = h_printf("%s/missing", h_tmp), *link = h_printf("%s/a-again", h_tmp);
	char *colon = h_printf("%s/a:b", h_tmp);

	/* The good case first: a layer works at all. */
	const char *good[] = { "--layer", a, NULL };
	struct h_run r;
	char *lower = h_printf("%s:%s", a, h_rootfs);
	run_on_overlay(&r, good, "cat /etc/layer-a", NULL, lower);
	h_run_free(&r);

	ck_assert(symlink(a, link) == 0 && mkdir(colon, 0755) == 0);
	const char *v1[] = { h_bin, "--layer", missing, "--", "/bin/true", NULL };
	assert_refused(v1, missing, NULL, "a missing layer directory");
	const char *v2[] = { h_bin, "--layer", file, "--", "/bin/true", NULL };
	assert_refused(v2, "is a file, not a directory", NULL, "a layer that is a file");
	const char *v3[] = { h_bin, "--layer", a, "--layer", link, "--", "/bin/true", NULL };
	assert_refused(v3, "given twice", NULL, "the same layer twice (once through a symlink)");
	const char *v4[] = { h_bin, "--layer", h_rootfs, "--", "/bin/true", NULL };
	assert_refused(v4, "the rootfs itself", NULL, "the rootfs given as a layer");
	const char *v5[] = { h_bin, "--layer", colon, "--", "/bin/true", NULL };
	assert_refused(v5, "holds ':'", NULL, "a layer path with ':'");

	/* More layers than one page of mount options holds. */
	enum { N = 160 };
	const char *many[2 * N + 4];
	char *names[N];
	size_t k = 0;
	many[k++] = h_bin;
	for (int i = 0; i < N; i++) {
		names[i] = h_printf("%s/layer-with-a-long-name-%03d", h_tmp, i);
		ck_assert(mkdir(names[i], 0755) == 0);
		many[k++] = "--layer";
		many[k++] = names[i];
	}
	many[k++] = "--";
	many[k++] = "/bin/true";
	many[k] = NULL;
	assert_refused(many, "at most", NULL, "160 layers whose options exceed a page");
	for (int i = 0; i < N; i++)
		free(names[i]);
	free(lower);
	free(a);
	free(file);
	free(missing);
	free(link);
	free(colon);
}
END_TEST

/* Two state directories that cannot hold an upper layer, made in a mount
 * namespace of the test's own: an overlayfs (as inside Docker) and a
 * read-only tmpfs. */
START_TEST(test_overlay_bad_state_dir_refused)
{
	char *ovl = h_printf("%s/ovl", h_tmp), *ro = h_printf("%s/ro", h_tmp);
	char *l = h_printf("%s/l", h_tmp), *u = h_printf("%s/u", h_tmp),
	     *w = h_printf("%s/w", h_tmp);
	char *data = h_printf("lowerdir=%s,upperdir=%s,workdir=%s", l, u, w);
	char *state = h_printf("%s/state", h_tmp);
	const char *good[] = { "--state-dir", state, NULL };
	struct h_run r;

	/* The good case first: --state-dir works at all. */
	ck_assert(mkdir(state, 0755) == 0);
	run_on_overlay(&r, good, "true", NULL, NULL);
	h_run_free(&r);

	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s", strerror(errno));
	ck_assert(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
	ck_assert(mkdir(ovl, 0755) == 0 && mkdir(ro, 0755) == 0 && mkdir(l, 0755) == 0 &&
		  mkdir(u, 0755) == 0 && mkdir(w, 0755) == 0);
	ck_assert_msg(mount("overlay", ovl, "overlay", 0, data) == 0, "mount(overlay): %s",
		      strerror(errno));
	ck_assert_msg(mount("tmpfs", ro, "tmpfs", MS_RDONLY, "size=64k,mode=0755") == 0,
		      "mount(tmpfs): %s", strerror(errno));
	const char *v1[] = { h_bin, "--state-dir", ovl, "--", "/bin/true", NULL };
	assert_refused(v1, "on overlayfs", ovl, "a state directory on overlayfs");
	const char *v2[] = { h_bin, "--state-dir", ro, "--", "/bin/true", NULL };
	assert_refused(v2, "read-only", ro, "a read-only state directory");
	umount2(ovl, MNT_DETACH);
	umount2(ro, MNT_DETACH);
	free(ovl);
	free(ro);
	free(l);
	free(u);
	free(w);
	free(data);
	free(state);
}
END_TEST

/* A mount that the kernel refuses while every check of the runtime's passes:
 * a layer on an overlay of overlays stacks file systems three deep, and
 * overlayfs allows two (FILESYSTEM_MAX_STACK_DEPTH). The overlays are the
 * test's own, in a mount namespace of its own. */
START_TEST(test_overlay_refused_mount_is_reported)
{
	char *d[6], *data1, *data2, *state = h_printf("%s/state", h_tmp);
	static const char *const names[] = { "a", "b", "c", "m1", "m2", "state" };
	struct h_run r;

	for (size_t i = 0; i < 6; i++) {
		d[i] = h_printf("%s/%s", h_tmp, names[i]);
		ck_assert(mkdir(d[i], 0755) == 0);
	}
	data1 = h_printf("lowerdir=%s:%s", d[0], d[1]);
	data2 = h_printf("lowerdir=%s:%s", d[3], d[2]);
	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s", strerror(errno));
	ck_assert(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
	ck_assert_msg(mount("overlay", d[3], "overlay", MS_RDONLY, data1) == 0 &&
			      mount("overlay", d[4], "overlay", MS_RDONLY, data2) == 0,
		      "test set-up: two stacked overlays: %s", strerror(errno));

	const char *argv[] = { h_bin, "--state-dir", state, "--layer",	d[4],
			       "--",  "/bin/sh",     "-c",  "echo ran", NULL };
	h_run_argv(&r, argv);
	char *left = entries(state);
	ck_assert_msg(r.status == 125 && h_count_lines(r.err) == 1 &&
			      strstr(r.err, "stage overlay: mount(overlay") &&
			      strstr(r.err, "EINVAL") && !strstr(r.out, "ran"),
		      "expected the kernel's refusal of the overlay (a --layer on an overlay of "
		      "overlays: too deep) reported as the overlay stage's mount() failure, in one "
		      "line, status 125, before anything runs; saw status %d, stderr \"%s\"",
		      r.status, r.err);
	ck_assert_msg(!left[0], "expected the refused start to leave %s empty; saw \"%s\"", state,
		      left);
	umount2(d[4], MNT_DETACH);
	umount2(d[3], MNT_DETACH);
	for (size_t i = 0; i < 6; i++)
		free(d[i]);
	free(left);
	free(data1);
	free(data2);
	free(state);
	h_run_free(&r);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "05-overlayfs";
	/* A container that does not start: the code its error names. */
	h_hint_for(s, "stage overlay: mkdir(", HINT_DIRS);
	h_hint_for(s, "stage overlay: mount(overlay", HINT_DATA_MOUNT);
	h_hint_for(s, "stage overlay: mount(/", HINT_MOUNT);
	h_add(s, test_overlay_root_is_an_overlay, 3, HINT_DATA_MOUNT);
	h_add(s, test_overlay_image_unchanged_on_disk, 3, HINT_DATA_MOUNT);
	h_add(s, test_overlay_root_keeps_the_image_mode, 2, HINT_DIRS);
	h_add(s, test_overlay_second_container_starts_clean, 2, HINT_DIRS);
	h_add(s, test_overlay_higher_layer_shadows_lower, 3, HINT_DATA);
	h_add(s, test_overlay_keep_shows_whiteout, 2, HINT_KEEP);
	h_add(s, test_overlay_keep_says_when_it_cannot, 1, HINT_KEEP);
	h_add(s, test_overlay_recreated_dir_is_opaque, 1, HINT_KEEP);
	h_add(s, test_overlay_never_in_host_mountinfo, 3, HINT_MOUNT);
	h_add(s, test_overlay_state_dir_gone_after_exit, 2, HINT_DIRS);
	h_add(s, test_overlay_bad_input_refused, 2, HINT_FAULTS);
	h_add(s, test_overlay_bad_state_dir_refused, 1, HINT_FAULTS);
	h_add(s, test_overlay_refused_mount_is_reported, 2, HINT_REFUSED);
}
