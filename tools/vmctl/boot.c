// SPDX-License-Identifier: GPL-2.0-only
/*
 * The state a guest image starts in: what a boot loader would have set up
 * before jumping to it. Real mode needs nothing in memory; protected mode a
 * flat GDT; long mode also identity page tables. The addresses are in
 * loader.h and Documentation/vmctl.rst.
 */
#include <string.h>

#include "loader.h"

#define CR0_PE		BIT_ULL(0)
#define CR0_MP		BIT_ULL(1)
#define CR0_ET		BIT_ULL(4)
#define CR0_NE		BIT_ULL(5)
#define CR0_PG		BIT_ULL(31)
#define CR4_PAE		BIT_ULL(5)
#define CR4_OSFXSR	BIT_ULL(9)
#define CR4_OSXMMEXCPT	BIT_ULL(10)
#define EFER_LME	BIT_ULL(8)
#define EFER_LMA	BIT_ULL(10)
#define RFLAGS_FIXED	BIT_ULL(1)	/* reserved, always 1 */

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_PS		BIT_ULL(7)	/* in a PD entry: a 2 MiB page */

/* Segment descriptor types (the S=1 ones with the accessed bit set). */
#define SEG_TYPE_DATA_RW	0x3
#define SEG_TYPE_CODE_RX	0xb
#define SEG_TYPE_TSS_BUSY	0xb	/* S=0: 32-bit or, in long mode, 64-bit */
#define SEG_TYPE_LDT		0x2

#define TSS_SIZE		104

#define MB_INFO_MEMORY		BIT(0)
#define MB_INFO_CMDLINE		BIT(2)
#define MB_INFO_MODS		BIT(3)
#define MB_INFO_MMAP		BIT(6)
#define MB_INFO_LOADER_NAME	BIT(9)
#define MB_MEMORY_AVAILABLE	1
#define MB_MEMORY_RESERVED	2
#define MB_MMAP_ENTRY		24	/* size field, then 20 bytes */
#define LEGACY_HOLE		0xa0000ULL	/* VGA and BIOS, up to 1 MiB */
#define LEGACY_HOLE_END		0x100000ULL

static void put32(unsigned char *ram, uint64_t gpa, uint32_t v)
{
	memcpy(ram + gpa, &v, sizeof(v));
}

static void put64(unsigned char *ram, uint64_t gpa, uint64_t v)
{
	memcpy(ram + gpa, &v, sizeof(v));
}

/* A legacy segment descriptor, as in the SDM's "Segment Descriptors". */
static uint64_t descriptor(uint32_t base, uint32_t limit, unsigned int type, bool s, bool l,
			   bool db, bool g)
{
	return (limit & 0xffffULL) | (base & 0xffffffULL) << 16 |
	       (uint64_t)type << 40 | (uint64_t)s << 44 | 1ULL << 47 /* P */ |
	       ((limit >> 16) & 0xfULL) << 48 | (uint64_t)l << 53 | (uint64_t)db << 54 |
	       (uint64_t)g << 55 | (uint64_t)(base >> 24) << 56;
}

/*
 * One GDT for both modes: 32-bit code, data, 64-bit code, and a TSS for TR
 * (16 bytes in long mode, whose upper half reads as a null descriptor in
 * protected mode). The TSS is marked busy, as after LTR, matching TR.
 */
static void build_gdt(unsigned char *ram)
{
	memset(ram + BOOT_GDT, 0, 0x30);
	put64(ram, BOOT_GDT + BOOT_SEL_CODE32,
	      descriptor(0, 0xfffff, SEG_TYPE_CODE_RX, true, false, true, true));
	put64(ram, BOOT_GDT + BOOT_SEL_DATA,
	      descriptor(0, 0xfffff, SEG_TYPE_DATA_RW, true, false, true, true));
	put64(ram, BOOT_GDT + BOOT_SEL_CODE64,
	      descriptor(0, 0xfffff, SEG_TYPE_CODE_RX, true, true, false, true));
	put64(ram, BOOT_GDT + BOOT_SEL_TSS,
	      descriptor(BOOT_TSS, TSS_SIZE - 1, SEG_TYPE_TSS_BUSY, false, false, false, false));
	/* No I/O permission bitmap: the map base points past the TSS. */
	memset(ram + BOOT_TSS, 0, TSS_SIZE);
	ram[BOOT_TSS + 0x66] = TSS_SIZE;
}

