/* Step 10's machinery: the user namespace's ID maps, where they come from
 * (/etc/subuid and /etc/subgid, or the lab's own range), the helpers that
 * write them for a normal user (newuidmap and newgidmap, Debian's `uidmap`),
 * and the three ways to give the container an image that its root owns:
 * an ID-mapped mount, an overlay mounted inside the namespace, a copy. See
 * user_namespaces(7), mount_setattr(2) and steps/10-userns/README.md. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "options.h"

/* The lab's own range for --userns when root has none in /etc/subuid:
 * above SSSD's automatic ranges (200000..2000200000), below 2^31, which
 * some tools still read as a signed number. */
#define BYOC_USERNS_BASE  2100000000u
#define BYOC_USERNS_COUNT 65536u

/* One line of uid_map or gid_map: IDs inside..inside+count-1 are
 * outside..outside+count-1 in the namespace of the process that wrote it. */
struct byoc_idmap_line {
	uint32_t inside, outside, count;
};

struct byoc_idmap {
	struct byoc_idmap_line line[2];
	size_t n;
};

/* The container's nodes bound from the machine's /dev (a user namespace may
 * not make device nodes): room for the six of step 03. */
#define BYOC_USERNS_DEVS_MAX 8

/* What the userns stage works out in prepare() for its later hooks. */
struct byoc_userns {
	bool on;       /* the container has a user namespace */
	bool rootless; /* the runtime runs as a user other than root */
	/* The maps are written by newuidmap and newgidmap (a range of a
	 * normal user's /etc/subuid), not by the runtime itself. */
	bool helper;
	/* One mapping of a normal user's own IDs: the kernel takes its gid_map
	 * only once setgroups(2) is denied to the namespace. */
	bool deny_setgroups;
	struct byoc_idmap uid, gid;
	char source[160]; /* where the range came from, for -v and the lesson */
	/* Rootless: the image and its layers, copied so that the user owns
	 * them (and root inside with them), in the state directory; the child
	 * binds each over the original. "" for a layer that is the user's
	 * already, used as it is. n_copies 0 when none. */
	char copies[1 + BYOC_LAYERS_MAX][4096];
	size_t n_copies;
	/* In the child: the machine's device nodes, each a mount cloned with
	 * open_tree() before pivot_root, for the mount stage to move onto its
	 * /dev. */
	int dev_fd[BYOC_USERNS_DEVS_MAX];
	dev_t dev_rdev[BYOC_USERNS_DEVS_MAX];
	size_t n_devs;
};

/* The range of `user` (or of uid `uid`, as a number) in `file`
 * (/etc/subuid, /etc/subgid): 1 with *start and *count set, 0 when there is
 * none, < 0 with `err` filled when the file cannot be read. A missing file
 * has no range. */
int byoc_subid_find(const char *file, const char *user, uid_t uid, uint32_t *start, uint32_t *count,
		    struct byoc_error *err);

/* Fill u->uid, u->gid, u->helper, u->deny_setgroups and u->source for a
 * container whose root is: root's range of /etc/subuid and /etc/subgid, or
 * the lab's own (--userns, run by root); or the calling user (rootless): its
 * /etc/subuid range through newuidmap when it has one and the helper is
 * installed, its own IDs alone otherwise. Returns 0, or < 0 with `err`. */
int byoc_userns_plan(struct byoc_userns *u, struct byoc_error *err);

/* "0 2100000000 65536\n": the map as the kernel reads it, into buf. */
void byoc_idmap_format(const struct byoc_idmap *m, char *buf, size_t len);

/* The ID outside that `inside` maps to, or (uint32_t)-1 when unmapped. */
uint32_t byoc_idmap_outside(const struct byoc_idmap *m, uint32_t inside);

/* Write `text` to /proc/PID/FILE ("setgroups", "gid_map", "uid_map") in one
 * write(2), as the kernel requires. Returns 0, or < 0 with `err` naming the
 * file and, for EPERM, what the kernel wanted. */
int byoc_userns_write(pid_t pid, const char *file, const char *text, struct byoc_error *err);

/* Run PROG ("newuidmap" or "newgidmap") for process `pid` with the lines of
 * `m`, and wait for it. Returns 0, or < 0 with `err` naming the program and
 * its status. */
int byoc_userns_helper(const char *prog, pid_t pid, const struct byoc_idmap *m,
		       struct byoc_error *err);

/* Copy the tree `src` to `dst` (which must not exist), each entry owned by
 * what its owner maps to through `u` (rootless: by the caller, who cannot
 * choose). Device nodes are left out (the container's /dev is its own
 * tmpfs), and so are entries the caller may not read (rootless: a root-only
 * directory is copied empty, with its mode); *skipped counts them. Hard
 * links stay links. Returns 0, or < 0 with `err` naming the entry. */
int byoc_userns_copy(const char *src, const char *dst, const struct byoc_userns *u, size_t *skipped,
		     struct byoc_error *err);

/* In the mount namespace of `pid` (the runtime enters it and comes back):
 * replace each of paths[0..n-1] with an ID-mapped mount of itself, mapped
 * through the user namespace of `pid`, so that its root's files are root's
 * inside. Returns 0; -EOPNOTSUPP with `err` filled when the kernel or the
 * file system has no ID-mapped mounts (before Linux 5.12, or a file system
 * without them), and nothing was changed; < 0 with `err` otherwise. */
int byoc_userns_idmap(pid_t pid, const char *const *paths, size_t n, struct byoc_error *err);

/* In the mount namespace of `pid`: bind copies[i] over paths[i]. */
int byoc_userns_bind(pid_t pid, const char *const *paths, const char *const *copies, size_t n,
		     struct byoc_error *err);

/* In the child, before pivot_root: clone the mount of each of the machine's
 * nodes at paths[0..n-1] into u->dev_fd. */
int byoc_userns_clone_devs(struct byoc_userns *u, const char *const *paths, size_t n,
			   struct byoc_error *err);

/* In the child, after pivot_root: the node `path` of device `rdev`, as a
 * bind of the machine's node cloned before. */
int byoc_userns_bind_dev(const struct byoc_userns *u, const char *path, dev_t rdev,
			 struct byoc_error *err);

/* Rootless with a range: remove `path` (and what is below it) from inside a
 * new user namespace with the same maps, where the files that root inside
 * made as other IDs are the caller's to remove. Returns 0 or -errno. */
int byoc_userns_remove(const struct byoc_userns *u, const char *path);

/* Whether the file system of `dir` takes user.* extended attributes, where
 * overlayfs mounted in a user namespace keeps its opaque directories
 * (userxattr; tmpfs only from Linux 6.6). */
bool byoc_userns_user_xattrs(const char *dir);

/* kernel.apparmor_restrict_unprivileged_userns (Ubuntu 23.10+): 1 when it
 * forbids a normal user's user namespaces, 0 when not, or when there is no
 * such knob. */
int byoc_userns_apparmor_restricted(void);
