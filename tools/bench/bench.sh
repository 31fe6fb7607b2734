#!/usr/bin/env bash
# make bench: times `byoc run` beside the floor (tools/bench/floor.c, the
# same syscalls with nothing else), each step's binary, and whichever of
# crun, runc, bwrap and unshare+chroot are installed; writes
# build/bench/results.json, table.md and results.png. Builds nothing: `make
# bench` builds first. Settings: see tools/bench/bench.c's header.
# Usage: tools/bench/bench.sh ROOTFS
set -u
cd "$(dirname "$0")/../.."

rootfs=${1:?usage: tools/bench/bench.sh ROOTFS}
out=$PWD/build/bench
byoc=$PWD/build/solutions/byoc
floor=$out/floor
cycle=$out/cycle
# crun's and runc's state, kept apart from the machine's (the bench removes it).
state=/run/byoc-bench
bundle=$out/bundle
unified=/sys/fs/cgroup/unified/cgroup.controllers
limits=(--memory 256M --pids 64 --cpus 1)

die() {
	echo "bench: $*" >&2
	exit 1
}

# Inside the sandbox (private mount, UTS, IPC and network namespaces): every
# veth host end and every mount made here ends with it.
inside() {
	spec=$out/spec.tsv
	# crun 1.8 refuses a hybrid machine whose unified hierarchy has
	# controllers ("cgroups in hybrid mode not supported, drop all
	# controllers from cgroupv2"); an empty file over that list, in this
	# mount namespace only, lets it manage the v1 hierarchies as on a v1
	# machine. byoc reads that file only on a pure v2 machine.
	hidden=""
	if grep -q . "$unified" 2>/dev/null && command -v crun >/dev/null 2>&1; then
		: >"$out/empty"
		mount --bind -o ro "$out/empty" "$unified" ||
			die "could not bind an empty file over $unified in the bench's mount namespace"
		hidden=$(tr '\n' ' ' <"$out/empty.was")
	fi

	# BENCH_TMPFS_RUN=1: the state directories on a tmpfs, in this mount
	# namespace only, as on a machine whose /run is one (systemd's).
	ontmpfs=""
	if [ "${BENCH_TMPFS_RUN:-0}" = 1 ]; then
		for d in /run/byoc /run/byoc-floor "$state"; do
			mkdir -p "$d" && mount -t tmpfs -o mode=755,size=256m bench "$d" ||
				die "could not mount a tmpfs on $d in the bench's mount namespace"
		done
		ontmpfs="/run/byoc, /run/byoc-floor and $state"
	fi

	{
		printf 'variant\tfloor\t-\tcold,throughput\t%s\t%s\t%s\t--\t/bin/true\n' \
			"pid mnt uts ipc net cgroup ns, limits, overlay, pivot_root, veth, capabilities" "$floor" "$rootfs"
		printf 'variant\tbyoc\tfloor\tcold,throughput\t%s\t%s\trun\t--rootfs\t%s\t%s\t--\t/bin/true\n' \
			"the same, through the lab's stages, with its state and lease" "$byoc" "$rootfs" "$(tr ' ' '\t' <<<"${limits[*]}")"
		printf 'variant\tbyoc seccomp=unconfined\tbyoc\tcold\t%s\t%s\trun\t--security-opt\tseccomp=unconfined\t--rootfs\t%s\t%s\t--\t/bin/true\n' \
			"as byoc without its seccomp filter: the difference is the filter's cost" "$byoc" "$rootfs" "$(tr ' ' '\t' <<<"${limits[*]}")"
		printf 'variant\tbyoc --userns\tbyoc\tcold\t%s\t%s\trun\t--userns\t--rootfs\t%s\t%s\t--\t/bin/true\n' \
			"as byoc with a user namespace: its maps, an ID-mapped image, bound /dev nodes" "$byoc" "$rootfs" "$(tr ' ' '\t' <<<"${limits[*]}")"
		printf 'variant\tfloor --net none\t-\tcold\t%s\t%s\t--net\tnone\t%s\t--\t/bin/true\n' \
			"as floor, network ns with lo only" "$floor" "$rootfs"
		printf 'variant\tbyoc --net none\tfloor --net none\tcold\t%s\t%s\trun\t--net\tnone\t--rootfs\t%s\t%s\t--\t/bin/true\n' \
			"as byoc, network ns with lo only" "$byoc" "$rootfs" "$(tr ' ' '\t' <<<"${limits[*]}")"
		what=("chroot" "+ pid, uts, ipc ns" "+ mount ns, pivot_root, /proc, /dev"
			"+ cgroup limits" "+ overlay" "+ net ns, veth" "+ capabilities dropped"
			"+ device list, masked /proc and /sys, own session" "+ seccomp filter (Docker's default)"
			"+ user namespace, ID-mapped image")
		for n in 01 02 03 04 05 06 07 08 09 10; do
			opts=""
			[ "$n" -ge 4 ] && opts=$(tr ' ' '\t' <<<"${limits[*]}")$'\t'
			printf 'variant\tstep-%s\tfloor\t-\t%s\t%s\t--rootfs\t%s\t%s--\t/bin/true\n' \
				"$n" "${what[10#$n - 1]}" "$PWD/build/solutions/step-$n" "$rootfs" "$opts"
		done
		optional crun "crun" "pid mnt uts ipc net cgroup ns, limits, read-only root" cold \
			crun --root "$state/crun" run --bundle "$bundle" "{id}"
		optional runc "runc" "pid mnt uts ipc net cgroup ns, limits, read-only root" cold \
			runc --root "$state/runc" run --bundle "$bundle" "{id}"
		# The OCI cycle an engine asks for, on the same bundle: create, start,
		# reap, delete (tools/bench/cycle.c), byoc beside crun and runc.
		printf 'variant\tbyoc create+start+delete\t-\t-\t%s\t%s\t%s\t%s\t%s\t{id}\n' \
			"byoc's OCI command line: the bundle through the lab's stages" "$cycle" "$byoc" \
			"$state/byoc" "$bundle"
		optional "crun create+start+delete" crun "the same cycle, crun" - \
			"$cycle" crun "$state/crun" "$bundle" "{id}" "byoc create+start+delete"
		optional "runc create+start+delete" runc "the same cycle, runc" - \
			"$cycle" runc "$state/runc" "$bundle" "{id}" "byoc create+start+delete"
		optional bwrap "bubblewrap" "pid mnt uts ipc net ns, bind-mounted root, no limits" - \
			bwrap --unshare-all --bind "$rootfs" / --proc /proc --dev /dev /bin/true
		optional "unshare+chroot" "util-linux" "pid mnt uts ipc net ns, chroot, no limits" - \
			unshare -fpmuin chroot "$rootfs" /bin/true
		if [ -n "$ontmpfs" ]; then
			printf 'note\tBENCH_TMPFS_RUN=1: %s were each a tmpfs, in the bench'"'"'s own mount namespace (this machine'"'"'s /run is on %s)\n' \
				"$ontmpfs" "$(stat -f -c %T /run)"
		fi
		if [ -n "$hidden" ]; then
			printf 'note\tcrun and runc ran with %s (it lists: %s) hidden by an empty file in the bench'"'"'s own mount namespace: crun 1.8 refuses a hybrid machine whose unified hierarchy has controllers\n' \
				"$unified" "${hidden% }"
		fi
		printf 'concurrent\t%s\trun\t--rootfs\t%s\t%s\t--\t/bin/sh\t-c\t%s\n' "$byoc" "$rootfs" \
			"$(tr ' ' '\t' <<<"${limits[*]}")" 'ip -4 -o addr show dev eth0; read x'
	} >"$spec"
	exec "$out/bench" "$spec" "$out"
}

