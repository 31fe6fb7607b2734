/* The stage list: which stages a container has, in which order, and the
 * refusal of a list that would act on the machine itself. */
#define _GNU_SOURCE
#include "stage.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static void fill_stage(struct byoc_error *err, const char *stage)
{
	snprintf(err->stage, sizeof(err->stage), "%s", stage);
}

bool byoc_stage_host_skipped(const struct byoc_stage *s)
{
	return s->root_only && geteuid() != 0;
}

/* A hook that fails without a message is reported as such, with what to do
 * about it, rather than as an empty line. */
int byoc_stage_hook(int (*hook)(struct byoc_container *, struct byoc_error *),
		    struct byoc_container *c, const struct byoc_stage *s, const char *hook_name,
		    struct byoc_error *err)
{
	int r;

	byoc_log("stage %s: %s", s->name, hook_name);
	err->msg[0] = '\0';
	r = hook(c, err);
	if (r >= 0)
		return 0;
	if (err->msg[0] == '\0')
		byoc_error_set(err, BYOC_EXIT_RUNTIME,
			       "%s failed (returned %d) without saying why: fill err before "
			       "returning, with BYOC_SYS() around the system call, or "
			       "byoc_error_sys() or byoc_error_set() (see lib/error.h)",
			       hook_name, r);
	if (err->status == 0)
		err->status = BYOC_EXIT_RUNTIME;
	fill_stage(err, s->name);
	return r;
}

size_t byoc_stages_resolve(const struct byoc_stage *const *in, size_t n,
			   const struct byoc_stage **out)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		bool superseded = false;
		for (size_t j = i + 1; j < n; j++)
			if (in[j]->supersedes && strcmp(in[j]->supersedes, in[i]->name) == 0)
				superseded = true;
		if (!superseded)
			out[kept++] = in[i];
	}
	return kept;
}

/* What each namespace keeps from the machine, for the refusal's message; see
 * namespaces(7). */
static const struct {
	unsigned long flag;
	const char *name, *what, *risk;
} namespaces[] = {
	{ CLONE_NEWNS, "CLONE_NEWNS", "mount namespace",
	  "its mounts and pivot_root would change the machine's own mount table" },
	{ CLONE_NEWUTS, "CLONE_NEWUTS", "UTS namespace", "sethostname() would rename the machine" },
	{ CLONE_NEWIPC, "CLONE_NEWIPC", "IPC namespace",
	  "its IPC objects would be the machine's own" },
	{ CLONE_NEWPID, "CLONE_NEWPID", "PID namespace",
	  "the command would see and signal every process of the machine" },
	{ CLONE_NEWNET, "CLONE_NEWNET", "network namespace",
	  "its links and addresses would be the machine's own" },
	{ CLONE_NEWCGROUP, "CLONE_NEWCGROUP", "cgroup namespace",
	  "it would see the machine's whole cgroup tree" },
	{ CLONE_NEWUSER, "CLONE_NEWUSER", "user namespace",
	  "its root would be the machine's root" },
};

static const char *ns_field(unsigned long flag, size_t field)
{
	for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
		if (namespaces[i].flag == flag)
			return field == 0   ? namespaces[i].name
			       : field == 1 ? namespaces[i].what
					    : namespaces[i].risk;
	return NULL;
}

const char *byoc_ns_describe(unsigned long flag, const char **flag_name)
{
	if (flag_name && ns_field(flag, 0))
		*flag_name = ns_field(flag, 0);
	return ns_field(flag, 1);
}

int byoc_stages_check(const struct byoc_stage *const *stages, size_t n,
		      const struct byoc_ns_need *needs, size_t n_needs, struct byoc_error *err)
{
	unsigned long flags = 0;
	const struct byoc_ns_need *missing[8];
	size_t n_missing = 0;

	for (size_t i = 0; i < n; i++)
		flags |= stages[i]->clone_flags;
	for (size_t i = 0; i < n_needs && n_missing < sizeof(missing) / sizeof(missing[0]); i++)
		if (!(flags & needs[i].flag))
			missing[n_missing++] = &needs[i];
	if (n_missing == 0)
		return 0;

	const struct byoc_ns_need *need = missing[0];
	const char *name = ns_field(need->flag, 0), *what = ns_field(need->flag, 1);
	const char *risk = ns_field(need->flag, 2);
	fill_stage(err, need->stage);
	if (n_missing == 1)
		return byoc_error_set(err, BYOC_EXIT_RUNTIME,
				      "refused before anything ran: no stage asks clone() for a %s "
				      "(%s), so %s: add it to .clone_flags of stage %s in %s; read "
				      "%s",
				      what ? what : "namespace", name ? name : "CLONE_NEW?",
				      risk ? risk : "the container would share it with the machine",
				      need->stage, need->source, need->lesson);
	/* Several steps unfinished (the capstone built from exercises/): name
	 * every one, so that the student sees the whole list at once. */
	char list[400] = "";
	size_t len = 0;
	for (size_t i = 0; i < n_missing && len < sizeof(list); i++) {
		const char *flag = ns_field(missing[i]->flag, 0), *file = missing[i]->source;
		bool same_next = i + 1 < n_missing && strcmp(missing[i + 1]->source, file) == 0;
		bool last = i + 1 == n_missing;
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s%s%s",
					flag ? flag : "CLONE_NEW?", same_next ? ", " : " in ",
					same_next ? "" : file, same_next || last ? "" : "; ");
	}
	return byoc_error_set(err, BYOC_EXIT_RUNTIME,
			      "refused before anything ran: %zu namespaces that the container "
			      "needs are asked for by no stage, so it would share them with the "
			      "machine: add each to its stage's .clone_flags: %s; read each step's "
			      "\"Your task\"",
			      n_missing, list);
}

int byoc_stages_select(const struct byoc_options *o, const struct byoc_stage_list *list,
		       const struct byoc_stage **out, size_t *n_out, struct byoc_error *err)
{
	struct byoc_ns_need needs[16];
	const char *dropped[8];
	size_t count = byoc_stages_resolve(list->stages, list->n, out), kept = 0, n_needs = 0,
	       n_dropped = 0;

	/* Stages that this container goes without (step 10's userns stage
	 * without --userns), and what each of them would need. */
	for (size_t i = 0; i < count; i++)
		if (!out[i]->wanted || out[i]->wanted(o))
			out[kept++] = out[i];
		else if (n_dropped < sizeof(dropped) / sizeof(dropped[0]))
			dropped[n_dropped++] = out[i]->name;
	for (size_t i = 0; i < list->n_needs && n_needs < sizeof(needs) / sizeof(needs[0]); i++) {
		bool gone = false;
		for (size_t j = 0; j < n_dropped; j++)
			gone = gone || strcmp(list->needs[i].stage, dropped[j]) == 0;
		if (!gone)
			needs[n_needs++] = list->needs[i];
	}
	/* Before anything is created: a missing namespace means the stages
	 * would act on the machine itself. */
	*n_out = kept;
	return byoc_stages_check(out, kept, needs, n_needs, err) < 0 ? -EINVAL : 0;
}
