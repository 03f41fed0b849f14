// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Linux x86 boot protocol (Documentation/arch/x86/boot.rst), 64-bit
 * entry: the protected-mode kernel of a bzImage at 1 MiB, boot_params (the
 * "zero page") with the setup header copied from the file, the e820 memory
 * map, the command line and the initrd, then startup_64 (load address +
 * 0x200) with RSI pointing at boot_params. There is no real-mode setup code
 * run, so everything the BIOS would have told it comes in boot_params, and
 * the ACPI tables tell the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_linux.h"
#include "pc.h"

/* Offsets in boot_params and, from 0x1f1, in the setup header. */
#define BP_ACPI_RSDP		0x070
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_SETUP_SECTS		0x1f1
#define BP_BOOT_FLAG		0x1fe
#define BP_JUMP			0x200
#define BP_HEADER		0x202
#define BP_VERSION		0x206
#define BP_TYPE_OF_LOADER	0x210
#define BP_LOADFLAGS		0x211
#define BP_CODE32_START		0x214
#define BP_RAMDISK_IMAGE	0x218
#define BP_RAMDISK_SIZE		0x21c
#define BP_CMD_LINE_PTR		0x228
#define BP_INITRD_ADDR_MAX	0x22c
#define BP_XLOADFLAGS		0x236
#define BP_CMDLINE_SIZE		0x238
#define BP_PREF_ADDRESS		0x258
#define BP_INIT_SIZE		0x260
#define BP_E820_TABLE		0x2d0
#define BP_SIZE			0x1000

#define HDR_MAGIC		0x53726448	/* "HdrS" */
#define BOOT_FLAG		0xaa55
#define LOADED_HIGH		BIT(0)
#define QUIET_FLAG		BIT(5)
#define XLF_KERNEL_64		BIT(0)
#define LOADER_UNDEFINED	0xff
#define ENTRY_64		0x200	/* startup_64, from the load address */
/* 2.12: xloadflags (the 64-bit entry is announced); 2.14: acpi_rsdp_addr. */
#define PROTOCOL_MIN		0x020c
#define PROTOCOL_RSDP		0x020e

#define E820_RAM		1
#define E820_RESERVED		2

