/* An OCI bundle's config.json, read with jansson. Each object's keys are
 * checked against a list of the ones byoc understands, so that a field byoc
 * would otherwise pass over is refused by its JSON path; see the runtime
 * specification's config.md and config-linux.md. */
#define _GNU_SOURCE
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cleanup.h"

#define CONFIG_MAX (16 << 20) /* podman's, seccomp profile and all, is about 30 KiB */
#define PATH_LEN   192	      /* a JSON path in a message: "linux.resources.devices[3].access" */
#define LEN(a)	   (sizeof(a) / sizeof((a)[0]))

const char *const byoc_oci_hook_names[BYOC_OCI_HOOK_KINDS] = {
	[BYOC_OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
	[BYOC_OCI_HOOK_CREATE_CONTAINER] = "createContainer",
	[BYOC_OCI_HOOK_START_CONTAINER] = "startContainer",
	[BYOC_OCI_HOOK_PRESTART] = "prestart",
	[BYOC_OCI_HOOK_POSTSTART] = "poststart",
	[BYOC_OCI_HOOK_POSTSTOP] = "poststop",
};

struct name_value {
	const char *name;
	unsigned long value;
};

static const struct name_value rlimits[] = {
	{ "RLIMIT_CPU", RLIMIT_CPU },		{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_DATA", RLIMIT_DATA },		{ "RLIMIT_STACK", RLIMIT_STACK },
	{ "RLIMIT_CORE", RLIMIT_CORE },		{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

/* "time" is missing on purpose: byoc does not set up time namespaces. */
static const struct name_value namespaces[] = {
	{ "pid", CLONE_NEWPID },       { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
	{ "ipc", CLONE_NEWIPC },       { "uts", CLONE_NEWUTS },	    { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP },
};

static const struct name_value propagations[] = {
	{ "private", MS_PRIVATE },	 { "rprivate", MS_PRIVATE | MS_REC },
	{ "shared", MS_SHARED },	 { "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE },		 { "rslave", MS_SLAVE | MS_REC },
	{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

/* The flag words of mount(8), in pairs: the first sets a flag of mount(2),
 * the second clears it. */
static const struct {
	const char *set, *clear;
	unsigned long flag;
} mount_flags[] = {
	{ "ro", "rw", MS_RDONLY },
	{ "nosuid", "suid", MS_NOSUID },
	{ "nodev", "dev", MS_NODEV },
	{ "noexec", "exec", MS_NOEXEC },
	{ "sync", "async", MS_SYNCHRONOUS },
	{ "mand", "nomand", MS_MANDLOCK },
	{ "noatime", "atime", MS_NOATIME },
	{ "nodiratime", "diratime", MS_NODIRATIME },
	{ "relatime", "norelatime", MS_RELATIME },
	{ "strictatime", "nostrictatime", MS_STRICTATIME },
	{ "lazytime", "nolazytime", MS_LAZYTIME },
	{ "iversion", "noiversion", MS_I_VERSION },
	{ "nosymfollow", "symfollow", MS_NOSYMFOLLOW },
	{ "silent", "loud", MS_SILENT },
	{ "dirsync", NULL, MS_DIRSYNC },
	{ "remount", NULL, MS_REMOUNT },
	{ "defaults", NULL, 0 },
};

/* Options of runc and crun that need what byoc does not do (an ID-mapped
 * mount, a copy of the image's files into a tmpfs). */
static const char *const refused_options[] = { "tmpcopyup", "idmap", "ridmap", "copy-symlink" };

/* Where messages point: the file's name, and the bundle that relative paths
 * start from. */
struct reader {
	const char *name;
	const char *bundle;
	struct byoc_error *err;
};

/* Every message names the file and the JSON path: "config.json: process.args: ...". */
__attribute__((format(printf, 2, 3))) static int bad(struct reader *r, const char *fmt, ...)
{
	char what[480];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return byoc_error_set(r->err, 1, "%s: %s", r->name, what);
}

/* A failed call still has status 1: the bundle is the caller's input. */
static int bad_call(struct reader *r, int errnum, const char *call, const char *path,
		    const char *hint)
{
	char name[16];

	bad(r, "%s(%s): %s (%s): %s", call, path, byoc_errno_name(errnum, name, sizeof(name)),
	    strerror(errnum), hint);
	r->err->errnum = errnum;
	return -errnum;
}

static int no_memory(struct reader *r, const char *path)
{
	return byoc_error_sys(r->err, ENOMEM, "%s: %s", r->name, path);
}

/* "process.args", or "args" at the top of a process file. */
static const char *join(char *buf, const char *at, const char *key)
{
	/* A path cut short still names the field. */
	if (snprintf(buf, PATH_LEN, "%s%s%s", at, *at ? "." : "", key) >= PATH_LEN)
		buf[PATH_LEN - 2] = '~';
	return buf;
}

static const char *item(char *buf, const char *at, size_t i)
{
	if (snprintf(buf, PATH_LEN, "%s[%zu]", at, i) >= PATH_LEN)
		buf[PATH_LEN - 2] = '~';
	return buf;
}

static bool lookup(const struct name_value *table, size_t n, const char *name, unsigned long *value)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].name, name) == 0) {
			*value = table[i].value;
			return true;
		}
	}
	return false;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* JSON_TRUE stands for either boolean. */
static int expect(struct reader *r, json_t *v, json_type type, const char *path)
{
	static const char *const what[] = { [JSON_OBJECT] = "an object",
					    [JSON_ARRAY] = "an array",
					    [JSON_STRING] = "a string",
					    [JSON_TRUE] = "a boolean" };

	if (type == JSON_TRUE ? json_is_boolean(v) : json_typeof(v) == type)
		return 0;
	return bad(r, "%s: expected %s, got %s", path, what[type], type_name(v));
}

/* Every key of `obj` must be one of `known`: a key byoc does not know, or
 * knows and does not implement, is refused by name. A null stands for an
 * absent field. */
static int check_keys(struct reader *r, json_t *obj, const char *at, const char *const *known,
		      size_t n)
{
	char path[PATH_LEN];
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(obj, key, v)
	{
		for (i = 0; i < n && strcmp(known[i], key) != 0; i++)
			;
		if (i == n && !json_is_null(v))
			return bad(r, "%s: not supported by byoc: remove it", join(path, at, key));
	}
	return 0;
}

/* Member `key` of `obj`, of `type`: *out is NULL when it is absent or null,
 * which a `missing` hint makes an error. */
static int member(struct reader *r, json_t *obj, const char *at, const char *key, json_type type,
		  const char *missing, json_t **out)
{
	char path[PATH_LEN];
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	join(path, at, key);
	if (!v || json_is_null(v))
		return missing ? bad(r, "%s: missing: %s", path, missing) : 0;
	*out = v;
	return expect(r, v, type, path);
}

static int get_string(struct reader *r, json_t *obj, const char *at, const char *key,
		      const char *missing, const char **out)
{
	json_t *v;
	int rc = member(r, obj, at, key, JSON_STRING, missing, &v);

	*out = rc == 0 && v ? json_string_value(v) : NULL;
	return rc;
}

static int get_bool(struct reader *r, json_t *obj, const char *at, const char *key, bool *out)
{
	json_t *v;
	int rc = member(r, obj, at, key, JSON_TRUE, NULL, &v);

	*out = rc == 0 && json_is_true(v);
	return rc;
}

/* `v`, at `path`, if it is an integer from min to max. */
static int int_value(struct reader *r, json_t *v, const char *path, int64_t min, int64_t max,
		     int64_t *out)
{
	char got[32];

	if (json_is_integer(v) && json_integer_value(v) >= min && json_integer_value(v) <= max) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_integer(v))
		snprintf(got, sizeof(got), "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(got, sizeof(got), "%g", json_real_value(v));
	else
		snprintf(got, sizeof(got), "%s", type_name(v));
	return bad(r, "%s: expected an integer from %lld to %lld, got %s", path, (long long)min,
		   (long long)max, got);
}

/* Member `key` as an integer from min to max; *out is left alone when it is
 * absent, which a `missing` hint makes an error. */
static int get_int(struct reader *r, json_t *obj, const char *at, const char *key,
		   const char *missing, int64_t min, int64_t max, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	char path[PATH_LEN];

	join(path, at, key);
	if (!v || json_is_null(v))
		return missing ? bad(r, "%s: missing: %s", path, missing) : 0;
	return int_value(r, v, path, min, max, out);
}

static int check_absolute(struct reader *r, const char *path, const char *value)
{
	if (!value || value[0] == '/')
		return 0;
	return bad(r, "%s: \"%s\" is not absolute: give a path that starts with /", path, value);
}

/* An array of strings: *out is NULL when it is absent or null. */
static int string_array(struct reader *r, json_t *obj, const char *at, const char *key,
			const char *missing, json_t **out)
{
	char path[PATH_LEN], elem[PATH_LEN];
	json_t *list = json_object_get(obj, key), *v;
	size_t i;

	*out = NULL;
	join(path, at, key);
	if (!list || json_is_null(list))
		return missing ? bad(r, "%s: missing: %s", path, missing) : 0;
	if (!json_is_array(list))
		return bad(r, "%s: expected an array of strings, got %s", path, type_name(list));
	json_array_foreach(list, i, v)
	{
		if (!json_is_string(v))
			return bad(r, "%s: expected a string, got %s", item(elem, path, i),
				   type_name(v));
	}
	*out = list;
	return 0;
}

enum {
	STRINGS_ABSOLUTE = 1, /* each a path that starts with / */
	STRINGS_ENV = 2,      /* each KEY=VALUE */
	STRINGS_ALWAYS = 4,   /* an empty array when absent, not NULL */
};

/* An array of strings as a NULL-terminated array of pointers into the JSON. */
static int get_strings(struct reader *r, json_t *obj, const char *at, const char *key,
		       const char *missing, unsigned how, const char ***out, size_t *n)
{
	char path[PATH_LEN], elem[PATH_LEN];
	const char *s;
	json_t *list, *v;
	size_t i;
	int rc;

	*n = 0;
	if ((rc = string_array(r, obj, at, key, missing, &list)) < 0)
		return rc;
	if (!list && !(how & STRINGS_ALWAYS))
		return 0;
	join(path, at, key);
	*out = calloc(json_array_size(list) + 1, sizeof(**out));
	if (!*out)
		return no_memory(r, path);
	json_array_foreach(list, i, v)
	{
		s = (*out)[i] = json_string_value(v);
		item(elem, path, i);
		if ((how & STRINGS_ABSOLUTE) && (rc = check_absolute(r, elem, s)) < 0)
			return rc;
		if ((how & STRINGS_ENV) && !strchr(s, '='))
			return bad(r, "%s: \"%s\" has no '=': give KEY=VALUE", elem, s);
	}
	*n = json_array_size(list);
	return 0;
}

/* `path` made absolute against the bundle, into out[4096]. */
static int resolve(struct reader *r, const char *at, const char *path, char *out)
{
	int n = path[0] == '/' ? snprintf(out, 4096, "%s", path)
			       : snprintf(out, 4096, "%s%s%s", r->bundle,
					  strcmp(r->bundle, "/") ? "/" : "", path);

	if (n < 0 || n >= 4096)
		return bad(r, "%s: longer than 4095 bytes with the bundle's path: shorten it", at);
	return 0;
}

/* process.user; "username" is Windows', refused with the other unknown keys. */
static int read_user(struct reader *r, json_t *proc, const char *at, struct byoc_oci_process *p)
{
	static const char *const known[] = { "uid", "gid", "umask", "additionalGids" };
	char base[PATH_LEN], path[PATH_LEN];
	int64_t uid = 0, gid = 0, umask = -1;
	json_t *user, *gids, *v;
	size_t i;
	int rc;

	join(base, at, "user");
	if ((rc = member(r, proc, at, "user", JSON_OBJECT, NULL, &user)) < 0 || !user)
		return rc;
	if ((rc = check_keys(r, user, base, known, LEN(known))) < 0 ||
	    (rc = get_int(r, user, base, "uid", NULL, 0, UINT32_MAX, &uid)) < 0 ||
	    (rc = get_int(r, user, base, "gid", NULL, 0, UINT32_MAX, &gid)) < 0 ||
	    (rc = get_int(r, user, base, "umask", NULL, 0, 0777, &umask)) < 0 ||
	    (rc = member(r, user, base, "additionalGids", JSON_ARRAY, NULL, &gids)) < 0)
		return rc;
	p->uid = (uint32_t)uid;
	p->gid = (uint32_t)gid;
	p->has_umask = umask >= 0;
	p->umask = p->has_umask ? (uint32_t)umask : 0;
	if (!json_array_size(gids))
		return 0;
	join(path, base, "additionalGids");
	p->additional_gids = calloc(json_array_size(gids), sizeof(*p->additional_gids));
	if (!p->additional_gids)
		return no_memory(r, path);
	json_array_foreach(gids, i, v)
	{
		char elem[PATH_LEN];

		if ((rc = int_value(r, v, item(elem, path, i), 0, UINT32_MAX, &gid)) < 0)
			return rc;
		p->additional_gids[p->n_additional_gids++] = (uint32_t)gid;
	}
	return 0;
}

/* One set of process.capabilities: bit N for capability N of capabilities(7). */
static int read_cap_set(struct reader *r, json_t *caps, const char *at, const char *key,
			uint64_t *set)
{
	char base[PATH_LEN], path[PATH_LEN];
	const char *name;
	cap_value_t cap;
	json_t *list, *v;
	size_t i;
	int rc;

	if ((rc = string_array(r, caps, at, key, NULL, &list)) < 0)
		return rc;
	join(base, at, key);
	json_array_foreach(list, i, v)
	{
		name = json_string_value(v);
		/* cap_from_name(3) takes "chown" and "12" too: the spec says CAP_CHOWN. */
		if (strncmp(name, "CAP_", 4) != 0 || cap_from_name(name, &cap) < 0 || cap < 0 ||
		    cap > 63)
			return bad(r,
				   "%s: unknown capability \"%s\": give a name of capabilities(7), "
				   "such as CAP_CHOWN",
				   item(path, base, i), name);
		*set |= 1ull << cap;
	}
	return 0;
}

static int read_caps(struct reader *r, json_t *proc, const char *at, struct byoc_oci_process *p)
{
	static const char *const known[] = { "bounding", "effective", "inheritable", "permitted",
					     "ambient" };
	char base[PATH_LEN];
	json_t *caps;
	int rc;

	join(base, at, "capabilities");
	if ((rc = member(r, proc, at, "capabilities", JSON_OBJECT, NULL, &caps)) < 0 || !caps)
		return rc;
	p->has_caps = true;
	if ((rc = check_keys(r, caps, base, known, LEN(known))) < 0 ||
	    (rc = read_cap_set(r, caps, base, "bounding", &p->bounding)) < 0 ||
	    (rc = read_cap_set(r, caps, base, "effective", &p->effective)) < 0 ||
	    (rc = read_cap_set(r, caps, base, "inheritable", &p->inheritable)) < 0 ||
	    (rc = read_cap_set(r, caps, base, "permitted", &p->permitted)) < 0)
		return rc;
	return read_cap_set(r, caps, base, "ambient", &p->ambient);
}

/* process.rlimits: -1 is RLIM_INFINITY, which Go writes as 2^64-1 (see
 * mask_infinity()). Each type once, as the spec says. */
static int read_rlimits(struct reader *r, json_t *proc, const char *at, struct byoc_oci_process *p)
{
	static const char *const known[] = { "type", "hard", "soft" };
	char base[PATH_LEN], path[PATH_LEN], elem[PATH_LEN];
	unsigned long resource;
	json_t *list, *v;
	const char *type;
	size_t i;
	int rc;

	join(base, at, "rlimits");
	if ((rc = member(r, proc, at, "rlimits", JSON_ARRAY, NULL, &list)) < 0 ||
	    !json_array_size(list))
		return rc;
	p->rlimits = calloc(json_array_size(list), sizeof(*p->rlimits));
	if (!p->rlimits)
		return no_memory(r, base);
	json_array_foreach(list, i, v)
	{
		struct byoc_oci_rlimit *l = &p->rlimits[i];
		int64_t hard = 0, soft = 0;

		item(path, base, i);
		if ((rc = expect(r, v, JSON_OBJECT, path)) < 0 ||
		    (rc = check_keys(r, v, path, known, LEN(known))) < 0 ||
		    (rc = get_string(r, v, path, "type", "give one of RLIMIT_NOFILE, ...", &type)) <
			    0 ||
		    (rc = get_int(r, v, path, "hard", "give the hard limit", -1, INT64_MAX,
				  &hard)) < 0 ||
		    (rc = get_int(r, v, path, "soft", "give the soft limit", -1, INT64_MAX,
				  &soft)) < 0)
			return rc;
		join(elem, path, "type");
		if (!lookup(rlimits, LEN(rlimits), type, &resource))
			return bad(r,
				   "%s: unknown type \"%s\": give an RLIMIT_ name of getrlimit(2), "
				   "such as RLIMIT_NOFILE",
				   elem, type);
		l->resource = (int)resource;
		l->hard = hard < 0 ? RLIM_INFINITY : (uint64_t)hard;
		l->soft = soft < 0 ? RLIM_INFINITY : (uint64_t)soft;
		if (l->soft > l->hard)
			return bad(r, "%s: soft limit %lld above the hard limit %lld: lower it",
				   path, (long long)soft, (long long)hard);
		for (size_t j = 0; j < i; j++) {
			if (p->rlimits[j].resource == l->resource)
				return bad(r, "%s: %s is given twice: keep one", elem, type);
		}
		p->n_rlimits = i + 1;
	}
	return 0;
}

/* The process object, at `at` ("process", or "" in a process file). */
static int read_process(struct reader *r, json_t *obj, const char *at, struct byoc_oci_process *p)
{
	static const char *const known[] = { "terminal",
					     "consoleSize",
					     "cwd",
					     "args",
					     "env",
					     "user",
					     "rlimits",
					     "capabilities",
					     "oomScoreAdj",
					     "noNewPrivileges",
					     "apparmorProfile",
					     "selinuxLabel" };
	int64_t height = 0, width = 0, oom = INT64_MIN;
	char base[PATH_LEN], path[PATH_LEN];
	const char *label;
	json_t *size;
	size_t n;
	int rc;

	join(base, at, "consoleSize");
	if ((rc = check_keys(r, obj, at, known, LEN(known))) < 0 ||
	    (rc = get_bool(r, obj, at, "terminal", &p->terminal)) < 0 ||
	    (rc = member(r, obj, at, "consoleSize", JSON_OBJECT, NULL, &size)) < 0 ||
	    (size &&
	     (rc = check_keys(r, size, base, (const char *const[]){ "height", "width" }, 2)) < 0) ||
	    (size && (rc = get_int(r, size, base, "height", "give the rows", 0, UINT16_MAX,
				   &height)) < 0) ||
	    (size && (rc = get_int(r, size, base, "width", "give the columns", 0, UINT16_MAX,
				   &width)) < 0) ||
	    (rc = get_string(r, obj, at, "cwd", "give the working directory, such as \"/\"",
			     &p->cwd)) < 0 ||
	    (rc = check_absolute(r, join(path, at, "cwd"), p->cwd)) < 0 ||
	    (rc = get_strings(r, obj, at, "args", "give the command to run", 0, &p->args, &n)) < 0)
		return rc;
	if (n == 0)
		return bad(r, "%s: empty: give the command to run", join(path, at, "args"));
	p->console_height = (unsigned)height;
	p->console_width = (unsigned)width;
	if ((rc = get_strings(r, obj, at, "env", NULL, STRINGS_ENV | STRINGS_ALWAYS, &p->env, &n)) <
		    0 ||
	    (rc = read_user(r, obj, at, p)) < 0 || (rc = read_caps(r, obj, at, p)) < 0 ||
	    (rc = read_rlimits(r, obj, at, p)) < 0 ||
	    (rc = get_bool(r, obj, at, "noNewPrivileges", &p->no_new_privileges)) < 0 ||
	    (rc = get_int(r, obj, at, "oomScoreAdj", NULL, -1000, 1000, &oom)) < 0 ||
	    (rc = get_string(r, obj, at, "apparmorProfile", NULL, &p->apparmor_profile)) < 0 ||
	    (rc = get_string(r, obj, at, "selinuxLabel", NULL, &label)) < 0)
		return rc;
	p->has_oom_score_adj = oom != INT64_MIN;
	p->oom_score_adj = p->has_oom_score_adj ? (int)oom : 0;
	if (p->apparmor_profile && !*p->apparmor_profile)
		p->apparmor_profile = NULL;
	if (label && *label)
		return bad(r, "%s: not supported by byoc: remove it",
			   join(path, at, "selinuxLabel"));
	return 0;
}

static int read_root(struct reader *r, json_t *top, struct byoc_oci *spec)
{
	static const char *const known[] = { "path", "readonly" };
	const char *path;
	json_t *root;
	int rc;

	if ((rc = member(r, top, "", "root", JSON_OBJECT,
			 "give the root file system: {\"path\": \"rootfs\"}", &root)) < 0 ||
	    (rc = check_keys(r, root, "root", known, LEN(known))) < 0 ||
	    (rc = get_string(r, root, "root", "path",
			     "give the root file system's directory, such as \"rootfs\"", &path)) <
		    0 ||
	    (rc = get_bool(r, root, "root", "readonly", &spec->root_readonly)) < 0)
		return rc;
	if (!*path)
		return bad(r, "root.path: empty: give the root file system's directory");
	return resolve(r, "root.path", path, spec->root_path);
}

/* Applies the flag word `word` to *flags; false when it is no flag word. */
static bool apply_mount_flag(const char *word, unsigned long *flags)
{
	for (size_t i = 0; i < LEN(mount_flags); i++) {
		if (strcmp(mount_flags[i].set, word) == 0) {
			*flags |= mount_flags[i].flag;
			return true;
		}
		if (mount_flags[i].clear && strcmp(mount_flags[i].clear, word) == 0) {
			*flags &= ~mount_flags[i].flag;
			return true;
		}
	}
	return false;
}

/* One word of a mount's options: a flag, a propagation, bind or rbind, or
 * data for the file system (mode=755). A bind mount takes no data: mount(2)
 * would drop it without a word. */
static int read_mount_option(struct reader *r, const char *path, const char *word,
			     struct byoc_oci_mount *m)
{
	size_t used = strlen(m->data), n = strlen(word);
	unsigned long v = 0;

	if (apply_mount_flag(word, &m->flags))
		return 0;
	if (lookup(propagations, LEN(propagations), word, &v)) {
		m->propagation = v;
		return 0;
	}
	if (strcmp(word, "bind") == 0 || strcmp(word, "rbind") == 0) {
		m->bind = true;
		m->recursive |= word[0] == 'r';
		return 0;
	}
	for (size_t i = 0; i < LEN(refused_options); i++) {
		if (strcmp(refused_options[i], word) == 0)
			return bad(r, "%s: \"%s\" is not supported by byoc: remove it", path, word);
	}
	/* runc's "rro", "rnosuid", ...: recursive attributes, set by mount_setattr(2). */
	if (word[0] == 'r' && apply_mount_flag(word + 1, &v))
		return bad(r,
			   "%s: \"%s\" (a recursive attribute) is not supported by byoc: "
			   "remove it, or give \"%s\"",
			   path, word, word + 1);
	if (!*word)
		return bad(r, "%s: empty: remove it", path);
	if (m->bind)
		return bad(r,
			   "%s: \"%s\" is not a flag of mount(8), and a bind mount takes no "
			   "file system options: remove it",
			   path, word);
	if (used + !!used + n >= sizeof(m->data))
		return bad(r, "%s: the file system options are longer than %zu bytes: shorten them",
			   path, sizeof(m->data) - 1);
	snprintf(m->data + used, sizeof(m->data) - used, "%s%s", used ? "," : "", word);
	return 0;
}

static int read_mount(struct reader *r, json_t *v, const char *at, struct byoc_oci_mount *m)
{
	static const char *const known[] = { "destination", "type", "source", "options" };
	char path[PATH_LEN], elem[PATH_LEN];
	json_t *options, *o;
	size_t i;
	int rc;

	if ((rc = expect(r, v, JSON_OBJECT, at)) < 0 ||
	    (rc = check_keys(r, v, at, known, LEN(known))) < 0 ||
	    (rc = get_string(r, v, at, "destination", "give the path inside the container",
			     &m->destination)) < 0 ||
	    (rc = check_absolute(r, join(path, at, "destination"), m->destination)) < 0 ||
	    (rc = get_string(r, v, at, "type", NULL, &m->type)) < 0 ||
	    (rc = get_string(r, v, at, "source", NULL, &m->source)) < 0 ||
	    (rc = string_array(r, v, at, "options", NULL, &options)) < 0)
		return rc;
	m->bind = m->type && strcmp(m->type, "bind") == 0;
	/* Options are read in order, but a bind anywhere makes this a bind
	 * mount, and a bind mount takes no data. */
	json_array_foreach(options, i, o)
	{
		const char *word = json_string_value(o);
		if (strcmp(word, "bind") == 0 || strcmp(word, "rbind") == 0)
			m->bind = true;
	}
	join(path, at, "options");
	json_array_foreach(options, i, o)
	{
		if ((rc = read_mount_option(r, item(elem, path, i), json_string_value(o), m)) < 0)
			return rc;
	}
	if (!m->bind)
		return 0;
	m->type = "bind";
	join(path, at, "source");
	if (!m->source || !*m->source)
		return bad(r, "%s: missing: a bind mount needs the path to bind", path);
	if (m->source[0] != '/') {
		if ((rc = resolve(r, path, m->source, m->source_buf)) < 0)
			return rc;
		m->source = m->source_buf;
	}
	return 0;
}

static int read_mounts(struct reader *r, json_t *top, struct byoc_oci *spec)
{
	char path[PATH_LEN];
	json_t *list, *v;
	size_t i;
	int rc;

	if ((rc = member(r, top, "", "mounts", JSON_ARRAY, NULL, &list)) < 0 ||
	    !json_array_size(list))
		return rc;
	spec->mounts = calloc(json_array_size(list), sizeof(*spec->mounts));
	if (!spec->mounts)
		return no_memory(r, "mounts");
	json_array_foreach(list, i, v)
	{
		spec->n_mounts = i + 1;
		if ((rc = read_mount(r, v, item(path, "mounts", i), &spec->mounts[i])) < 0)
			return rc;
	}
	return 0;
}

static int read_hook(struct reader *r, json_t *v, const char *at, struct byoc_oci_hook *h)
{
	static const char *const known[] = { "path", "args", "env", "timeout" };
	char path[PATH_LEN];
	int64_t timeout = 0;
	size_t n;
	int rc;

	if ((rc = expect(r, v, JSON_OBJECT, at)) < 0 ||
	    (rc = check_keys(r, v, at, known, LEN(known))) < 0 ||
	    (rc = get_string(r, v, at, "path", "give the hook's program", &h->path)) < 0 ||
	    (rc = check_absolute(r, join(path, at, "path"), h->path)) < 0 ||
	    (rc = get_strings(r, v, at, "args", NULL, 0, &h->args, &n)) < 0 ||
	    (rc = get_strings(r, v, at, "env", NULL, STRINGS_ENV, &h->env, &n)) < 0 ||
	    (rc = get_int(r, v, at, "timeout", NULL, 1, INT32_MAX, &timeout)) < 0)
		return rc;
	h->timeout = (int)timeout;
	return 0;
}

static int read_hooks(struct reader *r, json_t *top, struct byoc_oci *spec)
{
	char base[PATH_LEN], path[PATH_LEN];
	json_t *hooks, *list, *v;
	size_t i;
	int rc;

	if ((rc = member(r, top, "", "hooks", JSON_OBJECT, NULL, &hooks)) < 0 || !hooks ||
	    (rc = check_keys(r, hooks, "hooks", byoc_oci_hook_names, BYOC_OCI_HOOK_KINDS)) < 0)
		return rc;
	for (int k = 0; k < BYOC_OCI_HOOK_KINDS; k++) {
		join(base, "hooks", byoc_oci_hook_names[k]);
		if ((rc = member(r, hooks, "hooks", byoc_oci_hook_names[k], JSON_ARRAY, NULL,
				 &list)) < 0)
			return rc;
		if (!json_array_size(list))
			continue;
		spec->hooks[k] = calloc(json_array_size(list), sizeof(*spec->hooks[k]));
		if (!spec->hooks[k])
			return no_memory(r, base);
		json_array_foreach(list, i, v)
		{
			spec->n_hooks[k] = i + 1;
			if ((rc = read_hook(r, v, item(path, base, i), &spec->hooks[k][i])) < 0)
				return rc;
		}
	}
	return 0;
}

/* A map of strings (annotations, linux.sysctl). */
static int check_string_map(struct reader *r, json_t *obj, const char *at)
{
	char path[PATH_LEN];
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		if (!json_is_string(v))
			return bad(r, "%s: expected a string, got %s", join(path, at, key),
				   type_name(v));
	}
	return 0;
}

/* Absent annotations become an empty object that the JSON owns. */
static int read_annotations(struct reader *r, json_t *top, struct byoc_oci *spec)
{
	int rc;

	if ((rc = member(r, top, "", "annotations", JSON_OBJECT, NULL, &spec->annotations)) < 0)
		return rc;
	if (spec->annotations)
		return check_string_map(r, spec->annotations, "annotations");
	spec->annotations = json_object();
	if (!spec->annotations ||
	    json_object_set_new(spec->json, "annotations", spec->annotations) < 0)
		return no_memory(r, "annotations");
	return 0;
}

static int read_namespaces(struct reader *r, json_t *lx, struct byoc_oci *spec)
{
	static const char *const known[] = { "type", "path" };
	char path[PATH_LEN], elem[PATH_LEN];
	const char *type, *ns_path;
	unsigned long flag, seen = 0;
	json_t *list, *v;
	size_t i;
	int rc;

	if ((rc = member(r, lx, "linux", "namespaces", JSON_ARRAY, NULL, &list)) < 0)
		return rc;
	json_array_foreach(list, i, v)
	{
		item(path, "linux.namespaces", i);
		if ((rc = expect(r, v, JSON_OBJECT, path)) < 0 ||
		    (rc = check_keys(r, v, path, known, LEN(known))) < 0 ||
		    (rc = get_string(r, v, path, "type", "give pid, network, mount, ...", &type)) <
			    0 ||
		    (rc = get_string(r, v, path, "path", NULL, &ns_path)) < 0)
			return rc;
		join(elem, path, "type");
		if (strcmp(type, "time") == 0)
			return bad(r, "%s: time: not supported by byoc: remove it", elem);
		if (!lookup(namespaces, LEN(namespaces), type, &flag))
			return bad(r,
				   "%s: unknown type \"%s\": give pid, network, mount, ipc, uts, "
				   "user or cgroup",
				   elem, type);
		if (seen & flag)
			return bad(r, "%s: %s is given twice: keep one", elem, type);
		seen |= flag;
		if (ns_path && !*ns_path)
			ns_path = NULL;
		if ((rc = check_absolute(r, join(elem, path, "path"), ns_path)) < 0)
			return rc;
		/* Seven types, each once: the array cannot overflow. */
		spec->namespaces[spec->n_namespaces++] =
			(struct byoc_oci_namespace){ .flag = flag, .path = ns_path };
	}
	return 0;
}

static int read_id_maps(struct reader *r, json_t *lx, const char *key, struct byoc_oci_id_map *maps,
			size_t *n)
{
	static const char *const known[] = { "containerID", "hostID", "size" };
	char base[PATH_LEN], path[PATH_LEN];
	int64_t c = 0, h = 0, s = 0;
	json_t *list, *v;
	size_t i;
	int rc;

	join(base, "linux", key);
	if ((rc = member(r, lx, "linux", key, JSON_ARRAY, NULL, &list)) < 0)
		return rc;
	if (json_array_size(list) > BYOC_OCI_ID_MAPS_MAX)
		return bad(r, "%s: %zu ranges, more than byoc's %d: merge adjacent ones", base,
			   json_array_size(list), BYOC_OCI_ID_MAPS_MAX);
	json_array_foreach(list, i, v)
	{
		item(path, base, i);
		if ((rc = expect(r, v, JSON_OBJECT, path)) < 0 ||
		    (rc = check_keys(r, v, path, known, LEN(known))) < 0 ||
		    (rc = get_int(r, v, path, "containerID", "give the first ID inside", 0,
				  UINT32_MAX, &c)) < 0 ||
		    (rc = get_int(r, v, path, "hostID", "give the first ID outside", 0, UINT32_MAX,
				  &h)) < 0 ||
		    (rc = get_int(r, v, path, "size", "give the number of IDs", 1, UINT32_MAX,
				  &s)) < 0)
			return rc;
		maps[(*n)++] = (struct byoc_oci_id_map){ (uint32_t)c, (uint32_t)h, (uint32_t)s };
	}
	return 0;
}

static int read_sysctl(struct reader *r, json_t *lx, struct byoc_oci *spec)
{
	const char *key;
	json_t *obj, *v;
	size_t n;
	int rc;

	if ((rc = member(r, lx, "linux", "sysctl", JSON_OBJECT, NULL, &obj)) < 0 ||
	    !json_object_size(obj) || (rc = check_string_map(r, obj, "linux.sysctl")) < 0)
		return rc;
	n = json_object_size(obj);
	spec->sysctl_keys = calloc(n, sizeof(*spec->sysctl_keys));
	spec->sysctl_values = calloc(n, sizeof(*spec->sysctl_values));
	if (!spec->sysctl_keys || !spec->sysctl_values)
		return no_memory(r, "linux.sysctl");
	json_object_foreach(obj, key, v)
	{
		spec->sysctl_keys[spec->n_sysctl] = key;
		spec->sysctl_values[spec->n_sysctl++] = json_string_value(v);
	}
	return 0;
}

/* linux.resources.devices: the rules of the cgroup's device filter. */
static int read_device_rules(struct reader *r, json_t *res, struct byoc_oci *spec)
{
	static const char *const known[] = { "allow", "type", "major", "minor", "access" };
	const char *base = "linux.resources.devices";
	char path[PATH_LEN], elem[PATH_LEN];
	const char *type, *access;
	json_t *list, *v, *allow;
	size_t i;
	int rc;

	if ((rc = member(r, res, "linux.resources", "devices", JSON_ARRAY, NULL, &list)) < 0 ||
	    !json_array_size(list))
		return rc;
	spec->device_rules = calloc(json_array_size(list), sizeof(*spec->device_rules));
	if (!spec->device_rules)
		return no_memory(r, base);
	json_array_foreach(list, i, v)
	{
		struct byoc_oci_device_rule *d = &spec->device_rules[i];

		*d = (struct byoc_oci_device_rule){ .type = 'a', .major = -1, .minor = -1 };
		item(path, base, i);
		if ((rc = expect(r, v, JSON_OBJECT, path)) < 0 ||
		    (rc = check_keys(r, v, path, known, LEN(known))) < 0 ||
		    (rc = member(r, v, path, "allow", JSON_TRUE, "give true or false", &allow)) <
			    0 ||
		    (rc = get_string(r, v, path, "type", NULL, &type)) < 0 ||
		    (rc = get_int(r, v, path, "major", NULL, -1, UINT32_MAX, &d->major)) < 0 ||
		    (rc = get_int(r, v, path, "minor", NULL, -1, UINT32_MAX, &d->minor)) < 0 ||
		    (rc = get_string(r, v, path, "access", NULL, &access)) < 0)
			return rc;
		d->allow = json_is_true(allow);
		if (type && (strlen(type) != 1 || !strchr("acb", type[0])))
			return bad(r, "%s: \"%s\": give a (all), c (character) or b (block)",
				   join(elem, path, "type"), type);
		d->type = type ? type[0] : 'a';
		if (access && (!*access || access[strspn(access, "rwm")]))
			return bad(r, "%s: \"%s\": give letters of r, w and m, such as \"rwm\"",
				   join(elem, path, "access"), access);
		if (!access)
			access = "rwm";
		d->access = (strchr(access, 'r') ? BPF_DEVCG_ACC_READ : 0) |
			    (strchr(access, 'w') ? BPF_DEVCG_ACC_WRITE : 0) |
			    (strchr(access, 'm') ? BPF_DEVCG_ACC_MKNOD : 0);
		spec->n_device_rules = i + 1;
	}
	return 0;
}

/* swappiness -1 is Docker's "not given" (2^64-1 on the wire); reservation
 * (memory.low) and swappiness only tune reclaim, and cgroup v2 has no
 * memory.swappiness: both are read and left. */
static int read_memory(struct reader *r, json_t *res, struct byoc_oci *spec)
{
	static const char *const known[] = {
		"limit",	"reservation",	    "swap", "swappiness", "disableOOMKiller",
		"useHierarchy", "checkBeforeUpdate"
	};
	const char *at = "linux.resources.memory";
	int64_t ignored;
	json_t *mem;
	bool b;
	int rc;

	if ((rc = member(r, res, "linux.resources", "memory", JSON_OBJECT, NULL, &mem)) < 0 || !mem)
		return rc;
	if ((rc = check_keys(r, mem, at, known, LEN(known))) < 0 ||
	    (rc = get_int(r, mem, at, "limit", NULL, -1, INT64_MAX, &spec->memory_limit)) < 0 ||
	    (rc = get_int(r, mem, at, "swap", NULL, -1, INT64_MAX, &spec->memory_swap)) < 0 ||
	    (rc = get_int(r, mem, at, "reservation", NULL, -1, INT64_MAX, &ignored)) < 0 ||
	    (rc = get_int(r, mem, at, "swappiness", NULL, -1, 100, &ignored)) < 0 ||
	    (rc = get_bool(r, mem, at, "useHierarchy", &b)) < 0 ||
	    (rc = get_bool(r, mem, at, "checkBeforeUpdate", &b)) < 0 ||
	    (rc = get_bool(r, mem, at, "disableOOMKiller", &b)) < 0)
		return rc;
	if (b)
		return bad(r,
			   "%s.disableOOMKiller: true is not supported by byoc (cgroup v2 cannot "
			   "turn the OOM killer off): remove it",
			   at);
	return 0;
}

/* cpus and mems (a cpuset) are accepted only empty, which restricts nothing. */
static int read_cpu(struct reader *r, json_t *res, struct byoc_oci *spec)
{
	static const char *const known[] = { "shares", "quota", "period", "cpus", "mems" };
	const char *at = "linux.resources.cpu", *set;
	char path[PATH_LEN];
	json_t *cpu;
	int rc;

	if ((rc = member(r, res, "linux.resources", "cpu", JSON_OBJECT, NULL, &cpu)) < 0 || !cpu)
		return rc;
	if ((rc = check_keys(r, cpu, at, known, LEN(known))) < 0 ||
	    (rc = get_int(r, cpu, at, "shares", NULL, 0, 262144, &spec->cpu_shares)) < 0 ||
	    (rc = get_int(r, cpu, at, "quota", NULL, -1, INT64_MAX, &spec->cpu_quota)) < 0 ||
	    (rc = get_int(r, cpu, at, "period", NULL, 0, 1000000, &spec->cpu_period)) < 0)
		return rc;
	for (int i = 0; i < 2; i++) {
		const char *key = i ? "mems" : "cpus";
		if ((rc = get_string(r, cpu, at, key, NULL, &set)) < 0)
			return rc;
		if (set && *set)
			return bad(r, "%s: not supported by byoc: remove it", join(path, at, key));
	}
	return 0;
}

static int read_resources(struct reader *r, json_t *lx, struct byoc_oci *spec)
{
	static const char *const known[] = { "devices", "memory", "pids", "cpu", "blockIO" };
	const char *at = "linux.resources";
	json_t *res, *pids, *blkio;
	int rc;

	if ((rc = member(r, lx, "linux", "resources", JSON_OBJECT, NULL, &res)) < 0 || !res)
		return rc;
	if ((rc = check_keys(r, res, at, known, LEN(known))) < 0 ||
	    (rc = read_device_rules(r, res, spec)) < 0 || (rc = read_memory(r, res, spec)) < 0 ||
	    (rc = read_cpu(r, res, spec)) < 0 ||
	    (rc = member(r, res, at, "pids", JSON_OBJECT, NULL, &pids)) < 0 ||
	    (pids && (rc = check_keys(r, pids, "linux.resources.pids",
				      (const char *const[]){ "limit" }, 1)) < 0) ||
	    (pids && (rc = get_int(r, pids, "linux.resources.pids", "limit", NULL, -1, INT64_MAX,
				   &spec->pids_limit)) < 0) ||
	    (rc = member(r, res, at, "blockIO", JSON_OBJECT, NULL, &blkio)) < 0)
		return rc;
	if (json_object_size(blkio))
		return bad(r, "linux.resources.blockIO: not supported by byoc: remove it");
	return 0;
}

/* linux.devices: nodes to make in the container's /dev; see mknod(2). */
static int read_devices(struct reader *r, json_t *lx, struct byoc_oci *spec)
{
	static const char *const known[] = { "path",	 "type", "major", "minor",
					     "fileMode", "uid",	 "gid" };
	char path[PATH_LEN], elem[PATH_LEN];
	json_t *list, *v;
	const char *type;
	size_t i;
	int rc;

	if ((rc = member(r, lx, "linux", "devices", JSON_ARRAY, NULL, &list)) < 0 ||
	    !json_array_size(list))
		return rc;
	spec->devices = calloc(json_array_size(list), sizeof(*spec->devices));
	if (!spec->devices)
		return no_memory(r, "linux.devices");
	json_array_foreach(list, i, v)
	{
		struct byoc_oci_device *d = &spec->devices[i];
		int64_t mode = 0666, uid = 0, gid = 0;
		const char *number;

		item(path, "linux.devices", i);
		if ((rc = expect(r, v, JSON_OBJECT, path)) < 0 ||
		    (rc = check_keys(r, v, path, known, LEN(known))) < 0 ||
		    (rc = get_string(r, v, path, "path", "give the node's path, such as /dev/fuse",
				     &d->path)) < 0 ||
		    (rc = check_absolute(r, join(elem, path, "path"), d->path)) < 0 ||
		    (rc = get_string(r, v, path, "type", "give c, b, u or p", &type)) < 0)
			return rc;
		if (strlen(type) != 1 || !strchr("cbup", type[0]))
			return bad(r,
				   "%s: \"%s\": give c (character), b (block), u (unbuffered) or "
				   "p (FIFO)",
				   join(elem, path, "type"), type);
		d->type = type[0];
		number = d->type == 'p' ? NULL : "a device node needs its number";
		if ((rc = get_int(r, v, path, "major", number, 0, UINT32_MAX, &d->major)) < 0 ||
		    (rc = get_int(r, v, path, "minor", number, 0, UINT32_MAX, &d->minor)) < 0 ||
		    (rc = get_int(r, v, path, "fileMode", NULL, 0, 07777, &mode)) < 0 ||
		    (rc = get_int(r, v, path, "uid", NULL, 0, UINT32_MAX, &uid)) < 0 ||
		    (rc = get_int(r, v, path, "gid", NULL, 0, UINT32_MAX, &gid)) < 0)
			return rc;
		d->mode = (uint32_t)mode;
		d->uid = (uint32_t)uid;
		d->gid = (uint32_t)gid;
		spec->n_devices = i + 1;
	}
	return 0;
}

static int read_linux(struct reader *r, json_t *top, struct byoc_oci *spec)
{
	static const char *const known[] = { "namespaces", "uidMappings",	"gidMappings",
					     "sysctl",	   "resources",		"cgroupsPath",
					     "seccomp",	   "maskedPaths",	"readonlyPaths",
					     "devices",	   "rootfsPropagation", "mountLabel" };
	const char *label;
	unsigned long v;
	json_t *lx;
	size_t n;
	int rc;

	if ((rc = member(r, top, "", "linux", JSON_OBJECT, NULL, &lx)) < 0)
		return rc;
	/* maskedPaths and readonlyPaths are empty arrays even with no "linux". */
	if ((rc = get_strings(r, lx, "linux", "maskedPaths", NULL,
			      STRINGS_ABSOLUTE | STRINGS_ALWAYS, &spec->masked_paths, &n)) < 0 ||
	    (rc = get_strings(r, lx, "linux", "readonlyPaths", NULL,
			      STRINGS_ABSOLUTE | STRINGS_ALWAYS, &spec->readonly_paths, &n)) < 0 ||
	    !lx)
		return rc;
	if ((rc = check_keys(r, lx, "linux", known, LEN(known))) < 0 ||
	    (rc = read_namespaces(r, lx, spec)) < 0 ||
	    (rc = read_id_maps(r, lx, "uidMappings", spec->uid_maps, &spec->n_uid_maps)) < 0 ||
	    (rc = read_id_maps(r, lx, "gidMappings", spec->gid_maps, &spec->n_gid_maps)) < 0 ||
	    (rc = read_sysctl(r, lx, spec)) < 0 || (rc = read_resources(r, lx, spec)) < 0 ||
	    (rc = get_string(r, lx, "linux", "cgroupsPath", NULL, &spec->cgroups_path)) < 0 ||
	    (rc = member(r, lx, "linux", "seccomp", JSON_OBJECT, NULL, &spec->seccomp)) < 0 ||
	    (rc = read_devices(r, lx, spec)) < 0 ||
	    (rc = get_string(r, lx, "linux", "rootfsPropagation", NULL,
			     &spec->rootfs_propagation)) < 0 ||
	    (rc = get_string(r, lx, "linux", "mountLabel", NULL, &label)) < 0)
		return rc;
	if (spec->rootfs_propagation && !*spec->rootfs_propagation)
		spec->rootfs_propagation = NULL;
	if (spec->rootfs_propagation &&
	    !lookup(propagations, LEN(propagations), spec->rootfs_propagation, &v))
		return bad(r,
			   "linux.rootfsPropagation: unknown \"%s\": give private, rprivate, "
			   "slave, rslave, shared, rshared, unbindable or runbindable",
			   spec->rootfs_propagation);
	if (label && *label)
		return bad(r, "linux.mountLabel: not supported by byoc: remove it");
	return 0;
}

/* Go writes RLIM_INFINITY (and Docker's "no swappiness"), a uint64, as
 * 18446744073709551615, which jansson's json_int_t cannot hold: such a
 * number becomes -1, padded with spaces so that the line and column of any
 * later error stay true. Strings are left alone. */
static void mask_infinity(char *s, size_t len)
{
	static const char inf[] = "18446744073709551615";
	const size_t n = sizeof(inf) - 1;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_string = false;
		} else if (s[i] == '"') {
			in_string = true;
		} else if (len - i >= n && memcmp(s + i, inf, n) == 0 &&
			   (i == 0 || !strchr("-+.eE0123456789", s[i - 1]) || !s[i - 1]) &&
			   (i + n == len || !strchr(".eE0123456789", s[i + n]) || !s[i + n])) {
			memcpy(s + i, "-1", 2);
			memset(s + i + 2, ' ', n - 2);
			i += n - 1;
		}
	}
}

/* The JSON text as an object; the message names the line and column. */
static int load_json(struct reader *r, const char *text, size_t len, json_t **out)
{
	_cleanup_free_ char *copy = malloc(len + 1);
	json_error_t jerr;

	*out = NULL;
	if (!copy)
		return no_memory(r, "reading");
	memcpy(copy, text, len);
	copy[len] = '\0';
	mask_infinity(copy, len);
	*out = json_loadb(copy, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*out)
		return bad(r, "line %d, column %d: %s: fix the JSON", jerr.line, jerr.column,
			   jerr.text);
	if (!json_is_object(*out))
		return bad(r, "expected an object at the top, got %s", type_name(*out));
	return 0;
}

/* The whole of the file at `path`; `hint` ends a failure to read it. */
static int read_whole(struct reader *r, const char *path, const char *hint, char **out, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	size_t used = 0, size = 0;
	ssize_t n;

	if (fd < 0)
		return bad_call(r, errno, "open", path, hint);
	for (;;) {
		if (used == size) {
			char *bigger;
			if (size >= CONFIG_MAX)
				return bad(r, "larger than 16 MiB: give the bundle's config.json");
			size = size ? 2 * size : 64 << 10;
			bigger = realloc(buf, size);
			if (!bigger)
				return no_memory(r, path);
			buf = bigger;
		}
		n = read(fd, buf + used, size - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bad_call(r, errno, "read", path, hint);
		if (n == 0)
			break;
		used += (size_t)n;
	}
	*out = byoc_steal_ptr(&buf);
	*len = used;
	return 0;
}

/* spec->bundle: `bundle` made absolute, without a trailing slash. */
static int set_bundle(struct reader *r, const char *bundle, struct byoc_oci *spec)
{
	char cwd[4096];
	int n;

	if (!bundle || !*bundle)
		bundle = ".";
	if (bundle[0] == '/') {
		n = snprintf(spec->bundle, sizeof(spec->bundle), "%s", bundle);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return bad_call(r, errno, "getcwd", "", "give --bundle an absolute path");
		n = strcmp(bundle, ".") == 0
			    ? snprintf(spec->bundle, sizeof(spec->bundle), "%s", cwd)
			    : snprintf(spec->bundle, sizeof(spec->bundle), "%s/%s", cwd, bundle);
	}
	if (n < 0 || (size_t)n >= sizeof(spec->bundle))
		return bad(r, "the bundle's path is longer than 4095 bytes: move the bundle");
	while (n > 1 && spec->bundle[n - 1] == '/')
		spec->bundle[--n] = '\0';
	r->bundle = spec->bundle;
	return 0;
}

static int parse(struct reader *r, const char *json, size_t len, const char *bundle,
		 struct byoc_oci *spec)
{
	static const char *const known[] = { "ociVersion", "process", "root",	     "hostname",
					     "mounts",	   "hooks",   "annotations", "linux" };
	json_t *process;
	int rc;

	if ((rc = set_bundle(r, bundle, spec)) < 0 ||
	    (rc = load_json(r, json, len, &spec->json)) < 0 ||
	    (rc = check_keys(r, spec->json, "", known, LEN(known))) < 0 ||
	    (rc = get_string(r, spec->json, "", "ociVersion", "give the spec's version, \"1.0.2\"",
			     &spec->oci_version)) < 0)
		return rc;
	if (strncmp(spec->oci_version, "1.", 2) != 0)
		return bad(r,
			   "ociVersion: \"%s\": byoc reads version 1 of the runtime spec: give "
			   "\"1.0.2\" or a later 1.x",
			   spec->oci_version);
	if ((rc = member(r, spec->json, "", "process", JSON_OBJECT, "give the container's process",
			 &process)) < 0 ||
	    (rc = read_process(r, process, "process", &spec->process)) < 0 ||
	    (rc = read_root(r, spec->json, spec)) < 0 ||
	    (rc = get_string(r, spec->json, "", "hostname", NULL, &spec->hostname)) < 0 ||
	    (rc = read_mounts(r, spec->json, spec)) < 0 ||
	    (rc = read_hooks(r, spec->json, spec)) < 0 ||
	    (rc = read_annotations(r, spec->json, spec)) < 0)
		return rc;
	return read_linux(r, spec->json, spec);
}

int byoc_oci_parse(const char *json, size_t len, const char *bundle, struct byoc_oci *spec,
		   struct byoc_error *err)
{
	struct reader r = { .name = "config.json", .bundle = "", .err = err };
	int rc;

	memset(spec, 0, sizeof(*spec));
	spec->memory_limit = spec->memory_swap = spec->pids_limit = -1;
	spec->cpu_shares = spec->cpu_quota = spec->cpu_period = -1;
	rc = parse(&r, json, len, bundle, spec);
	if (rc < 0)
		byoc_oci_free(spec);
	return rc;
}

int byoc_oci_load(const char *bundle, struct byoc_oci *spec, struct byoc_error *err)
{
	struct reader r = { .name = "config.json", .bundle = bundle, .err = err };
	_cleanup_free_ char *buf = NULL;
	char path[4096 + 16];
	size_t len;
	int rc;

	memset(spec, 0, sizeof(*spec));
	snprintf(path, sizeof(path), "%s/config.json", bundle && *bundle ? bundle : ".");
	if ((rc = read_whole(&r, path, "give --bundle a directory that holds config.json", &buf,
			     &len)) < 0)
		return rc;
	return byoc_oci_parse(buf, len, bundle, spec, err);
}

int byoc_oci_process_load(const char *path, struct byoc_oci_process *p, json_t **owner,
			  struct byoc_error *err)
{
	const char *slash = strrchr(path, '/');
	struct reader r = { .name = slash ? slash + 1 : path, .bundle = "", .err = err };
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int rc;

	memset(p, 0, sizeof(*p));
	*owner = NULL;
	if ((rc = read_whole(&r, path, "give --process a file that holds a process object", &buf,
			     &len)) < 0 ||
	    (rc = load_json(&r, buf, len, owner)) < 0 ||
	    (rc = read_process(&r, *owner, "", p)) < 0) {
		byoc_oci_process_free(p);
		json_decref(*owner);
		*owner = NULL;
	}
	return rc;
}

void byoc_oci_process_free(struct byoc_oci_process *p)
{
	free(p->args);
	free(p->env);
	free(p->additional_gids);
	free(p->rlimits);
	p->args = p->env = NULL;
	p->additional_gids = NULL;
	p->rlimits = NULL;
	p->n_additional_gids = p->n_rlimits = 0;
}

void byoc_oci_free(struct byoc_oci *spec)
{
	byoc_oci_process_free(&spec->process);
	free(spec->mounts);
	spec->mounts = NULL;
	spec->n_mounts = 0;
	for (int k = 0; k < BYOC_OCI_HOOK_KINDS; k++) {
		for (size_t i = 0; i < spec->n_hooks[k]; i++) {
			free(spec->hooks[k][i].args);
			free(spec->hooks[k][i].env);
		}
		free(spec->hooks[k]);
		spec->hooks[k] = NULL;
		spec->n_hooks[k] = 0;
	}
	free(spec->sysctl_keys);
	free(spec->sysctl_values);
	free(spec->device_rules);
	free(spec->masked_paths);
	free(spec->readonly_paths);
	free(spec->devices);
	spec->sysctl_keys = spec->sysctl_values = NULL;
	spec->masked_paths = spec->readonly_paths = NULL;
	spec->device_rules = NULL;
	spec->devices = NULL;
	spec->n_sysctl = spec->n_device_rules = spec->n_devices = 0;
	json_decref(spec->json);
	spec->json = NULL;
	spec->annotations = spec->seccomp = NULL;
}
