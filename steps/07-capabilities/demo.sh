#!/usr/bin/env bash
# Step 07's demonstration: the container's capability sets, what they stop
# inside, and the disk breakout with every capability and without.
# Usage: steps/07-capabilities/demo.sh STEP_BINARY
set -u
bin=$1
. "$(dirname "$0")/../demo-lib.sh"

say "Is the container's / the lab's rootfs?"
require_rootfs 07-capabilities caps.c "caps_child_setup()"
echo "Yes."

sets() { # sets PID [plain]: the five sets and NoNewPrivs, from the host
	local key mask
	for key in CapBnd CapPrm CapEff CapInh CapAmb NoNewPrivs; do
		mask=$(awk -v k="$key:" '$1 == k { print $2 }' "/proc/$1/status")
		printf '  %-11s %s' "$key:" "$mask"
		if [ "$key" = CapEff ] && [ -z "${2:-}" ] && command -v capsh >/dev/null 2>&1; then
			printf '  = %s' "$(capsh --decode="$mask" | cut -d= -f2)"
		fi
		echo
	done
}
show() {
	echo "  the container's sh (host PID $1), from /proc/$1/status:"
	sets "$1"
	echo "  the runtime (host PID $runtime):"
	sets "$runtime" plain | grep -E 'CapEff|NoNewPrivs'
}

say "The container's capability sets, as the kernel reports them from the host"
with_container ':' show
echo "Docker's default set in every set but the ambient one, which is empty; the"
echo "runtime, which set up the mounts and the cgroup, keeps all of its own."

say "Without CAP_SYS_ADMIN, mount is refused; --cap-add SYS_ADMIN gives it back"
inside 'mount -t tmpfs demo /mnt && echo mounted'
inside --cap-add sys_admin 'mount -t tmpfs demo /mnt && echo mounted'

say "Without CAP_NET_RAW, ping cannot open its raw socket"
echo "(in a network namespace of this demonstration's own, with only its loopback up)"
lo_then() { unshare --net -- bash -c 'ip link set lo up && exec "$@"' - "$@"; }
lo_then "$bin" -- /bin/ping -c 1 -W 1 127.0.0.1 2>&1 | sed 's/^/  /' | head -n 2
lo_then "$bin" --cap-drop NET_RAW -- /bin/ping -c 1 -W 1 127.0.0.1 2>&1 | sed 's/^/  /'

say "The breakout: mknod a disk's device node, mount it, read a file"
tmp=$(mktemp -d)
loop=""
trap '[ -n "$loop" ] && losetup -d "$loop"; rm -rf "$tmp"' EXIT
mkdir "$tmp/disk"
echo "a file on the scratch disk, not on the machine's" >"$tmp/disk/secret"
if mke2fs -q -F -t ext2 -d "$tmp/disk" "$tmp/disk.img" 1M >/dev/null 2>&1 &&
	loop=$(losetup --find --show --read-only "$tmp/disk.img"); then
	dev=$(printf '%d:%d' $(stat -c '0x%t 0x%T' "$loop"))
	echo "(a scratch disk of this demonstration's own: $loop, block device $dev, an ext2 image in $tmp)"
	inside --privileged "breakout-disk $dev secret"
	echo "With every capability, root inside makes the disk's node and mounts it: on a real"
	echo "machine that is its root disk. And by default:"
	inside "breakout-disk $dev secret"
	if "$bin" -- /bin/breakout-disk "$dev" secret >/dev/null 2>&1; then
		echo "The breakout still works by default: caps_child_setup() in"
		echo "exercises/07-capabilities/caps.c keeps every capability. Read"
		echo "steps/07-capabilities/README.md, \"Your task\"."
	else
		echo "CAP_SYS_ADMIN is gone and mount fails. mknod still works, since Docker's set"
		echo "keeps CAP_MKNOD: Docker's devices cgroup is what stops the node's use there (see"
		echo "the lesson)."
	fi
else
	echo "(skipped: mke2fs (e2fsprogs) or a free loop device is missing)"
fi

say "Next"
echo "Grade this step:        sudo make test STEP=07"
echo "A shell inside:         sudo make shell STEP=07"
