#!/bin/sh
# The lab's plan for an Intel machine on a kernel with the x86 virt core
# (7.x): the kernel exports CR4 and VMXON management to KVM only, so vmm's
# VMX backend refuses to load, with EOPNOTSUPP and a log line saying why,
# while kvm-intel still works in the same machine.
. /lib/vmm-lab/lib.sh
echo "plan: vmx-refused on $(uname -r), extension: $(cpu_vendor_ext)"
check vmx72 cpu_has_vmx test "$(cpu_vendor_ext)" = vmx
check_fails vmx72 insmod_eopnotsupp "not supported" insmod "$MODDIR/vmm.ko"
check_dmesg vmx72 log_says_why "vmm: VMX: this kernel reserves VMX enabling"
# Busybox insmod tries finit_module, then init_module: one line per
# attempt, and the same line each time (the kernel's taint notes aside).
check vmx72 one_log_line test "$(own_log_lines | sort -u | wc -l)" = 1
check vmx72 kvm_still_works sh -c ". $MODDIR/lib.sh; load_kvm && vmctl probe --backend kvm"
