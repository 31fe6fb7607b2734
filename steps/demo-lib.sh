# Shared by the steps' demonstrations (steps/NN-name/demo.sh); sourced, not run.
# The caller sets `bin`, the step's binary, and may set `bin_args`, words that
# go before the options (byoc's subcommand, `run`).

if [ -t 1 ]; then bold=$'\e[1m' off=$'\e[0m'; else bold="" off=""; fi

say() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }

# inside [OPTION...] SCRIPT: show the script, and the runtime's options if any,
# then run it in the container.
inside() {
	local script=${*: -1} opts=${*:1:$#-1}
	printf '[container%s]$ %s\n' "${opts:+ started with $opts}" "$script"
	"$bin" ${bin_args[@]+"${bin_args[@]}"} "${@:1:$#-1}" -- /bin/sh -c "$script" 2>&1 | sed 's/^/  /'
}

# Stop, with the lesson's pointer, unless the container's / is the rootfs.
require_rootfs() { # require_rootfs STEP FILE FUNCTION
	local said
	said=$("$bin" ${bin_args[@]+"${bin_args[@]}"} -- /bin/sh -c '[ -e /etc/byoc-rootfs ]' 2>&1) && return 0
	[ -n "$said" ] && printf 'The runtime said:\n  %s\n' "$said"
	echo "The command did not run inside the lab's rootfs: $3 in exercises/$1/$2"
	echo "is still a TODO. Read steps/$1/README.md, \"Your task\", and run 'sudo make step-${1%%-*}' again."
	exit 1
}

# with_container [OPTION...] SCRIPT FUNCTION: start a container that runs
# SCRIPT, then prints "ready" and waits on stdin; call FUNCTION with the
# container's host PID while it waits (the runtime's is in $runtime); then let
# it finish, and show the rest of its output.
with_container() {
	local fn=${*: -1} script=${*: -2:1} pid line ready=""
	coproc CONTAINER { exec "$bin" ${bin_args[@]+"${bin_args[@]}"} "${@:1:$#-2}" -- /bin/sh -c "$script; echo ready; read line" 2>&1; }
	# bash closes and forgets these once the coproc ends: keep copies. `runtime`
	# is for FUNCTION.
	local out in status
	exec {out}<&"${CONTAINER[0]}" {in}>&"${CONTAINER[1]}"
	runtime=$CONTAINER_PID
	while read -r line <&"$out"; do
		[ "$line" = ready ] && { ready=1; break; }
		echo "  $line"
	done
	if [ -z "$ready" ]; then
		echo "  (the container ended before it was ready)"
		wait "$runtime" 2>/dev/null
		exec {out}<&- {in}>&-
		return 1
	fi
	pid=$(cut -d' ' -f1 "/proc/$runtime/task/$runtime/children")
	"$fn" "$pid"
	(echo >&"$in") 2>/dev/null # a subshell: SIGPIPE, if it has ended, is its own
	exec {in}>&-
	sed 's/^/  /' <&"$out"
	exec {out}<&-
	wait "$runtime" 2>/dev/null
	status=$?
	[ "$status" = 0 ] || echo "  (the runtime exited with status $status)"
}

# The container's namespaces beside the host's, as the kernel reports them.
namespaces() { # namespaces PID
	local ns mine theirs
	for ns in mnt pid uts ipc net cgroup user; do
		mine=$(readlink "/proc/self/ns/$ns") theirs=$(readlink "/proc/$1/ns/$ns")
		printf '  %-7s %-24s %s\n' "$ns" "$theirs" \
			"$([ "$mine" = "$theirs" ] && echo "the host's own" || echo "a new one")"
	done
}

# cgfile PID CONTROLLER FILE: the host path of FILE in the cgroup that PID is
# in for CONTROLLER (v1), or in the unified tree (v2).
cgfile() {
	local path mount
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		path=$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup")
		echo "/sys/fs/cgroup${path%/}/$3"
		return
	fi
	path=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup")
	mount=$(awk -v c="$2" '$0 ~ / - cgroup / { n = split($NF, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $5 }' /proc/self/mountinfo)
	echo "$mount${path%/}/$3"
}
