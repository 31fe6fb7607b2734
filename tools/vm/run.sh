#!/usr/bin/env bash
# Boot the lab's VM: Debian's kernel under QEMU, the host's / read-only as its
# root over virtio-9p, no network device. See tools/vm/init and guest.sh.
#   check: stream the guest's console; pass only on its "BYOC-VM-VERDICT pass"
#          line, fail on anything else or when it has not finished in
#          VM_TIMEOUT seconds (default 2700).
#   shell: an interactive root shell in the guest (Ctrl-A X quits QEMU).
# TCG by default; KVM only when /dev/kvm exists and a probe boot (the
# initramfs alone, 15 s at most) proves that it works. VM_ACCEL=tcg|kvm forces one.
# Usage: tools/vm/run.sh check|shell BUILD_DIR
set -u

mode=$1 build=$2
kernel=$build/vm/kernel/vmlinuz
initrd=$build/vm/initramfs.cpio.gz
log=$build/vm/$mode.log
lab=$PWD
for f in "$kernel" "$initrd"; do
	[ -f "$f" ] || {
		echo "vm: $f is missing: run 'sudo make vm-deps'" >&2
		exit 1
	}
done

# machine ACCEL MODE: the guest's QEMU command line, into the array "cmd".
machine() {
	cmd=(qemu-system-x86_64 -accel "$1" -cpu max -smp 2 -m 2048 -nodefaults -no-reboot
		-display none -nic none -kernel "$kernel" -initrd "$initrd"
		-append "console=ttyS0 panic=-1 quiet cgroup_no_v1=all byoc.mode=$2 byoc.lab=$lab"
		-fsdev local,id=host,path=/,security_model=none,readonly=on,multidevs=remap
		-device virtio-9p-pci,fsdev=host,mount_tag=host)
}

accel=${VM_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	machine kvm probe
	if [ -w /dev/kvm ] &&
		timeout -k 2 15 "${cmd[@]}" -serial stdio -monitor none </dev/null 2>/dev/null |
		grep -aq BYOC-VM-PROBE; then
		accel=kvm
	fi
fi
echo "vm: QEMU with $accel, Linux from $kernel"

if [ "$mode" = shell ]; then
	machine "$accel" shell
	"${cmd[@]}" -serial mon:stdio \
		-fsdev "local,id=lab,path=$lab,security_model=none,multidevs=remap" \
		-device virtio-9p-pci,fsdev=lab,mount_tag=lab
	exit
fi

start=$(date +%s)
set -o pipefail
machine "$accel" check
cmd+=(-fsdev "local,id=lab,path=$lab,security_model=none,readonly=on,multidevs=remap"
	-device virtio-9p-pci,fsdev=lab,mount_tag=lab)
timeout -k 5 "${VM_TIMEOUT:-2700}" "${cmd[@]}" -serial stdio -monitor none </dev/null 2>&1 |
	sed -u 's/\r$//' | tee "$log"
status=$?
took=$(($(date +%s) - start))
verdict=$(grep -a '^BYOC-VM-VERDICT' "$log" | tail -n 1)
case "$verdict" in
"BYOC-VM-VERDICT pass"*)
	echo "check-v2: passed in ${took} s (${verdict#BYOC-VM-VERDICT })"
	exit 0
	;;
"")
	[ "$status" = 124 ] && why="did not finish within ${VM_TIMEOUT:-2700} s" || why="stopped without a verdict (QEMU status $status)"
	echo "check-v2: FAILED: the guest $why; its console is in $log" >&2
	;;
*)
	echo "check-v2: FAILED in ${took} s (${verdict#BYOC-VM-VERDICT }); the guest's console is in $log" >&2
	;;
esac
exit 1
