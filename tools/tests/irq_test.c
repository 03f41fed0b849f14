// SPDX-License-Identifier: GPL-2.0-only
/*
 * irq_test: the in-kernel local APIC through /dev/vmm, from the host side
 * (uapi/vmm.h, VMM_CREATE_IRQCHIP and what it brings). Each case is a
 * small 64-bit guest with an IDT whose handlers count their vector and
 * EOI through the x2APIC MSRs, and a check of what the host sees:
 *
 *   no_irqchip_*     the APIC ioctls without an irqchip (ADVERSARIAL B14)
 *   bad_args         VMM_CREATE_IRQCHIP, VMM_SIGNAL_MSI, VMM_SET_PM_TIMER,
 *                    VMM_SET_MP_STATE refuse what they must
 *   irqchip_race     VMM_CREATE_IRQCHIP racing VMM_CREATE_VCPU: the irqchip
 *                    exists only if the vCPU has its APIC (ADVERSARIAL B18)
 *   timer_periodic   the LAPIC timer ticks while the guest halts in HLT,
 *                    which waits in the kernel (no VMM_EXIT_HLT)
 *   halt_msi         a halted vCPU: VMM_RUN waits until a signal (-EINTR,
 *                    VMM_MP_HALTED), then an MSI from userspace wakes it
 *   msi_level_eoi    a level-triggered MSI's EOI is a VMM_EXIT_EOI
 *   cr8_*            CR8 is the APIC's TPR class, and masks like it
 *   xapic            A32: x2APIC MSRs in xAPIC mode, APIC_BASE transitions
 *                    are #GP; the APIC relocated; A34: odd MMIO sizes read
 *                    defined values; A35: ICRs to nobody deliver nothing,
 *                    NMI and fixed to self arrive once
 *   cli_hlt          cli; hlt waits in the kernel for an NMI or INIT,
 *                    until a signal (ADVERSARIAL A13: a killable wait);
 *                    an INIT MSI then resets the bootstrap processor: it
 *                    runs from the reset vector in the INIT state
 *   ap_start         SMP start-up: the second vCPU waits for a SIPI in
 *                    VMM_RUN; the first starts it with INIT and SIPI, and
 *                    once it halted with interrupts off, again at another
 *                    vector (ADVERSARIAL A35: INIT and SIPI)
 *   save_restore     a guest counting timer ticks is stopped mid-run, its
 *                    whole vCPU state moved into a new VM, and it counts on
 *   restore_disarms  VMM_SET_LAPIC with the timer off leaves no stale
 *                    timer of the state before (ADVERSARIAL B13)
 *   pm_timer         VMM_SET_PM_TIMER: the guest's INs of the port never
 *                    reach userspace and read a running 24-bit count
 *   teardown_armed   a process killed with a periodic timer armed and its
 *                    vCPU halted (ADVERSARIAL B29): nothing may outlive it
 *
 * Prints RESULT lines (result.h); the exit status is the failure count.
 */
#define RESULT_SUITE "irq"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "guest.h"
#include "result.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define HANDLERS	0x2000	/* 0x40 bytes per vector from V_FIRST */
#define IDT		0x3000
#define COUNTS		0x5000	/* u64 per vector from V_FIRST: handler entries */
#define V_FIRST		0x40
#define V_TIMER		0x40
#define V_MSI		0x41
#define V_LEVEL		0x42
#define NR_VECTORS	3

#define PORT_DONE	0x10	/* the guest is done: EAX = its count */
#define PORT_TICK	0x11	/* a tick counted: EAX = the count */
#define PORT_VALUE	0x12	/* a value for the host: EAX */

#define PM_TIMER_PORT	0x608
#define PM_TIMER_HZ	3579545ULL

#define X2APIC_EOI	0x80b

/* One handler per vector: count, EOI, return. 0x40 bytes apart. */
#define HANDLER(n)							\
	"push %rax\n push %rcx\n push %rdx\n"				\
	"incq " #n "*8 + 0x5000\n"					\
	"mov $0x80b, %ecx\n xor %eax, %eax\n xor %edx, %edx\n wrmsr\n"	\
	"pop %rdx\n pop %rcx\n pop %rax\n iretq\n"			\
	".skip (" #n " + 1) * 0x40 - (. - irq_handlers)\n"
GUEST_CODE(irq_handlers, "64", HANDLER(0) HANDLER(1) HANDLER(2));

/* x2APIC on, software enabled (spurious vector 0xff). */
#define X2APIC_ON							\
	"mov $0x1b, %ecx\n rdmsr\n or $0xc00, %eax\n wrmsr\n"		\
	"mov $0x80f, %ecx\n mov $0x1ff, %eax\n xor %edx, %edx\n wrmsr\n"

/* The timer periodic on V_TIMER every 200 us (1 GHz bus, divide by 1). */
#define TIMER_PERIODIC							\
	"mov $0x83e, %ecx\n mov $0xb, %eax\n xor %edx, %edx\n wrmsr\n"	\
	"mov $0x832, %ecx\n mov $0x20040, %eax\n wrmsr\n"		\
	"mov $0x838, %ecx\n mov $200000, %eax\n wrmsr\n"

/* Halts until the timer has ticked 20 times, reporting each new count. */
GUEST_CODE(g_ticker, "64",
	   X2APIC_ON TIMER_PERIODIC
	   "xor %ebx, %ebx\n"
	   "sti\n"
	   "1: hlt\n"
	   "mov 0x5000, %rax\n"
	   "cmp %rax, %rbx\n je 1b\n"
	   "mov %rax, %rbx\n out %eax, $0x11\n"
	   "cmp $20, %rax\n jb 1b\n"
	   "out %eax, $0x10\n"
	   "2: hlt\n jmp 2b\n");

/* Halts with interrupts on until V_MSI came. */
GUEST_CODE(g_wait_msi, "64",
	   X2APIC_ON
	   "sti\n"
	   "1: hlt\n"
	   "cmpq $0, 0x5008\n je 1b\n"
	   "mov 0x5008, %rax\n out %eax, $0x10\n"
	   "cli\n hlt\n");

/* Tells the host it is ready, then waits for V_LEVEL. */
GUEST_CODE(g_wait_level, "64",
	   X2APIC_ON
	   "out %eax, $0x12\n"
	   "sti\n"
	   "1: hlt\n"
	   "cmpq $0, 0x5010\n je 1b\n"
	   "mov 0x5010, %rax\n out %eax, $0x10\n"
	   "cli\n hlt\n");

/*
 * CR8 and the TPR are one register: each written, the other read back; then
 * with CR8 = 15 an interrupt of class 4 waits until CR8 goes back to 0.
 */
