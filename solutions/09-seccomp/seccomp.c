/* Step 09: root inside the container reaches only the system calls that
 * programs need. The lesson is steps/09-seccomp/README.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "log.h"
#include "seccomp_cache.h"
#include "seccomp_profile.h"
#include "seccomp_table.h"
#include "stages.h"

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define _cleanup_seccomp_ __attribute__((cleanup(ctx_releasep)))

/* The flags of clone(2) that make a namespace; a clone without them makes a
 * process or a thread, as fork() and pthread_create() do. */
#define CLONE_NS_FLAGS                                                                             \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |             \
	 CLONE_NEWPID | CLONE_NEWNET)

/* personality(2) values that change nothing dangerous, as Docker allows:
 * Linux, 32-bit Linux, each with a 2.6-style uname, and 0xffffffff, which
 * only asks. READ_IMPLIES_EXEC and ADDR_NO_RANDOMIZE are not among them. */
static const unsigned long harmless_personas[] = {
	PER_LINUX, PER_LINUX32, UNAME26, UNAME26 | PER_LINUX32, 0xffffffffUL,
};

static bool keeps(uint64_t caps, int cap)
{
	return cap == BYOC_SECCOMP_ANY || (caps & (1ULL << cap));
}

/* A filter that refuses what no rule allows, for every architecture whose
 * calls this machine runs. */
static int filter_new(scmp_filter_ctx *out, struct byoc_error *err)
{
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;

	/* BEGIN SOLUTION: make `ctx` with seccomp_init(3) and a default action
	 * that refuses every call no rule allows with EPERM
	 * (SCMP_ACT_ERRNO(EPERM)); NULL means it failed:
	 * byoc_error_set(err, BYOC_EXIT_RUNTIME, "seccomp_init failed"). Then,
	 * where the native architecture (seccomp_arch_native()) is
	 * SCMP_ARCH_X86_64, add SCMP_ARCH_X86 (the 32-bit int 0x80 entry) and
	 * SCMP_ARCH_X32 with seccomp_arch_add(3), each wrapped in
	 * BYOC_SCMP(err, call, "seccomp_arch_add(x86)"): libseccomp returns
	 * -errno, which BYOC_SCMP reports. Without them a 32-bit call matches no architecture of
	 * the filter and kills the process. Checked by test_seccomp_refuses_with_eperm,
	 * test_seccomp_32bit_entry_filtered_too and test_seccomp_everyday_calls_pass;
	 * explained in steps/09-seccomp/README.md, "Your task". */
	ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME, "seccomp_init failed");
	if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
		if (BYOC_SCMP(err, seccomp_arch_add(ctx, SCMP_ARCH_X86), "seccomp_arch_add(x86)") <
		    0)
			return -1;
		if (BYOC_SCMP(err, seccomp_arch_add(ctx, SCMP_ARCH_X32), "seccomp_arch_add(x32)") <
		    0)
			return -1;
	}
	/* END SOLUTION */
	*out = byoc_steal_ptr(&ctx);
	return 0;
}

/* Allow NAME, unless this libseccomp does not know it: a call newer than the
 * library does not exist for it, and stays refused. */
static int allow(scmp_filter_ctx ctx, const char *name, unsigned n, const struct scmp_arg_cmp *cmp,
		 struct byoc_error *err)
{
	int nr = seccomp_syscall_resolve_name(name), rc;

	if (nr == __NR_SCMP_ERROR)
		return 0;
	rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, cmp);
	return rc < 0 ? byoc_error_sys(err, -rc, "seccomp_rule_add(%s)", name) : 0;
}

