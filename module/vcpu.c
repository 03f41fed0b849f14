// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU objects and the run loop.
 *
 * VMM_RUN enters the guest through the backend until an exit needs
 * userspace; the exit is described in the run page that userspace mapped, so
 * nothing is copied per exit. A pending signal ends VMM_RUN with -EINTR and
 * VMM_EXIT_NONE before the next entry; the guest state stays consistent and
 * VMM_RUN may simply be called again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/tsc.h>

#include "compat.h"
#include "vmm.h"

static void vmm_vcpu_free(struct vmm_vcpu *vcpu)
{
	kvfree(vcpu->cpuid);
	vmm_vcpu_irq_free(vcpu);
	vmm_ops->vcpu_free(vcpu);
	vmm_fpu_free(&vcpu->fpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

static int vmm_vcpu_release(struct inode *inode, struct file *file)
{
	struct vmm_vcpu *vcpu = file->private_data;
	struct vmm_vm *vm = vcpu->vm;

	mutex_lock(&vm->lock);
	WRITE_ONCE(vm->vcpus[vcpu->id], NULL);
	mutex_unlock(&vm->lock);
	/* Interrupt delivery may still be looking at it (irq.c). */
	synchronize_rcu();
	vmm_vcpu_free(vcpu);
	vmm_vm_put(vm);
	return 0;
}

/*
 * Without a table from userspace the guest sees the host's leaves less what
 * vmm does not give it (Documentation/security.rst): nesting, an APIC and
 * x2APIC, MONITOR/MWAIT, performance counters, INVPCID, PKU, CET, WAITPKG,
 * XSAVES and XFD (the guest's IA32_XSS and XFD are not kept), RDTSCP and
 * RDPID (VMX refuses both; SVM refuses RDTSCP, and runs RDPID with the
 * vCPU's TSC_AUX), and the speculation-control MSRs, none of which it could
 * use.
 */
struct vmm_cpuid_hide {
	u32 function;
	s32 index;			/* the subleaf, or ANY_SUB */
	u8 reg;				/* 0-3: EAX, EBX, ECX, EDX */
	u32 bits;
};

#define ANY_SUB		(-1)
enum { HIDE_EAX, HIDE_EBX, HIDE_ECX, HIDE_EDX };

/*
 * The thermal, power and debug-store features have MSRs the module does not
 * keep (a #GP), and Linux 6.1's intel_init_thermal() touches
 * IA32_THERM_INTERRUPT unchecked when leaf 1 has ACPI and TM: hidden, with
 * leaf 6 but ARAT (the module's APIC timer runs on in any C-state), as
 * vmctl's table and kvm do.
 */
static const struct vmm_cpuid_hide vmm_cpuid_hidden[] = {
	/*
	 * DTES64, MONITOR, DS-CPL, VMX, SMX, EST, TM2, xTPR, PDCM, x2APIC,
	 * TSC-deadline; APIC, DS, ACPI, TM, PBE
	 */
	{ 1, ANY_SUB, HIDE_ECX, BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) |
				BIT(8) | BIT(14) | BIT(15) | BIT(21) | BIT(24) },
	{ 1, ANY_SUB, HIDE_EDX, BIT(9) | BIT(21) | BIT(22) | BIT(29) | BIT(31) },
	/* thermal and power management: ARAT alone */
	{ 6, ANY_SUB, HIDE_EAX, (u32)~BIT(2) }, { 6, ANY_SUB, HIDE_EBX, ~0u },
	{ 6, ANY_SUB, HIDE_ECX, ~0u }, { 6, ANY_SUB, HIDE_EDX, ~0u },
	/* INVPCID; PKU, OSPKE, WAITPKG, CET shadow stacks */
	{ 7, 0, HIDE_EBX, BIT(10) },
	{ 7, 0, HIDE_ECX, BIT(3) | BIT(4) | BIT(5) | BIT(7) },
	/* CET IBT; SPEC_CTRL, STIBP, L1D_FLUSH, ARCH_CAPABILITIES, CORE_CAPS, SSBD */
	{ 7, 0, HIDE_EDX, BIT(20) | GENMASK(31, 26) },
	/* no PMU */
	{ 0xa, ANY_SUB, HIDE_EAX, ~0u }, { 0xa, ANY_SUB, HIDE_EBX, ~0u },
	{ 0xa, ANY_SUB, HIDE_ECX, ~0u }, { 0xa, ANY_SUB, HIDE_EDX, ~0u },
	/* XSAVES, XFD */
	{ 0xd, 1, HIDE_EAX, BIT(3) | BIT(4) },
	/* SVM, core performance counters; RDTSCP */
	{ 0x80000001, ANY_SUB, HIDE_ECX, BIT(2) | BIT(23) },
	{ 0x80000001, ANY_SUB, HIDE_EDX, BIT(27) },
	/* IBPB, IBRS, STIBP, SSBD, VIRT_SSBD */
	{ 0x80000008, ANY_SUB, HIDE_EBX, BIT(12) | BIT(14) | BIT(15) | BIT(24) | BIT(25) },
};

/* CPUID.(EAX=7,ECX=0):EBX.TSC_ADJUST */
#define VMM_CPUID_7_EBX_TSC_ADJUST	BIT(1)

static void vmm_cpuid_host(u32 function, u32 index, u32 out[4])
{
	unsigned int i;

	cpuid_count(function, index, &out[0], &out[1], &out[2], &out[3]);
	for (i = 0; i < ARRAY_SIZE(vmm_cpuid_hidden); i++) {
		const struct vmm_cpuid_hide *h = &vmm_cpuid_hidden[i];

		if (h->function == function && (h->index == ANY_SUB || h->index == index))
			out[h->reg] &= ~h->bits;
	}
	/*
	 * IA32_TSC_ADJUST is vmm's own (vmm_core_set_msr()), on hosts that
	 * lack it too (AMD's): offered wherever leaf 7 exists.
	 */
	if (function == 7 && index == 0 && cpuid_eax(0) >= 7)
		out[1] |= VMM_CPUID_7_EBX_TSC_ADJUST;
}

/**
 * vmm_core_get_msr() - the MSRs the core keeps, for either backend
 * @vcpu: the vCPU
 * @index: the MSR
 * @value: its value
 *
 * IA32_TSC and IA32_TSC_ADJUST; the local APIC's (irq.c); the PC's (msr.c).
 *
 * Return: 0, -EINVAL for a #GP, or -ENOENT for any other MSR.
 */
int vmm_core_get_msr(struct vmm_vcpu *vcpu, u32 index, u64 *value)
{
	int ret;

	switch (index) {
	case MSR_IA32_TSC:
		*value = vmm_tsc_guest(&vcpu->tsc, rdtsc());
		return 0;
	case MSR_IA32_TSC_ADJUST:
		*value = vcpu->tsc.adjust;
		return 0;
	}
	ret = vmm_irq_get_msr(vcpu, index, value);
	if (ret != -ENOENT)
		return ret;
	return vmm_pc_get_msr(&vcpu->pc_msrs, index, value);
}

/**
 * vmm_core_set_msr() - write one of the MSRs the core keeps
 * @vcpu: the vCPU
 * @index: the MSR
 * @value: the value; every 64-bit value is one the counter can hold
 * @user: VMM_SET_MSRS restoring state, rather than the guest's WRMSR
 *
 * For the TSC only vcpu->tsc changes: the backend loads its offset for
 * the next entry.
 *
 * Return: 0, -EINVAL for a #GP, or -ENOENT for any other MSR.
 */
int vmm_core_set_msr(struct vmm_vcpu *vcpu, u32 index, u64 value, bool user)
{
	int ret;

	switch (index) {
	case MSR_IA32_TSC:
		if (user)
			vmm_tsc_user_write(&vcpu->tsc, rdtsc(), value);
		else
			vmm_tsc_guest_write(&vcpu->tsc, rdtsc(), value);
		return 0;
	case MSR_IA32_TSC_ADJUST:
		if (user)
			vmm_tsc_user_write_adjust(&vcpu->tsc, value);
		else
			vmm_tsc_guest_write_adjust(&vcpu->tsc, value);
		return 0;
	}
	ret = vmm_irq_set_msr(vcpu, index, value);
	if (ret != -ENOENT)
		return ret;
	return vmm_pc_set_msr(&vcpu->pc_msrs, index, value, user);
}

/**
 * vmm_cpuid() - what CPUID returns to the guest
 * @vcpu: the vCPU
 * @function: EAX at the CPUID
 * @index: ECX at the CPUID
 * @out: EAX, EBX, ECX, EDX
 *
 * From userspace's table when it set one (absent leaves read as zeros), else
 * the host's, sanitised (vmm_cpuid_hidden).
 */
void vmm_cpuid(struct vmm_vcpu *vcpu, u32 function, u32 index, u32 out[4])
{
	u32 i;

	if (!vcpu->cpuid) {
		vmm_cpuid_host(function, index, out);
		return;
	}
	for (i = 0; i < vcpu->cpuid_nent; i++) {
		const struct vmm_cpuid_entry *e = &vcpu->cpuid[i];

		if (e->function == function &&
		    (!(e->flags & VMM_CPUID_INDEXED) || e->index == index)) {
			out[0] = e->eax;
			out[1] = e->ebx;
			out[2] = e->ecx;
			out[3] = e->edx;
			/*
			 * The APIC flag follows IA32_APIC_BASE.EN, as the
			 * processor's does (SDM "Local APIC Status and
			 * Location"): cleared while it is globally disabled.
			 */
			if (function == 1 && vcpu->has_apic &&
			    vmm_lapic_mode(&vcpu->apic) == VMM_LAPIC_DISABLED)
				out[3] &= ~BIT(9);
			return;
		}
	}
	memset(out, 0, 4 * sizeof(u32));
}

static int vmm_set_cpuid(struct vmm_vcpu *vcpu, const struct vmm_cpuid __user *uarg)
{
	struct vmm_cpuid_entry *entries;
	struct vmm_cpuid a;
	u32 i;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.flags || a.nent > VMM_MAX_CPUID_ENTRIES ||
	    memchr_inv(a.reserved, 0, sizeof(a.reserved)))
		return -EINVAL;
	entries = vmemdup_user(u64_to_user_ptr(a.entries),
			       array_size(a.nent, sizeof(*entries)));
	if (IS_ERR(entries))
		return PTR_ERR(entries);
	for (i = 0; i < a.nent; i++) {
		if (entries[i].pad || entries[i].flags & ~VMM_CPUID_INDEXED) {
			kvfree(entries);
			return -EINVAL;
		}
	}
	kvfree(vcpu->cpuid);
	vcpu->cpuid = entries;
	vcpu->cpuid_nent = a.nent;
	return 0;
}

