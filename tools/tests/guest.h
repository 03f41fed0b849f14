/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * guest.h: tiny guests for the userspace tests, through /dev/vmm only (no
 * vendor knowledge), so that the same tests run on VMX and SVM.
 *
 * A guest has MEM_SIZE bytes of memory at guest-physical 0 and starts at
 * CODE in the mode asked for:
 *   GUEST_REAL  real mode, CS = 0
 *   GUEST_PROT  32-bit protected mode, flat segments, paging off
 *   GUEST_LONG  64-bit mode, identity map of the first GiB (2 MiB pages)
 * with SSE enabled (CR4.OSFXSR) in each, RSP = STACK_TOP, no IDT.
 *
 * Guest code is written in the test's C file with GUEST_CODE(), assembled
 * by gas with the .code16/.code32/.code64 directive for its mode.
 */
#ifndef VMM_TESTS_GUEST_H
#define VMM_TESTS_GUEST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi/vmm.h"

#define BIT_ULL(n)	(1ULL << (n))

#define MEM_SIZE	0x100000
#define CODE		0x1000
#define STACK_TOP	0x8000
#define GDT		0x500		/* null, code32, data, code64, TSS */
#define TSS		0x580
#define PML4		0x10000		/* long mode: PML4, PDPT, PD */

#define SEL_CODE32	0x08
#define SEL_DATA	0x10
#define SEL_CODE64	0x18
#define SEL_TSS		0x20

#define CR0_PE		BIT_ULL(0)
#define CR0_MP		BIT_ULL(1)
#define CR0_EM		BIT_ULL(2)
#define CR0_ET		BIT_ULL(4)
#define CR0_NE		BIT_ULL(5)
#define CR0_NW		BIT_ULL(29)
#define CR0_CD		BIT_ULL(30)
#define CR0_PG		BIT_ULL(31)
#define CR4_PAE		BIT_ULL(5)
#define CR4_OSFXSR	BIT_ULL(9)
#define CR4_OSXMMEXCPT	BIT_ULL(10)
#define CR4_OSXSAVE	BIT_ULL(18)
#define EFER_LME	BIT_ULL(8)
#define EFER_LMA	BIT_ULL(10)

/* struct vmm_segment.attrib: type, S, DPL 0, P, L, D/B, G. */
#define ATTR_CODE16	0x09b
#define ATTR_DATA16	0x093
#define ATTR_CODE32	0xc9b
#define ATTR_CODE64	0xa9b
#define ATTR_DATA32	0xc93
#define ATTR_TSS_BUSY	0x08b

/*
 * GUEST_CODE(name, "16"|"32"|"64", "asm"): name[] .. name_end[] hold the
 * machine code, for copying to CODE.
 */
/*
 * Can this machine run a guest that loops without any VM exit? Bochs 2.7
 * stops every emulated CPU, its clock and devices while a nested guest
 * does (kvm-intel's guests and vmm's alike; see Documentation/lab.rst).
 * There the tests' busy guests exit to the kernel (CPUID, handled there)
 * at every round of their loop instead: still a vCPU that stays inside
 * VMM_RUN until something stops it. The lab's /init exports
 * VMM_LAB_EMULATOR from the kernel command line.
 */
static inline int spinning_guests_ok(void)
{
	const char *emulator = getenv("VMM_LAB_EMULATOR");

	return !(emulator && !strcmp(emulator, "bochs"));
}

#define GUEST_CODE(name, bits, text)					\
	extern const unsigned char name[], name##_end[];		\
	asm(".pushsection .rodata\n"					\
	    ".code" bits "\n"						\
	    #name ":\n" text "\n"					\
	    #name "_end:\n"						\
	    ".code64\n"							\
	    ".popsection\n")

enum guest_mode { GUEST_REAL, GUEST_PROT, GUEST_LONG };

struct guest {
	int vm, vcpu;
	unsigned char *mem;
	struct vmm_run *run;
};