GUEST_CODE(g_cr8, "64",
	   X2APIC_ON
	   "mov $5, %eax\n mov %rax, %cr8\n"
	   "mov $0x808, %ecx\n rdmsr\n out %eax, $0x12\n"
	   "mov $0x30, %eax\n xor %edx, %edx\n wrmsr\n"
	   "mov %cr8, %rax\n out %eax, $0x12\n"
	   "mov $15, %eax\n mov %rax, %cr8\n sti\n"
	   "out %eax, $0x12\n"		/* the host sends V_MSI now */
	   "mov 0x5008, %rax\n out %eax, $0x12\n"	/* still 0: masked by CR8 */
	   "xor %eax, %eax\n mov %rax, %cr8\n"
	   "nop\n mov 0x5008, %rax\n out %eax, $0x10\n"
	   "cli\n hlt\n");

/*
 * xAPIC mode, the APIC moved to XAPIC_BASE: NMI, #GP and V_MSI handlers
 * (EOI by MMIO), 0x40 bytes apart at XAPIC_HANDLERS.
 */
#define XAPIC_BASE	0x200000
#define XAPIC_HANDLERS	0x2400
#define NMI_COUNT	0x5100
#define GP_COUNT	0x5108
GUEST_CODE(xapic_handlers, "64",
	   "incq 0x5100\n iretq\n"
	   ".skip 0x40 - (. - xapic_handlers)\n"
	   /* #GP of a 2-byte RDMSR/WRMSR: counted and skipped */
	   "incq 0x5108\n addq $2, 8(%rsp)\n add $8, %rsp\n iretq\n"
	   ".skip 0x80 - (. - xapic_handlers)\n"
	   "incq 0x5008\n movl $0, 0x2000b0\n iretq\n");

/*
 * A32: x2APIC MSRs in xAPIC mode and an illegal IA32_APIC_BASE are #GP.
 * A34: odd MMIO accesses read defined values. A35: ICRs to absent IDs, to
 * all others (there are none) and to a logical ID no APIC has deliver
 * nothing; an NMI and a fixed interrupt to self arrive once each. (INIT
 * and SIPI belong to the SMP work: an INIT to self resets the CPU.)
 * Values to PORT_VALUE.
 */
#define ICR(lo) "movl $0x55000000, 0x200310\n movl $" #lo ", 0x200300\n"
GUEST_CODE(g_xapic, "64",
	   "mov $0x802, %ecx\n rdmsr\n"
	   "mov 0x5108, %rax\n out %eax, $0x12\n"
	   "mov $0x1b, %ecx\n mov $0xfee00400, %eax\n xor %edx, %edx\n wrmsr\n"
	   "mov 0x5108, %rax\n out %eax, $0x12\n"
	   "mov $0x1b, %ecx\n mov $0x200800, %eax\n xor %edx, %edx\n wrmsr\n"
	   "mov 0x200030, %eax\n out %eax, $0x12\n"
	   "movzbl 0x200032, %eax\n out %eax, $0x12\n"
	   "movzwl 0x200030, %eax\n out %eax, $0x12\n"
	   "mov 0x200030, %rax\n shr $32, %rax\n out %eax, $0x12\n"
	   "mov 0x200034, %eax\n out %eax, $0x12\n"
	   "movl $0x1ff, 0x2000f0\n"
	   ICR(0x41)				/* to ID 0x55: nobody */
	   ICR(0xc0041)				/* all but self */
	   ICR(0x841)				/* logical 0x55, LDR 0 */
	   ICR(0x40400)				/* NMI to self */
	   ICR(0x40041)				/* V_MSI to self */
	   "sti\n nop\n cli\n"
	   "mov 0x5100, %rax\n out %eax, $0x12\n"
	   "mov 0x5008, %rax\n out %eax, $0x10\n"
	   "hlt\n");

GUEST_CODE(g_cli_hlt, "64", X2APIC_ON "cli\n hlt\n out %eax, $0x10\n");

/* Reads the PM timer, spins, reads it again: both to the host. */
GUEST_CODE(g_pm_timer, "64",
	   "mov $0x608, %edx\n"
	   "in (%dx), %eax\n out %eax, $0x12\n"
	   "mov $100000, %ecx\n 1: pause\n dec %ecx\n jnz 1b\n"
	   "in (%dx), %eax\n out %eax, $0x12\n"
	   "out %eax, $0x10\n cli\n hlt\n");

static uint64_t count_of(const struct guest *g, unsigned int vector)
{
	uint64_t v;

	memcpy(&v, g->mem + COUNTS + (vector - V_FIRST) * 8, 8);
	return v;
}

/*
 * A VM with an irqchip (unless @irqchip is 0) and one long-mode vCPU
 * running @code, the handlers and IDT in place.
 */
static int irq_guest(struct guest *g, int dev, int irqchip, const void *code, size_t len)
{
	struct vmm_create_vm cv = { 0 };
	struct vmm_sregs sregs;
	unsigned int v;

	memset(g, 0, sizeof(*g));
	g->vcpu = -1;
	g->run = MAP_FAILED;
	g->vm = ioctl(dev, VMM_CREATE_VM, &cv);
	if (g->vm < 0)
		return -1;
	g->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
	if (g->mem == MAP_FAILED) {
		g->mem = NULL;
		return -1;
	}
	if (slot(g->vm, 0, 0, MEM_SIZE, g->mem))
		return -1;
	if (irqchip && ioctl(g->vm, VMM_CREATE_IRQCHIP, 0) < 0)
		return -1;
	memcpy(g->mem + HANDLERS, irq_handlers, irq_handlers_end - irq_handlers);
	memset(g->mem + IDT, 0, 4096);
	for (v = 0; v < NR_VECTORS; v++)
		idt64_gate(g->mem, IDT, V_FIRST + v, HANDLERS + v * 0x40);
	if (vcpu_setup(g, 0, GUEST_LONG, code, len))
		return -1;
	if (ioctl(g->vcpu, VMM_GET_SREGS, &sregs) < 0)
		return -1;
	sregs.idt.base = IDT;
	sregs.idt.limit = 256 * 16 - 1;
	return ioctl(g->vcpu, VMM_SET_SREGS, &sregs);
}

/* Runs to the next exit, which must be an OUT: its port and value. */
static int run_to_io(struct guest *g, uint16_t *port, uint32_t *val)
{
	int r = run(g);

	if (r)
		return r;
	if (g->run->exit_reason != VMM_EXIT_IO)
		return 1;
	*port = g->run->io.port;
	*val = g->run->io.data;
	return 0;
}

