// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Intel VT-x backend: probing, and VMX operation on and off per CPU.
 *
 * Entering VMX operation takes CR4.VMXE and VMXON with a per-CPU VMXON
 * region (Intel SDM, "Enabling and Entering VMX Operation"). The kernel keeps
 * a shadow of CR4 that it writes back on its own, so CR4.VMXE must go through
 * cr4_set_bits(). Kernels with the x86 virt core (arch/x86/virt/hw.c, 7.x)
 * export those helpers, and VMXON itself, to KVM only: there the backend
 * refuses to load rather than write CR4 behind the kernel's back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#ifndef VMM_KERNEL_VIRT_CORE
#include <asm/perf_event.h>
#endif

#include "../compat.h"
#include "../vmm.h"
#include "vmx.h"

static DEFINE_PER_CPU(struct page *, vmxon_region);
u32 vmx_revision;

static int vmx_read_caps(u64 raw[VMM_RAW_WORDS])
{
	u64 basic;
	bool true_ctls;

	rdmsrq(VMX_MSR_BASIC, basic);
	true_ctls = basic & VMX_BASIC_TRUE_CONTROLS;
	raw[VMM_RAW_VMX_BASIC] = basic;
	rdmsrq(true_ctls ? VMX_MSR_TRUE_PINBASED_CTLS : VMX_MSR_PINBASED_CTLS,
	       raw[VMM_RAW_VMX_PINBASED]);
	rdmsrq(true_ctls ? VMX_MSR_TRUE_PROCBASED_CTLS : VMX_MSR_PROCBASED_CTLS,
	       raw[VMM_RAW_VMX_PROCBASED]);
	rdmsrq(true_ctls ? VMX_MSR_TRUE_EXIT_CTLS : VMX_MSR_EXIT_CTLS,
	       raw[VMM_RAW_VMX_EXIT]);
	rdmsrq(true_ctls ? VMX_MSR_TRUE_ENTRY_CTLS : VMX_MSR_ENTRY_CTLS,
	       raw[VMM_RAW_VMX_ENTRY]);
	rdmsrq(VMX_MSR_MISC, raw[VMM_RAW_VMX_MISC]);
	raw[VMM_RAW_VMX_PROCBASED2] = 0;
	raw[VMM_RAW_VMX_EPT_VPID] = 0;
	/* These two MSRs exist only if the controls that need them do. */
	if (VMX_ALLOWED1(raw[VMM_RAW_VMX_PROCBASED]) & VMX_PROC_SECONDARY) {
		rdmsrq(VMX_MSR_PROCBASED_CTLS2, raw[VMM_RAW_VMX_PROCBASED2]);
		if (VMX_ALLOWED1(raw[VMM_RAW_VMX_PROCBASED2]) &
		    (VMX_PROC2_EPT | VMX_PROC2_VPID))
			rdmsrq(VMX_MSR_EPT_VPID_CAP, raw[VMM_RAW_VMX_EPT_VPID]);
	}

	if (VMX_BASIC_MEMTYPE(basic) != VMX_BASIC_MEMTYPE_WB ||
	    VMX_BASIC_VMCS_SIZE(basic) > PAGE_SIZE) {
		pr_err("VMX: unsupported VMCS (IA32_VMX_BASIC=%#llx)\n", basic);
		return -EIO;
	}
	vmx_revision = VMX_BASIC_REVISION(basic);
	return 0;
}

static int vmx_probe(struct vmm_caps *caps)
{
	u64 raw[VMM_RAW_WORDS] = {};
	u64 feat_ctl;
	int ret;

	if (!(cpuid_ecx(1) & BIT(X86_FEATURE_VMX & 31)))
		return -ENXIO;

#ifdef VMM_KERNEL_VIRT_CORE
	pr_err("VMX: this kernel reserves VMX enabling for KVM (Documentation/kernels.rst)\n");
	return -EOPNOTSUPP;
#endif

	if (rdmsrq_safe(VMX_MSR_FEATURE_CONTROL, &feat_ctl))
		feat_ctl = 0;
	if ((feat_ctl & VMX_FEATURE_CONTROL_LOCKED) &&
	    !(feat_ctl & VMX_FEATURE_CONTROL_VMXON)) {
		pr_err("VMX: disabled by firmware (IA32_FEATURE_CONTROL=%#llx); enable VT-x in the firmware setup\n",
		       feat_ctl);
		return -EPERM;
	}
	/* The kernel locks the MSR at boot and clears the flag if it could not. */
	if (!boot_cpu_has(X86_FEATURE_VMX)) {
		pr_err("VMX: disabled by the kernel at boot (IA32_FEATURE_CONTROL=%#llx)\n",
		       feat_ctl);
		return -EPERM;
	}

	ret = vmx_read_caps(raw);
	if (ret)
		return ret;
	memset(caps, 0, sizeof(*caps));
	vmx_caps_decode(raw, caps);
	caps->phys_addr_bits = boot_cpu_data.x86_phys_bits;
#ifndef VMM_KERNEL_VIRT_CORE
	/* The capability report stays useful even if guests cannot run. */
	vmx_vcpu_setup(raw, caps);
#endif
	return 0;
}

