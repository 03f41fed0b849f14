/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SVM backend internals. Numbers from the AMD APM vol. 2, "Secure Virtual
 * Machine" (enabling SVM, VM_CR, VM_HSAVE_PA) and vol. 3, CPUID Fn8000_000A.
 */
#ifndef VMM_SVM_H
#define VMM_SVM_H

#include <linux/bits.h>
#include <linux/types.h>
#include <asm/trapnr.h>

#include "../../uapi/vmm.h"
#include "../x86/regs.h"
#include "asid.h"

#define SVM_CPUID_LEAF			0x8000000a
#define SVM_MSR_VM_CR			0xc0010114
#define SVM_MSR_VM_HSAVE_PA		0xc0010117
#define SVM_VM_CR_LOCK			BIT_ULL(3)
#define SVM_VM_CR_SVMDIS		BIT_ULL(4)
#define SVM_EFER_SVME			BIT_ULL(12)
/*
 * The exit code of a VMRUN that refused the guest state: -1. QEMU stores it
 * as a 32-bit -1 (its cpu_vmexit() takes a u32), so only the low half of
 * EXITCODE is compared, as KVM does.
 */
#define SVM_EXIT_INVALID		(~0ULL)
#define SVM_EXIT_EXCP_BASE		0x040

static inline bool svm_exit_is_invalid(u64 exit_code)
{
	return (u32)exit_code == (u32)SVM_EXIT_INVALID;
}

/* A #MC intercepted: the host's, handed to it right after the exit. */
static inline bool svm_exit_is_machine_check(u64 exit_code)
{
	return exit_code == SVM_EXIT_EXCP_BASE + X86_TRAP_MC;
}

/* CPUID Fn8000_000A EDX */
#define SVM_FEAT_NP			BIT(0)
#define SVM_FEAT_NRIPS			BIT(3)
#define SVM_FEAT_VMCB_CLEAN		BIT(5)
#define SVM_FEAT_FLUSH_BY_ASID		BIT(6)
#define SVM_FEAT_DECODE_ASSISTS		BIT(7)
#define SVM_FEAT_PAUSE_FILTER		BIT(10)
#define SVM_FEAT_AVIC			BIT(13)

struct vmcb;
struct vmm_vcpu;

struct svm_vcpu {
	struct vmcb *vmcb;
	u64 vmcb_pa;
	/* RAX and RSP live in the VMCB; their slots here are unused. */
	u64 regs[VMM_NR_GPRS];
	struct svm_asid_owner asid;
	/* A CR4 write changed paging: flush this ASID before the next entry. */
	bool flush_tlb;
	/*
	 * Userspace changed the guest state: the next VMRUN may refuse it
	 * (VMEXIT_INVALID), which may overwrite the state-save area; the
	 * state it was given is kept here to be put back.
	 */
	bool state_from_user;
	struct vmcb_save *entry_save;
	u32 entry_int_ctl;
	u64 entry_int_state;
	u32 tsc_aux;		/* the guest's; in the register while it runs */
	/*
	 * NMI masking, which SVM without vNMI does not keep for the guest:
	 * from the delivery of an injected NMI (nmi_injecting, until an
	 * exit shows it done) to the guest's next IRET, intercepted.
	 */
	bool nmi_injecting;
	bool nmi_masked;
	/*
	 * An NMI waits for the IRET or shadow that blocks it to complete:
	 * the guest single-steps once (TF) to exit right after it.
	 */
	bool nmi_singlestep;
	bool nmi_guest_tf;	/* the TF that nmi_singlestep replaced */
	bool nmi_singlestep_iret;	/* the step is the NMI handler's IRET */
};

/* svm.c */
extern bool svm_has_nrips;
extern bool svm_has_flush_by_asid;
extern bool svm_has_decode_assists;
u64 svm_iopm_pa(void);
u64 svm_msrpm_pa(void);

/* vcpu.c */
struct vmm_regs;
struct vmm_sregs;
int svm_vcpu_setup_cpus(u32 nr_asids);
void svm_vcpu_unsetup_cpus(void);
int svm_vcpu_create(struct vmm_vcpu *vcpu);
void svm_vcpu_free(struct vmm_vcpu *vcpu);
void svm_state_from_user(struct svm_vcpu *sv);
void svm_get_regs(struct vmm_vcpu *vcpu, struct vmm_regs *r);
void svm_set_regs(struct vmm_vcpu *vcpu, const struct vmm_regs *r);
void svm_get_sregs(struct vmm_vcpu *vcpu, struct vmm_sregs *u);
int svm_set_sregs(struct vmm_vcpu *vcpu, const struct vmm_sregs *u);
int svm_vcpu_run_once(struct vmm_vcpu *vcpu);
void svm_inject_exception(struct svm_vcpu *sv, u8 vector);
void svm_inject_exception_code(struct svm_vcpu *sv, u8 vector, u32 error_code);
void svm_inject(struct vmm_vcpu *vcpu, u8 vector, u32 error_code, u64 cr2);
void svm_skip_insn(struct svm_vcpu *sv, unsigned int len);
void svm_set_rip(struct svm_vcpu *sv, u64 rip);
void svm_set_nmi_masked(struct svm_vcpu *sv, bool masked);
void svm_nmi_singlestep(struct svm_vcpu *sv);
struct vmm_event;
void svm_get_injected(struct vmm_vcpu *vcpu, struct vmm_event *ev);
void svm_set_injected(struct vmm_vcpu *vcpu, const struct vmm_event *ev);
u32 svm_get_interruptibility(struct vmm_vcpu *vcpu);
void svm_set_interruptibility(struct vmm_vcpu *vcpu, u32 intr);
u64 svm_get_rflags(struct vmm_vcpu *vcpu);
void svm_reset_debug(struct vmm_vcpu *vcpu);
void svm_request_windows(struct vmm_vcpu *vcpu, bool irq, bool nmi);

/* msr.c */
int svm_get_msr(struct vmm_vcpu *vcpu, u32 msr, u64 *value);
int svm_set_msr(struct vmm_vcpu *vcpu, u32 msr, u64 value);
int svm_set_msr_user(struct vmm_vcpu *vcpu, u32 msr, u64 value);
void svm_msr_setup(void);
void svm_load_guest_msrs(struct svm_vcpu *sv);
void svm_put_guest_msrs(void);
void svm_drop_guest_msrs(void);

/* exit.c */
int svm_handle_exit(struct vmm_vcpu *vcpu);
u64 *svm_guest_rax(struct vmm_vcpu *vcpu);

/* vmenter.S */
void svm_vmrun(u64 vmcb_pa, u64 *regs, u64 host_save_pa);

void svm_caps_decode(const u64 raw[VMM_RAW_WORDS], bool host_1g_pages,
		     struct vmm_caps *caps);

#endif /* VMM_SVM_H */
