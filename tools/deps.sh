#!/bin/sh
# Install what the lab needs and this machine lacks, with apt-get. What is
# missing is found by looking for each tool or library itself, so a machine
# that has them some other way needs nothing installed. Each argument
# COMMAND=PACKAGE adds a package to install when COMMAND is missing (make
# bench: gnuplot=gnuplot-nox).
# Usage: tools/deps.sh [COMMAND=PACKAGE...]
set -u
PATH=$PATH:/usr/sbin:/sbin # debootstrap lives there, and a user's PATH may lack it

missing=""
need() { # need PACKAGE: add a Debian package to the list
	case " $missing " in *" $1 "*) ;; *) missing="$missing $1" ;; esac
}

command -v cc >/dev/null 2>&1 && command -v make >/dev/null 2>&1 || need build-essential
[ -n "$(find /usr/lib /usr/lib64 -name libc.a 2>/dev/null | head -n 1)" ] || need build-essential
command -v readelf >/dev/null 2>&1 || need build-essential
command -v pkg-config >/dev/null 2>&1 || need pkg-config
if command -v pkg-config >/dev/null 2>&1; then
	pkg-config --exists check 2>/dev/null || need check
	pkg-config --exists libcap 2>/dev/null || need libcap-dev
	pkg-config --exists libmnl 2>/dev/null || need libmnl-dev
	pkg-config --exists libseccomp 2>/dev/null || need libseccomp-dev
	pkg-config --exists jansson 2>/dev/null || need libjansson-dev
else
	need check
	need libcap-dev
	need libmnl-dev
	need libseccomp-dev
	need libjansson-dev
fi
bb=$(command -v busybox 2>/dev/null || true)
if [ -z "$bb" ] || ! command -v readelf >/dev/null 2>&1 ||
	LC_ALL=C readelf -l "$bb" 2>/dev/null | grep -q 'program interpreter'; then
	need busybox-static
fi
command -v ip >/dev/null 2>&1 || need iproute2
# Step 07's scratch disk: an ext2 image made with mke2fs -d.
[ -x /sbin/mke2fs ] || need e2fsprogs
# Step 10: a normal user's range of IDs, mapped by these set-user-ID helpers;
# and useradd/userdel, for the suite's own unprivileged user.
command -v newuidmap >/dev/null 2>&1 && command -v newgidmap >/dev/null 2>&1 || need uidmap
command -v useradd >/dev/null 2>&1 || need passwd
for tool in unshare nsenter findmnt lsns; do
	command -v "$tool" >/dev/null 2>&1 || need util-linux
done

for extra in "$@"; do
	command -v "${extra%%=*}" >/dev/null 2>&1 || need "${extra#*=}"
done

missing=${missing# }
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "make deps: this machine has no apt-get; install these (Debian names) with its package manager: $missing" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "make deps: missing packages: $missing: run 'sudo make deps'" >&2
	exit 1
fi
echo "make deps: installing $missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # the list is meant to split
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; } </dev/null; then
	echo "make deps: apt-get could not install: $missing (see its messages above)" >&2
	exit 1
fi
