// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMX vCPUs: creation, register access, and one trip into the guest.
 *
 * VMCS fields can only be read and written on the CPU where the VMCS is
 * current, so everything here that touches them runs with preemption off
 * after vmx_vmcs_load(). The exit is handled in two steps: what needs no
 * sleep right after the exit, still on this CPU; what may sleep (faulting in
 * guest memory, reading it) afterwards, loading the VMCS again as needed.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/hw_breakpoint.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <asm/apic.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/sync_core.h>
#include <asm/trapnr.h>

#include "../compat.h"
#include "../spec.h"
#include "../vmm.h"
#include "vmcs.h"
#include "vmenter.h"
#include "vmx.h"

static const u32 vmx_switched_msr_index[VMX_NR_SWITCHED_MSRS] = {
	[VMX_MSR_STAR]		= MSR_STAR,
	[VMX_MSR_LSTAR]		= MSR_LSTAR,
	[VMX_MSR_CSTAR]		= MSR_CSTAR,
	[VMX_MSR_SFMASK]	= MSR_SYSCALL_MASK,
	[VMX_MSR_KERNEL_GS_BASE] = MSR_KERNEL_GS_BASE,
};

/* The host's SYSCALL MSRs: the same on every CPU from boot on. */
static u64 vmx_host_syscall_msrs[VMX_MSR_KERNEL_GS_BASE];

void vmx_syscall_msrs_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmx_host_syscall_msrs); i++)
		rdmsrq(vmx_switched_msr_index[i], vmx_host_syscall_msrs[i]);
}

/* For VMCS accesses: stay on this CPU, with the vCPU's VMCS current. */
struct vmx_vcpu *vmx_vcpu_get(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vx = vcpu->vendor;

	preempt_disable();
	vmx_vmcs_load(vx);
	return vx;
}

void vmx_vcpu_put(void)
{
	preempt_enable();
}

int vmx_vcpu_create(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vx;
	u64 ad;

	if (!vmx_controls_usable())
		return -EOPNOTSUPP;
	vx = kzalloc(sizeof(*vx), GFP_KERNEL_ACCOUNT);
	if (!vx)
		return -ENOMEM;
	vx->cpu = -1;
	vx->entered_cpu = -1;
	INIT_LIST_HEAD(&vx->loaded_link);
	vx->vmcs = vmx_vmcs_alloc();
	if (!vx->vmcs)
		goto err_free;
	vx->vmcs_pa = virt_to_phys(vx->vmcs);
	if (vmx_has_tpr_shadow()) {
		vx->vapic = (u32 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
		if (!vx->vapic)
			goto err_vmcs;
	}
	/* The guest's SYSCALL MSRs start at their RESET value, 0 (kzalloc). */
	vx->vpid = vmx_vpid_alloc();
	ad = (vmm_host_caps.features & VMM_FEAT_TDP_AD) ? EPTP_AD : 0;
	vx->eptp = vmm_mmu_root_pa(&vcpu->vm->mmu) | EPTP_WALK_4 | EPTP_MT_WB | ad;
	vcpu->vendor = vx;

	vmx_vcpu_get(vcpu);
	vmx_vmcs_init(vcpu, vx);
	vmx_vcpu_put();
	return 0;

err_vmcs:
	free_page((unsigned long)vx->vmcs);
err_free:
	kfree(vx);
	return -ENOMEM;
}

void vmx_vcpu_free(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vx = vcpu->vendor;

	if (!vx)
		return;
	vmx_vmcs_clear(vx);		/* no CPU may still hold it */
	vmx_vpid_free(vx->vpid);
	free_page((unsigned long)vx->vmcs);
	free_page((unsigned long)vx->vapic);
	kfree(vx);
	vcpu->vendor = NULL;
}

static void vmx_clear_sti_shadow(void)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY);

	if (intr & INTERRUPTIBILITY_STI)
		vmcs_write32(GUEST_INTERRUPTIBILITY, intr & ~INTERRUPTIBILITY_STI);
}

void vmx_get_regs(struct vmm_vcpu *vcpu, struct vmm_regs *r)
{
	struct vmx_vcpu *vx = vmx_vcpu_get(vcpu);

	vmm_gprs_to_user(r, vx->regs);
	r->rsp = vmcs_readl(GUEST_RSP);
	r->rip = vmcs_readl(GUEST_RIP);
	r->rflags = vmcs_readl(GUEST_RFLAGS);
	vmx_vcpu_put();
}

void vmx_set_regs(struct vmm_vcpu *vcpu, const struct vmm_regs *r)
{
	struct vmx_vcpu *vx = vmx_vcpu_get(vcpu);

	vmm_gprs_from_user(vx->regs, r);
	vmcs_writel(GUEST_RSP, r->rsp);
	vmcs_writel(GUEST_RIP, r->rip);
	/* Bit 1 is always set; a guest cannot run without it. */
	vmcs_writel(GUEST_RFLAGS, r->rflags | X86_EFLAGS_FIXED);
	/*
	 * STI's shadow with IF clear is a state no guest can reach, and VM
	 * entry refuses it: it ends with the IF it depended on.
	 */
	if (!(r->rflags & X86_EFLAGS_IF))
		vmx_clear_sti_shadow();
	vmx_vcpu_put();
}

