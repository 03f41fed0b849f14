// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading guest memory from the kernel: by guest-physical address through
 * the memory slots, and by guest-linear address through the guest's own page
 * tables (Intel SDM and AMD APM, "Paging": 32-bit, PAE and 4-level). Used to
 * fetch the instruction behind an MMIO or string I/O exit, and for the
 * memory operand of INS/OUTS. Runs in the vCPU's thread, so slot memory is
 * this process's.
 */
#include <linux/bits.h>
#include <linux/uaccess.h>

#include "vmm.h"

#define PTE_P		BIT_ULL(0)
#define PTE_PS		BIT_ULL(7)
#define PTE_ADDR	GENMASK_ULL(51, 12)

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

static int read_pte(struct vmm_vm *vm, u64 gpa, u64 *pte, bool wide)
{
	u32 narrow;

	if (wide)
		return vmm_read_guest_phys(vm, gpa, pte, 8);
	if (vmm_read_guest_phys(vm, gpa, &narrow, 4))
		return -EFAULT;
	*pte = narrow;
	return 0;
}

/**
 * vmm_guest_linear_to_phys() - translate like the guest's MMU would
 * @vm: the VM
 * @sregs: the guest's control registers
 * @gva: the linear address
 * @gpa: out: the guest-physical address
 *
 * Only presence is checked: the access already happened in the guest.
 * Return: 0, or -EFAULT if a level is not present or not in guest memory.
 */
int vmm_guest_linear_to_phys(struct vmm_vm *vm, const struct vmm_sregs *sregs,
			     u64 gva, u64 *gpa)
{
	bool pae = sregs->cr4 & X86_CR4_PAE;
	bool lma = sregs->efer & EFER_LMA;
	int levels = lma ? 4 : (pae ? 3 : 2);
	u64 table = sregs->cr3 & (pae ? GENMASK_ULL(51, 5) : GENMASK_ULL(31, 12));
	u64 pte = 0;
	int level;

	if (!(sregs->cr0 & X86_CR0_PG)) {
		*gpa = gva;
		return 0;
	}
	if (!lma)
		gva &= 0xffffffff;
	for (level = levels; level >= 1; level--) {
		unsigned int shift, index;

		if (pae) {
			shift = 12 + 9 * (level - 1);
			index = (gva >> shift) & (level == 3 && !lma ? 3 : 511);
		} else {
			shift = 12 + 10 * (level - 1);
			index = (gva >> shift) & 1023;
		}
		if (read_pte(vm, table + index * (pae ? 8 : 4), &pte, pae))
			return -EFAULT;
		if (!(pte & PTE_P))
			return -EFAULT;
		/* A large page ends the walk (2 MiB / 1 GiB, or 4 MiB without PAE). */
		if (level > 1 && level < levels + !pae && (pte & PTE_PS) &&
		    (pae || (sregs->cr4 & X86_CR4_PSE))) {
			if (!pae) {
				/* PSE-36: bits 20:13 hold physical bits 39:32. */
				*gpa = (pte & GENMASK_ULL(31, 22)) |
				       ((pte & GENMASK_ULL(20, 13)) << 19) |
				       (gva & GENMASK_ULL(21, 0));
				return 0;
			}
			*gpa = (pte & PTE_ADDR & ~GENMASK_ULL(shift - 1, 0)) |
			       (gva & GENMASK_ULL(shift - 1, 0));
			return 0;
		}
		/* PAE PDPTEs and the last level lead straight to the next table. */
		table = pae ? (pte & PTE_ADDR) : (pte & GENMASK_ULL(31, 12));
	}
	*gpa = table | (gva & 0xfff);
	return 0;
}

/*
 * Fetches up to VMM_INSN_MAX_LEN bytes of the instruction at CS:@rip, in
 * code of @mode (vmm_code_mode());
 * returns how many could be read (0: none).
 */
unsigned int vmm_fetch_insn(struct vmm_vm *vm, const struct vmm_sregs *s,
			    unsigned int mode, u64 rip, u8 *bytes)
{
	unsigned int n = 0;
	u64 lin = s->cs.base + (mode == 2 ? (u16)rip : mode == 4 ? (u32)rip : rip);

	while (n < VMM_INSN_MAX_LEN) {
		unsigned int chunk = min_t(u64, VMM_INSN_MAX_LEN - n,
					   PAGE_SIZE - ((lin + n) & ~PAGE_MASK));
		u64 gpa;

		if (vmm_guest_linear_to_phys(vm, s, lin + n, &gpa) ||
		    vmm_read_guest_phys(vm, gpa, bytes + n, chunk))
			break;
		n += chunk;
	}
	return n;
}
