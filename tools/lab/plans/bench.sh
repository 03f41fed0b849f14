#!/bin/sh
# make bench, inside one machine: the benchmark guest (tools/bench) under
# kvm.ko and under vmm.ko in this boot, and VM/vCPU creation timed from
# userspace. Documentation/bench.rst describes the method.
#
# One line per measurement on the results UART, for tools/lab/bench.sh:
#   BENCHINFO KEY VALUE...
#   BENCH NAME BACKEND ok MIN MEDIAN ITERATIONS [KEY=VALUE...]
#   BENCH NAME BACKEND na REASON...
# Numbers are TSC ticks. The median is the lower middle sample.
. /lib/vmm-lab/lib.sh
B=$MODDIR/bench
T=/tmp/bench
mkdir -p $T
# Kernel messages would interleave with the plan's output on the console.
dmesg -n 1

VENDOR=$(case $(cpu_vendor_ext) in vmx) echo intel ;; svm) echo amd ;; *) echo none ;; esac)
THP=/sys/kernel/mm/transparent_hugepage/enabled
emit "BENCHINFO vendor $VENDOR"
emit "BENCHINFO kernel $(uname -r)"
emit "BENCHINFO cpu $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
emit "BENCHINFO tsc $(dmesg | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | head -n 1) MHz"
emit "BENCHINFO cpus $(grep -c ^processor /proc/cpuinfo)"
emit "BENCHINFO mem_kb $(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)"
emit "BENCHINFO thp $(cat $THP 2>/dev/null || echo none)"
emit "BENCHINFO cmdline $(cat /proc/cmdline)"

# Which backends can run at all, and if not, why (what the load printed).
kvm_err= vmm_err=
load_kvm >$T/load-kvm.out 2>&1 || kvm_err="kvm.ko did not load: $(tail -n 1 $T/load-kvm.out)"
insmod "$MODDIR/vmm.ko" >$T/load-vmm.out 2>&1 || vmm_err="vmm.ko did not load: $(tail -n 1 $T/load-vmm.out)"
emit "BENCHINFO vmm $(own_log_lines | grep -m 1 'backend ready' || echo "${vmm_err:-loaded}")"
emit "BENCHINFO mitigations $(cat /sys/module/vmm/parameters/mitigations 2>/dev/null || echo unknown)"
# Whether kvm uses the hardware's APIC virtualization decides what its
# interrupt rows measure.
emit "BENCHINFO kvm_apicv $(cat /sys/module/kvm_intel/parameters/enable_apicv /sys/module/kvm_amd/parameters/avic 2>/dev/null | head -n 1)"

# stats FILE: "MIN MEDIAN N" of the numbers in FILE, one per line; nothing
# if there are none.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print v[1], v[int((NR + 1) / 2)], NR }'
}

# why FILE: the last message of a failed program, without its name.
why() {
	msg=$(grep -v '^$' "$1" | tail -n 1 | sed 's/^[a-z-]*: //')
	echo "${msg:-no message}"
}

# guest NAME BACKEND MEM [vmctl options]: runs the benchmark guest; on
# success its samples are in $T/NAME.BACKEND, else $REASON says why.
guest() {
	name=$1 be=$2 mem=$3
	shift 3
	REASON=
	rm -f "$T/$name.$be"
	eval "err=\$${be}_err"
	if [ -n "$err" ]; then
		REASON=$err
		return 1
	fi
	run_limited vmctl run --backend "$be" --format multiboot --resume-on-hlt \
		--mem "$mem" --samples "$T/$name.$be" --cmdline "$name" "$@" \
		"$B/bench.elf"
	rc=$?
	cp "$OUT" "$T/$name.$be.out"
	# The guest ends by writing 0 to the debug-exit port: status 1.
	if [ $rc != 1 ] || grep -q '^vmctl: ' "$OUT"; then
		REASON=$(grep '^vmctl: ' "$OUT" | tail -n 1 | sed 's/^vmctl: //')
		REASON=${REASON:-"vmctl exit status $rc, no message"}
		return 1
	fi
	[ -s "$T/$name.$be" ] || { REASON="no samples"; return 1; }
}

# report NAME BACKEND FILE [extra]: the BENCH line for the samples in FILE.
report() {
	s=$(stats "$3")
	if [ -n "$s" ]; then
		emit "BENCH $1 $2 ok $s${4:+ $4}"
	else
		emit "BENCH $1 $2 na no samples"
	fi
}

# exit_bench NAME [vmctl options]: an exit benchmark on both backends.
exit_bench() {
	name=$1
	shift
	for be in kvm vmm; do
		if guest "$name" $be 16M "$@"; then
			report "$name" $be "$T/$name.$be"
		else
			emit "BENCH $name $be na $REASON"
		fi
	done
}

# The exit benchmarks and the 4 KiB fault-in: no transparent huge pages, so
# every first touch is one 4 KiB host page (Debian's default is "always").
[ -w $THP ] && echo never >$THP
for b in bracket cpuid hypercall pio mmio hlt; do
	exit_bench $b
