#!/bin/bash
# make linux-check: Linux as a guest of vmctl run --kernel, nested in the
# emulated AMD machine (QEMU, stock Debian kernel as the machine's kernel
# and as the guest's), under kvm.ko and vmm.ko; tools/lab/plans/linux.sh says what is
# checked. Prints the plan's RESULT lines, the machine's wall time and
# "N passed, N failed, N skipped"; the status is non-zero on any failure.
#
#   linux-check.sh [OUTDIR]   (default build/linux-check)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

OUT=${1:-$BUILD/linux-check}
mkdir -p "$OUT"
build_module stock || { log "vmm.ko build failed: $BUILD/stock/build.log"; exit 1; }
build_userspace || { log "userspace build failed"; exit 1; }
kernel_info stock || exit 1
# shellcheck disable=SC2046 # linux_guest_files gives words
make_initramfs stock "$LAB/plans/linux.sh" "$OUT/initrd.gz" $(linux_guest_files) \
	>"$OUT/initramfs.log" 2>&1 ||
	{ log "initramfs failed: $(tail -n 3 "$OUT/initramfs.log")"; exit 1; }

t0=$(date +%s)
"$LAB/run.sh" --machine qemu-amd --kernel "$KVER_BZIMAGE" --initrd "$OUT/initrd.gz" \
	--log "$OUT/serial.log" --results "$OUT/results.uart" 2>"$OUT/run.err"
rc=$?
wall=$(( $(date +%s) - t0 ))
"$LAB/check-log.sh" "$OUT/serial.log" linux >"$OUT/kernel-reports.txt" 2>&1
reports=$?

tr -d '\r' <"$OUT/results.uart" | grep '^RESULT ' >"$OUT/results"
[ $rc = 0 ] || echo "RESULT FAIL linux plan_finished rc=$rc $(tail -n 1 "$OUT/run.err")" >>"$OUT/results"
[ $reports = 0 ] || echo "RESULT FAIL linux kernel_reports $OUT/kernel-reports.txt" >>"$OUT/results"
cat "$OUT/results"
echo "linux-check: qemu-amd boot ${wall} s wall"
pass=$(grep -c '^RESULT PASS' "$OUT/results")
fail=$(grep -c '^RESULT FAIL' "$OUT/results")
skip=$(grep -c '^RESULT SKIP' "$OUT/results")
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