/* Every call of the table whose capability the container keeps. */
static int allow_families(scmp_filter_ctx ctx, uint64_t caps, struct byoc_error *err)
{
	/* BEGIN SOLUTION: for each family f of byoc_seccomp_families[] (it
	 * ends with f->what == NULL) that the container keeps
	 * (keeps(caps, f->cap)), allow each name of f->names (NULL-terminated)
	 * with allow(ctx, name, 0, NULL, err), no argument rule; return -1 on
	 * its first failure.
	 * Checked by test_seccomp_everyday_calls_pass, test_seccomp_refuses_with_eperm
	 * and test_seccomp_capabilities_widen_it; explained in
	 * steps/09-seccomp/README.md, "The table". */
	for (const struct byoc_seccomp_family *f = byoc_seccomp_families; f->what; f++) {
		if (!keeps(caps, f->cap))
			continue;
		for (const char *const *name = f->names; *name; name++)
			if (allow(ctx, *name, 0, NULL, err) < 0)
				return -1;
	}
	/* END SOLUTION */
	return 0;
}

/* The four calls that are safe with some arguments and not with others. */
static int allow_by_argument(scmp_filter_ctx ctx, uint64_t caps, struct byoc_error *err)
{
	/* BEGIN SOLUTION: without CAP_SYS_ADMIN in `caps` (the table's
	 * sys_admin family allows clone and clone3 whole), allow clone only
	 * when its flags, argument 0, hold none of CLONE_NS_FLAGS:
	 * SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NS_FLAGS, 0); and make clone3
	 * fail with ENOSYS, whose flags sit in memory a filter cannot read:
	 * seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0),
	 * so that glibc falls back to clone (it does for ENOSYS alone). Allow
	 * personality for each value of harmless_personas
	 * (SCMP_A0(SCMP_CMP_EQ, value)), and socket for every family but
	 * AF_VSOCK, the channel to the hypervisor (SCMP_A0(SCMP_CMP_NE,
	 * AF_VSOCK)). Use allow() where the action is SCMP_ACT_ALLOW; wrap
	 * seccomp_rule_add in BYOC_SCMP(err, call, "seccomp_rule_add(clone3)").
	 * Checked by test_seccomp_clone_without_namespaces,
	 * test_seccomp_clone3_is_enosys, test_seccomp_personality_harmless_only
	 * and test_seccomp_socket_families; explained in
	 * steps/09-seccomp/README.md, "Rules on arguments". */
	if (!keeps(caps, CAP_SYS_ADMIN)) {
		struct scmp_arg_cmp no_ns = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NS_FLAGS, 0);
		if (allow(ctx, "clone", 1, &no_ns, err) < 0)
			return -1;
		if (BYOC_SCMP(err,
			      seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0),
			      "seccomp_rule_add(clone3)") < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof(harmless_personas) / sizeof(harmless_personas[0]); i++) {
		struct scmp_arg_cmp is = SCMP_A0(SCMP_CMP_EQ, harmless_personas[i]);
		if (allow(ctx, "personality", 1, &is, err) < 0)
			return -1;
	}
	struct scmp_arg_cmp not_vsock = SCMP_A0(SCMP_CMP_NE, AF_VSOCK);
	if (allow(ctx, "socket", 1, &not_vsock, err) < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

/* The filter as classic BPF, the form the kernel loads: libseccomp writes it
 * to a file descriptor (seccomp_export_bpf(3)), read back into memory here so
 * that the child only has to hand it to the kernel. */
static int filter_export(scmp_filter_ctx ctx, struct sock_fprog *prog, struct byoc_error *err)
{
	_cleanup_close_ int fd = memfd_create("byoc-seccomp", MFD_CLOEXEC);
	int r;

	if (fd < 0)
		return byoc_error_sys(err, errno, "memfd_create(byoc-seccomp)");
	/* A binary tree of the calls, not a row of comparisons (see
	 * seccomp_attr_set(3)): a few more instructions, each call found in
	 * about ten, and a filter the kernel loads four times faster. */
	if (BYOC_SCMP(err, seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2),
		      "seccomp_attr_set(SCMP_FLTATR_CTL_OPTIMIZE)") < 0)
		return -1;
	if (BYOC_SCMP(err, seccomp_export_bpf(ctx, fd), "seccomp_export_bpf") < 0)
		return -1;
	r = byoc_seccomp_bpf_read(fd, prog);
	if (r == -EINVAL)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "seccomp: the filter is not 1 to %d whole BPF instructions",
				      BPF_MAXINSNS);
	return r < 0 ? byoc_error_sys(err, -r, "seccomp: reading the filter back") : 0;
}

