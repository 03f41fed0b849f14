// SPDX-License-Identifier: GPL-2.0-only
/*
 * L1TF (L1 Terminal Fault): a guest's speculative loads through a
 * non-present EPT-translated entry can read whatever sits in the L1D,
 * host data included. Where the kernel mitigates L1TF, vmm empties the
 * L1D before an entry that follows host code: with the flush command
 * (IA32_FLUSH_CMD) where the CPU has it, otherwise by reading a buffer
 * twice the size of the L1D, which evicts every line the host left there.
 * Not on every entry (kvm's "always"): on the first after the run ioctl
 * and after host interrupts, the host code whose data a guest could want,
 * much as kvm's default ("cond") does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "../compat.h"
#include "../spec.h"
#include "vmx.h"

enum vmx_l1d_flush vmx_l1d_flush_mode __ro_after_init;
static void *vmx_l1d_buf;

enum vmx_l1d_flush vmx_l1d_flush_choose(bool l1tf_bug, bool kernel_mitigates,
					bool skip_on_entry, bool flush_cmd)
{
	if (!l1tf_bug || !kernel_mitigates || skip_on_entry)
		return VMX_L1D_FLUSH_NONE;
	return flush_cmd ? VMX_L1D_FLUSH_CMD : VMX_L1D_FLUSH_FILL;
}

/*
 * IA32_ARCH_CAPABILITIES.SKIP_L1DFL_VMENTRY: a hypervisor below this one
 * flushes the L1D on its own entries, so ours need not.
 */
static bool vmx_l1d_skip_on_entry(void)
{
	u64 caps;

	return boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES) &&
	       !rdmsrq_safe(MSR_IA32_ARCH_CAPABILITIES, &caps) &&
	       (caps & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH);
}

int vmx_l1tf_setup(void)
{
	struct page *pages;

	vmx_l1d_flush_mode = vmx_l1d_flush_choose(boot_cpu_has_bug(X86_BUG_L1TF),
						  l1tf_mitigation != L1TF_MITIGATION_OFF,
						  vmx_l1d_skip_on_entry(),
						  boot_cpu_has(X86_FEATURE_FLUSH_L1D));
	if (vmx_l1d_flush_mode != VMX_L1D_FLUSH_FILL)
		return 0;
	pages = alloc_pages(GFP_KERNEL, get_order(VMX_L1D_FILL_SIZE));
	if (!pages)
		return -ENOMEM;
	vmx_l1d_buf = page_address(pages);
	/*
	 * Not zero: a hypervisor below this one may back zeroed pages with
	 * one shared page, and a buffer that small evicts nothing.
	 */
	memset(vmx_l1d_buf, 0x5a, VMX_L1D_FILL_SIZE);
	return 0;
}

void vmx_l1tf_unsetup(void)
{
	if (vmx_l1d_buf)
		free_pages((unsigned long)vmx_l1d_buf, get_order(VMX_L1D_FILL_SIZE));
	vmx_l1d_buf = NULL;
}

/* Read every line of the buffer: what was in the L1D before is evicted. */
static void vmx_l1d_fill(void)
{
	const u8 *buf = vmx_l1d_buf;
	unsigned int i;

	/*
	 * One load per page first, so that the TLB holds the buffer's
	 * translations and the loads below fill the L1D with the buffer's
	 * lines, not with page-walk misses stalling them.
	 */
	for (i = 0; i < VMX_L1D_FILL_SIZE; i += PAGE_SIZE)
		(void)READ_ONCE(buf[i]);
	/* LFENCE: the second pass starts when those loads are done. */
	rmb();
	for (i = 0; i < VMX_L1D_FILL_SIZE; i += L1_CACHE_BYTES)
		(void)READ_ONCE(buf[i]);
}

/* Interrupts off, just before the entry. */
void vmx_l1d_flush(void)
{
	if (vmx_l1d_flush_mode == VMX_L1D_FLUSH_CMD) {
		/* The flush command clears the CPU buffers as well. */
		wrmsrq(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
		return;
	}
	vmx_l1d_fill();
	vmm_spec_enter();
}

const char *vmx_l1d_flush_report(void)
{
	switch (vmx_l1d_flush_mode) {
	case VMX_L1D_FLUSH_CMD:
		return "l1d-flush";
	case VMX_L1D_FLUSH_FILL:
		return "l1d-flush(fill)";
	default:
		return NULL;
	}
}
