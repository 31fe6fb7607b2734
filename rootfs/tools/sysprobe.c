/* sysprobe: asks a container's seccomp filter about a system call without
 * ever making the call, for the lesson of step 09 and the escape suite.
 *
 * Filters stack: the kernel runs every filter a process has and takes the
 * strictest answer (seccomp(2), "Filter return values"): an errno beats
 * SECCOMP_RET_TRACE, which beats allowing the call. So the probe adds a
 * filter of its own that answers SECCOMP_RET_TRACE for the one call asked,
 * and makes the call. With no tracer attached, TRACE fails the call with
 * ENOSYS before the kernel runs it. EPERM therefore means the container's
 * filter refused the call; ENOSYS means it let the call through, and the
 * probe's filter stopped it. Either way reboot() reboots nothing.
 *
 * Usage: sysprobe SUBCOMMAND [ARG...]
 *   sysprobe call [--ia32|--x32] NAME [ARG...]  one call, numbers as its
 *                                   arguments; --ia32 enters the kernel by the
 *                                   32-bit int 0x80, --x32 with the x32 bit
 *   sysprobe clone3                 clone3(NULL, 0): the kernel refuses the
 *                                   size with EINVAL, a filter with ENOSYS
 *   sysprobe threads                start a thread and join it
 *   sysprobe status                 Seccomp, Seccomp_filters and NoNewPrivs
 *                                   of /proc/self/status
 *
 * Output: one line, as door's: exit 0 and "open ..." when the filters let the
 * call through; 1 and "held NAME ENAME" (or SIGSYS, when a filter killed the
 * process) when they refused it; 2 and "error ..." when the probe could not
 * ask. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

/* The calls the lab asks about, by number: x86_64's from <sys/syscall.h>,
 * and the i386 table's (arch/x86/entry/syscalls/syscall_32.tbl) for those
 * tried through int 0x80; -1 where none is given. x32 shares x86_64's
 * numbers for these, with bit 30 set. */
static const struct call {
	const char *name;
	long nr;
	long nr32;
} calls[] = {
	{ "keyctl", SYS_keyctl, 288 },
	{ "add_key", SYS_add_key, 286 },
	{ "getpid", SYS_getpid, 20 },
	{ "reboot", SYS_reboot, 88 },
	{ "unshare", SYS_unshare, 310 },
	{ "mount", SYS_mount, 21 },
	{ "bpf", SYS_bpf, -1 },
	{ "perf_event_open", SYS_perf_event_open, -1 },
	{ "userfaultfd", SYS_userfaultfd, -1 },
	{ "io_uring_setup", SYS_io_uring_setup, -1 },
	{ "kexec_load", SYS_kexec_load, -1 },
	{ "init_module", SYS_init_module, -1 },
	{ "finit_module", SYS_finit_module, -1 },
	{ "open_by_handle_at", SYS_open_by_handle_at, -1 },
	{ "clock_settime", SYS_clock_settime, -1 },
	{ "settimeofday", SYS_settimeofday, -1 },
	{ "swapon", SYS_swapon, -1 },
	{ "umount2", SYS_umount2, -1 },
	{ "setns", SYS_setns, -1 },
	{ "clone", SYS_clone, -1 },
	{ "personality", SYS_personality, -1 },
	{ "socket", SYS_socket, -1 },
	{ "ptrace", SYS_ptrace, -1 },
	{ "acct", SYS_acct, -1 },
	{ "syslog", SYS_syslog, -1 },
	{ "chroot", SYS_chroot, -1 },
	{ "sethostname", SYS_sethostname, -1 },
	{ "openat", SYS_openat, -1 },
	{ "read", SYS_read, -1 },
	{ "uname", SYS_uname, -1 },
};

enum abi { ABI_64, ABI_IA32, ABI_X32 };
#define X32_SYSCALL_BIT 0x40000000L

/* A filter that answers TRACE for call `nr` of architecture `arch` and lets
 * everything else through; see seccomp(2) for the BPF it runs. */
static int trace_one(unsigned arch, long nr)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(insns) / sizeof(insns[0]), insns };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

#ifdef __x86_64__
/* The 32-bit entry: registers as i386 passes them; the kernel returns
 * -errno in eax. r8 to r11 are the kernel's to clobber on older kernels. */
static long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}
#endif

/* Whether a tracer is attached (TracerPid in /proc/self/status, see
 * proc(5)): SECCOMP_RET_TRACE would then hand the call to it, and the call
 * would run. */
static bool traced(void)
{
	char line[128];
	bool yes = true; /* unknown counts as traced */
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "TracerPid:", 10) == 0)
			yes = strtol(line + 10, NULL, 10) != 0;
	if (f)
		fclose(f);
	return yes;
}

/* In a child, so that a filter that kills kills the child. Reports "open"
 * when the filters let the call through (the probe's own filter stopped
 * it), "held" with the errno they gave. */
