/* The floor: what a container with every isolation of `byoc run` costs when
 * nothing but the system calls runs. One straight line, no stages, no state
 * directory, no framework; `make bench` times `byoc run` against it.
 *
 *   floor [--net none] ROOTFS -- COMMAND [ARG...]
 *
 * The container: new pid, mount, UTS, IPC, network and cgroup namespaces; a
 * cgroup with memory 256 MiB (no swap), 64 tasks and 1 CPU; an overlay with
 * ROOTFS as its lower layer and a fresh upper layer; pivot_root; /proc, /dev
 * (tmpfs, six nodes, devpts, shm), read-only /sys, /tmp; its own
 * /etc/hostname, /etc/hosts and /etc/resolv.conf; lo up and, unless --net
 * none, a veth pair with a /30 (the host end in the caller's network
 * namespace, the other end eth0 with a default route); Docker's default
 * capabilities and no_new_privs; a clean environment. The command's exit
 * status is the floor's; 125 when the floor itself fails.
 *
 * The container's own system calls are those of `byoc run` (the lesson's
 * pivot_root recipe included); what the floor leaves out is the runtime's
 * bookkeeping: its state directory, lock and journal, the lease of
 * addresses, the stages and their reports.
 *
 * The veth pair goes with the container's network namespace: the kernel
 * removes both ends when its last process exits, so the floor does not wait
 * for that (an RTM_DELLINK waits for an RCU grace period). Everything else
 * it made is gone when it exits. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define MEMORY	   (256ULL << 20)
#define PIDS	   64
#define CPU_PERIOD 100000
#define CPU_QUOTA  100000
#define FAIL	   125

struct clone_args3 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
		set_tid_size, cgroup;
};

/* v1: one directory per controller, in the caller's cgroup of each. */
static const char *const v1_controllers[] = { "memory", "pids", "cpu", "cpuacct" };
#define N_V1 (sizeof(v1_controllers) / sizeof(v1_controllers[0]))

static char dir[64];	   /* /run/byoc-floor/PID */
static char cg[N_V1][640]; /* the cgroups made; "" for none */
static char host_if[IFNAMSIZ];
#define V2_PARENT "/sys/fs/cgroup/byoc"
static bool made_parent;

static void fail(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	fputs("floor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC | O_CREAT, 0644);
	ssize_t len = (ssize_t)strlen(text);

	if (fd < 0 || write(fd, text, len) != len) {
		fail("write %s", path);
		exit(FAIL);
	}
	close(fd);
}

/* Write, or say which file refused: a cgroup file fails at write(). */
static int put(const char *base, const char *file, const char *text)
{
	char path[600];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", base, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fail("open %s", path);
		return -1;
	}
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (!ok)
		fail("write %s", path);
	close(fd);
	return ok ? 0 : -1;
}

/* The caller's cgroup in v1 hierarchy `want`, from /proc/self/cgroup, whose
 * lines read "ID:CONTROLLER[,CONTROLLER...]:PATH". */
static void own_cgroup(const char *want, char *out, size_t size)
{
	char buf[4096], *line, *save = NULL;
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	snprintf(out, size, "/");
	if (got <= 0)
		return;
	buf[got] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *names = strchr(line, ':'), *path = names ? strchr(names + 1, ':') : NULL;
		char *name, *next = NULL;

		if (!path)
			continue;
		*path++ = '\0';
		for (name = strtok_r(names + 1, ",", &next); name;
		     name = strtok_r(NULL, ",", &next))
			if (strcmp(name, want) == 0) {
				snprintf(out, size, "%s", path);
				return;
			}
	}
}

/* Netlink, by hand: a request in a buffer, attributes appended. */
struct req {
	struct nlmsghdr *h;
	char buf[512] __attribute__((aligned(NLMSG_ALIGNTO)));
};

static void *req_start(struct req *r, uint16_t type, uint16_t flags, size_t body)
{
	memset(r->buf, 0, sizeof(r->buf));
	r->h = (struct nlmsghdr *)r->buf;
	r->h->nlmsg_len = NLMSG_LENGTH(body);
	r->h->nlmsg_type = type;
	r->h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	return NLMSG_DATA(r->h);
}

