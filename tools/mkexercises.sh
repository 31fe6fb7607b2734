#!/bin/sh
# Generate the exercises from the solutions: each block between a
# "BEGIN SOLUTION:" comment and "/* END SOLUTION */" becomes a TODO that keeps
# the comment (which names the test and the lesson section) and drops the code.
# Usage: tools/mkexercises.sh DEST_DIR [--force]
set -eu

dest=$1
force=${2:-}

if [ "$dest" = exercises ] && [ "$force" != --force ]; then
	if ! git diff --quiet HEAD -- exercises 2>/dev/null ||
		[ -n "$(git ls-files --others --exclude-standard exercises 2>/dev/null)" ]; then
		echo "make exercises: exercises/ holds edits that this would overwrite: commit them, or run 'make exercises FORCE=1' to discard them" >&2
		exit 1
	fi
fi

for dir in solutions/*/; do
	step=$(basename "$dir")
	rm -rf "${dest:?}/$step"
	mkdir -p "$dest/$step"
	for src in "$dir"*; do
		out="$dest/$step/$(basename "$src")"
		awk -v src="$src" '
			state == 0 && /BEGIN SOLUTION:/ {
				sub(/BEGIN SOLUTION:/, "TODO:")
				print
				state = /\*\// ? 2 : 1
				next
			}
			state == 1 { print; if (/\*\//) state = 2; next }
			state == 2 { if (/END SOLUTION/) state = 0; next }
			{ print }
			END { if (state != 0) { print src ": a BEGIN SOLUTION block has no END SOLUTION" > "/dev/stderr"; exit 1 } }
		' "$src" >"$out"
	done
	echo "generated $dest/$step from $dir"
done
