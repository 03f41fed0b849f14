// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm_lapic: the local APIC's rules without a guest: priorities, EOI,
 * errors, destinations, modes, odd MMIO and the timer's arithmetic
 * (cases A32-A36 and A33 of ADVERSARIAL.md at the register level).
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../lapic.h"

struct test_apic {
	struct vmm_lapic apic;
	int kicks;
};

static void count_kick(struct vmm_lapic *apic)
{
	container_of(apic, struct test_apic, apic)->kicks++;
}

static const struct vmm_lapic_ops test_ops = { .kick = count_kick };

/* A software-enabled xAPIC with ID ID, freed with the test. */
static struct test_apic *new_apic(struct kunit *test, u32 id)
{
	struct test_apic *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct vmm_lapic_effect eff;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, vmm_lapic_init(&t->apic, id, id == 0, &test_ops,
					     1000000), 0);
	vmm_lapic_mmio_write(&t->apic, LAPIC_REG_SVR, 4, LAPIC_SVR_ENABLE | 0xff, &eff);
	return t;
}

static void free_apic(struct test_apic *t)
{
	vmm_lapic_free(&t->apic);
}

static struct vmm_apic_irq fixed(u8 vector, bool level)
{
	return (struct vmm_apic_irq){
		.icr = LAPIC_DM_FIXED | vector | (level ? LAPIC_TRIGGER_LEVEL : 0),
	};
}

static u32 mmio32(struct vmm_lapic *apic, u32 off)
{
	u64 v;

	vmm_lapic_mmio_read(apic, off, 4, &v);
	return v;
}

static void reset_state(struct kunit *test)
{
	struct test_apic *t = new_apic(test, 3);
	struct vmm_lapic *a = &t->apic;

	KUNIT_EXPECT_EQ(test, vmm_lapic_mode(a), VMM_LAPIC_XAPIC);
	KUNIT_EXPECT_EQ(test, a->base, LAPIC_BASE_DEFAULT | LAPIC_BASE_EN);
	KUNIT_EXPECT_EQ(test, mmio32(a, LAPIC_REG_ID), 3u << 24);
	KUNIT_EXPECT_EQ(test, mmio32(a, LAPIC_REG_VERSION) & 0xff, 0x14u);
	KUNIT_EXPECT_EQ(test, mmio32(a, LAPIC_REG_DFR), 0xffffffffu);
	KUNIT_EXPECT_TRUE(test, mmio32(a, LAPIC_REG_LVT_TIMER) & LAPIC_LVT_MASKED);
	KUNIT_EXPECT_EQ(test, vmm_lapic_highest_deliverable(a), -1);
	free_apic(t);
}

/* TPR masks a class; a higher class preempts one in service; EOI ends the highest. */
static void priorities_and_eoi(struct kunit *test)
{
	struct test_apic *t = new_apic(test, 0);
	struct vmm_lapic *a = &t->apic;
	struct vmm_apic_irq irq = fixed(0x41, false);
	struct vmm_lapic_effect eff;
	bool level;

	KUNIT_EXPECT_TRUE(test, vmm_lapic_accept(a, &irq));
	KUNIT_EXPECT_EQ(test, t->kicks, 1);
	vmm_lapic_mmio_write(a, LAPIC_REG_TPR, 4, 0x40, &eff);
	KUNIT_EXPECT_EQ(test, vmm_lapic_highest_deliverable(a), -1);
	vmm_lapic_mmio_write(a, LAPIC_REG_TPR, 4, 0x3f, &eff);
	KUNIT_EXPECT_EQ(test, vmm_lapic_highest_deliverable(a), 0x41);
	vmm_lapic_ack(a, 0x41);
	KUNIT_EXPECT_EQ(test, mmio32(a, LAPIC_REG_PPR), 0x40u);
	/* Same class: waits; higher class: preempts. */
	irq = fixed(0x45, false);
	vmm_lapic_accept(a, &irq);
	KUNIT_EXPECT_EQ(test, vmm_lapic_highest_deliverable(a), -1);
	irq = fixed(0x51, true);
	vmm_lapic_accept(a, &irq);
	KUNIT_EXPECT_EQ(test, vmm_lapic_highest_deliverable(a), 0x51);
	vmm_lapic_ack(a, 0x51);
	KUNIT_EXPECT_EQ(test, vmm_lapic_eoi(a, &level), 0x51);
	KUNIT_EXPECT_TRUE(test, level);
	KUNIT_EXPECT_EQ(test, vmm_lapic_eoi(a, &level), 0x41);
	KUNIT_EXPECT_FALSE(test, level);
	KUNIT_EXPECT_EQ(test, vmm_lapic_eoi(a, &level), -1);
	KUNIT_EXPECT_EQ(test, vmm_lapic_highest_deliverable(a), 0x45);
	/* An EOI register write of a level vector asks for the EOI exit. */
	vmm_lapic_ack(a, 0x45);
	vmm_lapic_mmio_write(a, LAPIC_REG_EOI, 4, 0, &eff);
	KUNIT_EXPECT_EQ(test, eff.kind, VMM_LAPIC_NONE);
	irq = fixed(0x60, true);
	vmm_lapic_accept(a, &irq);
	vmm_lapic_ack(a, 0x60);
	vmm_lapic_mmio_write(a, LAPIC_REG_EOI, 4, 0, &eff);
	KUNIT_EXPECT_EQ(test, eff.kind, VMM_LAPIC_EOI_LEVEL);
	KUNIT_EXPECT_EQ(test, eff.eoi_vector, 0x60);
	free_apic(t);
}

