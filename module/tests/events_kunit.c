// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm_events: the pure rules of event injection (events.c), against the
 * Intel SDM's tables "Interrupt and Exception Classes" and "Conditions for
 * Generating a Double Fault", and the AMD APM's equivalent.
 */
#include <kunit/test.h>
#include <asm/trapnr.h>

#include "../vmm.h"

static void error_code_vectors(struct kunit *test)
{
	static const u8 with[] = { 8, 10, 11, 12, 13, 14, 17, 21 };
	unsigned int v, i, n = 0;

	for (i = 0; i < ARRAY_SIZE(with); i++)
		KUNIT_EXPECT_TRUE_MSG(test, vmm_exception_has_error_code(with[i]),
				      "vector %u", with[i]);
	for (v = 0; v < 256; v++)
		n += vmm_exception_has_error_code(v);
	KUNIT_EXPECT_EQ(test, n, ARRAY_SIZE(with));
}

/* The classes, as the SDM lists them. */
static const u8 benign[] = { 1, 2, 3, 4, 5, 6, 7, 9, 16, 17, 18, 19 };
static const u8 contributory[] = { 0, 10, 11, 12, 13, 21 };
static const u8 page_faults[] = { 14, 20 };

static void combine_contributory(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(contributory); i++) {
		for (j = 0; j < ARRAY_SIZE(contributory); j++)
			KUNIT_EXPECT_EQ_MSG(test, vmm_exception_combine(contributory[i],
									contributory[j]),
					    VMM_EXC_DOUBLE, "%u then %u",
					    contributory[i], contributory[j]);
		/* A page fault while delivering a #GP: handled serially. */
		for (j = 0; j < ARRAY_SIZE(page_faults); j++)
			KUNIT_EXPECT_EQ(test, vmm_exception_combine(contributory[i],
								    page_faults[j]),
					VMM_EXC_SERIAL);
		for (j = 0; j < ARRAY_SIZE(benign); j++)
			KUNIT_EXPECT_EQ(test, vmm_exception_combine(contributory[i], benign[j]),
					VMM_EXC_SERIAL);
	}
}

static void combine_page_fault(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(page_faults); i++) {
		for (j = 0; j < ARRAY_SIZE(page_faults); j++)
			KUNIT_EXPECT_EQ(test, vmm_exception_combine(page_faults[i],
								    page_faults[j]),
					VMM_EXC_DOUBLE);
		for (j = 0; j < ARRAY_SIZE(contributory); j++)
			KUNIT_EXPECT_EQ(test, vmm_exception_combine(page_faults[i],
								    contributory[j]),
					VMM_EXC_DOUBLE);
		for (j = 0; j < ARRAY_SIZE(benign); j++)
			KUNIT_EXPECT_EQ(test, vmm_exception_combine(page_faults[i], benign[j]),
					VMM_EXC_SERIAL);
	}
}

static void combine_double_fault(struct kunit *test)
{
	unsigned int j;

	for (j = 0; j < ARRAY_SIZE(contributory); j++)
		KUNIT_EXPECT_EQ(test, vmm_exception_combine(X86_TRAP_DF, contributory[j]),
				VMM_EXC_TRIPLE);
	for (j = 0; j < ARRAY_SIZE(page_faults); j++)
		KUNIT_EXPECT_EQ(test, vmm_exception_combine(X86_TRAP_DF, page_faults[j]),
				VMM_EXC_TRIPLE);
	for (j = 0; j < ARRAY_SIZE(benign); j++)
		KUNIT_EXPECT_EQ(test, vmm_exception_combine(X86_TRAP_DF, benign[j]),
				VMM_EXC_SERIAL);
}

static void combine_benign_first(struct kunit *test)
{
	unsigned int i, v;

	for (i = 0; i < ARRAY_SIZE(benign); i++)
		for (v = 0; v < 32; v++)
			KUNIT_EXPECT_EQ_MSG(test, vmm_exception_combine(benign[i], v),
					    VMM_EXC_SERIAL, "%u then %u", benign[i], v);
}

static struct kunit_case vmm_events_cases[] = {
	KUNIT_CASE(error_code_vectors),
	KUNIT_CASE(combine_contributory),
	KUNIT_CASE(combine_page_fault),
	KUNIT_CASE(combine_double_fault),
	KUNIT_CASE(combine_benign_first),
	{}
};

static struct kunit_suite vmm_events_suite = {
	.name = "vmm_events",
	.test_cases = vmm_events_cases,
};

kunit_test_suite(vmm_events_suite);
