#!/bin/bash
# Boot a kernel + initramfs (from initramfs.sh) in an emulated PC and wait for
# its plan to finish.
#
#   run.sh --machine M --kernel BZIMAGE --initrd INITRD --log LOG
#          [--smp N] [--mem MB] [--timeout S] [--stall S] [--icount]
#          [--append 'ARGS'] [--shell] [--results FILE]
#
#   M: qemu-amd     QEMU TCG, q35, -cpu EPYC: AMD-V (svm, npt; no nrip-save)
#      qemu-amd-la57 the same with -cpu EPYC,+la57: Linux runs 5-level paging,
#                   and nested paging walks five levels as the host does
#      qemu-nosvm   the same with -cpu EPYC,-svm: a machine without AMD-V
#      bochs-intel  Bochs 2.7, corei7_skylake_x: VT-x (vmx, ept, vpid)
#   --smp N      CPUs (default 2 for QEMU, 1 with --icount or for Bochs)
#   --mem MB     RAM (default 1024 for QEMU, 512 for Bochs)
#   --timeout S  kill the emulator after S seconds whatever it does: a cap
#                (default 1200 QEMU, 3600 Bochs)
#   --stall S    kill it once neither LOG nor FILE has grown for S seconds
#                (default 120 for QEMU, 600 for Bochs): with --results
#                the plan's /init writes a heartbeat there every 0.5 s of
#                emulated time, and each step writes STEP lines, so a slow
#                machine that is still running goes on, a frozen one stops
#   --results F  the plan's second UART (RESULT, STEP and ALIVE lines);
#                its STEP lines also go to F.wall, each prefixed with the
#                wall seconds since the emulator started (as seen by the
#                once-a-second poll): where a machine's wall time goes
#   --icount     QEMU only: -icount shift=0,sleep=off, the TSC ticks once per
#                instruction, and an idle CPU's clock jumps to its next timer
#                rather than following the host's (deterministic: make bench)
#                (1 CPU only: with 2 the guest hangs bringing up the second)
#   --append A   extra kernel command line (given twice, both are added)
#   --shell      interactive: vmm.lab=shell, serial console on this terminal,
#                no timeout. QEMU: Ctrl-A x quits, Ctrl-A c is the monitor
#                (the console is also logged to LOG). Bochs: the serial port is
#                this terminal (com1 mode=term, not logged); all keys, Ctrl-C
#                too, go to the guest, so a hung guest can only be stopped by
#                killing bochs from another terminal (then `stty sane`).
#                Either way leaving the guest shell (exit / Ctrl-D) powers off.
#
# Bochs's corei7_skylake_x reports XSAVE sizes Linux disagrees with: every boot
# has a "WARNING: ... fpu__init_system_xstate" ("XSAVE consistency problem")
# that check-log.sh flags. bochs-intel therefore always boots with
# clearcpuid=avx512f, which avoids it (vmx, ept, vpid stay); and ht, see below.
#
# The serial console (kernel messages and the plan's output) goes to LOG.
# Exit status: 0 plan ended with rc=0, 1 plan ended with rc!=0,
# 124 timeout, 2 emulator ended without the end marker (panic, bad setup).
set -euo pipefail
lab_dir=$(cd "$(dirname "$0")" && pwd)

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }
die() { echo "run.sh: $*" >&2; exit 2; }

machine= kernel= initrd= log= smp= mem= timeout= stall= icount=0 append= shell=0 results=
while [ $# -gt 0 ]; do
	opt=$1 val=
	case $opt in
	--*=*) val=${opt#*=} opt=${opt%%=*} ;;
	--machine|--kernel|--initrd|--log|--smp|--mem|--timeout|--stall|--append|--results)
		[ $# -ge 2 ] || die "$opt needs a value"; val=$2; shift ;;
	esac
	case $opt in
	--machine) machine=$val ;;
	--kernel) kernel=$val ;;
	--initrd) initrd=$val ;;
	--log) log=$val ;;
	--results) results=$val ;;
	--smp) smp=$val ;;
	--mem) mem=$val ;;
	--timeout) timeout=$val ;;
	--stall) stall=$val ;;
	--append) append=${append:+$append }$val ;;
	--icount) icount=1 ;;
	--shell) shell=1 ;;
	-h|--help) usage ;;
	*) die "unknown option $opt (see --help)" ;;
	esac
	shift
