/* byoc driven through runc's command line by podman (conmon), podman kube
 * play (a pod: its containers join the infra container's namespaces by path)
 * and containerd (its shim). Each test has a podman store and a containerd
 * of its own in h_tmp; the clients also write outside it (/var/lib/containers,
 * /run/containerd/s) and leave mounts, cgroups and processes: a test's body
 * runs in a child, and the test's process cleans up after it however it
 * ended (a failed assertion _exit()s, past atexit()), then checks. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "leaks.h"

#define HINT_OCI  "steps/byoc/oci.c (the OCI verbs: create, start, state, kill, delete)"
#define HINT_EXEC "steps/byoc/oci.c (the OCI verbs) and lib/enter.c (exec --process)"
#define HINT_MEM  "steps/byoc/oci_stages.c (linux.resources.memory) and lib/cgroup.c"
#define HINT_POD  "steps/byoc/oci_stages.c (linux.namespaces: a path joins one) and steps/byoc/oci.c"
#define HINT_CTR  "steps/byoc/oci.c (--root, --log-format json, exec --process, kill, delete)"
#define HINT_LEFT "steps/byoc/oci.c (delete: the state, the cgroups) and lib/gc.c"
#define HINT_DEPS "Makefile: sudo make oci-deps installs podman, containerd (with ctr), catatonit"
#define MISSING	  "is missing: run 'sudo make oci-deps'"

#define IMG "localhost/byoc-rootfs:latest"
/* Where the clients write whatever their root: as the test found them after. */
static const char *const host_paths[] = { "/var/lib/containers", "/var/lib/containerd",
					  "/run/containerd",	 "/opt/containerd",
					  "/run/libpod",	 "/run/containers",
					  "/dev/shm/libpod_lock" };

static struct {
	char *podman, *containerd, *ctr, *tar;
} tool;
/* The test's own: podman's store; containerd's config, socket, runc root. */
static struct {
	char *root, *run, *tmp, *cd, *conf, *sock, *runc, *fifo;
} p;
/* The machine before the test: the host paths, the byoc and libpod cgroup
 * directories, and the states in /run/byoc named by a podman id. */
static struct {
	char *host, *cgroups, *states;
	char *subtree; /* v2: the root's cgroup.subtree_control */
} before;
static char *token;	/* /oci-token in the image */
static char *cg_leaked; /* byoc's cgroups that clean_up() found left */
static char *subtree_left = ""; /* controllers the root's subtree kept enabled */
#define SUBTREE "/sys/fs/cgroup/cgroup.subtree_control"

#define PODMAN(r, ...)                                                                             \
	h_run_argv(r, (const char *[]){ tool.podman, "--root", p.root, "--runroot", p.run,         \
					"--tmpdir", p.tmp, "--storage-driver", "overlay",          \
					__VA_ARGS__, NULL })
#define CTR(r, ...)                                                                                \
	h_run_argv(r, (const char *[]){ tool.ctr, "--connect-timeout", "5s", "-a", p.sock, "-n",   \
					"byoc", __VA_ARGS__, NULL })
/* ctr run's options that make byoc the runtime and keep its files in h_tmp. */
#define CTR_BYOC "--runc-binary", h_bin, "--runc-root", p.runc, "--fifo-dir", p.fifo

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 64 lowercase hex digits, maybe a newline: a podman container's id. */
static bool is_podman_id(const char *s)
{
	return s && strlen(s) >= 64 && strspn(s, "0123456789abcdef") == 64 &&
	       !s[64 + (s[64] == '\n')];
}

/* --- What the clients leave on the machine ------------------------------ */

static FILE *walk_out;
static bool walk_cgroups;
static int walk(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	bool ours = flag == FTW_D && (strstr(path + ftw->base, "byoc") || strstr(path, "libpod"));

	if (!walk_cgroups || ours)
		fprintf(walk_out, "%s\n", path);
	(void)st;
	return ftw->level >= (walk_cgroups ? 8 : 2) ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
}

/* The host paths and two levels below them; or the cgroup directories named
 * byoc-* or below a libpod one. One a line. */
static char *walk_now(bool cgroups)
{
	char *s = NULL;
	size_t len = 0;

	walk_out = open_memstream(&s, &len), walk_cgroups = cgroups;
	for (size_t i = 0; !cgroups && i < sizeof(host_paths) / sizeof(host_paths[0]); i++)
		nftw(host_paths[i], walk, 16, FTW_PHYS | FTW_MOUNT | FTW_ACTIONRETVAL);
	if (cgroups)
		nftw("/sys/fs/cgroup", walk, 16, FTW_PHYS | FTW_ACTIONRETVAL);
	fclose(walk_out);
	return s;
}

