// SPDX-License-Identifier: GPL-2.0-only
/*
 * The local APIC's registers and rules (SDM vol. 3, "Advanced Programmable
 * Interrupt Controller (APIC)"): priorities, IRR/ISR/TMR, EOI, the LVTs,
 * ESR, the ICR and the destinations it names, and the xAPIC/x2APIC modes
 * IA32_APIC_BASE selects. No vendor code here: the backends deliver what
 * vmm_lapic_highest_deliverable() names and acknowledge it.
 */
#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "lapic.h"

#define LAPIC_REG_STRIDE		0x10
#define X2APIC_MSR(reg)		(LAPIC_X2APIC_MSR_FIRST + (reg) / LAPIC_REG_STRIDE)

static const u32 lvt_regs[LAPIC_NR_LVT] = {
	LAPIC_REG_LVT_TIMER, LAPIC_REG_LVT_THERMAL, LAPIC_REG_LVT_PMC,
	LAPIC_REG_LVT_LINT0, LAPIC_REG_LVT_LINT1, LAPIC_REG_LVT_ERROR,
};

/* The bits software may set in each LVT (the rest read as 0 or are status). */
static u32 lvt_writable(u32 reg)
{
	switch (reg) {
	case LAPIC_REG_LVT_TIMER:
		return LAPIC_VECTOR | LAPIC_LVT_MASKED | LAPIC_TIMER_MODE;
	case LAPIC_REG_LVT_LINT0:
	case LAPIC_REG_LVT_LINT1:
		/* vector, delivery mode, polarity (13), trigger, mask */
		return LAPIC_VECTOR | LAPIC_DM | BIT(13) | LAPIC_TRIGGER_LEVEL |
		       LAPIC_LVT_MASKED;
	case LAPIC_REG_LVT_ERROR:
		return LAPIC_VECTOR | LAPIC_LVT_MASKED;
	default:	/* thermal, performance counters */
		return LAPIC_VECTOR | LAPIC_DM | LAPIC_LVT_MASKED;
	}
}

/* A 256-bit register set (ISR, TMR, IRR): eight 32-bit words 16 bytes apart. */
static u32 *vec_word(u8 *regs, u32 base, u8 vector)
{
	return (u32 *)(regs + base + (vector / 32) * LAPIC_REG_STRIDE);
}

/*
 * Atomic, for the threads that deliver to this APIC. A 64-bit bit operation
 * on a 32-bit register touches only the bytes 4-7 after it, which are
 * reserved (always 0) in the 16-byte register slot.
 */
static void vec_set(u8 *regs, u32 base, u8 vector)
{
	set_bit(vector % 32, (unsigned long *)vec_word(regs, base, vector));
}

static void vec_clear(u8 *regs, u32 base, u8 vector)
{
	clear_bit(vector % 32, (unsigned long *)vec_word(regs, base, vector));
}

static bool vec_test(u8 *regs, u32 base, u8 vector)
{
	return READ_ONCE(*vec_word(regs, base, vector)) & BIT(vector % 32);
}

static int vec_highest(const u8 *regs, u32 base)
{
	int i;

	for (i = 7; i >= 0; i--) {
		u32 w = READ_ONCE(*(const u32 *)(regs + base + i * LAPIC_REG_STRIDE));

		if (w)
			return i * 32 + __fls(w);
	}
	return -1;
}

static enum vmm_lapic_mode lapic_base_mode(u64 base)
{
	if (!(base & LAPIC_BASE_EN))
		return VMM_LAPIC_DISABLED;
	return base & LAPIC_BASE_EXTD ? VMM_LAPIC_X2APIC : VMM_LAPIC_XAPIC;
}

enum vmm_lapic_mode vmm_lapic_mode(const struct vmm_lapic *apic)
{
	return lapic_base_mode(apic->base);
}

bool vmm_lapic_sw_enabled(const struct vmm_lapic *apic)
{
	return vmm_lapic_reg(apic, LAPIC_REG_SVR) & LAPIC_SVR_ENABLE;
}

static u32 x2apic_ldr(u32 id)
{
	/*
	 * Cluster in 31:16, one of 16 bits in 15:0 (SDM "Logical Destination
	 * Mode in x2APIC Mode").
	 */
	return ((id >> 4) << 16) | BIT(id & 0xf);
}

