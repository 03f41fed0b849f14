# SPDX-License-Identifier: GPL-2.0-only
#
# vmxon: VMXON (Intel) or VMRUN (AMD), by CPUID vendor, with CR4.VMXE or
# EFER.SVME clear must raise #UD, whatever a hypervisor does underneath.

	.include "guest.inc"

	.set CR4_VMXE, 1 << 13
	.set EFER_SVME, 1 << 12

	START32
	call idt_init
	BY_VENDOR intel, amd

intel:
	mov %cr4, %eax
	and $CR4_VMXE, %eax
	CHECK "cr4.vmxe", 0
	TRY vmxon vmxon_region_pa
	EXPECT_FAULT "vmxon", 6
	jmp finish

amd:
	mov $MSR_EFER, %ecx
	rdmsr
	and $EFER_SVME, %eax
	CHECK "efer.svme", 0
	mov $region, %eax
	TRY vmrun
	EXPECT_FAULT "vmrun", 6
	jmp finish

	.data
	.balign 8
vmxon_region_pa:
	.long region, 0
	.bss
	.balign 4096
region:	.skip 4096
	.text

	LIB32
	IDT32
