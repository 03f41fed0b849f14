// SPDX-License-Identifier: GPL-2.0-only
/*
 * pc_test: vmctl's PC devices without a hypervisor, on the host. The I/O
 * APIC (tools/vmctl/pc/ioapic.c) is driven through its MMIO registers as a
 * guest would, with a backend that records the MSIs and routes it is
 * given: edge and level pins, masking, remote IRR and its EOI (exit and
 * register), the routes the hypervisor learns. Every check can fail: each
 * compares a recorded count or value with the one the datasheet asks for.
 * check.sh builds it with ioapic.c alone and runs it among the host checks.
 */
#include <string.h>

#define RESULT_SUITE "pc"
#include "result.h"
#include "../vmctl/pc/pc.h"

const char *progname = "pc_test";

static unsigned int nr_msis, nr_route_updates, last_nr_routes;
static struct vmctl_msi last_msi;
static struct vmctl_irq_route last_routes[PC_IOAPIC_PINS];

static int fake_signal_msi(struct vmctl_vm *vm, const struct vmctl_msi *msi)
{
	(void)vm;
	nr_msis++;
	last_msi = *msi;
	return 0;
}

static int fake_set_irq_routes(struct vmctl_vm *vm, const struct vmctl_irq_route *r,
			       unsigned int nr)
{
	(void)vm;
	nr_route_updates++;
	last_nr_routes = nr;
	memcpy(last_routes, r, nr * sizeof(*r));
	return 0;
}

static const struct vmctl_backend_ops fake_ops = {
	.name = "fake",
	.signal_msi = fake_signal_msi,
	.set_irq_routes = fake_set_irq_routes,
};

static void mmio_write(struct pc *pc, uint64_t off, uint32_t v)
{
	ioapic_mmio(pc, off, 4, true, (uint8_t *)&v);
}

static uint32_t mmio_read(struct pc *pc, uint64_t off)
{
	uint32_t v;

	ioapic_mmio(pc, off, 4, false, (uint8_t *)&v);
	return v;
}

static void write_rte(struct pc *pc, unsigned int pin, uint64_t rte)
{
	mmio_write(pc, 0x00, 0x10 + 2 * pin + 1);
	mmio_write(pc, 0x10, rte >> 32);
	mmio_write(pc, 0x00, 0x10 + 2 * pin);
	mmio_write(pc, 0x10, (uint32_t)rte);
}

static uint32_t read_rte_low(struct pc *pc, unsigned int pin)
{
	mmio_write(pc, 0x00, 0x10 + 2 * pin);
	return mmio_read(pc, 0x10);
}

#define RTE_LEVEL	BIT(15)
#define RTE_MASKED	BIT(16)
#define RTE_REMOTE_IRR	BIT(14)

int main(void)
{
	static struct pc pc;
	unsigned int n;

	pc.ops = &fake_ops;
	ioapic_reset(&pc.ioapic);

	mmio_write(&pc, 0x00, 0x01);
	result(mmio_read(&pc, 0x10) == (23U << 16 | 0x20), "version_24_pins",
	       "%#x", mmio_read(&pc, 0x10));

	/* Masked at reset: an asserted line sends nothing. */
	ioapic_set_line(&pc, 4, true);
	ioapic_set_line(&pc, 4, false);
	result(nr_msis == 0, "masked_at_reset", "%u MSIs", nr_msis);

	/* Edge pin 4, vector 0x34, physical destination 0. */
	write_rte(&pc, 4, 0x34);
	result(nr_route_updates == 1 && last_nr_routes == 1 && last_routes[0].gsi == 4 &&
	       last_routes[0].msi.address == 0xfee00000 && (last_routes[0].msi.data & 0xff) == 0x34,
	       "route_on_unmask", "%u updates, %u routes", nr_route_updates, last_nr_routes);
	ioapic_set_line(&pc, 4, true);
	ioapic_set_line(&pc, 4, true);		/* still high: no new edge */
	n = nr_msis;
	ioapic_set_line(&pc, 4, false);
	ioapic_set_line(&pc, 4, true);
	result(n == 1 && nr_msis == 2 && !(last_msi.data & (1U << 15)),
	       "edge_one_msi_per_rising_edge", "%u then %u MSIs", n, nr_msis);
	ioapic_set_line(&pc, 4, false);

	/* Level pin 9, vector 0x39, logical destination 1. */
	nr_msis = 0;
	write_rte(&pc, 9, (1ULL << 56) | RTE_LEVEL | (1U << 11) | 0x39);
	result(last_nr_routes == 2 && (last_routes[1].msi.data & (1U << 15)) &&
	       last_routes[1].msi.address == (0xfee00000 | 1 << 12 | 1 << 2),
	       "level_route_logical_dest", "address %#llx data %#x",
	       (unsigned long long)last_routes[1].msi.address, last_routes[1].msi.data);
	ioapic_set_line(&pc, 9, true);
	ioapic_set_line(&pc, 9, true);
	result(nr_msis == 1 && (read_rte_low(&pc, 9) & RTE_REMOTE_IRR), "level_remote_irr",
	       "%u MSIs, rte %#x", nr_msis, read_rte_low(&pc, 9));
	ioapic_eoi(&pc, 0x38);			/* another vector: nothing */
	result(nr_msis == 1 && (read_rte_low(&pc, 9) & RTE_REMOTE_IRR), "eoi_other_vector",
	       "%u MSIs", nr_msis);
	ioapic_eoi(&pc, 0x39);			/* still asserted: again */
	result(nr_msis == 2 && (read_rte_low(&pc, 9) & RTE_REMOTE_IRR),
	       "eoi_line_still_high_resends", "%u MSIs", nr_msis);
	ioapic_set_line(&pc, 9, false);
	mmio_write(&pc, 0x40, 0x39);		/* the EOI register */
	result(nr_msis == 2 && !(read_rte_low(&pc, 9) & RTE_REMOTE_IRR),
	       "eoi_register_clears_remote_irr", "%u MSIs, rte %#x", nr_msis,
	       read_rte_low(&pc, 9));

	/* Masked while asserted, then unmasked: a level pin delivers then. */
	write_rte(&pc, 9, (1ULL << 56) | RTE_LEVEL | RTE_MASKED | (1U << 11) | 0x39);
	ioapic_set_line(&pc, 9, true);
	n = nr_msis;
	write_rte(&pc, 9, (1ULL << 56) | RTE_LEVEL | (1U << 11) | 0x39);
	result(n == 2 && nr_msis == 3, "level_unmask_delivers", "%u then %u MSIs", n, nr_msis);

	/* Switching the pin to edge clears remote IRR (Linux relies on it). */
	write_rte(&pc, 9, (1ULL << 56) | (1U << 11) | 0x39);
	result(!(read_rte_low(&pc, 9) & RTE_REMOTE_IRR), "edge_clears_remote_irr", "rte %#x",
	       read_rte_low(&pc, 9));

	/* Remote IRR is read-only: a write with it set does not set it. */
	ioapic_set_line(&pc, 9, false);
	write_rte(&pc, 10, RTE_LEVEL | RTE_REMOTE_IRR | 0x3a);
	result(!(read_rte_low(&pc, 10) & RTE_REMOTE_IRR), "remote_irr_read_only", "rte %#x",
	       read_rte_low(&pc, 10));

	mmio_write(&pc, 0x00, 0x10 + 2 * 24);	/* beyond pin 23 */
	result(mmio_read(&pc, 0x10) == 0xffffffff, "no_pin_24", "%#x", mmio_read(&pc, 0x10));
	return result_status();
}
