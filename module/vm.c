// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM objects: memory slots, the guest-physical page tables, and vCPUs.
 *
 * A VM holds a reference on the virtualization extension for its whole life,
 * so the hardware is on exactly while VMs exist. The VM fd and each vCPU fd
 * hold a reference on the VM; it is freed on the last one, whatever order the
 * fds are closed in.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#include "vmm.h"

#define vmm_field_is_zero(field) (!memchr_inv(&(field), 0, sizeof(field)))

/*
 * Slots' pages are pinned as the guest touches them, up to the slot's size:
 * charged to the process's RLIMIT_MEMLOCK (locked_vm) when the slot is set,
 * as for any memory the kernel keeps resident for userspace.
 */
static int vmm_slot_charge(struct vmm_vm *vm, u64 size, bool charge)
{
	return account_locked_vm(vm->mm, size >> PAGE_SHIFT, charge);
}

void vmm_vm_put(struct vmm_vm *vm)
{
	unsigned int i;

	if (!refcount_dec_and_test(&vm->users))
		return;
	for (i = 0; i < VMM_MAX_SLOTS; i++)
		vmm_slot_charge(vm, vm->slots[i].size, false);
	vmm_mmu_destroy(&vm->mmu);
	mmdrop(vm->mm);
	vmm_virt_put();
	kfree(vm);
}

static int vmm_vm_release(struct inode *inode, struct file *file)
{
	vmm_vm_put(file->private_data);
	return 0;
}

static struct vmm_slot *vmm_find_slot(struct vmm_vm *vm, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < VMM_MAX_SLOTS; i++) {
		struct vmm_slot *s = &vm->slots[i];

		if (s->size && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

/**
 * vmm_vm_fault() - back a guest-physical page that the guest touched
 * @vm: the VM
 * @gpa: the guest-physical address touched
 * @write: whether the access was a write
 *
 * Runs in the vCPU's thread, which belongs to the VM's process.
 * Return: 0 once mapped, -ENOENT if no slot covers @gpa (MMIO), -EFAULT if
 * the slot's memory is not there, or another negative errno.
 */
int vmm_vm_fault(struct vmm_vm *vm, u64 gpa, bool write)
{
	struct vmm_slot *slot;
	struct page *page;
	unsigned long uaddr;
	int ret;

	if (current->mm != vm->mm)
		return -EIO;
	mutex_lock(&vm->lock);
	slot = vmm_find_slot(vm, gpa);
	if (!slot) {
		ret = -ENOENT;
		goto out;
	}
	uaddr = slot->uaddr + ((gpa - slot->gpa) & PAGE_MASK);
	/* FOLL_LONGTERM: the pin lasts until the slot or the VM goes. */
	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE | FOLL_LONGTERM, &page);
	if (ret != 1) {
		ret = ret < 0 ? ret : -EFAULT;
		goto out;
	}
	ret = vmm_mmu_map(&vm->mmu, gpa & PAGE_MASK, page, true);
	if (ret) {
		unpin_user_page(page);
		/* Another vCPU mapped it first: nothing left to do. */
		if (ret == -EEXIST)
			ret = 0;
	}
out:
	mutex_unlock(&vm->lock);
	return ret;
}

static bool vmm_slot_overlaps(const struct vmm_slot *s, u64 gpa, u64 size)
{
	return s->size && gpa < s->gpa + s->size && s->gpa < gpa + size;
}

/*
 * Where the guest-physical space of @vm ends for slots: at what its tables
 * reach (beyond it an address would alias a lower one), and within the
 * host's physical address width, which the guest cannot address past: the
 * CPU holds the guest's own page-table entries to it (reserved bits).
 */
static u64 vmm_vm_gpa_limit(const struct vmm_vm *vm)
{
	return min(vmm_mmu_gpa_limit(&vm->mmu),
		   BIT_ULL(vmm_host_caps.phys_addr_bits));
}

/* A slot's ranges: inside the guest-physical and user address spaces. */
static int vmm_check_slot_range(const struct vmm_vm *vm,
				const struct vmm_memory_slot *a)
{
	u64 gpa_end = a->guest_phys_addr + a->size;

	if (gpa_end < a->guest_phys_addr)
		return -EINVAL;
	if (gpa_end > vmm_vm_gpa_limit(vm))
		return -ERANGE;
	if (a->userspace_addr + a->size < a->userspace_addr ||
	    !access_ok((void __user *)(unsigned long)a->userspace_addr, a->size))
		return -EFAULT;
	return 0;
}

static int vmm_set_memory_slot(struct vmm_vm *vm,
			       const struct vmm_memory_slot __user *uslot)
{
	struct vmm_memory_slot a;
	struct vmm_slot *slot;
	unsigned int i;
	int ret = 0;

	if (copy_from_user(&a, uslot, sizeof(a)))
		return -EFAULT;
	if (a.flags || !vmm_field_is_zero(a.reserved))
		return -EINVAL;
	if (a.slot >= VMM_MAX_SLOTS)
		return -EINVAL;
	if (!PAGE_ALIGNED(a.guest_phys_addr) || !PAGE_ALIGNED(a.size) ||
	    !PAGE_ALIGNED(a.userspace_addr))
		return -EINVAL;
	if (a.size) {
		ret = vmm_check_slot_range(vm, &a);
		if (ret)
			return ret;
	}

	mutex_lock(&vm->lock);
	slot = &vm->slots[a.slot];
	for (i = 0; i < VMM_MAX_SLOTS && a.size; i++) {
		if (&vm->slots[i] != slot &&
		    vmm_slot_overlaps(&vm->slots[i], a.guest_phys_addr, a.size)) {
			ret = -EEXIST;
			goto out;
		}
	}
	/*
	 * Over RLIMIT_MEMLOCK (without CAP_IPC_LOCK): ENOMEM, as mlock().
	 * A replaced slot's charge goes to the new one: only growth counts.
	 */
	if (a.size > slot->size) {
		ret = vmm_slot_charge(vm, a.size - slot->size, true);
		if (ret)
			goto out;
	}
	/*
	 * Replacing or deleting: unmap what the old slot had mapped, have every
	 * vCPU flush its TLB, and only then unpin: a vCPU running meanwhile
	 * could still write the old pages through its TLB.
	 */
	if (slot->size) {
		vmm_mmu_zap(&vm->mmu, slot->gpa, slot->size);
		vmm_vm_request_all(vm, VMM_REQ_TLB_FLUSH);
		vmm_mmu_release(&vm->mmu, slot->gpa, slot->size);
	}
	if (slot->size > a.size)
		vmm_slot_charge(vm, slot->size - a.size, false);
	slot->gpa = a.guest_phys_addr;
	slot->size = a.size;
	slot->uaddr = a.userspace_addr;
out:
	mutex_unlock(&vm->lock);
	return ret;
}

static long vmm_vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vmm_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;

