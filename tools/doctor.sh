#!/usr/bin/env bash
# make doctor: can this machine run the lab? One line per check, each failure
# with its fix, and a count at the end. It changes nothing on the machine, and
# runs without root too: then it says which checks need root.
# Usage: tools/doctor.sh BUILD_DIR   (uses BUILD_DIR/caps if it was built)
set -u

build=${1:-build}
PATH=$PATH:/usr/sbin:/sbin # modprobe and ip live there, and a user's PATH may lack them
deps="run 'sudo make deps'"
sudo="run 'sudo make doctor'"
vm="or run the lab in its VM: 'make vm' (see README, Troubleshooting)"

oks=0 warnings=0 failures=0
ok() { # ok WHAT DETAIL
	printf '  ok    %s: %s\n' "$1" "$2"
	oks=$((oks + 1))
}
warn() { # warn WHAT DETAIL ADVICE: something that does not stop the lab
	printf '  warn  %s: %s -> %s\n' "$1" "$2" "$3"
	warnings=$((warnings + 1))
}
fail() { # fail WHAT DETAIL FIX
	printf '  FAIL  %s: %s -> fix: %s\n' "$1" "$2" "$3"
	failures=$((failures + 1))
}
has() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$(id -u)" = 0 ]; }

check_root() {
	if is_root; then
		ok root "uid 0"
	else
		fail root "uid $(id -u)" "$sudo"
	fi
}

# "NAME yes|no" lines, as tools/caps.c prints them, from the effective set's
# bit mask in /proc/self/status; see proc(5) and capabilities(7).
caps_from_proc() {
	local mask entry
	mask=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
	for entry in CAP_SYS_ADMIN:21 CAP_SYS_CHROOT:18 CAP_NET_ADMIN:12; do
		if (((16#${mask:-0} >> ${entry#*:}) & 1)); then
			echo "${entry%:*} yes"
		else
			echo "${entry%:*} no"
		fi
	done
}

check_capabilities() {
	local lines status=0 from name value missing=""
	if [ -x "$build/caps" ]; then
		from="$build/caps"
		lines=$("$build/caps" 2>&1) || status=$?
		if [ "$status" -gt 1 ]; then
			fail capabilities "$build/caps failed: $lines" "rebuild it with 'make $build/caps'"
			return
		fi
	elif has pkg-config && pkg-config --exists libcap 2>/dev/null; then
		from="/proc/self/status, as $build/caps is not built"
		lines=$(caps_from_proc)
	else
		from="/proc/self/status, as libcap-dev is missing: $deps"
		lines=$(caps_from_proc)
	fi
	while read -r name value; do
		[ "$value" = yes ] || missing="$missing $name"
	done <<<"$lines"
	if [ -n "$missing" ] && ! is_root; then
		fail capabilities "missing$missing (read from $from)" "$sudo"
	elif [ -n "$missing" ]; then
		fail capabilities "root, yet missing$missing (read from $from)" \
			"the outer runtime dropped them: use a privileged container, $vm"
	else
		ok capabilities "CAP_SYS_ADMIN CAP_SYS_CHROOT CAP_NET_ADMIN (read from $from)"
	fi
}

check_kernel() {
	local release version
	release=$(uname -r)
	if ! [[ $release =~ ^([0-9]+)\.([0-9]+) ]]; then
		warn kernel "cannot read a version in '$release'" "the lab needs Linux 5.3 or newer"
		return
	fi
	version=$((BASH_REMATCH[1] * 1000 + BASH_REMATCH[2]))
	if [ "$version" -lt 5003 ]; then
		fail kernel "$release is older than 5.3, which added clone3" "a kernel 5.3 or newer"
	else
		ok kernel "$release"
	fi
}

check_namespaces() {
	local ns missing=""
	for ns in mnt uts ipc pid net cgroup user; do
		[ -e "/proc/self/ns/$ns" ] || missing="$missing $ns"
	done
	if [ -z "$missing" ]; then
		ok namespaces "mnt uts ipc pid net cgroup user"
	else
		fail namespaces "missing from /proc/self/ns:$missing" \
			"the kernel was built without them: use a distribution kernel"
	fi
}

# The v1 controllers mounted, from the options of each cgroup mount; the kernel's
# controller names are the first column of /proc/cgroups. See cgroups(7).
v1_controllers() {
	awk 'NR == FNR { if ($1 !~ /^#/) known[$1] = 1; next }
	     $3 == "cgroup" {
		n = split($4, opts, ",")
		for (i = 1; i <= n; i++) if (opts[i] in known) print opts[i]
	     }' /proc/cgroups /proc/self/mounts 2>/dev/null | sort -u | paste -sd' ' -
}

check_cgroups() {
	local type mode controllers fix c missing=""
	type=$(stat -fc %T /sys/fs/cgroup 2>/dev/null)
	case $type in
	cgroup2fs)
		mode="v2 (unified)"
		controllers=$(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null)
		fix="use a kernel with them; inside a container, the outer runtime must delegate them; $vm"
		;;
	tmpfs)
		mode=v1
		[ -d /sys/fs/cgroup/unified ] && mode="hybrid (v1 controllers, plus an empty v2 mount)"
		controllers=$(v1_controllers)
		fix="mount each: mkdir /sys/fs/cgroup/NAME && mount -t cgroup -o NAME cgroup /sys/fs/cgroup/NAME; $vm"
		;;
	*)
		fail cgroups "/sys/fs/cgroup is '${type:-missing}', not a cgroup mount" \
			"boot a distribution that mounts cgroups (systemd does), $vm"
		return
		;;
	esac
	for c in memory pids cpu; do
		case " $controllers " in *" $c "*) ;; *) missing="$missing $c" ;; esac
	done
	# Step 08's device list: v1 keeps it in the devices controller (v2 in a
	# BPF program, which needs no controller).
	if [ "$type" != cgroup2fs ]; then
		case " $controllers " in *" devices "*) ;; *) missing="$missing devices" ;; esac
	fi
	if [ -z "$missing" ] && [ "$type" != cgroup2fs ]; then
		# Most students' machines are v2: the VM shows the lab there too.
		ok cgroups "$mode; controllers: $controllers (for a pure v2 machine: 'make vm')"
	elif [ -z "$missing" ]; then
		ok cgroups "$mode; controllers: $controllers"
	else
		fail cgroups "$mode; controllers: ${controllers:-none}; missing:$missing" "$fix"
	fi
}

