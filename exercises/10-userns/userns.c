/* Step 10: root inside the container is nobody outside. A user namespace,
 * its ID maps written from outside, and an image that root inside owns. The
 * lesson is steps/10-userns/README.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "log.h"

/* byoc run has this stage with --userns, and always without sudo. */
static bool userns_wanted(const struct byoc_options *o)
{
	return o->userns || geteuid() != 0;
}

/* <state>/imageN: the copy of lower layer N, in u->copies[i]. */
static int copy_path(struct byoc_container *c, size_t i, struct byoc_error *err)
{
	char *out = c->userns.copies[i];
	size_t len = sizeof(c->userns.copies[i]);

	if ((size_t)snprintf(out, len, "%s/image%zu", c->state.dir, i) >= len)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME, "%s/image%zu: path too long",
				      c->state.dir, i);
	return 0;
}

/* The layers below the overlay, bottom first: the image, then --layer's. */
static size_t lowers(const struct byoc_options *o, const char **out)
{
	out[0] = o->rootfs;
	for (size_t i = 0; i < o->n_layers; i++)
		out[1 + i] = o->layers[i];
	return 1 + o->n_layers;
}

/* What a normal user cannot have: each is refused before anything is made,
 * with what would give it. */
static int refuse_rootless(const struct byoc_options *o, struct byoc_error *err)
{
	const char *limit = o->memory	    ? "--memory"
			    : o->pids	    ? "--pids"
			    : o->cpus	    ? "--cpus"
			    : o->cpu_weight ? "--cpu-weight"
			    : o->stats	    ? "--stats"
					    : NULL;

	if (limit)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "%s needs a cgroup, and a normal user may not make one: "
				      "run with sudo (a systemd delegated scope, 'systemd-run "
				      "--user --scope -p Delegate=yes', is what would give one "
				      "to a user; byoc does not use it yet)",
				      limit);
	if (o->net == BYOC_NET_VETH)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--net veth needs root: a normal user may not add a link "
				      "to the machine's network namespace: give --net none (lo "
				      "only, the default without sudo), or run with sudo");
	if (o->n_devices)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--device needs root: without sudo there is no device "
				      "cgroup to allow the node, and a user namespace may not "
				      "make one: run with sudo");
	return 0;
}

static int userns_prepare(struct byoc_container *c, struct byoc_error *err)
{
	const struct byoc_options *o = c->opts;
	struct byoc_userns *u = &c->userns;
	const char *paths[1 + BYOC_LAYERS_MAX];
	char text[128];

	u->on = true;
	u->rootless = geteuid() != 0;
	if (u->rootless && refuse_rootless(o, err) < 0)
		return -1;
	if (!u->rootless && o->n_devices)
		return byoc_error_set(
			err, BYOC_EXIT_RUNTIME,
			"--device in a user namespace (--userns, step 10): a user "
			"namespace may not make device nodes (mknod(2) needs "
			"CAP_MKNOD in the machine's namespace): give one or the other");
	if (byoc_userns_plan(u, err) < 0)
		return -1;
	byoc_idmap_format(&u->uid, text, sizeof(text));
	byoc_log("userns: uid_map %.*s (%s)", (int)strcspn(text, "\n"), text, u->source);
	if (byoc_log_enabled() && !byoc_userns_user_xattrs(c->state.dir))
		byoc_log("userns: %s takes no user.* extended attributes (tmpfs before Linux "
			 "6.6): the overlay cannot mark a directory opaque, and removing one of "
			 "the image fails with EIO; a --state-dir on ext4, xfs or btrfs has them",
			 c->state.dir);

	/* A normal user cannot ID-map a mount, nor chown: its copy of the
	 * image is its own, root's inside. */
	if (!u->rootless)
		return 0;
	size_t n = lowers(o, paths);
	for (size_t i = 0; i < n; i++) {
		size_t skipped = 0;
		struct stat st;
		u->n_copies = i + 1;
		/* A layer that is the user's already (make hands build/ back to
		 * the user who ran sudo) is root's inside as it is. */
		if (stat(paths[i], &st) == 0 && st.st_uid == geteuid()) {
			u->copies[i][0] = '\0';
			byoc_log("userns: %s is uid %u's already: used as it is", paths[i],
				 (unsigned)st.st_uid);
			continue;
		}
		if (copy_path(c, i, err) < 0 ||
		    byoc_userns_copy(paths[i], u->copies[i], u, &skipped, err) < 0)
			return -1;
		byoc_log("userns: copied %s to %s (%zu entries left out)", paths[i], u->copies[i],
			 skipped);
	}
	return 0;
}