static inline int slot(int vm, unsigned int n, unsigned long long gpa,
		       unsigned long long size, void *host)
{
	struct vmm_memory_slot s = {
		.slot = n, .guest_phys_addr = gpa, .size = size,
		.userspace_addr = (unsigned long)host,
	};

	return ioctl(vm, VMM_SET_MEMORY_SLOT, &s) < 0 ? -errno : 0;
}

static inline int create_vcpu(int vm, unsigned int id)
{
	struct vmm_create_vcpu c = { .id = id };
	int fd = ioctl(vm, VMM_CREATE_VCPU, &c);

	return fd < 0 ? -errno : fd;
}

static inline void put64(unsigned char *mem, uint64_t gpa, uint64_t v)
{
	memcpy(mem + gpa, &v, sizeof(v));
}

/*
 * Interrupt gates, present and DPL 0, into the IDT at guest physical @idt
 * (identity-mapped in the tests' guests): a 16-byte 64-bit one for
 * SEL_CODE64, an 8-byte 32-bit one for SEL_CODE32. Their first 8 bytes
 * have the same layout.
 */
static inline void idt_gate8(unsigned char *e, uint16_t sel, uint32_t off)
{
	memset(e, 0, 8);
	e[0] = off;
	e[1] = off >> 8;
	e[2] = sel;
	e[3] = sel >> 8;
	e[5] = 0x8e;
	e[6] = off >> 16;
	e[7] = off >> 24;
}

static inline void idt64_gate(unsigned char *mem, uint64_t idt, unsigned int vec,
			      uint64_t off)
{
	idt_gate8(mem + idt + vec * 16, SEL_CODE64, off);
	put64(mem, idt + vec * 16 + 8, off >> 32);
}

static inline void idt32_gate(unsigned char *mem, uint64_t idt, unsigned int vec,
			      uint32_t off)
{
	idt_gate8(mem + idt + vec * 8, SEL_CODE32, off);
}

static inline struct vmm_segment flat_seg(uint16_t sel, uint16_t attrib)
{
	return (struct vmm_segment){ .limit = 0xffffffff, .selector = sel,
				     .attrib = attrib };
}

/* The registers and memory for @mode; @sregs comes from VMM_GET_SREGS. */
static inline void guest_mode_state(unsigned char *mem, enum guest_mode mode,
				    struct vmm_sregs *sregs)
{
	unsigned int i;

	if (mode == GUEST_REAL) {
		sregs->cs.base = 0;
		sregs->cs.selector = 0;
		sregs->cr0 &= ~CR0_EM;
		sregs->cr0 |= CR0_MP;
		sregs->cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
		return;
	}
	/* A GDT matching the segments, for guests that reload them. */
	memset(mem + GDT, 0, 0x30);
	put64(mem, GDT + SEL_CODE32, 0x00cf9b000000ffffULL);
	put64(mem, GDT + SEL_DATA, 0x00cf93000000ffffULL);
	put64(mem, GDT + SEL_CODE64, 0x00af9b000000ffffULL);
	put64(mem, GDT + SEL_TSS, 0x00008b0000000067ULL | ((uint64_t)TSS << 16));
	memset(mem + TSS, 0, 104);
	sregs->cs = mode == GUEST_LONG ? flat_seg(SEL_CODE64, ATTR_CODE64) :
					 flat_seg(SEL_CODE32, ATTR_CODE32);
	sregs->ds = flat_seg(SEL_DATA, ATTR_DATA32);
	sregs->es = sregs->ds;
	sregs->fs = sregs->ds;
	sregs->gs = sregs->ds;
	sregs->ss = sregs->ds;
	sregs->tr = (struct vmm_segment){ .base = TSS, .limit = 103,
					  .selector = SEL_TSS,
					  .attrib = ATTR_TSS_BUSY };
	sregs->ldtr = (struct vmm_segment){ 0 };
	sregs->gdt.base = GDT;
	sregs->gdt.limit = 0x27;
	sregs->idt.base = 0;
	sregs->idt.limit = 0;
	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE;
	sregs->cr4 = CR4_OSFXSR | CR4_OSXMMEXCPT;
	sregs->efer = 0;
	if (mode == GUEST_LONG) {
		/* PML4 -> PDPT -> PD of 2 MiB pages: the first GiB. */
		memset(mem + PML4, 0, 3 * 4096);
		put64(mem, PML4, (PML4 + 0x1000) | 3);
		put64(mem, PML4 + 0x1000, (PML4 + 0x2000) | 3);
		for (i = 0; i < 512; i++)
			put64(mem, PML4 + 0x2000 + i * 8, ((uint64_t)i << 21) | 0x83);
		sregs->cr0 |= CR0_PG;
		sregs->cr3 = PML4;
		sregs->cr4 |= CR4_PAE;
		sregs->efer = EFER_LME | EFER_LMA;
	}
}

