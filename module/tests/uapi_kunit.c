// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm_uapi: the ABI's structures do not move. A change that fails here breaks
 * every binary built against an earlier uapi/vmm.h.
 */
#include <kunit/test.h>
#include <linux/ioctl.h>
#include <linux/stddef.h>

#include "../../uapi/vmm.h"

static void caps_layout_is_fixed(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct vmm_caps), 160);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_caps, flags), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_caps, vendor), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_caps, features), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_caps, max_vms), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_caps, nr_tlb_tags), 20);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_caps, phys_addr_bits), 24);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_caps, nr_cpus), 28);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_caps, raw), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_caps, reserved), 96);
}

static void create_vm_layout_is_fixed(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct vmm_create_vm), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_create_vm, flags), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_create_vm, pad), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_create_vm, reserved), 8);
}

static void msrs_layout_is_fixed(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct vmm_msr_entry), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_msr_entry, index), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_msr_entry, pad), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_msr_entry, data), 8);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmm_msrs), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_msrs, nmsrs), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_msrs, flags), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_msrs, entries), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_msrs, reserved), 16);
	KUNIT_EXPECT_EQ(test, VMM_MAX_MSR_ENTRIES, 256);
}

/* The XSAVE standard format's offsets (SDM, "XSAVE-Managed State"). */
static void xsave_layout_is_fixed(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct vmm_xsave), 4096);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmm_xcrs), 64);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_xcrs, xcr0), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_xcrs, reserved), 8);
	KUNIT_EXPECT_EQ(test, VMM_XSAVE_SIZE, 4096);
	KUNIT_EXPECT_EQ(test, VMM_XSAVE_MXCSR, 24);
	KUNIT_EXPECT_EQ(test, VMM_XSAVE_MXCSR_MASK, 28);
	KUNIT_EXPECT_EQ(test, VMM_XSAVE_ST, 32);
	KUNIT_EXPECT_EQ(test, VMM_XSAVE_XMM, 160);
	KUNIT_EXPECT_EQ(test, VMM_XSAVE_XSTATE_BV, 512);
	KUNIT_EXPECT_EQ(test, VMM_XSAVE_XCOMP_BV, 520);
	KUNIT_EXPECT_EQ(test, VMM_XSAVE_YMM_HI, 576);
	KUNIT_EXPECT_EQ(test, VMM_XSAVE_END, 832);
	KUNIT_EXPECT_EQ(test, VMM_XFEATURE_X87 | VMM_XFEATURE_SSE | VMM_XFEATURE_AVX, 7);
}

/* The run page: what userspace reads at every exit, without a copy. */
static void run_layout_is_fixed(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct vmm_run), 256);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, exit_reason), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, immediate_exit), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, reserved), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, io.port), 64);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, io.size), 66);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, io.direction), 67);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, io.count), 68);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, io.data), 72);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, mmio.gpa), 64);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, mmio.data), 72);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, mmio.len), 80);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, mmio.is_write), 84);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, hypercall.nr), 64);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, hypercall.args), 72);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, hypercall.ret), 112);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, hw.reason), 64);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, hw.qualification), 72);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_run, hw.info), 80);
	/* String I/O data: after the structure, to the end of the page. */
	KUNIT_EXPECT_EQ(test, VMM_RUN_IO_DATA, 2048);
	KUNIT_EXPECT_EQ(test, VMM_RUN_IO_DATA + VMM_RUN_IO_DATA_SIZE, 4096);
}

static void ioctl_numbers_are_fixed(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, VMM_GET_API_VERSION, 0xb900);
	KUNIT_EXPECT_EQ(test, _IOC_TYPE(VMM_GET_CAPS), VMMIO);
	KUNIT_EXPECT_EQ(test, _IOC_NR(VMM_GET_CAPS), 1);
	KUNIT_EXPECT_EQ(test, _IOC_DIR(VMM_GET_CAPS), _IOC_READ | _IOC_WRITE);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(VMM_GET_CAPS), sizeof(struct vmm_caps));
	KUNIT_EXPECT_EQ(test, _IOC_NR(VMM_CREATE_VM), 2);
	KUNIT_EXPECT_EQ(test, _IOC_DIR(VMM_CREATE_VM), _IOC_WRITE);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(VMM_CREATE_VM),
			sizeof(struct vmm_create_vm));
	KUNIT_EXPECT_EQ(test, VMM_API_VERSION, 1);
	/* The vCPU ioctls after VMM_SET_CPUID (0x25). */
	KUNIT_EXPECT_EQ(test, _IOC_NR(VMM_SET_CPUID), 0x25);
	KUNIT_EXPECT_EQ(test, _IOC_NR(VMM_GET_MSRS), 0x26);
	KUNIT_EXPECT_EQ(test, _IOC_DIR(VMM_GET_MSRS), _IOC_READ | _IOC_WRITE);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(VMM_GET_MSRS), sizeof(struct vmm_msrs));
	KUNIT_EXPECT_EQ(test, _IOC_NR(VMM_SET_MSRS), 0x27);
	KUNIT_EXPECT_EQ(test, _IOC_DIR(VMM_SET_MSRS), _IOC_WRITE);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(VMM_SET_MSRS), sizeof(struct vmm_msrs));
	KUNIT_EXPECT_EQ(test, _IOC_NR(VMM_GET_FPU), 0x28);
	KUNIT_EXPECT_EQ(test, _IOC_DIR(VMM_GET_FPU), _IOC_READ);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(VMM_GET_FPU), sizeof(struct vmm_xsave));
	KUNIT_EXPECT_EQ(test, _IOC_NR(VMM_SET_FPU), 0x29);
	KUNIT_EXPECT_EQ(test, _IOC_DIR(VMM_SET_FPU), _IOC_WRITE);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(VMM_SET_FPU), sizeof(struct vmm_xsave));
	KUNIT_EXPECT_EQ(test, _IOC_NR(VMM_GET_VCPU_EVENTS), 0x2c);
	KUNIT_EXPECT_EQ(test, _IOC_DIR(VMM_GET_VCPU_EVENTS), _IOC_READ);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(VMM_GET_VCPU_EVENTS),
			sizeof(struct vmm_vcpu_events));
	KUNIT_EXPECT_EQ(test, _IOC_NR(VMM_SET_VCPU_EVENTS), 0x2d);
	KUNIT_EXPECT_EQ(test, _IOC_DIR(VMM_SET_VCPU_EVENTS), _IOC_WRITE);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(VMM_SET_VCPU_EVENTS),
			sizeof(struct vmm_vcpu_events));
}