/*
 * VMM_GET_MSRS / VMM_SET_MSRS: like KVM's, the entries are handled in order
 * and the count handled is returned, so userspace sees exactly which MSR
 * the backend refused (the first one not counted). Malformed input fails
 * whole, before any MSR is touched.
 */
static int vmm_vcpu_msrs(struct vmm_vcpu *vcpu, struct vmm_msrs __user *uarg,
			 bool set)
{
	struct vmm_msr_entry *entries;
	struct vmm_msrs a;
	int ret = 0;
	u32 i;

	/* Until a backend keeps MSRs, the ioctl does not exist for it. */
	if (set ? !vmm_ops->set_msr : !vmm_ops->get_msr)
		return -ENOTTY;
	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.flags || memchr_inv(a.reserved, 0, sizeof(a.reserved)))
		return -EINVAL;
	if (a.nmsrs > VMM_MAX_MSR_ENTRIES)
		return -E2BIG;
	entries = vmemdup_user(u64_to_user_ptr(a.entries),
			       array_size(a.nmsrs, sizeof(*entries)));
	if (IS_ERR(entries))
		return PTR_ERR(entries);
	for (i = 0; i < a.nmsrs; i++) {
		if (entries[i].pad) {
			ret = -EINVAL;
			goto out;
		}
	}
	for (i = 0; i < a.nmsrs; i++) {
		if (set)
			ret = vmm_ops->set_msr(vcpu, entries[i].index,
					       entries[i].data);
		else
			ret = vmm_ops->get_msr(vcpu, entries[i].index,
					       &entries[i].data);
		if (ret)
			break;
	}
	ret = i;
	/* Only the entries handled were filled in. */
	if (!set && i &&
	    copy_to_user(u64_to_user_ptr(a.entries), entries, i * sizeof(*entries)))
		ret = -EFAULT;
