/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMCS fields and their accessors. Encodings are from the Intel SDM,
 * appendix "Field Encoding in VMCS"; bits 14:13 of an encoding give the
 * field's width, which the accessors check at build time, so a 16-bit field
 * cannot be read with a 64-bit accessor by mistake.
 */
#ifndef VMM_VMX_VMCS_H
#define VMM_VMX_VMCS_H

#include <linux/build_bug.h>
#include <linux/types.h>
#include <asm/asm.h>

#include "../vmm.h"

enum vmcs_field {
	/* 16-bit */
	VMCS_VPID			= 0x0000,
	GUEST_ES_SELECTOR		= 0x0800,
	GUEST_CS_SELECTOR		= 0x0802,
	GUEST_SS_SELECTOR		= 0x0804,
	GUEST_DS_SELECTOR		= 0x0806,
	GUEST_FS_SELECTOR		= 0x0808,
	GUEST_GS_SELECTOR		= 0x080a,
	GUEST_LDTR_SELECTOR		= 0x080c,
	GUEST_TR_SELECTOR		= 0x080e,
	HOST_ES_SELECTOR		= 0x0c00,
	HOST_CS_SELECTOR		= 0x0c02,
	HOST_SS_SELECTOR		= 0x0c04,
	HOST_DS_SELECTOR		= 0x0c06,
	HOST_FS_SELECTOR		= 0x0c08,
	HOST_GS_SELECTOR		= 0x0c0a,
	HOST_TR_SELECTOR		= 0x0c0c,

	/* 64-bit */
	VM_EXIT_MSR_STORE_ADDR		= 0x2006,
	VM_EXIT_MSR_LOAD_ADDR		= 0x2008,
	VM_ENTRY_MSR_LOAD_ADDR		= 0x200a,
	TSC_OFFSET			= 0x2010,
	VIRTUAL_APIC_PAGE_ADDR		= 0x2012,
	VMCS_EPT_POINTER		= 0x201a,
	GUEST_PHYSICAL_ADDRESS		= 0x2400,
	VMCS_LINK_POINTER		= 0x2800,
	GUEST_IA32_DEBUGCTL		= 0x2802,
	GUEST_IA32_PAT			= 0x2804,
	GUEST_IA32_EFER			= 0x2806,
	GUEST_PDPTE0			= 0x280a,
	GUEST_PDPTE1			= 0x280c,
	GUEST_PDPTE2			= 0x280e,
	GUEST_PDPTE3			= 0x2810,
	HOST_IA32_PAT			= 0x2c00,
	HOST_IA32_EFER			= 0x2c02,

	/* 32-bit */
	PIN_BASED_CONTROLS		= 0x4000,
	PROC_BASED_CONTROLS		= 0x4002,
	EXCEPTION_BITMAP		= 0x4004,
	CR3_TARGET_COUNT		= 0x400a,
	VM_EXIT_CONTROLS		= 0x400c,
	VM_EXIT_MSR_STORE_COUNT		= 0x400e,
	VM_EXIT_MSR_LOAD_COUNT		= 0x4010,
	VM_ENTRY_CONTROLS		= 0x4012,
	VM_ENTRY_MSR_LOAD_COUNT		= 0x4014,
	VM_ENTRY_INTR_INFO		= 0x4016,
	VM_ENTRY_EXCEPTION_ERROR_CODE	= 0x4018,
	VM_ENTRY_INSTRUCTION_LEN	= 0x401a,
	TPR_THRESHOLD			= 0x401c,
	PROC_BASED_CONTROLS2		= 0x401e,
	VM_INSTRUCTION_ERROR		= 0x4400,
	VM_EXIT_REASON			= 0x4402,
	VM_EXIT_INTR_INFO		= 0x4404,
	VM_EXIT_INTR_ERROR_CODE		= 0x4406,
	IDT_VECTORING_INFO		= 0x4408,
	IDT_VECTORING_ERROR_CODE	= 0x440a,
	VM_EXIT_INSTRUCTION_LEN		= 0x440c,
	GUEST_ES_LIMIT			= 0x4800,
	GUEST_CS_LIMIT			= 0x4802,
	GUEST_SS_LIMIT			= 0x4804,
	GUEST_DS_LIMIT			= 0x4806,
	GUEST_FS_LIMIT			= 0x4808,
	GUEST_GS_LIMIT			= 0x480a,
	GUEST_LDTR_LIMIT		= 0x480c,
	GUEST_TR_LIMIT			= 0x480e,
	GUEST_GDTR_LIMIT		= 0x4810,
	GUEST_IDTR_LIMIT		= 0x4812,
	GUEST_ES_AR			= 0x4814,
	GUEST_CS_AR			= 0x4816,
	GUEST_SS_AR			= 0x4818,
	GUEST_DS_AR			= 0x481a,
	GUEST_FS_AR			= 0x481c,
	GUEST_GS_AR			= 0x481e,
	GUEST_LDTR_AR			= 0x4820,
	GUEST_TR_AR			= 0x4822,
	GUEST_INTERRUPTIBILITY		= 0x4824,
	GUEST_ACTIVITY_STATE		= 0x4826,
	GUEST_SYSENTER_CS		= 0x482a,
	HOST_SYSENTER_CS		= 0x4c00,

