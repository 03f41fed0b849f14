/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Events for the guest (events.c): exceptions, NMIs and external interrupts
 * waiting for delivery, kept by the core; the one the next entry delivers
 * and what blocks the others are the backend's (vendor.h).
 */
#ifndef VMM_EVENTS_H
#define VMM_EVENTS_H

#include <linux/types.h>

struct vmm_vcpu;
struct vmm_vcpu_events;

struct vmm_events {
	/* An exception raised, delivery not begun (payload: CR2 or DR6). */
	bool exc_pending;
	bool exc_has_error_code;
	bool exc_has_payload;
	u8 exc_vector;
	u32 exc_error_code;
	u64 exc_payload;
	bool nmi_pending;		/* at most one waits; more are lost */
	bool irq_pending;		/* until the guest takes interrupts */
	u8 irq_vector;
	bool shutdown;			/* a third fault: VMM_EXIT_SHUTDOWN */
};

/* How a second exception, raised while the first is delivered, combines. */
enum vmm_exc_combine {
	VMM_EXC_SERIAL,		/* the second is delivered; the first recurs */
	VMM_EXC_DOUBLE,		/* #DF(0) instead */
	VMM_EXC_TRIPLE,		/* shutdown */
};

bool vmm_exception_has_error_code(u8 vector);
enum vmm_exc_combine vmm_exception_combine(u8 first, u8 second);

void vmm_queue_exception(struct vmm_vcpu *vcpu, u8 vector, bool has_error_code,
			 u32 error_code, bool has_payload, u64 payload);
int vmm_events_before_entry(struct vmm_vcpu *vcpu);
void vmm_events_insn_done(struct vmm_vcpu *vcpu);
int vmm_get_vcpu_events(struct vmm_vcpu *vcpu, struct vmm_vcpu_events __user *uev);
int vmm_set_vcpu_events(struct vmm_vcpu *vcpu, const struct vmm_vcpu_events __user *uev);

#endif /* VMM_EVENTS_H */
