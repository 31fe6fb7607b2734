#define _GNU_SOURCE
#include "overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "state.h"

#define OVERLAYFS_SUPER_MAGIC 0x794c7630 /* see statfs(2) */

/* overlayfs splits its options at ',' and lowerdir at ':', and takes '\' as
 * an escape: a path holding one would be cut in two. */
static int path_ok(const char *what, const char *path, struct byoc_error *err)
{
	const char *bad = strpbrk(path, ",:\\");

	if (*path == '\0')
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "%s is empty: give the path of a directory", what);
	if (bad)
		return byoc_error_set(
			err, BYOC_EXIT_RUNTIME,
			"%s %s holds '%c', which overlayfs's options cannot carry: "
			"give a path without ',', ':' or '\\' (a symlink to it will do)",
			what, path, *bad);
	return 0;
}

int byoc_layer_add(const char **layers, size_t *n_layers, const char *dir, struct byoc_error *err)
{
	struct stat st, prev;

	if (path_ok("--layer", dir, err) < 0)
		return -EINVAL;
	if (stat(dir, &st) < 0)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--layer %s: %s: give a directory that exists (a layer is a "
				      "directory tree, such as build/layers/app that 'sudo make "
				      "rootfs' builds)",
				      dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return byoc_error_set(
			err, BYOC_EXIT_RUNTIME,
			"--layer %s is a file, not a directory: a layer is a directory "
			"tree (an image layer, unpacked)",
			dir);
	for (size_t i = 0; i < *n_layers; i++)
		if (stat(layers[i], &prev) == 0 && prev.st_dev == st.st_dev &&
		    prev.st_ino == st.st_ino)
			return byoc_error_set(
				err, BYOC_EXIT_RUNTIME,
				"--layer %s is given twice (it is --layer %s): overlayfs "
				"refuses a layer twice (ELOOP); give each layer once",
				dir, layers[i]);
	if (*n_layers + 1 >= BYOC_LAYERS_MAX)
		return byoc_error_set(
			err, BYOC_EXIT_RUNTIME,
			"--layer %s: more than %d layers: overlayfs stacks at most %d "
			"read-only layers, the rootfs among them; merge some layers",
			dir, BYOC_LAYERS_MAX - 1, BYOC_LAYERS_MAX);
	layers[(*n_layers)++] = dir;
	return 0;
}

/* Whether `dir` can hold an overlay's upper and work directories. `what`
 * names it in the message ("--state-dir /x"). */
static int upper_fs_ok(const char *what, const char *dir, struct byoc_error *err)
{
	struct statfs fs;

	if (statfs(dir, &fs) < 0)
		return byoc_error_set(
			err, BYOC_EXIT_RUNTIME,
			"%s: statfs: %s: give an existing directory (--state-dir DIR)", what,
			strerror(errno));
	if (fs.f_type == OVERLAYFS_SUPER_MAGIC)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "%s is on overlayfs (as inside a Docker container), which "
				      "cannot hold an overlay's upper layer: give --state-dir a "
				      "directory on a tmpfs ('mount -t tmpfs tmpfs DIR')",
				      what);
	if (fs.f_flags & ST_RDONLY)
		return byoc_error_set(
			err, BYOC_EXIT_RUNTIME,
			"%s is on a read-only file system, and the container's upper "
			"layer must be written: give --state-dir a writable directory "
			"(a tmpfs such as /run)",
			what);
	return 0;
}

int byoc_state_dir_check(const char *dir, struct byoc_error *err)
{
	char what[4200];
	struct stat st;

	if (path_ok("--state-dir", dir, err) < 0)
		return -EINVAL;
	snprintf(what, sizeof(what), "--state-dir %s", dir);
	if (stat(dir, &st) < 0)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "%s: %s: create it first, or give an existing directory",
				      what, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return byoc_error_set(err, BYOC_EXIT_RUNTIME, "%s is not a directory", what);
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return byoc_error_sys(err, errno, "open(%s)", dir);
	if (byoc_state_root_trusted(fd, dir, err) < 0)
		return -EPERM;
	return upper_fs_ok(what, dir, err);
}

int byoc_overlay_check(const char *rootfs, const char *const *layers, size_t n_layers,
		       const char *dir, struct byoc_error *err)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t limit =
		page > 0 && page < BYOC_OVERLAY_DATA_MAX ? (size_t)page : BYOC_OVERLAY_DATA_MAX;
	size_t fixed, len, fit = 0;
	struct stat root, layer;
	char what[4200];

	if (path_ok("--rootfs", rootfs, err) < 0)
		return -EINVAL;
	if (stat(rootfs, &root) < 0)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--rootfs %s: %s: build it with 'sudo make rootfs' or pass "
				      "--rootfs DIR",
				      rootfs, strerror(errno));
	if (!S_ISDIR(root.st_mode))
		return byoc_error_set(
			err, BYOC_EXIT_RUNTIME,
			"--rootfs %s is not a directory: the image is a directory tree", rootfs);
	snprintf(what, sizeof(what), "the state directory %s", dir);
	if (path_ok(what, dir, err) < 0 || upper_fs_ok(what, dir, err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n_layers; i++)
		if (stat(layers[i], &layer) == 0 && layer.st_dev == root.st_dev &&
		    layer.st_ino == root.st_ino)
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "--layer %s is the rootfs itself, the lowest layer "
					      "already: give each layer once",
					      layers[i]);
	/* "lowerdir=L:...:ROOTFS,upperdir=DIR/upper,workdir=DIR/work" and a NUL */
	fixed = strlen("lowerdir=") + strlen(rootfs) + strlen(",upperdir=") + strlen(dir) +
		strlen("/upper") + strlen(",workdir=") + strlen(dir) + strlen("/work") + 1;
	len = fixed;
	for (size_t i = 0; i < n_layers; i++) {
		len += strlen(layers[i]) + 1;
		if (len <= limit)
			fit = i + 1;
	}
	if (len > limit)
		return byoc_error_set(
			err, BYOC_EXIT_RUNTIME,
			"%zu layers make the overlay's options %zu bytes, and mount(2) "
			"passes at most %zu (one page): at most %zu of these layers fit; "
			"give fewer layers, shorter layer paths, or a shorter --state-dir",
			n_layers, len - 1, limit - 1, fit);
	return 0;
}

int byoc_overlay_kept_path(const char *root, const char *id, char *out, size_t len,
			   struct byoc_error *err)
{
	_cleanup_close_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd = -1;
	struct stat st;

	if (rootfd < 0)
		return byoc_error_sys(err, errno, "open(%s)", root);
	if (mkdirat(rootfd, "kept", 0700) < 0 && errno != EEXIST)
		return byoc_error_sys(err, errno, "mkdir(%s/kept)", root);
	fd = openat(rootfd, "kept", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return byoc_error_sys(err, errno, "open(%s/kept)", root);
	if (st.st_uid != geteuid())
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "%s/kept belongs to uid %u: refused to keep a layer there",
				      root, (unsigned)st.st_uid);
	if ((st.st_mode & 07777) != 0700 && fchmod(fd, 0700) < 0)
		return byoc_error_sys(err, errno, "chmod(%s/kept, 0700)", root);
	if (snprintf(out, len, "%s/kept/%s.upper", root, id) >= (int)len)
		return byoc_error_sys(err, ENAMETOOLONG, "%s/kept/%s.upper", root, id);
	return 0;
}