/*
 * The registers' state after RESET or INIT, the mode aside. On the vCPU's
 * thread, while other threads may be setting IRR and TMR bits (atomic
 * bit operations, lapic_request()): those two are cleared a word at a
 * time with marked stores, so that a message racing the reset lands
 * wholly before it (and is gone, as INIT discards what was pending) or
 * wholly after (and stays), never torn; the rest is the vCPU's own.
 */
static void lapic_clear_registers(struct vmm_lapic *apic)
{
	const u32 irr_end = LAPIC_REG_IRR + 8 * 0x10;	/* TMR, then IRR */
	u32 off;
	int i;

	vmm_lapic_timer_cancel(apic);
	memset(apic->regs, 0, LAPIC_REG_TMR);
	for (off = LAPIC_REG_TMR; off < irr_end; off += 0x10)
		WRITE_ONCE(*(u32 *)(apic->regs + off), 0);
	memset(apic->regs + irr_end, 0, PAGE_SIZE - irr_end);
	vmm_lapic_set_reg(apic, LAPIC_REG_VERSION, LAPIC_VERSION_VALUE);
	vmm_lapic_set_reg(apic, LAPIC_REG_DFR, 0xffffffff);
	vmm_lapic_set_reg(apic, LAPIC_REG_SVR, 0xff);
	for (i = 0; i < LAPIC_NR_LVT; i++)
		vmm_lapic_set_reg(apic, lvt_regs[i], LAPIC_LVT_MASKED);
	if (vmm_lapic_mode(apic) == VMM_LAPIC_X2APIC) {
		vmm_lapic_set_reg(apic, LAPIC_REG_ID, apic->id);
		vmm_lapic_set_reg(apic, LAPIC_REG_LDR, x2apic_ldr(apic->id));
	} else {
		vmm_lapic_set_reg(apic, LAPIC_REG_ID, apic->id << 24);
	}
	atomic_set(&apic->esr_pending, 0);
	atomic_set(&apic->timer_pending, 0);
	apic->tsc_deadline = 0;
}

/* RESET: enabled, xAPIC mode, at the default base. */
void vmm_lapic_reset(struct vmm_lapic *apic)
{
	apic->base = LAPIC_BASE_DEFAULT | LAPIC_BASE_EN |
		     (apic->base & LAPIC_BASE_BSP);
	lapic_clear_registers(apic);
	atomic_set(&apic->nmi_pending, 0);
	atomic_set(&apic->init_pending, 0);
	atomic_set(&apic->sipi_vector, 0);
}

/*
 * INIT: the registers reset, the mode, ID and base kept (SDM "Local APIC
 * State After an INIT Reset" and "x2APIC State Transitions": INIT leaves
 * x2APIC mode as it is). A pending NMI goes
 * with the rest of the processor's state; a SIPI stays for mp.c to take.
 */
void vmm_lapic_init_event(struct vmm_lapic *apic)
{
	lapic_clear_registers(apic);
	atomic_set(&apic->nmi_pending, 0);
}

int vmm_lapic_init(struct vmm_lapic *apic, u32 id, bool bsp,
		   const struct vmm_lapic_ops *ops, u32 tsc_khz)
{
	memset(apic, 0, sizeof(*apic));
	apic->regs = (u8 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!apic->regs)
		return -ENOMEM;
	apic->id = id;
	apic->ops = ops;
	apic->tsc_khz = tsc_khz;
	apic->base = bsp ? LAPIC_BASE_BSP : 0;
	vmm_lapic_timer_init(apic);
	vmm_lapic_reset(apic);
	return 0;
}

void vmm_lapic_free(struct vmm_lapic *apic)
{
	if (!apic->regs)
		return;
	vmm_lapic_timer_cancel(apic);
	free_page((unsigned long)apic->regs);
	apic->regs = NULL;
}

/*
 * IA32_APIC_BASE (SDM "Local APIC Status and Location", "x2APIC State
 * Transitions"): -EINVAL is a #GP for the guest. Leaving x2APIC for xAPIC,
 * or entering x2APIC from disabled, must pass through the other state;
 * disabling resets the registers (the timer stops) as the hardware does.
 */
