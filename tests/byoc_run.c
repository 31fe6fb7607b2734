/* byoc run end to end: every isolation of the full container at once, seen
 * from the host, and the options that only byoc has (--name, -e, -w) with
 * their bad inputs; byoc gc and version. Run against the reference byoc
 * (tools/check.sh, with --bin-arg run): it is not a student's step. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/capability.h>
#include <unistd.h>

#include "harness.h"

#define HINT_RUN  "steps/byoc/main.c and every stage it lists; README.md, \"Bad input and faults\""
#define HINT_OPTS "lib/options.c (--name, --env, --workdir) and lib/child.c, child_exec()"
#define HINT_NAME "lib/state.c, name_free() and byoc_state_create()"
#define HINT_GC	  "steps/byoc/verbs.c, byoc_gc_main(), and lib/gc.c"

/* The NUL-separated file /proc/PID/<file> with each NUL turned into `sep`. */
static char *proc_file(pid_t pid, const char *file, char sep)
{
	char *path = h_printf("/proc/%d/%s", (int)pid, file), *data = calloc(1, 65536);
	size_t n = 0;
	FILE *f = fopen(path, "re");

	if (f) {
		n = fread(data, 1, 65535, f);
		fclose(f);
	}
	free(path);
	for (size_t i = 0; i < n; i++)
		if (data[i] == '\0')
			data[i] = sep;
	return data;
}

/* The first line `command` prints, without its newline ("" if none). */
static char *first_line(const char *command)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f = popen(command, "re");

	if (!f || getline(&line, &cap, f) < 0) {
		free(line);
		line = strdup("");
	}
	if (f)
		pclose(f);
	line[strcspn(line, "\n")] = '\0';
	return line;
}

/* The value of `key` in /proc/PID/status ("NSpid:\t12\t1" -> "12\t1"). */
static char *status_field(pid_t pid, const char *key)
{
	char *all = proc_file(pid, "status", '\n'), *line = strstr(all, key), *v;

	v = strdup(line ? line + strlen(key) + 1 : "");
	v[strcspn(v, "\n")] = '\0';
	free(all);
	return v;
}

/* Docker's default capabilities, which step 07's stage keeps; see
 * capabilities(7). */
#define C(x) (1ULL << CAP_##x)
static const unsigned long long docker_default =
	C(CHOWN) | C(DAC_OVERRIDE) | C(FOWNER) | C(FSETID) | C(KILL) | C(SETGID) | C(SETUID) |
	C(SETPCAP) | C(NET_BIND_SERVICE) | C(NET_RAW) | C(SYS_CHROOT) | C(MKNOD) | C(AUDIT_WRITE) |
	C(SETFCAP);