/*
 * Segments. The uapi's attributes are the descriptor's bits 40-47 and 52-55
 * packed in 12 bits (the VMCB layout); VMX keeps the second group at bits
 * 12-15 and marks a segment that must not be used (a null selector loaded
 * in protected mode) with bit 16, which the uapi says as not present.
 */
#define VMX_AR_UNUSABLE		BIT(16)
#define SEG_PRESENT		BIT(7)

struct vmx_seg_fields {
	enum vmcs_field sel, base, limit, ar;
};

#define SEG(s) { GUEST_##s##_SELECTOR, GUEST_##s##_BASE, GUEST_##s##_LIMIT, GUEST_##s##_AR }
static const struct vmx_seg_fields seg_cs = SEG(CS), seg_ds = SEG(DS),
	seg_es = SEG(ES), seg_fs = SEG(FS), seg_gs = SEG(GS), seg_ss = SEG(SS),
	seg_tr = SEG(TR), seg_ldtr = SEG(LDTR);
#undef SEG

static void seg_to_user(struct vmm_segment *u, const struct vmx_seg_fields *f)
{
	u32 ar = __vmcs_read(f->ar);

	u->selector = __vmcs_read(f->sel);
	u->base = __vmcs_read(f->base);
	u->limit = __vmcs_read(f->limit);
	u->attrib = (ar & 0xff) | ((ar >> 4) & 0xf00);
	if (ar & VMX_AR_UNUSABLE)
		u->attrib &= ~SEG_PRESENT;
}

static void seg_from_user(const struct vmx_seg_fields *f, const struct vmm_segment *u)
{
	u32 ar = (u->attrib & 0xff) | ((u->attrib & 0xf00) << 4);

	if (!(u->attrib & SEG_PRESENT))
		ar |= VMX_AR_UNUSABLE;
	__vmcs_write(f->sel, u->selector);
	__vmcs_write(f->base, u->base);
	__vmcs_write(f->limit, u->limit);
	__vmcs_write(f->ar, ar);
}

/* What the guest reads: owned bits from the read shadow, the rest live. */
unsigned long vmx_guest_cr0(void)
{
	unsigned long mask = vmcs_readl(CR0_GUEST_HOST_MASK);

	return (vmcs_readl(GUEST_CR0) & ~mask) | (vmcs_readl(CR0_READ_SHADOW) & mask);
}

unsigned long vmx_guest_cr4(void)
{
	unsigned long mask = vmcs_readl(CR4_GUEST_HOST_MASK);

	return (vmcs_readl(GUEST_CR4) & ~mask) | (vmcs_readl(CR4_READ_SHADOW) & mask);
}

void vmx_get_sregs(struct vmm_vcpu *vcpu, struct vmm_sregs *u)
{
	struct vmx_vcpu *vx = vmx_vcpu_get(vcpu);

	seg_to_user(&u->cs, &seg_cs);
	seg_to_user(&u->ds, &seg_ds);
	seg_to_user(&u->es, &seg_es);
	seg_to_user(&u->fs, &seg_fs);
	seg_to_user(&u->gs, &seg_gs);
	seg_to_user(&u->ss, &seg_ss);
	seg_to_user(&u->tr, &seg_tr);
	seg_to_user(&u->ldtr, &seg_ldtr);
	u->gdt.base = vmcs_readl(GUEST_GDTR_BASE);
	u->gdt.limit = vmcs_read32(GUEST_GDTR_LIMIT);
	u->idt.base = vmcs_readl(GUEST_IDTR_BASE);
	u->idt.limit = vmcs_read32(GUEST_IDTR_LIMIT);
	u->cr0 = vmx_guest_cr0();
	u->cr2 = vx->cr2;
	u->cr3 = vmcs_readl(GUEST_CR3);
	u->cr4 = vmx_guest_cr4();
	u->cr8 = vmm_cr8_get(vcpu, vx->cr8);
	u->efer = vmcs_read64(GUEST_IA32_EFER);
	vmx_vcpu_put();
}

/* Guest-physical PDPTEs for PAE paging outside long mode, or -EFAULT. */
int vmx_read_pdptes(struct vmm_vcpu *vcpu, unsigned long cr3, u64 pdpte[4])
{
	return vmm_read_guest_phys(vcpu->vm, cr3 & ~0x1fUL, pdpte, 4 * sizeof(u64));
}

void vmx_write_pdptes(const u64 pdpte[4])
{
	vmcs_write64(GUEST_PDPTE0, pdpte[0]);
	vmcs_write64(GUEST_PDPTE1, pdpte[1]);
	vmcs_write64(GUEST_PDPTE2, pdpte[2]);
	vmcs_write64(GUEST_PDPTE3, pdpte[3]);
}

