/* Step 05: the rootfs becomes a read-only image under an overlay, with a
 * writable layer of the container's own. The lesson is
 * steps/05-overlayfs/README.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "log.h"

/* In the parent, before clone: the container's own directories, and the
 * overlay's options. */
static int overlay_prepare(struct byoc_container *c, struct byoc_error *err)
{
	struct byoc_overlay *ov = &c->overlay;
	const struct byoc_options *o = c->opts;

	/* Refuse what overlayfs would refuse (a layer twice, options longer
	 * than a page, a state directory on overlayfs), before making anything. */
	if (byoc_overlay_check(o->rootfs, o->layers, o->n_layers, c->state.dir, err) < 0)
		return -1;
	snprintf(ov->upper, sizeof(ov->upper), "%s/upper", c->state.dir);
	snprintf(ov->work, sizeof(ov->work), "%s/work", c->state.dir);
	snprintf(ov->merged, sizeof(ov->merged), "%s/merged", c->state.dir);

	/* BEGIN SOLUTION: make the three directories ov->upper, ov->work and
	 * ov->merged (mkdir(2), mode 0755: the overlay's root takes the upper
	 * directory's mode), each through
	 * BYOC_SYS(err, mkdir(dir, 0755), "mkdir(%s)", dir). All three
	 * are in the container's state directory, c->state.dir: so upper and
	 * work are on one file system, as overlayfs requires, and each
	 * container has its own, removed with the state directory at exit.
	 * Checked by test_overlay_root_is_an_overlay (upperdir and workdir in
	 * /run/byoc/<id>/), test_overlay_root_keeps_the_image_mode,
	 * test_overlay_second_container_starts_clean and
	 * test_overlay_state_dir_gone_after_exit; explained in
	 * steps/05-overlayfs/README.md, "Your task: the container's layer". */
	const char *dirs[] = { ov->upper, ov->work, ov->merged };
	for (size_t i = 0; i < 3; i++)
		if (BYOC_SYS(err, mkdir(dirs[i], 0755), "mkdir(%s)", dirs[i]) < 0)
			return -1;
	/* END SOLUTION */

	/* BEGIN SOLUTION: write the overlay's options into ov->data (size
	 * sizeof(ov->data); byoc_overlay_check() made sure they fit):
	 *   lowerdir=TOP:...:BOTTOM,upperdir=UPPER,workdir=WORK
	 * lowerdir lists the read-only layers from the top down: the layers of
	 * --layer, o->layers[0 .. o->n_layers - 1], given bottom first (the
	 * last given is on top), then the image itself, o->rootfs, at the bottom.
	 * Checked by test_overlay_higher_layer_shadows_lower,
	 * test_overlay_root_is_an_overlay (lowerdir) and
	 * test_overlay_image_unchanged_on_disk; explained in
	 * steps/05-overlayfs/README.md, "Your task: the overlay's options". */
	size_t len = (size_t)snprintf(ov->data, sizeof(ov->data), "lowerdir=");
	for (size_t i = o->n_layers; i-- > 0;)
		len += (size_t)snprintf(ov->data + len, sizeof(ov->data) - len,
					"%s:", o->layers[i]);
	snprintf(ov->data + len, sizeof(ov->data) - len, "%s,upperdir=%s,workdir=%s", o->rootfs,
		 ov->upper, ov->work);
	/* END SOLUTION */
	byoc_log("overlay options: %s", ov->data);
	return 0;
}

/* In the child, in its own mount namespace, before the mount stage pivots:
 * mount the overlay and point the pivot at it. */
static int overlay_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	struct byoc_overlay *ov = &c->overlay;

	/* BEGIN SOLUTION: first make every mount private,
	 * mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), so that the overlay
	 * does not propagate to the host's mount table; then mount an overlay,
	 * mount("overlay", ov->merged, "overlay", 0, ov->data) (flags 0: the
	 * image's device nodes and set-user-ID programs work on /); then set
	 * c->root = ov->merged, so that the mount stage pivots into the
	 * overlay instead of the image. Each call through
	 * BYOC_SYS(err, call, "mount(overlay, %s, %s)", ov->merged, ov->data)
	 * (and "mount(/, MS_REC|MS_PRIVATE)"), and return -1 when it fails:
	 * MS_REC matters, since a mount below / (/run, on systemd) would stay
	 * shared without it.
	 * Checked by test_overlay_root_is_an_overlay,
	 * test_overlay_never_in_host_mountinfo,
	 * test_overlay_refused_mount_is_reported and
	 * test_overlay_image_unchanged_on_disk; explained in
	 * steps/05-overlayfs/README.md, "Your task: mount it inside". */
	if (BYOC_SYS(err, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL),
		     "mount(/, MS_REC|MS_PRIVATE)") < 0)
		return -1;
	if (BYOC_SYS(err, mount("overlay", ov->merged, "overlay", 0, ov->data),
		     "mount(overlay, %s, %s)", ov->merged, ov->data) < 0)
		return -1;
	c->root = ov->merged;
	/* END SOLUTION */
	return 0;
}

/* In the parent, after the container is gone. The library then removes the
 * state directory, and the upper directory with it. */
static void overlay_cleanup(struct byoc_container *c)
{
	struct byoc_overlay *ov = &c->overlay;
	char kept[sizeof(ov->kept)];
	struct byoc_error err = { 0 };

	if (!c->opts->keep || !ov->upper[0])
		return;
	/* <state root>/kept/<id>.upper, behind a directory of mode 0700. */
	if (byoc_overlay_kept_path(c->state.root, c->id, kept, sizeof(kept), &err) < 0) {
		byoc_log("--keep: %s", err.msg);
		return;
	}
	/* BEGIN SOLUTION: with --keep, move the upper directory out of the
	 * state directory before the library removes it: rename(2) ov->upper to
	 * `kept` (<state root>/kept/<id>.upper: the same file system), and on
	 * success copy `kept` into ov->kept (size sizeof(ov->kept)) for main()
	 * to print.
	 * The clean-up of dead containers leaves it alone: it only removes
	 * directories named by a container id.
	 * Checked by test_overlay_keep_shows_whiteout,
	 * test_overlay_keep_says_when_it_cannot (a rename that fails keeps
	 * nothing), test_overlay_recreated_dir_is_opaque and (nothing kept
	 * without --keep)
	 * test_overlay_state_dir_gone_after_exit; explained in
	 * steps/05-overlayfs/README.md, "Your task: --keep". */
	if (rename(ov->upper, kept) == 0)
		snprintf(ov->kept, sizeof(ov->kept), "%s", kept);
	else
		byoc_log("rename(%s, %s): %s", ov->upper, kept, strerror(errno));
	/* END SOLUTION */
}

const struct byoc_stage byoc_stage_overlay = {
	.name = "overlay",
	/* The overlay is mounted in the container's own mount namespace, which
	 * the mount stage also asks for: it vanishes with the namespace. */
	.clone_flags = CLONE_NEWNS,
	.prepare = overlay_prepare,
	.child_setup = overlay_child_setup,
	.cleanup = overlay_cleanup,
};
