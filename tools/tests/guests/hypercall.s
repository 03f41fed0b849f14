# SPDX-License-Identifier: GPL-2.0-only
#
# hypercall: VMCALL (Intel) or VMMCALL (AMD), by CPUID vendor, with
# EAX=0x564d4d00 EBX=40 ECX=2. The answer is the hypervisor's own (kvm
# returns -KVM_ENOSYS), so it is printed, not judged; a #UD (what a CPU
# without a hypervisor raises) is reported the same way.

	.include "guest.inc"

	START32
	call idt_init
	call cpu_vendor
	PRINT "hypercall: eax 0x564d4d00 ebx 40 ecx 2\n"
	cmp $VENDOR_INTEL, %eax
	je intel
	cmp $VENDOR_AMD, %eax
	je amd
	PRINT "unknown cpu vendor, no hypercall instruction\n"
	call fail
	jmp finish

intel:
	PRINT "vmcall: "
	mov $0x564d4d00, %eax
	mov $40, %ebx
	mov $2, %ecx
	TRY vmcall
	jmp report
amd:
	PRINT "vmmcall: "
	mov $0x564d4d00, %eax
	mov $40, %ebx
	mov $2, %ecx
	TRY vmmcall
report:
	cmpl $-1, fault_vector
	je 1f
	mov fault_vector, %eax
	call putvec
	PRINT "\n"
	jmp finish
1:	PRINT "eax "
	mov $8, %ecx
	call puthex
	PRINT "\n"
	jmp finish

	LIB32
	IDT32
