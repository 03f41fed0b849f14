/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SVM backend internals. Numbers from the AMD APM vol. 2, "Secure Virtual
 * Machine" (enabling SVM, VM_CR, VM_HSAVE_PA) and vol. 3, CPUID Fn8000_000A.
 */
#ifndef VMM_SVM_H
#define VMM_SVM_H

#include <linux/bits.h>
#include <linux/types.h>

#include "../../uapi/vmm.h"

#define SVM_CPUID_LEAF			0x8000000a
#define SVM_MSR_VM_CR			0xc0010114
#define SVM_MSR_VM_HSAVE_PA		0xc0010117
#define SVM_VM_CR_LOCK			BIT_ULL(3)
#define SVM_VM_CR_SVMDIS		BIT_ULL(4)
#define SVM_EFER_SVME			BIT_ULL(12)

/* CPUID Fn8000_000A EDX */
#define SVM_FEAT_NP			BIT(0)
#define SVM_FEAT_NRIPS			BIT(3)
#define SVM_FEAT_VMCB_CLEAN		BIT(5)
#define SVM_FEAT_FLUSH_BY_ASID		BIT(6)
#define SVM_FEAT_DECODE_ASSISTS		BIT(7)
#define SVM_FEAT_PAUSE_FILTER		BIT(10)
#define SVM_FEAT_AVIC			BIT(13)

void svm_caps_decode(const u64 raw[VMM_RAW_WORDS], bool host_1g_pages,
		     struct vmm_caps *caps);

#endif /* VMM_SVM_H */
