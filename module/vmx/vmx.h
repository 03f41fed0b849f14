/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMX backend internals. Architectural numbers are from the Intel SDM,
 * appendix "VMX Capability Reporting Facility"; we keep our own names so the
 * backend does not depend on which of them a given kernel's headers carry.
 */
#ifndef VMM_VMX_H
#define VMM_VMX_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <asm/desc_defs.h>
#include <asm/trapnr.h>

#include "../../uapi/vmm.h"
#include "../x86/regs.h"

/* Capability MSRs. */
#define VMX_MSR_FEATURE_CONTROL		0x0000003a
#define VMX_MSR_BASIC			0x00000480
#define VMX_MSR_PINBASED_CTLS		0x00000481
#define VMX_MSR_PROCBASED_CTLS		0x00000482
#define VMX_MSR_EXIT_CTLS		0x00000483
#define VMX_MSR_ENTRY_CTLS		0x00000484
#define VMX_MSR_MISC			0x00000485
#define VMX_MSR_PROCBASED_CTLS2		0x0000048b
#define VMX_MSR_EPT_VPID_CAP		0x0000048c
#define VMX_MSR_TRUE_PINBASED_CTLS	0x0000048d
#define VMX_MSR_TRUE_PROCBASED_CTLS	0x0000048e
#define VMX_MSR_TRUE_EXIT_CTLS		0x0000048f
#define VMX_MSR_TRUE_ENTRY_CTLS		0x00000490

/* IA32_FEATURE_CONTROL */
#define VMX_FEATURE_CONTROL_LOCKED	BIT_ULL(0)
#define VMX_FEATURE_CONTROL_VMXON	BIT_ULL(2)	/* outside SMX */

/* IA32_VMX_BASIC */
#define VMX_BASIC_REVISION(b)		((u32)(b) & 0x7fffffff)
#define VMX_BASIC_VMCS_SIZE(b)		(((b) >> 32) & 0x1fff)
#define VMX_BASIC_MEMTYPE(b)		(((b) >> 50) & 0xf)
#define VMX_BASIC_MEMTYPE_WB		6
#define VMX_BASIC_TRUE_CONTROLS		BIT_ULL(55)

/* Control MSRs: allowed-1 settings are in the high half. */
#define VMX_ALLOWED1(ctl)		((u32)((ctl) >> 32))
#define VMX_PIN_PREEMPT_TIMER		BIT(6)
#define VMX_PROC_SECONDARY		BIT(31)
#define VMX_PROC2_EPT			BIT(1)
#define VMX_PROC2_VPID			BIT(5)
#define VMX_PROC2_UNRESTRICTED		BIT(7)
#define VMX_PROC2_APIC_REG_VIRT		BIT(8)
#define VMX_PROC2_VIRT_INTR		BIT(9)
#define VMX_PROC2_PAUSE_LOOP		BIT(10)

/* IA32_VMX_EPT_VPID_CAP */
#define VMX_EPT_EXEC_ONLY		BIT_ULL(0)
#define VMX_EPT_WALK_4			BIT_ULL(6)
#define VMX_EPT_WB			BIT_ULL(14)
#define VMX_EPT_2M			BIT_ULL(16)
#define VMX_EPT_1G			BIT_ULL(17)
#define VMX_EPT_INVEPT			BIT_ULL(20)
#define VMX_EPT_AD			BIT_ULL(21)
#define VMX_EPT_INVEPT_SINGLE		BIT_ULL(25)
#define VMX_EPT_INVEPT_ALL		BIT_ULL(26)
#define VMX_VPID_INVVPID		BIT_ULL(32)
#define VMX_VPID_INVVPID_SINGLE		BIT_ULL(41)
#define VMX_VPID_INVVPID_ALL		BIT_ULL(42)

#define VMX_VPID_COUNT			0xffff	/* VPID 0 is the host's */

