/* Docker-format seccomp profiles: the JSON is read with jansson, the entries
 * that apply to this container are chosen as moby's seccomp_linux.go chooses
 * them, and each becomes libseccomp rules as runc makes them. */
#define _GNU_SOURCE
#include "seccomp_profile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"

#define PROFILE_MAX (4 << 20) /* Docker's default is about 20 KiB */
#define LEN(a)	    (sizeof(a) / sizeof((a)[0]))

struct name_value {
	const char *name;
	uint64_t value;
};

/* SCMP_ACT_ERRNO and SCMP_ACT_TRACE with 0 here: their number is or'ed in. */
static const struct name_value actions[] = {
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0) },
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0) },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
};

static const struct name_value operators[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE },
	{ "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE },
	{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE },
	{ "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* seccomp(2)'s flags as filter attributes (seccomp_attr_set(3)). TSYNC has
 * none to set: the container's process is single-threaded when it loads. */
static const struct name_value filter_flags[] = {
	{ "SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB },
	{ "SECCOMP_FILTER_FLAG_TSYNC", _SCMP_FLTATR_MIN },
};

/* The names an entry's "arches" uses for an architecture: Go's, as Docker
 * spells them. */
static const struct name_value go_arches[] = {
	{ "amd64", SCMP_ARCH_X86_64 },
	{ "x86", SCMP_ARCH_X86 },
	{ "x32", SCMP_ARCH_X32 },
	{ "arm64", SCMP_ARCH_AARCH64 },
	{ "arm", SCMP_ARCH_ARM },
	{ "mips", SCMP_ARCH_MIPS },
	{ "mipsel", SCMP_ARCH_MIPSEL },
	{ "mips64", SCMP_ARCH_MIPS64 },
	{ "mipsel64", SCMP_ARCH_MIPSEL64 },
	{ "mips64n32", SCMP_ARCH_MIPS64N32 },
	{ "mips3l64n32", SCMP_ARCH_MIPSEL64N32 },
	{ "ppc", SCMP_ARCH_PPC },
	{ "ppc64", SCMP_ARCH_PPC64 },
	{ "ppc64le", SCMP_ARCH_PPC64LE },
	{ "s390", SCMP_ARCH_S390 },
	{ "s390x", SCMP_ARCH_S390X },
	{ "riscv64", SCMP_ARCH_RISCV64 },
};

struct profile {
	const char *name; /* the file, in messages */
	uint64_t caps;
	uint32_t default_action;
	scmp_filter_ctx ctx;
	struct byoc_error *err;
};

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static bool lookup(const struct name_value *table, size_t n, const char *name, uint64_t *value)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].name, name) == 0) {
			*value = table[i].value;
			return true;
		}
	}
	return false;
}

/* "A, B, C": the names a message offers. */
static const char *names_of(const struct name_value *table, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "", table[i].name);
	return buf;
}

/* Every message names the file and the JSON path: "seccomp profile F: syscalls[3].action: ...". */
__attribute__((format(printf, 2, 3))) static int bad(struct profile *p, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return byoc_error_set(p->err, BYOC_EXIT_RUNTIME, "seccomp profile %s: %s", p->name, what);
}

