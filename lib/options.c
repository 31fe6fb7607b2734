#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "net.h"
#include "parse.h"

const struct byoc_option_spec byoc_option_table[] = {
	{ BYOC_OPT_ROOTFS, "rootfs", 0, "DIR",
	  "the container's root file system (default: the lab's busybox rootfs)", "01-chroot" },
	{ BYOC_OPT_HOSTNAME, "hostname", 0, "NAME", "the container's hostname (default: its id)",
	  "02-pid-ns" },
	{ BYOC_OPT_INIT, "init", 0, NULL,
	  "run a minimal init as PID 1 that reaps orphans; the command becomes PID 2",
	  "02-pid-ns" },
	{ BYOC_OPT_MEMORY, "memory", 0, "SIZE", "memory limit, such as 64M", "04-cgroups" },
	{ BYOC_OPT_PIDS, "pids", 0, "N", "at most N tasks in the container", "04-cgroups" },
	{ BYOC_OPT_CPUS, "cpus", 0, "FRACTION", "CPU limit in CPUs, such as 0.5", "04-cgroups" },
	{ BYOC_OPT_CPU_WEIGHT, "cpu-weight", 0, "N", "relative CPU weight", "04-cgroups" },
	{ BYOC_OPT_STATS, "stats", 0, NULL,
	  "print the cgroup's memory, OOM and CPU figures at exit", "04-cgroups" },
	{ BYOC_OPT_LAYER, "layer", 0, "DIR",
	  "a read-only layer above the rootfs; repeat it, the last given on top", "05-overlayfs" },
	{ BYOC_OPT_STATE_DIR, "state-dir", 0, "DIR",
	  "where containers keep their state and upper layers (default: /run/byoc)",
	  "05-overlayfs" },
	{ BYOC_OPT_KEEP, "keep", 0, NULL,
	  "keep the container's upper directory after exit, and say where it is", "05-overlayfs" },
	{ BYOC_OPT_CAP_ADD, "cap-add", 0, "NAME",
	  "keep capability NAME (NET_ADMIN, CAP_NET_ADMIN or ALL) beyond the default set",
	  "07-capabilities" },
	{ BYOC_OPT_CAP_DROP, "cap-drop", 0, "NAME", "drop capability NAME (or ALL)",
	  "07-capabilities" },
	{ BYOC_OPT_PRIVILEGED, "privileged", 0, NULL,
	  "keep every capability, every device and all of /proc and /sys: root inside is root "
	  "of the machine",
	  "07-capabilities" },
	{ BYOC_OPT_DEVICE, "device", 0, "HOST[:CONTAINER[:PERMS]]",
	  "give the container the machine's device node HOST (such as /dev/fuse), at CONTAINER, "
	  "with PERMS of rwm (default rwm)",
	  "08-devices-and-proc" },
	{ BYOC_OPT_SECURITY_OPT, "security-opt", 0, "seccomp=unconfined|FILE",
	  "no seccomp filter (unconfined), or the Docker-format JSON profile FILE instead of "
	  "Docker's default",
	  "09-seccomp" },
	{ BYOC_OPT_USERNS, "userns", 0, NULL,
	  "a user namespace: root inside is an unprivileged range outside (root's in "
	  "/etc/subuid, or the lab's 2100000000-2100065535); always on without sudo",
	  "10-userns" },
	{ BYOC_OPT_NAME, "name", 0, "NAME",
	  "the container's name, unique among running containers (default: its id)", "byoc" },
	{ BYOC_OPT_ENV, "env", 'e', "KEY=VALUE",
	  "set KEY in the container's clean environment (repeatable)", "byoc" },
	{ BYOC_OPT_WORKDIR, "workdir", 'w', "DIR",
	  "the absolute directory inside the container the command starts in", "byoc" },
	{ BYOC_OPT_DETACH, "detach", 'd', NULL,
	  "run in the background: print the id and return once the command runs", "byoc" },
	{ BYOC_OPT_TTY, "tty", 't', NULL,
	  "give the command a pseudo-terminal from the container's own /dev/pts", "byoc" },
	{ BYOC_OPT_INTERACTIVE, "interactive", 'i', NULL,
	  "pass stdin to the command (the foreground always does; not with -d)", "byoc" },
	{ BYOC_OPT_NET, "net", 0, "none|veth",
	  "network: none (only lo), or veth (default): a pair to the runtime's namespace",
	  "06-netns-veth" },
	{ BYOC_OPT_SUBNET, "subnet", 0, "CIDR",
	  "the addresses of --net veth, a /30 each (default " BYOC_SUBNET_DEFAULT ")",
	  "06-netns-veth" },
	{ BYOC_OPT_VERBOSE, "verbose", 'v', NULL, "log every stage and system call to stderr",
	  "01-chroot" },
	{ BYOC_OPT_HELP, "help", 'h', NULL, "show this help", "01-chroot" },
	{ 0, NULL, 0, NULL, NULL, NULL },
};