/* States in byoc's root `root` named `name` ("": any; NULL: a podman id). */
static char *states(const char *root, const char *name)
{
	char *out = strdup("");
	DIR *d = opendir(root);

	for (struct dirent *e; d && (e = readdir(d));) {
		char *n = e->d_name[0] == '.' ? NULL : h_slurp("%s/%s/name", root, e->d_name);
		if (n)
			n[strcspn(n, "\n")] = '\0';
		if (n && (!name ? is_podman_id(n) : !name[0] || !strcmp(n, name)))
			out = h_printf("%s%s/%s %s\n", out, root, e->d_name, n);
		free(n);
	}
	if (d)
		closedir(d);
	return out;
}

/* Live processes (not this one) whose command line or environment names
 * h_tmp: containerd, its shims, conmon, podman's clean-up; with `clients`,
 * only the podman and ctr commands of a test killed midway, and their process
 * groups (h_spawn's). Sends them `sig` unless 0; "PID "COMMAND"; " each. */
static char *holders(int sig, bool clients)
{
	char *out = strdup(""), *podman = h_printf("%s ", tool.podman),
	     *ctr = h_printf("%s ", tool.ctr);
	DIR *d = opendir("/proc");

	for (struct dirent *e; d && (e = readdir(d));) {
		pid_t pid = atoi(e->d_name);
		char *stat = pid > 0 && pid != getpid() ? h_slurp("/proc/%d/stat", pid) : NULL;
		char *paren = stat ? strrchr(stat, ')') : NULL;
		char *cmd = paren && paren[2] != 'Z' ? h_slurp("/proc/%d/cmdline", pid) : NULL;
		char *env = cmd ? h_slurp("/proc/%d/environ", pid) : NULL;
		bool client = cmd && (!strncmp(cmd, podman, strlen(podman)) ||
				      !strncmp(cmd, ctr, strlen(ctr)));
		if (cmd && (strstr(cmd, h_tmp) || (env && strstr(env, h_tmp))) &&
		    (client || !clients)) {
			out = h_printf("%s%d \"%.200s\"; ", out, pid, cmd);
			if (sig && clients && getpgid(pid) == pid)
				kill(-pid, sig);
			if (sig)
				kill(pid, sig);
		}
		free(stat), free(cmd), free(env);
	}
	if (d)
		closedir(d);
	return out;
}

static char *mounts_below(const char *dir)
{
	char *out = strdup(""), *line = NULL, point[4096];
	size_t cap = 0, len = strlen(dir);
	FILE *f = fopen("/proc/self/mountinfo", "re");

	while (f && getline(&line, &cap, f) > 0)
		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 &&
		    !strncmp(point, dir, len) && (point[len] == '/' || !point[len]))
			out = h_printf("%s%s ", out, point);
	if (f)
		fclose(f);
	free(line);
	return out;
}

/* What the test left after clean_up(): NULL, or what, by kind. */
static char *leftovers(void)
{
	char *m = mounts_below(h_tmp), *procs = holders(0, false);
	char *cg = h_leak_added(before.cgroups, walk_now(true), " ");
	char *host = h_manifest_diff(before.host, walk_now(false));
	char *st = h_leak_added(before.states, states("/run/byoc", NULL), "; ");
	char *runc = states(h_printf("%s/byoc", p.runc), "");
	char *cgs = h_printf("%s%s%s%s", cg_leaked ? cg_leaked : "", cg ? cg : "",
			     subtree_left[0] ? "the root's subtree_control still enables " : "",
			     subtree_left);
	char *out = h_printf("%s%s%s%s%s%s%s%s%s%s%s%s", m[0] ? "mounts below h_tmp: " : "", m,
			     procs[0] ? "; processes: " : "", procs, cgs[0] ? "; cgroups: " : "",
			     cgs, host ? "; host paths: " : "", host ? host : "",
			     st ? "; podman's states in /run/byoc: " : "", st ? st : "",
			     runc[0] ? "; states under --runc-root: " : "", runc);
	return out[0] ? out + (out[0] == ';' ? 2 : 0) : NULL;
}

/* fn() on each line of `lines`, the last first: a sorted tree's deepest. */
static void backwards(char *lines, void (*fn)(const char *))
{
	char *v[1024], *save = NULL;
	size_t n = 0;

	for (char *l = lines ? strtok_r(lines, "\n", &save) : NULL; l && n < 1024;
	     l = strtok_r(NULL, "\n", &save))
		v[n++] = l;
	while (n--)
		fn(v[n]);
}

/* podman (cgroupfs, v2) enables every controller in the root's
 * cgroup.subtree_control for its libpod_parent: once its cgroups are gone,
 * disable those it added. Returns what is still added ("" when none). */
