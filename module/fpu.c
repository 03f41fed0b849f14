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
 *
 * The save area is kept in the XSAVE standard format, which is also what
 * VMM_GET_FPU and VMM_SET_FPU carry (uapi/vmm.h). State from userspace is
 * checked before it goes in, so that the XRSTOR at the next entry cannot
 * fault in the kernel.
 */
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>

#include "vmm.h"

#define FPU_MASK	(VMM_XFEATURE_X87 | VMM_XFEATURE_SSE | VMM_XFEATURE_AVX)
#define FCW_DEFAULT	0x037f
#define MXCSR_DEFAULT	0x1f80
/* The SDM's MXCSR_MASK for processors that store 0 there. */
#define MXCSR_MASK_DEFAULT	0xffbf

/* Offsets in the save area beyond those the uapi names. */
#define FXSAVE_RESERVED		416	/* to 511: reserved and software bytes */
#define FXSAVE_SIZE		512
#define XSAVE_HDR_SIZE		64

/* The XSTATE_BV bits guests may use: x87 and SSE, and AVX if the host has it. */
static u64 vmm_fpu_features __ro_after_init;
static u32 vmm_mxcsr_mask __ro_after_init;
static u8 vmm_fxsave_probe[FXSAVE_SIZE] __aligned(16) __initdata;

/* At module load: what the host's FPU accepts. */
void __init vmm_fpu_init(void)
{
	u32 mask;

	/*
	 * FXSAVE stores the MXCSR bits this processor implements; setting
	 * any other makes FXRSTOR and XRSTOR raise #GP.
	 */
	kernel_fpu_begin();
	asm volatile("fxsave64 %0" : "=m" (vmm_fxsave_probe));
	kernel_fpu_end();
	mask = *(u32 *)(vmm_fxsave_probe + VMM_XSAVE_MXCSR_MASK);
	vmm_mxcsr_mask = mask ? mask : MXCSR_MASK_DEFAULT;

	vmm_fpu_features = VMM_XFEATURE_X87 | VMM_XFEATURE_SSE;
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		vmm_fpu_features = xgetbv(XCR_XFEATURE_ENABLED_MASK) & FPU_MASK;
}

int vmm_fpu_alloc(struct vmm_fpu *fpu)
{
	/* A page: 64-byte aligned, and the size of struct vmm_xsave. */
	fpu->area = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!fpu->area)
		return -ENOMEM;
	/*
	 * XSTATE_BV = 0 restores the init state, but MXCSR comes from here;
	 * FXRSTOR (no XSAVE) takes everything from here, so FCW too.
	 */
	*(u16 *)fpu->area = FCW_DEFAULT;
	*(u32 *)(fpu->area + VMM_XSAVE_MXCSR) = MXCSR_DEFAULT;
	*(u32 *)(fpu->area + VMM_XSAVE_MXCSR_MASK) = vmm_mxcsr_mask;
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

/* The end of the components @features has in the standard format. */
static unsigned int vmm_xsave_end(u64 features)
{
	return features & VMM_XFEATURE_AVX ? VMM_XSAVE_END : VMM_XSAVE_YMM_HI;
}

/**
 * vmm_xsave_check() - may this state from userspace be loaded?
 * @buf: a struct vmm_xsave
 * @features: the XSTATE_BV bits the host supports for guests
 * @mxcsr_mask: the MXCSR bits the processor implements
 *
 * Rejects what would make XRSTOR (or FXRSTOR) raise #GP: XSTATE_BV bits the
 * host does not enable, a compacted or non-zero header past XSTATE_BV
 * (the SDM's "XRSTOR" operation), MXCSR reserved bits; and, as every
 * reserved field of the ABI, non-zero reserved bytes.
 *
 * Return: 0 or -EINVAL.
 */
int vmm_xsave_check(const u8 *buf, u64 features, u32 mxcsr_mask)
{
	u64 xstate_bv = *(const u64 *)(buf + VMM_XSAVE_XSTATE_BV);
	u32 mxcsr = *(const u32 *)(buf + VMM_XSAVE_MXCSR);
	unsigned int end = vmm_xsave_end(features);

	if (xstate_bv & ~features || mxcsr & ~mxcsr_mask)
		return -EINVAL;
	if (memchr_inv(buf + FXSAVE_RESERVED, 0, FXSAVE_SIZE - FXSAVE_RESERVED) ||
	    memchr_inv(buf + VMM_XSAVE_XCOMP_BV, 0,
		       VMM_XSAVE_YMM_HI - VMM_XSAVE_XCOMP_BV) ||
	    memchr_inv(buf + end, 0, VMM_XSAVE_SIZE - end))
		return -EINVAL;
	return 0;
}

/*
 * Without XSAVE, FXRSTOR loads every register: put in the init state of the
 * components XSTATE_BV says are in it, as XRSTOR would (the SDM's
 * "Initialization of the x87 FPU/SSE state": FCW 0x37f, the rest zero).
 */
static void vmm_fxsave_init_components(u8 *area, u64 xstate_bv)
{
	if (!(xstate_bv & VMM_XFEATURE_X87)) {
		memset(area, 0, VMM_XSAVE_MXCSR);
		*(u16 *)area = FCW_DEFAULT;
		memset(area + VMM_XSAVE_ST, 0, VMM_XSAVE_XMM - VMM_XSAVE_ST);
	}
	if (!(xstate_bv & VMM_XFEATURE_SSE))
		memset(area + VMM_XSAVE_XMM, 0, FXSAVE_RESERVED - VMM_XSAVE_XMM);
}

/* VMM_GET_FPU: the state as the guest left it, reserved bytes zero. */
int vmm_fpu_get_user(struct vmm_fpu *fpu, struct vmm_xsave __user *uxs)
{
	unsigned int end = vmm_xsave_end(vmm_fpu_features);
	u8 *buf;
	int ret = 0;

	buf = kzalloc(VMM_XSAVE_SIZE, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, fpu->area, FXSAVE_RESERVED);
	if (boot_cpu_has(X86_FEATURE_XSAVE)) {
		memcpy(buf + VMM_XSAVE_XSTATE_BV, fpu->area + VMM_XSAVE_XSTATE_BV,
		       sizeof(u64));
		memcpy(buf + VMM_XSAVE_YMM_HI, fpu->area + VMM_XSAVE_YMM_HI,
		       end - VMM_XSAVE_YMM_HI);
	} else {
		/* FXSAVE always stores both. */
		*(u64 *)(buf + VMM_XSAVE_XSTATE_BV) = VMM_XFEATURE_X87 |
						      VMM_XFEATURE_SSE;
	}
	if (copy_to_user(uxs, buf, VMM_XSAVE_SIZE))
		ret = -EFAULT;
	kfree(buf);
	return ret;
}

/* VMM_SET_FPU: checked whole before anything changes. */
int vmm_fpu_set_user(struct vmm_fpu *fpu, const struct vmm_xsave __user *uxs)
{
	u8 *buf;
	int ret;

	buf = memdup_user(uxs, VMM_XSAVE_SIZE);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = vmm_xsave_check(buf, vmm_fpu_features, vmm_mxcsr_mask);
	if (!ret) {
		/* An output field: what this processor stores there. */
		*(u32 *)(buf + VMM_XSAVE_MXCSR_MASK) = vmm_mxcsr_mask;
		if (!boot_cpu_has(X86_FEATURE_XSAVE))
			vmm_fxsave_init_components(buf, *(u64 *)(buf + VMM_XSAVE_XSTATE_BV));
		memcpy(fpu->area, buf, VMM_XSAVE_SIZE);
	}
	kfree(buf);
	return ret;
}
