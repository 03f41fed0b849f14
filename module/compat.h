/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few kernel API differences between the kernels vmm supports (6.1,
 * 6.12, 7.2), kept in one place so that the rest of the code reads as
 * ordinary kernel code for the newest API.
 */
#ifndef VMM_COMPAT_H
#define VMM_COMPAT_H

#include <linux/mm.h>
#include <asm/msr.h>
#include <asm/processor.h>

/* 6.16 moved the cpuid_*() helpers out of asm/processor.h (Kbuild tells). */
#ifdef VMM_HAVE_ASM_CPUID_API
#include <asm/cpuid/api.h>
#endif

/* 6.16 renamed rdmsrl()/wrmsrl() to rdmsrq()/wrmsrq(). */
#ifndef rdmsrq
#define rdmsrq(msr, val)	rdmsrl(msr, val)
#define wrmsrq(msr, val)	wrmsrl(msr, val)
#define rdmsrq_safe(msr, p)	rdmsrl_safe(msr, p)
#endif

/* 6.2 moved load_gs_index() to its own header (Kbuild tells). */
#ifdef VMM_HAVE_ASM_GSSEG
#include <asm/gsseg.h>
#endif

/* 6.3 made vma->vm_flags read-only outside of its helpers (Kbuild tells). */
#ifndef VMM_HAVE_VM_FLAGS_SET
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

/*
 * VMM_KERNEL_VIRT_CORE is set by Kbuild when the kernel has the x86 virt
 * core (arch/x86/virt/hw.c): VMXON/SVM enabling is then refcounted by the
 * kernel, and the CR4 shadow helpers (cr4_set_bits() and friends) are
 * exported to KVM only.
 */

#endif /* VMM_COMPAT_H */
