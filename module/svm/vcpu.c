// SPDX-License-Identifier: GPL-2.0-only
/*
 * SVM vCPUs: the VMCB at reset, register access, and one trip into the guest.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/asm.h>
#include <asm/fpu/api.h>
#include <asm/trapnr.h>

#include "../spec.h"
#include "../vmm.h"
#include "svm.h"
#include "vmcb.h"

/* Per CPU: the host's VMSAVE area and the ASID allocator. */
static DEFINE_PER_CPU(struct page *, svm_host_save);
static DEFINE_PER_CPU(struct svm_asid_cpu, svm_asids);

void svm_vcpu_unsetup_cpus(void)
{
	vmm_percpu_pages_free(&svm_host_save);
}

int svm_vcpu_setup_cpus(u32 nr_asids)
{
	int cpu;

	if (vmm_percpu_pages_alloc(&svm_host_save))
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		svm_asid_cpu_init(per_cpu_ptr(&svm_asids, cpu), nr_asids);
	return 0;
}

/* Descriptor-format attributes for a present, accessed segment. */
#define SEG_CODE_RX	0x9b	/* P, S, type 0xb: execute/read, accessed */
#define SEG_DATA_RW	0x93	/* P, S, type 0x3: read/write, accessed */
#define SEG_LDT		0x82
#define SEG_TSS16_BUSY	0x83

static void svm_set_seg(struct vmcb_seg *s, u16 sel, u64 base, u32 limit,
			u16 attrib)
{
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->attrib = attrib;
}

/* The architectural state after RESET (AMD APM vol. 2, "Initial Processor State"). */
static void svm_vmcb_reset(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	struct vmcb_control *c = &sv->vmcb->control;
	struct vmcb_save *s = &sv->vmcb->save;

	/*
	 * Intercepts (the table in Documentation/security.rst): what the
	 * guest must not do to the host (the SVM instructions; XCR0 and DR0-3,
	 * which VMRUN does not switch; INVD, WBINVD, RDPMC, MONITOR/MWAIT,
	 * RDPRU, RDTSCP; #DB and #AC, whose delivery can loop inside the CPU;
	 * #MC, which is the host's to handle;
	 * CR4 writes, checked as the CPU would so that none fails VMRUN), what
	 * userspace emulates (I/O, HLT, hypercalls), and what we answer
	 * (CPUID, MSRs). Physical interrupts and NMIs exit so that the host
	 * takes them.
	 */
	c->intercept_cr = SVM_INTERCEPT_CR4_WRITE;
	/* RDTSC runs natively, on the vCPU's own count (tsc.h). */
	c->tsc_offset = vcpu->tsc.offset;
	c->intercept_dr = SVM_INTERCEPT_DR_ALL;
	c->intercept_exceptions = VMM_INTERCEPTED_EXCEPTIONS;
	c->intercept_misc1 = SVM_INTERCEPT1_INTR | SVM_INTERCEPT1_NMI |
			     SVM_INTERCEPT1_SMI | SVM_INTERCEPT1_INIT |
			     SVM_INTERCEPT1_RDPMC | SVM_INTERCEPT1_CPUID |
			     SVM_INTERCEPT1_INVD | SVM_INTERCEPT1_HLT |
			     SVM_INTERCEPT1_INVLPGA | SVM_INTERCEPT1_IOIO |
			     SVM_INTERCEPT1_MSR | SVM_INTERCEPT1_SHUTDOWN;
	c->intercept_misc2 = SVM_INTERCEPT2_VMRUN | SVM_INTERCEPT2_VMMCALL |
			     SVM_INTERCEPT2_VMLOAD | SVM_INTERCEPT2_VMSAVE |
			     SVM_INTERCEPT2_STGI | SVM_INTERCEPT2_CLGI |
			     SVM_INTERCEPT2_SKINIT | SVM_INTERCEPT2_RDTSCP |
			     SVM_INTERCEPT2_ICEBP |
			     SVM_INTERCEPT2_WBINVD | SVM_INTERCEPT2_MONITOR |
			     SVM_INTERCEPT2_MWAIT | SVM_INTERCEPT2_MWAIT_COND |
			     SVM_INTERCEPT2_XSETBV | SVM_INTERCEPT2_RDPRU;
	c->iopm_base_pa = svm_iopm_pa();
	c->msrpm_base_pa = svm_msrpm_pa();
	c->int_ctl = SVM_INT_CTL_V_INTR_MASKING;
	c->nested_ctl = SVM_NESTED_CTL_NP;
	c->nested_cr3 = vmm_mmu_root_pa(&vcpu->vm->mmu);

	svm_set_seg(&s->cs, 0xf000, 0xffff0000, 0xffff, SEG_CODE_RX);
	svm_set_seg(&s->ds, 0, 0, 0xffff, SEG_DATA_RW);
	s->es = s->ds;
	s->ss = s->ds;
	s->fs = s->ds;
	s->gs = s->ds;
	svm_set_seg(&s->gdtr, 0, 0, 0xffff, 0);
	svm_set_seg(&s->idtr, 0, 0, 0xffff, 0);
	svm_set_seg(&s->ldtr, 0, 0, 0xffff, SEG_LDT);
	svm_set_seg(&s->tr, 0, 0, 0xffff, SEG_TSS16_BUSY);
	s->cr0 = X86_CR0_ET | X86_CR0_CD | X86_CR0_NW;
	s->efer = SVM_EFER_SVME;	/* required by VMRUN, hidden from the guest */
	s->dr6 = VMM_DR6_RESET;
	s->dr7 = VMM_DR7_RESET;
	s->rflags = X86_EFLAGS_FIXED;
	s->rip = 0xfff0;
	s->g_pat = 0x0007040600070406ULL;	/* the PAT's power-on value */
}