static struct rtattr *attr(struct req *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)(r->buf + NLMSG_ALIGN(r->h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->h->nlmsg_len = NLMSG_ALIGN(r->h->nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void nest_end(struct req *r, struct rtattr *a)
{
	a->rta_len = (unsigned short)(r->buf + r->h->nlmsg_len - (char *)a);
}

/* Send, and read the kernel's acknowledgement: 0 or -errno. */
static int talk(int fd, struct req *r)
{
	char ack[512];
	ssize_t got;

	if (send(fd, r->buf, r->h->nlmsg_len, 0) < 0)
		return -errno;
	got = recv(fd, ack, sizeof(ack), 0);
	if (got < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)))
		return got < 0 ? -errno : -EPROTO;
	return ((struct nlmsgerr *)NLMSG_DATA((struct nlmsghdr *)ack))->error;
}

static int link_up(int fd, int index)
{
	struct req r;
	struct ifinfomsg *i = req_start(&r, RTM_NEWLINK, 0, sizeof(*i));

	i->ifi_index = index;
	i->ifi_flags = i->ifi_change = IFF_UP;
	return talk(fd, &r);
}

static int add_address(int fd, int index, uint32_t addr)
{
	struct req r;
	struct ifaddrmsg *a = req_start(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*a));

	a->ifa_family = AF_INET;
	a->ifa_prefixlen = 30;
	a->ifa_index = (unsigned)index;
	attr(&r, IFA_LOCAL, &addr, 4);
	attr(&r, IFA_ADDRESS, &addr, 4);
	return talk(fd, &r);
}

static int netlink_open(void)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

/* Remove what the floor made, deepest first. */
static void clean_up(void)
{
	static const char *const dirs[] = { "upper", "work/work", "work", "merged" };
	static const char *const files[] = { "hostname", "hosts", "resolv.conf" };
	char path[128];

	for (size_t i = 0; i < N_V1; i++)
		if (cg[i][0] && rmdir(cg[i]) < 0)
			fail("rmdir %s", cg[i]);
	if (made_parent)
		rmdir(V2_PARENT); /* EBUSY: a container runs in it now */
	if (!dir[0])
		return;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		rmdir(path);
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	if (rmdir(dir) < 0)
		fail("rmdir %s (a command that wrote files leaves its upper layer)", dir);
	rmdir("/run/byoc-floor"); /* ENOTEMPTY: another floor runs */
}

