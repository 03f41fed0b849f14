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
echo "================================================================="