int svm_vcpu_create(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *sv;
	struct page *page;

	sv = kzalloc(sizeof(*sv), GFP_KERNEL_ACCOUNT);
	if (!sv)
		return -ENOMEM;
	sv->entry_save = kmalloc(sizeof(*sv->entry_save), GFP_KERNEL_ACCOUNT);
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page || !sv->entry_save) {
		if (page)
			__free_page(page);
		kfree(sv->entry_save);
		kfree(sv);
		return -ENOMEM;
	}
	sv->vmcb = page_address(page);
	sv->vmcb_pa = page_to_phys(page);
	sv->asid.cpu = -1;
	vcpu->vendor = sv;
	svm_vmcb_reset(vcpu, sv);
	return 0;
}

void svm_vcpu_free(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *sv = vcpu->vendor;

	if (!sv)
		return;
	free_page((unsigned long)sv->vmcb);
	kfree(sv->entry_save);
	kfree(sv);
	vcpu->vendor = NULL;
}

void svm_get_regs(struct vmm_vcpu *vcpu, struct vmm_regs *r)
{
	struct svm_vcpu *sv = vcpu->vendor;

	vmm_gprs_to_user(r, sv->regs);
	r->rax = sv->vmcb->save.rax;
	r->rsp = sv->vmcb->save.rsp;
	r->rip = sv->vmcb->save.rip;
	r->rflags = sv->vmcb->save.rflags;
}

/*
 * Userspace wrote guest state, which nothing has checked: VMRUN will. If it
 * refuses it, the APM leaves the state-save area undefined, and QEMU, for
 * one, writes the host's registers there (its do_vmexit() saves whatever
 * state it had loaded): kernel addresses userspace must never read, and a
 * state userspace could not fix by changing one field. The next VMRUN
 * therefore keeps a copy of what it is given (svm_vcpu_run_once()).
 */
void svm_state_from_user(struct svm_vcpu *sv)
{
	sv->state_from_user = true;
}

void svm_set_regs(struct vmm_vcpu *vcpu, const struct vmm_regs *r)
{
	struct svm_vcpu *sv = vcpu->vendor;

	vmm_gprs_from_user(sv->regs, r);
	sv->vmcb->save.rax = r->rax;
	sv->vmcb->save.rsp = r->rsp;
	sv->vmcb->save.rip = r->rip;
	/* Bit 1 is always set; a guest cannot run without it. */
	sv->vmcb->save.rflags = r->rflags | X86_EFLAGS_FIXED;
	svm_state_from_user(sv);
}

/* The uapi's segment attributes are the VMCB's: no conversion. */
static void seg_to_user(struct vmm_segment *u, const struct vmcb_seg *s)
{
	u->base = s->base;
	u->limit = s->limit;
	u->selector = s->selector;
	u->attrib = s->attrib;
}

