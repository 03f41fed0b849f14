# SPDX-License-Identifier: GPL-2.0-only
#
# apic_cr8: MOV to CR8 that unmasks a pending interrupt with interrupts
# on delivers it right after the MOV, before the next instruction (SDM
# "Task Priority in IA-32e Mode"; vmctl run --pc). apic_prio tests CR8 as
# the TPR otherwise. Apart because it needs, on SVM, the CR8-write
# intercept vmm sets while the TPR holds an interrupt back.

	.include "guest.inc"
	.include "apic.inc"

	START64
	APIC_INIT
	call clear_counts
	mov $5, %eax
	mov %rax, %cr8
	SELF_IPI 0x55
	sti
	nop				# 0x55 held back by CR8 = 5 ...
	nop
	mov $4, %eax
	mov %rax, %cr8			# ... and taken right after this MOV
.Lafter_cr8:
	cli
	COUNT 0x55
	CHECK64 "cr8 lowered with IF=1: taken", 1
	lea .Lafter_cr8(%rip), %rdx
	mov last_rip(%rip), %rax
	sub %rdx, %rax
	CHECK64 "cr8 lowered with IF=1: taken right after the MOV", 0
	xor %eax, %eax
	mov %rax, %cr8
	sti
	nop
	cli
	CHECK_TRACE "trace", "55 "
	call finish64

	LIB64
	LIB64_NUMBERS
	LIBAPIC
