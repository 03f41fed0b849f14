/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Two-dimensional paging (EPT, NPT): the guest-physical to host-physical page
 * tables that the hardware walks. One walker for both formats; what differs
 * (the bits of an entry) is a small const ops table per format, which the
 * backend names and the core passes in. The MMU includes no vendor header.
 *
 * Guest pages are pinned while mapped and remembered by frame number, so
 * that unmapping (slot removal now; MMU notifiers, reclaim and dirty logging
 * later) finds and unpins them. Nothing here assumes a page stays pinned.
 */
#ifndef VMM_MMU_H
#define VMM_MMU_H

#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct page;

struct vmm_pte_ops {
	const char *name;
	u64 (*table)(phys_addr_t pa);			/* entry to a next table */
	u64 (*leaf)(phys_addr_t pa, bool writable);	/* 4 KiB leaf */
	bool (*present)(u64 entry);
	phys_addr_t (*addr)(u64 entry);
	/* How many levels the hardware walks; asked once per VM. */
	unsigned int (*levels)(void);
};

extern const struct vmm_pte_ops vmm_npt_ops;
extern const struct vmm_pte_ops vmm_ept_ops;

/* 4: 48-bit guest-physical addresses; 5: 57-bit. */
#define VMM_MMU_MIN_LEVELS	4
#define VMM_MMU_MAX_LEVELS	5

struct vmm_mmu {
	const struct vmm_pte_ops *ops;
	u64 *root;			/* PML4, or PML5 with 5 levels */
	unsigned int levels;
	struct xarray pinned;		/* gfn -> struct page * */
	unsigned long nr_tables;	/* page-table pages, root included */
};

int vmm_mmu_init(struct vmm_mmu *mmu, const struct vmm_pte_ops *ops,
		 unsigned int levels);
u64 vmm_mmu_gpa_limit(const struct vmm_mmu *mmu);
void vmm_mmu_destroy(struct vmm_mmu *mmu);
int vmm_mmu_map(struct vmm_mmu *mmu, u64 gpa, struct page *page, bool writable);
unsigned long vmm_mmu_zap(struct vmm_mmu *mmu, u64 gpa, u64 size);
void vmm_mmu_release(struct vmm_mmu *mmu, u64 gpa, u64 size);
phys_addr_t vmm_mmu_root_pa(const struct vmm_mmu *mmu);
u64 vmm_mmu_lookup(struct vmm_mmu *mmu, u64 gpa);

#endif /* VMM_MMU_H */
