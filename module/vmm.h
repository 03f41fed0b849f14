/* SPDX-License-Identifier: GPL-2.0-only */
/* vmm core: what the core's files share. Backends include vendor.h only. */
#ifndef VMM_CORE_H
#define VMM_CORE_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/rcuwait.h>
#include <linux/sched/signal.h>
#include <linux/task_work.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/mce.h>
#include <asm/trapnr.h>
#include <asm/ptrace.h>
#include <asm/trapnr.h>

#include "../uapi/vmm.h"
#include "events.h"
#include "lapic.h"
#include "mmu/mmu.h"
#include "mmu/walk.h"
#include "tsc.h"
#include "vendor.h"
#include "x86/decode.h"
#include "x86/regs.h"

#define VMM_NAME "vmm"

/* The backend picked at load, and what it reported. Read-only after init. */
extern const struct vmm_vendor_ops *vmm_ops;
extern struct vmm_caps vmm_host_caps;

/* virt.c: the extension is enabled on every online CPU while refs are held. */
int vmm_virt_init(void);
void vmm_virt_exit(void);
int vmm_virt_get(void);
void vmm_virt_put(void);
unsigned int vmm_virt_users(void);
bool vmm_virt_cpu_on(unsigned int cpu);
void vmm_virt_insn_fault(const char *insn);
extern bool vmm_virt_rebooting;

/*
 * Last check before an entry, interrupts off: a reboot has turned the
 * extension off (or is about to, by an IPI this CPU takes only after the
 * exit): the vCPU stops with -ESHUTDOWN instead.
 */
static inline bool vmm_virt_going_down(void)
{
	lockdep_assert_irqs_disabled();
	return READ_ONCE(vmm_virt_rebooting);
}

/*
 * Also interrupts off, right before an entry: has the task been asked to
 * reschedule, or got a signal or task work, since the run loop looked?
 * The interrupt that asked came while interrupts were still on, and
 * entering now would put it off until the guest's next exit, a tick
 * away: a vCPU woken on this CPU would wait that long for it. The entry
 * is abandoned instead and the run loop takes it.
 */
static inline bool vmm_entry_deferred(void)
{
	lockdep_assert_irqs_disabled();
	return need_resched() || signal_pending(current) || task_work_pending(current);
}

struct vmm_slot {
	u64 gpa;
	u64 size;			/* 0: unused */
	u64 uaddr;
};

struct vmm_vm {
	refcount_t users;		/* the VM fd, and one per vCPU */
	struct mutex lock;		/* slots, vcpus[], mmu */
	struct vmm_slot slots[VMM_MAX_SLOTS];
	/* Written under lock; read under RCU by interrupt delivery (irq.c). */
	struct vmm_vcpu *vcpus[VMM_MAX_VCPUS];
	unsigned int nr_vcpu_ids;	/* above the highest vCPU ID created */
	/*
	 * vCPUs created or being created, under lock: counted before a new
	 * one reads irqchip, so that VMM_CREATE_IRQCHIP, which needs none,
	 * cannot come between that read and its publication in vcpus[].
	 */
	unsigned int created_vcpus;
	struct mm_struct *mm;		/* slots point into this process */
	struct vmm_mmu mmu;
	u64 tsc_offset;			/* new vCPUs' TSC: 0 at VM creation */
	bool irqchip;			/* VMM_CREATE_IRQCHIP: vCPUs get an APIC */
	u16 pm_timer_port;		/* VMM_SET_PM_TIMER, or 0 */
};

/* fpu.c: the guest's FPU registers, kept while the host's are in use. */
struct vmm_fpu {
	u8 *area;
	u64 xcr0;			/* the guest's, as XSETBV set it */
	bool xcr0_loaded;		/* in the hardware, until the exit */
};