static char *put_back_subtree(void)
{
	char *now = h_slurp("%s", SUBTREE), *added = "", *save = NULL;

	for (char *c = now ? strtok_r(now, " \n", &save) : NULL; c; c = strtok_r(NULL, " \n", &save)) {
		char *word = h_printf(" %s ", c), *was = h_printf(" %s ", before.subtree);
		for (char *n = was; *n; n++)
			*n = *n == '\n' ? ' ' : *n;
		if (strstr(was, word))
			continue;
		int fd = open(SUBTREE, O_WRONLY | O_CLOEXEC);
		char *off = h_printf("-%s", c);
		if (fd < 0 || write(fd, off, strlen(off)) < 0)
			added = h_printf("%s%s ", added, c);
		if (fd >= 0)
			close(fd);
	}
	return added;
}

static void rmdir_libpod(const char *cgroup)
{
	if (strstr(cgroup, "libpod"))
		rmdir(cgroup); /* EBUSY while a process is in it */
}

/* Remove what the test made: by the clients' and the runtime's own verbs
 * first, then by force (processes, mounts, host paths, podman's cgroups).
 * byoc's cgroups left are the runtime's fault: noted in cg_leaked. */
static void clean_up(void)
{
	struct h_run r, t;
	char *ids = "", *save = NULL, *line;

	free(holders(SIGKILL, true)); /* they would hold the containers' locks */
	if (access(p.root, F_OK) == 0) {
		PODMAN(&r, "ps", "-aq", "--no-trunc");
		ids = r.out;
		PODMAN(&r, "pod", "rm", "-af", "-t", "0");
		PODMAN(&r, "rm", "-af", "-t", "0");
	}
	if (access(p.sock, F_OK) == 0 && strstr(holders(0, false), "containerd")) {
		CTR(&r, "containers", "ls", "-q");
		for (char *id = strtok_r(r.out, "\n", &save); id; id = strtok_r(NULL, "\n", &save))
			CTR(&t, "task", "rm", "-f", id), CTR(&t, "containers", "rm", id);
	}
	/* containerd ends on SIGTERM; then its shims and conmon, by force. */
	for (int sig = SIGTERM; sig; sig = sig == SIGTERM ? SIGKILL : 0)
		for (long end = now_ms() + 5000; holders(sig, false)[0] && now_ms() < end;)
			poll(NULL, 0, 50);
	/* Containers whose manager was killed: byoc delete --force. */
	char *runc = h_printf("%s/byoc", p.runc), *root = h_printf("--root=%s", runc), *name;
	for (line = strtok_r(states(runc, ""), "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if ((name = strchr(line, ' ')))
			h_run_argv(&r, (const char *[]){ h_bin, root, "delete", "--force", name + 1,
							 NULL });
	for (char *id = strtok_r(ids, "\n", &save); id; id = strtok_r(NULL, "\n", &save))
		if (states("/run/byoc", id)[0])
			h_run_argv(&r, (const char *[]){ h_bin, "delete", "--force", id, NULL });
	h_unmount_below(h_tmp);
	backwards(h_leak_added(before.host, walk_now(false), "\n"), h_remove_tree);
	/* podman's cgroups (a pod's, conmon's) and byoc's beneath, deepest
	 * first; a byoc cgroup removed here is noted: the runtime left it. */
	char *added = h_leak_added(before.cgroups, walk_now(true), "\n");
	backwards(added ? strdup(added) : NULL, rmdir_libpod);
	cg_leaked = NULL;
	for (char *a = added ?: ""; (line = strtok_r(a, "\n", &save)); a = NULL)
		if (strstr(strrchr(line, '/'), "byoc") && access(line, F_OK) != 0)
			cg_leaked = h_printf("%s%s (removed) ", cg_leaked ? cg_leaked : "", line);
	subtree_left = put_back_subtree();
}

/* --- The test's frame --------------------------------------------------- */

static char *need(const char *name, const char *package)
{
	char *save = NULL, *path = getenv("PATH") ? getenv("PATH") : "/usr/sbin:/usr/bin";

	for (char *d = strtok_r(strdup(path), ":", &save); d; d = strtok_r(NULL, ":", &save))
		if (access(h_printf("%s/%s", d, name), X_OK) == 0)
			return h_printf("%s/%s", d, name);
	ck_abort_msg("expected %s in PATH (%s) to drive byoc; %s %s to install it (Debian package "
		     "%s)",
		     name, getenv("PATH"), name, MISSING, package);
	return NULL;
}

/* Find the clients, record the machine, write the clients' configuration. */
static void set_up(bool kube)
{
	tool.podman = need("podman", "podman"), tool.ctr = need("ctr", "containerd");
	tool.containerd = need("containerd", "containerd"), tool.tar = need("tar", "tar");
	if (kube)
		need("catatonit", "catatonit"); /* podman builds the pod's pause image with it */
	p.root = h_printf("%s/root", h_tmp), p.run = h_printf("%s/run", h_tmp);
	p.tmp = h_printf("%s/tmp", h_tmp), p.cd = h_printf("%s/cd", h_tmp);
	p.conf = h_printf("%s/config.toml", p.cd), p.sock = h_printf("%s/containerd.sock", p.cd);
	p.runc = h_printf("%s/runc", p.cd), p.fifo = h_printf("%s/fifo", p.cd);
	before.host = walk_now(false), before.cgroups = walk_now(true);
	before.subtree = h_slurp("%s", SUBTREE) ?: "";
	before.states = states("/run/byoc", NULL);
	ck_assert_msg(mkdir(p.tmp, 0700) == 0 && mkdir(p.cd, 0700) == 0,
		      "test set-up: mkdir(%s, %s): %s", p.tmp, p.cd, strerror(errno));
	/* cgroupfs: byoc refuses --systemd-cgroup. Root here may lack
	 * CAP_SYS_RESOURCE: podman's default nofile=1048576 could not be set.
	 * lock_type file: the locks in --tmpdir, not in /dev/shm/libpod_lock. */
	/* podman copies images through /var/tmp (TMPDIR, image_copy_tmp_dir):
	 * the test's own, also where / is read-only (make check-v2's guest). */
	char *conf = h_printf("%s/containers.conf", h_tmp), *tmp = h_printf("%s/vartmp", h_tmp);
	mkdir(tmp, 0700);
	setenv("TMPDIR", tmp, 1);
	/* podman's local pause image (kube play) is committed through
	 * /var/tmp whatever the settings: where that is read-only, a tmpfs
	 * there in a mount namespace of the test's own, which ends with it. */
	if (access("/var/tmp", W_OK) != 0)
		ck_assert_msg(unshare(CLONE_NEWNS) == 0 &&
				      mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
				      mount("tmpfs", "/var/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
					    "mode=1777,size=256m") == 0,
			      "test set-up: a tmpfs on the read-only /var/tmp: %s", strerror(errno));
	h_write_file(conf,
		     h_printf("[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n"
			      "lock_type = \"file\"\nruntime = \"byoc\"\nimage_copy_tmp_dir = \"%s\"\n"
			      "[engine.runtimes]\nbyoc = [\"%s\"]\n[containers]\ndefault_ulimits = "
			      "[\"nofile=4096:4096\", \"nproc=4096:4096\"]\n",
			      tmp, h_bin),
		     0644);
	setenv("CONTAINERS_CONF", conf, 1);
	/* containerd: no CRI; its opt plugin would make /opt/containerd. */
	h_write_file(p.conf,
		     h_printf("version = 2\nroot = \"%s/root\"\nstate = \"%s/state\"\n"
			      "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
			      "[grpc]\naddress = \"%s\"\n[ttrpc]\naddress = \"%s.ttrpc\"\n"
			      "[debug]\naddress = \"\"\n[metrics]\naddress = \"\"\n"
			      "[plugins.\"io.containerd.internal.v1.opt\"]\npath = \"%s/opt\"\n",
			      p.cd, p.cd, p.sock, p.sock, p.cd),
		     0644);
}

/* Run `body` in a child, then clean up after it whatever way it ended. */
static void guarded(void (*body)(void), bool kube)
{
	int ws = 0;
	bool late = false;

	set_up(kube);
	pid_t pid = fork();
	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		body();
		_exit(0);
	}
	for (long end = now_ms() + 100000; waitpid(pid, &ws, WNOHANG) == 0; poll(NULL, 0, 20))
		if ((late = now_ms() > end))
			kill(pid, SIGKILL);
	clean_up();
	char *left = leftovers();
	ck_assert_msg(!late && !WIFSIGNALED(ws),
		      "expected the test's process to finish within 100 s; it %s (left after the "
		      "clean-up: %s)",
		      late ? "was killed" : "died of a signal", left ? left : "nothing");
	if (WEXITSTATUS(ws) != 0)
		exit(1); /* the child's failure stands, with its message */
	ck_assert_msg(!left,
		      "expected nothing left once podman and ctr removed the test's containers and "
		      "containerd stopped; left: %s",
		      left);
}

/* The lab's rootfs plus /oci-token, a random token, imported as IMG; with
 * `archive`, saved for containerd too. */
static void make_image(bool archive)
{
	struct h_run r;
	char *extra = h_printf("%s/extra", h_tmp), *tar = h_printf("%s/image.tar", h_tmp);

	token = h_random_token();
	ck_assert_msg(mkdir(extra, 0755) == 0, "mkdir(%s): %s", extra, strerror(errno));
	h_write_file(h_printf("%s/oci-token", extra), token, 0644);
	h_run_argv(&r, (const char *[]){ tool.tar, "-C", h_rootfs, "-cf", tar, ".", "-C", extra,
					 "oci-token", NULL });
	ck_assert_msg(r.status == 0, "test set-up: tar -cf %s: %d, %s", tar, r.status, r.err);
	PODMAN(&r, "import", tar, IMG);
	ck_assert_msg(r.status == 0, "test set-up: expected podman import %s to exit 0; saw %d, %s",
		      tar, r.status, r.err);
	if (archive)
		PODMAN(&r, "save", "--format", "docker-archive", "-o",
		       h_printf("%s/image-docker.tar", h_tmp), IMG);
	ck_assert_msg(r.status == 0, "test set-up: podman save: %d, %s", r.status, r.err);
}

/* containerd of the test's own, its output in cd/log; IMG imported. */
static void start_containerd(void)
{
	char *log = h_printf("%s/log", p.cd);
	struct h_run r;
	pid_t pid = fork();

	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY | O_CLOEXEC),
		    out = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (in < 0 || out < 0)
			_exit(98);
		dup2(in, 0), dup2(out, 1), dup2(out, 2);
		setpgid(0, 0);
		execl(tool.containerd, tool.containerd, "--config", p.conf, (char *)NULL);
		_exit(98);
	}
	for (long end = now_ms() + 10000; access(p.sock, F_OK) && now_ms() < end; poll(NULL, 0, 20))
		if (waitpid(pid, NULL, WNOHANG) == pid)
			break;
	ck_assert_msg(access(p.sock, F_OK) == 0,
		      "test set-up: expected containerd --config %s to listen on %s within 10 s; "
		      "its log: %.2000s",
		      p.conf, p.sock, h_slurp("%s", log));
	CTR(&r, "images", "import", h_printf("%s/image-docker.tar", h_tmp));
	ck_assert_msg(r.status == 0, "test set-up: ctr images import: %d, %s", r.status, r.err);
}