done
# Interrupts through the hypervisor's local APIC (vmctl's PC: kvm's
# in-kernel APIC with a split irqchip, vmm's own).
for b in timer ipi eoi; do
	exit_bench $b --pc
done
# Between two vCPUs: an IPI to one halted and its answer.
exit_bench ipi2 --pc --smp 2

# First touch of 64 MiB, from 4 MiB up: 16384 pages.
for be in kvm vmm; do
	if guest touch4k $be 68M; then
		report touch4k $be "$T/touch4k.$be"
	else
		emit "BENCH touch4k $be na $REASON"
	fi
done

# Per 2 MiB: transparent huge pages on for guest RAM that asks (vmctl --thp).
# As many 2 MiB frames per VM as memory allows (at most 512), and as many
# VMs as it takes to touch 1024 frames; each VM's memory is fresh.
avail=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo)
frames=$(( (avail / 1024 - 192) / 2 ))
[ $frames -gt 512 ] && frames=512
if [ ! -w $THP ]; then
	for be in kvm vmm; do emit "BENCH touch2m $be na no transparent huge pages in this kernel"; done
elif [ $frames -lt 16 ]; then
	for be in kvm vmm; do emit "BENCH touch2m $be na too little memory ($avail kB available)"; done
else
	echo madvise >$THP
	runs=$(( (1024 + frames - 1) / frames ))
	emit "BENCHINFO touch2m $runs VMs of $frames frames"
	for be in kvm vmm; do
		f=$T/touch2m.$be
		: >"$f.all"
		i=0 REASON=
		while [ $i -lt $runs ] && guest touch2m $be $((4 + 2 * frames))M --thp; do
			cat "$f" >>"$f.all"
			i=$((i + 1))
		done
		if [ -n "$REASON" ]; then
			emit "BENCH touch2m $be na $REASON"
			continue
		fi
		awk 'NR % 3 == 1' "$f.all" >"$f.first"
		awk 'NR % 3 == 2' "$f.all" >"$f.probe"
		awk 'NR % 3 == 0' "$f.all" >"$f.mapped"
		probe=$(stats "$f.probe" | cut -d' ' -f2)
		mapped=$(stats "$f.mapped" | cut -d' ' -f2)
		extra="probe_median=$probe mapped_median=$mapped"
		# A 2 MiB mapping: the write 1 MiB into the frame did not exit,
		# it cost what a write to a mapped page costs.
		if [ "$probe" -le $((4 * mapped)) ]; then
			report touch2m $be "$f.first" "$extra"
		else
			emit "BENCH touch2m $be na 4 KiB mappings: a write 1 MiB into each touched 2 MiB frame faulted again (median $probe ticks, $mapped for a mapped page) $extra"
		fi
	done
	echo never >$THP
fi

# Linux booted by vmctl run --kernel, timed by bench-boot from vmctl's
# start to the line its /init prints where the shell starts (bench-boot
# then types poweroff at the shell, and waits for vmctl to end). The
# machine's own kernel is the guest, as in plans/linux.sh. boot has one
# vCPU, boot4 four (their threads share the machine's CPUs).
# boot_bench NAME [vmctl options]: three boots under each backend.
boot_bench() {
	name=$1
	shift
	for be in kvm vmm; do
		eval "err=\$${be}_err"
		if [ -n "$err" ]; then
			emit "BENCH $name $be na $err"
			continue
		fi
		rm -f "$T/$name.$be"
		i=0
		while [ $i -lt 3 ] && run_limited "$B/bench-boot" GUEST-INIT "$T/$name.$be" \
			vmctl run --backend $be --mem 256M "$@" --kernel $L/vmlinuz \
			--initrd $G/initrd.gz --append "$GUEST_APPEND"; do
			i=$((i + 1))
		done
		if [ $i = 3 ]; then
			report $name $be "$T/$name.$be"
		else
			emit "BENCH $name $be na $(why "$OUT")"
		fi
	done
}
if [ -f /lib/vmm-lab/linux/lib.sh ]; then
	. /lib/vmm-lab/linux/lib.sh
	if make_guest_initramfs >$T/guest-initramfs.log 2>&1; then
		boot_bench boot
		boot_bench boot4 --smp 4
	else
		for be in kvm vmm; do
			emit "BENCH boot $be na guest initramfs: $(why $T/guest-initramfs.log)"
			emit "BENCH boot4 $be na guest initramfs: $(why $T/guest-initramfs.log)"
		done
	fi
fi

# VM create + destroy, and vCPU create, timed by bench-lifecycle.
for what in vm vcpu; do
	for be in kvm vmm; do
		eval "err=\$${be}_err"
		if [ -n "$err" ]; then
			emit "BENCH $what $be na $err"
			continue
		fi
		if run_limited "$B/bench-lifecycle" $be $what 1024 "$T/$what.$be" && [ -s "$T/$what.$be" ]; then
			report $what $be "$T/$what.$be"
		else
			emit "BENCH $what $be na $(why "$OUT")"
		fi
	done
done
emit "BENCHINFO done"
