// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMX exit handlers, one per basic exit reason, in a table (Intel SDM,
 * appendix "VMX Basic Exit Reasons"). Each returns what the core does next:
 * enter the guest again, or go to userspace with vcpu->run filled in; or
 * VMX_EXIT_SLOW when the exit needs work that may sleep, which
 * vmx_handle_exit_slow() does once the CPU is given back. Reasons without a
 * handler reach userspace as VMM_EXIT_UNHANDLED with the raw reason.
 */
#include <linux/bits.h>
#include <asm/trapnr.h>

#include "../vmm.h"
#include "vmcs.h"
#include "vmx.h"

#define UD_VECTOR		6
#define GP_VECTOR		13

/* I/O exit qualification (Intel SDM, "Exit Qualification for I/O Instructions") */
#define IO_SIZE_MASK		GENMASK(2, 0)	/* size - 1 */
#define IO_IN			BIT(3)
#define IO_STRING		BIT(4)
#define IO_PORT_SHIFT		16

/* Control-register access qualification */
#define CR_NUM(q)		((q) & 0xf)
#define CR_TYPE(q)		(((q) >> 4) & 3)
#define CR_TYPE_MOV_TO		0
#define CR_TYPE_MOV_FROM	1
#define CR_TYPE_CLTS		2
#define CR_TYPE_LMSW		3
#define CR_GPR(q)		(((q) >> 8) & 0xf)
#define CR_LMSW_DATA(q)		(((q) >> 16) & 0xffff)

/* EPT violation qualification */
#define EPT_WRITE		BIT(1)
#define EPT_NMI_UNBLOCK		BIT(12)

typedef int (*vmx_exit_handler)(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx);

static int vmx_to_user_hw(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx, u32 reason)
{
	vcpu->run->exit_reason = reason;
	vcpu->run->hw.reason = vx->exit.reason;
	vcpu->run->hw.qualification = vx->exit.qualification;
	vcpu->run->hw.info = 0;
	return VMM_TO_USER;
}

/*
 * The interrupt was left pending and taken when the host enabled them: its
 * handler's data may be in the L1D now.
 */
static int vmx_exit_host_event(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	vx->l1d_flush = vmx_l1d_flush_mode != VMX_L1D_FLUSH_NONE;
	return VMM_RESUME;
}

/*
 * The guest's MOV CR8 took the TPR shadow below the class of an interrupt
 * it held back (vcpu.c, vmx_tpr_enter()). Trap-like: the MOV is done, and
 * the next entry lets the interrupt in.
 */
static int vmx_exit_tpr_below_threshold(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	return VMM_RESUME;
}

/*
 * Give the guest the exception that exited, as it was: vector, type (ICEBP's
 * #DB is a privileged software exception, with its length), error code.
 */
static void vmx_reflect_exception(struct vmx_vcpu *vx)
{
	u32 info = vx->exit.intr_info;
	u32 type = info & INTR_INFO_TYPE;

	if (info & INTR_INFO_ERROR_CODE)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
			     vmcs_read32(VM_EXIT_INTR_ERROR_CODE));
	if (type == INTR_TYPE_PRIV_SW_EXCEPTION || type == INTR_TYPE_SW_EXCEPTION)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, vx->exit.insn_len);
	vmcs_write32(VM_ENTRY_INTR_INFO, (info & (INTR_INFO_VECTOR | INTR_INFO_TYPE |
						  INTR_INFO_ERROR_CODE)) |
		     INTR_INFO_VALID);
}

/* DR6 bits a #DB exit reports in its qualification: B0-B3, BD, BS. */
#define DB_QUAL_DR6		(GENMASK(3, 0) | BIT(13) | BIT(14))

/*
 * NMIs (handed to the host already) and the exceptions in the bitmap: #DB
 * and #AC, reflected at once. A #DB exit leaves DR6 alone and reports its
 * cause here instead; the guest reads the result through its MOV DR.
 */
static int vmx_exit_exception_nmi(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	u32 info = vx->exit.intr_info;
	u32 vector = info & INTR_INFO_VECTOR;

	if ((info & INTR_INFO_TYPE) == INTR_TYPE_NMI)
		return VMM_RESUME;
	if (vector == X86_TRAP_DB) {
		vx->dr6 = (vx->dr6 & ~GENMASK(3, 0)) |
			  (vx->exit.qualification & DB_QUAL_DR6);
		vmx_reflect_exception(vx);
		return VMM_RESUME;
	}
	if (vector == X86_TRAP_AC) {
		vmx_reflect_exception(vx);
		return VMM_RESUME;
	}
	/* The host's handler took it at the exit (vmx_enter_exit()). */
	if (vector == X86_TRAP_MC)
		return VMM_RESUME;
	return vmx_to_user_hw(vcpu, vx, VMM_EXIT_UNHANDLED);
}

