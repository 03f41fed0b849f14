// SPDX-License-Identifier: GPL-2.0-only
/*
 * SVM exit handlers, one per exit code, in a table (AMD APM vol. 2, appendix
 * "SVM Intercept Exit Codes"). Each returns what the core does next: enter
 * the guest again, or go to userspace with vcpu->run filled in. Exit codes
 * without a handler reach userspace as VMM_EXIT_UNHANDLED with the raw code.
 *
 * Without NRIPS (QEMU's EPYC has none) the next RIP comes from the known
 * length of the intercepted instruction, or from EXITINFO2 for I/O.
 */
#include <linux/bits.h>
#include <asm/trapnr.h>

#include "../vmm.h"
#include "svm.h"
#include "vmcb.h"

enum svm_exit_code {
	SVM_EXIT_WRITE_CR4	= 0x014,
	SVM_EXIT_WRITE_CR8	= 0x018,
	SVM_EXIT_READ_DR0	= 0x020,	/* 0x20-0x2f reads, 0x30-0x3f writes */
	SVM_EXIT_WRITE_DR15	= 0x03f,
	SVM_EXIT_EXCP_DB	= 0x041,	/* 0x40 + vector */
	SVM_EXIT_EXCP_AC	= 0x051,
	SVM_EXIT_EXCP_MC	= 0x052,
	SVM_EXIT_INTR		= 0x060,
	SVM_EXIT_NMI		= 0x061,
	SVM_EXIT_SMI		= 0x062,
	SVM_EXIT_INIT		= 0x063,
	SVM_EXIT_VINTR		= 0x064,
	SVM_EXIT_RDPMC		= 0x06f,
	SVM_EXIT_CPUID		= 0x072,
	SVM_EXIT_IRET		= 0x074,
	SVM_EXIT_INVD		= 0x076,
	SVM_EXIT_HLT		= 0x078,
	SVM_EXIT_INVLPGA	= 0x07a,
	SVM_EXIT_IOIO		= 0x07b,
	SVM_EXIT_MSR		= 0x07c,
	SVM_EXIT_SHUTDOWN	= 0x07f,
	SVM_EXIT_VMRUN		= 0x080,
	SVM_EXIT_VMMCALL	= 0x081,
	SVM_EXIT_VMLOAD		= 0x082,
	SVM_EXIT_VMSAVE		= 0x083,
	SVM_EXIT_STGI		= 0x084,
	SVM_EXIT_CLGI		= 0x085,
	SVM_EXIT_SKINIT		= 0x086,
	SVM_EXIT_RDTSCP		= 0x087,
	SVM_EXIT_ICEBP		= 0x088,
	SVM_EXIT_WBINVD		= 0x089,
	SVM_EXIT_MONITOR	= 0x08a,
	SVM_EXIT_MWAIT		= 0x08b,
	SVM_EXIT_MWAIT_COND	= 0x08c,
	SVM_EXIT_XSETBV		= 0x08d,
	SVM_EXIT_RDPRU		= 0x08e,
	SVM_EXIT_NPF		= 0x400,
};

/* IOIO EXITINFO1 (AMD APM vol. 2, "IOIO Intercepts") */
#define IOIO_TYPE_IN		BIT(0)
#define IOIO_STR		BIT(2)
#define IOIO_SIZE_SHIFT		4	/* SZ8, SZ16, SZ32: bits 4..6 */
#define IOIO_PORT_SHIFT		16

#define UD_VECTOR		6
#define GP_VECTOR		13

typedef int (*svm_exit_handler)(struct vmm_vcpu *vcpu, struct svm_vcpu *sv);

/* The next RIP: from the hardware if it says, else from the known length. */
static void svm_next_rip(struct svm_vcpu *sv, unsigned int len)
{
	if (svm_has_nrips && sv->vmcb->control.next_rip)
		svm_set_rip(sv, sv->vmcb->control.next_rip);
	else
		svm_skip_insn(sv, len);
}

static int svm_to_user_hw(struct vmm_vcpu *vcpu, struct svm_vcpu *sv, u32 reason)
{
	struct vmcb_control *c = &sv->vmcb->control;

	vcpu->run->exit_reason = reason;
	vcpu->run->hw.reason = c->exit_code;
	vcpu->run->hw.qualification = c->exit_info1;
	vcpu->run->hw.info = c->exit_info2;
	return VMM_TO_USER;
}