static void sigalrm(int sig)
{
	(void)sig;
}

/*
 * VMM_RUN for a vCPU that must end up waiting in the kernel, ended by a
 * SIGALRM every @ms: repeated, as one may come before the vCPU waits (a
 * slow machine) and find nothing to interrupt. Returns run()'s result.
 */
static int run_until_signal(struct guest *g, unsigned int ms)
{
	struct timeval t = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	struct itimerval it = { .it_value = t, .it_interval = t };
	struct itimerval off = { 0 };
	int r;

	setitimer(ITIMER_REAL, &it, NULL);
	r = run(g);
	setitimer(ITIMER_REAL, &off, NULL);
	return r;
}

/*
 * A vCPU that must end up halted in the kernel: VMM_RUN ends only by a
 * signal (-EINTR, no exit), and the MP state says HALTED.
 */
static void expect_halted_in_kernel(struct guest *g, unsigned int ms, const char *name)
{
	struct vmm_mp_state mp = { 0 };
	int r = run_until_signal(g, ms);

	ioctl(g->vcpu, VMM_GET_MP_STATE, &mp);
	result(r == -EINTR && g->run->exit_reason == VMM_EXIT_NONE && mp.state == VMM_MP_HALTED,
	       name, "run %d exit %u mp %u", r, g->run->exit_reason, mp.state);
}

/* A call that must fail with @want; the errno is read after the call. */
static void expect_errno(int ret, int want, const char *name)
{
	int err = errno;

	result(ret < 0 && err == want, name, "returned %d, errno %d", ret, ret < 0 ? err : 0);
}

static void test_no_irqchip(int dev)
{
	struct vmm_lapic_state ls;
	struct vmm_mp_state mp = { .state = VMM_MP_HALTED };
	struct vmm_msi msi = { .address = 0xfee00000, .data = V_MSI };
	struct guest g;
	int ok, r;

	ok = !irq_guest(&g, dev, 0, g_cli_hlt, g_cli_hlt_end - g_cli_hlt);
	result(ok, "no_irqchip_setup", ok ? NULL : "%s", strerror(errno));
	if (!ok)
		goto out;
	expect_errno(ioctl(g.vm, VMM_SIGNAL_MSI, &msi), ENXIO, "no_irqchip_signal_msi");
	expect_errno(ioctl(g.vcpu, VMM_GET_LAPIC, &ls), ENXIO, "no_irqchip_get_lapic");
	expect_errno(ioctl(g.vcpu, VMM_SET_LAPIC, &ls), ENXIO, "no_irqchip_set_lapic");
	expect_errno(ioctl(g.vcpu, VMM_SET_MP_STATE, &mp), EINVAL, "no_irqchip_set_halted");
	mp.state = 99;
	r = ioctl(g.vcpu, VMM_GET_MP_STATE, &mp);
	result(r == 0 && mp.state == VMM_MP_RUNNABLE, "no_irqchip_mp_runnable", "state %u",
	       mp.state);
	expect_errno(ioctl(g.vm, VMM_CREATE_IRQCHIP, 0), EBUSY, "irqchip_after_vcpu_ebusy");
	/* x2APIC on without an APIC: IA32_APIC_BASE is #GP, the guest shuts down. */
	ok = run(&g) == 0;
	result(ok && g.run->exit_reason == VMM_EXIT_SHUTDOWN, "no_irqchip_apic_msr_gp",
	       "run %d exit %u", ok, g.run->exit_reason);
out:
	guest_teardown(&g);
}

static void test_bad_args(int dev)
{
	struct vmm_create_vm cv = { 0 };
	struct vmm_msi msi = { .address = 0xfee00000, .data = V_MSI };
	struct vmm_pm_timer pm = { .port = PM_TIMER_PORT };
	struct vmm_mp_state mp = { .state = VMM_MP_WAIT_SIPI + 1 };
	struct guest g;
	int vm, ok;

	vm = ioctl(dev, VMM_CREATE_VM, &cv);
	if (vm < 0) {
		result(0, "bad_args", "VMM_CREATE_VM: %s", strerror(errno));
		return;
	}
	expect_errno(ioctl(vm, VMM_CREATE_IRQCHIP, 1), EINVAL, "create_irqchip_arg_einval");
	result(ioctl(vm, VMM_CREATE_IRQCHIP, 0) == 0, "create_irqchip", NULL);
	expect_errno(ioctl(vm, VMM_CREATE_IRQCHIP, 0), EEXIST, "create_irqchip_twice_eexist");
	/* No vCPU yet: delivered to none. */
	result(ioctl(vm, VMM_SIGNAL_MSI, &msi) == 0, "msi_to_nobody_0", NULL);
	msi.address = 0xfed00000;
	expect_errno(ioctl(vm, VMM_SIGNAL_MSI, &msi), EINVAL, "msi_bad_address_einval");
	msi.address = 0xfee00000;
	msi.flags = 1;
	expect_errno(ioctl(vm, VMM_SIGNAL_MSI, &msi), EINVAL, "msi_flags_einval");
	pm.pad = 1;
	expect_errno(ioctl(vm, VMM_SET_PM_TIMER, &pm), EINVAL, "pm_timer_pad_einval");
	expect_errno(ioctl(vm, VMM_SET_PM_TIMER, NULL), EFAULT, "pm_timer_null_efault");
	close(vm);

	ok = !irq_guest(&g, dev, 1, g_cli_hlt, g_cli_hlt_end - g_cli_hlt);
	if (ok) {
		expect_errno(ioctl(g.vcpu, VMM_SET_MP_STATE, &mp), EINVAL,
			     "mp_state_unknown_einval");
		mp.state = VMM_MP_RUNNABLE;
		mp.pad = 1;
		expect_errno(ioctl(g.vcpu, VMM_SET_MP_STATE, &mp), EINVAL, "mp_state_pad_einval");
		expect_errno(ioctl(g.vcpu, VMM_GET_LAPIC, NULL), EFAULT, "get_lapic_null_efault");
	} else {
		result(0, "mp_state_setup", "%s", strerror(errno));
	}
	guest_teardown(&g);
}

struct vcpu_race {
	pthread_barrier_t go;
	int vm, vcpu;
};

static void *create_vcpu_thread(void *arg)
{
	struct vcpu_race *r = arg;
	struct vmm_create_vcpu cvc = { .id = 0 };

	pthread_barrier_wait(&r->go);
	r->vcpu = ioctl(r->vm, VMM_CREATE_VCPU, &cvc);
	return NULL;
}