# optional NAME PACKAGE WHAT FLAGS COMMAND...: a variant when COMMAND is
# installed and one probe run exits 0 here; a skip line saying why otherwise.
optional() {
	local name=$1 package=$2 what=$3 flags=$4 err pair="floor --net none"
	shift 4
	# The cycles name the variant they alternate with last.
	if [ "$(basename "$1")" = cycle ]; then
		pair=${*: -1}
		set -- "${@:1:$#-1}"
		package=$2
	fi
	if ! command -v "$package" >/dev/null 2>&1 && [ "$(basename "$1")" = cycle ]; then
		printf 'skip\t%s\t%s is not installed: run '"'"'sudo make bench-deps'"'"'\n' "$name" "$package"
		return
	fi
	if ! command -v "$1" >/dev/null 2>&1; then
		printf 'skip\t%s\t%s is not installed: run '"'"'sudo make bench-deps'"'"' (Debian package %s)\n' \
			"$name" "$1" "$package"
		return
	fi
	local probe=("$@")
	probe=("${probe[@]/#\{id\}/byoc-bench-probe-$$}")
	if ! err=$("${probe[@]}" 2>&1 </dev/null); then
		printf 'skip\t%s\t%s fails on this machine: %s\n' "$name" "$*" \
			"$(tr '\n\t' '  ' <<<"$err" | head -c 300)"
		return
	fi
	printf 'variant\t%s\t%s\t%s\t%s' "$name" "$pair" "$flags" "$what"
	printf '\t%s' "$@"
	printf '\n'
}