/* The host takes the interrupt, NMI or SMI as soon as GIF is set again. */
static int svm_exit_host_event(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	return VMM_RESUME;
}

static int svm_exit_cpuid(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	u64 *g = sv->regs;
	u32 out[4];

	vmm_cpuid(vcpu, sv->vmcb->save.rax, g[VMM_RCX], out);
	vmm_fpu_cpuid(&vcpu->fpu, sv->vmcb->save.cr4 & X86_CR4_OSXSAVE,
		      sv->vmcb->save.rax, g[VMM_RCX], out);
	sv->vmcb->save.rax = out[0];
	g[VMM_RBX] = out[1];
	g[VMM_RCX] = out[2];
	g[VMM_RDX] = out[3];
	svm_next_rip(sv, 2);
	return VMM_RESUME;
}

/* An event that wakes the HLT is delivered past it, at the next entry. */
static int svm_exit_hlt(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	svm_next_rip(sv, 1);
	return vmm_vcpu_hlt(vcpu, sv->vmcb->save.rflags);
}

/*
 * The guest can take the interrupt that waits: the virtual interrupt that
 * made it exit is withdrawn, and the next entry injects the real one.
 */
static int svm_exit_vintr(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	svm_request_windows(vcpu, false, false);
	return VMM_RESUME;
}

/*
 * The guest's IRET while NMIs are masked, intercepted before it runs. With
 * no NMI waiting, NMIs are unmasked now: none can be injected before the
 * IRET has run but by userspace, which would need an exit in between. With
 * one, the guest single-steps the IRET and the #DB that follows unmasks
 * them (svm_exit_db()), so that the NMI comes after it, not nested.
 */
static int svm_exit_iret(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	sv->vmcb->control.intercept_misc1 &= ~SVM_INTERCEPT1_IRET;
	if (!vcpu->events.nmi_pending) {
		svm_set_nmi_masked(sv, false);
		return VMM_RESUME;
	}
	svm_nmi_singlestep(sv);
	sv->nmi_singlestep_iret = true;
	return VMM_RESUME;
}

static int svm_exit_ioio(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	u64 info = sv->vmcb->control.exit_info1;
	/* SZ8/SZ16/SZ32 are one-hot: 1, 2, 4 bytes. */
	unsigned int size = (info >> IOIO_SIZE_SHIFT) & 7;

	if (info & IOIO_STR)
		return vmm_pio_string_begin(vcpu, info >> IOIO_PORT_SHIFT, size,
					    info & IOIO_TYPE_IN);
	/* EXITINFO2 holds the next RIP for every IOIO intercept. */
	svm_set_rip(sv, sv->vmcb->control.exit_info2);
	return vmm_exit_io(vcpu, info >> IOIO_PORT_SHIFT, size, info & IOIO_TYPE_IN,
			   sv->vmcb->save.rax);
}

static int svm_exit_shutdown(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	/* The VMCB's guest state is undefined now; userspace decides. */
	return svm_to_user_hw(vcpu, sv, VMM_EXIT_SHUTDOWN);
}

static int svm_exit_vmmcall(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	svm_next_rip(sv, 3);
	return vmm_exit_hypercall(vcpu, sv->vmcb->save.rax, sv->regs);
}

/*
 * INVD would drop the host's dirty cache lines, WBINVD stall the host for
 * as long as the caches take to write back: guest memory is ordinary
 * write-back host memory, so both do nothing. Both are two bytes.
 */
static int svm_exit_skip2(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	svm_next_rip(sv, 2);
	return VMM_RESUME;
}

/* RDPMC: no performance counters are offered; the host's stay unread. */
static int svm_exit_gp(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	svm_inject_exception(sv, GP_VECTOR);
	return VMM_RESUME;
}

/*
 * #DB and #AC: reflected at once. Intercepting them is what breaks a
 * delivery that raises them again (CVE-2015-8104, CVE-2015-5307): each
 * round is an exit, and the host gets its CPU back. The VMCB's DR6 already
 * holds what the #DB reports.
 */
static int svm_exit_reflect(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	svm_inject_exception(sv, sv->vmcb->control.exit_code - 0x40);
	return VMM_RESUME;
}