/* EFER.LMA and the entry control that must match it. */
static void vmx_set_efer_hw(u64 efer)
{
	vmcs_write64(GUEST_IA32_EFER, efer);
	vmcs_write32(VM_ENTRY_CONTROLS, vmx_entry_controls(efer & EFER_LMA));
}

/**
 * vmx_set_cr0() - the guest writes CR0, or vmm sets it
 * @vx: the vCPU, VMCS current
 * @cr0: the value the guest wants
 *
 * Enabling paging with EFER.LME enters long mode (EFER.LMA); disabling it
 * leaves. Return: 0, or -EINVAL where the CPU would raise #GP.
 */
int vmx_set_cr0(struct vmx_vcpu *vx, unsigned long cr0)
{
	u64 efer = vmcs_read64(GUEST_IA32_EFER);

	if ((cr0 >> 32) || ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE)) ||
	    ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD)))
		return -EINVAL;
	if ((cr0 & X86_CR0_PG) && (efer & EFER_LME) && !(efer & EFER_LMA)) {
		if (!(vmx_guest_cr4() & X86_CR4_PAE))
			return -EINVAL;
		vmx_set_efer_hw(efer | EFER_LMA);
	} else if (!(cr0 & X86_CR0_PG) && (efer & EFER_LMA)) {
		vmx_set_efer_hw(efer & ~EFER_LMA);
	}
	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR0, vmx_hw_cr0(cr0));
	return 0;
}

/* As vmx_set_cr0(), for CR4. */
int vmx_set_cr4(struct vmx_vcpu *vx, unsigned long cr4)
{
	u64 efer = vmcs_read64(GUEST_IA32_EFER);

	if (!vmx_cr4_valid(cr4) || ((efer & EFER_LMA) && !(cr4 & X86_CR4_PAE)))
		return -EINVAL;
	vmcs_writel(CR4_READ_SHADOW, cr4);
	vmcs_writel(GUEST_CR4, vmx_hw_cr4(cr4));
	vx->osxsave = cr4 & X86_CR4_OSXSAVE;
	return 0;
}

bool vmx_pae_paging(unsigned long cr0, unsigned long cr4, u64 efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA);
}

/*
 * Userspace sets the state as is (a loader's long mode comes with EFER.LMA
 * already set); what the hardware refuses comes back as a failed entry.
 * Only what must never reach the hardware is refused here.
 */
int vmx_set_sregs(struct vmm_vcpu *vcpu, const struct vmm_sregs *u)
{
	struct vmx_vcpu *vx;
	u64 pdpte[4] = {};

	/* EFER.SVME too, as on SVM: the ABI refuses it on both (abi.rst). */
	if (!vmx_cr4_valid(u->cr4) || u->cr8 > 0xf || (u->cr0 >> 32) ||
	    (u->efer & EFER_SVME))
		return -EINVAL;
	/* The guest-physical reads may sleep: before taking the CPU. */
	if (vmx_pae_paging(u->cr0, u->cr4, u->efer) &&
	    vmx_read_pdptes(vcpu, u->cr3, pdpte))
		return -EFAULT;

	vx = vmx_vcpu_get(vcpu);
	seg_from_user(&seg_cs, &u->cs);
	seg_from_user(&seg_ds, &u->ds);
	seg_from_user(&seg_es, &u->es);
	seg_from_user(&seg_fs, &u->fs);
	seg_from_user(&seg_gs, &u->gs);
	seg_from_user(&seg_ss, &u->ss);
	seg_from_user(&seg_tr, &u->tr);
	seg_from_user(&seg_ldtr, &u->ldtr);
	vmcs_writel(GUEST_GDTR_BASE, u->gdt.base);
	vmcs_write32(GUEST_GDTR_LIMIT, u->gdt.limit);
	vmcs_writel(GUEST_IDTR_BASE, u->idt.base);
	vmcs_write32(GUEST_IDTR_LIMIT, u->idt.limit);
	vmx_set_efer_hw(u->efer);
	vmcs_writel(CR0_READ_SHADOW, u->cr0);
	vmcs_writel(GUEST_CR0, vmx_hw_cr0(u->cr0));
	vmcs_writel(CR4_READ_SHADOW, u->cr4);
	vmcs_writel(GUEST_CR4, vmx_hw_cr4(u->cr4));
	vx->osxsave = u->cr4 & X86_CR4_OSXSAVE;
	vmcs_writel(GUEST_CR3, u->cr3);
	vmx_write_pdptes(pdpte);
	vx->cr2 = u->cr2;
	vmm_cr8_set(vcpu, &vx->cr8, u->cr8);
	vmx_vcpu_put();
	return 0;
}

static int vmx_switched_msr(u32 index)
{
	int i;

	for (i = 0; i < VMX_NR_SWITCHED_MSRS; i++)
		if (vmx_switched_msr_index[i] == index)
			return i;
	return -1;
}

