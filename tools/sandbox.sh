#!/bin/sh
# Run a command in throwaway namespaces of its own, so that a wrong stage
# cannot change the machine: a mount namespace whose mounts are all made
# private first (nothing mounted inside propagates out; see
# mount_namespaces(7)), a UTS namespace (its own hostname), an IPC
# namespace (its own System V objects) and a network namespace (its own
# links: both ends of step 06's veth pairs live there, and no packet leaves
# it). All four end with the command.
# unshare(1) execs the command itself: a terminal keeps working.
# Usage: tools/sandbox.sh COMMAND [ARG...]
if ! command -v unshare >/dev/null 2>&1; then
	echo "sandbox: unshare(1) is missing: run 'sudo make deps' (Debian package util-linux)" >&2
	exit 125
fi
exec unshare --mount --propagation private --uts --ipc --net -- "$@"