check_overlayfs() {
	# Step 05 keeps each container's upper layer in /run/byoc, which
	# overlayfs cannot be (as inside a Docker container).
	local run
	run=$(stat -fc %T /run 2>/dev/null)
	if [ "$run" = overlayfs ]; then
		warn overlayfs "/run is on overlayfs, which cannot hold an overlay's upper layer" \
			"for step 05, give --state-dir a directory on a tmpfs ('mount -t tmpfs tmpfs DIR')"
	elif grep -qw overlay /proc/filesystems; then
		ok overlayfs "in /proc/filesystems"
	elif has modprobe && modprobe -nq overlay 2>/dev/null; then
		ok overlayfs "module available: the first overlay mount loads it"
	else
		fail overlayfs "not in /proc/filesystems, and modprobe finds no overlay module" \
			"run 'sudo modprobe overlay'"
	fi
}

# A real veth pair, made in a network namespace of its own: the namespace and
# the pair vanish when the command exits, so the host never sees them.
check_veth() {
	local out
	if ! is_root; then
		warn veth "skipped: needs root" "$sudo"
	elif ! has unshare || ! has ip; then
		fail veth "unshare or ip not found" "$deps"
	elif ! out=$(unshare -n true 2>&1); then
		fail veth "cannot make a network namespace: $out" \
			"inside a container: use a VM, or a privileged container"
	elif ! out=$(unshare -n ip link add byoc-doc0 type veth peer name byoc-doc1 2>&1); then
		fail veth "ip link add type veth: $out" "run 'sudo modprobe veth'"
	else
		ok veth "a veth pair can be made (in a throwaway network namespace)"
	fi
}

check_container() {
	local name=""
	if has systemd-detect-virt; then
		# It prints "none" and exits non-zero outside a container.
		name=$(systemd-detect-virt -c 2>/dev/null) || name=""
	elif [ -e /.dockerenv ]; then
		name=docker
	elif [ -e /run/.containerenv ]; then
		name=podman
	else
		name=$(grep -Eo 'docker|lxc|kubepods' /proc/1/cgroup 2>/dev/null | head -n 1)
	fi
	if [ -n "$name" ] && [ "$name" != none ]; then
		warn container "inside a container ($name)" \
			"namespaces and cgroups may be restricted by the outer runtime; $vm"
	else
		ok container "not inside a container"
	fi
}

