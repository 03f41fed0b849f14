// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 8254 interval timer (Intel's 8254 datasheet): three 16-bit counters
 * at 1.193182 MHz. Counts are not stepped: a counter's value and output are
 * computed from the host's monotonic clock since the count was loaded.
 * Channel 0's output drives IRQ 0 (I/O APIC pin 2); a thread sleeps until
 * its next rising edge. Channel 2's gate and output are in port 0x61, for
 * software that calibrates against it. Channel 1 (DRAM refresh) counts but
 * drives nothing. Binary and BCD counting, the count latch and the
 * read-back command (count and status) are kept.
 *
 * Linux under kvm needs none of it for time (kvm-clock gives the TSC
 * frequency, the local APIC gives timer interrupts), but it programs the
 * PIT as its first clock event device and may check that IRQ 0 works.
 */
#include <time.h>

#include "pc.h"

#define PIT_CHANNEL0		0x40
#define PIT_CONTROL		0x43
#define PIT_PORT61		0x61
#define PIT_HZ			1193182ULL

#define PIT_SEL_SHIFT		6
#define PIT_READ_BACK		3
#define PIT_ACCESS_SHIFT	4
#define PIT_ACCESS_LATCH	0
#define PIT_ACCESS_LSB		1
#define PIT_ACCESS_MSB		2
#define PIT_MODE_SHIFT		1
#define PIT_CW_BCD		BIT(0)
#define PIT_RB_NO_COUNT		BIT(5)
#define PIT_RB_NO_STATUS	BIT(4)
#define PIT_ST_OUT		BIT(7)
#define PIT_ST_NULL_COUNT	BIT(6)

#define PORT61_GATE2		BIT(0)
#define PORT61_SPEAKER		BIT(1)
#define PORT61_REFRESH		BIT(4)
#define PORT61_OUT2		BIT(5)

/*
 * In BCD a counter holds four decimal digits (0000-9999) and 0 counts as
 * 10000. Digits above 9, which the datasheet leaves undefined, weigh what
 * their position says (0x00af is 115): a defined count, never a trap.
 */
static unsigned int bcd_to_bin(uint16_t v)
{
	return (v >> 12) * 1000 + (v >> 8 & 0xf) * 100 + (v >> 4 & 0xf) * 10 + (v & 0xf);
}

static uint16_t bin_to_bcd(unsigned int n)
{
	return (n / 1000 % 10) << 12 | (n / 100 % 10) << 8 | (n / 10 % 10) << 4 | n % 10;
}

/* The counting range: 65536 states in binary, 10000 in BCD. */
static uint64_t pit_modulus(const struct pit_channel *c)
{
	return c->bcd ? 10000 : 0x10000;
}

static uint64_t pit_period(const struct pit_channel *c)
{
	uint64_t n = c->bcd ? bcd_to_bin(c->reload) : c->reload;

	return n ? n : pit_modulus(c);
}

static uint64_t pit_ticks(const struct pit_channel *c, uint64_t now)
{
	uint64_t ns = now - c->start_ns;

	return (ns / 1000000000ULL) * PIT_HZ + (ns % 1000000000ULL) * PIT_HZ / 1000000000ULL;
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	return (ticks / PIT_HZ) * 1000000000ULL + (ticks % PIT_HZ) * 1000000000ULL / PIT_HZ;
}

/* Modes 6 and 7 are aliases of 2 and 3. */
static unsigned int pit_mode(const struct pit_channel *c)
{
	return c->mode > 5 ? c->mode - 4 : c->mode;
}

static uint16_t pit_count(const struct pit_channel *c, uint64_t now)
{
	uint64_t t = pit_ticks(c, now), p = pit_period(c), m = pit_modulus(c), n;

	if (!c->counting)
		return c->reload;
	switch (pit_mode(c)) {
	case 2:
		n = p - t % p;
		break;
	case 3:		/* counts down by two, twice per period */
		n = (p - (2 * t) % p) & ~1ULL;
		break;
	default:	/* 0, 1, 4, 5: down once, then wrapping through the range */
		n = (p % m + m - t % m) % m;
		break;
	}
	/* p itself (a reload of 0) reads as 0, as the chip's register does. */
	n %= m;
	return c->bcd ? bin_to_bcd(n) : n;
}

