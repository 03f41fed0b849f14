// SPDX-License-Identifier: GPL-2.0-only
/*
 * The interrupt path in the kernel, for VMs that asked for it with
 * VMM_CREATE_IRQCHIP: a local APIC per vCPU (lapic.c), the messages
 * between them (IPIs, MSIs from userspace), HLT that waits in the kernel,
 * and the kick that makes a vCPU notice what became pending for it.
 *
 * The I/O APIC and the 8259s stay in userspace (vmctl's pc/): they send
 * MSIs, and hear back through VMM_EXIT_EOI when the guest ends a
 * level-triggered interrupt, which is all a remote IRR needs.
 *
 * Delivery may come from any thread (another vCPU, userspace, the timer's
 * hrtimer in hard interrupt context): it sets IRR bits or pending counts
 * and requests VMM_REQ_EVENT of the vCPU (request.c), which kicks it out
 * of the guest or of its halt. The vCPU's own thread takes them into the
 * guest, in vmm_irq_before_entry().
 */
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/rcuwait.h>
#include <asm/msr-index.h>

#include "vmm.h"

/* From any context, the APIC timer's hrtimer included. */
static void vmm_apic_kick(struct vmm_lapic *apic)
{
	vmm_vcpu_request(container_of(apic, struct vmm_vcpu, apic), VMM_REQ_EVENT);
}

static const struct vmm_lapic_ops vmm_apic_ops = {
	.kick = vmm_apic_kick,
};

/* VMM_CREATE_IRQCHIP: only before the first vCPU, which then gets one. */
int vmm_vm_create_irqchip(struct vmm_vm *vm)
{
	int ret = 0;

	mutex_lock(&vm->lock);
	if (vm->irqchip)
		ret = -EEXIST;
	else if (vm->created_vcpus)
		ret = -EBUSY;
	else
		vm->irqchip = true;
	mutex_unlock(&vm->lock);
	return ret;
}

int vmm_vcpu_irq_init(struct vmm_vcpu *vcpu)
{
	rcuwait_init(&vcpu->wait);
	if (!vcpu->vm->irqchip)
		return 0;
	vcpu->has_apic = true;
	/*
	 * The ID is the vCPU's; vCPU 0 is the bootstrap processor, the
	 * others wait for its SIPI (mp.c).
	 */
	vcpu->wait_sipi = vcpu->id != 0;
	return vmm_lapic_init(&vcpu->apic, vcpu->id, vcpu->id == 0, &vmm_apic_ops,
			      tsc_khz);
}

void vmm_vcpu_irq_free(struct vmm_vcpu *vcpu)
{
	if (vcpu->has_apic)
		vmm_lapic_free(&vcpu->apic);
}

/*
 * A message to the VM's APICs: an IPI from @src's ICR, or an MSI (@src
 * NULL). Lowest priority goes to the one named APIC with the lowest
 * processor priority. Return: how many APICs accepted it.
 */
static int vmm_irq_deliver(struct vmm_vm *vm, struct vmm_lapic *src,
			   const struct vmm_apic_irq *irq)
{
	bool lowest = (irq->icr & LAPIC_DM) == LAPIC_DM_LOWEST;
	u32 sh = irq->icr & LAPIC_SHORTHAND;
	struct vmm_vcpu *best = NULL;
	unsigned int i, nr;
	int n = 0;

	/*
	 * The sender itself, or one physical ID below the broadcast ones:
	 * APIC IDs are the vCPUs' numbers and read-only, so only one APIC
	 * can match. The path of every self-IPI and most IPIs.
	 */
	if (sh == LAPIC_SH_SELF)
		return vmm_lapic_accept(src, irq);
	if (sh == LAPIC_SH_NONE && !(irq->icr & LAPIC_DEST_LOGICAL) && irq->dest < 0xff) {
		if (irq->dest >= VMM_MAX_VCPUS)
			return 0;
		rcu_read_lock();
		best = READ_ONCE(vm->vcpus[irq->dest]);
		if (best && best->has_apic && vmm_lapic_matches(&best->apic, src, irq))
			n = vmm_lapic_accept(&best->apic, irq);
		rcu_read_unlock();
		return n;
	}

	/* vCPUs are freed a grace period after they leave vm->vcpus[]. */
	nr = READ_ONCE(vm->nr_vcpu_ids);
	rcu_read_lock();
	for (i = 0; i < nr; i++) {
		struct vmm_vcpu *vcpu = READ_ONCE(vm->vcpus[i]);

		if (!vcpu || !vcpu->has_apic ||
		    !vmm_lapic_matches(&vcpu->apic, src, irq))
			continue;
		if (lowest) {
			if (!best || vmm_lapic_ppr(&vcpu->apic) < vmm_lapic_ppr(&best->apic))
				best = vcpu;
			continue;
		}
		n += vmm_lapic_accept(&vcpu->apic, irq);
	}
	if (best)
		n += vmm_lapic_accept(&best->apic, irq);
	rcu_read_unlock();
	return n;
}

