// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm_virt: the extension is on, in hardware, on every online CPU exactly
 * while references are held, including on a CPU that goes offline and comes
 * back meanwhile. The hardware state is read on each CPU itself.
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/smp.h>

#include "../vmm.h"

static void read_cpu_state(void *data)
{
	bool *on = data;

	on[smp_processor_id()] = vmm_ops->cpu_enabled();
}

/* Return: the number of online CPUs on which the extension is on. */
static unsigned int hw_on_count(struct kunit *test, bool *on)
{
	unsigned int cpu, n = 0;

	cpus_read_lock();
	on_each_cpu(read_cpu_state, on, 1);
	for_each_online_cpu(cpu) {
		/* Our bookkeeping must match the hardware. */
		KUNIT_EXPECT_EQ_MSG(test, on[cpu], vmm_virt_cpu_on(cpu),
				    "cpu%u", cpu);
		n += on[cpu];
	}
	cpus_read_unlock();
	return n;
}

static bool *state_array(struct kunit *test)
{
	bool *on = kunit_kcalloc(test, nr_cpu_ids, sizeof(*on), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, on);
	return on;
}

/* Skips, saying why, when the hardware is not ours to test. */
static void require_hardware_free(struct kunit *test, bool *on)
{
	unsigned int cpu;

	if (vmm_virt_users())
		kunit_skip(test, "VMs exist");
	cpus_read_lock();
	on_each_cpu(read_cpu_state, on, 1);
	cpus_read_unlock();
	for_each_online_cpu(cpu)
		if (on[cpu])
			kunit_skip(test, "another hypervisor holds %s on cpu%u",
				   vmm_ops->name, cpu);
}

static void get_turns_on_every_cpu(struct kunit *test)
{
	bool *on = state_array(test);

	require_hardware_free(test, on);
	KUNIT_ASSERT_EQ(test, vmm_virt_get(), 0);
	KUNIT_EXPECT_EQ(test, hw_on_count(test, on), num_online_cpus());
	vmm_virt_put();
	KUNIT_EXPECT_EQ(test, hw_on_count(test, on), 0);
}

static void nested_refs_keep_it_on(struct kunit *test)
{
	bool *on = state_array(test);

	require_hardware_free(test, on);
	KUNIT_ASSERT_EQ(test, vmm_virt_get(), 0);
	KUNIT_ASSERT_EQ(test, vmm_virt_get(), 0);
	KUNIT_EXPECT_EQ(test, vmm_virt_users(), 2);
	vmm_virt_put();
	KUNIT_EXPECT_EQ(test, hw_on_count(test, on), num_online_cpus());
	vmm_virt_put();
	KUNIT_EXPECT_EQ(test, hw_on_count(test, on), 0);
	KUNIT_EXPECT_EQ(test, vmm_virt_users(), 0);
}

static void hotplugged_cpu_follows(struct kunit *test)
{
	bool *on = state_array(test);
	unsigned int cpu;

	require_hardware_free(test, on);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	cpu = cpumask_last(cpu_online_mask);

	KUNIT_ASSERT_EQ(test, vmm_virt_get(), 0);
	KUNIT_ASSERT_EQ(test, remove_cpu(cpu), 0);
	KUNIT_EXPECT_FALSE(test, vmm_virt_cpu_on(cpu));
	KUNIT_EXPECT_EQ(test, hw_on_count(test, on), num_online_cpus());
	KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);
	KUNIT_EXPECT_TRUE(test, cpu_online(cpu));
	KUNIT_EXPECT_EQ(test, hw_on_count(test, on), num_online_cpus());
	KUNIT_EXPECT_TRUE(test, on[cpu]);
	vmm_virt_put();
	KUNIT_EXPECT_EQ(test, hw_on_count(test, on), 0);

	/* With no references, a CPU comes back with the extension off. */
	KUNIT_ASSERT_EQ(test, remove_cpu(cpu), 0);
	KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);
	KUNIT_EXPECT_EQ(test, hw_on_count(test, on), 0);
}

static struct kunit_case vmm_virt_cases[] = {
	KUNIT_CASE(get_turns_on_every_cpu),
	KUNIT_CASE(nested_refs_keep_it_on),
	KUNIT_CASE(hotplugged_cpu_follows),
	{}
};

static struct kunit_suite vmm_virt_suite = {
	.name = "vmm_virt",
	.test_cases = vmm_virt_cases,
};

kunit_test_suite(vmm_virt_suite);
