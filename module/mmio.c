// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO: a guest access to guest-physical memory that no slot backs.
 *
 * The hardware reports the address but not the access, so vmm fetches the
 * instruction at the guest's RIP (through the guest's page tables, with the
 * rights of a fetch at the guest's CPL: a fetch that faults raises its #PF
 * in the guest instead), decodes
 * it (the MOV, MOVZX, MOVSX and STOS class, x86/decode.c) and exits to
 * userspace with address, size, direction and, for writes, the value. Before
 * the next entry the instruction is completed: a load's value goes into its
 * register with the width rules of the instruction, RIP moves past it, STOS
 * moves RDI (and with REP counts RCX down, re-executing until it is zero:
 * one exit per iteration).
 */
#include <linux/bits.h>

#include "vmm.h"
#include "x86/decode.h"

#define EFLAGS_DF	BIT(10)

static u64 *gpr(struct vmm_regs *r, unsigned int n)
{
	u64 *regs[16] = {
		&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
		&r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
	};

	return regs[n & 15];
}

/* The value of a register operand as the instruction reads it. */
static u64 reg_read(struct vmm_regs *r, const struct vmm_insn *insn)
{
	if (insn->high8)
		return (*gpr(r, insn->reg - 4) >> 8) & 0xff;
	return *gpr(r, insn->reg) & GENMASK_ULL(insn->size * 8 - 1, 0);
}

/* Writes @val to the instruction's register: 8 and 16 bits merge, 32 zero-extends. */
static void reg_write(struct vmm_regs *r, const struct vmm_insn *insn, u64 val,
		      unsigned int width)
{
	u64 *reg;

	if (insn->high8) {
		reg = gpr(r, insn->reg - 4);
		*reg = (*reg & ~0xff00ULL) | ((val & 0xff) << 8);
		return;
	}
	reg = gpr(r, insn->reg);
	if (width >= 4)
		*reg = width == 4 ? (u32)val : val;
	else
		*reg = (*reg & ~GENMASK_ULL(width * 8 - 1, 0)) |
		       (val & GENMASK_ULL(width * 8 - 1, 0));
}

static void vmm_mmio_finish(struct vmm_vcpu *vcpu, u64 data);

/**
 * vmm_mmio_begin() - describe the MMIO access behind an exit at @gpa
 * @vcpu: the vCPU that faulted
 * @gpa: the guest-physical address no slot backs
 * @hw_bytes: the instruction's bytes as the processor fetched them (SVM
 *	decode assists), or NULL: then they are read from guest memory
 * @hw_len: how many there are
 *
 * Fills vcpu->run: VMM_EXIT_MMIO, or VMM_EXIT_INTERNAL_ERROR when the
 * instruction cannot be fetched or is not one vmm decodes (hw.qualification
 * is @gpa, hw.info the first instruction bytes).
 * Return: VMM_TO_USER; VMM_RESUME when fetching the instruction faults at
 * the guest's CPL, the #PF queued for the guest.
 */
