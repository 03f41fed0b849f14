// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm_cpuid: what a vCPU without a CPUID table from userspace is told of
 * the host (vmm_cpuid(), vcpu.c's vmm_cpuid_hidden): none of the features
 * whose MSRs or instructions the module does not give the guest, whatever
 * the host has. Each case reports the host's bits it hid, so a log shows
 * where the case was a real test (Bochs's Skylake has ACPI, TM, DS, EST
 * and the thermal leaf; QEMU's EPYC has few of them).
 */
#include <kunit/test.h>
#include <linux/bits.h>

#include <asm/processor.h>

#include "../compat.h"
#include "../vmm.h"

/* A vCPU as vmm_cpuid() sees it before userspace set a table. */
static struct vmm_vcpu *bare_vcpu(struct kunit *test)
{
	struct vmm_vcpu *vcpu = kunit_kzalloc(test, sizeof(*vcpu), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vcpu);
	return vcpu;
}

/*
 * Leaf 1: DTES64, MONITOR, DS-CPL, VMX, SMX, EST, TM2, xTPR, PDCM, x2APIC,
 * TSC-deadline in ECX; APIC, DS, ACPI, TM, PBE in EDX. The thermal ones
 * matter to Linux guests: 6.1's intel_init_thermal() touches
 * IA32_THERM_INTERRUPT unchecked when ACPI and TM are set.
 */
#define LEAF1_ECX_HIDDEN ((u32)(BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | \
			       BIT(8) | BIT(14) | BIT(15) | BIT(21) | BIT(24)))
#define LEAF1_EDX_HIDDEN ((u32)(BIT(9) | BIT(21) | BIT(22) | BIT(29) | BIT(31)))
#define LEAF6_EAX_ARAT	 ((u32)BIT(2))

static void cpuid_leaf1_hides_what_vmm_does_not_keep(struct kunit *test)
{
	struct vmm_vcpu *vcpu = bare_vcpu(test);
	u32 out[4], host[4];

	cpuid_count(1, 0, &host[0], &host[1], &host[2], &host[3]);
	vmm_cpuid(vcpu, 1, 0, out);
	kunit_info(test, "host leaf 1 bits hidden: ecx %#x edx %#x\n",
		   host[2] & LEAF1_ECX_HIDDEN, host[3] & LEAF1_EDX_HIDDEN);
	KUNIT_EXPECT_EQ(test, out[2] & LEAF1_ECX_HIDDEN, 0u);
	KUNIT_EXPECT_EQ(test, out[3] & LEAF1_EDX_HIDDEN, 0u);
	/* The rest is the host's: SSE2 and the like stay. */
	KUNIT_EXPECT_EQ(test, out[3] & ~LEAF1_EDX_HIDDEN, host[3] & ~LEAF1_EDX_HIDDEN);
}

/* Leaf 6, thermal and power management: ARAT (EAX bit 2) alone. */
static void cpuid_leaf6_keeps_only_arat(struct kunit *test)
{
	struct vmm_vcpu *vcpu = bare_vcpu(test);
	u32 out[4], host[4] = {};

	if (boot_cpu_data.cpuid_level >= 6)
		cpuid_count(6, 0, &host[0], &host[1], &host[2], &host[3]);
	vmm_cpuid(vcpu, 6, 0, out);
	kunit_info(test, "host leaf 6: %#x %#x %#x %#x\n", host[0], host[1], host[2], host[3]);
	KUNIT_EXPECT_EQ(test, out[0], host[0] & LEAF6_EAX_ARAT);
	KUNIT_EXPECT_EQ(test, out[1], 0u);
	KUNIT_EXPECT_EQ(test, out[2], 0u);
	KUNIT_EXPECT_EQ(test, out[3], 0u);
}

/* Leaf 0x80000001: SVM and the core performance counters; RDTSCP. */
static void cpuid_ext1_hides_svm_perfctr_rdtscp(struct kunit *test)
{
	struct vmm_vcpu *vcpu = bare_vcpu(test);
	u32 out[4];

	vmm_cpuid(vcpu, 0x80000001, 0, out);
	KUNIT_EXPECT_EQ(test, out[2] & (u32)(BIT(2) | BIT(23)), 0u);
	KUNIT_EXPECT_EQ(test, out[3] & (u32)BIT(27), 0u);
}

static struct kunit_case vmm_cpuid_cases[] = {
	KUNIT_CASE(cpuid_leaf1_hides_what_vmm_does_not_keep),
	KUNIT_CASE(cpuid_leaf6_keeps_only_arat),
	KUNIT_CASE(cpuid_ext1_hides_svm_perfctr_rdtscp),
	{}
};

static struct kunit_suite vmm_cpuid_suite = {
	.name = "vmm_cpuid",
	.test_cases = vmm_cpuid_cases,
};

kunit_test_suite(vmm_cpuid_suite);