/* Identity map of the first 4 GiB (which holds all RAM) with 2 MiB pages. */
static void build_page_tables(unsigned char *ram)
{
	unsigned int nr_pd = BOOT_IDENTITY_MAP_SIZE >> 30, i;
	uint64_t addr;

	memset(ram + BOOT_PML4, 0, BOOT_PD + nr_pd * 0x1000 - BOOT_PML4);
	put64(ram, BOOT_PML4, BOOT_PDPT | PTE_P | PTE_RW);
	for (i = 0; i < nr_pd; i++)
		put64(ram, BOOT_PDPT + i * 8, (BOOT_PD + i * 0x1000) | PTE_P | PTE_RW);
	for (addr = 0; addr < BOOT_IDENTITY_MAP_SIZE; addr += 2 << 20)
		put64(ram, BOOT_PD + (addr >> 21) * 8, addr | PTE_P | PTE_RW | PTE_PS);
}

static void mmap_entry(unsigned char *ram, uint64_t *at, uint64_t base, uint64_t len,
		       uint32_t type)
{
	put32(ram, *at, MB_MMAP_ENTRY - 4);	/* size of the rest */
	put64(ram, *at + 4, base);
	put64(ram, *at + 12, len);
	put32(ram, *at + 20, type);
	*at += MB_MMAP_ENTRY;
}

/*
 * The memory map as a PC's firmware gives it: low RAM, the legacy hole
 * (reserved, though backed by RAM here), and RAM from 1 MiB; the boot
 * structures and modules lie in available RAM, as with GRUB.
 */
static uint32_t build_multiboot_mmap(unsigned char *ram, uint64_t ram_size)
{
	uint64_t at = BOOT_MB_MMAP;

	if (ram_size <= LEGACY_HOLE) {
		mmap_entry(ram, &at, 0, ram_size, MB_MEMORY_AVAILABLE);
	} else {
		mmap_entry(ram, &at, 0, LEGACY_HOLE, MB_MEMORY_AVAILABLE);
		mmap_entry(ram, &at, LEGACY_HOLE, LEGACY_HOLE_END - LEGACY_HOLE,
			   MB_MEMORY_RESERVED);
		if (ram_size > LEGACY_HOLE_END)
			mmap_entry(ram, &at, LEGACY_HOLE_END, ram_size - LEGACY_HOLE_END,
				   MB_MEMORY_AVAILABLE);
	}
	return at - BOOT_MB_MMAP;
}

/* The module list at img->mb_mods_list, each module's string after it. */
static void build_multiboot_modules(unsigned char *ram, const struct image *img)
{
	uint64_t list = img->mb_mods_list;
	uint64_t str = list + img->nr_modules * 16;
	unsigned int i;

	for (i = 0; i < img->nr_modules; i++) {
		const struct mb_module *m = &img->modules[i];
		size_t len = strlen(m->path);

		put32(ram, list + 16 * i, m->gpa);			/* mod_start */
		put32(ram, list + 16 * i + 4, m->gpa + m->size);	/* mod_end */
		put32(ram, list + 16 * i + 8, str);			/* string */
		put32(ram, list + 16 * i + 12, 0);
		memcpy(ram + str, m->path, len);
		str += len;
		if (m->cmdline) {
			ram[str++] = ' ';
			memcpy(ram + str, m->cmdline, strlen(m->cmdline));
			str += strlen(m->cmdline);
		}
		ram[str++] = 0;
	}
}

/*
 * The Multiboot information structure: memory sizes, the memory map, the
 * command line, our name and the modules. Offsets are the Multiboot
 * specification's.
 */
