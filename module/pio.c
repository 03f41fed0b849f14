// SPDX-License-Identifier: GPL-2.0-only
/*
 * String port I/O: INS and OUTS, with or without REP.
 *
 * The exit gives the port, the element size and the direction; the memory
 * operand is the guest's business: ES:rDI for INS, DS:rSI (or a segment
 * override) for OUTS, moving up or down with EFLAGS.DF, rCX counting the
 * elements under REP, all at the instruction's address size. vmm decodes
 * the instruction's prefixes (x86/decode.c), translates the address
 * through the guest's page tables, and hands userspace as many elements as
 * one exit can carry: all of them up to the end of the guest page (or the
 * first one alone when it straddles two pages) and VMM_RUN_IO_DATA_SIZE
 * bytes. Before the next entry the elements of an INS are written to guest
 * memory and the registers move; while rCX is not zero the guest executes
 * the instruction again, which exits again (KVM does the same through its
 * emulator).
 *
 * Every element vmm transfers is checked as the processor would check it
 * (the processor may check none of them before the exit): outside 64-bit
 * mode the segment (usable, writable for INS, readable for OUTS, the
 * offset within the limit, expand-down too), in 64-bit mode the canonical
 * form of the linear address; then the guest's page tables with the rights
 * of a data access at the guest's CPL (mmu/walk.c). An element that fails
 * raises #GP(0) (#SS(0) through SS) or #PF in the guest, which resumes
 * without an exit to userspace; the elements before it in the chunk are
 * transferred first and the registers say so, as for REP on hardware.
 * A table or operand that no slot backs is VMM_EXIT_INTERNAL_ERROR.
 */
#include <linux/bits.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <asm/trapnr.h>

#include "vmm.h"
#include "x86/decode.h"

#define EFLAGS_DF	BIT(10)
#define EFLAGS_AC	BIT(18)

/* vmm_segment.attrib */
#define SEG_TYPE_CODE	BIT(3)
#define SEG_TYPE_DOWN	BIT(2)		/* data: expand-down */
#define SEG_TYPE_RW	BIT(1)		/* data: writable; code: readable */
#define SEG_PRESENT	BIT(7)

static const struct vmm_segment *seg(const struct vmm_sregs *s, unsigned int n)
{
	switch (n) {
	case VMM_ES: return &s->es;
	case VMM_CS: return &s->cs;
	case VMM_SS: return &s->ss;
	case VMM_FS: return &s->fs;
	case VMM_GS: return &s->gs;
	default: return &s->ds;
	}
}

static u8 *io_data(struct vmm_vcpu *vcpu, unsigned int count)
{
	return count == 1 ? (u8 *)&vcpu->run->io.data : (u8 *)vcpu->run + VMM_RUN_IO_DATA;
}

/*
 * Userspace sees the elements in the order the instruction accesses them;
 * going down (EFLAGS.DF) that is the reverse of their order in memory.
 */
static void reverse_elements(u8 *buf, unsigned int n, unsigned int size)
{
	unsigned int i, j;
	u8 t;

	for (i = 0; i < n / 2; i++)
		for (j = 0; j < size; j++) {
			t = buf[i * size + j];
			buf[i * size + j] = buf[(n - 1 - i) * size + j];
			buf[(n - 1 - i) * size + j] = t;
		}
}

/*
 * May the element at @off, @size bytes, go through segment @n? Intel SDM
 * "Segment-Level Protection" / AMD APM "Segment-Protection Overview":
 * in protected mode a null (unusable) segment, a code segment written or
 * not readable, a data segment written but not writable; in any mode
 * outside 64-bit, an offset beyond the limit, or for expand-down at or
 * below it. In 64-bit mode only the linear address's canonical form
 * counts (@lin, for the guest's own width: 57 bits with CR4.LA57).
 */
