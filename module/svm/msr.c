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
#include <linux/percpu.h>
#include <linux/user-return-notifier.h>
#include <asm/cpufeature.h>
#include <asm/msr-index.h>

#include "../compat.h"
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
	if (msr == MSR_TSC_AUX) {
		*value = sv->tsc_aux;
		return 0;
	}
	slot = svm_msr_slot(sv, msr);
	if (!slot)
		return vmm_core_get_msr(vcpu, msr, value);
	*value = *slot;
	return 0;
}

/*
 * Return: 0, -ENOENT for an MSR outside the list, -EINVAL for a bad value.
 * @user: VMM_SET_MSRS rather than the guest's WRMSR (the TSC MSRs differ).
 */
static int __svm_set_msr(struct vmm_vcpu *vcpu, u32 msr, u64 value, bool user)
{
	struct svm_vcpu *sv = vcpu->vendor;
	u64 *slot;
	int ret;

	if (msr == MSR_EFER) {
		if (value & ~svm_efer_allowed())
			return -EINVAL;
		sv->vmcb->save.efer = value | SVM_EFER_SVME;
		return 0;
	}
	if (msr == MSR_TSC_AUX) {
		if (value >> 32)
			return -EINVAL;
		sv->tsc_aux = value;
		return 0;
	}
	slot = svm_msr_slot(sv, msr);
	if (!slot) {
		ret = vmm_core_set_msr(vcpu, msr, value, user);
		if (!ret)
			sv->vmcb->control.tsc_offset = vcpu->tsc.offset;
		return ret;
	}
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

/* The guest's WRMSR. */
int svm_set_msr(struct vmm_vcpu *vcpu, u32 msr, u64 value)
{
	return __svm_set_msr(vcpu, msr, value, false);
}

/* VMM_SET_MSRS: as the guest's WRMSR, but the next VMRUN may refuse EFER. */
int svm_set_msr_user(struct vmm_vcpu *vcpu, u32 msr, u64 value)
{
	int ret = __svm_set_msr(vcpu, msr, value, true);

	if (!ret)
		svm_state_from_user(vcpu->vendor);
	return ret;
}

/*
 * Host MSRs the guest runs with unless they are switched.
 *
 * TSC_AUX: RDPID reads it and SVM cannot intercept RDPID (RDTSCP it can,
 * and does), so the guest's value must be in the register while the guest
 * runs, or the guest reads the host's CPU and node numbers. The host needs
 * its own only back in user mode, where the vDSO's getcpu() reads it (the
 * kernel itself never does: see its arch/x86/entry/calling.h). So the
 * guest's goes in before an entry when it differs, and a user-return
 * notifier puts the host's back on this CPU's next way to user mode, which
 * saves two WRMSRs on every exit handled in the kernel. Kernels built
 * without user-return notifiers (no KVM in them) get it back after each
 * exit instead.
 *
 * IA32_XSS: XSAVES and XRSTORS cannot be intercepted either. With the
 * host's XSS the guest would save and load the supervisor state components
 * the host enables (CET user state, PASID) of the vCPU thread; the guest
 * has none (CPUID offers no XSAVES), so it runs with XSS 0, and the host's
 * is back before anything in the kernel can use XSAVES. No kernel can put
 * that off, the lab's CPUs have no XSAVES under QEMU: it runs only where
 * the host's XSS is not 0.
 */
struct svm_host_msrs {
#ifdef CONFIG_USER_RETURN_NOTIFIER
	struct user_return_notifier urn;
#endif
	u64 tsc_aux;		/* the host's, once read */
	u64 cur_tsc_aux;	/* in the register now */
	bool known;		/* tsc_aux read */
	bool armed;		/* the guest's in, the notifier registered */
};

static DEFINE_PER_CPU(struct svm_host_msrs, svm_host_msrs);
static u64 svm_host_xss __read_mostly;

void svm_msr_setup(void)
{
	if (boot_cpu_has(X86_FEATURE_XSAVES))
		rdmsrq(MSR_IA32_XSS, svm_host_xss);
}

/* Interrupts off, on the CPU of @h. */
static void svm_put_host_tsc_aux(struct svm_host_msrs *h)
{
	if (!h->armed)
		return;
	wrmsrq(MSR_TSC_AUX, h->tsc_aux);
	h->cur_tsc_aux = h->tsc_aux;
	h->armed = false;
#ifdef CONFIG_USER_RETURN_NOTIFIER
	user_return_notifier_unregister(&h->urn);
#endif
}

#ifdef CONFIG_USER_RETURN_NOTIFIER
/* On the way to user mode, interrupts off. */
static void svm_user_return(struct user_return_notifier *urn)
{
	svm_put_host_tsc_aux(container_of(urn, struct svm_host_msrs, urn));
}
#endif

/* Just before VMRUN, interrupts off. */
void svm_load_guest_msrs(struct svm_vcpu *sv)
{
	struct svm_host_msrs *h = this_cpu_ptr(&svm_host_msrs);

	if (unlikely(!h->known)) {
		rdmsrq(MSR_TSC_AUX, h->tsc_aux);
		h->cur_tsc_aux = h->tsc_aux;
		h->known = true;
	}
	if (h->cur_tsc_aux != sv->tsc_aux) {
		wrmsrq(MSR_TSC_AUX, sv->tsc_aux);
		h->cur_tsc_aux = sv->tsc_aux;
		if (!h->armed) {
			h->armed = true;
#ifdef CONFIG_USER_RETURN_NOTIFIER
			h->urn.on_user_return = svm_user_return;
			user_return_notifier_register(&h->urn);
#endif
		}
	}
	if (svm_host_xss)
		wrmsrq(MSR_IA32_XSS, 0);
}

/* Just after the exit, interrupts off. */
void svm_put_guest_msrs(void)
{
	if (svm_host_xss)
		wrmsrq(MSR_IA32_XSS, svm_host_xss);
	if (!IS_ENABLED(CONFIG_USER_RETURN_NOTIFIER))
		svm_put_host_tsc_aux(this_cpu_ptr(&svm_host_msrs));
}

/*
 * SVM goes off on this CPU (the last VM gone, the CPU going offline, a
 * reboot): the host's TSC_AUX back now, and no notifier may outlive the
 * module.
 */
void svm_drop_guest_msrs(void)
{
	svm_put_host_tsc_aux(this_cpu_ptr(&svm_host_msrs));
}
