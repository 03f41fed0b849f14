/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ASIDs: tags that keep guests' TLB entries apart. Each physical CPU hands
 * them out in order; when it runs out it starts a new generation, which makes
 * every ASID handed out before stale, and flushes the whole TLB once. A vCPU
 * keeps its ASID while it stays on the same CPU in the same generation, and
 * gets a fresh one (flushed) otherwise, e.g. after migrating.
 */
#ifndef VMM_SVM_ASID_H
#define VMM_SVM_ASID_H

#include <linux/types.h>

struct svm_asid_cpu {
	u64 generation;		/* starts at 1: a zeroed owner is always stale */
	u32 next;		/* the next ASID to hand out */
	u32 max;		/* the last usable ASID */
};

struct svm_asid_owner {
	u64 generation;
	u32 asid;
	int cpu;
};

enum svm_asid_flush {
	SVM_ASID_KEEP,		/* same ASID, nothing to flush */
	SVM_ASID_NEW,		/* new ASID: flush its entries */
	SVM_ASID_NEW_GENERATION,/* wrapped: flush everything */
};

void svm_asid_cpu_init(struct svm_asid_cpu *a, u32 max);
enum svm_asid_flush svm_asid_assign(struct svm_asid_cpu *a,
				    struct svm_asid_owner *o, int cpu);

#endif /* VMM_SVM_ASID_H */
