/* An OCI bundle through the lab's lifecycle: its config.json becomes byoc
 * run's options where the steps already do what it asks (namespaces, limits,
 * capabilities, the seccomp filter, /proc's masks), and two stages do the
 * rest: oci-mounts (the spec's bind mounts and other mounts, namespaces joined
 * by path, sysctls, rlimits, a read-only root) before the stages that drop
 * privileges, and oci-process (umask, groups, user) after the capabilities. A
 * field that neither can honour is refused, naming it. */
#define _GNU_SOURCE
#include "oci_stages.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "devices.h"
#include "log.h"
#include "mountapi.h"
#include "oci.h"
#include "stages.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* The mounts the lab's stages make themselves (step 03: /proc, /dev,
 * /dev/pts, /dev/shm, /sys): the spec's entry for each is theirs. */
static const struct {
	const char *destination, *type;
} made_by_steps[] = {
	{ "/proc", "proc" },	 { "/dev", "tmpfs" },	 { "/dev/pts", "devpts" },
	{ "/dev/shm", "tmpfs" }, { "/sys", "sysfs" },
};

static bool made_by_a_step(const struct byoc_oci_mount *m)
{
	for (size_t i = 0; i < sizeof(made_by_steps) / sizeof(made_by_steps[0]); i++)
		if (!m->bind && strcmp(m->destination, made_by_steps[i].destination) == 0 &&
		    strcmp(m->type, made_by_steps[i].type) == 0)
			return true;
	return false;
}

/* The mount types oci-mounts makes besides binds. */
static bool mounted_here(const struct byoc_oci_mount *m)
{
	return m->bind || strcmp(m->type, "tmpfs") == 0 || strcmp(m->type, "mqueue") == 0 ||
	       strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0;
}

/* Docker's default capabilities, which byoc run's --cap-add and --cap-drop
 * change (step 07): the spec's bounding set as changes to them. */
static uint64_t docker_default_caps(void)
{
	struct byoc_options none = { 0 };

	return byoc_caps_wanted(&none);
}

static const char *ns_name(unsigned long flag)
{
	switch (flag) {
	case CLONE_NEWPID:
		return "pid";
	case CLONE_NEWNET:
		return "network";
	case CLONE_NEWNS:
		return "mount";
	case CLONE_NEWIPC:
		return "ipc";
	case CLONE_NEWUTS:
		return "uts";
	case CLONE_NEWUSER:
		return "user";
	case CLONE_NEWCGROUP:
		return "cgroup";
	}
	return "?";
}

/* The namespaces: the lab's stages make a new pid, mount, network, ipc and
 * uts namespace for every container; network, ipc and uts may be joined by
 * path instead (a pod's), and cgroup may be new. */
static int check_namespaces(const struct byoc_oci *spec, struct byoc_error *err)
{
	static const unsigned long always = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET |
					    CLONE_NEWIPC | CLONE_NEWUTS;
	unsigned long given = 0;

	for (size_t i = 0; i < spec->n_namespaces; i++) {
		const struct byoc_oci_namespace *ns = &spec->namespaces[i];
		given |= ns->flag;
		if (ns->flag == CLONE_NEWUSER)
			return byoc_error_set(err, 1,
					      "config.json: linux.namespaces: user: not supported by "
					      "byoc create yet (byoc run --userns has step 10's): "
					      "remove it");
		if (ns->path && !(ns->flag & (CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)))
			return byoc_error_set(err, 1,
					      "config.json: linux.namespaces: %s: path %s: byoc "
					      "joins only network, ipc and uts namespaces: remove "
					      "the path",
					      ns_name(ns->flag), ns->path);
	}
	for (unsigned long f = 1; f; f <<= 1)
		if ((always & f) && !(given & f))
			return byoc_error_set(err, 1,
					      "config.json: linux.namespaces: no %s namespace: the "
					      "container would share the machine's; byoc gives every "
					      "container one: add {\"type\": \"%s\"}",
					      ns_name(f), ns_name(f));
	return 0;
}

/* Sysctls that a container's own namespaces scope (see runc's
 * libcontainer/configs/validate): anything else is the machine's. */
