# SPDX-License-Identifier: GPL-2.0-only
#
# memtest: 64-bit, entered in long mode on the runner's identity page tables
# (or the Multiboot entry's own, under QEMU). Writes every 4 KiB page of
# [2 MiB, 2 MiB + MEM_MIB MiB) with a pattern derived from its address, then
# reads all of them back. MEM_MIB is 256 (memtest.elf: needs 512 MiB of RAM)
# or 64 (memtest64.elf, for the Bochs machines, where each 256 MiB pass
# costs minutes: 128 MiB of RAM); the runner's page tables, GDT and stack
# must lie outside that range.

	.include "guest.inc"

	.ifndef MEM_MIB
	.set MEM_MIB, 256
	.endif
	.set MEM_START, 0x00200000
	.set MEM_END, MEM_START + MEM_MIB * 1024 * 1024
	.set GOLDEN, 0x9e3779b97f4a7c15	# page address * GOLDEN: the pattern

	START64
	PRINT64 "memtest: 0x00200000-"
	mov $MEM_END, %eax
	mov $8, %ecx
	call puthex64
	PRINT64 ", 4 KiB pages\n"
	movabs $GOLDEN, %r13
	mov $MEM_START, %ebx
1:	mov %rbx, %rax			# every qword of a page: its pattern
	imul %r13, %rax
	mov %rbx, %rdi
	mov $4096 / 8, %ecx
	rep stosq
	add $4096, %rbx
	cmp $MEM_END, %rbx
	jb 1b

	xor %r12d, %r12d		# pages checked
	xor %r14d, %r14d		# checksum: rotate left 5, add each qword
	xor %r15d, %r15d		# pages wrong
	xor %ebp, %ebp			# the first wrong page
	mov $MEM_START, %ebx
2:	mov %rbx, %rdx
	imul %r13, %rdx
	mov %rbx, %rsi
	mov $4096 / 8, %ecx
	xor %r8d, %r8d
3:	mov (%rsi), %rax
	rol $5, %r14
	add %rax, %r14
	cmp %rdx, %rax
	je 4f
	mov $1, %r8d
4:	add $8, %rsi
	dec %ecx
	jnz 3b
	inc %r12
	test %r8d, %r8d
	jz 5f
	inc %r15
	test %rbp, %rbp
	jnz 5f
	mov %rbx, %rbp
5:	add $4096, %rbx
	cmp $MEM_END, %rbx
	jb 2b

	PRINT64 "pages checked: "
	mov %r12, %rax
	call putdec64
	PRINT64 "\nchecksum: "
	mov %r14, %rax
	mov $16, %ecx
	call puthex64
	PRINT64 "\npages wrong: "
	mov %r15, %rax
	call putdec64
	test %r15, %r15
	jnz 6f
	PRINT64 " ok\n"
	jmp finish64
6:	PRINT64 " wrong, the first at "
	mov %rbp, %rax
	mov $8, %ecx
	call puthex64
	PRINT64 "\n"
	incl failures(%rip)
	jmp finish64

	LIB64
	LIB64_NUMBERS
