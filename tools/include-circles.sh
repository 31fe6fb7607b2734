#!/usr/bin/env bash
# No two modules of lib/ (a .c and its .h) depend on each other, directly or
# around a circle: every include of the lab's own headers becomes an edge
# for tsort(1), which names any loop it finds.
set -eu
cd "$(dirname "$0")/.."

edges=$(for f in lib/*.[ch]; do
	module=$(basename "${f%.*}")
	sed -n 's/^#include "\([a-z_]*\)\.h".*/\1/p' "$f" | while read -r header; do
		[ "$header" = "$module" ] || echo "$module $header"
	done
done)
if ! loops=$(tsort <<<"$edges" 2>&1 >/dev/null) || [ -n "$loops" ]; then
	echo "lib/ has an include circle (module, then what it includes):" >&2
	echo "$loops" >&2
	exit 1
fi
echo "lib/: $(ls lib/*.c | wc -l) modules, no include circle"
