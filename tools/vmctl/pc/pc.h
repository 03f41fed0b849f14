/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PC that vmctl run --kernel gives an unmodified Linux kernel: the
 * devices a stock x86 kernel expects to find (ACPI tables, an I/O APIC, a
 * masked 8259 pair, the 8254, CMOS, a reset line, an empty PCI bus and a
 * 16550 with interrupts), each a small file of this folder. The local APIC
 * is the hypervisor's (backend.h, create_irqchip). Documentation/vmctl.rst
 * has the memory map, the ports and the IRQ routing.
 *
 * Locking: one mutex for the whole platform. The vCPU thread takes it for
 * each exit it hands to pc_io()/pc_mmio()/pc_eoi(); the UART's input thread
 * and the PIT's timer thread take it to change state and raise interrupts.
 */
#ifndef VMCTL_PC_H
#define VMCTL_PC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../backend.h"

/* Guest-physical memory map (below RAM's end, then above 3 GiB). */
#define PC_BOOT_PARAMS		0x10000ULL	/* Linux's zero page */
#define PC_CMDLINE		0x20000ULL	/* the kernel command line */
#define PC_CMDLINE_MAX		0x10000ULL
#define PC_EBDA			0x9fc00ULL	/* reserved up to 640 KiB */
#define PC_ACPI_BASE		0xe0000ULL	/* RSDP and the tables */
#define PC_BIOS_END		0x100000ULL	/* 0xe0000-0xfffff reserved */
#define PC_KERNEL_LOAD		0x100000ULL	/* protected-mode kernel */
#define PC_IOAPIC_BASE		0xfec00000ULL
#define PC_IOAPIC_SIZE		0x1000
#define PC_LAPIC_BASE		0xfee00000ULL	/* the hypervisor's */
#define PC_MAX_CPUS		64		/* vmm's VMM_MAX_VCPUS; APIC IDs 0..63 */

/* I/O ports beyond the classic ISA ones. */
#define PC_PM_BASE		0x600	/* ACPI PM1a event, control, timer */
#define PC_PM_TIMER_PORT	(PC_PM_BASE + 8)

/* ISA interrupts: the PIT's IRQ 0 arrives on pin 2 (MADT override). */
#define PC_IOAPIC_PINS		24
#define PC_IRQ_PIT		0
#define PC_GSI_PIT		2
#define PC_IRQ_UART		4
#define PC_IRQ_RTC		8
#define PC_IRQ_SCI		9

enum pc_power { PC_RUNNING, PC_POWEROFF, PC_RESET };

struct ioapic {
	uint32_t regsel;
	uint32_t id;
	uint32_t lines;			/* input pins asserted, one bit each */
	uint64_t rte[PC_IOAPIC_PINS];	/* redirection table */
};

struct pic8259 {
	uint8_t imr, icw_step, icw4_wanted, read_isr;
};

struct pit_channel {
	uint16_t reload;		/* as written; 0 counts as 65536 (BCD: 10000) */
	uint8_t mode, access;		/* control word fields */
	bool bcd;			/* ...counting in four decimal digits */
	bool lsb_next_write, lsb_next_read;
	bool latched;
	uint16_t latch;
	bool null_count;		/* a control word, no count written since */
	bool status_latched;		/* read-back: the next read is the status */
	uint8_t status;
	bool counting;			/* a count was loaded (and gate high) */
	uint64_t start_ns;		/* when it was loaded */
	uint8_t write_lsb;
};

struct pit {
	struct pit_channel ch[3];
	uint8_t port61;			/* gate 2 and speaker bits */
	uint64_t next_irq_ns;		/* channel 0's next output edge, 0: none */
	pthread_t thread;
	bool thread_started;
};

struct rtc {
	uint8_t index;
	uint8_t ram[128];
};

struct pci {
	uint32_t address;		/* 0xcf8 */
	uint16_t host_command;		/* the host bridge's command register */
};

struct uart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending;		/* THR empty interrupt, until IIR read */
	bool irq_line;			/* what the UART drives on IRQ 4 */
	/* Bytes from the input thread, waiting for the guest. */
	uint8_t rx[4096];
	unsigned int rx_head, rx_len;
	int loop_byte;			/* loopback mode: the byte, or -1 */
};

