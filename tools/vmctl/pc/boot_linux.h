/* SPDX-License-Identifier: GPL-2.0-only */
/* vmctl run --kernel: Linux's x86 boot protocol (boot_linux.c). */
#ifndef VMCTL_PC_BOOT_LINUX_H
#define VMCTL_PC_BOOT_LINUX_H

#include "../loader.h"

struct linux_boot {
	struct image kernel;		/* the bzImage file */
	struct image initrd;		/* data NULL without --initrd */
	const char *cmdline;		/* --append, or NULL */
	uint64_t ram_size;
	/* From the setup header, once checked. */
	unsigned int setup_size;	/* real-mode part: (setup_sects + 1) * 512 */
	unsigned int header_end;	/* the setup header's end in the file */
	uint16_t version;
	uint64_t initrd_gpa;
};

/*
 * Adds " tsc_early_khz=KHZ" to the command line in RAM, for a guest that
 * has no CPUID leaf with the TSC frequency (AMD) and would otherwise
 * calibrate against the PIT, which nested emulation makes fail. Silently
 * not if the user gave one or it would not fit.
 */
void linux_tell_tsc_khz(const struct linux_boot *lb, unsigned char *ram, uint32_t khz);

/* Reads and checks everything; -1 after saying why (bad input). */
int linux_prepare(struct linux_boot *lb, const char *kernel, const char *initrd,
		  const char *cmdline, uint64_t ram_size);
/* Writes the kernel, initrd, command line and boot_params; the entry state. */
void linux_load(const struct linux_boot *lb, unsigned char *ram, uint64_t rsdp,
		struct vmctl_regs *regs, struct vmctl_sregs *sregs);
void linux_free(struct linux_boot *lb);

#endif
