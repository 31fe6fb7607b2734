#!/bin/sh
# What make bench needs beyond the lab's own packages, installed with apt-get
# when missing: gnuplot draws the chart (make bench installs it); crun, runc
# and bubblewrap are the runtimes it compares with (make bench-deps).
# Usage: tools/bench/deps.sh gnuplot|all
set -u

missing=""
need() { # need COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}

need gnuplot gnuplot-nox
if [ "${1:-}" = all ]; then
	need crun crun
	need runc runc
	need bwrap bubblewrap
fi

missing=${missing# }
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "make bench: this machine has no apt-get; install these (Debian names) with its package manager: $missing" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "make bench: missing packages: $missing: run 'sudo make bench-deps'" >&2
	exit 1
fi
echo "make bench: installing $missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # the list is meant to split
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; } </dev/null; then
	echo "make bench: apt-get could not install: $missing (see its messages above)" >&2
	exit 1
fi
