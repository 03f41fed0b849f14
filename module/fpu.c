// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's x87, SSE and AVX registers across exits.
 *
 * Entering the guest happens between kernel_fpu_begin() and kernel_fpu_end(),
 * which put the task's own FPU state away first, so the guest can never
 * clobber a host task's registers. Inside that bracket the guest's state is
 * loaded before entry and saved after the exit, here, with XSAVE/XRSTOR
 * limited to x87, SSE and AVX (FXSAVE where the host has no XSAVE). Wider
 * components (AVX-512, AMX) are not offered to guests yet; saving them
 * would also have to respect the host's XFD arming.
 */
#include <linux/gfp.h>
#include <asm/cpufeature.h>

#include "vmm.h"

#define FPU_MASK	0x7ULL		/* x87 | SSE | AVX */
#define MXCSR_OFFSET	24
#define MXCSR_DEFAULT	0x1f80

int vmm_fpu_alloc(struct vmm_fpu *fpu)
{
	/* A page: 64-byte aligned, larger than the 832 bytes XSAVE needs. */
	fpu->area = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!fpu->area)
		return -ENOMEM;
	/* XSTATE_BV = 0 restores the init state, but MXCSR comes from here. */
	*(u32 *)(fpu->area + MXCSR_OFFSET) = MXCSR_DEFAULT;
	return 0;
}

void vmm_fpu_free(struct vmm_fpu *fpu)
{
	free_page((unsigned long)fpu->area);
	fpu->area = NULL;
}

/* Call between kernel_fpu_begin() and the entry. */
void vmm_fpu_load_guest(struct vmm_fpu *fpu)
{
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		asm volatile("xrstor64 %0"
			     : : "m" (*fpu->area), "a" ((u32)FPU_MASK), "d" (0)
			     : "memory");
	else
		asm volatile("fxrstor64 %0" : : "m" (*fpu->area) : "memory");
}

/* Call after the exit, before kernel_fpu_end(). */
void vmm_fpu_save_guest(struct vmm_fpu *fpu)
{
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		asm volatile("xsave64 %0"
			     : "+m" (*fpu->area) : "a" ((u32)FPU_MASK), "d" (0)
			     : "memory");
	else
		asm volatile("fxsave64 %0" : "+m" (*fpu->area) : : "memory");
}
