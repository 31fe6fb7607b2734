/* The child's side of the lifecycle (lib/container.h's diagram, right). */
#pragma once

#include "run.h"

/* The child's whole life after clone(): wait for "go", run every stage's
 * child_setup() (waiting for an overlapping after_clone() where one is),
 * then execve() the command. Never returns. */
_Noreturn void byoc_child_main(struct byoc_run *run);