check_wsl() {
	if grep -qi microsoft /proc/version 2>/dev/null; then
		warn WSL "WSL2" "works with cgroup v2 only when systemd is enabled; see README Troubleshooting"
	else
		ok WSL "not WSL"
	fi
}

check_apparmor() {
	local knob=/proc/sys/kernel/apparmor_restrict_unprivileged_userns
	if [ "$(cat "$knob" 2>/dev/null)" = 1 ]; then
		warn AppArmor "forbids user namespaces to normal users ($knob = 1, Ubuntu 23.10 and later), so 'byoc run' without sudo is refused" \
			"everything with sudo works; for rootless containers, lift it until the next boot with 'sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0'"
	else
		ok AppArmor "does not restrict unprivileged user namespaces"
	fi
}

# Step 10: a normal user's containers. Without newuidmap, or without a range
# in /etc/subuid, root inside maps to the user's own ID alone.
check_rootless() {
	local user=${SUDO_USER:-$(id -un)}
	if [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null)" = 0 ]; then
		warn rootless "user.max_user_namespaces is 0: no user namespaces" \
			"step 10 and 'byoc run' without sudo need them: 'sudo sysctl user.max_user_namespaces=15000'"
	elif ! has newuidmap || ! has newgidmap; then
		warn rootless "newuidmap/newgidmap not found: a container run without sudo maps one ID" \
			"$deps (Debian's uidmap)"
	elif [ "$user" = root ]; then
		ok rootless "newuidmap found; run as root, --userns maps to $(grep -qs '^root:' /etc/subuid && echo "root's range in /etc/subuid" || echo "the lab's range 2100000000-2100065535")"
	elif ! grep -qs "^\($user\|$(id -u "$user" 2>/dev/null)\):" /etc/subuid; then
		warn rootless "$user has no range in /etc/subuid: its containers map one ID" \
			"'sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 $user'"
	else
		ok rootless "newuidmap, and $user's range in /etc/subuid: $(grep "^$user:" /etc/subuid | head -n 1)"
	fi
}

check_rootfs() {
	if [ -e "$build/rootfs/bin/busybox" ] && [ -e "$build/rootfs/etc/byoc-rootfs" ]; then
		ok rootfs "$build/rootfs"
	else
		warn rootfs "not built yet" "run 'sudo make rootfs' (make step-NN builds it for you)"
	fi
}

# Step 07's tests and demonstration make a scratch disk: an ext2 image
# (mke2fs -d) on a loop device.
check_scratch_disk() {
	if [ ! -x /sbin/mke2fs ]; then
		fail "scratch disk" "/sbin/mke2fs not found (step 07 makes an ext2 image)" "$deps"
	elif [ ! -e /dev/loop-control ]; then
		fail "scratch disk" "no /dev/loop-control (step 07 attaches a loop device)" \
			"load the loop module ('sudo modprobe loop'), or run on a machine or VM, not in a container"
	else
		ok "scratch disk" "mke2fs and /dev/loop-control"
	fi
}

check_packages() {
	local lib bb
	for lib in check libcap libmnl libseccomp jansson; do
		if ! has pkg-config; then
			fail "$lib" "pkg-config not found, so cannot look for $lib" "$deps"
		elif pkg-config --exists "$lib" 2>/dev/null; then
			ok "$lib" "$(pkg-config --modversion "$lib")"
		else
			fail "$lib" "not found by pkg-config" "$deps"
		fi
	done

	bb=$(command -v busybox)
	if [ -z "$bb" ]; then
		fail busybox "not installed (the rootfs needs busybox-static)" "$deps"
	elif ! has readelf; then
		fail busybox "readelf not found, so cannot tell whether $bb is static" "$deps"
	elif LC_ALL=C readelf -l "$bb" 2>/dev/null | grep -q 'program interpreter'; then
		fail busybox "$bb is dynamically linked (the rootfs needs busybox-static)" "$deps"
	else
		ok busybox "$bb is static"
	fi

	if has cc; then
		ok cc "$(cc --version 2>/dev/null | head -n 1)"
	else
		fail cc "no C compiler (cc)" "$deps"
	fi
}

check_root
check_capabilities
check_kernel
check_namespaces
check_cgroups
check_overlayfs
check_veth
check_container
check_wsl
check_apparmor
check_rootless
check_rootfs
check_scratch_disk
check_packages

echo "doctor: $oks ok, $warnings warnings, $failures failed"
[ "$failures" -eq 0 ]
