#!/usr/bin/env bash
# Step 08's demonstration: root inside writes none of the machine's knobs in
# /proc and /sys and opens no device of the machine, and the container has a
# session and a session keyring of its own. It never writes a knob: the lab's
# probe, `door openw PATH`, opens PATH for writing, closes it and writes
# nothing.
# Usage: steps/08-devices-and-proc/demo.sh STEP_BINARY
# The scripts in single quotes run in the container's sh, which expands them:
# shellcheck disable=SC2016
set -u
bin=$1
# shellcheck source=SCRIPTDIR/../demo-lib.sh
. "$(dirname "$0")/../demo-lib.sh"

say "Is the container's / the lab's rootfs?"
require_rootfs 08-devices-and-proc devices.c "emit_rule()"
if ! "$bin" -- /bin/sh -c '[ -x /bin/door ]' >/dev/null 2>&1; then
	echo "The rootfs has no /bin/door, the lab's probe: run 'sudo make rootfs'."
	exit 1
fi
echo "Yes, with the lab's probe, /bin/door: 'door openw PATH' opens PATH for writing"
echo "and closes it, never writing; it prints 'open', or 'held open ENAME' when refused."

# hint FILE FUNCTION SECTION: what is still a TODO, and where to read.
hint() {
	echo "That door is still open: $2 in exercises/08-devices-and-proc/$1 is a TODO."
	echo "Read steps/08-devices-and-proc/README.md, \"$3\"."
}

say "The machine's knobs in /proc/sys: read-only"
inside 'for k in /proc/sys/kernel/core_pattern /proc/sys/kernel/modprobe /proc/sys/vm/drop_caches /proc/sysrq-trigger; do if [ -e $k ]; then echo "$k: $(door openw $k)"; else echo "$k: (this kernel has none)"; fi; done'
inside 'grep -E " /proc/(sys|sysrq-trigger) " /proc/self/mountinfo | cut -d" " -f5,6'
if "$bin" -- /bin/door openw /proc/sys/kernel/core_pattern >/dev/null 2>&1; then
	hint proc.c "readonly_path()" "Your task: read-only paths"
else
	echo "EROFS: /proc/sys is a bind mount of its own, read-only (ro in mountinfo),"
	echo "whatever the file's mode and the capabilities."
fi

say "Masked: the machine's keyrings, its firmware, the kernel's memory"
inside 'echo "/proc/keys: $(wc -l </proc/keys) lines"; echo "/sys/firmware: $(ls /sys/firmware | wc -l) entries"; if [ -e /proc/kcore ]; then echo "/proc/kcore: $(door stat /proc/kcore)"; else echo "/proc/kcore: (this kernel has none)"; fi'
if [ "$("$bin" -- /bin/sh -c 'wc -l </proc/keys' 2>/dev/null)" != 0 ]; then
	hint proc.c "mask_path()" "Your task: masked paths"
else
	echo "An empty file (/dev/null, chr 1:3, bound over it) and an empty read-only tmpfs."
fi

say "Devices: mknod still works (Docker's set keeps CAP_MKNOD), open does not"
echo "(c 1:11 is /dev/kmsg, the kernel's log)"
inside 'mknod /dev/kmsg2 c 1 11 && ls -l /dev/kmsg2 && door openw /dev/kmsg2'
if "$bin" -- /bin/sh -c 'mknod /dev/kmsg2 c 1 11 && door openw /dev/kmsg2' >/dev/null 2>&1; then
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		hint devices.c "emit_rule()" "Your task: the v2 program"
	else
		hint devices.c "write_rules_v1()" "Your task: the v1 list"
	fi
else
	echo "EPERM: the cgroup's device list allows mknod of any node, and open of a few."
fi
device_list() {
	local dir
	if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
		echo "  host: $(cgfile "$1" devices devices.list):"
		sed 's/^/    /' "$(cgfile "$1" devices devices.list)"
		return
	fi
	dir=$(cgfile "$1" devices "")
	if command -v bpftool >/dev/null 2>&1; then
		echo "  host: bpftool cgroup show $dir:"
		bpftool cgroup show "$dir" 2>&1 | sed 's/^/    /'
	else
		echo "  host: cgroup v2 has no devices files: the list is a BPF program attached"
		echo "  to $dir (install bpftool to see it)"
	fi
}
echo "The list, from the host, while a container runs:"
with_container ':' device_list
if [ -c /dev/fuse ]; then
	echo "One device more, the machine's /dev/fuse, with --device:"
	inside 'mknod /dev/fuse c 10 229 && door openw /dev/fuse'
	inside --device /dev/fuse 'ls -l /dev/fuse && door openw /dev/fuse'
fi

say "--privileged lifts both fences"
inside --privileged 'echo "/proc/keys: $(wc -l </proc/keys) lines"; door openw /proc/sys/kernel/core_pattern; mknod /dev/kmsg2 c 1 11 && door openw /dev/kmsg2'

say "A session of its own, and a session keyring of its own"
session() {
	echo "  host: the demonstration's session: $(cut -d' ' -f6 "/proc/$$/stat")"
	echo "  host: the container's sh, host PID $1: session $(cut -d' ' -f6 "/proc/$1/stat")"
}
with_container 'echo "inside: session $(cut -d" " -f6 /proc/self/stat), $(door keyring)"' session
inside 'door keyring'
inside 'door keyring'
if [ "$("$bin" -- /bin/sh -c 'cut -d" " -f6 /proc/self/stat' 2>/dev/null)" != 1 ]; then
	hint proc.c "own_session()" "Your task: a session of its own"
else
	echo "The container's PID 1 leads a session of its own (1 inside, its own host PID"
	echo "outside), and each container has a new session keyring."
fi

say "Next"
echo "Grade this step:        sudo make test STEP=08"
echo "A shell inside:         sudo make shell STEP=08"
