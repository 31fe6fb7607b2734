#!/usr/bin/env bash
# The lab's self-test (make check): every proof that the lab is sound, each
# counted; the last line says how many passed and failed.
set -u
cd "$(dirname "$0")/.."

passed=0 failed=0 failures=()
prove() { # prove "what" command...
	local what=$1
	shift
	# make check-v2's guest runs what the host built: nothing is compiled there.
	if [ -n "${BYOC_CHECK_PREBUILT:-}" ] && [ "$1" = make ]; then
		echo "---- $what: built on the host"
		return
	fi
	echo "---- $what"
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$what")
	fi
}

# make check-v2's guest may narrow the steps (BYOC_CHECK_STEPS) and the
# mutants' steps (BYOC_CHECK_MUTANTS): TCG is about ten times slower.
all_steps=$(ls -d steps/[0-9][0-9]-* | xargs -n1 basename)
steps=${BYOC_CHECK_STEPS:-$all_steps}
suite() { echo "build/tests/suite-${1//-/_}"; }
rootfs=$PWD/build/rootfs

prove "the rootfs builds" make --no-print-directory -s _rootfs
# Step 09's suite runs a Debian's programs and loads Docker's own profile; here
# their absence is a failure, not a note.
prove "step 09's fixtures: a minimal Debian (debootstrap), Docker's default.json" \
	make --no-print-directory -s _check-fixtures
export BYOC_FIXTURES_REQUIRED=1
prove "the leak snapshot tool builds" make --no-print-directory -s build/tests/leak-snapshot
before=$(build/tests/leak-snapshot 2>/dev/null)

prove "solutions, exercises and tests build with -Werror" make --no-print-directory -s _check-build
prove "the library's unit tests pass" build/solutions/unit-tests
prove "no two modules of lib/ include each other, directly or around a circle" tools/include-circles.sh
prove "the runner names and undoes what a test changes on the machine" tools/slate-proof.sh
for step in $steps; do
	n=${step%%-*}
	prove "step $step: every test passes against solutions/" \
		"$(suite "$step")" --bin "build/solutions/step-$n" --rootfs "$rootfs" --impl solutions
	prove "step $step: every test fails against the exercise skeleton" \
		"$(suite "$step")" --bin "build/exercises/step-$n" --rootfs "$rootfs" --impl exercises --expect-fail
done
prove "exercises/ is what solutions/ generates" make --no-print-directory -s check-exercises
# README's table holds for byoc, the full container, which takes every option.
prove "the runtime's own tests pass (fds, stdio, --init, set-up deaths, stale state, README's table)" \
	build/tests/suite-runtime --bin build/solutions/byoc --bin-arg run --rootfs "$rootfs" --impl solutions
prove "byoc run end to end: every isolation from outside, --name, -e, -w, gc, version" \
	build/tests/suite-byoc-run --bin build/solutions/byoc --bin-arg run --rootfs "$rootfs" --impl solutions
prove "byoc's lifecycle: run -d and its monitor, ps, logs, exec, stop, kill, rm, inspect, -t" \
	build/tests/suite-lifecycle --bin build/solutions/byoc --rootfs "$rootfs" --impl solutions
prove "byoc as an OCI runtime: bundles, create/start/state/kill/delete, podman and containerd driving it" \
	build/tests/suite-oci --bin build/solutions/byoc --rootfs "$rootfs" --impl solutions
prove "podman, containerd and podman kube play run their containers with byoc" \
	build/tests/suite-oci-clients --bin build/solutions/byoc --rootfs "$rootfs" --impl solutions
prove "escapes: every door of README's \"Escapes tried\" held by byoc run, open where the table says" \
	build/tests/suite-escapes --bin build/solutions/byoc --bin-arg run --rootfs "$rootfs" --impl solutions
prove "soak: 200 runs back to back and 10 at once, nothing left" \
	tools/soak.sh build/solutions/step-04 200 10
prove "every mutant of tests/mutants/ loses points (a realistic wrong solution)" \
	tools/mutants.sh ${BYOC_CHECK_MUTANTS:-}

prove "solutions build with -fsanitize=address,undefined" make --no-print-directory -s _check-san-build
prove "the unit tests pass under the sanitizers" build/solutions-san/unit-tests
for step in $steps; do
	n=${step%%-*}
	prove "step $step: every test passes with a sanitized runtime" \
		"$(suite "$step")" --bin "build/solutions-san/step-$n" --rootfs "$rootfs" --impl solutions-san
done

after=$(build/tests/leak-snapshot --settle <<<"$before" 2>/dev/null)
left=$(comm -13 <(sort <<<"$before") <(sort <<<"$after"))
prove "nothing was left on the host (mounts, links, network namespaces, cgroups, state, loop devices)" \
	test -z "$left"
[ -n "$left" ] && printf 'left behind:\n%s\n' "$left"

echo
if [ "$failed" -gt 0 ]; then
	printf 'failed: %s\n' "${failures[@]}"
fi
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
