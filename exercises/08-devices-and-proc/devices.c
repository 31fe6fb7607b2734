/* Step 08: the device allow list. Root inside keeps CAP_MKNOD (Docker's set
 * has it), so it can make a node for any device of the machine; what stops
 * it from opening one is the cgroup's device list: on v1 the devices
 * controller, on v2 a BPF program attached to the container's cgroup. The
 * lesson is steps/08-devices-and-proc/README.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf_insn.h"
#include "container.h"
#include "log.h"
#include "stages.h"

#define ANY BYOC_DEV_WILDCARD
#define RWM (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)

/* Docker's default list: mknod of any node, and open of these alone. See
 * Documentation/admin-guide/devices.txt in the kernel for the numbers. */
static const struct byoc_dev_rule docker_default[] = {
	{ BYOC_DEV_CHAR, ANY, ANY, BPF_DEVCG_ACC_MKNOD },
	{ BYOC_DEV_BLOCK, ANY, ANY, BPF_DEVCG_ACC_MKNOD },
	{ BYOC_DEV_CHAR, 1, 3, RWM },	  /* /dev/null */
	{ BYOC_DEV_CHAR, 1, 5, RWM },	  /* /dev/zero */
	{ BYOC_DEV_CHAR, 1, 7, RWM },	  /* /dev/full */
	{ BYOC_DEV_CHAR, 1, 8, RWM },	  /* /dev/random */
	{ BYOC_DEV_CHAR, 1, 9, RWM },	  /* /dev/urandom */
	{ BYOC_DEV_CHAR, 5, 0, RWM },	  /* /dev/tty */
	{ BYOC_DEV_CHAR, 5, 2, RWM },	  /* /dev/ptmx, /dev/pts/ptmx */
	{ BYOC_DEV_CHAR, 136, ANY, RWM }, /* /dev/pts/N, the pseudo-terminals */
};

/* The program's registers once the prologue has run: the kernel hands it a
 * struct bpf_cgroup_dev_ctx in r1 (<linux/bpf.h>); r0 is what it returns,
 * 1 to allow the access and 0 to refuse it. */
enum { R_TYPE = BPF_REG_2, R_ACCESS = BPF_REG_3, R_MAJOR = BPF_REG_4, R_MINOR = BPF_REG_5 };

/* The instructions of one rule: every comparison jumps past the rest of the
 * rule when the device does not match; a device that passes them all is
 * allowed. */
static void emit_rule(struct byoc_bpf_prog *p, const struct byoc_dev_rule *r)
{
	/* TODO: first count the rule's instructions, `len`: 1 to
	 * compare the type unless r->type is BYOC_DEV_ANY; 3 to check the
	 * access unless r->access has all three bits (RWM); 1 for the major
	 * unless it is ANY; 1 for the minor unless it is ANY; and 2 at the end
	 * (r0 = 1, exit). Then emit, with byoc_bpf_emit(p, insn) and the macros
	 * of lib/bpf_insn.h, where `left` is the instructions of this rule that
	 * follow the jump (a jump's offset counts from the next instruction):
	 * - BPF_JMP_IMM(BPF_JNE, R_TYPE, r->type, left): another type;
	 * - BPF_MOV32_REG(BPF_REG_1, R_ACCESS), BPF_ALU32_IMM(BPF_AND, BPF_REG_1,
	 *   ~r->access & RWM), BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, left): the
	 *   access asked for has a bit the rule does not give;
	 * - BPF_JMP_IMM(BPF_JNE, R_MAJOR, r->major, left), the same for R_MINOR;
	 * - BPF_MOV64_IMM(BPF_REG_0, 1) and BPF_EXIT_INSN(): allowed.
	 * Checked by test_devices_bpf_program_allows_the_list (on any machine),
	 * and on cgroup v2 by every test of a device; explained in
	 * steps/08-devices-and-proc/README.md, "Your task: the v2 program". */
}

int byoc_devices_program(const struct byoc_dev_rule *rules, size_t n, struct byoc_bpf_prog *p)
{
	p->n = 0;
	p->overflow = false;
	/* r2 = the type (low 16 bits of access_type), r3 = the access asked
	 * for (high 16 bits), r4 = major, r5 = minor. */
	byoc_bpf_emit(p, BPF_LDX_MEM(BPF_W, R_TYPE, BPF_REG_1,
				     offsetof(struct bpf_cgroup_dev_ctx, access_type)));
	byoc_bpf_emit(p, BPF_MOV32_REG(R_ACCESS, R_TYPE));
	byoc_bpf_emit(p, BPF_ALU32_IMM(BPF_AND, R_TYPE, 0xffff));
	byoc_bpf_emit(p, BPF_ALU32_IMM(BPF_RSH, R_ACCESS, 16));
	byoc_bpf_emit(p, BPF_LDX_MEM(BPF_W, R_MAJOR, BPF_REG_1,
				     offsetof(struct bpf_cgroup_dev_ctx, major)));
	byoc_bpf_emit(p, BPF_LDX_MEM(BPF_W, R_MINOR, BPF_REG_1,
				     offsetof(struct bpf_cgroup_dev_ctx, minor)));
	for (size_t i = 0; i < n; i++)
		emit_rule(p, &rules[i]);
	/* No rule matched: refused. */
	byoc_bpf_emit(p, BPF_MOV64_IMM(BPF_REG_0, 0));
	byoc_bpf_emit(p, BPF_EXIT_INSN());
	return p->overflow ? -1 : 0;
}

