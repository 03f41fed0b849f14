# SPDX-License-Identifier: GPL-2.0-only
#
# msr: WRMSR/RDMSR round trips on MSRs a hypervisor keeps per guest, and the
# #GP that an unknown MSR or an invalid PAT must raise.

	.include "guest.inc"

	.set MSR_SYSENTER_CS, 0x174
	.set MSR_SYSENTER_ESP, 0x175
	.set MSR_SYSENTER_EIP, 0x176
	.set MSR_PAT, 0x277
	.set MSR_NONE, 0x12345678

	START32
	call idt_init

	# The selector only: VMX keeps 32 bits of SYSENTER_CS, SVM 64.
	ROUNDTRIP MSR_SYSENTER_CS, "msr 0x174 sysenter_cs", 0, 0x00000008
	ROUNDTRIP MSR_SYSENTER_ESP, "msr 0x175 sysenter_esp", 0, 0x12345678
	ROUNDTRIP MSR_SYSENTER_EIP, "msr 0x176 sysenter_eip", 0, 0x9abcdef0
	# Every byte a valid memory type (0, 1, 4-7), unlike the reset value.
	ROUNDTRIP MSR_PAT, "msr 0x277 pat", 0x00010504, 0x00070106

	mov $MSR_NONE, %ecx
	TRY rdmsr
	EXPECT_FAULT "rdmsr 0x12345678", 13
	mov fault_error, %eax
	CHECK "#GP error code", 0

	mov $MSR_NONE, %ecx
	xor %edx, %edx
	xor %eax, %eax
	TRY wrmsr
	EXPECT_FAULT "wrmsr 0x12345678", 13

	mov $MSR_PAT, %ecx		# memory type 2 is reserved
	mov $0x00070406, %edx
	mov $0x00070402, %eax
	TRY wrmsr
	EXPECT_FAULT "wrmsr 0x277 type 2", 13
	TRY rdmsr
	mov $.Lpat_kept, %esi
	mov $0x00010504, %ecx
	mov $0x00070106, %ebx
	call check64
	jmp finish

	.section .rodata
.Lpat_kept:
	.asciz "msr 0x277 pat kept"
	.text

	LIB32
	IDT32
