# SPDX-License-Identifier: GPL-2.0-only
#
# apic_ipi: interrupts a vCPU sends itself through its ICR, in xAPIC mode
# (MMIO at 0xfee00000) and in x2APIC mode (MSRs 0x800-0x8ff, entered by
# setting IA32_APIC_BASE.EXTD), and NMIs (vmctl run --pc). Every IPI is
# sent with interrupts off, so that it waits in IRR where the guest can
# see it, then taken in an interrupt window (STI and one instruction).
#
#   xAPIC      shorthand self, all-including-self, all-excluding-self
#              (not taken: no other CPU), physical destination = own ID,
#              another ID (not taken), broadcast 0xff, logical flat
#              destination matching LDR and not; delivery status reads idle
#   x2APIC     CPUID says x2APIC; the ID and LDR MSRs; SELF IPI MSR; ICR
#              with shorthand self, with destination = own x2APIC ID,
#              another (not taken), broadcast 0xffffffff
#   NMI        ICR delivery mode NMI to self, taken with IF=0 at once;
#              inside its handler two more NMIs are sent: neither is taken
#              before IRET, and one (not two) after it (SDM "NMI Handling
#              While Processing An NMI")

	.include "guest.inc"
	.include "apic.inc"

	START64
	APIC_INIT

	# --- xAPIC: shorthand self, taken at the window after STI
	call clear_counts
	SELF_IPI 0x50
	APIC_VEC_BIT APIC_IRR, 0x50
	CHECK64 "xapic self: IRR with IF=0", 1
	COUNT 0x50
	CHECK64 "xapic self: not taken with IF=0", 0
	APIC_RD APIC_ICR
	and $ICR_PENDING, %eax
	CHECK64 "xapic self: ICR delivery status idle", 0
	sti
	nop
.Lafter_window:
	cli
	COUNT 0x50
	CHECK64 "xapic self: taken after STI", 1
	lea .Lafter_window(%rip), %rdx
	mov last_rip(%rip), %rax
	sub %rdx, %rax
	CHECK64 "xapic self: taken after the instruction after STI", 0
	APIC_VEC_BIT APIC_IRR, 0x50
	CHECK64 "xapic self: IRR after", 0
	APIC_VEC_BIT APIC_ISR, 0x50
	CHECK64 "xapic self: ISR after EOI", 0
	CHECK_TRACE "xapic self: trace", "50 "

	# --- shorthands and destinations
	APIC_WR APIC_ICR, $(ICR_ALL | ICR_ASSERT | 0x51)
	APIC_WR APIC_ICR, $(ICR_OTHERS | ICR_ASSERT | 0x52)
	APIC_RD APIC_ID
	mov %eax, %ebx			# own ID in 31:24, as ICR2 wants it
	APIC_WR APIC_ICR2, %ebx
	APIC_WR APIC_ICR, $(ICR_ASSERT | 0x53)
	APIC_WR APIC_ICR2, $0x05000000	# nobody
	APIC_WR APIC_ICR, $(ICR_ASSERT | 0x54)
	APIC_WR APIC_ICR2, $0xff000000	# everybody
	APIC_WR APIC_ICR, $(ICR_ASSERT | 0x55)
	APIC_WR APIC_DFR, $0xffffffff	# flat
	APIC_WR APIC_LDR, $0x01000000
	APIC_WR APIC_ICR2, $0x01000000
	APIC_WR APIC_ICR, $(ICR_LOGICAL | ICR_ASSERT | 0x56)
	APIC_WR APIC_ICR2, $0x02000000
	APIC_WR APIC_ICR, $(ICR_LOGICAL | ICR_ASSERT | 0x57)
	sti
	nop
	cli
	# Taken highest first; 0x52 (others), 0x54 (ID 5), 0x57 (logical 2) never.
	CHECK_TRACE "xapic: all, own ID, broadcast, logical", "56 55 53 51 "

	# --- x2APIC
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	mov %ecx, %eax
	shr $21, %eax
	and $1, %eax
	CHECK64 "cpuid x2apic", 1
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	or $APIC_BASE_EXTD, %eax
	wrmsr
	movb $1, x2apic_on(%rip)
	X2_RD X2_ID
	CHECK64 "x2apic: ID", 0
	X2_RD X2_LDR
	CHECK64 "x2apic: LDR (cluster 0, bit 0)", 1
	X2_WR X2_SELF_IPI, $0x60
	X2_RD X2_IRR + 3		# vectors 0x60-0x7f
	and $1, %eax
	CHECK64 "x2apic self IPI: IRR with IF=0", 1
	X2_WR X2_ICR, $(ICR_SELF | ICR_ASSERT | 0x61)
	mov $X2_ICR, %ecx		# destination 0 (own ID) in 63:32
	mov $(ICR_ASSERT | 0x62), %eax
	xor %edx, %edx
	wrmsr
	mov $X2_ICR, %ecx		# destination 5: nobody
	mov $(ICR_ASSERT | 0x63), %eax
	mov $5, %edx
	wrmsr
	mov $X2_ICR, %ecx		# broadcast
	mov $(ICR_ASSERT | 0x64), %eax
	mov $0xffffffff, %edx
	wrmsr
	X2_RD X2_ICR
	CHECK64 "x2apic: ICR reads back", 0xffffffff00004064
	sti
	nop
	cli
	CHECK_TRACE "x2apic: self IPI, self, own ID, broadcast", "64 62 61 60 "
	X2_RD X2_ISR + 3
	CHECK64 "x2apic: ISR after", 0

	# --- NMI to self
	call clear_counts
	lea nmi_again(%rip), %rax
	mov %rax, nmi_hook(%rip)
	X2_WR X2_ICR, $(ICR_SELF | ICR_ASSERT | ICR_NMI)
	COUNT 2
	CHECK64 "nmi: taken at once with IF=0, and one after IRET", 2
	mov nmi_seen_inside(%rip), %eax
	CHECK64 "nmi: NMIs taken inside the handler", 0
	mov $1, %eax
	call spin_ms
	COUNT 2
	CHECK64 "nmi: of two sent inside the handler, taken", 2
	CHECK_TRACE "nmi: trace", "N N "
	call finish64

# In the first NMI's handler: two more NMIs to self, which must wait for
# its IRET; the counter must not move while the handler runs.
nmi_again:
	cmpl $1, counts + 8(%rip)
	jne 1f
	X2_WR X2_ICR, $(ICR_SELF | ICR_ASSERT | ICR_NMI)
	X2_WR X2_ICR, $(ICR_SELF | ICR_ASSERT | ICR_NMI)
	mov $1, %eax
	call spin_ms
	mov counts + 8(%rip), %eax
	dec %eax
	mov %eax, nmi_seen_inside(%rip)
1:	ret

	.pushsection .data
nmi_seen_inside: .long -1
	.popsection

	LIB64
	LIB64_NUMBERS
	LIBAPIC