out:
	kvfree(entries);
	return ret;
}

/* Before the next entry: what userspace answered goes into the guest. */
static void vmm_complete_user_exit(struct vmm_vcpu *vcpu)
{
	const struct vmm_run *run = vcpu->run;
	u64 *rax, mask;

	switch (vcpu->complete) {
	case VMM_COMPLETE_IN:
		rax = vmm_ops->guest_rax(vcpu);
		mask = GENMASK_ULL(vcpu->complete_size * 8 - 1, 0);
		/* IN to AL/AX keeps the rest of RAX; IN to EAX zero-extends. */
		if (vcpu->complete_size == 4)
			*rax = (u32)READ_ONCE(run->io.data);
		else
			*rax = (*rax & ~mask) | (READ_ONCE(run->io.data) & mask);
		break;
	case VMM_COMPLETE_HYPERCALL:
		*vmm_ops->guest_rax(vcpu) = READ_ONCE(run->hypercall.ret);
		break;
	}
	vcpu->complete = VMM_COMPLETE_NONE;
}

static int vmm_vcpu_run(struct vmm_vcpu *vcpu)
{
	struct vmm_run *run = vcpu->run;
	int ret;

	if (vcpu->user_exit_pending) {
		if (vcpu->mmio_pending)
			vmm_mmio_complete(vcpu);
		else if (vcpu->pio_pending)
			vmm_pio_string_complete(vcpu);
		else
			vmm_complete_user_exit(vcpu);
		vcpu->user_exit_pending = false;
	}
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = VMM_EXIT_NONE;
		return -EINTR;
	}
	if (vmm_ops->run_begin)
		vmm_ops->run_begin(vcpu);
	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = VMM_EXIT_NONE;
			return -EINTR;
		}
		/*
		 * Task work (CPU-time timers and RLIMIT_CPU, deferred file
		 * releases) runs on the way to user mode, which a vCPU whose
		 * exits all stay in the kernel would put off forever. Modules
		 * cannot run it here: take that way, as for a signal.
		 */
		if (task_work_pending(current)) {
			run->exit_reason = VMM_EXIT_NONE;
			return -EINTR;
		}
		cond_resched();
		if (vcpu->has_apic) {
			ret = vmm_mp_take_events(vcpu);
			if (ret)
				return ret;
		}
		/* In HLT or wait-for-SIPI: until an event comes, or a signal. */
		if (vcpu->halted || vcpu->wait_sipi) {
			if (vmm_vcpu_block(vcpu)) {
				run->exit_reason = VMM_EXIT_NONE;
				return -EINTR;
			}
			continue;
		}
		/* Set by the exits that take an answer (vmm_exit_io() and co). */
		vcpu->complete = VMM_COMPLETE_NONE;
		ret = vmm_ops->vcpu_run_once(vcpu);
		if (ret == -ESHUTDOWN)
			pr_info_ratelimited("vCPU %u (uid %llu) stopped: %s is off for a reboot\n",
					    vcpu->id, vcpu->uid, vmm_ops->name);
		if (ret < 0)
			return ret;
		if (ret == VMM_TO_USER) {
			vcpu->user_exit_pending = true;
			return 0;
		}
	}
}