/* The allow-list: MSRs the VMCS or the MSR lists hold for the guest. VMCS current. */
static int __vmx_get_msr(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx, u32 index,
			 u64 *value)
{
	int i;

	switch (index) {
	case MSR_EFER:
		*value = vmcs_read64(GUEST_IA32_EFER);
		break;
	case MSR_IA32_CR_PAT:
		*value = vmcs_read64(GUEST_IA32_PAT);
		break;
	case MSR_IA32_SYSENTER_CS:
		*value = vmcs_read32(GUEST_SYSENTER_CS);
		break;
	case MSR_IA32_SYSENTER_ESP:
		*value = vmcs_readl(GUEST_SYSENTER_ESP);
		break;
	case MSR_IA32_SYSENTER_EIP:
		*value = vmcs_readl(GUEST_SYSENTER_EIP);
		break;
	case MSR_FS_BASE:
		*value = vmcs_readl(GUEST_FS_BASE);
		break;
	case MSR_GS_BASE:
		*value = vmcs_readl(GUEST_GS_BASE);
		break;
	case MSR_TSC_AUX:
		/* Kept, never loaded: RDTSCP and RDPID #UD (enable RDTSCP off). */
		*value = vx->tsc_aux;
		break;
	default:
		i = vmx_switched_msr(index);
		if (i < 0)
			return vmm_core_get_msr(vcpu, index, value);
		*value = vx->guest_msrs[i];
	}
	return 0;
}

/* EFER bits a guest may set: SCE, LME, NXE (LMA follows CR0.PG). */
#define EFER_GUEST_BITS	(EFER_SCE | EFER_LME | EFER_NX)

/* @user: VMM_SET_MSRS rather than the guest's WRMSR (the TSC MSRs differ). */
static int __vmx_set_msr(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx, u32 index,
			 u64 value, bool user)
{
	u64 efer;
	int i;

	switch (index) {
	case MSR_EFER:
		efer = vmcs_read64(GUEST_IA32_EFER);
		if (value & ~(EFER_GUEST_BITS | EFER_LMA))
			return -EINVAL;
		/* LME cannot change while paging is on. */
		if (((value ^ efer) & EFER_LME) && (vmx_guest_cr0() & X86_CR0_PG))
			return -EINVAL;
		vmx_set_efer_hw((value & ~EFER_LMA) | (efer & EFER_LMA));
		break;
	case MSR_IA32_CR_PAT:
		if (!vmm_pat_valid(value))
			return -EINVAL;
		vmcs_write64(GUEST_IA32_PAT, value);
		break;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(GUEST_SYSENTER_CS, value);
		break;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		/* WRMSR's #GP, and a VM-entry check on the guest state too. */
		if (!vmm_canonical(value))
			return -EINVAL;
		vmcs_writel(index == MSR_IA32_SYSENTER_ESP ? GUEST_SYSENTER_ESP :
			    GUEST_SYSENTER_EIP, value);
		break;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
		if (!vmm_canonical(value))
			return -EINVAL;
		vmcs_writel(index == MSR_FS_BASE ? GUEST_FS_BASE : GUEST_GS_BASE, value);
		break;
	case MSR_TSC_AUX:
		if (value >> 32)
			return -EINVAL;
		vx->tsc_aux = value;
		break;
	default:
		i = vmx_switched_msr(index);
		if (i < 0) {
			i = vmm_core_set_msr(vcpu, index, value, user);
			if (!i)
				vmcs_write64(TSC_OFFSET, vcpu->tsc.offset);
			return i;
		}
		if (index != MSR_STAR && index != MSR_SYSCALL_MASK &&
		    !vmm_canonical(value))
			return -EINVAL;
		vx->guest_msrs[i] = value;
	}
	return 0;
}

int vmx_get_msr(struct vmm_vcpu *vcpu, u32 index, u64 *value)
{
	int ret = __vmx_get_msr(vcpu, vmx_vcpu_get(vcpu), index, value);

	vmx_vcpu_put();
	return ret;
}

int vmx_set_msr(struct vmm_vcpu *vcpu, u32 index, u64 value)
{
	int ret = __vmx_set_msr(vcpu, vmx_vcpu_get(vcpu), index, value, true);

	vmx_vcpu_put();
	return ret;
}

/* For the exit handlers, VMCS current. */
int vmx_msr_read(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx, u32 index, u64 *value)
{
	return __vmx_get_msr(vcpu, vx, index, value);
}

int vmx_msr_write(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx, u32 index, u64 value)
{
	return __vmx_set_msr(vcpu, vx, index, value, false);
}

u32 *vmx_cr8(struct vmx_vcpu *vx)
{
	return &vx->cr8;
}

/* Exceptions that push an error code: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP. */
#define EXC_HAS_ERROR_CODE	(BIT(8) | BIT(10) | BIT(11) | BIT(12) | BIT(13) | \
				 BIT(14) | BIT(17) | BIT(21))

void vmx_inject_exception(struct vmx_vcpu *vx, u8 vector, bool has_error, u32 error)
{
	u32 info = vector | INTR_TYPE_HW_EXCEPTION | INTR_INFO_VALID;

	/* Real mode delivers no error codes; VM entry checks that too. */
	if (has_error && (vmcs_readl(GUEST_CR0) & X86_CR0_PE) &&
	    (EXC_HAS_ERROR_CODE & BIT(vector))) {
		info |= INTR_INFO_ERROR_CODE;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO, info);
}

