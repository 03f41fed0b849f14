// SPDX-License-Identifier: GPL-2.0-only
/* vmm_svm_caps: CPUID Fn8000_000A decodes to the right features. */
#include <kunit/test.h>

#include "../svm.h"

static void fill_raw(u64 raw[VMM_RAW_WORDS], u32 nasid, u32 edx)
{
	memset(raw, 0, sizeof(u64) * VMM_RAW_WORDS);
	raw[VMM_RAW_SVM_REV] = 1;
	raw[VMM_RAW_SVM_NASID] = nasid;
	raw[VMM_RAW_SVM_FEATURES] = edx;
}

/* What QEMU's TCG EPYC offers: nested paging, no NRIPS. */
static void npt_without_nrips(struct kunit *test)
{
	struct vmm_caps caps = {};
	u64 raw[VMM_RAW_WORDS];

	fill_raw(raw, 16, SVM_FEAT_NP);
	svm_caps_decode(raw, false, &caps);
	KUNIT_EXPECT_EQ(test, caps.vendor, VMM_VENDOR_AMD_SVM);
	KUNIT_EXPECT_EQ(test, caps.features,
			VMM_FEAT_TDP | VMM_FEAT_TDP_AD | VMM_FEAT_TDP_2M |
			VMM_FEAT_TAGGED_TLB | VMM_FEAT_UNRESTRICTED);
	KUNIT_EXPECT_EQ(test, caps.nr_tlb_tags, 15);
}

static void every_feature(struct kunit *test)
{
	struct vmm_caps caps = {};
	u64 raw[VMM_RAW_WORDS];

	fill_raw(raw, 32768, SVM_FEAT_NP | SVM_FEAT_NRIPS |
		 SVM_FEAT_VMCB_CLEAN | SVM_FEAT_FLUSH_BY_ASID |
		 SVM_FEAT_DECODE_ASSISTS | SVM_FEAT_PAUSE_FILTER |
		 SVM_FEAT_AVIC);
	svm_caps_decode(raw, true, &caps);
	KUNIT_EXPECT_EQ(test, caps.features,
			VMM_FEAT_TDP | VMM_FEAT_TDP_AD | VMM_FEAT_TDP_2M |
			VMM_FEAT_TDP_1G | VMM_FEAT_TAGGED_TLB |
			VMM_FEAT_FLUSH_BY_TAG | VMM_FEAT_UNRESTRICTED |
			VMM_FEAT_NEXT_RIP | VMM_FEAT_DECODE_ASSISTS |
			VMM_FEAT_STATE_CACHING | VMM_FEAT_PAUSE_FILTER |
			VMM_FEAT_APIC_VIRT);
	KUNIT_EXPECT_EQ(test, caps.nr_tlb_tags, 32767);
	KUNIT_EXPECT_EQ(test, caps.raw[VMM_RAW_SVM_NASID], 32768);
}

static void no_npt_means_no_tdp(struct kunit *test)
{
	struct vmm_caps caps = {};
	u64 raw[VMM_RAW_WORDS];

	fill_raw(raw, 16, SVM_FEAT_NRIPS);
	svm_caps_decode(raw, true, &caps);
	KUNIT_EXPECT_FALSE(test, caps.features &
			   (VMM_FEAT_TDP | VMM_FEAT_TDP_AD | VMM_FEAT_TDP_2M |
			    VMM_FEAT_TDP_1G));
	KUNIT_EXPECT_TRUE(test, caps.features & VMM_FEAT_NEXT_RIP);
}

static void one_asid_is_the_hosts(struct kunit *test)
{
	struct vmm_caps caps = {};
	u64 raw[VMM_RAW_WORDS];

	fill_raw(raw, 1, SVM_FEAT_NP);
	svm_caps_decode(raw, false, &caps);
	KUNIT_EXPECT_EQ(test, caps.nr_tlb_tags, 0);
	KUNIT_EXPECT_FALSE(test, caps.features & VMM_FEAT_TAGGED_TLB);
}

static struct kunit_case vmm_svm_caps_cases[] = {
	KUNIT_CASE(npt_without_nrips),
	KUNIT_CASE(every_feature),
	KUNIT_CASE(no_npt_means_no_tdp),
	KUNIT_CASE(one_asid_is_the_hosts),
	{}
};

static struct kunit_suite vmm_svm_caps_suite = {
	.name = "vmm_svm_caps",
	.test_cases = vmm_svm_caps_cases,
};

kunit_test_suite(vmm_svm_caps_suite);
