// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ACPI tables of the PC (the ACPI specification, 6.x layouts): an RSDP
 * pointing at an XSDT, which lists the FADT and the MADT; the FADT points
 * at the DSDT and a FACS. The guest finds the RSDP by scanning
 * 0xe0000-0xfffff, or in boot_params (boot_linux.c). Only what Linux needs
 * to run this machine: the interrupt controllers (MADT), the PM registers
 * for power off and the reset register (FADT), and \_S5 (DSDT).
 */
#include <assert.h>
#include <string.h>

#include "pc.h"

/* Where each table goes inside the reserved area at PC_ACPI_BASE. */
#define RSDP_OFF		0x000
#define XSDT_OFF		0x040
#define FADT_OFF		0x100
#define FACS_OFF		0x400	/* 64-byte aligned */
#define DSDT_OFF		0x500
#define MADT_OFF		0x1000	/* last: it grows with the processors */

#define HDR_LEN			36
#define FADT_LEN		276
#define FADT_REVISION		6
#define FADT_MINOR		3
#define FACS_LEN		64

/* FADT flags and IA-PC boot architecture flags. */
#define FADT_WBINVD		BIT(0)
#define FADT_PROC_C1		BIT(2)
#define FADT_PWR_BUTTON		BIT(4)	/* no fixed-feature power button */
#define FADT_SLP_BUTTON		BIT(5)
#define FADT_RESET_REG_SUP	BIT(10)
#define BOOT_ARCH_LEGACY	BIT(0)	/* ISA devices: the UART, PIT, RTC */
#define BOOT_ARCH_NO_VGA	BIT(2)
#define GAS_SYSTEM_IO		1
#define RESET_PORT		0xcf9
#define RESET_VALUE		0x06	/* full reset: SYS_RST | RST_CPU */

/* MADT entries. */
#define MADT_LAPIC		0
#define MADT_IOAPIC		1
#define MADT_ISO		2
#define MADT_LAPIC_NMI		4
#define MADT_PCAT_COMPAT	BIT(0)	/* the 8259s exist (masked) */
#define MPS_ACTIVE_HIGH		0x1
#define MPS_LEVEL		(0x3 << 2)

static void put8(unsigned char *p, unsigned int off, uint8_t v)
{
	p[off] = v;
}

static void put16(unsigned char *p, unsigned int off, uint16_t v)
{
	memcpy(p + off, &v, 2);
}

static void put32(unsigned char *p, unsigned int off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

static void put64(unsigned char *p, unsigned int off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}

static uint8_t checksum(const unsigned char *p, unsigned int len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return -sum;
}

/* The common header; the checksum is filled in last (table_done). */
static void table_header(unsigned char *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t, 4, len);
	put8(t, 8, rev);
	memcpy(t + 10, "VMCTL ", 6);		/* OEM ID */
	memcpy(t + 16, "VMCTLPC ", 8);		/* OEM table ID */
	put32(t, 24, 1);			/* OEM revision */
	memcpy(t + 28, "VMCT", 4);		/* creator ID */
	put32(t, 32, 1);			/* creator revision */
}

static void table_done(unsigned char *t)
{
	uint32_t len;

	memcpy(&len, t + 4, 4);
	t[9] = 0;
	t[9] = checksum(t, len);
}

/* A Generic Address Structure for an I/O port range. */
static void gas_io(unsigned char *p, unsigned int off, uint8_t bits, uint64_t port)
{
	put8(p, off, GAS_SYSTEM_IO);
	put8(p, off + 1, bits);
	put8(p, off + 2, 0);
	put8(p, off + 3, bits == 8 ? 1 : bits == 16 ? 2 : 3);	/* access size */
	put64(p, off + 4, port);
}

/*
 * The DSDT: only \_S5, Package () { 5, 5, 0, 0 }: SLP_TYPa, SLP_TYPb, and
 * two reserved. pm.c powers off on SLP_TYP 5. Hand-written AML: NameOp
 * "_S5_" PackageOp PkgLength NumElements, then BytePrefix 5 twice and
 * ZeroOp twice.
 */
static const unsigned char dsdt_aml[] = {
	0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00,
};

static unsigned int build_dsdt(unsigned char *t)
{
	unsigned int len = HDR_LEN + sizeof(dsdt_aml);

	table_header(t, "DSDT", len, 2);
	memcpy(t + HDR_LEN, dsdt_aml, sizeof(dsdt_aml));
	table_done(t);
	return len;
}

static void build_facs(unsigned char *t)
{
	memcpy(t, "FACS", 4);
	put32(t, 4, FACS_LEN);
	put8(t, 32, 2);				/* version */
}

