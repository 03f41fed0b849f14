/* SPDX-License-Identifier: GPL-2.0-only */
/* The flags of vmx_vmenter(), shared by vcpu.c and vmenter.S. */
#ifndef VMM_VMX_VMENTER_H
#define VMM_VMX_VMENTER_H

#define VMX_ENTER_RESUME	0x1	/* VMRESUME: the VMCS was launched */
/*
 * Clear the branch history after the exit although the kernel does not
 * ask for it (vmm.force_bhb_clear): the lab's CPUs make the kernel choose
 * no clearing, and this runs the sequence there all the same.
 */
#define VMX_ENTER_CLEAR_BHB	0x2

#endif /* VMM_VMX_VMENTER_H */
