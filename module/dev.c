// SPDX-License-Identifier: GPL-2.0-only
/* /dev/vmm: the API version, the capability report, and VM creation. */
#include <linux/cpumask.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vmm.h"

/* Is every byte of the field zero, as the ABI requires of input it ignores? */
#define vmm_field_is_zero(field) (!memchr_inv(&(field), 0, sizeof(field)))

void vmm_fill_caps(struct vmm_caps *caps)
{
	*caps = vmm_host_caps;
	caps->flags = 0;
	caps->nr_cpus = num_online_cpus();
	/* Backends that run vCPUs inject events (not VMX on 7.x kernels). */
	if (vmm_ops->vcpu_run_once)
		caps->features |= VMM_FEAT_VCPU_EVENTS | VMM_FEAT_LAPIC;
	memset(caps->reserved, 0, sizeof(caps->reserved));
}

static long vmm_ioctl_get_caps(struct vmm_caps __user *ucaps)
{
	struct vmm_caps caps;

	if (copy_from_user(&caps, ucaps, sizeof(caps)))
		return -EFAULT;
	if (caps.flags || !vmm_field_is_zero(caps.reserved))
		return -EINVAL;
	vmm_fill_caps(&caps);
	if (copy_to_user(ucaps, &caps, sizeof(caps)))
		return -EFAULT;
	return 0;
}

static long vmm_ioctl_create_vm(const struct vmm_create_vm __user *uargs)
{
	struct vmm_create_vm args;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.pad || !vmm_field_is_zero(args.reserved))
		return -EINVAL;
	return vmm_vm_create(&args);
}

static long vmm_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case VMM_GET_API_VERSION:
		return arg ? -EINVAL : VMM_API_VERSION;
	case VMM_GET_CAPS:
		return vmm_ioctl_get_caps(argp);
	case VMM_CREATE_VM:
		return vmm_ioctl_create_vm(argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vmm_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vmm_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice vmm_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= VMM_NAME,
	.fops	= &vmm_dev_fops,
};

int vmm_dev_init(void)
{
	return misc_register(&vmm_miscdev);
}

void vmm_dev_exit(void)
{
	misc_deregister(&vmm_miscdev);
}
