/* Unit tests of the config.json parser (lib/oci.h), through its public API:
 * what podman writes parses, and every refusal names the field by its JSON
 * path, with status 1 as runc's. */
#define _GNU_SOURCE
#include <check.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "oci.h"

#define BUNDLE "/nonexistent/bundle"

/* The tests write JSON with single quotes, which json_of() makes double. */
static char *json_of(const char *s)
{
	char *j = strdup(s);

	ck_assert_ptr_nonnull(j);
	for (char *c = j; *c; c++) {
		if (*c == '\'')
			*c = '"';
	}
	return j;
}

static int parse_in(const char *text, const char *bundle, struct byoc_oci *spec,
		    struct byoc_error *err)
{
	char *j = json_of(text);
	int rc = byoc_oci_parse(j, strlen(j), bundle, spec, err);

	free(j);
	return rc;
}

static int parse(const char *text, struct byoc_oci *spec, struct byoc_error *err)
{
	return parse_in(text, BUNDLE, spec, err);
}

/* A minimal config with `process_extra` added to process and `top_extra` to
 * the top object. */
static int parse_with(const char *process_extra, const char *top_extra, struct byoc_oci *spec,
		      struct byoc_error *err)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "{'ociVersion': '1.0.2', 'process': {'cwd': '/', 'args': ['sh']%s}, "
		 "'root': {'path': 'rootfs'}%s}",
		 process_extra, top_extra);
	return parse(text, spec, err);
}

/* The config must be refused with status 1, a message that starts with
 * "config.json: " and says `says`, and nothing left allocated. */
static void expect_refused(const char *process_extra, const char *top_extra, const char *says)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;
	int rc = parse_with(process_extra, top_extra, &spec, &err);

	ck_assert_msg(rc < 0 && err.status == 1,
		      "expected a refusal (status 1) saying \"%s\"; saw rc=%d status=%d \"%s\"",
		      says, rc, err.status, err.msg);
	ck_assert_msg(strncmp(err.msg, "config.json: ", 13) == 0 && strstr(err.msg, says),
		      "expected \"config.json: ...%s...\"; saw \"%s\"", says, err.msg);
	ck_assert_msg(!spec.json && !spec.process.args && !spec.mounts,
		      "a failed parse must leave nothing allocated (byoc_oci_free)");
}

static const char podman_config[] =
	"{'ociVersion': '1.0.2-dev',"
	" 'process': {"
	"  'user': {'uid': 0, 'gid': 0, 'umask': 18},"
	"  'args': ['true'],"
	"  'env': ['TERM=xterm', 'container=podman',"
	"   'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',"
	"   'HOME=/root', 'HOSTNAME=9a4a9ea60078'],"
	"  'cwd': '/',"
	"  'capabilities': {"
	"   'bounding': ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',"
	"    'CAP_NET_BIND_SERVICE', 'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID',"
	"    'CAP_SYS_CHROOT'],"
	"   'effective': ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',"
	"    'CAP_NET_BIND_SERVICE', 'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID',"
	"    'CAP_SYS_CHROOT'],"
	"   'permitted': ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',"
	"    'CAP_NET_BIND_SERVICE', 'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID',"
	"    'CAP_SYS_CHROOT']},"
	"  'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1048576, 'soft': 1048576},"
	"   {'type': 'RLIMIT_NPROC', 'hard': 32768, 'soft': 32768}]},"
	" 'root': {'path': '/nonexistent/overlay/merged'},"
	" 'hostname': '9a4a9ea60078',"
	" 'mounts': ["
	"  {'destination': '/proc', 'type': 'proc', 'source': 'proc',"
	"   'options': ['nosuid', 'noexec', 'nodev']},"
	"  {'destination': '/dev', 'type': 'tmpfs', 'source': 'tmpfs',"
	"   'options': ['nosuid', 'noexec', 'strictatime', 'mode=755', 'size=65536k']},"
	"  {'destination': '/sys', 'type': 'sysfs', 'source': 'sysfs',"
	"   'options': ['nosuid', 'noexec', 'nodev', 'ro']},"
	"  {'destination': '/dev/pts', 'type': 'devpts', 'source': 'devpts',"
	"   'options': ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']},"
	"  {'destination': '/dev/mqueue', 'type': 'mqueue', 'source': 'mqueue',"
	"   'options': ['nosuid', 'noexec', 'nodev']},"
	"  {'destination': '/etc/hosts', 'type': 'bind',"
	"   'source': '/nonexistent/userdata/hosts', 'options': ['bind', 'rprivate']},"
	"  {'destination': '/dev/shm', 'type': 'bind', 'source': '/nonexistent/userdata/shm',"
	"   'options': ['bind', 'rprivate', 'nosuid', 'noexec', 'nodev']},"
	"  {'destination': '/run/.containerenv', 'type': 'bind',"
	"   'source': '/nonexistent/userdata/.containerenv', 'options': ['bind', 'rprivate']},"
	"  {'destination': '/etc/hostname', 'type': 'bind',"
	"   'source': '/nonexistent/userdata/hostname', 'options': ['bind', 'rprivate']},"
	"  {'destination': '/sys/fs/cgroup', 'type': 'cgroup', 'source': 'cgroup',"
	"   'options': ['rprivate', 'nosuid', 'noexec', 'nodev', 'relatime', 'ro']}],"
	" 'annotations': {'io.container.manager': 'libpod',"
	"  'io.kubernetes.cri-o.Created': '2026-12-07T23:59:06.510992765Z',"
	"  'io.kubernetes.cri-o.TTY': 'false', 'io.podman.annotations.autoremove': 'TRUE',"
	"  'io.podman.annotations.init': 'FALSE', 'io.podman.annotations.privileged': 'FALSE',"
	"  'io.podman.annotations.publish-all': 'FALSE',"
	"  'org.opencontainers.image.stopSignal': '15'},"
	" 'linux': {"
	"  'sysctl': {'net.ipv4.ping_group_range': '0 0'},"
	"  'resources': {'devices': [{'allow': false, 'access': 'rwm'}], 'pids': {'limit': 2048}},"
	"  'cgroupsPath': '/libpod_parent/libpod-9a4a9ea60078',"
	"  'namespaces': [{'type': 'pid'}, {'type': 'network'}, {'type': 'ipc'}, {'type': 'uts'},"
	"   {'type': 'mount'}],"
	"  'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38,"
	"   'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],"
	"   'syscalls': [{'names': ['read', 'write'], 'action': 'SCMP_ACT_ALLOW'}]},"
	"  'maskedPaths': ['/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats',"
	"   '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi',"
	"   '/sys/firmware', '/sys/fs/selinux', '/sys/dev/block'],"
	"  'readonlyPaths': ['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys',"
	"   '/proc/sysrq-trigger']}}";