static void build_fadt(unsigned char *t, uint64_t dsdt, uint64_t facs)
{
	table_header(t, "FACP", FADT_LEN, FADT_REVISION);
	put32(t, 36, facs);
	put32(t, 40, dsdt);
	put16(t, 46, PC_IRQ_SCI);
	/* SMI_CMD 0: the machine is in ACPI mode from the start. */
	put32(t, 56, PC_PM_BASE);		/* PM1a_EVT_BLK */
	put32(t, 64, PC_PM_BASE + 4);		/* PM1a_CNT_BLK */
	put32(t, 76, PC_PM_TIMER_PORT);		/* PM_TMR_BLK */
	put8(t, 88, 4);				/* PM1_EVT_LEN */
	put8(t, 89, 2);				/* PM1_CNT_LEN */
	put8(t, 91, 4);				/* PM_TMR_LEN */
	/* C2/C3 latencies above the limits: those states are not there. */
	put16(t, 96, 101);
	put16(t, 98, 1001);
	put8(t, 108, 0x32);			/* CENTURY: CMOS register (rtc.c) */
	put16(t, 109, BOOT_ARCH_LEGACY | BOOT_ARCH_NO_VGA);
	put32(t, 112, FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON |
	      FADT_RESET_REG_SUP);
	gas_io(t, 116, 8, RESET_PORT);
	put8(t, 128, RESET_VALUE);
	put8(t, 131, FADT_MINOR);
	put64(t, 132, facs);			/* X_FIRMWARE_CTRL */
	put64(t, 140, dsdt);			/* X_DSDT */
	gas_io(t, 148, 32, PC_PM_BASE);		/* X_PM1a_EVT_BLK */
	gas_io(t, 172, 16, PC_PM_BASE + 4);	/* X_PM1a_CNT_BLK */
	gas_io(t, 208, 32, PC_PM_TIMER_PORT);	/* X_PM_TMR_BLK */
	table_done(t);
}

static unsigned int madt_iso(unsigned char *t, unsigned int off, uint8_t irq, uint32_t gsi,
			     uint16_t flags)
{
	put8(t, off, MADT_ISO);
	put8(t, off + 1, 10);
	put8(t, off + 2, 0);			/* ISA */
	put8(t, off + 3, irq);
	put32(t, off + 4, gsi);
	put16(t, off + 8, flags);
	return off + 10;
}

/*
 * One local APIC per vCPU (ID = index), the I/O APIC with GSIs 0-23, IRQ 0
 * on pin 2 as on every PC, the SCI level-triggered active high, and LINT1
 * of every CPU as the NMI input.
 */
static unsigned int build_madt(unsigned char *t, unsigned int nr_cpus)
{
	unsigned int off = 44, i;

	put32(t, 36, PC_LAPIC_BASE);
	put32(t, 40, MADT_PCAT_COMPAT);
	for (i = 0; i < nr_cpus; i++) {
		put8(t, off, MADT_LAPIC);
		put8(t, off + 1, 8);
		put8(t, off + 2, i);		/* ACPI processor UID */
		put8(t, off + 3, i);		/* APIC ID */
		put32(t, off + 4, 1);		/* enabled */
		off += 8;
	}
	put8(t, off, MADT_IOAPIC);
	put8(t, off + 1, 12);
	put8(t, off + 2, 0);			/* I/O APIC ID (ioapic.c starts at 0) */
	put32(t, off + 4, PC_IOAPIC_BASE);
	put32(t, off + 8, 0);			/* GSI base */
	off += 12;
	off = madt_iso(t, off, PC_IRQ_PIT, PC_GSI_PIT, 0);
	off = madt_iso(t, off, PC_IRQ_SCI, PC_IRQ_SCI, MPS_ACTIVE_HIGH | MPS_LEVEL);
	put8(t, off, MADT_LAPIC_NMI);
	put8(t, off + 1, 6);
	put8(t, off + 2, 0xff);			/* all processors */
	put16(t, off + 3, 0);			/* bus conforming */
	put8(t, off + 5, 1);			/* LINT1 */
	off += 6;
	table_header(t, "APIC", off, 4);
	table_done(t);
	return off;
}

/* The MADT's size: header, one entry per processor, the I/O APIC, two ISOs, the NMI. */
#define MADT_LEN(cpus)		(44 + 8 * (cpus) + 12 + 2 * 10 + 6)

static_assert(DSDT_OFF + HDR_LEN + sizeof(dsdt_aml) <= MADT_OFF, "DSDT overlaps the MADT");
static_assert(MADT_OFF + MADT_LEN(PC_MAX_CPUS) <= PC_BIOS_END - PC_ACPI_BASE,
	      "MADT past the reserved area");

uint64_t acpi_build(unsigned char *ram, unsigned int nr_cpus)
{
	unsigned char *base = ram + PC_ACPI_BASE, *rsdp = base + RSDP_OFF;
	unsigned char *xsdt = base + XSDT_OFF;

	memset(base, 0, PC_BIOS_END - PC_ACPI_BASE);
	build_dsdt(base + DSDT_OFF);
	build_facs(base + FACS_OFF);
	build_fadt(base + FADT_OFF, PC_ACPI_BASE + DSDT_OFF, PC_ACPI_BASE + FACS_OFF);
	build_madt(base + MADT_OFF, nr_cpus);

	table_header(xsdt, "XSDT", HDR_LEN + 2 * 8, 1);
	put64(xsdt, HDR_LEN, PC_ACPI_BASE + FADT_OFF);
	put64(xsdt, HDR_LEN + 8, PC_ACPI_BASE + MADT_OFF);
	table_done(xsdt);

	/* ACPI 2.0+ RSDP: no RSDT, the XSDT only. */
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "VMCTL ", 6);
	put8(rsdp, 15, 2);			/* revision */
	put32(rsdp, 20, 36);			/* length */
	put64(rsdp, 24, PC_ACPI_BASE + XSDT_OFF);
	put8(rsdp, 8, checksum(rsdp, 20));
	put8(rsdp, 32, checksum(rsdp, 36));
	return PC_ACPI_BASE + RSDP_OFF;
}
