// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event injection, vendor-neutral: which exception, NMI or external
 * interrupt the guest takes next, and when.
 *
 * The backend holds the event the next entry delivers (VMX's VM-entry
 * interruption information, SVM's EVENTINJ) and what blocks the rest (the
 * STI and MOV SS shadows, NMI masking). The core keeps what waits: one
 * raised exception, one NMI, one external interrupt. Before each entry it
 * picks in the order of the Intel SDM's "Priority Among Concurrent Events"
 * (exceptions, then NMI, then INTR), and where the one that waits cannot
 * go in yet it asks the backend for an exit at the first moment it can
 * (interrupt window, NMI window): the guest is never polled.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/uaccess.h>
#include <asm/trapnr.h>

#include "vmm.h"

/* Exceptions that push an error code: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP. */
#define EXC_ERROR_CODE_MASK	(BIT(X86_TRAP_DF) | BIT(X86_TRAP_TS) | BIT(X86_TRAP_NP) | \
				 BIT(X86_TRAP_SS) | BIT(X86_TRAP_GP) | BIT(X86_TRAP_PF) | \
				 BIT(X86_TRAP_AC) | BIT(21))

/* Contributory exceptions (SDM, "Interrupt 8—Double Fault Exception"). */
#define EXC_CONTRIBUTORY_MASK	(BIT(X86_TRAP_DE) | BIT(X86_TRAP_TS) | BIT(X86_TRAP_NP) | \
				 BIT(X86_TRAP_SS) | BIT(X86_TRAP_GP) | BIT(21))

/* The page-fault class: #PF and #VE. */
#define EXC_PAGE_FAULT_MASK	(BIT(X86_TRAP_PF) | BIT(X86_TRAP_VE))

/* DR6 bits a #DB's payload may carry: B0-B3, BD, BS, BT. */
#define DB_PAYLOAD_MASK		(GENMASK_ULL(3, 0) | GENMASK_ULL(15, 13))

bool vmm_exception_has_error_code(u8 vector)
{
	return vector < 32 && (EXC_ERROR_CODE_MASK & BIT(vector));
}

static bool exc_in(u8 vector, u32 mask)
{
	return vector < 32 && (mask & BIT(vector));
}

/**
 * vmm_exception_combine() - a fault while delivering another
 * @first: the exception being delivered
 * @second: the one its delivery raised
 *
 * The SDM's table "Conditions for Generating a Double Fault": two
 * contributory exceptions, or a page fault followed by a contributory
 * exception or a page fault, make a #DF; any but a benign one during the
 * delivery of a #DF shuts the processor down. The rest are handled
 * serially.
 */
enum vmm_exc_combine vmm_exception_combine(u8 first, u8 second)
{
	bool second_bad = exc_in(second, EXC_CONTRIBUTORY_MASK | EXC_PAGE_FAULT_MASK);

	if (first == X86_TRAP_DF)
		return second_bad ? VMM_EXC_TRIPLE : VMM_EXC_SERIAL;
	if (exc_in(first, EXC_CONTRIBUTORY_MASK) && exc_in(second, EXC_CONTRIBUTORY_MASK))
		return VMM_EXC_DOUBLE;
	if (exc_in(first, EXC_PAGE_FAULT_MASK) && second_bad)
		return VMM_EXC_DOUBLE;
	return VMM_EXC_SERIAL;
}

/**
 * vmm_queue_exception() - raise an exception in the guest
 * @vcpu: the vCPU
 * @vector: 0-31
 * @has_error_code: push @error_code (dropped in real mode by the backend)
 * @error_code: the error code
 * @has_payload: set CR2 (#PF) or DR6 (#DB) to @payload as delivery begins
 * @payload: see @has_payload
 *
 * Delivered at the next entry, combined with whatever that entry was to
 * deliver (vmm_events_before_entry()). From exit handling, preemptible or not.
 */
void vmm_queue_exception(struct vmm_vcpu *vcpu, u8 vector, bool has_error_code,
			 u32 error_code, bool has_payload, u64 payload)
{
	struct vmm_events *ev = &vcpu->events;

	ev->exc_pending = true;
	ev->exc_vector = vector;
	ev->exc_has_error_code = has_error_code && vmm_exception_has_error_code(vector);
	ev->exc_error_code = error_code;
	ev->exc_has_payload = has_payload;
	ev->exc_payload = payload;
}

/*
 * The pending exception goes into the entry, combined with the event
 * there: after an exception, by the double-fault rules; an NMI or an
 * external interrupt whose delivery it displaces waits again (as the
 * processor would take it once the exception handler lets it). A software
 * interrupt is dropped: its instruction runs again.
 */