void vmm_fpu_init(void);
int vmm_fpu_alloc(struct vmm_fpu *fpu);
void vmm_fpu_free(struct vmm_fpu *fpu);
void vmm_fpu_load_guest(struct vmm_fpu *fpu);
void vmm_fpu_save_guest(struct vmm_fpu *fpu);
int vmm_fpu_get_user(struct vmm_fpu *fpu, struct vmm_xsave __user *uxs);
int vmm_fpu_set_user(struct vmm_fpu *fpu, const struct vmm_xsave __user *uxs);
int vmm_fpu_get_xcrs_user(const struct vmm_fpu *fpu, struct vmm_xcrs __user *uxcrs);
int vmm_fpu_set_xcrs_user(struct vmm_fpu *fpu, const struct vmm_xcrs __user *uxcrs);
int vmm_xsave_check(const u8 *buf, u64 features, u32 mxcsr_mask);
bool vmm_xcr0_valid(u64 xcr0, u64 features);
int vmm_fpu_set_xcr(struct vmm_fpu *fpu, u32 index, u64 value);
bool vmm_fpu_xcr0_differs(const struct vmm_fpu *fpu);
void vmm_fpu_load_xcr0(struct vmm_fpu *fpu, bool guest_sees_it);
void vmm_fpu_put_xcr0(struct vmm_fpu *fpu, bool guest_osxsave);
void vmm_fpu_cpuid(const struct vmm_fpu *fpu, bool osxsave, u32 function,
		   u32 index, u32 out[4]);

/*
 * What both backends do with the register array (x86/regs.h), inline: each
 * is a few stores on a path taken at every such exit.
 *
 * VMM_GET_REGS and VMM_SET_REGS for the registers a backend keeps in its
 * array; RAX, RSP, RIP and RFLAGS are the backend's to fill in after, or
 * to take from @r itself.
 */
static inline void vmm_gprs_to_user(struct vmm_regs *r, const u64 *g)
{
	r->rax = g[VMM_RAX];
	r->rbx = g[VMM_RBX];
	r->rcx = g[VMM_RCX];
	r->rdx = g[VMM_RDX];
	r->rsi = g[VMM_RSI];
	r->rdi = g[VMM_RDI];
	r->rsp = g[VMM_RSP];
	r->rbp = g[VMM_RBP];
	r->r8 = g[VMM_R8];
	r->r9 = g[VMM_R9];
	r->r10 = g[VMM_R10];
	r->r11 = g[VMM_R11];
	r->r12 = g[VMM_R12];
	r->r13 = g[VMM_R13];
	r->r14 = g[VMM_R14];
	r->r15 = g[VMM_R15];
}

static inline void vmm_gprs_from_user(u64 *g, const struct vmm_regs *r)
{
	g[VMM_RAX] = r->rax;
	g[VMM_RBX] = r->rbx;
	g[VMM_RCX] = r->rcx;
	g[VMM_RDX] = r->rdx;
	g[VMM_RSI] = r->rsi;
	g[VMM_RDI] = r->rdi;
	g[VMM_RSP] = r->rsp;
	g[VMM_RBP] = r->rbp;
	g[VMM_R8] = r->r8;
	g[VMM_R9] = r->r9;
	g[VMM_R10] = r->r10;
	g[VMM_R11] = r->r11;
	g[VMM_R12] = r->r12;
	g[VMM_R13] = r->r13;
	g[VMM_R14] = r->r14;
	g[VMM_R15] = r->r15;
}

/*
 * The guest's DR0-3. A guest's first MOV DR exits; from then until the next
 * exit it accesses them natively, with its values in the hardware (and on
 * VMX its DR6, which VMX does not switch), and the exit puts the host's
 * back. DR7 is switched by the hardware (VMCS, VMCB) and disables them
 * unless the guest enabled some ("armed"): then the guest's are loaded for
 * every entry. Host breakpoints (ptrace, perf) are restored after every
 * exit that could have disturbed them.
 */
struct vmm_debugregs {
	u64 db[4];
	u64 host_db[4];		/* the host's DR0-3 while db[] is loaded */
	bool owned;		/* MOV DR runs natively until the exit */
	bool loaded;		/* db[] is in the hardware */
};

#define VMM_DR7_ENABLES		0xffULL		/* L0-L3, G0-G3 */
#define VMM_DR7_RESET		0x400ULL
#define VMM_DR6_RESET		0xffff0ff0ULL

/* The breakpoint addresses, DR0-3 (their numbers must be constants). */
static __always_inline void vmm_dr0_3_read(u64 v[4])
{
	v[0] = native_get_debugreg(0);
	v[1] = native_get_debugreg(1);
	v[2] = native_get_debugreg(2);
	v[3] = native_get_debugreg(3);
}