/*
 * A #DB: the guest's, reflected, or the trap of vmm's single step for an
 * NMI that waited (svm_nmi_singlestep()): NMIs unmask if that step was
 * the IRET, the TF the guest had is back if it was not, and the trap is
 * the guest's only if it was single-stepping itself.
 */
static int svm_exit_db(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	struct vmcb_save *s = &sv->vmcb->save;

	if (!sv->nmi_singlestep || !(s->dr6 & DR_STEP))
		return svm_exit_reflect(vcpu, sv);
	sv->nmi_singlestep = false;
	if (sv->nmi_singlestep_iret)
		svm_set_nmi_masked(sv, false);
	else if (!sv->nmi_guest_tf)
		s->rflags &= ~X86_EFLAGS_TF;
	sv->nmi_singlestep_iret = false;
	if (sv->nmi_guest_tf)
		return svm_exit_reflect(vcpu, sv);
	s->dr6 &= ~DR_STEP;
	return VMM_RESUME;
}

/* ICEBP (INT1, one byte): a #DB after the instruction, as on hardware. */
static int svm_exit_icebp(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	svm_next_rip(sv, 1);
	svm_inject_exception(sv, X86_TRAP_DB);
	return VMM_RESUME;
}

/*
 * A MOV DR: the guest takes DR0-3 until the next exit, and the instruction
 * runs again, natively (struct vmm_debugregs; DR6 and DR7 are the VMCB's).
 */
static int svm_exit_dr(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	vcpu->dbg.owned = true;
	sv->vmcb->control.intercept_dr = 0;
	return VMM_RESUME;
}

/*
 * SVM instructions raise #UD in the guest: vmm offers no nesting. So do
 * MONITOR/MWAIT, RDPRU and RDTSCP, which CPUID does not offer.
 */
static int svm_exit_ud(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	svm_inject_exception(sv, UD_VECTOR);
	return VMM_RESUME;
}

/*
 * XSETBV: the guest's XCR0, kept in fpu.c and loaded around VMRUN. The
 * intercept may be taken before the processor's own #UD (CR4.OSXSAVE
 * clear) and #GP (CPL > 0) checks, as QEMU's is: make them here.
 */
static int svm_exit_xsetbv(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	struct vmcb_save *s = &sv->vmcb->save;
	u64 value = (s->rax & 0xffffffff) | (sv->regs[VMM_RDX] << 32);

	if (!(s->cr4 & X86_CR4_OSXSAVE)) {
		svm_inject_exception(sv, UD_VECTOR);
		return VMM_RESUME;
	}
	if (s->cpl || vmm_fpu_set_xcr(&vcpu->fpu, sv->regs[VMM_RCX], value)) {
		svm_inject_exception(sv, GP_VECTOR);
		return VMM_RESUME;
	}
	svm_next_rip(sv, 3);
	return VMM_RESUME;
}

/* The guest's general register @n (encoding order), wherever SVM keeps it. */
static u64 *svm_gpr(struct svm_vcpu *sv, unsigned int n)
{
	if (n == VMM_RAX)
		return &sv->vmcb->save.rax;
	if (n == VMM_RSP)
		return &sv->vmcb->save.rsp;
	return &sv->regs[n];
}

/*
 * The CR4 bits a guest may set: those the host CPU has, less what vmm does
 * not give guests (VMXE and SMXE: no nesting; PKE: PKRU is not switched;
 * CET: its MSRs are not). Anything else is reserved: #GP.
 */
static u64 svm_guest_cr4_bits(void)
{
	static const struct { u16 feature; u64 bit; } optional[] = {
		{ X86_FEATURE_UMIP, X86_CR4_UMIP },
		{ X86_FEATURE_LA57, X86_CR4_LA57 },
		{ X86_FEATURE_FSGSBASE, X86_CR4_FSGSBASE },
		{ X86_FEATURE_PCID, X86_CR4_PCIDE },
		{ X86_FEATURE_XSAVE, X86_CR4_OSXSAVE },
		{ X86_FEATURE_SMEP, X86_CR4_SMEP },
		{ X86_FEATURE_SMAP, X86_CR4_SMAP },
	};
	u64 bits = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |
		   X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |
		   X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(optional); i++)
		if (boot_cpu_has(optional[i].feature))
			bits |= optional[i].bit;
	return bits;
}