int vmm_lapic_set_base(struct vmm_lapic *apic, u64 value, u8 maxphyaddr)
{
	u64 reserved = GENMASK_ULL(7, 0) | BIT_ULL(9) |
		       ~GENMASK_ULL(maxphyaddr - 1, 0);
	enum vmm_lapic_mode old = vmm_lapic_mode(apic), new;

	if (value & reserved)
		return -EINVAL;
	if ((value & (LAPIC_BASE_EN | LAPIC_BASE_EXTD)) == LAPIC_BASE_EXTD)
		return -EINVAL;
	new = lapic_base_mode(value);
	if ((old == VMM_LAPIC_X2APIC && new == VMM_LAPIC_XAPIC) ||
	    (old == VMM_LAPIC_DISABLED && new == VMM_LAPIC_X2APIC))
		return -EINVAL;
	apic->base = (value & ~LAPIC_BASE_BSP) | (apic->base & LAPIC_BASE_BSP);
	if (new == old)
		return 0;
	if (new == VMM_LAPIC_DISABLED || old == VMM_LAPIC_DISABLED) {
		lapic_clear_registers(apic);
	} else {
		/* xAPIC to x2APIC: the IDs become the x2APIC ones. */
		vmm_lapic_set_reg(apic, LAPIC_REG_ID, apic->id);
		vmm_lapic_set_reg(apic, LAPIC_REG_LDR, x2apic_ldr(apic->id));
	}
	return 0;
}

/* The processor priority: the TPR, or the class of the highest in service. */
u32 vmm_lapic_ppr(const struct vmm_lapic *apic)
{
	u32 tpr = vmm_lapic_reg(apic, LAPIC_REG_TPR) & 0xff;
	int isr = vec_highest(apic->regs, LAPIC_REG_ISR);
	u32 isrv = isr < 0 ? 0 : isr;

	return (tpr & 0xf0) >= (isrv & 0xf0) ? tpr : isrv & 0xf0;
}

/* The vector the CPU would take now (interrupts enabled), or -1. */
int vmm_lapic_highest_deliverable(const struct vmm_lapic *apic)
{
	int irr;

	if (vmm_lapic_mode(apic) == VMM_LAPIC_DISABLED)
		return -1;
	irr = vec_highest(apic->regs, LAPIC_REG_IRR);
	if (irr < 0 || (irr & 0xf0) <= (vmm_lapic_ppr(apic) & 0xf0))
		return -1;
	return irr;
}

/* Is an interrupt requested that the processor priority holds back? */
bool vmm_lapic_irr_blocked(const struct vmm_lapic *apic)
{
	int irr = vec_highest(apic->regs, LAPIC_REG_IRR);

	return irr >= 0 && (irr & 0xf0) <= (vmm_lapic_ppr(apic) & 0xf0);
}

/*
 * The TPR class the guest must go below for an interrupt the TPR holds
 * back to get in: the highest requested vector's class, if no higher than
 * the TPR's; else 0 (none waits, or it waits for an EOI, not the TPR).
 * Never above the TPR's class.
 */
u32 vmm_lapic_tpr_threshold(const struct vmm_lapic *apic)
{
	int irr = vec_highest(apic->regs, LAPIC_REG_IRR);

	if (irr < 0 || (irr & 0xf0) > (vmm_lapic_reg(apic, LAPIC_REG_TPR) & 0xf0))
		return 0;
	return irr >> 4;
}

/* The CPU took VECTOR: from requested to in service. */
void vmm_lapic_ack(struct vmm_lapic *apic, u8 vector)
{
	vec_clear(apic->regs, LAPIC_REG_IRR, vector);
	vec_set(apic->regs, LAPIC_REG_ISR, vector);
}

/*
 * EOI: the highest vector in service is done. Returns it, or -1 if none
 * was; *level says whether it was level-triggered (an I/O APIC waits for
 * that EOI to clear its remote IRR).
 */
int vmm_lapic_eoi(struct vmm_lapic *apic, bool *level)
{
	int isr = vec_highest(apic->regs, LAPIC_REG_ISR);

	*level = false;
	if (isr < 0)
		return -1;
	vec_clear(apic->regs, LAPIC_REG_ISR, isr);
	*level = vec_test(apic->regs, LAPIC_REG_TMR, isr);
	return isr;
}

static void lapic_kick(struct vmm_lapic *apic)
{
	if (apic->ops && apic->ops->kick)
		apic->ops->kick(apic);
}