static void build_multiboot_info(unsigned char *ram, const struct image *img,
				 const struct load_opts *o)
{
	const char *cmdline = o->cmdline ? o->cmdline : "";
	uint64_t ram_kib = o->ram_size >> 10;
	uint32_t flags = MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MMAP | MB_INFO_LOADER_NAME;

	memset(ram + BOOT_MB_INFO, 0, BOOT_CMDLINE_MAX + BOOT_MB_CMDLINE - BOOT_MB_INFO);
	if (img->nr_modules) {
		flags |= MB_INFO_MODS;
		put32(ram, BOOT_MB_INFO + 20, img->nr_modules);		/* mods_count */
		put32(ram, BOOT_MB_INFO + 24, img->mb_mods_list);	/* mods_addr */
		build_multiboot_modules(ram, img);
	}
	put32(ram, BOOT_MB_INFO + 0, flags);
	put32(ram, BOOT_MB_INFO + 4, ram_kib < 640 ? ram_kib : 640);	/* mem_lower */
	put32(ram, BOOT_MB_INFO + 8, ram_kib > 1024 ? ram_kib - 1024 : 0); /* mem_upper */
	put32(ram, BOOT_MB_INFO + 16, BOOT_MB_CMDLINE);
	put32(ram, BOOT_MB_INFO + 44, build_multiboot_mmap(ram, o->ram_size)); /* mmap_length */
	put32(ram, BOOT_MB_INFO + 48, BOOT_MB_MMAP);	/* mmap_addr */
	put32(ram, BOOT_MB_INFO + 64, BOOT_MB_LOADER_NAME);

	memcpy(ram + BOOT_MB_LOADER_NAME, "vmctl", sizeof("vmctl"));
	/* The loader checked that it fits below BOOT_CMDLINE_MAX. */
	memcpy(ram + BOOT_MB_CMDLINE, cmdline, strlen(cmdline) + 1);
}

/*
 * The GDT Linux's 64-bit boot protocol asks for: flat __BOOT_CS (0x10,
 * 64-bit code) and __BOOT_DS (0x18), and our TSS at 0x20 as above.
 */
static void build_gdt_linux(unsigned char *ram)
{
	memset(ram + BOOT_GDT, 0, 0x30);
	put64(ram, BOOT_GDT + BOOT_LINUX_CS,
	      descriptor(0, 0xfffff, SEG_TYPE_CODE_RX, true, true, false, true));
	put64(ram, BOOT_GDT + BOOT_LINUX_DS,
	      descriptor(0, 0xfffff, SEG_TYPE_DATA_RW, true, false, true, true));
	put64(ram, BOOT_GDT + BOOT_SEL_TSS,
	      descriptor(BOOT_TSS, TSS_SIZE - 1, SEG_TYPE_TSS_BUSY, false, false, false, false));
	memset(ram + BOOT_TSS, 0, TSS_SIZE);
	ram[BOOT_TSS + 0x66] = TSS_SIZE;
}

static struct vmctl_segment flat_segment(uint16_t selector, unsigned int type, bool l)
{
	return (struct vmctl_segment){
		.limit = 0xffffffff, .selector = selector, .type = type,
		.present = 1, .s = 1, .l = l, .db = !l, .g = 1,
	};
}

/*
 * CS:IP = entry >> 4 : entry & 15, or 0 : entry below 64 KiB; the data and
 * stack segments share CS's base, so the image addresses its data the way
 * it addresses its code. The rest is the state after RESET.
 */
static void real_mode(const struct image *img, struct vmctl_regs *regs,
		      struct vmctl_sregs *sregs)
{
	uint16_t seg = img->entry < 0x10000 ? 0 : img->entry >> 4;
	struct vmctl_segment data = {
		.base = (uint64_t)seg << 4, .limit = 0xffff, .selector = seg,
		.type = SEG_TYPE_DATA_RW, .present = 1, .s = 1,
	};

	sregs->cs = data;
	sregs->cs.type = SEG_TYPE_CODE_RX;
	sregs->ds = data;
	sregs->es = data;
	sregs->fs = data;
	sregs->gs = data;
	sregs->ss = data;
	sregs->tr = (struct vmctl_segment){
		.limit = 0xffff, .type = SEG_TYPE_TSS_BUSY, .present = 1,
	};
	sregs->ldtr = (struct vmctl_segment){
		.limit = 0xffff, .type = SEG_TYPE_LDT, .present = 1,
	};
	sregs->gdt = (struct vmctl_dtable){ .base = 0, .limit = 0xffff };
	sregs->idt = (struct vmctl_dtable){ .base = 0, .limit = 0x3ff };
	sregs->cr0 = CR0_ET;
	regs->rip = img->entry - ((uint64_t)seg << 4);
}

/*
 * Flat 4 GiB segments from our GDT. The IDT is empty (limit 0): until the
 * guest loads its own, any exception escalates to a triple fault, which
 * vmctl reports, rather than jumping through garbage. SSE is enabled
 * (CR0.MP, CR4.OSFXSR/OSXMMEXCPT) so compiled code may use it.
 */
