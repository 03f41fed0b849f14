# SPDX-License-Identifier: GPL-2.0-only
#
# smp: four vCPUs (vmctl run --pc --smp 4: GUESTS machine pc4). CPU 0, the
# bootstrap processor, starts the others as the MP specification's
# universal start-up does (INIT, then a startup IPI twice, to all but
# itself), and then has them all run each case:
#
#   boot       each AP reaches its 64-bit code once (the second SIPI, to a
#              CPU already running, is ignored) and reports its APIC ID
#   counter    the four add to one counter with LOCK XADD and to another
#              under a spinlock (XCHG): both totals are exact
#   ping-pong  100 round trips of fixed IPIs between CPU 0 and CPU 1, which
#              is halted in between: each IPI wakes it
#   tlb        a page mapped at 512 GiB, read by every CPU; CPU 0 maps
#              another page there and sends an IPI whose handler INVLPGs
#              and reads again: every CPU sees the new page
#   nmi        an NMI to all but self: each AP takes exactly one
#   restart    CPU 1 parked in CLI; HLT, then INIT and one SIPI to it
#              alone: it starts over from the trampoline, and answers
#
# Every handler of a fixed IPI first checks that its vector is in service
# in the APIC: QEMU's VMRUN sometimes delivers an injected interrupt a
# second time, later, under kvm.ko as under vmm (Documentation/lab.rst,
# svm_intr_redelivered). Such a delivery does nothing but count in
# phantoms, which must be 0 where the emulator is right.
#
# The APs wait for work halted with interrupts on (STI; HLT); CPU 0 wakes
# them with an IPI (V_WAKE). Every wait of CPU 0 has a bound in TSC time
# (the PC's leaf 0x40000010), and waits with interrupts on: a missing CPU
# or IPI is a failure line, not a hang. Only CPU 0 prints.

	.include "guest.inc"
	.include "apic.inc"

	.set NCPUS, 4
	.set NAPS, NCPUS - 1
	.set AP_MASK, 0xe		# APIC IDs 1-3
	.set TRAMP, 0x8000		# the APs' real-mode entry: SIPI vector 8
	.set V_WAKE, 0x40		# CPU 0 -> APs: a command is ready
	.set V_PING, 0x41		# CPU 0 -> CPU 1
	.set V_PONG, 0x42		# CPU 1 -> CPU 0
	.set V_FLUSH, 0x43		# CPU 0 -> APs: INVLPG the test page
	.set CR0_NW, 1 << 29
	.set CR0_CD, 1 << 30
	.set ICR_INIT, 5 << 8
	.set ICR_STARTUP, 6 << 8
	.set TEST_VA, 0x8000000000	# PML4 entry 1
	.set MARK_A, 0x2aaa0001
	.set MARK_B, 0x3bbb0002
	.set COUNT_N, 10000
	.set PINGS, 100
	.set WAIT_MS, 5000
	.set COUNT_ALL, NCPUS * COUNT_N

	START64
	APIC_INIT
	call paging_init
	call tramp_install
	HANDLER V_WAKE, h_wake
	HANDLER V_PING, h_ping
	HANDLER V_PONG, h_pong
	HANDLER V_FLUSH, h_flush
	HANDLER 2, h_nmi_smp

	# --- boot: INIT, 10 ms, SIPI, 1 ms, SIPI, to all but self
	APIC_WR APIC_ICR, $(ICR_OTHERS | ICR_ASSERT | ICR_INIT)
	mov $10, %eax
	call spin_ms
	APIC_WR APIC_ICR, $(ICR_OTHERS | ICR_ASSERT | ICR_STARTUP | (TRAMP >> 12))
	mov $1, %eax
	call spin_ms
	APIC_WR APIC_ICR, $(ICR_OTHERS | ICR_ASSERT | ICR_STARTUP | (TRAMP >> 12))
	lea checked_in(%rip), %rdi
	mov $NCPUS - 1, %esi
	call wait_at_least
	CHECK64 "boot: APs checked in", NAPS
	mov $20, %eax			# a second start would show by now
	sti
	call spin_ms
	cli
	mov cpu_mask(%rip), %eax
	CHECK64 "boot: APIC IDs of the APs", AP_MASK
	mov boots + 4(%rip), %eax
	shl $8, %eax
	or boots + 8(%rip), %eax
	shl $8, %eax
	or boots + 12(%rip), %eax
	CHECK64 "boot: starts of CPUs 1, 2, 3", 0x010101

	# --- counter: every CPU, CPU 0 too
	lea cmd_count(%rip), %rax
	mov $AP_MASK, %edx
	mov $NCPUS - 1, %ecx
	call run_cmd_here_too
	CHECK64 "counter: APs done", NAPS
	mov atomic_total(%rip), %eax
	CHECK64 "counter: LOCK XADD total", COUNT_ALL
	mov locked_total(%rip), %eax
	CHECK64 "counter: total under the spinlock", COUNT_ALL

	# --- ping-pong with CPU 1
	xor %r12d, %r12d