static int expect(struct profile *p, json_t *v, json_type type, const char *path)
{
	static const char *const what[] = {
		[JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array", [JSON_STRING] = "a string"
	};

	if (json_typeof(v) == type)
		return 0;
	return bad(p, "%s: expected %s", path, what[type]);
}

/* Member `key` of `obj` at path `at`: *out is NULL when it is absent or null. */
static int member(struct profile *p, json_t *obj, const char *at, const char *key, json_type type,
		  json_t **out)
{
	char path[128];

	*out = json_object_get(obj, key);
	if (!*out || json_is_null(*out)) {
		*out = NULL;
		return 0;
	}
	snprintf(path, sizeof(path), "%s%s%s", at, *at ? "." : "", key);
	return expect(p, *out, type, path);
}

/* An integer from 0 to max; *out is -1 when it is absent. */
static int member_uint(struct profile *p, json_t *obj, const char *at, const char *key, int64_t max,
		       int64_t *out)
{
	json_t *v = json_object_get(obj, key);

	*out = -1;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return bad(p, "%s%s%s: expected an integer from 0 to %lld", at, *at ? "." : "", key,
			   (long long)max);
	*out = json_integer_value(v);
	return 0;
}

/* An action and its number: SCMP_ACT_ERRNO and SCMP_ACT_TRACE return one
 * (EPERM when the profile gives none, as runc does); no other action has one.
 * The kernel caps an errno at 4095 (MAX_ERRNO). */
static int read_action(struct profile *p, json_t *obj, const char *at, const char *key,
		       const char *ret_key, const char *why, uint32_t *out)
{
	const char *dot = *at ? "." : "";
	char list[256];
	uint64_t action;
	int64_t ret;
	json_t *v;
	int rc;

	if ((rc = member(p, obj, at, key, JSON_STRING, &v)) < 0)
		return rc;
	if (!v)
		return bad(p, "%s%s%s: missing: %s", at, dot, key, why);
	if (strcmp(json_string_value(v), "SCMP_ACT_NOTIFY") == 0)
		return bad(p,
			   "%s%s%s: SCMP_ACT_NOTIFY is not supported by byoc: use SCMP_ACT_ERRNO",
			   at, dot, key);
	if (!lookup(actions, LEN(actions), json_string_value(v), &action))
		return bad(p, "%s%s%s: unknown action \"%s\": give one of %s", at, dot, key,
			   json_string_value(v),
			   names_of(actions, LEN(actions), list, sizeof(list)));
	if ((rc = member_uint(p, obj, at, ret_key, 4095, &ret)) < 0)
		return rc;
	if (action == SCMP_ACT_ERRNO(0) || action == SCMP_ACT_TRACE(0))
		action |= ret < 0 ? EPERM : (uint64_t)ret;
	else if (ret >= 0)
		return bad(
			p,
			"%s%s%s: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE return a number: remove it",
			at, dot, ret_key);
	*out = (uint32_t)action;
	return 0;
}

/* "SCMP_ARCH_X86_64" as libseccomp's token, found by its lowercase name
 * ("x86_64"); 0 when libseccomp does not know it. */
static uint32_t arch_token(const char *name)
{
	char lower[32];
	size_t i;

	if (strncmp(name, "SCMP_ARCH_", 10) != 0 || strlen(name + 10) >= sizeof(lower))
		return 0;
	for (i = 0; name[10 + i]; i++)
		lower[i] = (char)tolower((unsigned char)name[10 + i]);
	lower[i] = '\0';
	return seccomp_arch_resolve_name(lower);
}

/* The native architecture is in the filter from seccomp_init(): there
 * seccomp_arch_add(3) says EEXIST. */
static int add_arch(struct profile *p, json_t *v, const char *path)
{
	uint32_t arch;
	int rc;

	if ((rc = expect(p, v, JSON_STRING, path)) < 0)
		return rc;
	arch = arch_token(json_string_value(v));
	if (!arch)
		return bad(p,
			   "%s: unknown architecture \"%s\": give one libseccomp knows, such as "
			   "SCMP_ARCH_X86_64 or SCMP_ARCH_AARCH64",
			   path, json_string_value(v));
	rc = seccomp_arch_add(p->ctx, arch);
	if (rc < 0 && rc != -EEXIST)
		return byoc_error_sys(p->err, -rc, "seccomp profile %s: %s: seccomp_arch_add(%s)",
				      p->name, path, json_string_value(v));
	return 0;
}

/* The old "architectures" lists them all; "archMap" maps the native one to
 * the others it runs (x86_64 runs x86 and x32 programs too). */
static int add_arches(struct profile *p, json_t *root)
{
	json_t *list, *map, *entry, *v;
	char path[128];
	size_t i, j;
	int rc;

	if ((rc = member(p, root, "", "architectures", JSON_ARRAY, &list)) < 0 ||
	    (rc = member(p, root, "", "archMap", JSON_ARRAY, &map)) < 0)
		return rc;
	if (json_array_size(list) && json_array_size(map))
		return bad(p, "architectures and archMap: give one of them (archMap is the newer)");
	json_array_foreach(list, i, v)
	{
		snprintf(path, sizeof(path), "architectures[%zu]", i);
		if ((rc = add_arch(p, v, path)) < 0)
			return rc;
	}
	json_array_foreach(map, i, entry)
	{
		snprintf(path, sizeof(path), "archMap[%zu]", i);
		if ((rc = expect(p, entry, JSON_OBJECT, path)) < 0 ||
		    (rc = member(p, entry, path, "architecture", JSON_STRING, &v)) < 0)
			return rc;
		if (!v || arch_token(json_string_value(v)) != seccomp_arch_native())
			continue;
		if ((rc = add_arch(p, v, path)) < 0 ||
		    (rc = member(p, entry, path, "subArchitectures", JSON_ARRAY, &list)) < 0)
			return rc;
		json_array_foreach(list, j, v)
		{
			snprintf(path, sizeof(path), "archMap[%zu].subArchitectures[%zu]", i, j);
			if ((rc = add_arch(p, v, path)) < 0)
				return rc;
		}
		break;
	}
	return 0;
}

static int apply_flags(struct profile *p, json_t *root)
{
	json_t *list, *v;
	char path[48], names[128];
	uint64_t attr;
	size_t i;
	int rc;

	if ((rc = member(p, root, "", "flags", JSON_ARRAY, &list)) < 0)
		return rc;
	json_array_foreach(list, i, v)
	{
		snprintf(path, sizeof(path), "flags[%zu]", i);
		if ((rc = expect(p, v, JSON_STRING, path)) < 0)
			return rc;
		if (!lookup(filter_flags, LEN(filter_flags), json_string_value(v), &attr))
			return bad(p, "%s: unknown flag \"%s\": give one of %s", path,
				   json_string_value(v),
				   names_of(filter_flags, LEN(filter_flags), names, sizeof(names)));
		if (attr == _SCMP_FLTATR_MIN)
			continue;
		rc = seccomp_attr_set(p->ctx, (enum scmp_filter_attr)attr, 1);
		if (rc < 0)
			return byoc_error_sys(p->err, -rc,
					      "seccomp profile %s: %s: seccomp_attr_set(%s)",
					      p->name, path, json_string_value(v));
	}
	return 0;
}

/* "4.8" against the running kernel's release ("6.1.0-18-amd64"): only the
 * version and the major revision count, as in Docker. */
static int kernel_at_least(struct profile *p, json_t *v, const char *path, int *ok)
{
	const char *want = json_string_value(v);
	unsigned k, m, rk, rm;
	struct utsname u;
	int end = -1;

	if (!*want)
		return 0; /* Docker reads "" as no minKernel */
	if (want[strspn(want, "0123456789.")] || sscanf(want, "%3u.%3u%n", &k, &m, &end) != 2 ||
	    want[end] || k + m == 0)
		return bad(p,
			   "%s: \"%s\" is not a kernel version: give \"VERSION.MAJOR\", as \"4.8\"",
			   path, want);
	if (uname(&u) < 0)
		return byoc_error_sys(p->err, errno, "seccomp profile %s: %s: uname", p->name,
				      path);
	if (sscanf(u.release, "%u.%u", &rk, &rm) != 2)
		return bad(p, "%s: the running kernel's release \"%s\" has no version", path,
			   u.release);
	*ok = rk > k || (rk == k && rm >= m);
	return 0;
}

/* Whether `goarch`, as an entry's "arches" names it, is this machine. */
static bool is_native(const char *goarch)
{
	uint64_t arch;

	return lookup(go_arches, LEN(go_arches), goarch, &arch) && arch == seccomp_arch_native();
}

/* What an entry's includes or excludes says of this container: how many of
 * its caps the container keeps; whether the native architecture is among its
 * arches, and the kernel new enough for its minKernel (-1: not given). */
struct conditions {
	size_t caps, kept;
	int arch, kernel;
};

static int read_conditions(struct profile *p, json_t *entry, const char *at, const char *key,
			   struct conditions *c)
{
	json_t *obj, *caps, *arches, *kernel, *v;
	char base[64], path[128];
	cap_value_t cap;
	size_t i;
	int rc;

	*c = (struct conditions){ .arch = -1, .kernel = -1 };
	snprintf(base, sizeof(base), "%s.%s", at, key);
	if ((rc = member(p, entry, at, key, JSON_OBJECT, &obj)) < 0 || !obj ||
	    (rc = member(p, obj, base, "caps", JSON_ARRAY, &caps)) < 0 ||
	    (rc = member(p, obj, base, "arches", JSON_ARRAY, &arches)) < 0 ||
	    (rc = member(p, obj, base, "minKernel", JSON_STRING, &kernel)) < 0)
		return rc;
	json_array_foreach(caps, i, v)
	{
		snprintf(path, sizeof(path), "%s.caps[%zu]", base, i);
		if ((rc = expect(p, v, JSON_STRING, path)) < 0)
			return rc;
		if (strncmp(json_string_value(v), "CAP_", 4) != 0 ||
		    cap_from_name(json_string_value(v), &cap) < 0 || cap > 63)
			return bad(p,
				   "%s: unknown capability \"%s\": give a name of capabilities(7)",
				   path, json_string_value(v));
		c->caps++;
		c->kept += p->caps >> cap & 1;
	}
	json_array_foreach(arches, i, v)
	{
		snprintf(path, sizeof(path), "%s.arches[%zu]", base, i);
		if ((rc = expect(p, v, JSON_STRING, path)) < 0)
			return rc;
		c->arch = c->arch == 1 || is_native(json_string_value(v));
	}
	snprintf(path, sizeof(path), "%s.minKernel", base);
	return kernel ? kernel_at_least(p, kernel, path, &c->kernel) : 0;
}

/* Docker's test: every include holds, and no exclude does. Returns 1 when the
 * entry applies, 0 when it does not. */
static int entry_applies(struct profile *p, json_t *entry, const char *at)
{
	struct conditions in, ex;
	int rc;

	if ((rc = read_conditions(p, entry, at, "includes", &in)) < 0 ||
	    (rc = read_conditions(p, entry, at, "excludes", &ex)) < 0)
		return rc;
	return in.kept == in.caps && in.arch && in.kernel && !ex.kept && ex.arch != 1 &&
	       ex.kernel != 1;
}

static int read_arg(struct profile *p, json_t *arg, const char *path, struct scmp_arg_cmp *cmp)
{
	char names[160];
	int64_t index, value, two;
	uint64_t op;
	json_t *v;
	int rc;

	if ((rc = expect(p, arg, JSON_OBJECT, path)) < 0 ||
	    (rc = member_uint(p, arg, path, "index", 5, &index)) < 0 ||
	    (rc = member_uint(p, arg, path, "value", INT64_MAX, &value)) < 0 ||
	    (rc = member_uint(p, arg, path, "valueTwo", INT64_MAX, &two)) < 0 ||
	    (rc = member(p, arg, path, "op", JSON_STRING, &v)) < 0)
		return rc;
	if (index < 0)
		return bad(p, "%s.index: missing: give the argument's position, 0 to 5", path);
	names_of(operators, LEN(operators), names, sizeof(names));
	if (!v)
		return bad(p, "%s.op: missing: give one of %s", path, names);
	if (!lookup(operators, LEN(operators), json_string_value(v), &op))
		return bad(p, "%s.op: unknown operator \"%s\": give one of %s", path,
			   json_string_value(v), names);
	/* For SCMP_CMP_MASKED_EQ, value is the mask and valueTwo the datum;
	 * see seccomp_rule_add(3). */
	*cmp = (struct scmp_arg_cmp){ .arg = (unsigned)index,
				      .op = (enum scmp_compare)op,
				      .datum_a = value < 0 ? 0 : (scmp_datum_t)value,
				      .datum_b = two < 0 ? 0 : (scmp_datum_t)two };
	return 0;
}

/* libseccomp refuses two comparisons of one argument in a rule: when args
 * name an index twice they are alternatives, one rule each (as in runc). */
static int add_rules(struct profile *p, const char *at, const char *name, uint32_t action,
		     const struct scmp_arg_cmp *cmps, size_t n, bool alternatives)
{
	int nr = seccomp_syscall_resolve_name(name);
	int rc = 0;

	/* A call newer than this libseccomp: Docker skips it too. */
	if (nr == __NR_SCMP_ERROR)
		return 0;
	if (!alternatives)
		rc = seccomp_rule_add_array(p->ctx, action, nr, (unsigned)n, cmps);
	for (size_t i = 0; alternatives && i < n && rc == 0; i++)
		rc = seccomp_rule_add_array(p->ctx, action, nr, 1, &cmps[i]);
	if (rc < 0)
		return byoc_error_sys(p->err, -rc, "seccomp profile %s: %s: seccomp_rule_add(%s)",
				      p->name, at, name);
	return 0;
}

/* Every entry is checked whole, whether it applies here or not, so that a
 * mistake shows on any machine. */
static int add_entry(struct profile *p, json_t *entry, size_t index)
{
	_cleanup_free_ struct scmp_arg_cmp *cmps = NULL;
	json_t *args, *names, *name, *v;
	bool alternatives = false;
	unsigned seen = 0;
	uint32_t action;
	char at[32], path[128];
	size_t i, n;
	int rc, use;

	snprintf(at, sizeof(at), "syscalls[%zu]", index);
	if ((rc = expect(p, entry, JSON_OBJECT, at)) < 0 ||
	    (rc = read_action(p, entry, at, "action", "errnoRet", "every entry names its action",
			      &action)) < 0 ||
	    (rc = member(p, entry, at, "name", JSON_STRING, &name)) < 0 ||
	    (rc = member(p, entry, at, "names", JSON_ARRAY, &names)) < 0 ||
	    (rc = member(p, entry, at, "args", JSON_ARRAY, &args)) < 0)
		return rc;
	if (!name == !names)
		return bad(p, "%s: give \"names\" (a list) or the older \"name\", one of them", at);
	n = json_array_size(args);
	cmps = calloc(n + 1, sizeof(*cmps));
	if (!cmps)
		return byoc_error_sys(p->err, ENOMEM, "seccomp profile %s: %s", p->name, at);
	json_array_foreach(args, i, v)
	{
		snprintf(path, sizeof(path), "%s.args[%zu]", at, i);
		if ((rc = read_arg(p, v, path, &cmps[i])) < 0)
			return rc;
		alternatives |= seen >> cmps[i].arg & 1;
		seen |= 1u << cmps[i].arg;
	}
	if ((use = entry_applies(p, entry, at)) < 0)
		return use;
	/* libseccomp refuses a rule that does what the default does (EACCES). */
	use = use && action != p->default_action;
	if (name)
		return use ? add_rules(p, at, json_string_value(name), action, cmps, n,
				       alternatives)
			   : 0;
	json_array_foreach(names, i, v)
	{
		snprintf(path, sizeof(path), "%s.names[%zu]", at, i);
		if ((rc = expect(p, v, JSON_STRING, path)) < 0)
			return rc;
		if (use && (rc = add_rules(p, at, json_string_value(v), action, cmps, n,
					   alternatives)) < 0)
			return rc;
	}
	return 0;
}

int byoc_seccomp_profile_parse(const char *json, size_t len, const char *name, uint64_t caps,
			       scmp_filter_ctx *ctx, struct byoc_error *err)
{
	json_auto_t *root = NULL;
	__attribute__((cleanup(seccomp_releasep))) scmp_filter_ctx filter = NULL;
	struct profile p = { .name = name, .caps = caps, .err = err };
	json_t *syscalls, *v;
	json_error_t jerr;
	size_t i;
	int rc;

	*ctx = NULL;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "seccomp profile %s:%d:%d: %s: fix the JSON (or give "
				      "--security-opt seccomp=unconfined)",
				      name, jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root))
		return bad(&p, "expected an object ({\"defaultAction\": ...}) at the top");
	if ((rc = read_action(&p, root, "", "defaultAction", "defaultErrnoRet",
			      "every profile names its default action", &p.default_action)) < 0)
		return rc;
	if ((rc = member(&p, root, "", "listenerPath", JSON_STRING, &v)) < 0)
		return rc;
	if (v && *json_string_value(v))
		return bad(&p,
			   "listenerPath: a seccomp listener is not supported by byoc: remove it");
	/* seccomp_init(3): NULL for an action this libseccomp or kernel lacks. */
	filter = p.ctx = seccomp_init(p.default_action);
	if (!filter)
		return bad(
			&p,
			"defaultAction: seccomp_init refused it: this kernel may not support it");
	if ((rc = add_arches(&p, root)) < 0 || (rc = apply_flags(&p, root)) < 0 ||
	    (rc = member(&p, root, "", "syscalls", JSON_ARRAY, &syscalls)) < 0)
		return rc;
	json_array_foreach(syscalls, i, v)
	{
		if ((rc = add_entry(&p, v, i)) < 0)
			return rc;
	}
	*ctx = byoc_steal_ptr(&filter);
	return 0;
}

int byoc_seccomp_profile_load(const char *path, uint64_t caps, scmp_filter_ctx *ctx,
			      struct byoc_error *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	ssize_t n;

	*ctx = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int rc = byoc_error_sys(err, errno, "seccomp profile %s", path);
		size_t used = strlen(err->msg);
		snprintf(err->msg + used, sizeof(err->msg) - used,
			 ": give a readable Docker-format JSON profile, or seccomp=unconfined");
		return rc;
	}
	buf = malloc(PROFILE_MAX + 1);
	if (!buf)
		return byoc_error_sys(err, ENOMEM, "seccomp profile %s", path);
	/* One byte more than the limit tells a file at the limit from a larger one. */
	while (len <= PROFILE_MAX) {
		n = read(fd, buf + len, PROFILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return byoc_error_sys(err, errno, "seccomp profile %s: read", path);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > PROFILE_MAX)
		return byoc_error_set(
			err, BYOC_EXIT_RUNTIME,
			"seccomp profile %s: larger than 4 MiB: give a seccomp profile "
			"(Docker's default is about 20 KiB)",
			path);
	return byoc_seccomp_profile_parse(buf, len, path, caps, ctx, err);
}