/* Write the container's maps, from outside: the kernel takes them only
 * from a process in the parent namespace. */
static int write_maps(struct byoc_container *c, struct byoc_error *err)
{
	struct byoc_userns *u = &c->userns;
	char uid_map[128], gid_map[128];

	byoc_idmap_format(&u->uid, uid_map, sizeof(uid_map));
	byoc_idmap_format(&u->gid, gid_map, sizeof(gid_map));
	/* TODO: when u->helper is set (a normal user's range), run
	 * byoc_userns_helper("newgidmap", c->pid, &u->gid, err), then
	 * byoc_userns_helper("newuidmap", c->pid, &u->uid, err): set-user-ID
	 * programs that write what /etc/subuid and /etc/subgid allow. Otherwise
	 * write the maps yourself with byoc_userns_write(c->pid, FILE, TEXT,
	 * err), in this order: when u->deny_setgroups is set, "deny" to
	 * "setgroups" first (the kernel takes a normal user's gid_map only
	 * then: a process that could setgroups(2) could drop a group that
	 * denies it access); then gid_map; then uid_map. Return -1 when one
	 * fails.
	 * Checked by test_userns_maps_root_to_the_range,
	 * test_userns_rootless_is_root_inside and
	 * test_userns_rootless_range_through_newuidmap; explained in
	 * steps/10-userns/README.md, "Your task: the namespace and its maps". */
	return 0;
}

/* --userns run by root: the container's own directories become root's
 * inside, and the image too. */
static int own_the_layers(struct byoc_container *c, struct byoc_error *err)
{
	struct byoc_userns *u = &c->userns;
	struct byoc_overlay *ov = &c->overlay;
	uid_t root_uid = byoc_idmap_outside(&u->uid, 0);
	gid_t root_gid = byoc_idmap_outside(&u->gid, 0);

	/* TODO: root inside is root_uid:root_gid outside, and the
	 * kernel grants it nothing over a file whose owner has no ID inside.
	 * So: chown(2) the overlay's three directories, ov->upper, ov->work
	 * and ov->merged, to root_uid:root_gid (it writes the first two, and
	 * mounts on the third); and chmod(2) the state directory c->state.dir,
	 * which only root may enter (0700), to 0711: others may pass through
	 * it to those three, but not list it. Each through
	 * BYOC_SYS(err, call, "chown(%s)", dir), returning -1 when one fails.
	 * Checked by test_userns_root_writes_its_layer and
	 * test_userns_file_made_inside_is_the_range_outside; explained in
	 * steps/10-userns/README.md, "Your task: a layer root owns". */
	return 0;
}

/* The image below: an ID-mapped mount of it where the kernel and its file
 * system have them (Linux 5.12), else a copy chowned into the range. */
static int own_the_image(struct byoc_container *c, struct byoc_error *err)
{
	struct byoc_userns *u = &c->userns;
	const char *paths[1 + BYOC_LAYERS_MAX], *copies[1 + BYOC_LAYERS_MAX];
	size_t n = lowers(c->opts, paths);
	int r = byoc_userns_idmap(c->pid, paths, n, err);

	if (r != -EOPNOTSUPP)
		return r;
	byoc_log("userns: %s: a chowned copy instead", err->msg);
	for (size_t i = 0; i < n; i++) {
		if (copy_path(c, i, err) < 0 ||
		    byoc_userns_copy(paths[i], u->copies[i], u, NULL, err) < 0)
			return -1;
		u->n_copies = i + 1;
		copies[i] = u->copies[i];
	}
	return byoc_userns_bind(c->pid, paths, copies, n, err);
}

