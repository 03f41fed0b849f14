/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor backends of vmctl run: one const ops table per backend
 * (backend_kvm.c today, backend_vmm.c once /dev/vmm can run guests), chosen
 * by --backend in backend.c. The run loop, the loaders and the device model
 * only ever see the neutral structures below, never a backend's own.
 */
#ifndef VMCTL_BACKEND_H
#define VMCTL_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "vmctl.h"

/* General registers, in the order of the x86 register encoding. */
struct vmctl_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
};

/* A segment register with its hidden part (the descriptor cache). */
struct vmctl_segment {
	uint64_t base;
	uint32_t limit;		/* in bytes, already scaled by g */
	uint16_t selector;
	uint8_t type;		/* descriptor type field, 4 bits */
	uint8_t present, dpl, db, s, l, g, avl;
};

struct vmctl_dtable {
	uint64_t base;
	uint16_t limit;
};

struct vmctl_sregs {
	struct vmctl_segment cs, ds, es, fs, gs, ss, tr, ldtr;
	struct vmctl_dtable gdt, idt;
	uint64_t cr0, cr2, cr3, cr4, cr8, efer;
};

/* One CPUID leaf (function, index) and what the guest sees for it. */
struct vmctl_cpuid_entry {
	uint32_t function, index;
	uint32_t flags;		/* VMCTL_CPUID_* */
	uint32_t eax, ebx, ecx, edx;
};

#define VMCTL_CPUID_INDEXED	BIT(0)	/* index is significant */

enum vmctl_exit_kind {
	VMCTL_EXIT_IO,
	VMCTL_EXIT_MMIO,
	VMCTL_EXIT_HLT,
	VMCTL_EXIT_HYPERCALL,
	VMCTL_EXIT_SHUTDOWN,		/* triple fault */
	VMCTL_EXIT_FAIL_ENTRY,		/* the hardware refused the guest state */
	VMCTL_EXIT_INTERNAL_ERROR,	/* the hypervisor could not go on */
	VMCTL_EXIT_UNKNOWN,		/* a backend exit vmctl has no kind for */
	VMCTL_EXIT_EOI,			/* a level-triggered vector's EOI (irqchip) */
	VMCTL_EXIT_NR_KINDS
};

enum vmctl_io_dir { VMCTL_IO_IN, VMCTL_IO_OUT };

#define VMCTL_INTERNAL_DATA	16

/*
 * Why run() returned. Handlers complete an exit in place: an IN writes
 * io.data, an MMIO read fills mmio.data, a hypercall sets hypercall.regs.rax;
 * the next run() hands the result to the guest and resumes it after the
 * instruction.
 */
struct vmctl_exit {
	enum vmctl_exit_kind kind;
	union {
		struct {
			uint16_t port;
			uint8_t size;		/* 1, 2 or 4 */
			uint8_t dir;		/* enum vmctl_io_dir */
			uint32_t count;		/* > 1 for INS/OUTS with REP */
			void *data;		/* count * size bytes, the backend's */
		} io;
		struct {
			uint64_t gpa;
			uint8_t len;		/* 1..8 */
			uint8_t is_write;
			uint8_t data[8];
		} mmio;
		struct {
			/* rax (the number), rbx, rcx, rdx, rsi, rdi; the rest 0 */
			struct vmctl_regs regs;
		} hypercall;
		struct {
			uint64_t reason;	/* VMX exit reason, SVM exit code */
			uint64_t qualification;	/* 0 where the backend has none */
		} fail_entry;
		struct {
			uint32_t suberror;
			uint32_t ndata;
			uint64_t data[VMCTL_INTERNAL_DATA];
		} internal;
		struct {
			uint64_t code;		/* the backend's own exit code */
			uint64_t hw_reason;	/* the hardware's, where known */
		} unknown;
		struct {
			uint8_t vector;		/* the local APIC's EOI of it */
		} eoi;
	};
};

/*
 * A message signalled interrupt as the local APIC receives it (the SDM's
 * "Message Signalled Interrupts"): address 0xfee00000 with the destination,
 * data with the vector, delivery mode and trigger mode.
 */
struct vmctl_msi {
	uint64_t address;
	uint32_t data;
};

/* The MSI that global system interrupt gsi (an I/O APIC pin) sends. */
struct vmctl_irq_route {
	uint32_t gsi;
	struct vmctl_msi msi;
};

/* Backends embed these in their own VM and vCPU state (container_of). */
struct vmctl_vm {
	const struct vmctl_backend_ops *ops;
};

struct vmctl_vcpu {
	struct vmctl_vm *vm;
	unsigned int id;
};