/*
 * What a register write asked of others: an IPI goes out now; the EOI of
 * a level-triggered vector is reported to userspace before the next entry.
 */
static void vmm_irq_effect(struct vmm_vcpu *vcpu, const struct vmm_lapic_effect *eff)
{
	switch (eff->kind) {
	case VMM_LAPIC_SEND:
		vmm_irq_deliver(vcpu->vm, &vcpu->apic, &eff->irq);
		break;
	case VMM_LAPIC_EOI_LEVEL:
		vcpu->eoi_exit = eff->eoi_vector + 1;
		break;
	case VMM_LAPIC_NONE:
		break;
	}
}

/* MSI address and data (SDM "Message Address Register Format"). */
#define MSI_ADDR_BASE_MASK	0xfff00000ULL
#define MSI_ADDR_BASE		0xfee00000ULL
#define MSI_ADDR_DEST_LOGICAL	BIT(2)
#define MSI_ADDR_DEST_SHIFT	12
#define MSI_DATA_ICR_BITS	(LAPIC_VECTOR | LAPIC_DM | LAPIC_LEVEL_ASSERT | \
				 LAPIC_TRIGGER_LEVEL)

/* VMM_SIGNAL_MSI. Return: how many APICs accepted it, or a negative errno. */
int vmm_vm_signal_msi(struct vmm_vm *vm, const struct vmm_msi __user *umsi)
{
	struct vmm_apic_irq irq;
	struct vmm_msi msi;

	if (copy_from_user(&msi, umsi, sizeof(msi)))
		return -EFAULT;
	if (msi.flags || msi.reserved[0] || msi.reserved[1] ||
	    (msi.address & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE ||
	    msi.address >> 32)
		return -EINVAL;
	if (!READ_ONCE(vm->irqchip))
		return -ENXIO;
	irq.dest = (msi.address >> MSI_ADDR_DEST_SHIFT) & 0xff;
	irq.icr = (msi.data & MSI_DATA_ICR_BITS) |
		  (msi.address & MSI_ADDR_DEST_LOGICAL ? LAPIC_DEST_LOGICAL : 0);
	return vmm_irq_deliver(vm, NULL, &irq);
}

/* On the vCPU's thread: fold in what other threads left pending. */
static void vmm_irq_sync(struct vmm_vcpu *vcpu)
{
	struct vmm_lapic *apic = &vcpu->apic;

	if (!vmm_vcpu_take_request(vcpu, VMM_REQ_EVENT))
		return;
	vmm_lapic_sync(apic);
	if (atomic_xchg(&apic->nmi_pending, 0))
		vcpu->events.nmi_pending = true;
}

#define PM_TIMER_HZ	3579545

/* The ACPI PM timer's count now: 24 bits, from CLOCK_MONOTONIC. */
u32 vmm_pm_timer_read(void)
{
	u64 ns = ktime_get_ns();

	return (div_u64(ns, NSEC_PER_SEC) * PM_TIMER_HZ +
		div_u64((ns % NSEC_PER_SEC) * PM_TIMER_HZ, NSEC_PER_SEC)) & 0xffffff;
}

/*
 * VMM_SET_PM_TIMER. Guests read the PM timer in tight loops to calibrate
 * their clocks against it (Linux's TSC refinement gives up when a read
 * takes longer than ~30 us, which a trip to userspace under emulation
 * does), and as their clock watchdog; bhyve answers it in the kernel too.
 */
int vmm_vm_set_pm_timer(struct vmm_vm *vm, const struct vmm_pm_timer __user *upm)
{
	struct vmm_pm_timer pm;

	if (copy_from_user(&pm, upm, sizeof(pm)))
		return -EFAULT;
	if (pm.pad || pm.flags || memchr_inv(pm.reserved, 0, sizeof(pm.reserved)))
		return -EINVAL;
	WRITE_ONCE(vm->pm_timer_port, pm.port);
	return 0;
}

/*
 * Before every entry of a vCPU with a local APIC. Return: VMM_TO_USER for
 * a level EOI userspace must hear of, else VMM_RESUME.
 */
int vmm_irq_before_entry(struct vmm_vcpu *vcpu)
{
	vmm_irq_sync(vcpu);
	if (unlikely(vcpu->eoi_exit)) {
		vcpu->run->exit_reason = VMM_EXIT_EOI;
		memset(&vcpu->run->eoi, 0, sizeof(vcpu->run->eoi));
		vcpu->run->eoi.vector = vcpu->eoi_exit - 1;
		vcpu->eoi_exit = 0;
		return VMM_TO_USER;
	}
	return VMM_RESUME;
}

/*
 * Does anything wake a vCPU halted with @rflags, or waiting for a SIPI?
 * On its own thread. INIT ends either wait (mp.c acts on it).
 */
static bool vmm_irq_wakes(struct vmm_vcpu *vcpu, u64 rflags)
{
	const struct vmm_events *ev = &vcpu->events;

	if (vcpu->has_apic) {
		vmm_irq_sync(vcpu);
		if (atomic_read(&vcpu->apic.init_pending))
			return true;
		if (vcpu->wait_sipi)
			return atomic_read(&vcpu->apic.sipi_vector);
	}
	if (ev->nmi_pending &&
	    !(vmm_ops->get_interruptibility(vcpu) & VMM_INTR_NMI_MASKED))
		return true;
	if (!(rflags & X86_EFLAGS_IF))
		return false;
	return ev->irq_pending ||
	       (vcpu->has_apic && vmm_lapic_highest_deliverable(&vcpu->apic) >= 0);
}

/**
 * vmm_vcpu_hlt() - the guest ran HLT
 * @vcpu: the vCPU, its HLT already skipped
 * @rflags: the guest's RFLAGS
 *
 * Return: VMM_RESUME if an event ends the halt at once (delivered at the
 * next entry, as the processor leaves the halt state to deliver it);
 * VMM_HALT to wait in vmm_vcpu_block() for one, with a local APIC that can
 * raise it: an interrupt, or with interrupts off an NMI or INIT (Linux's
 * offline CPUs wait so for the INIT that brings them back);
 * VMM_TO_USER (VMM_EXIT_HLT) without one: nothing in the kernel could
 * ever end it.
 */
int vmm_vcpu_hlt(struct vmm_vcpu *vcpu, u64 rflags)
{
	if (vmm_irq_wakes(vcpu, rflags))
		return VMM_RESUME;
	if (vcpu->has_apic) {
		vcpu->halted = true;
		vcpu->halt_rflags = rflags;
		return VMM_HALT;
	}
	vcpu->run->exit_reason = VMM_EXIT_HLT;
	return VMM_TO_USER;
}

/*
 * Waits, sleeping, until the halted vCPU (or one waiting for a SIPI) has
 * something to take or the task a signal. Return: 0 to look again, -EINTR
 * for a signal (the vCPU stays as it was: the next VMM_RUN waits again).
 */
int vmm_vcpu_block(struct vmm_vcpu *vcpu)
{
	int ret;

	ret = rcuwait_wait_event(&vcpu->wait, vmm_irq_wakes(vcpu, vcpu->halt_rflags),
				 TASK_INTERRUPTIBLE);
	if (ret)
		return -EINTR;
	vcpu->halted = false;
	return 0;
}

/* Is the access at @gpa one for this vCPU's xAPIC page? */
static bool vmm_apic_mmio(struct vmm_vcpu *vcpu, u64 gpa)
{
	return vcpu->has_apic && vmm_lapic_mode(&vcpu->apic) == VMM_LAPIC_XAPIC &&
	       (gpa & PAGE_MASK) == (vcpu->apic.base & PAGE_MASK);
}

/*
 * An MMIO access the local APIC answers. Return: true if it did (a read's
 * value in *val), false if the address is not its page.
 */
bool vmm_irq_mmio(struct vmm_vcpu *vcpu, u64 gpa, unsigned int len, bool write,
		  u64 *val)
{
	struct vmm_lapic_effect eff;

	if (!vmm_apic_mmio(vcpu, gpa))
		return false;
	if (write) {
		vmm_lapic_mmio_write(&vcpu->apic, gpa & ~PAGE_MASK, len, *val, &eff);
		vmm_irq_effect(vcpu, &eff);
	} else {
		vmm_lapic_mmio_read(&vcpu->apic, gpa & ~PAGE_MASK, len, val);
	}
	return true;
}

/*
 * The MSRs of the local APIC: IA32_APIC_BASE, IA32_TSC_DEADLINE and the
 * x2APIC range. Return: 0, -EINVAL for a #GP, -ENOENT if not one of them.
 */
int vmm_irq_get_msr(struct vmm_vcpu *vcpu, u32 index, u64 *value)
{
	struct vmm_lapic *apic = &vcpu->apic;

	if (!vcpu->has_apic)
		return -ENOENT;
	switch (index) {
	case MSR_IA32_APICBASE:
		*value = apic->base;
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		*value = vmm_lapic_get_tsc_deadline(apic);
		return 0;
	case LAPIC_X2APIC_MSR_FIRST ... LAPIC_X2APIC_MSR_LAST:
		return vmm_lapic_msr_read(apic, index, value);
	}
	return -ENOENT;
}

int vmm_irq_set_msr(struct vmm_vcpu *vcpu, u32 index, u64 value)
{
	struct vmm_lapic *apic = &vcpu->apic;
	struct vmm_lapic_effect eff;
	int ret;

	if (!vcpu->has_apic)
		return -ENOENT;
	switch (index) {
	case MSR_IA32_APICBASE:
		return vmm_lapic_set_base(apic, value, boot_cpu_data.x86_phys_bits);
	case MSR_IA32_TSC_DEADLINE:
		vmm_lapic_set_tsc_deadline(apic, value,
					   vmm_tsc_guest(&vcpu->tsc, rdtsc()));
		return 0;
	case LAPIC_X2APIC_MSR_FIRST ... LAPIC_X2APIC_MSR_LAST:
		ret = vmm_lapic_msr_write(apic, index, value, &eff);
		if (!ret)
			vmm_irq_effect(vcpu, &eff);
		return ret;
	}
	return -ENOENT;
}

/* VMM_GET_LAPIC */
int vmm_get_lapic(struct vmm_vcpu *vcpu, struct vmm_lapic_state __user *ustate)
{
	struct vmm_lapic *apic = &vcpu->apic;
	u32 tmcct;

	if (!vcpu->has_apic)
		return -ENXIO;
	vmm_lapic_sync(apic);
	tmcct = vmm_lapic_timer_current(apic);
	if (copy_to_user(ustate->regs, apic->regs, VMM_LAPIC_REGS_SIZE) ||
	    copy_to_user(ustate->regs + LAPIC_REG_TMCCT, &tmcct, sizeof(tmcct)))
		return -EFAULT;
	return 0;
}

/* A register write as the guest would make it in the APIC's mode. */
static void vmm_lapic_put(struct vmm_lapic *apic, u32 off, u32 v)
{
	struct vmm_lapic_effect eff;

	if (vmm_lapic_mode(apic) == VMM_LAPIC_X2APIC)
		vmm_lapic_msr_write(apic, LAPIC_X2APIC_MSR_FIRST + off / 16, v, &eff);
	else
		vmm_lapic_mmio_write(apic, off, 4, v, &eff);
}

/*
 * VMM_SET_LAPIC: each register as the guest would write it in the current
 * mode (what that mode does not let it write is left alone), in an order
 * that starts the timer from TMICT last; IRR, ISR and TMR as given, and
 * ICR without sending. The ID stays the vCPU's.
 */
int vmm_set_lapic(struct vmm_vcpu *vcpu, const struct vmm_lapic_state __user *ustate)
{
	static const u32 order[] = {
		LAPIC_REG_TPR, LAPIC_REG_DFR, LAPIC_REG_LDR, LAPIC_REG_SVR,
		LAPIC_REG_LVT_THERMAL, LAPIC_REG_LVT_PMC, LAPIC_REG_LVT_LINT0,
		LAPIC_REG_LVT_LINT1, LAPIC_REG_LVT_ERROR, LAPIC_REG_TDCR,
		LAPIC_REG_LVT_TIMER, LAPIC_REG_ICR_HI, LAPIC_REG_TMICT,
	};
	struct vmm_lapic *apic = &vcpu->apic;
	unsigned int i;
	u8 *regs;
	u32 off;

	if (!vcpu->has_apic)
		return -ENXIO;
	regs = memdup_user(ustate->regs, VMM_LAPIC_REGS_SIZE);
	if (IS_ERR(regs))
		return PTR_ERR(regs);
	for (off = LAPIC_REG_ISR; off < LAPIC_REG_ESR; off += 16)
		vmm_lapic_set_reg(apic, off, *(u32 *)(regs + off));
	vmm_lapic_set_reg(apic, LAPIC_REG_ICR_LO,
			  *(u32 *)(regs + LAPIC_REG_ICR_LO) & ~LAPIC_SEND_PENDING);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		vmm_lapic_put(apic, order[i], *(u32 *)(regs + order[i]));
	kfree(regs);
	vmm_vcpu_request(vcpu, VMM_REQ_EVENT);
	return 0;
}
