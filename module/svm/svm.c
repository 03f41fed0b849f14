// SPDX-License-Identifier: GPL-2.0-only
/*
 * The AMD-V backend: probing, and SVM on and off per CPU.
 *
 * SVM is on when EFER.SVME is set; VMRUN then needs the physical address of
 * a per-CPU host save area in VM_HSAVE_PA (AMD APM vol. 2, "Enabling SVM").
 * Both are plain MSR writes, so unlike VMX this works on every kernel.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/msr-index.h>
#include <asm/processor.h>

#include "../compat.h"
#include "../vmm.h"
#include "svm.h"

static DEFINE_PER_CPU(struct page *, svm_hsave);

bool svm_has_nrips __ro_after_init;
bool svm_has_flush_by_asid __ro_after_init;
bool svm_has_decode_assists __ro_after_init;
static u32 svm_nr_asids __ro_after_init;

/*
 * The I/O and MSR permission maps, shared by every vCPU: all ones, so every
 * port and every MSR access exits (AMD APM vol. 2, "I/O Intercepts" and
 * "MSR Intercepts"). 12 KiB and 8 KiB, physically contiguous.
 */
#define SVM_IOPM_ORDER		2
#define SVM_MSRPM_ORDER		1
static struct page *svm_iopm, *svm_msrpm;

u64 svm_iopm_pa(void)
{
	return page_to_phys(svm_iopm);
}

u64 svm_msrpm_pa(void)
{
	return page_to_phys(svm_msrpm);
}

static int svm_probe(struct vmm_caps *caps)
{
	u64 raw[VMM_RAW_WORDS] = {};
	u32 eax, ebx, ecx, edx;
	u64 vm_cr;

	if (cpuid_eax(0x80000000) < 0x80000001 ||
	    !(cpuid_ecx(0x80000001) & BIT(X86_FEATURE_SVM & 31)))
		return -ENXIO;

	if (rdmsrq_safe(SVM_MSR_VM_CR, &vm_cr))
		vm_cr = 0;
	if (vm_cr & SVM_VM_CR_SVMDIS) {
		pr_err("SVM: disabled by firmware (VM_CR=%#llx%s); enable SVM in the firmware setup\n",
		       vm_cr, vm_cr & SVM_VM_CR_LOCK ? ", locked" : "");
		return -EPERM;
	}
	/* The kernel clears the flag where SVM must not be used (SEV guests). */
	if (!boot_cpu_has(X86_FEATURE_SVM)) {
		pr_err("SVM: disabled by the kernel at boot\n");
		return -EPERM;
	}
	if (cpuid_eax(0x80000000) < SVM_CPUID_LEAF) {
		pr_err("SVM: CPUID leaf %#x missing\n", SVM_CPUID_LEAF);
		return -EIO;
	}

	cpuid(SVM_CPUID_LEAF, &eax, &ebx, &ecx, &edx);
	raw[VMM_RAW_SVM_REV] = eax;
	raw[VMM_RAW_SVM_NASID] = ebx;
	raw[VMM_RAW_SVM_FEATURES] = edx;
	raw[VMM_RAW_SVM_VM_CR] = vm_cr;
	memset(caps, 0, sizeof(*caps));
	svm_caps_decode(raw, boot_cpu_has(X86_FEATURE_GBPAGES), caps);
	caps->phys_addr_bits = boot_cpu_data.x86_phys_bits;
	if (!(caps->features & VMM_FEAT_TDP)) {
		pr_err("SVM: no nested paging; vmm needs it\n");
		return -EOPNOTSUPP;
	}
	svm_has_nrips = caps->features & VMM_FEAT_NEXT_RIP;
	svm_has_flush_by_asid = caps->features & VMM_FEAT_FLUSH_BY_TAG;
	svm_has_decode_assists = caps->features & VMM_FEAT_DECODE_ASSISTS;
	svm_nr_asids = caps->nr_tlb_tags;
	return 0;
}

static void svm_hardware_unsetup(void)
{
	svm_vcpu_unsetup_cpus();
	if (svm_iopm)
		__free_pages(svm_iopm, SVM_IOPM_ORDER);
	if (svm_msrpm)
		__free_pages(svm_msrpm, SVM_MSRPM_ORDER);
	svm_iopm = NULL;
	svm_msrpm = NULL;
	vmm_percpu_pages_free(&svm_hsave);
}