static bool seg_ok(const struct vmm_sregs *s, unsigned int n, unsigned int mode,
		   u64 off, u64 lin, unsigned int size, bool write)
{
	const struct vmm_segment *sg = seg(s, n);
	u64 last = off + size - 1, upper;

	if (mode == 8) {
		unsigned int bits = (s->cr4 & X86_CR4_LA57) ? 57 : 48;

		return lin == (u64)sign_extend64(lin, bits - 1) &&
		       lin + size - 1 == (u64)sign_extend64(lin + size - 1, bits - 1);
	}
	if (s->cr0 & X86_CR0_PE) {
		if (!(sg->attrib & SEG_PRESENT))
			return false;
		if (sg->attrib & SEG_TYPE_CODE) {
			if (write || !(sg->attrib & SEG_TYPE_RW))
				return false;
		} else if (write && !(sg->attrib & SEG_TYPE_RW)) {
			return false;
		}
	}
	if ((sg->attrib & (SEG_TYPE_CODE | SEG_TYPE_DOWN)) == SEG_TYPE_DOWN) {
		upper = (sg->attrib & VMM_SEG_DB) ? 0xffffffff : 0xffff;
		return off > sg->limit && last <= upper;
	}
	return last <= sg->limit;
}

static int pio_error(struct vmm_vcpu *vcpu, u16 port, u64 info)
{
	struct vmm_run *run = vcpu->run;

	run->exit_reason = VMM_EXIT_INTERNAL_ERROR;
	run->hw.reason = 0;
	run->hw.qualification = port;
	run->hw.info = info;
	return VMM_TO_USER;
}

/* Reads or writes the chunk's bytes, the guest-physical side of it. */
static int pio_access(struct vmm_vcpu *vcpu, u8 *buf, bool write)
{
	const struct vmm_pio *p = &vcpu->pio;
	unsigned int len = p->count * p->insn.size;
	int ret;

	if (write)
		ret = vmm_write_guest_phys(vcpu->vm, p->gpa[0], buf, p->first);
	else
		ret = vmm_read_guest_phys(vcpu->vm, p->gpa[0], buf, p->first);
	if (ret || p->first == len)
		return ret;
	if (write)
		return vmm_write_guest_phys(vcpu->vm, p->gpa[1], buf + p->first, len - p->first);
	return vmm_read_guest_phys(vcpu->vm, p->gpa[1], buf + p->first, len - p->first);
}

/**
 * vmm_pio_string_begin() - an INS or OUTS exited
 * @vcpu: the vCPU, its instruction not executed yet
 * @port: the port, from the exit
 * @size: the element size, from the exit
 * @in: INS, from the exit
 *
 * Return: VMM_TO_USER with a VMM_EXIT_IO for userspace (or an internal
 * error), or VMM_RESUME when there is nothing to transfer (REP with a zero
 * count) or the first element faults (the exception queued for the guest).
 */