/*
 * A MOV DR: the guest takes DR0-3 (and DR6) until the next exit, and the
 * instruction runs again, natively (struct vmm_debugregs).
 */
static int vmx_exit_dr_access(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	vcpu->dbg.owned = true;
	vmx_mov_dr_exiting(false);
	return VMM_RESUME;
}

static int vmx_exit_triple_fault(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	return vmx_to_user_hw(vcpu, vx, VMM_EXIT_SHUTDOWN);
}

static int vmx_exit_cpuid(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	u64 *g = vx->regs;
	u32 out[4];

	vmm_cpuid(vcpu, g[VMM_RAX], g[VMM_RCX], out);
	vmm_fpu_cpuid(&vcpu->fpu, vx->osxsave, g[VMM_RAX], g[VMM_RCX], out);
	g[VMM_RAX] = out[0];
	g[VMM_RBX] = out[1];
	g[VMM_RCX] = out[2];
	g[VMM_RDX] = out[3];
	vmx_skip_insn(vx);
	return VMM_RESUME;
}

/* An event that wakes the HLT is delivered past it, at the next entry. */
static int vmx_exit_hlt(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	vmx_skip_insn(vx);
	return vmm_vcpu_hlt(vcpu, vmcs_readl(GUEST_RFLAGS));
}

/*
 * The guest can take the interrupt (or the NMI) that waits: the exit is
 * off again, and the next entry injects it (vmm_events_before_entry()).
 */
static int vmx_exit_interrupt_window(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	vmx_proc_control(PROC_INTR_WINDOW_EXITING, false);
	return VMM_RESUME;
}

static int vmx_exit_nmi_window(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	vmx_proc_control(PROC_NMI_WINDOW_EXITING, false);
	return VMM_RESUME;
}

/*
 * INVD would drop the host's dirty cache lines, WBINVD stall the host for
 * as long as the caches take to write back: guest memory is ordinary
 * write-back host memory, so both do nothing.
 */
static int vmx_exit_skip(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	vmx_skip_insn(vx);
	return VMM_RESUME;
}

static int vmx_exit_vmcall(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	vmx_skip_insn(vx);
	return vmm_exit_hypercall(vcpu, vx->regs[VMM_RAX], vx->regs);
}

/* VMX instructions, GETSEC, MONITOR/MWAIT: the guest has none of them. */
static int vmx_exit_ud(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	vmx_inject_exception(vx, UD_VECTOR, false, 0);
	return VMM_RESUME;
}

/* RDPMC: no performance counters are offered. */
static int vmx_exit_gp(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	vmx_inject_exception(vx, GP_VECTOR, true, 0);
	return VMM_RESUME;
}

static int vmx_exit_io(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	unsigned long q = vx->exit.qualification;
	unsigned int size = (q & IO_SIZE_MASK) + 1;

	/* INS/OUTS read or write guest memory: after the CPU is given back. */
	if (q & IO_STRING)
		return VMX_EXIT_SLOW;
	vmx_skip_insn(vx);
	return vmm_exit_io(vcpu, q >> IO_PORT_SHIFT, size, q & IO_IN, vx->regs[VMM_RAX]);
}

static int vmx_exit_rdmsr(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	u64 *g = vx->regs;
	u64 value;

	if (vmx_msr_read(vcpu, vx, g[VMM_RCX], &value)) {
		vmx_inject_exception(vx, GP_VECTOR, true, 0);
		return VMM_RESUME;
	}
	g[VMM_RAX] = (u32)value;
	g[VMM_RDX] = value >> 32;
	vmx_skip_insn(vx);
	return VMM_RESUME;
}

static int vmx_exit_wrmsr(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	const u64 *g = vx->regs;
	u64 value = (u32)g[VMM_RAX] | (g[VMM_RDX] << 32);

	if (vmx_msr_write(vcpu, vx, g[VMM_RCX], value)) {
		vmx_inject_exception(vx, GP_VECTOR, true, 0);
		return VMM_RESUME;
	}
	vmx_skip_insn(vx);
	return VMM_RESUME;
}

/*
 * XSETBV: the guest's XCR0, kept in fpu.c and loaded around the entry
 * while the guest has CR4.OSXSAVE. The processor checks #UD and #GP before
 * the exit; an emulator might not, and they are cheap to check again.
 */
