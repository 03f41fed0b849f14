// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/vmm/virt: who holds the extension, and where vmm has it
 * on. The lab's hotplug and coexistence tests read it; it is not ABI.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "vmm.h"

static struct dentry *vmm_debugfs_dir;

static int virt_show(struct seq_file *m, void *unused)
{
	unsigned int cpu;

	seq_printf(m, "backend %s\nusers %u\n", vmm_ops->name, vmm_virt_users());
	for_each_online_cpu(cpu)
		seq_printf(m, "cpu%u %s\n", cpu, vmm_virt_cpu_on(cpu) ? "on" : "off");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(virt);

void vmm_debugfs_init(void)
{
	/* debugfs failures are not errors: it is a debugging aid. */
	vmm_debugfs_dir = debugfs_create_dir(VMM_NAME, NULL);
	debugfs_create_file("virt", 0444, vmm_debugfs_dir, NULL, &virt_fops);
}

void vmm_debugfs_exit(void)
{
	debugfs_remove_recursive(vmm_debugfs_dir);
}
