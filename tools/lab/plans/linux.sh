#!/bin/sh
# The lab's nested Linux plan (make check's linux machines, make
# linux-check): boots the stock kernel, unmodified, as a guest of vmctl
# run --kernel under kvm.ko and then under vmm.ko, types into the guest's
# shell through the emulated UART (vmctl's stdin) and checks what the
# guest sees: its clocksource, its local APIC timer ticking, sleep 2
# taking 2 s of guest time, a clean kernel log, and poweroff ending vmctl
# with status 0; then a second boot with several vCPUs (all online, a job
# on each, CPU hotplug; one vCPU on a one-CPU Bochs, see SMP_CPUS) that
# ends in a reboot, and a Multiboot guest under each.
. /lib/vmm-lab/lib.sh
. /lib/vmm-lab/linux/lib.sh
echo "plan: linux on $(uname -r), $(cpu_vendor_ext), $(grep -c ^processor /proc/cpuinfo) CPUs"

STEP_LIMIT=$((BOOT_LIMIT + 120))

check linux guest_initramfs make_guest_initramfs

# boot_linux BACKEND: one boot to the shell, the checks, and poweroff;
# results named BACKEND.check.
boot_linux() {
	be=$1
	rm -f $G/in $OUTF && mkfifo $G/in
	read -r t0 _ </proc/uptime
	vmctl run --backend $be --mem 256M --kernel $L/vmlinuz --initrd $G/initrd.gz \
		--append "$GUEST_APPEND" <$G/in >$OUTF 2>$G/vmctl.err &
	vmctl_pid=$!
	exec 4>$G/in

	booted=0
	if wait_out "GUEST-INIT" $BOOT_LIMIT && run_in_guest 1 "echo shell" 30; then
		booted=1
		read -r t1 _ </proc/uptime
		result PASS linux $be.boot_to_shell "$(grep -o 'GUEST-INIT uptime=[0-9.]*' $OUTF), host $t0 -> $t1 s"
	else
		result FAIL linux $be.boot_to_shell "$(tail -n 5 $OUTF | tr '\n' ' ') $(cat $G/vmctl.err)"
	fi

	if [ $booted = 1 ]; then
		# The guest's clock is the TSC (kvm: kvm-clock, the TSC scaled).
		# Linux starts on tsc-early and renames it tsc once it has
		# refined the frequency against the PM timer, a second after
		# boot, unless the frequency is known (kvm-clock, Intel's CPUID
		# leaf 0x15). On AMD it is not without kvm-clock (Linux reads no
		# generic hypervisor leaf; vmctl passes tsc_early_khz=), and the
		# refinement gives up on every sample whose PM-timer read takes
		# over 31 us of TSC time: each is an exit, tens of us under
		# QEMU's emulation of SVM, 1 us on hardware. tsc-early is then the
		# same counter at the same frequency, and it is accepted on AMD
		# (vmm; kvm with a guest kernel without kvm-clock, the lab's 6.12).
		# A guest whose TSC is not invariant (no nonstop_tsc) watches it
		# against jiffies, which lose ticks when the host is slow, and
		# may drop it: vmm's guests have it wherever the host keeps time
		# with its TSC (vmctl), so that is a failure under vmm; kvm
		# offers it only where the host CPU says so, not in the lab's
		# QEMU, so a kvm guest without kvm-clock is not judged.
		run_in_guest 2 "sleep 2; echo CS=\$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource) NS=\$(grep -c nonstop_tsc /proc/cpuinfo)" 30
		cs=$(tr -d '\r' <$OUTF | sed -n 's/^CS=\([^ ]*\) .*/\1/p' | head -n1)
		ns=$(tr -d '\r' <$OUTF | sed -n 's/^CS=[^ ]* NS=//p' | head -n1)
		if [ "$cs" = tsc ] || [ "$cs" = kvm-clock ] ||
		   { [ "$cs" = tsc-early ] && [ "$(cpu_vendor_ext)" = svm ]; }; then
			result PASS linux $be.clocksource "$cs"
		elif [ $be = kvm ] && [ "$ns" = 0 ]; then
			result SKIP linux $be.clocksource "$cs: kvm gives this guest neither kvm-clock (its kernel has none) nor an invariant TSC (not in this host CPU's CPUID)"
		else
			result FAIL linux $be.clocksource "${cs:-none read}, nonstop_tsc ${ns:-not read}"
		fi

		run_in_guest 3 "grep LOC: /proc/interrupts; sleep 1; grep LOC: /proc/interrupts" 30
		loc=$(sed -n '/sleep 1; grep/,/^@@3/p' $OUTF | grep '^ *LOC:' | awk '{ print $2 }' | tr '\n' ' ')
		set -- $loc
		if [ $# = 2 ] && [ "$2" -gt "$1" ]; then
			result PASS linux $be.local_timer_ticks "LOC $1 -> $2 over 1 s"
		else
			result FAIL linux $be.local_timer_ticks "LOC: $loc"
		fi

		# Two seconds by the guest's clock: the shell's own timed wait
		# (read -t 2 on the console, where nothing is typed meanwhile),
		# so that no process start is timed: starting sleep(1) took a
		# KASAN guest nested in QEMU 0.3-1 s, which varied too much to
		# subtract.
		read -r h0 _ </proc/uptime
		run_in_guest 4 "read a x </proc/uptime; read -t 2 y; read b x </proc/uptime; echo SLEPT \$a \$b" 60
		read -r h1 _ </proc/uptime
		set -- $(grep '^SLEPT' $OUTF | tr -d '\r' | head -n1)
		if [ $# = 3 ] && awk -v a="$2" -v b="$3" 'BEGIN { d = b - a; exit !(d >= 1.8 && d <= 2.2) }'; then
			result PASS linux $be.sleep_2s "guest $(awk -v a="$2" -v b="$3" 'BEGIN { print b - a }') s, host $h0 -> $h1"
		else
			result FAIL linux $be.sleep_2s "$*"
		fi

		# No report in the guest's log (check-log.sh's kinds: a WARN(),
		# BUG, a lockdep report (not its "lockdep checking is enabled"
		# banner), a stack trace, an unchecked MSR access; the XSAVE
		# check; and a firmware bug, which is the PC's: vmctl's tables
		# or the MSRs, such as AMD's HWCR.TscFreqSel). The patterns are
		# spelt so that this line, echoed on the console, is no report
		# itself.
		run_in_guest 5 "dmesg | grep -cE '^.{0,16}WARNIN[G]:|WARNIN[G]: CPU:|BU[G]:|possible (recursive|circular) lockin[g]|inconsistent lock stat[e]|Call Trac[e]|XSAVE consistenc[y]|unchecked MSR acces[s]|Firmware Bu[g]'" 30
		nrep=$(sed -n '/dmesg | grep/,/^@@5/p' $OUTF | grep -E '^[0-9]+' | tr -d '\r' | head -n1)
		if [ "$nrep" = 0 ]; then
			result PASS linux $be.dmesg_clean
		else
			result FAIL linux $be.dmesg_clean "reports: ${nrep:-none counted}"
		fi

		# vmm.lab.soak=S (make linux-check): the guest left S seconds
		# asleep keeps its clock. Its sleep, by its own clock, must take
		# as long on the host's (within 1%, plus what typing the line and
		# reading the answer cost), and its clocksource must still be the
		# one it had: not marked unstable and replaced meanwhile.
		if [ -n "${VMM_LAB_SOAK:-}" ]; then
			read -r h0 _ </proc/uptime
			run_in_guest 8 "read a x </proc/uptime; sleep $VMM_LAB_SOAK; read b x </proc/uptime; echo SOAK \$a \$b \$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)" $((VMM_LAB_SOAK * 2 + 60))
			read -r h1 _ </proc/uptime
			set -- $(grep '^SOAK' $OUTF | tr -d '\r' | head -n1)
			if [ $# = 4 ] && [ "$4" = "$cs" ] &&
			   awk -v a="$2" -v b="$3" -v h0="$h0" -v h1="$h1" -v s="$VMM_LAB_SOAK" \
				'BEGIN { g = b - a; h = h1 - h0; exit !(g >= s && h - g >= -0.5 && h - g <= s / 100 + 5) }'; then
				result PASS linux $be.clock_kept_${VMM_LAB_SOAK}s "guest $2 -> $3 s, host $h0 -> $h1 s, clocksource $4"
			else
				result FAIL linux $be.clock_kept_${VMM_LAB_SOAK}s "guest: $* (clocksource was $cs), host $h0 -> $h1 s"
			fi
		fi

		# The guest's whole log, for the record (shown below).
		run_in_guest 6 "dmesg" 30

		type_line "poweroff"
	fi

	# poweroff ends vmctl with status 0.
	stop_vmctl $vmctl_pid
	rc=$?
	exec 4>&-
	if [ $booted = 1 ] && [ $rc = 0 ] && grep -q "guest powered off" $G/vmctl.err; then
		result PASS linux $be.poweroff_exit_0
	else
		result FAIL linux $be.poweroff_exit_0 "vmctl exit $rc: $(tail -n 2 $G/vmctl.err | tr '\n' ' ')"
	fi
	echo "--- the nested guest's console ($be) ---"
	sed 's/^/guest| /' $OUTF
	echo "--- vmctl's stderr ---"
	cat $G/vmctl.err
	echo "---"
}

# A second boot, with SMP_CPUS vCPUs (vmctl run --smp N; 2, or
# vmm.lab.smp=N: make linux-check's cells with 4 and 8, more than the
# machine's CPUs): the guest's bootstrap processor starts the others with
# INIT and SIPI. Checked: all online; a checksum job pinned to each CPU at
# once, every sum the one computed before on one CPU; CPU 1 taken offline
# (it waits in cli; hlt for the INIT that brings it back) and online
# again; each CPU's local APIC timer ticking; then the reboot: the guest
# resets the PC (ACPI reset register, port 0xcf9), which ends vmctl, every
# vCPU thread, with status 10.
#
# Not on a one-CPU Bochs machine: Bochs 2.7 keeps the host's interrupts
# masked while a guest entered with IF=0 runs without exits
# (Documentation/lab.rst), and Linux's application processors spin so while
# they start (wait_for_master_cpu()) and when they check the TSC against
# the bootstrap processor: on a single host CPU the other vCPU's thread
# then never runs again, under kvm.ko as under vmm. There the boot has one
# vCPU and the SMP checks are SKIPs that say so.
SMP_CPUS=${VMM_LAB_SMP:-2}
if [ "${VMM_LAB_EMULATOR:-}" = bochs ] && [ "$(grep -c ^processor /proc/cpuinfo)" -lt 2 ]; then
	SMP_CPUS=1
fi

smp_reboot() {
	be=$1
	rm -f $G/in $OUTF && mkfifo $G/in
	vmctl run --backend $be --smp $SMP_CPUS --mem 256M --kernel $L/vmlinuz \
		--initrd $G/initrd.gz --append "$GUEST_APPEND" <$G/in >$OUTF 2>$G/vmctl.err &
	pid=$!
	exec 4>$G/in
	# Typed only once the guest is up: the UART's FIFO reset at the
	# serial driver's start drops what came before, as on hardware.
	if [ $SMP_CPUS = 1 ]; then
		for t in smp_cpus_online smp_jobs_on_all smp_hotplug_cpu1 smp_timer_on_all; do
			result SKIP linux $be.$t "one host CPU in Bochs: a vCPU spinning with IF=0 starves the other's thread (Bochs 2.7 masks host interrupts then; lab.rst)"
		done
		wait_out "GUEST-INIT" $BOOT_LIMIT && run_in_guest 7 "echo shell" 30 && type_line "reboot"
	elif wait_out "GUEST-INIT" $BOOT_LIMIT && run_in_guest 7 "echo CPUS=\$(nproc)" 30; then
		n=$(tr -d '\r' <$OUTF | sed -n 's/^CPUS=//p' | head -n1)
		[ "$n" = $SMP_CPUS ] && result PASS linux $be.smp_cpus_online "nproc $n" ||
			result FAIL linux $be.smp_cpus_online "nproc ${n:-not read}, not $SMP_CPUS"

		# The same numbers summed on each CPU at once (taskset pins
		# each job): N sums, all the one computed before on one CPU.
		last=$((SMP_CPUS - 1))
		run_in_guest 9 "mkdir -p /tmp; seq 1 200000 | md5sum >/tmp/one; for c in \$(seq 0 $last); do taskset -c \$c sh -c 'seq 1 200000 | md5sum' & done >/tmp/sums; wait; echo SUMS \$(cat /tmp/one /tmp/sums | cut -d' ' -f1 | sort -u | wc -l) \$(wc -l </tmp/sums)" 300
		set -- $(grep '^SUMS' $OUTF | tr -d '\r' | head -n1)
		[ "$2" = 1 ] && [ "$3" = $SMP_CPUS ] && result PASS linux $be.smp_jobs_on_all "$3 sums, equal" ||
			result FAIL linux $be.smp_jobs_on_all "distinct sums ${2:-?}, lines ${3:-?} of $SMP_CPUS"

		# Hotplug: CPU 1 off (Linux parks it in cli; hlt) and back on.
		run_in_guest 10 "echo 0 >/sys/devices/system/cpu/cpu1/online; echo OFF \$(nproc); echo 1 >/sys/devices/system/cpu/cpu1/online; echo ON \$(nproc)" 120
		off=$(tr -d '\r' <$OUTF | sed -n 's/^OFF //p' | head -n1)
		on=$(tr -d '\r' <$OUTF | sed -n 's/^ON //p' | head -n1)
		[ "$off" = $last ] && [ "$on" = $SMP_CPUS ] &&
			result PASS linux $be.smp_hotplug_cpu1 "online: $SMP_CPUS, $off, $on" ||
			result FAIL linux $be.smp_hotplug_cpu1 "after offline ${off:-?}, after online ${on:-?}"
		# Each CPU's local APIC timer ticks; the table goes to the
		# console log (the step's own output is shown only on failure).
		run_in_guest 11 "grep -E 'CPU|LOC|RES|CAL|TLB' /proc/interrupts" 30
		set -- $(sed -n '/grep -E .CPU|LOC/,/^@@11/p' $OUTF | tr -d '\r' | grep '^ *LOC:')
		ticking=0 c=0
		[ $# -gt 0 ] && shift	# "LOC:", then a count per online CPU
		for v in "$@"; do
			c=$((c + 1))
			[ $c -le $SMP_CPUS ] && [ "$v" -gt 0 ] 2>/dev/null && ticking=$((ticking + 1))
		done
		[ $ticking = $SMP_CPUS ] &&
			result PASS linux $be.smp_timer_on_all "LOC $*" ||
			result FAIL linux $be.smp_timer_on_all "$ticking of $SMP_CPUS ticking: $*"
		sed -n '/grep -E .CPU|LOC/,/^@@11/p' $OUTF | tr -d '\r' |
			sed "s/^/interrupts($be)| /" >/dev/console
		type_line "reboot"
	else
		result FAIL linux $be.smp_cpus_online "no shell: $(tail -n 5 $OUTF | tr '\n' ' ') $(cat $G/vmctl.err)"
	fi
	stop_vmctl $pid
	rc=$?
	exec 4>&-
	echo "--- the nested guest's console ($be, --smp $SMP_CPUS) ---"
	sed 's/^/guest| /' $OUTF
	echo "vmctl exit $rc: $(cat $G/vmctl.err)"
	[ $rc = 10 ] && grep -q "guest reset the machine" $G/vmctl.err
}

# Multiboot v1 as vmctl completes it: a module with a command line, the
# memory map, the flags (the mbinfo guest checks them; status 1 = PASS).
mbinfo() {
	printf 'MOD1MOD1' >$G/mod1
	vmctl run --backend $1 --format multiboot --cmdline "cmd" \
		--module $G/mod1,arg /lib/vmm-lab/guests/mbinfo.elf
	[ $? = 1 ]
}

# The same PC and guest under each backend: kvm.ko first (the oracle),
# then vmm.ko, each alone in the machine.
for be in kvm vmm; do
	if [ $be = kvm ]; then
		load_kvm && [ -c /dev/kvm ]
	else
		kvm_hold_stop
		unload_kvm && insmod $MODDIR/vmm.ko
	fi
	if [ $? != 0 ]; then
		result FAIL linux $be.loaded "$(dmesg | tail -n 3 | tr '\n' ' ')"
		continue
	fi
	result PASS linux $be.loaded
	[ $be = kvm ] && kvm_hold_start linux
	boot_linux $be
	check linux $be.smp_reboot_exit_10 smp_reboot $be
	check multiboot $be.mbinfo_module mbinfo $be
done
kvm_hold_stop
is_loaded vmm && rmmod vmm
