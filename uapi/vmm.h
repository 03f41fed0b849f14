/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmm: the ioctl ABI of /dev/vmm and the file descriptors it hands out.
 *
 * Rules this header keeps (see Documentation/abi.rst):
 *  - only fixed-width types, pointers passed as __u64, explicit padding, every
 *    structure a multiple of 8 bytes;
 *  - every "flags" and "reserved" field must be zero on input (else -EINVAL),
 *    and is zero on output;
 *  - VMM_API_VERSION never changes; growth goes through VMM_GET_CAPS and new
 *    ioctl numbers.
 */
#ifndef _UAPI_VMM_H
#define _UAPI_VMM_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define VMM_API_VERSION		1

/* 0xB9 is unassigned in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define VMMIO			0xB9

/* Which hardware virtualization extension the module drives. */
enum vmm_vendor {
	VMM_VENDOR_NONE		= 0,
	VMM_VENDOR_INTEL_VMX	= 1,
	VMM_VENDOR_AMD_SVM	= 2,
};

/* Vendor-neutral features, struct vmm_caps.features. */
#define VMM_FEAT_TDP		_BITULL(0)  /* EPT or NPT */
#define VMM_FEAT_TDP_AD		_BITULL(1)  /* accessed/dirty bits in TDP entries */
#define VMM_FEAT_TDP_2M		_BITULL(2)  /* 2 MiB TDP mappings */
#define VMM_FEAT_TDP_1G		_BITULL(3)  /* 1 GiB TDP mappings */
#define VMM_FEAT_TAGGED_TLB	_BITULL(4)  /* VPID or ASID */
#define VMM_FEAT_FLUSH_BY_TAG	_BITULL(5)  /* INVVPID single-context / SVM flush-by-ASID */
#define VMM_FEAT_UNRESTRICTED	_BITULL(6)  /* real mode runs natively */
#define VMM_FEAT_NEXT_RIP	_BITULL(7)  /* hardware reports the next RIP on exits */
#define VMM_FEAT_DECODE_ASSISTS	_BITULL(8)  /* hardware decodes CR/DR/INTn/INVLPG exits */
#define VMM_FEAT_PREEMPT_TIMER	_BITULL(9)  /* VMX preemption timer */
#define VMM_FEAT_STATE_CACHING	_BITULL(10) /* SVM VMCB clean bits */
#define VMM_FEAT_PAUSE_FILTER	_BITULL(11) /* PAUSE-loop exiting / pause filter */
#define VMM_FEAT_APIC_VIRT	_BITULL(12) /* APICv / AVIC */
#define VMM_FEAT_TDP_EXEC_ONLY	_BITULL(13) /* EPT execute-only pages */

/*
 * Vendor words in struct vmm_caps.raw[], the capability registers as the
 * hardware reports them, for tools that want the details.
 *
 * Intel VMX (the TRUE_* control MSRs where IA32_VMX_BASIC[55] says so):
 */
#define VMM_RAW_VMX_BASIC	0  /* IA32_VMX_BASIC */
#define VMM_RAW_VMX_PINBASED	1  /* IA32_VMX_(TRUE_)PINBASED_CTLS */
#define VMM_RAW_VMX_PROCBASED	2  /* IA32_VMX_(TRUE_)PROCBASED_CTLS */
#define VMM_RAW_VMX_PROCBASED2	3  /* IA32_VMX_PROCBASED_CTLS2 */
#define VMM_RAW_VMX_EXIT	4  /* IA32_VMX_(TRUE_)EXIT_CTLS */
#define VMM_RAW_VMX_ENTRY	5  /* IA32_VMX_(TRUE_)ENTRY_CTLS */
#define VMM_RAW_VMX_EPT_VPID	6  /* IA32_VMX_EPT_VPID_CAP */
#define VMM_RAW_VMX_MISC	7  /* IA32_VMX_MISC */
/* AMD SVM: CPUID Fn8000_000A and the SVM-related MSR. */
#define VMM_RAW_SVM_REV		0  /* CPUID Fn8000_000A EAX: SVM revision */
#define VMM_RAW_SVM_NASID	1  /* CPUID Fn8000_000A EBX: number of ASIDs */
#define VMM_RAW_SVM_FEATURES	2  /* CPUID Fn8000_000A EDX: feature bits */
#define VMM_RAW_SVM_VM_CR	3  /* VM_CR MSR */
#define VMM_RAW_WORDS		8

/* VMM_GET_CAPS: what the module and the hardware can do. */
struct vmm_caps {
	__u32 flags;		/* in: 0 */
	__u32 vendor;		/* out: enum vmm_vendor */
	__u64 features;		/* out: VMM_FEAT_* */
	__u32 max_vms;		/* out: VMs that may exist at once (0: no limit) */
	__u32 nr_tlb_tags;	/* out: usable VPIDs or ASIDs */
	__u32 phys_addr_bits;	/* out: host physical address width */
	__u32 nr_cpus;		/* out: CPUs online when queried */
	__u64 raw[VMM_RAW_WORDS]; /* out: vendor words, see VMM_RAW_* */
	__u64 reserved[8];	/* in: 0; out: 0 */
};

/* VMM_CREATE_VM: returns a new VM file descriptor. */
struct vmm_create_vm {
	__u32 flags;		/* in: 0 */
	__u32 pad;		/* in: 0 */
	__u64 reserved[3];	/* in: 0 */
};

/* ioctls on /dev/vmm */
#define VMM_GET_API_VERSION	_IO(VMMIO, 0x00)
#define VMM_GET_CAPS		_IOWR(VMMIO, 0x01, struct vmm_caps)
#define VMM_CREATE_VM		_IOW(VMMIO, 0x02, struct vmm_create_vm)

#endif /* _UAPI_VMM_H */
