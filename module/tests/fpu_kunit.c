// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm_fpu: what VMM_SET_FPU lets through to XRSTOR, and the XCR0 values
 * the guest's XSETBV may set. Every state rejected here would have made
 * XRSTOR raise #GP in the kernel at the next entry, or is a reserved field
 * of the ABI; every XCR0 rejected would have made XSETBV raise #GP.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../vmm.h"

#define ALL	(VMM_XFEATURE_X87 | VMM_XFEATURE_SSE | VMM_XFEATURE_AVX)
#define MASK	0xffff		/* MXCSR bits a processor with DAZ implements */

/* A zeroed state with the default MXCSR: valid on every host. */
static u8 *state(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, VMM_XSAVE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	*(u32 *)(buf + VMM_XSAVE_MXCSR) = 0x1f80;
	return buf;
}

static void init_state_is_accepted(struct kunit *test)
{
	u8 *buf = state(test);

	KUNIT_EXPECT_EQ(test, vmm_xsave_check(buf, ALL, MASK), 0);
	*(u64 *)(buf + VMM_XSAVE_XSTATE_BV) = ALL;
	buf[VMM_XSAVE_XMM] = 0xaa;
	buf[VMM_XSAVE_YMM_HI + 255] = 0x55;
	KUNIT_EXPECT_EQ(test, vmm_xsave_check(buf, ALL, MASK), 0);
}

static void xstate_bv_beyond_features_is_rejected(struct kunit *test)
{
	u8 *buf = state(test);

	*(u64 *)(buf + VMM_XSAVE_XSTATE_BV) = ALL | BIT_ULL(3);
	KUNIT_EXPECT_EQ(test, vmm_xsave_check(buf, ALL, MASK), -EINVAL);
	/* AVX state on a host without AVX. */
	*(u64 *)(buf + VMM_XSAVE_XSTATE_BV) = VMM_XFEATURE_AVX;
	KUNIT_EXPECT_EQ(test, vmm_xsave_check(buf, ALL & ~VMM_XFEATURE_AVX, MASK),
			-EINVAL);
	*(u64 *)(buf + VMM_XSAVE_XSTATE_BV) = BIT_ULL(63);
	KUNIT_EXPECT_EQ(test, vmm_xsave_check(buf, ALL, MASK), -EINVAL);
}

static void compacted_or_dirty_header_is_rejected(struct kunit *test)
{
	u8 *buf = state(test);

	/* XCOMP_BV[63] would ask XRSTOR for the compacted format. */
	*(u64 *)(buf + VMM_XSAVE_XCOMP_BV) = BIT_ULL(63) | ALL;
	KUNIT_EXPECT_EQ(test, vmm_xsave_check(buf, ALL, MASK), -EINVAL);
	*(u64 *)(buf + VMM_XSAVE_XCOMP_BV) = 0;
	buf[VMM_XSAVE_YMM_HI - 1] = 1;		/* last header byte */
	KUNIT_EXPECT_EQ(test, vmm_xsave_check(buf, ALL, MASK), -EINVAL);
}

static void mxcsr_reserved_bits_are_rejected(struct kunit *test)
{
	u8 *buf = state(test);

	*(u32 *)(buf + VMM_XSAVE_MXCSR) = 0x10000;
	KUNIT_EXPECT_EQ(test, vmm_xsave_check(buf, ALL, MASK), -EINVAL);
	/* DAZ (bit 6) only where the processor has it. */
	*(u32 *)(buf + VMM_XSAVE_MXCSR) = 0x1f80 | BIT(6);
	KUNIT_EXPECT_EQ(test, vmm_xsave_check(buf, ALL, MASK), 0);
	KUNIT_EXPECT_EQ(test, vmm_xsave_check(buf, ALL, 0xffbf), -EINVAL);
}

static void reserved_bytes_are_rejected(struct kunit *test)
{
	static const unsigned int offsets[] = { 416, 463, 464, 511, 832, 4095 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		u8 *buf = state(test);

		buf[offsets[i]] = 1;
		KUNIT_EXPECT_EQ_MSG(test, vmm_xsave_check(buf, ALL, MASK), -EINVAL,
				    "byte %u", offsets[i]);
	}
	/* Without AVX its area is reserved too. */
	{
		u8 *buf = state(test);

		buf[VMM_XSAVE_YMM_HI] = 1;
		KUNIT_EXPECT_EQ(test, vmm_xsave_check(buf, ALL, MASK), 0);
		KUNIT_EXPECT_EQ(test,
				vmm_xsave_check(buf, ALL & ~VMM_XFEATURE_AVX, MASK),
				-EINVAL);
	}
}

/* XSETBV's rules, the SDM's "XSETBV" #GP conditions for XCR0. */
static void xcr0_rules(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmm_xcr0_valid(VMM_XFEATURE_X87, ALL));
	KUNIT_EXPECT_TRUE(test, vmm_xcr0_valid(VMM_XFEATURE_X87 | VMM_XFEATURE_SSE, ALL));
	KUNIT_EXPECT_TRUE(test, vmm_xcr0_valid(ALL, ALL));
	/* x87 can never be off. */
	KUNIT_EXPECT_FALSE(test, vmm_xcr0_valid(0, ALL));
	KUNIT_EXPECT_FALSE(test, vmm_xcr0_valid(VMM_XFEATURE_SSE, ALL));
	/* AVX needs SSE. */
	KUNIT_EXPECT_FALSE(test, vmm_xcr0_valid(VMM_XFEATURE_X87 | VMM_XFEATURE_AVX, ALL));
	/* Nothing beyond what the host offers guests. */
	KUNIT_EXPECT_FALSE(test, vmm_xcr0_valid(ALL, ALL & ~VMM_XFEATURE_AVX));
	KUNIT_EXPECT_FALSE(test, vmm_xcr0_valid(ALL | BIT_ULL(3), ALL));
	KUNIT_EXPECT_FALSE(test, vmm_xcr0_valid(ALL | BIT_ULL(63), ALL));
}

static struct kunit_case vmm_fpu_cases[] = {
	KUNIT_CASE(init_state_is_accepted),
	KUNIT_CASE(xstate_bv_beyond_features_is_rejected),
	KUNIT_CASE(compacted_or_dirty_header_is_rejected),
	KUNIT_CASE(mxcsr_reserved_bits_are_rejected),
	KUNIT_CASE(reserved_bytes_are_rejected),
	KUNIT_CASE(xcr0_rules),
	{}
};

static struct kunit_suite vmm_fpu_suite = {
	.name = "vmm_fpu",
	.test_cases = vmm_fpu_cases,
};

kunit_test_suite(vmm_fpu_suite);
