#!/usr/bin/env bash
# Grade steps: build each step's binary, run its suite, print the score table.
# With a report directory, also write per-step JSON, Check's XML and TAP logs,
# and report.json for all steps.
# Usage: tools/grade.sh OUT_DIR ROOTFS IMPL REPORT_DIR|"" STEP...
set -u

out=$1 rootfs=$2 impl=$3 report=$4
shift 4
score=0 max=0 failed=0 parts=()

[ -n "$report" ] && mkdir -p "$report"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for step in "$@"; do
	num=${step%%-*}
	bin="$out/step-$num"
	json="${report:-$tmp}/$step.json"
	# A step that does not compile scores zero; the other steps still run.
	if ! make --no-print-directory -s IMPL="$impl" "$bin"; then
		echo "make: step $step did not build (the compiler's errors are above)" >&2
		rm -f "$bin"
	fi
	args=(--bin "$bin" --rootfs "$rootfs" --impl "$impl" --json "$json")
	[ -n "$report" ] && args+=(--xml "$report/$step.xml" --tap "$report/$step.tap")
	build/tests/"suite-${step//-/_}" "${args[@]}" || failed=1
	line=$(head -n 1 "$json")
	s=$(sed -n 's/.*"score": \([0-9]*\).*/\1/p' <<<"$line")
	m=$(sed -n 's/.*"max": \([0-9]*\).*/\1/p' <<<"$line")
	score=$((score + s)) max=$((max + m))
	parts+=("$json")
	echo
done

echo "Total ($impl): $score/$max points"
if [ -n "$report" ]; then
	{
		printf '{"impl": "%s", "score": %d, "max": %d, "steps": [\n' "$impl" "$score" "$max"
		sep=""
		for p in "${parts[@]}"; do
			printf '%s' "$sep"
			cat "$p"
			sep=","
		done
		printf ']}\n'
	} >"$report/report.json"
	echo "Report: $report/report.json (with Check's XML and TAP logs beside it)"
	exit 0 # grading finished; the scores are in the report
fi
exit "$failed"