done
[ -n "$machine" ] && [ -n "$kernel" ] && [ -n "$initrd" ] && [ -n "$log" ] || usage
[ -r "$kernel" ] || die "kernel $kernel not readable"
[ -r "$initrd" ] || die "initrd $initrd not readable"
for n in ${smp:+"$smp"} ${mem:+"$mem"} ${timeout:+"$timeout"}; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"
done
[ -z "$stall" ] || [[ $stall =~ ^[0-9]+$ ]] || die "not a number: $stall"

# The lab's Bochs 2.7 is built with SMP ("SMP support: yes" in bochs.log) and
# Linux brings up all CPUs of `cpu: count=N`. Bochs runs them all in one host
# thread, so every extra CPU slows the run: the default is 1.
BOCHS_SMP=1

case $machine in
qemu-amd|qemu-amd-la57|qemu-nosvm)
	# -icount with more than one vCPU hangs at "Booting SMP configuration"
	# (QEMU 7.2, Debian 6.1 guest; also with sleep=off or shift=auto).
	if [ $icount = 1 ]; then
		: "${smp:=1}"
		[ "$smp" = 1 ] || echo "run.sh: warning: --icount with --smp $smp hung at secondary CPU bring-up when tested; use --smp 1" >&2
	fi
	# A fixed 300 s cut off KASAN machines that were merely slow while
	# the host was busy: progress decides (the heartbeat), the cap is far.
	: "${smp:=2}" "${mem:=1024}" "${timeout:=1200}" "${stall:=120}"
	# QEMU before 9.1 drops the guest's interrupt shadow at VMRUN (fixed
	# by "target/i386: fix INHIBIT_IRQ/TF/RF handling for VMRUN"), and
	# every QEMU's VMRUN may deliver an injected interrupt twice
	# (Documentation/lab.rst); the tests they mislead name them
	# (events_test, the guests' quirk outputs).
	read -r qmaj qmin < <(qemu-system-x86_64 --version |
		sed -n '1s/.*version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p') || true
	quirks=svm_intr_redelivered
	if [ "${qmaj:-0}" -lt 9 ] || { [ "$qmaj" = 9 ] && [ "${qmin:-0}" -lt 1 ]; }; then
		quirks=$quirks,svm_shadow_lost
	fi
	append="${append:+$append }vmm.lab.quirks=$quirks" ;;
bochs-intel)
	: "${mem:=512}" "${timeout:=3600}" "${stall:=600}"
	if [ "${smp:-1}" != 1 ] && [ $BOCHS_SMP = 0 ]; then
		echo "run.sh: note: this Bochs build has no SMP support, using 1 CPU (--smp $smp ignored)" >&2
		smp=1
	fi
	: "${smp:=1}"
	[ $icount = 0 ] || echo "run.sh: note: --icount is QEMU-only; Bochs time always follows instructions" >&2
	# See the XSAVE note above: without this every boot has a WARNING. ht:
	# the model sets the HyperThreading flag, but its CPUID leaf 1 and leaf
	# 4 disagree on the number of threads, which 6.12+ WARNs about; the
	# machine has one thread per core, so the flag is wrong anyway.
	append="clearcpuid=avx512f,ht vmm.lab.emulator=bochs${append:+ $append}"
	# The console at warnings and worse: each byte on Bochs's UART costs
	# ~87 us of emulated time, some 40 times that in wall time, and a
	# boot's info messages were ~100 s of a machine's wall time (issue
	# 11). Every report check-log.sh looks for (WARNING, BUG, lockdep,
	# KASAN, RCU, hung tasks, panics) is printed at warning level or
	# above; a plan that needs info messages on the console raises the
	# level itself (main.sh, before its reboot). Not for --shell.
	[ $shell = 1 ] || append="$append loglevel=5" ;;
*) die "unknown machine $machine (qemu-amd, qemu-amd-la57, qemu-nosvm, bochs-intel)" ;;
esac

abspath() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
mkdir -p "$(dirname "$log")"
: >"$log"
log=$(abspath "$log") kernel=$(abspath "$kernel") initrd=$(abspath "$initrd")
# A second UART for the plan's RESULT lines: on the console, kernel messages
# can land in the middle of a line. /init hands it to the plan (lab.results).
if [ -n "$results" ]; then
	mkdir -p "$(dirname "$results")"
	: >"$results"
	results=$(abspath "$results")
	append="${append:+$append }vmm.lab.results=ttyS1"
