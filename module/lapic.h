/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The local APIC each vCPU has in the kernel: the path every timer tick and
 * IPI takes never goes to userspace. lapic.c keeps the register page and
 * the rules of the SDM's "Advanced Programmable Interrupt Controller"
 * chapter (priorities, IRR/ISR/TMR, EOI, the LVTs, ESR, the ICR, xAPIC and
 * x2APIC modes); lapic_timer.c the timer on an hrtimer.
 *
 * Who touches what: the vCPU's own thread owns the register page. Other
 * threads (another vCPU's IPI, userspace's MSI, the timer's hrtimer) only
 * set IRR/TMR bits with atomic operations, or count a pending NMI, INIT,
 * SIPI or timer expiry, and then kick the vCPU; vmm_lapic_sync() folds
 * those into the registers on the vCPU's thread before each entry.
 */
#ifndef VMM_LAPIC_H
#define VMM_LAPIC_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/types.h>

/* Register offsets in the 4 KiB page (xAPIC MMIO; x2APIC MSR = 0x800 + off / 16). */
enum {
	LAPIC_REG_ID		= 0x020,
	LAPIC_REG_VERSION	= 0x030,
	LAPIC_REG_TPR		= 0x080,
	LAPIC_REG_APR		= 0x090,
	LAPIC_REG_PPR		= 0x0a0,
	LAPIC_REG_EOI		= 0x0b0,
	LAPIC_REG_RRD		= 0x0c0,
	LAPIC_REG_LDR		= 0x0d0,
	LAPIC_REG_DFR		= 0x0e0,
	LAPIC_REG_SVR		= 0x0f0,
	LAPIC_REG_ISR		= 0x100,	/* 8 registers, 0x10 apart */
	LAPIC_REG_TMR		= 0x180,
	LAPIC_REG_IRR		= 0x200,
	LAPIC_REG_ESR		= 0x280,
	LAPIC_REG_ICR_LO		= 0x300,
	LAPIC_REG_ICR_HI		= 0x310,
	LAPIC_REG_LVT_TIMER	= 0x320,
	LAPIC_REG_LVT_THERMAL	= 0x330,
	LAPIC_REG_LVT_PMC	= 0x340,
	LAPIC_REG_LVT_LINT0	= 0x350,
	LAPIC_REG_LVT_LINT1	= 0x360,
	LAPIC_REG_LVT_ERROR	= 0x370,
	LAPIC_REG_TMICT		= 0x380,
	LAPIC_REG_TMCCT		= 0x390,
	LAPIC_REG_TDCR		= 0x3e0,
	LAPIC_REG_SELF_IPI	= 0x3f0,	/* x2APIC only */
	LAPIC_REG_END		= 0x400,
};

#define LAPIC_NR_LVT		6
/* Version 0x14 (integrated APIC), five as the highest LVT index. */
#define LAPIC_VERSION_VALUE	(0x14 | ((LAPIC_NR_LVT - 1) << 16))

/* IA32_APIC_BASE */
#define LAPIC_BASE_MSR		0x1b
#define LAPIC_BASE_BSP		BIT_ULL(8)
#define LAPIC_BASE_EXTD		BIT_ULL(10)
#define LAPIC_BASE_EN		BIT_ULL(11)
#define LAPIC_BASE_DEFAULT	0xfee00000ULL
#define LAPIC_X2APIC_MSR_FIRST	0x800
#define LAPIC_X2APIC_MSR_LAST	0x8ff

/* LVT and ICR fields */
#define LAPIC_VECTOR		GENMASK(7, 0)
#define LAPIC_DM			GENMASK(10, 8)
#define LAPIC_DM_FIXED		(0u << 8)
#define LAPIC_DM_LOWEST		BIT(8)
#define LAPIC_DM_SMI		(2u << 8)
#define LAPIC_DM_NMI		(4u << 8)
#define LAPIC_DM_INIT		(5u << 8)
#define LAPIC_DM_SIPI		(6u << 8)
#define LAPIC_DM_EXTINT		(7u << 8)
#define LAPIC_DEST_LOGICAL	BIT(11)
#define LAPIC_SEND_PENDING	BIT(12)
#define LAPIC_LEVEL_ASSERT	BIT(14)
#define LAPIC_TRIGGER_LEVEL	BIT(15)
#define LAPIC_LVT_MASKED		BIT(16)
#define LAPIC_SHORTHAND		GENMASK(19, 18)
#define LAPIC_SH_NONE		(0u << 18)
#define LAPIC_SH_SELF		BIT(18)
#define LAPIC_SH_ALL		(2u << 18)
#define LAPIC_SH_OTHERS		(3u << 18)
#define LAPIC_TIMER_MODE		GENMASK(18, 17)
#define LAPIC_TIMER_ONESHOT	(0u << 17)
#define LAPIC_TIMER_PERIODIC	BIT(17)
#define LAPIC_TIMER_TSC_DEADLINE	(2u << 17)
#define LAPIC_SVR_ENABLE		BIT(8)

/* ESR bits */
#define LAPIC_ESR_SEND_ILLEGAL	BIT(5)
#define LAPIC_ESR_RECV_ILLEGAL	BIT(6)
#define LAPIC_ESR_ILLEGAL_REG	BIT(7)

/*
 * The timer's input clock: 1 GHz, so one bus cycle is a nanosecond, as
 * kvm presents it; vmctl tells guests through CPUID (leaf 0x15 or the
 * hypervisor leaves), so they need not calibrate.
 */
#define LAPIC_BUS_NS		1
/*
 * The shortest periodic period honoured: a guest asking for less would
 * make the host take an hrtimer interrupt every few hundred cycles. One-shot
 * and TSC-deadline timers need no floor: each expiry waits for the guest to
 * arm the next.
 */
#define LAPIC_MIN_PERIOD_NS	(100 * NSEC_PER_USEC)

enum vmm_lapic_mode {
	VMM_LAPIC_DISABLED,
	VMM_LAPIC_XAPIC,
	VMM_LAPIC_X2APIC,
};

struct vmm_lapic;

/* Who the local APIC tells that something became pending. */
struct vmm_lapic_ops {
	void (*kick)(struct vmm_lapic *apic);
};

/* One interrupt message: an ICR write, an MSI or an LVT. */
struct vmm_apic_irq {
	u32 dest;
	u32 icr;		/* vector, delivery mode, dest mode, level, trigger, shorthand */
};

/* What a register write asks of the rest of the VM. */
struct vmm_lapic_effect {
	enum {
		VMM_LAPIC_NONE,
		VMM_LAPIC_SEND,		/* an IPI: .irq, to the VM's APICs */
		VMM_LAPIC_EOI_LEVEL,	/* EOI of a level-triggered .eoi_vector */
	} kind;
	struct vmm_apic_irq irq;
	u8 eoi_vector;
};

struct vmm_lapic {
	u8 *regs;			/* the 4 KiB register page */
	u64 base;			/* IA32_APIC_BASE */
	u32 id;				/* the x2APIC ID; xAPIC ID is its low byte */
	atomic_t esr_pending;		/* errors since ESR was last written */
	const struct vmm_lapic_ops *ops;
	/* Set by other threads, folded in by vmm_lapic_sync(). */
	atomic_t nmi_pending;
	atomic_t timer_pending;		/* hrtimer expiries not yet in IRR */
	atomic_t init_pending;
	atomic_t sipi_vector;		/* vector + 1, or 0 */
	/* lapic_timer.c */
	struct hrtimer timer;
	u64 period_ns;			/* the count, reloaded if periodic; 0: none */
	ktime_t expires;		/* when the armed timer fires */
	bool armed;
	u64 tsc_deadline;		/* IA32_TSC_DEADLINE as the guest wrote it */
	u32 tsc_khz;			/* the guest's TSC rate */
};

int vmm_lapic_init(struct vmm_lapic *apic, u32 id, bool bsp,
		   const struct vmm_lapic_ops *ops, u32 tsc_khz);
void vmm_lapic_free(struct vmm_lapic *apic);
void vmm_lapic_reset(struct vmm_lapic *apic);
void vmm_lapic_init_event(struct vmm_lapic *apic);

static inline u32 vmm_lapic_reg(const struct vmm_lapic *apic, u32 off)
{
	return *(const u32 *)(apic->regs + off);
}

static inline void vmm_lapic_set_reg(struct vmm_lapic *apic, u32 off, u32 val)
{
	*(u32 *)(apic->regs + off) = val;
}

enum vmm_lapic_mode vmm_lapic_mode(const struct vmm_lapic *apic);
bool vmm_lapic_sw_enabled(const struct vmm_lapic *apic);
int vmm_lapic_set_base(struct vmm_lapic *apic, u64 value, u8 maxphyaddr);

/*
 * xAPIC MMIO at offset OFF of the page, and x2APIC MSRs (-EINVAL: #GP).
 * What a write asks of others is left in *EFF.
 */
void vmm_lapic_mmio_read(struct vmm_lapic *apic, u32 off, u32 len, u64 *val);
void vmm_lapic_mmio_write(struct vmm_lapic *apic, u32 off, u32 len, u64 val,
			  struct vmm_lapic_effect *eff);
int vmm_lapic_msr_read(struct vmm_lapic *apic, u32 msr, u64 *val);
int vmm_lapic_msr_write(struct vmm_lapic *apic, u32 msr, u64 val,
			struct vmm_lapic_effect *eff);

/* Priorities and delivery to this vCPU. */
u32 vmm_lapic_ppr(const struct vmm_lapic *apic);
int vmm_lapic_highest_deliverable(const struct vmm_lapic *apic);
bool vmm_lapic_irr_blocked(const struct vmm_lapic *apic);
u32 vmm_lapic_tpr_threshold(const struct vmm_lapic *apic);
void vmm_lapic_ack(struct vmm_lapic *apic, u8 vector);
int vmm_lapic_eoi(struct vmm_lapic *apic, bool *level);
bool vmm_lapic_accept(struct vmm_lapic *apic, const struct vmm_apic_irq *irq);
bool vmm_lapic_matches(const struct vmm_lapic *apic, const struct vmm_lapic *src,
		       const struct vmm_apic_irq *irq);
void vmm_lapic_error(struct vmm_lapic *apic, u32 esr_bits);
void vmm_lapic_sync(struct vmm_lapic *apic);

/* lapic_timer.c */
void vmm_lapic_timer_init(struct vmm_lapic *apic);
void vmm_lapic_timer_cancel(struct vmm_lapic *apic);
void vmm_lapic_timer_write(struct vmm_lapic *apic, u32 off, u32 val);
u32 vmm_lapic_timer_current(struct vmm_lapic *apic);
void vmm_lapic_set_tsc_deadline(struct vmm_lapic *apic, u64 deadline, u64 guest_tsc);
u64 vmm_lapic_get_tsc_deadline(const struct vmm_lapic *apic);
u64 vmm_lapic_timer_ns(u32 count, u32 tdcr);

#endif /* VMM_LAPIC_H */
