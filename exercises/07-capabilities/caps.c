/* Step 07: root inside the container keeps only a few capabilities. The
 * lesson is steps/07-capabilities/README.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "container.h"
#include "log.h"
#include "stages.h"

/* Docker's default set, as its documentation lists it; see capabilities(7)
 * for what each allows. */
static const cap_value_t docker_default[] = {
	CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,	     CAP_FOWNER,
	CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,	     CAP_SETUID,
	CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
	CAP_KILL,    CAP_AUDIT_WRITE,
};

static void cap_freep(cap_t *caps)
{
	if (*caps)
		cap_free(*caps);
}
#define _cleanup_cap_ __attribute__((cleanup(cap_freep)))

/* The capabilities the container keeps: bit N for capability N. */
static uint64_t caps_wanted(const struct byoc_options *o)
{
	uint64_t keep = 0;

	for (size_t i = 0; i < sizeof(docker_default) / sizeof(docker_default[0]); i++)
		keep |= 1ULL << docker_default[i];
	/* TODO: apply --privileged, --cap-add and --cap-drop to the
	 * default set `keep`, by docker's rules: o->privileged keeps every
	 * capability (BYOC_CAPS_ALL); o->cap_add == BYOC_CAPS_ALL keeps every one
	 * but those of o->cap_drop; o->cap_drop == BYOC_CAPS_ALL keeps only those
	 * of o->cap_add; otherwise the default set, without o->cap_drop, with
	 * o->cap_add. Bit N of each uint64_t is capability N.
	 * Checked by test_caps_cap_drop_net_raw, test_caps_cap_add_sys_admin,
	 * test_caps_all, test_caps_drop_then_add and test_caps_breakout;
	 * explained in
	 * steps/07-capabilities/README.md, "Your task". */
	return keep;
}

/* The same set for step 09's filter, which allows the calls of the
 * capabilities a container keeps (steps/stages.h). */
uint64_t byoc_caps_wanted(const struct byoc_options *o)
{
	return caps_wanted(o);
}

/* The capabilities this process holds (its permitted set): a runtime that
 * lacks one cannot give it (see capset(2)). */
static int caps_held(uint64_t *held, struct byoc_error *err)
{
	_cleanup_cap_ cap_t now = cap_get_proc();
	cap_value_t last = (cap_value_t)cap_max_bits();

	if (!now)
		return byoc_error_sys(err, errno, "cap_get_proc");
	*held = 0;
	for (cap_value_t cap = 0; cap < last; cap++) {
		cap_flag_value_t v;
		if (BYOC_SYS(err, cap_get_flag(now, cap, CAP_PERMITTED, &v), "cap_get_flag(%d)",
			     (int)cap) < 0)
			return -1;
		if (v == CAP_SET)
			*held |= 1ULL << cap;
	}
	return 0;
}

/* The last hook before execve(): every stage before it still had all the
 * capabilities it needed (mount, pivot_root, sethostname). */
static int caps_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	uint64_t keep = caps_wanted(c->opts), held = 0;
	cap_value_t last = (cap_value_t)cap_max_bits(); /* this kernel's count */
	_cleanup_cap_ cap_t caps = cap_init();		/* every set empty */

	if (!caps)
		return byoc_error_sys(err, errno, "cap_init");
	if (caps_held(&held, err) < 0)
		return -1;
	keep &= held; /* "every capability" is every one the runtime has */
	byoc_log("keeping capabilities %#llx", (unsigned long long)keep);

	/* TODO: remove from the bounding set every capability
	 * 0 <= cap < last that `keep` lacks, with int cap_drop_bound(cap_value_t)
	 * (see cap_drop_bound(3); it needs CAP_SETPCAP, so do it first). The
	 * bounding set caps what any later execve() can give back: root's
	 * permitted set after exec is its inheritable set plus its bounding set.
	 * Wrap each in BYOC_SYS(err, call, "cap_drop_bound(%d)", (int)cap).
	 * Checked by test_caps_sets_are_docker_default and test_caps_all;
	 * explained in steps/07-capabilities/README.md, "The five sets". */

	/* TODO: put every capability 0 <= cap < last that `keep` has
	 * into the permitted and effective sets of `caps` with
	 * cap_set_flag(caps, CAP_PERMITTED (then CAP_EFFECTIVE), 1, &cap,
	 * CAP_SET) (see cap_set_flag(3)), and leave its inheritable set empty,
	 * as Docker does (CVE-2022-24769); then make `caps` the process's own
	 * with int cap_set_proc(cap_t), wrapped in
	 * BYOC_SYS(err, call, "cap_set_proc").
	 * Checked by test_caps_sets_are_docker_default, test_caps_ambient_cleared,
	 * test_caps_effective_before_exec, test_caps_mount_and_mknod_refused and
	 * test_caps_breakout; explained in
	 * steps/07-capabilities/README.md, "The five sets". */

	/* Ambient capabilities survive execve() of any program, and the caller
	 * may have raised some. The kernel keeps none that is not both
	 * permitted and inheritable, so the empty inheritable set above has
	 * cleared them already (capabilities(7), "Ambient capabilities"); this
	 * says so, whatever the sets hold. */
	if (BYOC_SYS(err, cap_reset_ambient(), "cap_reset_ambient") < 0)
		return -1;

	/* TODO: set PR_SET_NO_NEW_PRIVS with
	 * prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) (see prctl(2)): no later
	 * execve() of a set-user-ID program or one with file capabilities gives
	 * any back. Wrap it in
	 * BYOC_SYS(err, call, "prctl(PR_SET_NO_NEW_PRIVS)").
	 * Checked by test_caps_no_new_privs; explained in
	 * steps/07-capabilities/README.md, "The five sets". */
	return 0;
}

const struct byoc_stage byoc_stage_caps = {
	.name = "caps",
	.child_setup = caps_child_setup,
};