START_TEST(test_oci_minimal_config_has_defaults)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;

	ck_assert_msg(parse_with("", "", &spec, &err) == 0, "minimal config refused: %s", err.msg);
	ck_assert_str_eq(spec.oci_version, "1.0.2");
	ck_assert_str_eq(spec.bundle, BUNDLE);
	ck_assert_str_eq(spec.process.cwd, "/");
	ck_assert_str_eq(spec.process.args[0], "sh");
	ck_assert_ptr_null(spec.process.args[1]);
	ck_assert_msg(spec.process.env && !spec.process.env[0], "env: expected an empty array");
	ck_assert_msg(spec.masked_paths && !spec.masked_paths[0] && spec.readonly_paths &&
			      !spec.readonly_paths[0],
		      "maskedPaths, readonlyPaths: expected empty arrays");
	ck_assert_msg(json_is_object(spec.annotations) && json_object_size(spec.annotations) == 0,
		      "annotations: expected an empty object");
	ck_assert_msg(spec.memory_limit == -1 && spec.memory_swap == -1 && spec.pids_limit == -1 &&
			      spec.cpu_shares == -1 && spec.cpu_quota == -1 &&
			      spec.cpu_period == -1,
		      "resources: expected -1 (not given) for each");
	ck_assert(!spec.process.has_caps && !spec.process.has_umask &&
		  !spec.process.has_oom_score_adj && !spec.root_readonly);
	ck_assert_ptr_null(spec.hostname);
	ck_assert_ptr_null(spec.seccomp);
	ck_assert_uint_eq(spec.n_mounts, 0);
	byoc_oci_free(&spec);
	byoc_oci_free(&spec); /* twice is safe */
}
END_TEST

