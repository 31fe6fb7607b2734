#!/bin/sh
# Build the lab's tiny image layer, "app", to stack above the rootfs with
# --layer (step 05): it adds a program and its config file, and overrides one
# file of the image, /etc/motd.
# Usage: rootfs/app-layer.sh OUT_DIR HELLO_PROGRAM
set -eu

out=$1 hello=$(realpath "$2")
tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/app" "$tmp/etc"
cp "$hello" "$tmp/app/hello"
printf 'greeting=hello from the app layer\n' >"$tmp/etc/app.conf"
printf 'byoc app layer: this /etc/motd hides the image'"'"'s own\n' >"$tmp/etc/motd"
rm -rf "$out"
mv "$tmp" "$out"