/* Fixed bits of CR0 and CR4 in VMX operation. */
#define VMX_MSR_CR0_FIXED0		0x00000486
#define VMX_MSR_CR0_FIXED1		0x00000487
#define VMX_MSR_CR4_FIXED0		0x00000488
#define VMX_MSR_CR4_FIXED1		0x00000489

/* Pin-based controls */
#define PIN_EXT_INTR_EXITING		BIT(0)
#define PIN_NMI_EXITING			BIT(3)
#define PIN_VIRTUAL_NMIS		BIT(5)

/* Primary processor-based controls */
#define PROC_INTR_WINDOW_EXITING	BIT(2)
#define PROC_USE_TSC_OFFSETTING		BIT(3)
#define PROC_HLT_EXITING		BIT(7)
#define PROC_INVLPG_EXITING		BIT(9)
#define PROC_MWAIT_EXITING		BIT(10)
#define PROC_RDPMC_EXITING		BIT(11)
#define PROC_CR3_LOAD_EXITING		BIT(15)
#define PROC_CR3_STORE_EXITING		BIT(16)
#define PROC_CR8_LOAD_EXITING		BIT(19)
#define PROC_CR8_STORE_EXITING		BIT(20)
#define PROC_TPR_SHADOW			BIT(21)
#define PROC_NMI_WINDOW_EXITING		BIT(22)
#define PROC_MOV_DR_EXITING		BIT(23)
#define PROC_UNCOND_IO_EXITING		BIT(24)
#define PROC_MONITOR_EXITING		BIT(29)
/* VMX_PROC_SECONDARY is bit 31 */

/* Secondary processor-based controls (VMX_PROC2_EPT, _VPID, _UNRESTRICTED above) */
#define PROC2_WBINVD_EXITING		BIT(6)

/* VM-exit controls */
#define EXIT_SAVE_DEBUG			BIT(2)
#define EXIT_HOST_ADDR_SPACE_SIZE	BIT(9)
#define EXIT_SAVE_PAT			BIT(18)
#define EXIT_LOAD_PAT			BIT(19)
#define EXIT_SAVE_EFER			BIT(20)
#define EXIT_LOAD_EFER			BIT(21)

/* VM-entry controls */
#define ENTRY_LOAD_DEBUG		BIT(2)
#define ENTRY_IA32E_MODE		BIT(9)
#define ENTRY_LOAD_PAT			BIT(14)
#define ENTRY_LOAD_EFER			BIT(15)

/* EPT pointer */
#define EPTP_MT_WB			6ULL
#define EPTP_WALK_4			(3ULL << 3)
#define EPTP_AD				BIT_ULL(6)

/* Interruption information (VM-entry, VM-exit, IDT vectoring) */
#define INTR_INFO_VECTOR		GENMASK(7, 0)
#define INTR_INFO_TYPE			GENMASK(10, 8)
#define INTR_INFO_ERROR_CODE		BIT(11)
#define INTR_INFO_NMI_UNBLOCK		BIT(12)
#define INTR_INFO_VALID			BIT(31)
#define INTR_TYPE_EXT_INTR		(0u << 8)
#define INTR_TYPE_NMI			(2u << 8)
#define INTR_TYPE_HW_EXCEPTION		(3u << 8)
#define INTR_TYPE_SW_INTR		(4u << 8)
#define INTR_TYPE_PRIV_SW_EXCEPTION	(5u << 8)
#define INTR_TYPE_SW_EXCEPTION		(6u << 8)

/* Guest interruptibility state */
#define INTERRUPTIBILITY_STI		BIT(0)
#define INTERRUPTIBILITY_MOV_SS		BIT(1)
#define INTERRUPTIBILITY_NMI		BIT(3)	/* virtual-NMI blocking */

/* Exit reason: bit 31 marks a failed VM entry. */
#define EXIT_REASON_BASIC(r)		((r) & 0xffff)
#define EXIT_REASON_ENTRY_FAILED	BIT(31)

