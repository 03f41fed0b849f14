// SPDX-License-Identifier: GPL-2.0-only
/*
 * The devices vmctl run gives a guest. Small on purpose: enough for test
 * guests to print (UART), report a result (debug-exit port, as QEMU's
 * isa-debug-exit) and check MMIO of every width by value (the scratch
 * device). No interrupts: guests poll.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "devices.h"
#include "vmctl.h"

/* 16550 registers (offsets from UART_BASE) and bits, as in the datasheet. */
#define UART_RBR_THR_DLL	0
#define UART_IER_DLM		1
#define UART_IIR_FCR		2
#define UART_LCR		3
#define UART_MCR		4
#define UART_LSR		5
#define UART_MSR		6
#define UART_SCR		7

#define UART_IER_MASK		0x0f
#define UART_IIR_NO_INT		0x01
#define UART_IIR_FIFO_ON	0xc0
#define UART_FCR_ENABLE		0x01
#define UART_FCR_CLEAR_RX	0x02
#define UART_FCR_KEEP		0xc9	/* enable, DMA mode, trigger level */
#define UART_LCR_DLAB		0x80
#define UART_MCR_MASK		0x1f
#define UART_MCR_LOOP		0x10
#define UART_LSR_DR		0x01
#define UART_LSR_THRE		0x20
#define UART_LSR_TEMT		0x40
/* Not in loopback: a modem that is there and ready (DCD, DSR, CTS). */
#define UART_MSR_CONNECTED	0xb0

static void uart_write_stdout(uint8_t c)
{
	ssize_t n;

	/* Unbuffered: what the guest printed is out before it exits. */
	do
		n = write(STDOUT_FILENO, &c, 1);
	while (n < 0 && errno == EINTR);
}

/* A byte waiting on stdin, taken without blocking. */
static bool uart_rx_ready(struct uart16550 *u)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	ssize_t n;

	if (u->rx_full || u->rx_eof || (u->mcr & UART_MCR_LOOP))
		return u->rx_full;
	if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR)))
		return false;
	n = read(STDIN_FILENO, &u->rbr, 1);
	if (n == 1)
		u->rx_full = true;
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		u->rx_eof = true;
	return u->rx_full;
}

/* Loopback wires MCR's outputs to MSR's inputs: DTR-DSR, RTS-CTS, OUT1-RI, OUT2-DCD. */
static uint8_t uart_msr(const struct uart16550 *u)
{
	uint8_t m = u->mcr;

	if (!(m & UART_MCR_LOOP))
		return UART_MSR_CONNECTED;
	return (m & 0x01) << 5 | (m & 0x02) << 3 | (m & 0x04) << 4 | (m & 0x08) << 4;
}

static uint8_t uart_read(struct uart16550 *u, unsigned int reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t v;

	switch (reg) {
	case UART_RBR_THR_DLL:
		if (dlab)
			return u->dll;
		uart_rx_ready(u);
		v = u->rbr;
		u->rx_full = false;
		return v;
	case UART_IER_DLM:
		return dlab ? u->dlm : u->ier;
	case UART_IIR_FCR:
		return UART_IIR_NO_INT | (u->fcr & UART_FCR_ENABLE ? UART_IIR_FIFO_ON : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT | (uart_rx_ready(u) ? UART_LSR_DR : 0);
	case UART_MSR:
		return uart_msr(u);
	default:
		return u->scr;
	}
}

static void uart_write(struct uart16550 *u, unsigned int reg, uint8_t v)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR_DLL:
		if (dlab) {
			u->dll = v;
		} else if (u->mcr & UART_MCR_LOOP) {
			u->rbr = v;
			u->rx_full = true;
		} else {
			uart_write_stdout(v);
		}
		break;
	case UART_IER_DLM:
		if (dlab)
			u->dlm = v;
		else
			u->ier = v & UART_IER_MASK;
		break;
	case UART_IIR_FCR:
		if (v & UART_FCR_CLEAR_RX)
			u->rx_full = false;
		u->fcr = v & UART_FCR_KEEP;
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		u->mcr = v & UART_MCR_MASK;
		break;
	case UART_SCR:
		u->scr = v;
		break;
	default:
		break;	/* LSR and MSR are read-only */
	}
}

/* A 16- or 32-bit access covers consecutive byte registers, as on ISA. */
static void uart_io(struct devices *d, unsigned int off, unsigned int size, bool is_write,
		    uint32_t *val)
{
	unsigned int i;
	uint32_t v = 0;

	for (i = 0; i < size; i++) {
		if (off + i >= UART_PORTS) {
			v |= 0xffu << (8 * i);
			continue;
		}
		if (is_write)
			uart_write(&d->uart, off + i, *val >> (8 * i));
		else
			v |= (uint32_t)uart_read(&d->uart, off + i) << (8 * i);
	}
	if (!is_write)
		*val = v;
}

/* Like isa-debug-exit: the exit status is (value << 1) | 1, so never 0. */
static void debug_exit_io(struct devices *d, unsigned int off, unsigned int size,
			  bool is_write, uint32_t *val)
{
	(void)off;
	(void)size;
	if (!is_write) {
		*val = 0xffffffff;
		return;
	}
	d->exit_requested = true;
	d->exit_status = ((*val << 1) | 1) & 0xff;
}

static const struct io_device {
	uint16_t base, len;
	void (*io)(struct devices *d, unsigned int off, unsigned int size, bool is_write,
		   uint32_t *val);
} io_devices[] = {
	{ UART_BASE, UART_PORTS, uart_io },
	{ DEBUG_EXIT_PORT, 1, debug_exit_io },
};

void devices_init(struct devices *d)
{
	memset(d, 0, sizeof(*d));
}

void devices_io(struct devices *d, uint16_t port, unsigned int size, bool is_write,
		uint32_t *val)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(io_devices); i++) {
		const struct io_device *dev = &io_devices[i];

		if (port >= dev->base && port - dev->base < dev->len) {
			dev->io(d, port - dev->base, size, is_write, val);
			return;
		}
	}
	if (is_write) {
		d->unhandled_io_writes++;
	} else {
		d->unhandled_io_reads++;
		*val = size == 4 ? 0xffffffff : (1u << (8 * size)) - 1;
	}
}

void devices_mmio(struct devices *d, uint64_t gpa, unsigned int len, bool is_write,
		  uint8_t *data)
{
	bool unbacked = false;
	unsigned int i;

	for (i = 0; i < len; i++) {
		uint64_t a = gpa + i;

		if (a >= MMIO_TEST_BASE && a - MMIO_TEST_BASE < MMIO_TEST_SIZE) {
			if (is_write)
				d->mmio_test[a - MMIO_TEST_BASE] = data[i];
			else
				data[i] = d->mmio_test[a - MMIO_TEST_BASE];
		} else {
			unbacked = true;
			if (!is_write)
				data[i] = 0xff;
		}
	}
	if (unbacked && is_write)
		d->unbacked_mmio_writes++;
	else if (unbacked)
		d->unbacked_mmio_reads++;
}