static void seg_from_user(struct vmcb_seg *s, const struct vmm_segment *u)
{
	s->base = u->base;
	s->limit = u->limit;
	s->selector = u->selector;
	s->attrib = u->attrib & 0xfff;
}

void svm_get_sregs(struct vmm_vcpu *vcpu, struct vmm_sregs *u)
{
	struct vmcb_save *s = &((struct svm_vcpu *)vcpu->vendor)->vmcb->save;
	struct vmcb_control *c = &((struct svm_vcpu *)vcpu->vendor)->vmcb->control;

	seg_to_user(&u->cs, &s->cs);
	seg_to_user(&u->ds, &s->ds);
	seg_to_user(&u->es, &s->es);
	seg_to_user(&u->fs, &s->fs);
	seg_to_user(&u->gs, &s->gs);
	seg_to_user(&u->ss, &s->ss);
	seg_to_user(&u->tr, &s->tr);
	seg_to_user(&u->ldtr, &s->ldtr);
	u->gdt.base = s->gdtr.base;
	u->gdt.limit = s->gdtr.limit;
	u->idt.base = s->idtr.base;
	u->idt.limit = s->idtr.limit;
	u->cr0 = s->cr0;
	u->cr2 = s->cr2;
	u->cr3 = s->cr3;
	u->cr4 = s->cr4;
	u->cr8 = vmm_cr8_get(vcpu, c->int_ctl & 0xf);	/* V_TPR */
	u->efer = s->efer & ~SVM_EFER_SVME;
}

int svm_set_sregs(struct vmm_vcpu *vcpu, const struct vmm_sregs *u)
{
	struct svm_vcpu *sv = vcpu->vendor;
	struct vmcb_save *s = &sv->vmcb->save;

	if (u->efer & SVM_EFER_SVME || u->cr8 > 0xf)
		return -EINVAL;
	seg_from_user(&s->cs, &u->cs);
	seg_from_user(&s->ds, &u->ds);
	seg_from_user(&s->es, &u->es);
	seg_from_user(&s->fs, &u->fs);
	seg_from_user(&s->gs, &u->gs);
	seg_from_user(&s->ss, &u->ss);
	seg_from_user(&s->tr, &u->tr);
	seg_from_user(&s->ldtr, &u->ldtr);
	s->gdtr.base = u->gdt.base;
	s->gdtr.limit = u->gdt.limit;
	s->idtr.base = u->idt.base;
	s->idtr.limit = u->idt.limit;
	s->cr0 = u->cr0;
	s->cr2 = u->cr2;
	s->cr3 = u->cr3;
	s->cr4 = u->cr4;
	s->efer = u->efer | SVM_EFER_SVME;
	/* The privilege level is SS.DPL; real mode runs at 0. */
	s->cpl = (u->cr0 & X86_CR0_PE) ? (u->ss.attrib >> 5) & 3 : 0;
	sv->vmcb->control.int_ctl = (sv->vmcb->control.int_ctl & ~0xfu) | u->cr8;
	if (vcpu->has_apic)
		vmm_lapic_set_reg(&vcpu->apic, LAPIC_REG_TPR, u->cr8 << 4);
	svm_state_from_user(sv);
	return 0;
}

/* Exceptions that push an error code: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP. */
#define EXC_HAS_ERROR_CODE	(BIT(8) | BIT(10) | BIT(11) | BIT(12) | BIT(13) | \
				 BIT(14) | BIT(17) | BIT(21))

void svm_inject_exception_code(struct svm_vcpu *sv, u8 vector, u32 error_code)
{
	/*
	 * EVENTINJ: vector, type 3 (exception), valid (bit 31), and for those
	 * that have one, EV (bit 11) with the error code in bits 63:32. Real
	 * mode has no error codes.
	 */
	u64 inj = vector | (3u << 8) | BIT(31);

	if ((sv->vmcb->save.cr0 & X86_CR0_PE) && vector < 32 &&
	    (EXC_HAS_ERROR_CODE & BIT(vector)))
		inj |= BIT(11) | ((u64)error_code << 32);
	sv->vmcb->control.event_inj = inj;
}

void svm_inject_exception(struct svm_vcpu *sv, u8 vector)
{
	svm_inject_exception_code(sv, vector, 0);
}

