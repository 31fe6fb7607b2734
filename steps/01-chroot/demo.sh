#!/usr/bin/env bash
# Step 01's demonstration: what a chroot isolates, and all that it shares.
# Usage: steps/01-chroot/demo.sh STEP_BINARY
set -u
bin=$1

if [ -t 1 ]; then bold=$'\e[1m' off=$'\e[0m'; else bold="" off=""; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }
inside() { # inside SCRIPT: show it, then run it in the container
	printf '[container]$ %s\n' "$1"
	"$bin" -- /bin/sh -c "$1" 2>&1 | sed 's/^/  /'
}

say "Is the container's / the lab's rootfs?"
if ! "$bin" -- /bin/sh -c '[ -e /etc/byoc-rootfs ]' 2>/dev/null; then
	echo "No: the command ran with the host's / as its root directory."
	echo "chroot_child_setup() in exercises/01-chroot/chroot.c is still a TODO:"
	echo "read steps/01-chroot/README.md, \"Your task\", then run 'sudo make step-01' again."
	exit 1
fi
inside 'ls /; cat /etc/byoc-rootfs'
echo "Yes: files are isolated. The host's files are out of sight (but see the breakout)."

say "Which namespaces does the container have? (the kernel's answer, from the host)"
coproc CONTAINER { "$bin" -- /bin/sh -c 'echo $$; read line'; }
read -r pid <&"${CONTAINER[0]}"
for ns in mnt pid uts ipc net cgroup user; do
	mine=$(readlink "/proc/self/ns/$ns") theirs=$(readlink "/proc/$pid/ns/$ns")
	printf '  %-7s %-24s %s\n' "$ns" "$theirs" \
		"$([ "$mine" = "$theirs" ] && echo "the host's own" || echo "a new one")"
done
echo >&"${CONTAINER[1]}"
wait "$CONTAINER_PID" 2>/dev/null
echo "Every namespace is the host's: chroot changes the root directory and nothing else."

say "Processes are shared"
inside 'echo "my PID is $$, a number from the host'"'"'s PID space"; kill -0 1 && echo "and I may signal PID 1, the host'"'"'s init"'
inside 'ps; ls /proc'
echo "ps shows nothing only because /proc is an empty directory here. Step 02 gives"
echo "the container its own PID numbers, step 03 its own /proc."

say "The hostname is shared"
inside 'hostname'
echo "  host: $(hostname)   (step 02 gives the container a UTS namespace)"

say "The network is shared"
inside 'ip -o link | cut -d: -f2'
echo "These are the host's interfaces (step 06 gives the container its own)."

say "The breakout: /bin/breakout escapes the chroot and reads the host's /etc/os-release"
inside '/bin/breakout /etc/os-release | head -n 2'
echo "The rootfs has no /etc/os-release: those lines came from the host."
echo "Step 03 (pivot_root in a mount namespace) closes this hole, and its tests prove it."

say "Next"
echo "Grade this step:        sudo make test STEP=01"
echo "A shell in the chroot:  sudo make shell STEP=01"
