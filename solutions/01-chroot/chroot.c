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

	/* BEGIN SOLUTION: make `rootfs` (c->opts->rootfs, a const char *) this
	 * process's root directory with int chroot(const char *path), then
	 * int chdir(const char *path) to "/" so the working directory is inside
	 * it too (both from <unistd.h>). Wrap each call in
	 * BYOC_SYS(err, call, "name(%s)", arg), which is < 0 on failure with
	 * `err` filled (the call, its errno and a hint, logged by -v): then
	 * return -1.
	 * Checked by test_chroot_root_is_the_rootfs, test_chroot_cwd_is_root,
	 * test_chroot_relative_rootfs, test_chroot_missing_rootfs_is_125 and
	 * test_chroot_runtime_keeps_the_hosts_root (this hook runs in the child:
	 * the runtime keeps its own root); explained in
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