START_TEST(test_byoc_run_isolates_everything_at_once)
{
	static const char *const nss[] = { "mnt", "pid", "uts", "ipc", "net", "cgroup" };
	char *token = h_random_token(), *name = h_printf("e2e-%.8s", token);
	char *env_opt = h_printf("TOKEN=%s", token);
	const char *opts[] = { "--hostname", "e2e",    "--memory", "32M",  "--pids",
			       "16",	     "--name", name,	   "-e",   env_opt,
			       "-w",	     "/tmp",   "--net",	   "veth", NULL };
	char failures[4096] = "";
	struct h_proc p;
	struct h_run r;

	h_container_spawn(
		&p, opts,
		"echo written >/e2e-written; "
		"gw=$(ip route | awk '/default/ { print $3 }'); "
		"ping -c 1 -W 1 \"$gw\" >/dev/null 2>&1 && echo pinged-host-end; " H_WAIT_SCRIPT,
		NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
#define EXPECT(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			snprintf(failures + strlen(failures), sizeof(failures) - strlen(failures), \
				 "\n  " __VA_ARGS__);                                              \
	} while (0)
	for (size_t i = 0; i < sizeof(nss) / sizeof(nss[0]); i++) {
		char *mine = h_ns(getpid(), nss[i]), *theirs = h_ns(child, nss[i]);
		EXPECT(strcmp(mine, theirs) != 0,
		       "%s namespace: expected a new one; it is the "
		       "host's own, %s",
		       nss[i], mine);
		free(mine);
		free(theirs);
	}
	char *nspid = status_field(child, "NSpid:");
	const char *last = strrchr(nspid, '\t');
	EXPECT(last && strcmp(last + 1, "1") == 0,
	       "PID: expected the command to be PID 1 of its namespace; NSpid is \"%s\"", nspid);
	char *host = h_uts_hostname(child);
	EXPECT(strcmp(host, "e2e") == 0, "hostname: expected \"e2e\"; saw \"%s\"", host);
	struct h_mount m = { 0 };
	bool have_root = h_mount_of(child, "/", &m);
	char *lower = h_printf("lowerdir=%s", h_rootfs);
	EXPECT(have_root && strcmp(m.type, "overlay") == 0 && strstr(m.super, lower),
	       "root: expected the container's / to be an overlay with the rootfs %s as its lower "
	       "layer; mountinfo shows type \"%s\", options \"%s\"",
	       h_rootfs, m.type, m.super);
	/* The veth pair, through ip(8): eth0 in the container's namespace, the
	 * host end in the test's, and a packet from here to there. */
	char *cmd = h_printf("nsenter -t %d -n ip -o -4 addr show eth0 | awk '{ print $4 }'",
			     (int)child);
	char *inner = first_line(cmd),
	     *host_end = first_line("ip -o -4 addr show | awk '$2 ~ /^byoc/ { print $2, $4 }'");
	char *addr = h_printf("%.*s", (int)strcspn(inner, "/"), inner);
	char *ping = h_printf("busybox ping -c 1 -W 1 %s >/dev/null 2>&1 && echo ok", addr);
	char *pinged = first_line(ping);
	EXPECT(inner[0] && host_end[0] && strcmp(pinged, "ok") == 0 &&
		       strstr(p.bo.data ? p.bo.data : "", "pinged-host-end"),
	       "network: expected eth0 with an address inside (saw \"%s\"), a host end byoc* "
	       "with one here (saw \"%s\"), a ping from here to %s (saw \"%s\") and one from "
	       "inside to the host end (stdout \"%.200s\")",
	       inner, host_end, addr, pinged, p.bo.data ? p.bo.data : "");
	free(cmd), free(inner), free(host_end), free(addr), free(ping), free(pinged);
	long long mem = h_cgroup_read(child, "memory",
				      h_cgroup_v2() ? "memory.max" : "memory.limit_in_bytes", NULL);
	long long pids = h_cgroup_read(child, "pids", "pids.max", NULL);
	EXPECT(mem == 32 << 20 && pids == 16,
	       "cgroup: expected memory limit %d and pids.max 16; the cgroup holds %lld and %lld",
	       32 << 20, mem, pids);
	char *capeff = status_field(child, "CapEff:");
	EXPECT(strtoull(capeff, NULL, 16) == docker_default,
	       "capabilities: expected Docker's default set %016llx in CapEff; saw %s",
	       docker_default, capeff);
	char *env = proc_file(child, "environ", ' ');
	char *want = h_printf("TOKEN=%s", token);
	EXPECT(strstr(env, want) && strstr(env, "PATH=") && !strstr(env, "PWD=/") &&
		       !strstr(env, "BYOC_TEST"),
	       "environment: expected the clean one plus %s; /proc/%d/environ holds \"%s\"", want,
	       (int)child, env);
	char *cwd_link = h_printf("/proc/%d/cwd", (int)child), cwd[4096] = "";
	ssize_t n = readlink(cwd_link, cwd, sizeof(cwd) - 1);
	EXPECT(n > 0 && strcmp(cwd, "/tmp") == 0,
	       "--workdir /tmp: expected the command's cwd to be /tmp; /proc/%d/cwd is \"%s\"",
	       (int)child, cwd);
	h_finish(&p, &r);
	EXPECT(r.status == 0, "expected status 0 once stdin closed; saw %d, stderr \"%s\"",
	       r.status, r.err);
	char *written = h_printf("%s/e2e-written", h_rootfs);
	EXPECT(access(written, F_OK) < 0,
	       "overlay: expected the file the container wrote to / to go with its upper layer "
	       "(--rm by default); it is in the rootfs on disk: %s",
	       written);
	free(written);
	ck_assert_msg(!failures[0], "byoc run %s: what the host saw differs:%s", name, failures);
	h_run_free(&r);
	free(nspid), free(host), free(lower), free(capeff);
	free(env), free(want), free(cwd_link), free(token), free(name), free(env_opt);
}
END_TEST

