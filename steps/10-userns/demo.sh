#!/usr/bin/env bash
# Step 10's demonstration: root inside the container is an unprivileged user
# of the machine. Its maps, a file it makes seen from the host, the image it
# owns, --privileged's capabilities that stop at the machine's doors; and the
# same container run by the user nobody, without root. It never writes a
# knob: `door openw PATH` opens PATH for writing and writes nothing.
# Usage: steps/10-userns/demo.sh STEP_BINARY
# The scripts in single quotes run in the container's sh, which expands them:
# shellcheck disable=SC2016
set -u
bin=$1
# shellcheck source=SCRIPTDIR/../demo-lib.sh
. "$(dirname "$0")/../demo-lib.sh"

# hint FUNCTION SECTION: what is still a TODO, and where to read.
hint() {
	echo "$1 in exercises/10-userns/userns.c is a TODO."
	echo "Read steps/10-userns/README.md, \"$2\"."
}

# Until every TODO is done the container does not start. Which one is
# missing, from what the runtime logs with -v and says at the end.
missing() {
	local log
	log=$("$bin" -v -- /bin/true 2>&1) && return 0
	if grep -q "no stage asks clone() for a user namespace" <<<"$log"; then
		hint ".clone_flags of byoc_stage_userns" "Your task: the namespace and its maps"
	elif grep -q "is empty after write_maps()\|setresgid(0, 0, 0): EINVAL" <<<"$log"; then
		echo "No map: inside, there is no ID 0 to become."
		hint "write_maps()" "Your task: the namespace and its maps"
	elif grep -q "stage userns: child_setup" <<<"$log" && ! grep -q "setresuid(0, 0, 0)" <<<"$log"; then
		echo "The child never becomes root of its namespace: no setresuid(0, 0, 0) in the log."
		hint "userns_child_setup()" "Your task: root inside"
	elif grep -q "mount(overlay.*EACCES" <<<"$log" && ! grep -q "chown(.*/upper)" <<<"$log"; then
		echo "Root inside has no rights over the overlay's directories: they are the machine's root's."
		hint "own_the_layers()" "Your task: a layer root owns"
	else
		return 1
	fi
	printf 'The runtime said:\n  %s\n' "$(grep -v '^byoc\[' <<<"$log" | tail -1)"
	echo "Run 'sudo make step-10' again once it is done."
	exit 1
}

say "Does the container start?"
missing
require_rootfs 10-userns userns.c "write_maps()"
if ! "$bin" -- /bin/sh -c '[ -x /bin/door ]' >/dev/null 2>&1; then
	echo "The rootfs has no /bin/door, the lab's probe: run 'sudo make rootfs'."
	exit 1
fi
echo "Yes, in the lab's rootfs, with a user namespace of its own."

say "Root inside, and the maps that make it"
inside 'id; cat /proc/self/uid_map /proc/self/gid_map'
echo "Each line: the first ID inside, the first ID outside, how many. Root inside is the"
echo "second number outside: an unprivileged user of the machine."

say "A file made inside, seen from the host"
from_host() {
	namespaces "$1" | grep -E '^  (user|mnt) '
	echo "  host: /proc/$1/uid_map, the container's sh:$(tr -s ' ' <"/proc/$1/uid_map")"
	echo "  host: stat -c %u:%g /proc/$1/root/made-inside: $(stat -c %u:%g "/proc/$1/root/made-inside")"
}
with_container 'touch /made-inside; ls -ln /made-inside' from_host
echo "Root inside made it; on the machine it belongs to the range, not to root."

say "The image is root's inside; what belongs to the machine's root is 65534's"
inside 'ls -ln /bin/busybox /dev/null /proc/sys/kernel/core_pattern'
echo "busybox is root's on disk and root's inside: the image is an ID-mapped mount (or a"
echo "chowned copy). /dev/null and core_pattern belong to the machine's root, which has no"
echo "ID inside: they show as 65534, the overflow ID."

say "--privileged: every capability, of the namespace only"
inside --privileged 'grep CapEff /proc/self/status; door openw /proc/sys/kernel/core_pattern; door mknod-open c 1 1'
echo "Without a user namespace (step 09) --privileged opens core_pattern for writing and"
echo "makes /dev/mem (c 1:1). Here: EACCES, the file is the machine's root's; EPERM, mknod"
echo "needs CAP_MKNOD in the machine's namespace."

# The rootless part: the same binary, run by the user nobody from /, in a
# state directory of its own that goes at exit.
state=""
trap 'if [ -n "$state" ]; then rm -rf "$state"; fi' EXIT
as_nobody() { (cd / && setpriv --reuid=65534 --regid=65534 --clear-groups "$@"); }
indent() { sed 's/^/  /'; }
rootless() {
	local abs said status
	abs=$(realpath "$bin")
	if ! as_nobody test -x "$abs"; then
		echo "(skipped: nobody cannot reach $abs: a directory on the way is closed to"
		echo "others. Try it as yourself, without sudo: $bin -- /bin/sh)"
		return
	fi
	state=$(mktemp -d /tmp/byoc-demo.XXXXXX) || return
	chown 65534:65534 "$state" || return
	printf '[container started by nobody, without sudo]$ %s\n' "$1"
	said=$(as_nobody "$abs" --state-dir "$state" -- /bin/sh -c "$1" 2>&1)
	status=$?
	indent <<<"$said"
	if [ "$status" != 0 ]; then
		case $said in
		*setgroups* | *gid_map* | *uid_map*)
			echo "A normal user's maps: see write_maps() in exercises/10-userns/userns.c."
			echo "Read steps/10-userns/README.md, \"Rootless\" and \"Your task: the namespace and its maps\"."
			;;
		*) echo "  (the runtime exited with status $status)" ;;
		esac
		return
	fi
	if grep -qx deny <<<"$said"; then
		echo "nobody is root inside: one ID, its own, and setgroups(2) denied."
	else
		echo "nobody is root inside: its own ID, and its range of /etc/subuid through newuidmap."
	fi
	echo "The image is its own copy, and /root, which nobody may not read, came out empty."
	echo "What needs root is refused, in one line:"
	printf '[nobody]$ %s --memory 64M -- true\n' "$bin"
	said=$(as_nobody "$abs" --state-dir "$state" --memory 64M -- true 2>&1)
	status=$?
	indent <<<"$said"
	echo "  (status $status)"
}

say "Without sudo: the user nobody runs the same container"
if ! id nobody >/dev/null 2>&1 || ! command -v setpriv >/dev/null 2>&1; then
	echo "(skipped: this machine has no user nobody, or no setpriv from util-linux)"
else
	rootless 'id; cat /proc/self/uid_map; cat /proc/self/setgroups; ls -ld /root; ls /root | wc -l'
fi

say "Next"
echo "Grade this step:        sudo make test STEP=10"
echo "A shell inside:         sudo make shell STEP=10"
echo "Without sudo:           $bin -- /bin/sh"