#define lb_error(path, fmt, ...) \
	fprintf(stderr, "%s: %s: " fmt "\n", progname, path, ##__VA_ARGS__)

static uint16_t get16(const unsigned char *p, unsigned int off)
{
	uint16_t v;

	memcpy(&v, p + off, 2);
	return v;
}

static uint32_t get32(const unsigned char *p, unsigned int off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

static void put32(unsigned char *p, unsigned int off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

static void put64(unsigned char *p, unsigned int off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}

/* The setup header: what kind of kernel, and where its parts go. */
static int linux_check_header(struct linux_boot *lb)
{
	const struct image *k = &lb->kernel;
	const unsigned char *d = k->data;
	unsigned int sects;

	if (k->size < BP_SIZE || get16(d, BP_BOOT_FLAG) != BOOT_FLAG ||
	    get32(d, BP_HEADER) != HDR_MAGIC) {
		lb_error(k->path, "not a bzImage (no boot flag or \"HdrS\" setup header)");
		return -1;
	}
	lb->version = get16(d, BP_VERSION);
	if (lb->version < PROTOCOL_MIN || !(get16(d, BP_XLOADFLAGS) & XLF_KERNEL_64)) {
		lb_error(k->path, "boot protocol %u.%02u, %s",
			 lb->version >> 8, lb->version & 0xff,
			 "no 64-bit entry (needs 2.12 and XLF_KERNEL_64)");
		return -1;
	}
	if (!(d[BP_LOADFLAGS] & LOADED_HIGH)) {
		lb_error(k->path, "a zImage (loaded low): only bzImages are supported");
		return -1;
	}
	sects = d[BP_SETUP_SECTS] ? d[BP_SETUP_SECTS] : 4;
	lb->setup_size = (sects + 1) * 512;
	/* The header ends where the jump at 0x200 lands. */
	lb->header_end = BP_JUMP + 2 + d[BP_JUMP + 1];
	if (lb->setup_size >= k->size || lb->header_end > BP_SIZE) {
		lb_error(k->path, "setup header is inconsistent with the file size");
		return -1;
	}
	return 0;
}

/*
 * RAM layout: the kernel at 1 MiB needs init_size bytes there to unpack
 * (it moves itself higher if it is relocatable, within the same need);
 * the initrd goes at the top of RAM, below initrd_addr_max, page aligned.
 */
static int linux_check_layout(struct linux_boot *lb)
{
	const unsigned char *d = lb->kernel.data;
	uint64_t init_size = get32(d, BP_INIT_SIZE), pref;
	uint64_t kernel_end, start = PC_KERNEL_LOAD, top, max;

	/* A relocatable kernel unpacks at its preferred address if higher. */
	memcpy(&pref, d + BP_PREF_ADDRESS, 8);
	if (pref > start)
		start = pref;
	kernel_end = start + (init_size ? init_size : lb->kernel.size - lb->setup_size);
	top = lb->ram_size;
	max = (uint64_t)get32(d, BP_INITRD_ADDR_MAX) + 1;
	if (top > max)
		top = max;
	if (lb->initrd.data && lb->initrd.size > top - PC_KERNEL_LOAD) {
		lb_error(lb->initrd.path, "does not fit below %#llx", (unsigned long long)top);
		return -1;
	}
	lb->initrd_gpa = top;
	if (lb->initrd.data)
		lb->initrd_gpa = (top - lb->initrd.size) & ~0xfffULL;
	/* The file's payload too, whatever init_size claims. */
	if (kernel_end < PC_KERNEL_LOAD + lb->kernel.size - lb->setup_size)
		kernel_end = PC_KERNEL_LOAD + lb->kernel.size - lb->setup_size;
	if (kernel_end > lb->initrd_gpa) {
		lb_error(lb->kernel.path,
			 "needs RAM up to %#llx to unpack, and the initrd starts at %#llx: give more --mem",
			 (unsigned long long)kernel_end, (unsigned long long)lb->initrd_gpa);
		return -1;
	}
	if (lb->cmdline) {
		uint64_t max_len = get32(d, BP_CMDLINE_SIZE);

		if (max_len > PC_CMDLINE_MAX - 1)
			max_len = PC_CMDLINE_MAX - 1;
		if (strlen(lb->cmdline) > max_len) {
			lb_error(lb->kernel.path, "--append longer than the kernel's %llu bytes",
				 (unsigned long long)max_len);
			return -1;
		}
	}
	return 0;
}

int linux_prepare(struct linux_boot *lb, const char *kernel, const char *initrd,
		  const char *cmdline, uint64_t ram_size)
{
	memset(lb, 0, sizeof(*lb));
	lb->cmdline = cmdline;
	lb->ram_size = ram_size;
	if (image_read(&lb->kernel, kernel))
		return -1;
	if (initrd && image_read(&lb->initrd, initrd))
		goto err;
	if (linux_check_header(lb) || linux_check_layout(lb))
		goto err;
	return 0;
err:
	linux_free(lb);
	return -1;
}

void linux_free(struct linux_boot *lb)
{
	if (lb->kernel.data)
		image_free(&lb->kernel);
	if (lb->initrd.data)
		image_free(&lb->initrd);
}

static void e820_add(unsigned char *bp, uint64_t start, uint64_t end, uint32_t type)
{
	unsigned int n = bp[BP_E820_ENTRIES], off = BP_E820_TABLE + 20 * n;

	put64(bp, off, start);
	put64(bp, off + 8, end - start);
	put32(bp, off + 16, type);
	bp[BP_E820_ENTRIES] = n + 1;
}

/*
 * Low RAM up to the EBDA, the EBDA and the BIOS area reserved (the ACPI
 * tables are there), RAM from 1 MiB. The I/O APIC and local APIC pages
 * above 3 GiB are not RAM, Linux knows them from the MADT.
 */
static void build_e820(unsigned char *bp, uint64_t ram_size)
{
	e820_add(bp, 0, PC_EBDA, E820_RAM);
	e820_add(bp, PC_EBDA, 0xa0000, E820_RESERVED);
	e820_add(bp, PC_ACPI_BASE, PC_BIOS_END, E820_RESERVED);
	e820_add(bp, PC_BIOS_END, ram_size, E820_RAM);
}

void linux_tell_tsc_khz(const struct linux_boot *lb, unsigned char *ram, uint32_t khz)
{
	uint64_t max_len = get32(lb->kernel.data, BP_CMDLINE_SIZE);
	char *cmdline = (char *)ram + PC_CMDLINE;
	size_t len = strlen(cmdline);

	if (max_len > PC_CMDLINE_MAX - 1)
		max_len = PC_CMDLINE_MAX - 1;
	if (strstr(cmdline, "tsc_early_khz=") || len + 32 > max_len)
		return;
	snprintf(cmdline + len, max_len + 1 - len, "%stsc_early_khz=%u", len ? " " : "", khz);
}

void linux_load(const struct linux_boot *lb, unsigned char *ram, uint64_t rsdp,
		struct vmctl_regs *regs, struct vmctl_sregs *sregs)
{
	const unsigned char *d = lb->kernel.data;
	unsigned char *bp = ram + PC_BOOT_PARAMS;
	const char *cmdline = lb->cmdline ? lb->cmdline : "";

	memcpy(ram + PC_KERNEL_LOAD, d + lb->setup_size, lb->kernel.size - lb->setup_size);
	if (lb->initrd.data)
		memcpy(ram + lb->initrd_gpa, lb->initrd.data, lb->initrd.size);
	memcpy(ram + PC_CMDLINE, cmdline, strlen(cmdline) + 1);

	memset(bp, 0, BP_SIZE);
	memcpy(bp + BP_SETUP_SECTS, d + BP_SETUP_SECTS, lb->header_end - BP_SETUP_SECTS);
	bp[BP_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	bp[BP_LOADFLAGS] &= ~QUIET_FLAG;
	put32(bp, BP_CODE32_START, PC_KERNEL_LOAD);
	put32(bp, BP_CMD_LINE_PTR, PC_CMDLINE);
	put32(bp, BP_EXT_CMD_LINE_PTR, 0);
	if (lb->initrd.data) {
		put32(bp, BP_RAMDISK_IMAGE, lb->initrd_gpa);
		put32(bp, BP_RAMDISK_SIZE, lb->initrd.size);
		put32(bp, BP_EXT_RAMDISK_IMAGE, 0);	/* all below 4 GiB */
		put32(bp, BP_EXT_RAMDISK_SIZE, 0);
	}
	/* Older kernels scan 0xe0000-0xfffff for it, where it also is. */
	if (lb->version >= PROTOCOL_RSDP)
		put64(bp, BP_ACPI_RSDP, rsdp);
	build_e820(bp, lb->ram_size);
	boot_linux_state(ram, PC_KERNEL_LOAD + ENTRY_64, PC_BOOT_PARAMS, regs, sregs);
}
