// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm_mmu_walk: the guest page walker gives the translations and the #PF
 * error codes of the Intel SDM's "Access Rights" and "Page-Fault
 * Exceptions", on tables built here in a small fake guest memory.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "../walk.h"

#define PAGES		16
#define P		BIT_ULL(0)
#define RW		BIT_ULL(1)
#define US		BIT_ULL(2)
#define PS		BIT_ULL(7)
#define NX		BIT_ULL(63)
#define EC_P		VMM_PF_PRESENT
#define EC_W		VMM_PF_WRITE
#define EC_U		VMM_PF_USER
#define EC_RSVD		VMM_PF_RSVD
#define EC_I		VMM_PF_FETCH

static u8 mem[PAGES * 4096] __aligned(8);

static int fake_read(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	if (gpa >= sizeof(mem) || sizeof(mem) - gpa < len)
		return -EFAULT;
	memcpy(buf, mem + gpa, len);
	return 0;
}

static const struct vmm_walker walker = { .read = fake_read, .phys_bits = 46 };

static void set64(u64 gpa, u64 v)
{
	memcpy(mem + gpa, &v, 8);
}

static void set32(u64 gpa, u32 v)
{
	memcpy(mem + gpa, &v, 4);
}

/*
 * Long mode, 4 levels: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000; the
 * PT maps linear page i (i < 512) to frame 0x100000 + i * 4096 with @flags.
 */
static struct vmm_sregs long_mode(u64 upper, u64 leaf)
{
	struct vmm_sregs s = {
		.cr0 = X86_CR0_PE | X86_CR0_PG, .cr3 = 0x1000,
		.cr4 = X86_CR4_PAE, .efer = EFER_LME | EFER_LMA,
	};
	unsigned int i;

	memset(mem, 0, sizeof(mem));
	set64(0x1000, 0x2000 | upper);
	set64(0x2000, 0x3000 | upper);
	set64(0x3000, 0x4000 | upper);
	for (i = 0; i < 512; i++)
		set64(0x4000 + i * 8, (0x100000 + i * 4096ULL) | leaf);
	return s;
}

/* Walks @gva for @access: the error code, or -1 when it translates. */
static long walk(const struct vmm_sregs *s, u64 gva, u32 access, u64 *gpa)
{
	u32 ec = 0;
	u64 dummy;
	int ret = vmm_walk(&walker, s, gva, access, gpa ?: &dummy, &ec);

	if (!ret)
		return -1;
	return ret == -EACCES ? ec : 1000 + ret;
}

static void walk_translates_4_level(struct kunit *test)
{
	struct vmm_sregs s = long_mode(P | RW | US, P | RW | US);
	u64 gpa = 0;

	KUNIT_EXPECT_EQ(test, walk(&s, 0x5123, EC_U | EC_W, &gpa), -1);
	KUNIT_EXPECT_EQ(test, gpa, 0x105123ULL);
}

static void walk_user_rights(struct kunit *test)
{
	struct vmm_sregs s = long_mode(P | RW | US, P | US);

	/* Read-only page: user write faults whatever CR0.WP says. */
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_U, NULL), -1);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_U | EC_W, NULL), EC_P | EC_W | EC_U);
	/* A supervisor level anywhere makes it a supervisor page. */
	set64(0x2000, 0x3000 | P | RW);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_U, NULL), EC_P | EC_U);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, 0, NULL), -1);
	/* Not present: P clear, the access's bits. */
	set64(0x4000 + 5 * 8, 0);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_U | EC_W, NULL), EC_W | EC_U);
}

static void walk_write_protect(struct kunit *test)
{
	struct vmm_sregs s = long_mode(P | RW | US, P);

	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_W, NULL), -1);
	s.cr0 |= X86_CR0_WP;
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_W, NULL), EC_P | EC_W);
	/* R/W clear at an upper level counts the same. */
	s = long_mode(P | US, P | RW);
	s.cr0 |= X86_CR0_WP;
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_W, NULL), EC_P | EC_W);
}