1:	APIC_WR APIC_ICR2, $(1 << 24)
	APIC_WR APIC_ICR, $(ICR_ASSERT | V_PING)
	inc %r12d
	lea pongs(%rip), %rdi
	mov %r12d, %esi
	call wait_at_least
	cmp %r12d, %eax
	jne 2f
	cmp $PINGS, %r12d
	jb 1b
2:	mov pings(%rip), %eax		# one more than pongs: a PONG was lost
	CHECK64 "ping-pong: PINGs taken by CPU 1", PINGS
	mov pongs(%rip), %eax
	CHECK64 "ping-pong: round trips", PINGS

	# --- tlb: all read the first page at TEST_VA, then CPU 0 remaps it
	lea cmd_read(%rip), %rax
	mov $AP_MASK, %edx
	mov $NCPUS - 1, %ecx
	call run_cmd_here_too
	mov $MARK_A, %edx
	call count_seen
	CHECK64 "tlb: CPUs reading the first page", NCPUS
	lea page_b(%rip), %rax
	or $3, %rax
	mov %rax, smp_pt(%rip)
	movabs $TEST_VA, %rax
	invlpg (%rax)
	APIC_WR APIC_ICR, $(ICR_OTHERS | ICR_ASSERT | V_FLUSH)
	lea flushed(%rip), %rdi
	mov $NCPUS - 1, %esi
	call wait_at_least
	CHECK64 "tlb: APs that flushed", NAPS
	call cmd_read
	mov $MARK_B, %edx
	call count_seen
	CHECK64 "tlb: CPUs reading the new page", NCPUS

	# --- nmi to all but self
	APIC_WR APIC_ICR, $(ICR_OTHERS | ICR_ASSERT | ICR_NMI)
	lea nmis(%rip), %rdi
	mov $NCPUS - 1, %esi
	call wait_at_least
	mov $20, %eax			# and no more after
	sti
	call spin_ms
	cli
	mov nmis(%rip), %eax
	CHECK64 "nmi: NMIs taken by the APs", NAPS

	# --- restart: CPU 1 parked with interrupts off, then INIT and SIPI
	lea cmd_park(%rip), %rax
	mov $2, %edx
	xor %ecx, %ecx			# it never returns
	call run_cmd
	lea parked(%rip), %rdi
	mov $1, %esi
	call wait_at_least
	CHECK64 "restart: CPU 1 parked", 1
	APIC_WR APIC_ICR2, $(1 << 24)
	APIC_WR APIC_ICR, $(ICR_ASSERT | ICR_INIT)
	mov $10, %eax
	call spin_ms
	APIC_WR APIC_ICR2, $(1 << 24)
	APIC_WR APIC_ICR, $(ICR_ASSERT | ICR_STARTUP | (TRAMP >> 12))
	lea boots + 4(%rip), %rdi
	mov $2, %esi
	call wait_at_least
	CHECK64 "restart: starts of CPU 1", 2
	lea cmd_nop(%rip), %rax
	mov $AP_MASK, %edx
	mov $NCPUS - 1, %ecx
	call run_cmd
	CHECK64 "restart: APs answering after it", NAPS
	mov phantoms(%rip), %eax
	CHECK64 "IPIs delivered but not in service", 0
	call finish64

# wait_at_least: %rdi a 32-bit counter, %esi the value to wait for, at
# most WAIT_MS, interrupts on meanwhile (off again after); %eax = counter.
wait_at_least:
	push %rcx
	push %rdx
	push %r8
	mov $WAIT_MS, %ecx
	imul tsc_per_ms(%rip), %rcx
	call rdtsc64
	lea (%rax,%rcx), %r8
	sti
1:	mov (%rdi), %eax
	cmp %esi, %eax
	jae 2f
	pause
	call rdtsc64
	cmp %r8, %rax
	jb 1b
