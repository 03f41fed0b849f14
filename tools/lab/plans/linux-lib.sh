#!/bin/sh
# What the plans that boot Linux under vmctl run --kernel share (linux.sh,
# demo.sh): the guest's initramfs, its console (a file for its output, a
# FIFO on fd 4 for what is typed), and how long to wait.
L=/lib/vmm-lab/linux
G=/tmp/nested

# Bochs runs the nested guest some 20 times slower than QEMU.
BOOT_LIMIT=120
[ "$(cpu_vendor_ext)" = vmx ] && BOOT_LIMIT=900

# noxsave: QEMU before 8.2 runs a nested guest's XSETBV without the SVM
# intercept (as plans/main.sh notes), so the hypervisor never learns the
# guest's XCR0 and reloads XCR0 = 1 at every VMRUN: Linux's XSAVE check
# WARNs at boot, and a guest that used XSAVE would lose its SSE/AVX state.
# Without XSAVE the guest uses FXSAVE, which is right there
# (Documentation/lab.rst, "Known emulator trouble").
GUEST_APPEND="console=ttyS0 panic=-1 quiet loglevel=4 noxsave"

# The guest's initramfs: busybox and its /init, made here with busybox cpio.
make_guest_initramfs() {
	rm -rf $G/root && mkdir -p $G/root/bin $G/root/proc $G/root/sys $G/root/dev || return 1
	cp /bin/busybox $G/root/bin/ || return 1
	for a in $(/bin/busybox --list); do
		[ -e $G/root/bin/$a ] || ln -s busybox $G/root/bin/$a
	done
	cp $L/init $G/root/init && chmod 755 $G/root/init || return 1
	(cd $G/root && find . | cpio -o -H newc | gzip) >$G/initrd.gz
}

# The guest's console: its output in a file, its input a FIFO the plan
# writes to. wait_out PATTERN SECONDS: until the output has PATTERN.
OUTF=$G/console.out
wait_out() {
	n=0
	while ! grep -q -- "$1" $OUTF 2>/dev/null; do
		n=$((n + 1))
		[ $n -gt $(($2 * 5)) ] && return 1
		sleep 0.2
	done
}

# type LINE: what a user types, a byte at a time would be the same: the
# UART's receive path and the guest's tty get the whole line.
type_line() {
	printf '%s\n' "$1" >&4
}

# The marker trick: a marker typed as "M""n" is echoed by the guest's tty
# as typed, and printed by its shell as Mn only when the command ran.
run_in_guest() {
	mark=$1 cmd=$2 limit=$3
	type_line "$cmd; echo \"@@\"\"$mark\""
	wait_out "^@@$mark" "$limit"
}

# stop_vmctl PID: its exit status, once it ended by itself (the guest
# powered off or reset) or after BOOT_LIMIT / 2 seconds, when it is stopped
# (SIGTERM: 143).
stop_vmctl() {
	n=0
	while kill -0 $1 2>/dev/null && [ $n -lt $((BOOT_LIMIT * 5 / 2)) ]; do
		sleep 0.2
		n=$((n + 1))
	done
	kill -0 $1 2>/dev/null && kill $1
	wait $1
}

