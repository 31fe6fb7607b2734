/* Step 02: PID, UTS and IPC namespaces. The lesson is steps/02-pid-ns/README.md. */
#define _GNU_SOURCE
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "log.h"

/* Runs in the runtime before clone(): check the input before anything is
 * created, so a bad hostname leaves nothing to clean up. */
static int pidns_prepare(struct byoc_container *c, struct byoc_error *err)
{
	const char *name = c->opts->hostname ? c->opts->hostname : c->id;

	/* BEGIN SOLUTION: refuse a hostname that is empty or longer than
	 * HOST_NAME_MAX (64 bytes, from <limits.h>; see sethostname(2)) with
	 * return byoc_error_set(err, BYOC_EXIT_RUNTIME, "format", ...): it fills
	 * `err` with a printf-style message, which must name --hostname and the
	 * accepted length, and returns < 0. Otherwise copy it, with its NUL, into
	 * c->hostname (char[HOST_NAME_MAX + 1]). With no --hostname
	 * (c->opts->hostname is NULL), `name` is the container's id, c->id.
	 * Checked by test_uts_bad_hostname_is_125 (0 and 65 bytes),
	 * test_uts_bad_hostname_refused_before_clone,
	 * test_uts_hostname_limits_accepted (1 and 64 bytes) and
	 * test_uts_default_hostname_is_id; explained in steps/02-pid-ns/README.md,
	 * "Your task". */
	size_t len = strlen(name);
	if (len == 0 || len > HOST_NAME_MAX)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--hostname '%s' is %zu bytes long: give 1 to %zu bytes",
				      name, len, sizeof(c->hostname) - 1);
	memcpy(c->hostname, name, len + 1);
	/* END SOLUTION */
	return 0;
}

/* Runs in the child, which is already in the new namespaces. */
static int pidns_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	/* BEGIN SOLUTION: set the container's hostname, c->hostname, with
	 * int sethostname(const char *name, size_t len) from <unistd.h>: `len`
	 * is the name's length without the NUL. Wrap it in
	 * BYOC_SYS(err, call, "sethostname(%s)", c->hostname) and return -1 when
	 * that is < 0. In the new UTS namespace this changes the container's name
	 * only; in prepare() it would rename the runtime's, the host's.
	 * Checked by test_uts_hostname_is_set and test_uts_hostname_limits_accepted;
	 * explained in steps/02-pid-ns/README.md, "Your task". */
	if (BYOC_SYS(err, sethostname(c->hostname, strlen(c->hostname)), "sethostname(%s)",
		     c->hostname) < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

const struct byoc_stage byoc_stage_pidns = {
	.name = "pidns",
	/* BEGIN SOLUTION: ask clone() for new PID, UTS and IPC namespaces:
	 * .clone_flags = the CLONE_NEW* flags of <sched.h> (see clone(2)), joined
	 * with |.
	 * Checked by test_pid_ns_command_is_pid_1, test_pid_ns_namespaces_differ
	 * and test_ipc_objects_stay_inside; explained in steps/02-pid-ns/README.md,
	 * "Your task". */
	.clone_flags = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC,
	/* END SOLUTION */
	.prepare = pidns_prepare,
	.child_setup = pidns_child_setup,
};
