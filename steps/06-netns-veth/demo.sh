#!/usr/bin/env bash
# Step 06's demonstration: the container's network namespace and its veth
# pair, seen with ip from both ends. It always runs in a network namespace of
# its own (make step-06's sandbox makes one; run by hand, it makes its own),
# so both ends of every pair live there and no packet leaves it.
# Usage: steps/06-netns-veth/demo.sh STEP_BINARY
set -u
if [ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/1/ns/net)" ]; then
	exec unshare --net -- "$0" "$@"
fi
bin=$1
. "$(dirname "$0")/../demo-lib.sh"

require_rootfs 06-netns-veth net.c "byoc_stage_net"

say "The container's namespaces: net is new"
with_container ':' namespaces

say "Inside (the container's own ip): its links, addresses and routes"
inside 'ip -o link | cut -d" " -f2,3; ip -o -4 addr | cut -d" " -f2,7; ip route'

say "Outside, in the runtime's namespace: the host end of the pair"
outside() {
	local end
	end=$(ip -o link show | sed -n 's/^[0-9]*: \(byoc[^:@]*\).*/\1/p' | head -n 1)
	if [ -z "$end" ]; then
		echo "  no host end: the pair is not made yet (the TODOs in veth_create() and"
		echo "  net_after_clone(), exercises/06-netns-veth/net.c)"
		return
	fi
	echo "  \$ ip -d link show $end"
	ip -d link show "$end" | sed 's/^/  /'
	echo "  \$ ip -4 addr show $end"
	ip -4 -o addr show "$end" | cut -d' ' -f2,7 | sed 's/^/  /'
	echo "  \$ ping -c 1 -W 1 (eth0's address), from here"
	busybox ping -c 1 -W 1 "$(nsenter -t "$1" -n ip -o -4 addr show eth0 | awk '{ sub("/.*", "", $4); print $4 }')" 2>&1 |
		sed 's/^/  /'
}
with_container 'echo "inside, ping -c 1 -W 1 (the gateway): $(ping -c 1 -W 1 "$(ip route | awk "/default/ { print \$3 }")" | sed -n 2p)"' outside

say "The netlink messages the runtime sent (-v, the lines of lib/netlink.c)"
"$bin" -v -- /bin/true 2>&1 | sed -n 's/^byoc\[\(.*\)\]: netlink: /  [\1] /p'

say "The container's /etc/hostname and /etc/hosts (--hostname web): files of its own"
inside --hostname web 'cat /etc/hostname /etc/hosts; grep " /etc/h" /proc/self/mountinfo | cut -d" " -f5'

say "--net none: a namespace with only lo"
inside --net none 'ip -o link | cut -d" " -f2,3'

say "The kernel destroys a veth pair with the namespace of either end (ip, not the runtime)"
coproc HOLDER { exec unshare --net sh -c 'echo ready; exec sleep 10'; }
read -r _ <&"${HOLDER[0]}"
holder=$HOLDER_PID
echo "  \$ ip link add byoc-demo type veth peer name eth0 netns $holder   # a namespace of sleep's"
ip link add byoc-demo type veth peer name eth0 netns "$holder"
ip -o link show byoc-demo | cut -d' ' -f2,3 | sed 's/^/  /'
echo "  \$ kill $holder   # the namespace's last process"
kill "$holder"
wait "$holder" 2>/dev/null
# The kernel tears the namespace down in a work queue, a moment later.
for _ in $(seq 50); do ip link show byoc-demo >/dev/null 2>&1 || break; sleep 0.1; done
echo "  \$ ip link show byoc-demo"
ip link show byoc-demo 2>&1 | sed 's/^/  /'
ip link delete byoc-demo 2>/dev/null

say "When the container ends, the kernel removes its pair with its namespace"
for _ in $(seq 50); do ip -o link | grep -q ': byoc' || break; sleep 0.1; done
echo "  host ends while no container runs: $(ip -o link | grep -c ': byoc')"

say "Next"
echo "Grade this step:        sudo make test STEP=06"
echo "A shell inside:         sudo make shell STEP=06   (try ip addr, ping, nc: see the lesson)"