static void walk_nx_smep_smap(struct kunit *test)
{
	struct vmm_sregs s = long_mode(P | RW | US, P | RW | US | NX);

	/* NX without EFER.NXE is a reserved bit. */
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, 0, NULL), EC_P | EC_RSVD);
	s.efer |= EFER_NX;
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, 0, NULL), -1);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_I, NULL), EC_P | EC_I);

	s = long_mode(P | RW | US, P | RW | US);
	/* Without NXE or SMEP a fetch cannot fault on rights: no I/D bit. */
	set64(0x4000 + 6 * 8, 0);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x6000, EC_I, NULL), 0);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_I, NULL), -1);
	s.cr4 |= X86_CR4_SMEP;
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_I, NULL), EC_P | EC_I);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_I | EC_U, NULL), -1);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x6000, EC_I, NULL), EC_I);

	s.cr4 = X86_CR4_PAE | X86_CR4_SMAP;
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, 0, NULL), EC_P);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_W, NULL), EC_P | EC_W);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_W | VMM_ACC_AC, NULL), -1);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_U | EC_W, NULL), -1);
	/* A supervisor fetch of a user page is SMEP's, not SMAP's. */
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_I, NULL), -1);
}

static void walk_reserved_bits(struct kunit *test)
{
	struct vmm_sregs s = long_mode(P | RW | US, P | RW | US);

	/* Beyond MAXPHYADDR (46 here). */
	set64(0x4000 + 5 * 8, BIT_ULL(50) | 0x105000 | P);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, EC_U, NULL), EC_P | EC_RSVD | EC_U);
	/* PS in a PML4E. */
	set64(0x1000, 0x2000 | P | RW | US | PS);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x6000, EC_W, NULL), EC_P | EC_RSVD | EC_W);
}

static void walk_large_pages(struct kunit *test)
{
	struct vmm_sregs s = long_mode(P | RW | US, P | RW | US);
	u64 gpa = 0;

	/* 2 MiB at PD index 1, 1 GiB at PDPT index 1. */
	set64(0x3008, 0x40000000ULL | P | RW | PS);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x212345, 0, &gpa), -1);
	KUNIT_EXPECT_EQ(test, gpa, 0x40012345ULL);
	set64(0x2008, 0x80000000ULL | P | RW | PS);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x7ffff123, 0, &gpa), -1);
	KUNIT_EXPECT_EQ(test, gpa, 0xbffff123ULL);
	/* Address bits below the page's size (but PAT's bit 12) are reserved. */
	set64(0x3008, 0x40000000ULL | BIT_ULL(13) | P | RW | PS);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x212345, 0, NULL), EC_P | EC_RSVD);
}

/* CR3 bits 11:0 are the PCID with CR4.PCIDE: not address bits. */
static void walk_cr3_pcid(struct kunit *test)
{
	struct vmm_sregs s = long_mode(P | RW | US, P | RW | US);
	u64 gpa = 0;

	s.cr3 |= 0xfe5;
	s.cr4 |= X86_CR4_PCIDE;
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5123, 0, &gpa), -1);
	KUNIT_EXPECT_EQ(test, gpa, 0x105123ULL);
}

static void walk_5_level(struct kunit *test)
{
	struct vmm_sregs s = long_mode(P | RW | US, P | RW | US);
	u64 gpa = 0;

	/* PML5 at 0x8000: entry 3 leads to the tables above. */
	set64(0x8000 + 3 * 8, 0x1000 | P | RW | US);
	s.cr3 = 0x8000;
	s.cr4 |= X86_CR4_LA57;
	KUNIT_EXPECT_EQ(test, walk(&s, (3ULL << 48) | 0x5123, 0, &gpa), -1);
	KUNIT_EXPECT_EQ(test, gpa, 0x105123ULL);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5123, EC_W, NULL), EC_W);
}

