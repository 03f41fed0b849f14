#!/bin/bash
# make linux-check: Linux as a guest of vmctl run --kernel, nested in the
# emulated AMD machine (QEMU), under kvm.ko and vmm.ko; plans/linux.sh says
# what is checked. The matrix: Debian's stock kernel and the lab's 6.12 as
# the guest, Debian's kernel and 7.2 as the machine's. Prints the plans'
# RESULT lines labelled by cell, each machine's wall time and "N passed,
# N failed, N skipped"; the status is non-zero on any failure.
#
#   linux-check.sh [OUTDIR]   (default build/linux-check)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

OUT=${1:-$BUILD/linux-check}
mkdir -p "$OUT"
build_userspace || { log "userspace build failed"; exit 1; }
: >"$OUT/results"

# cell LABEL HOST_KERNEL GUEST_KERNEL: one machine boot.
cell() {
	local label=$1 host=$2 guest=$3 dir=$OUT/$1 rc reports t0 files
	mkdir -p "$dir"
	if ! build_module "$host"; then
		echo "RESULT FAIL $label:boot vmm.ko $BUILD/$host/build.log" >>"$OUT/results"
		return
	fi
	files=$(linux_guest_files "$guest" 2>"$dir/initramfs.log") &&
		# shellcheck disable=SC2086 # files gives words
		make_initramfs "$host" "$LAB/plans/linux.sh" "$dir/initrd.gz" $files \
			>>"$dir/initramfs.log" 2>&1
	if [ $? != 0 ]; then
		echo "RESULT FAIL $label:boot initramfs $(tail -n 1 "$dir/initramfs.log")" >>"$OUT/results"
		return
	fi
	kernel_info "$host" || return
	log "machine $label: host kernel $host, guest kernel $guest"
	t0=$(date +%s)
	"$LAB/run.sh" --machine qemu-amd --kernel "$KVER_BZIMAGE" --initrd "$dir/initrd.gz" \
		--log "$dir/serial.log" --results "$dir/results.uart" 2>"$dir/run.err"
	rc=$?
	echo "$label: $(( $(date +%s) - t0 )) s wall" >>"$OUT/durations"
	"$LAB/check-log.sh" "$dir/serial.log" linux >"$dir/kernel-reports.txt" 2>&1
	reports=$?
	{
		tr -d '\r' <"$dir/results.uart" |
			sed -n "s/^RESULT \(PASS\|FAIL\|SKIP\) \([^ ]*\) /RESULT \1 $label:\2 /p"
		[ $rc = 0 ] || echo "RESULT FAIL $label:boot plan_finished rc=$rc $(tail -n 1 "$dir/run.err")"
		[ $reports = 0 ] || echo "RESULT FAIL $label:boot kernel_reports $dir/kernel-reports.txt"
	} >>"$OUT/results"
}

: >"$OUT/durations"
cell guest-6.1  stock    stock
cell guest-6.12 stock    6.12
cell host-7.2   7.2-lite stock

cat "$OUT/results"
cat "$OUT/durations"
pass=$(grep -c '^RESULT PASS' "$OUT/results")
fail=$(grep -c '^RESULT FAIL' "$OUT/results")
skip=$(grep -c '^RESULT SKIP' "$OUT/results")
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
