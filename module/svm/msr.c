// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest MSRs the SVM backend keeps: those the VMCB holds for the guest
 * (AMD APM vol. 2, "VMCB Layout, State Save Area"), with the value checks
 * WRMSR makes on hardware. One function each for reading and writing,
 * shared by the RDMSR/WRMSR intercepts and by VMM_GET_MSRS/VMM_SET_MSRS, so
 * the guest and userspace see the same allow-list. Every other MSR is
 * -ENOENT here, which the intercept turns into #GP.
 */
#include <linux/bits.h>
#include <asm/cpufeature.h>
#include <asm/msr-index.h>

#include "../vmm.h"
#include "svm.h"
#include "vmcb.h"

/* The one slot in the VMCB that holds @msr, or NULL. EFER is apart. */
static u64 *svm_msr_slot(struct svm_vcpu *sv, u32 msr)
{
	struct vmcb_save *s = &sv->vmcb->save;

	switch (msr) {
	case MSR_IA32_SYSENTER_CS:	return &s->sysenter_cs;
	case MSR_IA32_SYSENTER_ESP:	return &s->sysenter_esp;
	case MSR_IA32_SYSENTER_EIP:	return &s->sysenter_eip;
	case MSR_STAR:			return &s->star;
	case MSR_LSTAR:			return &s->lstar;
	case MSR_CSTAR:			return &s->cstar;
	case MSR_SYSCALL_MASK:		return &s->sfmask;
	case MSR_KERNEL_GS_BASE:	return &s->kernel_gs_base;
	case MSR_FS_BASE:		return &s->fs.base;
	case MSR_GS_BASE:		return &s->gs.base;
	case MSR_IA32_CR_PAT:		return &s->g_pat;
	default:			return NULL;
	}
}

/*
 * The EFER bits a guest may set: no SVME (the guest has no SVM; VMRUN
 * needs it set underneath), FFXSR where the host has it.
 */
static u64 svm_efer_allowed(void)
{
	u64 allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX;

	if (boot_cpu_has(X86_FEATURE_FXSR_OPT))
		allowed |= EFER_FFXSR;
	return allowed;
}

/* Return: 0, or -ENOENT for an MSR outside the list. */
int svm_get_msr(struct vmm_vcpu *vcpu, u32 msr, u64 *value)
{
	struct svm_vcpu *sv = vcpu->vendor;
	u64 *slot;

	if (msr == MSR_EFER) {
		*value = sv->vmcb->save.efer & ~SVM_EFER_SVME;
		return 0;
	}
	slot = svm_msr_slot(sv, msr);
	if (!slot)
		return -ENOENT;
	*value = *slot;
	return 0;
}

/* Return: 0, -ENOENT for an MSR outside the list, -EINVAL for a bad value. */
int svm_set_msr(struct vmm_vcpu *vcpu, u32 msr, u64 value)
{
	struct svm_vcpu *sv = vcpu->vendor;
	u64 *slot;

	if (msr == MSR_EFER) {
		if (value & ~svm_efer_allowed())
			return -EINVAL;
		sv->vmcb->save.efer = value | SVM_EFER_SVME;
		return 0;
	}
	slot = svm_msr_slot(sv, msr);
	if (!slot)
		return -ENOENT;
	switch (msr) {
	case MSR_IA32_CR_PAT:
		if (!vmm_pat_valid(value))
			return -EINVAL;
		break;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_IA32_SYSENTER_ESP:	/* as on VMX, and as KVM does on both */
	case MSR_IA32_SYSENTER_EIP:
		if (!vmm_canonical(value))
			return -EINVAL;
		break;
	}
	*slot = value;
	return 0;
}

/* VMM_SET_MSRS: as the guest's WRMSR, but the next VMRUN may refuse EFER. */
int svm_set_msr_user(struct vmm_vcpu *vcpu, u32 msr, u64 value)
{
	int ret = svm_set_msr(vcpu, msr, value);

	if (!ret)
		svm_state_from_user(vcpu->vendor);
	return ret;
}
