#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# qemu-check.sh [BUILD_DIR]: runs every guest in GUESTS under QEMU with TCG
# (never KVM), once as AMD (-cpu EPYC) and once as Intel (-cpu
# Skylake-Server), and checks its serial output (match-output.sh) and exit
# status. BUILD_DIR (default build/guests/ at the top of the tree) holds
# what `make -C tools/tests/guests check` builds before it runs this.
#
# What QEMU is not: it has no MMIO test device at 0xfeb00000, so mmio and
# mmio64 run as qemu/NAME.elf, the same code aimed at RAM; and TCG raises no
# #GP for unknown MSRs or reserved PAT types and has its own machine-check
# banks, so msr and pcmsr are expected failures
# (XFAIL, with the differences shown). The exit statuses of vmctl run map
# to QEMU's: odd ones are the same (isa-debug-exit); 4, a triple fault, is
# QEMU exiting 0 by itself (-no-reboot); 0, HLT, is QEMU still running after
# a few seconds with `info registers` saying HLT=1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
O=${1:-$here/../../../build/guests}
O=$(cd "$O" && pwd)
QEMU=${QEMU:-qemu-system-x86_64}
CPUS="EPYC:amd Skylake-Server:intel"
TCG_GAPS="msr pcmsr"

tmp=$(mktemp -d)
qpid=
cleanup() {
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# run_guest NAME IMAGE FORMAT MEM CPU OUT WANT: sets rc (QEMU's exit status,
# or "halt") and how. WANT "halt": stop waiting after a few seconds.
run_guest() {
	local name=$1 image=$2 format=$3 mem=$4 cpu=$5 out=$6 want=$7
	local boot limit waited=0
	if [ "$format" = flat ]; then
		# A 1.44 MB floppy with the image as its boot sector.
		cp "$image" "$tmp/floppy.img"
		truncate -s 1474560 "$tmp/floppy.img"
		boot=(-drive "file=$tmp/floppy.img,format=raw,if=floppy")
	else
		boot=(-kernel "$image")
	fi
	limit=60
	[ "$want" != halt ] || limit=5
	rm -f "$tmp/mon" "$out"
	mkfifo "$tmp/mon"
	"$QEMU" -accel tcg -machine pc -cpu "$cpu" -m "$mem" -display none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-serial "file:$out" -monitor stdio "${boot[@]}" \
		<"$tmp/mon" >"$tmp/monitor.log" 2>"$tmp/qemu.err" &
	qpid=$!
	exec 3>"$tmp/mon"
	while kill -0 "$qpid" 2>/dev/null && [ $waited -lt $((limit * 10)) ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	if kill -0 "$qpid" 2>/dev/null; then
		echo "info registers" >&3
		sleep 1
		echo quit >&3
		wait "$qpid" || true
		if grep -q 'HLT=1' "$tmp/monitor.log"; then
			rc=halt how="halted"
		else
			rc=124 how="still running after ${limit}s"
		fi
	else
		rc=0
		wait "$qpid" || rc=$?
		how="exit status $rc"
	fi
	qpid=
	exec 3>&-
}

pass=0 fail=0 xfail=0 skip=0
while read -r name image format mode addr mem status machine; do
	case $name in ''|'#'*) continue ;; esac
	# vmctl's PC: its CPUID timing leaf and UART, which QEMU lacks.
	if [[ "${machine:-}" == pc* ]]; then
		echo "SKIP  $name: needs vmctl run --pc"
		skip=$((skip + 1))
		continue
	fi
	case $name in mmio|mmio64) image=qemu/$name.elf ;; esac
	case $status in
	0) want=halt ;;
	4) want=0 ;;
	*) want=$status ;;
	esac
	for c in $CPUS; do
		cpu=${c%%:*} vendor=${c##*:}
		expected=$O/expected/$name.$vendor.out
		[ -f "$expected" ] || expected=$O/expected/$name.out
		out=$tmp/$name.$vendor.out
		run_guest "$name" "$O/$image" "$format" "$mem" "$cpu" "$out" "$want"
		problems=$("$here/match-output.sh" "$expected" "$out" 2>&1) || true
		[ "$rc" = "$want" ] || problems="${problems:+$problems
}exit: $how, expected $want"
		label="$name ($mode, $cpu)"
		if [ -z "$problems" ]; then
			echo "PASS  $label: $how"
			pass=$((pass + 1))
		elif [[ " $TCG_GAPS " == *" $name "* ]]; then
			echo "XFAIL $label: TCG differs:"
			echo "$problems" | sed 's/^/      /'
			xfail=$((xfail + 1))
		else
			echo "FAIL  $label:"
			echo "$problems" | sed 's/^/      /'
			echo "      output:"
			sed 's/^/      | /' "$out" 2>/dev/null || true
			fail=$((fail + 1))
		fi
	done
done <"$O/GUESTS"
echo "$pass passed, $fail failed, $xfail expected failures (TCG), $skip skipped (PC guests)"
[ $fail = 0 ]
