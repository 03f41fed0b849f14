#!/bin/sh
# make demo: load vmm.ko and show what it sees, then a VM's effect on the
# hardware, and kvm.ko next to it.
. /lib/vmm-lab/lib.sh
# Kernel messages would land in the middle of the demo's lines: the module's
# own are shown below instead.
dmesg -n 1
echo "=================== vmm demo: $(uname -r), $(cpu_vendor_ext) ==================="
insmod "$MODDIR/vmm.ko" || exit 1
own_log_lines
echo
echo "\$ vmctl info"
vmctl info
echo
echo "\$ cat /sys/kernel/debug/vmm/virt            # no VM: the extension is off"
cat /sys/kernel/debug/vmm/virt
echo
echo "\$ vmctl probe -- cat /sys/kernel/debug/vmm/virt   # with a VM alive"
vmctl probe -- cat /sys/kernel/debug/vmm/virt
echo
echo "\$ vmctl run --backend vmm --stats --mode real --load 0x7c00 guests/hello64.bin"
echo "  (starts in real mode, builds its own page tables, switches to long mode;"
echo "   --stats: the exits that reached userspace, by reason and port)"
vmctl run --backend vmm --stats --format flat --mode real --load 0x7c00 --mem 16M \
	/lib/vmm-lab/guests/hello64.bin 2>&1
rc=$?
echo "(vmctl exit status $rc; the guest reports PASS as 1 through port 0xf4," \
     "vmctl's own failures print a message)"

# Debian's kernel as a guest of vmm, on vmctl's PC: a user's shell session.
. /lib/vmm-lab/linux/lib.sh
echo
echo "\$ vmctl run --backend vmm --mem 256M --kernel vmlinuz --initrd initrd.gz --append '$GUEST_APPEND'"
echo "  (Debian's kernel, unmodified, with a busybox shell on the serial console;"
echo "   typed into as a user would)"
make_guest_initramfs
rm -f $G/in $OUTF && mkfifo $G/in
vmctl run --backend vmm --mem 256M --kernel $L/vmlinuz --initrd $G/initrd.gz \
	--append "$GUEST_APPEND" <$G/in >$OUTF 2>$G/vmctl.err &
pid=$!
exec 4>$G/in
if wait_out "GUEST-INIT" $BOOT_LIMIT && run_in_guest 1 "uname -a" 30 &&
   run_in_guest 2 "head -n 4 /proc/interrupts; grep LOC /proc/interrupts" 30; then
	type_line "poweroff"
fi
stop_vmctl $pid
rc=$?
exec 4>&-
# The console from the shell's prompt on, without the terminal queries.
tr -d '\r\033' <$OUTF | sed 's/\[6n//g; s/; echo "@@""[0-9]*"//' |
	sed -n '/^BusyBox/,$p' | grep -v '^@@[0-9]'
cat $G/vmctl.err
echo "(vmctl exit status $rc: 0 is the guest's poweroff)"
echo "================================================================="