/*
 * VMM_CREATE_IRQCHIP and VMM_CREATE_VCPU from two threads at once, many
 * times: either the irqchip is refused or the vCPU got its APIC, never a
 * VM with an irqchip and a vCPU without one. How often each came first is
 * reported: the window is vmm_vcpu_create()'s, from its read of the
 * irqchip flag to the vCPU's publication.
 */
#define RACE_ROUNDS	200

static void test_irqchip_race(int dev)
{
	struct vmm_create_vm cv = { 0 };
	struct vmm_create_vcpu cvc = { .id = 0 };
	unsigned int won = 0, lost = 0, bad = 0, failed = 0, i;
	struct vmm_lapic_state ls;
	struct vcpu_race r;
	pthread_t t;
	int chip, vcpu;

	for (i = 0; i < RACE_ROUNDS; i++) {
		r.vm = ioctl(dev, VMM_CREATE_VM, &cv);
		if (r.vm < 0 || pthread_barrier_init(&r.go, NULL, 2) ||
		    pthread_create(&t, NULL, create_vcpu_thread, &r)) {
			failed++;
			break;
		}
		pthread_barrier_wait(&r.go);
		chip = ioctl(r.vm, VMM_CREATE_IRQCHIP, 0) < 0 ? errno : 0;
		pthread_join(t, NULL);
		pthread_barrier_destroy(&r.go);
		if (r.vcpu < 0 || (chip && chip != EBUSY)) {
			failed++;
		} else if (chip) {
			lost++;
		} else {
			won++;
			if (ioctl(r.vcpu, VMM_GET_LAPIC, &ls) < 0)
				bad++;
		}
		if (r.vcpu >= 0)
			close(r.vcpu);
		close(r.vm);
	}
	result(!bad && !failed, "irqchip_race_vcpu_has_apic",
	       "irqchip first %u, vCPU first %u, irqchip without APIC %u, errors %u", won, lost,
	       bad, failed);

	/* A vCPU since closed still counts: the irqchip is for a VM's first. */
	r.vm = ioctl(dev, VMM_CREATE_VM, &cv);
	vcpu = r.vm < 0 ? -1 : ioctl(r.vm, VMM_CREATE_VCPU, &cvc);
	if (vcpu >= 0)
		close(vcpu);
	expect_errno(vcpu < 0 ? 0 : ioctl(r.vm, VMM_CREATE_IRQCHIP, 0), EBUSY,
		     "irqchip_after_closed_vcpu_ebusy");
	if (r.vm >= 0)
		close(r.vm);
}

static void test_timer_periodic(int dev)
{
	uint32_t val = 0, last = 0;
	unsigned int ticks = 0;
	struct guest g;
	uint16_t port;
	int r = -1;

	if (irq_guest(&g, dev, 1, g_ticker, g_ticker_end - g_ticker)) {
		result(0, "timer_periodic", "setup: %s", strerror(errno));
		goto out;
	}
	while (!(r = run_to_io(&g, &port, &val)) && port == PORT_TICK) {
		/* Each report a new, larger count. */
		if (val <= last)
			break;
		last = val;
		ticks++;
	}
	result(!r && port == PORT_DONE && val >= 20 && last == val && ticks >= 1,
	       "timer_periodic", "run %d port %#x count %u reports %u", r, port, val, ticks);
out:
	guest_teardown(&g);
}

static void test_halt_msi(int dev)
{
	struct vmm_msi msi = { .address = 0xfee00000, .data = V_MSI };
	struct guest g;
	uint16_t port = 0;
	uint32_t val = 0;
	int r, n;

	if (irq_guest(&g, dev, 1, g_wait_msi, g_wait_msi_end - g_wait_msi)) {
		result(0, "halt_msi", "setup: %s", strerror(errno));
		goto out;
	}
	expect_halted_in_kernel(&g, 200, "halt_waits_in_kernel");
	/* Destination 0 (vCPU 0), physical, fixed, edge. */
	n = ioctl(g.vm, VMM_SIGNAL_MSI, &msi);
	result(n == 1, "msi_accepted", "returned %d", n);
	r = run_to_io(&g, &port, &val);
	result(!r && port == PORT_DONE && val == 1 && count_of(&g, V_MSI) == 1,
	       "halt_msi_wakes", "run %d port %#x count %u", r, port, val);
	/* Another destination: nobody takes it. */
	msi.address = 0xfee00000 | (5 << 12);
	n = ioctl(g.vm, VMM_SIGNAL_MSI, &msi);
	result(n == 0, "msi_other_dest_0", "returned %d", n);
out:
	guest_teardown(&g);
}

static void test_msi_level_eoi(int dev)
{
	/* Level-triggered, asserted: bits 15 and 14 of the data. */
	struct vmm_msi msi = { .address = 0xfee00000, .data = V_LEVEL | 0xc000 };
	struct guest g;
	uint16_t port = 0;
	uint32_t val = 0;
	int r;

	if (irq_guest(&g, dev, 1, g_wait_level, g_wait_level_end - g_wait_level)) {
		result(0, "msi_level_eoi", "setup: %s", strerror(errno));
		goto out;
	}
	r = run_to_io(&g, &port, &val);
	if (r || port != PORT_VALUE) {
		result(0, "msi_level_eoi", "ready: run %d port %#x", r, port);
		goto out;
	}
	r = ioctl(g.vm, VMM_SIGNAL_MSI, &msi);
	r = r != 1 ? -1 : run(&g);
	result(!r && g.run->exit_reason == VMM_EXIT_EOI && g.run->eoi.vector == V_LEVEL,
	       "msi_level_eoi_exit", "run %d exit %u vector %#x", r, g.run->exit_reason,
	       g.run->eoi.vector);
	r = run_to_io(&g, &port, &val);
	result(!r && port == PORT_DONE && val == 1, "msi_level_eoi_resumes",
	       "run %d port %#x count %u", r, port, val);
out:
	guest_teardown(&g);
}

static void test_cr8(int dev)
{
	struct vmm_msi msi = { .address = 0xfee00000, .data = V_MSI };
	uint32_t v[4] = { 0 }, val = 0;
	unsigned int n = 0;
	struct guest g;
	uint16_t port = 0;
	int r;

	if (irq_guest(&g, dev, 1, g_cr8, g_cr8_end - g_cr8)) {
		result(0, "cr8_is_tpr", "setup: %s", strerror(errno));
		goto out;
	}
	while (!(r = run_to_io(&g, &port, &val)) && port == PORT_VALUE && n < 4) {
		v[n++] = val;
		if (n == 3 && ioctl(g.vm, VMM_SIGNAL_MSI, &msi) != 1)
			break;
	}
	result(n >= 2 && v[0] == 0x50 && v[1] == 3, "cr8_is_tpr",
	       "TPR after CR8=5: %#x, CR8 after TPR=0x30: %u", v[0], v[1]);
	result(!r && n == 4 && v[3] == 0 && port == PORT_DONE && val == 1,
	       "cr8_masks_class", "taken with CR8 15: %u, after CR8 0: %u (run %d port %#x)",
	       v[3], val, r, port);
out:
	guest_teardown(&g);
}