static __always_inline void vmm_dr0_3_write(const u64 v[4])
{
	native_set_debugreg(0, v[0]);
	native_set_debugreg(1, v[1]);
	native_set_debugreg(2, v[2]);
	native_set_debugreg(3, v[3]);
}

/*
 * Before the entry, interrupts off. The host's breakpoints go off first:
 * they must not fire on the guest's addresses meanwhile, nor stay armed
 * through an entry that does not load DR7 (SVM's host DR7 is not in the
 * VMCB's hands). The host's DR0-3 are kept here rather than taken back from
 * the kernel's copy: hw_breakpoint_restore() is KVM's alone on 7.x.
 */
static inline void vmm_debugregs_enter(struct vmm_debugregs *d, u64 guest_dr7)
{
	if (unlikely(hw_breakpoint_active()))
		native_set_debugreg(7, 0);
	if (likely(!d->owned && !(guest_dr7 & VMM_DR7_ENABLES)))
		return;
	vmm_dr0_3_read(d->host_db);
	vmm_dr0_3_write(d->db);
	d->loaded = true;
}

/* After the exit, interrupts off: keep what the guest wrote, host's back. */
static inline void vmm_debugregs_exit(struct vmm_debugregs *d)
{
	if (unlikely(d->owned)) {
		vmm_dr0_3_read(d->db);
		d->owned = false;
	}
	if (unlikely(d->loaded)) {
		vmm_dr0_3_write(d->host_db);
		native_set_debugreg(6, VMM_DR6_RESET);
	}
	/* The exit left DR7 disabled (VMX) or maybe the guest's (SVM). */
	if (unlikely(d->loaded || hw_breakpoint_active()))
		native_set_debugreg(7, __this_cpu_read(cpu_dr7));
	d->loaded = false;
}

/*
 * The exceptions every vCPU intercepts, on both vendors. #DB and #AC: their
 * delivery can raise them again without end, a loop inside the CPU that no
 * interrupt breaks (CVE-2015-8104, CVE-2015-5307), so each exits and is
 * reflected. #MC: the host's to handle (vmm_machine_check()), never the
 * guest's.
 */
#define VMM_INTERCEPTED_EXCEPTIONS \
	(BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC) | BIT(X86_TRAP_MC))

/*
 * A machine check that the guest's execution met (it made the guest exit,
 * or failed the entry): the host's handler takes it as one from user mode,
 * so that it may kill the VM's process or recover, as the kernel decides.
 * Right after the exit, interrupts off.
 */
static inline void vmm_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = { .cs = 3, .flags = X86_EFLAGS_IF };

	do_machine_check(&regs);
#endif
}

/* A string I/O exit (pio.c): the instruction and the chunk handed out. */
struct vmm_pio {
	struct vmm_insn insn;
	u32 count;			/* elements in this exit */
	u32 first;			/* bytes at gpa[0]; the rest at gpa[1] */
	u64 gpa[2];			/* the chunk, lowest address first */
	bool down;			/* EFLAGS.DF: addresses decrease */
};

/* msr.c: the PC's MSRs guest kernels touch (MTRRs, machine check, ...). */
#define VMM_MTRR_VAR		8
#define VMM_MC_BANKS		4

struct vmm_pc_msrs {
	u64 mtrr_def_type;
	u64 mtrr_fixed[11];
	u64 mtrr_var[2 * VMM_MTRR_VAR];	/* base, mask, ... */
	u64 mcg_status;
	u64 mc_ctl[VMM_MC_BANKS], mc_status[VMM_MC_BANKS];
	u64 mc_addr[VMM_MC_BANKS], mc_misc[VMM_MC_BANKS];
	u64 misc_enable;		/* Intel */
	u64 amd_hwcr, amd_de_cfg;
};

void vmm_pc_msrs_reset(struct vmm_pc_msrs *m);
int vmm_pc_get_msr(struct vmm_pc_msrs *m, u32 msr, u64 *value);
int vmm_pc_set_msr(struct vmm_pc_msrs *m, u32 msr, u64 value, bool user);

/*
 * What the next VMM_RUN takes from userspace's answer in the run page, as
 * the exit itself decided: userspace may rewrite the whole page meanwhile.
 */
enum vmm_complete {
	VMM_COMPLETE_NONE,
	VMM_COMPLETE_IN,		/* io.data into AL/AX/EAX */
	VMM_COMPLETE_HYPERCALL,		/* hypercall.ret into RAX */
};