/* "" when `pid` runs in a PID namespace other than the test's, with the
 * image as its root; else what is seen instead. */
static char *in_container(pid_t pid)
{
	char *mine = h_ns(getpid(), "pid"), *theirs = pid > 0 ? h_ns(pid, "pid") : "none";
	char *seen = pid > 0 ? h_slurp("/proc/%d/root/oci-token", pid) : NULL;

	if (pid > 0 && strcmp(mine, theirs) && seen && !strcmp(seen, token))
		return "";
	return h_printf("PID %d: PID namespace %s (the test's %s), /proc/PID/root/oci-token "
			"\"%s\" (the image's \"%s\")",
			(int)pid, theirs, mine, seen ? seen : "missing", token);
}

/* ctr task ls's line for `id`: its PID and status ("none" if not listed). */
static void task_of(const char *id, int *pid, char *status)
{
	struct h_run r;
	char *save = NULL, name[64];
	bool found = false;

	CTR(&r, "task", "ls");
	for (char *l = strtok_r(r.out, "\n", &save); l && !found; l = strtok_r(NULL, "\n", &save))
		found = sscanf(l, "%63s %d %31s", name, pid, status) == 3 && !strcmp(name, id);
	if (!found)
		*pid = 0, strcpy(status, "none");
}

/* --- The tests ---------------------------------------------------------- */