static void test_xapic(int dev)
{
	static const char * const what[] = {
		"x2apic_msr_in_xapic_gp", "apic_base_extd_without_en_gp",
		"mmio_version_dword", "mmio_version_byte_2", "mmio_version_word",
		"mmio_qword_high_zero", "mmio_slot_bytes_4_7_zero", "ipi_fuzz_nmi_once",
	};
	const uint32_t want[] = { 1, 2, 0x50014, 5, 0x14, 0, 0, 1 };
	uint32_t v[8] = { 0 }, val = 0;
	unsigned int n = 0, i;
	struct guest g;
	uint16_t port = 0;
	int r;

	if (irq_guest(&g, dev, 1, g_xapic, g_xapic_end - g_xapic)) {
		result(0, "xapic", "setup: %s", strerror(errno));
		goto out;
	}
	memcpy(g.mem + XAPIC_HANDLERS, xapic_handlers, xapic_handlers_end - xapic_handlers);
	idt64_gate(g.mem, IDT, 2, XAPIC_HANDLERS);
	idt64_gate(g.mem, IDT, 13, XAPIC_HANDLERS + 0x40);
	idt64_gate(g.mem, IDT, V_MSI, XAPIC_HANDLERS + 0x80);
	while (!(r = run_to_io(&g, &port, &val)) && port == PORT_VALUE && n < 8)
		v[n++] = val;
	for (i = 0; i < 8; i++)
		result(i < n && v[i] == want[i], what[i], "read %#x, want %#x", v[i], want[i]);
	result(!r && port == PORT_DONE && val == 1, "ipi_fuzz_self_fixed_once",
	       "run %d port %#x count %u", r, port, val);
out:
	guest_teardown(&g);
}

/* At the reset vector: OUT to PORT_VALUE, then HLT with interrupts off. */
#define RESET_PAGE	0xffff0000ULL
static const unsigned char reset_code[] = { 0xe6, PORT_VALUE, 0xf4 };

static void test_cli_hlt(int dev)
{
	struct vmm_msi msi = { .address = 0xfee00000, .data = 0x500 };	/* INIT */
	struct vmm_lapic_state ls;
	struct vmm_sregs s;
	struct vmm_regs regs;
	unsigned int sig, b, c, d;
	unsigned char *rom;
	struct guest g;
	int r, n;

	g.vm = -1;
	g.vcpu = -1;
	g.mem = NULL;
	g.run = MAP_FAILED;
	rom = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rom == MAP_FAILED || irq_guest(&g, dev, 1, g_cli_hlt, g_cli_hlt_end - g_cli_hlt) ||
	    slot(g.vm, 1, RESET_PAGE, 0x10000, rom)) {
		result(0, "cli_hlt", "setup: %s", strerror(errno));
		goto out;
	}
	memcpy(rom + 0xfff0, reset_code, sizeof(reset_code));
	expect_halted_in_kernel(&g, 100, "cli_hlt_waits");
	n = ioctl(g.vm, VMM_SIGNAL_MSI, &msi);
	result(n == 1, "init_msi_accepted", "returned %d", n);
	r = run(&g);
	result(!r && g.run->exit_reason == VMM_EXIT_IO && g.run->io.port == PORT_VALUE,
	       "init_bsp_at_reset_vector", "run %d exit %u port %#x", r,
	       g.run->exit_reason, g.run->io.port);
	asm volatile("cpuid" : "=a" (sig), "=b" (b), "=c" (c), "=d" (d) : "a" (1), "c" (0));
	if (ioctl(g.vcpu, VMM_GET_REGS, &regs) || ioctl(g.vcpu, VMM_GET_SREGS, &s) ||
	    ioctl(g.vcpu, VMM_GET_LAPIC, &ls)) {
		result(0, "init_state", "get: %s", strerror(errno));
		goto out;
	}
	/* SDM "Processor State Following Power-up, Reset, or INIT". */
	result(regs.rip == 0xfff2 && regs.rdx == sig && regs.rax == 0 && regs.rsp == 0 &&
	       regs.rflags == 2, "init_regs",
	       "rip %#llx rdx %#llx (want %#x) rax %#llx rsp %#llx rflags %#llx",
	       (unsigned long long)regs.rip, (unsigned long long)regs.rdx, sig,
	       (unsigned long long)regs.rax, (unsigned long long)regs.rsp,
	       (unsigned long long)regs.rflags);
	result(s.cs.selector == 0xf000 && s.cs.base == RESET_PAGE && s.cs.limit == 0xffff &&
	       s.ds.selector == 0 && s.ds.base == 0 && s.ss.limit == 0xffff &&
	       (s.cr0 & ~(CR0_CD | CR0_NW)) == CR0_ET && s.cr3 == 0 && s.cr4 == 0 &&
	       s.efer == 0 && s.gdt.base == 0 && s.gdt.limit == 0xffff &&
	       s.idt.base == 0 && s.idt.limit == 0xffff, "init_sregs",
	       "cs %#x/%#llx/%#x cr0 %#llx cr3 %#llx cr4 %#llx efer %#llx idt %#llx/%#x",
	       s.cs.selector, (unsigned long long)s.cs.base, s.cs.limit,
	       (unsigned long long)s.cr0, (unsigned long long)s.cr3, (unsigned long long)s.cr4,
	       (unsigned long long)s.efer, (unsigned long long)s.idt.base, s.idt.limit);
	/* The APIC's registers reset, software-disabled; its ID kept. */
	result(*(uint32_t *)(ls.regs + 0xf0) == 0xff && *(uint32_t *)(ls.regs + 0x20) == 0 &&
	       *(uint32_t *)(ls.regs + 0x320) == 0x10000, "init_lapic",
	       "svr %#x id %#x lvtt %#x", *(uint32_t *)(ls.regs + 0xf0),
	       *(uint32_t *)(ls.regs + 0x20), *(uint32_t *)(ls.regs + 0x320));
out:
	guest_teardown(&g);
	if (rom != MAP_FAILED)
		munmap(rom, 0x10000);
}