struct vmm_vcpu {
	struct vmm_vm *vm;
	u32 id;
	u64 uid;			/* unique for the module's lifetime */
	struct mutex mutex;		/* one vCPU ioctl at a time */
	struct vmm_run *run;		/* the shared run page */
	void *vendor;
	struct vmm_fpu fpu;
	struct vmm_debugregs dbg;
	struct vmm_events events;	/* events.c: what waits for delivery */
	struct vmm_tsc tsc;		/* tsc.h: the offset the backend loads */
	struct vmm_pc_msrs pc_msrs;	/* msr.c */
	unsigned long requests;		/* enum vmm_request bits (request.c) */
	int cpu;			/* where it last entered the guest */
	bool in_guest;			/* from reading requests to the exit */
	bool user_exit_pending;		/* vmm_complete_user_exit() before entry */
	u8 complete;			/* enum vmm_complete */
	u8 complete_size;		/* VMM_COMPLETE_IN: 1, 2 or 4 bytes */
	bool mmio_pending;		/* vmm_mmio_complete() before entry */
	bool pio_pending;		/* vmm_pio_string_complete() before entry */
	struct vmm_cpuid_entry *cpuid;	/* set by userspace, or NULL: the host's */
	u32 cpuid_nent;
	struct vmm_insn mmio;		/* the instruction of that MMIO exit */
	struct vmm_pio pio;		/* the INS/OUTS of that string I/O exit */
	/* irq.c */
	bool has_apic;			/* the VM has an irqchip: .apic is live */
	bool halted;			/* in HLT, waiting in the kernel */
	bool wait_sipi;			/* after INIT, until a SIPI (mp.c) */
	u16 eoi_exit;			/* level EOI for userspace: vector + 1 */
	u64 halt_rflags;		/* the guest's RFLAGS at its HLT */
	struct rcuwait wait;		/* where a halted vCPU waits */
	struct vmm_lapic apic;
};

u32 vmm_pm_timer_read(void);

/* IN or OUT of one element, the instruction already skipped. */
static inline int vmm_exit_io(struct vmm_vcpu *vcpu, u16 port, unsigned int size, bool in,
			      u64 rax)
{
	struct vmm_run *run = vcpu->run;
	u16 pm_timer = READ_ONCE(vcpu->vm->pm_timer_port);

	/* The ACPI PM timer: read in the kernel, for guests that calibrate with it. */
	if (unlikely(pm_timer && port == pm_timer) && in && size == 4) {
		*vmm_ops->guest_rax(vcpu) = vmm_pm_timer_read();
		return VMM_RESUME;
	}

	vcpu->complete = in ? VMM_COMPLETE_IN : VMM_COMPLETE_NONE;
	vcpu->complete_size = size;
	run->exit_reason = VMM_EXIT_IO;
	run->io.port = port;
	run->io.size = size;
	run->io.direction = in ? VMM_IO_IN : VMM_IO_OUT;
	run->io.count = 1;
	run->io.data = in ? 0 : rax & GENMASK_ULL(size * 8 - 1, 0);
	return VMM_TO_USER;
}

/*
 * VMCALL or VMMCALL, the instruction already skipped: the call number is
 * RAX (@rax, wherever the backend keeps it), the arguments RBX, RCX, RDX,
 * RSI and RDI; userspace answers in hypercall.ret, which becomes RAX.
 */
static inline int vmm_exit_hypercall(struct vmm_vcpu *vcpu, u64 rax, const u64 *g)
{
	struct vmm_run *run = vcpu->run;

	vcpu->complete = VMM_COMPLETE_HYPERCALL;
	run->exit_reason = VMM_EXIT_HYPERCALL;
	run->hypercall.nr = rax;
	run->hypercall.args[0] = g[VMM_RBX];
	run->hypercall.args[1] = g[VMM_RCX];
	run->hypercall.args[2] = g[VMM_RDX];
	run->hypercall.args[3] = g[VMM_RSI];
	run->hypercall.args[4] = g[VMM_RDI];
	run->hypercall.ret = 0;
	return VMM_TO_USER;
}

/* x86 rules that both backends apply to the MSR values a guest writes. */