enum vmx_exit_reason {
	EXIT_EXCEPTION_NMI		= 0,
	EXIT_EXTERNAL_INTERRUPT		= 1,
	EXIT_TRIPLE_FAULT		= 2,
	EXIT_INIT			= 3,
	EXIT_SIPI			= 4,
	EXIT_INTERRUPT_WINDOW		= 7,
	EXIT_NMI_WINDOW			= 8,
	EXIT_CPUID			= 10,
	EXIT_GETSEC			= 11,
	EXIT_HLT			= 12,
	EXIT_INVD			= 13,
	EXIT_INVLPG			= 14,
	EXIT_RDPMC			= 15,
	EXIT_VMCALL			= 18,
	EXIT_VMCLEAR			= 19,
	EXIT_VMLAUNCH			= 20,
	EXIT_VMPTRLD			= 21,
	EXIT_VMPTRST			= 22,
	EXIT_VMREAD			= 23,
	EXIT_VMRESUME			= 24,
	EXIT_VMWRITE			= 25,
	EXIT_VMXOFF			= 26,
	EXIT_VMXON			= 27,
	EXIT_CR_ACCESS			= 28,
	EXIT_DR_ACCESS			= 29,
	EXIT_IO_INSTRUCTION		= 30,
	EXIT_RDMSR			= 31,
	EXIT_WRMSR			= 32,
	EXIT_INVALID_GUEST_STATE	= 33,
	EXIT_MSR_LOADING		= 34,
	EXIT_MWAIT			= 36,
	EXIT_MONITOR			= 39,
	EXIT_MACHINE_CHECK		= 41,
	EXIT_TPR_BELOW_THRESHOLD	= 43,
	EXIT_EPT_VIOLATION		= 48,
	EXIT_EPT_MISCONFIG		= 49,
	EXIT_INVEPT			= 50,
	EXIT_INVVPID			= 53,
	EXIT_WBINVD			= 54,
	EXIT_XSETBV			= 55,
	EXIT_VMFUNC			= 59,
	EXIT_REASON_MAX
};

/* What an exit took that is the host's, to be handed over right after it. */
enum vmx_host_event {
	VMX_HOST_EVENT_NONE,
	VMX_HOST_EVENT_NMI,
	VMX_HOST_EVENT_MC,
};

/*
 * @intr_info is VM_EXIT_INTR_INFO, meaningful for exit 0 only. Exit 41
 * counts whether or not bit 31 is set: a machine check during VM entry
 * ends the entry as a failed one with that reason (SDM "VM-Entry Failures
 * During or After Loading Guest State"), but is no fault of the guest's.
 */
static inline enum vmx_host_event vmx_exit_owner(u32 reason, u32 intr_info)
{
	u32 type = intr_info & INTR_INFO_TYPE;

	if (EXIT_REASON_BASIC(reason) == EXIT_MACHINE_CHECK)
		return VMX_HOST_EVENT_MC;
	if (reason != EXIT_EXCEPTION_NMI)
		return VMX_HOST_EVENT_NONE;
	if (type == INTR_TYPE_NMI)
		return VMX_HOST_EVENT_NMI;
	if (type == INTR_TYPE_HW_EXCEPTION &&
	    (intr_info & INTR_INFO_VECTOR) == X86_TRAP_MC)
		return VMX_HOST_EVENT_MC;
	return VMX_HOST_EVENT_NONE;
}

/*
 * The guest MSRs that VMX does not switch: SYSCALL's and SWAPGS's. They
 * matter only to user mode and to SYSCALL, so vmm loads the guest's with
 * WRMSR when the CPU is taken for a run and the host's before it is given
 * back (vmx_vcpu_run_once()), not at every entry and exit.
 */
enum vmx_switched_msr {
	VMX_MSR_STAR, VMX_MSR_LSTAR, VMX_MSR_CSTAR, VMX_MSR_SFMASK,
	VMX_MSR_KERNEL_GS_BASE,
	VMX_NR_SWITCHED_MSRS
};

struct vmm_vcpu;

/* What the exit path read from the VMCS once, for the handlers. */
struct vmx_exit_info {
	u32 reason;
	u32 insn_len;
	u32 intr_info;
	u32 vectoring;			/* IDT-vectoring information */
	unsigned long qualification;
	u64 gpa;
};