/* Bits whose change makes the CPU drop the guest's TLB entries. */
#define CR4_TLB_BITS	(X86_CR4_PGE | X86_CR4_PAE | X86_CR4_PSE | X86_CR4_PCIDE | \
			 X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_LA57)

/* Would MOV to CR4 of @cr4 raise #GP? (AMD APM vol. 2, "CR4 Register") */
static bool svm_cr4_gp(const struct vmcb_save *s, u64 cr4)
{
	bool lma = s->efer & EFER_LMA;

	if (cr4 & ~svm_guest_cr4_bits())
		return true;
	if (lma && (!(cr4 & X86_CR4_PAE) || ((cr4 ^ s->cr4) & X86_CR4_LA57)))
		return true;
	/* PCIDE goes on only in long mode and with PCID 0 in CR3. */
	return (cr4 & X86_CR4_PCIDE) && !(s->cr4 & X86_CR4_PCIDE) &&
	       (!lma || (s->cr3 & 0xfff));
}

/*
 * MOV to CR8, intercepted while the local APIC holds an interrupt that the
 * TPR blocks (svm_vcpu_run_once()): lowering CR8 must deliver it at once,
 * which V_TPR alone would not, the interrupt not being in the VMCB.
 */
static int svm_write_cr8(struct vmm_vcpu *vcpu, struct svm_vcpu *sv, u64 val)
{
	u32 v_tpr = sv->vmcb->control.int_ctl & 0xf;

	if (val > 0xf) {
		svm_inject_exception(sv, GP_VECTOR);
		return VMM_RESUME;
	}
	vmm_cr8_set(vcpu, &v_tpr, val);
	sv->vmcb->control.int_ctl = (sv->vmcb->control.int_ctl & ~0xfu) | v_tpr;
	return VMM_RESUME;
}

/*
 * MOV to CR4 (intercepted always): a guest must not be able to write what
 * makes the next VMRUN fail (CR4.VMXE, say: the emulators take it), nor
 * what vmm does not switch for it (PKE). Without decode assists the exit
 * does not say which register: the instruction is decoded. Preemptible.
 * MOV to CR8 comes here too.
 */
static int svm_exit_write_cr4(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	struct vmcb_save *s = &sv->vmcb->save;
	u8 bytes[VMM_INSN_MAX_LEN] = {};
	struct vmm_fault fault = {};
	struct vmm_sregs sregs = {};
	struct vmm_insn insn;
	unsigned int mode, n;
	u64 cr4;

	svm_get_sregs(vcpu, &sregs);
	mode = vmm_code_mode(&sregs);
	n = vmm_fetch_insn(vcpu->vm, &sregs, mode, s->rip, bytes, &fault);
	if (n && vmm_decode(bytes, n, mode, &insn))
		n = 0;
	/* Its bytes ran into a page the guest cannot fetch from: that #PF. */
	if (!n && fault.pending) {
		svm_inject(vcpu, fault.vector, fault.error_code, fault.cr2);
		return VMM_RESUME;
	}
	if (!n || insn.op != VMM_INSN_MOV_TO_CR || (insn.cr != 4 && insn.cr != 8)) {
		svm_to_user_hw(vcpu, sv, VMM_EXIT_INTERNAL_ERROR);
		memcpy(&vcpu->run->hw.info, bytes, sizeof(vcpu->run->hw.info));
		return VMM_TO_USER;
	}
	cr4 = *svm_gpr(sv, insn.reg);
	if (insn.size == 4)
		cr4 = (u32)cr4;
	if (insn.cr == 8) {
		svm_skip_insn(sv, insn.len);
		return svm_write_cr8(vcpu, sv, cr4);
	}
	if (s->cpl || svm_cr4_gp(s, cr4)) {
		svm_inject_exception(sv, GP_VECTOR);
		return VMM_RESUME;
	}
	if ((cr4 ^ s->cr4) & CR4_TLB_BITS)
		sv->flush_tlb = true;
	s->cr4 = cr4;
	svm_skip_insn(sv, insn.len);
	return VMM_RESUME;
}

/*
 * RDMSR/WRMSR: the MSRs in svm/msr.c's list, with what WRMSR does on
 * hardware besides: #GP for an MSR outside the list or a value it refuses,
 * and for EFER, LMA left as it is (the processor sets it) and #GP for
 * changing LME while paging is on (AMD APM vol. 2, "Enabling and
 * Activating Long Mode"). VMM_SET_MSRS, like KVM's, may do both.
 */