static bool sysctl_namespaced(const char *key)
{
	static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
					   "kernel.sem",    "kernel.shmall", "kernel.shmmax",
					   "kernel.shmmni", "kernel.shm_rmid_forced" };

	if (strncmp(key, "net.", 4) == 0 || strncmp(key, "fs.mqueue.", 10) == 0)
		return true;
	for (size_t i = 0; i < sizeof(ipc) / sizeof(ipc[0]); i++)
		if (strcmp(key, ipc[i]) == 0)
			return true;
	return strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0;
}

/* linux.resources.devices: the lab's allow list (step 08: its standard
 * nodes, /dev/pts) is what a container opens. The spec's usual list denies
 * everything first and allows the same nodes, or mknod of any (which the
 * lab does not allow: stricter). Anything wider is refused. */
static bool std_node(char type, int64_t major, int64_t minor)
{
	if (type != 'c')
		return false;
	if ((major == 5 && minor == 2) || (major == 136 && minor == -1) || (major == 5 && minor == 1))
		return true;
	for (size_t i = 0; i < BYOC_STD_DEVS; i++)
		if (major == byoc_std_devs[i].major && minor == byoc_std_devs[i].minor)
			return true;
	return false;
}

static int check_device_rules(const struct byoc_oci *spec, struct byoc_error *err)
{
	for (size_t i = 0; i < spec->n_device_rules; i++) {
		const struct byoc_oci_device_rule *r = &spec->device_rules[i];
		char what[64];
		bool wild = r->type == 'a' || r->major < 0 || r->minor < 0;

		snprintf(what, sizeof(what), "%c %lld:%lld", r->type, (long long)r->major,
			 (long long)r->minor);
		if (!r->allow && (i == 0 ? r->type == 'a' : !std_node(r->type, r->major, r->minor)))
			continue;
		if (r->allow && (std_node(r->type, r->major, r->minor) ||
				 (wild && r->type != 'a' && r->access == BPF_DEVCG_ACC_MKNOD)))
			continue;
		return byoc_error_set(err, 1,
				      "config.json: linux.resources.devices[%zu]: %s %s: byoc "
				      "allows its standard devices only (step 08): remove the entry",
				      i, r->allow ? "allow" : "deny", what);
	}
	if (spec->n_devices)
		return byoc_error_set(err, 1,
				      "config.json: linux.devices: %s: not supported by byoc create "
				      "yet (byoc run --device is): remove it",
				      spec->devices[0].path);
	return 0;
}

static int check_mounts(const struct byoc_oci *spec, struct byoc_error *err)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct byoc_oci_mount *m = &spec->mounts[i];
		if (made_by_a_step(m) || mounted_here(m))
			continue;
		return byoc_error_set(err, 1,
				      "config.json: mounts[%zu]: %s on %s: byoc mounts bind, tmpfs, "
				      "mqueue and cgroup only: remove it",
				      i, m->type, m->destination);
	}
	return 0;
}

/* The seccomp filter: the spec's object is a profile in Docker's format
 * (step 09 reads it), handed over as a memfd named by /proc/self/fd. */
static int seccomp_profile(const struct byoc_oci *spec, struct byoc_options *o,
			   struct byoc_error *err)
{
	static char path[64];
	_cleanup_free_ char *json = NULL;
	int fd;

	if (!spec->seccomp) {
		o->seccomp = BYOC_SECCOMP_UNCONFINED;
		return 0;
	}
	json = json_dumps(spec->seccomp, JSON_COMPACT);
	fd = memfd_create("seccomp.json", MFD_CLOEXEC);
	if (!json || fd < 0)
		return byoc_error_sys(err, errno ? errno : ENOMEM, "memfd_create(seccomp.json)");
	if (write(fd, json, strlen(json)) != (ssize_t)strlen(json)) {
		close(fd);
		return byoc_error_sys(err, errno, "write(seccomp.json)");
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	o->seccomp = BYOC_SECCOMP_PROFILE;
	o->seccomp_profile = path;
	return 0;
}

/* linux.cgroupsPath ("/libpod_parent/libpod-ID"): on v1 the container's
 * byoc-<id> cgroups go beneath its directory part, beside the engine's own
 * (under conmon's cgroup, podman could not remove a pod's); the last part
 * names byoc's own. A path that climbs, or systemd's "slice:prefix:name"
 * form, is refused. */
static int cgroup_parent(const char *path, struct byoc_options *o, struct byoc_error *err)
{
	static char parent[1024];
	const char *last = strrchr(path, '/');

	if (path[0] != '/' || strstr(path, "/..") || strchr(path, ':') || strlen(path) >= 1024 ||
	    strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./") !=
		    strlen(path))
		return byoc_error_set(err, 1,
				      "config.json: linux.cgroupsPath \"%s\": give an absolute path "
				      "of letters, digits, '_', '-', '.' without \"..\" (cgroupfs; "
				      "byoc does not use systemd)",
				      path);
	if (last > path) {
		snprintf(parent, sizeof(parent), "%.*s", (int)(last - path), path);
		o->cgroup_parent = parent;
	}
	return 0;
}

int byoc_oci_options(const struct byoc_oci *spec, const char *id, const char *state_root,
		     struct byoc_options *o, struct byoc_error *err)
{
	const struct byoc_oci_process *p = &spec->process;
	uint64_t dflt = docker_default_caps();
	int r;

