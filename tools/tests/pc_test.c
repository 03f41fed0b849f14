// SPDX-License-Identifier: GPL-2.0-only
/*
 * pc_test: vmctl's PC devices without a hypervisor, on the host. The I/O
 * APIC (tools/vmctl/pc/ioapic.c) is driven through its MMIO registers as a
 * guest would, with a backend that records the MSIs and routes it is
 * given: edge and level pins, masking, remote IRR and its EOI (exit and
 * register), the routes the hypervisor learns. The 8254 (pit.c) is driven
 * through its ports on a clock the test sets: binary and BCD counts, the
 * wrap of a one-shot count, the period channel 0's interrupt thread is
 * given, read-back of status and count. Every check can fail: each
 * compares a recorded count or value with the one the datasheet asks for.
 * check.sh builds it with ioapic.c and pit.c and runs it among the host
 * checks.
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

/* pc.c's services, for pit.c: a clock the test moves, no threads. */
static uint64_t fake_now_ns = 1000000000ULL;

uint64_t pc_now_ns(void)
{
	return fake_now_ns;
}

void pc_set_isa_irq(struct pc *pc, unsigned int irq, bool level)
{
	(void)pc;
	(void)irq;
	(void)level;
}

int pc_start_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	(void)t;
	(void)fn;
	(void)arg;
	return -1;
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

#define PIT_HZ		1193182ULL

static void pit_out(struct pc *pc, uint16_t port, uint8_t v)
{
	uint32_t val = v;

	pit_io(pc, port, 1, true, &val);
}

static uint8_t pit_in(struct pc *pc, uint16_t port)
{
	uint32_t val = 0;

	pit_io(pc, port, 1, false, &val);
	return val;
}

/* Channel @ch's count, read LSB then MSB (access mode 3). */
static uint16_t pit_read16(struct pc *pc, unsigned int ch)
{
	uint16_t lo = pit_in(pc, 0x40 + ch);

	return lo | pit_in(pc, 0x40 + ch) << 8;
}

/* Control word @cw (access mode 3) for channel 0, then @count. */
static void pit_program(struct pc *pc, uint8_t cw, uint16_t count)
{
	pit_out(pc, 0x43, cw);
	pit_out(pc, 0x40, count & 0xff);
	pit_out(pc, 0x40, count >> 8);
}

/* The clock moved to @ticks PIT clocks after the count was loaded. */
static void pit_at(uint64_t start, uint64_t ticks)
{
	fake_now_ns = start + (ticks * 1000000000ULL + PIT_HZ - 1) / PIT_HZ;
}

static void test_pit(struct pc *pc)
{
	uint64_t start = fake_now_ns, want;
	uint16_t v, v2;
	uint8_t st;

	/* Mode 2, binary 1000: 250 clocks in, 750 left. */
	pit_program(pc, 0x34, 1000);
	pit_at(start, 250);
	v = pit_read16(pc, 0);
	result(v == 750, "pit_binary_count", "%#x", v);

	/* Mode 2, BCD 0x1000 (one thousand): the same, in decimal digits. */
	start = fake_now_ns;
	pit_program(pc, 0x35, 0x1000);
	pit_at(start, 250);
	v = pit_read16(pc, 0);
	want = start + (1000 * 1000000000ULL) / PIT_HZ;
	result(v == 0x0750, "pit_bcd_count", "%#x", v);
	/* ...and the interrupt thread waits a thousand clocks, not 0x1000. */
	result(pc->pit.next_irq_ns >= want && pc->pit.next_irq_ns <= want + 1,
	       "pit_bcd_irq_period", "%llu ns after the load",
	       (unsigned long long)(pc->pit.next_irq_ns - start));

	/* Mode 0, a count of 0: 65536 in binary, 10000 in BCD; one clock in. */
	start = fake_now_ns;
	pit_program(pc, 0x30, 0);
	pit_at(start, 1);
	v = pit_read16(pc, 0);
	start = fake_now_ns;
	pit_program(pc, 0x31, 0);
	pit_at(start, 1);
	v2 = pit_read16(pc, 0);
	result(v == 0xffff && v2 == 0x9999, "pit_zero_count_range", "binary %#x, BCD %#x", v,
	       v2);

	/* Mode 0 past its terminal count wraps through the range: 5 - 7. */
	start = fake_now_ns;
	pit_program(pc, 0x31, 0x0005);
	pit_at(start, 7);
	v = pit_read16(pc, 0);
	result(v == 0x9998, "pit_bcd_wraps", "%#x", v);

	/* Mode 3 counts down by two: 10, then 8 one clock later. */
	start = fake_now_ns;
	pit_program(pc, 0x37, 0x0010);
	pit_at(start, 1);
	v = pit_read16(pc, 0);
	result(v == 0x0008, "pit_bcd_square_wave", "%#x", v);

	/*
	 * Read-back: the status of a counter whose count is not written yet
	 * (OUT high in mode 2, null count, access 3, mode 2, BCD), then,
	 * with a count, the status and the count latched by one command.
	 */
	pit_out(pc, 0x43, 0x35);
	pit_out(pc, 0x43, 0xe2);		/* status of counter 0 */
	st = pit_in(pc, 0x40);
	result(st == 0xf5, "pit_readback_status_null_count", "%#x", st);
	start = fake_now_ns;
	pit_out(pc, 0x40, 0x00);
	pit_out(pc, 0x40, 0x20);		/* BCD 2000 */
	pit_at(start, 100);
	pit_out(pc, 0x43, 0xc2);		/* status and count of counter 0 */
	pit_at(start, 300);			/* the latch holds the count at 100 */
	st = pit_in(pc, 0x40);
	v = pit_read16(pc, 0);
	v2 = pit_read16(pc, 0);
	result(st == 0xb5 && v == 0x1900 && v2 == 0x1700, "pit_readback_status_and_count",
	       "status %#x, latched %#x, then %#x", st, v, v2);
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

	test_pit(&pc);
	return result_status();
}
