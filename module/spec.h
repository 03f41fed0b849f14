/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transient-execution mitigations on the world switch, as the kernel has
 * chosen them for itself: its synthetic feature flags say which apply on
 * this CPU with this command line (mitigations=off clears them all).
 * Documentation/security.rst has the matrix.
 *
 * Around the entry (interrupts off): VERW clears the CPU buffers a guest
 * could sample (MDS, TAA, MMIO stale data, RFDS, TSA). After the exit, in
 * vmenter.S before the first RET: the RSB is refilled (Spectre-RSB,
 * PBRSB); on VMX the branch history is overwritten (BHI); on SVM the
 * return predictions are untrained (retbleed, SRSO) or an IBPB issued
 * where the kernel asks for one on every exit (SRSO). Before the return
 * to userspace: an IBPB where the kernel does one after guests (VMSCAPE).
 * Between two vCPUs on one CPU: an IBPB, so that one guest cannot train
 * the branch predictor against the next (vm.c).
 */
#ifndef VMM_SPEC_H
#define VMM_SPEC_H

#include <asm/cpufeatures.h>

/*
 * The kernel's "clear the branch history on VM exit" (BHI): named so on
 * 7.x, ..._LOOP_ON_VMEXIT on 6.12 and Debian's 6.1. Also for vmenter.S.
 */
#if defined(X86_FEATURE_CLEAR_BHB_VMEXIT)
#define VMM_FEATURE_CLEAR_BHB_VMEXIT	X86_FEATURE_CLEAR_BHB_VMEXIT
#elif defined(X86_FEATURE_CLEAR_BHB_LOOP_ON_VMEXIT)
#define VMM_FEATURE_CLEAR_BHB_VMEXIT	X86_FEATURE_CLEAR_BHB_LOOP_ON_VMEXIT
#endif

#ifndef __ASSEMBLER__

#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>

#include "compat.h"

/* 7.x has only X86_FEATURE_CLEAR_CPU_BUF_VM for the VM case; 6.x both. */
#ifndef X86_FEATURE_CLEAR_CPU_BUF_VM
#define X86_FEATURE_CLEAR_CPU_BUF_VM	X86_FEATURE_CLEAR_CPU_BUF
#endif
/* 6.15 folded X86_FEATURE_USE_IBPB into X86_FEATURE_IBPB. */
#ifdef X86_FEATURE_USE_IBPB
#define VMM_FEATURE_IBPB		X86_FEATURE_USE_IBPB
#else
#define VMM_FEATURE_IBPB		X86_FEATURE_IBPB
#endif

/* Any writable data segment selector: VERW's operand (the kernel's). */
static const u16 vmm_verw_sel = __KERNEL_DS;

static __always_inline bool vmm_spec_verw_wanted(void)
{
	return cpu_feature_enabled(X86_FEATURE_CLEAR_CPU_BUF) ||
	       cpu_feature_enabled(X86_FEATURE_CLEAR_CPU_BUF_VM);
}

/* Last thing before the entry: nothing of the host's left in the buffers. */
static __always_inline void vmm_spec_enter(void)
{
	if (vmm_spec_verw_wanted())
		asm volatile("verw %0" : : "m" (vmm_verw_sel) : "cc");
}

static __always_inline void vmm_ibpb(void)
{
	wrmsrq(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
}

/*
 * After the exit, interrupts still off (this CPU ran the guest): where the
 * kernel flushes the branch predictors before returning to userspace once
 * a guest ran (VMSCAPE: a guest training the predictions of the userspace
 * VMM, vmctl), mark this CPU as needing it, as kvm does.
 */
static __always_inline void vmm_spec_exit(void)
{
#ifdef X86_FEATURE_IBPB_EXIT_TO_USER
	if (cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER))
		this_cpu_write(x86_ibpb_exit_to_user, true);
#endif
}

/* The kernel has VMX exits clear the branch history (vmenter.S). */
static __always_inline bool vmm_spec_bhb_clear_wanted(void)
{
#ifdef VMM_FEATURE_CLEAR_BHB_VMEXIT
	return cpu_feature_enabled(VMM_FEATURE_CLEAR_BHB_VMEXIT);
#else
	return false;
#endif
}

/*
 * The kernel untrains return predictions on its entries, so SVM exits do
 * too (svm/vmenter.S, CALL_UNTRAIN_RET: the kernel's macro, built only
 * with these options; 6.1 names the first CONFIG_CPU_UNRET_ENTRY).
 */
static __always_inline bool vmm_spec_untrain_ret_wanted(void)
{
	return cpu_feature_enabled(X86_FEATURE_UNRET) ||
	       cpu_feature_enabled(X86_FEATURE_SRSO_ALIAS);
}

#if defined(CONFIG_CPU_UNRET_ENTRY) || defined(CONFIG_MITIGATION_UNRET_ENTRY) || \
	defined(CONFIG_MITIGATION_SRSO)
#define VMM_HAVE_UNTRAIN_RET	1
#else
#define VMM_HAVE_UNTRAIN_RET	0
#endif

/* vmm.force_bhb_clear: run the sequence where the kernel does not ask. */
extern bool vmm_spec_force_bhb_clear;

/* The matrix for this host, one line (Documentation/security.rst). */
const char *vmm_spec_report(void);

#endif /* __ASSEMBLER__ */
#endif /* VMM_SPEC_H */
