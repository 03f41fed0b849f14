# SPDX-License-Identifier: GPL-2.0-only
#
# bench: the guest of `make bench` (tools/lab/bench.sh, Documentation/bench.rst).
# One Multiboot image; the last word of the command line names the benchmark:
#
#   vmctl run --format multiboot --resume-on-hlt --samples FILE \
#             --cmdline NAME [--mem SIZE] bench.elf
#
# Each measurement is one operation bracketed by LFENCE; RDTSC on both sides
# (lfence: nothing runs ahead of the timestamp on real CPUs; in the lab's
# emulators the TSC follows the instruction count either way). The low 32
# bits of the difference go to vmctl as a 32-bit OUT to port 0xf0 (vmctl
# --samples), outside the bracket. The guest ends with a write of 0 to the
# debug-exit port (vmctl exits with status 1), after the last sample.
#
#   bracket    nothing between the two timestamps: the clock's own cost
#   cpuid      CPUID leaf 0: an exit the hypervisor handles in the kernel
#   hypercall  VMCALL (Intel) / VMMCALL (AMD) with EAX = 12, kvm's
#              KVM_HC_MAP_GPA_RANGE (EBX = a page, ECX = 1 page, EDX = 0):
#              the one number kvm can pass on to userspace (vmctl asks it
#              to); vmm passes every hypercall on. vmctl answers, the guest
#              continues after the instruction
#   pio        OUTB to port 0x80, which vmctl's device model ignores
#   mmio       a 32-bit load from vmctl's MMIO test device (0xfeb00000):
#              decoded by the hypervisor, answered by vmctl
#   hlt        HLT with interrupts off: vmctl resumes the guest at once
#              (--resume-on-hlt), the cost of an immediate wake-up
#   touch4k    the first write to each 4 KiB page from 4 MiB to the end of
#              RAM: the hypervisor faults the page in (host page fault and
#              EPT/NPT entry)
#   touch2m    per 2 MiB frame from 4 MiB to the end of RAM, three samples:
#              the first write to the frame, then a write 1 MiB into it (no
#              exit if the hypervisor mapped the frame with one 2 MiB page),
#              then the first address again (mapped for sure: a reference)
#
# With vmctl run --pc (the local APIC in the hypervisor, x2APIC mode, IF=1):
#   timer      a TSC-deadline write with a deadline already past, to the
#              entry of the timer's interrupt handler
#   ipi        a self-IPI through the ICR (fixed, shorthand self), to the
#              entry of its handler
#   eoi        the EOI write of an interrupt handler, alone
# and with vmctl run --pc --smp 2:
#   ipi2       an IPI to the other vCPU, halted (HLT with IF=1, as an idle
#              Linux CPU waits), whose handler sends one back: from the
#              ICR write to the entry of the answer's handler. CPU 1 is
#              started first with INIT and SIPI (a real-mode trampoline at
#              AP_TRAMP that switches to this code's protected mode)
#
# The exit benchmarks take WARMUP unrecorded measurements, then ITERS.

	.set SAMPLE_PORT, 0xf0
	.set EXIT_PORT, 0xf4
	.set NULL_PORT, 0x80
	.set MMIO_BASE, 0xfeb00000
	.set HC_MAP_GPA_RANGE, 12
	.set HC_PAGE, 0x200000
	.set TOUCH_BASE, 0x400000
	.set PAGE_4K, 0x1000
	.set PAGE_2M, 0x200000
	.set HALF_2M, 0x100000

	.set MSR_APIC_BASE, 0x1b
	.set MSR_TSC_DEADLINE, 0x6e0
	.set MSR_X2APIC_EOI, 0x80b
	.set MSR_X2APIC_SVR, 0x80f
	.set MSR_X2APIC_ICR, 0x830
	.set MSR_X2APIC_LVTT, 0x832
	.set APIC_BASE_ENABLE, 3 << 10	# EN and EXTD: x2APIC mode
	.set CPUID1_X2APIC, 1 << 21
	.set CPUID1_TSC_DEADLINE, 1 << 24
	.set LVT_TSC_DEADLINE, 2 << 17
	.set ICR_SELF, 1 << 18
	.set VEC_TIMER, 0x40
	.set VEC_IPI, 0x41
	.set VEC_EOI, 0x42
	.set VEC_PING, 0x43		# ipi2: CPU 0 -> CPU 1
	.set VEC_PONG, 0x44		# ipi2: CPU 1 -> CPU 0
	.set ICR_INIT, 5 << 8
	.set ICR_STARTUP, 6 << 8
	.set ICR_ASSERT, 1 << 14
	.set AP_TRAMP, 0x8000		# SIPI vector 8
	.set IRQ_SPIN, 1 << 24		# polls for a handler before giving up

	.set ITERS, 2000
	.set WARMUP, 16

	.set MB_MAGIC, 0x1badb002
	.set MB_FLAGS, 0x2		# bit 1: memory information wanted
	.set MB_INFO_MEM, 1 << 0	# mb_info.flags: mem_lower/mem_upper
	.set MB_INFO_CMDLINE, 1 << 2	# mb_info.flags: cmdline

	.set CODE_SEL, 0x08
	.set DATA_SEL, 0x10

