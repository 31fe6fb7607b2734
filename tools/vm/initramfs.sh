#!/bin/sh
# Build the VM's initramfs: a static busybox, the kernel modules the guest
# needs (virtio-9p for its root; overlayfs, veth, loop and ext4 with its crc32c for the lab),
# each after the modules it depends on, and tools/vm/init as /init.
# Usage: tools/vm/initramfs.sh KERNEL_DIR OUT.cpio.gz
set -eu

kernel=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
bb=$(command -v busybox 2>/dev/null || true)
if [ -z "$bb" ] || LC_ALL=C readelf -l "$bb" 2>/dev/null | grep -q 'program interpreter'; then
	echo "vm: the initramfs needs a static busybox: run 'sudo make deps' (busybox-static)" >&2
	exit 1
fi
mods="$kernel/modules/kernel"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/modules" "$tmp/dev" "$tmp/proc" "$tmp/sys" "$tmp/newroot"
cp "$bb" "$tmp/bin/busybox"
for applet in sh mount umount mkdir insmod cat cp tar switch_root sleep echo poweroff; do
	ln -s busybox "$tmp/bin/$applet"
done
cp "$here/init" "$tmp/init"
chmod 755 "$tmp/init"

# load: each module after those it depends on (the "depends=" of its
# .modinfo section), once; the order goes to /modules/order.
loaded=" "
load() {
	case "$loaded" in *" $1 "*) return ;; esac
	local file dep
	file=$(find "$mods" -name "$1.ko" | head -n 1)
	if [ -z "$file" ]; then
		echo "vm: module $1 is not in $mods" >&2
		exit 1
	fi
	for dep in $(grep -a -o 'depends=[a-z0-9_,-]*' "$file" | head -n 1 | sed 's/^depends=//; s/,/ /g'); do
		load "$dep"
	done
	loaded="$loaded$1 "
	cp "$file" "$tmp/modules/"
	echo "$1" >>"$tmp/modules/order"
}
for m in virtio_pci 9pnet_virtio 9p overlay veth loop crc32c_generic ext4; do
	load "$m"
done

(cd "$tmp" && find . | "$bb" cpio -o -H newc 2>/dev/null) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
