// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm_tsc: the TSC offset arithmetic of tsc.h alone (ADVERSARIAL.md A39):
 * writes of 0, 2^63 and backwards, TSC_ADJUST following IA32_TSC writes by
 * the same delta, and userspace's restoring writes leaving each other be.
 */
#include <kunit/test.h>
#include <linux/bits.h>

#include "../tsc.h"

#define BIG	BIT_ULL(63)

static void tsc_write_zero_reads_zero_then_runs_on(struct kunit *test)
{
	struct vmm_tsc t = { .offset = 0 };

	vmm_tsc_guest_write(&t, 1000, 0);
	KUNIT_EXPECT_EQ(test, vmm_tsc_guest(&t, 1000), 0ull);
	KUNIT_EXPECT_EQ(test, vmm_tsc_guest(&t, 1500), 500ull);
	/* The counter moved back by 1000: so did TSC_ADJUST. */
	KUNIT_EXPECT_EQ(test, t.adjust, -1000ull);
}

static void tsc_write_2_63_and_backwards(struct kunit *test)
{
	struct vmm_tsc t = { .offset = 0 };

	vmm_tsc_guest_write(&t, 10, BIG);
	KUNIT_EXPECT_EQ(test, vmm_tsc_guest(&t, 10), BIG);
	KUNIT_EXPECT_EQ(test, t.adjust, BIG - 10);
	/* 100 ticks later, back to 5: the adjust is what was added in all. */
	vmm_tsc_guest_write(&t, 110, 5);
	KUNIT_EXPECT_EQ(test, vmm_tsc_guest(&t, 110), 5ull);
	KUNIT_EXPECT_EQ(test, vmm_tsc_guest(&t, 111), 6ull);
	KUNIT_EXPECT_EQ(test, t.adjust, 5ull - 110);
}

static void tsc_wraps_modulo_2_64(struct kunit *test)
{
	struct vmm_tsc t = { .offset = 0 };

	vmm_tsc_guest_write(&t, 0, U64_MAX);
	KUNIT_EXPECT_EQ(test, vmm_tsc_guest(&t, 1), 0ull);
	vmm_tsc_guest_write(&t, U64_MAX, 3);
	KUNIT_EXPECT_EQ(test, vmm_tsc_guest(&t, U64_MAX), 3ull);
	KUNIT_EXPECT_EQ(test, vmm_tsc_guest(&t, 0), 4ull);
}

static void tsc_adjust_write_moves_the_counter(struct kunit *test)
{
	struct vmm_tsc t = { .offset = 100 };

	vmm_tsc_guest_write_adjust(&t, 50);
	KUNIT_EXPECT_EQ(test, t.adjust, 50ull);
	KUNIT_EXPECT_EQ(test, vmm_tsc_guest(&t, 0), 150ull);
	/* Backwards: down by 80 from 50. */
	vmm_tsc_guest_write_adjust(&t, -30ull);
	KUNIT_EXPECT_EQ(test, t.adjust, -30ull);
	KUNIT_EXPECT_EQ(test, vmm_tsc_guest(&t, 0), 70ull);
	/* A TSC write afterwards keeps accumulating into it. */
	vmm_tsc_guest_write(&t, 0, 100);
	KUNIT_EXPECT_EQ(test, t.adjust, 0ull);
}

static void tsc_user_writes_are_independent(struct kunit *test)
{
	struct vmm_tsc a = { .offset = 7, .adjust = 9 }, b = a;

	/* Restoring TSC then ADJUST, or ADJUST then TSC: one state. */
	vmm_tsc_user_write(&a, 1000, 5000);
	vmm_tsc_user_write_adjust(&a, 42);
	vmm_tsc_user_write_adjust(&b, 42);
	vmm_tsc_user_write(&b, 1000, 5000);
	KUNIT_EXPECT_EQ(test, a.offset, b.offset);
	KUNIT_EXPECT_EQ(test, a.adjust, 42ull);
	KUNIT_EXPECT_EQ(test, b.adjust, 42ull);
	KUNIT_EXPECT_EQ(test, vmm_tsc_guest(&a, 1000), 5000ull);
}

static struct kunit_case vmm_tsc_cases[] = {
	KUNIT_CASE(tsc_write_zero_reads_zero_then_runs_on),
	KUNIT_CASE(tsc_write_2_63_and_backwards),
	KUNIT_CASE(tsc_wraps_modulo_2_64),
	KUNIT_CASE(tsc_adjust_write_moves_the_counter),
	KUNIT_CASE(tsc_user_writes_are_independent),
	{}
};

static struct kunit_suite vmm_tsc_suite = {
	.name = "vmm_tsc",
	.test_cases = vmm_tsc_cases,
};

kunit_test_suite(vmm_tsc_suite);