	memset(o, 0, sizeof(*o));
	o->oci = spec;
	o->name = id;
	o->state_dir = state_root;
	o->rootfs = spec->root_path;
	o->command = (char **)p->args;
	o->net = BYOC_NET_NONE; /* the caller makes the network; byoc makes no veth */
	o->net_given = true;
	if (strcmp(p->cwd, "/") != 0)
		o->workdir = p->cwd;
	o->hostname = spec->hostname;
	/* A terminal of the container's own devpts (lib/tty.c), whose master
	 * create passes to --console-socket. */
	o->tty = p->terminal;
	/* Capabilities: the bounding set, which effective and permitted must
	 * equal; none inheritable or ambient. */
	if (p->has_caps && (p->effective != p->bounding || p->permitted != p->bounding))
		return byoc_error_set(err, 1,
				      "config.json: process.capabilities: effective and permitted "
				      "differ from bounding: byoc gives the same set to all three: "
				      "make them equal");
	/* Root's execve() makes its permitted set the bounding set whatever
	 * these two hold within it; for another user they would matter. */
	if (p->has_caps && ((p->inheritable | p->ambient) & ~p->bounding))
		return byoc_error_set(err, 1,
				      "config.json: process.capabilities: inheritable or ambient "
				      "holds a capability outside bounding: remove it");
	if (p->has_caps && p->uid != 0 && (p->inheritable || p->ambient))
		return byoc_error_set(err, 1,
				      "config.json: process.capabilities: %s: not supported by "
				      "byoc for a user other than root: make it empty",
				      p->inheritable ? "inheritable" : "ambient");
	o->cap_drop = p->has_caps ? dflt & ~p->bounding : BYOC_CAPS_ALL;
	o->cap_add = p->has_caps ? p->bounding & ~dflt : 0;
	/* The hooks that run inside the container's namespaces. */
	static const enum byoc_oci_hook_kind inside[] = { BYOC_OCI_HOOK_CREATE_CONTAINER,
							  BYOC_OCI_HOOK_START_CONTAINER };
	for (size_t k = 0; k < sizeof(inside) / sizeof(inside[0]); k++)
		if (spec->n_hooks[inside[k]])
			return byoc_error_set(err, 1,
					      "config.json: hooks.%s: not supported by byoc create "
					      "yet: remove it",
					      byoc_oci_hook_names[inside[k]]);
	if ((r = check_namespaces(spec, err)) < 0 || (r = check_device_rules(spec, err)) < 0 ||
	    (r = check_mounts(spec, err)) < 0)
		return r;
	for (size_t i = 0; i < spec->n_sysctl; i++)
		if (!sysctl_namespaced(spec->sysctl_keys[i]))
			return byoc_error_set(err, 1,
					      "config.json: linux.sysctl: %s: not namespaced: it "
					      "would change the machine: remove it",
					      spec->sysctl_keys[i]);
	/* Limits (step 04). */
	if (spec->memory_limit > 0) {
		if (spec->memory_limit < BYOC_MEMORY_FLOOR)
			return byoc_error_set(err, 1,
					      "config.json: linux.resources.memory.limit: %lld "
					      "bytes: below byoc's floor of %d: give more",
					      (long long)spec->memory_limit, BYOC_MEMORY_FLOOR);
		o->memory = (uint64_t)spec->memory_limit;
	}
	if (spec->pids_limit > 0)
		o->pids = (uint64_t)spec->pids_limit;
	if (spec->cpu_quota > 0 && spec->cpu_period > 0)
		o->cpus = (uint64_t)spec->cpu_quota * 1000000 / (uint64_t)spec->cpu_period;
	if (spec->cpu_shares > 0) /* runc's conversion to cpu.weight */
		o->cpu_weight = 1 + ((uint64_t)(spec->cpu_shares > 2 ? spec->cpu_shares : 2) - 2) *
					    9999 / 262142;
	if (spec->cgroups_path && (r = cgroup_parent(spec->cgroups_path, o, err)) < 0)
		return r;
	o->masked_extra = spec->masked_paths;
	o->readonly_extra = spec->readonly_paths;
	return seccomp_profile(spec, o, err);
}

/* oci-mounts' fds: a detached tree per bind mount, then an open namespace
 * per one joined by path; -1 elsewhere. */
static size_t n_fds(const struct byoc_oci *spec)
{
	return spec->n_mounts + spec->n_namespaces;
}

static unsigned mount_attr(unsigned long flags)
{
	return (flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) |
	       (flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
	       (flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) |
	       (flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0);
}

/* On the host, before clone(): each bind mount's source as a detached tree
 * with the spec's flags (the child moves it into place once it has pivoted),
 * and each namespace to join, open. */
static int oci_prepare(struct byoc_container *c, struct byoc_error *err)
{
	const struct byoc_oci *spec = c->opts->oci;
	size_t n = n_fds(spec);

	c->oci_fds = malloc((n ? n : 1) * sizeof(int));
	if (!c->oci_fds)
		return byoc_error_sys(err, ENOMEM, "malloc");
	for (size_t i = 0; i < n; i++)
		c->oci_fds[i] = -1;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct byoc_oci_mount *m = &spec->mounts[i];
		unsigned rec = m->recursive ? AT_RECURSIVE : 0;
		struct byoc_mount_attr attr = { .attr_set = mount_attr(m->flags),
						.propagation = MS_PRIVATE };
		if (!m->bind)
			continue;
		c->oci_fds[i] = sys_open_tree(AT_FDCWD, m->source,
					      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
		if (c->oci_fds[i] < 0)
			return byoc_error_sys(err, errno,
					      "open_tree(%s) for the bind mount on %s: give a "
					      "source that exists",
					      m->source, m->destination);
		if (sys_mount_setattr(c->oci_fds[i], "", AT_EMPTY_PATH | rec, &attr) < 0)
			return byoc_error_sys(err, errno, "mount_setattr(%s)", m->source);
	}
	for (size_t i = 0; i < spec->n_namespaces; i++) {
		const char *path = spec->namespaces[i].path;
		int *fd = &c->oci_fds[spec->n_mounts + i];
		if (path && (*fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return byoc_error_sys(err, errno, "open(%s) to join its %s namespace", path,
					      ns_name(spec->namespaces[i].flag));
	}
	return 0;
}

static void oci_cleanup(struct byoc_container *c)
{
	if (!c->oci_fds)
		return;
	for (size_t i = 0; i < n_fds(c->opts->oci); i++)
		if (c->oci_fds[i] >= 0)
			close(c->oci_fds[i]);
	free(c->oci_fds);
	c->oci_fds = NULL;
}

/* mkdir -p, inside the container (after pivot_root). */
static int make_dirs(const char *path, struct byoc_error *err)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return byoc_error_sys(err, errno, "mkdir(%s)", buf);
		if (!c)
			return 0;
		*p = c;
	}
}

/* The mount point for a mount on `dest`: a directory, or an empty file for
 * a bind mount of a file. Opened O_PATH without following a link as the last
 * step, and refused when it resolves into /proc or /sys, where a planted
 * link would send the mount onto the kernel's knobs. Returns the fd. */
static int mount_point(const char *dest, bool file, struct byoc_error *err)
{
	char parent[4096], fdpath[64], real[4096];
	ssize_t n;
	int fd;

	snprintf(parent, sizeof(parent), "%s", dest);
	*strrchr(parent, '/') = '\0';
	if (parent[0] && make_dirs(parent, err) < 0)
		return -1;
	if (file) {
		fd = open(dest, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EISDIR && errno != ELOOP)
			return byoc_error_sys(err, errno, "create(%s)", dest);
		if (fd >= 0)
			close(fd);
	} else if (make_dirs(dest, err) < 0) {
		return -1;
	}
	fd = open(dest, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return byoc_error_sys(err, errno, "open(%s, O_PATH|O_NOFOLLOW)", dest);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	n = readlink(fdpath, real, sizeof(real) - 1);
	real[n > 0 ? n : 0] = '\0';
	if ((strncmp(real, "/proc", 5) == 0 || strncmp(real, "/sys", 4) == 0) &&
	    strcmp(real, dest) != 0) {
		close(fd);
		return byoc_error_set(err, 1,
				      "mount on %s: it resolves to %s, in /proc or /sys: refused "
				      "(a link in the image may not move a mount there)",
				      dest, real);
	}
	return fd;
}

static int mount_one(struct byoc_container *c, size_t i, struct byoc_error *err)
{
	const struct byoc_oci_mount *m = &c->opts->oci->mounts[i];
	struct stat st;
	char fdpath[64];
	const char *type = m->type, *source = m->type;
	const char *data = m->data[0] ? m->data : NULL;
	unsigned long flags = m->flags & ~(MS_BIND | MS_REC);
	struct statfs sfs;
	_cleanup_close_ int at = -1;

	if (m->bind && fstat(c->oci_fds[i], &st) < 0)
		return byoc_error_sys(err, errno, "fstat(%s)", m->source);
	at = mount_point(m->destination, m->bind && !S_ISDIR(st.st_mode), err);
	if (at < 0)
		return -1;
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", at);
	if (m->bind)
		return BYOC_SYS(err, sys_move_mount_fd(c->oci_fds[i], at), "move_mount(%s, %s)",
				m->source, m->destination);
	if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0) {
		/* cgroup v2: the container's own tree (its cgroup namespace
		 * shows only its cgroup). v1: an empty read-only tmpfs. */
		if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
			type = source = "cgroup2";
			data = NULL;
		} else {
			type = source = "tmpfs";
			data = "mode=755,size=4k";
			flags |= MS_RDONLY;
		}
	}
	return BYOC_SYS(err, mount(source, fdpath, type, flags, data), "mount(%s, %s)", m->type,
			m->destination);
}

static int write_sysctl(const char *key, const char *value, struct byoc_error *err)
{
	char path[512];
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "/proc/sys/%s", key);
	for (char *p = path + 10; *p; p++)
		if (*p == '.')
			*p = '/';
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t)strlen(value))
		return byoc_error_sys(err, errno, "linux.sysctl: %s = %s: write(%s)", key, value,
				      path);
	return 0;
}