START_TEST(test_byoc_run_fork_bomb_stops_at_pids)
{
	const char *opts[] = { "--pids", "16", NULL };
	struct h_proc p;
	struct h_run r;

	h_container_spawn(&p, opts, "forkbomb 200 >/dev/null 2>&1; " H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	pid_t child = h_first_child(p.pid);
	long long current = h_cgroup_read(child, "pids", "pids.current", NULL);
	long long refused = h_cgroup_read(child, "pids", "pids.events", "max");
	h_finish(&p, &r);
	ck_assert_msg(current >= 1 && current <= 16 && refused > 0,
		      "expected a fork bomb in byoc run --pids 16 to be refused by the kernel "
		      "(pids.events max > 0) with at most 16 tasks; the host read pids.current "
		      "%lld, max events %lld",
		      current, refused);
	h_run_free(&r);
}
END_TEST

START_TEST(test_byoc_run_memory_hog_is_oom_killed)
{
	const char *argv[] = { h_bin, "run", "--memory", "32M", "--", "/bin/hog", NULL };
	struct h_run r;

	h_run_argv(&r, argv);
	ck_assert_msg(r.status == 137,
		      "expected byoc run --memory 32M -- /bin/hog killed by the OOM killer "
		      "(status 137); saw %d, stderr \"%s\"",
		      r.status, r.err);
	h_run_free(&r);
}
END_TEST

START_TEST(test_byoc_run_env_overrides_and_adds)
{
	const char *opts[] = { "-e", "PATH=/bin", "--env", "EMPTY=", "-e", "A=1=2", NULL };
	struct h_run r;

	h_container_sh(&r, opts, "env | sort | tr '\\n' ' '", NULL);
	h_assert_ran_inside(&r);
	ck_assert_msg(strstr(r.out, "PATH=/bin ") && strstr(r.out, "EMPTY= ") &&
			      strstr(r.out, "A=1=2 ") && !strstr(r.out, "/usr/sbin"),
		      "expected -e PATH=/bin to replace the default PATH and EMPTY= and A=1=2 to "
		      "be added as given; env printed \"%s\"",
		      r.out);
	h_run_free(&r);
}
END_TEST

START_TEST(test_byoc_run_name_taken_is_125)
{
	char *token = h_random_token(), *name = h_printf("web-%.8s", token);
	const char *opts[] = { "--name", name, NULL };
	const char *again[] = { h_bin, "run", "--name", name, "--", "/bin/true", NULL };
	struct h_proc p;
	struct h_run r, second, third;

	h_container_spawn(&p, opts, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&p);
	h_run_argv(&second, again);
	h_finish(&p, &r);
	h_run_argv(&third, again);
	ck_assert_msg(second.status == 125 && h_count_lines(second.err) == 1 &&
			      strstr(second.err, "already has that name"),
		      "expected a second byoc run --name %s while the first runs to be refused "
		      "with 125 and one line; saw status %d, stderr \"%s\"",
		      name, second.status, second.err);
	ck_assert_msg(third.status == 0,
		      "expected --name %s to be free again once its container ended; saw status "
		      "%d, stderr \"%s\"",
		      name, third.status, third.err);
	h_run_free(&r), h_run_free(&second), h_run_free(&third);
	free(token), free(name);
}
END_TEST

/* A runtime SIGKILLed while its container runs leaves its state and cgroups;
 * byoc gc removes and lists them, and spares a live container's. */
START_TEST(test_byoc_gc_removes_dead_spares_live)
{
	const char *opts[] = { "--pids", "16", NULL };
	const char *gc[] = { h_bin, "gc", NULL };
	struct h_proc dead, live;
	struct h_run r, rd, rl;
	char dead_dir[64] = "", live_dir[64] = "";

	h_container_spawn(&dead, opts, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&dead);
	h_container_spawn(&live, opts, H_WAIT_SCRIPT, NULL);
	h_assert_ready(&live);
	/* Each runtime holds its state directory's lock on an fd: find which. */
	for (int which = 0; which < 2; which++) {
		pid_t pid = which ? live.pid : dead.pid;
		char *fd_dir = h_printf("/proc/%d/fd", (int)pid);
		for (int fd = 3; fd < 64; fd++) {
			char *link = h_printf("%s/%d", fd_dir, fd), target[256] = "";
			ssize_t n = readlink(link, target, sizeof(target) - 1);
			free(link);
			if (n > 0 && strncmp(target, "/run/byoc/", 10) == 0 &&
			    strstr(target, "/journal")) {
				*strrchr(target, '/') = '\0';
				snprintf(which ? live_dir : dead_dir, 64, "%s", target);
			}
		}
		free(fd_dir);
	}
	ck_assert_msg(dead_dir[0] && live_dir[0],
		      "expected each runtime to hold a lock in /run/byoc/<id>/; found \"%s\" and "
		      "\"%s\"",
		      dead_dir, live_dir);
	kill(dead.pid, SIGKILL);
	h_finish(&dead, &rd);
	h_run_argv(&r, gc);
	bool dead_gone = access(dead_dir, F_OK) < 0, live_kept = access(live_dir, F_OK) == 0;
	char *said = h_printf("removed state %s", dead_dir);
	h_finish(&live, &rl);
	ck_assert_msg(r.status == 0 && dead_gone && live_kept && strstr(r.out, said),
		      "expected byoc gc to remove and list %s (its runtime was killed) and keep "
		      "%s (its runtime runs); saw status %d, stdout \"%s\", stderr \"%s\"; the "
		      "dead one %s, the live one %s",
		      dead_dir, live_dir, r.status, r.out, r.err,
		      dead_gone ? "gone" : "still there", live_kept ? "kept" : "gone");
	h_run_free(&r), h_run_free(&rd), h_run_free(&rl);
	free(said);
}
END_TEST

START_TEST(test_byoc_version_and_help)
{
	const char *version[] = { h_bin, "version", NULL };
	const char *help[] = { h_bin, "run", "--help", NULL };
	const char *top[] = { h_bin, "--help", NULL };
	struct h_run v, h, t;

	h_run_argv(&v, version);
	h_run_argv(&h, help);
	h_run_argv(&t, top);
	ck_assert_msg(v.status == 0 && strncmp(v.out, "byoc ", 5) == 0,
		      "expected byoc version to print \"byoc VERSION ...\" with status 0; saw %d, "
		      "\"%s\"",
		      v.status, v.out);
	ck_assert_msg(h.status == 0 && strstr(h.out, "--name NAME") &&
			      strstr(h.out, "-e, --env KEY=VALUE") &&
			      strstr(h.out, "-w, --workdir DIR") &&
			      strstr(h.out, "--memory SIZE") && strstr(h.out, "--cap-add NAME"),
		      "expected byoc run --help to list every option (--name, -e, -w, the "
		      "steps'); saw status %d:\n%s",
		      h.status, h.out);
	ck_assert_msg(t.status == 0 && strstr(t.out, "run") && strstr(t.out, "gc") &&
			      strstr(t.out, "version"),
		      "expected byoc --help to name run, gc and version; saw status %d:\n%s",
		      t.status, t.out);
	h_run_free(&v), h_run_free(&h), h_run_free(&t);
}
END_TEST

void h_register(struct h_suite *s, const char **step)
{
	*step = "byoc run";
	h_add(s, test_byoc_run_isolates_everything_at_once, 1, HINT_RUN);
	h_add(s, test_byoc_run_fork_bomb_stops_at_pids, 1, HINT_RUN);
	h_add(s, test_byoc_run_memory_hog_is_oom_killed, 1, HINT_RUN);
	h_add(s, test_byoc_run_env_overrides_and_adds, 1, HINT_OPTS);
	h_add(s, test_byoc_run_name_taken_is_125, 1, HINT_NAME);
	h_add(s, test_byoc_gc_removes_dead_spares_live, 1, HINT_GC);
	h_add(s, test_byoc_version_and_help, 1, HINT_RUN);
}