/*
 * The bootstrap processor starts the application processor (APIC ID 1)
 * twice: INIT and SIPI to AP_PAGE1, then, once the AP's flag at AP_FLAG
 * says it reached its CLI; HLT, INIT and SIPI to AP_PAGE2. Each AP
 * trampoline reports to PORT_VALUE in real mode. The host, not the BSP,
 * waits for the flag: a guest spinning without exits would keep a
 * one-CPU host from ever running the AP's thread where host interrupts
 * cannot make it exit (Bochs, Documentation/lab.rst).
 */
#define AP_PAGE1	0xa000
#define AP_PAGE2	0xb000
#define AP_FLAG		0x9000
#define X2APIC_ICR_TO_1(lo)						\
	"mov $0x830, %ecx\n mov $" #lo ", %eax\n mov $1, %edx\n wrmsr\n"
GUEST_CODE(g_bsp, "64",
	   X2APIC_ON
	   X2APIC_ICR_TO_1(0x4500)		/* INIT, assert */
	   X2APIC_ICR_TO_1(0x460a)		/* SIPI to 0xa000 */
	   "out %eax, $0x10\n"			/* the host waits for the AP's HLT */
	   X2APIC_ICR_TO_1(0x4500)
	   X2APIC_ICR_TO_1(0x460b)		/* SIPI to 0xb000 */
	   "out %eax, $0x10\n"
	   "cli\n hlt\n");

/* mov $imm16, %ax; out %ax, $PORT_VALUE; movb $1, 0x9000; cli; hlt */
#define AP_CODE(lo, hi)	{ 0xb8, lo, hi, 0xe7, PORT_VALUE, 0xc6, 0x06, 0x00, 0x90, 0x01, \
			  0xfa, 0xf4 }
static const unsigned char ap_code1[] = AP_CODE(0x34, 0x12);
static const unsigned char ap_code2[] = AP_CODE(0x78, 0x56);

struct ap_run {
	struct guest g;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int exits;			/* the OUTs seen, up to 2 */
	int err;			/* VMM_RUN's -errno, or an unexpected exit */
	uint32_t value[2];
	uint16_t cs[2];
	uint64_t rip[2];
};

/* The AP's thread: VMM_RUN until its two OUTs, each reported. */
static void *ap_thread(void *arg)
{
	struct ap_run *ap = arg;
	struct vmm_sregs s;
	struct vmm_regs regs;
	int i, r;

	for (i = 0; i < 2; i++) {
		r = run(&ap->g);
		if (!r && (ap->g.run->exit_reason != VMM_EXIT_IO ||
			   ap->g.run->io.port != PORT_VALUE))
			r = 1000 + ap->g.run->exit_reason;
		if (!r && (ioctl(ap->g.vcpu, VMM_GET_SREGS, &s) ||
			   ioctl(ap->g.vcpu, VMM_GET_REGS, &regs)))
			r = -errno;
		pthread_mutex_lock(&ap->lock);
		if (r) {
			ap->err = r;
		} else {
			ap->value[i] = ap->g.run->io.data;
			ap->cs[i] = s.cs.selector;
			ap->rip[i] = regs.rip;
			ap->exits++;
		}
		pthread_cond_signal(&ap->cond);
		pthread_mutex_unlock(&ap->lock);
		if (r)
			break;
	}
	return NULL;
}

/* Until the AP set AP_FLAG, up to 10 s; the host's CPU left to it meanwhile. */
static int ap_flag_wait(const struct guest *g)
{
	struct timespec now, end;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += 10;
	while (!__atomic_load_n(g->mem + AP_FLAG, __ATOMIC_ACQUIRE)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec > end.tv_nsec))
			return 0;
		sched_yield();
	}
	return 1;
}

/*
 * Until the AP reported @n OUTs or failed; 10 s without either is a
 * failure (an AP that never starts), not a pace the test relies on.
 */
static int ap_wait(struct ap_run *ap, int n)
{
	struct timespec end;
	int ok;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += 10;
	pthread_mutex_lock(&ap->lock);
	while (ap->exits < n && !ap->err)
		if (pthread_cond_timedwait(&ap->cond, &ap->lock, &end) == ETIMEDOUT)
			break;
	ok = ap->exits >= n;
	pthread_mutex_unlock(&ap->lock);
	return ok;
}

static void test_ap_start(int dev)
{
	struct ap_run ap = { .lock = PTHREAD_MUTEX_INITIALIZER,
			     .cond = PTHREAD_COND_INITIALIZER };
	struct vmm_mp_state mp = { .state = ~0u };
	struct guest g;
	uint16_t port;
	uint32_t val;
	pthread_t t;
	int r, waited, started = 0;

	ap.g.vcpu = -1;
	ap.g.run = MAP_FAILED;
	if (irq_guest(&g, dev, 1, g_bsp, g_bsp_end - g_bsp)) {
		result(0, "ap_start", "setup: %s", strerror(errno));
		goto out;
	}
	memcpy(g.mem + AP_PAGE1, ap_code1, sizeof(ap_code1));
	memcpy(g.mem + AP_PAGE2, ap_code2, sizeof(ap_code2));
	ap.g.vm = g.vm;
	ap.g.mem = g.mem;
	ap.g.vcpu = create_vcpu(g.vm, 1);
	if (ap.g.vcpu >= 0)
		ap.g.run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ap.g.vcpu, 0);
	if (ap.g.vcpu < 0 || ap.g.run == MAP_FAILED) {
		result(0, "ap_start", "vCPU 1: %s", strerror(ap.g.vcpu < 0 ? -ap.g.vcpu : errno));
		goto out;
	}
	r = ioctl(ap.g.vcpu, VMM_GET_MP_STATE, &mp);
	result(!r && mp.state == VMM_MP_WAIT_SIPI, "ap_created_waiting_for_sipi",
	       "ret %d state %u", r, mp.state);
	if (pthread_create(&t, NULL, ap_thread, &ap)) {
		result(0, "ap_start", "pthread_create failed");
		goto out;
	}
	started = 1;
	r = run_to_io(&g, &port, &val);
	waited = ap_wait(&ap, 1);
	result(!r && port == PORT_DONE && waited && ap.value[0] == 0x1234 &&
	       ap.cs[0] == (AP_PAGE1 >> 4) && ap.rip[0] == 5, "ap_started_by_sipi",
	       "bsp run %d port %#x; ap err %d exits %d value %#x cs %#x rip %#llx", r, port,
	       ap.err, ap.exits, ap.value[0], ap.cs[0], (unsigned long long)ap.rip[0]);
	waited = waited && ap_flag_wait(&g);
	result(waited, "ap_reached_cli_hlt", "flag %u", g.mem[AP_FLAG]);
	r = run_to_io(&g, &port, &val);
	waited = ap_wait(&ap, 2);
	result(!r && port == PORT_DONE && waited && ap.value[1] == 0x5678 &&
	       ap.cs[1] == (AP_PAGE2 >> 4) && ap.rip[1] == 5, "ap_restarted_from_cli_hlt",
	       "bsp run %d port %#x; ap err %d exits %d value %#x cs %#x rip %#llx", r, port,
	       ap.err, ap.exits, ap.value[1], ap.cs[1], (unsigned long long)ap.rip[1]);
