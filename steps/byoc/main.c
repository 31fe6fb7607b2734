/* byoc: the lab's finished runtime, every step's stage in one container.
 *   byoc run [OPTION...] [--] [COMMAND [ARG...]]
 *   byoc ps | logs | exec | stop | kill | rm | inspect | gc | version | --help
 * Built from the stages of IMPL (`sudo make run IMPL=exercises`: all of
 * them the student's own). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"
#include "stages.h"
#include "verbs.h"

#ifndef BYOC_VERSION
#define BYOC_VERSION "unknown"
#endif

/* In the steps' order, as step 08 has them: 03's pivot_root supersedes 01's
 * chroot and pivots into 05's overlay, so the overlay comes first; 08's
 * devices and proc stages mount over 03's /proc and /sys; the caps stage
 * comes after the stages that mount, pivot and configure the network with the
 * capabilities it drops; 09's seccomp filter comes last of all; 10's user
 * namespace (with --userns, and always without sudo) comes first. */
static const struct byoc_stage *const stages[] = {
	&byoc_stage_userns,	     &byoc_stage_chroot, &byoc_stage_pidns,   &byoc_stage_overlay,
	&byoc_stage_userns_premount, &byoc_stage_mount,	 &byoc_stage_cgroups, &byoc_stage_net,
	&byoc_stage_devices,	     &byoc_stage_proc,	 &byoc_stage_caps,    &byoc_stage_seccomp,
};

/* Every namespace the steps teach, each from IMPL's own stage. */
static const struct byoc_ns_need needs[] = {
	BYOC_NEEDS_PIDNS(BYOC_IMPL),
	BYOC_NEEDS_MOUNT(BYOC_IMPL),
	BYOC_NEEDS_NET(BYOC_IMPL),
	BYOC_NEEDS_USERNS(BYOC_IMPL),
};

static const struct byoc_step run = {
	.name = "byoc",
	.prog = "byoc run",
	.summary = "Run COMMAND (default: /bin/sh) in the full container: the stages of every "
		   "step,\nbuilt from " BYOC_IMPL "/.",
	.options = BYOC_OPTS_10 | BYOC_OPT_NAME | BYOC_OPT_ENV | BYOC_OPT_WORKDIR |
		   BYOC_OPT_DETACH | BYOC_OPT_TTY | BYOC_OPT_INTERACTIVE,
	.stages = stages,
	.n_stages = sizeof(stages) / sizeof(stages[0]),
	.needs = needs,
	.n_needs = sizeof(needs) / sizeof(needs[0]),
};

static int version_main(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "byoc version: takes no arguments: run 'byoc version'\n");
		return 125;
	}
	printf("byoc %s (stages from %s/)\n", BYOC_VERSION, BYOC_IMPL);
	return 0;
}

static int run_main(int argc, char **argv)
{
	return byoc_step_main(&run, argc, argv);
}

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *usage, *help;
} verbs[] = {
	{ "run", run_main, "run [OPTION...] [--] [CMD [ARG...]]",
	  "run CMD in a new container (byoc run --help)" },
	{ "ps", byoc_ps_main, "ps [-a] [-q]", "list running containers (-a: also exited ones)" },
	{ "logs", byoc_logs_main, "logs [-f] NAME", "print a detached container's output" },
	{ "exec", byoc_exec_main, "exec [-it] [-e K=V] [-w DIR] NAME CMD...",
	  "run CMD in a running container" },
	{ "stop", byoc_stop_main, "stop [-t SECONDS] NAME...",
	  "SIGTERM, then SIGKILL after 10 s (-t)" },
	{ "kill", byoc_kill_main, "kill [-s SIGNAL] NAME...",
	  "send a signal (default SIGKILL) to PID 1" },
	{ "rm", byoc_rm_main, "rm [-f] NAME...", "remove an exited container (-f: a running one)" },
	{ "inspect", byoc_inspect_main, "inspect NAME...",
	  "a container's config and state as JSON" },
	{ "gc", byoc_gc_main, "gc", "remove what killed runtimes left behind" },
	{ "version", version_main, "version", "print the version" },
};

/* The OCI runtime command line, for podman and containerd (oci.c). */
static const char *const oci_usage[][2] = {
	{ "create [--bundle DIR] [--pid-file F] ID", "create a container from an OCI bundle" },
	{ "start ID", "start its command" },
	{ "state ID", "its state, as JSON" },
	{ "kill [--all] ID [SIGNAL]", "send a signal (default SIGTERM)" },
	{ "delete [--force] ID", "remove a created or stopped container" },
	{ "list [--format json]", "list the containers made by create" },
	{ "features", "what this runtime implements, as JSON" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: byoc COMMAND\n"
		   "The lab's container runtime, built from " BYOC_IMPL "/.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-42s %s\n", verbs[i].usage, verbs[i].help);
	fprintf(f, "  %-42s %s\n\nOCI runtime commands (global options before them: --root DIR, "
		   "--log FILE,\n--log-format json|text):\n",
		"--help", "show this help");
	for (size_t i = 0; i < sizeof(oci_usage) / sizeof(oci_usage[0]); i++)
		fprintf(f, "  %-42s %s\n", oci_usage[i][0], oci_usage[i][1]);
	fprintf(f, "\nNAME is a container's name, its id, or a prefix of one id.\n"
		   "Every command takes --state-dir DIR (default /run/byoc) after its name.\n");
}

/* kill in runc's form (ID [SIGNAL], --all) or docker's (-s SIGNAL NAME...):
 * runc's when an OCI global option came first, or --all is given, or the
 * second of two operands is a signal. */
static bool oci_kill(int argc, char **argv)
{
	int first = 1;

	if (byoc_oci_globals_given())
		return true;
	for (; first < argc && argv[first][0] == '-'; first++)
		if (!strcmp(argv[first], "--all") || !strcmp(argv[first], "-a"))
			return true;
		else if (!strcmp(argv[first], "-s") || !strcmp(argv[first], "--state-dir"))
			return false;
	return argc - first == 2 && byoc_signal_number(argv[first + 1]) > 0;
}

/* exec in runc's form: --process FILE (docker's form never has it: an
 * exec'd command's own "--process" comes after the name, and that exec
 * takes -i, -t, -e and -w only). */
static bool oci_exec(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--process") || !strcmp(argv[i], "-p") ||
		    !strncmp(argv[i], "--process=", 10))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int r;

	if (byoc_oci_globals(&argc, &argv) != 0)
		return 1;
	cmd = argc > 1 ? argv[1] : NULL;
	if (cmd && strcmp(cmd, "kill") == 0 && oci_kill(argc - 1, argv + 1))
		return byoc_oci_kill_main(argc - 1, argv + 1);
	if (cmd && strcmp(cmd, "exec") == 0 && oci_exec(argc - 1, argv + 1))
		return byoc_oci_exec_main(argc - 1, argv + 1);
	if (cmd && (r = byoc_oci_main(cmd, argc - 1, argv + 1)) >= 0)
		return r;

	if (!cmd) {
		usage(stderr);
		fprintf(stderr, "byoc: no command given: try 'byoc run -- /bin/sh'\n");
		return 125;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(cmd, verbs[i].name) == 0)
			return verbs[i].main(argc - 1, argv + 1);
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	byoc_oci_fail_unknown(cmd);
	return 125;
}
