/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMX backend internals. Architectural numbers are from the Intel SDM,
 * appendix "VMX Capability Reporting Facility"; we keep our own names so the
 * backend does not depend on which of them a given kernel's headers carry.
 */
#ifndef VMM_VMX_H
#define VMM_VMX_H

#include <linux/bits.h>
#include <linux/types.h>

#include "../../uapi/vmm.h"

/* Capability MSRs. */
#define VMX_MSR_FEATURE_CONTROL		0x0000003a
#define VMX_MSR_BASIC			0x00000480
#define VMX_MSR_PINBASED_CTLS		0x00000481
#define VMX_MSR_PROCBASED_CTLS		0x00000482
#define VMX_MSR_EXIT_CTLS		0x00000483
#define VMX_MSR_ENTRY_CTLS		0x00000484
#define VMX_MSR_MISC			0x00000485
#define VMX_MSR_PROCBASED_CTLS2		0x0000048b
#define VMX_MSR_EPT_VPID_CAP		0x0000048c
#define VMX_MSR_TRUE_PINBASED_CTLS	0x0000048d
#define VMX_MSR_TRUE_PROCBASED_CTLS	0x0000048e
#define VMX_MSR_TRUE_EXIT_CTLS		0x0000048f
#define VMX_MSR_TRUE_ENTRY_CTLS		0x00000490

/* IA32_FEATURE_CONTROL */
#define VMX_FEATURE_CONTROL_LOCKED	BIT_ULL(0)
#define VMX_FEATURE_CONTROL_VMXON	BIT_ULL(2)	/* outside SMX */

/* IA32_VMX_BASIC */
#define VMX_BASIC_REVISION(b)		((u32)(b) & 0x7fffffff)
#define VMX_BASIC_VMCS_SIZE(b)		(((b) >> 32) & 0x1fff)
#define VMX_BASIC_MEMTYPE(b)		(((b) >> 50) & 0xf)
#define VMX_BASIC_MEMTYPE_WB		6
#define VMX_BASIC_TRUE_CONTROLS		BIT_ULL(55)

/* Control MSRs: allowed-1 settings are in the high half. */
#define VMX_ALLOWED1(ctl)		((u32)((ctl) >> 32))
#define VMX_PIN_PREEMPT_TIMER		BIT(6)
#define VMX_PROC_SECONDARY		BIT(31)
#define VMX_PROC2_EPT			BIT(1)
#define VMX_PROC2_VPID			BIT(5)
#define VMX_PROC2_UNRESTRICTED		BIT(7)
#define VMX_PROC2_APIC_REG_VIRT		BIT(8)
#define VMX_PROC2_VIRT_INTR		BIT(9)
#define VMX_PROC2_PAUSE_LOOP		BIT(10)

/* IA32_VMX_EPT_VPID_CAP */
#define VMX_EPT_EXEC_ONLY		BIT_ULL(0)
#define VMX_EPT_WALK_4			BIT_ULL(6)
#define VMX_EPT_WB			BIT_ULL(14)
#define VMX_EPT_2M			BIT_ULL(16)
#define VMX_EPT_1G			BIT_ULL(17)
#define VMX_EPT_INVEPT			BIT_ULL(20)
#define VMX_EPT_AD			BIT_ULL(21)
#define VMX_EPT_INVEPT_SINGLE		BIT_ULL(25)
#define VMX_EPT_INVEPT_ALL		BIT_ULL(26)
#define VMX_VPID_INVVPID		BIT_ULL(32)
#define VMX_VPID_INVVPID_SINGLE		BIT_ULL(41)
#define VMX_VPID_INVVPID_ALL		BIT_ULL(42)

#define VMX_VPID_COUNT			0xffff	/* VPID 0 is the host's */

void vmx_caps_decode(const u64 raw[VMM_RAW_WORDS], struct vmm_caps *caps);

#endif /* VMM_VMX_H */
