// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMCS lifecycle and the settings every vCPU starts from.
 *
 * A VMCS is active on at most one CPU at a time (Intel SDM, "VMCS Data"):
 * before a vCPU runs on another CPU, its VMCS is VMCLEARed on the old one,
 * which writes the CPU's cached copy back to memory. Each CPU keeps a list of
 * the VMCSs active on it, so that it can clear them all before it leaves VMX
 * operation (CPU offline). The lists are touched only by their own CPU, with
 * interrupts off: by the vCPU loading there, or by an IPI sent to it.
 *
 * The controls are computed once from the capability MSRs: the bits we want,
 * plus those the CPU forces on, minus those it cannot do (the TRUE_* MSRs
 * when the CPU has them, which the probe already chose).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/trapnr.h>

#include "../compat.h"
#include "../vmm.h"
#include "vmcs.h"
#include "vmx.h"

static DEFINE_PER_CPU(struct list_head, loaded_vmcss);
static DEFINE_PER_CPU(void *, current_vmcs);

/* The control values for every VMCS, and the CR bits the host owns. */
static struct {
	u32 pin, proc, proc2, exit, entry;
	unsigned long cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	unsigned long cr0_owned, cr4_owned;
	bool usable;
} vmx_ctl;

void vmx_vmwrite_error(unsigned long field, unsigned long value)
{
	/* Our bug, not the guest's: say so once, the entry will fail. */
	pr_warn_once("VMWRITE %#lx = %#lx failed, VM-instruction error %lu\n",
		     field, value, __vmcs_read(VM_INSTRUCTION_ERROR));
}