# The OCI bundle crun and runc run: the lab's rootfs, read-only (the floor's
# writable layer is an overlay; these need none to run /bin/true), the
# floor's namespaces and limits. With no cgroupsPath each container's cgroup
# is named by its id, beneath the runtime's own cgroup or the root.
write_bundle() {
	mkdir -p "$bundle"
	cat >"$bundle/config.json" <<EOF
{
	"ociVersion": "1.0.2",
	"process": {
		"terminal": false,
		"user": { "uid": 0, "gid": 0 },
		"args": [ "/bin/true" ],
		"env": [ "PATH=/usr/sbin:/usr/bin:/sbin:/bin" ],
		"cwd": "/",
		"capabilities": {
			"bounding": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
			"effective": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
			"permitted": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ]
		},
		"noNewPrivileges": true
	},
	"root": { "path": "$rootfs", "readonly": true },
	"hostname": "bench",
	"mounts": [
		{ "destination": "/proc", "type": "proc", "source": "proc" },
		{ "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
		  "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] }
	],
	"linux": {
		"resources": {
			"memory": { "limit": 268435456 },
			"pids": { "limit": 64 },
			"cpu": { "quota": 100000, "period": 100000 }
		},
		"namespaces": [
			{ "type": "pid" }, { "type": "mount" }, { "type": "uts" },
			{ "type": "ipc" }, { "type": "network" }, { "type": "cgroup" }
		]
	}
}
EOF
}

# crun's and runc's containers must all be gone; any left is deleted and
# named, and the bench fails.
clean_state() {
	local rt id left=""
	for rt in crun runc; do
		[ -d "$state/$rt" ] || continue
		for id in $("$rt" --root "$state/$rt" list -q 2>/dev/null); do
			"$rt" --root "$state/$rt" delete -f "$id" >/dev/null 2>&1
			left="$left $rt:$id"
		done
	done
	rm -rf "$state" "$out/empty" "$out/empty.was"
	if [ -n "$left" ]; then
		echo "bench: containers left in $state, now deleted:$left" >&2
		return 1
	fi
}

[ "${1:-}" = --inside ] && {
	rootfs=$2
	inside
}

rootfs=$(realpath -e -- "$rootfs") || die "$1: no such root file system: run 'sudo make rootfs'"
[ "$(id -u)" = 0 ] || die "needs root (namespaces, cgroups, mounts): run 'sudo make bench'"
for f in "$out/bench" "$floor" "$cycle" "$byoc" "$rootfs/bin/true"; do
	[ -x "$f" ] || die "$f is missing: run 'sudo make bench', which builds it"
done
command -v gnuplot >/dev/null 2>&1 ||
	die "gnuplot is missing, the chart needs it: run 'sudo make bench-deps' (Debian package gnuplot-nox)"
[ -e "$state" ] && die "$state exists: another bench is running, or one was killed: remove $state"

mkdir -p "$out" "$state" || die "cannot create $out or $state"
trap clean_state EXIT
trap 'exit 130' INT TERM
grep -q . "$unified" 2>/dev/null && cp "$unified" "$out/empty.was"
write_bundle
rm -f "$out/results.json" "$out/results.png" "$out/table.md"

tools/sandbox.sh "$0" --inside "$rootfs"
status=$?
[ -s "$out/results.json" ] || exit 1

if gnuplot -e "dat='$out/chart.dat'; vars='$out/chart.vars'; png='$out/results.png'" \
	tools/bench/chart.gp; then
	chart="$out/results.png"
else
	echo "bench: gnuplot could not draw the chart (see its message above)" >&2
	status=1
	chart="(none)"
fi
clean_state || status=1
trap - EXIT
echo
echo "bench: results in $out/results.json, the table in $out/table.md, the chart in $chart"
exit "$status"
