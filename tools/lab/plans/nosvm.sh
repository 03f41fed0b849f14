#!/bin/sh
# The lab's plan for a machine without VMX/SVM: vmm.ko must refuse to load
# with ENODEV and one kernel log line saying why.
. /lib/vmm-lab/lib.sh
echo "plan: no-virt on $(uname -r), extension: $(cpu_vendor_ext)"
check nosvm cpu_has_no_extension test "$(cpu_vendor_ext)" = none
check_fails nosvm insmod_enodev "No such device" insmod "$MODDIR/vmm.ko"
check nosvm not_loaded sh -c "! grep -q '^vmm ' /proc/modules"
check_dmesg nosvm log_says_why "vmm: this CPU has neither VMX nor SVM"
# Busybox insmod tries finit_module, then init_module: one line per
# attempt, and the same line each time (the kernel's taint notes aside).
check nosvm one_log_line test "$(own_log_lines | sort -u | wc -l)" = 1
check nosvm no_dev_node test ! -e /dev/vmm