static void run_rm(void)
{
	struct h_run t, three, ps;
	char *cid1 = h_printf("%s/cid1", h_tmp), *cid2 = h_printf("%s/cid2", h_tmp);

	make_image(false);
	PODMAN(&t, "run", "--rm", "--network", "none", "--cidfile", cid1, IMG, "true");
	PODMAN(&three, "run", "--rm", "--network", "none", "--cidfile", cid2, IMG, "sh", "-c",
	       "exit 3");
	ck_assert_msg(t.status == 0 && three.status == 3,
		      "expected podman run --rm IMG true to exit 0, sh -c 'exit 3' 3 (conmon runs "
		      "byoc create, start, state, delete); saw %d, \"%s\" and %d, \"%s\"",
		      t.status, t.err, three.status, three.err);
	/* -t: create sends the terminal's master to conmon's console socket. */
	struct h_run tty;
	PODMAN(&tty, "run", "--rm", "-t", "--network", "none", IMG, "tty");
	ck_assert_msg(tty.status == 0 && !strcmp(tty.out, "/dev/pts/0\r\n"),
		      "expected podman run --rm -t IMG tty to print /dev/pts/0 (the container's "
		      "own devpts, a terminal's CR LF); saw %d, \"%s\", \"%s\"",
		      tty.status, tty.out, tty.err);
	char *id1 = h_slurp("%s", cid1), *id2 = h_slurp("%s", cid2);
	PODMAN(&ps, "ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.Status}}");
	char *left1 = is_podman_id(id1) ? states("/run/byoc", id1) : "?",
	     *left2 = is_podman_id(id2) ? states("/run/byoc", id2) : "?";
	ck_assert_msg(
		ps.status == 0 && !ps.out[0] && !left1[0] && !left2[0],
		"expected podman run --rm to remove its containers (%s, %s): podman ps -a empty "
		"(saw %d, \"%s\"), no state in /run/byoc naming them (saw \"%s\", \"%s\")",
		id1, id2, ps.status, ps.out, left1, left2);
}

