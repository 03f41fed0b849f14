// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's page tables, walked for one access as the guest's MMU would
 * (Intel SDM "Paging": 32-bit, PAE, 4-level and 5-level paging, "Access
 * Rights", "Page-Fault Exceptions"; AMD APM "Page Translation and
 * Protection"). vmm walks them for the accesses it makes on the guest's
 * behalf: the elements of INS/OUTS that it transfers itself, the bytes of
 * the instruction behind an MMIO exit. Each such access must fault where
 * the processor's would, with the same error code.
 *
 * What is checked: presence; U/S and R/W at every level, with CR0.WP for
 * supervisor writes; NX with EFER.NXE (PAE and long mode only); SMEP for
 * supervisor fetches and SMAP (unless EFLAGS.AC) for supervisor data
 * accesses to user pages; reserved bits above MAXPHYADDR, in large-page
 * addresses, PS in PML5E/PML4E, NX without EFER.NXE, PAE PDPTE bits.
 * Protection keys and shadow stacks are not (vmm offers neither). 1 GiB
 * pages are taken to exist (every CPU with NPT or EPT has them).
 *
 * Accessed and dirty bits are not set. Setting them right means a locked
 * compare-exchange on each entry in guest memory, while the guest's other
 * vCPUs may be rewriting them; a missing accessed or dirty bit costs a
 * guest at most a page it thinks clean after an emulated INS, which no
 * guest of vmm relies on today. The instruction's first access, which
 * the processor performs before the exit, has set them for its page.
 *
 * PAE paging outside long mode reads the PDPTEs from memory, where the
 * processor uses those it loaded with CR3 (they differ only for a guest
 * that rewrote them without reloading CR3).
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "walk.h"

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_PS		BIT_ULL(7)
#define PTE_NX		BIT_ULL(63)

/* The walk's state from one level to the next. */
struct walk {
	u64 table;		/* guest-physical address of the next table */
	bool user;		/* U/S set at every level so far */
	bool writable;		/* R/W set at every level so far */
	bool nx;		/* NX set at some level */
};

static int read_entry(const struct vmm_walker *w, u64 gpa, bool wide, u64 *pte)
{
	u32 narrow;

	if (wide)
		return w->read(w->ctx, gpa, pte, 8);
	if (w->read(w->ctx, gpa, &narrow, 4))
		return -EFAULT;
	*pte = narrow;
	return 0;
}

/*
 * Are the rights the walk collected enough for @access? Intel SDM "Access
 * Rights": user accesses need U/S everywhere, and R/W everywhere to
 * write; supervisor writes need R/W everywhere only with CR0.WP; fetches
 * fail on NX, and from supervisor mode on user pages with SMEP; SMAP
 * stops supervisor data accesses to user pages unless EFLAGS.AC is set.
 */
static bool allowed(const struct vmm_sregs *s, const struct walk *wk, u32 access)
{
	bool user_access = access & VMM_PF_USER;

	if (user_access && !wk->user)
		return false;
	if (access & VMM_PF_FETCH) {
		if (wk->nx)
			return false;
		return user_access || !wk->user || !(s->cr4 & X86_CR4_SMEP);
	}
	if ((access & VMM_PF_WRITE) && !wk->writable &&
	    (user_access || (s->cr0 & X86_CR0_WP)))
		return false;
	if (!user_access && wk->user && (s->cr4 & X86_CR4_SMAP) &&
	    !(access & VMM_ACC_AC))
		return false;
	return true;
}

/**
 * vmm_walk() - translate a guest-linear address for one access
 * @w: how to read guest memory, and the guest's MAXPHYADDR
 * @s: the guest's control registers (CR0, CR3, CR4, EFER)
 * @gva: the linear address (outside long mode, its low 32 bits count)
 * @access: VMM_PF_WRITE, VMM_PF_USER, VMM_PF_FETCH, VMM_ACC_AC
 * @gpa: out: the guest-physical address
 * @error_code: out, on -EACCES: the #PF error code; CR2 is @gva
 *
 * Return: 0; -EACCES if the access faults (a #PF for the guest); -EFAULT
 * if a table is not in guest memory.
 */
int vmm_walk(const struct vmm_walker *w, const struct vmm_sregs *s, u64 gva,
	     u32 access, u64 *gpa, u32 *error_code)
{
	bool lma = s->efer & EFER_LMA, pae = s->cr4 & X86_CR4_PAE;
	/* NX exists only in PAE entries (long mode has CR4.PAE set too). */
	bool nxe = pae && (s->efer & EFER_NX);
	u64 rsvd_addr = w->phys_bits < 52 ? GENMASK_ULL(51, w->phys_bits) : 0;
	struct walk wk = { .user = true, .writable = true };
	u32 fault = access & (VMM_PF_WRITE | VMM_PF_USER);
	int levels, level;
	u64 pte, rsvd;

	/* The I/D bit: only where fetches can fault (SMEP, or NX). */
	if ((access & VMM_PF_FETCH) && (nxe || (s->cr4 & X86_CR4_SMEP)))
		fault |= VMM_PF_FETCH;
	if (!(s->cr0 & X86_CR0_PG)) {
		*gpa = gva;
		return 0;
	}
	/*
	 * CR3's address bits: 51:12 in long mode, where bits 11:0 are the
	 * PCID with CR4.PCIDE (else PWT, PCD and ignored bits); 31:5 for PAE
	 * paging, the PDPT being 32-byte aligned; 31:12 for 32-bit paging.
	 */
	if (lma) {
		levels = (s->cr4 & X86_CR4_LA57) ? 5 : 4;
		wk.table = s->cr3 & GENMASK_ULL(51, 12);
	} else {
		levels = pae ? 3 : 2;
		wk.table = s->cr3 & (pae ? GENMASK_ULL(31, 5) : GENMASK_ULL(31, 12));
		gva = (u32)gva;
	}

	for (level = levels; level >= 1; level--) {
		unsigned int shift;
		u64 index;

		if (!pae) {
			shift = 12 + 10 * (level - 1);
			index = (gva >> shift) & 1023;
			if (read_entry(w, wk.table + index * 4, false, &pte))
				return -EFAULT;
		} else {
			shift = 12 + 9 * (level - 1);
			index = (gva >> shift) & (lma || level < 3 ? 511 : 3);
			if (read_entry(w, wk.table + index * 8, true, &pte))
				return -EFAULT;
		}
		if (!(pte & PTE_P))
			goto page_fault;

		if (!pae) {
			/* 32-bit paging: a 4 MiB page with CR4.PSE. */
			if (level == 2 && (pte & PTE_PS) && (s->cr4 & X86_CR4_PSE)) {
				/* Bit 21 is reserved; PSE-36 puts bits 39:32 in 20:13. */
				if (pte & BIT_ULL(21))
					goto rsvd_fault;
				wk.user &= !!(pte & PTE_US);
				wk.writable &= !!(pte & PTE_RW);
				*gpa = (pte & GENMASK_ULL(31, 22)) |
				       ((pte & GENMASK_ULL(20, 13)) << 19) |
				       (gva & GENMASK_ULL(21, 0));
				break;
			}
			wk.user &= !!(pte & PTE_US);
			wk.writable &= !!(pte & PTE_RW);
			wk.table = pte & GENMASK_ULL(31, 12);
			if (level == 1)
				*gpa = wk.table | (gva & 0xfff);
			continue;
		}

		if (!lma && level == 3) {
			/*
			 * A PAE PDPTE: no rights of its own; bits 2:1, 8:5 and
			 * 63:MAXPHYADDR are reserved.
			 */
			if (pte & (GENMASK_ULL(2, 1) | GENMASK_ULL(8, 5) | PTE_NX |
				   GENMASK_ULL(62, 52) | rsvd_addr))
				goto rsvd_fault;
			wk.table = pte & GENMASK_ULL(51, 12);
			continue;
		}

		rsvd = rsvd_addr | (nxe ? 0 : PTE_NX);
		/* PAE entries outside long mode reserve bits 62:52 as well. */
		if (!lma)
			rsvd |= GENMASK_ULL(62, 52);
		/* PS is reserved in PML5Es and PML4Es. */
		if (level >= 4)
			rsvd |= PTE_PS;
		/* A large page's address bits below its size, but for PAT. */
		if ((level == 2 || level == 3) && (pte & PTE_PS))
			rsvd |= GENMASK_ULL(shift - 1, 13);
		if (pte & rsvd)
			goto rsvd_fault;
		wk.user &= !!(pte & PTE_US);
		wk.writable &= !!(pte & PTE_RW);
		wk.nx |= nxe && (pte & PTE_NX);
		if ((level == 2 || level == 3) && (pte & PTE_PS)) {
			*gpa = (pte & GENMASK_ULL(51, shift)) |
			       (gva & GENMASK_ULL(shift - 1, 0));
			break;
		}
		wk.table = pte & GENMASK_ULL(51, 12);
		if (level == 1)
			*gpa = wk.table | (gva & 0xfff);
	}
	if (allowed(s, &wk, access))
		return 0;
	fault |= VMM_PF_PRESENT;
	goto page_fault;

rsvd_fault:
	fault |= VMM_PF_PRESENT | VMM_PF_RSVD;
page_fault:
	*error_code = fault;
	return -EACCES;
}
