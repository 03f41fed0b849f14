/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A vCPU's time-stamp counter: the host's TSC plus a per-vCPU offset, which
 * the hardware adds to every RDTSC (VMX "use TSC offsetting" with the
 * TSC-offset field, SVM's VMCB TSC_OFFSET), so RDTSC never exits. The
 * guest's writes to IA32_TSC and IA32_TSC_ADJUST move the offset only: the
 * host's TSC is never written (ADVERSARIAL.md A39).
 *
 * Pure arithmetic, modulo 2^64 as the counter itself wraps: the callers
 * pass the host's TSC they read (tests/tsc_kunit.c checks it alone).
 */
#ifndef VMM_TSC_H
#define VMM_TSC_H

#include <linux/types.h>

struct vmm_tsc {
	u64 offset;		/* guest TSC = host TSC + offset */
	u64 adjust;		/* IA32_TSC_ADJUST as the guest reads it */
};

static inline u64 vmm_tsc_guest(const struct vmm_tsc *t, u64 host_tsc)
{
	return host_tsc + t->offset;
}

/*
 * The guest's WRMSR to IA32_TSC: from @host_tsc on the counter reads
 * @value, and TSC_ADJUST moves by as much as the counter did (Intel SDM,
 * "Time-Stamp Counter Adjustment": "if an execution of WRMSR to the
 * IA32_TIME_STAMP_COUNTER MSR adds (or subtracts) value X from the TSC,
 * the logical processor also adds (or subtracts) value X from the
 * IA32_TSC_ADJUST MSR").
 */
static inline void vmm_tsc_guest_write(struct vmm_tsc *t, u64 host_tsc, u64 value)
{
	t->adjust += value - vmm_tsc_guest(t, host_tsc);
	t->offset = value - host_tsc;
}

/*
 * The guest's WRMSR to IA32_TSC_ADJUST: it reads back @value, and the
 * counter moves by the difference from the old value (same section).
 */
static inline void vmm_tsc_guest_write_adjust(struct vmm_tsc *t, u64 value)
{
	t->offset += value - t->adjust;
	t->adjust = value;
}

/*
 * Userspace restoring a saved vCPU (VMM_SET_MSRS) sets each MSR alone, so
 * that the order of the two does not matter: IA32_TSC without touching
 * TSC_ADJUST, TSC_ADJUST without moving the counter (as KVM's
 * host-initiated writes do).
 */
static inline void vmm_tsc_user_write(struct vmm_tsc *t, u64 host_tsc, u64 value)
{
	t->offset = value - host_tsc;
}

static inline void vmm_tsc_user_write_adjust(struct vmm_tsc *t, u64 value)
{
	t->adjust = value;
}

#endif /* VMM_TSC_H */