static long vmm_vcpu_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct vmm_vcpu *vcpu = file->private_data;
	void __user *argp = (void __user *)arg;
	struct vmm_sregs sregs;
	struct vmm_regs regs;
	long ret;

	/* A vCPU runs in the VM's process: its memory is that process's. */
	if (current->mm != vcpu->vm->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	switch (cmd) {
	case VMM_RUN:
		ret = arg ? -EINVAL : vmm_vcpu_run(vcpu);
		break;
	case VMM_GET_REGS:
		vmm_ops->get_regs(vcpu, &regs);
		ret = copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
		break;
	case VMM_SET_REGS:
		ret = -EFAULT;
		if (!copy_from_user(&regs, argp, sizeof(regs))) {
			vmm_ops->set_regs(vcpu, &regs);
			ret = 0;
		}
		break;
	case VMM_GET_SREGS:
		memset(&sregs, 0, sizeof(sregs));
		vmm_ops->get_sregs(vcpu, &sregs);
		ret = copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
		break;
	case VMM_SET_SREGS:
		ret = -EFAULT;
		if (copy_from_user(&sregs, argp, sizeof(sregs)))
			break;
		ret = -EINVAL;
		if (memchr_inv(sregs.reserved, 0, sizeof(sregs.reserved)) ||
		    sregs.gdt.pad || sregs.idt.pad)
			break;
		ret = vmm_ops->set_sregs(vcpu, &sregs);
		break;
	case VMM_SET_CPUID:
		ret = vmm_set_cpuid(vcpu, argp);
		break;
	case VMM_GET_MSRS:
		ret = vmm_vcpu_msrs(vcpu, argp, false);
		break;
	case VMM_SET_MSRS:
		ret = vmm_vcpu_msrs(vcpu, argp, true);
		break;
	case VMM_GET_FPU:
		ret = vmm_fpu_get_user(&vcpu->fpu, argp);
		break;
	case VMM_SET_FPU:
		ret = vmm_fpu_set_user(&vcpu->fpu, argp);
		break;
	case VMM_GET_XCRS:
		ret = vmm_fpu_get_xcrs_user(&vcpu->fpu, argp);
		break;
	case VMM_SET_XCRS:
		ret = vmm_fpu_set_xcrs_user(&vcpu->fpu, argp);
		break;
	case VMM_GET_VCPU_EVENTS:
		ret = vmm_get_vcpu_events(vcpu, argp);
		break;
	case VMM_SET_VCPU_EVENTS:
		ret = vmm_set_vcpu_events(vcpu, argp);
		break;
	case VMM_GET_LAPIC:
		ret = vmm_get_lapic(vcpu, argp);
		break;
	case VMM_SET_LAPIC:
		ret = vmm_set_lapic(vcpu, argp);
		break;
	case VMM_GET_MP_STATE:
		ret = vmm_get_mp_state(vcpu, argp);
		break;
	case VMM_SET_MP_STATE:
		ret = vmm_set_mp_state(vcpu, argp);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&vcpu->mutex);
	return ret;
}

