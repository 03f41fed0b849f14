// SPDX-License-Identifier: GPL-2.0-only
/*
 * The local APIC timer on an hrtimer: one-shot and periodic counts of the
 * 1 GHz bus clock through the divider, and the TSC-deadline mode (SDM
 * "APIC Timer"). The hrtimer only counts an expiry and kicks the vCPU;
 * vmm_lapic_sync() turns it into the LVT timer's interrupt on the vCPU's
 * thread, so no register is written from interrupt context.
 */
#include <linux/hrtimer.h>
#include <linux/math64.h>

#include "lapic.h"

/* The divide configuration register: bits 0, 1 and 3 select 2^(n+1), 0b111 is 1. */
static u32 tdcr_divisor(u32 tdcr)
{
	u32 n = (tdcr & 3) | ((tdcr & 8) >> 1);

	return 1u << ((n + 1) & 7);
}

/* How long COUNT ticks of the divided bus clock last; at most ~2^39 ns. */
u64 vmm_lapic_timer_ns(u32 count, u32 tdcr)
{
	return (u64)count * tdcr_divisor(tdcr) * LAPIC_BUS_NS;
}

static u32 timer_mode(const struct vmm_lapic *apic)
{
	return vmm_lapic_reg(apic, LAPIC_REG_LVT_TIMER) & LAPIC_TIMER_MODE;
}

/*
 * The mode is read as the count runs out, not as it was when the count
 * began: the guest may have turned a periodic count one-shot (or back)
 * meanwhile, which does not disarm the timer.
 */
static enum hrtimer_restart lapic_timer_fired(struct hrtimer *t)
{
	struct vmm_lapic *apic = container_of(t, struct vmm_lapic, timer);
	u32 lvt = READ_ONCE(*(u32 *)(apic->regs + LAPIC_REG_LVT_TIMER));
	u64 period = READ_ONCE(apic->period_ns);

	atomic_set(&apic->timer_pending, 1);
	if (apic->ops && apic->ops->kick)
		apic->ops->kick(apic);
	if (period && (lvt & LAPIC_TIMER_MODE) == LAPIC_TIMER_PERIODIC) {
		period = max_t(u64, period, LAPIC_MIN_PERIOD_NS);
		hrtimer_forward_now(t, ns_to_ktime(period));
		return HRTIMER_RESTART;
	}
	WRITE_ONCE(apic->armed, false);
	return HRTIMER_NORESTART;
}

void vmm_lapic_timer_init(struct vmm_lapic *apic)
{
#ifdef VMM_HAVE_HRTIMER_SETUP
	hrtimer_setup(&apic->timer, lapic_timer_fired, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS_HARD);
#else
	hrtimer_init(&apic->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	apic->timer.function = lapic_timer_fired;
#endif
}

void vmm_lapic_timer_cancel(struct vmm_lapic *apic)
{
	hrtimer_cancel(&apic->timer);
	apic->armed = false;
	apic->period_ns = 0;
	atomic_set(&apic->timer_pending, 0);
}

/* Arm for NS from now; PERIOD_NS reloads it in periodic mode (0: never). */
static void lapic_timer_start(struct vmm_lapic *apic, u64 ns, u64 period_ns)
{
	apic->period_ns = period_ns;
	apic->expires = ktime_add_ns(ktime_get(), min_t(u64, ns, KTIME_MAX / 2));
	apic->armed = true;
	hrtimer_start(&apic->timer, apic->expires, HRTIMER_MODE_ABS_HARD);
}

/* Writes to the LVT timer, TMICT and TDCR (the vCPU's thread). */
void vmm_lapic_timer_write(struct vmm_lapic *apic, u32 off, u32 val)
{
	u64 ns;

	switch (off) {
	case LAPIC_REG_LVT_TIMER:
		/*
		 * Into or out of TSC-deadline mode the timer stops: count and
		 * deadline start over (SDM "TSC-Deadline Mode"). Between
		 * one-shot and periodic the count goes on (lapic_timer_fired()).
		 */
		if (((val & LAPIC_TIMER_MODE) == LAPIC_TIMER_TSC_DEADLINE) !=
		    (timer_mode(apic) == LAPIC_TIMER_TSC_DEADLINE)) {
			vmm_lapic_timer_cancel(apic);
			vmm_lapic_set_reg(apic, LAPIC_REG_TMICT, 0);
			apic->tsc_deadline = 0;
		}
		vmm_lapic_set_reg(apic, off, val);
		return;
	case LAPIC_REG_TDCR:
		vmm_lapic_set_reg(apic, off, val);
		return;
	case LAPIC_REG_TMICT:
		if (timer_mode(apic) == LAPIC_TIMER_TSC_DEADLINE)
			return;		/* ignored in that mode */
		vmm_lapic_timer_cancel(apic);
		vmm_lapic_set_reg(apic, off, val);
		if (!val)
			return;		/* a count of 0 stops the timer */
		ns = vmm_lapic_timer_ns(val, vmm_lapic_reg(apic, LAPIC_REG_TDCR));
		if (timer_mode(apic) == LAPIC_TIMER_PERIODIC)
			ns = max_t(u64, ns, LAPIC_MIN_PERIOD_NS);
		/* The period too, should the guest turn the count periodic. */
		lapic_timer_start(apic, ns, ns);
		return;
	}
}

/* TMCCT: what is left of the count; 0 once a one-shot count has run out. */
u32 vmm_lapic_timer_current(struct vmm_lapic *apic)
{
	u64 unit = tdcr_divisor(vmm_lapic_reg(apic, LAPIC_REG_TDCR)) * LAPIC_BUS_NS;
	s64 left;

	if (timer_mode(apic) == LAPIC_TIMER_TSC_DEADLINE || !READ_ONCE(apic->armed))
		return 0;
	left = ktime_to_ns(hrtimer_get_remaining(&apic->timer));
	if (left <= 0)
		return 0;
	return min_t(u64, div64_u64(left, unit), vmm_lapic_reg(apic, LAPIC_REG_TMICT));
}

/*
 * IA32_TSC_DEADLINE written with the guest's TSC at GUEST_TSC: 0 disarms,
 * a deadline already past fires at once, and writes outside the
 * TSC-deadline mode are ignored (SDM "TSC-Deadline Mode").
 */
void vmm_lapic_set_tsc_deadline(struct vmm_lapic *apic, u64 deadline, u64 guest_tsc)
{
	u64 ns;

	if (timer_mode(apic) != LAPIC_TIMER_TSC_DEADLINE)
		return;
	vmm_lapic_timer_cancel(apic);
	apic->tsc_deadline = deadline;
	if (!deadline)
		return;
	if (deadline <= guest_tsc || !apic->tsc_khz) {
		atomic_set(&apic->timer_pending, 1);
		if (apic->ops && apic->ops->kick)
			apic->ops->kick(apic);
		return;
	}
	/* A deadline centuries away saturates instead of wrapping. */
	if (div_u64(deadline - guest_tsc, apic->tsc_khz) > KTIME_MAX / 2 / NSEC_PER_MSEC)
		ns = KTIME_MAX / 2;
	else
		ns = mul_u64_u32_div(deadline - guest_tsc, NSEC_PER_MSEC, apic->tsc_khz);
	lapic_timer_start(apic, ns, 0);
}

u64 vmm_lapic_get_tsc_deadline(const struct vmm_lapic *apic)
{
	return timer_mode(apic) == LAPIC_TIMER_TSC_DEADLINE ? apic->tsc_deadline : 0;
}