static void vmm_events_raise(struct vmm_vcpu *vcpu)
{
	struct vmm_events *ev = &vcpu->events;
	struct vmm_event cur, next = {
		.type = VMM_EVENT_EXCEPTION,
		.vector = ev->exc_vector,
		.has_error_code = ev->exc_has_error_code,
		.error_code = ev->exc_error_code,
		.has_payload = ev->exc_has_payload,
		.payload = ev->exc_payload,
	};

	ev->exc_pending = false;
	vmm_ops->get_injected(vcpu, &cur);
	switch (cur.type) {
	case VMM_EVENT_EXCEPTION:
		switch (vmm_exception_combine(cur.vector, next.vector)) {
		case VMM_EXC_DOUBLE:
			next = (struct vmm_event){
				.type = VMM_EVENT_EXCEPTION, .vector = X86_TRAP_DF,
				.has_error_code = true,
			};
			break;
		case VMM_EXC_TRIPLE:
			next.type = VMM_EVENT_NONE;
			ev->shutdown = true;
			break;
		case VMM_EXC_SERIAL:
			break;
		}
		break;
	case VMM_EVENT_NMI:
		ev->nmi_pending = true;
		break;
	case VMM_EVENT_INTR:
		ev->irq_pending = true;
		ev->irq_vector = cur.vector;
		break;
	}
	vmm_ops->set_injected(vcpu, &next);
}

/**
 * vmm_events_before_entry() - put the next event into the entry
 * @vcpu: the vCPU
 *
 * Called by the backend before every entry, preemptible or not, with
 * interrupts on. Return: VMM_RESUME, or VMM_TO_USER after a triple fault
 * (vcpu->run says VMM_EXIT_SHUTDOWN).
 */
int vmm_events_before_entry(struct vmm_vcpu *vcpu)
{
	struct vmm_events *ev = &vcpu->events;
	bool apic_irq = false;
	struct vmm_event cur;
	u32 intr;
	int v;

	if (vcpu->has_apic) {
		if (vmm_irq_before_entry(vcpu) != VMM_RESUME)
			return VMM_TO_USER;
		apic_irq = !ev->irq_pending &&
			   vmm_lapic_highest_deliverable(&vcpu->apic) >= 0;
	}
	if (likely(!ev->exc_pending && !ev->nmi_pending && !ev->irq_pending &&
		   !ev->shutdown && !apic_irq))
		return VMM_RESUME;
	if (ev->exc_pending)
		vmm_events_raise(vcpu);
	if (ev->shutdown) {
		ev->shutdown = false;
		vcpu->run->exit_reason = VMM_EXIT_SHUTDOWN;
		memset(&vcpu->run->hw, 0, sizeof(vcpu->run->hw));
		return VMM_TO_USER;
	}
	if (!ev->nmi_pending && !ev->irq_pending && !apic_irq)
		return VMM_RESUME;

	vmm_ops->get_injected(vcpu, &cur);
	intr = vmm_ops->get_interruptibility(vcpu);
	/* One event per entry; an NMI before an interrupt. */
	if (cur.type == VMM_EVENT_NONE && ev->nmi_pending &&
	    !(intr & (VMM_INTR_SHADOW | VMM_INTR_NMI_MASKED))) {
		cur = (struct vmm_event){ .type = VMM_EVENT_NMI, .vector = X86_TRAP_NMI };
		vmm_ops->set_injected(vcpu, &cur);
		ev->nmi_pending = false;
	}
	if (cur.type == VMM_EVENT_NONE && (ev->irq_pending || apic_irq) &&
	    !(intr & VMM_INTR_SHADOW) && (vmm_ops->get_rflags(vcpu) & X86_EFLAGS_IF)) {
		if (ev->irq_pending) {
			v = ev->irq_vector;
			ev->irq_pending = false;
		} else {
			/* Taken now: from IRR into ISR, as the CPU's INTA does. */
			v = vmm_lapic_highest_deliverable(&vcpu->apic);
			vmm_lapic_ack(&vcpu->apic, v);
			apic_irq = false;
		}
		cur = (struct vmm_event){ .type = VMM_EVENT_INTR, .vector = v };
		vmm_ops->set_injected(vcpu, &cur);
	}
	/*
	 * What still waits is blocked (IF, a shadow, NMI masking) or behind
	 * the event going in: the exit comes once it is not.
	 */
	vmm_ops->request_windows(vcpu, ev->irq_pending || apic_irq, ev->nmi_pending);
	return VMM_RESUME;
}

/**
 * vmm_events_insn_done() - an instruction vmm emulated has completed
 * @vcpu: the vCPU
 *
 * The STI or MOV SS shadow it ran in ends with it, as the backends' own
 * instruction skips end it: an interrupt may come before the next one.
 */