	/* Only the process that made the VM may change its memory. */
	if (current->mm != vm->mm)
		return -EIO;

	switch (cmd) {
	case VMM_SET_MEMORY_SLOT:
		return vmm_set_memory_slot(vm, argp);
	case VMM_CREATE_VCPU: {
		struct vmm_create_vcpu a;

		if (copy_from_user(&a, argp, sizeof(a)))
			return -EFAULT;
		if (a.flags || !vmm_field_is_zero(a.reserved))
			return -EINVAL;
		return vmm_vcpu_create(vm, &a);
	}
	case VMM_CREATE_IRQCHIP:
		return arg ? -EINVAL : vmm_vm_create_irqchip(vm);
	case VMM_SIGNAL_MSI:
		return vmm_vm_signal_msi(vm, argp);
	case VMM_SET_PM_TIMER:
		return vmm_vm_set_pm_timer(vm, argp);
	case VMM_GET_TSC_KHZ:
		/* The guest's TSC runs at the host's rate (no scaling). */
		return arg ? -EINVAL : tsc_khz;
	default:
		return -ENOTTY;
	}
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
	const struct vmm_pte_ops *tdp = vmm_ops->tdp_ops;
	struct vmm_vm *vm;
	int ret;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	refcount_set(&vm->users, 1);
	mutex_init(&vm->lock);
	/*
	 * The VM's TSC starts at 0, as a PC's at RESET, and every vCPU
	 * created later starts on that same count, so that the guest finds
	 * its CPUs' TSCs synchronised.
	 */
	vm->tsc_offset = -rdtsc();

	/* As deep as the hardware walks; the VM keeps that depth. */
	ret = vmm_mmu_init(&vm->mmu, tdp, tdp->levels());
	if (ret)
		goto err_mmu;

	ret = vmm_virt_get();
	if (ret)
		goto err_mmu;

	mmgrab(current->mm);
	vm->mm = current->mm;
	ret = anon_inode_getfd("vmm-vm", &vmm_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (ret < 0)
		goto err_virt;
	return ret;

err_virt:
	mmdrop(vm->mm);
	vmm_virt_put();
err_mmu:
	vmm_mmu_destroy(&vm->mmu);
	kfree(vm);
	return ret;
}