START_TEST(test_oci_podman_config_parses)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;
	uint64_t want = 1ull << CAP_CHOWN | 1ull << CAP_DAC_OVERRIDE | 1ull << CAP_FOWNER |
			1ull << CAP_FSETID | 1ull << CAP_KILL | 1ull << CAP_NET_BIND_SERVICE |
			1ull << CAP_SETFCAP | 1ull << CAP_SETGID | 1ull << CAP_SETPCAP |
			1ull << CAP_SETUID | 1ull << CAP_SYS_CHROOT;

	ck_assert_msg(parse(podman_config, &spec, &err) == 0, "podman's config refused: %s",
		      err.msg);
	ck_assert_str_eq(spec.root_path, "/nonexistent/overlay/merged");
	ck_assert_str_eq(spec.hostname, "9a4a9ea60078");
	ck_assert(spec.process.has_umask && spec.process.umask == 022);
	ck_assert_str_eq(spec.process.env[4], "HOSTNAME=9a4a9ea60078");
	ck_assert_ptr_null(spec.process.env[5]);

	ck_assert(spec.process.has_caps);
	ck_assert_msg(spec.process.bounding == want && spec.process.effective == want &&
			      spec.process.permitted == want && !spec.process.inheritable &&
			      !spec.process.ambient,
		      "caps: expected bounding=effective=permitted=%#llx; saw %#llx",
		      (unsigned long long)want, (unsigned long long)spec.process.bounding);

	ck_assert_uint_eq(spec.process.n_rlimits, 2);
	ck_assert_int_eq(spec.process.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(spec.process.rlimits[0].soft, 1048576);
	ck_assert_int_eq(spec.process.rlimits[1].resource, RLIMIT_NPROC);
	ck_assert_uint_eq(spec.process.rlimits[1].hard, 32768);

	ck_assert_uint_eq(spec.n_mounts, 10);
	ck_assert_str_eq(spec.mounts[0].type, "proc");
	ck_assert_uint_eq(spec.mounts[0].flags, MS_NOSUID | MS_NOEXEC | MS_NODEV);
	ck_assert_str_eq(spec.mounts[0].data, "");
	ck_assert_uint_eq(spec.mounts[1].flags, MS_NOSUID | MS_NOEXEC | MS_STRICTATIME);
	ck_assert_str_eq(spec.mounts[1].data, "mode=755,size=65536k");
	ck_assert_uint_eq(spec.mounts[2].flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
	ck_assert_str_eq(spec.mounts[3].data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	ck_assert(spec.mounts[5].bind && !spec.mounts[5].recursive);
	ck_assert_str_eq(spec.mounts[5].type, "bind");
	ck_assert_str_eq(spec.mounts[5].source, "/nonexistent/userdata/hosts");
	ck_assert_uint_eq(spec.mounts[5].propagation, MS_PRIVATE | MS_REC);
	ck_assert_uint_eq(spec.mounts[9].flags,
			  MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY);
	ck_assert(!spec.mounts[9].bind);

	ck_assert_uint_eq(spec.n_namespaces, 5);
	ck_assert_uint_eq(spec.namespaces[0].flag, CLONE_NEWPID);
	ck_assert_uint_eq(spec.namespaces[1].flag, CLONE_NEWNET);
	ck_assert_uint_eq(spec.namespaces[4].flag, CLONE_NEWNS);
	ck_assert_ptr_null(spec.namespaces[0].path);

	ck_assert_int_eq(spec.pids_limit, 2048);
	ck_assert_uint_eq(spec.n_device_rules, 1);
	ck_assert(!spec.device_rules[0].allow && spec.device_rules[0].type == 'a' &&
		  spec.device_rules[0].major == -1 && spec.device_rules[0].minor == -1);
	ck_assert_uint_eq(spec.device_rules[0].access,
			  BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD);

	ck_assert_str_eq(spec.masked_paths[0], "/proc/acpi");
	ck_assert_str_eq(spec.masked_paths[10], "/sys/dev/block");
	ck_assert_ptr_null(spec.masked_paths[11]);
	ck_assert_str_eq(spec.readonly_paths[5], "/proc/sysrq-trigger");
	ck_assert_uint_eq(spec.n_sysctl, 1);
	ck_assert_str_eq(spec.sysctl_keys[0], "net.ipv4.ping_group_range");
	ck_assert_str_eq(spec.sysctl_values[0], "0 0");
	ck_assert_str_eq(spec.cgroups_path, "/libpod_parent/libpod-9a4a9ea60078");
	ck_assert(json_is_object(spec.seccomp));
	ck_assert_str_eq(
		json_string_value(json_object_get(spec.annotations, "io.container.manager")),
		"libpod");
	byoc_oci_free(&spec);
}
END_TEST

START_TEST(test_oci_syntax_error_names_line_and_column)
{
	static const char text[] = "{\"ociVersion\": \"1.0.2\",\n\"process\": {\n\"cwd\": \"/\",\n"
				   "\"args\": [\"sh\",]}}";
	struct byoc_error err = { 0 };
	struct byoc_oci spec;
	int rc = byoc_oci_parse(text, strlen(text), BUNDLE, &spec, &err);

	ck_assert_msg(rc < 0 && err.status == 1, "expected status 1; saw %d", err.status);
	ck_assert_msg(strncmp(err.msg, "config.json: line 4, column ", 28) == 0 &&
			      strstr(err.msg, ": fix the JSON"),
		      "expected \"config.json: line 4, column N: ...: fix the JSON\"; saw \"%s\"",
		      err.msg);
	ck_assert_ptr_null(spec.json);
}
END_TEST

START_TEST(test_oci_duplicate_key_refused)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;

	ck_assert_int_lt(parse("{'ociVersion': '1.0.2', 'ociVersion': '1.0.2'}", &spec, &err), 0);
	ck_assert_msg(strstr(err.msg, "duplicate") && strstr(err.msg, "line 1"),
		      "expected jansson's \"duplicate object key\" with its line; saw \"%s\"",
		      err.msg);
}
END_TEST

START_TEST(test_oci_wrong_type_names_path_and_type)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;

	ck_assert_int_lt(parse("{'ociVersion': '1.0.2', 'process': {'cwd': '/', 'args': 5}, "
			       "'root': {'path': 'rootfs'}}",
			       &spec, &err),
			 0);
	ck_assert_str_eq(err.msg,
			 "config.json: process.args: expected an array of strings, got a number");
	expect_refused(", 'terminal': 'yes'", "",
		       "process.terminal: expected a boolean, got a string");
	expect_refused(", 'env': ['A=1', 2]", "",
		       "process.env[1]: expected a string, got a number");
	expect_refused("", ", 'linux': []", "linux: expected an object, got an array");
}
END_TEST

