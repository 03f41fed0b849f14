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
#define VMM_FEAT_VCPU_EVENTS	_BITULL(14) /* VMM_GET/SET_VCPU_EVENTS */
#define VMM_FEAT_LAPIC		_BITULL(15) /* VMM_CREATE_IRQCHIP and what it brings */

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

/* VMM_SET_MEMORY_SLOT: map guest-physical memory to this process's memory. */
#define VMM_MAX_SLOTS		32
struct vmm_memory_slot {
	__u32 slot;		/* 0 .. VMM_MAX_SLOTS - 1 */
	__u32 flags;		/* 0 */
	__u64 guest_phys_addr;	/* page aligned */
	__u64 size;		/* page multiple; 0 deletes the slot */
	__u64 userspace_addr;	/* page aligned */
	__u64 reserved[4];	/* 0 */
};

/*
 * VMM_SIGNAL_MSI: a message signalled interrupt to the VM's local APICs
 * (SDM "Message Signalled Interrupts"): address 0xfeeXXXXX with the
 * destination ID in bits 19:12 and the destination mode in bit 2, data with
 * the vector (7:0), delivery mode (10:8) and trigger mode (15). A
 * level-triggered one sets TMR, and the guest's EOI of it is a VMM_EXIT_EOI.
 */
struct vmm_msi {
	__u64 address;
	__u32 data;
	__u32 flags;		/* 0 */
	__u64 reserved[2];	/* 0 */
};

/*
 * VMM_SET_PM_TIMER: the ACPI PM timer (a 24-bit count at 3.579545 MHz of
 * CLOCK_MONOTONIC) answered in the kernel at I/O port .port, 32-bit reads,
 * as the FADT's PM_TMR_BLK says; 0 hands the port back to userspace.
 */
struct vmm_pm_timer {
	__u16 port;
	__u16 pad;		/* 0 */
	__u32 flags;		/* 0 */
	__u64 reserved[3];	/* 0 */
};

/* VMM_CREATE_VCPU: returns a vCPU file descriptor; mmap it for struct vmm_run. */
#define VMM_MAX_VCPUS		64
struct vmm_create_vcpu {
	__u32 id;		/* 0 .. VMM_MAX_VCPUS - 1, unique in the VM */
	__u32 flags;		/* 0 */
	__u64 reserved[3];	/* 0 */
};

struct vmm_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

struct vmm_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	/*
	 * Access rights in the descriptor's layout: type [3:0], S [4], DPL
	 * [6:5], P [7], AVL [8], L [9], D/B [10], G [11]; 0 is an unusable
	 * segment.
	 */
	__u16 attrib;
};

struct vmm_dtable {
	__u64 base;
	__u32 limit;
	__u32 pad;		/* 0 */
};

struct vmm_sregs {
	struct vmm_segment cs, ds, es, fs, gs, ss, tr, ldtr;
	struct vmm_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8, efer;
	__u64 reserved[4];	/* 0 */
};

/*
 * VMM_SET_CPUID: the CPUID leaves the guest sees, replacing any earlier
 * table; a leaf missing from it reads as zeros. Until it is called, the
 * guest sees the host's leaves without VMX and SVM.
 */
#define VMM_MAX_CPUID_ENTRIES	256
#define VMM_CPUID_INDEXED	_BITUL(0)	/* sub-leaves: index is significant */
struct vmm_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;		/* VMM_CPUID_INDEXED */
	__u32 eax, ebx, ecx, edx;
	__u32 pad;		/* 0 */
};

struct vmm_cpuid {
	__u32 nent;		/* <= VMM_MAX_CPUID_ENTRIES */
	__u32 flags;		/* 0 */
	__u64 entries;		/* pointer to nent struct vmm_cpuid_entry */
	__u64 reserved[2];	/* 0 */
};

/*
 * VMM_GET_MSRS / VMM_SET_MSRS: the guest's MSRs, by index. The entries are
 * processed in order; the ioctl returns how many were, stopping at the first
 * MSR the backend does not keep or whose value it refuses.
 */