/* A fixed interrupt into IRR, TMR as its trigger mode. */
static void lapic_request(struct vmm_lapic *apic, u8 vector, bool level)
{
	if (level)
		vec_set(apic->regs, LAPIC_REG_TMR, vector);
	else
		vec_clear(apic->regs, LAPIC_REG_TMR, vector);
	vec_set(apic->regs, LAPIC_REG_IRR, vector);
}

/* The same from any thread: the vCPU is told to look. */
static void lapic_set_irr(struct vmm_lapic *apic, u8 vector, bool level)
{
	lapic_request(apic, vector, level);
	lapic_kick(apic);
}

/*
 * An error the APIC detected: into ESR at its next write, and the LVT
 * error interrupt if that is unmasked. An illegal vector in the LVT itself
 * is recorded as a received illegal vector and delivers nothing, so that
 * an error never raises another one (XSA-462's recursion).
 */
void vmm_lapic_error(struct vmm_lapic *apic, u32 esr_bits)
{
	u32 lvt = READ_ONCE(*(u32 *)(apic->regs + LAPIC_REG_LVT_ERROR));
	u8 vector = lvt & LAPIC_VECTOR;

	atomic_or(esr_bits, &apic->esr_pending);
	if ((lvt & LAPIC_LVT_MASKED) || !vmm_lapic_sw_enabled(apic))
		return;
	if (vector < 16) {
		atomic_or(LAPIC_ESR_RECV_ILLEGAL, &apic->esr_pending);
		return;
	}
	lapic_set_irr(apic, vector, false);
}

/*
 * An interrupt message that names this APIC. Returns whether it was
 * accepted. Fixed and lowest-priority interrupts need the APIC software
 * enabled and a vector of 16 or more; NMI, INIT and SIPI are latched for
 * the vCPU (one of each pending at most, as on hardware).
 */
bool vmm_lapic_accept(struct vmm_lapic *apic, const struct vmm_apic_irq *irq)
{
	u8 vector = irq->icr & LAPIC_VECTOR;

	if (vmm_lapic_mode(apic) == VMM_LAPIC_DISABLED)
		return false;
	switch (irq->icr & LAPIC_DM) {
	case LAPIC_DM_FIXED:
	case LAPIC_DM_LOWEST:
		if (vector < 16) {
			vmm_lapic_error(apic, LAPIC_ESR_RECV_ILLEGAL);
			return false;
		}
		if (!vmm_lapic_sw_enabled(apic))
			return false;
		lapic_set_irr(apic, vector, irq->icr & LAPIC_TRIGGER_LEVEL);
		return true;
	case LAPIC_DM_NMI:
		atomic_set(&apic->nmi_pending, 1);
		break;
	case LAPIC_DM_INIT:
		/* The INIT level de-assert of old MP systems does nothing. */
		if ((irq->icr & LAPIC_TRIGGER_LEVEL) && !(irq->icr & LAPIC_LEVEL_ASSERT))
			return false;
		atomic_set(&apic->init_pending, 1);
		break;
	case LAPIC_DM_SIPI:
		atomic_set(&apic->sipi_vector, vector + 1);
		break;
	default:	/* SMI (no SMM), ExtINT (no 8259 in the kernel), reserved */
		return false;
	}
	lapic_kick(apic);
	return true;
}

/* Physical or logical destination DEST in this APIC's mode. */
static bool lapic_matches_dest(const struct vmm_lapic *apic, u32 dest, bool logical)
{
	u32 ldr = vmm_lapic_reg(apic, LAPIC_REG_LDR);

	if (vmm_lapic_mode(apic) == VMM_LAPIC_X2APIC) {
		if (dest == 0xffffffff)
			return true;
		if (!logical)
			return dest == apic->id;
		return (ldr >> 16) == (dest >> 16) && (ldr & dest & 0xffff);
	}
	/* xAPIC: eight bits of destination; 0xff is everyone. */
	if (dest == 0xffffffff || dest == 0xff)
		return true;
	if (dest > 0xff)
		return false;
	if (!logical)
		return dest == (apic->id & 0xff);
	ldr >>= 24;
	if ((vmm_lapic_reg(apic, LAPIC_REG_DFR) >> 28) == 0xf)	/* flat */
		return ldr & dest;
	/* cluster: the high nibble names the cluster, the low one its members */
	return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf);
}

