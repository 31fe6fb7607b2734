#!/bin/sh
# Build the container's root file system: a static busybox with a link for
# each applet, a few files in /etc, empty mount points, and the lab's own
# static programs.
# Usage: rootfs/build.sh OUT_DIR [PROGRAM...]
set -eu

out=$1
shift

if [ "$(id -u)" != 0 ]; then
	echo "rootfs: creating the device nodes in /dev needs root: run 'sudo make rootfs'" >&2
	exit 1
fi

bb=$(command -v busybox 2>/dev/null || true)
if [ -z "$bb" ]; then
	echo "rootfs: busybox is not installed: run 'sudo make deps' (Debian package busybox-static)" >&2
	exit 1
fi
if LC_ALL=C readelf -l "$bb" 2>/dev/null | grep -q 'program interpreter'; then
	echo "rootfs: $bb is dynamically linked and would not run inside the container: install busybox-static ('sudo make deps')" >&2
	exit 1
fi

progs=""
for prog in "$@"; do
	progs="$progs $(realpath "$prog")"
done

tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
cd "$tmp"
mkdir -p bin sbin usr/bin usr/sbin etc root tmp proc sys dev run var mnt
chmod 0700 root
chmod 1777 tmp
cp "$bb" bin/busybox
# Each applet becomes a link at the path busybox itself suggests.
for applet in $(bin/busybox --list-full); do
	[ -e "$applet" ] || ln -s /bin/busybox "$applet"
done

# Until step 03 mounts a /dev of its own, the container uses these: busybox sh
# needs /dev/null for every background job.
mknod -m 666 dev/null c 1 3
mknod -m 666 dev/zero c 1 5
mknod -m 666 dev/full c 1 7
mknod -m 666 dev/random c 1 8
mknod -m 666 dev/urandom c 1 9
mknod -m 666 dev/tty c 5 0

cat >etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >etc/group <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
echo "byoc base image: busybox rootfs" >etc/motd
# Mount points for the files a container gets of its own (step 06 binds its
# hostname, hosts and resolv.conf over these); empty in the image.
: >etc/hostname
: >etc/hosts
: >etc/resolv.conf
echo "byoc rootfs: busybox $(bin/busybox | head -n 1 | awk '{print $2}')" >etc/byoc-rootfs

for prog in $progs; do
	cp "$prog" bin/
done

cd - >/dev/null
rm -rf "$out"
mv "$tmp" "$out"
