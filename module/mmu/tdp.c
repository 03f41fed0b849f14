// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest-physical page-table walker shared by EPT and NPT, four or five
 * levels deep: as many as the hardware will walk, which the VM fixes when
 * it is created. Callers serialize with the VM's lock; the hardware reads
 * the tables concurrently, so entries are written whole with WRITE_ONCE().
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>

#include "mmu.h"

#define TDP_INDEX_BITS	9
#define TDP_ENTRIES	BIT(TDP_INDEX_BITS)

/* Address bits that @levels levels of tables translate: 48 or 57. */
static unsigned int tdp_gpa_bits(unsigned int levels)
{
	return PAGE_SHIFT + TDP_INDEX_BITS * levels;
}

static unsigned int tdp_index(u64 gpa, unsigned int level)
{
	return (gpa >> tdp_gpa_bits(level - 1)) & (TDP_ENTRIES - 1);
}

/**
 * vmm_mmu_gpa_limit() - the end of what the tables can map
 * @mmu: the guest-physical page tables
 *
 * Return: the first guest-physical address beyond the tables' reach.
 */
u64 vmm_mmu_gpa_limit(const struct vmm_mmu *mmu)
{
	return BIT_ULL(tdp_gpa_bits(mmu->levels));
}

/*
 * Above the limit, tdp_index() would drop the high bits at the root and
 * the walk would land on a lower address's entries: refuse, never alias.
 */
static bool tdp_covers(const struct vmm_mmu *mmu, u64 gpa)
{
	return gpa < vmm_mmu_gpa_limit(mmu);
}

static u64 *tdp_alloc_table(struct vmm_mmu *mmu)
{
	u64 *t = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (t)
		mmu->nr_tables++;
	return t;
}

/**
 * vmm_mmu_init() - empty guest-physical page tables
 * @mmu: the tables to set up
 * @ops: the entry format
 * @levels: how many levels the hardware will walk: the root must sit at
 *	exactly that depth, or it reads the next level's tables (and under
 *	them, guest pages) as page tables
 *
 * Return: 0, -EINVAL for a depth the walker does not build, or -ENOMEM.
 */
int vmm_mmu_init(struct vmm_mmu *mmu, const struct vmm_pte_ops *ops,
		 unsigned int levels)
{
	if (levels < VMM_MMU_MIN_LEVELS || levels > VMM_MMU_MAX_LEVELS)
		return -EINVAL;
	mmu->ops = ops;
	mmu->levels = levels;
	mmu->nr_tables = 0;
	xa_init(&mmu->pinned);
	mmu->root = tdp_alloc_table(mmu);
	return mmu->root ? 0 : -ENOMEM;
}

/* The leaf entry slot for @gpa, allocating tables on the way if @alloc. */
static u64 *tdp_walk(struct vmm_mmu *mmu, u64 gpa, bool alloc)
{
	u64 *table = mmu->root;
	unsigned int level;

	for (level = mmu->levels; level > 1; level--) {
		u64 *slot = &table[tdp_index(gpa, level)];
		u64 *next;

		if (mmu->ops->present(*slot)) {
			table = phys_to_virt(mmu->ops->addr(*slot));
			continue;
		}
		if (!alloc)
			return NULL;
		next = tdp_alloc_table(mmu);
		if (!next)
			return NULL;
		WRITE_ONCE(*slot, mmu->ops->table(virt_to_phys(next)));
		table = next;
	}
	return &table[tdp_index(gpa, 1)];
}

/**
 * vmm_mmu_map() - map one guest page to a pinned host page
 * @mmu: the guest-physical page tables
 * @gpa: page-aligned guest-physical address
 * @page: the host page, pinned by the caller
 * @writable: whether the guest may write it
 *
 * The MMU takes over the pin: it is dropped when the page is unmapped.
 * Return: 0, -EEXIST if @gpa is already mapped, -ERANGE if it is beyond
 * vmm_mmu_gpa_limit(), or -ENOMEM (on error the pin stays the caller's).
 */