out:
	if (started) {
		/* An AP still waiting leaves its VMM_RUN: at once, or at the signal. */
		ap.g.run->immediate_exit = 1;
		pthread_kill(t, SIGALRM);
		pthread_join(t, NULL);
	}
	if (ap.g.run != MAP_FAILED)
		munmap(ap.g.run, 4096);
	if (ap.g.vcpu >= 0)
		close(ap.g.vcpu);
	guest_teardown(&g);
}

/* The MSRs a vCPU's state needs besides the registers. */
static const uint32_t state_msrs[] = {
	0x1b,		/* IA32_APIC_BASE: before the registers of SET_LAPIC */
	0x6e0,		/* IA32_TSC_DEADLINE */
	0x10,		/* IA32_TSC */
	0xc0000080,	/* EFER */
	0x277,		/* PAT */
};

struct vcpu_state {
	struct vmm_regs regs;
	struct vmm_sregs sregs;
	struct vmm_xsave fpu;
	struct vmm_xcrs xcrs;
	struct vmm_vcpu_events events;
	struct vmm_lapic_state lapic;
	struct vmm_mp_state mp;
	struct {
		struct vmm_msrs hdr;
		struct vmm_msr_entry e[8];
	} msrs;
};

static int save_state(int vcpu, struct vcpu_state *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->msrs.hdr.nmsrs = ARRAY_SIZE(state_msrs);
	s->msrs.hdr.entries = (uintptr_t)s->msrs.e;
	for (i = 0; i < s->msrs.hdr.nmsrs; i++)
		s->msrs.e[i].index = state_msrs[i];
	if (ioctl(vcpu, VMM_GET_REGS, &s->regs) < 0 ||
	    ioctl(vcpu, VMM_GET_SREGS, &s->sregs) < 0 ||
	    ioctl(vcpu, VMM_GET_FPU, &s->fpu) < 0 ||
	    ioctl(vcpu, VMM_GET_XCRS, &s->xcrs) < 0 ||
	    ioctl(vcpu, VMM_GET_VCPU_EVENTS, &s->events) < 0 ||
	    ioctl(vcpu, VMM_GET_LAPIC, &s->lapic) < 0 ||
	    ioctl(vcpu, VMM_GET_MP_STATE, &s->mp) < 0)
		return -1;
	return ioctl(vcpu, VMM_GET_MSRS, &s->msrs) == (int)s->msrs.hdr.nmsrs ? 0 : -1;
}

static int restore_state(int vcpu, struct vcpu_state *s)
{
	if (ioctl(vcpu, VMM_SET_SREGS, &s->sregs) < 0 ||
	    ioctl(vcpu, VMM_SET_MSRS, &s->msrs) != (int)s->msrs.hdr.nmsrs ||
	    ioctl(vcpu, VMM_SET_REGS, &s->regs) < 0 ||
	    ioctl(vcpu, VMM_SET_XCRS, &s->xcrs) < 0 ||
	    ioctl(vcpu, VMM_SET_FPU, &s->fpu) < 0 ||
	    ioctl(vcpu, VMM_SET_LAPIC, &s->lapic) < 0 ||
	    ioctl(vcpu, VMM_SET_VCPU_EVENTS, &s->events) < 0)
		return -1;
	return ioctl(vcpu, VMM_SET_MP_STATE, &s->mp);
}

static uint32_t lapic_reg(const struct vmm_lapic_state *s, unsigned int off)
{
	uint32_t v;

	memcpy(&v, s->regs + off, 4);
	return v;
}

static void test_save_restore(int dev)
{
	struct vmm_create_vm cv = { 0 };
	struct vcpu_state *s = calloc(1, sizeof(*s));
	struct guest g, g2;
	uint16_t port = 0;
	uint32_t val = 0;
	int r = -1, ok;

	memset(&g2, 0, sizeof(g2));
	g2.vm = -1;
	g2.vcpu = -1;
	g2.run = MAP_FAILED;
	if (!s || irq_guest(&g, dev, 1, g_ticker, g_ticker_end - g_ticker)) {
		result(0, "save_restore", "setup: %s", strerror(errno));
		goto out;
	}
	/* Mid-run: at its fifth tick. */
	while (!(r = run_to_io(&g, &port, &val)) && port == PORT_TICK && val < 5)
		;
	if (r || port != PORT_TICK || save_state(g.vcpu, s)) {
		result(0, "save_restore", "save: run %d port %#x count %u: %s", r, port, val,
		       strerror(errno));
		goto out;
	}
	result((s->msrs.e[0].data & 0xc00) == 0xc00 &&
	       lapic_reg(&s->lapic, 0x320) == 0x20040 && lapic_reg(&s->lapic, 0x380) == 200000,
	       "saved_state_has_armed_timer", "apic_base %#llx lvtt %#x tmict %u",
	       (unsigned long long)s->msrs.e[0].data, lapic_reg(&s->lapic, 0x320),
	       lapic_reg(&s->lapic, 0x380));
	/* The old VM goes; its memory becomes the new one's. */
	close(g.vcpu);
	g.vcpu = -1;
	close(g.vm);
	g.vm = -1;
	g2.mem = g.mem;
	g2.vm = ioctl(dev, VMM_CREATE_VM, &cv);
	ok = g2.vm >= 0 && !slot(g2.vm, 0, 0, MEM_SIZE, g2.mem) &&
	     ioctl(g2.vm, VMM_CREATE_IRQCHIP, 0) == 0 &&
	     (g2.vcpu = create_vcpu(g2.vm, 0)) >= 0;
	if (ok) {
		g2.run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, g2.vcpu, 0);
		ok = g2.run != MAP_FAILED && !restore_state(g2.vcpu, s);
	}
	if (!ok) {
		result(0, "save_restore", "restore: %s", strerror(errno));
		goto out2;
	}
	while (!(r = run_to_io(&g2, &port, &val)) && port == PORT_TICK)
		;
	result(!r && port == PORT_DONE && val >= 20, "save_restore_counts_on",
	       "run %d port %#x count %u", r, port, val);
