# SPDX-License-Identifier: GPL-2.0-only
#
# mmio64: the MMIO test device (0xfeb00000) from 64-bit code: 8-byte
# accesses, MOVABS with a 64-bit address, 64-bit zero and sign extension,
# what a 32-bit load does to bits 63:32, and REP STOSQ.
# (MMIO_BASE can be set with --defsym to aim the same code at RAM.)

	.include "guest.inc"

	.ifndef MMIO_BASE
	.set MMIO_BASE, 0xfeb00000
	.endif

	START64
	mov $MMIO_BASE, %edi

	movabs $0x0123456789abcdef, %rax
	mov %rax, 0x000(%rdi)
	xor %eax, %eax
	mov 0x000(%rdi), %rax
	CHECK64 "mov qword 0x0123456789abcdef", 0x0123456789abcdef
	movabs $0xfedcba9876543210, %rax
	mov %rax, 0x105(%rdi)
	xor %eax, %eax
	mov 0x105(%rdi), %rax
	CHECK64 "mov qword unaligned 0xfedcba9876543210", 0xfedcba9876543210

	movq $0, 0x008(%rdi)		# a byte into a qword
	movb $0x5a, 0x009(%rdi)
	mov 0x008(%rdi), %rax
	CHECK64 "byte 1 of a zero qword, then the qword", 0x5a00

	movabs $0x8877665544332211, %rax
	movabs %rax, MMIO_BASE + 0x010	# A3/A1: a 64-bit absolute address
	xor %eax, %eax
	movabs MMIO_BASE + 0x010, %rax
	CHECK64 "movabs qword 0x8877665544332211", 0x8877665544332211

	movl $0x87654321, 0x020(%rdi)
	mov $-1, %rax			# a 32-bit load zeroes bits 63:32
	mov 0x020(%rdi), %eax
	CHECK64 "mov dword 0x87654321 to a 64-bit register", 0x0000000087654321
	movabs $0x1122334455667700, %rax	# an 8-bit load keeps bits 63:8
	movb 0x020(%rdi), %al
	CHECK64 "mov byte 0x21 into 0x1122334455667700", 0x1122334455667721

	movb $0x80, 0x200(%rdi)
	movw $0x8001, 0x210(%rdi)
	movl $0x80000001, 0x220(%rdi)
	mov $-1, %rax
	movzbq 0x200(%rdi), %rax
	CHECK64 "movzx byte 0x80", 0x80
	mov $-1, %rax
	movzwq 0x210(%rdi), %rax
	CHECK64 "movzx word 0x8001", 0x8001
	xor %eax, %eax
	movsbq 0x200(%rdi), %rax
	CHECK64 "movsx byte 0x80", 0xffffffffffffff80
	xor %eax, %eax
	movswq 0x210(%rdi), %rax
	CHECK64 "movsx word 0x8001", 0xffffffffffff8001
	xor %eax, %eax
	movslq 0x220(%rdi), %rax
	CHECK64 "movsxd dword 0x80000001", 0xffffffff80000001

	movq $0, 0x340(%rdi)		# guard after the string
	push %rdi
	lea 0x300(%rdi), %rdi
	movabs $0xa5a5a5a55a5a5a5a, %rax
	mov $8, %ecx
	rep stosq
	mov %rcx, %rdx
	mov %rdi, %rbx
	pop %rdi
	mov %rdx, %rax
	CHECK64 "rep stosq 8 qwords: rcx after", 0
	mov %rbx, %rax
	sub %rdi, %rax
	CHECK64 "rep stosq 8 qwords: rdi after", 0x340
	xor %eax, %eax			# the OR of what differs
	xor %ebx, %ebx
	movabs $0xa5a5a5a55a5a5a5a, %rdx
1:	mov 0x300(%rdi,%rbx,8), %rsi
	xor %rdx, %rsi
	or %rsi, %rax
	inc %ebx
	cmp $8, %ebx
	jb 1b
	CHECK64 "rep stosq 8 qwords: bits read back wrong", 0
	mov 0x340(%rdi), %rax
	CHECK64 "rep stosq 8 qwords: the qword after", 0
	jmp finish64

	LIB64
	LIB64_NUMBERS
