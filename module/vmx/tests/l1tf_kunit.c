// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm_l1tf: how the VMX backend empties the L1D before entries (l1tf.c).
 * The choice follows the bug, the kernel's l1tf= setting and the flush
 * command; the fill buffer must evict the whole L1D of the CPU it runs on
 * (a real test where the CPU has L1TF: Bochs's Skylake has, with no
 * flush command).
 */
#include <kunit/test.h>

#include <asm/processor.h>

#include "../../compat.h"
#include "../vmx.h"

static void l1d_flush_choice(struct kunit *test)
{
	/* No bug, or l1tf=off / mitigations=off: no flush at all. */
	KUNIT_EXPECT_EQ(test, vmx_l1d_flush_choose(false, true, false, true), VMX_L1D_FLUSH_NONE);
	KUNIT_EXPECT_EQ(test, vmx_l1d_flush_choose(false, true, false, false), VMX_L1D_FLUSH_NONE);
	KUNIT_EXPECT_EQ(test, vmx_l1d_flush_choose(true, false, false, true), VMX_L1D_FLUSH_NONE);
	KUNIT_EXPECT_EQ(test, vmx_l1d_flush_choose(true, false, false, false), VMX_L1D_FLUSH_NONE);
	/* The hypervisor below flushes on its entries (SKIP_L1DFL_VMENTRY). */
	KUNIT_EXPECT_EQ(test, vmx_l1d_flush_choose(true, true, true, true), VMX_L1D_FLUSH_NONE);
	KUNIT_EXPECT_EQ(test, vmx_l1d_flush_choose(true, true, true, false), VMX_L1D_FLUSH_NONE);
	/* Mitigated: the flush command where the CPU has one, else the fill. */
	KUNIT_EXPECT_EQ(test, vmx_l1d_flush_choose(true, true, false, true), VMX_L1D_FLUSH_CMD);
	KUNIT_EXPECT_EQ(test, vmx_l1d_flush_choose(true, true, false, false), VMX_L1D_FLUSH_FILL);
}

/* The L1 data cache's size from CPUID leaf 4 (deterministic cache parameters), or 0. */
static unsigned int l1d_size(void)
{
	unsigned int i, eax, ebx, ecx, edx;

	if (boot_cpu_data.cpuid_level < 4)
		return 0;
	for (i = 0; i < 16; i++) {
		cpuid_count(4, i, &eax, &ebx, &ecx, &edx);
		if (!(eax & 0x1f))
			break;
		/* Type 1 (data), level 1. */
		if ((eax & 0x1f) == 1 && ((eax >> 5) & 7) == 1)
			return (((ebx >> 22) & 0x3ff) + 1) *	/* ways */
			       (((ebx >> 12) & 0x3ff) + 1) *	/* partitions */
			       ((ebx & 0xfff) + 1) *		/* line size */
			       (ecx + 1);			/* sets */
	}
	return 0;
}

static void l1d_fill_evicts_this_cpus_l1d(struct kunit *test)
{
	unsigned int size;

	if (!boot_cpu_has_bug(X86_BUG_L1TF))
		kunit_skip(test, "no L1TF on this CPU: the fill never runs");
	size = l1d_size();
	KUNIT_ASSERT_NE_MSG(test, size, 0, "no L1D in CPUID leaf 4");
	kunit_info(test, "L1D %u KiB, fill buffer %u KiB\n", size / 1024,
		   VMX_L1D_FILL_SIZE / 1024);
	/* Twice the size, whatever the replacement policy kept. */
	KUNIT_EXPECT_GE(test, VMX_L1D_FILL_SIZE, 2 * size);
}

/* On this host: the report names what the entries do. */
static void l1d_report_names_the_mode(struct kunit *test)
{
	const char *report = vmx_l1d_flush_report();

	switch (vmx_l1d_flush_mode) {
	case VMX_L1D_FLUSH_NONE:
		KUNIT_EXPECT_NULL(test, report);
		break;
	case VMX_L1D_FLUSH_CMD:
		KUNIT_EXPECT_STREQ(test, report, "l1d-flush");
		break;
	case VMX_L1D_FLUSH_FILL:
		KUNIT_EXPECT_STREQ(test, report, "l1d-flush(fill)");
		/* And it runs: every load of the buffer stays inside it. */
		preempt_disable();
		vmx_l1d_flush();
		preempt_enable();
		break;
	}
}

static struct kunit_case vmm_l1tf_cases[] = {
	KUNIT_CASE(l1d_flush_choice),
	KUNIT_CASE(l1d_fill_evicts_this_cpus_l1d),
	KUNIT_CASE(l1d_report_names_the_mode),
	{}
};

static struct kunit_suite vmm_l1tf_suite = {
	.name = "vmm_l1tf",
	.test_cases = vmm_l1tf_cases,
};

kunit_test_suite(vmm_l1tf_suite);