/* CR2 is in the VMCB's save area, loaded at VMRUN before the event is delivered. */
void svm_inject(struct vmm_vcpu *vcpu, u8 vector, u32 error_code, u64 cr2)
{
	struct svm_vcpu *sv = vcpu->vendor;

	if (vector == X86_TRAP_PF)
		sv->vmcb->save.cr2 = cr2;
	svm_inject_exception_code(sv, vector, error_code);
}

/* The guest's RIP moves on: an STI or MOV SS shadow ends with the instruction. */
void svm_set_rip(struct svm_vcpu *sv, u64 rip)
{
	sv->vmcb->save.rip = rip;
	sv->vmcb->control.int_state &= ~SVM_INT_STATE_SHADOW;
}

void svm_skip_insn(struct svm_vcpu *sv, unsigned int len)
{
	svm_set_rip(sv, sv->vmcb->save.rip + len);
}

/* vmm_vendor_ops.get_injected: what EVENTINJ holds for the next VMRUN. */
void svm_get_injected(struct vmm_vcpu *vcpu, struct vmm_event *ev)
{
	struct svm_vcpu *sv = vcpu->vendor;
	u64 inj = sv->vmcb->control.event_inj;

	memset(ev, 0, sizeof(*ev));
	if (!(inj & SVM_EVTINJ_VALID))
		return;
	switch (inj & SVM_EVTINJ_TYPE) {
	case SVM_EVTINJ_TYPE_INTR:
		ev->type = VMM_EVENT_INTR;
		break;
	case SVM_EVTINJ_TYPE_NMI:
		ev->type = VMM_EVENT_NMI;
		break;
	case SVM_EVTINJ_TYPE_EXCEPTION:
		ev->type = VMM_EVENT_EXCEPTION;
		break;
	default:
		ev->type = VMM_EVENT_SOFT_INTR;
		break;
	}
	ev->vector = inj & SVM_EVTINJ_VECTOR;
	if (inj & SVM_EVTINJ_EV) {
		ev->has_error_code = true;
		ev->error_code = inj >> SVM_EVTINJ_ERROR_SHIFT;
	}
}

/*
 * vmm_vendor_ops.set_injected. Software events are not injected this way
 * on SVM: without NRIPS, EVENTINJ would push the address of their
 * instruction, which then runs again (svm_handle_exit() lets it instead).
 */
void svm_set_injected(struct vmm_vcpu *vcpu, const struct vmm_event *ev)
{
	struct svm_vcpu *sv = vcpu->vendor;
	struct vmcb_save *s = &sv->vmcb->save;
	u64 inj = ev->vector | SVM_EVTINJ_VALID;

	switch (ev->type) {
	case VMM_EVENT_INTR:
		inj |= SVM_EVTINJ_TYPE_INTR;
		break;
	case VMM_EVENT_NMI:
		inj |= SVM_EVTINJ_TYPE_NMI;
		break;
	case VMM_EVENT_EXCEPTION:
		inj |= SVM_EVTINJ_TYPE_EXCEPTION;
		if (ev->has_error_code && (s->cr0 & X86_CR0_PE))
			inj |= SVM_EVTINJ_EV | ((u64)ev->error_code << SVM_EVTINJ_ERROR_SHIFT);
		if (ev->has_payload && ev->vector == X86_TRAP_PF)
			s->cr2 = ev->payload;
		else if (ev->has_payload && ev->vector == X86_TRAP_DB)
			s->dr6 = (s->dr6 & ~(GENMASK_ULL(3, 0) | GENMASK_ULL(15, 13))) |
				 ev->payload;
		break;
	default:
		inj = 0;
	}
	sv->vmcb->control.event_inj = inj;
	/* Masked once delivered: svm_handle_exit() sees it done. */
	sv->nmi_injecting = ev->type == VMM_EVENT_NMI;
}

/*
 * NMI masking is ours to keep: while masked, the guest's IRET exits
 * (svm_exit_iret()), and ends it.
 */
void svm_set_nmi_masked(struct svm_vcpu *sv, bool masked)
{
	struct vmcb_control *c = &sv->vmcb->control;

	sv->nmi_masked = masked;
	if (masked)
		c->intercept_misc1 |= SVM_INTERCEPT1_IRET;
	else
		c->intercept_misc1 &= ~SVM_INTERCEPT1_IRET;
}