START_TEST(test_oci_missing_fields_refused)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;

	ck_assert_int_lt(parse("{'ociVersion': '1.0.2', 'process': {'cwd': '/'}, "
			       "'root': {'path': 'rootfs'}}",
			       &spec, &err),
			 0);
	ck_assert_str_eq(err.msg, "config.json: process.args: missing: give the command to run");
	ck_assert_int_eq(err.status, 1);
	ck_assert_int_lt(parse("{'process': {'cwd': '/', 'args': ['sh']}}", &spec, &err), 0);
	ck_assert_msg(strstr(err.msg, "ociVersion: missing"), "saw \"%s\"", err.msg);
	ck_assert_int_lt(parse("{'ociVersion': '1.0.2', 'process': {'cwd': '/', 'args': ['sh']}}",
			       &spec, &err),
			 0);
	ck_assert_msg(strstr(err.msg, "config.json: root: missing"), "saw \"%s\"", err.msg);
	ck_assert_int_lt(parse("{'ociVersion': '2.0.0'}", &spec, &err), 0);
	ck_assert_msg(strstr(err.msg, "ociVersion: \"2.0.0\""), "saw \"%s\"", err.msg);
	ck_assert_int_lt(parse("{'ociVersion': '1.0.2', 'process': {'cwd': '/', 'args': []}, "
			       "'root': {'path': 'rootfs'}}",
			       &spec, &err),
			 0);
	ck_assert_str_eq(err.msg, "config.json: process.args: empty: give the command to run");
}
END_TEST

START_TEST(test_oci_unknown_keys_refused)
{
	static const struct {
		const char *process, *top, *says;
	} cases[] = {
		{ ", 'colour': 'red'", "", "process.colour: not supported by byoc: remove it" },
		{ "", ", 'domainname': 'x'", "config.json: domainname: not supported by byoc" },
		{ "", ", 'solaris': {}", "solaris: not supported" },
		{ "", ", 'windows': {}", "windows: not supported" },
		{ "", ", 'vm': {}", "vm: not supported" },
		{ "", ", 'zos': {}", "zos: not supported" },
		{ ", 'selinuxLabel': 'system_u:system_r:container_t:s0'", "",
		  "process.selinuxLabel: not supported" },
		{ ", 'ioPriority': {'class': 'IOPRIO_CLASS_IDLE'}", "",
		  "process.ioPriority: not supported" },
		{ ", 'scheduler': {'policy': 'SCHED_IDLE'}", "",
		  "process.scheduler: not supported" },
		{ ", 'execCPUAffinity': {'initial': '0'}", "",
		  "process.execCPUAffinity: not supported" },
		{ ", 'user': {'uid': 0, 'gid': 0, 'username': 'root'}", "",
		  "process.user.username: not supported" },
		{ "", ", 'linux': {'personality': {'domain': 'LINUX'}}",
		  "linux.personality: not supported" },
		{ "", ", 'linux': {'mountLabel': 'system_u:object_r:container_file_t:s0'}",
		  "linux.mountLabel: not supported" },
		{ "", ", 'linux': {'timeOffsets': {}}", "linux.timeOffsets: not supported" },
		{ "", ", 'linux': {'memoryPolicy': {}}", "linux.memoryPolicy: not supported" },
		{ "", ", 'linux': {'resources': {'hugepageLimits': []}}",
		  "linux.resources.hugepageLimits: not supported" },
		{ "", ", 'linux': {'resources': {'network': {}}}",
		  "linux.resources.network: not supported" },
		{ "", ", 'linux': {'resources': {'rdma': {}}}",
		  "linux.resources.rdma: not supported" },
		{ "", ", 'linux': {'resources': {'unified': {}}}",
		  "linux.resources.unified: not supported" },
		{ "", ", 'linux': {'resources': {'blockIO': {'weight': 10}}}",
		  "linux.resources.blockIO: not supported" },
		{ "", ", 'linux': {'resources': {'memory': {'kernel': 1}}}",
		  "linux.resources.memory.kernel: not supported" },
		{ "", ", 'linux': {'resources': {'memory': {'kernelTCP': 1}}}",
		  "linux.resources.memory.kernelTCP: not supported" },
		{ "", ", 'linux': {'resources': {'memory': {'disableOOMKiller': true}}}",
		  "linux.resources.memory.disableOOMKiller: true is not supported" },
		{ "", ", 'linux': {'resources': {'cpu': {'cpus': '0-1'}}}",
		  "linux.resources.cpu.cpus: not supported" },
		{ "", ", 'linux': {'resources': {'cpu': {'mems': '0'}}}",
		  "linux.resources.cpu.mems: not supported" },
		{ "", ", 'linux': {'resources': {'cpu': {'realtimeRuntime': 1}}}",
		  "linux.resources.cpu.realtimeRuntime: not supported" },
		{ "", ", 'linux': {'resources': {'cpu': {'realtimePeriod': 1}}}",
		  "linux.resources.cpu.realtimePeriod: not supported" },
		{ "", ", 'linux': {'resources': {'cpu': {'idle': 1}}}",
		  "linux.resources.cpu.idle: not supported" },
		{ "", ", 'mounts': [{'destination': '/a', 'uidMappings': []}]",
		  "mounts[0].uidMappings: not supported" },
		{ "", ", 'hooks': {'prestop': []}", "hooks.prestop: not supported" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_refused(cases[i].process, cases[i].top, cases[i].says);
}
END_TEST

START_TEST(test_oci_intel_rdt_refused)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;

	ck_assert_int_lt(parse_with("", ", 'linux': {'intelRdt': {'closID': 'x'}}", &spec, &err),
			 0);
	ck_assert_str_eq(err.msg, "config.json: linux.intelRdt: not supported by byoc: remove it");
	ck_assert_int_eq(err.status, 1);
}
END_TEST

START_TEST(test_oci_empty_labels_and_block_io_accepted)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;

	ck_assert_msg(
		parse_with(", 'selinuxLabel': '', 'apparmorProfile': ''",
			   ", 'linux': {'mountLabel': '', 'resources': {'blockIO': {}, "
			   "'cpu': {'cpus': '', 'shares': 1024, 'quota': 50000, "
			   "'period': 100000}, 'memory': {'limit': 536870912, "
			   "'swap': 1073741824, 'swappiness': 60, 'disableOOMKiller': false}}}",
			   &spec, &err) == 0,
		"empty labels and blockIO refused: %s", err.msg);
	ck_assert_ptr_null(spec.process.apparmor_profile);
	ck_assert_int_eq(spec.cpu_shares, 1024);
	ck_assert_int_eq(spec.cpu_quota, 50000);
	ck_assert_int_eq(spec.cpu_period, 100000);
	ck_assert_int_eq(spec.memory_limit, 536870912);
	ck_assert_int_eq(spec.memory_swap, 1073741824);
	byoc_oci_free(&spec);
}
END_TEST