static void protected_mode(const struct image *img, unsigned char *ram,
			   struct vmctl_regs *regs, struct vmctl_sregs *sregs)
{
	bool lm = img->mode == MODE_LONG;

	build_gdt(ram);
	sregs->cs = lm ? flat_segment(BOOT_SEL_CODE64, SEG_TYPE_CODE_RX, true) :
			 flat_segment(BOOT_SEL_CODE32, SEG_TYPE_CODE_RX, false);
	sregs->ds = flat_segment(BOOT_SEL_DATA, SEG_TYPE_DATA_RW, false);
	sregs->es = sregs->ds;
	sregs->fs = sregs->ds;
	sregs->gs = sregs->ds;
	sregs->ss = sregs->ds;
	sregs->tr = (struct vmctl_segment){
		.base = BOOT_TSS, .limit = TSS_SIZE - 1, .selector = BOOT_SEL_TSS,
		.type = SEG_TYPE_TSS_BUSY, .present = 1,
	};
	sregs->ldtr = (struct vmctl_segment){ .type = SEG_TYPE_LDT };	/* unusable */
	sregs->gdt = (struct vmctl_dtable){ .base = BOOT_GDT, .limit = 0x2f };
	sregs->idt = (struct vmctl_dtable){ .base = 0, .limit = 0 };
	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE;
	sregs->cr4 = CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (lm) {
		build_page_tables(ram);
		sregs->cr0 |= CR0_PG;
		sregs->cr3 = BOOT_PML4;
		sregs->cr4 |= CR4_PAE;
		sregs->efer = EFER_LME | EFER_LMA;
	}
	regs->rip = img->entry;
	regs->rsp = BOOT_STACK_TOP;
}

/*
 * Linux's 64-bit entry (Documentation/arch/x86/boot.rst, "64-bit Boot
 * Protocol"): long mode with the loaded kernel, boot_params and the command
 * line identity mapped, the GDT above with CS = __BOOT_CS and the data
 * segments __BOOT_DS, interrupts off, RSI = boot_params.
 */
void boot_linux_state(unsigned char *ram, uint64_t entry, uint64_t boot_params,
		      struct vmctl_regs *regs, struct vmctl_sregs *sregs)
{
	memset(regs, 0, sizeof(*regs));
	memset(sregs, 0, sizeof(*sregs));
	build_gdt_linux(ram);
	build_page_tables(ram);
	sregs->cs = flat_segment(BOOT_LINUX_CS, SEG_TYPE_CODE_RX, true);
	sregs->ds = flat_segment(BOOT_LINUX_DS, SEG_TYPE_DATA_RW, false);
	sregs->es = sregs->ds;
	sregs->fs = sregs->ds;
	sregs->gs = sregs->ds;
	sregs->ss = sregs->ds;
	sregs->tr = (struct vmctl_segment){
		.base = BOOT_TSS, .limit = TSS_SIZE - 1, .selector = BOOT_SEL_TSS,
		.type = SEG_TYPE_TSS_BUSY, .present = 1,
	};
	sregs->ldtr = (struct vmctl_segment){ .type = SEG_TYPE_LDT };
	sregs->gdt = (struct vmctl_dtable){ .base = BOOT_GDT, .limit = 0x2f };
	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG;
	sregs->cr3 = BOOT_PML4;
	sregs->cr4 = CR4_PAE;
	sregs->efer = EFER_LME | EFER_LMA;
	regs->rflags = RFLAGS_FIXED;
	regs->rip = entry;
	regs->rsi = boot_params;
}

void boot_setup(const struct image *img, const struct load_opts *o, unsigned char *ram,
		struct vmctl_regs *regs, struct vmctl_sregs *sregs)
{
	memset(regs, 0, sizeof(*regs));
	memset(sregs, 0, sizeof(*sregs));
	regs->rflags = RFLAGS_FIXED;
	if (img->mode == MODE_REAL) {
		real_mode(img, regs, sregs);
		return;
	}
	protected_mode(img, ram, regs, sregs);
	if (img->multiboot) {
		build_multiboot_info(ram, img, o);
		regs->rax = MULTIBOOT_BOOTLOADER_MAGIC;
		regs->rbx = BOOT_MB_INFO;
	}
}
