#!/usr/bin/env bash
# Step 04's demonstration: limits on memory, tasks and CPU, read from the
# cgroup's own files on the host while the container runs.
# Usage: steps/04-cgroups/demo.sh STEP_BINARY
set -u
bin=$1
. "$(dirname "$0")/../demo-lib.sh"

require_rootfs 04-cgroups cgroups.c "cgroups_after_clone()"
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then v2=1; else v2=""; fi

say "This machine's cgroups"
echo "  stat -fc %T /sys/fs/cgroup: $(stat -fc %T /sys/fs/cgroup) ->" \
	"$([ -n "$v2" ] && echo "cgroup v2, one unified tree" || echo "v1 (or hybrid): a tree per controller")"

say "The container's cgroup, from the host, and from inside"
joined=""
where() {
	grep -q byoc- "/proc/$1/cgroup" && joined=1
	grep -E 'byoc-' "/proc/$1/cgroup" | sed 's/^/  host: \/proc\/PID\/cgroup: /'
}
with_container --memory 48M --pids 20 --cpus 0.5 'cat /proc/self/cgroup | sed "s/^/inside: /"' where
if [ -z "$joined" ]; then
	echo "The container is still in the runtime's cgroup: cgroups_after_clone() in"
	echo "exercises/04-cgroups/cgroups.c is a TODO. Read steps/04-cgroups/README.md, \"Your task\"."
	exit 1
fi

say "The limits, as the kernel holds them (--memory 48M --pids 20 --cpus 0.5)"
show_limits() {
	local f
	if [ -n "$v2" ]; then
		for f in memory.max memory.swap.max pids.max cpu.max; do
			[ -e "$(cgfile "$1" memory "$f")" ] && printf '  %-28s %s\n' "$f" "$(cat "$(cgfile "$1" memory "$f")")"
		done
	else
		for f in memory:memory.limit_in_bytes memory:memory.memsw.limit_in_bytes pids:pids.max \
			cpu:cpu.cfs_quota_us cpu:cpu.cfs_period_us; do
			[ -e "$(cgfile "$1" "${f%%:*}" "${f#*:}")" ] &&
				printf '  %-28s %s\n' "${f#*:}" "$(cat "$(cgfile "$1" "${f%%:*}" "${f#*:}")")"
		done
	fi
}
with_container --memory 48M --pids 20 --cpus 0.5 ':' show_limits

say "memory: a hog that goes past --memory 32M is killed by the OOM killer"
inside --memory 32M 'hog; echo "hog exited with status $?"'
echo "The same, limited to 32M, with the figures the cgroup kept (--stats):"
"$bin" --memory 32M --stats -- /bin/hog 2>&1 | sed 's/^/  /'
echo "  (status 137 = 128 + SIGKILL; the cgroup counted the OOM kill)"

say "pids: a fork bomb stops at --pids 16"
show_pids() {
	local peak
	peak=$(cat "$(cgfile "$1" pids pids.peak)" 2>/dev/null || echo "n/a")
	echo "  host: pids.current $(cat "$(cgfile "$1" pids pids.current)"), pids.peak $peak," \
		"forks refused (pids.events max): $(awk '$1 == "max" { print $2 }' "$(cgfile "$1" pids pids.events)")"
}
with_container --pids 16 'forkbomb' show_pids

say "cpu: a busy loop for 1 s of wall time, with and without --cpus 0.25"
echo "LIMITED to a quarter of a CPU (--cpus 0.25):"
inside --cpus 0.25 'spin 1'
echo "UNLIMITED (no --cpus), for comparison:"
inside 'spin 1'
echo "LIMITED again (--cpus 0.25), with the figures the cgroup kept (--stats):"
"$bin" --cpus 0.25 --stats -- /bin/spin 1 2>&1 | sed 's/^/  /'

say "Next"
echo "Grade this step:        sudo make test STEP=04"
echo "A shell inside:         sudo make shell STEP=04   (try --memory, --pids: see the lesson)"
