#!/bin/sh
# Docker's own default seccomp profile, for step 09's suite to load with
# --security-opt seccomp=FILE: profiles/seccomp/default.json, as Debian's
# package of Docker's sources (golang-github-docker-docker-dev) ships it. The
# package is downloaded and unpacked here, never installed.
# Usage: tools/docker-profile.sh OUT.json
set -eu

out=$1
pkg=golang-github-docker-docker-dev
member=./usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! (cd "$tmp" && apt-get download -qq "$pkg") >/dev/null 2>&1; then
	# A fresh machine may have no package lists yet.
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq </dev/null >/dev/null 2>&1 || true
	fi
	if ! (cd "$tmp" && apt-get download -qq "$pkg") >"$tmp/log" 2>&1; then
		echo "docker-profile: apt-get download $pkg failed: $(tail -n 1 "$tmp/log"); run 'sudo apt-get update' and try again" >&2
		exit 1
	fi
fi
dpkg-deb --fsys-tarfile "$tmp"/"$pkg"_*.deb | tar -x -C "$tmp" "$member"
mkdir -p "$(dirname "$out")"
cp "$tmp/$member" "$out.tmp"
mv "$out.tmp" "$out"
echo "docker-profile: $out, from $(basename "$tmp"/"$pkg"_*.deb)"
