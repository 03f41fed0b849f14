// SPDX-License-Identifier: GPL-2.0-only
/* vmm_mmu_pte: NPT and EPT entries encode and decode what they should. */
#include <kunit/test.h>
#include <linux/bits.h>

#include "../mmu.h"

#define FRAME	0x123456789000ULL

static void npt_leaf_bits(struct kunit *test)
{
	u64 rw = vmm_npt_ops.leaf(FRAME, true);
	u64 ro = vmm_npt_ops.leaf(FRAME, false);

	KUNIT_EXPECT_EQ(test, rw, FRAME | 0x7);	/* P, RW, US */
	KUNIT_EXPECT_EQ(test, ro, FRAME | 0x5);	/* P, US */
	KUNIT_EXPECT_TRUE(test, vmm_npt_ops.present(ro));
	KUNIT_EXPECT_EQ(test, vmm_npt_ops.addr(rw), FRAME);
	KUNIT_EXPECT_FALSE(test, vmm_npt_ops.present(0));
}

static void npt_table_is_writable_user(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vmm_npt_ops.table(FRAME), FRAME | 0x7);
}

static void ept_leaf_bits(struct kunit *test)
{
	u64 rw = vmm_ept_ops.leaf(FRAME, true);
	u64 ro = vmm_ept_ops.leaf(FRAME, false);

	/* R, W, X and memory type 6 (write-back) in bits 5:3. */
	KUNIT_EXPECT_EQ(test, rw, FRAME | 0x7 | (6 << 3));
	KUNIT_EXPECT_EQ(test, ro, FRAME | 0x5 | (6 << 3));
	KUNIT_EXPECT_EQ(test, vmm_ept_ops.addr(ro), FRAME);
}

static void ept_present_means_any_permission(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmm_ept_ops.present(BIT_ULL(2)));	/* X only */
	KUNIT_EXPECT_TRUE(test, vmm_ept_ops.present(BIT_ULL(0)));
	KUNIT_EXPECT_FALSE(test, vmm_ept_ops.present(6 << 3));	/* type only */
	KUNIT_EXPECT_EQ(test, vmm_ept_ops.table(FRAME), FRAME | 0x7);
}

static void addr_keeps_only_the_frame(struct kunit *test)
{
	u64 e = FRAME | BIT_ULL(63) | BIT_ULL(52) | 0xfff;

	KUNIT_EXPECT_EQ(test, vmm_npt_ops.addr(e), FRAME);
	KUNIT_EXPECT_EQ(test, vmm_ept_ops.addr(e), FRAME);
}

static struct kunit_case vmm_mmu_pte_cases[] = {
	KUNIT_CASE(npt_leaf_bits),
	KUNIT_CASE(npt_table_is_writable_user),
	KUNIT_CASE(ept_leaf_bits),
	KUNIT_CASE(ept_present_means_any_permission),
	KUNIT_CASE(addr_keeps_only_the_frame),
	{}
};

static struct kunit_suite vmm_mmu_pte_suite = {
	.name = "vmm_mmu_pte",
	.test_cases = vmm_mmu_pte_cases,
};

kunit_test_suite(vmm_mmu_pte_suite);
