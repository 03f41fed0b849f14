// SPDX-License-Identifier: GPL-2.0-only
/* ASID allocation per physical CPU; pure, tested by KUnit vmm_svm_asid. */
#include "asid.h"

void svm_asid_cpu_init(struct svm_asid_cpu *a, u32 max)
{
	a->generation = 1;
	a->next = 1;		/* ASID 0 is the host's */
	a->max = max;
}

/* Called on @cpu with preemption disabled, before each VMRUN. */
enum svm_asid_flush svm_asid_assign(struct svm_asid_cpu *a,
				    struct svm_asid_owner *o, int cpu)
{
	enum svm_asid_flush flush = SVM_ASID_NEW;

	if (o->cpu == cpu && o->generation == a->generation)
		return SVM_ASID_KEEP;
	if (a->next > a->max) {
		a->generation++;
		a->next = 1;
		flush = SVM_ASID_NEW_GENERATION;
	}
	o->asid = a->next++;
	o->generation = a->generation;
	o->cpu = cpu;
	return flush;
}
