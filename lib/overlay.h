/* 05-overlayfs: what the library checks before an overlay is mounted, and
 * where the overlay stage keeps its directories. The stage itself is
 * solutions/05-overlayfs/overlay.c; the lesson steps/05-overlayfs/README.md. */
#pragma once

#include <stddef.h>

#include "error.h"

/* overlayfs stacks at most this many lower layers (OVL_MAX_STACK in the
 * kernel's fs/overlayfs/params.h); the rootfs is one of them. */
#define BYOC_LAYERS_MAX 500

/* mount(2) copies its data argument, the overlay's options, as one page:
 * "lowerdir=...,upperdir=...,workdir=..." must fit, with its NUL. */
#define BYOC_OVERLAY_DATA_MAX 4096

/* A path in or beside the state directory (struct byoc_state's dir[4096]). */
#define BYOC_OVERLAY_PATH_MAX (4096 + 16)

struct byoc_overlay {
	char upper[BYOC_OVERLAY_PATH_MAX];  /* <state>/upper: the container's own writable layer */
	char work[BYOC_OVERLAY_PATH_MAX];   /* <state>/work: overlayfs's scratch space, same file
					       system */
	char merged[BYOC_OVERLAY_PATH_MAX]; /* <state>/merged: where the overlay is mounted, inside
					     */
	char data[BYOC_OVERLAY_DATA_MAX];   /* the mount's options */
	char kept[BYOC_OVERLAY_PATH_MAX];   /* with --keep: where the upper directory went */
};

/* --layer DIR, as the option parser meets it: an existing directory, not
 * given before, whose path overlayfs can take (no ',', ':' or '\'). */
int byoc_layer_add(const char **layers, size_t *n_layers, const char *dir, struct byoc_error *err);

/* --state-dir DIR: an existing, writable directory on a file system that can
 * hold an overlay's upper layer. */
int byoc_state_dir_check(const char *dir, struct byoc_error *err);

/* What the overlay stage checks in prepare(), before it makes anything: the
 * rootfs is not also a layer, the state directory `dir` can hold an upper
 * layer, and the mount's options fit in a page. */
int byoc_overlay_check(const char *rootfs, const char *const *layers, size_t n_layers,
		       const char *dir, struct byoc_error *err);

/* --keep: where the upper directory of container `id` goes, in `out`:
 * <root>/kept/<id>.upper. The shelf <root>/kept is made, and kept, mode 0700:
 * a kept layer holds the container's set-user-ID files and device nodes,
 * which no other user of the machine may reach. Returns 0, or < 0 with `err`
 * filled. */
int byoc_overlay_kept_path(const char *root, const char *id, char *out, size_t len,
			   struct byoc_error *err);
