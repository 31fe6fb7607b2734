#!/usr/bin/env bash
# The mutation proof: each tests/mutants/NN-step/NAME.patch is a realistic
# wrong solution (its first line says what is wrong). For each, build step NN
# from a patched copy of solutions/NN-step in build/mutants/ (solutions/ and
# exercises/ stay untouched), run the step's suite against it in a sandbox of
# namespaces of its own, and require it to lose points. Prints each mutant's
# score, then "mutants: K of N killed"; a survivor, a patch that no longer
# applies or a mutant that does not build fails.
# Usage: tools/mutants.sh [STEP...]   (as root, after make _check-build)
# BYOC_MUTANTS_EXCLUDE="04/v1-* ..." leaves out the mutants whose STEP/NAME
# matches a pattern, and says so (make check-v2's guest: what make check
# proves on any machine need not be proved again ten times slower).
set -u
cd "$(dirname "$0")/.."

rootfs=$PWD/build/rootfs
# The usual umask, whatever the caller's: mknod's mode is trimmed by it, and
# the device-node mutant shows only under it.
umask 022
# A wrong stage may hang a run: the suite waits 10 s for it, not 30.
export BYOC_TEST_TIMEOUT=10
killed=0 total=0 failures=()
read -ra excluded <<<"${BYOC_MUTANTS_EXCLUDE:-}"

# The suites, the reference objects and the leak snapshot tool.
make --no-print-directory -s WERROR=1 IMPL=solutions _tests build/tests/leak-snapshot || exit 1

# A wrong stage may change what it is given to isolate: run it in a mount
# namespace with private propagation, and UTS, IPC and network namespaces of
# its own, so that no mount, hostname, IPC object or link reaches the machine.
sandbox() { unshare --mount --propagation private --uts --ipc --net "$@"; }

# What a mutant may leave on the machine beyond the sandbox: cgroups and
# state (from the leak snapshot), and entries added to the rootfs on disk.
snapshot() { build/tests/leak-snapshot; }
rootfs_entries() { find "$rootfs" -xdev -mindepth 1 | sort; }

# Remove what a mutant run added: cgroups deepest first (they are empty once
# the run's processes are gone), state entries, new entries of the rootfs.
restore() { # restore SNAPSHOT_BEFORE ROOTFS_BEFORE
	local line
	comm -13 <(sort <<<"$1") <(build/tests/leak-snapshot --settle <<<"$1" | sort) | sort -r | while read -r kind what _; do
		case $kind in
		cgroup) rmdir "$what" 2>/dev/null ;;
		state) rm -rf "/run/byoc/$what" ;;
		esac
	done
	comm -13 <(cat <<<"$2") <(rootfs_entries) | sort -r | while read -r line; do
		rm -rf "$line"
	done
}

for dir in tests/mutants/[0-9][0-9]-*/; do
	step=$(basename "$dir")
	n=${step%%-*}
	if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx -e "$n" -e "$step"; then
		continue
	fi
	suite=build/tests/suite-${step//-/_}
	for patch in "$dir"*.patch; do
		name=$(basename "$patch" .patch)
		out=build/mutants/$n-$name
		for pattern in "${excluded[@]}"; do
			# shellcheck disable=SC2053 # a pattern, on purpose
			if [[ $n/$name == $pattern ]]; then
				echo "  $n/$name: left out here (BYOC_MUTANTS_EXCLUDE), proved by make check"
				continue 2
			fi
		done
		total=$((total + 1))
		rm -rf "$out"
		mkdir -p "$out"
		cp -r "solutions/$step" "$out/"
		# Paths in the patch: a/solutions/NN-step/FILE.
		if ! git apply -p2 --directory="$out" "$patch" 2>"$out/apply.log"; then
			echo "  $n/$name: the patch no longer applies to solutions/$step:"
			sed 's/^/    /' "$out/apply.log"
			failures+=("$n/$name (does not apply)")
			continue
		fi
		targets=("$out/step-$n")
		[ "$step" = 04-cgroups ] && targets+=("$out/cgroup-fake")
		[ "$step" = 08-devices-and-proc ] && targets+=("$out/devices-probe")
		if ! make --no-print-directory -s IMPL=solutions MUTANT_DIR="$out" "${targets[@]}" \
			>"$out/build.log" 2>&1; then
			echo "  $n/$name: does not build:"
			sed 's/^/    /' "$out/build.log"
			failures+=("$n/$name (does not build)")
			continue
		fi
		leaks_before=$(snapshot)
		rootfs_before=$(rootfs_entries)
		sandbox "$suite" --bin "$out/step-$n" --rootfs "$rootfs" --impl "mutant $n/$name" \
			--json "$out/score.json" >"$out/suite.log" 2>&1
		restore "$leaks_before" "$rootfs_before"
		score=$(sed -n 's/.*"score": \([0-9]*\).*/\1/p' "$out/score.json" 2>/dev/null | head -n 1)
		max=$(sed -n 's/.*"max": \([0-9]*\).*/\1/p' "$out/score.json" 2>/dev/null | head -n 1)
		what=$(head -n 1 "$patch")
		if [ -z "$score" ] || [ -z "$max" ]; then
			echo "  $n/$name: the suite gave no score (see $out/suite.log)"
			failures+=("$n/$name (no score)")
		elif [ "$score" -lt "$max" ]; then
			killed=$((killed + 1))
			echo "  $n/$name: $score/$max killed ($what)"
		else
			echo "  $n/$name: $score/$max SURVIVED: the suite cannot tell it from the solution ($what)"
			failures+=("$n/$name (survived)")
		fi
	done
done

echo "mutants: $killed of $total killed"
if [ ${#failures[@]} -gt 0 ]; then
	printf 'mutant not killed: %s\n' "${failures[@]}"
	exit 1
fi