#define VMM_MAX_MSR_ENTRIES	256
struct vmm_msr_entry {
	__u32 index;
	__u32 pad;		/* 0 */
	__u64 data;
};

struct vmm_msrs {
	__u32 nmsrs;		/* <= VMM_MAX_MSR_ENTRIES */
	__u32 flags;		/* 0 */
	__u64 entries;		/* pointer to nmsrs struct vmm_msr_entry */
	__u64 reserved[2];	/* 0 */
};

/*
 * VMM_GET_FPU / VMM_SET_FPU: the guest's x87, SSE and AVX registers in the
 * XSAVE standard (non-compacted) format of the SDM, "XSAVE-Managed State":
 *
 *   0-511     the legacy region, laid out as by FXSAVE: FCW, FSW, abridged
 *             FTW, FOP, FIP, FDP, MXCSR (24), MXCSR_MASK (28, out only),
 *             ST0-7/MM0-7 (32), XMM0-15 (160); 416-511 reserved (0)
 *   512-575   the XSAVE header: XSTATE_BV (512), the components that are
 *             not in their initial state; XCOMP_BV (520) and the rest 0
 *   576-831   AVX: the upper halves of YMM0-15
 *   832-4095  reserved (0)
 *
 * A component whose XSTATE_BV bit is clear is in its initial state, and its
 * bytes are ignored; MXCSR is always taken.
 */
#define VMM_XSAVE_SIZE		4096
#define VMM_XSAVE_MXCSR		24
#define VMM_XSAVE_MXCSR_MASK	28
#define VMM_XSAVE_ST		32
#define VMM_XSAVE_XMM		160
#define VMM_XSAVE_XSTATE_BV	512
#define VMM_XSAVE_XCOMP_BV	520
#define VMM_XSAVE_YMM_HI	576
#define VMM_XSAVE_END		832
#define VMM_XFEATURE_X87	_BITULL(0)
#define VMM_XFEATURE_SSE	_BITULL(1)
#define VMM_XFEATURE_AVX	_BITULL(2)
struct vmm_xsave {
	__u8 region[VMM_XSAVE_SIZE];
};

/*
 * VMM_GET_XCRS / VMM_SET_XCRS: the guest's extended control registers,
 * which XSAVE state alone does not restore: XCR0 as the guest last set it
 * with XSETBV (VMM_XFEATURE_X87 after RESET).
 */
struct vmm_xcrs {
	__u64 xcr0;
	__u64 reserved[7];	/* 0 */
};

/*
 * VMM_GET_VCPU_EVENTS / VMM_SET_VCPU_EVENTS: the events the vCPU has to
 * deliver, and what blocks them (Documentation/abi.rst).
 *
 * An exception, NMI or interrupt is "pending" while its delivery has not
 * begun, "injected" once it has (an exit interrupted it: the next entry
 * delivers it again). At most one event is injected at a time. SET takes
 * the parts named in flags and leaves the others as they are; GET fills
 * all and sets every flag.
 */
#define VMM_EVENTS_EXCEPTION	_BITUL(0)	/* .exception */
#define VMM_EVENTS_INTERRUPT	_BITUL(1)	/* .interrupt but its shadow */
#define VMM_EVENTS_NMI		_BITUL(2)	/* .nmi */
#define VMM_EVENTS_SHADOW	_BITUL(3)	/* .interrupt.shadow */
#define VMM_EVENTS_ALL		(VMM_EVENTS_EXCEPTION | VMM_EVENTS_INTERRUPT | \
				 VMM_EVENTS_NMI | VMM_EVENTS_SHADOW)

#define VMM_SHADOW_STI		_BITUL(0)	/* after STI */
#define VMM_SHADOW_MOV_SS	_BITUL(1)	/* after MOV SS / POP SS */