/* Does IRQ, sent by SRC (NULL: a message from a device), name APIC? */
bool vmm_lapic_matches(const struct vmm_lapic *apic, const struct vmm_lapic *src,
		       const struct vmm_apic_irq *irq)
{
	switch (irq->icr & LAPIC_SHORTHAND) {
	case LAPIC_SH_SELF:
		return apic == src;
	case LAPIC_SH_ALL:
		return true;
	case LAPIC_SH_OTHERS:
		return apic != src;
	}
	if (vmm_lapic_mode(apic) == VMM_LAPIC_DISABLED)
		return false;
	return lapic_matches_dest(apic, irq->dest, irq->icr & LAPIC_DEST_LOGICAL);
}

/*
 * Fold in what other threads left pending: a timer expiry becomes the LVT
 * timer's interrupt (one, however many expiries: IRR holds one per vector).
 * On the vCPU's thread, before each entry.
 */
void vmm_lapic_sync(struct vmm_lapic *apic)
{
	u32 lvt;

	if (!atomic_xchg(&apic->timer_pending, 0))
		return;
	lvt = vmm_lapic_reg(apic, LAPIC_REG_LVT_TIMER);
	if ((lvt & LAPIC_TIMER_MODE) == LAPIC_TIMER_TSC_DEADLINE)
		apic->tsc_deadline = 0;
	if (lvt & LAPIC_LVT_MASKED)
		return;
	/*
	 * No kick: this is the vCPU looking. One would make the coming entry
	 * exit at once to look again (vmm_vcpu_enter_guest_mode()).
	 */
	if ((lvt & LAPIC_VECTOR) < 16)
		vmm_lapic_error(apic, LAPIC_ESR_RECV_ILLEGAL);
	else
		lapic_request(apic, lvt & LAPIC_VECTOR, false);
}

/* The value a read of register REG returns, or -EINVAL if it has none. */
static int lapic_read(struct vmm_lapic *apic, u32 reg, u32 *val)
{
	bool x2 = vmm_lapic_mode(apic) == VMM_LAPIC_X2APIC;

	switch (reg) {
	case LAPIC_REG_PPR:
		*val = vmm_lapic_ppr(apic);
		return 0;
	case LAPIC_REG_TMCCT:
		*val = vmm_lapic_timer_current(apic);
		return 0;
	case LAPIC_REG_ID:
	case LAPIC_REG_VERSION:
	case LAPIC_REG_TPR:
	case LAPIC_REG_LDR:
	case LAPIC_REG_SVR:
	case LAPIC_REG_ESR:
	case LAPIC_REG_ICR_LO:
	case LAPIC_REG_LVT_TIMER ... LAPIC_REG_LVT_ERROR:
	case LAPIC_REG_TMICT:
	case LAPIC_REG_TDCR:
		break;
	case LAPIC_REG_ISR ... LAPIC_REG_IRR + 0x70:
		if (reg % LAPIC_REG_STRIDE)
			return -EINVAL;
		break;
	case LAPIC_REG_APR:
	case LAPIC_REG_DFR:
	case LAPIC_REG_ICR_HI:
		if (x2)
			return -EINVAL;
		break;
	case LAPIC_REG_EOI:
		if (x2)
			return -EINVAL;
		*val = 0;		/* write-only */
		return 0;
	default:
		return -EINVAL;
	}
	*val = vmm_lapic_reg(apic, reg);
	return 0;
}

static void lapic_write_svr(struct vmm_lapic *apic, u32 val)
{
	int i;

	/* Vector, APIC enable, focus disable; no EOI-broadcast suppression. */
	vmm_lapic_set_reg(apic, LAPIC_REG_SVR, val & 0x3ff);
	if (val & LAPIC_SVR_ENABLE)
		return;
	/* Software disabled: every LVT masked, and kept so (below). */
	for (i = 0; i < LAPIC_NR_LVT; i++)
		vmm_lapic_set_reg(apic, lvt_regs[i],
				  vmm_lapic_reg(apic, lvt_regs[i]) | LAPIC_LVT_MASKED);
}

