/* An OCI bundle's hooks: programs of the machine that the runtime runs at
 * fixed points of a container's life, each with the container's state as
 * JSON on its stdin (the runtime spec, "POSIX-platform Hooks"). prestart and
 * createRuntime run once the namespaces exist and before the container sets
 * itself up (the oci-hooks stage's after_clone(), while the child waits for
 * "go": a network hook can configure /proc/PID/ns/net); poststart after
 * `start`; poststop after `delete`. */
#define _GNU_SOURCE
#include "oci_stages.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* One hook: its exit status, or why it failed, in `err`. */
static int run_hook(const struct byoc_oci_hook *h, const char *where, const char *state,
		    struct byoc_error *err)
{
	static const char *const no_env[] = { NULL };
	const char *const self[] = { h->path, NULL };
	int in[2], ws = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return byoc_error_sys(err, errno, "pipe2(%s)", where);
	pid = fork();
	if (pid < 0) {
		close(in[0]), close(in[1]);
		return byoc_error_sys(err, errno, "fork(%s)", where);
	}
	if (pid == 0) {
		dup2(in[0], 0);
		execve(h->path, (char **)(h->args ? h->args : self),
		       (char **)(h->env ? h->env : no_env));
		_exit(127);
	}
	close(in[0]);
	/* A hook that does not read its stdin gets EPIPE, not SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (write(in[1], state, strlen(state)) < 0 && errno != EPIPE)
		byoc_log("%s: write(state): %s", where, strerror(errno));
	close(in[1]);
	for (long long end = h->timeout ? now_ms() + 1000LL * h->timeout : 0;;) {
		pid_t got = waitpid(pid, &ws, end ? WNOHANG : 0);
		if (got == pid)
			break;
		if (got < 0 && errno != EINTR)
			return byoc_error_sys(err, errno, "waitpid(%s)", where);
		if (end && now_ms() > end) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
				;
			return byoc_error_set(err, 1, "%s %s: still running after its timeout of %d s: "
						      "killed",
					      where, h->path, h->timeout);
		}
		if (end)
			poll(NULL, 0, 10);
	}
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
		return 0;
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 127)
		return byoc_error_set(err, 1, "%s %s: could not be run (status 127): give the path "
					      "of a program of the machine",
				      where, h->path);
	return byoc_error_set(err, 1, "%s %s: %s %d", where, h->path,
			      WIFEXITED(ws) ? "exited with status" : "killed by signal",
			      WIFEXITED(ws) ? WEXITSTATUS(ws) : WTERMSIG(ws));
}

int byoc_oci_hooks_run(const struct byoc_oci *spec, enum byoc_oci_hook_kind kind,
		       const char *state, struct byoc_error *err)
{
	for (size_t i = 0; i < spec->n_hooks[kind]; i++) {
		char where[64];
		snprintf(where, sizeof(where), "hooks.%s[%zu]", byoc_oci_hook_names[kind], i);
		byoc_log("%s: %s", where, spec->hooks[kind][i].path);
		if (run_hook(&spec->hooks[kind][i], where, state, err) < 0)
			return -1;
	}
	return 0;
}

char *byoc_oci_state_text(const struct byoc_oci *spec, const char *id, const char *status,
			  pid_t pid)
{
	json_t *st = json_pack("{s:s, s:s, s:s, s:i, s:s, s:O}", "ociVersion", "1.0.2", "id", id,
			       "status", status, "pid", (int)pid, "bundle", spec->bundle,
			       "annotations", spec->annotations);
	char *text = st ? json_dumps(st, JSON_COMPACT) : NULL;

	json_decref(st);
	return text;
}

/* prestart, then createRuntime: the child exists, in its namespaces and its
 * cgroups, and waits. A failure stops the container's creation. */
static int hooks_after_clone(struct byoc_container *c, struct byoc_error *err)
{
	const struct byoc_oci *spec = c->opts->oci;
	_cleanup_free_ char *state = NULL;

	if (!spec->n_hooks[BYOC_OCI_HOOK_PRESTART] && !spec->n_hooks[BYOC_OCI_HOOK_CREATE_RUNTIME])
		return 0;
	state = byoc_oci_state_text(spec, c->opts->name, "creating", c->pid);
	if (!state)
		return byoc_error_sys(err, ENOMEM, "the state for the hooks");
	if (byoc_oci_hooks_run(spec, BYOC_OCI_HOOK_PRESTART, state, err) < 0 ||
	    byoc_oci_hooks_run(spec, BYOC_OCI_HOOK_CREATE_RUNTIME, state, err) < 0)
		return -1;
	return 0;
}

const struct byoc_stage byoc_stage_oci_hooks = {
	.name = "oci-hooks",
	.after_clone = hooks_after_clone,
};
