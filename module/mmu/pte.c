// SPDX-License-Identifier: GPL-2.0-only
/*
 * Entry formats. NPT uses the host's own page-table format (AMD APM vol. 2,
 * "Nested Paging"); EPT has its own (Intel SDM, "EPT Paging-Structure
 * Entries"). Both keep the frame in bits 51:12.
 */
#include <linux/bits.h>
#include <linux/pgtable.h>

#include "mmu.h"

#define PTE_ADDR_MASK	GENMASK_ULL(51, 12)

/* x86 / NPT: present, writable, user (NPT walks are user accesses). */
#define NPT_P		BIT_ULL(0)
#define NPT_RW		BIT_ULL(1)
#define NPT_US		BIT_ULL(2)

static u64 npt_table(phys_addr_t pa)
{
	return (pa & PTE_ADDR_MASK) | NPT_P | NPT_RW | NPT_US;
}

static u64 npt_leaf(phys_addr_t pa, bool writable)
{
	return (pa & PTE_ADDR_MASK) | NPT_P | NPT_US | (writable ? NPT_RW : 0);
}

static bool npt_present(u64 e)
{
	return e & NPT_P;
}

static phys_addr_t pte_addr(u64 e)
{
	return e & PTE_ADDR_MASK;
}

/*
 * The nested walk has the host's depth: the CPU takes it from the host's
 * CR4.LA57 at VMRUN, and nothing in the VMCB says otherwise. The kernel
 * sets LA57 at boot and never changes it.
 */
static unsigned int npt_levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}

const struct vmm_pte_ops vmm_npt_ops = {
	.name		= "npt",
	.table		= npt_table,
	.leaf		= npt_leaf,
	.present	= npt_present,
	.addr		= pte_addr,
	.levels		= npt_levels,
};

/* EPT: read, write, execute; leaves write-back (memory type 6 in 5:3). */
#define EPT_R		BIT_ULL(0)
#define EPT_W		BIT_ULL(1)
#define EPT_X		BIT_ULL(2)
#define EPT_MT_WB	(6ULL << 3)

static u64 ept_table(phys_addr_t pa)
{
	return (pa & PTE_ADDR_MASK) | EPT_R | EPT_W | EPT_X;
}

static u64 ept_leaf(phys_addr_t pa, bool writable)
{
	return (pa & PTE_ADDR_MASK) | EPT_R | EPT_X | EPT_MT_WB |
	       (writable ? EPT_W : 0);
}

static bool ept_present(u64 e)
{
	/* Any of R/W/X makes an entry present. */
	return e & (EPT_R | EPT_W | EPT_X);
}

/*
 * EPT's depth is the EPTP's page-walk length, which the VMX backend sets
 * to 4 (vmx/vcpu.c); the host's own paging does not matter.
 */
static unsigned int ept_levels(void)
{
	return 4;
}

const struct vmm_pte_ops vmm_ept_ops = {
	.name		= "ept",
	.table		= ept_table,
	.leaf		= ept_leaf,
	.present	= ept_present,
	.addr		= pte_addr,
	.levels		= ept_levels,
};