/* Both fault only with VMX off: see vmm_virt_insn_fault(). */
static void vmx_vmclear(u64 pa)
{
	asm goto("1: vmclear %0\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : "m" (pa) : "cc", "memory" : fault);
	return;
fault:
	vmm_virt_insn_fault("VMCLEAR");
}

static void vmx_vmptrld(u64 pa)
{
	asm goto("1: vmptrld %0\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : "m" (pa) : "cc", "memory" : fault);
	return;
fault:
	vmm_virt_insn_fault("VMPTRLD");
}

/* On the VMCS's CPU, interrupts off: write it back and forget it here. */
static void __vmx_vmcs_clear(struct vmx_vcpu *vx)
{
	vmx_vmclear(vx->vmcs_pa);
	if (__this_cpu_read(current_vmcs) == vx->vmcs)
		__this_cpu_write(current_vmcs, NULL);
	list_del(&vx->loaded_link);
	vx->launched = false;
	/* Pairs with the READ_ONCE()s in vmx_vmcs_load()/release(). */
	WRITE_ONCE(vx->cpu, -1);
}

static void vmx_vmcs_clear_ipi(void *arg)
{
	struct vmx_vcpu *vx = arg;

	/* The CPU may have cleared it itself meanwhile (going offline). */
	if (READ_ONCE(vx->cpu) == smp_processor_id())
		__vmx_vmcs_clear(vx);
}

/*
 * Make @vx's VMCS inactive wherever it is active: before it is loaded on
 * another CPU, and before it is freed. May send an IPI.
 */
void vmx_vmcs_clear(struct vmx_vcpu *vx)
{
	int cpu = READ_ONCE(vx->cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, vmx_vmcs_clear_ipi, vx, 1);
}

/*
 * Before this CPU leaves VMX operation (offline, last VM gone): write every
 * VMCS active here back to memory. Interrupts are off.
 */
void vmx_vmcs_clear_cpu(void)
{
	struct list_head *list = this_cpu_ptr(&loaded_vmcss);
	struct vmx_vcpu *vx, *tmp;

	list_for_each_entry_safe(vx, tmp, list, loaded_link)
		__vmx_vmcs_clear(vx);
}

void *vmx_vmcs_alloc(void)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	u32 *vmcs;

	if (!page)
		return NULL;
	vmcs = page_address(page);
	*vmcs = vmx_revision;
	return vmcs;
}

/* Host state that differs between CPUs: set when the VMCS comes here. */
static void vmx_set_host_percpu_state(struct vmx_vcpu *vx)
{
	u64 gs_base, sysenter_esp;
	int cpu = smp_processor_id();

	/*
	 * Kept whole: VM exit loads the base but sets the limit to 0xffff.
	 * The limit is the kernel's constant, not what SGDT says: another
	 * hypervisor's exit may have left 0xffff here too.
	 */
	native_store_gdt(&vx->host_gdt);
	vx->host_gdt.size = GDT_SIZE - 1;
	vmcs_writel(HOST_GDTR_BASE, vx->host_gdt.address);
	vmcs_writel(HOST_TR_BASE,
		    (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	rdmsrq(MSR_GS_BASE, gs_base);
	vmcs_writel(HOST_GS_BASE, gs_base);
	rdmsrq(MSR_IA32_SYSENTER_ESP, sysenter_esp);
	vmcs_writel(HOST_SYSENTER_ESP, sysenter_esp);
}

/**
 * vmx_vmcs_load() - make @vx's VMCS the current one on this CPU
 * @vx: the vCPU
 *
 * With preemption disabled. When the VMCS was active on another CPU it is
 * cleared there first, and the vCPU will flush its TLB tags before its next
 * entry here (see vmx_vcpu_run_once()).
 */
void vmx_vmcs_load(struct vmx_vcpu *vx)
{
	int cpu = smp_processor_id();
	unsigned long flags;

	if (READ_ONCE(vx->cpu) != cpu) {
		vmx_vmcs_clear(vx);
		local_irq_save(flags);
		list_add(&vx->loaded_link, this_cpu_ptr(&loaded_vmcss));
		WRITE_ONCE(vx->cpu, cpu);
		/*
		 * A VMCS is made active only after VMCLEAR (Intel SDM,
		 * "Software Use of the VMCS and Related Structures"): a new
		 * one has never been, and its launch state must say clear.
		 */
		if (unlikely(!vx->cleared_once)) {
			vmx_vmclear(vx->vmcs_pa);
			vx->cleared_once = true;
		}
		vmx_vmptrld(vx->vmcs_pa);
		__this_cpu_write(current_vmcs, vx->vmcs);
		local_irq_restore(flags);
		vmx_set_host_percpu_state(vx);
		return;
	}
	if (__this_cpu_read(current_vmcs) != vx->vmcs) {
		vmx_vmptrld(vx->vmcs_pa);
		__this_cpu_write(current_vmcs, vx->vmcs);
	}
}

/*
 * Controls: @want, plus what the CPU forces on (allowed-0, low half), minus
 * what it cannot do (allowed-1, high half). Fails if a bit of @need is lost.
 */
static int vmx_adjust(const char *what, u64 msr, u32 want, u32 need, u32 *out)
{
	u32 val = (want | (u32)msr) & (u32)(msr >> 32);

	if ((val & need) != need) {
		pr_warn("VMX: the CPU lacks %s controls %#x: no vCPUs\n",
			what, need & ~val);
		return -EOPNOTSUPP;
	}
	*out = val;
	return 0;
}

/**
 * vmx_vcpu_setup() - once at probe: the controls every VMCS uses
 * @raw: the capability MSRs as the probe read them
 * @caps: what the probe decoded from them
 *
 * What vmm needs: EPT with unrestricted guest (real mode runs natively),
 * PAT and EFER switched by the hardware, every I/O and MSR access, HLT and
 * the host's interrupts and NMIs exiting. VPID is used when present.
 * If the CPU cannot run vmm's guests, says why in the log and leaves
 * vmx_controls_usable() false: the capability report stays available.
 */
void vmx_vcpu_setup(const u64 raw[VMM_RAW_WORDS], const struct vmm_caps *caps)
{
	const u32 need_proc2 = VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED |
			       PROC2_WBINVD_EXITING;
	const u32 need_exit = EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_PAT |
			      EXIT_LOAD_PAT | EXIT_SAVE_EFER | EXIT_LOAD_EFER |
			      EXIT_SAVE_DEBUG;
	/* The guest's DR7 and DEBUGCTL, never the host's (security.rst). */
	const u32 need_entry = ENTRY_LOAD_PAT | ENTRY_LOAD_EFER | ENTRY_LOAD_DEBUG;
	/*
	 * MOV DR, RDPMC, MONITOR and MWAIT: host state the guest must not
	 * reach (the intercept table in Documentation/security.rst). TSC
	 * offsetting: RDTSC runs natively on the vCPU's own count (tsc.h),
	 * RDTSC exiting stays off.
	 */
	u32 need_proc = PROC_HLT_EXITING | PROC_UNCOND_IO_EXITING |
			PROC_MOV_DR_EXITING | PROC_RDPMC_EXITING |
			PROC_MWAIT_EXITING | PROC_MONITOR_EXITING |
			PROC_USE_TSC_OFFSETTING | VMX_PROC_SECONDARY;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u32 entry;
	int cpu, ret;

	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(per_cpu_ptr(&loaded_vmcss, cpu));
	vmx_has_invept_single = raw[VMM_RAW_VMX_EPT_VPID] & VMX_EPT_INVEPT_SINGLE;
	vmx_has_invvpid_single = raw[VMM_RAW_VMX_EPT_VPID] & VMX_VPID_INVVPID_SINGLE;

	/*
	 * Virtual NMIs: the guest's NMI blocking is tracked by the CPU from
	 * an injected NMI to its IRET, and NMI-window exiting needs them.
	 */
	ret = vmx_adjust("pin-based", raw[VMM_RAW_VMX_PINBASED],
			 PIN_EXT_INTR_EXITING | PIN_NMI_EXITING | PIN_VIRTUAL_NMIS,
			 PIN_EXT_INTR_EXITING | PIN_NMI_EXITING | PIN_VIRTUAL_NMIS,
			 &vmx_ctl.pin);
	/*
	 * MOV CR8 runs natively on the TPR shadow, the virtual-APIC page's
	 * TPR (vcpu.c, vmx_tpr_enter()); without one it must exit, or it
	 * would reach the host's APIC.
	 */
	if (VMX_ALLOWED1(raw[VMM_RAW_VMX_PROCBASED]) & PROC_TPR_SHADOW)
		need_proc |= PROC_TPR_SHADOW;
	else
		need_proc |= PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING;
	ret = ret ?: vmx_adjust("processor-based", raw[VMM_RAW_VMX_PROCBASED],
				need_proc, need_proc, &vmx_ctl.proc);
	/* Interrupt and NMI windows, turned on while an event waits. */
	if (!ret && (VMX_ALLOWED1(raw[VMM_RAW_VMX_PROCBASED]) &
		     (PROC_INTR_WINDOW_EXITING | PROC_NMI_WINDOW_EXITING)) !=
		    (PROC_INTR_WINDOW_EXITING | PROC_NMI_WINDOW_EXITING)) {
		pr_warn("VMX: the CPU lacks interrupt- or NMI-window exiting: no vCPUs\n");
		ret = -EOPNOTSUPP;
	}
	ret = ret ?: vmx_adjust("secondary", raw[VMM_RAW_VMX_PROCBASED2],
				need_proc2 | VMX_PROC2_VPID,
				need_proc2, &vmx_ctl.proc2);
	ret = ret ?: vmx_adjust("VM-exit", raw[VMM_RAW_VMX_EXIT], need_exit,
				need_exit, &vmx_ctl.exit);
	ret = ret ?: vmx_adjust("VM-entry", raw[VMM_RAW_VMX_ENTRY], need_entry,
				need_entry, &entry);
	if (ret)
		return;
	/* INVEPT is what makes mapping changes visible: no INVEPT, no EPT. */
	if (!(caps->features & VMM_FEAT_TDP)) {
		pr_warn("VMX: EPT lacks 4-level write-back walks or INVEPT: no vCPUs\n");
		return;
	}
	if (!(caps->features & VMM_FEAT_TAGGED_TLB))
		vmx_ctl.proc2 &= ~VMX_PROC2_VPID;
	/* IA-32e mode guest follows the guest's EFER.LMA at each entry. */
	vmx_ctl.entry = entry & ~ENTRY_IA32E_MODE;

	rdmsrq(VMX_MSR_CR0_FIXED0, cr0_fixed0);
	rdmsrq(VMX_MSR_CR0_FIXED1, cr0_fixed1);
	rdmsrq(VMX_MSR_CR4_FIXED0, cr4_fixed0);
	rdmsrq(VMX_MSR_CR4_FIXED1, cr4_fixed1);
	/* Unrestricted guest lifts the PE and PG requirements. */
	vmx_ctl.cr0_fixed0 = cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);
	vmx_ctl.cr0_fixed1 = cr0_fixed1;
	vmx_ctl.cr4_fixed0 = cr4_fixed0;
	vmx_ctl.cr4_fixed1 = cr4_fixed1;
	/*
	 * CR bits the guest sees through the read shadows, and whose writes
	 * exit: the ones VMX fixes (NE, VMXE), PE and PG (mode switches
	 * change the entry controls and PDPTEs), SMXE (no SMX in guests),
	 * OSXSAVE, which decides whether the guest's XCR0 is loaded, and PKE
	 * and CET, which vmm refuses (PKRU and the CET MSRs are not switched;
	 * CET with CR0.WP clear would fail the entry).
	 */
	vmx_ctl.cr0_owned = X86_CR0_PE | X86_CR0_PG | cr0_fixed0 | ~cr0_fixed1;
	vmx_ctl.cr4_owned = X86_CR4_VMXE | X86_CR4_SMXE | X86_CR4_OSXSAVE |
			    X86_CR4_PKE | X86_CR4_CET | cr4_fixed0 | ~cr4_fixed1;
	vmx_syscall_msrs_init();
	vmx_ctl.usable = true;
}

bool vmx_controls_usable(void)
{
	return vmx_ctl.usable;
}

bool vmx_has_tpr_shadow(void)
{
	return vmx_ctl.proc & PROC_TPR_SHADOW;
}

/* Processor-based controls vmm turns on and off at run time; VMCS current. */
void vmx_proc_control(u32 bits, bool on)
{
	u32 old = vmcs_read32(PROC_BASED_CONTROLS);
	u32 val = on ? old | bits : old & ~bits;

	if (val != old)
		vmcs_write32(PROC_BASED_CONTROLS, val);
}

/* MOV DR exits, or runs natively while the guest owns DR0-3 (vcpu.c). */
void vmx_mov_dr_exiting(bool on)
{
	vmx_proc_control(PROC_MOV_DR_EXITING, on);
}

u32 vmx_entry_controls(bool ia32e)
{
	return vmx_ctl.entry | (ia32e ? ENTRY_IA32E_MODE : 0);
}

/* The CR0/CR4 the hardware runs with, for what the guest asked for. */
unsigned long vmx_hw_cr0(unsigned long cr0)
{
	return (cr0 | vmx_ctl.cr0_fixed0) & vmx_ctl.cr0_fixed1;
}

unsigned long vmx_hw_cr4(unsigned long cr4)
{
	return (cr4 | vmx_ctl.cr4_fixed0) & vmx_ctl.cr4_fixed1;
}

/* Can the guest have these CR4 bits? (The CPU has them; not VMX, SMX, PKE, CET.) */
bool vmx_cr4_valid(unsigned long cr4)
{
	return !(cr4 & ~vmx_ctl.cr4_fixed1) &&
	       !(cr4 & (X86_CR4_VMXE | X86_CR4_SMXE | X86_CR4_PKE | X86_CR4_CET));
}

static void vmx_set_guest_seg(enum vmcs_field sel, u16 selector,
			      enum vmcs_field base, unsigned long b,
			      enum vmcs_field limit, u32 l,
			      enum vmcs_field ar, u32 a)
{
	__vmcs_write(sel, selector);
	__vmcs_write(base, b);
	__vmcs_write(limit, l);
	__vmcs_write(ar, a);
}

/**
 * vmx_vmcs_init() - a new vCPU's VMCS: controls, host state, RESET state
 * @vcpu: the vCPU
 * @vx: its VMX state; the VMCS is current on this CPU
 */
void vmx_vmcs_init(struct vmm_vcpu *vcpu, struct vmx_vcpu *vx)
{
	struct desc_ptr idt;
	u64 msr;

	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
	vmcs_write32(PIN_BASED_CONTROLS, vmx_ctl.pin);
	vmcs_write32(PROC_BASED_CONTROLS, vmx_ctl.proc);
	/* VPID 0 is refused at VM entry when the control is on: untagged. */
	vmcs_write32(PROC_BASED_CONTROLS2, vx->vpid ? vmx_ctl.proc2 :
					   vmx_ctl.proc2 & ~VMX_PROC2_VPID);
	vmcs_write32(VM_EXIT_CONTROLS, vmx_ctl.exit);
	vmcs_write32(VM_ENTRY_CONTROLS, vmx_entry_controls(false));
	vmcs_write32(EXCEPTION_BITMAP, VMM_INTERCEPTED_EXCEPTIONS);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	if (vx->vpid)
		vmcs_write16(VMCS_VPID, vx->vpid);
	vmcs_write64(VMCS_EPT_POINTER, vx->eptp);
	vmcs_write64(TSC_OFFSET, vcpu->tsc.offset);
	if (vx->vapic) {
		vmcs_write64(VIRTUAL_APIC_PAGE_ADDR, virt_to_phys(vx->vapic));
		vmcs_write32(TPR_THRESHOLD, 0);
	}
	vmcs_writel(CR0_GUEST_HOST_MASK, vmx_ctl.cr0_owned);
	vmcs_writel(CR4_GUEST_HOST_MASK, vmx_ctl.cr4_owned);

	/* No MSR lists: the SYSCALL MSRs are switched per run (vcpu.c). */
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);

	/* Host state that is the same on every CPU and for every task. */
	vmcs_writel(HOST_CR0, read_cr0());
	vmcs_writel(HOST_CR4, __read_cr4());
	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, 0);
	vmcs_write16(HOST_ES_SELECTOR, 0);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	store_idt(&idt);
	vmcs_writel(HOST_IDTR_BASE, idt.address);
	rdmsrq(MSR_IA32_SYSENTER_CS, msr);
	vmcs_write32(HOST_SYSENTER_CS, msr);
	rdmsrq(MSR_IA32_SYSENTER_EIP, msr);
	vmcs_writel(HOST_SYSENTER_EIP, msr);
	rdmsrq(MSR_IA32_CR_PAT, msr);
	vmcs_write64(HOST_IA32_PAT, msr);
	rdmsrq(MSR_EFER, msr);
	vmcs_write64(HOST_IA32_EFER, msr);
	vmcs_writel(HOST_RIP, (unsigned long)vmx_vmexit);

	/* The guest at RESET (Intel SDM, "Initialization of the Processor"). */
	vmx_set_guest_seg(GUEST_CS_SELECTOR, 0xf000, GUEST_CS_BASE, 0xffff0000,
			  GUEST_CS_LIMIT, 0xffff, GUEST_CS_AR, 0x9b);
	vmx_set_guest_seg(GUEST_DS_SELECTOR, 0, GUEST_DS_BASE, 0,
			  GUEST_DS_LIMIT, 0xffff, GUEST_DS_AR, 0x93);
	vmx_set_guest_seg(GUEST_ES_SELECTOR, 0, GUEST_ES_BASE, 0,
			  GUEST_ES_LIMIT, 0xffff, GUEST_ES_AR, 0x93);
	vmx_set_guest_seg(GUEST_SS_SELECTOR, 0, GUEST_SS_BASE, 0,
			  GUEST_SS_LIMIT, 0xffff, GUEST_SS_AR, 0x93);
	vmx_set_guest_seg(GUEST_FS_SELECTOR, 0, GUEST_FS_BASE, 0,
			  GUEST_FS_LIMIT, 0xffff, GUEST_FS_AR, 0x93);
	vmx_set_guest_seg(GUEST_GS_SELECTOR, 0, GUEST_GS_BASE, 0,
			  GUEST_GS_LIMIT, 0xffff, GUEST_GS_AR, 0x93);
	vmx_set_guest_seg(GUEST_LDTR_SELECTOR, 0, GUEST_LDTR_BASE, 0,
			  GUEST_LDTR_LIMIT, 0xffff, GUEST_LDTR_AR, 0x82);
	/* VMX wants a busy TSS in TR; type 11 is valid in every mode. */
	vmx_set_guest_seg(GUEST_TR_SELECTOR, 0, GUEST_TR_BASE, 0,
			  GUEST_TR_LIMIT, 0xffff, GUEST_TR_AR, 0x8b);
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0xffff);
	vmx_set_cr0(vx, X86_CR0_ET | X86_CR0_CD | X86_CR0_NW);
	vmx_set_cr4(vx, 0);
	vmcs_writel(GUEST_CR3, 0);
	vmcs_writel(GUEST_DR7, VMM_DR7_RESET);
	vx->dr7 = VMM_DR7_RESET;
	vx->dr6 = VMM_DR6_RESET;
	vmcs_writel(GUEST_RSP, 0);
	vmcs_writel(GUEST_RIP, 0xfff0);
	vmcs_writel(GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmcs_write64(GUEST_IA32_EFER, 0);
	vmcs_write64(GUEST_IA32_PAT, 0x0007040600070406ULL);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	vmcs_write32(GUEST_INTERRUPTIBILITY, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, 0);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO, 0);
}
