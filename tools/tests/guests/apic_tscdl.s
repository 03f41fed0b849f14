# SPDX-License-Identifier: GPL-2.0-only
#
# apic_tscdl: the local APIC timer's TSC-deadline mode (vmctl run --pc;
# SDM "TSC-Deadline Mode"). Orders and counts only: a deadline 100 ms
# ahead must not fire before the TSC reaches it, whatever the emulator's
# pace. Every deadline that must not have passed by the next instruction
# is far enough ahead that a stall of the emulator's host thread between
# the two (seen in make check, two emulators on two cores) cannot reach
# it: 100 ms where the guest waits for it, 2 s where it is disarmed.
#
#   cpuid       CPUID.1:ECX bit 24 says the mode exists
#   future      IA32_TSC_DEADLINE 100 ms ahead reads back, fires once (HLT
#               woken not before the deadline), then reads 0
#   past        a deadline already passed fires at once: taken in the
#               window right after STI
#   zero        writing 0 disarms a deadline 2 s ahead: no interrupt
#   TMICT       ignored in this mode (reads 0, starts nothing)
#   mode        leaving the mode disarms; coming back, the MSR reads 0

	.include "guest.inc"
	.include "apic.inc"

	.set VT, 0x40

	START64
	APIC_INIT
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	mov %ecx, %eax
	shr $24, %eax
	and $1, %eax
	CHECK64 "cpuid tsc-deadline", 1
	APIC_WR APIC_LVTT, $(TIMER_TSCDEADLINE | VT)
	APIC_RD APIC_LVTT
	CHECK64 "lvt timer in tsc-deadline mode", 0x40040

	# --- 100 ms ahead
	call clear_counts
	call rdtsc64
	mov tsc_per_ms(%rip), %rcx
	imul $100, %rcx
	lea (%rax,%rcx), %r12
	mov $MSR_TSC_DEADLINE, %ecx
	mov %r12, %rax
	mov %r12, %rdx
	shr $32, %rdx
	wrmsr
	mov $MSR_TSC_DEADLINE, %ecx
	rdmsr
	shl $32, %rdx
	or %rdx, %rax
	sub %r12, %rax
	CHECK64 "future: the MSR reads back", 0
	mov %r12, %rsi
	mov $VT, %edi
	call halt_for			# only the timer can end this HLT
	CHECK64 "future: fired", 1
	call rdtsc64
	cmp %r12, %rax
	setae %al
	movzbl %al, %eax
	CHECK64 "future: not before the deadline", 1
	mov $MSR_TSC_DEADLINE, %ecx
	rdmsr
	or %edx, %eax
	CHECK64 "future: the MSR reads 0 after", 0
	mov $VT, %edi
	mov $2, %esi
	mov $10, %edx
	call wait_count
	CHECK64 "future: once", 1
	CHECK_TRACE "future: trace", "40 "

	# --- already past: at once
	call clear_counts
	call rdtsc64
	sub $1000, %rax
	mov %rax, %rdx
	shr $32, %rdx
	mov $MSR_TSC_DEADLINE, %ecx
	wrmsr
	sti
	nop
.Lafter_past:
	cli
	COUNT VT
	CHECK64 "past: fired at once", 1
	lea .Lafter_past(%rip), %rdx
	mov last_rip(%rip), %rax
	sub %rdx, %rax
	CHECK64 "past: taken in the window after STI", 0
	mov $1, %eax			# deadline 1: long past too
	xor %edx, %edx
	mov $MSR_TSC_DEADLINE, %ecx
	wrmsr
	mov $VT, %edi
	mov $2, %esi
	mov $2000, %edx
	call wait_count
	CHECK64 "past: deadline 1 fired", 2
	CHECK_TRACE "past: trace", "40 40 "

	# --- 0 disarms
	call clear_counts
	call arm_2s
	xor %eax, %eax
	xor %edx, %edx
	mov $MSR_TSC_DEADLINE, %ecx
	wrmsr
	mov $VT, %edi
	mov $1, %esi
	mov $10, %edx
	call wait_count
	CHECK64 "zero: no interrupt", 0

	# --- TMICT does nothing here
	APIC_WR APIC_TMICT, $1
	APIC_RD APIC_TMICT
	CHECK64 "TMICT: reads 0", 0
	mov $VT, %edi
	mov $1, %esi
	mov $5, %edx
	call wait_count
	CHECK64 "TMICT: no interrupt", 0

	# --- leaving the mode disarms
	call arm_2s
	APIC_WR APIC_LVTT, $(TIMER_ONESHOT | VT)
	mov $VT, %edi
	mov $1, %esi
	mov $10, %edx
	call wait_count
	CHECK64 "to one-shot: no interrupt", 0
	APIC_WR APIC_LVTT, $(TIMER_TSCDEADLINE | VT)
	mov $MSR_TSC_DEADLINE, %ecx
	rdmsr
	or %edx, %eax
	CHECK64 "back: the MSR reads 0", 0
	CHECK_TRACE "zero, TMICT, mode: trace", ""
	APIC_WR APIC_LVTT, $(LVT_MASKED | VT)
	call finish64

arm_2s:					# IA32_TSC_DEADLINE = TSC + 2 s
	call rdtsc64
	mov tsc_per_ms(%rip), %rcx
	imul $2000, %rcx
	add %rcx, %rax
	mov %rax, %rdx
	shr $32, %rdx
	mov $MSR_TSC_DEADLINE, %ecx
	wrmsr
	ret

	LIB64
	LIB64_NUMBERS
	LIBAPIC
