#!/usr/bin/env bash
# Prove the runner's clean slate: run tests/slate_proof.c, whose tests each
# change the machine once (hostname, mount, cgroup with a process, IPC
# object, files of the rootfs); each must fail with the change named, and be
# undone: its last test, and this script, find everything as it was.
set -u
cd "$(dirname "$0")/.."
rootfs=$PWD/build/rootfs

make --no-print-directory -s build/tests/slate-proof || exit 1
manifest() { find "$rootfs" -xdev -printf '%P %M %U:%G %s %T@ %l\n' | sort | md5sum; }
before=$(manifest) host=$(hostname)
json=$(mktemp)
trap 'rm -f "$json"' EXIT
build/tests/slate-proof --bin /bin/true --rootfs "$rootfs" --impl proof --json "$json" >/dev/null

bad=0
expect() { # expect TEST passed|failed [TEXT...]: its outcome, and its message holds each TEXT
	local line
	line=$(grep -F "\"name\": \"$1\"" "$json")
	[ "$2" = passed ] && want=true || want=false
	if ! grep -qF "\"passed\": $want" <<<"$line"; then
		echo "slate-proof: expected $1 to have $2; the report says: $line" >&2
		bad=1
	fi
	for text in "${@:3}"; do
		if ! grep -qF -- "$text" <<<"$line"; then
			echo "slate-proof: expected $1's message to name \"$text\"; it says: $line" >&2
			bad=1
		fi
	done
}
expect test_slate_hostname failed "the hostname changed from $host to byoc-slate-proof"
expect test_slate_mount failed "mount on /tmp/byoc-test-"
# The cgroup's process may already be gone when the runner looks (its parent
# was killed first); either way the cgroup must be named, and removed: the
# last test finds no cgroup left.
expect test_slate_cgroup failed "/byoc-slate-proof"
expect test_slate_ipc failed "System V msg object"
expect test_slate_rootfs_added failed "added /byoc-slate-proof in the rootfs"
expect test_slate_rootfs_changed failed "changed /etc/passwd in the rootfs" \
	"removed /etc/group in the rootfs"
expect test_slate_all_undone passed
if [ "$(manifest)" != "$before" ]; then
	echo "slate-proof: expected $rootfs on disk as before the run; it differs" >&2
	bad=1
fi
if [ "$(hostname)" != "$host" ]; then
	echo "slate-proof: expected the hostname $host; it is $(hostname)" >&2
	bad=1
fi
[ "$bad" = 0 ] && echo "slate-proof: each change was named and undone"
exit "$bad"