/* A map that write_maps() left unwritten: every ID of the child is then
 * 65534 inside, and every later step fails for a reason far from here. */
static int maps_written(pid_t pid, struct byoc_error *err)
{
	static const char *const files[] = { "uid_map", "gid_map" };

	for (size_t i = 0; i < 2; i++) {
		char path[64], first = 0;
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, files[i]);
		FILE *f = fopen(path, "re");
		bool empty = !f || fread(&first, 1, 1, f) != 1;
		if (f)
			fclose(f);
		if (empty)
			return byoc_error_set(
				err, BYOC_EXIT_RUNTIME,
				"%s is empty after write_maps(): the container's IDs "
				"would all be 65534; write it from outside (see "
				"steps/10-userns/README.md, \"Your task: the namespace "
				"and its maps\")",
				path);
	}
	return 0;
}

/* The network stage's /etc/hostname, hosts and resolv.conf in the state
 * directory, which the runtime wrote as the machine's root: root inside
 * may edit them, as in a container without a user namespace. */
static int own_the_etc_files(struct byoc_container *c, struct byoc_error *err)
{
	static const char *const names[] = { "hostname", "hosts", "resolv.conf" };
	uid_t uid = byoc_idmap_outside(&c->userns.uid, 0);
	gid_t gid = byoc_idmap_outside(&c->userns.gid, 0);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/%s", c->state.dir, names[i]);
		if (chown(path, uid, gid) < 0 && errno != ENOENT)
			return byoc_error_sys(err, errno, "chown(%s)", path);
	}
	return 0;
}

static int userns_after_clone(struct byoc_container *c, struct byoc_error *err)
{
	if (write_maps(c, err) < 0 || maps_written(c->pid, err) < 0)
		return -1;
	if (c->userns.rootless)
		return 0; /* the state directory and the copies are the user's */
	if (own_the_layers(c, err) < 0 || own_the_etc_files(c, err) < 0)
		return -1;
	return own_the_image(c, err);
}

/* The mount stage's device nodes: the machine's, bound. */
static int userns_make_dev(struct byoc_container *c, const char *path, dev_t rdev,
			   struct byoc_error *err)
{
	return byoc_userns_bind_dev(&c->userns, path, rdev, err);
}

/* In the child, first of all stages, once its maps are written. */
static int userns_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	struct byoc_userns *u = &c->userns;
	const char *paths[1 + BYOC_LAYERS_MAX], *devs[BYOC_STD_DEVS];

	/* TODO: become root of the namespace. The child kept the
	 * runtime's IDs, which the map may leave out (it then runs as 65534,
	 * the overflow ID): int setresgid(gid_t r, gid_t e, gid_t s) to 0, 0,
	 * 0; then, unless u->deny_setgroups is set (setgroups(2) is refused
	 * then), int setgroups(size_t n, const gid_t *list) with 0 and NULL, to
	 * drop the runtime's supplementary groups; then int setresuid(uid_t r,
	 * uid_t e, uid_t s) to 0, 0, 0, last, since it is CAP_SETGID that
	 * allows the calls before it. Each through
	 * BYOC_SYS(err, call, "setresuid(0, 0, 0)"), returning -1 when one
	 * fails.
	 * Checked by test_userns_root_inside and test_userns_rootless_is_root_inside;
	 * explained in steps/10-userns/README.md, "Your task: root inside". */

	/* Nothing of what follows may reach the machine's mount table. */
	if (BYOC_SYS(err, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL),
		     "mount(/, MS_REC|MS_PRIVATE)") < 0)
		return -1;
	/* Rootless: the user's copies of the image take its place. */
	size_t n = lowers(c->opts, paths);
	for (size_t i = 0; i < u->n_copies && i < n && u->rootless; i++)
		if (u->copies[i][0] &&
		    BYOC_SYS(err, mount(u->copies[i], paths[i], NULL, MS_BIND | MS_REC, NULL),
			     "mount(%s, %s, MS_BIND)", u->copies[i], paths[i]) < 0)
			return -1;
	/* The network stage's /etc files: a normal user's runtime could not
	 * clone them into mounts, root of the namespace can. */
	if (u->rootless && c->net.etc_fd[0] < 0 &&
	    byoc_net_etc_clone(&c->net, c->state.dir, err) < 0)
		return -1;
	/* The overlay's own attributes (opaque directories, redirects) in
	 * user.overlay.* xattrs, which root of a user namespace may set. */
	size_t len = strlen(c->overlay.data);
	if (len && len + sizeof(",userxattr") <= sizeof(c->overlay.data))
		memcpy(c->overlay.data + len, ",userxattr", sizeof(",userxattr"));
	/* The machine's device nodes, before pivot_root takes them away. */
	for (size_t i = 0; i < BYOC_STD_DEVS; i++)
		devs[i] = byoc_std_devs[i].path;
	if (byoc_userns_clone_devs(u, devs, BYOC_STD_DEVS, err) < 0)
		return -1;
	c->make_dev = userns_make_dev;
	return 0;
}