static int vmx_exit_xsetbv(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	const u64 *g = vx->regs;
	u64 value = (u32)g[VMM_RAX] | (g[VMM_RDX] << 32);
	unsigned int cpl = (vmcs_read32(GUEST_SS_AR) >> 5) & 3;

	if (!vx->osxsave) {
		vmx_inject_exception(vx, UD_VECTOR, false, 0);
		return VMM_RESUME;
	}
	if (cpl || vmm_fpu_set_xcr(&vcpu->fpu, g[VMM_RCX], value)) {
		vmx_inject_exception(vx, GP_VECTOR, true, 0);
		return VMM_RESUME;
	}
	vmx_skip_insn(vx);
	return VMM_RESUME;
}

/* Work that may sleep: after the CPU is given back. */
static int vmx_exit_slow(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	return VMX_EXIT_SLOW;
}

/* Our EPT has no bad entries; if the CPU finds one, the VM cannot go on. */
static int vmx_exit_ept_misconfig(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	vmx_to_user_hw(vcpu, vx, VMM_EXIT_INTERNAL_ERROR);
	vcpu->run->hw.qualification = vx->exit.gpa;
	return VMM_TO_USER;
}

static const vmx_exit_handler vmx_exit_handlers[EXIT_REASON_MAX] = {
	[EXIT_EXCEPTION_NMI]		= vmx_exit_exception_nmi,
	[EXIT_EXTERNAL_INTERRUPT]	= vmx_exit_host_event,
	[EXIT_TRIPLE_FAULT]		= vmx_exit_triple_fault,
	[EXIT_INTERRUPT_WINDOW]		= vmx_exit_interrupt_window,
	[EXIT_NMI_WINDOW]		= vmx_exit_nmi_window,
	[EXIT_CPUID]			= vmx_exit_cpuid,
	[EXIT_GETSEC]			= vmx_exit_ud,
	[EXIT_HLT]			= vmx_exit_hlt,
	[EXIT_INVD]			= vmx_exit_skip,
	[EXIT_RDPMC]			= vmx_exit_gp,
	[EXIT_VMCALL]			= vmx_exit_vmcall,
	[EXIT_VMCLEAR]			= vmx_exit_ud,
	[EXIT_VMLAUNCH]			= vmx_exit_ud,
	[EXIT_VMPTRLD]			= vmx_exit_ud,
	[EXIT_VMPTRST]			= vmx_exit_ud,
	[EXIT_VMREAD]			= vmx_exit_ud,
	[EXIT_VMRESUME]			= vmx_exit_ud,
	[EXIT_VMWRITE]			= vmx_exit_ud,
	[EXIT_VMXOFF]			= vmx_exit_ud,
	[EXIT_VMXON]			= vmx_exit_ud,
	[EXIT_CR_ACCESS]		= vmx_exit_slow,
	[EXIT_DR_ACCESS]		= vmx_exit_dr_access,
	[EXIT_IO_INSTRUCTION]		= vmx_exit_io,
	[EXIT_RDMSR]			= vmx_exit_rdmsr,
	[EXIT_WRMSR]			= vmx_exit_wrmsr,
	[EXIT_MWAIT]			= vmx_exit_ud,
	[EXIT_MONITOR]			= vmx_exit_ud,
	[EXIT_TPR_BELOW_THRESHOLD]	= vmx_exit_tpr_below_threshold,
	[EXIT_EPT_VIOLATION]		= vmx_exit_slow,
	[EXIT_EPT_MISCONFIG]		= vmx_exit_ept_misconfig,
	[EXIT_INVEPT]			= vmx_exit_ud,
	[EXIT_INVVPID]			= vmx_exit_ud,
	[EXIT_WBINVD]			= vmx_exit_skip,
	[EXIT_XSETBV]			= vmx_exit_xsetbv,
	[EXIT_VMFUNC]			= vmx_exit_ud,
};

/*
 * An exit in the middle of delivering an event to the guest (say, an EPT
 * violation on its IDT) loses the event unless it is injected again
 * (Intel SDM, "Information for VM Exits During Event Delivery"): with its
 * error code, and for software interrupts and exceptions the length of
 * their instruction, RIP being still on it. An NMI whose delivery was
 * cut short did not block NMIs yet; VM entry refuses to inject one while
 * they are (SDM, "Checks on Guest Non-Register State").
 */
