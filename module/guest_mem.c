// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading guest memory from the kernel: by guest-physical address through
 * the memory slots, and by guest-linear address through the guest's own page
 * tables (mmu/walk.c), with the guest's access rights. Used to fetch the
 * instruction behind an MMIO or string I/O exit, and for the memory
 * operand of INS/OUTS. Runs in the vCPU's thread, so slot memory is
 * this process's.
 */
#include <linux/bits.h>
#include <linux/uaccess.h>
#include <asm/trapnr.h>

#include "vmm.h"

/*
 * Copies [@gpa, @gpa + @len), which must be in one slot, to @to, or @from
 * into it (vmm_read_guest_phys(), vmm_write_guest_phys()).
 * Return: 0, or -EFAULT.
 */
int vmm_guest_phys_copy(struct vmm_vm *vm, u64 gpa, unsigned int len, void *to,
			const void *from)
{
	unsigned int i;
	int ret = -EFAULT;

	mutex_lock(&vm->lock);
	for (i = 0; i < VMM_MAX_SLOTS; i++) {
		const struct vmm_slot *s = &vm->slots[i];
		void __user *uaddr;

		if (!s->size || gpa < s->gpa || gpa - s->gpa >= s->size ||
		    s->size - (gpa - s->gpa) < len)
			continue;
		uaddr = (void __user *)(unsigned long)(s->uaddr + gpa - s->gpa);
		if (!(from ? copy_to_user(uaddr, from, len) : copy_from_user(to, uaddr, len)))
			ret = 0;
		break;
	}
	mutex_unlock(&vm->lock);
	return ret;
}

static int walk_read(void *vm, u64 gpa, void *buf, unsigned int len)
{
	return vmm_read_guest_phys(vm, gpa, buf, len);
}

/**
 * vmm_guest_walk() - translate like the guest's MMU would, for one access
 * @vm: the VM
 * @sregs: the guest's control registers
 * @gva: the linear address
 * @access: VMM_PF_WRITE, VMM_PF_USER (CPL 3), VMM_PF_FETCH, VMM_ACC_AC
 *	(mmu/walk.h)
 * @gpa: out: the guest-physical address
 * @fault: out, on -EACCES: the #PF to raise in the guest
 *
 * Return: 0; -EACCES if the guest's access would fault; -EFAULT if a table
 * is not in guest memory.
 */
int vmm_guest_walk(struct vmm_vm *vm, const struct vmm_sregs *sregs, u64 gva,
		   u32 access, u64 *gpa, struct vmm_fault *fault)
{
	/* The processor's MAXPHYADDR is what it checks the guest's entries against. */
	const struct vmm_walker w = {
		.read = walk_read, .ctx = vm, .phys_bits = boot_cpu_data.x86_phys_bits,
	};
	u32 error_code;
	int ret;

	ret = vmm_walk(&w, sregs, gva, access, gpa, &error_code);
	if (ret == -EACCES) {
		fault->vector = X86_TRAP_PF;
		fault->error_code = error_code;
		fault->cr2 = (sregs->efer & EFER_LMA) ? gva : (u32)gva;
		fault->pending = true;
	}
	return ret;
}

/*
 * Fetches up to VMM_INSN_MAX_LEN bytes of the instruction at CS:@rip, in
 * code of @mode (vmm_code_mode()), with the rights of a fetch at the
 * guest's CPL; returns how many could be read (0: none). When a page
 * fault stopped it, @fault holds the #PF: the caller raises it if the
 * instruction needs those bytes (it does not decode without them).
 */
unsigned int vmm_fetch_insn(struct vmm_vm *vm, const struct vmm_sregs *s,
			    unsigned int mode, u64 rip, u8 *bytes, struct vmm_fault *fault)
{
	u32 access = VMM_PF_FETCH | (vmm_cpl(s) == 3 ? VMM_PF_USER : 0);
	unsigned int n = 0;
	u64 lin = s->cs.base + (mode == 2 ? (u16)rip : mode == 4 ? (u32)rip : rip);

	fault->pending = false;
	if (mode != 8)
		lin = (u32)lin;
	while (n < VMM_INSN_MAX_LEN) {
		unsigned int chunk = min_t(u64, VMM_INSN_MAX_LEN - n,
					   PAGE_SIZE - ((lin + n) & ~PAGE_MASK));
		u64 gpa;

		if (vmm_guest_walk(vm, s, lin + n, access, &gpa, fault) ||
		    vmm_read_guest_phys(vm, gpa, bytes + n, chunk))
			break;
		n += chunk;
	}
	return n;
}