/* cgroup v1: the devices controller reads the same rules as text. */
static int write_rules_v1(const struct byoc_devices *d, struct byoc_error *err)
{
	/* TODO: a new v1 devices cgroup starts with its parent's
	 * list, for a runtime in the root cgroup "a *:* rwm" (everything).
	 * First refuse everything: write "a" to "devices.deny" of d->v1_dir with
	 * int byoc_cgroup_write_path(const char *dir, const char *file,
	 * const char *value, struct byoc_error *err); then, for each of the
	 * d->n_rules rules d->rules[i], write its line ("c 1:3 rwm", from
	 * void byoc_dev_rule_format(const struct byoc_dev_rule *r, char *buf,
	 * size_t len)) to "devices.allow". Return -1 when a write is < 0.
	 * Checked, on v1 and hybrid machines, by every test of a device;
	 * explained in steps/08-devices-and-proc/README.md, "Your task: the v1
	 * list". */
	return 0;
}

/* The container's cgroup v2 directory, which step 04 made. */
static const char *v2_dir(const struct byoc_container *c)
{
	for (int i = 0; i < BYOC_CG_COUNT; i++)
		if (c->cgroup.dir[i][0])
			return c->cgroup.dir[i];
	return NULL;
}

static int devices_prepare(struct byoc_container *c, struct byoc_error *err)
{
	struct byoc_devices *d = &c->devices;
	const struct byoc_options *o = c->opts;

	memcpy(d->rules, docker_default, sizeof(docker_default));
	d->n_rules = sizeof(docker_default) / sizeof(docker_default[0]);
	for (size_t i = 0; i < o->n_devices; i++) {
		if (byoc_dev_from_option(&o->devices[i], &d->nodes[i], &d->rules[d->n_rules], err) <
		    0)
			return -1;
		d->n_nodes++;
		d->n_rules++;
	}
	/* --privileged: every device, as docker gives it; --device still
	 * makes its nodes. */
	if (o->privileged)
		return 0;
	if (byoc_cgroup_detect(&c->cgroup, err) < 0)
		return -1;

	if (c->cgroup.mode == BYOC_CGROUP_V2) {
		struct byoc_bpf_prog prog;
		const char *dir = v2_dir(c);
		if (!dir)
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "no cgroup to attach the device program to: the "
					      "cgroups stage made none (see 'sudo make doctor')");
		if (byoc_devices_program(d->rules, d->n_rules, &prog) < 0)
			return byoc_error_set(err, BYOC_EXIT_RUNTIME,
					      "the device program has more than %d instructions",
					      BYOC_BPF_INSNS_MAX);
		for (size_t i = 0; i < prog.n; i++)
			byoc_log("bpf insn %3zu: code %#04x dst r%d src r%d off %d imm %d", i,
				 prog.insns[i].code, prog.insns[i].dst_reg, prog.insns[i].src_reg,
				 prog.insns[i].off, prog.insns[i].imm);
		d->prog_fd = byoc_bpf_load_device_prog(&prog, err);
		if (d->prog_fd < 0)
			return -1;
		return byoc_bpf_attach_device_prog(d->prog_fd, dir, err);
	}

	int r = byoc_cgroup_v1_make(&c->cgroup, "devices", c->id, d->v1_dir, sizeof(d->v1_dir),
				    err);
	if (r == -ENOENT)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "this machine mounts no cgroup v1 devices hierarchy, so "
				      "nothing would stop the container from opening any device: "
				      "mount it, or use --privileged knowingly (see 'sudo make "
				      "doctor')");
	if (r < 0)
		return -1;
	d->v1_created = true;
	return write_rules_v1(d, err);
}

/* v1: the child joins its devices cgroup before "go" (step 04 joins the
 * others); v2 needs nothing: the program sits on the cgroup it joined. */
static int devices_after_clone(struct byoc_container *c, struct byoc_error *err)
{
	char pid[16];

	if (!c->devices.v1_created)
		return 0;
	snprintf(pid, sizeof(pid), "%d", (int)c->pid);
	return byoc_cgroup_write_path(c->devices.v1_dir, "cgroup.procs", pid, err);
}

/* --device: the nodes, in the container's own /dev (step 03 made it). */
static int devices_child_setup(struct byoc_container *c, struct byoc_error *err)
{
	for (size_t i = 0; i < c->devices.n_nodes; i++) {
		const struct byoc_dev_node *n = &c->devices.nodes[i];
		if (unlink(n->path) < 0 && errno != ENOENT)
			return byoc_error_sys(err, errno, "unlink(%s)", n->path);
		if (BYOC_SYS(err, mknod(n->path, n->mode, n->rdev), "mknod(%s)", n->path) < 0 ||
		    BYOC_SYS(err, chmod(n->path, n->mode & 07777), "chmod(%s)", n->path) < 0)
			return -1;
	}
	return 0;
}

static void devices_cleanup(struct byoc_container *c)
{
	struct byoc_devices *d = &c->devices;

	/* v2: the program goes with the cgroup, which step 04 removes next. */
	if (d->prog_fd >= 0)
		close(d->prog_fd);
	d->prog_fd = -1;
	if (d->v1_created)
		byoc_cgroup_remove_dir(d->v1_dir);
	d->v1_created = false;
}

const struct byoc_stage byoc_stage_devices = {
	.name = "devices",
	.prepare = devices_prepare,
	.after_clone = devices_after_clone,
	.child_setup = devices_child_setup,
	.cleanup = devices_cleanup,
	/* Rootless: no cgroup to hold a device list; the user namespace
	 * already refuses mknod(2), and /dev holds only bound nodes. */
	.root_only = true,
};