2:	cli
	mov (%rdi), %eax
	pop %r8
	pop %rdx
	pop %rcx
	ret

# run_cmd: %rax the command, %edx the APs (APIC ID bits) to run it, %ecx
# how many of them to wait for (0: none); %eax = how many were done.
# run_cmd_here_too: the same, and CPU 0 runs it too, meanwhile, with
# interrupts on as the APs do (a CPU spinning with them off would keep a
# one-CPU Bochs host from running the others: Documentation/lab.rst).
run_cmd_here_too:
	push %rax
	push %rcx
	call run_cmd_start
	mov 8(%rsp), %rax
	sti
	call *%rax
	cli
	pop %rcx
	pop %rax
	jmp run_cmd_wait
run_cmd:
	call run_cmd_start
run_cmd_wait:
	lea done_count(%rip), %rdi
	mov %ecx, %esi
	jmp wait_at_least
run_cmd_start:
	mov %rax, cmd_fn(%rip)
	mov %edx, cmd_mask(%rip)
	movl $0, done_count(%rip)
	lock incl go_seq(%rip)
	APIC_WR APIC_ICR, $(ICR_OTHERS | ICR_ASSERT | V_WAKE)
	ret

# count_seen: how many of seen[0..NCPUS-1] equal %edx, in %eax.
count_seen:
	xor %eax, %eax
	xor %ecx, %ecx
1:	cmp seen(,%rcx,8), %rdx
	jne 2f
	inc %eax
2:	inc %ecx
	cmp $NCPUS, %ecx
	jb 1b
	ret

# Own page tables, for CPU 0 and the APs: PML4 entry 0 the runner's
# identity map, entry 1 a 4 KiB page at TEST_VA (page_a, MARK_A).
paging_init:
	mov %cr3, %rax
	and $~0xfff, %rax
	mov (%rax), %rdx
	mov %rdx, smp_pml4(%rip)
	lea smp_pdpt(%rip), %rax
	or $3, %rax
	mov %rax, smp_pml4 + 8(%rip)
	lea smp_pd(%rip), %rax
	or $3, %rax
	mov %rax, smp_pdpt(%rip)
	lea smp_pt(%rip), %rax
	or $3, %rax
	mov %rax, smp_pd(%rip)
	lea page_a(%rip), %rax
	or $3, %rax
	mov %rax, smp_pt(%rip)
	movq $MARK_A, page_a(%rip)
	movq $MARK_B, page_b(%rip)
	lea smp_pml4(%rip), %rax
	mov %rax, %cr3
	ret

# The trampoline to TRAMP, with this CR3 for the APs.
tramp_install:
	lea tramp_start(%rip), %rsi
	mov $TRAMP, %edi
	mov $tramp_end - tramp_start, %ecx
	rep movsb
	mov %cr3, %rax
	mov %eax, TRAMP + tramp_cr3 - tramp_start
	ret

# --- the APs ---------------------------------------------------------------

# Entered by SIPI in real mode at TRAMP (CS = TRAMP >> 4, IP = 0): the
# guest's GDT, protected mode, then long mode on CPU 0's page tables.
	.code16
tramp_start:
	cli
	mov %cs, %ax
	mov %ax, %ds
	lgdtl tramp_gdt_desc - tramp_start
	mov %cr0, %eax
	and $~(CR0_CD | CR0_NW), %eax	# INIT leaves them as RESET set them
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmpl $CODE32_SEL, $(TRAMP + tramp32 - tramp_start)
	.code32
tramp32:
	mov $DATA_SEL, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	LONG_MODE_ON TRAMP+tramp_cr3-tramp_start, TRAMP+tramp64-tramp_start
	.code64
tramp64:
	movabs $ap_main, %rax
	jmp *%rax
	.balign 4
tramp_gdt_desc:
	.word gdt64_desc - gdt64 - 1
	.long gdt64
tramp_cr3:
	.long 0
tramp_end:

# In long mode, on the trampoline's GDT (the guest's): a stack by APIC ID,
# the IDT, the APIC enabled, checked in; then waiting for work. %ebx is
# the APIC ID throughout, %r12 the last command seen, %r15 the APIC.
ap_main:
	mov $DATA_SEL, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %fs
	mov %eax, %gs
	mov %eax, %ss
	mov $1, %eax
	cpuid
	shr $24, %ebx
	mov %ebx, %eax
	shl $12, %eax
	lea ap_stacks_top(%rip), %rsp
	sub %rax, %rsp
	lidt idt64_desc(%rip)
	mov $APIC_DEFAULT_BASE, %r15d
	APIC_WR APIC_SVR, $(SVR_ENABLE | 0xff)
	mov go_seq(%rip), %r12d		# before CPU 0 can see it started
	lock incl boots(,%rbx,4)
	lock bts %ebx, cpu_mask(%rip)
	lock incl checked_in(%rip)
ap_idle:
	cli
	cmp go_seq(%rip), %r12d
	jne 1f
	sti				# the HLT is in its shadow: no wake-up lost
	hlt
	jmp ap_idle
1:	mov go_seq(%rip), %r12d
	sti
	bt %ebx, cmd_mask(%rip)
	jnc ap_idle
	call *cmd_fn(%rip)
	lock incl done_count(%rip)
	jmp ap_idle

# Commands: on any CPU, interrupts on; they keep %rbx, %r12-%r15.
cmd_nop:
	ret

cmd_count:
	mov $COUNT_N, %ecx
1:	mov $1, %eax
	lock xadd %eax, atomic_total(%rip)
2:	mov $1, %eax
	xchg %eax, spinlock(%rip)
	test %eax, %eax
	jz 3f
	pause
	jmp 2b
3:	mov locked_total(%rip), %eax	# a plain increment: the lock makes it safe
	inc %eax
	mov %eax, locked_total(%rip)
	movl $0, spinlock(%rip)
	dec %ecx
	jnz 1b
	ret

cmd_read:				# seen[APIC ID] = the qword at TEST_VA
	APIC_RD APIC_ID
	shr $24, %eax
	mov %rax, %rcx
	movabs $TEST_VA, %rax
	mov (%rax), %rax
	mov %rax, seen(,%rcx,8)
	ret

cmd_park:
	movl $1, parked(%rip)
	cli
1:	hlt
	jmp 1b

# Interrupt handlers (apic.inc's int_common, %edi the vector): EOI by
# xAPIC MMIO.

# in_service: CF = 1 if vector %edi is in service in this CPU's APIC,
# else it is a phantom, counted. Clobbers %eax, %ecx.
in_service:
	mov %edi, %ecx
	shr $5, %ecx
	shl $4, %ecx
	mov APIC_ISR(%r15,%rcx), %eax
	bt %edi, %eax			# the bit number modulo 32
	jc 1f
	lock incl phantoms(%rip)
1:	ret

h_wake:
	call in_service
	jnc 1f
	APIC_WR APIC_EOI, $0
1:	ret

h_ping:					# on CPU 1: answer CPU 0
	call in_service
	jnc 1f
	lock incl pings(%rip)
	APIC_WR APIC_ICR2, $0
	APIC_WR APIC_ICR, $(ICR_ASSERT | V_PONG)
	APIC_WR APIC_EOI, $0
1:	ret

h_pong:
	call in_service
	jnc 1f
	lock incl pongs(%rip)
	APIC_WR APIC_EOI, $0
1:	ret

h_flush:
	call in_service
	jnc 1f
	movabs $TEST_VA, %rax
	invlpg (%rax)
	call cmd_read
	lock incl flushed(%rip)
	APIC_WR APIC_EOI, $0
1:	ret

h_nmi_smp:
	lock incl nmis(%rip)
	ret

	.pushsection .data
	.balign 8
cmd_fn:	.quad cmd_nop
cmd_mask: .long 0
go_seq:	.long 0
done_count: .long 0
checked_in: .long 0
cpu_mask: .long 0
boots:	.fill NCPUS, 4, 0
atomic_total: .long 0
locked_total: .long 0
spinlock: .long 0
pings:	.long 0
pongs:	.long 0
flushed: .long 0
nmis:	.long 0
parked:	.long 0
phantoms: .long 0
seen:	.fill NCPUS, 8, 0
	.popsection

	.pushsection .bss
	.balign 4096
smp_pml4: .skip 4096
smp_pdpt: .skip 4096
smp_pd:	.skip 4096
smp_pt:	.skip 4096
page_a:	.skip 4096
page_b:	.skip 4096
	.skip NCPUS * 4096
ap_stacks_top:
	.popsection

	LIB64
	LIB64_NUMBERS
	LIBAPIC