static void walk_pae(struct kunit *test)
{
	struct vmm_sregs s = {
		.cr0 = X86_CR0_PE | X86_CR0_PG, .cr3 = 0x1020 | 0x18,
		.cr4 = X86_CR4_PAE,
	};
	u64 gpa = 0;

	memset(mem, 0, sizeof(mem));
	/* The PDPT at 0x1020 (32-byte aligned); entry 2 covers 2-3 GiB. */
	set64(0x1020 + 2 * 8, 0x3000 | P);
	set64(0x3000 + 8, 0x4000 | P | RW | US);
	set64(0x4000 + 3 * 8, 0x7000 | P | US);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x80203456, EC_U, &gpa), -1);
	KUNIT_EXPECT_EQ(test, gpa, 0x7456ULL);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x80203456, EC_U | EC_W, NULL), EC_P | EC_W | EC_U);
	/* PDPTE bits 2:1 are reserved. */
	set64(0x1020 + 2 * 8, 0x3000 | P | RW);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x80203456, 0, NULL), EC_P | EC_RSVD);
}

static void walk_32_bit_pse(struct kunit *test)
{
	struct vmm_sregs s = { .cr0 = X86_CR0_PE | X86_CR0_PG, .cr3 = 0x1000 };
	u64 gpa = 0;

	memset(mem, 0, sizeof(mem));
	/* PDE 1: a 4 MiB page at 0x3_0040_0000 (PSE-36: bits 39:32 in 20:13). */
	set32(0x1004, 0x00400000 | (3 << 13) | P | RW | US | PS);
	set32(0x1008, 0x2000 | P | RW | US);
	set32(0x2000 + 4, 0x9000 | P | US);
	s.cr4 = X86_CR4_PSE;
	KUNIT_EXPECT_EQ(test, walk(&s, 0x00512345, EC_U | EC_W, &gpa), -1);
	KUNIT_EXPECT_EQ(test, gpa, 0x300512345ULL);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x00801abc, EC_U, &gpa), -1);
	KUNIT_EXPECT_EQ(test, gpa, 0x9abcULL);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x00801abc, EC_U | EC_W, NULL), EC_P | EC_W | EC_U);
	/* PDE 3 with PS: a 4 MiB page at 4 GiB with CR4.PSE, ... */
	set32(0x100c, 0x2000 | P | RW | US | PS);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x00c01abc, 0, &gpa), -1);
	KUNIT_EXPECT_EQ(test, gpa, 0x100001abcULL);
	/* ... without it PS is ignored: the PDE leads to the table at 0x2000. */
	s.cr4 = 0;
	KUNIT_EXPECT_EQ(test, walk(&s, 0x00c01abc, 0, &gpa), -1);
	KUNIT_EXPECT_EQ(test, gpa, 0x9abcULL);
}

static void walk_table_outside_memory(struct kunit *test)
{
	struct vmm_sregs s = long_mode(P | RW | US, P | RW | US);

	set64(0x3000, 0x40000000ULL | P | RW | US);
	KUNIT_EXPECT_EQ(test, walk(&s, 0x5000, 0, NULL), 1000L - EFAULT);
}

static struct kunit_case walk_cases[] = {
	KUNIT_CASE(walk_translates_4_level),
	KUNIT_CASE(walk_user_rights),
	KUNIT_CASE(walk_write_protect),
	KUNIT_CASE(walk_nx_smep_smap),
	KUNIT_CASE(walk_reserved_bits),
	KUNIT_CASE(walk_large_pages),
	KUNIT_CASE(walk_cr3_pcid),
	KUNIT_CASE(walk_5_level),
	KUNIT_CASE(walk_pae),
	KUNIT_CASE(walk_32_bit_pse),
	KUNIT_CASE(walk_table_outside_memory),
	{}
};

static struct kunit_suite walk_suite = {
	.name = "vmm_mmu_walk",
	.test_cases = walk_cases,
};

kunit_test_suite(walk_suite);
