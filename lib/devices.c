#define _GNU_SOURCE
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

void byoc_dev_rule_format(const struct byoc_dev_rule *r, char *buf, size_t len)
{
	char major[16] = "*", minor[16] = "*", access[4];
	size_t n = 0;

	if (r->type == BYOC_DEV_ANY && r->major == BYOC_DEV_WILDCARD &&
	    r->minor == BYOC_DEV_WILDCARD) {
		snprintf(buf, len, "a");
		return;
	}
	if (r->major != BYOC_DEV_WILDCARD)
		snprintf(major, sizeof(major), "%d", r->major);
	if (r->minor != BYOC_DEV_WILDCARD)
		snprintf(minor, sizeof(minor), "%d", r->minor);
	if (r->access & BPF_DEVCG_ACC_READ)
		access[n++] = 'r';
	if (r->access & BPF_DEVCG_ACC_WRITE)
		access[n++] = 'w';
	if (r->access & BPF_DEVCG_ACC_MKNOD)
		access[n++] = 'm';
	access[n] = '\0';
	snprintf(buf, len, "%c %s:%s %s",
		 r->type == BYOC_DEV_BLOCK  ? 'b'
		 : r->type == BYOC_DEV_CHAR ? 'c'
					    : 'a',
		 major, minor, access);
}

void byoc_bpf_emit(struct byoc_bpf_prog *p, struct bpf_insn insn)
{
	if (p->n == BYOC_BPF_INSNS_MAX) {
		p->overflow = true;
		return;
	}
	p->insns[p->n++] = insn;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

const struct byoc_std_dev byoc_std_devs[BYOC_STD_DEVS] = {
	{ "/dev/null", 1, 3 },	 { "/dev/zero", 1, 5 },	   { "/dev/full", 1, 7 },
	{ "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

/* The verifier's log ends with the reason on its last non-empty line. */
static const char *last_line(char *log)
{
	size_t len = strlen(log);
	char *line;

	while (len > 0 && log[len - 1] == '\n')
		log[--len] = '\0';
	line = strrchr(log, '\n');
	return line ? line + 1 : log;
}

int byoc_bpf_load_device_prog(const struct byoc_bpf_prog *p, struct byoc_error *err)
{
	static char log[16384];
	union bpf_attr attr;
	long fd;

	if (p->overflow || p->n == 0)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "the device program has %s instructions: give each rule a "
				      "few, and end with BPF_EXIT_INSN()",
				      p->overflow ? "too many" : "no");
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)p->insns;
	attr.insn_cnt = (uint32_t)p->n;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	attr.log_buf = (uint64_t)(uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	log[0] = '\0';
	byoc_log("bpf(BPF_PROG_LOAD, BPF_PROG_TYPE_CGROUP_DEVICE, %zu instructions)", p->n);
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0 && errno == ENOSPC) { /* the log was too small: load without it */
		attr.log_buf = 0;
		attr.log_size = 0;
		attr.log_level = 0;
		fd = sys_bpf(BPF_PROG_LOAD, &attr);
	}
	if (fd < 0 && (errno == EINVAL || errno == EACCES) && log[0])
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "bpf(BPF_PROG_LOAD): %s: the kernel's verifier refused the "
				      "device program: '%s' (run with -v to see every "
				      "instruction)",
				      errno == EINVAL ? "EINVAL" : "EACCES", last_line(log));
	if (fd < 0)
		return byoc_error_sys(err, errno, "bpf(BPF_PROG_LOAD)");
	/* bpf(2) makes its fds close-on-exec already. */
	return (int)fd;
}

int byoc_bpf_attach_device_prog(int prog_fd, const char *dir, struct byoc_error *err)
{
	_cleanup_close_ int cgroup = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	union bpf_attr attr;

	if (cgroup < 0)
		return byoc_error_sys(err, errno, "open(%s)", dir);
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	/* Programs that the cgroups above attached (systemd's) keep running
	 * too: a device must pass every one of them. */
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	byoc_log("bpf(BPF_PROG_ATTACH, %s, BPF_CGROUP_DEVICE)", dir);
	if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
		return byoc_error_sys(err, errno, "bpf(BPF_PROG_ATTACH, %s)", dir);
	return 0;
}

int byoc_dev_from_option(const struct byoc_device_opt *o, struct byoc_dev_node *node,
			 struct byoc_dev_rule *rule, struct byoc_error *err)
{
	struct stat st;

	if (stat(o->host, &st) < 0) {
		char name[16];
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--device %s: stat(%s): %s: give a device node that exists "
				      "on this machine",
				      o->spec, o->host, byoc_errno_name(errno, name, sizeof(name)));
	}
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "--device %s: %s is not a device node: give a character or "
				      "block device, such as /dev/fuse",
				      o->spec, o->host);
	snprintf(node->path, sizeof(node->path), "%s", o->container);
	node->mode = st.st_mode & (S_IFMT | 07777);
	node->rdev = st.st_rdev;
	rule->type = S_ISBLK(st.st_mode) ? BYOC_DEV_BLOCK : BYOC_DEV_CHAR;
	rule->major = (int)major(st.st_rdev);
	rule->minor = (int)minor(st.st_rdev);
	rule->access = o->access;
	return 0;
}
