#!/bin/bash
# make bench: the cost of exits, guest memory faults and VM/vCPU creation
# under vmm.ko and under kvm.ko, side by side in the same boot of Debian's
# stock kernel, in the emulated AMD PC (QEMU with -icount: the TSC ticks once
# per instruction) and the emulated Intel PC (Bochs: time follows the
# instruction count). Documentation/bench.rst explains the method.
#
#   bench.sh [--append 'ARGS'] [--sequential]
#                       build, boot both machines, write and print the report
#   bench.sh --report   only the report, from the last run's results
#
#   --append ARGS  extra kernel command line for both machines, e.g.
#                  'mitigations=off' (kvm and vmm run in the same boot, so
#                  both see it; the report lists each machine's mitigations)
#   --sequential   boot the machines one after the other, not side by side
#                  (a host shared with other emulators; about 2 minutes more)
#
# Output in build/bench: results.md (printed at the end), results.json,
# results.png (the ratios vmm/kvm), and per machine amd/ and intel/ with the
# serial console log and the plan's raw lines (results.uart).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# A build directory of its own: make check may use build/ at the same time.
export VMM_BUILD=${VMM_BUILD:-$TOP/build/bench-build}
. "$TOP/tools/lab/lib.sh"
OUT=$TOP/build/bench
start=$(date +%s)

# The rows of the report, in order: name, label, short label for the chart.
BENCHMARKS=(
	bracket   "timer bracket alone, no exit"                  "bracket"
	cpuid     "CPUID exit, handled in the kernel"             "CPUID"
	hypercall "VMCALL/VMMCALL exit to userspace and back"     "hypercall"
	pio       "port I/O exit to userspace and back (OUT)"     "port I/O"
	mmio      "MMIO exit to userspace and back (32-bit read)" "MMIO read"
	hlt       "HLT exit to userspace, immediate wake-up"      "HLT"
	timer     "TSC-deadline timer in the past, to its handler" "timer"
	ipi       "x2APIC self-IPI, ICR write to its handler"     "self-IPI"
	eoi       "x2APIC EOI write alone, inside the handler"    "EOI"
	ipi2      "IPI to a halted vCPU and its answer back"      "IPI round trip"
	boot      "Linux boot, vmctl start to the guest's /init"  "Linux boot"
	boot4     "Linux boot with 4 vCPUs, to the guest's /init" "Linux boot 4 vCPUs"
	touch4k   "first touch of guest memory, per 4 KiB page"   "touch 4 KiB"
	touch2m   "first touch of guest memory, per 2 MiB frame"  "touch 2 MiB"
	vm        "VM create + destroy, from userspace"           "VM create+destroy"
	vcpu      "vCPU create, from userspace"                   "vCPU create"
)
VENDORS=(amd intel)

