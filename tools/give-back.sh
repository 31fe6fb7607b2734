#!/bin/sh
# Under sudo, hand what make wrote back to the user who ran sudo, so that a
# student's checkout never fills with root-owned files.
[ -n "${SUDO_UID:-}" ] && [ -e "$1" ] || exit 0
# -P -h: the rootfs links to /bin/busybox; change the links, never what they
# name on the host.
chown -R -P -h "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$1"
