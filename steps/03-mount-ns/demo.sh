#!/usr/bin/env bash
# Step 03's demonstration: a mount namespace, pivot_root, and the container's
# own /proc, /dev, /sys and /tmp.
# Usage: steps/03-mount-ns/demo.sh STEP_BINARY
set -u
bin=$1
. "$(dirname "$0")/../demo-lib.sh"

say "Is the container's / the lab's rootfs?"
require_rootfs 03-mount-ns mount.c "pivot_into_rootfs()"
echo "Yes."

say "Which namespaces does the container have? (the kernel's answer, from the host)"
with_container ':' namespaces
echo "A new mount namespace joins step 02's PID, UTS and IPC namespaces."

say "The container's mount table holds its own mounts only"
inside 'cut -d" " -f5,8 /proc/self/mountinfo'
echo "(mount point, then type.) Nothing of the host's mount tree is left: pivot_root"
echo "moved it aside and umount2 detached it."

say "A mount made inside stays inside"
look_from_host() {
	echo "  host: findmnt -n -S byoc-demo -> $(findmnt -n -S byoc-demo -o TARGET || echo 'nothing')"
}
with_container 'mount -t tmpfs byoc-demo /mnt && echo "mounted byoc-demo on /mnt"' look_from_host
echo "/ was made private (MS_REC|MS_PRIVATE) first, so nothing propagates to the host."

say "/proc of the container's own: ps shows its processes only"
inside 'sleep 1 & sleep 0.1; ps'

say "A minimal /dev, /sys read-only, /tmp a tmpfs"
inside 'ls /dev | tr "\\n" " "; echo; touch /sys/x; df -h /tmp | tail -n 1'

say "The breakout from step 01 fails now"
inside '/bin/breakout /etc/os-release'
echo "\"..\" stops at the root of the mount namespace: there is no host root above it."

say "Next"
echo "Grade this step:        sudo make test STEP=03"
echo "A shell inside:         sudo make shell STEP=03"