/* The kernel lets a user namespace mount proc and sysfs only where an
 * instance of each is already fully visible in its mount namespace (see
 * mount_too_revealing() in fs/namespace.c): so that the mount stage may
 * mount them after pivot_root has taken the machine's away, one of each
 * waits under the new root's /proc and /sys. Runs after the overlay stage
 * (c->root is the overlay) and before the mount stage pivots. */
static int premount_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/proc", c->root);
	if (BYOC_SYS(err, mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL),
		     "mount(proc, %s)", path) < 0)
		return -1;
	/* sysfs has one superblock per network namespace, which the kernel
	 * will not mount twice on one spot (EBUSY): this one waits in a small
	 * tmpfs on /sys, which the mount stage's sysfs then covers. Not
	 * read-only: it makes the superblock, and a read-only superblock would
	 * refuse --privileged's writable /sys; the mount stage's own mount is
	 * read-only all the same. */
	snprintf(path, sizeof(path), "%s/sys", c->root);
	if (BYOC_SYS(err,
		     mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			   "mode=755,size=4k"),
		     "mount(tmpfs, %s)", path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/sys/sysfs", c->root);
	if (BYOC_SYS(err, mkdir(path, 0755), "mkdir(%s)", path) < 0 ||
	    BYOC_SYS(err, mount("sysfs", path, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL),
		     "mount(sysfs, %s)", path) < 0)
		return -1;
	return 0;
}

static void userns_cleanup(struct byoc_container *c)
{
	struct byoc_userns *u = &c->userns;

	/* A range's files that are not the user's own: removed from inside
	 * a namespace with the same maps, before the state directory goes. */
	if (u->rootless && u->helper) {
		byoc_userns_remove(u, c->overlay.upper);
		byoc_userns_remove(u, c->overlay.work);
	}
}

const struct byoc_stage byoc_stage_userns = {
	.name = "userns",
	/* TODO: ask clone() for a user namespace: .clone_flags = its
	 * CLONE_NEW* flag from <sched.h> (see clone(2)). Cloned together with
	 * the others, it owns them: root inside has its capabilities over the
	 * container's mounts, hostname and network, and none over the
	 * machine's.
	 * Checked by test_userns_namespace_differs; explained in
	 * steps/10-userns/README.md, "Your task: the namespace and its maps". */
	.wanted = userns_wanted,
	.prepare = userns_prepare,
	.after_clone = userns_after_clone,
	.child_setup = userns_child_setup,
	.cleanup = userns_cleanup,
};

const struct byoc_stage byoc_stage_userns_premount = {
	.name = "userns-premount",
	.wanted = userns_wanted,
	.child_setup = premount_child_setup,
};
