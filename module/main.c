// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm: a small hypervisor for Linux, driving Intel VT-x and AMD-V itself.
 *
 * Module load picks the backend for this CPU, prepares per-CPU state, and
 * registers /dev/vmm. It does not turn the extension on: VMs do (virt.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "spec.h"
#include "vmm.h"

const struct vmm_vendor_ops *vmm_ops __ro_after_init;
struct vmm_caps vmm_host_caps __ro_after_init;

static const struct vmm_vendor_ops *const vmm_backends[] __initconst = {
	&vmm_vmx_ops,
	&vmm_svm_ops,
};

/* Return: 0 with vmm_ops set, or the first backend's refusal. */
static int __init vmm_pick_backend(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(vmm_backends); i++) {
		ret = vmm_backends[i]->probe(&vmm_host_caps);
		if (ret == -ENXIO)
			continue;
		if (ret)
			return ret;
		vmm_ops = vmm_backends[i];
		return 0;
	}
	pr_err("this CPU has neither VMX nor SVM (CPUID); nothing to drive\n");
	return -ENODEV;
}

static int __init vmm_init(void)
{
	int ret;

	ret = vmm_pick_backend();
	if (ret)
		return ret;

	vmm_fpu_init();

	ret = vmm_ops->hardware_setup();
	if (ret)
		return ret;

	ret = vmm_virt_init();
	if (ret)
		goto err_unsetup;

	vmm_debugfs_init();

	ret = vmm_dev_init();
	if (ret)
		goto err_debugfs;

	pr_info("mitigations on the world switch: %s\n", vmm_spec_report());
	pr_info("%s backend ready, features %#llx, %s with %u levels\n",
		vmm_ops->name, vmm_host_caps.features, vmm_ops->tdp_ops->name,
		vmm_ops->tdp_ops->levels());
	return 0;

err_debugfs:
	vmm_debugfs_exit();
	vmm_virt_exit();
err_unsetup:
	vmm_ops->hardware_unsetup();
	return ret;
}

static void __exit vmm_exit(void)
{
	vmm_dev_exit();
	vmm_debugfs_exit();
	vmm_virt_exit();
	vmm_ops->hardware_unsetup();
}

module_init(vmm_init);
module_exit(vmm_exit);

MODULE_DESCRIPTION("vmm: a small hypervisor for Intel VT-x and AMD-V");
MODULE_LICENSE("GPL");
