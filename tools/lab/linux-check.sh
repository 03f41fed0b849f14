#!/bin/bash
# make linux-check: Linux as a guest of vmctl run --kernel, nested in the
# emulated machines, under kvm.ko and vmm.ko; plans/linux.sh says what is
# checked. The matrix, on the AMD machine (QEMU): Debian's stock kernel and
# the lab's 6.12 as the guest, Debian's kernel and 7.2 as the machine's,
# and guests with 4 and 8 vCPUs on one CPU; on the Intel machine (Bochs),
# Debian's kernel in Debian's, on one CPU and with 4 vCPUs on two. The
# Intel cells are by far the longest (10-16 min of wall time each) and run
# one after the other beside the AMD ones, which follow one another. Prints the plans' RESULT lines
# labelled by cell, each machine's wall time and "N passed, N failed,
# N skipped"; the status is non-zero on any failure.
#
#   linux-check.sh [OUTDIR]   (default build/linux-check)
#   VMM_LINUX_ONLY="guest-6.12 host-7.2" linux-check.sh   only those cells
set -uo pipefail
. "$(dirname "$0")/lib.sh"

OUT=${1:-$BUILD/linux-check}
mkdir -p "$OUT"
build_userspace || { log "userspace build failed"; exit 1; }
rm -f "$OUT/results" "$OUT/durations"

# LABEL MACHINE HOST_KERNEL GUEST_KERNEL [run.sh args]
# One CPU each, as make check's amd-linux: with two, QEMU's single-threaded
# TCG starved the nested boot under kvm.ko, and the machine's TSCs are not
# synchronized, so the host marks its TSC unstable and vmctl offers its
# guests no invariant TSC (they then watch it against the jiffies). One
# cell leaves each guest asleep for three minutes (the clock soak). The
# Intel SMP cell has two: a one-CPU Bochs cannot run an SMP guest (see
# SMP_CPUS in plans/linux.sh).
CELLS=(
	"intel-guest-6.1 bochs-intel stock    stock"
	"guest-6.1       qemu-amd    stock    stock --smp 1 --append vmm.lab.soak=180"
	"guest-6.12      qemu-amd    stock    6.12  --smp 1"
	"host-7.2        qemu-amd    7.2-lite stock --smp 1"
	"smp4-6.1        qemu-amd    stock    stock --smp 1 --append vmm.lab.smp=4"
	"smp8-6.1        qemu-amd    stock    stock --smp 1 --append vmm.lab.smp=8"
	"intel-smp4-6.1  bochs-intel stock    stock --smp 2 --append vmm.lab.smp=4"
)

if [ -n "${VMM_LINUX_ONLY:-}" ]; then
	keep=()
	for c in "${CELLS[@]}"; do
		case " $VMM_LINUX_ONLY " in *" ${c%% *} "*) keep+=("$c") ;; esac
	done
	CELLS=("${keep[@]}")
fi

# vmm.ko for each host kernel, once, before any cell runs: cells running at
# once must not rebuild one another's module (build_module starts afresh).
declare -A module_ok
for c in "${CELLS[@]}"; do
	read -ra f <<<"$c"
	[ -n "${module_ok[${f[2]}]:-}" ] && continue
	if build_module "${f[2]}"; then module_ok[${f[2]}]=1; else module_ok[${f[2]}]=0; fi
done

# cell LABEL MACHINE HOST_KERNEL GUEST_KERNEL: one machine boot; its
# results in OUT/LABEL/results, its wall time in OUT/LABEL/duration.
cell() {
	local label=$1 machine=$2 host=$3 guest=$4 dir=$OUT/$1 rc reports t0 files
	shift 4
	mkdir -p "$dir"
	rm -f "$dir/results" "$dir/duration"
	if [ "${module_ok[$host]}" != 1 ]; then
		echo "RESULT FAIL $label:boot vmm.ko $BUILD/$host/build.log" >"$dir/results"
		return
	fi
	# shellcheck disable=SC2086 # files gives words
	if ! files=$(linux_guest_files "$guest" 2>"$dir/initramfs.log") ||
	   ! make_initramfs "$host" "$LAB/plans/linux.sh" "$dir/initrd.gz" $files \
			>>"$dir/initramfs.log" 2>&1; then
		echo "RESULT FAIL $label:boot initramfs $(tail -n 1 "$dir/initramfs.log")" >"$dir/results"
		return
	fi
	kernel_info "$host" || return
	log "machine $label ($machine): host kernel $host, guest kernel $guest"
	t0=$(date +%s)
	"$LAB/run.sh" --machine "$machine" --kernel "$KVER_BZIMAGE" --initrd "$dir/initrd.gz" \
		--log "$dir/serial.log" --results "$dir/results.uart" "$@" 2>"$dir/run.err"
	rc=$?
	echo "$label: $(( $(date +%s) - t0 )) s wall" >"$dir/duration"
	"$LAB/check-log.sh" "$dir/serial.log" linux >"$dir/kernel-reports.txt" 2>&1
	reports=$?
	{
		tr -d '\r' <"$dir/results.uart" |
			sed -n "s/^RESULT \(PASS\|FAIL\|SKIP\) \([^ ]*\) /RESULT \1 $label:\2 /p"
		[ $rc = 0 ] || echo "RESULT FAIL $label:boot plan_finished rc=$rc $(tail -n 1 "$dir/run.err")"
		[ $reports = 0 ] || echo "RESULT FAIL $label:boot kernel_reports $dir/kernel-reports.txt"
	} >"$dir/results"
}

# Bochs beside QEMU: one job each, on the 2 cores the lab has; never two
# Bochs machines at once (each wants a core of its own).
(
	for c in "${CELLS[@]}"; do
		read -ra f <<<"$c"
		case ${f[1]} in bochs-*) cell "${f[@]}" ;; esac
	done
) &
pids=($!)
for c in "${CELLS[@]}"; do
	read -ra f <<<"$c"
	case ${f[1]} in bochs-*) ;; *) cell "${f[@]}" ;; esac
done
wait "${pids[@]}"

for c in "${CELLS[@]}"; do
	read -ra f <<<"$c"
	cat "$OUT/${f[0]}/results" 2>/dev/null >>"$OUT/results" ||
		echo "RESULT FAIL ${f[0]}:boot results missing" >>"$OUT/results"
	cat "$OUT/${f[0]}/duration" 2>/dev/null >>"$OUT/durations"
done
cat "$OUT/results"
cat "$OUT/durations"
pass=$(grep -c '^RESULT PASS' "$OUT/results")
fail=$(grep -c '^RESULT FAIL' "$OUT/results")
skip=$(grep -c '^RESULT SKIP' "$OUT/results")
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
