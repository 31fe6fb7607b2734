#include "driver.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "monitor.h"

#ifndef BYOC_DEFAULT_ROOTFS
#define BYOC_DEFAULT_ROOTFS "rootfs"
#endif

/* Every program takes -v and --help besides its step's own options. */
static unsigned allowed(const struct byoc_step *step)
{
	return step->options | BYOC_OPT_VERBOSE | BYOC_OPT_HELP;
}

static void usage(FILE *f, const char *prog, const struct byoc_step *step)
{
	fprintf(f, "Usage: %s [OPTION...] [--] [COMMAND [ARG...]]\n", prog);
	if (step->summary)
		fprintf(f, "%s\n\n", step->summary);
	else
		fprintf(f, "Run COMMAND (default: /bin/sh) in the container of step %s.\n\n",
			step->name);
	for (const struct byoc_option_spec *s = byoc_option_table; s->name; s++) {
		char left[40];
		if (!(allowed(step) & s->id))
			continue;
		if (s->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", s->short_name, s->name,
				 s->arg ? " " : "", s->arg ? s->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", s->name, s->arg ? " " : "",
				 s->arg ? s->arg : "");
		fprintf(f, "  %-24s %s\n", left, s->help);
	}
	fprintf(f, "\nExit status: the command's own; 128+N if signal N killed it; 125 if the\n"
		   "runtime failed; 126 if the command cannot be run; 127 if it was not found.\n");
}

/* The cgroup's own figures, as the cgroup stage read them before removal. */
static void print_stats(const char *prog, const struct byoc_container *c,
			const struct byoc_options *opts)
{
	const struct byoc_cgroup_stats *s = &c->stats;

	if (!(opts->stats || opts->verbose) || !c->have_stats)
		return;
	fprintf(stderr, "%s: stats (cgroup %s):", prog, byoc_cgroup_mode_name(c->cgroup.mode));
	if (s->have_peak)
		fprintf(stderr, " memory peak %.1f MiB;", (double)s->peak_bytes / (1 << 20));
	if (s->have_oom)
		fprintf(stderr, " OOM kills %llu;", (unsigned long long)s->oom_kills);
	if (s->have_cpu)
		fprintf(stderr, " CPU time %.3f s", (double)s->cpu_usec / 1e6);
	fputc('\n', stderr);
}

/* --keep: where the container's changes to the image are, a docker diff by
 * hand, and how to remove them. */
static void print_kept(const char *prog, const struct byoc_container *c)
{
	if (c->overlay.kept[0])
		fprintf(stderr,
			"%s: kept the container's upper directory (its changes to the image): %s; "
			"remove it with: rm -rf %s\n",
			prog, c->overlay.kept, c->overlay.kept);
	else if (c->opts && c->opts->keep && c->overlay.upper[0])
		fprintf(stderr,
			"%s: --keep: the upper directory %s was not kept: run with -v to "
			"see why\n",
			prog, c->overlay.upper);
}

int byoc_step_main(const struct byoc_step *step, int argc, char **argv)
{
	static char *default_command[] = { "/bin/sh", NULL };
	const char *prog = step->prog		   ? step->prog
			   : strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1
						   : argv[0];
	struct byoc_error err = { 0 };
	struct byoc_options opts;
	struct byoc_container c;
	int status = 0, r;

	/* Before anything is opened: a closed stderr must not become the sync
	 * socket, nor a log line go into it. */
	if (byoc_stdio_ensure(&err) < 0)
		return BYOC_EXIT_RUNTIME;
	if (byoc_options_parse(argc, argv, allowed(step), step->name, BYOC_DEFAULT_ROOTFS,
			       default_command, &opts, &err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.msg);
		return err.status;
	}
	if (opts.help) {
		usage(stdout, prog, step);
		return 0;
	}
	if (step->userns)
		opts.userns = true;
	/* Before step 10 every stage changes the machine as root. */
	if (geteuid() != 0 && !(step->options & BYOC_OPT_USERNS)) {
		fprintf(stderr,
			"%s: step %s needs root: run it with sudo ('sudo make step-%.2s'); a "
			"container without sudo comes in step 10 and in 'byoc run'\n",
			prog, step->name, step->name);
		return BYOC_EXIT_RUNTIME;
	}
	if (geteuid() != 0 && byoc_userns_apparmor_restricted()) {
		fprintf(stderr,
			"%s: AppArmor forbids user namespaces to normal users here "
			"(kernel.apparmor_restrict_unprivileged_userns = 1, Ubuntu 23.10 and "
			"later): run with sudo, or allow them for this session ('sudo sysctl "
			"kernel.apparmor_restrict_unprivileged_userns=0'; make doctor explains)\n",
			prog);
		return BYOC_EXIT_RUNTIME;
	}
	if (opts.verbose)
		byoc_log_enable(stderr);
	if (opts.privileged && (opts.userns || step->userns || geteuid() != 0))
		fprintf(stderr,
			"%s: warning: --privileged: the container keeps every capability of its "
			"user namespace and calls every system call; its root is still an "
			"unprivileged user of the machine\n",
			prog);
	else if (opts.privileged && (step->options & BYOC_OPT_SECURITY_OPT))
		fprintf(stderr,
			"%s: warning: --privileged: the container keeps every capability, opens "
			"every device, writes /proc/sys and /sys and calls every system call: its "
			"root is root of the machine\n",
			prog);
	else if (opts.privileged && (step->options & BYOC_OPT_DEVICE))
		fprintf(stderr,
			"%s: warning: --privileged: the container keeps every capability, opens "
			"every device and writes /proc/sys and /sys: its root is root of the "
			"machine\n",
			prog);
	else if (opts.privileged)
		fprintf(stderr,
			"%s: warning: --privileged: the container keeps every capability; its "
			"root can mknod and mount the machine's disks\n",
			prog);

	r = byoc_container_init(&c, &opts, &err);
	if (r == 0 && opts.detach) {
		/* The monitor runs the container; this process returns once
		 * the command runs, with its id, or with why it does not. */
		r = byoc_monitor_detach(&c, &err);
		if (r > 0) {
			printf("%s\n", c.id);
			return 0;
		}
	}
	if (r == 0)
		r = byoc_container_run(&c,
				       &(struct byoc_stage_list){ step->stages, step->n_stages,
								  step->needs, step->n_needs },
				       &status, &err);
	if (c.ready_fd >= 0) {
		/* The monitor, and its command never ran: byoc run -d, waiting,
		 * says why. */
		byoc_monitor_report(&c, &err);
		return err.status ? err.status : BYOC_EXIT_RUNTIME;
	}
	if (opts.detach && c.command_ran)
		return status; /* the monitor: nobody reads its status */
	if (r < 0) {
		print_stats(prog, &c, &opts);
		print_kept(prog, &c);
		if (err.stage[0] && strcmp(err.stage, "exec") != 0)
			fprintf(stderr, "%s: stage %s: %s\n", prog, err.stage, err.msg);
		else
			fprintf(stderr, "%s: %s\n", prog, err.msg);
		return err.status ? err.status : BYOC_EXIT_RUNTIME;
	}
	print_stats(prog, &c, &opts);
	print_kept(prog, &c);
	return status;
}