/* Each PAT entry must be UC, WC, WT, WP, WB or UC- (types 0, 1, 4-7). */
static inline bool vmm_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/* Addresses must be canonical for the host's linear-address width. */
static inline bool vmm_canonical(u64 addr)
{
	unsigned int bits = boot_cpu_has(X86_FEATURE_LA57) ? 57 : 48;

	return (u64)((s64)(addr << (64 - bits)) >> (64 - bits)) == addr;
}

/* vm.c */
int vmm_vm_create(const struct vmm_create_vm *args);
void vmm_vm_put(struct vmm_vm *vm);
int vmm_vm_fault(struct vmm_vm *vm, u64 gpa, bool write);

/* guest_mem.c */
int vmm_guest_phys_copy(struct vmm_vm *vm, u64 gpa, unsigned int len, void *to,
			const void *from);

/* Return: 0, or -EFAULT if [@gpa, @gpa + @len) is not all in one slot. */
static inline int vmm_read_guest_phys(struct vmm_vm *vm, u64 gpa, void *buf,
				      unsigned int len)
{
	return vmm_guest_phys_copy(vm, gpa, len, buf, NULL);
}

/* The same, into guest memory (the slot's pages, which the guest maps too). */
static inline int vmm_write_guest_phys(struct vmm_vm *vm, u64 gpa, const void *buf,
				       unsigned int len)
{
	return vmm_guest_phys_copy(vm, gpa, len, NULL, buf);
}

#define VMM_SEG_L	BIT(9)		/* vmm_segment.attrib: 64-bit code */
#define VMM_SEG_DB	BIT(10)		/* default operation size 32 */

/* The code segment's default operand and address size: 2, 4 or 8. */
static inline unsigned int vmm_code_mode(const struct vmm_sregs *s)
{
	if (!(s->cr0 & X86_CR0_PE))
		return 2;
	if ((s->efer & EFER_LMA) && (s->cs.attrib & VMM_SEG_L))
		return 8;
	return (s->cs.attrib & VMM_SEG_DB) ? 4 : 2;
}

/* The guest's CPL: SS.DPL in protected mode (3 in virtual-8086 mode), else 0. */
static inline unsigned int vmm_cpl(const struct vmm_sregs *s)
{
	return (s->cr0 & X86_CR0_PE) ? (s->ss.attrib >> 5) & 3 : 0;
}

/* An exception vmm raises in the guest in place of an access it refused. */
struct vmm_fault {
	bool pending;
	u8 vector;
	u32 error_code;
	u64 cr2;			/* #PF */
};

/* It is combined with an event being delivered, if any (events.c). */
static inline int vmm_inject_fault(struct vmm_vcpu *vcpu, const struct vmm_fault *f)
{
	vmm_queue_exception(vcpu, f->vector, true, f->error_code,
			    f->vector == X86_TRAP_PF, f->cr2);
	return VMM_RESUME;
}

unsigned int vmm_fetch_insn(struct vmm_vm *vm, const struct vmm_sregs *s,
			    unsigned int mode, u64 rip, u8 *bytes, struct vmm_fault *fault);
int vmm_guest_walk(struct vmm_vm *vm, const struct vmm_sregs *sregs, u64 gva,
		   u32 access, u64 *gpa, struct vmm_fault *fault);

/* mmio.c */
/*
 * RSI, RDI or RCX moved by a string instruction of address size @asize:
 * 16 bits merge into the register, 32 bits zero-extend as any 32-bit
 * register write does.
 */
static inline void vmm_string_reg_add(u64 *reg, s64 delta, unsigned int asize)
{
	u64 v = *reg + delta;

	if (asize == 2)
		*reg = (*reg & ~0xffffULL) | (v & 0xffff);
	else if (asize == 4)
		*reg = (u32)v;
	else
		*reg = v;
}

int vmm_pio_string_begin(struct vmm_vcpu *vcpu, u16 port, unsigned int size, bool in);
void vmm_pio_string_complete(struct vmm_vcpu *vcpu);
int vmm_mmio_begin(struct vmm_vcpu *vcpu, u64 gpa, const u8 *hw_bytes,
		   unsigned int hw_len);
void vmm_mmio_complete(struct vmm_vcpu *vcpu);

/* irq.c */
/*
 * CR8 is the TPR's priority class (SDM "Task Priority in IA-32e Mode"):
 * with a local APIC, the APIC's TPR; without one, @own, the backend's
 * copy, which the guest alone uses.
 */