static void run_d_exec_stop(void)
{
	struct h_run run, five, missing, ps, in, stop, after, rm, ps2;
	char id[80] = "", status[32] = "";
	int pid = 0;

	make_image(false);
	PODMAN(&run, "run", "-d", "--name", "web", "--network", "none", IMG, "sh", "-c",
	       "trap 'exit 0' TERM; while :; do sleep 0.2; done");
	ck_assert_msg(run.status == 0 && is_podman_id(run.out),
		      "expected podman run -d to print the container's id and exit 0; saw %d, "
		      "\"%s\", \"%s\"",
		      run.status, run.out, run.err);
	PODMAN(&five, "exec", "web", "sh", "-c", "echo in exec; exit 5");
	PODMAN(&missing, "exec", "web", "nosuch");
	ck_assert_msg(
		five.status == 5 && !strcmp(five.out, "in exec\n") && missing.status == 127,
		"expected podman exec web sh -c 'echo in exec; exit 5' to print \"in exec\" and "
		"exit 5 (saw %d, \"%s\", \"%s\"), and podman exec web nosuch to exit 127 (saw "
		"%d, \"%s\")",
		five.status, five.out, five.err, missing.status, missing.err);
	/* exec -t: a terminal of the container's own devpts, through the
	 * console socket conmon gives. */
	struct h_run tty;
	PODMAN(&tty, "exec", "-t", "web", "tty");
	ck_assert_msg(tty.status == 0 && !strncmp(tty.out, "/dev/pts/", 9),
		      "expected podman exec -t web tty to print /dev/pts/N; saw %d, \"%s\", \"%s\"",
		      tty.status, tty.out, tty.err);
	PODMAN(&ps, "ps", "--no-trunc", "--format", "{{.ID}} {{.Status}} {{.Names}}");
	PODMAN(&in, "inspect", "--format", "{{.Id}} {{.State.Pid}} {{.State.Status}}", "web");
	sscanf(in.out, "%79s %d %31s", id, &pid, status);
	char *up = h_printf("%s Up ", id), *where = in_container(pid);
	ck_assert_msg(!strncmp(id, run.out, 64) && !strcmp(status, "running") &&
			      strstr(ps.out, up) && strstr(ps.out, " web\n") && !where[0],
		      "expected podman ps to list web Up with the id of run -d (%.64s) and inspect "
		      "(\"%s\": running), and its PID to be the container's; ps said \"%s\"; %s",
		      run.out, in.out, ps.out, where);
	long t0 = now_ms();
	PODMAN(&stop, "stop", "web");
	long took = now_ms() - t0;
	PODMAN(&after, "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "web");
	PODMAN(&rm, "rm", "web");
	PODMAN(&ps2, "ps", "-a", "--format", "{{.Names}}");
	ck_assert_msg(stop.status == 0 && took < 10000 && !strcmp(after.out, "exited 0\n") &&
			      rm.status == 0 && !strstr(ps2.out, "web"),
		      "expected podman stop web to SIGTERM PID 1 (byoc kill), whose trap exits 0: "
		      "status 0 in less than 10 s (saw %d in %ld ms, \"%s\"), inspect \"exited 0\" "
		      "(saw \"%s\"), and podman rm to remove it (saw %d, \"%s\"; ps -a \"%s\")",
		      stop.status, took, stop.err, after.out, rm.status, rm.err, ps2.out);
}

#define HOG "x=$(head -c 100000000 /dev/zero | tr '\\0' a)"

static void memory_limit(void)
{
	struct h_run rm, kept, in, lim, pidof, rmf;
	const char *file = h_cgroup_v2() ? "memory.max" : "memory.limit_in_bytes";

	make_image(false);
	PODMAN(&rm, "run", "--rm", "--network", "none", "--memory", "32M", IMG, "sh", "-c", HOG);
	PODMAN(&kept, "run", "--name", "hog", "--network", "none", "--memory", "32M", IMG, "sh",
	       "-c", HOG);
	/* podman 4.3 says OOMKilled false on cgroup v1 (with runc too): the
	 * exit status counts. */
	PODMAN(&in, "inspect", "--format", "{{.State.ExitCode}} OOMKilled={{.State.OOMKilled}}",
	       "hog");
	ck_assert_msg(rm.status == 137 && kept.status == 137 && !strncmp(in.out, "137 ", 4),
		      "expected a shell filling 100 MB under podman run --memory 32M to be "
		      "OOM-killed: status 137 (saw %d, \"%s\"; without --rm %d, \"%s\"), and "
		      "inspect's ExitCode 137 (saw \"%s\")",
		      rm.status, rm.err, kept.status, kept.err, in.out);
	PODMAN(&lim, "run", "-d", "--name", "lim", "--network", "none", "--memory", "32M", IMG,
	       "sleep", "60");
	PODMAN(&pidof, "inspect", "--format", "{{.State.Pid}}", "lim");
	pid_t pid = atoi(pidof.out);
	long long max = pid > 0 ? h_cgroup_read(pid, "memory", file, NULL) : -1;
	PODMAN(&rmf, "rm", "-f", "-t", "0", "lim");
	ck_assert_msg(
		lim.status == 0 && max == 32 << 20 && rmf.status == 0,
		"expected podman run -d --memory 32M to put PID 1 (%d) in a cgroup whose %s is "
		"33554432 (saw %lld; run -d: %d, \"%s\"), and rm -f to remove it (%d, \"%s\")",
		(int)pid, file, max, lim.status, lim.err, rmf.status, rmf.err);
}

/* A Deployment's pod template, as a Pod: web serves a page, client fetches
 * it over the pod's loopback (50 tries, 0.1 s apart). */
static const char pod_yaml[] =
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: oci-pod\nspec:\n"
	"  restartPolicy: Never\n  containers:\n"
	"  - name: web\n    image: " IMG "\n"
	"    command: [\"sh\", \"-c\", \"mkdir -p /www && echo 'hello from the pod' "
	">/www/index.html && exec httpd -f -p 8080 -h /www\"]\n"
	"  - name: client\n    image: " IMG "\n"
	"    command: [\"sh\", \"-c\", \"i=0; while [ $i -lt 50 ]; do "
	"wget -q -O- http://127.0.0.1:8080/ && exit 0; i=$((i+1)); sleep 0.1; done; exit 1\"]\n";

static void kube_play(void)
{
	struct h_run play, wait, logs, code, web, infra, infra_pid, rm, ps;
	char *yaml = h_printf("%s/pod.yaml", h_tmp);

	make_image(false);
	h_write_file(yaml, pod_yaml, 0644);
	PODMAN(&play, "kube", "play", "--network", "none", yaml);
	ck_assert_msg(play.status == 0,
		      "expected podman kube play --network none of a pod of two containers (web, "
		      "client) and its infra container to exit 0; saw %d, \"%s\", \"%s\"",
		      play.status, play.out, play.err);
	PODMAN(&wait, "wait", "oci-pod-client");
	PODMAN(&logs, "logs", "oci-pod-client");
	PODMAN(&code, "inspect", "--format", "{{.State.ExitCode}}", "oci-pod-client");
	ck_assert_msg(
		wait.status == 0 && strstr(logs.out, "hello from the pod") &&
			!strcmp(code.out, "0\n"),
		"expected the client to fetch http://127.0.0.1:8080/ from web's httpd over the "
		"pod's shared loopback and exit 0; podman logs said \"%.300s\" \"%.300s\", its "
		"exit "
		"code \"%s\" (wait: %d, \"%s\")",
		logs.out, logs.err, code.out, wait.status, wait.err);
	PODMAN(&web, "inspect", "--format", "{{.State.Pid}}", "oci-pod-web");
	PODMAN(&infra, "pod", "inspect", "--format", "{{.InfraContainerID}}", "oci-pod");
	infra.out[strcspn(infra.out, "\n")] = '\0';
	PODMAN(&infra_pid, "inspect", "--format", "{{.State.Pid}}", infra.out);
	pid_t w = atoi(web.out), i = atoi(infra_pid.out);
	char *net_w = w > 0 ? h_ns(w, "net") : "none", *net_i = i > 0 ? h_ns(i, "net") : "none";
	char *mine = h_ns(getpid(), "net");
	ck_assert_msg(w > 0 && !strcmp(net_w, net_i) && strcmp(net_w, mine),
		      "expected web (PID %d) in the infra container's (PID %d) network namespace, "
		      "not the test's: web's %s, infra's %s, the test's %s",
		      (int)w, (int)i, net_w, net_i, mine);
	PODMAN(&rm, "pod", "rm", "-f", "-t", "0", "oci-pod");
	PODMAN(&ps, "ps", "-a", "--format", "{{.Names}}");
	ck_assert_msg(rm.status == 0 && !ps.out[0],
		      "expected podman pod rm -f to remove the pod and its containers; saw %d, "
		      "\"%s\"; ps -a \"%s\"",
		      rm.status, rm.err, ps.out);
}

static void containerd_ctr(void)
{
	struct h_run once, d, six, kill9, rm, crm, ls;
	char status[32], stopped[32];
	int pid, dead;

	make_image(true);
	start_containerd();
	CTR(&once, "run", "--rm", CTR_BYOC, IMG, "c1", "sh", "-c", "echo hello; exit 4");
	ck_assert_msg(once.status == 4 && !strcmp(once.out, "hello\n"),
		      "expected ctr run --rm --runc-binary byoc ... sh -c 'echo hello; exit 4' to "
		      "print hello and exit 4 (the shim runs byoc create, start, delete); saw %d, "
		      "\"%s\", \"%s\"",
		      once.status, once.out, once.err);
	CTR(&d, "run", "-d", CTR_BYOC, IMG, "c2", "sh", "-c", "while :; do sleep 0.2; done");
	task_of("c2", &pid, status);
	char *where = in_container(pid);
	CTR(&six, "task", "exec", "--exec-id", "e1", "--fifo-dir", p.fifo, "c2", "sh", "-c",
	    "echo in exec; exit 6");
	ck_assert_msg(
		d.status == 0 && !strcmp(status, "RUNNING") && !where[0] && six.status == 6 &&
			!strcmp(six.out, "in exec\n"),
		"expected ctr run -d to leave c2 RUNNING (saw %d, \"%s\"; task ls: %s; %s), and "
		"ctr task exec c2 sh -c 'echo in exec; exit 6' to print and exit 6 (saw %d, "
		"\"%s\", \"%s\")",
		d.status, d.err, status, where, six.status, six.out, six.err);
	CTR(&kill9, "task", "kill", "-s", "KILL", "c2");
	task_of("c2", &dead, stopped);
	for (long end = now_ms() + 10000; strcmp(stopped, "STOPPED") && now_ms() < end;
	     task_of("c2", &dead, stopped))
		poll(NULL, 0, 50);
	CTR(&rm, "task", "rm", "c2");
	CTR(&crm, "containers", "rm", "c2");
	CTR(&ls, "containers", "ls", "-q");
	char *left = states(h_printf("%s/byoc", p.runc), "");
	ck_assert_msg(kill9.status == 0 && !strcmp(stopped, "STOPPED") && rm.status == 0 &&
			      crm.status == 0 && !ls.out[0] && !left[0],
		      "expected ctr task kill -s KILL c2 to stop it (saw %d, \"%s\"; task ls: %s), "
		      "ctr task rm and containers rm to remove it (saw %d, \"%s\"; %d, \"%s\"; "
		      "containers ls \"%s\"), and no state of byoc's left under --runc-root %s "
		      "(saw \"%s\")",
		      kill9.status, kill9.err, stopped, rm.status, rm.err, crm.status, crm.err,
		      ls.out, p.runc, left);
}

static void nothing_left(void)
{
	struct h_run run, d;
	char status[32];
	int pid;

	make_image(true);
	start_containerd();
	/* Left running on purpose: the clean-up must end them. */
	PODMAN(&run, "run", "-d", "--name", "left", "--network", "none", IMG, "sleep", "60");
	CTR(&d, "run", "-d", CTR_BYOC, IMG, "c3", "sleep", "60");
	task_of("c3", &pid, status);
	ck_assert_msg(run.status == 0 && d.status == 0 && !strcmp(status, "RUNNING"),
		      "expected podman run -d and ctr run -d of sleep 60 to start (saw %d, \"%s\"; "
		      "%d, \"%s\"; ctr task ls: %s)",
		      run.status, run.err, d.status, d.err, status);
	clean_up();
	char *left = leftovers();
	ck_assert_msg(
		!left,
		"expected the clean-up (podman rm -af, ctr task rm -f, SIGTERM to containerd, "
		"umount) to leave no mount below %s, no containerd, shim or conmon, no byoc "
		"or libpod cgroup, no state of byoc's, and /var/lib/containers, "
		"/run/containerd as they were; left: %s",
		h_tmp, left);
}

/* Each test: its body in a child, the clean-up after it (guarded()). */
#define GUARDED_TEST(name, body, kube)                                                             \
	START_TEST(name)                                                                           \
	{                                                                                          \
		guarded(body, kube);                                                               \
	}                                                                                          \
	END_TEST
GUARDED_TEST(test_oci_podman_run_exits_with_the_commands_status, run_rm, false)
GUARDED_TEST(test_oci_podman_run_d_exec_and_stop, run_d_exec_stop, false)
GUARDED_TEST(test_oci_podman_memory_limit_ooms_the_hog, memory_limit, false)
GUARDED_TEST(test_oci_kube_play_pod_shares_its_network, kube_play, true)
GUARDED_TEST(test_oci_containerd_runs_and_execs, containerd_ctr, false)
GUARDED_TEST(test_oci_clients_leave_nothing, nothing_left, false)

void h_register(struct h_suite *s, const char **step)
{
	*step = "oci-clients";
	h_add(s, test_oci_podman_run_exits_with_the_commands_status, 1, HINT_OCI);
	h_add(s, test_oci_podman_run_d_exec_and_stop, 1, HINT_EXEC);
	h_add(s, test_oci_podman_memory_limit_ooms_the_hog, 1, HINT_MEM);
	h_add(s, test_oci_kube_play_pod_shares_its_network, 1, HINT_POD);
	h_add(s, test_oci_containerd_runs_and_execs, 1, HINT_CTR);
	h_add(s, test_oci_clients_leave_nothing, 1, HINT_LEFT);
	h_hint_for(s, MISSING, HINT_DEPS);
}