static void lapic_write_lvt(struct vmm_lapic *apic, u32 reg, u32 val)
{
	u32 keep = vmm_lapic_reg(apic, reg) & ~lvt_writable(reg);

	val &= lvt_writable(reg);
	if (!vmm_lapic_sw_enabled(apic))
		val |= LAPIC_LVT_MASKED;
	if (reg == LAPIC_REG_LVT_TIMER) {
		/* The reserved mode 3 reads back as one-shot. */
		if ((val & LAPIC_TIMER_MODE) == LAPIC_TIMER_MODE)
			val &= ~LAPIC_TIMER_MODE;
		vmm_lapic_timer_write(apic, reg, val | keep);
		return;
	}
	vmm_lapic_set_reg(apic, reg, val | keep);
}

/* The message an ICR write sends; a vector below 16 is refused at the sender. */
static bool lapic_send(struct vmm_lapic *apic, u32 icr, u32 dest,
		       struct vmm_lapic_effect *eff)
{
	u32 dm = icr & LAPIC_DM;

	if ((dm == LAPIC_DM_FIXED || dm == LAPIC_DM_LOWEST) &&
	    (icr & LAPIC_VECTOR) < 16) {
		vmm_lapic_error(apic, LAPIC_ESR_SEND_ILLEGAL);
		return false;
	}
	eff->kind = VMM_LAPIC_SEND;
	eff->irq.icr = icr;
	eff->irq.dest = dest;
	return true;
}

static void lapic_do_eoi(struct vmm_lapic *apic, struct vmm_lapic_effect *eff)
{
	bool level;
	int vector = vmm_lapic_eoi(apic, &level);

	if (vector >= 0 && level) {
		eff->kind = VMM_LAPIC_EOI_LEVEL;
		eff->eoi_vector = vector;
	}
}

/*
 * A write of VAL to register REG, checked as the mode requires: -EINVAL is
 * a #GP in x2APIC mode; in xAPIC mode what is not writable is ignored.
 * What the write asks of others (an IPI, a level EOI) is left in *EFF.
 */
static int lapic_write(struct vmm_lapic *apic, u32 reg, u64 val,
		       struct vmm_lapic_effect *eff)
{
	bool x2 = vmm_lapic_mode(apic) == VMM_LAPIC_X2APIC;
	u32 v = val;

	if (x2 && reg != LAPIC_REG_ICR_LO && (val >> 32))
		return -EINVAL;
	switch (reg) {
	case LAPIC_REG_TPR:
		if (x2 && (v & ~0xffu))
			return -EINVAL;
		vmm_lapic_set_reg(apic, reg, v & 0xff);
		return 0;
	case LAPIC_REG_EOI:
		if (x2 && v)
			return -EINVAL;
		lapic_do_eoi(apic, eff);
		return 0;
	case LAPIC_REG_LDR:
		if (x2)
			return -EINVAL;
		vmm_lapic_set_reg(apic, reg, v & 0xff000000);
		return 0;
	case LAPIC_REG_DFR:
		if (x2)
			return -EINVAL;
		vmm_lapic_set_reg(apic, reg, v | 0x0fffffff);
		return 0;
	case LAPIC_REG_SVR:
		if (x2 && (v & ~0x3ffu))
			return -EINVAL;
		lapic_write_svr(apic, v);
		return 0;
	case LAPIC_REG_ESR:
		if (x2 && v)
			return -EINVAL;
		vmm_lapic_set_reg(apic, reg, atomic_xchg(&apic->esr_pending, 0));
		return 0;
	case LAPIC_REG_ICR_LO:
		if (x2) {
			/* One 64-bit register: destination in 63:32. */
			if (val & (BIT(13) | GENMASK(17, 16) | GENMASK(31, 20)))
				return -EINVAL;
			vmm_lapic_set_reg(apic, LAPIC_REG_ICR_LO, v);
			vmm_lapic_set_reg(apic, LAPIC_REG_ICR_HI, val >> 32);
			lapic_send(apic, v, val >> 32, eff);
			return 0;
		}
		v &= ~LAPIC_SEND_PENDING;	/* delivered at once */
		vmm_lapic_set_reg(apic, reg, v);
		lapic_send(apic, v, vmm_lapic_reg(apic, LAPIC_REG_ICR_HI) >> 24, eff);
		return 0;
	case LAPIC_REG_ICR_HI:
		if (x2)
			return -EINVAL;
		vmm_lapic_set_reg(apic, reg, v & 0xff000000);
		return 0;
	case LAPIC_REG_LVT_TIMER ... LAPIC_REG_LVT_ERROR:
		if (reg % LAPIC_REG_STRIDE)
			break;
		if (x2 && (v & ~lvt_writable(reg)))
			return -EINVAL;
		lapic_write_lvt(apic, reg, v);
		return 0;
	case LAPIC_REG_TMICT:
		vmm_lapic_timer_write(apic, reg, v);
		return 0;
	case LAPIC_REG_TDCR:
		if (x2 && (v & ~0xbu))
			return -EINVAL;
		vmm_lapic_timer_write(apic, reg, v & 0xb);
		return 0;
	case LAPIC_REG_SELF_IPI:
		if (!x2)
			break;
		if (v & ~LAPIC_VECTOR)
			return -EINVAL;
		lapic_send(apic, LAPIC_SH_SELF | LAPIC_DM_FIXED | v, 0, eff);
		return 0;
	}
	/* Read-only (ID, version, PPR, ISR/TMR/IRR, TMCCT) and reserved. */
	if (x2)
		return -EINVAL;
	return 0;
}