# lfence; rdtsc, the start in %esi. Clobbers %eax, %edx.
.macro TSC_START
	lfence
	rdtsc
	mov %eax, %esi
.endm

# lfence; rdtsc: %eax = ticks since TSC_START. Clobbers %edx.
.macro TSC_END
	lfence
	rdtsc
	sub %esi, %eax
.endm

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl _start
_start:
	cli
	cld
	lgdt gdt_desc
	ljmp $CODE_SEL, $1f
1:	mov $DATA_SEL, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %fs
	mov %eax, %gs
	mov %eax, %ss
	mov $stack_top, %esp

	# The end of RAM, from the Multiboot memory information.
	testl $MB_INFO_MEM, (%ebx)
	jz fail
	mov 8(%ebx), %eax		# mem_upper: KiB above 1 MiB
	add $1024, %eax
	shl $10, %eax
	mov %eax, ram_end
	testl $MB_INFO_CMDLINE, (%ebx)
	jz fail
	mov 16(%ebx), %esi		# its last word (GRUB and QEMU put the
	mov %esi, cmdline		# image's name first, vmctl does not)
5:	lodsb
	test %al, %al
	jz 6f
	cmp $' ', %al
	jne 5b
	mov %esi, cmdline
	jmp 5b
6:

	# Which benchmark: that word, exactly.
	mov $benchmarks, %ebx
2:	mov (%ebx), %esi
	test %esi, %esi
	jz fail
	mov cmdline, %edi
3:	mov (%esi), %al
	cmp (%edi), %al
	jne 4f
	inc %esi
	inc %edi
	test %al, %al
	jnz 3b
	call *4(%ebx)
	xor %al, %al
	outb %al, $EXIT_PORT
	jmp halt
4:	add $8, %ebx
	jmp 2b

fail:	mov $1, %al			# vmctl exits with status 3
	outb %al, $EXIT_PORT
halt:	cli
	hlt
	jmp halt

# run_exits: WARMUP + ITERS calls of the routine at %edi, which returns the
# ticks of one measurement in %eax and keeps %edi and %ebp; the last ITERS
# are sent.
run_exits:
	mov $-WARMUP, %ebp
1:	call *%edi
	test %ebp, %ebp
	js 2f
	outl %eax, $SAMPLE_PORT
2:	inc %ebp
	cmp $ITERS, %ebp
	jl 1b
	ret

# CPUID leaf 0 (vendor string): 0 for Intel, 1 for AMD, in %eax.
is_amd:
	push %ebx
	push %ecx
	push %edx
	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	xor %eax, %eax
	cmp $0x68747541, %ebx		# "AuthenticAMD"
	jne 1f
	inc %eax
1:	pop %edx
	pop %ecx
	pop %ebx
	ret

bench_bracket:
	mov $m_bracket, %edi
	jmp run_exits
m_bracket:
	TSC_START
	TSC_END
	ret

bench_cpuid:
	mov $m_cpuid, %edi
	jmp run_exits
m_cpuid:
	TSC_START
	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	TSC_END
	ret

bench_hypercall:
	mov $m_vmcall, %edi
	call is_amd
	test %eax, %eax
	jz run_exits
	mov $m_vmmcall, %edi
	jmp run_exits
m_vmcall:
	mov $HC_PAGE, %ebx
	mov $1, %ecx
	TSC_START
	mov $HC_MAP_GPA_RANGE, %eax
	xor %edx, %edx
	vmcall
	TSC_END
	ret
m_vmmcall:
	mov $HC_PAGE, %ebx
	mov $1, %ecx
	TSC_START
	mov $HC_MAP_GPA_RANGE, %eax
	xor %edx, %edx
	vmmcall
	TSC_END
	ret

bench_pio:
	mov $m_pio, %edi
	jmp run_exits
m_pio:
	TSC_START
	outb %al, $NULL_PORT
	TSC_END
	ret

bench_mmio:
	mov $m_mmio, %edi
	jmp run_exits
m_mmio:
	mov $MMIO_BASE, %ebx
	TSC_START
	mov (%ebx), %ecx
	TSC_END
	ret

bench_hlt:
	mov $m_hlt, %edi
	jmp run_exits
m_hlt:
	TSC_START
	hlt
	TSC_END
	ret

bench_touch4k:
	mov $TOUCH_BASE, %edi
