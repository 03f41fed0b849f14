// SPDX-License-Identifier: GPL-2.0-only
/*
 * From VMX capability MSRs to vendor-neutral features. Pure: the KUnit suite
 * vmm_vmx_caps feeds it made-up MSR values.
 */
#include <linux/string.h>

#include "vmx.h"

static bool ept_usable(u64 ept)
{
	/* Our EPT: 4-level, write-back, flushed with INVEPT. */
	return (ept & VMX_EPT_WALK_4) && (ept & VMX_EPT_WB) &&
	       (ept & VMX_EPT_INVEPT) &&
	       (ept & (VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL));
}

static bool vpid_usable(u64 ept)
{
	return (ept & VMX_VPID_INVVPID) &&
	       (ept & (VMX_VPID_INVVPID_SINGLE | VMX_VPID_INVVPID_ALL));
}

void vmx_caps_decode(const u64 raw[VMM_RAW_WORDS], struct vmm_caps *caps)
{
	u32 pin = VMX_ALLOWED1(raw[VMM_RAW_VMX_PINBASED]);
	u32 proc = VMX_ALLOWED1(raw[VMM_RAW_VMX_PROCBASED]);
	u32 proc2 = 0;
	u64 ept = raw[VMM_RAW_VMX_EPT_VPID];
	u64 f = 0;

	if (proc & VMX_PROC_SECONDARY)
		proc2 = VMX_ALLOWED1(raw[VMM_RAW_VMX_PROCBASED2]);
	/* EPT_VPID_CAP only means something when the controls exist. */
	if (!(proc2 & (VMX_PROC2_EPT | VMX_PROC2_VPID)))
		ept = 0;

	if ((proc2 & VMX_PROC2_EPT) && ept_usable(ept)) {
		f |= VMM_FEAT_TDP;
		if (ept & VMX_EPT_AD)
			f |= VMM_FEAT_TDP_AD;
		if (ept & VMX_EPT_2M)
			f |= VMM_FEAT_TDP_2M;
		if (ept & VMX_EPT_1G)
			f |= VMM_FEAT_TDP_1G;
		if (ept & VMX_EPT_EXEC_ONLY)
			f |= VMM_FEAT_TDP_EXEC_ONLY;
		/* Unrestricted guest requires EPT. */
		if (proc2 & VMX_PROC2_UNRESTRICTED)
			f |= VMM_FEAT_UNRESTRICTED;
	}
	if ((proc2 & VMX_PROC2_VPID) && vpid_usable(ept)) {
		f |= VMM_FEAT_TAGGED_TLB;
		if (ept & VMX_VPID_INVVPID_SINGLE)
			f |= VMM_FEAT_FLUSH_BY_TAG;
		caps->nr_tlb_tags = VMX_VPID_COUNT;
	} else {
		caps->nr_tlb_tags = 0;
	}
	/*
	 * Every VM exit reports the instruction length, and exit
	 * qualifications decode CR, DR and I/O accesses.
	 */
	f |= VMM_FEAT_NEXT_RIP | VMM_FEAT_DECODE_ASSISTS;
	if (pin & VMX_PIN_PREEMPT_TIMER)
		f |= VMM_FEAT_PREEMPT_TIMER;
	if (proc2 & VMX_PROC2_PAUSE_LOOP)
		f |= VMM_FEAT_PAUSE_FILTER;
	if ((proc2 & VMX_PROC2_APIC_REG_VIRT) && (proc2 & VMX_PROC2_VIRT_INTR))
		f |= VMM_FEAT_APIC_VIRT;

	caps->vendor = VMM_VENDOR_INTEL_VMX;
	caps->features = f;
	memcpy(caps->raw, raw, sizeof(caps->raw));
}
