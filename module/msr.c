// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MSRs of a PC that guest kernels touch, often without asking CPUID
 * first, kept by the core for either backend: the MTRRs, the machine-check
 * registers, IA32_MISC_ENABLE and AMD's legacy performance counters. Each
 * behaves as on a machine of that vendor whose feature does nothing: the
 * values stay as written, within the rules WRMSR checks, and nothing
 * caches differently or reports an error. The performance counters AMD
 * CPUs have without a CPUID bit read as 0 whatever is written, so that a
 * guest's probe finds no PMU (Linux: "PMU not available due to
 * virtualization"), as under kvm without one. The guest's memory types
 * come from the host's (EPT/NPT with the host's PAT), not from these.
 */
#include <linux/bits.h>
#include <asm/msr-index.h>

#include "vmm.h"

/* MTRRcap: fixed ranges, write-combining, VMM_MTRR_VAR variable ranges. */
/*
 * AMD's configuration MSRs Linux reads on every AMD CPU (by number: their
 * names moved between kernel versions). SYSCFG and NB_CFG read as 0 (no
 * memory encryption, no MTRR fixed-range extensions); HWCR and DE_CFG keep
 * what is written, so that setting DE_CFG's LFENCE-serializing bit sticks.
 * HWCR's TscFreqSel reads 1, as on every AMD CPU since family 10h (the TSC
 * counts at the P0 frequency): Linux warns of a firmware bug without it
 * when the TSC is invariant.
 */
#define AMD_SYSCFG		0xc0010010
#define AMD_HWCR		0xc0010015
#define AMD_HWCR_TSC_FREQ_SEL	BIT_ULL(24)
#define AMD_NB_CFG		0xc001001f
#define AMD_DE_CFG		0xc0011029
#define MSR_UCODE_REV		0x0000008b

/* The MTRRs (SDM "MTRR Feature Identification" and on), by number. */
#define MTRR_CAP		0x0fe
#define MTRR_VAR_FIRST		0x200	/* base at 0x200 + 2n, mask after it */
#define MTRR_FIX_64K		0x250
#define MTRR_FIX_16K		0x258	/* and 0x259 */
#define MTRR_FIX_4K		0x268	/* to 0x26f */
#define MTRR_DEF_TYPE		0x2ff

#define MTRRCAP_FIX		BIT_ULL(8)
#define MTRRCAP_WC		BIT_ULL(10)
#define MTRR_DEF_TYPE_BITS	(GENMASK_ULL(7, 0) | BIT_ULL(10) | BIT_ULL(11))
/* MCG_CAP: VMM_MC_BANKS banks, no MCG_CTL, no extended registers. */
#define MCG_STATUS_BITS		GENMASK_ULL(2, 0)	/* RIPV, EIPV, MCIP */

/* IA32_MISC_ENABLE as kvm presents it: fast strings, no BTS, no PEBS. */
#define MISC_ENABLE_RESET	(MSR_IA32_MISC_ENABLE_FAST_STRING | \
				 MSR_IA32_MISC_ENABLE_BTS_UNAVAIL | \
				 MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL)
/* What software may change: fast strings, MONITOR (hidden anyway), XD off. */
#define MISC_ENABLE_WRITABLE	(MSR_IA32_MISC_ENABLE_FAST_STRING | \
				 MSR_IA32_MISC_ENABLE_MWAIT | \
				 MSR_IA32_MISC_ENABLE_LIMIT_CPUID | \
				 MSR_IA32_MISC_ENABLE_XD_DISABLE)

void vmm_pc_msrs_reset(struct vmm_pc_msrs *m)
{
	memset(m, 0, sizeof(*m));
	m->misc_enable = MISC_ENABLE_RESET;
	/* MCi_CTL resets to all ones: every error type reported. */
	memset(m->mc_ctl, 0xff, sizeof(m->mc_ctl));
}

/* A memory type MTRRs accept: UC, WC, WT, WP, WB. */
static bool mtrr_type_ok(u8 type)
{
	return type <= 6 && type != 2 && type != 3;
}

static bool mtrr_fixed_ok(u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		if (!mtrr_type_ok(v >> (i * 8)))
			return false;
	return true;
}

/* Index into fixed[] of a fixed-range MTRR, or -1. */
static int mtrr_fixed_index(u32 msr)
{
	switch (msr) {
	case MTRR_FIX_64K:
		return 0;
	case MTRR_FIX_16K ... MTRR_FIX_16K + 1:
		return 1 + msr - MTRR_FIX_16K;
	case MTRR_FIX_4K ... MTRR_FIX_4K + 7:
		return 3 + msr - MTRR_FIX_4K;
	}
	return -1;
}

