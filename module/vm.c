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
#include <linux/smp.h>
/* smp_send_reschedule() traces the IPI on 6.3 and later. */
#include <trace/events/ipi.h>
#include <linux/uaccess.h>
#include <linux/vtime.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#include "spec.h"
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

/* The vCPU (vmm_vcpu.uid) that last entered a guest on each CPU. */
static DEFINE_PER_CPU(u64, vmm_last_vcpu);

/**
 * vmm_vcpu_enter_guest_mode() - about to enter the guest
 * @vcpu: the vCPU, on this CPU with interrupts off
 *
 * Pairs with vmm_vm_flush_tlbs(): either the vCPU sees the new generation
 * here and flushes, or the flusher sees it in the guest and kicks it out.
 * Return: true if the vCPU must flush its TLB before entering.
 */
bool vmm_vcpu_enter_guest_mode(struct vmm_vcpu *vcpu)
{
	int gen;

	/*
	 * Another vCPU ran here last: one guest must not train the branch
	 * predictor against the next. By number, which, unlike an address,
	 * is never reused.
	 */
	if (unlikely(__this_cpu_read(vmm_last_vcpu) != vcpu->uid)) {
		__this_cpu_write(vmm_last_vcpu, vcpu->uid);
		if (cpu_feature_enabled(VMM_FEATURE_IBPB))
			vmm_ibpb();
	}
	WRITE_ONCE(vcpu->cpu, smp_processor_id());
	/*
	 * The kernel is told of guest mode as of user mode: ticks taken
	 * meanwhile count as the task's guest time (PF_VCPU; "guest" in
	 * /proc/stat), and RCU has a quiescent state, since the vCPU holds
	 * nothing RCU protects while in the guest and may stay there for a
	 * whole time slice. vmm_guest_timing_exit() ends the former.
	 */
	vtime_account_guest_enter();
	rcu_note_context_switch(false);
	/* Ordered before reading tlb_gen; pairs with vmm_vm_flush_tlbs(). */
	smp_store_mb(vcpu->in_guest, true);
	/*
	 * Kicked since the events were put into this entry (irq.c): an
	 * interrupt to itself makes the entry exit at once, to look again.
	 */
	if (unlikely(READ_ONCE(vcpu->kicked)))
		smp_send_reschedule(smp_processor_id());
	gen = atomic_read(&vcpu->vm->tlb_gen);
	if (gen == vcpu->tlb_gen)
		return false;
	vcpu->tlb_gen = gen;
	return true;
}

void vmm_vcpu_exit_guest_mode(struct vmm_vcpu *vcpu)
{
	/* After the exit; pairs with the acquire in vmm_vm_flush_tlbs(). */
	smp_store_release(&vcpu->in_guest, false);
}

/**
 * vmm_guest_timing_exit() - the guest's time ends here
 *
 * Right after the backend enables interrupts following an exit: the timer
 * interrupt that caused the exit (or arrived during it) was taken just
 * now, with PF_VCPU still set, and counted as guest time. PF_VCPU shares
 * a word with flags that interrupt handlers change: cleared with them off.
 */
void vmm_guest_timing_exit(void)
{
	local_irq_disable();
	vtime_account_guest_exit();
	local_irq_enable();
}

static void vmm_kick(void *unused)
{
	/* The IPI itself made the guest exit: nothing else to do. */
}

/*
 * After mappings went away: make every vCPU flush before it uses guest
 * memory again. vCPUs in the guest now are sent an IPI, which forces an
 * exit; with wait, it has been taken when this returns. Called with
 * vm->lock held, so no vCPU maps anything meanwhile.
 */
static void vmm_vm_flush_tlbs(struct vmm_vm *vm)
{
	unsigned int i;

	atomic_inc(&vm->tlb_gen);
	/* Ordered before reading in_guest; pairs with enter_guest_mode. */
	smp_mb__after_atomic();
	for (i = 0; i < VMM_MAX_VCPUS; i++) {
		struct vmm_vcpu *vcpu = vm->vcpus[i];

		/* Pairs with the release in vmm_vcpu_exit_guest_mode(). */
		if (vcpu && smp_load_acquire(&vcpu->in_guest))
			smp_call_function_single(READ_ONCE(vcpu->cpu), vmm_kick,
						 NULL, 1);
	}
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
		vmm_vm_flush_tlbs(vm);
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
	atomic_set(&vm->tlb_gen, 0);
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