static bool pit_out(const struct pit_channel *c, uint64_t now)
{
	uint64_t t = pit_ticks(c, now), p = pit_period(c);

	if (!c->counting)
		return pit_mode(c) != 0;
	switch (pit_mode(c)) {
	case 0:
		return t >= p;
	case 2:
		return t % p != p - 1;
	case 3:
		return t % p < (p + 1) / 2;
	default:
		return true;
	}
}

/* The read-back status byte: OUT, null count, then the control word's fields. */
static uint8_t pit_status(const struct pit_channel *c, uint64_t now)
{
	return (pit_out(c, now) ? PIT_ST_OUT : 0) | (c->null_count ? PIT_ST_NULL_COUNT : 0) |
	       c->access << PIT_ACCESS_SHIFT | c->mode << PIT_MODE_SHIFT | c->bcd;
}

/* Channel 0's next rising edge, for the thread; 0 when none comes. */
static void pit_schedule(struct pc *pc, uint64_t now)
{
	struct pit_channel *c = &pc->pit.ch[0];
	uint64_t p = pit_period(c), t;

	pc->pit.next_irq_ns = 0;
	if (!c->counting)
		return;
	t = pit_ticks(c, now);
	switch (pit_mode(c)) {
	case 0:
		if (t < p)
			pc->pit.next_irq_ns = c->start_ns + ticks_to_ns(p);
		break;
	case 2:
	case 3:
		pc->pit.next_irq_ns = c->start_ns + ticks_to_ns((t / p + 1) * p);
		break;
	}
	pthread_cond_broadcast(&pc->wake);
}

static void pit_load(struct pc *pc, unsigned int i, uint16_t count)
{
	struct pit_channel *c = &pc->pit.ch[i];
	uint64_t now = pc_now_ns();

	c->reload = count;
	c->start_ns = now;
	/*
	 * The chip moves the count into the counter on the next CLK edge
	 * (838 ns) and only then clears null count; here that is at once.
	 */
	c->null_count = false;
	c->counting = i != 2 || (pc->pit.port61 & PORT61_GATE2);
	if (i == 0)
		pit_schedule(pc, now);
}

static void pit_control(struct pc *pc, uint8_t v)
{
	unsigned int sel = v >> PIT_SEL_SHIFT, access = (v >> PIT_ACCESS_SHIFT) & 3, i;
	uint64_t now = pc_now_ns();
	struct pit_channel *c;

	if (sel == PIT_READ_BACK) {
		/*
		 * Latch the count, the status or both of each counter selected
		 * (bits 1-3); a latch not yet read is kept, not overwritten.
		 * The status is read first, then the count.
		 */
		for (i = 0; i < 3; i++) {
			c = &pc->pit.ch[i];
			if (!(v & BIT(i + 1)))
				continue;
			if (!(v & PIT_RB_NO_STATUS) && !c->status_latched) {
				c->status = pit_status(c, now);
				c->status_latched = true;
			}
			if (!(v & PIT_RB_NO_COUNT) && !c->latched) {
				c->latch = pit_count(c, now);
				c->latched = true;
				c->lsb_next_read = true;
			}
		}
		return;
	}
	c = &pc->pit.ch[sel];
	if (access == PIT_ACCESS_LATCH) {
		if (!c->latched) {
			c->latch = pit_count(c, now);
			c->latched = true;
			c->lsb_next_read = true;
		}
		return;
	}
	c->access = access;
	c->mode = (v >> PIT_MODE_SHIFT) & 7;
	c->bcd = v & PIT_CW_BCD;
	c->lsb_next_write = true;
	c->lsb_next_read = true;
	c->latched = false;
	c->status_latched = false;
	c->null_count = true;
	/* A new control word stops the counter until a count is written. */
	c->counting = false;
	if (sel == 0)
		pit_schedule(pc, now);
}

static void pit_write_count(struct pc *pc, unsigned int i, uint8_t v)
{
	struct pit_channel *c = &pc->pit.ch[i];

	switch (c->access) {
	case PIT_ACCESS_LSB:
		pit_load(pc, i, v);
		break;
	case PIT_ACCESS_MSB:
		pit_load(pc, i, v << 8);
		break;
	default:
		if (c->lsb_next_write)
			c->write_lsb = v;
		else
			pit_load(pc, i, c->write_lsb | v << 8);
		c->lsb_next_write = !c->lsb_next_write;
		break;
	}
}

