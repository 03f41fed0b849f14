// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm_svm_vmcb: the VMCB layout (AMD APM vol. 2, "Layout of VMCB"). vmcb.h
 * asserts these at build time; this suite says which field moved when a
 * build with the asserts relaxed is being debugged, and pins the total size.
 */
#include <kunit/test.h>
#include <linux/stddef.h>

#include "../vmcb.h"

static void control_area_offsets(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, control.intercept_misc1), 0x00c);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, control.iopm_base_pa), 0x040);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, control.msrpm_base_pa), 0x048);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, control.asid), 0x058);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, control.exit_code), 0x070);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, control.exit_info2), 0x080);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, control.nested_cr3), 0x0b0);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, control.next_rip), 0x0c8);
}

static void save_area_offsets(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, save.cs), 0x410);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, save.efer), 0x4d0);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, save.cr0), 0x558);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, save.rip), 0x578);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, save.rax), 0x5f8);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmcb, save.g_pat), 0x668);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmcb_seg), 16);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmcb), 4096);
}

static struct kunit_case vmm_svm_vmcb_cases[] = {
	KUNIT_CASE(control_area_offsets),
	KUNIT_CASE(save_area_offsets),
	{}
};

static struct kunit_suite vmm_svm_vmcb_suite = {
	.name = "vmm_svm_vmcb",
	.test_cases = vmm_svm_vmcb_cases,
};

kunit_test_suite(vmm_svm_vmcb_suite);