static void vcpu_events_layout_is_fixed(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct vmm_vcpu_events), 96);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, flags), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, pad), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, exception.pending), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, exception.injected), 9);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, exception.vector), 10);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, exception.has_error_code), 11);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, exception.error_code), 12);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, exception.has_payload), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, exception.pad), 17);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, exception.payload), 24);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, interrupt.pending), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, interrupt.injected), 33);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, interrupt.vector), 34);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, interrupt.shadow), 35);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, interrupt.pad), 36);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, nmi.pending), 40);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, nmi.injected), 41);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, nmi.masked), 42);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, nmi.pad), 43);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_vcpu_events, reserved), 48);
	KUNIT_EXPECT_EQ(test, VMM_EVENTS_ALL, 0xf);
	KUNIT_EXPECT_EQ(test, VMM_SHADOW_STI, 1);
	KUNIT_EXPECT_EQ(test, VMM_SHADOW_MOV_SS, 2);
	KUNIT_EXPECT_EQ(test, VMM_FEAT_VCPU_EVENTS, 1ULL << 14);
}

static void irqchip_abi_is_fixed(struct kunit *test)
{
	struct vmm_run run;

	KUNIT_EXPECT_EQ(test, sizeof(struct vmm_msi), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_msi, data), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_msi, flags), 12);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_msi, reserved), 16);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmm_lapic_state), 1024);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmm_mp_state), 8);
	KUNIT_EXPECT_EQ(test, VMM_MP_RUNNABLE, 0);
	KUNIT_EXPECT_EQ(test, VMM_MP_HALTED, 1);
	KUNIT_EXPECT_EQ(test, VMM_EXIT_EOI, 9);
	KUNIT_EXPECT_EQ(test, (uintptr_t)&run.eoi.vector - (uintptr_t)&run, 64);
	KUNIT_EXPECT_EQ(test, VMM_FEAT_LAPIC, 1ULL << 15);
	KUNIT_EXPECT_EQ(test, VMM_CREATE_IRQCHIP, 0xb912);
	KUNIT_EXPECT_EQ(test, VMM_SIGNAL_MSI, 0x4020b913);
	KUNIT_EXPECT_EQ(test, VMM_GET_TSC_KHZ, 0xb914);
	KUNIT_EXPECT_EQ(test, VMM_GET_LAPIC, 0x8400b92e);
	KUNIT_EXPECT_EQ(test, VMM_SET_LAPIC, 0x4400b92f);
	KUNIT_EXPECT_EQ(test, VMM_GET_MP_STATE, 0x8008b930);
	KUNIT_EXPECT_EQ(test, VMM_SET_MP_STATE, 0x4008b931);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmm_pm_timer), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmm_pm_timer, flags), 4);
	KUNIT_EXPECT_EQ(test, VMM_SET_PM_TIMER, 0x4020b915);
}

static struct kunit_case vmm_uapi_cases[] = {
	KUNIT_CASE(irqchip_abi_is_fixed),
	KUNIT_CASE(caps_layout_is_fixed),
	KUNIT_CASE(create_vm_layout_is_fixed),
	KUNIT_CASE(msrs_layout_is_fixed),
	KUNIT_CASE(xsave_layout_is_fixed),
	KUNIT_CASE(run_layout_is_fixed),
	KUNIT_CASE(ioctl_numbers_are_fixed),
	KUNIT_CASE(vcpu_events_layout_is_fixed),
	{}
};

static struct kunit_suite vmm_uapi_suite = {
	.name = "vmm_uapi",
	.test_cases = vmm_uapi_cases,
};

kunit_test_suite(vmm_uapi_suite);