/*
 * VMX's TPR threshold: the class of an interrupt the TPR holds back, 0
 * when nothing waits or only an EOI can let it in; never above the TPR's
 * class (a VM-entry check).
 */
static void tpr_threshold(struct kunit *test)
{
	struct test_apic *t = new_apic(test, 0);
	struct vmm_lapic *a = &t->apic;
	struct vmm_apic_irq irq = fixed(0x41, false);
	struct vmm_lapic_effect eff;
	u32 tpr;

	KUNIT_EXPECT_EQ(test, vmm_lapic_tpr_threshold(a), 0u);
	vmm_lapic_accept(a, &irq);
	for (tpr = 0; tpr < 0x100; tpr += 0x11) {
		vmm_lapic_mmio_write(a, LAPIC_REG_TPR, 4, tpr, &eff);
		KUNIT_EXPECT_EQ(test, vmm_lapic_tpr_threshold(a), tpr >= 0x40 ? 4u : 0u);
		KUNIT_EXPECT_LE(test, vmm_lapic_tpr_threshold(a), tpr >> 4);
	}
	/* 0x45 waits behind 0x41 in service: for its EOI, whatever the TPR. */
	vmm_lapic_mmio_write(a, LAPIC_REG_TPR, 4, 0, &eff);
	vmm_lapic_ack(a, 0x41);
	irq = fixed(0x45, false);
	vmm_lapic_accept(a, &irq);
	KUNIT_EXPECT_EQ(test, vmm_lapic_highest_deliverable(a), -1);
	KUNIT_EXPECT_EQ(test, vmm_lapic_tpr_threshold(a), 0u);
	/* The highest requested vector decides: 0x91 over 0x45. */
	irq = fixed(0x91, false);
	vmm_lapic_accept(a, &irq);
	vmm_lapic_mmio_write(a, LAPIC_REG_TPR, 4, 0xa0, &eff);
	KUNIT_EXPECT_EQ(test, vmm_lapic_tpr_threshold(a), 9u);
	free_apic(t);
}

/* Illegal vectors: ESR bits, and an illegal LVT error vector does not recurse (A36). */
static void illegal_vectors(struct kunit *test)
{
	struct test_apic *t = new_apic(test, 0);
	struct vmm_lapic *a = &t->apic;
	struct vmm_apic_irq irq = fixed(7, false);
	struct vmm_lapic_effect eff;

	vmm_lapic_mmio_write(a, LAPIC_REG_LVT_ERROR, 4, 3, &eff);	/* unmasked, vector 3 */
	KUNIT_EXPECT_FALSE(test, vmm_lapic_accept(a, &irq));
	vmm_lapic_mmio_write(a, LAPIC_REG_ICR_LO, 4, LAPIC_SH_SELF | 9, &eff);
	KUNIT_EXPECT_EQ(test, eff.kind, VMM_LAPIC_NONE);
	vmm_lapic_mmio_write(a, LAPIC_REG_ESR, 4, 0, &eff);
	KUNIT_EXPECT_EQ(test, mmio32(a, LAPIC_REG_ESR),
			LAPIC_ESR_RECV_ILLEGAL | LAPIC_ESR_SEND_ILLEGAL);
	KUNIT_EXPECT_EQ(test, vmm_lapic_highest_deliverable(a), -1);
	/* With a legal error vector, the error interrupt is raised. */
	vmm_lapic_mmio_write(a, LAPIC_REG_LVT_ERROR, 4, 0xfe, &eff);
	vmm_lapic_accept(a, &irq);
	KUNIT_EXPECT_EQ(test, vmm_lapic_highest_deliverable(a), 0xfe);
	free_apic(t);
}