static const struct byoc_option_spec *find_long(const char *name, size_t len)
{
	for (const struct byoc_option_spec *s = byoc_option_table; s->name; s++)
		if (strlen(s->name) == len && strncmp(s->name, name, len) == 0)
			return s;
	return NULL;
}

static const struct byoc_option_spec *find_short(char c)
{
	for (const struct byoc_option_spec *s = byoc_option_table; s->name; s++)
		if (s->short_name && s->short_name == c)
			return s;
	return NULL;
}

/* Put the option's name in front of a value's error: "--memory: ...". */
static int named(const struct byoc_option_spec *s, int r, struct byoc_error *err)
{
	char msg[sizeof(err->msg)];

	if (r < 0 && snprintf(msg, sizeof(msg), "--%s: %s", s->name, err->msg) >= 0)
		memcpy(err->msg, msg, sizeof(msg)); /* a very long value is cut short */
	return r;
}

/* A capability's name, as capabilities(7) spells it, in any case, with or
 * without "CAP_", or ALL; libcap's cap_from_name(3) knows the names. Only
 * the capabilities this kernel has (cap_max_bits(3)) are accepted. */
static int add_cap(const char *option, const char *name, uint64_t *set, struct byoc_error *err)
{
	char full[64];
	cap_value_t cap = -1;
	char *canonical = NULL;
	bool known;

	if (strcasecmp(name, "ALL") == 0) {
		*set = BYOC_CAPS_ALL;
		return 0;
	}
	snprintf(full, sizeof(full), "%s%s", strncasecmp(name, "CAP_", 4) ? "cap_" : "", name);
	/* cap_from_name(3) also takes a number, and a name followed by more
	 * text: only a name that reads back the same is one. */
	known = isalpha((unsigned char)name[0]) && strlen(name) < 48 &&
		cap_from_name(full, &cap) == 0 && cap >= 0 && cap < (cap_value_t)cap_max_bits() &&
		(canonical = cap_to_name(cap)) != NULL && strcasecmp(canonical, full) == 0;
	cap_free(canonical);
	if (!known)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--%s %s: no such capability on this kernel: give a name "
				      "of capabilities(7), such as NET_RAW or CAP_NET_RAW, or ALL",
				      option, name);
	*set |= 1ULL << cap;
	return 0;
}

/* A name as docker accepts one: [a-zA-Z0-9][a-zA-Z0-9_.-]*; it becomes a
 * file's content in the state directory, never a path. */
static int check_name(const char *value, struct byoc_options *o, struct byoc_error *err)
{
	size_t len = strlen(value);

	if (len == 0 || len > 64 || !isalnum((unsigned char)value[0]) ||
	    strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
		    len)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--name '%s' is not a valid name: give 1 to 64 letters, "
				      "digits, '_', '.' or '-', starting with a letter or digit",
				      value);
	o->name = value;
	return 0;
}

/* --security-opt, as docker run spells it: seccomp=unconfined or
 * seccomp=FILE (also the older seccomp:FILE); no-new-privileges is accepted,
 * as every container has it (step 07). The profile itself is read when the
 * container starts, so a bad one is reported with its line and column. */
static int security_opt(const char *value, struct byoc_options *o, struct byoc_error *err)
{
	const char *v;

	if (strcmp(value, "no-new-privileges") == 0 || strcmp(value, "no-new-privileges=true") == 0)
		return 0;
	if (strncmp(value, "seccomp", 7) != 0 || (value[7] != '=' && value[7] != ':'))
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--security-opt '%s' is not an option byoc knows: give "
				      "seccomp=unconfined, seccomp=FILE or no-new-privileges",
				      value);
	v = value + 8;
	if (!*v)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--security-opt %s: no profile: give seccomp=unconfined or "
				      "seccomp=FILE, a Docker-format JSON profile",
				      value);
	if (strcmp(v, "unconfined") == 0) {
		o->seccomp = BYOC_SECCOMP_UNCONFINED;
		o->seccomp_profile = NULL;
	} else {
		o->seccomp = BYOC_SECCOMP_PROFILE;
		o->seccomp_profile = v;
	}
	return 0;
}

/* --device HOST[:CONTAINER[:PERMS]]: both paths absolute, the container's
 * under /dev (the stage makes the node in the container's own /dev), PERMS
 * letters of "rwm" (read, write, mknod). Whether HOST is a device node is
 * for the stage to find out, on the machine. */