/* Interruption types, the entry's and the vendor-neutral ones. */
static const u32 vmx_event_types[] = {
	[VMM_EVENT_INTR]		= INTR_TYPE_EXT_INTR,
	[VMM_EVENT_NMI]			= INTR_TYPE_NMI,
	[VMM_EVENT_EXCEPTION]		= INTR_TYPE_HW_EXCEPTION,
	[VMM_EVENT_SOFT_INTR]		= INTR_TYPE_SW_INTR,
	[VMM_EVENT_SOFT_EXCEPTION]	= INTR_TYPE_SW_EXCEPTION,
	[VMM_EVENT_PRIV_SOFT_EXCEPTION]	= INTR_TYPE_PRIV_SW_EXCEPTION,
};

static bool vmx_soft_event(u32 type)
{
	return type == INTR_TYPE_SW_INTR || type == INTR_TYPE_SW_EXCEPTION ||
	       type == INTR_TYPE_PRIV_SW_EXCEPTION;
}

/* vmm_vendor_ops.get_injected: the VM-entry interruption information. */
void vmx_get_injected(struct vmm_vcpu *vcpu, struct vmm_event *ev)
{
	u32 info, type, i;

	vmx_vcpu_get(vcpu);
	info = vmcs_read32(VM_ENTRY_INTR_INFO);
	memset(ev, 0, sizeof(*ev));
	if (info & INTR_INFO_VALID) {
		type = info & INTR_INFO_TYPE;
		for (i = VMM_EVENT_INTR; i < ARRAY_SIZE(vmx_event_types); i++)
			if (vmx_event_types[i] == type)
				ev->type = i;
		ev->vector = info & INTR_INFO_VECTOR;
		if (info & INTR_INFO_ERROR_CODE) {
			ev->has_error_code = true;
			ev->error_code = vmcs_read32(VM_ENTRY_EXCEPTION_ERROR_CODE);
		}
		if (vmx_soft_event(type))
			ev->insn_len = vmcs_read32(VM_ENTRY_INSTRUCTION_LEN);
	}
	vmx_vcpu_put();
}

/*
 * vmm_vendor_ops.set_injected. VMX does not switch CR2: a #PF's payload
 * goes to vx->cr2, which vmx_enter_exit() loads before the entry delivers
 * the exception; DR6 likewise (vx->dr6, the guest's until it reads it).
 */
void vmx_set_injected(struct vmm_vcpu *vcpu, const struct vmm_event *ev)
{
	struct vmx_vcpu *vx = vmx_vcpu_get(vcpu);
	u32 info = 0;

	if (ev->type != VMM_EVENT_NONE && ev->type < ARRAY_SIZE(vmx_event_types)) {
		info = ev->vector | vmx_event_types[ev->type] | INTR_INFO_VALID;
		/* Real mode delivers no error codes; VM entry checks that too. */
		if (ev->has_error_code && (vmcs_readl(GUEST_CR0) & X86_CR0_PE)) {
			info |= INTR_INFO_ERROR_CODE;
			vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, ev->error_code);
		}
		if (vmx_soft_event(vmx_event_types[ev->type]))
			vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, ev->insn_len);
	}
	if (ev->type == VMM_EVENT_EXCEPTION && ev->has_payload) {
		if (ev->vector == X86_TRAP_PF)
			vx->cr2 = ev->payload;
		else if (ev->vector == X86_TRAP_DB)
			vx->dr6 = (vx->dr6 & ~(GENMASK(3, 0) | GENMASK(15, 13))) | ev->payload;
	}
	vmcs_write32(VM_ENTRY_INTR_INFO, info);
	vmx_vcpu_put();
}

u32 vmx_get_interruptibility(struct vmm_vcpu *vcpu)
{
	u32 hw, intr = 0;

	vmx_vcpu_get(vcpu);
	hw = vmcs_read32(GUEST_INTERRUPTIBILITY);
	vmx_vcpu_put();
	if (hw & INTERRUPTIBILITY_STI)
		intr |= VMM_INTR_STI;
	if (hw & INTERRUPTIBILITY_MOV_SS)
		intr |= VMM_INTR_MOV_SS;
	if (hw & INTERRUPTIBILITY_NMI)
		intr |= VMM_INTR_NMI_MASKED;
	return intr;
}

/* The other bits of the field (SMI, enclave) are kept as they are. */
void vmx_set_interruptibility(struct vmm_vcpu *vcpu, u32 intr)
{
	u32 hw;

	vmx_vcpu_get(vcpu);
	hw = vmcs_read32(GUEST_INTERRUPTIBILITY) &
	     ~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS | INTERRUPTIBILITY_NMI);
	if (intr & VMM_INTR_STI)
		hw |= INTERRUPTIBILITY_STI;
	if (intr & VMM_INTR_MOV_SS)
		hw |= INTERRUPTIBILITY_MOV_SS;
	if (intr & VMM_INTR_NMI_MASKED)
		hw |= INTERRUPTIBILITY_NMI;
	vmcs_write32(GUEST_INTERRUPTIBILITY, hw);
	vmx_vcpu_put();
}