int vmm_mmu_map(struct vmm_mmu *mmu, u64 gpa, struct page *page, bool writable)
{
	unsigned long gfn = gpa >> PAGE_SHIFT;
	u64 *leaf;
	int ret;

	if (!tdp_covers(mmu, gpa))
		return -ERANGE;
	leaf = tdp_walk(mmu, gpa, true);
	if (!leaf)
		return -ENOMEM;
	if (mmu->ops->present(*leaf))
		return -EEXIST;
	ret = xa_insert(&mmu->pinned, gfn, page, GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret == -EBUSY ? -EEXIST : ret;
	WRITE_ONCE(*leaf, mmu->ops->leaf(page_to_phys(page), writable));
	return 0;
}

/**
 * vmm_mmu_zap() - unmap the guest pages in [@gpa, @gpa + @size)
 * @mmu: the guest-physical page tables
 * @gpa: start of the range
 * @size: length of the range in bytes
 *
 * The pages stay pinned: vCPUs may still reach them through their TLBs
 * until they have flushed, after which vmm_mmu_release() lets them go.
 * Return: the number of pages unmapped.
 */
unsigned long vmm_mmu_zap(struct vmm_mmu *mmu, u64 gpa, u64 size)
{
	unsigned long first = gpa >> PAGE_SHIFT;
	unsigned long last = (gpa + size - 1) >> PAGE_SHIFT;
	unsigned long gfn, n = 0;
	struct page *page;

	xa_for_each_range(&mmu->pinned, gfn, page, first, last) {
		u64 *leaf = tdp_walk(mmu, (u64)gfn << PAGE_SHIFT, false);

		if (leaf && mmu->ops->present(*leaf)) {
			WRITE_ONCE(*leaf, 0);
			n++;
		}
	}
	return n;
}

/**
 * vmm_mmu_release() - unpin the zapped pages in [@gpa, @gpa + @size)
 * @mmu: the guest-physical page tables
 * @gpa: start of the range
 * @size: length of the range in bytes
 *
 * Only once no vCPU can hold a translation to them (see vmm_mmu_zap()).
 */
void vmm_mmu_release(struct vmm_mmu *mmu, u64 gpa, u64 size)
{
	unsigned long first = gpa >> PAGE_SHIFT;
	unsigned long last = (gpa + size - 1) >> PAGE_SHIFT;
	unsigned long gfn;
	struct page *page;

	xa_for_each_range(&mmu->pinned, gfn, page, first, last) {
		xa_erase(&mmu->pinned, gfn);
		unpin_user_pages_dirty_lock(&page, 1, true);
	}
}

/* The leaf entry for @gpa, or 0: for tests and debugging. */
u64 vmm_mmu_lookup(struct vmm_mmu *mmu, u64 gpa)
{
	u64 *leaf;

	if (!tdp_covers(mmu, gpa))
		return 0;
	leaf = tdp_walk(mmu, gpa, false);

	return leaf ? *leaf : 0;
}

static void tdp_free_table(struct vmm_mmu *mmu, u64 *table, unsigned int level)
{
	unsigned int i;

	if (level > 1) {
		for (i = 0; i < TDP_ENTRIES; i++)
			if (mmu->ops->present(table[i]))
				tdp_free_table(mmu, phys_to_virt(mmu->ops->addr(table[i])),
					       level - 1);
	}
	free_page((unsigned long)table);
	mmu->nr_tables--;
}

void vmm_mmu_destroy(struct vmm_mmu *mmu)
{
	if (!mmu->root)
		return;
	/* No vCPU is left to hold a translation. */
	vmm_mmu_zap(mmu, 0, ~0ULL);
	vmm_mmu_release(mmu, 0, ~0ULL);
	tdp_free_table(mmu, mmu->root, mmu->levels);
	mmu->root = NULL;
	xa_destroy(&mmu->pinned);
}

phys_addr_t vmm_mmu_root_pa(const struct vmm_mmu *mmu)
{
	return virt_to_phys(mmu->root);
}