static void destinations(struct kunit *test)
{
	struct test_apic *t0 = new_apic(test, 0), *t1 = new_apic(test, 1);
	struct vmm_lapic *a = &t0->apic, *b = &t1->apic;
	struct vmm_apic_irq irq = { .dest = 1, .icr = 0x30 };
	struct vmm_lapic_effect eff;

	KUNIT_EXPECT_FALSE(test, vmm_lapic_matches(a, a, &irq));
	KUNIT_EXPECT_TRUE(test, vmm_lapic_matches(b, a, &irq));
	irq.dest = 0xff;
	KUNIT_EXPECT_TRUE(test, vmm_lapic_matches(a, a, &irq));
	irq.dest = 0x101;	/* wider than xAPIC IDs */
	KUNIT_EXPECT_FALSE(test, vmm_lapic_matches(b, a, &irq));
	irq.icr = LAPIC_SH_OTHERS | 0x30;
	KUNIT_EXPECT_FALSE(test, vmm_lapic_matches(a, a, &irq));
	KUNIT_EXPECT_TRUE(test, vmm_lapic_matches(b, a, &irq));
	irq.icr = LAPIC_SH_SELF | 0x30;
	KUNIT_EXPECT_FALSE(test, vmm_lapic_matches(b, a, &irq));
	/* Logical, flat model: LDR bit per CPU. */
	vmm_lapic_mmio_write(b, LAPIC_REG_LDR, 4, 0x02000000, &eff);
	irq.icr = LAPIC_DEST_LOGICAL | 0x30;
	irq.dest = 0x06;
	KUNIT_EXPECT_TRUE(test, vmm_lapic_matches(b, a, &irq));
	irq.dest = 0x01;
	KUNIT_EXPECT_FALSE(test, vmm_lapic_matches(b, a, &irq));
	/* Cluster model: cluster 1, member bit 1. */
	vmm_lapic_mmio_write(b, LAPIC_REG_DFR, 4, 0, &eff);
	vmm_lapic_mmio_write(b, LAPIC_REG_LDR, 4, 0x12000000, &eff);
	irq.dest = 0x12;
	KUNIT_EXPECT_TRUE(test, vmm_lapic_matches(b, a, &irq));
	irq.dest = 0x22;
	KUNIT_EXPECT_FALSE(test, vmm_lapic_matches(b, a, &irq));
	/* x2APIC: 32-bit IDs, derived logical IDs. */
	KUNIT_EXPECT_EQ(test, vmm_lapic_set_base(b, LAPIC_BASE_DEFAULT | LAPIC_BASE_EN |
						 LAPIC_BASE_EXTD, 46), 0);
	irq.icr = 0x30;
	irq.dest = 1;
	KUNIT_EXPECT_TRUE(test, vmm_lapic_matches(b, a, &irq));
	irq.icr = LAPIC_DEST_LOGICAL | 0x30;
	irq.dest = 0x00000002;	/* cluster 0, bit 1 */
	KUNIT_EXPECT_TRUE(test, vmm_lapic_matches(b, a, &irq));
	irq.dest = 0x00010002;
	KUNIT_EXPECT_FALSE(test, vmm_lapic_matches(b, a, &irq));
	free_apic(t0);
	free_apic(t1);
}

