#!/bin/sh
# A minimal Debian root file system for step 09's suite: real programs (apt,
# perl, python3) must still work under the default seccomp filter. Made with
# debootstrap from Debian's own archive, then trimmed of what no test runs
# (package lists and caches, documentation, translations): about 110 MB.
# Usage: tools/debian-rootfs.sh DIR   (as root; DEBIAN_MIRROR, DEBIAN_SUITE)
set -eu

dir=$1
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=${DEBIAN_SUITE:-bookworm}
PATH=$PATH:/usr/sbin:/sbin

if ! command -v debootstrap >/dev/null 2>&1; then
	echo "debian-rootfs: debootstrap is not installed: run 'sudo make deps' or 'sudo apt-get install debootstrap'" >&2
	exit 1
fi
rm -rf "$dir" "$dir.tmp"
mkdir -p "$(dirname "$dir")"
echo "debian-rootfs: debootstrap --variant=minbase $suite from $mirror (about a minute)"
if ! debootstrap --variant=minbase --include=python3-minimal "$suite" "$dir.tmp" "$mirror" \
	>"$dir.log" 2>&1; then
	echo "debian-rootfs: debootstrap failed; its last lines ($dir.log):" >&2
	tail -n 5 "$dir.log" >&2
	rm -rf "$dir.tmp"
	exit 1
fi
rm -rf "$dir.tmp"/var/cache/apt/* "$dir.tmp"/var/lib/apt/lists/* "$dir.tmp"/usr/share/doc \
	"$dir.tmp"/usr/share/locale "$dir.tmp"/usr/share/man "$dir.tmp"/var/log/*
mv "$dir.tmp" "$dir"
rm -f "$dir.log"
echo "debian-rootfs: $dir: $(du -sh "$dir" | cut -f1)"