/* The register @msr names in @m, or NULL. */
static u64 *pc_msr_slot(struct vmm_pc_msrs *m, u32 msr)
{
	int i = mtrr_fixed_index(msr);

	if (i >= 0)
		return &m->mtrr_fixed[i];
	if (msr >= MTRR_VAR_FIRST && msr < MTRR_VAR_FIRST + 2 * VMM_MTRR_VAR)
		return &m->mtrr_var[msr - MTRR_VAR_FIRST];
	if (msr >= MSR_IA32_MC0_CTL && msr < MSR_IA32_MC0_CTL + 4 * VMM_MC_BANKS) {
		i = (msr - MSR_IA32_MC0_CTL) / 4;
		switch ((msr - MSR_IA32_MC0_CTL) % 4) {
		case 0: return &m->mc_ctl[i];
		case 1: return &m->mc_status[i];
		case 2: return &m->mc_addr[i];
		default: return &m->mc_misc[i];
		}
	}
	if (boot_cpu_data.x86_vendor == X86_VENDOR_AMD) {
		if (msr == AMD_HWCR)
			return &m->amd_hwcr;
		if (msr == AMD_DE_CFG)
			return &m->amd_de_cfg;
	}
	switch (msr) {
	case MTRR_DEF_TYPE:		return &m->mtrr_def_type;
	case MSR_IA32_MCG_STATUS:	return &m->mcg_status;
	case MSR_IA32_MISC_ENABLE:
		return boot_cpu_data.x86_vendor == X86_VENDOR_INTEL ? &m->misc_enable : NULL;
	}
	return NULL;
}

/* Return: 0, or -ENOENT for an MSR that is not one of these. */
int vmm_pc_get_msr(struct vmm_pc_msrs *m, u32 msr, u64 *value)
{
	u64 *slot;

	switch (msr) {
	case MTRR_CAP:
		*value = MTRRCAP_FIX | MTRRCAP_WC | VMM_MTRR_VAR;
		return 0;
	case MSR_IA32_MCG_CAP:
		*value = VMM_MC_BANKS;
		return 0;
	case MSR_UCODE_REV:
		*value = 0;		/* no microcode the guest could know */
		return 0;
	case AMD_HWCR:
		if (boot_cpu_data.x86_vendor != X86_VENDOR_AMD)
			break;
		*value = m->amd_hwcr | AMD_HWCR_TSC_FREQ_SEL;
		return 0;
	case AMD_SYSCFG:
	case AMD_NB_CFG:
	case MSR_K7_EVNTSEL0 ... MSR_K7_PERFCTR3:
		if (boot_cpu_data.x86_vendor != X86_VENDOR_AMD)
			break;
		*value = 0;
		return 0;
	}
	slot = pc_msr_slot(m, msr);
	if (!slot)
		return -ENOENT;
	*value = *slot;
	return 0;
}

/*
 * @user: VMM_SET_MSRS restoring state, which may also set what the guest
 * can only clear (MCi_STATUS, MCG_STATUS). Return: 0, -EINVAL for a #GP,
 * or -ENOENT.
 */
int vmm_pc_set_msr(struct vmm_pc_msrs *m, u32 msr, u64 value, bool user)
{
	u64 pa_mask = GENMASK_ULL(boot_cpu_data.x86_phys_bits - 1, 12);
	u64 *slot;

	switch (msr) {
	case MTRR_CAP:
	case MSR_IA32_MCG_CAP:
		return user ? 0 : -EINVAL;	/* read-only */
	case MSR_UCODE_REV:
		return 0;		/* a microcode load: ignored */
	case AMD_SYSCFG:
	case AMD_NB_CFG:
	case MSR_K7_EVNTSEL0 ... MSR_K7_PERFCTR3:
		if (boot_cpu_data.x86_vendor != X86_VENDOR_AMD)
			return -ENOENT;
		return 0;		/* nothing to enable, nothing counts */
	case MTRR_DEF_TYPE:
		if ((value & ~MTRR_DEF_TYPE_BITS) || !mtrr_type_ok(value & 0xff))
			return -EINVAL;
		break;
	case MSR_IA32_MCG_STATUS:
		if (value & ~MCG_STATUS_BITS)
			return -EINVAL;
		break;
	case MSR_IA32_MISC_ENABLE:
		if (!user)
			value = (m->misc_enable & ~MISC_ENABLE_WRITABLE) |
				(value & MISC_ENABLE_WRITABLE);
		break;
	default:
		if (mtrr_fixed_index(msr) >= 0 && !mtrr_fixed_ok(value))
			return -EINVAL;
		if (msr >= MTRR_VAR_FIRST && msr < MTRR_VAR_FIRST + 2 * VMM_MTRR_VAR) {
			/* Base: type and address; mask: valid bit and address. */
			bool base = msr % 2 == 0;

			if (base && ((value & ~(pa_mask | 0xff)) || !mtrr_type_ok(value & 0xff)))
				return -EINVAL;
			if (!base && (value & ~(pa_mask | BIT_ULL(11))))
				return -EINVAL;
		}
		/* MCi_STATUS: the guest may only clear it (SDM "IA32_MCi_STATUS"). */
		if (msr >= MSR_IA32_MC0_CTL && msr < MSR_IA32_MC0_CTL + 4 * VMM_MC_BANKS &&
		    (msr - MSR_IA32_MC0_CTL) % 4 == 1 && value && !user)
			return -EINVAL;
		break;
	}
	slot = pc_msr_slot(m, msr);
	if (!slot)
		return -ENOENT;
	*slot = value;
	return 0;
}