static inline u32 vmm_cr8_get(const struct vmm_vcpu *vcpu, u32 own)
{
	if (vcpu->has_apic)
		return vmm_lapic_reg(&vcpu->apic, LAPIC_REG_TPR) >> 4;
	return own;
}

static inline void vmm_cr8_set(struct vmm_vcpu *vcpu, u32 *own, u32 cr8)
{
	*own = cr8;
	if (vcpu->has_apic)
		vmm_lapic_set_reg(&vcpu->apic, LAPIC_REG_TPR, cr8 << 4);
}

/*
 * request.c: what other threads ask of a vCPU before its next entry, the
 * bits of vmm_vcpu.requests.
 */
enum vmm_request {
	VMM_REQ_EVENT,		/* its APIC has something new: vmm_irq_sync() */
	VMM_REQ_TLB_FLUSH,	/* guest mappings went away: flush before entry */
};

void vmm_vcpu_request(struct vmm_vcpu *vcpu, unsigned int req);
void vmm_vm_request_all(struct vmm_vm *vm, unsigned int req);
bool vmm_vcpu_enter_guest_mode(struct vmm_vcpu *vcpu);
void vmm_guest_timing_exit(void);
void vmm_vcpu_exit_guest_mode(struct vmm_vcpu *vcpu);

/* On the vCPU's thread: was @req asked for? Then it is taken. */
static inline bool vmm_vcpu_take_request(struct vmm_vcpu *vcpu, unsigned int req)
{
	if (!test_bit(req, &vcpu->requests))
		return false;
	clear_bit(req, &vcpu->requests);
	/* Before reading what the requester wrote; pairs with its barrier. */
	smp_mb__after_atomic();
	return true;
}

int vmm_vm_create_irqchip(struct vmm_vm *vm);
int vmm_vcpu_irq_init(struct vmm_vcpu *vcpu);
void vmm_vcpu_irq_free(struct vmm_vcpu *vcpu);
int vmm_vm_signal_msi(struct vmm_vm *vm, const struct vmm_msi __user *umsi);
int vmm_vm_set_pm_timer(struct vmm_vm *vm, const struct vmm_pm_timer __user *upm);
int vmm_irq_before_entry(struct vmm_vcpu *vcpu);
int vmm_vcpu_hlt(struct vmm_vcpu *vcpu, u64 rflags);
int vmm_vcpu_block(struct vmm_vcpu *vcpu);
bool vmm_irq_mmio(struct vmm_vcpu *vcpu, u64 gpa, unsigned int len, bool write,
		  u64 *val);
int vmm_irq_get_msr(struct vmm_vcpu *vcpu, u32 index, u64 *value);
int vmm_irq_set_msr(struct vmm_vcpu *vcpu, u32 index, u64 value);
int vmm_get_lapic(struct vmm_vcpu *vcpu, struct vmm_lapic_state __user *ustate);
int vmm_set_lapic(struct vmm_vcpu *vcpu, const struct vmm_lapic_state __user *ustate);

/* mp.c */
int vmm_mp_take_events(struct vmm_vcpu *vcpu);
int vmm_get_mp_state(struct vmm_vcpu *vcpu, struct vmm_mp_state __user *ustate);
int vmm_set_mp_state(struct vmm_vcpu *vcpu, const struct vmm_mp_state __user *ustate);

/* vcpu.c */
void vmm_cpuid(struct vmm_vcpu *vcpu, u32 function, u32 index, u32 out[4]);
int vmm_vcpu_create(struct vmm_vm *vm, const struct vmm_create_vcpu *args);
int vmm_core_get_msr(struct vmm_vcpu *vcpu, u32 index, u64 *value);
int vmm_core_set_msr(struct vmm_vcpu *vcpu, u32 index, u64 value, bool user);

/* dev.c */
int vmm_dev_init(void);
void vmm_dev_exit(void);
void vmm_fill_caps(struct vmm_caps *caps);

/* percpu_pages.c */
int vmm_percpu_pages_alloc(struct page *__percpu *pages);
void vmm_percpu_pages_free(struct page *__percpu *pages);

/* debugfs.c */
void vmm_debugfs_init(void);
void vmm_debugfs_exit(void);

#endif /* VMM_CORE_H */