/* Host state that belongs to the task running the vCPU (vmx_run_begin()). */
struct vmx_host_task_state {
	u16 ds, es, fs, gs;
	u64 fs_base;
	u64 kernel_gs_base;
	u64 debugctl;
};

struct vmx_vcpu {
	/* RSP lives in the VMCS; its slot here is unused. */
	u64 regs[VMM_NR_GPRS];
	void *vmcs;
	u64 vmcs_pa;
	int cpu;			/* where the VMCS is active, or -1 */
	bool launched;			/* VMLAUNCH done on that CPU */
	bool cleared_once;		/* VMCLEARed before its first VMPTRLD */
	bool l1d_flush;			/* before the next entry (L1TF) */
	struct list_head loaded_link;	/* on that CPU's list of active VMCSs */
	u16 vpid;
	u64 eptp;
	unsigned long host_rsp;		/* HOST_RSP as last written */
	unsigned long host_cr3;		/* HOST_CR3 as last written */
	u64 guest_msrs[VMX_NR_SWITCHED_MSRS];	/* the guest's SYSCALL MSRs */
	u32 tsc_aux;				/* the guest's, never loaded */
	struct desc_ptr host_gdt;	/* this CPU's, which VM exit truncates */
	u16 host_ldt;			/* LDTR before the entry, which nulls it */
	unsigned long cr2;		/* VMX does not switch CR2 */
	bool osxsave;			/* the guest's CR4.OSXSAVE */
	u32 cr8;			/* the guest's TPR: no APIC is emulated */
	u32 *vapic;			/* the virtual-APIC page, or NULL */
	u32 tpr_threshold;		/* TPR_THRESHOLD as last written */
	unsigned long dr6;		/* the guest's: VMX does not switch DR6 */
	unsigned long dr7;		/* GUEST_DR7 as last written or saved */
	int entered_cpu;		/* where the guest last ran, or -1 */
	struct vmx_host_task_state host;
	unsigned long host_cr4;		/* HOST_CR4 as last written */
	unsigned long host_fs_base;	/* HOST_FS_BASE as last written */
	struct vmx_exit_info exit;
};

/* vmx.c */
extern u32 vmx_revision;

/* vmcs.c */
void vmx_vmcs_clear_cpu(void);
void *vmx_vmcs_alloc(void);
void vmx_vmcs_load(struct vmx_vcpu *vx);
void vmx_vmcs_clear(struct vmx_vcpu *vx);
void vmx_vcpu_setup(const u64 raw[VMM_RAW_WORDS], const struct vmm_caps *caps);
void vmx_vmcs_init(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx);
bool vmx_controls_usable(void);
bool vmx_has_tpr_shadow(void);
u32 vmx_entry_controls(bool ia32e);
void vmx_mov_dr_exiting(bool on);
void vmx_proc_control(u32 bits, bool on);
unsigned long vmx_hw_cr0(unsigned long cr0);
unsigned long vmx_hw_cr4(unsigned long cr4);
bool vmx_cr4_valid(unsigned long cr4);

/* l1tf.c */
enum vmx_l1d_flush {
	VMX_L1D_FLUSH_NONE,	/* no L1TF, or the kernel was told not to mitigate */
	VMX_L1D_FLUSH_CMD,	/* IA32_FLUSH_CMD */
	VMX_L1D_FLUSH_FILL,	/* no flush command: evict by reading a buffer */
};

/* Twice the 32 KiB L1D of every CPU with L1TF. */
#define VMX_L1D_FILL_SIZE	SZ_64K

extern enum vmx_l1d_flush vmx_l1d_flush_mode;
enum vmx_l1d_flush vmx_l1d_flush_choose(bool l1tf_bug, bool kernel_mitigates,
					bool skip_on_entry, bool flush_cmd);
int vmx_l1tf_setup(void);
void vmx_l1tf_unsetup(void);
void vmx_l1d_flush(void);
const char *vmx_l1d_flush_report(void);