/*
 * Every operation prints its own error ("vmctl: kvm: KVM_RUN: ...") and
 * returns -1 (or NULL) with errno set, except run() interrupted by a signal,
 * which returns -1 with errno EINTR silently.
 */
struct vmctl_backend_ops {
	const char *name;

	/* Opens the hypervisor and creates a VM with no memory, no vCPU. */
	struct vmctl_vm *(*create_vm)(void);
	void (*destroy_vm)(struct vmctl_vm *vm);

	/*
	 * Maps [gpa, gpa + size) of guest-physical memory to host memory at
	 * host (page aligned); the mapping must outlive the VM.
	 */
	int (*add_memory)(struct vmctl_vm *vm, uint64_t gpa, uint64_t size, void *host);

	/* The CPUID leaves the backend can give a guest; free() *entries. */
	int (*supported_cpuid)(struct vmctl_vm *vm, struct vmctl_cpuid_entry **entries,
			       unsigned int *nr);

	struct vmctl_vcpu *(*create_vcpu)(struct vmctl_vm *vm, unsigned int id);
	void (*destroy_vcpu)(struct vmctl_vcpu *vcpu);

	/* Before the first run(): hypervisors check CR4 and EFER against it. */
	int (*set_cpuid)(struct vmctl_vcpu *vcpu, const struct vmctl_cpuid_entry *entries,
			 unsigned int nr);

	int (*get_regs)(struct vmctl_vcpu *vcpu, struct vmctl_regs *regs);
	int (*set_regs)(struct vmctl_vcpu *vcpu, const struct vmctl_regs *regs);
	int (*get_sregs)(struct vmctl_vcpu *vcpu, struct vmctl_sregs *sregs);
	int (*set_sregs)(struct vmctl_vcpu *vcpu, const struct vmctl_sregs *sregs);

	/*
	 * Completes the previous exit from *exit (pass the same structure
	 * every time), runs the guest until its next exit and describes it
	 * in *exit.
	 */
	int (*run)(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit);

	/*
	 * Async-signal-safe: makes the run() in progress, or the next one,
	 * return -1 with errno EINTR. From any thread, with a signal to the
	 * vCPU's own for a run() in progress.
	 */
	void (*kick)(struct vmctl_vcpu *vcpu);

	/*
	 * 1 if the vCPU waits for INIT and a startup IPI from another before
	 * it runs (an application processor of a VM with an irqchip, which
	 * the guest's bootstrap processor starts), 0 if it runs from its
	 * registers, -1 on error.
	 */
	int (*waits_for_sipi)(struct vmctl_vcpu *vcpu);

	/*
	 * The interrupt path of a PC (pc/): the local APICs live in the
	 * hypervisor, the I/O APIC and the 8259s in vmctl. A backend without
	 * an in-kernel local APIC fails these with errno EOPNOTSUPP and says
	 * which capability it lacks.
	 *
	 * create_irqchip: before the first create_vcpu. nr_pins I/O APIC
	 * pins (GSIs 0..nr_pins-1) get routes through set_irq_routes; the
	 * EOI of a vector that a level-triggered route sends comes back as
	 * VMCTL_EXIT_EOI, so that the I/O APIC can clear its remote IRR.
	 */
	int (*create_irqchip)(struct vmctl_vm *vm, unsigned int nr_pins);
	/* Replaces all routes; a pin without one is masked. */
	int (*set_irq_routes)(struct vmctl_vm *vm, const struct vmctl_irq_route *routes,
			      unsigned int nr);
	/* Any thread: delivers msi to the local APICs it addresses. */
	int (*signal_msi)(struct vmctl_vm *vm, const struct vmctl_msi *msi);
	/* The guest's TSC frequency, in kHz, as the hypervisor runs it. */
	int (*get_tsc_khz)(struct vmctl_vcpu *vcpu, uint32_t *khz);
	/*
	 * Optional: the ACPI PM timer at I/O port @port (32-bit reads of a
	 * 3.579545 MHz count of CLOCK_MONOTONIC) answered by the hypervisor,
	 * whose reads then never come to vmctl. NULL: vmctl answers them.
	 */
	int (*set_pm_timer)(struct vmctl_vm *vm, uint16_t port);
};

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* backend.c: the ops of a backend, or NULL if it cannot run guests yet. */
const struct vmctl_backend_ops *backend_ops(enum backend b);
const char *exit_kind_name(enum vmctl_exit_kind kind);

/* backend_kvm.c, backend_vmm.c */
extern const struct vmctl_backend_ops kvm_backend_ops;
extern const struct vmctl_backend_ops vmm_backend_ops;

#endif
