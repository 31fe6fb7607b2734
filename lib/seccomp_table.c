/* Docker's default seccomp profile as one table: what a container may call.
 * Docker keeps it as JSON, profiles/seccomp/default.json in the moby
 * repository (steps/09-seccomp/README.md, "The table"); these are its names,
 * in families. Not here, so refused with EPERM: keyctl and add_key (the
 * kernel's keyrings are not namespaced), userfaultfd, io_uring_* (as Docker
 * 25 leaves them out), kexec_load, and every call newer than the table. The
 * four calls that depend on their arguments (clone, clone3, personality,
 * socket) are rules of step 09's stage. */
#include <linux/capability.h>
#include <stddef.h>

#include "seccomp_table.h"

/* One family a paragraph, the names packed. */
/* clang-format off */
/* files and directories: open, stat, create, rename, link, remove, change owner and mode */
static const char *const files_calls[] = {
	"access", "creat", "chdir", "chmod", "chown", "chown32", "faccessat", "faccessat2",
	"fallocate", "fchdir", "fchmod", "fchmodat", "fchown", "fchown32", "fchownat", "fstat",
	"fstat64", "fstatat64", "fstatfs", "fstatfs64", "ftruncate", "ftruncate64", "futimesat",
	"getcwd", "getdents", "getdents64", "lchown", "lchown32", "link", "linkat", "lstat",
	"lstat64", "mkdir", "mkdirat", "mknod", "mknodat", "newfstatat", "open", "openat",
	"openat2", "readlink", "readlinkat", "rename", "renameat", "renameat2", "rmdir", "stat",
	"stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "truncate", "truncate64",
	"umask", "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes", NULL,
};

/* extended attributes */
static const char *const xattrs_calls[] = {
	"fgetxattr", "flistxattr", "fremovexattr", "fsetxattr", "getxattr", "lgetxattr",
	"listxattr", "llistxattr", "lremovexattr", "lsetxattr", "removexattr", "setxattr", NULL,
};

/* file descriptors and I/O: read, write, seek, copy, sync, pipes, ioctl */
static const char *const fds_calls[] = {
	"close", "close_range", "copy_file_range", "dup", "dup2", "dup3", "fadvise64",
	"fadvise64_64", "fcntl", "fcntl64", "fdatasync", "flock", "fsync", "ioctl", "_llseek",
	"lseek", "memfd_create", "memfd_secret", "pipe", "pipe2", "pread64", "preadv", "preadv2",
	"pwrite64", "pwritev", "pwritev2", "read", "readahead", "readv", "sendfile", "sendfile64",
	"splice", "sync", "sync_file_range", "syncfs", "tee", "vmsplice", "write", "writev", NULL,
};

/* waiting for events: poll, select, epoll, eventfd, signalfd, timerfd, inotify */
static const char *const events_calls[] = {
	"epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
	"epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "fanotify_mark",
	"inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "_newselect",
	"poll", "ppoll", "ppoll_time64", "pselect6", "pselect6_time64", "select", "signalfd",
	"signalfd4", "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime",
	"timerfd_settime64", NULL,
};

/* asynchronous I/O (the older io_submit kind; io_uring is left out, as Docker 25 does) */
static const char *const aio_calls[] = {
	"io_cancel", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
	"io_setup", "io_submit", "ioprio_get", "ioprio_set", NULL,
};

/* memory: map, protect, lock, advise */
static const char *const memory_calls[] = {
	"brk", "madvise", "membarrier", "mincore", "mlock", "mlock2", "mlockall", "mmap", "mmap2",
	"mprotect", "mremap", "msync", "munlock", "munlockall", "munmap", "remap_file_pages", NULL,
};

/* processes: run, exit, wait, identify, limit, schedule (clone is a rule of its own) */
static const char *const processes_calls[] = {
	"capget", "capset", "execve", "execveat", "exit", "exit_group", "fork", "getcpu", "getpgid",
	"getpgrp", "getpid", "getppid", "getpriority", "getrlimit", "getrusage", "getsid", "gettid",
	"get_robust_list", "get_thread_area", "pidfd_open", "prctl", "prlimit64",
	"process_mrelease", "restart_syscall", "rseq", "sched_getaffinity", "sched_getattr",
	"sched_getparam", "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler",
	"sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity",
	"sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp",
	"setpgid", "setpriority", "setrlimit", "set_robust_list", "setsid", "set_thread_area",
	"set_tid_address", "sysinfo", "times", "ugetrlimit", "uname", "vfork", "wait4", "waitid",
	"waitpid", NULL,
};

/* signals */
static const char *const signals_calls[] = {
	"alarm", "kill", "pause", "pidfd_send_signal", "rt_sigaction", "rt_sigpending",
	"rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
	"rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sigaltstack", "sigprocmask", "sigreturn",
	"tgkill", "tkill", NULL,
};

/* users and groups: read and change the process's own IDs */
static const char *const ids_calls[] = {
	"getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
	"getgroups32", "getresgid", "getresgid32", "getresuid", "getresuid32", "getuid", "getuid32",
	"setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups",
	"setgroups32", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid",
	"setresuid32", "setreuid", "setreuid32", "setuid", "setuid32", NULL,
};

/* time: read clocks, sleep, timers (adjtimex only reads without CAP_SYS_TIME) */
static const char *const time_calls[] = {
	"adjtimex", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
	"clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64",
	"getitimer", "gettimeofday", "nanosleep", "setitimer", "time", "timer_create",
	"timer_delete", "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime",
	"timer_settime64", NULL,
};