struct vmm_vcpu_events {
	__u32 flags;		/* VMM_EVENTS_* */
	__u32 pad;		/* 0 */
	struct {
		__u8 pending;
		__u8 injected;
		__u8 vector;		/* 0-31 but 2 (NMI) */
		__u8 has_error_code;	/* exactly for the vectors that push one */
		__u32 error_code;
		__u8 has_payload;	/* #PF and #DB only */
		__u8 pad[7];		/* 0 */
		__u64 payload;		/* #PF: CR2; #DB: DR6 B0-B3, BD, BS, BT */
	} exception;
	struct {
		__u8 pending;		/* delivered once the guest takes interrupts */
		__u8 injected;
		__u8 vector;
		__u8 shadow;		/* VMM_SHADOW_*: interrupts blocked one insn */
		__u8 pad[4];		/* 0 */
	} interrupt;
	struct {
		__u8 pending;		/* 0 or 1 */
		__u8 injected;
		__u8 masked;		/* blocked until the guest's next IRET */
		__u8 pad[5];		/* 0 */
	} nmi;
	__u64 reserved[6];	/* 0 */
};

/*
 * VMM_GET_LAPIC / VMM_SET_LAPIC: the local APIC's registers as the xAPIC
 * page lays them out (offset 0x20 ID ... 0x3e0 TDCR), first 1 KiB. The ID
 * is the vCPU's and cannot be set; TMCCT reads the current count and is
 * ignored on SET, which restarts the timer from TMICT. The base and mode
 * are IA32_APIC_BASE (VMM_GET/SET_MSRS), set first.
 */
#define VMM_LAPIC_REGS_SIZE	1024
struct vmm_lapic_state {
	__u8 regs[VMM_LAPIC_REGS_SIZE];
};

/* VMM_GET_MP_STATE / VMM_SET_MP_STATE */
#define VMM_MP_RUNNABLE		0	/* runs at the next VMM_RUN */
#define VMM_MP_HALTED		1	/* in HLT, waiting for an interrupt */
#define VMM_MP_WAIT_SIPI	2	/* after INIT: waiting for a startup IPI */
struct vmm_mp_state {
	__u32 state;
	__u32 pad;		/* 0 */
};

/* Why VMM_RUN returned: struct vmm_run.exit_reason. */
enum vmm_exit_reason {
	VMM_EXIT_NONE		= 0,	/* interrupted before entering (signal) */
	VMM_EXIT_IO		= 1,	/* port I/O: vmm_run.io */
	VMM_EXIT_MMIO		= 2,	/* unbacked guest-physical access: .mmio */
	VMM_EXIT_HLT		= 3,	/* HLT with interrupts off or none pending */
	VMM_EXIT_HYPERCALL	= 4,	/* VMCALL/VMMCALL: .hypercall */
	VMM_EXIT_SHUTDOWN	= 5,	/* triple fault or shutdown */
	VMM_EXIT_FAIL_ENTRY	= 6,	/* VM entry failed: .hw */
	VMM_EXIT_UNHANDLED	= 7,	/* an exit vmm does not handle: .hw */
	VMM_EXIT_INTERNAL_ERROR	= 8,	/* vmm could not go on, e.g. decode: .hw */
	VMM_EXIT_EOI		= 9,	/* EOI of a level-triggered vector: .eoi */
};

#define VMM_IO_IN		0
#define VMM_IO_OUT		1
/* Where in the run page the elements of a string I/O exit are, and room. */
#define VMM_RUN_IO_DATA		2048
#define VMM_RUN_IO_DATA_SIZE	2048

/*
 * The run page, shared with the kernel by mmap of the vCPU fd (one page, at
 * offset 0). VMM_RUN fills it at each exit; userspace completes an IN or an
 * MMIO read by writing .io.data / .mmio.data before the next VMM_RUN, and a
 * hypercall by writing .hypercall.ret.
 */
