// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multiprocessor start-up, for vCPUs with a local APIC: INIT, the startup
 * IPI (SIPI) and the MP state userspace reads and sets (SDM "Multiple-
 * Processor (MP) Initialization").
 *
 * The APIC only latches INIT and SIPI (lapic.c, from any thread); the
 * vCPU's own thread acts on them at the top of its run loop, where the
 * backend's state may be rewritten through the same operations as
 * VMM_SET_SREGS. The application processors of a VM with an irqchip start
 * in wait-for-SIPI, as after the firmware's INIT on a real PC: VMM_RUN
 * waits in the kernel until the bootstrap processor starts them.
 */
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/processor-flags.h>

#include "vmm.h"

/* Real-mode segment attributes: present, S, DPL 0, accessed. */
#define SEG_CODE_ER	0x9b
#define SEG_DATA_RW	0x93
#define SEG_LDT		0x82
#define SEG_TSS_BUSY	0x8b

static void real_seg(struct vmm_segment *s, u16 sel, u16 attrib)
{
	s->selector = sel;
	s->base = (u64)sel << 4;
	s->limit = 0xffff;
	s->attrib = attrib;
}

/*
 * INIT (SDM table "IA-32 and Intel 64 Processor States Following Power-up,
 * Reset, or INIT"): the registers as at RESET, except what INIT keeps:
 * CR0.CD and CR0.NW, the x87/SSE/AVX state, the MTRRs and the other MSRs
 * but EFER. The local APIC's registers reset too, but for its ID and
 * IA32_APIC_BASE. The bootstrap processor then starts at the reset
 * vector; the others wait for a SIPI.
 */
static int vmm_vcpu_init_event(struct vmm_vcpu *vcpu)
{
	struct vmm_regs r = { .rip = 0xfff0, .rflags = X86_EFLAGS_FIXED };
	struct vmm_event none = { .type = VMM_EVENT_NONE };
	struct vmm_sregs s;
	u32 sig[4];
	u64 cr0;
	int ret;

	vmm_ops->get_sregs(vcpu, &s);
	cr0 = (s.cr0 & (X86_CR0_CD | X86_CR0_NW)) | X86_CR0_ET;
	memset(&s, 0, sizeof(s));
	real_seg(&s.cs, 0xf000, SEG_CODE_ER);
	s.cs.base = 0xffff0000;
	real_seg(&s.ds, 0, SEG_DATA_RW);
	s.es = s.ds;
	s.ss = s.ds;
	s.fs = s.ds;
	s.gs = s.ds;
	real_seg(&s.ldtr, 0, SEG_LDT);
	real_seg(&s.tr, 0, SEG_TSS_BUSY);
	s.gdt.limit = 0xffff;
	s.idt.limit = 0xffff;
	s.cr0 = cr0;
	ret = vmm_ops->set_sregs(vcpu, &s);
	if (ret)
		return ret;
	/* EDX: the processor's signature, CPUID.01H:EAX as the guest sees it. */
	vmm_cpuid(vcpu, 1, 0, sig);
	r.rdx = sig[0];
	vmm_ops->set_regs(vcpu, &r);
	vmm_ops->set_injected(vcpu, &none);
	vmm_ops->set_interruptibility(vcpu, 0);
	vmm_ops->reset_debug(vcpu);
	memset(vcpu->dbg.db, 0, sizeof(vcpu->dbg.db));
	memset(&vcpu->events, 0, sizeof(vcpu->events));
	vmm_lapic_init_event(&vcpu->apic);
	vcpu->halted = false;
	vcpu->wait_sipi = !(vcpu->apic.base & LAPIC_BASE_BSP);
	return 0;
}

/* SIPI: real mode at the vector's page, CS = vector << 8, IP 0. */
static int vmm_vcpu_sipi(struct vmm_vcpu *vcpu, u8 vector)
{
	struct vmm_sregs s;
	struct vmm_regs r;
	int ret;

	vmm_ops->get_sregs(vcpu, &s);
	s.cs.selector = vector << 8;
	s.cs.base = (u64)vector << 12;
	ret = vmm_ops->set_sregs(vcpu, &s);
	if (ret)
		return ret;
	vmm_ops->get_regs(vcpu, &r);
	r.rip = 0;
	vmm_ops->set_regs(vcpu, &r);
	vcpu->wait_sipi = false;
	return 0;
}

/*
 * At the top of the run loop, preemptible: an INIT or SIPI latched by the
 * APIC takes effect. A SIPI outside wait-for-SIPI is ignored, as the
 * processor ignores it. Two plain reads on the path of every exit handled
 * in the kernel.
 */
int vmm_mp_take_events(struct vmm_vcpu *vcpu)
{
	struct vmm_lapic *apic = &vcpu->apic;
	int vector, ret;

	if (likely(!atomic_read(&apic->init_pending) && !atomic_read(&apic->sipi_vector)))
		return 0;
	if (atomic_xchg(&apic->init_pending, 0)) {
		ret = vmm_vcpu_init_event(vcpu);
		if (ret)
			return ret;
	}
	vector = atomic_xchg(&apic->sipi_vector, 0);
	if (vector && vcpu->wait_sipi)
		return vmm_vcpu_sipi(vcpu, vector - 1);
	return 0;
}

int vmm_get_mp_state(struct vmm_vcpu *vcpu, struct vmm_mp_state __user *ustate)
{
	struct vmm_mp_state s = { .state = VMM_MP_RUNNABLE };

	if (vcpu->wait_sipi)
		s.state = VMM_MP_WAIT_SIPI;
	else if (vcpu->halted)
		s.state = VMM_MP_HALTED;
	return copy_to_user(ustate, &s, sizeof(s)) ? -EFAULT : 0;
}

int vmm_set_mp_state(struct vmm_vcpu *vcpu, const struct vmm_mp_state __user *ustate)
{
	struct vmm_mp_state s;

	if (copy_from_user(&s, ustate, sizeof(s)))
		return -EFAULT;
	if (s.pad || s.state > VMM_MP_WAIT_SIPI)
		return -EINVAL;
	/* Both wait for the APIC: only with one to end the wait. */
	if (s.state != VMM_MP_RUNNABLE && !vcpu->has_apic)
		return -EINVAL;
	vcpu->halted = s.state == VMM_MP_HALTED;
	vcpu->wait_sipi = s.state == VMM_MP_WAIT_SIPI;
	vcpu->halt_rflags = vmm_ops->get_rflags(vcpu);
	return 0;
}
