#!/usr/bin/env bash
# Step 05's demonstration: the image under an overlay, a layer of the
# container's own, "why is my file gone?", stacked layers, and a kept upper
# directory with its whiteout.
# Usage: steps/05-overlayfs/demo.sh STEP_BINARY
set -u
bin=$1
. "$(dirname "$0")/../demo-lib.sh"
app=$(realpath "$(dirname "$0")/../../build/layers/app")
image=$(realpath "$(dirname "$0")/../../build/rootfs")

require_rootfs 05-overlayfs overlay.c "overlay_child_setup()"
if ! "$bin" -- /bin/sh -c 'grep -q " / .* - overlay " /proc/self/mountinfo' 2>/dev/null; then
	echo "The container's / is the image itself, not an overlay: overlay_child_setup() in"
	echo "exercises/05-overlayfs/overlay.c is a TODO. Read steps/05-overlayfs/README.md, \"Your task\"."
	exit 1
fi

say "The container's / is an overlay (its mountinfo line, from inside)"
inside 'grep " / / " /proc/self/mountinfo | tr "," "\n" | grep -E "overlay|dir="'

say "Why is my file gone? Two containers, one after the other"
inside 'echo "hello from run 1" > /root/test.txt; cat /root/test.txt'
inside 'cat /root/test.txt'
echo "Each run gets a new, empty upper layer in its state directory, removed at exit."
echo "The image on disk never saw the file: ls $image/root ->" \
	"$(ls -A "$image/root" | tr '\n' ' ')(empty)"

say "Copy-up: the first write to an image file copies it into the upper layer"
show_upper() {
	local upper
	upper=$(grep -o 'upperdir=[^,]*' "/proc/$1/mountinfo" | head -n 1 | cut -d= -f2)
	echo "  host: the upper layer's copy:  $(ls -i "$upper/etc/motd")"
	echo "  host: the image's file, as was: $(ls -i "$image/etc/motd"), $(wc -c <"$image/etc/motd") bytes"
}
with_container 'stat -c "before: inode %i, %s bytes: %n" /etc/motd; echo "changed" >> /etc/motd; stat -c "after:  inode %i, %s bytes: %n" /etc/motd' show_upper
echo "Two files on disk now: the copy (a new inode) in the upper layer, and the image's,"
echo "untouched. Inside, overlayfs keeps showing the image file's inode number (all layers"
echo "are on one file system here), so that programs see one stable file."

say "Layers: --layer $app stacks the lab's app layer on the image"
inside --layer "$app" '/app/hello; cat /etc/motd'
echo "Without it, the image's own /etc/motd, and no /app:"
inside 'cat /etc/motd; ls /app'

say "--keep: the upper directory after exit, with a whiteout and an opaque directory"
kept_line=$("$bin" --keep --layer "$app" -- /bin/sh -c \
	'rm /etc/motd; echo note > /root/note; rm -rf /app; mkdir /app; touch /app/mine' 2>&1)
echo "  $kept_line"
kept=$(sed -n 's/.*upper directory ([^)]*): \([^;]*\);.*/\1/p' <<<"$kept_line")
if [ -n "$kept" ] && [ -d "$kept" ]; then
	echo "\$ ls -la $kept/etc"
	ls -la "$kept/etc" | sed 's/^/  /'
	echo "\$ getfattr -n trusted.overlay.opaque $kept/app"
	printf '  %s\n' "$(getfattr --only-values -n trusted.overlay.opaque "$kept/app" 2>/dev/null ||
		echo "(no getfattr here: it is in Debian's attr package)")"
	echo "motd is a character device 0:0, a whiteout: it hides the image's file."
	echo "app is opaque: the layers' /app below it are not looked at."
	rm -rf "$kept"
	echo "(removed: rm -rf $kept)"
else
	echo "No upper directory was kept: overlay_cleanup() in exercises/05-overlayfs/overlay.c"
	echo "is a TODO. Read steps/05-overlayfs/README.md, \"Your task: --keep\"."
fi

say "Next"
echo "Grade this step:        sudo make test STEP=05"
echo "A shell inside:         sudo make shell STEP=05   (try --layer build/layers/app, --keep)"
