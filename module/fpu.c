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
 *
 * XCR0, which neither VMRUN nor VM entry switches, is the guest's own too:
 * XSETBV exits, is checked here as the processor would, and the value is
 * loaded with XSETBV for the time the guest runs, when the guest could see
 * it (CR4.OSXSAVE set) and it differs from the host's. XSAVE and XRSTOR of
 * the guest's registers run under the host's XCR0, a superset of any
 * guest's, so that no component is ever left out or refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

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
/* The host's XCR0 (the same on every CPU), 0 without XSAVE. */
static u64 vmm_host_xcr0 __ro_after_init;
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
	if (boot_cpu_has(X86_FEATURE_XSAVE)) {
		vmm_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
		vmm_fpu_features = vmm_host_xcr0 & FPU_MASK;
	}
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
	fpu->xcr0 = VMM_XFEATURE_X87;		/* XCR0 after RESET */
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
 * vmm_xcr0_valid() - would XSETBV accept this XCR0?
 * @xcr0: the value
 * @features: the components the host lets guests have
 *
 * As the SDM's "XSETBV" says: x87 always set, AVX only with SSE, nothing
 * the processor (here: vmm) does not support.
 */
bool vmm_xcr0_valid(u64 xcr0, u64 features)
{
	if (!(xcr0 & VMM_XFEATURE_X87) || xcr0 & ~features)
		return false;
	return !(xcr0 & VMM_XFEATURE_AVX) || xcr0 & VMM_XFEATURE_SSE;
}

/**
 * vmm_fpu_set_xcr() - the guest's XSETBV
 * @fpu: the vCPU's FPU state
 * @index: ECX, the XCR
 * @value: EDX:EAX
 *
 * The caller has checked what is vendor state: CR4.OSXSAVE (#UD) and
 * CPL 0 (#GP).
 * Return: 0, or -EINVAL for a #GP: only XCR0 exists, and @value must be
 * valid for it.
 */
int vmm_fpu_set_xcr(struct vmm_fpu *fpu, u32 index, u64 value)
{
	if (index != XCR_XFEATURE_ENABLED_MASK ||
	    !vmm_xcr0_valid(value, vmm_fpu_features))
		return -EINVAL;
	fpu->xcr0 = value;
	return 0;
}

/* Does the guest's XCR0 have to be loaded for the guest to see its own? */
bool vmm_fpu_xcr0_differs(const struct vmm_fpu *fpu)
{
	return vmm_host_xcr0 && fpu->xcr0 != vmm_host_xcr0;
}

/**
 * vmm_fpu_load_xcr0() - make the guest's XCR0 the hardware's
 * @fpu: the vCPU's FPU state
 * @guest_sees_it: the guest has CR4.OSXSAVE set, or may set it before its
 *	next exit; XCR0 means nothing to it otherwise
 *
 * Call with interrupts off, after vmm_fpu_load_guest() and just before
 * entering the guest; vmm_fpu_put_xcr0() after the exit undoes it. Nothing
 * that runs in between may use XSAVE.
 */
void vmm_fpu_load_xcr0(struct vmm_fpu *fpu, bool guest_sees_it)
{
	fpu->xcr0_loaded = guest_sees_it && vmm_fpu_xcr0_differs(fpu);
	if (fpu->xcr0_loaded)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, fpu->xcr0);
}

/**
 * vmm_fpu_put_xcr0() - give the host its XCR0 back
 * @fpu: the vCPU's FPU state
 * @guest_osxsave: the guest's CR4.OSXSAVE at the exit
 *
 * After the exit, interrupts still off, before vmm_fpu_save_guest().
 *
 * On hardware every XSETBV of a guest exits. QEMU's TCG before 8.2
 * ("target/i386: check intercept for XSETBV") runs it instead, on the
 * host's XCR0: seen here as an XCR0 other than the one the guest entered
 * with. Then the guest's value (as far as vmm offers its components) is
 * taken as if the XSETBV had exited, and the host's put back, so that the
 * host never runs on a guest's XCR0.
 */
void vmm_fpu_put_xcr0(struct vmm_fpu *fpu, bool guest_osxsave)
{
	u64 entered = fpu->xcr0_loaded ? fpu->xcr0 : vmm_host_xcr0;
	u64 now = entered;

	if (guest_osxsave && vmm_host_xcr0)
		now = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	if (now != entered) {
		pr_warn_once("a guest's XSETBV ran without exiting (QEMU before 8.2?); XCR0 %#llx taken as the guest's\n",
			     now);
		fpu->xcr0 = (now & vmm_fpu_features) | VMM_XFEATURE_X87;
	}
	if (now != vmm_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vmm_host_xcr0);
	fpu->xcr0_loaded = false;
}

/**
 * vmm_fpu_cpuid() - the CPUID bits that follow the guest's FPU state
 * @fpu: the vCPU's FPU state
 * @osxsave: the guest's CR4.OSXSAVE
 * @function: EAX at the CPUID
 * @index: ECX at the CPUID
 * @out: EAX, EBX, ECX, EDX from vmm_cpuid(), adjusted here
 *
 * As on hardware (and in KVM): leaf 1 ECX.OSXSAVE mirrors CR4.OSXSAVE, and
 * leaf 0xD sub-leaf 0 EBX is the XSAVE area size for the guest's XCR0,
 * whatever the table says.
 */
void vmm_fpu_cpuid(const struct vmm_fpu *fpu, bool osxsave, u32 function,
		   u32 index, u32 out[4])
{
	if (function == 1) {
		out[2] &= ~BIT(27);
		if (osxsave)
			out[2] |= BIT(27);
	}
	if (function == 0xd && index == 0 && out[0])
		out[1] = vmm_xsave_end(fpu->xcr0);
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

/* VMM_GET_XCRS: XCR0 as the guest last set it. */
int vmm_fpu_get_xcrs_user(const struct vmm_fpu *fpu, struct vmm_xcrs __user *uxcrs)
{
	struct vmm_xcrs xcrs = { .xcr0 = fpu->xcr0 };

	return copy_to_user(uxcrs, &xcrs, sizeof(xcrs)) ? -EFAULT : 0;
}

/*
 * VMM_SET_XCRS: a value XSETBV would have accepted, so that restoring a
 * saved guest gives it back exactly the XCR0 it ran with; the next entry
 * loads it (vmm_fpu_load_xcr0()).
 */
int vmm_fpu_set_xcrs_user(struct vmm_fpu *fpu, const struct vmm_xcrs __user *uxcrs)
{
	struct vmm_xcrs xcrs;

	if (copy_from_user(&xcrs, uxcrs, sizeof(xcrs)))
		return -EFAULT;
	if (memchr_inv(xcrs.reserved, 0, sizeof(xcrs.reserved)))
		return -EINVAL;
	return vmm_fpu_set_xcr(fpu, XCR_XFEATURE_ENABLED_MASK, xcrs.xcr0);
}