fi
cmdline="console=ttyS0 panic=-1${append:+ $append}"
[ $shell = 0 ] || cmdline="$cmdline vmm.lab=shell"

# Per-run scratch dir, so runs in parallel never share files.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmm-run.XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then stop_emu; fi
	rm -rf "$tmp"
}
# where_cpus: QEMU only, for a machine that stopped making progress: each
# CPU's RIP, privilege level and HLT state, three times a second apart
# (a CPU spinning at one place, halted, or moving), the kernel's RIPs named
# from its System.map where there is one (moved by KASLR's offset, from the
# first text symbol /init prints); the monitor's whole answers go to
# LOG.monitor. Issue 11: what the "freezes" are.
where_cpus() {
	[ -p "$tmp/mon.in" ] || return 0
	local map= i cpu rip rest sym text delta=0
	for map in "${kernel%/*}/System.map${kernel##*/vmlinuz}" "${kernel%/arch/x86/boot/bzImage}/System.map" ""; do
		[ -f "$map" ] && break
	done
	for i in 1 2 3; do
		printf 'info registers -a\n' >"$tmp/mon.in"
		sleep 1
	done
	cp "$tmp/mon.log" "$log.monitor" 2>/dev/null || return 0
	# "VMM-LAB: text ADDRESS TYPE NAME": where NAME is now, against the map.
	text=$(tr -d '\r' <"$log" | sed -n 's/^VMM-LAB: text \([0-9a-f]\{16\}\) [Tt] \(.*\)/\1 \2/p' | head -n 1)
	if [ -n "$map" ] && [ -n "$text" ]; then
		sym=$(awk -v n="${text#* }" '$3 == n { print $1; exit }' "$map")
		[ -z "$sym" ] || delta=$(( 16#${text%% *} - 16#$sym ))
	fi
	tr -d '\r' <"$tmp/mon.log" | awk '
		/^CPU#[0-9]+/ { cpu = $1 }
		/^RIP=/ {
			line = cpu " " substr($1, 5)
			for (i = 2; i <= NF; i++) if ($i ~ /^(CPL|HLT)=/) line = line " " $i
			print line
		}' | while read -r cpu rip rest; do
		sym=
		if [ -n "$map" ] && [ "${#rip}" = 16 ]; then
			sym=$(printf '%016x' $(( 16#$rip - delta )) | awk -v map="$map" '
				{ r = $1 }
				END {
					while ((getline l < map) > 0) {
						split(l, f, " ")
						if (f[1] > r) break
						if (f[2] ~ /^[tTwW]$/) s = f[3]
					}
					print s
				}')
		fi
		# No map (Debian's System.map is a stub): the offset from the
		# first text symbol, for the kernel's -dbg package.
		if [ -z "$sym" ] && [ -n "$text" ] && [ "${#rip}" = 16 ] && [ "${rip#ffff}" != "$rip" ] &&
		   [ $(( 16#$rip - 16#${text%% *} )) -ge 0 ] 2>/dev/null; then
			sym=$(printf '%s+0x%x' "${text#* }" $(( 16#$rip - 16#${text%% *} )))
		fi
		echo "run.sh: $cpu RIP=$rip${sym:+ ($sym)} $rest" >&2
	done
}

stop_emu() {
	kill "$pid" 2>/dev/null || true
	for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
	kill -9 "$pid" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

qemu_cmd() {
	local cpu=EPYC
	case $machine in
	qemu-amd-la57) cpu=EPYC,+la57 ;;
	qemu-nosvm) cpu=EPYC,-svm ;;
	esac
	# QEMU option values use ',' as separator: a literal comma is ',,'.
	local qlog=${log//,/,,}
	# One host thread for all vCPUs (round-robin TCG): with a thread per
	# vCPU (QEMU 7.2's default) a CPU could keep running a translation of
	# kernel text that another CPU had just patched, forever (the freezes
	# in Documentation/lab.rst). Also one core per machine, as Bochs.
	cmd=(qemu-system-x86_64 -machine q35 -accel tcg,thread=single -cpu "$cpu" -smp "$smp" -m "$mem"
		-kernel "$kernel" -initrd "$initrd" -append "$cmdline" -nographic -no-reboot)
	[ $icount = 0 ] || cmd+=(-icount shift=0,sleep=off)
	if [ $shell = 0 ]; then
		# Explicit -serial/-monitor: with -nographic nothing then uses stdio.
		# The monitor on a pipe pair: where_cpus asks it where a frozen
		# machine's CPUs are.
		mkfifo "$tmp/mon.in" "$tmp/mon.out"
		cmd+=(-serial "file:$qlog" -monitor "pipe:$tmp/mon")
		[ -z "$results" ] || cmd+=(-serial "file:${results//,/,,}")
	else
		# stdio with the monitor muxed in (Ctrl-A c), Ctrl-C goes to the
		# guest (signal=off), and a copy of the console in LOG.
		cmd+=(-chardev "stdio,id=con,mux=on,signal=off,logfile=$qlog"
			-serial chardev:con -mon chardev=con)
	fi
}

bochs_cmd() {
	# The lab's own build (build-bochs.sh, cached): Debian's has the
	# debugger, and runs the same plan 2.8 times slower.
	local bochs
	bochs=$("$lab_dir/build-bochs.sh" | tail -n 1) || die "build-bochs.sh failed"
	# Bochs has no -kernel: boot an isolinux CD (ISO9660 8.3 names suffice,
	# isolinux matches them case-insensitively).
	local iso=$tmp/iso
	mkdir -p "$iso/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/isolinux/"
	cp "$kernel" "$iso/vmlinuz"
	cp "$initrd" "$iso/initrd.gz"
	cat >"$iso/isolinux/isolinux.cfg" <<-EOF
		DEFAULT lab
		PROMPT 0
		TIMEOUT 0
		LABEL lab
		  KERNEL /vmlinuz
		  APPEND initrd=/initrd.gz $cmdline
	EOF
	xorriso -as mkisofs -quiet -o "$tmp/boot.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
		-no-emul-boot -boot-load-size 4 -boot-info-table "$iso" 2>"$tmp/xorriso.err" ||
		{ cat "$tmp/xorriso.err" >&2; die "xorriso failed"; }
	rm -rf "$iso"

	local com1 count=
	if [ $shell = 0 ]; then
		# bochsrc values can't hold arbitrary paths: write through a symlink.
		ln -s "$log" "$tmp/serial.out"
		com1="com1: enabled=1, mode=file, dev=serial.out"
		if [ -n "$results" ]; then
			ln -s "$results" "$tmp/results.out"
			com1="$com1
com2: enabled=1, mode=file, dev=results.out"
		fi
	else
		com1="com1: enabled=1, mode=term, dev=$(tty)"
	fi
	# One package with N cores: as N packages (count=N) Bochs reports a CPUID
	# topology that 6.12 WARNs about (topology_common.c, parse_legacy).
	[ $BOCHS_SMP = 0 ] || count=", count=1:$smp:1"
	cat >"$tmp/bochsrc" <<-EOF
		memory: guest=$mem, host=$mem
		cpu: model=corei7_skylake_x, ips=200000000$count
		romimage: file=/usr/share/bochs/BIOS-bochs-latest
		vgaromimage: file=/usr/share/vgabios/vgabios.bin
		pci: enabled=1, chipset=i440fx
		ata0-master: type=cdrom, path=boot.iso, status=inserted
		boot: cdrom
		$com1
		display_library: nogui
		speaker: enabled=0
		log: bochs.log
		clock: sync=none, time0=local
	EOF
	cmd=("$bochs" -q -f bochsrc)
}

case $machine in
qemu-*) qemu_cmd ;;
bochs-*) bochs_cmd ;;
esac

start=$(date +%s)
if [ $shell = 1 ]; then
	[ -t 0 ] || die "--shell needs a terminal"
	set +e
	(cd "$tmp" && exec "${cmd[@]}")
	set -e
	rc=0
	echo "run.sh: $machine finished in $(( $(date +%s) - start )) s (rc=$rc)" >&2
	exit $rc
fi

(cd "$tmp" && exec "${cmd[@]}") </dev/null >"$tmp/emu.out" 2>&1 &
pid=$!
# The monitor's answers, read as they come (QEMU would block on a full pipe).
[ ! -p "$tmp/mon.out" ] || cat "$tmp/mon.out" >"$tmp/mon.log" 2>/dev/null &

# Poll: the emulator normally exits by itself at `poweroff -f`. Stop it when
#  - the timeout expires (a cap on the whole run);
#  - --stall: neither the console log nor the results UART has grown for that
#    long (the heartbeat stopped: the machine is frozen, not slow);
#  - the end marker has been there for a while but it still runs (poweroff
#    hung): 20 heartbeats (10 s of the guest's time) with --results, else 30 s;
#  - Bochs only: the guest panicked or rebooted (Bochs has no -no-reboot and
#    panic=-1 would boot the kernel and run the plan again); a nested
#    guest's log that plans/linux.sh shows ("guest| " lines) is no reboot.
timed_out=0 stalled=0 seen_end= size= last_growth=$start
[ -z "$results" ] || : >"$results.wall"
lines_seen=0
while kill -0 "$pid" 2>/dev/null; do
	now=$(date +%s)
	if [ -n "$results" ] && [ -f "$results" ]; then
		n=$(wc -l <"$results")
		if [ "$n" -gt $lines_seen ]; then
			head -n "$n" "$results" | tail -n +$((lines_seen + 1)) |
				tr -d '\r' | grep -a '^STEP ' |
				sed "s/^/$((now - start)) /" >>"$results.wall" || true
			lines_seen=$n
		fi
	fi
	if [ $((now - start)) -ge "$timeout" ]; then
		timed_out=1
		stop_emu
		break
	fi
	if [ "$stall" -gt 0 ]; then
		s=$(stat -c %s "$log" ${results:+"$results"} | tr '\n' ' ')
		[ "$s" = "$size" ] || { size=$s last_growth=$now; }
		if [ $((now - last_growth)) -ge "$stall" ]; then
			stalled=1
			echo "run.sh: no output for $stall s; where the CPUs are (3 samples, 1 s apart):" >&2
			where_cpus
			stop_emu
			break
		fi
	fi
	if [ -z "$seen_end" ] && grep -aq 'VMM-LAB: plan end rc=' "$log" ${results:+"$results"}; then
		seen_end=$now
	fi
	# Power-off is judged in the guest's time where the heartbeat shows it
	# (10 s of it, 20 beats), else after 30 s of ours: a Bochs machine on a
	# loaded host can take minutes for what is a tenth of a second to it.
	if [ -n "$seen_end" ] && { if [ -n "$results" ]; then
		[ "$(awk '/VMM-LAB: plan end/ { e = 1; next } e && /^ALIVE/ { n++ } END { print n + 0 }' "$results")" -ge 20 ]
	   else [ $((now - seen_end)) -ge 30 ]; fi; }; then
		echo "run.sh: plan ended but the guest did not power off; stopping it" >&2
		stop_emu
		break
	fi
	# (A second "plan start": the console has no "Linux version" banner
	# at loglevel=5.)
	if [ "$machine" = bochs-intel ] &&
	   { grep -aq 'Kernel panic - not syncing' "$log" ||
	     [ "$(grep -a 'VMM-LAB: plan start' "$log" | grep -vc '^guest| ')" -ge 2 ]; }; then
		sleep 2 # let the panic message drain
		echo "run.sh: guest panicked or rebooted; stopping Bochs" >&2
		stop_emu
		break
	fi
	sleep 1
done
set +e
wait "$pid"
emu_rc=$?
set -e
pid=
elapsed=$(( $(date +%s) - start ))

# First end marker only (a rebooted guest could print another one). The
# results UART has it whole; on the console a kernel message may split it.
end=$(cat ${results:+"$results"} "$log" | grep -ao 'VMM-LAB: plan end rc=[0-9]*' | head -n1 || true)
if [ -n "$end" ]; then
	[ "${end##*rc=}" = 0 ] && rc=0 || rc=1
elif [ $timed_out = 1 ]; then
	echo "run.sh: TIMEOUT after $timeout s" >&2
	rc=124
elif [ $stalled = 1 ]; then
	echo "run.sh: STALLED: no output for $stall s (after $elapsed s), the machine stopped" >&2
	rc=124
else
	rc=2
	echo "run.sh: $machine exited (status $emu_rc) without the plan end marker; its output:" >&2
	tail -n 20 "$tmp/emu.out" | sed 's/^/  /' >&2
	[ ! -f "$tmp/bochs.log" ] || { echo "run.sh: bochs.log tail:" >&2; tail -n 20 "$tmp/bochs.log" | sed 's/^/  /' >&2; }
fi
echo "run.sh: $machine finished in $elapsed s (rc=$rc)" >&2
exit $rc
