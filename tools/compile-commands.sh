#!/usr/bin/env bash
# Write compile_commands.json for the C files given, with the compiler and
# flags that make uses, so that an editor (clangd, ccls) finds the lab's
# headers. Usage: tools/compile-commands.sh CC FLAG... -- FILE...
set -eu

args=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	args+=("$1")
	shift
done
shift

json() { # a JSON string
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "$s"
}

dir=$PWD
sep=""
printf '['
for file in "$@"; do
	printf '%s\n  {"directory": %s, "file": %s, "arguments": [' "$sep" "$(json "$dir")" "$(json "$file")"
	for a in "${args[@]}" -c "$file"; do
		printf '%s, ' "$(json "$a")"
	done | sed 's/, $//'
	printf ']}'
	sep=","
done
printf '\n]\n'
