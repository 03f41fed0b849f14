// SPDX-License-Identifier: GPL-2.0-only
/*
 * One zeroed page per possible CPU, on that CPU's memory node: the per-CPU
 * areas the hardware wants (VMXON regions, SVM host save areas).
 */
#include <linux/gfp.h>
#include <linux/percpu.h>
#include <linux/topology.h>

#include "vmm.h"

void vmm_percpu_pages_free(struct page *__percpu *pages)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct page **p = per_cpu_ptr(pages, cpu);

		if (*p)
			__free_page(*p);
		*p = NULL;
	}
}

int vmm_percpu_pages_alloc(struct page *__percpu *pages)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct page *page = alloc_pages_node(cpu_to_node(cpu),
						     GFP_KERNEL | __GFP_ZERO, 0);

		if (!page) {
			vmm_percpu_pages_free(pages);
			return -ENOMEM;
		}
		*per_cpu_ptr(pages, cpu) = page;
	}
	return 0;
}