struct pm {
	uint16_t sts, en, cnt;
};

struct pc {
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* timer thread, input thread */
	const struct vmctl_backend_ops *ops;
	struct vmctl_vm *vm;
	uint64_t ram_size;
	bool stopping;			/* threads: leave */

	struct ioapic ioapic;
	struct pic8259 pic[2];
	uint8_t elcr[2];		/* edge/level control, 0x4d0/0x4d1 */
	struct pit pit;
	struct rtc rtc;
	struct pci pci;
	struct uart uart;
	struct pm pm;
	uint8_t reset_control;		/* port 0xcf9 */

	enum pc_power power;		/* set by the guest, read by run.c */

	/* Console input (console.c). */
	pthread_t input_thread;
	bool input_started;
	int stop_pipe[2];
	bool escape;			/* Ctrl-A x on a terminal ends the run */

	/* MSIs and route updates the backend refused; --stats shows them. */
	uint64_t msi_errors;
	uint64_t msis;
};

/* pc.c: lifetime and the dispatch of exits. */
int pc_init(struct pc *pc, const struct vmctl_backend_ops *ops, struct vmctl_vm *vm,
	    uint64_t ram_size);
int pc_start(struct pc *pc);	/* the threads; after the vCPU exists */
void pc_destroy(struct pc *pc);
bool pc_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val);
bool pc_mmio(struct pc *pc, uint64_t gpa, unsigned int len, bool is_write, uint8_t *data);
void pc_eoi(struct pc *pc, uint8_t vector);
void pc_set_isa_irq(struct pc *pc, unsigned int irq, bool level);
uint64_t pc_now_ns(void);
/* A device thread, with every signal blocked (they are the vCPU thread's). */
int pc_start_thread(pthread_t *t, void *(*fn)(void *), void *arg);

/* ioapic.c */
void ioapic_reset(struct ioapic *io);
void ioapic_set_line(struct pc *pc, unsigned int pin, bool level);
void ioapic_mmio(struct pc *pc, uint64_t off, unsigned int len, bool is_write, uint8_t *data);
void ioapic_eoi(struct pc *pc, uint8_t vector);

/* pic.c: 0x20-0x21, 0xa0-0xa1, 0x4d0-0x4d1 */
bool pic_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val);

/* pit.c: 0x40-0x43, 0x61 */
bool pit_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val);
int pit_start(struct pc *pc);
void pit_stop(struct pc *pc);

/* rtc.c: 0x70-0x71 */
void rtc_reset(struct rtc *rtc);
bool rtc_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val);

/* pci.c: 0xcf8, 0xcfc-0xcff */
bool pci_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val);

/* reset.c: 0x60, 0x64 (i8042 reset line), 0xcf9 */
bool reset_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val);

/* pm.c: the ACPI fixed hardware at PC_PM_BASE */
bool pm_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val);

/* uart.c: 0x3f8-0x3ff, IRQ 4 */
void uart_reset(struct uart *u);
bool uart_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val);
/* Takes bytes from the input thread (lock held); returns how many fit. */
unsigned int uart_receive(struct pc *pc, const uint8_t *buf, unsigned int len);

/* console.c: stdin as the UART's input */
int console_start(struct pc *pc);
void console_stop(struct pc *pc);

/*
 * cpuid.c: topology and TSC frequency leaves for vCPU vcpu_id; may add two
 * entries (reallocates *entries). tsc_khz 0: unknown, no timing leaves.
 * Returns 1 if the guest can read the TSC frequency from leaf 0x15 (Intel),
 * 0 if not, -1 on failure.
 */
int pc_cpuid(struct vmctl_cpuid_entry **entries, unsigned int *nr, unsigned int vcpu_id,
	     uint32_t tsc_khz, uint32_t apic_khz);

/* acpi.c: writes the tables at PC_ACPI_BASE, returns the RSDP's address. */
uint64_t acpi_build(unsigned char *ram, unsigned int nr_cpus);

#endif