static int add_device(const char *value, struct byoc_options *o, struct byoc_error *err)
{
	struct byoc_device_opt *d = &o->devices[o->n_devices];
	char copy[600], *host = copy, *container, *perms;

	if (o->n_devices == BYOC_DEVICES_MAX)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME, "--device: at most %d devices",
				      BYOC_DEVICES_MAX);
	if (strlen(value) >= sizeof(copy))
		return byoc_error_set(err, BYOC_EXIT_RUNTIME, "--device '%.40s...' is too long",
				      value);
	strcpy(copy, value);
	container = strchr(host, ':');
	if (container)
		*container++ = '\0';
	perms = container ? strchr(container, ':') : NULL;
	if (perms)
		*perms++ = '\0';
	if (!container || !*container)
		container = host;
	memset(d, 0, sizeof(*d));
	d->spec = value;
	for (const char *p = perms && *perms ? perms : "rwm"; *p; p++) {
		unsigned bit = *p == 'r'   ? BPF_DEVCG_ACC_READ
			       : *p == 'w' ? BPF_DEVCG_ACC_WRITE
			       : *p == 'm' ? BPF_DEVCG_ACC_MKNOD
					   : 0;
		if (!bit || (d->access & bit))
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "--device %s: '%s' is not a set of permissions: give "
					      "letters of rwm, each once, such as :rw",
					      value, perms);
		d->access |= bit;
	}
	if (host[0] != '/' || strlen(host) >= sizeof(d->host))
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--device %s: '%s' is not an absolute path: give the node "
				      "on the machine, such as /dev/fuse",
				      value, host);
	if (strncmp(container, "/dev/", 5) != 0 || strlen(container) >= sizeof(d->container) ||
	    strchr(container + 5, '/') || !container[5] || strcmp(container + 5, ".") == 0 ||
	    strcmp(container + 5, "..") == 0)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--device %s: the container's path '%s' must be a name in "
				      "/dev, such as /dev/fuse",
				      value, container);
	snprintf(d->host, sizeof(d->host), "%s", host);
	snprintf(d->container, sizeof(d->container), "%s", container);
	o->n_devices++;
	return 0;
}

/* KEY=VALUE, KEY a shell variable's name; see environ(7). */
static int add_env(const char *value, struct byoc_options *o, struct byoc_error *err)
{
	const char *eq = strchr(value, '=');
	size_t key = eq ? (size_t)(eq - value) : 0;

	if (!eq)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--env '%s' has no '=': give KEY=VALUE, such as -e LANG=C "
				      "(an empty value is KEY=)",
				      value);
	if (key == 0 || (!isalpha((unsigned char)value[0]) && value[0] != '_') ||
	    strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != key)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--env '%s': the name before '=' must be letters, digits "
				      "and '_', not starting with a digit",
				      value);
	if (o->n_env == BYOC_ENV_MAX)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--env: at most %d variables: put the rest in a file "
				      "inside the rootfs",
				      BYOC_ENV_MAX);
	o->env[o->n_env++] = value;
	return 0;
}

