/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's general registers as both backends keep them between exits:
 * an array in the order of the instruction encoding (ModRM.reg and rm with
 * REX.R/B), so that decoders and exit qualifications index it directly.
 * SVM keeps RAX and RSP in the VMCB, VMX RSP in the VMCS: those slots are
 * unused there.
 */
#ifndef VMM_X86_REGS_H
#define VMM_X86_REGS_H

enum vmm_gpr {
	VMM_RAX, VMM_RCX, VMM_RDX, VMM_RBX, VMM_RSP, VMM_RBP, VMM_RSI, VMM_RDI,
	VMM_R8, VMM_R9, VMM_R10, VMM_R11, VMM_R12, VMM_R13, VMM_R14, VMM_R15,
	VMM_NR_GPRS
};

#endif /* VMM_X86_REGS_H */
