/* Step 02: PID, UTS and IPC namespaces. The lesson is steps/02-pid-ns/README.md. */
#define _GNU_SOURCE
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

	/* BEGIN SOLUTION: refuse a hostname that is empty or longer than 64
	 * bytes (HOST_NAME_MAX, see sethostname(2)) with
	 * byoc_error_set(err, BYOC_EXIT_RUNTIME, "...") and a message that names
	 * --hostname and the accepted length; otherwise copy it into
	 * c->hostname. With no --hostname, `name` is the container's id.
	 * Checked by test_uts_bad_hostname_is_125 and test_uts_default_hostname_is_id;
	 * explained in steps/02-pid-ns/README.md, "Your task". */
	size_t len = strlen(name);
	if (len == 0 || len >= sizeof(c->hostname))
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
	/* BEGIN SOLUTION: set the container's hostname with sethostname(2). In
	 * the new UTS namespace this changes the container's name only.
	 * Checked by test_uts_hostname_is_set; explained in
	 * steps/02-pid-ns/README.md, "Your task". */
	if (BYOC_SYS(err, sethostname(c->hostname, strlen(c->hostname)), "sethostname(%s)",
		     c->hostname) < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

const struct byoc_stage byoc_stage_pidns = {
	.name = "pidns",
	/* BEGIN SOLUTION: ask clone() for new PID, UTS and IPC namespaces.
	 * Checked by test_pid_ns_command_is_pid_1 and test_pid_ns_namespaces_differ;
	 * explained in steps/02-pid-ns/README.md, "Your task". */
	.clone_flags = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC,
	/* END SOLUTION */
	.prepare = pidns_prepare,
	.child_setup = pidns_child_setup,
};
