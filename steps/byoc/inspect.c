/* byoc inspect NAME: a container as JSON, in the spirit of docker inspect:
 * its config, its state, its processes, its cgroups and its addresses. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "gc.h"
#include "record.h"
#include "state.h"
#include "verbs.h"

/* "2026-12-07T21:03:23.123456789Z", or "" for 0. */
static json_t *rfc3339(long long ns)
{
	char buf[64];
	time_t s = (time_t)(ns / 1000000000LL);
	struct tm tm;

	if (ns <= 0 || !gmtime_r(&s, &tm))
		return json_string("");
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".%09lldZ", ns % 1000000000LL);
	return json_string(buf);
}

static json_t *config_list(const struct byoc_record *r, const char *key)
{
	json_t *list = json_array();
	const char *cursor = NULL;
	char word[1024];

	while (byoc_record_next(r, key, &cursor, word, sizeof(word)))
		json_array_append_new(list, json_string(word));
	return list;
}

/* Every process in the container's PID namespace, as the host numbers them. */
static json_t *pids(const struct byoc_record *r)
{
	json_t *list = json_array();
	char path[64], want[64], link[64];
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)r->pid);
	if (!r->running || !byoc_record_pid_alive(r) ||
	    (n = readlink(path, want, sizeof(want) - 1)) <= 0)
		return list;
	want[n] = '\0';
	d = opendir("/proc");
	while (d && (e = readdir(d))) {
		int pid = atoi(e->d_name);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0 && (link[n] = '\0', strcmp(link, want) == 0))
			json_array_append_new(list, json_integer(pid));
	}
	return list;
}

/* The journal's cgroup directories and network claim. */
static void journal(const struct byoc_record *r, json_t *cgroups, json_t *net)
{
	char path[4300], buf[16384], want[32];
	ssize_t n;
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "%s/journal", r->dir);
	snprintf(want, sizeof(want), "/byoc-%s", r->id);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char block[32], link[16];
		struct in_addr a;
		size_t len = strlen(line);
		if (strncmp(line, "/sys/fs/cgroup/", 15) == 0 && len > strlen(want) &&
		    strcmp(line + len - strlen(want), want) == 0)
			json_array_append_new(cgroups, json_string(line));
		if (sscanf(line, "net %31s %15s", block, link) == 2 &&
		    inet_pton(AF_INET, block, &a) == 1) {
			uint32_t base = ntohl(a.s_addr);
			char host[16], peer[16];
			struct in_addr h = { htonl(base + 1) }, p = { htonl(base + 2) };
			inet_ntop(AF_INET, &h, host, sizeof(host));
			inet_ntop(AF_INET, &p, peer, sizeof(peer));
			json_object_set_new(net, "IPAddress", json_string(peer));
			json_object_set_new(net, "PrefixLen", json_integer(30));
			json_object_set_new(net, "Gateway", json_string(host));
			json_object_set_new(net, "HostLink", json_string(link));
		}
	}
}

static json_t *inspect(const struct byoc_record *r)
{
	json_t *args = config_list(r, "arg"), *net = json_object(), *cgroups = json_array();
	json_t *rest = json_array();
	const char *status = r->running ? (r->started ? "running" : "created") : "exited";
	char path[4300];

	for (size_t i = 1; i < json_array_size(args); i++)
		json_array_append(rest, json_array_get(args, i));
	journal(r, cgroups, net);
	json_object_set_new(net, "Mode", json_string(r->net));
	snprintf(path, sizeof(path), "%s/log", r->dir);
	return json_pack(
		"{s:s, s:s, s:o, s:o, s:o, s:{s:s, s:b, s:i, s:i, s:o, s:o, s:s},"
		" s:{s:o, s:o, s:s, s:s, s:b, s:b, s:b, s:b},"
		" s:{s:I, s:I, s:I}, s:s, s:s, s:o, s:o, s:o}",
		"Id", r->id, "Name", r->name, "Created", rfc3339(r->created_ns), "Path",
		json_array_size(args) ? json_copy(json_array_get(args, 0)) : json_string(""),
		"Args", rest, "State", "Status", status, "Running", r->running, "Pid",
		r->running && r->started ? (int)r->pid : 0, "ExitCode",
		r->exited ? r->exit_status : 0, "StartedAt", rfc3339(r->created_ns), "FinishedAt",
		rfc3339(r->exited ? r->finished_ns : 0), "Reason", r->reason, "Config", "Cmd", args,
		"Env", config_list(r, "env"), "WorkingDir", r->workdir[0] ? r->workdir : "/",
		"Hostname", r->hostname, "Tty", r->tty, "Detached", r->detached, "Init", r->init,
		"UserNS", r->userns, "HostConfig", "Memory", (json_int_t)r->memory, "PidsLimit",
		(json_int_t)r->pids, "NanoCpus", (json_int_t)(r->cpus * 1000), "StateDir", r->dir,
		"LogPath", r->detached ? path : "", "Pids", pids(r), "CgroupPaths", cgroups,
		"NetworkSettings", net);
}

int byoc_inspect_main(int argc, char **argv)
{
	struct byoc_state st;
	const char *root;
	json_t *all = json_array();
	int status = 0, i = 1;

	byoc_state_defaults(&st);
	root = st.root;
	if (argc > 3 && strcmp(argv[1], "--state-dir") == 0)
		root = argv[2], i = 3;
	if (i >= argc) {
		fprintf(stderr, "byoc inspect: name a container: usage: byoc inspect NAME...\n");
		return BYOC_EXIT_RUNTIME;
	}
	byoc_gc(root, NULL, NULL, &(struct byoc_error){ 0 });
	for (; i < argc; i++) {
		struct byoc_error err = { 0 };
		struct byoc_record r;
		char id[13];
		if (byoc_record_find(root, argv[i], id, &err) < 0 ||
		    byoc_record_load(root, id, &r) < 0) {
			fprintf(stderr, "byoc inspect: %s\n",
				err.msg[0] ? err.msg : "the container is gone");
			status = BYOC_EXIT_RUNTIME;
			continue;
		}
		json_array_append_new(all, inspect(&r));
	}
	if (json_array_size(all)) {
		char *text = json_dumps(all, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
		if (text)
			printf("%s\n", text);
		free(text);
	}
	json_decref(all);
	return status;
}