int vmm_mmio_begin(struct vmm_vcpu *vcpu, u64 gpa, const u8 *hw_bytes,
		   unsigned int hw_len)
{
	struct vmm_run *run = vcpu->run;
	struct vmm_insn *insn = &vcpu->mmio;
	struct vmm_fault fault = {};
	struct vmm_sregs s = {};
	struct vmm_regs r;
	unsigned int mode, n;
	u8 bytes[VMM_INSN_MAX_LEN] = {};
	u64 data;

	vmm_ops->get_sregs(vcpu, &s);
	vmm_ops->get_regs(vcpu, &r);
	mode = vmm_code_mode(&s);
	/*
	 * The processor's copy is what faulted, and saves a walk of the
	 * guest's page tables; it may be cut short at a page the processor
	 * could not fetch from, which a walk then tells apart.
	 */
	n = min_t(unsigned int, hw_len, VMM_INSN_MAX_LEN);
	if (n && hw_bytes)
		memcpy(bytes, hw_bytes, n);
	if (!n || !hw_bytes || vmm_decode(bytes, n, mode, insn))
		n = vmm_fetch_insn(vcpu->vm, &s, mode, r.rip, bytes, &fault);
	if (!n || vmm_decode(bytes, n, mode, insn)) {
		/*
		 * The guest could not fetch it at its CPL (a page the
		 * instruction runs into is not present, NX, SMEP, or a
		 * supervisor page at CPL 3, or the guest changed its tables
		 * since): the #PF of that fetch, as KVM's emulator raises it.
		 */
		if (fault.pending) {
			vcpu->mmio_pending = false;
			return vmm_inject_fault(vcpu, &fault);
		}
		run->exit_reason = VMM_EXIT_INTERNAL_ERROR;
		run->hw.reason = 0;
		run->hw.qualification = gpa;
		memcpy(&run->hw.info, bytes, sizeof(run->hw.info));
		vcpu->mmio_pending = false;
		return VMM_TO_USER;
	}

	run->exit_reason = VMM_EXIT_MMIO;
	run->mmio.gpa = gpa;
	run->mmio.len = insn->size;
	run->mmio.data = 0;
	switch (insn->op) {
	case VMM_INSN_STORE:
		run->mmio.is_write = 1;
		run->mmio.data = reg_read(&r, insn);
		break;
	case VMM_INSN_STORE_IMM:
		run->mmio.is_write = 1;
		run->mmio.data = insn->imm & GENMASK_ULL(insn->size * 8 - 1, 0);
		break;
	case VMM_INSN_STOS:
		run->mmio.is_write = 1;
		run->mmio.data = r.rax & GENMASK_ULL(insn->size * 8 - 1, 0);
		break;
	default:
		run->mmio.is_write = 0;
		break;
	}
	/*
	 * The local APIC's page answers in the kernel (irq.c), from a copy:
	 * userspace may write the run page meanwhile.
	 */
	data = run->mmio.data;
	if (insn->op != VMM_INSN_STOS &&
	    vmm_irq_mmio(vcpu, gpa, insn->size, run->mmio.is_write, &data)) {
		vmm_mmio_finish(vcpu, data);
		return VMM_RESUME;
	}
	vcpu->mmio_pending = true;
	return VMM_TO_USER;
}

/* Before the next entry: finish the instruction that made the MMIO exit. */
void vmm_mmio_complete(struct vmm_vcpu *vcpu)
{
	vmm_mmio_finish(vcpu, READ_ONCE(vcpu->run->mmio.data));
}

/* The instruction is done, a load's value @data. */
static void vmm_mmio_finish(struct vmm_vcpu *vcpu, u64 data)
{
	const struct vmm_insn *insn = &vcpu->mmio;
	u64 val = data & GENMASK_ULL(insn->size * 8 - 1, 0);
	u64 amask = GENMASK_ULL(insn->addr_size * 8 - 1, 0);
	bool advance = true;
	struct vmm_regs r;

	vcpu->mmio_pending = false;
	vmm_ops->get_regs(vcpu, &r);
	switch (insn->op) {
	case VMM_INSN_LOAD:
		reg_write(&r, insn, val, insn->size);
		break;
	case VMM_INSN_MOVZX:
		reg_write(&r, insn, val, insn->reg_size);
		break;
	case VMM_INSN_MOVSX:
		reg_write(&r, insn, sign_extend64(val, insn->size * 8 - 1), insn->reg_size);
		break;
	case VMM_INSN_STOS: {
		u64 step = (r.rflags & EFLAGS_DF) ? -(u64)insn->size : insn->size;

		vmm_string_reg_add(&r.rdi, step, insn->addr_size);
		if (insn->rep) {
			vmm_string_reg_add(&r.rcx, -1, insn->addr_size);
			/* Not done: the guest re-executes it for the next one. */
			advance = !(r.rcx & amask);
		}
		break;
	}
	default:
		break;
	}
	if (advance)
		r.rip += insn->len;
	vmm_ops->set_regs(vcpu, &r);
	vmm_events_insn_done(vcpu);
}