struct vmm_run {
	__u32 exit_reason;	/* enum vmm_exit_reason */
	__u8 immediate_exit;	/* in: return before entering the guest */
	__u8 pad[3];
	__u64 reserved[7];
	union {
		struct {
			__u16 port;
			__u8 size;	/* 1, 2 or 4 */
			__u8 direction;	/* VMM_IO_IN / VMM_IO_OUT */
			__u32 count;	/* elements: 1, or more for INS/OUTS */
			/*
			 * count 1: OUT the value, IN written by userspace;
			 * count > 1: the elements are at VMM_RUN_IO_DATA in
			 * the run page instead, in the order of the accesses.
			 */
			__u64 data;
		} io;
		struct {
			__u64 gpa;
			__u64 data;	/* write: the value; read: from userspace */
			__u32 len;	/* 1, 2, 4 or 8 */
			__u8 is_write;
			__u8 pad[3];
		} mmio;
		struct {
			__u64 nr;	/* rax */
			__u64 args[5];	/* rbx, rcx, rdx, rsi, rdi */
			__u64 ret;	/* out: becomes the guest's rax */
		} hypercall;
		struct {
			__u64 reason;	/* VMX exit reason / SVM exit code */
			__u64 qualification; /* VMX exit qualification / EXITINFO1 */
			__u64 info;	/* SVM EXITINFO2 / VMX instruction error */
		} hw;
		struct {
			__u8 vector;
			__u8 pad[7];
		} eoi;
		__u8 payload[192];
	};
};

/* ioctls on /dev/vmm */
#define VMM_GET_API_VERSION	_IO(VMMIO, 0x00)
#define VMM_GET_CAPS		_IOWR(VMMIO, 0x01, struct vmm_caps)
#define VMM_CREATE_VM		_IOW(VMMIO, 0x02, struct vmm_create_vm)

/* ioctls on a VM fd */
#define VMM_SET_MEMORY_SLOT	_IOW(VMMIO, 0x10, struct vmm_memory_slot)
#define VMM_CREATE_VCPU		_IOW(VMMIO, 0x11, struct vmm_create_vcpu)
#define VMM_CREATE_IRQCHIP	_IO(VMMIO, 0x12)
#define VMM_SIGNAL_MSI		_IOW(VMMIO, 0x13, struct vmm_msi)
#define VMM_GET_TSC_KHZ		_IO(VMMIO, 0x14)
#define VMM_SET_PM_TIMER	_IOW(VMMIO, 0x15, struct vmm_pm_timer)

/* ioctls on a vCPU fd */
#define VMM_RUN			_IO(VMMIO, 0x20)
#define VMM_GET_REGS		_IOR(VMMIO, 0x21, struct vmm_regs)
#define VMM_SET_REGS		_IOW(VMMIO, 0x22, struct vmm_regs)
#define VMM_GET_SREGS		_IOR(VMMIO, 0x23, struct vmm_sregs)
#define VMM_SET_SREGS		_IOW(VMMIO, 0x24, struct vmm_sregs)
#define VMM_SET_CPUID		_IOW(VMMIO, 0x25, struct vmm_cpuid)
#define VMM_GET_MSRS		_IOWR(VMMIO, 0x26, struct vmm_msrs)
#define VMM_SET_MSRS		_IOW(VMMIO, 0x27, struct vmm_msrs)
#define VMM_GET_FPU		_IOR(VMMIO, 0x28, struct vmm_xsave)
#define VMM_SET_FPU		_IOW(VMMIO, 0x29, struct vmm_xsave)
#define VMM_GET_XCRS		_IOR(VMMIO, 0x2a, struct vmm_xcrs)
#define VMM_SET_XCRS		_IOW(VMMIO, 0x2b, struct vmm_xcrs)
#define VMM_GET_VCPU_EVENTS	_IOR(VMMIO, 0x2c, struct vmm_vcpu_events)
#define VMM_SET_VCPU_EVENTS	_IOW(VMMIO, 0x2d, struct vmm_vcpu_events)
#define VMM_GET_LAPIC		_IOR(VMMIO, 0x2e, struct vmm_lapic_state)
#define VMM_SET_LAPIC		_IOW(VMMIO, 0x2f, struct vmm_lapic_state)
#define VMM_GET_MP_STATE	_IOR(VMMIO, 0x30, struct vmm_mp_state)
#define VMM_SET_MP_STATE	_IOW(VMMIO, 0x31, struct vmm_mp_state)

#endif /* _UAPI_VMM_H */