/* IA32_APIC_BASE transitions and the x2APIC MSR window (A32). */
static void modes(struct kunit *test)
{
	struct test_apic *t = new_apic(test, 5);
	struct vmm_lapic *a = &t->apic;
	struct vmm_lapic_effect eff;
	u64 x2 = LAPIC_BASE_DEFAULT | LAPIC_BASE_EN | LAPIC_BASE_EXTD, v;

	KUNIT_EXPECT_EQ(test, vmm_lapic_msr_read(a, 0x802, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmm_lapic_set_base(a, LAPIC_BASE_EXTD, 46), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmm_lapic_set_base(a, x2 | BIT_ULL(9), 46), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmm_lapic_set_base(a, BIT_ULL(50) | LAPIC_BASE_EN, 46), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmm_lapic_set_base(a, x2, 46), 0);
	KUNIT_EXPECT_EQ(test, vmm_lapic_msr_read(a, 0x802, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 5ull);
	KUNIT_EXPECT_EQ(test, vmm_lapic_msr_read(a, 0x80d, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x20ull);		/* cluster 0, bit 5 */
	/* Read-only, reserved, write-only and non-zero EOI: #GP. */
	KUNIT_EXPECT_EQ(test, vmm_lapic_msr_write(a, 0x802, 1, &eff), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmm_lapic_msr_read(a, 0x80e, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmm_lapic_msr_read(a, 0x83f, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmm_lapic_msr_write(a, 0x80b, 1, &eff), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmm_lapic_msr_write(a, 0x808, 0x100, &eff), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmm_lapic_msr_write(a, 0x808, 0x20, &eff), 0);
	/* The ICR: one 64-bit write sends to the destination in 63:32. */
	KUNIT_EXPECT_EQ(test, vmm_lapic_msr_write(a, 0x830, (7ull << 32) | 0x40, &eff), 0);
	KUNIT_EXPECT_EQ(test, eff.kind, VMM_LAPIC_SEND);
	KUNIT_EXPECT_EQ(test, eff.irq.dest, 7u);
	/* SELF_IPI */
	KUNIT_EXPECT_EQ(test, vmm_lapic_msr_write(a, 0x83f, 0x31, &eff), 0);
	KUNIT_EXPECT_EQ(test, eff.irq.icr & LAPIC_SHORTHAND, LAPIC_SH_SELF);
	/* x2APIC to xAPIC directly: #GP; through disabled: fine. */
	KUNIT_EXPECT_EQ(test, vmm_lapic_set_base(a, LAPIC_BASE_DEFAULT | LAPIC_BASE_EN, 46),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmm_lapic_mode(a), VMM_LAPIC_X2APIC);
	KUNIT_EXPECT_EQ(test, vmm_lapic_set_base(a, LAPIC_BASE_DEFAULT, 46), 0);
	KUNIT_EXPECT_EQ(test, vmm_lapic_set_base(a, x2, 46), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmm_lapic_set_base(a, LAPIC_BASE_DEFAULT | LAPIC_BASE_EN, 46), 0);
	KUNIT_EXPECT_EQ(test, mmio32(a, LAPIC_REG_ID), 5u << 24);
	free_apic(t);
}

/* Odd MMIO: sizes, offsets inside a register, reserved bytes (A34). */
static void odd_mmio(struct kunit *test)
{
	struct test_apic *t = new_apic(test, 0x12);
	struct vmm_lapic *a = &t->apic;
	struct vmm_lapic_effect eff;
	u64 v;

	vmm_lapic_mmio_read(a, LAPIC_REG_ID + 3, 1, &v);
	KUNIT_EXPECT_EQ(test, v, 0x12ull);
	vmm_lapic_mmio_read(a, LAPIC_REG_ID + 4, 4, &v);
	KUNIT_EXPECT_EQ(test, v, 0ull);
	vmm_lapic_mmio_read(a, LAPIC_REG_ID, 8, &v);
	KUNIT_EXPECT_EQ(test, v, 0x12000000ull);
	vmm_lapic_mmio_read(a, LAPIC_REG_ID + 12, 8, &v);	/* into the next slot */
	KUNIT_EXPECT_EQ(test, v, 0ull);
	vmm_lapic_mmio_read(a, 0xff8, 8, &v);
	KUNIT_EXPECT_EQ(test, v, 0ull);
	/* Only aligned 32-bit writes land. */
	vmm_lapic_mmio_write(a, LAPIC_REG_TPR, 2, 0x20, &eff);
	vmm_lapic_mmio_write(a, LAPIC_REG_TPR + 4, 4, 0x20, &eff);
	vmm_lapic_mmio_write(a, LAPIC_REG_TPR, 8, 0x20, &eff);
	KUNIT_EXPECT_EQ(test, mmio32(a, LAPIC_REG_TPR), 0u);
	vmm_lapic_mmio_write(a, LAPIC_REG_TPR, 4, 0x120, &eff);
	KUNIT_EXPECT_EQ(test, mmio32(a, LAPIC_REG_TPR), 0x20u);
	/* Read-only registers keep their value. */
	vmm_lapic_mmio_write(a, LAPIC_REG_VERSION, 4, 0, &eff);
	KUNIT_EXPECT_EQ(test, mmio32(a, LAPIC_REG_VERSION), (u32)LAPIC_VERSION_VALUE);
	free_apic(t);
}

/* A software-disabled APIC masks its LVTs and takes no fixed interrupts. */
static void software_disabled(struct kunit *test)
{
	struct test_apic *t = new_apic(test, 0);
	struct vmm_lapic *a = &t->apic;
	struct vmm_apic_irq irq = fixed(0x40, false);
	struct vmm_lapic_effect eff;

	vmm_lapic_mmio_write(a, LAPIC_REG_LVT_LINT0, 4, 0x700, &eff);
	KUNIT_EXPECT_FALSE(test, mmio32(a, LAPIC_REG_LVT_LINT0) & LAPIC_LVT_MASKED);
	vmm_lapic_mmio_write(a, LAPIC_REG_SVR, 4, 0xff, &eff);
	KUNIT_EXPECT_TRUE(test, mmio32(a, LAPIC_REG_LVT_LINT0) & LAPIC_LVT_MASKED);
	vmm_lapic_mmio_write(a, LAPIC_REG_LVT_LINT0, 4, 0x700, &eff);
	KUNIT_EXPECT_TRUE(test, mmio32(a, LAPIC_REG_LVT_LINT0) & LAPIC_LVT_MASKED);
	KUNIT_EXPECT_FALSE(test, vmm_lapic_accept(a, &irq));
	irq.icr = LAPIC_DM_NMI;
	KUNIT_EXPECT_TRUE(test, vmm_lapic_accept(a, &irq));
	KUNIT_EXPECT_EQ(test, atomic_read(&a->nmi_pending), 1);
	free_apic(t);
}

static void timer_arithmetic(struct kunit *test)
{
	/* TDCR 0b1011 divides by 1, 0b0000 by 2, 0b1010 by 128. */
	KUNIT_EXPECT_EQ(test, vmm_lapic_timer_ns(1000, 0xb), 1000ull);
	KUNIT_EXPECT_EQ(test, vmm_lapic_timer_ns(1000, 0x0), 2000ull);
	KUNIT_EXPECT_EQ(test, vmm_lapic_timer_ns(1000, 0xa), 128000ull);
	KUNIT_EXPECT_EQ(test, vmm_lapic_timer_ns(0xffffffff, 0xa),
			0xffffffffull * 128);
}

/* TMICT 0/1/max, a tiny period, mode flips while armed, deadlines (A33). */
static void timer_edges(struct kunit *test)
{
	struct test_apic *t = new_apic(test, 0);
	struct vmm_lapic *a = &t->apic;
	struct vmm_lapic_effect eff;
	int kicks;

	vmm_lapic_mmio_write(a, LAPIC_REG_LVT_TIMER, 4, LAPIC_TIMER_PERIODIC | 0xec, &eff);
	vmm_lapic_mmio_write(a, LAPIC_REG_TDCR, 4, 0xb, &eff);
	vmm_lapic_mmio_write(a, LAPIC_REG_TMICT, 4, 1, &eff);
	KUNIT_EXPECT_TRUE(test, a->armed);
	KUNIT_EXPECT_EQ(test, a->period_ns, (u64)LAPIC_MIN_PERIOD_NS);
	KUNIT_EXPECT_LE(test, mmio32(a, LAPIC_REG_TMCCT), 1u);
	vmm_lapic_mmio_write(a, LAPIC_REG_TMICT, 4, 0, &eff);
	KUNIT_EXPECT_FALSE(test, a->armed);
	KUNIT_EXPECT_EQ(test, mmio32(a, LAPIC_REG_TMCCT), 0u);
	vmm_lapic_mmio_write(a, LAPIC_REG_TMICT, 4, 0xffffffff, &eff);
	KUNIT_EXPECT_TRUE(test, a->armed);
	KUNIT_EXPECT_GT(test, mmio32(a, LAPIC_REG_TMCCT), 0xf0000000u);
	/* Periodic to one-shot and back: the count goes on. */
	vmm_lapic_mmio_write(a, LAPIC_REG_LVT_TIMER, 4, 0xec, &eff);
	KUNIT_EXPECT_TRUE(test, a->armed);
	KUNIT_EXPECT_EQ(test, mmio32(a, LAPIC_REG_TMICT), 0xffffffffu);
	vmm_lapic_mmio_write(a, LAPIC_REG_LVT_TIMER, 4, LAPIC_TIMER_PERIODIC | 0xec, &eff);
	KUNIT_EXPECT_TRUE(test, a->armed);
	/* Into TSC-deadline mode: disarmed, the count cleared. */
	vmm_lapic_mmio_write(a, LAPIC_REG_LVT_TIMER, 4, LAPIC_TIMER_TSC_DEADLINE | 0xec, &eff);
	KUNIT_EXPECT_FALSE(test, a->armed);
	KUNIT_EXPECT_EQ(test, mmio32(a, LAPIC_REG_TMICT), 0u);
	vmm_lapic_mmio_write(a, LAPIC_REG_TMICT, 4, 5, &eff);
	KUNIT_EXPECT_FALSE(test, a->armed);
	/* A deadline in the past fires at once; 0 disarms; far away saturates. */
	kicks = t->kicks;
	vmm_lapic_set_tsc_deadline(a, 100, 1000);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->timer_pending), 1);
	KUNIT_EXPECT_EQ(test, t->kicks, kicks + 1);
	vmm_lapic_sync(a);
	KUNIT_EXPECT_EQ(test, vmm_lapic_highest_deliverable(a), 0xec);
	/* The vCPU itself folded it in: a kick would cost it an exit. */
	KUNIT_EXPECT_EQ(test, t->kicks, kicks + 1);
	KUNIT_EXPECT_EQ(test, vmm_lapic_get_tsc_deadline(a), 0ull);
	vmm_lapic_set_tsc_deadline(a, U64_MAX, 0);
	KUNIT_EXPECT_TRUE(test, a->armed);
	KUNIT_EXPECT_EQ(test, vmm_lapic_get_tsc_deadline(a), U64_MAX);
	vmm_lapic_set_tsc_deadline(a, 0, 0);
	KUNIT_EXPECT_FALSE(test, a->armed);
	/* Outside TSC-deadline mode the MSR write is ignored. */
	vmm_lapic_mmio_write(a, LAPIC_REG_LVT_TIMER, 4, 0xec, &eff);
	vmm_lapic_set_tsc_deadline(a, 5000, 0);
	KUNIT_EXPECT_FALSE(test, a->armed);
	KUNIT_EXPECT_EQ(test, vmm_lapic_get_tsc_deadline(a), 0ull);
	free_apic(t);
}

/* A masked LVT timer fires without an interrupt. */
static void masked_timer(struct kunit *test)
{
	struct test_apic *t = new_apic(test, 0);
	struct vmm_lapic *a = &t->apic;
	struct vmm_lapic_effect eff;

	vmm_lapic_mmio_write(a, LAPIC_REG_LVT_TIMER, 4,
			     LAPIC_TIMER_TSC_DEADLINE | LAPIC_LVT_MASKED | 0xec, &eff);
	vmm_lapic_set_tsc_deadline(a, 1, 2);
	vmm_lapic_sync(a);
	KUNIT_EXPECT_EQ(test, vmm_lapic_highest_deliverable(a), -1);
	free_apic(t);
}

static struct kunit_case vmm_lapic_cases[] = {
	KUNIT_CASE(reset_state),
	KUNIT_CASE(priorities_and_eoi),
	KUNIT_CASE(tpr_threshold),
	KUNIT_CASE(illegal_vectors),
	KUNIT_CASE(destinations),
	KUNIT_CASE(modes),
	KUNIT_CASE(odd_mmio),
	KUNIT_CASE(software_disabled),
	KUNIT_CASE(timer_arithmetic),
	KUNIT_CASE(timer_edges),
	KUNIT_CASE(masked_timer),
	{}
};

static struct kunit_suite vmm_lapic_suite = {
	.name = "vmm_lapic",
	.test_cases = vmm_lapic_cases,
};

kunit_test_suite(vmm_lapic_suite);