static vm_fault_t vmm_run_page_fault(struct vm_fault *vmf)
{
	struct vmm_vcpu *vcpu = vmf->vma->vm_file->private_data;

	if (vmf->pgoff)
		return VM_FAULT_SIGBUS;
	vmf->page = virt_to_page(vcpu->run);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct vmm_run_vm_ops = {
	.fault = vmm_run_page_fault,
};

/*
 * The run page is shared with the kernel, one page, and stays this
 * process's: a private copy would never see an exit, and neither mremap()
 * nor fork() may give it to anyone else.
 */
static int vmm_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma_pages(vma) != 1 || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND);
	vma->vm_ops = &vmm_run_vm_ops;
	return 0;
}

static const struct file_operations vmm_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= vmm_vcpu_release,
	.unlocked_ioctl	= vmm_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= vmm_vcpu_mmap,
	.llseek		= noop_llseek,
};

/* Numbers for vmm_vcpu.uid; 0 is no vCPU (spec.h's IBPB between vCPUs). */
static atomic64_t vmm_vcpu_uids = ATOMIC64_INIT(0);

/* Return: a new vCPU fd, or a negative errno. */
int vmm_vcpu_create(struct vmm_vm *vm, const struct vmm_create_vcpu *args)
{
	struct vmm_vcpu *vcpu;
	int ret;

	if (args->id >= VMM_MAX_VCPUS)
		return -EINVAL;
	/* Counted before vmm_vcpu_irq_init() reads vm->irqchip (vmm.h). */
	mutex_lock(&vm->lock);
	vm->created_vcpus++;
	mutex_unlock(&vm->lock);
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu) {
		ret = -ENOMEM;
		goto err_count;
	}
	vcpu->vm = vm;
	vcpu->id = args->id;
	vcpu->uid = atomic64_inc_return(&vmm_vcpu_uids);
	mutex_init(&vcpu->mutex);
	vcpu->tsc.offset = vm->tsc_offset;	/* vcpu_create() loads it */
	vmm_pc_msrs_reset(&vcpu->pc_msrs);
	vcpu->run = (struct vmm_run *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = vmm_fpu_alloc(&vcpu->fpu);
	if (ret)
		goto err_run;
	ret = vmm_vcpu_irq_init(vcpu);
	if (ret)
		goto err_fpu;
	ret = vmm_ops->vcpu_create(vcpu);
	if (ret)
		goto err_irq;

	mutex_lock(&vm->lock);
	if (vm->vcpus[args->id]) {
		mutex_unlock(&vm->lock);
		ret = -EEXIST;
		goto err_vendor;
	}
	WRITE_ONCE(vm->vcpus[args->id], vcpu);
	if (args->id >= vm->nr_vcpu_ids)
		WRITE_ONCE(vm->nr_vcpu_ids, args->id + 1);
	refcount_inc(&vm->users);
	mutex_unlock(&vm->lock);

	ret = anon_inode_getfd("vmm-vcpu", &vmm_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (ret < 0) {
		mutex_lock(&vm->lock);
		WRITE_ONCE(vm->vcpus[args->id], NULL);
		mutex_unlock(&vm->lock);
		synchronize_rcu();
		vmm_vm_put(vm);
		goto err_vendor;
	}
	return ret;

err_vendor:
	vmm_ops->vcpu_free(vcpu);
err_irq:
	vmm_vcpu_irq_free(vcpu);
err_fpu:
	vmm_fpu_free(&vcpu->fpu);
err_run:
	free_page((unsigned long)vcpu->run);
err_free:
	kfree(vcpu);
err_count:
	mutex_lock(&vm->lock);
	vm->created_vcpus--;
	mutex_unlock(&vm->lock);
	return ret;
}
