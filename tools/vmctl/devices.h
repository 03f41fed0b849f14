/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device model of vmctl run: a 16550 UART on stdin/stdout, a debug-exit
 * port and an MMIO scratch device; everything else reads as all-ones.
 */
#ifndef VMCTL_DEVICES_H
#define VMCTL_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#define UART_BASE		0x3f8
#define UART_PORTS		8
#define DEBUG_EXIT_PORT		0xf4
#define MMIO_TEST_BASE		0xfeb00000ULL
#define MMIO_TEST_SIZE		0x1000

struct uart16550 {
	uint8_t ier, fcr, lcr, mcr, scr, dll, dlm;
	uint8_t rbr;		/* the received byte, if rx_full */
	bool rx_full;
	bool rx_eof;		/* stdin ended: stop looking */
};

struct devices {
	struct uart16550 uart;
	uint8_t mmio_test[MMIO_TEST_SIZE];

	/* Set by a write to the debug-exit port. */
	bool exit_requested;
	int exit_status;

	/* Accesses nothing answered; shown by --stats. */
	uint64_t unhandled_io_reads, unhandled_io_writes;
	uint64_t unbacked_mmio_reads, unbacked_mmio_writes;
};

void devices_init(struct devices *d);

/* One port access of 1, 2 or 4 bytes; *val is read or written. */
void devices_io(struct devices *d, uint16_t port, unsigned int size, bool is_write,
		uint32_t *val);

/* One MMIO access of 1..8 bytes at gpa, data in guest byte order. */
void devices_mmio(struct devices *d, uint64_t gpa, unsigned int len, bool is_write,
		  uint8_t *data);

#endif