u64 vmx_get_rflags(struct vmm_vcpu *vcpu)
{
	u64 rflags;

	vmx_vcpu_get(vcpu);
	rflags = vmcs_readl(GUEST_RFLAGS);
	vmx_vcpu_put();
	return rflags;
}

/* DR7 is the VMCS's; DR6 is vx->dr6 (VMX does not switch it). */
void vmx_reset_debug(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vx = vmx_vcpu_get(vcpu);

	vmcs_writel(GUEST_DR7, VMM_DR7_RESET);
	vx->dr7 = VMM_DR7_RESET;
	vx->dr6 = VMM_DR6_RESET;
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmx_vcpu_put();
}

/*
 * Interrupt-window exiting: an exit at the first instruction boundary
 * where RFLAGS.IF is set and no shadow blocks; NMI-window exiting: where
 * no virtual-NMI blocking and no shadow does (Intel SDM, "VM Exits
 * Caused by Interrupt-Window and NMI-Window Exiting"). Both come after
 * the delivery of an event the entry injects.
 */
void vmx_request_windows(struct vmm_vcpu *vcpu, bool irq, bool nmi)
{
	vmx_vcpu_get(vcpu);
	vmx_proc_control(PROC_INTR_WINDOW_EXITING, irq);
	vmx_proc_control(PROC_NMI_WINDOW_EXITING, nmi);
	vmx_vcpu_put();
}

/* Past the exiting instruction; an STI or MOV SS shadow ends with it. */
void vmx_skip_insn(struct vmx_vcpu *vx)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY);

	vmcs_writel(GUEST_RIP, vmcs_readl(GUEST_RIP) + vx->exit.insn_len);
	if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY,
			     intr & ~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