/*
 * xAPIC MMIO read of LEN (1-8) bytes at OFF in the page. Registers are
 * 32 bits wide, 16 bytes apart: the bytes after the register read as 0,
 * never anything else (K:CVE-2021-47255), whatever the size and alignment.
 */
void vmm_lapic_mmio_read(struct vmm_lapic *apic, u32 off, u32 len, u64 *val)
{
	u8 slot[2 * LAPIC_REG_STRIDE] = {};
	u32 reg = off & ~(LAPIC_REG_STRIDE - 1), in = off % LAPIC_REG_STRIDE, v;

	*val = 0;
	if (len > sizeof(*val) || off >= LAPIC_REG_END)
		return;
	if (lapic_read(apic, reg, &v) == 0)
		memcpy(slot, &v, sizeof(v));
	else
		vmm_lapic_error(apic, LAPIC_ESR_ILLEGAL_REG);
	/* An access that crosses into the next slot reads zeros there. */
	memcpy(val, slot + in, len);
}

/*
 * xAPIC MMIO write. Only an aligned 32-bit store reaches a register, as
 * the SDM requires of software; anything else is dropped.
 */
void vmm_lapic_mmio_write(struct vmm_lapic *apic, u32 off, u32 len, u64 val,
			  struct vmm_lapic_effect *eff)
{
	eff->kind = VMM_LAPIC_NONE;
	if (len != 4 || off % LAPIC_REG_STRIDE || off >= LAPIC_REG_END)
		return;
	switch (off) {
	case LAPIC_REG_ID:
	case LAPIC_REG_VERSION:
	case LAPIC_REG_APR:
	case LAPIC_REG_PPR:
	case LAPIC_REG_RRD:
	case LAPIC_REG_ISR ... LAPIC_REG_IRR + 0x70:
	case LAPIC_REG_TMCCT:
		return;
	}
	lapic_write(apic, off, (u32)val, eff);
}

static bool x2apic_reg(u32 msr, u32 *reg)
{
	if (msr < LAPIC_X2APIC_MSR_FIRST || msr > LAPIC_X2APIC_MSR_LAST)
		return false;
	*reg = (msr - LAPIC_X2APIC_MSR_FIRST) * LAPIC_REG_STRIDE;
	return true;
}

/* x2APIC MSR read: -EINVAL is a #GP (not x2APIC mode, or no such register). */
int vmm_lapic_msr_read(struct vmm_lapic *apic, u32 msr, u64 *val)
{
	u32 reg, v;

	if (vmm_lapic_mode(apic) != VMM_LAPIC_X2APIC || !x2apic_reg(msr, &reg))
		return -EINVAL;
	if (reg == LAPIC_REG_SELF_IPI || lapic_read(apic, reg, &v))
		return -EINVAL;
	*val = v;
	if (reg == LAPIC_REG_ICR_LO)
		*val |= (u64)vmm_lapic_reg(apic, LAPIC_REG_ICR_HI) << 32;
	return 0;
}

int vmm_lapic_msr_write(struct vmm_lapic *apic, u32 msr, u64 val,
			struct vmm_lapic_effect *eff)
{
	u32 reg;

	eff->kind = VMM_LAPIC_NONE;
	if (vmm_lapic_mode(apic) != VMM_LAPIC_X2APIC || !x2apic_reg(msr, &reg))
		return -EINVAL;
	return lapic_write(apic, reg, val, eff);
}
