/* Step 08's machinery: the device allow list as rules, the v1 devices
 * controller that enforces it there, and the loading and attaching of the
 * BPF_PROG_TYPE_CGROUP_DEVICE program that enforces it on cgroup v2 (the
 * stage writes the program itself). See the kernel's
 * Documentation/admin-guide/cgroup-v1/devices.rst and cgroup-v2.rst,
 * "Device controller". */
#pragma once

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "options.h"

/* The nodes every container's /dev has, as docker gives them (step 03 makes
 * them; step 10 binds the machine's). See Documentation/admin-guide/devices.txt
 * in the kernel for the numbers. */
struct byoc_std_dev {
	const char *path;
	unsigned major, minor;
};
#define BYOC_STD_DEVS 6
extern const struct byoc_std_dev byoc_std_devs[BYOC_STD_DEVS];

/* The kernel's own numbers (BPF_DEVCG_DEV_*, BPF_DEVCG_ACC_*): the BPF
 * program compares them as they are. */
enum byoc_dev_type {
	BYOC_DEV_ANY = 0,
	BYOC_DEV_BLOCK = BPF_DEVCG_DEV_BLOCK,
	BYOC_DEV_CHAR = BPF_DEVCG_DEV_CHAR,
};
#define BYOC_DEV_WILDCARD (-1) /* any major, or any minor */

struct byoc_dev_rule {
	enum byoc_dev_type type;
	int major, minor;
	unsigned access; /* BYOC_DEV_MKNOD | BYOC_DEV_READ | BYOC_DEV_WRITE */
};

/* "c 1:3 rwm", "b *:* m", "a": a line of v1's devices.allow. */
void byoc_dev_rule_format(const struct byoc_dev_rule *r, char *buf, size_t len);

/* A BPF program being written, one instruction at a time. */
#define BYOC_BPF_INSNS_MAX 1024
struct byoc_bpf_prog {
	struct bpf_insn insns[BYOC_BPF_INSNS_MAX];
	size_t n;
	bool overflow; /* more than BYOC_BPF_INSNS_MAX were emitted */
};
void byoc_bpf_emit(struct byoc_bpf_prog *p, struct bpf_insn insn);

/* bpf(BPF_PROG_LOAD) of a BPF_PROG_TYPE_CGROUP_DEVICE program: its fd
 * (close-on-exec), or < 0 with `err` filled, with the verifier's last word
 * when it refused the program. */
int byoc_bpf_load_device_prog(const struct byoc_bpf_prog *p, struct byoc_error *err);
/* bpf(BPF_PROG_ATTACH) of that program to the cgroup v2 directory `dir`: it
 * then judges every open() and mknod() of a device by the cgroup's processes
 * until the cgroup is removed. */
int byoc_bpf_attach_device_prog(int prog_fd, const char *dir, struct byoc_error *err);

/* A device node the container gets (--device): where, and what. */
struct byoc_dev_node {
	char path[256]; /* in the container, under /dev */
	mode_t mode;	/* S_IFCHR or S_IFBLK, and the permission bits */
	dev_t rdev;
};

/* What the devices stage keeps for its hooks. */
#define BYOC_DEV_RULES_MAX 32
struct byoc_devices {
	struct byoc_dev_rule rules[BYOC_DEV_RULES_MAX];
	size_t n_rules;
	struct byoc_dev_node nodes[BYOC_DEVICES_MAX];
	size_t n_nodes;
	char v1_dir[4096]; /* v1: the container's devices cgroup, "" when none */
	bool v1_created;
	int prog_fd; /* v2: the program attached to the container's cgroup, or -1 */
};

/* From --device's HOST[:CONTAINER[:PERMS]] as parsed: stat() the host's node
 * and fill the node and its rule. Returns 0, or < 0 with `err` naming the
 * option and the fix. */
int byoc_dev_from_option(const struct byoc_device_opt *o, struct byoc_dev_node *node,
			 struct byoc_dev_rule *rule, struct byoc_error *err);