void vmm_events_insn_done(struct vmm_vcpu *vcpu)
{
	u32 intr = vmm_ops->get_interruptibility(vcpu);

	if (intr & VMM_INTR_SHADOW)
		vmm_ops->set_interruptibility(vcpu, intr & ~VMM_INTR_SHADOW);
}

/* The uapi's view, from the core's and the backend's state. */
static void vmm_events_read(struct vmm_vcpu *vcpu, struct vmm_vcpu_events *u)
{
	const struct vmm_events *ev = &vcpu->events;
	struct vmm_event cur;
	u32 intr;

	memset(u, 0, sizeof(*u));
	u->flags = VMM_EVENTS_ALL;
	vmm_ops->get_injected(vcpu, &cur);
	intr = vmm_ops->get_interruptibility(vcpu);
	if (ev->exc_pending) {
		u->exception.pending = 1;
		u->exception.vector = ev->exc_vector;
		u->exception.has_error_code = ev->exc_has_error_code;
		u->exception.error_code = ev->exc_error_code;
		u->exception.has_payload = ev->exc_has_payload;
		u->exception.payload = ev->exc_payload;
	} else if (cur.type == VMM_EVENT_EXCEPTION) {
		/* Its payload is in CR2 or DR6 already. */
		u->exception.injected = 1;
		u->exception.vector = cur.vector;
		u->exception.has_error_code = cur.has_error_code;
		u->exception.error_code = cur.error_code;
	}
	if (ev->irq_pending) {
		u->interrupt.pending = 1;
		u->interrupt.vector = ev->irq_vector;
	} else if (cur.type == VMM_EVENT_INTR) {
		u->interrupt.injected = 1;
		u->interrupt.vector = cur.vector;
	}
	if (intr & VMM_INTR_STI)
		u->interrupt.shadow |= VMM_SHADOW_STI;
	if (intr & VMM_INTR_MOV_SS)
		u->interrupt.shadow |= VMM_SHADOW_MOV_SS;
	u->nmi.pending = ev->nmi_pending;
	u->nmi.injected = cur.type == VMM_EVENT_NMI;
	u->nmi.masked = !!(intr & VMM_INTR_NMI_MASKED);
}

int vmm_get_vcpu_events(struct vmm_vcpu *vcpu, struct vmm_vcpu_events __user *uev)
{
	struct vmm_vcpu_events u;

	vmm_events_read(vcpu, &u);
	return copy_to_user(uev, &u, sizeof(u)) ? -EFAULT : 0;
}

static bool flag_ok(u8 v)
{
	return v <= 1;
}

/* Could the vCPU be in state @u? (SDM/APM event injection rules.) */
static int vmm_events_check(const struct vmm_vcpu_events *u, bool prot, u64 rflags)
{
	u8 vec = u->exception.vector;
	bool exc = u->exception.pending || u->exception.injected;
	bool irq = u->interrupt.pending || u->interrupt.injected;

	if (u->pad || memchr_inv(u->reserved, 0, sizeof(u->reserved)) ||
	    memchr_inv(u->exception.pad, 0, sizeof(u->exception.pad)) ||
	    memchr_inv(u->interrupt.pad, 0, sizeof(u->interrupt.pad)) ||
	    memchr_inv(u->nmi.pad, 0, sizeof(u->nmi.pad)))
		return -EINVAL;
	if (!flag_ok(u->exception.pending) || !flag_ok(u->exception.injected) ||
	    !flag_ok(u->exception.has_error_code) || !flag_ok(u->exception.has_payload) ||
	    !flag_ok(u->interrupt.pending) || !flag_ok(u->interrupt.injected) ||
	    !flag_ok(u->nmi.pending) || !flag_ok(u->nmi.injected) || !flag_ok(u->nmi.masked))
		return -EINVAL;
	/* One of each kind, and one event in delivery at a time. */
	if ((u->exception.pending && u->exception.injected) ||
	    (u->interrupt.pending && u->interrupt.injected) ||
	    u->exception.injected + u->interrupt.injected + u->nmi.injected > 1)
		return -EINVAL;
	if (exc) {
		/* Vector 2 is the NMI's, and only 0-31 are exceptions. */
		if (vec > 31 || vec == X86_TRAP_NMI)
			return -EINVAL;
		/* The error code exactly where the processor pushes one. */
		if (u->exception.has_error_code != (prot && vmm_exception_has_error_code(vec)))
			return -EINVAL;
		if (u->exception.has_payload && vec != X86_TRAP_PF && vec != X86_TRAP_DB)
			return -EINVAL;
		if (u->exception.has_payload && vec == X86_TRAP_DB &&
		    (u->exception.payload & ~DB_PAYLOAD_MASK))
			return -EINVAL;
		if (!u->exception.has_error_code && u->exception.error_code)
			return -EINVAL;
		if (!u->exception.has_payload && u->exception.payload)
			return -EINVAL;
	} else if (vec || u->exception.has_error_code || u->exception.error_code ||
		   u->exception.has_payload || u->exception.payload) {
		return -EINVAL;
	}
	if (!irq && u->interrupt.vector)
		return -EINVAL;
	if (u->interrupt.shadow & ~(VMM_SHADOW_STI | VMM_SHADOW_MOV_SS) ||
	    u->interrupt.shadow == (VMM_SHADOW_STI | VMM_SHADOW_MOV_SS))
		return -EINVAL;
	/* STI sets IF: its shadow with IF clear is no state the CPU has. */
	if ((u->interrupt.shadow & VMM_SHADOW_STI) && !(rflags & X86_EFLAGS_IF))
		return -EINVAL;
	/* A delivery begun only where the guest took the interrupt... */
	if (u->interrupt.injected && (u->interrupt.shadow || !(rflags & X86_EFLAGS_IF)))
		return -EINVAL;
	/* ...or the NMI: delivery masks NMIs only once it is done. */
	if (u->nmi.injected && (u->nmi.masked || u->interrupt.shadow))
		return -EINVAL;
	return 0;
}

