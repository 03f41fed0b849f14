// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm_mmu_tdp: the tables are as deep as the hardware walks, and nothing
 * beyond their reach is mapped.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>

#include "../mmu.h"

/*
 * Against CR4 itself, not the kernel's flag that npt_levels() reads: the
 * CPU walks nested tables as deep as the host's CR4.LA57 says.
 */
static void npt_walks_as_deep_as_the_host(struct kunit *test)
{
	unsigned int host = (__read_cr4() & X86_CR4_LA57) ? 5 : 4;

	KUNIT_EXPECT_EQ(test, vmm_npt_ops.levels(), host);
}

/* vmx/vcpu.c builds EPTPs with a page-walk length of 4. */
static void ept_is_four_levels(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vmm_ept_ops.levels(), 4);
}

static void reach_follows_depth(struct kunit *test)
{
	struct vmm_mmu four = {}, five = {};

	KUNIT_ASSERT_EQ(test, vmm_mmu_init(&four, &vmm_npt_ops, 4), 0);
	KUNIT_ASSERT_EQ(test, vmm_mmu_init(&five, &vmm_npt_ops, 5), 0);
	KUNIT_EXPECT_EQ(test, vmm_mmu_gpa_limit(&four), BIT_ULL(48));
	KUNIT_EXPECT_EQ(test, vmm_mmu_gpa_limit(&five), BIT_ULL(57));
	KUNIT_EXPECT_EQ(test, four.nr_tables, 1);
	KUNIT_EXPECT_EQ(test, five.nr_tables, 1);
	vmm_mmu_destroy(&four);
	vmm_mmu_destroy(&five);
}

static void depth_the_walker_does_not_build(struct kunit *test)
{
	struct vmm_mmu m = {};

	KUNIT_EXPECT_EQ(test, vmm_mmu_init(&m, &vmm_ept_ops, 3), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmm_mmu_init(&m, &vmm_ept_ops, 6), -EINVAL);
	KUNIT_EXPECT_NULL(test, m.root);
	vmm_mmu_destroy(&m);
}

/*
 * With four levels, 2^48 would walk root entry 0, guest-physical 0's. The
 * refusal comes before any table or the page is touched, so the test needs
 * no pinned page of its own.
 */
static void beyond_reach_is_refused(struct kunit *test)
{
	struct vmm_mmu four = {}, five = {};

	KUNIT_ASSERT_EQ(test, vmm_mmu_init(&four, &vmm_npt_ops, 4), 0);
	KUNIT_ASSERT_EQ(test, vmm_mmu_init(&five, &vmm_npt_ops, 5), 0);
	KUNIT_EXPECT_EQ(test, vmm_mmu_map(&four, BIT_ULL(48), NULL, true), -ERANGE);
	KUNIT_EXPECT_EQ(test, vmm_mmu_map(&five, BIT_ULL(57), NULL, true), -ERANGE);
	KUNIT_EXPECT_EQ(test, vmm_mmu_lookup(&four, BIT_ULL(48)), 0);
	KUNIT_EXPECT_EQ(test, four.nr_tables, 1);
	KUNIT_EXPECT_EQ(test, five.nr_tables, 1);
	vmm_mmu_destroy(&four);
	vmm_mmu_destroy(&five);
}

static struct kunit_case vmm_mmu_tdp_cases[] = {
	KUNIT_CASE(npt_walks_as_deep_as_the_host),
	KUNIT_CASE(ept_is_four_levels),
	KUNIT_CASE(reach_follows_depth),
	KUNIT_CASE(depth_the_walker_does_not_build),
	KUNIT_CASE(beyond_reach_is_refused),
	{}
};

static struct kunit_suite vmm_mmu_tdp_suite = {
	.name = "vmm_mmu_tdp",
	.test_cases = vmm_mmu_tdp_cases,
};

kunit_test_suite(vmm_mmu_tdp_suite);
