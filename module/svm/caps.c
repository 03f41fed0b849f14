// SPDX-License-Identifier: GPL-2.0-only
/*
 * From CPUID Fn8000_000A to vendor-neutral features. Pure: the KUnit suite
 * vmm_svm_caps feeds it made-up values.
 */
#include <linux/string.h>

#include "svm.h"

void svm_caps_decode(const u64 raw[VMM_RAW_WORDS], bool host_1g_pages,
		     struct vmm_caps *caps)
{
	u32 edx = raw[VMM_RAW_SVM_FEATURES];
	u32 nasid = raw[VMM_RAW_SVM_NASID];
	u64 f = 0;

	/* SVM runs real mode and tags the TLB with ASIDs on every CPU. */
	f |= VMM_FEAT_UNRESTRICTED;
	if (nasid > 1)
		f |= VMM_FEAT_TAGGED_TLB;
	/*
	 * Nested page tables use the host's format: accessed/dirty bits and
	 * 2 MiB pages always, 1 GiB pages where the host paging has them.
	 */
	if (edx & SVM_FEAT_NP) {
		f |= VMM_FEAT_TDP | VMM_FEAT_TDP_AD | VMM_FEAT_TDP_2M;
		if (host_1g_pages)
			f |= VMM_FEAT_TDP_1G;
	}
	if (edx & SVM_FEAT_FLUSH_BY_ASID)
		f |= VMM_FEAT_FLUSH_BY_TAG;
	if (edx & SVM_FEAT_NRIPS)
		f |= VMM_FEAT_NEXT_RIP;
	if (edx & SVM_FEAT_DECODE_ASSISTS)
		f |= VMM_FEAT_DECODE_ASSISTS;
	if (edx & SVM_FEAT_VMCB_CLEAN)
		f |= VMM_FEAT_STATE_CACHING;
	if (edx & SVM_FEAT_PAUSE_FILTER)
		f |= VMM_FEAT_PAUSE_FILTER;
	if (edx & SVM_FEAT_AVIC)
		f |= VMM_FEAT_APIC_VIRT;

	caps->vendor = VMM_VENDOR_AMD_SVM;
	caps->features = f;
	/* ASID 0 is the host's. */
	caps->nr_tlb_tags = nasid ? nasid - 1 : 0;
	memcpy(caps->raw, raw, sizeof(caps->raw));
}
