#!/bin/sh
# Under sudo, hand what make wrote back to the user who ran sudo, so that a
# student's checkout never fills with root-owned files.
# Usage: tools/give-back.sh PATH...
[ -n "${SUDO_UID:-}" ] || exit 0
for path in "$@"; do
	[ -e "$path" ] || continue
	# -P -h: the rootfs links to /bin/busybox; change the links, never what
	# they name on the host.
	chown -R -P -h "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$path"
done
