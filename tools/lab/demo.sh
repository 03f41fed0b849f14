#!/bin/bash
# make demo: build vmm.ko for Debian's stock kernel, boot the emulated AMD PC
# (QEMU) and Intel PC (Bochs) with it, and show what vmm reports in each,
# ending with a Linux guest's shell session under /dev/vmm.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
out=$BUILD/demo
mkdir -p "$out"
log "building vmm.ko for Debian's stock kernel and vmctl"
build_module stock || { tail -n 20 "$BUILD/stock/build.log"; exit 1; }
build_userspace
# shellcheck disable=SC2046 # linux_guest_files gives words
make_initramfs stock "$LAB/plans/demo.sh" "$out/initrd.gz" $(linux_guest_files)
kernel_info stock
log "booting the AMD machine (QEMU, ~1 min) and the Intel machine (Bochs, ~8 min) in parallel"
# One CPU, as make check's amd-linux machine: with two, QEMU's round-robin
# TCG made the nested Linux boot print nothing for 120 s (Documentation/
# lab.rst, "Single-threaded TCG has a cost of its own").
"$LAB/run.sh" --machine qemu-amd --smp 1 --kernel "$KVER_BZIMAGE" --initrd "$out/initrd.gz" \
	--log "$out/amd.log" --timeout 300 2>"$out/amd.err" &
amd=$!
"$LAB/run.sh" --machine bochs-intel --kernel "$KVER_BZIMAGE" --initrd "$out/initrd.gz" \
	--log "$out/intel.log" --timeout 1200 2>"$out/intel.err" &
intel=$!
rc=0
for m in amd intel; do
	if [ $m = amd ]; then wait $amd || rc=1; else wait $intel || rc=1; fi
	echo
	echo "### the emulated $([ $m = amd ] && echo AMD || echo Intel) machine ($(tail -n 1 "$out/$m.err"))"
	sed -n '/^=* vmm demo/,/^=================/p' "$out/$m.log" | tr -d '\r'
done
[ $rc = 0 ] || echo "demo: a machine failed; logs in $out" >&2
exit $rc
