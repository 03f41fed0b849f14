/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's own page tables (guest-linear to guest-physical), walked the
 * way the guest's MMU would for one access: for what vmm reads or writes
 * on the guest's behalf. Pure: the tables are read through a callback.
 */
#ifndef VMM_MMU_WALK_H
#define VMM_MMU_WALK_H

#include <linux/bits.h>
#include <linux/types.h>

#include "../../uapi/vmm.h"

/*
 * The access, in the bits of the #PF error code that describe it (Intel
 * SDM "Page-Fault Exceptions", AMD APM "Page-Fault Error Code"), and the
 * error code a walk reports.
 */
#define VMM_PF_PRESENT	BIT(0)	/* P: a protection fault, not a missing page */
#define VMM_PF_WRITE	BIT(1)	/* W/R: a write */
#define VMM_PF_USER	BIT(2)	/* U/S: at CPL 3 */
#define VMM_PF_RSVD	BIT(3)	/* RSVD: a reserved bit set in an entry */
#define VMM_PF_FETCH	BIT(4)	/* I/D: an instruction fetch */
/* Access only: EFLAGS.AC is set, SMAP lets supervisor data accesses through. */
#define VMM_ACC_AC	BIT(31)

struct vmm_walker {
	/* Reads guest-physical memory. Return: 0, or -EFAULT. */
	int (*read)(void *ctx, u64 gpa, void *buf, unsigned int len);
	void *ctx;
	/* MAXPHYADDR: entry address bits from here up to 51 are reserved. */
	unsigned int phys_bits;
};

int vmm_walk(const struct vmm_walker *w, const struct vmm_sregs *s, u64 gva,
	     u32 access, u64 *gpa, u32 *error_code);

#endif /* VMM_MMU_WALK_H */