START_TEST(test_oci_namespace_refusals)
{
	expect_refused("", ", 'linux': {'namespaces': [{'type': 'pid'}, {'type': 'pid'}]}",
		       "linux.namespaces[1].type: pid is given twice: keep one");
	expect_refused("", ", 'linux': {'namespaces': [{'type': 'time'}]}",
		       "linux.namespaces[0].type: time: not supported by byoc: remove it");
	expect_refused("", ", 'linux': {'namespaces': [{'type': 'net'}]}",
		       "linux.namespaces[0].type: unknown type \"net\"");
	expect_refused("", ", 'linux': {'namespaces': [{'type': 'network', 'path': 'ns/net'}]}",
		       "linux.namespaces[0].path: \"ns/net\" is not absolute");
}
END_TEST

START_TEST(test_oci_namespace_path_and_id_maps)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;

	ck_assert_msg(parse_with("",
				 ", 'linux': {'namespaces': [{'type': 'user'}, {'type': "
				 "'network', 'path': '/proc/1/ns/net'}], 'uidMappings': "
				 "[{'containerID': 0, 'hostID': 100000, 'size': 65536}], "
				 "'gidMappings': [{'containerID': 0, 'hostID': 200000, "
				 "'size': 1}]}",
				 &spec, &err) == 0,
		      "refused: %s", err.msg);
	ck_assert_uint_eq(spec.namespaces[0].flag, CLONE_NEWUSER);
	ck_assert_str_eq(spec.namespaces[1].path, "/proc/1/ns/net");
	ck_assert_uint_eq(spec.n_uid_maps, 1);
	ck_assert(spec.uid_maps[0].container_id == 0 && spec.uid_maps[0].host_id == 100000 &&
		  spec.uid_maps[0].size == 65536);
	ck_assert(spec.n_gid_maps == 1 && spec.gid_maps[0].host_id == 200000);
	byoc_oci_free(&spec);
}
END_TEST

START_TEST(test_oci_bad_rlimits_refused)
{
	expect_refused(", 'rlimits': [{'type': 'RLIMIT_FOO', 'hard': 1, 'soft': 1}]", "",
		       "process.rlimits[0].type: unknown type \"RLIMIT_FOO\"");
	expect_refused(", 'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1, 'soft': 2}]", "",
		       "process.rlimits[0]: soft limit 2 above the hard limit 1");
	expect_refused(", 'rlimits': [{'type': 'RLIMIT_CORE', 'hard': 1, 'soft': 1}, "
		       "{'type': 'RLIMIT_CORE', 'hard': 1, 'soft': 1}]",
		       "", "process.rlimits[1].type: RLIMIT_CORE is given twice");
	expect_refused(", 'rlimits': [{'type': 'RLIMIT_CORE', 'soft': 1}]", "",
		       "process.rlimits[0].hard: missing");
}
END_TEST

