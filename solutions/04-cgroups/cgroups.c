/* Step 04: cgroups, the kernel's limits on memory, tasks and CPU. The lesson
 * is steps/04-cgroups/README.md. lib/cgroup.c finds the mode, places and
 * creates the cgroup, and removes it; this stage sets the limits, moves the
 * container in, and gives it a cgroup namespace. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include "container.h"
#include "log.h"

/* cpu.max and cpu.cfs_period_us: the quota is spent within each period. */
#define CPU_PERIOD_US 100000

static int write_u64(struct byoc_container *c, enum byoc_controller ctl, const char *file,
		     uint64_t value, struct byoc_error *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, value);
	return byoc_cgroup_write(&c->cgroup, ctl, file, buf, err);
}

/* cgroup v2: one directory, one file per limit. See the kernel's
 * Documentation/admin-guide/cgroup-v2.rst. */
static int write_limits_v2(struct byoc_container *c, struct byoc_error *err)
{
	const struct byoc_options *o = c->opts;

	/* BEGIN SOLUTION: for each limit the user gave (a field of `o`, each a
	 * uint64_t; 0 means none), write one file with
	 * write_u64(c, ctl, "file", value, err) (above) or, for text,
	 * int byoc_cgroup_write(struct byoc_cgroup *cg, enum byoc_controller ctl,
	 * const char *file, const char *value, struct byoc_error *err) on &c->cgroup;
	 * each returns < 0 with `err` filled: then return -1. ctl is BYOC_CG_MEMORY,
	 * BYOC_CG_PIDS or BYOC_CG_CPU (lib/cgroup.h).
	 * o->memory (bytes): memory.max = the bytes; and memory.swap.max = 0 when
	 *   bool byoc_cgroup_has(const struct byoc_cgroup *cg, enum byoc_controller
	 *   ctl, const char *file) says that file exists, or the limit could be
	 *   dodged by swapping;
	 * o->pids: pids.max = the number;
	 * o->cpus (millionths of a CPU: 0.5 is 500000): cpu.max = "QUOTA PERIOD" in
	 *   microseconds, PERIOD being CPU_PERIOD_US and QUOTA that share of it;
	 * o->cpu_weight (1..10000): cpu.weight = the weight.
	 * Checked by test_cgroup_v2_files_in_a_fake_tree and
	 * test_cgroup_memory_without_swap_accounting, on any machine, and on v2
	 * machines by test_cgroup_limits_land_in_the_kernel and every
	 * enforcement test; explained in steps/04-cgroups/README.md, "Your task:
	 * the limits". */
	char max[64];
	if (o->memory && write_u64(c, BYOC_CG_MEMORY, "memory.max", o->memory, err) < 0)
		return -1;
	if (o->memory && byoc_cgroup_has(&c->cgroup, BYOC_CG_MEMORY, "memory.swap.max") &&
	    write_u64(c, BYOC_CG_MEMORY, "memory.swap.max", 0, err) < 0)
		return -1;
	if (o->pids && write_u64(c, BYOC_CG_PIDS, "pids.max", o->pids, err) < 0)
		return -1;
	snprintf(max, sizeof(max), "%" PRIu64 " %d", o->cpus * CPU_PERIOD_US / 1000000,
		 CPU_PERIOD_US);
	if (o->cpus && byoc_cgroup_write(&c->cgroup, BYOC_CG_CPU, "cpu.max", max, err) < 0)
		return -1;
	if (o->cpu_weight && write_u64(c, BYOC_CG_CPU, "cpu.weight", o->cpu_weight, err) < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

/* cgroup v1: a directory per controller, and other names for the same limits. */
static int write_limits_v1(struct byoc_container *c, struct byoc_error *err)
{
	const struct byoc_options *o = c->opts;

	/* BEGIN SOLUTION: the same limits under v1's names, with the same
	 * functions as write_limits_v2() above:
	 * --memory: memory.limit_in_bytes, then memory.memsw.limit_in_bytes (memory
	 *   plus swap) to the same value when that file exists;
	 * --pids: pids.max;
	 * --cpus: cpu.cfs_period_us = CPU_PERIOD_US, then cpu.cfs_quota_us = the share;
	 * --cpu-weight: cpu.shares, which runs from 2 to 262144 (default 1024):
	 *   2 + (weight - 1) * 262142 / 9999 maps v2's 1..10000 onto it.
	 * Checked by test_cgroup_v1_files_in_a_fake_tree and
	 * test_cgroup_memory_without_swap_accounting, on any machine, and on v1
	 * machines by test_cgroup_limits_land_in_the_kernel,
	 * test_cgroup_memory_hog_is_oom_killed, test_cgroup_fork_bomb_stops_at_pids_max
	 * and test_cgroup_cpu_quota_throttles; explained in
	 * steps/04-cgroups/README.md, "Your task: the limits". */
	if (o->memory && write_u64(c, BYOC_CG_MEMORY, "memory.limit_in_bytes", o->memory, err) < 0)
		return -1;
	if (o->memory &&
	    byoc_cgroup_has(&c->cgroup, BYOC_CG_MEMORY, "memory.memsw.limit_in_bytes") &&
	    write_u64(c, BYOC_CG_MEMORY, "memory.memsw.limit_in_bytes", o->memory, err) < 0)
		return -1;
	if (o->pids && write_u64(c, BYOC_CG_PIDS, "pids.max", o->pids, err) < 0)
		return -1;
	if (o->cpus && (write_u64(c, BYOC_CG_CPU, "cpu.cfs_period_us", CPU_PERIOD_US, err) < 0 ||
			write_u64(c, BYOC_CG_CPU, "cpu.cfs_quota_us",
				  o->cpus * CPU_PERIOD_US / 1000000, err) < 0))
		return -1;
	if (o->cpu_weight && write_u64(c, BYOC_CG_CPU, "cpu.shares",
				       2 + (o->cpu_weight - 1) * 262142 / 9999, err) < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

static int cgroups_prepare(struct byoc_container *c, struct byoc_error *err)
{
	const struct byoc_options *o = c->opts;
	/* Every controller the lab uses, where the machine has it: the figures
	 * of --stats come from them even without a limit. */
	unsigned wanted = BYOC_CG_BIT(BYOC_CG_MEMORY) | BYOC_CG_BIT(BYOC_CG_PIDS) |
			  BYOC_CG_BIT(BYOC_CG_CPU) | BYOC_CG_BIT(BYOC_CG_CPUACCT);
	unsigned required = 0;

	/* BEGIN SOLUTION: a limit the machine cannot enforce must stop the
	 * container, not be skipped in silence: set in `required` (a mask, like
	 * `wanted`) the controller of each limit given: BYOC_CG_BIT(BYOC_CG_MEMORY)
	 * when o->memory is not 0, BYOC_CG_BIT(BYOC_CG_PIDS) for o->pids,
	 * BYOC_CG_BIT(BYOC_CG_CPU) for o->cpus or o->cpu_weight. byoc_cgroup_create()
	 * below then fails with a message naming a missing one, before it creates
	 * anything.
	 * Checked by test_cgroup_missing_controller_refused_before_creating and
	 * test_cgroup_missing_controller_is_125; explained in
	 * steps/04-cgroups/README.md, "Your task: the limits". */
	if (o->memory)
		required |= BYOC_CG_BIT(BYOC_CG_MEMORY);
	if (o->pids)
		required |= BYOC_CG_BIT(BYOC_CG_PIDS);
	if (o->cpus || o->cpu_weight)
		required |= BYOC_CG_BIT(BYOC_CG_CPU);
	/* END SOLUTION */

	if (byoc_cgroup_create(&c->cgroup, c->id, wanted, required, err) < 0)
		return -1;
	if (c->cgroup.mode == BYOC_CGROUP_V2)
		return write_limits_v2(c, err);
	return write_limits_v1(c, err);
}

/* Runs in the runtime after clone(), while the child waits for "go": the
 * child is in its cgroup before it runs a single instruction of the command. */
static int cgroups_after_clone(struct byoc_container *c, struct byoc_error *err)
{
	/* BEGIN SOLUTION: move the child, c->pid (a pid_t), into the container's
	 * cgroup: for each controller i from 0 to BYOC_CG_COUNT - 1 (the controllers
	 * of enum byoc_controller, lib/cgroup.h) whose directory c->cgroup.dir[i]
	 * is not "" (it is where the machine lacks that controller), write the PID
	 * as text to its "cgroup.procs" with byoc_cgroup_write(&c->cgroup, i,
	 * "cgroup.procs", pid_text, err), returning -1 when that is < 0. In v2 all
	 * are the same directory, and moving a process where it already is does no
	 * harm. The runtime itself stays where it is.
	 * Checked by test_cgroup_container_has_its_own_cgroup,
	 * test_cgroup_join_skips_missing_controllers (on any machine) and
	 * test_cgroup_runtime_stays_in_its_own_cgroups; explained in
	 * steps/04-cgroups/README.md, "Your task: joining". */
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", (int)c->pid);
	for (int i = 0; i < BYOC_CG_COUNT; i++)
		if (c->cgroup.dir[i][0] &&
		    byoc_cgroup_write(&c->cgroup, i, "cgroup.procs", pid, err) < 0)
			return -1;
	/* END SOLUTION */
	return 0;
}

/* Runs in the child, already in its cgroup. */
static int cgroups_child_setup(struct byoc_container *c __attribute__((unused)),
			       struct byoc_error *err)
{
	/* BEGIN SOLUTION: int unshare(int flags) with CLONE_NEWCGROUP (<sched.h>),
	 * through BYOC_SYS(err, call, "unshare(CLONE_NEWCGROUP)"): a cgroup
	 * namespace whose root is the cgroup the child is in now, so
	 * /proc/self/cgroup inside shows "/".
	 * Checked by test_cgroup_namespace_shows_root; explained in
	 * steps/04-cgroups/README.md, "Your task: a cgroup namespace". */
	if (BYOC_SYS(err, unshare(CLONE_NEWCGROUP), "unshare(CLONE_NEWCGROUP)") < 0)
		return -1;
	/* END SOLUTION */
	return 0;
}

static void cgroups_cleanup(struct byoc_container *c)
{
	/* The figures go with the cgroup: read them first, when --stats or -v
	 * shows them. */
	if (c->opts->stats || c->opts->verbose) {
		byoc_cgroup_stats(&c->cgroup, &c->stats);
		c->have_stats = c->stats.have_peak || c->stats.have_oom || c->stats.have_cpu;
	}
	byoc_cgroup_destroy(&c->cgroup);
}

const struct byoc_stage byoc_stage_cgroups = {
	.name = "cgroups",
	.prepare = cgroups_prepare,
	.after_clone = cgroups_after_clone,
	.child_setup = cgroups_child_setup,
	.cleanup = cgroups_cleanup,
	/* A normal user may not make cgroups: rootless, only the namespace. */
	.root_only = true,
};