/* Docker's default, or a profile's, as BPF into c->seccomp; the skeleton
 * makes none (c->seccomp.len stays 0). */
static int filter_make(struct byoc_container *c, uint64_t caps, struct byoc_error *err)
{
	const struct byoc_options *o = c->opts;
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;

	if (o->seccomp == BYOC_SECCOMP_PROFILE) {
		if (byoc_seccomp_profile_load(o->seccomp_profile, caps, &ctx, err) < 0)
			return -1;
	} else {
		if (filter_new(&ctx, err) < 0)
			return -1;
		if (!ctx) { /* the skeleton: a container without a filter */
			byoc_log("seccomp: filter_new() made no filter");
			return 0;
		}
		if (allow_families(ctx, caps, err) < 0 || allow_by_argument(ctx, caps, err) < 0)
			return -1;
	}
	return filter_export(ctx, &c->seccomp, err);
}

/* The filter the options ask for: none under --privileged or
 * --security-opt seccomp=unconfined, else Docker's default or a profile's,
 * made once and then taken from the cache (lib/seccomp_cache.c): libseccomp
 * takes milliseconds to make it. */
static int seccomp_prepare(struct byoc_container *c, struct byoc_error *err)
{
	const struct byoc_options *o = c->opts;
	uint64_t caps = byoc_caps_wanted(o), key;
	struct byoc_error cache_err = { 0 };
	bool keyed;
	int cached;

	if (o->privileged || o->seccomp == BYOC_SECCOMP_UNCONFINED) {
		byoc_log("seccomp: no filter (%s)",
			 o->privileged ? "--privileged" : "seccomp=unconfined");
		return 0;
	}
	/* No key (the profile is missing): made, or refused, as if uncached. */
	keyed = byoc_seccomp_cache_key(o, caps, &key) == 0;
	cached = keyed ? byoc_seccomp_cache_get(c->state.root, key, &c->seccomp, err) : 0;
	if (cached < 0)
		return -1;
	if (!cached) {
		if (filter_make(c, caps, err) < 0)
			return -1;
		if (keyed && c->seccomp.len &&
		    byoc_seccomp_cache_put(c->state.root, key, &c->seccomp, &cache_err) < 0)
			byoc_log("seccomp: not cached: %s", cache_err.msg);
	}
	if (c->seccomp.len)
		byoc_log("seccomp: %s, %u BPF instructions%s",
			 o->seccomp == BYOC_SECCOMP_PROFILE ? o->seccomp_profile
							    : "Docker's default",
			 (unsigned)c->seccomp.len, cached == 1 ? ", from the cache" : "");
	return 0;
}

/* The last hook before execve(): the filter binds this process and every one
 * it starts, and it would refuse the mounts and the capability changes of the
 * stages before it. */
static int seccomp_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	if (!c->seccomp.len)
		return 0;
	/* BEGIN SOLUTION: load c->seccomp, the filter as BPF, with
	 * prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &c->seccomp) (see
	 * seccomp(2)); an unprivileged process may only with no_new_privs set,
	 * which step 07's stage did. Wrap it in
	 * BYOC_SYS(err, call, "prctl(PR_SET_SECCOMP)").
	 * Checked by test_seccomp_filter_is_loaded and
	 * test_seccomp_refuses_with_eperm; explained in
	 * steps/09-seccomp/README.md, "Your task". */
	if (BYOC_SYS(err, prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &c->seccomp),
		     "prctl(PR_SET_SECCOMP)") < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

static void seccomp_cleanup(struct byoc_container *c)
{
	free(c->seccomp.filter);
	c->seccomp.filter = NULL;
	c->seccomp.len = 0;
}

const struct byoc_stage byoc_stage_seccomp = {
	.name = "seccomp",
	.prepare = seccomp_prepare,
	.child_setup = seccomp_child_setup,
	.cleanup = seccomp_cleanup,
};