static uint8_t pit_read_count(struct pc *pc, unsigned int i)
{
	struct pit_channel *c = &pc->pit.ch[i];
	uint16_t v;
	bool lsb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	v = c->latched ? c->latch : pit_count(c, pc_now_ns());
	switch (c->access) {
	case PIT_ACCESS_LSB:
		c->latched = false;
		return v;
	case PIT_ACCESS_MSB:
		c->latched = false;
		return v >> 8;
	default:
		lsb = c->lsb_next_read;
		c->lsb_next_read = !lsb;
		if (!lsb)
			c->latched = false;
		return lsb ? v : v >> 8;
	}
}

static uint8_t port61_read(struct pc *pc)
{
	struct pit_channel *c = &pc->pit.ch[2];
	uint8_t v = pc->pit.port61 & (PORT61_GATE2 | PORT61_SPEAKER);

	/* The refresh bit toggles; some delay loops watch it. */
	pc->pit.port61 ^= PORT61_REFRESH;
	v |= pc->pit.port61 & PORT61_REFRESH;
	if ((pc->pit.port61 & PORT61_GATE2) && pit_out(c, pc_now_ns()))
		v |= PORT61_OUT2;
	return v;
}

static void port61_write(struct pc *pc, uint8_t v)
{
	struct pit_channel *c = &pc->pit.ch[2];
	bool rising = (v & PORT61_GATE2) && !(pc->pit.port61 & PORT61_GATE2);

	pc->pit.port61 = (pc->pit.port61 & PORT61_REFRESH) |
			 (v & (PORT61_GATE2 | PORT61_SPEAKER));
	/* A rising gate (re)starts the count in every mode we keep. */
	if (rising) {
		c->start_ns = pc_now_ns();
		c->counting = true;
	}
}

bool pit_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val)
{
	if (size != 1)
		return false;
	if (port == PIT_PORT61) {
		if (is_write)
			port61_write(pc, *val);
		else
			*val = port61_read(pc);
		return true;
	}
	if (port < PIT_CHANNEL0 || port > PIT_CONTROL)
		return false;
	if (port == PIT_CONTROL) {
		if (is_write)
			pit_control(pc, *val);
		else
			*val = 0xff;	/* the control word is write-only */
		return true;
	}
	if (is_write)
		pit_write_count(pc, port - PIT_CHANNEL0, *val);
	else
		*val = pit_read_count(pc, port - PIT_CHANNEL0);
	return true;
}

/*
 * Sleeps until channel 0's next edge and pulses IRQ 0. A late wake-up (a
 * busy host) delivers one interrupt and skips the edges it missed, as a
 * guest would see from a PIC that was masked meanwhile.
 */
static void *pit_thread(void *arg)
{
	struct pc *pc = arg;
	struct timespec ts;
	uint64_t now, next;

	pthread_mutex_lock(&pc->lock);
	while (!pc->stopping) {
		next = pc->pit.next_irq_ns;
		if (!next) {
			pthread_cond_wait(&pc->wake, &pc->lock);
			continue;
		}
		now = pc_now_ns();
		if (now < next) {
			ts.tv_sec = next / 1000000000ULL;
			ts.tv_nsec = next % 1000000000ULL;
			pthread_cond_timedwait(&pc->wake, &pc->lock, &ts);
			continue;
		}
		pc_set_isa_irq(pc, PC_IRQ_PIT, true);
		pc_set_isa_irq(pc, PC_IRQ_PIT, false);
		pit_schedule(pc, now);
	}
	pthread_mutex_unlock(&pc->lock);
	return NULL;
}

int pit_start(struct pc *pc)
{
	if (pc_start_thread(&pc->pit.thread, pit_thread, pc))
		return -1;
	pc->pit.thread_started = true;
	return 0;
}

void pit_stop(struct pc *pc)
{
	if (pc->pit.thread_started)
		pthread_join(pc->pit.thread, NULL);
	pc->pit.thread_started = false;
}
