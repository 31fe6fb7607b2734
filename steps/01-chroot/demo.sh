#!/usr/bin/env bash
# Step 01's demonstration: what a chroot isolates, and all that it shares.
# Usage: steps/01-chroot/demo.sh STEP_BINARY
set -u
bin=$1
. "$(dirname "$0")/../demo-lib.sh"

say "Is the container's / the lab's rootfs?"
require_rootfs 01-chroot chroot.c "chroot_child_setup()"
inside 'ls /; cat /etc/byoc-rootfs'
echo "Yes: files are isolated. The host's files are out of sight (but see the breakout)."

say "Which namespaces does the container have? (the kernel's answer, from the host)"
with_container ':' namespaces
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