out2:
	g2.mem = NULL;
	guest_teardown(&g2);
out:
	guest_teardown(&g);
	free(s);
}

static void test_restore_disarms(int dev)
{
	struct vmm_lapic_state ls;
	struct guest g;
	uint32_t v;
	int r;

	/* Halts forever with interrupts on unless an interrupt comes. */
	if (irq_guest(&g, dev, 1, g_wait_msi, g_wait_msi_end - g_wait_msi)) {
		result(0, "restore_disarms", "setup: %s", strerror(errno));
		goto out;
	}
	/* x2APIC on, the timer armed, periodic, by SET_LAPIC... */
	r = run_until_signal(&g, 100);		/* the guest turned x2APIC on, halts */
	if (r != -EINTR || ioctl(g.vcpu, VMM_GET_LAPIC, &ls) < 0) {
		result(0, "restore_disarms", "first run %d: %s", r, strerror(errno));
		goto out;
	}
	v = 0x20040;
	memcpy(ls.regs + 0x320, &v, 4);
	v = 100000;
	memcpy(ls.regs + 0x380, &v, 4);
	v = 0xb;
	memcpy(ls.regs + 0x3e0, &v, 4);
	ioctl(g.vcpu, VMM_SET_LAPIC, &ls);
	/* ...then masked and stopped by another SET_LAPIC at once. */
	v = 0x30040;
	memcpy(ls.regs + 0x320, &v, 4);
	v = 0;
	memcpy(ls.regs + 0x380, &v, 4);
	r = ioctl(g.vcpu, VMM_SET_LAPIC, &ls);
	r = r ? -errno : run_until_signal(&g, 100);
	ioctl(g.vcpu, VMM_GET_LAPIC, &ls);
	result(r == -EINTR && count_of(&g, V_TIMER) == 0 &&
	       !(lapic_reg(&ls, 0x200 + (V_TIMER / 32) * 16) & (1u << (V_TIMER % 32))),
	       "restore_disarms_timer", "run %d ticks %llu", r,
	       (unsigned long long)count_of(&g, V_TIMER));
out:
	guest_teardown(&g);
}

static void test_pm_timer(int dev)
{
	struct vmm_pm_timer pm = { .port = PM_TIMER_PORT };
	uint32_t a = 0, b = 0, val = 0;
	struct timespec ts = { 0 };
	unsigned int n = 0;
	struct guest g;
	uint64_t now;
	uint16_t port = 0;
	int r;

	if (irq_guest(&g, dev, 0, g_pm_timer, g_pm_timer_end - g_pm_timer) ||
	    ioctl(g.vm, VMM_SET_PM_TIMER, &pm) < 0) {
		result(0, "pm_timer", "setup: %s", strerror(errno));
		goto out;
	}
	/* Only the OUTs come here: the INs of the port stay in the kernel. */
	while (!(r = run_to_io(&g, &port, &val)) && port == PORT_VALUE) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (n++ == 0)
			a = val;
		else
			b = val;
	}
	now = ((uint64_t)ts.tv_sec * PM_TIMER_HZ +
	       (uint64_t)ts.tv_nsec * PM_TIMER_HZ / 1000000000ULL) & 0xffffff;
	/* The second read is later (24 bits wrap), and near the host's count. */
	result(!r && port == PORT_DONE && n == 2 && ((b - a) & 0xffffff) > 0 &&
	       ((b - a) & 0xffffff) < 0x800000 && ((now - b) & 0xffffff) < PM_TIMER_HZ,
	       "pm_timer_in_kernel", "run %d port %#x reads %u: %#x then %#x, host %#llx",
	       r, port, n, a, b, (unsigned long long)now);
	/* Port 0: the IN comes to userspace again. */
	pm.port = 0;
	r = ioctl(g.vm, VMM_SET_PM_TIMER, &pm);
	memset(g.mem + COUNTS, 0, 64);
	{
		struct vmm_regs regs;

		ioctl(g.vcpu, VMM_GET_REGS, &regs);
		regs.rip = CODE;
		ioctl(g.vcpu, VMM_SET_REGS, &regs);
	}
	r = r ? -errno : run(&g);
	result(!r && g.run->exit_reason == VMM_EXIT_IO && g.run->io.port == PM_TIMER_PORT &&
	       g.run->io.direction == VMM_IO_IN, "pm_timer_off_exits", "run %d exit %u port %#x",
	       r, g.run->exit_reason, g.run->io.port);
out:
	guest_teardown(&g);
}

static void test_teardown_armed(int dev)
{
	int pipefd[2], status = 0;
	char c = 0;
	pid_t pid;

	if (pipe(pipefd) < 0) {
		result(0, "teardown_armed", "pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct guest g;
		uint16_t port;
		uint32_t val;

		close(pipefd[0]);
		/* The ticker, stopped at its first tick, the timer armed... */
		if (irq_guest(&g, dev, 1, g_ticker, g_ticker_end - g_ticker) ||
		    run_to_io(&g, &port, &val))
			_exit(1);
		if (write(pipefd[1], "r", 1) != 1)
			_exit(1);
		/* ...and running on: killed in the middle of it. */
		for (;;)
			run(&g);
	}
	close(pipefd[1]);
	if (pid < 0 || read(pipefd[0], &c, 1) != 1) {
		result(0, "teardown_armed", "child not ready");
		close(pipefd[0]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return;
	}
	close(pipefd[0]);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	result(c == 'r' && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	       "teardown_armed_killed", "status %#x", status);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = sigalrm };
	struct vmm_caps caps = { 0 };
	int dev, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* No SA_RESTART: the signal must end VMM_RUN. */
	sigaction(SIGALRM, &sa, NULL);
	dev = open("/dev/vmm", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		perror("/dev/vmm");
		return 100;
	}
	r = ioctl(dev, VMM_GET_CAPS, &caps);
	result(r == 0 && (caps.features & VMM_FEAT_LAPIC), "cap_lapic", "features %#llx",
	       (unsigned long long)caps.features);
	test_no_irqchip(dev);
	test_bad_args(dev);
	test_irqchip_race(dev);
	test_timer_periodic(dev);
	test_halt_msi(dev);
	test_msi_level_eoi(dev);
	test_cli_hlt(dev);
	test_ap_start(dev);
	test_cr8(dev);
	test_xapic(dev);
	test_save_restore(dev);
	test_restore_disarms(dev);
	test_pm_timer(dev);
	test_teardown_armed(dev);
	close(dev);
	return result_status();
}
