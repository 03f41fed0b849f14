// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 16550A UART at 0x3f8 on IRQ 4, with the interrupts Linux's 8250
 * driver uses: received data available and transmitter holding register
 * empty. The IRQ output reaches the interrupt controller only while MCR's
 * OUT2 is set, as on every PC. Transmitting is instant (the byte goes to
 * stdout), so THR is always empty again right after a write: the THRE
 * interrupt drops on the write and rises again, an edge per byte, as a
 * real UART gives once the byte moved on to the shift register.
 * Received bytes come from the input thread (console.c) into a buffer;
 * the guest sees them as the receive FIFO.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "pc.h"

#define UART_BASE		0x3f8
#define UART_RBR_THR		0
#define UART_IER		1
#define UART_IIR_FCR		2
#define UART_LCR		3
#define UART_MCR		4
#define UART_LSR		5
#define UART_MSR		6
#define UART_SCR		7

#define UART_IER_RDI		BIT(0)
#define UART_IER_THRI		BIT(1)
#define UART_IER_MASK		0x0f
#define UART_IIR_NONE		0x01
#define UART_IIR_THRI		0x02
#define UART_IIR_RDI		0x04
#define UART_IIR_FIFO		0xc0
#define UART_FCR_ENABLE		BIT(0)
#define UART_FCR_CLEAR_RX	BIT(1)
#define UART_LCR_DLAB		BIT(7)
#define UART_MCR_OUT2		BIT(3)
#define UART_MCR_LOOP		BIT(4)
#define UART_MCR_MASK		0x1f
#define UART_LSR_DR		BIT(0)
#define UART_LSR_THRE		BIT(5)
#define UART_LSR_TEMT		BIT(6)
#define UART_MSR_CONNECTED	0xb0	/* DCD, DSR, CTS */

void uart_reset(struct uart *u)
{
	memset(u, 0, sizeof(*u));
	u->loop_byte = -1;
}

static bool uart_rx_ready(const struct uart *u)
{
	if (u->mcr & UART_MCR_LOOP)
		return u->loop_byte >= 0;
	return u->rx_len > 0;
}

static uint8_t uart_iir(const struct uart *u)
{
	uint8_t fifo = u->fcr & UART_FCR_ENABLE ? UART_IIR_FIFO : 0;

	if ((u->ier & UART_IER_RDI) && uart_rx_ready(u))
		return UART_IIR_RDI | fifo;
	if ((u->ier & UART_IER_THRI) && u->thre_pending)
		return UART_IIR_THRI | fifo;
	return UART_IIR_NONE | fifo;
}

static void uart_update_irq(struct pc *pc)
{
	struct uart *u = &pc->uart;
	bool line = !(uart_iir(u) & UART_IIR_NONE) && (u->mcr & UART_MCR_OUT2);

	if (line == u->irq_line)
		return;
	u->irq_line = line;
	pc_set_isa_irq(pc, PC_IRQ_UART, line);
}

static void uart_transmit(struct pc *pc, uint8_t c)
{
	struct uart *u = &pc->uart;
	ssize_t n;

	if (u->mcr & UART_MCR_LOOP) {
		u->loop_byte = c;
	} else {
		do
			n = write(STDOUT_FILENO, &c, 1);
		while (n < 0 && errno == EINTR);
	}
	u->thre_pending = false;
	uart_update_irq(pc);
	u->thre_pending = true;
}

static uint8_t uart_take_byte(struct pc *pc)
{
	struct uart *u = &pc->uart;
	uint8_t c;

	if (u->mcr & UART_MCR_LOOP) {
		c = u->loop_byte < 0 ? 0 : u->loop_byte;
		u->loop_byte = -1;
		return c;
	}
	if (!u->rx_len)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % sizeof(u->rx);
	if (u->rx_len-- == sizeof(u->rx))
		pthread_cond_broadcast(&pc->wake);	/* room for the input thread */
	return c;
}

/* Loopback wires MCR's outputs to MSR's inputs: DTR-DSR, RTS-CTS, OUT1-RI, OUT2-DCD. */
static uint8_t uart_msr(const struct uart *u)
{
	uint8_t m = u->mcr;

	if (!(m & UART_MCR_LOOP))
		return UART_MSR_CONNECTED;
	return (m & 0x01) << 5 | (m & 0x02) << 3 | (m & 0x04) << 4 | (m & 0x08) << 4;
}

static uint8_t uart_read(struct pc *pc, unsigned int reg)
{
	struct uart *u = &pc->uart;
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t v;

	switch (reg) {
	case UART_RBR_THR:
		if (dlab)
			return u->dll;
		return uart_take_byte(pc);
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR_FCR:
		v = uart_iir(u);
		/* Reading IIR that reports THRE is how that interrupt is acknowledged. */
		if ((v & 0x0f) == UART_IIR_THRI)
			u->thre_pending = false;
		return v;
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

static void uart_write(struct pc *pc, unsigned int reg, uint8_t v)
{
	struct uart *u = &pc->uart;
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR:
		if (dlab)
			u->dll = v;
		else
			uart_transmit(pc, v);
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = v;
			break;
		}
		/* Enabling THRI with THR empty raises it at once. */
		if ((v & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thre_pending = true;
		u->ier = v & UART_IER_MASK;
		break;
	case UART_IIR_FCR:
		if (v & UART_FCR_CLEAR_RX) {
			u->rx_len = 0;
			u->loop_byte = -1;
			pthread_cond_broadcast(&pc->wake);
		}
		u->fcr = v & UART_FCR_ENABLE;
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

bool uart_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val)
{
	unsigned int i, off = port - UART_BASE;
	uint32_t v = 0;

	if (port < UART_BASE || off >= 8)
		return false;
	/* 16- and 32-bit accesses cover consecutive registers, as on ISA. */
	for (i = 0; i < size; i++) {
		if (off + i >= 8) {
			v |= 0xffU << (8 * i);
			continue;
		}
		if (is_write)
			uart_write(pc, off + i, *val >> (8 * i));
		else
			v |= (uint32_t)uart_read(pc, off + i) << (8 * i);
	}
	if (!is_write)
		*val = v;
	uart_update_irq(pc);
	return true;
}

unsigned int uart_receive(struct pc *pc, const uint8_t *buf, unsigned int len)
{
	struct uart *u = &pc->uart;
	unsigned int n = 0;

	while (n < len && u->rx_len < sizeof(u->rx)) {
		u->rx[(u->rx_head + u->rx_len) % sizeof(u->rx)] = buf[n++];
		u->rx_len++;
	}
	uart_update_irq(pc);
	return n;
}
