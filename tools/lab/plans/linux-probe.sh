#!/bin/sh
# A probe, not a check (make linux-check / check.sh do not run it): boots the
# stock kernel as a nested guest under kvm and then vmm with a verbose
# console (earlyprintk, loglevel=8) shown on the machine's console, and a
# monitor line every 5 s of the machine's time (its LOC count, vmctl's
# CPU time, kvm's exit count), to see where a nested boot stalls. The
# guest's "Linux version" is shown as "Linux-version": run.sh takes a
# second "Linux version" on the console for a reboot. Kernel command line
# (run.sh --append): PROBE_BACKENDS="kvm vmm", PROBE_LIMIT=seconds.
. /lib/vmm-lab/lib.sh
. /lib/vmm-lab/linux/lib.sh
BES=${PROBE_BACKENDS:-"kvm vmm"}
LIMIT=${PROBE_LIMIT:-1200}
APPEND="console=ttyS0 earlyprintk=serial,ttyS0 loglevel=8 panic=-1 noxsave ${PROBE_APPEND:-}"
echo "plan: probe on $(uname -r), $(cpu_vendor_ext), $(grep -c ^processor /proc/cpuinfo) CPUs, backends $BES"
make_guest_initramfs || echo "initramfs failed"

monitor() {
	while sleep 5; do
		read -r up _ </proc/uptime
		loc=$(grep LOC: /proc/interrupts | awk '{print $2}')
		p=$(pidof vmctl)
		st=$([ -n "$p" ] && cut -d' ' -f14,15 /proc/$p/stat)
		ex=$(cat /sys/kernel/debug/kvm/exits 2>/dev/null)
		echo "MON t=$up loc=$loc vmctl=$p ut/st=$st kvm_exits=$ex"
	done
}

boot() {
	be=$1
	rm -f $G/in $OUTF && mkfifo $G/in
	read -r t0 _ </proc/uptime
	echo "PROBE $be start t=$t0"
	(vmctl run --backend $be --stats --mem 256M --kernel $L/vmlinuz --initrd $G/initrd.gz \
		--append "$APPEND" <$G/in 2>$G/vmctl.err; echo "vmctl rc=$?" >>$G/vmctl.err) | tee $OUTF | sed "s/Linux version/Linux-version/" &
	exec 4>$G/in
	monitor &
	mon=$!
	if wait_out "GUEST-INIT" $LIMIT; then
		read -r t1 _ </proc/uptime
		echo "PROBE $be GUEST-INIT host $t0 -> $t1"
		result PASS probe $be.init "$(grep -o 'GUEST-INIT uptime=[0-9.]*' $OUTF) host $t0 -> $t1"
		run_in_guest 1 "echo shell; cat /proc/uptime; cat /sys/devices/system/clocksource/clocksource0/current_clocksource" 120
		read -r t2 _ </proc/uptime
		result PASS probe $be.shell "host $t2"
		type_line poweroff
	else
		read -r t1 _ </proc/uptime
		result FAIL probe $be.init "host $t0 -> $t1"
	fi
	n=0
	while pidof vmctl >/dev/null && [ $n -lt 300 ]; do sleep 0.2; n=$((n+1)); done
	pidof vmctl >/dev/null && kill $(pidof vmctl)
	sleep 1
	kill $mon
	exec 4>&-
	echo "--- vmctl stderr ($be) ---"
	cat $G/vmctl.err
	echo "---"
}

for be in $BES; do
	if [ $be = kvm ]; then
		load_kvm && [ -c /dev/kvm ] || { result FAIL probe kvm.load; continue; }
	else
		unload_kvm; insmod $MODDIR/vmm.ko || { result FAIL probe vmm.load; continue; }
	fi
	boot $be
	[ $be = kvm ] && unload_kvm
done
is_loaded vmm && rmmod vmm
echo "--- host dmesg tail ---"
dmesg | tail -n 30