/* The spec's groups, while the child still has CAP_SETGID (a change of
 * group keeps the capabilities). */
static int set_groups(const struct byoc_oci_process *p, struct byoc_error *err)
{
	gid_t gids[64];

	if (p->n_additional_gids > sizeof(gids) / sizeof(gids[0]))
		return byoc_error_set(err, 1,
				      "config.json: process.user.additionalGids: more than %zu",
				      sizeof(gids) / sizeof(gids[0]));
	for (size_t i = 0; i < p->n_additional_gids; i++)
		gids[i] = p->additional_gids[i];
	if (BYOC_SYS(err, setgroups(p->n_additional_gids, gids), "setgroups") < 0 ||
	    BYOC_SYS(err, setresgid(p->gid, p->gid, p->gid), "setresgid(%u)", p->gid) < 0)
		return -1;
	return 0;
}

/* process.apparmorProfile, for the command's execve(): as runc, only where
 * the machine runs AppArmor. */
static int apparmor_exec(const char *profile, struct byoc_error *err)
{
	_cleanup_close_ int fd = -1;
	char line[512];
	int n;

	if (access("/sys/kernel/security/apparmor", F_OK) < 0)
		return 0;
	fd = open("/proc/self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/proc/self/attr/exec", O_WRONLY | O_CLOEXEC);
	n = snprintf(line, sizeof(line), "exec %s", profile);
	if (fd < 0 || write(fd, line, (size_t)n) != n)
		return byoc_error_sys(err, errno, "process.apparmorProfile %s: write(attr/exec)",
				      profile);
	return 0;
}