# run_machine LABEL MACHINE [run.sh args]: one boot, and one more if the
# machine froze (timed out, or the emulator ended without the plan's end
# marker) before the plan finished: the lab has seen whole-emulator freezes
# while kvm.ko runs guests (Documentation/lab.rst).
run_machine() {
	local label=$1 mach=$2 dir=$OUT/$1 rc
	shift 2
	mkdir -p "$dir"
	rm -f "$dir/retried" "$dir"/*.attempt1.*
	"$LAB/run.sh" --machine "$mach" --kernel "$KVER_BZIMAGE" --initrd "$OUT/initrd.gz" \
		--log "$dir/serial.log" --results "$dir/results.uart" "$@" 2>"$dir/run.err"
	rc=$?
	if { [ $rc = 124 ] || [ $rc = 2 ]; } && ! grep -q "^BENCHINFO done" "$dir/results.uart"; then
		echo "first boot ended rc=$rc after '$(grep -a '^BENCH' "$dir/results.uart" | tail -n 1 | tr -d '\r')'; booted again" >"$dir/retried"
		mv "$dir/serial.log" "$dir/serial.attempt1.log"
		mv "$dir/results.uart" "$dir/results.attempt1.uart"
		mv "$dir/run.err" "$dir/run.attempt1.err"
		"$LAB/run.sh" --machine "$mach" --kernel "$KVER_BZIMAGE" --initrd "$OUT/initrd.gz" \
			--log "$dir/serial.log" --results "$dir/results.uart" "$@" 2>"$dir/run.err"
		rc=$?
	fi
	echo $rc >"$dir/rc"
}

run_all() {
	local t amd intel
	rm -rf "$OUT"
	mkdir -p "$OUT"
	log "building vmm.ko for Debian's stock kernel, vmctl and the benchmark guest"
	build_module stock || { tail -n 20 "$BUILD/stock/build.log" >&2; exit 1; }
	build_userspace || exit 1
	# shellcheck disable=SC2046 # linux_guest_files gives words
	make_initramfs stock "$LAB/plans/bench.sh" "$OUT/initrd.gz" $(linux_guest_files) || exit 1
	kernel_info stock
	log "booting the AMD machine (QEMU, -icount) and the Intel machine (Bochs)" \
		"$([ $SEQUENTIAL = 1 ] && echo "one after the other" || echo "in parallel")${APPEND:+, kernel command line + '$APPEND'}"
	log "(QEMU about 1 minute; Bochs boots for about 2 minutes and then runs the benchmarks)"
	t=$(date +%s)
	run_machine amd qemu-amd --icount --smp 1 --timeout 900 ${APPEND:+--append "$APPEND"} &
	amd=$!
	if [ $SEQUENTIAL = 1 ]; then
		wait $amd
		log "AMD machine done after $(( $(date +%s) - t )) s: $(tail -n 1 "$OUT/amd/run.err")"
		t=$(date +%s)
		run_machine intel bochs-intel --timeout 2400 ${APPEND:+--append "$APPEND"}
		log "Intel machine done after $(( $(date +%s) - t )) s: $(tail -n 1 "$OUT/intel/run.err")"
		return
	fi
	run_machine intel bochs-intel --timeout 2400 ${APPEND:+--append "$APPEND"} &
	intel=$!
	wait $amd
	log "AMD machine done after $(( $(date +%s) - t )) s: $(tail -n 1 "$OUT/amd/run.err")"
	wait $intel
	log "Intel machine done after $(( $(date +%s) - t )) s: $(tail -n 1 "$OUT/intel/run.err")"
}

# What the report says about a machine whose lines are missing.
machine_status() {
	local dir=$OUT/$1 rc
	rc=$(cat "$dir/rc" 2>/dev/null || echo none)
	if grep -q "^BENCHINFO done" "$dir/results.uart" 2>/dev/null; then
		echo "no result line"
	else
		echo "the machine did not finish the plan (run.sh rc=$rc: $(tail -n 1 "$dir/run.err" 2>/dev/null)); see $dir/serial.log"
	fi
}

report() {
	local v dir lines=$OUT/lines.txt
	: >"$lines"
	for v in "${VENDORS[@]}"; do
		dir=$OUT/$v
		[ -f "$dir/results.uart" ] || continue
		tr -d '\r' <"$dir/results.uart" | grep -a '^BENCH' | sed "s/^/$v /" >>"$lines"
		if [ -s "$dir/serial.log" ] && ! "$LAB/check-log.sh" "$dir/serial.log" "$v" \
			>"$dir/kernel-reports.txt" 2>&1; then
			echo "$v BENCHINFO kernel_reports see $dir/kernel-reports.txt" >>"$lines"
		fi
		[ -f "$dir/retried" ] && echo "$v BENCHINFO retried $(cat "$dir/retried")" >>"$lines"
	done
	local names=() labels=() shorts=() i
	for ((i = 0; i < ${#BENCHMARKS[@]}; i += 3)); do
		names+=("${BENCHMARKS[i]}")
		labels+=("${BENCHMARKS[i + 1]}")
		shorts+=("${BENCHMARKS[i + 2]}")
	done
	awk -v names="${names[*]}" -v labels="$(printf '%s|' "${labels[@]}")" \
	    -v shorts="$(printf '%s|' "${shorts[@]}")" \
	    -v vendors="${VENDORS[*]}" \
	    -v amd_status="$(machine_status amd)" -v intel_status="$(machine_status intel)" \
	    -v amd_machine="QEMU TCG, -cpu EPYC, -icount shift=0,sleep=off: one tick per instruction" \
	    -v intel_machine="Bochs 2.7, corei7_skylake_x, clock sync=none: time follows the instruction count" \
	    -v json="$OUT/results.json" -v md="$OUT/results.md" -v dat="$OUT/ratios.dat" \
	    -f "$LAB/bench-report.awk" "$lines" || return 1
	plot
	cat "$OUT/results.md"
}

# The chart: vmm/kvm median ratios per benchmark and vendor, on a log scale
# (they span orders of magnitude), with the line where vmm equals kvm.
plot() {
	command -v gnuplot >/dev/null || { log "no gnuplot (make lab-deps): no chart"; return 0; }
	# From the power of ten below the smallest ratio to 10 or above the largest.
	local range
	range=$(awk -F '\t' '{ for (i = 2; i <= NF; i++) if ($i != "NaN") {
			if (lo == "" || $i < lo) lo = $i; if (hi == "" || $i > hi) hi = $i } }
		END { if (lo == "") { lo = 0.1; hi = 1 }
			l = 1; while (l > lo) l /= 10; h = 10; while (h < hi) h *= 10
			printf "%g:%g", l, h }' "$OUT/ratios.dat")
	gnuplot <<-EOF 2>"$OUT/gnuplot.err" || { log "gnuplot failed: $(tail -n 3 "$OUT/gnuplot.err")"; return 0; }
		set terminal pngcairo size 1100,600 font "sans,10"
		set output "$OUT/results.png"
		set title "vmm.ko vs kvm.ko: median cost ratio vmm/kvm (below 1: vmm is cheaper)\nDebian 6.1 stock kernel; AMD: QEMU TCG -icount, Intel: Bochs; missing bar: no ratio (see results.md)"
		set datafile separator "\t"
		set datafile missing "NaN"
		set style data histograms
		set style histogram clustered gap 1
		set style fill solid 0.85 border -1
		set boxwidth 0.9
		set logscale y
		set yrange [$range]
		set format y "%g"
		set ytics add ("0.3" 0.3, "0.5" 0.5, "2" 2, "5" 5)
		set grid ytics
		set ylabel "vmm / kvm (median ticks)"
		set xtics rotate by -25 left
		set key top left
		set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc rgb "black"
		plot "$OUT/ratios.dat" using 2:xtic(1) title "AMD (QEMU, kvm-amd)" lc rgb "#d62728", \
		     "" using 3 title "Intel (Bochs, kvm-intel)" lc rgb "#1f77b4", \
		     "" using (\$0 - 1.0/6):(\$2):(\$2 == \$2 ? sprintf("%.3g", \$2) : "") with labels offset 0,0.7 font ",8" notitle, \
		     "" using (\$0 + 1.0/6):(\$3):(\$3 == \$3 ? sprintf("%.3g", \$3) : "") with labels offset 0,0.7 font ",8" notitle
	EOF
}

usage() { echo "usage: bench.sh [--append 'ARGS'] [--sequential] | --report" >&2; exit 2; }
APPEND= SEQUENTIAL=0 ONLY_REPORT=0
while [ $# -gt 0 ]; do
	case $1 in
	--report) ONLY_REPORT=1 ;;
	--append) [ $# -ge 2 ] || usage; APPEND=$2; shift ;;
	--append=*) APPEND=${1#*=} ;;
	--sequential) SEQUENTIAL=1 ;;
	*) usage ;;
	esac
	shift
done
[ $ONLY_REPORT = 1 ] || run_all
report || exit 1
echo
echo "Written: $OUT/results.md, results.json, results.png; logs in $OUT/amd and $OUT/intel"
[ $ONLY_REPORT = 1 ] || echo "make bench took $(( $(date +%s) - start )) s"
# Failing only when no machine produced a number: n/a cells are results.
grep -q '"median": [0-9]' "$OUT/results.json"