static int apply(const struct byoc_option_spec *s, const char *value, struct byoc_options *o,
		 struct byoc_error *err)
{
	switch (s->id) {
	case BYOC_OPT_ROOTFS:
		if (*value == '\0')
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "--rootfs is empty: give the path of a directory");
		o->rootfs = value;
		return 0;
	case BYOC_OPT_HOSTNAME:
		o->hostname = value;
		return 0;
	case BYOC_OPT_INIT:
		o->init = true;
		return 0;
	case BYOC_OPT_MEMORY:
		if (named(s, byoc_parse_size(value, &o->memory, err), err) < 0)
			return -EINVAL;
		/* Below this, the container's own set-up (its mounts, its page
		 * tables) is OOM-killed before the command runs; docker refuses
		 * below 6 MiB too. */
		if (o->memory < BYOC_MEMORY_FLOOR)
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "--memory %s is below the floor of %d MiB that a "
					      "container needs to start: give --memory %dM or more",
					      value, BYOC_MEMORY_FLOOR >> 20,
					      BYOC_MEMORY_FLOOR >> 20);
		return 0;
	case BYOC_OPT_PIDS:
		/* pids.max is an int in the kernel; 4194304 is PID_MAX_LIMIT. */
		return named(s, byoc_parse_count(value, 1, 4194304, &o->pids, err), err);
	case BYOC_OPT_CPUS: {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		return named(s, byoc_parse_cpus(value, n > 0 ? (uint64_t)n : 1, &o->cpus, err),
			     err);
	}
	case BYOC_OPT_CPU_WEIGHT:
		/* The range of cgroup v2's cpu.weight. */
		return named(s, byoc_parse_count(value, 1, 10000, &o->cpu_weight, err), err);
	case BYOC_OPT_STATS:
		o->stats = true;
		return 0;
	case BYOC_OPT_LAYER:
		return byoc_layer_add(o->layers, &o->n_layers, value, err);
	case BYOC_OPT_STATE_DIR:
		o->state_dir = value;
		return byoc_state_dir_check(value, err);
	case BYOC_OPT_KEEP:
		o->keep = true;
		return 0;
	case BYOC_OPT_CAP_ADD:
		return add_cap(s->name, value, &o->cap_add, err);
	case BYOC_OPT_CAP_DROP:
		return add_cap(s->name, value, &o->cap_drop, err);
	case BYOC_OPT_PRIVILEGED:
		o->privileged = true;
		return 0;
	case BYOC_OPT_DEVICE:
		return add_device(value, o, err);
	case BYOC_OPT_SECURITY_OPT:
		return security_opt(value, o, err);
	case BYOC_OPT_NET:
		if (strcmp(value, "none") && strcmp(value, "veth"))
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "--net '%s' is not a network mode: give --net none "
					      "or --net veth",
					      value);
		o->net = strcmp(value, "none") == 0 ? BYOC_NET_NONE : BYOC_NET_VETH;
		o->net_given = true;
		return 0;
	case BYOC_OPT_USERNS:
		o->userns = true;
		return 0;
	case BYOC_OPT_SUBNET:
		return named(s, byoc_net_parse_subnet(value, &o->subnet, &o->subnet_prefix, err),
			     err);
	case BYOC_OPT_NAME:
		return check_name(value, o, err);
	case BYOC_OPT_ENV:
		return add_env(value, o, err);
	case BYOC_OPT_WORKDIR:
		if (value[0] != '/')
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "--workdir '%s' is not an absolute path: give the "
					      "directory inside the container from /, such as "
					      "--workdir /tmp",
					      value);
		o->workdir = value;
		return 0;
	case BYOC_OPT_DETACH:
		o->detach = true;
		return 0;
	case BYOC_OPT_TTY:
		o->tty = true;
		return 0;
	case BYOC_OPT_INTERACTIVE:
		o->interactive = true;
		return 0;
	case BYOC_OPT_VERBOSE:
		o->verbose = true;
		return 0;
	case BYOC_OPT_HELP:
		o->help = true;
		return 0;
	}
	/* Only reachable if a program allows an option this switch lacks. */
	return byoc_error_set(err, BYOC_EXIT_RUNTIME, "internal error: --%s has no handler",
			      s->name);
}

/* Whether every letter of `letters` is a short option of this program that
 * takes no value. */
static bool is_flag_cluster(const char *letters, unsigned allowed)
{
	for (const char *f = letters; *f; f++) {
		const struct byoc_option_spec *s = find_short(*f);
		if (!s || s->arg || !(allowed & s->id))
			return false;
	}
	return true;
}

int byoc_options_parse(int argc, char **argv, unsigned allowed, const char *step,
		       const char *default_rootfs, char **default_command, struct byoc_options *o,
		       struct byoc_error *err)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->rootfs = default_rootfs;
	byoc_net_parse_subnet(BYOC_SUBNET_DEFAULT, &o->subnet, &o->subnet_prefix, err);

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = NULL, *eq = NULL;
		const struct byoc_option_spec *s;

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			break; /* the command starts here */
		if (arg[1] == '-') {
			eq = strchr(arg + 2, '=');
			s = find_long(arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
		} else if (arg[2] != '\0' && is_flag_cluster(arg + 1, allowed)) {
			/* -it: flags that take no value, given together. */
			for (const char *f = arg + 1; *f; f++) {
				int r = apply(find_short(*f), NULL, o, err);
				if (r < 0)
					return r;
			}
			continue;
		} else {
			s = arg[2] == '\0' ? find_short(arg[1]) : NULL;
		}
		if (!s)
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "unknown option '%s': see --help", arg);
		if (!(allowed & s->id) && strcmp(s->step, "byoc") == 0)
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "--%s is not part of step %s: it is an option of the "
					      "full container, 'byoc run' (sudo make run)",
					      s->name, step);
		if (!(allowed & s->id))
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "--%s is not part of step %s: it arrives in step %s",
					      s->name, step, s->step);
		if (s->arg) {
			if (eq)
				value = eq + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return byoc_error_set(err, BYOC_EXIT_RUNTIME,
						      "--%s needs a value: --%s %s", s->name,
						      s->name, s->arg);
		} else if (eq) {
			return byoc_error_set(err, BYOC_EXIT_RUNTIME, "--%s takes no value",
					      s->name);
		}
		int r = apply(s, value, o, err);
		if (r < 0) {
			return r;
		}
	}
	o->command = i < argc ? argv + i : default_command;
	if (o->detach && o->interactive)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "-i with -d: a detached container has no stdin to read, and "
				      "byoc has no attach: run it in the foreground with -i, or "
				      "detached without -i and use 'byoc exec -it NAME sh'");
	/* A normal user cannot make a veth on the machine (step 10): the
	 * container it runs has lo alone unless it asks. */
	if (geteuid() != 0 && !o->net_given)
		o->net = BYOC_NET_NONE;
	return 0;
}