/*
 * The VMCB keeps one shadow bit for STI and MOV SS alike: it reads back as
 * MOV SS, the one that blocks more (debug exceptions too).
 */
u32 svm_get_interruptibility(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *sv = vcpu->vendor;
	u32 intr = 0;

	if (sv->vmcb->control.int_state & SVM_INT_STATE_SHADOW)
		intr |= VMM_INTR_MOV_SS;
	if (sv->nmi_masked)
		intr |= VMM_INTR_NMI_MASKED;
	return intr;
}

void svm_set_interruptibility(struct vmm_vcpu *vcpu, u32 intr)
{
	struct svm_vcpu *sv = vcpu->vendor;
	struct vmcb_control *c = &sv->vmcb->control;

	if (intr & VMM_INTR_SHADOW)
		c->int_state |= SVM_INT_STATE_SHADOW;
	else
		c->int_state &= ~SVM_INT_STATE_SHADOW;
	svm_set_nmi_masked(sv, intr & VMM_INTR_NMI_MASKED);
}

u64 svm_get_rflags(struct vmm_vcpu *vcpu)
{
	return ((struct svm_vcpu *)vcpu->vendor)->vmcb->save.rflags;
}

void svm_reset_debug(struct vmm_vcpu *vcpu)
{
	struct vmcb_save *s = &((struct svm_vcpu *)vcpu->vendor)->vmcb->save;

	s->dr6 = VMM_DR6_RESET;
	s->dr7 = VMM_DR7_RESET;
}

/*
 * Exit right after the guest's next instruction: a #DB trap for TF, which
 * is intercepted (svm_exit_db()). Once: the flag it had is put back then.
 */
void svm_nmi_singlestep(struct svm_vcpu *sv)
{
	if (sv->nmi_singlestep)
		return;
	sv->nmi_singlestep = true;
	sv->nmi_guest_tf = sv->vmcb->save.rflags & X86_EFLAGS_TF;
	sv->vmcb->save.rflags |= X86_EFLAGS_TF;
}

/*
 * The interrupt window: a virtual interrupt (V_IRQ, above any TPR) that
 * the guest takes once RFLAGS.IF is set and no shadow blocks, with its
 * VINTR intercept, which exits instead (AMD APM vol. 2, "Virtual
 * Interrupt Intercept"). The NMI window: NMIs masked, the IRET intercept
 * is on already; blocked by a shadow, or at that IRET, a single step
 * (svm_exit_iret()).
 */
void svm_request_windows(struct vmm_vcpu *vcpu, bool irq, bool nmi)
{
	struct svm_vcpu *sv = vcpu->vendor;
	struct vmcb_control *c = &sv->vmcb->control;

	if (irq) {
		c->int_ctl |= SVM_INT_CTL_V_IRQ | SVM_INT_CTL_V_INTR_PRIO |
			      SVM_INT_CTL_V_IGN_TPR;
		c->intercept_misc1 |= SVM_INTERCEPT1_VINTR;
	} else {
		c->int_ctl &= ~(SVM_INT_CTL_V_IRQ | SVM_INT_CTL_V_INTR_PRIO |
				SVM_INT_CTL_V_IGN_TPR);
		c->intercept_misc1 &= ~SVM_INTERCEPT1_VINTR;
	}
	if (nmi && !sv->nmi_masked && (c->int_state & SVM_INT_STATE_SHADOW))
		svm_nmi_singlestep(sv);
}

/*
 * CLGI and STGI fault only with SVM off, which the check before the entry
 * rules out but for an emergency shutdown by NMI: carry on then.
 */