	/* natural width */
	CR0_GUEST_HOST_MASK		= 0x6000,
	CR4_GUEST_HOST_MASK		= 0x6002,
	CR0_READ_SHADOW			= 0x6004,
	CR4_READ_SHADOW			= 0x6006,
	EXIT_QUALIFICATION		= 0x6400,
	GUEST_CR0			= 0x6800,
	GUEST_CR3			= 0x6802,
	GUEST_CR4			= 0x6804,
	GUEST_ES_BASE			= 0x6806,
	GUEST_CS_BASE			= 0x6808,
	GUEST_SS_BASE			= 0x680a,
	GUEST_DS_BASE			= 0x680c,
	GUEST_FS_BASE			= 0x680e,
	GUEST_GS_BASE			= 0x6810,
	GUEST_LDTR_BASE			= 0x6812,
	GUEST_TR_BASE			= 0x6814,
	GUEST_GDTR_BASE			= 0x6816,
	GUEST_IDTR_BASE			= 0x6818,
	GUEST_DR7			= 0x681a,
	GUEST_RSP			= 0x681c,
	GUEST_RIP			= 0x681e,
	GUEST_RFLAGS			= 0x6820,
	GUEST_PENDING_DBG_EXCEPTIONS	= 0x6822,
	GUEST_SYSENTER_ESP		= 0x6824,
	GUEST_SYSENTER_EIP		= 0x6826,
	HOST_CR0			= 0x6c00,
	HOST_CR3			= 0x6c02,
	HOST_CR4			= 0x6c04,
	HOST_FS_BASE			= 0x6c06,
	HOST_GS_BASE			= 0x6c08,
	HOST_TR_BASE			= 0x6c0a,
	HOST_GDTR_BASE			= 0x6c0c,
	HOST_IDTR_BASE			= 0x6c0e,
	HOST_SYSENTER_ESP		= 0x6c10,
	HOST_SYSENTER_EIP		= 0x6c12,
	HOST_RSP			= 0x6c14,
	HOST_RIP			= 0x6c16,
};

#define VMCS_WIDTH(f)		(((f) >> 13) & 3)
#define VMCS_WIDTH_16		0
#define VMCS_WIDTH_64		1
#define VMCS_WIDTH_32		2
#define VMCS_WIDTH_NATURAL	3

#define vmcs_check(f, w) \
	BUILD_BUG_ON_MSG(__builtin_constant_p(f) && VMCS_WIDTH(f) != (w), \
			 "VMCS field accessed with the wrong width")

void vmx_vmwrite_error(unsigned long field, unsigned long value);

static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value;

	/*
	 * Only a missing current VMCS fails, and then we read 0; with VMX
	 * off (a reboot, vmm_virt_insn_fault()) it faults: 0 as well.
	 */
	value = 0;
	asm volatile("1: vmread %[field], %[value]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [value] "+rm" (value) : [field] "r" (field) : "cc");
	return value;
}

static __always_inline void __vmcs_write(unsigned long field, unsigned long value)
{
	asm goto("1: vmwrite %[value], %[field]\n\t"
		 "jbe %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [field] "r" (field), [value] "rm" (value) : "cc" : fail, fault);
	return;
fail:
	vmx_vmwrite_error(field, value);
	return;
fault:
	vmm_virt_insn_fault("VMWRITE");
}

static __always_inline u16 vmcs_read16(enum vmcs_field f)
{
	vmcs_check(f, VMCS_WIDTH_16);
	return __vmcs_read(f);
}

static __always_inline u32 vmcs_read32(enum vmcs_field f)
{
	vmcs_check(f, VMCS_WIDTH_32);
	return __vmcs_read(f);
}

static __always_inline u64 vmcs_read64(enum vmcs_field f)
{
	vmcs_check(f, VMCS_WIDTH_64);
	return __vmcs_read(f);
}

static __always_inline unsigned long vmcs_readl(enum vmcs_field f)
{
	vmcs_check(f, VMCS_WIDTH_NATURAL);
	return __vmcs_read(f);
}

static __always_inline void vmcs_write16(enum vmcs_field f, u16 v)
{
	vmcs_check(f, VMCS_WIDTH_16);
	__vmcs_write(f, v);
}

static __always_inline void vmcs_write32(enum vmcs_field f, u32 v)
{
	vmcs_check(f, VMCS_WIDTH_32);
	__vmcs_write(f, v);
}

static __always_inline void vmcs_write64(enum vmcs_field f, u64 v)
{
	vmcs_check(f, VMCS_WIDTH_64);
	__vmcs_write(f, v);
}

static __always_inline void vmcs_writel(enum vmcs_field f, unsigned long v)
{
	vmcs_check(f, VMCS_WIDTH_NATURAL);
	__vmcs_write(f, v);
}

#endif /* VMM_VMX_VMCS_H */
