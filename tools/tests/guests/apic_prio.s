# SPDX-License-Identifier: GPL-2.0-only
#
# apic_prio: which pending interrupt the local APIC gives the CPU, and when
# (vmctl run --pc; SDM "Task and Processor Priorities", "Interrupt
# Acceptance for Fixed Interrupts"). Self-IPIs are sent with interrupts
# off and so wait in IRR; the trace shows the order handlers ran in.
#
#   TPR         a TPR of 0x50 holds back classes 4 and 5 (PPR reads 0x50),
#               lowering it lets them in, highest first
#   CR8         MOV to CR8 is the TPR's class (bits 7:4), both ways, and
#               holds back classes as the TPR does
#   nesting     a handler for 0x40 that enables interrupts is preempted by
#               0x80 but not by 0x42 (its own class) nor 0x30; with both in
#               service EOI ends 0x80 first, and once 0x40 is ended too,
#               0x42 and 0x30 come in that order
#   STI shadow  `sti; hlt` with an interrupt pending: HLT runs, and the
#               interrupt wakes it (the handler's RIP is after the HLT)
#   window      an interrupt sent with IF=0 stays pending across exits
#               (CPUID, port I/O) and is taken right after POPF sets IF,
#               before the next instruction

	.include "guest.inc"
	.include "apic.inc"

	START64
	APIC_INIT

	# --- TPR masks classes
	call clear_counts
	# TPR bits 3:0 are not tried: kvm-amd keeps the TPR in the VMCB's
	# 4-bit V_TPR across exits, so they read back 0 there.
	APIC_WR APIC_TPR, $0x50
	APIC_RD APIC_PPR
	CHECK64 "tpr 0x50: PPR", 0x50
	SELF_IPI 0x45
	SELF_IPI 0x55
	SELF_IPI 0x65
	sti
	nop
	cli
	TRACE "| "
	APIC_WR APIC_TPR, $0x40
	sti
	nop
	cli
	TRACE "| "
	APIC_WR APIC_TPR, $0
	sti
	nop
	cli
	CHECK_TRACE "tpr 0x50, 0x40, 0: taken", "65 | 55 | 45 "

	# --- CR8 is the TPR's class (apic_cr8: lowering it with IF=1)
	mov $5, %eax
	mov %rax, %cr8
	APIC_RD APIC_TPR
	CHECK64 "cr8 5: TPR", 0x50
	APIC_WR APIC_TPR, $0x70
	mov %cr8, %rax
	CHECK64 "TPR 0x70: cr8", 7
	mov $5, %eax
	mov %rax, %cr8
	SELF_IPI 0x55
	SELF_IPI 0x65
	sti
	nop
	cli
	TRACE "| "
	mov $4, %eax
	mov %rax, %cr8
	APIC_RD APIC_TPR
	CHECK64 "cr8 4: TPR", 0x40
	sti
	nop
	cli
	xor %eax, %eax
	mov %rax, %cr8
	APIC_RD APIC_TPR
	CHECK64 "cr8 0: TPR", 0
	CHECK_TRACE "cr8 5, then 4: taken", "65 | 55 "

	# --- nesting and EOI order
	HANDLER 0x40, h_outer
	HANDLER 0x80, h_inner
	SELF_IPI 0x40
	sti
	nop
	cli
	CHECK_TRACE "nested: trace", "<40 <80 >80 >40 42 30 "
	mov outer_results(%rip), %rax
	# Nibbles: ISR 0x40, ISR 0x80, PPR class; after one EOI: ISR 0x40,
	# ISR 0x80, IRR 0x42, IRR 0x30, taken 0x42, taken 0x30, PPR class.
	CHECK64 "nested: in service, PPR, after one EOI", 0x1181011004

	# --- STI shadow: the interrupt wakes the HLT after it. The timer is a
	# backstop: should the interrupt be taken before the HLT (QEMU before
	# 9.1 loses the shadow when a VM exit falls between STI and HLT), it
	# ends the HLT 1 s later and the checks below fail, where the guest
	# would otherwise sleep for good.
	call clear_counts
	APIC_WR APIC_TDCR, $TDCR_DIV1
	APIC_WR APIC_LVTT, $(TIMER_ONESHOT | 0x41)
	APIC_WR APIC_TMICT, $1000000000
	SELF_IPI 0x70
	sti
	hlt
.Lafter_hlt:
	cli
	APIC_WR APIC_TMICT, $0
	COUNT 0x70
	CHECK64 "sti; hlt: taken", 1
	lea .Lafter_hlt(%rip), %rdx
	mov last_rip(%rip), %rax
	sub %rdx, %rax
	CHECK64 "sti; hlt: taken after the HLT", 0

	# --- the interrupt window: pending across exits, taken when IF=1
	SELF_IPI 0x71
	mov $0, %eax
	cpuid
	mov $0x80, %dx
	outb %al, %dx
	COUNT 0x71
	CHECK64 "window: not taken across exits with IF=0", 0
	push $0x202
	popfq
.Lafter_popf:
	cli
	COUNT 0x71
	CHECK64 "window: taken once POPF set IF", 1
	lea .Lafter_popf(%rip), %rdx
	mov last_rip(%rip), %rax
	sub %rdx, %rax
	CHECK64 "window: taken right after the POPF", 0
	CHECK_TRACE "sti shadow, window: trace", "70 71 "
	call finish64

# 0x40: lets 0x80 (higher class) preempt it, and keeps 0x42 (same class)
# and 0x30 (lower) waiting; ends 0x80 with its first EOI. What it sees
# goes to outer_results, a nibble each (the CHECK64 in the main line).
h_outer:
	TRACE "<40 "
	SELF_IPI 0x80
	SELF_IPI 0x42
	SELF_IPI 0x30
	sti
	nop
	cli
	xor %ebx, %ebx
	APIC_VEC_BIT APIC_ISR, 0x40
	call nibble
	APIC_VEC_BIT APIC_ISR, 0x80
	call nibble
	APIC_RD APIC_PPR
	shr $4, %eax
	call nibble
	APIC_WR APIC_EOI, $0
	APIC_VEC_BIT APIC_ISR, 0x40
	call nibble
	APIC_VEC_BIT APIC_ISR, 0x80
	call nibble
	APIC_VEC_BIT APIC_IRR, 0x42
	call nibble
	APIC_VEC_BIT APIC_IRR, 0x30
	call nibble
	sti				# nothing may come: 0x40 still in service
	nop
	cli
	COUNT 0x42
	call nibble
	COUNT 0x30
	call nibble
	APIC_RD APIC_PPR
	shr $4, %eax
	call nibble
	mov %rbx, outer_results(%rip)
	TRACE ">40 "
	APIC_WR APIC_EOI, $0
	ret

nibble:					# %rbx = %rbx << 4 | %al & 0xf
	shl $4, %rbx
	and $0xf, %eax
	or %rax, %rbx
	ret

h_inner:				# no EOI: 0x40's handler ends both
	TRACE "<80 >80 "
	ret

	.pushsection .data
	.balign 8
outer_results: .quad 0
	.popsection

	LIB64
	LIB64_NUMBERS
	LIBAPIC