/* Go writes RLIM_INFINITY as 2^64-1, more than jansson's json_int_t holds. */
START_TEST(test_oci_rlimit_infinity_read)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;

	ck_assert_msg(parse_with(", 'rlimits': [{'type': 'RLIMIT_CORE', 'hard': "
				 "18446744073709551615, 'soft': 0}], 'env': "
				 "['X=18446744073709551615']",
				 "", &spec, &err) == 0,
		      "RLIM_INFINITY refused: %s", err.msg);
	ck_assert(spec.process.rlimits[0].hard == RLIM_INFINITY &&
		  spec.process.rlimits[0].soft == 0);
	ck_assert_str_eq(spec.process.env[0], "X=18446744073709551615");
	byoc_oci_free(&spec);
}
END_TEST

START_TEST(test_oci_bad_capability_refused)
{
	expect_refused(", 'capabilities': {'bounding': ['CAP_CHOWN', 'CAP_FLY']}", "",
		       "process.capabilities.bounding[1]: unknown capability \"CAP_FLY\"");
	expect_refused(", 'capabilities': {'ambient': ['chown']}", "",
		       "process.capabilities.ambient[0]: unknown capability \"chown\"");
	expect_refused(", 'capabilities': {'bounding': 'CAP_CHOWN'}", "",
		       "process.capabilities.bounding: expected an array of strings, got a string");
}
END_TEST

START_TEST(test_oci_relative_paths_refused)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;

	ck_assert_int_lt(parse("{'ociVersion': '1.0.2', 'process': {'cwd': 'home', "
			       "'args': ['sh']}, 'root': {'path': 'rootfs'}}",
			       &spec, &err),
			 0);
	ck_assert_str_eq(err.msg, "config.json: process.cwd: \"home\" is not absolute: give a path "
				  "that starts with /");
	expect_refused("", ", 'mounts': [{'destination': 'proc', 'type': 'proc'}]",
		       "mounts[0].destination: \"proc\" is not absolute");
	expect_refused("", ", 'linux': {'maskedPaths': ['/proc/kcore', 'sys']}",
		       "linux.maskedPaths[1]: \"sys\" is not absolute");
	expect_refused("", ", 'hooks': {'prestart': [{'path': 'hook'}]}",
		       "hooks.prestart[0].path: \"hook\" is not absolute");
}
END_TEST

START_TEST(test_oci_mount_options_refused)
{
	expect_refused("",
		       ", 'mounts': [{'destination': '/dev', 'type': 'tmpfs', 'source': 'tmpfs', "
		       "'options': ['nosuid', 'tmpcopyup']}]",
		       "mounts[0].options[1]: \"tmpcopyup\" is not supported by byoc: remove it");
	expect_refused("",
		       ", 'mounts': [{'destination': '/a', 'type': 'bind', 'source': '/b', "
		       "'options': ['rbind', 'idmap']}]",
		       "mounts[0].options[1]: \"idmap\" is not supported");
	expect_refused("",
		       ", 'mounts': [{'destination': '/a', 'source': '/b', "
		       "'options': ['size=1k', 'rbind']}]",
		       "mounts[0].options[0]: \"size=1k\" is not a flag of mount(8), and a bind "
		       "mount takes no file system options");
	expect_refused("",
		       ", 'mounts': [{'destination': '/a', 'source': '/b', "
		       "'options': ['rbind', 'rro']}]",
		       "mounts[0].options[1]: \"rro\" (a recursive attribute) is not supported");
	expect_refused("", ", 'mounts': [{'destination': '/a', 'type': 'bind'}]",
		       "mounts[0].source: missing: a bind mount needs the path to bind");
}
END_TEST

START_TEST(test_oci_mount_data_overflow_refused)
{
	char extra[1024] = ", 'mounts': [{'destination': '/t', 'type': 'tmpfs', 'options': [";
	size_t used = strlen(extra);

	for (int i = 0; i < 60; i++)
		used += snprintf(extra + used, sizeof(extra) - used, "%s'opt=%04d'", i ? ", " : "",
				 i);
	snprintf(extra + used, sizeof(extra) - used, "]}]");
	expect_refused("", extra, "the file system options are longer than 511 bytes");
}
END_TEST

