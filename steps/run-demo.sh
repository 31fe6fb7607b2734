#!/usr/bin/env bash
# sudo make run: the full container, every step at once, seen from inside and
# from the host. make runs it in the sandbox and in a network namespace of its
# own (tools/sandbox.sh).
# Usage: steps/run-demo.sh BYOC_BINARY
set -u
bin=$1 bin_args=(run)
. "$(dirname "$0")/demo-lib.sh"

opts=(--hostname demo --memory 32M --pids 16)
say "The full container: byoc run ${opts[*]}"
if ! "$bin" run -- /bin/true; then
	echo "The container did not start: the line above names the stage and the file."
	echo "Run 'sudo make run' (the reference stages) to see it work, and 'sudo make test'"
	echo "to grade every step at once: each step below full marks is one left to finish."
	exit 1
fi
inside "${opts[@]}" 'echo "hostname: $(hostname)"; echo "my PID: $$"; ps -o pid,comm'

say "Its mounts: an overlay of the rootfs as its root (gone at exit unless --keep), /proc, /dev, /sys, /tmp"
inside "${opts[@]}" 'mount | sed "s/ (.*//"'

say "Its network: a veth pair, eth0 inside, the host end in the demonstration's namespace"
net_outside() {
	local end addr
	end=$(ip -o link show | sed -n 's/^[0-9]*: \(byoc[^:@]*\).*/\1/p' | head -n 1)
	addr=$(nsenter -t "$1" -n ip -o -4 addr show eth0 | awk '{ sub("/.*", "", $4); print $4 }')
	echo "  host end: $end $(ip -4 -o addr show "$end" | awk '{ print $4 }')"
	echo "  host, ping -c 1 -W 1 $addr: $(busybox ping -c 1 -W 1 "$addr" 2>&1 | sed -n 2p)"
}
with_container "${opts[@]}" 'echo "inside: $(ip -o -4 addr show eth0 | cut -d" " -f2,7)";
gw=$(ip route | awk "/default/ { print \$3 }");
echo "inside, ping -c 1 -W 1 $gw (the host end): $(ping -c 1 -W 1 "$gw" | sed -n 2p)"' net_outside

say "From the host: its namespaces, its cgroup, its limits"
outside() {
	namespaces "$1"
	echo "  cgroup (pids):  $(grep -E 'pids|^0::' "/proc/$1/cgroup" | head -n1)"
	echo "  memory limit:   $(cat "$(cgfile "$1" memory memory.max)" 2>/dev/null ||
		cat "$(cgfile "$1" memory memory.limit_in_bytes)") bytes"
	echo "  pids.max:       $(cat "$(cgfile "$1" pids pids.max)")"
}
with_container "${opts[@]}" ':' outside

say "A fork bomb stops at --pids 16 (read on the host while it runs)"
show_pids() {
	echo "  host: pids.current $(cat "$(cgfile "$1" pids pids.current)"), forks refused" \
		"(pids.events max): $(awk '$1 == "max" { print $2 }' "$(cgfile "$1" pids pids.events)")"
}
with_container "${opts[@]}" 'forkbomb' show_pids

say "A memory hog is killed at --memory 32M"
"$bin" run --memory 32M --stats -- /bin/hog 2>&1 | sed 's/^/  /'
echo "  (status ${PIPESTATUS[0]}: 128 + SIGKILL, from the OOM killer)"

say "Without root: the same runtime started by a normal user (step 10, rootless)"
# The user who ran sudo, or nobody: a user namespace first, the user root
# inside it; what needs root (cgroup limits, a veth) is refused in one line.
user=${SUDO_USER:-nobody}
[ "$user" = root ] && user=nobody
state=$(mktemp -d)
chown "$user" "$state"
abs=$(realpath "$bin")
rootless() { (cd / && setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups "$abs" run --state-dir "$state" "$@"); }
echo "  as $user: byoc run -- /bin/sh -c 'echo PID \$\$; id; cat /proc/self/uid_map; hostname'"
rootless -- /bin/sh -c 'echo "PID $$"; id; cat /proc/self/uid_map; hostname; mount | grep " on / "' 2>&1 | sed 's/^/  /'
echo "  as $user: byoc run --memory 32M -- /bin/true"
rootless --memory 32M -- /bin/true 2>&1 | sed 's/^/  /'
rm -rf "$state"

say "Next"
echo "A shell in the full container:   sudo make run ARGS='--memory 64M -- /bin/sh'"
echo "Built from your own stages:      sudo make run IMPL=exercises"
echo "Without sudo (rootless):         build/solutions/byoc run -- /bin/sh"
echo "The step path starts at:         steps/01-chroot/README.md, then sudo make step-01"
