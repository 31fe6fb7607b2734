/* One run of a container, as its parent's side (container.c, monitor.c) and
 * its child's side (child.c) share it. Not for the stages. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "stage.h"

/* Which stage the child is in, for the parent to name if the child dies
 * there: a page the two share (MAP_SHARED, made before clone()), so that a
 * note costs no system call and wakes nobody. */
struct byoc_child_notes {
	char stage[sizeof(((struct byoc_error *)0)->stage)];
};

/* One run of one container, from its stage list to its clean-up. */
struct byoc_run {
	struct byoc_container *c;
	const struct byoc_stage **stages; /* selected and ordered */
	size_t n_stages;
	size_t prepared; /* how many stages' prepare() ran: their cleanup() runs */
	unsigned long clone_flags;
	sigset_t waitset, oldmask; /* what the parent waits for; the caller's mask */
	int sync_fd;		   /* the parent's end of the sync socket */
	struct byoc_child_notes *notes;
};

#define BYOC_GO_BYTE	'G'
#define BYOC_READY_BYTE 'R'
/* byoc create: the child is set up and waits for byoc start. */
#define BYOC_CREATED_BYTE 'C'
