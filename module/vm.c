// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM objects: one per VM file descriptor.
 *
 * A VM holds a reference on the virtualization extension for its whole life,
 * so the hardware is on exactly while VMs exist. The object is freed on its
 * last reference; today that is the fd itself, later vCPU fds hold one too.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/refcount.h>
#include <linux/slab.h>

#include "vmm.h"

struct vmm_vm {
	refcount_t users;
};

static void vmm_vm_put(struct vmm_vm *vm)
{
	if (!refcount_dec_and_test(&vm->users))
		return;
	vmm_virt_put();
	kfree(vm);
}

static int vmm_vm_release(struct inode *inode, struct file *file)
{
	vmm_vm_put(file->private_data);
	return 0;
}

static long vmm_vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	/* VM ioctls arrive with the vCPU and memory work. */
	return -ENOTTY;
}

static const struct file_operations vmm_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= vmm_vm_release,
	.unlocked_ioctl	= vmm_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* Return: a new VM fd, or a negative errno. @args was checked by the caller. */
int vmm_vm_create(const struct vmm_create_vm *args)
{
	struct vmm_vm *vm;
	int ret;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	refcount_set(&vm->users, 1);

	ret = vmm_virt_get();
	if (ret)
		goto err_free;

	ret = anon_inode_getfd("vmm-vm", &vmm_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (ret < 0)
		goto err_virt;
	return ret;

err_virt:
	vmm_virt_put();
err_free:
	kfree(vm);
	return ret;
}