/* In the child, after pivot_root and before /proc's masks and the dropping
 * of capabilities. */
static int oci_mounts_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	const struct byoc_oci *spec = c->opts->oci;
	const struct byoc_oci_process *p = &spec->process;

	for (size_t i = 0; i < spec->n_namespaces; i++) {
		int fd = c->oci_fds[spec->n_mounts + i];
		unsigned long flag = spec->namespaces[i].flag;
		if (fd >= 0 && BYOC_SYS(err, setns(fd, (int)flag), "setns(%s, %s)",
					spec->namespaces[i].path, ns_name(flag)) < 0)
			return -1;
		/* After the cgroup stage put it in its cgroup: that is its
		 * cgroup namespace's root. */
		if (flag == CLONE_NEWCGROUP && !spec->namespaces[i].path &&
		    BYOC_SYS(err, unshare(CLONE_NEWCGROUP), "unshare(CLONE_NEWCGROUP)") < 0)
			return -1;
	}
	for (size_t i = 0; i < spec->n_sysctl; i++)
		if (write_sysctl(spec->sysctl_keys[i], spec->sysctl_values[i], err) < 0)
			return -1;
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (!made_by_a_step(&spec->mounts[i]) && mount_one(c, i, err) < 0)
			return -1;
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = { p->rlimits[i].soft, p->rlimits[i].hard };
		if (BYOC_SYS(err, setrlimit(p->rlimits[i].resource, &rl),
			     "process.rlimits[%zu]: setrlimit(%d, %llu, %llu)", i,
			     p->rlimits[i].resource, (unsigned long long)rl.rlim_cur,
			     (unsigned long long)rl.rlim_max) < 0)
			return -1;
	}
	if (p->has_oom_score_adj) {
		char v[16];
		_cleanup_close_ int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		int n = snprintf(v, sizeof(v), "%d", p->oom_score_adj);
		if (fd < 0 || write(fd, v, (size_t)n) != n)
			return byoc_error_sys(err, errno, "write(/proc/self/oom_score_adj, %s)", v);
	}
	if (set_groups(p, err) < 0)
		return -1;
	if (p->apparmor_profile && apparmor_exec(p->apparmor_profile, err) < 0)
		return -1;
	if (spec->root_readonly && BYOC_SYS(err,
					    mount(NULL, "/", NULL,
						  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID |
							  MS_NODEV,
						  NULL),
					    "mount(/, MS_REMOUNT|MS_RDONLY)") < 0)
		return -1;
	return 0;
}