START_TEST(test_oci_relative_paths_resolve_against_bundle)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;
	char cwd[4096], want[4200];

	ck_assert_msg(parse_with("",
				 ", 'mounts': [{'destination': '/data', 'type': 'none', "
				 "'source': 'volumes/data', 'options': ['rbind', 'ro']}]",
				 &spec, &err) == 0,
		      "refused: %s", err.msg);
	ck_assert_str_eq(spec.root_path, BUNDLE "/rootfs");
	ck_assert_str_eq(spec.mounts[0].source, BUNDLE "/volumes/data");
	ck_assert_str_eq(spec.mounts[0].type, "bind");
	ck_assert(spec.mounts[0].bind && spec.mounts[0].recursive &&
		  spec.mounts[0].flags == MS_RDONLY);
	byoc_oci_free(&spec);

	/* A relative bundle is taken from the working directory. */
	ck_assert_int_eq(parse_in("{'ociVersion': '1.1.0', 'process': {'cwd': '/', 'args': "
				  "['sh']}, 'root': {'path': 'rootfs', 'readonly': true}}",
				  "b/", &spec, &err),
			 0);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "%s/b/rootfs", cwd);
	ck_assert_str_eq(spec.root_path, want);
	ck_assert(spec.root_readonly);
	byoc_oci_free(&spec);
}
END_TEST

START_TEST(test_oci_integer_range_refused)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;

	ck_assert_int_lt(
		parse_with("", ", 'linux': {'resources': {'pids': {'limit': 1.5}}}", &spec, &err),
		0);
	ck_assert_str_eq(err.msg, "config.json: linux.resources.pids.limit: expected an integer "
				  "from -1 to 9223372036854775807, got 1.5");
	expect_refused(", 'oomScoreAdj': 1001", "",
		       "process.oomScoreAdj: expected an integer from -1000 to 1000, got 1001");
	expect_refused(", 'user': {'uid': -1}", "", "process.user.uid: expected an integer from 0");
	expect_refused(", 'user': {'additionalGids': [1, 'wheel']}", "",
		       "process.user.additionalGids[1]: expected an integer from 0 to 4294967295, "
		       "got a string");
}
END_TEST

START_TEST(test_oci_env_needs_equals)
{
	expect_refused(", 'env': ['PATH=/bin', 'HOME']", "",
		       "process.env[1]: \"HOME\" has no '=': give KEY=VALUE");
}
END_TEST

START_TEST(test_oci_hooks_read)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;

	ck_assert_msg(parse_with("",
				 ", 'hooks': {'createRuntime': [{'path': '/bin/a', 'args': "
				 "['a', '-x'], 'env': ['K=V'], 'timeout': 5}], 'poststop': "
				 "[{'path': '/bin/b'}, {'path': '/bin/c'}]}",
				 &spec, &err) == 0,
		      "refused: %s", err.msg);
	ck_assert_uint_eq(spec.n_hooks[BYOC_OCI_HOOK_CREATE_RUNTIME], 1);
	ck_assert_str_eq(spec.hooks[BYOC_OCI_HOOK_CREATE_RUNTIME][0].path, "/bin/a");
	ck_assert_str_eq(spec.hooks[BYOC_OCI_HOOK_CREATE_RUNTIME][0].args[1], "-x");
	ck_assert_str_eq(spec.hooks[BYOC_OCI_HOOK_CREATE_RUNTIME][0].env[0], "K=V");
	ck_assert_int_eq(spec.hooks[BYOC_OCI_HOOK_CREATE_RUNTIME][0].timeout, 5);
	ck_assert_uint_eq(spec.n_hooks[BYOC_OCI_HOOK_POSTSTOP], 2);
	ck_assert_ptr_null(spec.hooks[BYOC_OCI_HOOK_POSTSTOP][1].args);
	ck_assert_int_eq(spec.hooks[BYOC_OCI_HOOK_POSTSTOP][1].timeout, 0);
	ck_assert_uint_eq(spec.n_hooks[BYOC_OCI_HOOK_PRESTART], 0);
	ck_assert_str_eq(byoc_oci_hook_names[BYOC_OCI_HOOK_START_CONTAINER], "startContainer");
	byoc_oci_free(&spec);
	expect_refused("", ", 'hooks': {'poststart': [{'path': '/bin/a', 'timeout': 0}]}",
		       "hooks.poststart[0].timeout: expected an integer from 1");
}
END_TEST

START_TEST(test_oci_devices_read)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;

	ck_assert_msg(parse_with("",
				 ", 'linux': {'resources': {'devices': [{'allow': false, "
				 "'access': 'rwm'}, {'allow': true, 'type': 'c', 'major': 1, "
				 "'minor': 3, 'access': 'rw'}]}, 'devices': [{'path': "
				 "'/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229, "
				 "'fileMode': 438, 'uid': 0, 'gid': 0}, {'path': '/dev/p', "
				 "'type': 'p'}]}",
				 &spec, &err) == 0,
		      "refused: %s", err.msg);
	ck_assert_uint_eq(spec.n_device_rules, 2);
	ck_assert(spec.device_rules[1].allow && spec.device_rules[1].type == 'c' &&
		  spec.device_rules[1].major == 1 && spec.device_rules[1].minor == 3);
	ck_assert_uint_eq(spec.device_rules[1].access, BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE);
	ck_assert_uint_eq(spec.n_devices, 2);
	ck_assert_str_eq(spec.devices[0].path, "/dev/fuse");
	ck_assert(spec.devices[0].type == 'c' && spec.devices[0].major == 10 &&
		  spec.devices[0].minor == 229 && spec.devices[0].mode == 0666);
	ck_assert(spec.devices[1].type == 'p' && spec.devices[1].mode == 0666);
	byoc_oci_free(&spec);
	expect_refused("", ", 'linux': {'resources': {'devices': [{'access': 'rwm'}]}}",
		       "linux.resources.devices[0].allow: missing");
	expect_refused("",
		       ", 'linux': {'resources': {'devices': [{'allow': true, 'access': 'rwx'}]}}",
		       "linux.resources.devices[0].access: \"rwx\": give letters of r, w and m");
	expect_refused("", ", 'linux': {'devices': [{'path': '/dev/x', 'type': 'c'}]}",
		       "linux.devices[0].major: missing");
}
END_TEST

