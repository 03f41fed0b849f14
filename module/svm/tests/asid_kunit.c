// SPDX-License-Identifier: GPL-2.0-only
/* vmm_svm_asid: ASIDs per CPU, generations, and when the TLB is flushed. */
#include <kunit/test.h>

#include "../asid.h"

static void first_run_gets_a_flushed_asid(struct kunit *test)
{
	struct svm_asid_cpu a;
	struct svm_asid_owner o = { .cpu = -1 };

	svm_asid_cpu_init(&a, 15);
	KUNIT_EXPECT_EQ(test, svm_asid_assign(&a, &o, 0), SVM_ASID_NEW);
	KUNIT_EXPECT_EQ(test, o.asid, 1);
	KUNIT_EXPECT_EQ(test, o.cpu, 0);
}

static void same_cpu_keeps_its_asid(struct kunit *test)
{
	struct svm_asid_cpu a;
	struct svm_asid_owner o = { .cpu = -1 };

	svm_asid_cpu_init(&a, 15);
	svm_asid_assign(&a, &o, 0);
	KUNIT_EXPECT_EQ(test, svm_asid_assign(&a, &o, 0), SVM_ASID_KEEP);
	KUNIT_EXPECT_EQ(test, o.asid, 1);
}

static void migration_gets_a_fresh_asid(struct kunit *test)
{
	struct svm_asid_cpu a0, a1;
	struct svm_asid_owner o = { .cpu = -1 }, other = { .cpu = -1 };

	svm_asid_cpu_init(&a0, 15);
	svm_asid_cpu_init(&a1, 15);
	svm_asid_assign(&a0, &o, 0);
	svm_asid_assign(&a1, &other, 1);
	/* Moving to CPU 1: its next ASID, flushed there. */
	KUNIT_EXPECT_EQ(test, svm_asid_assign(&a1, &o, 1), SVM_ASID_NEW);
	KUNIT_EXPECT_EQ(test, o.asid, 2);
	/* Back to CPU 0: not the old ASID either, someone may have it. */
	KUNIT_EXPECT_EQ(test, svm_asid_assign(&a0, &o, 0), SVM_ASID_NEW);
	KUNIT_EXPECT_EQ(test, o.asid, 2);
}

static void wrap_starts_a_generation_and_flushes_all(struct kunit *test)
{
	struct svm_asid_cpu a;
	struct svm_asid_owner o[4] = { { .cpu = -1 }, { .cpu = -1 },
				       { .cpu = -1 }, { .cpu = -1 } };

	svm_asid_cpu_init(&a, 3);
	KUNIT_EXPECT_EQ(test, svm_asid_assign(&a, &o[0], 0), SVM_ASID_NEW);
	KUNIT_EXPECT_EQ(test, svm_asid_assign(&a, &o[1], 0), SVM_ASID_NEW);
	KUNIT_EXPECT_EQ(test, svm_asid_assign(&a, &o[2], 0), SVM_ASID_NEW);
	KUNIT_EXPECT_EQ(test, o[2].asid, 3);
	KUNIT_EXPECT_EQ(test, svm_asid_assign(&a, &o[3], 0),
			SVM_ASID_NEW_GENERATION);
	KUNIT_EXPECT_EQ(test, o[3].asid, 1);
	/* Everyone from the old generation is stale now. */
	KUNIT_EXPECT_NE(test, svm_asid_assign(&a, &o[0], 0), SVM_ASID_KEEP);
	KUNIT_EXPECT_EQ(test, o[0].asid, 2);
	KUNIT_EXPECT_EQ(test, svm_asid_assign(&a, &o[3], 0), SVM_ASID_KEEP);
}

static void asids_never_zero_nor_above_max(struct kunit *test)
{
	struct svm_asid_cpu a;
	struct svm_asid_owner o = { .cpu = -1 };
	int i;

	svm_asid_cpu_init(&a, 5);
	for (i = 0; i < 100; i++) {
		o.cpu = -1;	/* force a new one each time */
		svm_asid_assign(&a, &o, 0);
		KUNIT_EXPECT_GE(test, o.asid, 1);
		KUNIT_EXPECT_LE(test, o.asid, 5);
	}
}

static struct kunit_case vmm_svm_asid_cases[] = {
	KUNIT_CASE(first_run_gets_a_flushed_asid),
	KUNIT_CASE(same_cpu_keeps_its_asid),
	KUNIT_CASE(migration_gets_a_fresh_asid),
	KUNIT_CASE(wrap_starts_a_generation_and_flushes_all),
	KUNIT_CASE(asids_never_zero_nor_above_max),
	{}
};

static struct kunit_suite vmm_svm_asid_suite = {
	.name = "vmm_svm_asid",
	.test_cases = vmm_svm_asid_cases,
};

kunit_test_suite(vmm_svm_asid_suite);