static int svm_exit_msr(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	struct vmcb_save *s = &sv->vmcb->save;
	bool write = sv->vmcb->control.exit_info1;
	u32 msr = sv->regs[VMM_RCX];
	u64 value;
	int ret;

	if (write) {
		value = (s->rax & 0xffffffff) | (sv->regs[VMM_RDX] << 32);
		if (msr == MSR_EFER) {
			if ((s->cr0 & X86_CR0_PG) && ((value ^ s->efer) & EFER_LME)) {
				svm_inject_exception(sv, GP_VECTOR);
				return VMM_RESUME;
			}
			value = (value & ~EFER_LMA) | (s->efer & EFER_LMA);
		}
		ret = svm_set_msr(vcpu, msr, value);
	} else {
		ret = svm_get_msr(vcpu, msr, &value);
		if (!ret) {
			s->rax = (u32)value;
			sv->regs[VMM_RDX] = value >> 32;
		}
	}
	if (ret) {
		svm_inject_exception(sv, GP_VECTOR);
		return VMM_RESUME;
	}
	svm_next_rip(sv, 2);
	return VMM_RESUME;
}

static int svm_exit_npf(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	const struct vmcb_control *c = &sv->vmcb->control;
	u64 gpa = c->exit_info2;
	bool write = c->exit_info1 & BIT(1);
	int ret;

	ret = vmm_vm_fault(vcpu->vm, gpa, write);
	if (!ret)
		return VMM_RESUME;
	/*
	 * No slot backs it: MMIO, for userspace once decoded. With decode
	 * assists the VMCB holds the bytes the processor fetched (APM vol. 2,
	 * "Decode Assists": "Nested and intercepted #PF"); without them
	 * insn_len is never written and stays 0.
	 */
	/*
	 * The delivery of an event (its IDT entry, its stack) is nothing to
	 * decode: the VM cannot go on (A8 of the adversarial list); hw.info
	 * says which event, which stays in EVENTINJ for the next VMRUN.
	 */
	if (ret == -ENOENT && (c->exit_int_info & SVM_EVTINJ_VALID)) {
		svm_to_user_hw(vcpu, sv, VMM_EXIT_INTERNAL_ERROR);
		vcpu->run->hw.qualification = gpa;
		vcpu->run->hw.info = c->exit_int_info;
		return VMM_TO_USER;
	}
	if (ret == -ENOENT)
		return vmm_mmio_begin(vcpu, gpa, c->insn_bytes,
				      svm_has_decode_assists ? c->insn_len : 0);
	return ret;
}

/*
 * VMRUN refused the guest state. svm_vcpu_run_once() has put back the state
 * userspace set; the APM defines no EXITINFO for this exit.
 */
static int svm_exit_invalid(struct vmm_vcpu *vcpu, struct svm_vcpu *sv)
{
	svm_to_user_hw(vcpu, sv, VMM_EXIT_FAIL_ENTRY);
	/* One value for userspace, whichever way the code was stored. */
	vcpu->run->hw.reason = SVM_EXIT_INVALID;
	return VMM_TO_USER;
}

