// SPDX-License-Identifier: GPL-2.0-only
/*
 * VPIDs and the TLB invalidations of VMX.
 *
 * Each vCPU has its own VPID for its whole life (VPID 0 is the host's), so
 * its linear mappings survive VM exits. Its mappings are tagged with the EPT
 * pointer as well; INVEPT drops the guest-physical and combined mappings of
 * one EPT, INVVPID the linear ones of one VPID (Intel SDM, "Invalidation of
 * TLBs and Paging-Structure Caches"). Both act on the executing CPU only.
 */
#include <linux/idr.h>
#include <linux/moduleparam.h>

#include "../vmm.h"
#include "vmx.h"

#define INVEPT_SINGLE	1
#define INVEPT_ALL	2
#define INVVPID_SINGLE	1
#define INVVPID_ALL	2

static DEFINE_IDA(vmx_vpids);

/* As kvm-intel's "vpid": off, every VM entry and exit flushes instead. */
static bool vpid_enabled = true;
module_param_named(vpid, vpid_enabled, bool, 0444);
MODULE_PARM_DESC(vpid, "Tag guest TLB entries with VPIDs where VMX has them (default: on)");

bool vmx_has_invept_single, vmx_has_invvpid_single;

/* Return: a VPID, 0 (untagged) when VPIDs are unavailable or exhausted. */
int vmx_vpid_alloc(void)
{
	int vpid;

	if (!vpid_enabled || !(vmm_host_caps.features & VMM_FEAT_TAGGED_TLB))
		return 0;
	vpid = ida_alloc_range(&vmx_vpids, 1, VMX_VPID_COUNT, GFP_KERNEL);
	/*
	 * Out of VPIDs: the vCPU runs untagged (vmx_vmcs_init() turns the
	 * control off for it), VM entry and exit then flush.
	 */
	return vpid < 0 ? 0 : vpid;
}

void vmx_vpid_free(int vpid)
{
	if (vpid)
		ida_free(&vmx_vpids, vpid);
}

void vmx_invept(u64 eptp)
{
	struct { u64 eptp, reserved; } desc = { eptp, 0 };
	unsigned long type = vmx_has_invept_single ? INVEPT_SINGLE : INVEPT_ALL;

	asm goto("1: invept %0, %1\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : "m" (desc), "r" (type) : "cc", "memory" : fault);
	return;
fault:
	vmm_virt_insn_fault("INVEPT");
}

void vmx_invvpid(u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };
	unsigned long type = vmx_has_invvpid_single ? INVVPID_SINGLE : INVVPID_ALL;

	if (!vpid)
		return;
	asm goto("1: invvpid %0, %1\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : "m" (desc), "r" (type) : "cc", "memory" : fault);
	return;
fault:
	vmm_virt_insn_fault("INVVPID");
}