int vmm_set_vcpu_events(struct vmm_vcpu *vcpu, const struct vmm_vcpu_events __user *uev)
{
	struct vmm_events *ev = &vcpu->events;
	struct vmm_vcpu_events u, k;
	struct vmm_event cur, inj = {};
	struct vmm_sregs sregs = {};
	u32 intr;
	int ret;

	if (copy_from_user(&u, uev, sizeof(u)))
		return -EFAULT;
	if (!u.flags || (u.flags & ~VMM_EVENTS_ALL))
		return -EINVAL;
	/* The state as it would be: what is, with the parts named replaced. */
	vmm_events_read(vcpu, &k);
	k.pad = u.pad;
	memcpy(k.reserved, u.reserved, sizeof(k.reserved));
	if (u.flags & VMM_EVENTS_EXCEPTION)
		k.exception = u.exception;
	if (u.flags & VMM_EVENTS_INTERRUPT) {
		u8 shadow = k.interrupt.shadow;

		k.interrupt = u.interrupt;
		k.interrupt.shadow = shadow;
	} else {
		memcpy(k.interrupt.pad, u.interrupt.pad, sizeof(k.interrupt.pad));
	}
	if (u.flags & VMM_EVENTS_SHADOW)
		k.interrupt.shadow = u.interrupt.shadow;
	if (u.flags & VMM_EVENTS_NMI)
		k.nmi = u.nmi;
	vmm_ops->get_sregs(vcpu, &sregs);
	ret = vmm_events_check(&k, sregs.cr0 & X86_CR0_PE, vmm_ops->get_rflags(vcpu));
	if (ret)
		return ret;

	ev->exc_pending = k.exception.pending;
	ev->exc_vector = k.exception.vector;
	ev->exc_has_error_code = k.exception.has_error_code;
	ev->exc_error_code = k.exception.error_code;
	ev->exc_has_payload = k.exception.has_payload;
	ev->exc_payload = k.exception.payload;
	ev->irq_pending = k.interrupt.pending;
	ev->irq_vector = k.interrupt.pending ? k.interrupt.vector : 0;
	ev->nmi_pending = k.nmi.pending;
	ev->shutdown = false;

	if (k.exception.injected)
		inj = (struct vmm_event){
			.type = VMM_EVENT_EXCEPTION, .vector = k.exception.vector,
			.has_error_code = k.exception.has_error_code,
			.error_code = k.exception.error_code,
			.has_payload = k.exception.has_payload,
			.payload = k.exception.payload,
		};
	else if (k.interrupt.injected)
		inj = (struct vmm_event){ .type = VMM_EVENT_INTR, .vector = k.interrupt.vector };
	else if (k.nmi.injected)
		inj = (struct vmm_event){ .type = VMM_EVENT_NMI, .vector = X86_TRAP_NMI };
	/* A software interrupt in delivery stays: the uapi does not name it. */
	vmm_ops->get_injected(vcpu, &cur);
	if (inj.type != VMM_EVENT_NONE || cur.type == VMM_EVENT_EXCEPTION ||
	    cur.type == VMM_EVENT_NMI || cur.type == VMM_EVENT_INTR)
		vmm_ops->set_injected(vcpu, &inj);

	intr = 0;
	if (k.interrupt.shadow & VMM_SHADOW_STI)
		intr |= VMM_INTR_STI;
	if (k.interrupt.shadow & VMM_SHADOW_MOV_SS)
		intr |= VMM_INTR_MOV_SS;
	if (k.nmi.masked)
		intr |= VMM_INTR_NMI_MASKED;
	vmm_ops->set_interruptibility(vcpu, intr);
	return 0;
}