/* A vCPU in @vm running @code at CODE in @mode, its run page mapped. */
static inline int vcpu_setup(struct guest *g, unsigned int id, enum guest_mode mode,
			     const void *code, size_t len)
{
	struct vmm_sregs sregs;
	struct vmm_regs regs;

	memcpy(g->mem + CODE, code, len);
	g->vcpu = create_vcpu(g->vm, id);
	if (g->vcpu < 0) {
		errno = -g->vcpu;
		return -1;
	}
	g->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu, 0);
	if (g->run == MAP_FAILED)
		return -1;
	if (ioctl(g->vcpu, VMM_GET_SREGS, &sregs) < 0)
		return -1;
	guest_mode_state(g->mem, mode, &sregs);
	if (ioctl(g->vcpu, VMM_SET_SREGS, &sregs) < 0)
		return -1;
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE;
	regs.rflags = 2;
	regs.rsp = STACK_TOP;
	return ioctl(g->vcpu, VMM_SET_REGS, &regs);
}

/* A VM with MEM_SIZE bytes at 0 and one vCPU running @code in @mode. */
static inline int guest_setup_mode(struct guest *g, int dev, enum guest_mode mode,
				   const void *code, size_t len)
{
	struct vmm_create_vm cv = { 0 };

	memset(g, 0, sizeof(*g));
	g->vm = -1;
	g->vcpu = -1;
	g->run = MAP_FAILED;
	g->vm = ioctl(dev, VMM_CREATE_VM, &cv);
	if (g->vm < 0)
		return -1;
	g->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->mem == MAP_FAILED) {
		g->mem = NULL;
		return -1;
	}
	if (slot(g->vm, 0, 0, MEM_SIZE, g->mem))
		return -1;
	return vcpu_setup(g, 0, mode, code, len);
}

/* The real-mode guest of most tests. */
static inline int guest_setup(struct guest *g, int dev, const void *code, size_t len)
{
	return guest_setup_mode(g, dev, GUEST_REAL, code, len);
}

static inline void guest_teardown(struct guest *g)
{
	if (g->run != MAP_FAILED)
		munmap(g->run, 4096);
	if (g->vcpu >= 0)
		close(g->vcpu);
	if (g->vm >= 0)
		close(g->vm);
	if (g->mem)
		munmap(g->mem, MEM_SIZE);
}

static inline int run(struct guest *g)
{
	return ioctl(g->vcpu, VMM_RUN, 0) < 0 ? -errno : 0;
}

/* Does this CPU have AVX, enabled by the host kernel in XCR0? */
static inline int host_has_avx(void)
{
	unsigned int a, b, c, d, lo, hi;

	asm volatile("cpuid" : "=a" (a), "=b" (b), "=c" (c), "=d" (d) : "a" (1), "c" (0));
	if (!(c & (1u << 27)) || !(c & (1u << 28)))	/* OSXSAVE, AVX */
		return 0;
	asm volatile("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return (lo & 6) == 6;
}

#endif