static int ask(const struct call *c, enum abi abi, const long *a)
{
	long ret;

	if (traced())
		return report(ERROR,
			      "error %s: a tracer is attached (or /proc is missing), and "
			      "the call would run: ask without one",
			      c->name);

#ifdef __x86_64__
	if (abi == ABI_IA32) {
		if (trace_one(AUDIT_ARCH_I386, c->nr32) < 0)
			return report(ERROR, "error prctl(PR_SET_SECCOMP) %s", errno_name(errno));
		ret = int80(c->nr32, a[0], a[1], a[2]);
	} else {
		long nr = abi == ABI_X32 ? c->nr | X32_SYSCALL_BIT : c->nr;
		if (trace_one(AUDIT_ARCH_X86_64, nr) < 0)
			return report(ERROR, "error prctl(PR_SET_SECCOMP) %s", errno_name(errno));
		ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
#else
	if (abi != ABI_64)
		return report(ERROR, "error --ia32 and --x32 are x86_64's");
	return report(ERROR, "error sysprobe knows only x86_64's filters");
#endif
	if (ret >= 0)
		return report(ERROR, "error %s ran: a tracer is attached to the probe", c->name);
	if (errno == ENOSYS)
		return report(OPEN, "open %s: the filters let it through (the probe stopped it)",
			      c->name);
	return report(HELD, "held %s %s", c->name, errno_name(errno));
}

static int try_call(int argc, char **argv)
{
	enum abi abi = ABI_64;
	const struct call *c = NULL;
	long a[6] = { 0 };
	int status;
	pid_t pid;

	if (argc > 0 && strcmp(argv[0], "--ia32") == 0)
		abi = ABI_IA32;
	else if (argc > 0 && strcmp(argv[0], "--x32") == 0)
		abi = ABI_X32;
	if (abi != ABI_64)
		argc--, argv++;
	if (argc < 1 || argc > 7)
		return -1;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (strcmp(argv[0], calls[i].name) == 0)
			c = &calls[i];
	if (!c)
		return report(ERROR, "error %s: not a call sysprobe knows (see its calls[])",
			      argv[0]);
	if (abi == ABI_IA32 && c->nr32 < 0)
		return report(ERROR, "error %s: sysprobe has no i386 number for it", c->name);
	for (int i = 1; i < argc; i++) {
		char *end;
		errno = 0;
		a[i - 1] = strtol(argv[i], &end, 0);
		if (errno || *end || end == argv[i])
			return report(ERROR, "error %s: argument '%s' is not a number", c->name,
				      argv[i]);
	}

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return report(ERROR, "error fork %s", errno_name(errno));
	if (pid == 0)
		_exit(ask(c, abi, a));
	if (waitpid(pid, &status, 0) < 0)
		return report(ERROR, "error waitpid %s", errno_name(errno));
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WTERMSIG(status) == SIGSYS)
		return report(HELD, "held %s SIGSYS (a filter killed the process)", c->name);
	if (abi == ABI_IA32 && WTERMSIG(status) == SIGSEGV)
		return report(ERROR, "error int 0x80 SIGSEGV: this kernel has no 32-bit entry");
	return report(ERROR, "error %s: the probe died of signal %d", c->name, WTERMSIG(status));
}

/* clone3's flags sit in memory that a filter cannot read, so a filter can
 * only take or refuse it whole; glibc falls back to clone() on ENOSYS. */
static int try_clone3(int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return -1;
	if (syscall(SYS_clone3, NULL, 0) >= 0)
		return report(ERROR, "error clone3 made a process");
	if (errno == EINVAL)
		return report(OPEN, "open clone3 EINVAL (the kernel read it)");
	return report(HELD, "held clone3 %s", errno_name(errno));
}

static int thread_ran;

static void *thread_main(void *arg)
{
	thread_ran = 1;
	return arg;
}

static int try_threads(int argc, char **argv)
{
	pthread_t t;
	void *back = NULL;
	int err;

	(void)argv;
	if (argc != 0)
		return -1;
	err = pthread_create(&t, NULL, thread_main, &thread_ran);
	if (err)
		return report(HELD, "held pthread_create %s", errno_name(err));
	err = pthread_join(t, &back);
	if (err || back != &thread_ran || !thread_ran)
		return report(ERROR, "error pthread_join %s", errno_name(err));
	return report(OPEN, "open threads: one started and joined");
}

static int try_status(int argc, char **argv)
{
	char line[256], out[256] = "open";
	FILE *f;

	(void)argv;
	if (argc != 0)
		return -1;
	f = fopen("/proc/self/status", "re");
	if (!f)
		return report(ERROR, "error open /proc/self/status %s", errno_name(errno));
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Seccomp", 7) && strncmp(line, "NoNewPrivs", 10))
			continue;
		line[strcspn(line, "\n")] = 0;
		for (char *t = line; *t; t++)
			if (*t == '\t')
				*t = ' ';
		strncat(out, " ", sizeof(out) - strlen(out) - 1);
		strncat(out, line, sizeof(out) - strlen(out) - 1);
	}
	fclose(f);
	return report(OPEN, "%s", out);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*try)(int argc, char **argv);
	} subs[] = {
		{ "call", try_call },
		{ "clone3", try_clone3 },
		{ "threads", try_threads },
		{ "status", try_status },
	};
	int status = -1;

	for (size_t i = 0; argc >= 2 && i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			status = subs[i].try(argc - 2, argv + 2);
	if (status < 0) {
		fprintf(stderr, "usage: sysprobe call [--ia32|--x32] NAME [ARG...] | clone3 | "
				"threads | status\n");
		return 2;
	}
	return status;
}