1:	TSC_START
	movb $1, (%edi)
	TSC_END
	outl %eax, $SAMPLE_PORT
	add $PAGE_4K, %edi
	cmp ram_end, %edi
	jb 1b
	ret

bench_touch2m:
	mov $TOUCH_BASE, %edi
1:	mov %edi, %eax
	add $PAGE_2M, %eax
	cmp ram_end, %eax		# whole frames only
	ja 2f
	TSC_START
	movb $1, (%edi)
	TSC_END
	outl %eax, $SAMPLE_PORT
	TSC_START
	movb $1, HALF_2M(%edi)
	TSC_END
	outl %eax, $SAMPLE_PORT
	TSC_START
	movb $1, (%edi)
	TSC_END
	outl %eax, $SAMPLE_PORT
	add $PAGE_2M, %edi
	jmp 1b
2:	ret

# apic_setup: the IDT (the three vectors below), x2APIC mode, the APIC
# software-enabled, the timer in TSC-deadline mode, IF=1. Fails the run if
# CPUID offers no x2APIC or TSC-deadline timer.
apic_setup:
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	and $(CPUID1_X2APIC | CPUID1_TSC_DEADLINE), %ecx
	cmp $(CPUID1_X2APIC | CPUID1_TSC_DEADLINE), %ecx
	jne fail
	mov $VEC_TIMER, %eax
	mov $h_stamp, %edx
	call set_gate
	mov $VEC_IPI, %eax
	mov $h_stamp, %edx
	call set_gate
	mov $VEC_EOI, %eax
	mov $h_eoi, %edx
	call set_gate
	lidt idt_desc
	call x2apic_on
	mov $MSR_X2APIC_LVTT, %ecx
	mov $(VEC_TIMER | LVT_TSC_DEADLINE), %eax
	wrmsr
	sti
	ret

# x2apic_on: this CPU's APIC in x2APIC mode, software-enabled, spurious
# vector 0xff. Clobbers %eax, %ecx, %edx.
x2apic_on:
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	or $APIC_BASE_ENABLE, %eax
	wrmsr
	mov $MSR_X2APIC_SVR, %ecx
	mov $0x1ff, %eax
	xor %edx, %edx
	wrmsr
	ret

# set_gate: a 32-bit interrupt gate for vector %eax to the handler at %edx.
# Clobbers both.
set_gate:
	lea idt(,%eax,8), %eax
	mov %dx, (%eax)
	movw $CODE_SEL, 2(%eax)
	movw $0x8e00, 4(%eax)		# present, DPL 0, 32-bit interrupt gate
	shr $16, %edx
	mov %dx, 6(%eax)
	ret

# The timer and IPI handler: the time of its entry in t_irq, then EOI.
h_stamp:
	push %eax
	push %ecx
	push %edx
	lfence
	rdtsc
	mov %eax, t_irq
	movl $1, t_done
	mov $MSR_X2APIC_EOI, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	pop %edx
	pop %ecx
	pop %eax
	iret

# The EOI handler: the ticks of its EOI write in t_irq.
h_eoi:
	push %eax
	push %ebx
	push %ecx
	push %edx
	mov $MSR_X2APIC_EOI, %ecx
	lfence
	rdtsc
	mov %eax, %ebx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	lfence
	rdtsc
	sub %ebx, %eax
	mov %eax, t_irq
	movl $1, t_done
	pop %edx
	pop %ecx
	pop %ebx
	pop %eax
	iret

# wait_irq: until a handler set t_done, a bounded number of polls (a lost
# interrupt fails the run instead of hanging it). Keeps %esi.
wait_irq:
	mov $IRQ_SPIN, %ecx
1:	cmpl $0, t_done
	jne 2f
	pause
	loop 1b
	jmp fail
2:	ret

bench_timer:
	call apic_setup
	mov $m_timer, %edi
	jmp run_exits
m_timer:
	movl $0, t_done
	mov $MSR_TSC_DEADLINE, %ecx
	TSC_START
	mov $1, %eax			# long past: due at once
	xor %edx, %edx
	wrmsr
	call wait_irq
	mov t_irq, %eax
	sub %esi, %eax
	ret

bench_ipi:
	call apic_setup
	mov $m_ipi, %edi
	jmp run_exits
m_ipi:
	movl $0, t_done
	mov $MSR_X2APIC_ICR, %ecx
	TSC_START
	mov $(VEC_IPI | ICR_SELF), %eax
	xor %edx, %edx
	wrmsr
	call wait_irq
	mov t_irq, %eax
	sub %esi, %eax
	ret

bench_eoi:
	call apic_setup
	mov $m_eoi, %edi
	jmp run_exits
