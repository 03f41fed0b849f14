// SPDX-License-Identifier: GPL-2.0-only
/* vmm_vmx_caps: VMX capability MSRs decode to the right features. */
#include <kunit/test.h>

#include "../vmx.h"

/* Allowed-1 settings live in the high half of a control MSR. */
#define ALLOW(bits)	((u64)(bits) << 32)

static void full_raw(u64 raw[VMM_RAW_WORDS])
{
	memset(raw, 0, sizeof(u64) * VMM_RAW_WORDS);
	raw[VMM_RAW_VMX_PINBASED] = ALLOW(VMX_PIN_PREEMPT_TIMER);
	raw[VMM_RAW_VMX_PROCBASED] = ALLOW(VMX_PROC_SECONDARY);
	raw[VMM_RAW_VMX_PROCBASED2] = ALLOW(VMX_PROC2_EPT | VMX_PROC2_VPID |
					    VMX_PROC2_UNRESTRICTED);
	raw[VMM_RAW_VMX_EPT_VPID] = VMX_EPT_WALK_4 | VMX_EPT_WB | VMX_EPT_2M |
		VMX_EPT_1G | VMX_EPT_INVEPT | VMX_EPT_AD |
		VMX_EPT_INVEPT_SINGLE | VMX_VPID_INVVPID |
		VMX_VPID_INVVPID_SINGLE;
}

static void full_featured_cpu(struct kunit *test)
{
	struct vmm_caps caps = {};
	u64 raw[VMM_RAW_WORDS];

	full_raw(raw);
	vmx_caps_decode(raw, &caps);
	KUNIT_EXPECT_EQ(test, caps.vendor, VMM_VENDOR_INTEL_VMX);
	KUNIT_EXPECT_EQ(test, caps.features,
			VMM_FEAT_TDP | VMM_FEAT_TDP_AD | VMM_FEAT_TDP_2M |
			VMM_FEAT_TDP_1G | VMM_FEAT_TAGGED_TLB |
			VMM_FEAT_FLUSH_BY_TAG | VMM_FEAT_UNRESTRICTED |
			VMM_FEAT_NEXT_RIP | VMM_FEAT_DECODE_ASSISTS |
			VMM_FEAT_PREEMPT_TIMER);
	KUNIT_EXPECT_EQ(test, caps.nr_tlb_tags, VMX_VPID_COUNT);
	KUNIT_EXPECT_EQ(test, caps.raw[VMM_RAW_VMX_EPT_VPID],
			raw[VMM_RAW_VMX_EPT_VPID]);
}

static void no_secondary_controls_means_no_ept(struct kunit *test)
{
	struct vmm_caps caps = {};
	u64 raw[VMM_RAW_WORDS];

	full_raw(raw);
	raw[VMM_RAW_VMX_PROCBASED] = 0;
	vmx_caps_decode(raw, &caps);
	KUNIT_EXPECT_FALSE(test, caps.features & VMM_FEAT_TDP);
	KUNIT_EXPECT_FALSE(test, caps.features & VMM_FEAT_TAGGED_TLB);
	KUNIT_EXPECT_FALSE(test, caps.features & VMM_FEAT_UNRESTRICTED);
	KUNIT_EXPECT_EQ(test, caps.nr_tlb_tags, 0);
}

static void ept_without_write_back_is_unusable(struct kunit *test)
{
	struct vmm_caps caps = {};
	u64 raw[VMM_RAW_WORDS];

	full_raw(raw);
	raw[VMM_RAW_VMX_EPT_VPID] &= ~VMX_EPT_WB;
	vmx_caps_decode(raw, &caps);
	KUNIT_EXPECT_FALSE(test, caps.features & VMM_FEAT_TDP);
	KUNIT_EXPECT_FALSE(test, caps.features & VMM_FEAT_TDP_2M);
	/* Unrestricted guest needs EPT. */
	KUNIT_EXPECT_FALSE(test, caps.features & VMM_FEAT_UNRESTRICTED);
	/* VPID does not depend on EPT. */
	KUNIT_EXPECT_TRUE(test, caps.features & VMM_FEAT_TAGGED_TLB);
}

static void vpid_without_invvpid_is_unusable(struct kunit *test)
{
	struct vmm_caps caps = {};
	u64 raw[VMM_RAW_WORDS];

	full_raw(raw);
	raw[VMM_RAW_VMX_EPT_VPID] &= ~VMX_VPID_INVVPID;
	vmx_caps_decode(raw, &caps);
	KUNIT_EXPECT_FALSE(test, caps.features & VMM_FEAT_TAGGED_TLB);
	KUNIT_EXPECT_FALSE(test, caps.features & VMM_FEAT_FLUSH_BY_TAG);
	KUNIT_EXPECT_EQ(test, caps.nr_tlb_tags, 0);
	KUNIT_EXPECT_TRUE(test, caps.features & VMM_FEAT_TDP);
}

static void ad_bits_only_when_reported(struct kunit *test)
{
	struct vmm_caps caps = {};
	u64 raw[VMM_RAW_WORDS];

	full_raw(raw);
	raw[VMM_RAW_VMX_EPT_VPID] &= ~(VMX_EPT_AD | VMX_EPT_1G);
	vmx_caps_decode(raw, &caps);
	KUNIT_EXPECT_TRUE(test, caps.features & VMM_FEAT_TDP);
	KUNIT_EXPECT_FALSE(test, caps.features & VMM_FEAT_TDP_AD);
	KUNIT_EXPECT_FALSE(test, caps.features & VMM_FEAT_TDP_1G);
	KUNIT_EXPECT_TRUE(test, caps.features & VMM_FEAT_TDP_2M);
}

static struct kunit_case vmm_vmx_caps_cases[] = {
	KUNIT_CASE(full_featured_cpu),
	KUNIT_CASE(no_secondary_controls_means_no_ept),
	KUNIT_CASE(ept_without_write_back_is_unusable),
	KUNIT_CASE(vpid_without_invvpid_is_unusable),
	KUNIT_CASE(ad_bits_only_when_reported),
	{}
};

static struct kunit_suite vmm_vmx_caps_suite = {
	.name = "vmm_vmx_caps",
	.test_cases = vmm_vmx_caps_cases,
};

kunit_test_suite(vmm_vmx_caps_suite);