/* Task-owned host state, once per VMM_RUN. */
void vmx_run_begin(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vx = vcpu->vendor;
	struct vmx_host_task_state *h = &vx->host;

	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	rdmsrq(MSR_FS_BASE, h->fs_base);
	rdmsrq(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	rdmsrq(MSR_IA32_DEBUGCTLMSR, h->debugctl);
}

/*
 * CR3 and CR4 as the exit must restore them, read with interrupts off right
 * before the entry: a TLB-flush IPI may reload CR3 (another PCID) and
 * others change CR4 bits at any time interrupts are on, also between two
 * rounds of the in-kernel exit loop. VMCS current.
 */
static void vmx_prepare_host_crs(struct vmx_vcpu *vx)
{
	unsigned long cr3 = __read_cr3(), cr4 = __read_cr4();

	if (unlikely(cr3 != vx->host_cr3)) {
		vmcs_writel(HOST_CR3, cr3);
		vx->host_cr3 = cr3;
	}
	if (unlikely(cr4 != vx->host_cr4)) {
		vmcs_writel(HOST_CR4, cr4);
		vx->host_cr4 = cr4;
	}
}

/* Task-owned host state the VMCS must hold for this run; VMCS current. */
static void vmx_prepare_host(struct vmx_vcpu *vx)
{
	if (vx->host.fs_base != vx->host_fs_base) {
		vmcs_writel(HOST_FS_BASE, vx->host.fs_base);
		vx->host_fs_base = vx->host.fs_base;
	}
}

/*
 * The guest's SYSCALL target and flags mask, and the GS base SWAPGS gives
 * it, from the first entry on: with the host's, a guest's SYSCALL would
 * jump to the host's entry code address. Preemption off from here until
 * vmx_put_syscall_msrs(): nothing on this CPU returns to user mode or
 * executes SYSCALL in between, and interrupts and NMIs from kernel mode
 * do not SWAPGS.
 */
static void vmx_load_syscall_msrs(struct vmx_vcpu *vx)
{
	unsigned int i;

	for (i = 0; i < VMX_NR_SWITCHED_MSRS; i++)
		wrmsrq(vmx_switched_msr_index[i], vx->guest_msrs[i]);
}

/* Back to the host's, keeping what the guest's SWAPGS left. */
static void vmx_put_syscall_msrs(struct vmx_vcpu *vx)
{
	unsigned int i;

	rdmsrq(MSR_KERNEL_GS_BASE, vx->guest_msrs[VMX_MSR_KERNEL_GS_BASE]);
	wrmsrq(MSR_KERNEL_GS_BASE, vx->host.kernel_gs_base);
	for (i = 0; i < ARRAY_SIZE(vmx_host_syscall_msrs); i++)
		wrmsrq(vmx_switched_msr_index[i], vmx_host_syscall_msrs[i]);
}

/*
 * VM exit leaves the GDT limit at 0xffff (Intel SDM, "Loading Host Segment
 * and Descriptor-Table Registers"). Harmless in the kernel, but user mode
 * could then read descriptors past the GDT with LAR and LSL (the CPU entry
 * area behind it, guard pages included): restore it before this CPU can run
 * anything else.
 */
static void vmx_restore_host_gdt(struct vmx_vcpu *vx)
{
	native_load_gdt(&vx->host_gdt);
}

static u16 vmx_sldt(void)
{
	u16 sel;

	asm volatile("sldt %0" : "=rm" (sel));
	return sel;
}

/* After the exit, interrupts off: what VM exit set to fixed values. */
static void vmx_restore_host(struct vmx_vcpu *vx)
{
	const struct vmx_host_task_state *h = &vx->host;

	/* VM exit loads null DS/ES/FS/GS selectors: give the task its own. */
	if (unlikely(h->ds | h->es)) {
		loadsegment(ds, h->ds);
		loadsegment(es, h->es);
	}
	if (unlikely(h->fs)) {
		loadsegment(fs, h->fs);
		wrmsrq(MSR_FS_BASE, h->fs_base);
	}
	if (unlikely(h->gs)) {
		load_gs_index(h->gs);
		wrmsrq(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	}
	/* ...clears DEBUGCTL and DR7 (vmm_debugregs_exit() for DR7), */
	if (h->debugctl)
		update_debugctlmsr(h->debugctl);
	/*
	 * ...nulls LDTR (a task that uses modify_ldt() needs it back; read
	 * before the entry with interrupts off, as an LDT change reloads it
	 * by IPI),
	 */
	if (unlikely(vx->host_ldt))
		asm volatile("lldt %w0" : : "q" (vx->host_ldt));
	/* ...and sets the TR limit to 0x67, cutting off the I/O bitmap. */
	invalidate_tss_limit();
}

/* The TPR's dword in the virtual-APIC page. */
#define VAPIC_TPR	(0x80 / sizeof(u32))

/*
 * The TPR shadow (Intel SDM, "Virtualizing MOV to/from CR8"): the guest's
 * MOV CR8 reads and writes the virtual-APIC page's TPR without an exit,
 * as SVM's do V_TPR. It gets the TPR's class before each entry, and a
 * write that takes it below TPR_THRESHOLD exits right after: the
 * threshold is the class of an interrupt the TPR holds back, which may
 * then go in. The SDM's entry check, a threshold no higher than the
 * TPR's class, holds by that choice. VMCS current.
 */
static void vmx_tpr_enter(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	u32 threshold = 0;

	if (!vx->vapic)
		return;
	WRITE_ONCE(vx->vapic[VAPIC_TPR], vmm_cr8_get(vcpu, vx->cr8) << 4);
	if (vcpu->has_apic)
		threshold = vmm_lapic_tpr_threshold(&vcpu->apic);
	if (threshold != vx->tpr_threshold) {
		vmcs_write32(TPR_THRESHOLD, threshold);
		vx->tpr_threshold = threshold;
	}
}

/* ...and what the guest left there, before anything reads the TPR. */
static void vmx_tpr_exit(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	u32 cr8;

	if (!vx->vapic)
		return;
	cr8 = (READ_ONCE(vx->vapic[VAPIC_TPR]) >> 4) & 0xf;
	if (cr8 != vmm_cr8_get(vcpu, vx->cr8))
		vmm_cr8_set(vcpu, &vx->cr8, cr8);
}

/* VMLAUNCH/VMRESUME itself failed: VMfailValid, with the reason in the VMCS. */
static int vmx_entry_insn_failed(struct vmm_vcpu *vcpu)
{
	struct vmm_run *run = vcpu->run;

	run->exit_reason = VMM_EXIT_FAIL_ENTRY;
	run->hw.reason = ~0ULL;
	run->hw.qualification = 0;
	run->hw.info = vmcs_read32(VM_INSTRUCTION_ERROR);
	return VMM_TO_USER;
}

/*
 * An NMI made the guest exit: the exit consumed it and left NMIs blocked
 * (Intel SDM, "VM Exits Induced by Events"), and the host's handler has
 * yet to see it. INT 2 would call the handler through the IDT, but a FRED
 * kernel refuses a software INT 2. So the APIC sends this CPU a real NMI,
 * and an IRET lifts the blocking for it: the kernel takes it through its
 * own NMI entry, IDT or FRED, a few instructions later, long before the
 * next entry.
 */
static void vmx_forward_nmi(void)
{
	apic->send_IPI(smp_processor_id(), NMI_VECTOR);
	iret_to_self();
}

/*
 * One entry and exit, interrupts off meanwhile.
 * Return: 0, 1 if VMfail, -ESHUTDOWN if VMX is going off for a reboot,
 * -EAGAIN if the task has something to do first (vmm_entry_deferred()).
 */
static int vmx_enter_exit(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	int cpu = smp_processor_id();
	unsigned int flags;
	bool flush;
	int fail;

	local_irq_disable();
	if (vmm_virt_going_down()) {
		local_irq_enable();
		return -ESHUTDOWN;
	}
	if (vmm_entry_deferred()) {
		local_irq_enable();
		return -EAGAIN;
	}
	vmx_prepare_host_crs(vx);
	/* CR4.OSXSAVE writes exit: this is what the guest runs with. */
	vmm_fpu_load_xcr0(&vcpu->fpu, vx->osxsave);
	/*
	 * Mappings went away since the last entry, or the guest last ran on
	 * another CPU, whose TLB may hold entries this one does not know are
	 * stale: drop what this CPU caches for the guest's EPT and VPID.
	 */
	flush = vmm_vcpu_enter_guest_mode(vcpu);
	if (flush || vx->entered_cpu != cpu) {
		vmx_invept(vx->eptp);
		vmx_invvpid(vx->vpid);
		vx->entered_cpu = cpu;
	}
	if (native_read_cr2() != vx->cr2)
		native_write_cr2(vx->cr2);
	vx->host_ldt = vmx_sldt();
	if (unlikely(vcpu->dbg.owned))
		native_set_debugreg(6, vx->dr6);
	vmm_debugregs_enter(&vcpu->dbg, vx->dr7);

	/*
	 * L1TF: the host's data must not sit in the L1D the guest's
	 * speculation can reach (l1tf.c; this clears the CPU buffers too).
	 */
	if (unlikely(vx->l1d_flush)) {
		vmx_l1d_flush();
		vx->l1d_flush = false;
	} else {
		vmm_spec_enter();
	}
	flags = vx->launched ? VMX_ENTER_RESUME : 0;
	if (unlikely(vmm_spec_force_bhb_clear))
		flags |= VMX_ENTER_CLEAR_BHB;
	fail = vmx_vmenter(vx->regs, flags, &vx->host_rsp);
	vmm_spec_exit();

	vx->cr2 = native_read_cr2();
	if (unlikely(vcpu->dbg.owned)) {
		vx->dr6 = native_get_debugreg(6);
		vx->dr7 = vmcs_readl(GUEST_DR7);
		vmx_mov_dr_exiting(true);
	}
	vmm_debugregs_exit(&vcpu->dbg);
	vmm_vcpu_exit_guest_mode(vcpu);
	if (!fail) {
		u32 info = 0;

		vx->exit.reason = vmcs_read32(VM_EXIT_REASON);
		if (!(vx->exit.reason & EXIT_REASON_ENTRY_FAILED))
			vx->launched = true;
		if (vx->exit.reason == EXIT_EXCEPTION_NMI)
			info = vmcs_read32(VM_EXIT_INTR_INFO);
		/*
		 * An NMI or a machine check that made the guest exit was taken
		 * by the exit: hand it to the host's handler now, NMIs being
		 * blocked until it returns, as hardware delivery would leave
		 * them.
		 */
		switch (vmx_exit_owner(vx->exit.reason, info)) {
		case VMX_HOST_EVENT_NMI:
			vmx_forward_nmi();
			break;
		case VMX_HOST_EVENT_MC:
			vmm_machine_check();
			break;
		case VMX_HOST_EVENT_NONE:
			break;
		}
	}
	vmx_restore_host(vx);
	vmm_fpu_put_xcr0(&vcpu->fpu, vx->osxsave);
	/* External interrupts stayed pending in the APIC: taken here. */
	local_irq_enable();
	vmm_guest_timing_exit();
	return fail;
}

int vmx_vcpu_run_once(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vx = vcpu->vendor;
	unsigned int rounds = 0;
	int ret;

	preempt_disable();
	vmx_vmcs_load(vx);
	vmx_prepare_host(vx);
	/* Host code ran since the last entry: flush before it (L1TF). */
	vx->l1d_flush = vmx_l1d_flush_mode != VMX_L1D_FLUSH_NONE;
	vmx_load_syscall_msrs(vx);
	/*
	 * The guest may use the FPU, SSE and AVX registers: save the task's
	 * state first, so that only the guest sees what it leaves there.
	 */
	kernel_fpu_begin();
	vmm_fpu_load_guest(&vcpu->fpu);
	/*
	 * Exits handled here go straight back into the guest, with its FPU
	 * state still in the registers and the host state as it was, until
	 * one needs userspace or may sleep, or the host wants the CPU back
	 * or has a signal for the task.
	 */
	do {
		/* The next event in (events.c); or a triple fault's exit. */
		ret = vmm_events_before_entry(vcpu);
		if (ret != VMM_RESUME)
			break;
		vmx_tpr_enter(vcpu, vx);
		ret = vmx_enter_exit(vcpu, vx);
		vmx_tpr_exit(vcpu, vx);
		if (ret) {
			if (ret > 0)
				ret = vmx_entry_insn_failed(vcpu);
			else if (ret == -EAGAIN)
				ret = VMM_RESUME;	/* to the run loop, not in */
			break;
		}
		ret = vmx_handle_exit(vcpu, vx);
	} while (ret == VMM_RESUME && !need_resched() && !signal_pending(current) &&
		 ++rounds < VMX_MAX_KERNEL_EXITS);
	vmm_fpu_save_guest(&vcpu->fpu);
	kernel_fpu_end();
	vmx_put_syscall_msrs(vx);
	vmx_restore_host_gdt(vx);
	preempt_enable();

	if (ret == VMX_EXIT_SLOW)
		ret = vmx_handle_exit_slow(vcpu, vx);
	return ret;
}