static int svm_hardware_setup(void)
{
	if (vmm_percpu_pages_alloc(&svm_hsave))
		return -ENOMEM;
	svm_iopm = alloc_pages(GFP_KERNEL, SVM_IOPM_ORDER);
	svm_msrpm = alloc_pages(GFP_KERNEL, SVM_MSRPM_ORDER);
	if (!svm_iopm || !svm_msrpm || svm_vcpu_setup_cpus(svm_nr_asids)) {
		svm_hardware_unsetup();
		return -ENOMEM;
	}
	memset(page_address(svm_iopm), 0xff, PAGE_SIZE << SVM_IOPM_ORDER);
	memset(page_address(svm_msrpm), 0xff, PAGE_SIZE << SVM_MSRPM_ORDER);
	svm_msr_setup();
	return 0;
}

static bool svm_cpu_enabled(void)
{
	u64 efer;

	rdmsrq(MSR_EFER, efer);
	return efer & SVM_EFER_SVME;
}

/*
 * SRSO on Zen 5: where the kernel chose "reduced speculation" for guests
 * (its X86_FEATURE_SRSO_BP_SPEC_REDUCE stays set only then), it leaves
 * BP_CFG[BpSpecReduce] to the hypervisor, for as long as guests can run:
 * set for as long as SVM is on in this CPU, i.e. while VMs exist (virt.c).
 * 6.1 has neither the flag nor the bit.
 */
#ifdef X86_FEATURE_SRSO_BP_SPEC_REDUCE
static DEFINE_PER_CPU(bool, svm_bp_spec_reduce_set);

static void svm_bp_spec_reduce(bool on)
{
	u64 cfg;

	if (!cpu_feature_enabled(X86_FEATURE_SRSO_BP_SPEC_REDUCE) ||
	    __this_cpu_read(svm_bp_spec_reduce_set) == on)
		return;
	rdmsrq(MSR_ZEN4_BP_CFG, cfg);
	if (on)
		cfg |= BIT_ULL(MSR_ZEN4_BP_CFG_BP_SPEC_REDUCE_BIT);
	else
		cfg &= ~BIT_ULL(MSR_ZEN4_BP_CFG_BP_SPEC_REDUCE_BIT);
	wrmsrq(MSR_ZEN4_BP_CFG, cfg);
	__this_cpu_write(svm_bp_spec_reduce_set, on);
}
#else
static void svm_bp_spec_reduce(bool on)
{
}
#endif

static int svm_cpu_enable(void)
{
	u64 efer;

	rdmsrq(MSR_EFER, efer);
	/* Someone else (kvm-amd) has SVM enabled on this CPU. */
	if (efer & SVM_EFER_SVME)
		return -EBUSY;
	wrmsrq(MSR_EFER, efer | SVM_EFER_SVME);
	wrmsrq(SVM_MSR_VM_HSAVE_PA, page_to_phys(__this_cpu_read(svm_hsave)));
	svm_bp_spec_reduce(true);
	return 0;
}

/*
 * GIF=0 blocks INIT and NMI: set it before turning SVM off, in case a
 * reboot path got here between CLGI and STGI. STGI #UDs with SVM off.
 */
static void svm_cpu_disable(void)
{
	u64 efer;

	asm goto("1: stgi\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : : "memory" : fault);
fault:
	svm_drop_guest_msrs();
	wrmsrq(SVM_MSR_VM_HSAVE_PA, 0);
	rdmsrq(MSR_EFER, efer);
	wrmsrq(MSR_EFER, efer & ~SVM_EFER_SVME);
	svm_bp_spec_reduce(false);
}

const struct vmm_vendor_ops vmm_svm_ops = {
	.name			= "SVM",
	.vendor			= VMM_VENDOR_AMD_SVM,
	.probe			= svm_probe,
	.hardware_setup		= svm_hardware_setup,
	.hardware_unsetup	= svm_hardware_unsetup,
	.cpu_enable		= svm_cpu_enable,
	.cpu_disable		= svm_cpu_disable,
	.cpu_enabled		= svm_cpu_enabled,
	.tdp_ops		= &vmm_npt_ops,
	.vcpu_create		= svm_vcpu_create,
	.vcpu_free		= svm_vcpu_free,
	.get_regs		= svm_get_regs,
	.set_regs		= svm_set_regs,
	.get_sregs		= svm_get_sregs,
	.set_sregs		= svm_set_sregs,
	.get_msr		= svm_get_msr,
	.set_msr		= svm_set_msr_user,
	.get_injected		= svm_get_injected,
	.set_injected		= svm_set_injected,
	.get_interruptibility	= svm_get_interruptibility,
	.set_interruptibility	= svm_set_interruptibility,
	.get_rflags		= svm_get_rflags,
	.reset_debug		= svm_reset_debug,
	.request_windows	= svm_request_windows,
	.vcpu_run_once		= svm_vcpu_run_once,
	.guest_rax		= svm_guest_rax,
	/* kvm 6.12+ holds SVM from load unless told otherwise. */
	.busy_hint	= "stop its VMs, unload kvm_amd, or set kvm.enable_virt_at_load=0",
};