int vmm_pio_string_begin(struct vmm_vcpu *vcpu, u16 port, unsigned int size, bool in)
{
	struct vmm_pio *p = &vcpu->pio;
	struct vmm_insn *insn = &p->insn;
	u8 bytes[VMM_INSN_MAX_LEN] = {};
	struct vmm_run *run = vcpu->run;
	unsigned int mode, nbytes, room, i;
	struct vmm_fault fault = {};
	int ret;
	struct vmm_sregs s = {};
	struct vmm_regs r;
	u64 amask, count, off, lin, base, start, first_bytes;
	u32 access;
	bool down;

	vmm_ops->get_sregs(vcpu, &s);
	vmm_ops->get_regs(vcpu, &r);
	mode = vmm_code_mode(&s);
	nbytes = vmm_fetch_insn(vcpu->vm, &s, mode, r.rip, bytes, &fault);
	if (nbytes && vmm_decode(bytes, nbytes, mode, insn))
		nbytes = 0;
	if (!nbytes && fault.pending)
		return vmm_inject_fault(vcpu, &fault);
	if (!nbytes || insn->op != (in ? VMM_INSN_INS : VMM_INSN_OUTS) || insn->size != size) {
		memcpy(&first_bytes, bytes, sizeof(first_bytes));
		return pio_error(vcpu, port, first_bytes);
	}

	amask = GENMASK_ULL(insn->addr_size * 8 - 1, 0);
	count = insn->rep ? r.rcx & amask : 1;
	if (!count) {
		r.rip += insn->len;
		vmm_ops->set_regs(vcpu, &r);
		vmm_events_insn_done(vcpu);
		return VMM_RESUME;
	}
	down = r.rflags & EFLAGS_DF;
	off = (in ? r.rdi : r.rsi) & amask;
	/* 64-bit mode: only FS and GS have a base. */
	base = mode == 8 && insn->seg != VMM_FS && insn->seg != VMM_GS ? 0 :
	       seg(&s, insn->seg)->base;
	lin = base + off;
	if (mode != 8)
		lin = (u32)lin;

	/*
	 * The chunk: the elements from @off on that stay in this guest page
	 * and do not wrap around the address size, at most what fits in
	 * the run page; the first element alone if it straddles two pages
	 * (or the end of the address size, which the segment check below
	 * refuses as the processor does).
	 */
	if (down)
		room = min_t(u64, offset_in_page(lin), off) / size + 1;
	else
		room = min_t(u64, PAGE_SIZE - offset_in_page(lin), amask - off + 1) / size;
	if (!room || offset_in_page(lin) + size > PAGE_SIZE)
		room = 1;
	p->count = min_t(u64, min_t(u64, count, room), VMM_RUN_IO_DATA_SIZE / size);

	/*
	 * The segment, element by element in the order the instruction
	 * accesses them: the chunk ends before the first that fails; if that
	 * is the first, the guest gets the fault now.
	 */
	for (i = 0; i < p->count; i++) {
		u64 d = (u64)i * size;
		u64 eoff = down ? off - d : off + d;

		if (!seg_ok(&s, insn->seg, mode, eoff, down ? lin - d : lin + d, size, in))
			break;
	}
	if (!i) {
		fault.vector = insn->seg == VMM_SS ? X86_TRAP_SS : X86_TRAP_GP;
		fault.error_code = 0;
		return vmm_inject_fault(vcpu, &fault);
	}
	p->count = i;

	/*
	 * The pages, with the rights of the guest's data access: INS writes,
	 * OUTS reads. The chunk is in one page unless it is one element
	 * across two: a #PF belongs to the first element either way, and
	 * its CR2 is that element's address (going down, the chunk's
	 * highest), which is what is walked.
	 */
	access = (in ? VMM_PF_WRITE : 0) | (vmm_cpl(&s) == 3 ? VMM_PF_USER : 0) |
		 ((r.rflags & EFLAGS_AC) ? VMM_ACC_AC : 0);
	start = down ? lin - (p->count - 1) * size : lin;
	p->first = min_t(u64, p->count * size, PAGE_SIZE - offset_in_page(start));
	ret = vmm_guest_walk(vcpu->vm, &s, lin, access, &p->gpa[0], &fault);
	p->gpa[0] -= lin - start;
	if (!ret && p->first < p->count * size)
		ret = vmm_guest_walk(vcpu->vm, &s, start + p->first, access, &p->gpa[1],
				     &fault);
	if (ret == -EACCES)
		return vmm_inject_fault(vcpu, &fault);
	if (ret)
		return pio_error(vcpu, port, lin);
	p->down = down;

	run->exit_reason = VMM_EXIT_IO;
	run->io.port = port;
	run->io.size = size;
	run->io.direction = in ? VMM_IO_IN : VMM_IO_OUT;
	run->io.count = p->count;
	run->io.data = 0;
	if (!in) {
		if (pio_access(vcpu, io_data(vcpu, p->count), false))
			return pio_error(vcpu, port, lin);
		if (down)
			reverse_elements(io_data(vcpu, p->count), p->count, size);
	}
	vcpu->pio_pending = true;
	return VMM_TO_USER;
}

/* Before the next entry: store what an INS read, move the registers. */
void vmm_pio_string_complete(struct vmm_vcpu *vcpu)
{
	struct vmm_pio *p = &vcpu->pio;
	const struct vmm_insn *insn = &p->insn;
	u64 amask = GENMASK_ULL(insn->addr_size * 8 - 1, 0);
	s64 step = (s64)p->count * insn->size;
	u8 *buf = io_data(vcpu, p->count);
	struct vmm_regs r;

	vcpu->pio_pending = false;
	/*
	 * Memory that went away since (a slot deleted meanwhile) takes
	 * nothing: the data has nowhere to go, as on hardware.
	 */
	if (insn->op == VMM_INSN_INS) {
		if (p->down)
			reverse_elements(buf, p->count, insn->size);
		pio_access(vcpu, buf, true);
	}
	vmm_ops->get_regs(vcpu, &r);
	vmm_string_reg_add(insn->op == VMM_INSN_INS ? &r.rdi : &r.rsi,
			   p->down ? -step : step, insn->addr_size);
	if (insn->rep)
		vmm_string_reg_add(&r.rcx, -(s64)p->count, insn->addr_size);
	/* Not done: the guest executes it again for the rest. */
	if (!insn->rep || !(r.rcx & amask))
		r.rip += insn->len;
	vmm_ops->set_regs(vcpu, &r);
	vmm_events_insn_done(vcpu);
}
