# SPDX-License-Identifier: GPL-2.0-only
#
# apic_base: the local APIC's enables and its address (vmctl run --pc; SDM
# "Local APIC Status and Location", "Spurious-Interrupt Vector Register").
#
#   reset       IA32_APIC_BASE 0xfee00900 (enabled, BSP), SVR 0xff, the
#               LVT timer masked
#   software    SVR bit 8 clear: LVT writes read back masked, a fixed
#   disable     self-IPI is dropped (not in IRR, never taken), an NMI to
#               self is still taken; a one-shot count runs out unheard;
#               enabling SVR again leaves the LVT masked
#   relocation  IA32_APIC_BASE moved to 0xfed00000: the registers answer
#               there (version, a self-IPI), 0xfee00000 reads all-ones
#               (nothing there, vmctl's unbacked MMIO); moved back
#   global      EN clear: CPUID.1:EDX.APIC reads 0, 0xfee00000 reads
#   disable     all-ones, x2APIC cannot be entered from there (#GP), and
#               x2APIC cannot be left for xAPIC (#GP); enabled again, the
#               APIC answers at 0xfee00000. What the registers hold after
#               that differs: kvm keeps them, vmm resets them as the SDM's
#               "x2APIC State Transitions" says a disabled APIC is
#               (lines starting "~" in expected/apic_base.out)

	.include "guest.inc"
	.include "apic.inc"

	START64
	mov $APIC_DEFAULT_BASE, %ebx
	mov APIC_SVR(%rbx), %eax
	CHECK64 "reset: SVR", 0xff
	mov APIC_LVTT(%rbx), %eax
	CHECK64 "reset: LVT timer", 0x10000
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	shl $32, %rdx
	or %rdx, %rax
	CHECK64 "reset: IA32_APIC_BASE", 0xfee00900
	APIC_INIT
	APIC_RD APIC_VERSION
	mov %eax, %r13d			# compared at the new base below

	# --- software disable
	call clear_counts
	APIC_WR APIC_SVR, $0x1f7
	APIC_RD APIC_SVR
	CHECK64 "svr: reads back", 0x1f7
	APIC_WR APIC_SVR, $0xff
	APIC_WR APIC_LVTT, $(TIMER_ONESHOT | 0x40)
	APIC_RD APIC_LVTT
	CHECK64 "software disabled: LVT timer written unmasked reads", 0x10040
	APIC_WR APIC_TDCR, $TDCR_DIV1
	APIC_WR APIC_TMICT, $1000
	SELF_IPI 0x50
	APIC_VEC_BIT APIC_IRR, 0x50
	CHECK64 "software disabled: fixed self-IPI in IRR", 0
	APIC_WR APIC_ICR, $(ICR_SELF | ICR_ASSERT | ICR_NMI)
	COUNT 2
	CHECK64 "software disabled: NMI self-IPI taken", 1
	mov $5, %eax
	call spin_ms
	APIC_RD APIC_TMCCT
	CHECK64 "software disabled: timer ran out", 0
	APIC_WR APIC_SVR, $(SVR_ENABLE | 0xff)
	APIC_RD APIC_LVTT
	CHECK64 "enabled again: LVT timer still masked", 0x10040
	mov $0x50, %edi
	mov $1, %esi
	mov $5, %edx
	call wait_count
	CHECK64 "enabled again: the dropped self-IPI", 0
	CHECK_TRACE "software disable: trace", "N "

	# --- relocation
	mov $MSR_APIC_BASE, %ecx
	mov $(0xfed00000 | APIC_BASE_EN | APIC_BASE_BSP), %eax
	xor %edx, %edx
	wrmsr
	rdmsr
	CHECK64 "relocated: IA32_APIC_BASE", 0xfed00900
	mov $0xfed00000, %r15d
	APIC_RD APIC_VERSION
	sub %r13d, %eax
	CHECK64 "relocated: version register there", 0
	mov $APIC_DEFAULT_BASE, %ebx
	mov APIC_VERSION(%rbx), %eax
	CHECK64 "relocated: the old base", 0xffffffff
	SELF_IPI 0x51
	sti
	nop
	cli
	CHECK_TRACE "relocated: self-IPI", "51 "
	mov $MSR_APIC_BASE, %ecx
	mov $(APIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_BSP), %eax
	xor %edx, %edx
	wrmsr
	mov $APIC_DEFAULT_BASE, %r15d
	APIC_RD APIC_VERSION
	sub %r13d, %eax
	CHECK64 "moved back: version register", 0

	# --- global disable
	APIC_WR APIC_TPR, $0x30
	mov $MSR_APIC_BASE, %ecx
	mov $(APIC_DEFAULT_BASE | APIC_BASE_BSP), %eax
	xor %edx, %edx
	wrmsr
	rdmsr
	CHECK64 "disabled: IA32_APIC_BASE", 0xfee00100
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	mov %edx, %eax
	shr $9, %eax
	and $1, %eax
	CHECK64 "disabled: CPUID.1:EDX.APIC", 0
	APIC_RD APIC_VERSION
	CHECK64 "disabled: 0xfee00030", 0xffffffff
	mov $MSR_APIC_BASE, %ecx
	mov $(APIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP), %eax
	xor %edx, %edx
	TRY64 wrmsr
	EXPECT_FAULT64 "disabled: to x2APIC", 13
	mov $MSR_APIC_BASE, %ecx
	mov $(APIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_BSP), %eax
	xor %edx, %edx
	wrmsr
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	mov %edx, %eax
	shr $9, %eax
	and $1, %eax
	CHECK64 "enabled: CPUID.1:EDX.APIC", 1
	APIC_RD APIC_VERSION
	sub %r13d, %eax
	CHECK64 "enabled: version register", 0
	PRINT64 "enabled after disable: TPR "
	APIC_RD APIC_TPR
	mov $8, %ecx
	call puthex64
	PRINT64 " SVR "
	APIC_RD APIC_SVR
	call puthex64
	PRINT64 "\n"
	APIC_WR APIC_SVR, $(SVR_ENABLE | 0xff)
	APIC_WR APIC_TPR, $0

	# --- x2APIC and back
	mov $MSR_APIC_BASE, %ecx
	mov $(APIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP), %eax
	xor %edx, %edx
	TRY64 wrmsr
	EXPECT_FAULT64 "xAPIC to x2APIC", -1
	mov $MSR_APIC_BASE, %ecx
	mov $(APIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_BSP), %eax
	xor %edx, %edx
	TRY64 wrmsr
	EXPECT_FAULT64 "x2APIC to xAPIC", 13
	mov $MSR_APIC_BASE, %ecx
	mov $(APIC_DEFAULT_BASE | APIC_BASE_BSP), %eax
	xor %edx, %edx
	TRY64 wrmsr
	EXPECT_FAULT64 "x2APIC to disabled", -1
	mov $MSR_APIC_BASE, %ecx
	mov $(APIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_BSP), %eax
	xor %edx, %edx
	TRY64 wrmsr
	EXPECT_FAULT64 "disabled to xAPIC", -1
	APIC_RD APIC_VERSION
	sub %r13d, %eax
	CHECK64 "xAPIC again: version register", 0
	call finish64

	LIB64
	LIB64_NUMBERS
	LIBAPIC
