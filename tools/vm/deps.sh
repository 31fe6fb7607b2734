#!/bin/sh
# make vm-deps: what the lab's VM needs, installed only where missing:
# qemu-system-x86_64 (Debian qemu-system-x86) on the machine, and Debian's
# kernel unpacked into BUILD/vm/kernel (never installed into /boot, so no
# bootloader hook runs). Quiet when everything is there.
# Usage: tools/vm/deps.sh BUILD_DIR
set -eu

dir=${1:-build}/vm/kernel
apt_ready=""
apt() { # apt ARGS...: apt-get, non-interactive, with fresh package lists once
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "make vm-deps: this machine has no apt-get; install qemu-system-x86_64 and put a Linux kernel (vmlinuz and its modules) in $dir" >&2
		exit 1
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "make vm-deps: installing the VM's packages needs root: run 'sudo make vm-deps'" >&2
		exit 1
	fi
	[ -n "$apt_ready" ] || apt-get update -qq </dev/null || {
		echo "make vm-deps: apt-get update failed (see its messages above)" >&2
		exit 1
	}
	apt_ready=1
	DEBIAN_FRONTEND=noninteractive apt-get "$@" </dev/null
}

if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	echo "make vm-deps: installing qemu-system-x86"
	apt install -y -qq --no-install-recommends qemu-system-x86 || {
		echo "make vm-deps: apt-get could not install qemu-system-x86" >&2
		exit 1
	}
fi

[ -f "$dir/vmlinuz" ] && [ -d "$dir/modules" ] && exit 0
# The package that linux-image-amd64 points at, e.g. linux-image-6.1.0-56-amd64.
kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n 1
}
pkg=$(kernel_package)
if [ -z "$pkg" ] && [ -z "$apt_ready" ]; then
	apt --version >/dev/null # fresh package lists (a new machine has none), then ask again
	pkg=$(kernel_package)
fi
if [ -z "$pkg" ]; then
	echo "make vm-deps: apt-cache knows no linux-image-amd64 (a Debian amd64 package): put a kernel in $dir by hand" >&2
	exit 1
fi
echo "make vm-deps: unpacking $pkg into $dir"
tmp="$dir.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
# apt-get download writes into the current directory (as root, since _apt
# cannot write there: it warns about that, harmlessly).
out=$(cd "$tmp" && apt download "$pkg" 2>&1) || true
deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ]; then
	echo "make vm-deps: apt-get download $pkg failed: $out" >&2
	exit 1
fi
dpkg-deb -x "$deb" "$tmp/x"
mv "$tmp"/x/boot/vmlinuz-* "$tmp/vmlinuz"
mv "$tmp"/x/lib/modules/* "$tmp/modules" # one version: modules/kernel/...
rm -rf "$tmp/x" "$deb"
rm -rf "$dir"
mv "$tmp" "$dir"