static void vmx_reinject_vectoring(struct vmx_vcpu *vx)
{
	u32 info = vx->exit.vectoring;
	u32 type = info & INTR_INFO_TYPE;

	if (!(info & INTR_INFO_VALID))
		return;
	if (info & INTR_INFO_ERROR_CODE)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
			     vmcs_read32(IDT_VECTORING_ERROR_CODE));
	if (type == INTR_TYPE_SW_INTR || type == INTR_TYPE_PRIV_SW_EXCEPTION ||
	    type == INTR_TYPE_SW_EXCEPTION)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, vx->exit.insn_len);
	if (type == INTR_TYPE_NMI) {
		u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY);

		if (intr & INTERRUPTIBILITY_NMI)
			vmcs_write32(GUEST_INTERRUPTIBILITY, intr & ~INTERRUPTIBILITY_NMI);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO, info & ~INTR_INFO_NMI_UNBLOCK);
}

/*
 * An IRET that unblocked NMIs and then faulted, or exited, before it
 * completed: it runs again, and NMIs must stay blocked until it has
 * (SDM, "Exit Qualification for EPT Violations" and "Information for VM
 * Exits Due to Vectored Events", bit 12). Not when the exit came during
 * the delivery of an event: the bit is undefined then.
 */
static void vmx_nmi_unblocked_by_iret(struct vmx_vcpu *vx, u32 basic)
{
	bool unblocked;

	if (vx->exit.vectoring & INTR_INFO_VALID)
		return;
	if (basic == EXIT_EXCEPTION_NMI)
		unblocked = vx->exit.intr_info & INTR_INFO_NMI_UNBLOCK;
	else
		unblocked = (basic == EXIT_EPT_VIOLATION) &&
			    (vx->exit.qualification & EPT_NMI_UNBLOCK);
	if (unblocked)
		vmcs_write32(GUEST_INTERRUPTIBILITY,
			     vmcs_read32(GUEST_INTERRUPTIBILITY) | INTERRUPTIBILITY_NMI);
}

/* Right after the exit: VMCS current, preemption off. */
int vmx_handle_exit(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	u32 basic = EXIT_REASON_BASIC(vx->exit.reason);

	vx->exit.qualification = vmcs_readl(EXIT_QUALIFICATION);
	/* A machine check during the entry: handled at the exit; again. */
	if (basic == EXIT_MACHINE_CHECK)
		return VMM_RESUME;
	/* A VM entry that failed its guest-state or MSR-load checks. */
	if (vx->exit.reason & EXIT_REASON_ENTRY_FAILED)
		return vmx_to_user_hw(vcpu, vx, VMM_EXIT_FAIL_ENTRY);

	vx->exit.insn_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	vx->exit.vectoring = vmcs_read32(IDT_VECTORING_INFO);
	vmx_reinject_vectoring(vx);
	if (basic == EXIT_EXCEPTION_NMI)
		vx->exit.intr_info = vmcs_read32(VM_EXIT_INTR_INFO);
	vmx_nmi_unblocked_by_iret(vx, basic);
	if (basic == EXIT_EPT_VIOLATION || basic == EXIT_EPT_MISCONFIG)
		vx->exit.gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	if (basic < ARRAY_SIZE(vmx_exit_handlers) && vmx_exit_handlers[basic])
		return vmx_exit_handlers[basic](vcpu, vx);
	return vmx_to_user_hw(vcpu, vx, VMM_EXIT_UNHANDLED);
}

/*
 * VMM_EXIT_INTERNAL_ERROR: hw.qualification the guest-physical address,
 * hw.info the event whose delivery reached it (IDT-vectoring information).
 * The event stays injected for the next entry, should userspace map it.
 */
static int vmx_event_delivery_error(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	vmx_to_user_hw(vcpu, vx, VMM_EXIT_INTERNAL_ERROR);
	vcpu->run->hw.qualification = vx->exit.gpa;
	vcpu->run->hw.info = vx->exit.vectoring;
	return VMM_TO_USER;
}

static int vmx_exit_ept_violation(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	bool write = vx->exit.qualification & EPT_WRITE;
	int ret;

	ret = vmm_vm_fault(vcpu->vm, vx->exit.gpa, write);
	if (!ret)
		return VMM_RESUME;
	/*
	 * No slot backs it. The delivery of an event (its IDT entry, its
	 * stack) is nothing to decode: the VM cannot go on (A8 of the
	 * adversarial list). Else MMIO, for userspace once decoded.
	 */
	if (ret == -ENOENT && (vx->exit.vectoring & INTR_INFO_VALID))
		return vmx_event_delivery_error(vcpu, vx);
	if (ret == -ENOENT)
		return vmm_mmio_begin(vcpu, vx->exit.gpa, NULL, 0);
	return ret;
}

