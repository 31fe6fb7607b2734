#!/usr/bin/env bash
# make soak: RUNS containers back to back with mixed options, then CONCURRENT
# at once, then a leak check. Each run's exit status is checked; the figures
# go to stdout. `make check` runs a short version.
# Usage: tools/soak.sh STEP_BINARY RUNS CONCURRENT
set -u
cd "$(dirname "$0")/.."

bin=$1 runs=$2 concurrent=$3
snapshot=build/tests/leak-snapshot
failed=0

# Options and commands, and the status each must end with.
cases=(
	"0|-- /bin/true"
	"0|--init -- /bin/true"
	"3|--memory 64M --pids 32 --cpus 0.5 -- /bin/sh -c 'exit 3'"
	"0|--hostname soak -- /bin/hostname"
	"127|-- /no/such/command"
	"125|--memory 4096 -- /bin/true"
	"0|-v -- /bin/true"
	"137|--init --pids 16 -- /bin/sh -c 'kill -KILL \$\$'"
	"0|--stats --memory 32M -- /bin/true"
	"0|--cpu-weight 200 --hostname x -- /bin/sh -c :"
)

ms() { echo $(($(date +%s%N) / 1000000)); }

before=$("$snapshot")
dir=$(mktemp -d /tmp/byoc-soak-XXXXXX)
trap 'exec 9>&- 2>/dev/null; rm -rf "$dir"' EXIT

start=$(ms)
for ((i = 0; i < runs; i++)); do
	c=${cases[i % ${#cases[@]}]}
	want=${c%%|*}
	eval "args=(${c#*|})"
	"$bin" "${args[@]}" </dev/null >/dev/null 2>"$dir/err"
	got=$?
	if [ "$got" != "$want" ]; then
		failed=$((failed + 1))
		[ "$failed" -le 5 ] && echo "soak: run $i (${c#*|}): expected status $want, saw $got: $(head -c 300 "$dir/err")"
	fi
done
took=$(($(ms) - start))
echo "soak: $runs runs back to back with mixed options: $failed failed, $((took / 1000)).$(printf %03d $((took % 1000))) s, $((took / runs)).$(printf %02d $((took * 100 / runs % 100))) ms a run"

# All at once: each container says "up", then waits for a line on the gate.
start=$(ms)
mkfifo "$dir/gate"
exec 9<>"$dir/gate"
pids=()
for ((i = 0; i < concurrent; i++)); do
	"$bin" --memory 32M --pids 16 -- /bin/sh -c 'echo up; read x' <"$dir/gate" >"$dir/up.$i" 2>"$dir/err.$i" 9>&- &
	pids+=($!)
done
up=0
for ((t = 0; t < 600 && up < concurrent; t++)); do
	up=$(cat "$dir"/up.* 2>/dev/null | grep -c '^up$')
	[ "$up" -lt "$concurrent" ] && sleep 0.1
done
live=$(find /run/byoc -mindepth 1 -maxdepth 1 -name '[0-9a-f]*' | wc -l)
for ((i = 0; i < concurrent; i++)); do echo go >&9; done
exec 9>&-
cfailed=0
for i in "${!pids[@]}"; do
	if ! wait "${pids[$i]}"; then
		cfailed=$((cfailed + 1))
		[ "$cfailed" -le 5 ] && echo "soak: concurrent container $i failed: $(head -c 300 "$dir/err.$i")"
	fi
done
took=$(($(ms) - start))
echo "soak: $concurrent containers at once: $up up together ($live state directories), $cfailed failed, $((took / 1000)).$(printf %03d $((took % 1000))) s"
[ "$up" -eq "$concurrent" ] || cfailed=$((cfailed + 1))
failed=$((failed + cfailed))

after=$("$snapshot" --settle <<<"$before")
left=$(comm -13 <(sort <<<"$before") <(sort <<<"$after"))
if [ -n "$left" ]; then
	printf 'soak: left behind:\n%s\n' "$left"
	failed=$((failed + 1))
else
	echo "soak: nothing left on the host (mounts, links, cgroups, state directories, IPC)"
fi
[ "$failed" -eq 0 ]
