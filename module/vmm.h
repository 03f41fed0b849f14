/* SPDX-License-Identifier: GPL-2.0-only */
/* vmm core: what the core's files share. Backends include vendor.h only. */
#ifndef VMM_CORE_H
#define VMM_CORE_H

#include <linux/types.h>
#include <linux/fs.h>

#include "../uapi/vmm.h"
#include "vendor.h"

#define VMM_NAME "vmm"

/* The backend picked at load, and what it reported. Read-only after init. */
extern const struct vmm_vendor_ops *vmm_ops;
extern struct vmm_caps vmm_host_caps;

/* virt.c: the extension is enabled on every online CPU while refs are held. */
int vmm_virt_init(void);
void vmm_virt_exit(void);
int vmm_virt_get(void);
void vmm_virt_put(void);
unsigned int vmm_virt_users(void);
bool vmm_virt_cpu_on(unsigned int cpu);

/* vm.c */
struct vmm_vm;
int vmm_vm_create(const struct vmm_create_vm *args);

/* dev.c */
int vmm_dev_init(void);
void vmm_dev_exit(void);
void vmm_fill_caps(struct vmm_caps *caps);

/* debugfs.c */
void vmm_debugfs_init(void);
void vmm_debugfs_exit(void);

#endif /* VMM_CORE_H */