static __always_inline void svm_clgi(void)
{
	asm volatile("1: clgi\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : : "memory");
}

static __always_inline void svm_stgi(void)
{
	asm volatile("1: stgi\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : : "memory");
}

int svm_vcpu_run_once(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *sv = vcpu->vendor;
	struct vmcb_control *c = &sv->vmcb->control;
	enum svm_asid_flush flush;
	int ret;

	/* The next event in (events.c); or a triple fault's exit. */
	ret = vmm_events_before_entry(vcpu);
	if (ret != VMM_RESUME)
		return ret;
	local_irq_disable();
	if (vmm_virt_going_down()) {
		local_irq_enable();
		return -ESHUTDOWN;
	}
	if (vmm_entry_deferred()) {
		local_irq_enable();
		return VMM_RESUME;
	}
	/*
	 * The guest may use the FPU, SSE and AVX registers: save the task's
	 * state first, so that only the guest sees what it leaves there.
	 * This also keeps us on this CPU until the exit is read. Begun and
	 * ended with interrupts off: on 7.x kernels a bracket opened with
	 * them on also disables softirqs, and the tick that ends the guest's
	 * time slice, taken once they are back on, would be counted as
	 * system time, not guest time (and softirqs would wait for it).
	 */
	kernel_fpu_begin();
	vmm_fpu_load_guest(&vcpu->fpu);
	/* CR4 writes exit (svm_exit_write_cr4()): CR4.OSXSAVE is current. */
	vmm_fpu_load_xcr0(&vcpu->fpu, sv->vmcb->save.cr4 & X86_CR4_OSXSAVE);
	flush = svm_asid_assign(this_cpu_ptr(&svm_asids), &sv->asid,
				smp_processor_id());
	/* Mappings went away, or the guest's paging changed: flush this ASID. */
	if ((vmm_vcpu_enter_guest_mode(vcpu) || sv->flush_tlb) && flush == SVM_ASID_KEEP)
		flush = SVM_ASID_NEW;
	sv->flush_tlb = false;
	c->asid = sv->asid.asid;
	if (flush == SVM_ASID_KEEP)
		c->tlb_control = SVM_TLB_CONTROL_NONE;
	else if (flush == SVM_ASID_NEW && svm_has_flush_by_asid)
		c->tlb_control = SVM_TLB_CONTROL_FLUSH_ASID;
	else
		c->tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
	c->clean = 0;
	if (sv->state_from_user) {
		*sv->entry_save = sv->vmcb->save;
		sv->entry_int_ctl = c->int_ctl;
		sv->entry_int_state = c->int_state;
	}

	vmm_debugregs_enter(&vcpu->dbg, sv->vmcb->save.dr7);
	svm_load_guest_msrs(sv);
	/*
	 * MOV CR8 runs natively on V_TPR, the APIC's TPR class meanwhile,
	 * unless an interrupt waits that the TPR may be blocking: lowering it
	 * must then exit to deliver it.
	 */
	if (vcpu->has_apic) {
		c->int_ctl = (c->int_ctl & ~0xfu) |
			     (vmm_lapic_reg(&vcpu->apic, LAPIC_REG_TPR) >> 4);
		if (vmm_lapic_irr_blocked(&vcpu->apic))
			c->intercept_cr |= SVM_INTERCEPT_CR8_WRITE;
		else
			c->intercept_cr &= ~SVM_INTERCEPT_CR8_WRITE;
	}

	svm_clgi();
	vmm_spec_enter();
	svm_vmrun(sv->vmcb_pa, sv->regs, page_to_phys(__this_cpu_read(svm_host_save)));
	vmm_spec_exit();
	if (unlikely(svm_exit_is_machine_check(c->exit_code)))
		vmm_machine_check();
	svm_stgi();
	svm_put_guest_msrs();
	if (vcpu->has_apic && (c->int_ctl & 0xf) !=
	    vmm_lapic_reg(&vcpu->apic, LAPIC_REG_TPR) >> 4)
		vmm_lapic_set_reg(&vcpu->apic, LAPIC_REG_TPR, (c->int_ctl & 0xf) << 4);

	if (unlikely(vcpu->dbg.owned))
		c->intercept_dr = SVM_INTERCEPT_DR_ALL;
	vmm_debugregs_exit(&vcpu->dbg);
	if (sv->state_from_user && svm_exit_is_invalid(c->exit_code)) {
		/* Refused: the state as userspace set it, for it to fix. */
		sv->vmcb->save = *sv->entry_save;
		c->int_ctl = sv->entry_int_ctl;
		c->int_state = sv->entry_int_state;
	} else {
		sv->state_from_user = false;
	}
	vmm_fpu_put_xcr0(&vcpu->fpu, sv->vmcb->save.cr4 & X86_CR4_OSXSAVE);
	vmm_vcpu_exit_guest_mode(vcpu);
	vmm_fpu_save_guest(&vcpu->fpu);
	kernel_fpu_end();
	local_irq_enable();
	vmm_guest_timing_exit();

	return svm_handle_exit(vcpu);
}