int main(int argc, char **argv)
{
	static const int devices[][3] = {
		{ 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 }, { 5, 0 }
	};
	static const char *const device_names[] = { "null",   "zero",	 "full",
						    "random", "urandom", "tty" };
	static char *const envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
				      "/sbin:/bin",
				      "HOME=/root", NULL };
	/* Docker's default capabilities. */
	static const int keep[] = {
		CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,	     CAP_FOWNER,
		CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,	     CAP_SETUID,
		CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
		CAP_KILL,    CAP_AUDIT_WRITE
	};
	bool veth = true, v2;
	const char *rootfs;
	char **command, hostname[16], path[600], opts[1024], own[512], text[256];
	int sync_pipe[2], exec_pipe[2], cgroup_fd = -1, netlink = -1, mounts[3], status = FAIL;
	uint32_t subnet, host_addr, peer_addr;
	struct clone_args3 args = { 0 };
	struct statfs sfs;
	sigset_t stop;
	pid_t pid, self = getpid();
	int made;
	char c;

	if (argc > 1 && strcmp(argv[1], "--net") == 0 && argc > 2 && strcmp(argv[2], "none") == 0) {
		veth = false;
		argv += 2;
		argc -= 2;
	}
	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: floor [--net none] ROOTFS -- COMMAND [ARG...]\n");
		return 2;
	}
	rootfs = argv[1];
	command = argv + 3;
	signal(SIGCHLD, SIG_DFL);
	/* Ctrl-C and friends wait until the floor has cleaned up; the command
	 * gets them as usual. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGQUIT);
	sigprocmask(SIG_BLOCK, &stop, NULL);

	/* The upper layer, and the files that become /etc's. */
	snprintf(dir, sizeof(dir), "/run/byoc-floor/%d", (int)self);
	snprintf(hostname, sizeof(hostname), "floor-%d", (int)self);
	made = mkdir(dir, 0700);
	if (made < 0 && errno == ENOENT) { /* the first floor, or the last one removed it */
		mkdir("/run/byoc-floor", 0700);
		made = mkdir(dir, 0700);
	}
	if (made < 0) {
		fail("mkdir %s", dir);
		dir[0] = '\0';
		return FAIL;
	}
	for (size_t i = 0; i < 3; i++) {
		static const char *const sub[] = { "upper", "work", "merged" };
		snprintf(path, sizeof(path), "%s/%s", dir, sub[i]);
		if (mkdir(path, 0755) < 0) {
			fail("mkdir %s", path);
			goto out;
		}
	}
	snprintf(path, sizeof(path), "%s/hostname", dir);
	snprintf(text, sizeof(text), "%s\n", hostname);
	write_file(path, text);
	snprintf(path, sizeof(path), "%s/hosts", dir);
	snprintf(text, sizeof(text), "127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.1.1\t%s\n",
		 hostname);
	write_file(path, text);
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	write_file(path, "nameserver 127.0.0.53\n");
	{
		static const char *const names[] = { "hostname", "hosts", "resolv.conf" };
		for (size_t i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			mounts[i] = (int)syscall(SYS_open_tree, AT_FDCWD, path,
						 1 /* OPEN_TREE_CLONE */ | O_CLOEXEC);
			if (mounts[i] < 0) {
				fail("open_tree %s", path);
				goto out;
			}
		}
	}

	/* The cgroup, with its limits, before the child exists. */
	v2 = statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
	if (v2) {
		/* Under the lab's parent, as byoc run's leaf when the caller is in
		 * the root cgroup (which may hold no processes and children with
		 * controllers at once); made here if no container runs. */
		made_parent = mkdir(V2_PARENT, 0755) == 0;
		if (put(V2_PARENT, "cgroup.subtree_control", "+memory +pids +cpu") < 0) {
			fprintf(stderr, "floor: the root cgroup must give memory, pids and cpu to "
					"its children: `byoc run` enables them (see cgroups(7))\n");
			goto out;
		}
		snprintf(cg[0], sizeof(cg[0]), V2_PARENT "/byoc-floor-%d", (int)self);
		if (mkdir(cg[0], 0755) < 0) {
			fail("mkdir %s", cg[0]);
			cg[0][0] = '\0';
			goto out;
		}
		snprintf(text, sizeof(text), "%llu", MEMORY);
		if (put(cg[0], "memory.max", text) < 0 || put(cg[0], "memory.swap.max", "0") < 0 ||
		    put(cg[0], "pids.max", "64") < 0 || put(cg[0], "cpu.max", "100000 100000") < 0)
			goto out;
		cgroup_fd = open(cg[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cgroup_fd < 0) {
			fail("open %s", cg[0]);
			goto out;
		}
	} else {
		struct stat seen[N_V1];

		for (size_t i = 0; i < N_V1; i++) {
			/* cpu and cpuacct are often one hierarchy, mounted twice. */
			bool again = false;
			snprintf(path, sizeof(path), "/sys/fs/cgroup/%s", v1_controllers[i]);
			if (stat(path, &seen[i]) < 0) {
				fail("stat %s", path);
				goto out;
			}
			for (size_t j = 0; j < i; j++)
				again |= seen[j].st_dev == seen[i].st_dev &&
					 seen[j].st_ino == seen[i].st_ino;
			if (again)
				continue;
			own_cgroup(v1_controllers[i], own, sizeof(own));
			snprintf(cg[i], sizeof(cg[i]), "/sys/fs/cgroup/%s%s%sbyoc-floor-%d",
				 v1_controllers[i], own, strcmp(own, "/") ? "/" : "", (int)self);
			if (mkdir(cg[i], 0755) < 0) {
				fail("mkdir %s", cg[i]);
				cg[i][0] = '\0';
				goto out;
			}
		}
		snprintf(text, sizeof(text), "%llu", MEMORY);
		if (put(cg[0], "memory.limit_in_bytes", text) < 0 ||
		    (access(strcat(strcpy(path, cg[0]), "/memory.memsw.limit_in_bytes"), F_OK) ==
			     0 &&
		     put(cg[0], "memory.memsw.limit_in_bytes", text) < 0) ||
		    put(cg[1], "pids.max", "64") < 0 ||
		    put(cg[2], "cpu.cfs_period_us", "100000") < 0 ||
		    put(cg[2], "cpu.cfs_quota_us", "100000") < 0)
			goto out;
	}
	if (veth && (netlink = netlink_open()) < 0) {
		fail("socket(NETLINK_ROUTE)");
		goto out;
	}
	/* A /30 of 198.19.0.0/16 and a host end name of this process's own:
	 * the last run's pair may still be on its way out. */
	subnet = 0xc6130000u | (((uint32_t)self & 0x3fff) << 2);
	host_addr = htonl(subnet + 1);
	peer_addr = htonl(subnet + 2);
	snprintf(host_if, sizeof(host_if), "flr%d", (int)self);

	if (pipe2(sync_pipe, O_CLOEXEC) < 0 || pipe2(exec_pipe, O_CLOEXEC) < 0) {
		fail("pipe2");
		goto out;
	}
	args.flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		     (v2 ? CLONE_INTO_CGROUP : 0);
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)(v2 ? cgroup_fd : 0);
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		fail("clone3");
		goto out;
	}

	if (pid == 0) {
		/* The container: wait for the parent's go, then set up and exec. */
		int nl;
		struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct data[2] = { 0 };

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(sync_pipe[1]);
		close(exec_pipe[0]);
		if (read(sync_pipe[0], &c, 1) != 1)
			_exit(FAIL);
#define CHECK(call, what)                                                                          \
	do {                                                                                       \
		if ((call) < 0) {                                                                  \
			fail what;                                                                 \
			_exit(FAIL);                                                               \
		}                                                                                  \
	} while (0)
		CHECK(unshare(CLONE_NEWCGROUP), ("unshare(CLONE_NEWCGROUP)"));
		CHECK(sethostname(hostname, strlen(hostname)), ("sethostname"));
		CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), ("mount / private"));
		snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s/upper,workdir=%s/work",
			 rootfs, dir, dir);
		snprintf(path, sizeof(path), "%s/merged", dir);
		CHECK(mount("overlay", path, "overlay", 0, opts), ("mount overlay %s", opts));
		/* The lesson's pivot_root: the new root a mount point of its
		 * own, the old one private before it is detached. */
		CHECK(mount(path, path, NULL, MS_BIND | MS_REC, NULL), ("bind %s", path));
		CHECK(chdir(path), ("chdir %s", path));
		CHECK(syscall(SYS_pivot_root, ".", "."), ("pivot_root"));
		CHECK(mount(NULL, ".", NULL, MS_REC | MS_PRIVATE, NULL), ("old root private"));
		CHECK(umount2(".", MNT_DETACH), ("umount the old root"));
		CHECK(chdir("/"), ("chdir /"));
		CHECK(mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL),
		      ("mount /proc"));
		CHECK(mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k"),
		      ("mount /dev"));
		for (size_t i = 0; i < 6; i++) {
			snprintf(path, sizeof(path), "/dev/%s", device_names[i]);
			CHECK(mknod(path, S_IFCHR | 0666,
				    makedev((unsigned)devices[i][0], (unsigned)devices[i][1])),
			      ("mknod %s", path));
			CHECK(chmod(path, 0666), ("chmod %s", path)); /* past the umask */
		}
		CHECK(mkdir("/dev/pts", 0755), ("mkdir /dev/pts"));
		CHECK(mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
			    "newinstance,ptmxmode=0666,mode=0620"),
		      ("mount /dev/pts"));
		CHECK(symlink("pts/ptmx", "/dev/ptmx"), ("symlink /dev/ptmx"));
		CHECK(symlink("/proc/self/fd", "/dev/fd"), ("symlink /dev/fd"));
		CHECK(symlink("/proc/self/fd/0", "/dev/stdin"), ("symlink /dev/stdin"));
		CHECK(symlink("/proc/self/fd/1", "/dev/stdout"), ("symlink /dev/stdout"));
		CHECK(symlink("/proc/self/fd/2", "/dev/stderr"), ("symlink /dev/stderr"));
		CHECK(mkdir("/dev/shm", 01777), ("mkdir /dev/shm"));
		CHECK(mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			    "mode=1777,size=64m"),
		      ("mount /dev/shm"));
		CHECK(mount("sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			    NULL),
		      ("mount /sys"));
		CHECK(mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m"),
		      ("mount /tmp"));
		CHECK(syscall(SYS_move_mount, mounts[0], "", AT_FDCWD, "/etc/hostname",
			      4 /* MOVE_MOUNT_F_EMPTY_PATH */),
		      ("move_mount /etc/hostname"));
		CHECK(syscall(SYS_move_mount, mounts[1], "", AT_FDCWD, "/etc/hosts", 4),
		      ("move_mount /etc/hosts"));
		CHECK(syscall(SYS_move_mount, mounts[2], "", AT_FDCWD, "/etc/resolv.conf", 4),
		      ("move_mount /etc/resolv.conf"));

		/* lo up; eth0 addressed and up, with a default route. */
		CHECK(nl = netlink_open(), ("socket(NETLINK_ROUTE)"));
		CHECK(link_up(nl, 1), ("bring lo up"));
		if (veth) {
			struct req r;
			struct rtmsg *rt;
			int eth0 = (int)if_nametoindex("eth0");
			errno = -add_address(nl, eth0, peer_addr);
			CHECK(-errno, ("address eth0"));
			errno = -link_up(nl, eth0);
			CHECK(-errno, ("bring eth0 up"));
			rt = req_start(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(*rt));
			rt->rtm_family = AF_INET;
			rt->rtm_table = RT_TABLE_MAIN;
			rt->rtm_protocol = RTPROT_BOOT;
			rt->rtm_scope = RT_SCOPE_UNIVERSE;
			rt->rtm_type = RTN_UNICAST;
			attr(&r, RTA_GATEWAY, &host_addr, 4);
			errno = -talk(nl, &r);
			CHECK(-errno, ("default route"));
		}
		close(nl);

		/* Docker's default capabilities, no way back up. */
		for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
			bool kept = false;
			for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
				kept |= keep[i] == cap;
			if (kept) {
				data[cap / 32].effective |= 1u << (cap % 32);
				data[cap / 32].permitted |= 1u << (cap % 32);
			} else {
				CHECK(prctl(PR_CAPBSET_DROP, cap, 0, 0, 0),
				      ("drop capability %d", cap));
			}
		}
		CHECK(syscall(SYS_capset, &hdr, data), ("capset"));
		CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), ("clear ambient"));
		CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), ("no_new_privs"));
		CHECK(syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC), ("close_range"));
		sigprocmask(SIG_UNBLOCK, &stop, NULL);
		execve(command[0], command, envp);
		c = (char)errno;
		if (write(exec_pipe[1], &c, 1) < 0)
			_exit(FAIL);
		_exit(errno == ENOENT ? 127 : 126);
	}

	close(sync_pipe[0]);
	close(exec_pipe[1]);
	if (!v2) {
		snprintf(text, sizeof(text), "%d", (int)pid);
		for (size_t i = 0; i < N_V1; i++)
			if (cg[i][0] && put(cg[i], "cgroup.procs", text) < 0)
				goto kill;
	}
	if (veth) {
		struct req r;
		struct ifinfomsg *i =
			req_start(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*i));
		struct rtattr *info, *data, *peer;
		struct ifinfomsg peer_msg = { 0 };
		uint32_t ns_pid = (uint32_t)pid;
		int index;

		(void)i;
		attr(&r, IFLA_IFNAME, host_if, strlen(host_if) + 1);
		info = attr(&r, IFLA_LINKINFO | NLA_F_NESTED, NULL, 0);
		attr(&r, IFLA_INFO_KIND, "veth", 4);
		data = attr(&r, IFLA_INFO_DATA | NLA_F_NESTED, NULL, 0);
		peer = attr(&r, VETH_INFO_PEER | NLA_F_NESTED, &peer_msg, sizeof(peer_msg));
		attr(&r, IFLA_IFNAME, "eth0", 5);
		attr(&r, IFLA_NET_NS_PID, &ns_pid, 4);
		nest_end(&r, peer);
		nest_end(&r, data);
		nest_end(&r, info);
		errno = -talk(netlink, &r);
		if (errno) {
			fail("create veth %s", host_if);
			goto kill;
		}
		index = (int)if_nametoindex(host_if);
		if ((errno = -add_address(netlink, index, host_addr)) ||
		    (errno = -link_up(netlink, index))) {
			fail("set up %s", host_if);
			goto kill;
		}
	}
	if (write(sync_pipe[1], "G", 1) != 1) {
		fail("write(sync)");
		goto kill;
	}
	close(sync_pipe[1]);
	if (read(exec_pipe[0], &c, 1) == 1) {
		errno = c;
		fail("execve %s", command[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fail("waitpid");
			goto out;
		}
	status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	goto out;
kill:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	status = FAIL;
out:
	clean_up();
	sigprocmask(SIG_UNBLOCK, &stop, NULL); /* a signal that came meanwhile ends it now */
	return status;
}
