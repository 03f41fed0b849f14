/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The contract between the vmm core and a hardware backend (VMX or SVM).
 *
 * Each backend fills one const table at the end of its main file; the core
 * picks one at load by calling ->probe() on each, and from then on reaches the
 * hardware only through it. The core never includes a backend's headers.
 */
#ifndef VMM_VENDOR_H
#define VMM_VENDOR_H

#include <linux/types.h>

struct vmm_caps;
struct vmm_pte_ops;
struct vmm_regs;
struct vmm_sregs;
struct vmm_vcpu;

/* An event for the next entry to deliver, in the terms both vendors share. */
enum vmm_event_type {
	VMM_EVENT_NONE,
	VMM_EVENT_INTR,			/* external interrupt */
	VMM_EVENT_NMI,
	VMM_EVENT_EXCEPTION,		/* hardware exception */
	VMM_EVENT_SOFT_INTR,		/* INT n: insn_len */
	VMM_EVENT_SOFT_EXCEPTION,	/* INT3, INTO: insn_len */
	VMM_EVENT_PRIV_SOFT_EXCEPTION,	/* INT1 (ICEBP): insn_len */
};

struct vmm_event {
	u8 type;			/* enum vmm_event_type */
	u8 vector;
	bool has_error_code;
	bool has_payload;		/* exceptions: set CR2 (#PF) or DR6 (#DB) */
	u32 error_code;
	u32 insn_len;			/* software events */
	u64 payload;
};

/* What blocks events now, get_/set_interruptibility(). */
#define VMM_INTR_STI		BIT(0)	/* STI shadow */
#define VMM_INTR_MOV_SS		BIT(1)	/* MOV SS / POP SS shadow */
#define VMM_INTR_NMI_MASKED	BIT(2)	/* an NMI handler has not IRETed yet */
#define VMM_INTR_SHADOW		(VMM_INTR_STI | VMM_INTR_MOV_SS)

/* What the core does after a backend ran the guest once. */
enum vmm_exit_action {
	VMM_RESUME,	/* handled in the kernel: enter the guest again */
	VMM_TO_USER,	/* vcpu->run describes an exit for userspace */
	VMM_HALT,	/* HLT: wait in the kernel for an interrupt (irq.c) */
};

struct vmm_vendor_ops {
	const char *name;
	u32 vendor;			/* enum vmm_vendor */

	/*
	 * Is this extension present and usable? Fills @caps on success. On
	 * failure returns a negative errno and has logged one line saying why.
	 * Returns -ENXIO, silently, when the CPU lacks the extension altogether
	 * so that the core can try the other vendor.
	 */
	int (*probe)(struct vmm_caps *caps);

	/* Allocate (and free) what enabling needs on every possible CPU. */
	int (*hardware_setup)(void);
	void (*hardware_unsetup)(void);

	/*
	 * Turn the extension on or off on the calling CPU, with interrupts
	 * disabled. cpu_enable() returns -EBUSY when another hypervisor
	 * already has it on. cpu_disable() must work in reboot and panic
	 * paths: it tolerates faults and never sleeps.
	 */
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);

	/* Is the extension on in hardware on the calling CPU? */
	bool (*cpu_enabled)(void);

	/* The one-line remedy printed when another hypervisor holds the CPU. */
	const char *busy_hint;

	/*
	 * Optional: how this backend empties the L1D before entries (L1TF,
	 * VMX only), as the mitigation report names it (spec.c), or NULL.
	 */
	const char *(*l1d_flush_report)(void);

	/* The guest-physical page-table format (EPT or NPT). */
	const struct vmm_pte_ops *tdp_ops;

	/* vCPUs: backend state lives behind vcpu->vendor. */
	int (*vcpu_create)(struct vmm_vcpu *vcpu);
	void (*vcpu_free)(struct vmm_vcpu *vcpu);
	void (*get_regs)(struct vmm_vcpu *vcpu, struct vmm_regs *regs);
	void (*set_regs)(struct vmm_vcpu *vcpu, const struct vmm_regs *regs);
	void (*get_sregs)(struct vmm_vcpu *vcpu, struct vmm_sregs *sregs);
	int (*set_sregs)(struct vmm_vcpu *vcpu, const struct vmm_sregs *sregs);

	/*
	 * The guest's MSRs that the backend keeps (the allow-list the
	 * RDMSR/WRMSR exits serve). Return 0, -ENOENT for an MSR outside the
	 * list, or -EINVAL for a value the MSR cannot hold.
	 */
	int (*get_msr)(struct vmm_vcpu *vcpu, u32 index, u64 *value);
	int (*set_msr)(struct vmm_vcpu *vcpu, u32 index, u64 value);

	/*
	 * Event injection (events.c), all preemptible or not, with or
	 * without the backend's state loaded: each takes what it needs.
	 *
	 * get_injected() reads the event the next entry delivers (an exit
	 * handler's exception, or one whose delivery an exit interrupted,
	 * which the backend put back), set_injected() replaces it (type
	 * VMM_EVENT_NONE: none). Injecting an NMI masks NMIs until the
	 * guest's IRET.
	 */
	void (*get_injected)(struct vmm_vcpu *vcpu, struct vmm_event *ev);
	void (*set_injected)(struct vmm_vcpu *vcpu, const struct vmm_event *ev);
	/* VMM_INTR_* */
	u32 (*get_interruptibility)(struct vmm_vcpu *vcpu);
	void (*set_interruptibility)(struct vmm_vcpu *vcpu, u32 intr);
	u64 (*get_rflags)(struct vmm_vcpu *vcpu);
	/* INIT (mp.c): DR6 and DR7 to their reset values. */
	void (*reset_debug)(struct vmm_vcpu *vcpu);
	/*
	 * Exit as soon as the guest can take an interrupt (@irq) or an NMI
	 * (@nmi), so that it is injected then; false turns the exit off.
	 */
	void (*request_windows)(struct vmm_vcpu *vcpu, bool irq, bool nmi);

	/*
	 * Optional: at the start of VMM_RUN, preemptible. For host state that
	 * belongs to the calling task and cannot change until VMM_RUN
	 * returns (its segment bases), so that it is not read at every entry.
	 */
	void (*run_begin)(struct vmm_vcpu *vcpu);

	/*
	 * Enter the guest once and handle the exit: in process context,
	 * preemptible, may sleep. Returns an action or a negative errno.
	 */
	int (*vcpu_run_once)(struct vmm_vcpu *vcpu);
	/*
	 * Where the guest's RAX lives while it is not running (the VMCB's
	 * save area on SVM, the register array on VMX), for the answers
	 * userspace gives to IN and hypercall exits.
	 */
	u64 *(*guest_rax)(struct vmm_vcpu *vcpu);
};

extern const struct vmm_vendor_ops vmm_vmx_ops;
extern const struct vmm_vendor_ops vmm_svm_ops;

#endif /* VMM_VENDOR_H */