/* oci-process, after the capabilities stage: the umask and the user. A user
 * other than root loses its capabilities, as under docker. */
static int oci_process_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	const struct byoc_oci_process *p = &c->opts->oci->process;

	if (p->has_umask)
		umask(p->umask);
	if (p->uid != 0 &&
	    BYOC_SYS(err, setresuid(p->uid, p->uid, p->uid), "setresuid(%u)", p->uid) < 0)
		return -1;
	return 0;
}

/* oci-root, before step 03's mounts: an image need not have the directories
 * step 03 mounts on (podman's pause image has none): made as runc makes
 * them, in the bundle's root, never through a link. */
static int oci_root_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	static const char *const points[] = { "proc", "dev", "sys", "tmp" };
	_cleanup_close_ int root = open(c->root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return byoc_error_sys(err, errno, "open(%s)", c->root);
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		if (mkdirat(root, points[i], 0755) < 0 && errno != EEXIST)
			return byoc_error_sys(err, errno, "mkdir(%s/%s)", c->root, points[i]);
	return 0;
}

const struct byoc_stage byoc_stage_oci_root = {
	.name = "oci-root",
	.child_setup = oci_root_child_setup,
};

const struct byoc_stage byoc_stage_oci_mounts = {
	.name = "oci-mounts",
	.prepare = oci_prepare,
	.child_setup = oci_mounts_child_setup,
	.cleanup = oci_cleanup,
};

const struct byoc_stage byoc_stage_oci_process = {
	.name = "oci-process",
	.child_setup = oci_process_child_setup,
};