m_eoi:
	movl $0, t_done
	mov $MSR_X2APIC_ICR, %ecx
	mov $(VEC_EOI | ICR_SELF), %eax
	xor %edx, %edx
	wrmsr
	call wait_irq
	mov t_irq, %eax
	ret

# ipi2: CPU 1 started and waiting in its HLT loop, then the round trips.
bench_ipi2:
	call apic_setup
	mov $VEC_PONG, %eax
	mov $h_stamp, %edx
	call set_gate
	mov $VEC_PING, %eax
	mov $h_ping, %edx
	call set_gate
	call ap_start
	mov $m_ipi2, %edi
	jmp run_exits
m_ipi2:
	movl $0, t_done
	mov $MSR_X2APIC_ICR, %ecx
	TSC_START
	mov $VEC_PING, %eax
	mov $1, %edx			# x2APIC: the destination's ID in EDX
	wrmsr
	call wait_irq
	mov t_irq, %eax
	sub %esi, %eax
	ret

# On CPU 1: the answer to CPU 0, then EOI.
h_ping:
	push %eax
	push %ecx
	push %edx
	mov $MSR_X2APIC_ICR, %ecx
	mov $VEC_PONG, %eax
	xor %edx, %edx
	wrmsr
	mov $MSR_X2APIC_EOI, %ecx
	xor %eax, %eax
	wrmsr
	pop %edx
	pop %ecx
	pop %eax
	iret

# ap_start: the trampoline to AP_TRAMP, INIT and one SIPI to APIC ID 1,
# then until it says it waits (a bounded number of polls).
ap_start:
	mov $ap_tramp, %esi
	mov $AP_TRAMP, %edi
	mov $ap_tramp_end - ap_tramp, %ecx
	rep movsb
	mov $MSR_X2APIC_ICR, %ecx
	mov $(ICR_INIT | ICR_ASSERT), %eax
	mov $1, %edx
	wrmsr
	mov $(ICR_STARTUP | ICR_ASSERT | (AP_TRAMP >> 12)), %eax
	wrmsr
	mov $IRQ_SPIN, %ecx
1:	cmpl $0, ap_ready
	jne 2f
	pause
	loop 1b
	jmp fail
2:	ret

# CPU 1, from SIPI: real mode at AP_TRAMP, CS = AP_TRAMP >> 4, IP = 0.
	.code16
ap_tramp:
	cli
	mov %cs, %ax
	mov %ax, %ds
	lgdtl ap_tramp_gdt - ap_tramp
	mov %cr0, %eax
	and $~(3 << 29), %eax		# CD and NW, as INIT left them
	or $1, %eax
	mov %eax, %cr0
	ljmpl $CODE_SEL, $ap_main
	.balign 4
ap_tramp_gdt:
	.word gdt_desc - gdt - 1
	.long gdt
ap_tramp_end:
	.code32

# CPU 1 in protected mode: its stack, the IDT, x2APIC on, then HLT with
# interrupts on, for ever: each PING wakes it.
ap_main:
	mov $DATA_SEL, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov $ap_stack_top, %esp
	lidt idt_desc
	call x2apic_on
	movl $1, ap_ready
1:	sti
	hlt
	jmp 1b

	.section .rodata
benchmarks:
	.long n_bracket, bench_bracket
	.long n_cpuid, bench_cpuid
	.long n_hypercall, bench_hypercall
	.long n_pio, bench_pio
	.long n_mmio, bench_mmio
	.long n_hlt, bench_hlt
	.long n_touch4k, bench_touch4k
	.long n_touch2m, bench_touch2m
	.long n_timer, bench_timer
	.long n_ipi, bench_ipi
	.long n_eoi, bench_eoi
	.long n_ipi2, bench_ipi2
	.long 0, 0
n_bracket:	.asciz "bracket"
n_cpuid:	.asciz "cpuid"
n_hypercall:	.asciz "hypercall"
n_pio:		.asciz "pio"
n_mmio:		.asciz "mmio"
n_hlt:		.asciz "hlt"
n_touch4k:	.asciz "touch4k"
n_touch2m:	.asciz "touch2m"
n_timer:	.asciz "timer"
n_ipi:		.asciz "ipi"
n_eoi:		.asciz "eoi"
n_ipi2:		.asciz "ipi2"

	.data
	.balign 8
gdt:	.quad 0, 0x00cf9a000000ffff, 0x00cf92000000ffff
gdt_desc:
	.word gdt_desc - gdt - 1
	.long gdt
ram_end:
	.long 0
cmdline:
	.long 0
t_irq:
	.long 0
t_done:
	.long 0
ap_ready:
	.long 0
idt_desc:
	.word 256 * 8 - 1
	.long idt

	.bss
	.balign 16
idt:	.skip 256 * 8
	.skip 4096
stack_top:
	.skip 4096
ap_stack_top:
