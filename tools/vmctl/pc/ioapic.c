// SPDX-License-Identifier: GPL-2.0-only
/*
 * The I/O APIC (Intel's 82093AA datasheet, version 0x20 with the EOI
 * register of later chipsets): 24 pins, each with a redirection entry that
 * turns the pin into an MSI for the hypervisor's local APICs.
 *
 * Edge pins send on a rising edge. Level pins send while asserted and set
 * remote IRR; the local APIC's EOI of that vector (VMCTL_EXIT_EOI, or a
 * write of the vector to the EOI register) clears it, and a pin still
 * asserted then sends again. The hypervisor is told each unmasked entry as
 * an MSI route, because it must know which vectors are level-triggered to
 * report their EOIs.
 */
#include <stdio.h>
#include <string.h>

#include "pc.h"

#define IOAPIC_REGSEL		0x00
#define IOAPIC_WINDOW		0x10
#define IOAPIC_EOI		0x40

#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VERSION	0x01
#define IOAPIC_REG_ARB		0x02
#define IOAPIC_REG_RTE		0x10	/* two registers per pin */

#define IOAPIC_VERSION		0x20

#define RTE_VECTOR		0xffULL
#define RTE_DELIVERY_MODE	(7ULL << 8)
#define RTE_DEST_LOGICAL	BIT_ULL(11)
#define RTE_DELIVERY_STATUS	BIT_ULL(12)
#define RTE_POLARITY_LOW	BIT_ULL(13)
#define RTE_REMOTE_IRR		BIT_ULL(14)
#define RTE_LEVEL		BIT_ULL(15)
#define RTE_MASKED		BIT_ULL(16)
#define RTE_DEST_SHIFT		56
/* What software may write; delivery status and remote IRR are the chip's. */
#define RTE_WRITABLE		(RTE_VECTOR | RTE_DELIVERY_MODE | RTE_DEST_LOGICAL | \
				 RTE_POLARITY_LOW | RTE_LEVEL | RTE_MASKED | \
				 (0xffULL << RTE_DEST_SHIFT))

/* The MSI format (the SDM's "Message Signalled Interrupts"). */
#define MSI_ADDR_BASE		0xfee00000ULL
#define MSI_ADDR_DEST_SHIFT	12
#define MSI_ADDR_LOGICAL	BIT(2)
#define MSI_DATA_ASSERT		BIT(14)
#define MSI_DATA_LEVEL		BIT(15)

void ioapic_reset(struct ioapic *io)
{
	unsigned int i;

	memset(io, 0, sizeof(*io));
	for (i = 0; i < PC_IOAPIC_PINS; i++)
		io->rte[i] = RTE_MASKED;
}

static struct vmctl_msi rte_to_msi(uint64_t rte)
{
	struct vmctl_msi msi = {
		.address = MSI_ADDR_BASE |
			   ((rte >> RTE_DEST_SHIFT) & 0xff) << MSI_ADDR_DEST_SHIFT |
			   (rte & RTE_DEST_LOGICAL ? MSI_ADDR_LOGICAL : 0),
		.data = (rte & (RTE_VECTOR | RTE_DELIVERY_MODE)) | MSI_DATA_ASSERT |
			(rte & RTE_LEVEL ? MSI_DATA_LEVEL : 0),
	};

	return msi;
}

/* Every unmasked entry, so the hypervisor knows its level vectors. */
static void ioapic_update_routes(struct pc *pc)
{
	struct vmctl_irq_route routes[PC_IOAPIC_PINS];
	unsigned int i, n = 0;

	for (i = 0; i < PC_IOAPIC_PINS; i++) {
		if (pc->ioapic.rte[i] & RTE_MASKED)
			continue;
		routes[n].gsi = i;
		routes[n].msi = rte_to_msi(pc->ioapic.rte[i]);
		n++;
	}
	if (pc->ops->set_irq_routes(pc->vm, routes, n))
		pc->msi_errors++;
}

static void ioapic_send(struct pc *pc, unsigned int pin)
{
	uint64_t *rte = &pc->ioapic.rte[pin];
	struct vmctl_msi msi;

	if (*rte & RTE_MASKED)
		return;
	if (*rte & RTE_LEVEL) {
		if (*rte & RTE_REMOTE_IRR)
			return;		/* the last one is not acknowledged yet */
		*rte |= RTE_REMOTE_IRR;
	}
	msi = rte_to_msi(*rte);
	pc->msis++;
	if (pc->ops->signal_msi(pc->vm, &msi))
		pc->msi_errors++;
}

/*
 * The logical level of a pin: the polarity bit says how the wire reads,
 * and our devices hand over the asserted state directly.
 */
void ioapic_set_line(struct pc *pc, unsigned int pin, bool level)
{
	struct ioapic *io = &pc->ioapic;
	uint32_t bit = 1U << pin;
	bool was = io->lines & bit;

	if (pin >= PC_IOAPIC_PINS)
		return;
	if (level)
		io->lines |= bit;
	else
		io->lines &= ~bit;
	if (level && (!was || (io->rte[pin] & RTE_LEVEL)))
		ioapic_send(pc, pin);
}

void ioapic_eoi(struct pc *pc, uint8_t vector)
{
	struct ioapic *io = &pc->ioapic;
	unsigned int i;

	for (i = 0; i < PC_IOAPIC_PINS; i++) {
		uint64_t *rte = &io->rte[i];

		if ((*rte & RTE_VECTOR) != vector || !(*rte & RTE_LEVEL) ||
		    !(*rte & RTE_REMOTE_IRR))
			continue;
		*rte &= ~RTE_REMOTE_IRR;
		if (io->lines & (1U << i))
			ioapic_send(pc, i);
	}
}

static uint32_t ioapic_read_reg(struct ioapic *io)
{
	unsigned int reg = io->regsel & 0xff, pin;

	switch (reg) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:
		return io->id << 24;
	case IOAPIC_REG_VERSION:
		return (PC_IOAPIC_PINS - 1) << 16 | IOAPIC_VERSION;
	}
	pin = (reg - IOAPIC_REG_RTE) / 2;
	if (reg < IOAPIC_REG_RTE || pin >= PC_IOAPIC_PINS)
		return 0xffffffff;
	return io->rte[pin] >> (reg & 1 ? 32 : 0);
}

static void ioapic_write_reg(struct pc *pc, uint32_t v)
{
	struct ioapic *io = &pc->ioapic;
	unsigned int reg = io->regsel & 0xff, pin;
	uint64_t old, rte;

	if (reg == IOAPIC_REG_ID) {
		io->id = (v >> 24) & 0xf;
		return;
	}
	pin = (reg - IOAPIC_REG_RTE) / 2;
	if (reg < IOAPIC_REG_RTE || pin >= PC_IOAPIC_PINS)
		return;
	old = io->rte[pin];
	if (reg & 1)
		rte = (old & 0xffffffffULL) | (uint64_t)v << 32;
	else
		rte = (old & ~0xffffffffULL) | v;
	rte = (rte & RTE_WRITABLE) | (old & RTE_REMOTE_IRR);
	/* Switching a pin to edge clears remote IRR (Linux relies on it). */
	if (!(rte & RTE_LEVEL))
		rte &= ~RTE_REMOTE_IRR;
	io->rte[pin] = rte;
	if ((old ^ rte) & ~(RTE_DELIVERY_STATUS | RTE_REMOTE_IRR))
		ioapic_update_routes(pc);
	/* Unmasking a level pin that is still asserted delivers it now. */
	if ((old & RTE_MASKED) && !(rte & RTE_MASKED) && (rte & RTE_LEVEL) &&
	    (io->lines & (1U << pin)))
		ioapic_send(pc, pin);
}

/* 32-bit accesses to the three registers; anything else reads all-ones. */
void ioapic_mmio(struct pc *pc, uint64_t off, unsigned int len, bool is_write, uint8_t *data)
{
	struct ioapic *io = &pc->ioapic;
	uint32_t v = 0xffffffff;

	if (is_write) {
		if (len != 4)
			return;
		memcpy(&v, data, 4);
		if (off == IOAPIC_REGSEL)
			io->regsel = v;
		else if (off == IOAPIC_WINDOW)
			ioapic_write_reg(pc, v);
		else if (off == IOAPIC_EOI)
			ioapic_eoi(pc, v & 0xff);
		return;
	}
	if (off == IOAPIC_REGSEL)
		v = io->regsel;
	else if (off == IOAPIC_WINDOW)
		v = ioapic_read_reg(io);
	memset(data, 0xff, len);
	memcpy(data, &v, len < 4 ? len : 4);
}