static u64 *vmx_gpr(struct vmx_vcpu *vx, unsigned int n)
{
	return &vx->regs[n & 15];
}

/*
 * MOV to/from CR, CLTS and LMSW on what we own (Intel SDM, "Exit
 * Qualification for Control-Register Accesses"). Preemptible: entering PAE
 * paging reads the PDPTEs from guest memory, which may sleep, so the VMCS
 * is taken once to read the operands and once to apply the write.
 */
static int vmx_exit_cr_access(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	unsigned long q = vx->exit.qualification;
	unsigned int cr = CR_NUM(q), gpr = CR_GPR(q), type = CR_TYPE(q);
	unsigned long val = 0, cr0, cr3, cr4;
	u64 pdpte[4] = {}, efer;
	bool pae;
	int err = 0;

	if (cr != 0 && cr != 3 && cr != 4 && cr != 8)
		return vmx_to_user_hw(vcpu, vx, VMM_EXIT_UNHANDLED);

	vx = vmx_vcpu_get(vcpu);
	cr0 = vmx_guest_cr0();
	cr3 = vmcs_readl(GUEST_CR3);
	cr4 = vmx_guest_cr4();
	efer = vmcs_read64(GUEST_IA32_EFER);
	if (type == CR_TYPE_MOV_FROM) {
		val = cr == 3 ? cr3 : cr == 8 ? vmm_cr8_get(vcpu, *vmx_cr8(vx)) : 0;
		if (gpr == VMM_RSP)
			vmcs_writel(GUEST_RSP, val);
		else
			*vmx_gpr(vx, gpr) = val;
		vmx_skip_insn(vx);
		vmx_vcpu_put();
		return VMM_RESUME;
	}
	if (type == CR_TYPE_MOV_TO)
		val = gpr == VMM_RSP ? vmcs_readl(GUEST_RSP) : *vmx_gpr(vx, gpr);
	else if (type == CR_TYPE_CLTS)
		val = cr0 & ~X86_CR0_TS;
	else	/* LMSW writes PE, MP, EM, TS; it can set PE, never clear it */
		val = (cr0 & ~0xeUL) | (CR_LMSW_DATA(q) & 0xf);
	vmx_vcpu_put();

	switch (cr) {
	case 0:
		cr0 = val;
		break;
	case 3:
		cr3 = val;
		break;
	case 4:
		cr4 = val;
		break;
	}
	/* PAE paging outside long mode keeps four PDPTEs in the VMCS. */
	pae = cr != 8 && vmx_pae_paging(cr0, cr4, efer);
	if (pae && vmx_read_pdptes(vcpu, cr3, pdpte))
		err = -EINVAL;

	vx = vmx_vcpu_get(vcpu);
	if (!err) {
		switch (cr) {
		case 0:
			err = vmx_set_cr0(vx, val);
			break;
		case 3:
			vmcs_writel(GUEST_CR3, val);
			break;
		case 4:
			err = vmx_set_cr4(vx, val);
			break;
		case 8:
			err = val > 0xf ? -EINVAL : 0;
			if (!err)
				vmm_cr8_set(vcpu, vmx_cr8(vx), val);
			break;
		}
	}
	if (!err && pae)
		vmx_write_pdptes(pdpte);
	if (err)
		vmx_inject_exception(vx, GP_VECTOR, true, 0);
	else
		vmx_skip_insn(vx);
	vmx_vcpu_put();
	return VMM_RESUME;
}

/* Preemptible: may sleep, loads the VMCS itself where it needs it. */
int vmx_handle_exit_slow(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	switch (EXIT_REASON_BASIC(vx->exit.reason)) {
	case EXIT_EPT_VIOLATION:
		return vmx_exit_ept_violation(vcpu, vx);
	case EXIT_CR_ACCESS:
		return vmx_exit_cr_access(vcpu, vx);
	case EXIT_IO_INSTRUCTION:
		return vmm_pio_string_begin(vcpu, vx->exit.qualification >> IO_PORT_SHIFT,
					    (vx->exit.qualification & IO_SIZE_MASK) + 1,
					    vx->exit.qualification & IO_IN);
	default:
		return vmx_to_user_hw(vcpu, vx, VMM_EXIT_INTERNAL_ERROR);
	}
}

u64 *vmx_guest_rax(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vx = vcpu->vendor;

	return &vx->regs[VMM_RAX];
}
