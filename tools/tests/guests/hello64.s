# SPDX-License-Identifier: GPL-2.0-only
#
# hello64: enters long mode by itself from real mode (flat at 0x7c00): its
# own GDT, protected mode, then 4-level identity page tables for the first
# GiB (2 MiB pages) at 0x1000-0x3fff, PAE, EFER.LME and paging.

	.include "guest.inc"

	.set PML4, 0x1000
	.set PDPT, 0x2000
	.set PD, 0x3000

	START16
	lgdtl gdt_desc
	mov %cr0, %eax
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmp $CODE32_SEL, $protected

	.code32
protected:
	mov $DATA_SEL, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov $0x7c00, %esp

	mov $PML4, %edi
	mov $3 * 4096 / 4, %ecx
	xor %eax, %eax
	rep stosl
	movl $PDPT + 3, PML4		# present, writable
	movl $PD + 3, PDPT
	mov $PD, %edi
	mov $0x83, %eax			# present, writable, 2 MiB page
	mov $512, %ecx
1:	mov %eax, (%edi)
	add $8, %edi
	add $0x200000, %eax
	loop 1b

	LONG_MODE_ON $PML4, long

	.code64
long:
	mov $DATA_SEL, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	PRINT64 "hello from long mode\nefer.lma: "
	mov $MSR_EFER, %ecx
	rdmsr
	test $EFER_LMA, %eax
	jz 1f
	PRINT64 "1 ok\nPASS\n"
	EXIT64 0
1:	PRINT64 "0 wrong\nFAIL\n"
	EXIT64 1

	.balign 8
gdt:	.quad 0, DESC_CODE64, DESC_DATA, DESC_CODE32
gdt_desc:
	.word gdt_desc - gdt - 1
	.long gdt

	LIB64
