/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest images (loader.c) and the CPU state vmctl run starts them in
 * (boot.c). Documentation/vmctl.rst describes both for users.
 */
#ifndef VMCTL_LOADER_H
#define VMCTL_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"

enum guest_mode { MODE_REAL, MODE_PROT, MODE_LONG };

enum image_format { FORMAT_AUTO, FORMAT_FLAT, FORMAT_ELF, FORMAT_MULTIBOOT };

/*
 * What vmctl builds in guest memory for protected and long mode, all below
 * the traditional 0x7c00 and above the real-mode IVT and BIOS data area.
 * Images may not overlap [BOOT_AREA_START, BOOT_AREA_END) in those modes.
 */
#define BOOT_AREA_START		0x500
#define BOOT_GDT		0x500	/* 6 descriptors, see boot.c */
#define BOOT_TSS		0x580	/* 104 bytes */
#define BOOT_MB_INFO		0x600	/* multiboot information */
#define BOOT_MB_MMAP		0x680	/* its memory map: up to 3 entries */
#define BOOT_MB_LOADER_NAME	0x6e0	/* "vmctl" */
#define BOOT_MB_CMDLINE		0x700	/* --cmdline, up to 0x1000 */
#define BOOT_CMDLINE_MAX	(0x1000 - BOOT_MB_CMDLINE)	/* with the NUL */
#define BOOT_PML4		0x1000
#define BOOT_PDPT		0x2000
#define BOOT_PD			0x3000	/* 4 pages: 2 MiB pages up to 4 GiB */
#define BOOT_STACK_TOP		0x7c00	/* initial ESP/RSP; the stack below */
#define BOOT_AREA_END		0x7c00

/* The page tables map this much; RAM must fit in it (see run.c). */
#define BOOT_IDENTITY_MAP_SIZE	(4ULL << 30)

/* GDT selectors. */
#define BOOT_SEL_CODE32		0x08
#define BOOT_SEL_DATA		0x10
#define BOOT_SEL_CODE64		0x18
#define BOOT_SEL_TSS		0x20
/* The Linux boot protocol's __BOOT_CS and __BOOT_DS (boot_linux_state). */
#define BOOT_LINUX_CS		0x10
#define BOOT_LINUX_DS		0x18

#define MULTIBOOT_BOOTLOADER_MAGIC	0x2badb002

#define IMAGE_MAX_SEGS		32
#define MB_MODULES_MAX		16

/* A piece of the file copied to guest memory; the rest of memsz is zero. */
struct image_seg {
	uint64_t gpa;
	uint64_t file_off;
	uint64_t filesz;
	uint64_t memsz;
};

/* A Multiboot boot module (--module FILE[,CMDLINE]), page aligned in RAM. */
struct mb_module {
	const char *path;
	const char *cmdline;	/* NULL: none */
	unsigned char *data;
	size_t size;
	uint64_t gpa;
};

struct image {
	const char *path;
	unsigned char *data;	/* the whole file */
	size_t size;
	enum image_format format;	/* as detected, never FORMAT_AUTO */
	enum guest_mode mode;
	uint64_t entry;
	bool multiboot;
	unsigned int nr_segs;
	struct image_seg segs[IMAGE_MAX_SEGS];
	/* Multiboot modules, and the page with their list and strings. */
	unsigned int nr_modules;
	struct mb_module modules[MB_MODULES_MAX];
	uint64_t mb_mods_list;
};

/* The command line's say in loading; mode < 0, !has_* mean "default". */
struct load_opts {
	enum image_format format;
	int mode;
	bool has_load, has_entry;
	uint64_t load, entry;
	const char *cmdline;
	uint64_t ram_size;
	/* --pc: [start, end) holds the PC's tables, kept clear of the image */
	uint64_t reserved_start, reserved_end;
	unsigned int nr_modules;
	const char *modules[MB_MODULES_MAX];	/* --module FILE[,CMDLINE] */
};

/* loader.c: -1 after printing why; all failures are bad input (status 2). */
int image_read(struct image *img, const char *path);
int image_parse(struct image *img, const struct load_opts *o);
void image_copy(const struct image *img, unsigned char *ram);
void image_free(struct image *img);
const char *mode_name(enum guest_mode mode);
const char *format_name(enum image_format format);

/* boot.c: writes the mode's structures to ram and the initial state. */
void boot_setup(const struct image *img, const struct load_opts *o, unsigned char *ram,
		struct vmctl_regs *regs, struct vmctl_sregs *sregs);
/* boot.c: Linux's 64-bit entry state; the GDT and page tables in ram. */
void boot_linux_state(unsigned char *ram, uint64_t entry, uint64_t boot_params,
		      struct vmctl_regs *regs, struct vmctl_sregs *sregs);

#endif