/* vpid.c */
int vmx_vpid_alloc(void);
void vmx_vpid_free(int vpid);
void vmx_invept(u64 eptp);
void vmx_invvpid(u16 vpid);
extern bool vmx_has_invept_single, vmx_has_invvpid_single;

/* vcpu.c */
struct vmm_regs;
struct vmm_sregs;
int vmx_vcpu_create(struct vmm_vcpu *vcpu);
void vmx_vcpu_free(struct vmm_vcpu *vcpu);
void vmx_get_regs(struct vmm_vcpu *vcpu, struct vmm_regs *r);
void vmx_set_regs(struct vmm_vcpu *vcpu, const struct vmm_regs *r);
void vmx_get_sregs(struct vmm_vcpu *vcpu, struct vmm_sregs *u);
int vmx_set_sregs(struct vmm_vcpu *vcpu, const struct vmm_sregs *u);
int vmx_get_msr(struct vmm_vcpu *vcpu, u32 index, u64 *value);
int vmx_set_msr(struct vmm_vcpu *vcpu, u32 index, u64 value);
int vmx_vcpu_run_once(struct vmm_vcpu *vcpu);
void vmx_run_begin(struct vmm_vcpu *vcpu);
void vmx_syscall_msrs_init(void);
void vmx_inject_exception(struct vmx_vcpu *vx, u8 vector, bool has_error, u32 error);
struct vmm_event;
void vmx_get_injected(struct vmm_vcpu *vcpu, struct vmm_event *ev);
void vmx_set_injected(struct vmm_vcpu *vcpu, const struct vmm_event *ev);
u32 vmx_get_interruptibility(struct vmm_vcpu *vcpu);
void vmx_set_interruptibility(struct vmm_vcpu *vcpu, u32 intr);
u64 vmx_get_rflags(struct vmm_vcpu *vcpu);
void vmx_reset_debug(struct vmm_vcpu *vcpu);
void vmx_request_windows(struct vmm_vcpu *vcpu, bool irq, bool nmi);
void vmx_skip_insn(struct vmx_vcpu *vx);
int vmx_set_cr0(struct vmx_vcpu *vx, unsigned long cr0);
int vmx_set_cr4(struct vmx_vcpu *vx, unsigned long cr4);
struct vmx_vcpu *vmx_vcpu_get(struct vmm_vcpu *vcpu);
void vmx_vcpu_put(void);
unsigned long vmx_guest_cr0(void);
unsigned long vmx_guest_cr4(void);
bool vmx_pae_paging(unsigned long cr0, unsigned long cr4, u64 efer);
int vmx_read_pdptes(struct vmm_vcpu *vcpu, unsigned long cr3, u64 pdpte[4]);
void vmx_write_pdptes(const u64 pdpte[4]);
int vmx_msr_read(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx, u32 index, u64 *value);
int vmx_msr_write(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx, u32 index, u64 value);
u32 *vmx_cr8(struct vmx_vcpu *vx);

/* exit.c */
/*
 * Exits handled in the kernel before the CPU is given back once, whatever
 * else asks for it: a bound on the time with preemption off.
 */
#define VMX_MAX_KERNEL_EXITS	1024
#define VMX_EXIT_SLOW	(VMM_HALT + 1)	/* past enum vmm_exit_action: needs to sleep */
int vmx_handle_exit(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx);
int vmx_handle_exit_slow(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx);
u64 *vmx_guest_rax(struct vmm_vcpu *vcpu);

/*
 * vmenter.S: 0 after a VM exit, 1 if VMLAUNCH/VMRESUME failed. flags:
 * VMX_ENTER_* (vmenter.h).
 */
int vmx_vmenter(u64 *regs, unsigned int flags, unsigned long *host_rsp);
extern const char vmx_vmexit[];

void vmx_caps_decode(const u64 raw[VMM_RAW_WORDS], struct vmm_caps *caps);

#endif /* VMM_VMX_H */