/* threads' locks */
static const char *const futex_calls[] = {
	"futex", "futex_time64", "futex_waitv", NULL,
};

/* sockets, once made (socket itself is a rule of its own) */
static const char *const sockets_calls[] = {
	"accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt",
	"listen", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "send", "sendmmsg",
	"sendmsg", "sendto", "setsockopt", "shutdown", "socketcall", "socketpair", NULL,
};

/* System V and POSIX IPC, inside the container's IPC namespace */
static const char *const ipc_calls[] = {
	"ipc", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64",
	"mq_timedsend", "mq_timedsend_time64", "mq_unlink", "msgctl", "msgget", "msgrcv", "msgsnd",
	"semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "shmat", "shmctl", "shmdt",
	"shmget", NULL,
};

/* randomness, and Landlock, a process's sandbox of its own */
static const char *const misc_calls[] = {
	"getrandom", "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", NULL,
};

/* debugging other processes: ptrace is safe to allow since Linux 4.8, where a filter can no longer be bypassed with it */
static const char *const debug_calls[] = {
	"ptrace", NULL,
};

/* x86 only: thread-local storage and segment descriptors */
static const char *const x86_calls[] = {
	"arch_prctl", "modify_ldt", NULL,
};

/* mounts, namespaces, BPF, perf, file handles, names of the machine */
static const char *const sys_admin_calls[] = {
	"bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
	"lookup_dcookie", "mount", "mount_setattr", "move_mount", "name_to_handle_at", "open_tree",
	"perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns",
	"syslog", "umount", "umount2", "unshare", NULL,
};

/* opening a file by its handle (the shocker escape) */
static const char *const dac_read_search_calls[] = {
	"open_by_handle_at", NULL,
};

/* rebooting (kexec_load, loading a new kernel, is never allowed) */
static const char *const sys_boot_calls[] = {
	"reboot", NULL,
};

/* chroot */
static const char *const sys_chroot_calls[] = {
	"chroot", NULL,
};

/* kernel modules */
static const char *const sys_module_calls[] = {
	"delete_module", "init_module", "finit_module", NULL,
};

/* process accounting */
static const char *const sys_pacct_calls[] = {
	"acct", NULL,
};

/* reading and writing other processes' memory */
static const char *const sys_ptrace_calls[] = {
	"kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", NULL,
};

/* I/O ports */
static const char *const sys_rawio_calls[] = {
	"iopl", "ioperm", NULL,
};

/* setting the machine's clock */
static const char *const sys_time_calls[] = {
	"settimeofday", "stime", "clock_settime", "clock_settime64", NULL,
};

/* hanging up the terminal */
static const char *const sys_tty_config_calls[] = {
	"vhangup", NULL,
};

/* NUMA memory policy */
static const char *const sys_nice_calls[] = {
	"get_mempolicy", "mbind", "set_mempolicy", NULL,
};

/* the kernel's log */
static const char *const syslog_calls[] = {
	"syslog", NULL,
};
/* clang-format on */

const struct byoc_seccomp_family byoc_seccomp_families[] = {
	{ "files and directories", BYOC_SECCOMP_ANY, files_calls },
	{ "extended attributes", BYOC_SECCOMP_ANY, xattrs_calls },
	{ "file descriptors and I/O", BYOC_SECCOMP_ANY, fds_calls },
	{ "waiting for events", BYOC_SECCOMP_ANY, events_calls },
	{ "asynchronous I/O", BYOC_SECCOMP_ANY, aio_calls },
	{ "memory", BYOC_SECCOMP_ANY, memory_calls },
	{ "processes", BYOC_SECCOMP_ANY, processes_calls },
	{ "signals", BYOC_SECCOMP_ANY, signals_calls },
	{ "users and groups", BYOC_SECCOMP_ANY, ids_calls },
	{ "time", BYOC_SECCOMP_ANY, time_calls },
	{ "threads' locks", BYOC_SECCOMP_ANY, futex_calls },
	{ "sockets, once made", BYOC_SECCOMP_ANY, sockets_calls },
	{ "System V and POSIX IPC, inside the container's IPC namespace", BYOC_SECCOMP_ANY,
	  ipc_calls },
	{ "randomness, and Landlock, a process's sandbox of its own", BYOC_SECCOMP_ANY,
	  misc_calls },
	{ "debugging other processes", BYOC_SECCOMP_ANY, debug_calls },
	{ "x86 only", BYOC_SECCOMP_ANY, x86_calls },
	{ "mounts, namespaces, BPF, perf, file handles, names of the machine", CAP_SYS_ADMIN,
	  sys_admin_calls },
	{ "opening a file by its handle", CAP_DAC_READ_SEARCH, dac_read_search_calls },
	{ "rebooting", CAP_SYS_BOOT, sys_boot_calls },
	{ "chroot", CAP_SYS_CHROOT, sys_chroot_calls },
	{ "kernel modules", CAP_SYS_MODULE, sys_module_calls },
	{ "process accounting", CAP_SYS_PACCT, sys_pacct_calls },
	{ "reading and writing other processes' memory", CAP_SYS_PTRACE, sys_ptrace_calls },
	{ "I/O ports", CAP_SYS_RAWIO, sys_rawio_calls },
	{ "setting the machine's clock", CAP_SYS_TIME, sys_time_calls },
	{ "hanging up the terminal", CAP_SYS_TTY_CONFIG, sys_tty_config_calls },
	{ "NUMA memory policy", CAP_SYS_NICE, sys_nice_calls },
	{ "the kernel's log", CAP_SYSLOG, syslog_calls },
	{ NULL, 0, NULL },
};
