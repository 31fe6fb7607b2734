#!/usr/bin/env bash
# Step 02's demonstration: a PID, a UTS and an IPC namespace; what PID 1 must do.
# Usage: steps/02-pid-ns/demo.sh STEP_BINARY
set -u
bin=$1
. "$(dirname "$0")/../demo-lib.sh"

require_rootfs 02-pid-ns pidns.c "byoc_stage_pidns"

say "The command is PID 1 of a new PID namespace"
inside 'echo "my PID is $$"'
if ! "$bin" -- /bin/sh -c '[ $$ = 1 ]' 2>/dev/null; then
	echo "It is not: byoc_stage_pidns in exercises/02-pid-ns/pidns.c asks for no new"
	echo "namespaces yet. Read steps/02-pid-ns/README.md, \"Your task\"."
	exit 1
fi

say "Which namespaces does the container have? (the kernel's answer, from the host)"
show_host_pid() { echo "  its PID on the host: $1"; namespaces "$1"; }
with_container ':' show_host_pid
echo "New PID, UTS and IPC namespaces; the mounts and the network are still the host's."

say "The trap: a PID namespace without a mount namespace"
echo "With --rootfs / the container sees the host's /proc, and ps believes it:"
inside --rootfs / 'echo "I am PID $$"; ps -o pid,comm -p 1 2>/dev/null || cat /proc/1/comm'
echo "ps reads /proc, and /proc is still the host's: it shows the host's PID 1. Step 03"
echo "mounts a /proc of the container's own."

say "Hostname: the container's own UTS namespace"
inside --hostname demo-box 'hostname'
echo "  host: $(hostname)   (unchanged)"
inside 'hostname'
echo "Without --hostname, the name is the container's id."

say "IPC: a message queue made inside stays inside"
check_queue() {
	if ipcs -q 2>/dev/null | grep -qw 4242; then
		echo "  host: the queue with key 4242 is visible (it should not be)"
	else
		echo "  host: ipcs -q shows no queue with key 4242"
	fi
}
with_container 'mkmsgq 4242' check_queue
echo "The queue died with the container's IPC namespace."

say "PID 1 and signals"
echo "The kernel delivers to PID 1 only the signals it has a handler for. A SIGTERM to"
echo "a command that does not trap it is dropped:"
term_it() {
	echo "  host: kill -TERM $runtime (the runtime, which passes it on)"
	kill -TERM "$runtime"
	sleep 0.2 # a demonstration: give the signal time to arrive, or not
}
with_container 'echo "no trap"' term_it
echo "The command carried on to its end: the kernel dropped the SIGTERM. With a trap:"
with_container 'trap "echo caught SIGTERM; exit 3" TERM; echo "trap set"' term_it
echo "The trap ran, and the runtime exited with the command's status."

say "PID 1 and orphans"
orphan='( sleep 0.1 & )'
show_children() {
	sleep 0.5 # a demonstration: let the orphan exit first
	ps -o pid,stat,comm --ppid "$1" | sed 's/^/  /'
}
echo "A process whose parent exits is handed to PID 1. Here PID 1 is sh, which is busy"
echo "in 'read' and does not reap it: a zombie (Z) stays, seen from the host:"
with_container "$orphan" show_children
echo "With --init, a minimal init is PID 1: it reaps orphans and passes signals on."
echo "The command runs as PID 2, and PID 1 has no zombie children:"
with_container --init "$orphan" show_children

say "Next"
echo "Grade this step:        sudo make test STEP=02"
echo "A shell inside:         sudo make shell STEP=02"