static void vmx_hardware_unsetup(void)
{
#ifndef VMM_KERNEL_VIRT_CORE
	vmx_l1tf_unsetup();
#endif
	vmm_percpu_pages_free(&vmxon_region);
}

static int vmx_hardware_setup(void)
{
	int cpu;

	if (vmm_percpu_pages_alloc(&vmxon_region))
		return -ENOMEM;
#ifndef VMM_KERNEL_VIRT_CORE
	if (vmx_l1tf_setup()) {
		vmm_percpu_pages_free(&vmxon_region);
		return -ENOMEM;
	}
#endif
	/* The VMXON region starts with the VMCS revision identifier. */
	for_each_possible_cpu(cpu) {
		u32 *revision = page_address(per_cpu(vmxon_region, cpu));

		*revision = vmx_revision;
	}
	return 0;
}

static bool vmx_cpu_enabled(void)
{
	return __read_cr4() & X86_CR4_VMXE;
}

#ifndef VMM_KERNEL_VIRT_CORE
static int vmx_vmxon(u64 pa)
{
	/* CF or ZF set: VMfailInvalid or VMfailValid. */
	asm goto("1: vmxon %[pa]\n\t"
		 "jbe %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [pa] "m" (pa) : "cc", "memory" : fail, fault);
	return 0;
fail:
	return -EIO;
fault:
	return -EFAULT;
}

static int vmx_cpu_enable(void)
{
	struct page *region = __this_cpu_read(vmxon_region);
	int ret;

	/* Someone else (kvm-intel) is in VMX operation on this CPU. */
	if (vmx_cpu_enabled())
		return -EBUSY;

	/* Intel PT may not trace in VMX operation on this CPU: let it adapt. */
	intel_pt_handle_vmx(1);
	cr4_set_bits(X86_CR4_VMXE);
	ret = vmx_vmxon(page_to_phys(region));
	if (ret) {
		cr4_clear_bits(X86_CR4_VMXE);
		intel_pt_handle_vmx(0);
	}
	return ret;
}

/*
 * Leaves VMX operation; tolerates not being in it (VMXOFF then #UDs), so
 * that reboot paths may call it whatever state the CPU is in.
 */
static void vmx_cpu_disable(void)
{
	/* Write back the VMCSs active here: their CPU copy dies with VMXOFF. */
	if (vmx_cpu_enabled())
		vmx_vmcs_clear_cpu();
	asm goto("1: vmxoff\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : : "cc", "memory" : fault);
fault:
	cr4_clear_bits(X86_CR4_VMXE);
	intel_pt_handle_vmx(0);
}
#else
/* Unreachable: vmx_probe() refuses these kernels. */
static int vmx_cpu_enable(void)
{
	return -EOPNOTSUPP;
}

static void vmx_cpu_disable(void)
{
}
#endif

const struct vmm_vendor_ops vmm_vmx_ops = {
	.name			= "VMX",
	.vendor			= VMM_VENDOR_INTEL_VMX,
	.probe			= vmx_probe,
	.hardware_setup		= vmx_hardware_setup,
	.hardware_unsetup	= vmx_hardware_unsetup,
	.cpu_enable		= vmx_cpu_enable,
	.cpu_disable		= vmx_cpu_disable,
	.cpu_enabled		= vmx_cpu_enabled,
	.tdp_ops		= &vmm_ept_ops,
#ifndef VMM_KERNEL_VIRT_CORE
	.vcpu_create		= vmx_vcpu_create,
	.vcpu_free		= vmx_vcpu_free,
	.get_regs		= vmx_get_regs,
	.set_regs		= vmx_set_regs,
	.get_sregs		= vmx_get_sregs,
	.set_sregs		= vmx_set_sregs,
	.get_msr		= vmx_get_msr,
	.set_msr		= vmx_set_msr,
	.get_injected		= vmx_get_injected,
	.set_injected		= vmx_set_injected,
	.get_interruptibility	= vmx_get_interruptibility,
	.set_interruptibility	= vmx_set_interruptibility,
	.get_rflags		= vmx_get_rflags,
	.reset_debug		= vmx_reset_debug,
	.request_windows	= vmx_request_windows,
	.run_begin		= vmx_run_begin,
	.l1d_flush_report	= vmx_l1d_flush_report,
	.vcpu_run_once		= vmx_vcpu_run_once,
	.guest_rax		= vmx_guest_rax,
#endif
	/* kvm 6.12+ holds VMX from load unless told otherwise. */
	.busy_hint	= "stop its VMs, unload kvm_intel, or set kvm.enable_virt_at_load=0",
};