static const svm_exit_handler svm_exit_handlers[] = {
	[SVM_EXIT_WRITE_CR4]	= svm_exit_write_cr4,
	[SVM_EXIT_WRITE_CR8]	= svm_exit_write_cr4,
	[SVM_EXIT_READ_DR0 ... SVM_EXIT_WRITE_DR15] = svm_exit_dr,
	[SVM_EXIT_EXCP_DB]	= svm_exit_db,
	[SVM_EXIT_EXCP_AC]	= svm_exit_reflect,
	/* Taken by the host's handler right at the exit (svm_vcpu_run_once()). */
	[SVM_EXIT_EXCP_MC]	= svm_exit_host_event,
	[SVM_EXIT_RDPMC]	= svm_exit_gp,
	[SVM_EXIT_INVD]		= svm_exit_skip2,
	[SVM_EXIT_INTR]		= svm_exit_host_event,
	[SVM_EXIT_NMI]		= svm_exit_host_event,
	[SVM_EXIT_SMI]		= svm_exit_host_event,
	[SVM_EXIT_VINTR]	= svm_exit_vintr,
	[SVM_EXIT_IRET]		= svm_exit_iret,
	[SVM_EXIT_CPUID]	= svm_exit_cpuid,
	[SVM_EXIT_HLT]		= svm_exit_hlt,
	[SVM_EXIT_INVLPGA]	= svm_exit_ud,
	[SVM_EXIT_IOIO]		= svm_exit_ioio,
	[SVM_EXIT_MSR]		= svm_exit_msr,
	[SVM_EXIT_SHUTDOWN]	= svm_exit_shutdown,
	[SVM_EXIT_VMRUN]	= svm_exit_ud,
	[SVM_EXIT_VMMCALL]	= svm_exit_vmmcall,
	[SVM_EXIT_VMLOAD]	= svm_exit_ud,
	[SVM_EXIT_VMSAVE]	= svm_exit_ud,
	[SVM_EXIT_STGI]		= svm_exit_ud,
	[SVM_EXIT_CLGI]		= svm_exit_ud,
	[SVM_EXIT_SKINIT]	= svm_exit_ud,
	[SVM_EXIT_RDTSCP]	= svm_exit_ud,
	[SVM_EXIT_ICEBP]	= svm_exit_icebp,
	[SVM_EXIT_WBINVD]	= svm_exit_skip2,
	[SVM_EXIT_MONITOR]	= svm_exit_ud,
	[SVM_EXIT_MWAIT]	= svm_exit_ud,
	[SVM_EXIT_MWAIT_COND]	= svm_exit_ud,
	[SVM_EXIT_XSETBV]	= svm_exit_xsetbv,
	[SVM_EXIT_RDPRU]	= svm_exit_ud,
};

/* A software interrupt or exception: INTn, INT3, INTO. */
static bool svm_soft_event(u64 info)
{
	u64 vector = info & SVM_EVTINJ_VECTOR;

	return (info & SVM_EVTINJ_TYPE) == SVM_EVTINJ_TYPE_SOFT ||
	       ((info & SVM_EVTINJ_TYPE) == SVM_EVTINJ_TYPE_EXCEPTION &&
		(vector == X86_TRAP_BP || vector == X86_TRAP_OF));
}

/*
 * What became of the event the entry injected. An intercept in the middle
 * of delivering one (an NPF on the IDT, say) loses it unless it is
 * injected again: EXITINTINFO has EVENTINJ's format (AMD APM vol. 2,
 * "Event Injection" and "Interrupted Event Delivery"). Not a software
 * one: RIP is still on its instruction, which runs again (EVENTINJ would
 * push that address as the return address, without NRIPS). An NMI whose
 * delivery is done masks NMIs.
 */
static void svm_complete_events(struct svm_vcpu *sv)
{
	struct vmcb_control *c = &sv->vmcb->control;
	u64 info = c->exit_int_info;
	bool nmi_injecting = sv->nmi_injecting;

	c->event_inj = 0;
	sv->nmi_injecting = false;
	if ((info & SVM_EVTINJ_VALID) && !svm_soft_event(info)) {
		c->event_inj = info & (SVM_EVTINJ_VECTOR | SVM_EVTINJ_TYPE | SVM_EVTINJ_EV |
				       SVM_EVTINJ_VALID | GENMASK_ULL(63, 32));
		sv->nmi_injecting = (info & SVM_EVTINJ_TYPE) == SVM_EVTINJ_TYPE_NMI;
	}
	if (nmi_injecting && !sv->nmi_injecting)
		svm_set_nmi_masked(sv, true);
}

int svm_handle_exit(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *sv = vcpu->vendor;
	struct vmcb_control *c = &sv->vmcb->control;
	u64 code = c->exit_code;

	svm_complete_events(sv);
	if (code < ARRAY_SIZE(svm_exit_handlers) && svm_exit_handlers[code])
		return svm_exit_handlers[code](vcpu, sv);
	if (code == SVM_EXIT_NPF)
		return svm_exit_npf(vcpu, sv);
	if (svm_exit_is_invalid(code))
		return svm_exit_invalid(vcpu, sv);
	return svm_to_user_hw(vcpu, sv, VMM_EXIT_UNHANDLED);
}

u64 *svm_guest_rax(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *sv = vcpu->vendor;

	return &sv->vmcb->save.rax;
}
