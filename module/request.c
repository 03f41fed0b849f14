// SPDX-License-Identifier: GPL-2.0-only
/*
 * Requests to a vCPU: the one way any thread makes a vCPU notice a change
 * before its next entry (an event pending in its APIC, guest mappings gone),
 * and the guest-mode handshake they pair with.
 *
 * A request is a bit in vcpu->requests, then a kick: a vCPU in the guest on
 * another CPU gets an interrupt, which makes it exit; a halted one is woken.
 * The vCPU's thread sets in_guest, then reads the bits, with interrupts off
 * (vmm_vcpu_enter_guest_mode()); the requester sets the bit, then reads
 * in_guest. Each side's full barrier between its write and its read means
 * at least one sees the other: the vCPU enters knowing of the request, or
 * the requester sees it in the guest and interrupts it.
 */
#include <linux/rcuwait.h>
#include <linux/smp.h>
/* smp_send_reschedule() traces the IPI on 6.3 and later. */
#include <trace/events/ipi.h>
#include <linux/vtime.h>

#include "spec.h"
#include "vmm.h"

static void vmm_kick_ipi(void *unused)
{
	/* The IPI itself made the guest exit: nothing else to do. */
}

/*
 * Out of the guest, or out of its halt. @wait: until a vCPU in the guest
 * has left it (process context only); otherwise the interrupt is sent and
 * not waited for, from any context, hard interrupts included.
 */
static void vmm_vcpu_kick(struct vmm_vcpu *vcpu, bool wait)
{
	int cpu, target;

	/* Pairs with the release in vmm_vcpu_exit_guest_mode(). */
	if (smp_load_acquire(&vcpu->in_guest)) {
		cpu = get_cpu();
		target = READ_ONCE(vcpu->cpu);
		/*
		 * On this CPU it is not in the guest: we run here, or we are an
		 * interrupt, which makes it exit anyway.
		 */
		if (target != cpu) {
			if (wait)
				smp_call_function_single(target, vmm_kick_ipi, NULL, 1);
			else
				smp_send_reschedule(target);
		}
		put_cpu();
	}
	/*
	 * An rcuwait, not a wait queue: the APIC timer's hrtimer requests
	 * from hard interrupt context, where a wait queue's spinlock may not
	 * be taken (lockdep: invalid wait context).
	 */
	rcuwait_wake_up(&vcpu->wait);
}

/**
 * vmm_vcpu_request() - ask @vcpu to take @req before its next entry
 * @vcpu: the vCPU
 * @req: an enum vmm_request
 *
 * From any context, interrupts off included. What the request is about
 * (an IRR bit, a pending count) must be written before.
 */
void vmm_vcpu_request(struct vmm_vcpu *vcpu, unsigned int req)
{
	/* What the request is about, before the bit that announces it. */
	smp_mb__before_atomic();
	set_bit(req, &vcpu->requests);
	/* Before reading in_guest; pairs with vmm_vcpu_enter_guest_mode(). */
	smp_mb__after_atomic();
	vmm_vcpu_kick(vcpu, false);
}

/**
 * vmm_vm_request_all() - ask every vCPU of @vm, and wait for the running
 * @vm: the VM, its lock held (vcpus[] stays as it is)
 * @req: an enum vmm_request
 *
 * When this returns, every vCPU that was in the guest has left it, and
 * will take @req before entering again: what a TLB flush needs before the
 * pages behind the old mappings go back to the host.
 */
void vmm_vm_request_all(struct vmm_vm *vm, unsigned int req)
{
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < VMM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			set_bit(req, &vm->vcpus[i]->requests);
	/* Before reading in_guest; pairs with vmm_vcpu_enter_guest_mode(). */
	smp_mb__after_atomic();
	for (i = 0; i < VMM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			vmm_vcpu_kick(vm->vcpus[i], true);
}

/* The vCPU (vmm_vcpu.uid) that last entered a guest on each CPU. */
static DEFINE_PER_CPU(u64, vmm_last_vcpu);

/**
 * vmm_vcpu_enter_guest_mode() - about to enter the guest
 * @vcpu: the vCPU, on this CPU with interrupts off
 *
 * Takes a TLB flush request. Any other request is left for the vCPU's
 * thread, which took the others before disabling interrupts: one that
 * came since makes the entry exit at once (an interrupt to this CPU), so
 * that the thread takes it.
 * Return: true if the vCPU must flush its TLB before entering.
 */
bool vmm_vcpu_enter_guest_mode(struct vmm_vcpu *vcpu)
{
	unsigned long reqs;

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
	/* Before reading the requests; pairs with the requesters' barrier. */
	smp_store_mb(vcpu->in_guest, true);
	reqs = READ_ONCE(vcpu->requests);
	if (likely(!reqs))
		return false;
	if (reqs & ~BIT(VMM_REQ_TLB_FLUSH))
		smp_send_reschedule(smp_processor_id());
	return vmm_vcpu_take_request(vcpu, VMM_REQ_TLB_FLUSH);
}

void vmm_vcpu_exit_guest_mode(struct vmm_vcpu *vcpu)
{
	/* After the exit; pairs with the acquire in vmm_vcpu_kick(). */
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
