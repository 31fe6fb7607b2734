#!/usr/bin/env bash
# Step 09's demonstration: the container's root reaches only the system calls
# of Docker's default list; a refused call fails with EPERM and the program
# goes on. It never makes a dangerous call: the lab's probe, `sysprobe call
# NAME`, stops every call it asks about before the kernel runs it.
# Usage: steps/09-seccomp/demo.sh STEP_BINARY
# The scripts in single quotes run in the container's sh, which expands them:
# shellcheck disable=SC2016
set -u
bin=$1
# shellcheck source=SCRIPTDIR/../demo-lib.sh
. "$(dirname "$0")/../demo-lib.sh"

say "Is the container's / the lab's rootfs?"
require_rootfs 09-seccomp seccomp.c "filter_new()"
if ! "$bin" -- /bin/sh -c '[ -x /bin/sysprobe ]' >/dev/null 2>&1; then
	echo "The rootfs has no /bin/sysprobe, the lab's probe: run 'sudo make rootfs'."
	exit 1
fi
echo "Yes, with the lab's probe, /bin/sysprobe: 'sysprobe call NAME' asks whether the"
echo "container's filter lets a call through, and stops the call before the kernel runs it."

# hint FUNCTION SECTION: what is still a TODO, and where to read.
hint() {
	echo "That call still passes: $1 in exercises/09-seccomp/seccomp.c is a TODO."
	echo "Read steps/09-seccomp/README.md, \"$2\"."
}
said() { "$bin" -- /bin/sysprobe "$@" 2>/dev/null; }

say "A filter, loaded last"
inside 'grep -E "NoNewPrivs|Seccomp" /proc/self/status'
if [ "$(said status)" = "open NoNewPrivs: 1 Seccomp: 0 Seccomp_filters: 0" ]; then
	hint "filter_new() (and seccomp_child_setup())" "Your task"
else
	echo "Seccomp: 2 is a filter; one of them, on top of no_new_privs (step 07)."
fi

say "The kernel's surface that no container needs: EPERM"
inside 'for c in keyctl add_key bpf perf_event_open userfaultfd io_uring_setup kexec_load init_module reboot; do sysprobe call $c; done; echo "the shell goes on"'
case $(said call keyctl) in
held*) echo "Each refused before the kernel ran it; the program sees an error and goes on." ;;
*) hint "allow_families()" "The table" ;;
esac

say "Rules on arguments: clone without namespaces, clone3 with ENOSYS"
inside 'sysprobe call clone 17; sysprobe call clone 0x10000011; sysprobe clone3; sysprobe threads; door userns-mount'
case $(said call clone 0x10000011) in
held*) echo "fork() passes, CLONE_NEWUSER does not; clone3 fails with ENOSYS, so glibc falls back" ;;
*) hint "allow_by_argument()" "Rules on arguments" ;;
esac

say "The 32-bit entry and x32 are filtered too"
inside 'sysprobe call --ia32 keyctl; sysprobe call --ia32 getpid; sysprobe call --x32 keyctl'

say "Capabilities widen it, as in Docker: --cap-add SYS_ADMIN gives back mount"
inside --cap-add SYS_ADMIN 'sysprobe call mount; sysprobe call keyctl'

say "Lifting it: --security-opt seccomp=unconfined"
inside --security-opt seccomp=unconfined 'grep Seccomp: /proc/self/status; sysprobe call keyctl'

say "Next"
echo "Grade this step:        sudo make test STEP=09"
echo "A shell inside:         sudo make shell STEP=09"