START_TEST(test_oci_load_missing_bundle)
{
	struct byoc_error err = { 0 };
	struct byoc_oci spec;

	ck_assert_int_lt(byoc_oci_load("/nonexistent/bundle", &spec, &err), 0);
	ck_assert_str_eq(err.msg, "config.json: open(/nonexistent/bundle/config.json): ENOENT (No "
				  "such file or directory): give --bundle a directory that holds "
				  "config.json");
	ck_assert_int_eq(err.status, 1);
	byoc_oci_free(&spec);
}
END_TEST

START_TEST(test_oci_process_load_reads_a_file)
{
	char dir[] = "/tmp/byoc-oci-XXXXXX", path[64];
	struct byoc_oci_process p;
	struct byoc_error err = { 0 };
	json_t *owner = NULL;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/process.json", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"cwd\": \"/tmp\", \"args\": [\"ls\", \"-l\"], \"env\": [\"A=b\"], "
	      "\"terminal\": true, \"user\": {\"uid\": 1000, \"gid\": 100, \"additionalGids\": "
	      "[10, 20]}, \"noNewPrivileges\": true, \"oomScoreAdj\": -500}",
	      f);
	fclose(f);
	ck_assert_msg(byoc_oci_process_load(path, &p, &owner, &err) == 0, "refused: %s", err.msg);
	ck_assert_str_eq(p.cwd, "/tmp");
	ck_assert_str_eq(p.args[1], "-l");
	ck_assert(p.terminal && p.uid == 1000 && p.gid == 100 && p.no_new_privileges);
	ck_assert(p.n_additional_gids == 2 && p.additional_gids[1] == 20);
	ck_assert(p.has_oom_score_adj && p.oom_score_adj == -500);
	byoc_oci_process_free(&p);
	byoc_oci_process_free(&p);
	json_decref(owner);

	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"cwd\": \"/\", \"args\": [\"ls\"], \"ioPriority\": {}}", f);
	fclose(f);
	ck_assert_int_lt(byoc_oci_process_load(path, &p, &owner, &err), 0);
	ck_assert_str_eq(err.msg, "process.json: ioPriority: not supported by byoc: remove it");
	ck_assert_ptr_null(owner);
	ck_assert_ptr_null(p.args);
	unlink(path);
	rmdir(dir);
}
END_TEST

TCase *oci_tcase(void)
{
	TCase *tc = tcase_create("oci");

	tcase_add_test(tc, test_oci_minimal_config_has_defaults);
	tcase_add_test(tc, test_oci_podman_config_parses);
	tcase_add_test(tc, test_oci_syntax_error_names_line_and_column);
	tcase_add_test(tc, test_oci_duplicate_key_refused);
	tcase_add_test(tc, test_oci_wrong_type_names_path_and_type);
	tcase_add_test(tc, test_oci_missing_fields_refused);
	tcase_add_test(tc, test_oci_unknown_keys_refused);
	tcase_add_test(tc, test_oci_intel_rdt_refused);
	tcase_add_test(tc, test_oci_empty_labels_and_block_io_accepted);
	tcase_add_test(tc, test_oci_namespace_refusals);
	tcase_add_test(tc, test_oci_namespace_path_and_id_maps);
	tcase_add_test(tc, test_oci_bad_rlimits_refused);
	tcase_add_test(tc, test_oci_rlimit_infinity_read);
	tcase_add_test(tc, test_oci_bad_capability_refused);
	tcase_add_test(tc, test_oci_relative_paths_refused);
	tcase_add_test(tc, test_oci_mount_options_refused);
	tcase_add_test(tc, test_oci_mount_data_overflow_refused);
	tcase_add_test(tc, test_oci_relative_paths_resolve_against_bundle);
	tcase_add_test(tc, test_oci_integer_range_refused);
	tcase_add_test(tc, test_oci_env_needs_equals);
	tcase_add_test(tc, test_oci_hooks_read);
	tcase_add_test(tc, test_oci_devices_read);
	tcase_add_test(tc, test_oci_load_missing_bundle);
	tcase_add_test(tc, test_oci_process_load_reads_a_file);
	return tc;
}
