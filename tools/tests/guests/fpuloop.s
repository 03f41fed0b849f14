# SPDX-License-Identifier: GPL-2.0-only
#
# fpuloop: all sixteen YMM registers kept across exits, round after round.
# Each round loads a new pattern into YMM0-15, spins, exits to the host's
# userspace (a write to the UART's scratch register), spins, exits to the
# hypervisor's kernel (CPUID), stores the registers and compares. Run alone
# it checks that the guest keeps its registers; run by fpu_check beside
# host processes holding theirs, that neither side sees the other's.

	.include "guest.inc"

	.set ROUNDS, 400
	.set SPINS, 20000
	.set UART_SCR, 0x3ff
	.set CR0_EM, 1 << 2
	.set CR0_MP, 1 << 1
	.set CR4_OSFXSR, 1 << 9
	.set CR4_OSXMMEXCPT, 1 << 10
	.set CR4_OSXSAVE, 1 << 18

	START64
	mov %cr0, %rax			# SSE on, as an OS enables it
	and $~CR0_EM, %rax
	or $CR0_MP, %rax
	mov %rax, %cr0
	mov %cr4, %rax
	or $CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE, %rax
	mov %rax, %cr4
	xor %ecx, %ecx			# XCR0 = x87 | SSE | AVX
	xor %edx, %edx
	mov $7, %eax
	xsetbv

	xor %r8d, %r8d			# round
	xor %r9d, %r9d			# rounds with a register changed
round:
	lea pattern(%rip), %rdi		# a new pattern: each dword += round + 1
	mov $128, %ecx
	lea 1(%r8), %eax
1:	add %eax, (%rdi)
	add $4, %rdi
	loop 1b
	.irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu pattern+\r*32(%rip), %ymm\r
	.endr
	mov $SPINS, %ecx
1:	dec %ecx
	jnz 1b
	mov $UART_SCR, %dx
	mov %r8b, %al
	outb %al, %dx
	mov $SPINS, %ecx
1:	dec %ecx
	jnz 1b
	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	.irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu %ymm\r, result+\r*32(%rip)
	.endr
	lea pattern(%rip), %rsi
	lea result(%rip), %rdi
	mov $64, %ecx
	repe cmpsq
	setne %al
	movzbl %al, %eax
	add %eax, %r9d
	inc %r8d
	cmp $ROUNDS, %r8d
	jb round

	mov %r8, %rax
	CHECK64 "rounds", ROUNDS
	mov %r9, %rax
	CHECK64 "rounds with a register changed", 0
	jmp finish64

	.pushsection .data
	.balign 32
pattern:
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad 0x0123456789abcdef * (\i + 1), 0xfedcba9876543210 ^ \i
	.endr
	.popsection
	.pushsection .bss
	.balign 32
result:	.skip 512
	.popsection

	LIB64
	LIB64_NUMBERS
