/* Step 01: chroot. The lesson is steps/01-chroot/README.md. */
#define _GNU_SOURCE
#include <unistd.h>

#include "container.h"
#include "log.h"

/* Runs in the child, after clone() and before execve(): whatever this
 * changes, the command inherits. */
static int chroot_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	const char *rootfs = c->opts->rootfs;

	/* BEGIN SOLUTION: make `rootfs` this process's root directory with
	 * chroot(2), then chdir("/") so the working directory is inside it too.
	 * Wrap each call in BYOC_SYS(err, call, "name(args)") so that -v logs it
	 * and a failure carries its errno and a hint.
	 * Checked by test_chroot_root_is_the_rootfs, test_chroot_cwd_is_root and
	 * test_chroot_missing_rootfs_is_125; explained in
	 * steps/01-chroot/README.md, "Your task". */
	if (BYOC_SYS(err, chroot(rootfs), "chroot(%s)", rootfs) < 0)
		return -1;
	if (BYOC_SYS(err, chdir("/"), "chdir(/)") < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

const struct byoc_stage byoc_stage_chroot = {
	.name = "chroot",
	.child_setup = chroot_child_setup,
};
