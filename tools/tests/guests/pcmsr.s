# SPDX-License-Identifier: GPL-2.0-only
#
# pcmsr: the MSRs a guest kernel touches on every PC without asking CPUID
# first (Linux: the MTRR code, mcheck, the vendor setup), read and written
# as it does. The machine is vmctl's: four machine-check banks with every
# error type enabled, MISC_ENABLE with fast strings (Intel), HWCR with
# TscFreqSel (AMD); kvm is given the same by vmctl's kvm backend, so both
# hypervisors must print the same. A value that is not the expected one, a
# #GP where a real PC has the register, or none where it has not, fails.

	.include "guest.inc"

	.set MSR_MTRRCAP, 0xfe
	.set MSR_MCG_CAP, 0x179
	.set MSR_MCG_STATUS, 0x17a
	.set MSR_MISC_ENABLE, 0x1a0
	.set MSR_MTRR_BASE0, 0x200
	.set MSR_MTRR_MASK0, 0x201
	.set MSR_MTRR_FIX64K, 0x250
	.set MSR_MTRR_FIX4K_C0000, 0x268
	.set MSR_MTRR_DEF_TYPE, 0x2ff
	.set MSR_MC0_CTL, 0x400
	.set MSR_MC0_STATUS, 0x401
	.set MSR_MC3_STATUS, 0x40d
	.set MSR_MC4_CTL, 0x410
	.set MSR_K7_EVNTSEL0, 0xc0010000
	.set MSR_K7_PERFCTR0, 0xc0010004
	.set MSR_AMD_SYSCFG, 0xc0010010
	.set MSR_AMD_HWCR, 0xc0010015
	.set MSR_AMD_NB_CFG, 0xc001001f

# WRITE_GP msr, "label", high, low: WRMSR high:low must raise #GP.
.macro WRITE_GP msr:req, label:req, high:req, low:req
	mov $\msr, %ecx
	mov $\high, %edx
	mov $\low, %eax
	TRY wrmsr
	EXPECT_FAULT "\label", 13
.endm

	START32
	call idt_init

	# MTRRs: fixed ranges, write-combining, eight variable ranges.
	RDMSR_IS MSR_MTRRCAP, "msr 0xfe mtrrcap", 0, 0x508
	ROUNDTRIP MSR_MTRR_DEF_TYPE, "msr 0x2ff mtrr_def_type", 0, 0xc06
	WRITE_GP MSR_MTRR_DEF_TYPE, "wrmsr 0x2ff reserved bit 9", 0, 0x206
	WRITE_GP MSR_MTRR_DEF_TYPE, "wrmsr 0x2ff type 2", 0, 0xc02
	ROUNDTRIP MSR_MTRR_BASE0, "msr 0x200 mtrr_phys_base0", 0, 0x80000006
	ROUNDTRIP MSR_MTRR_MASK0, "msr 0x201 mtrr_phys_mask0", 0xf, 0xc0000800
	WRITE_GP MSR_MTRR_BASE0, "wrmsr 0x200 type 3", 0, 0x80000003
	ROUNDTRIP MSR_MTRR_FIX64K, "msr 0x250 mtrr_fix64k", 0x06060606, 0x06060606
	ROUNDTRIP MSR_MTRR_FIX4K_C0000, "msr 0x268 mtrr_fix4k", 0x06050401, 0x00060504
	WRITE_GP MSR_MTRR_FIX64K, "wrmsr 0x250 type 2", 0x06060606, 0x06060206

	# Machine check: four banks, MCi_CTL all ones at reset; MCi_STATUS
	# may be cleared, not set; no fifth bank.
	RDMSR_IS MSR_MCG_CAP, "msr 0x179 mcg_cap", 0, 4
	RDMSR_IS MSR_MCG_STATUS, "msr 0x17a mcg_status", 0, 0
	ROUNDTRIP MSR_MCG_STATUS, "msr 0x17a mcg_status written", 0, 0
	RDMSR_IS MSR_MC0_CTL, "msr 0x400 mc0_ctl", 0xffffffff, 0xffffffff
	ROUNDTRIP MSR_MC0_CTL, "msr 0x400 mc0_ctl cleared", 0, 0
	RDMSR_IS MSR_MC3_STATUS, "msr 0x40d mc3_status", 0, 0
	ROUNDTRIP MSR_MC0_STATUS, "msr 0x401 mc0_status cleared", 0, 0
	WRITE_GP MSR_MC0_STATUS, "wrmsr 0x401 mc0_status set", 0x80000000, 0
	mov $MSR_MC4_CTL, %ecx
	TRY rdmsr
	EXPECT_FAULT "rdmsr 0x410 mc4_ctl", 13

	BY_VENDOR intel, amd

intel:
	RDMSR_IS MSR_MISC_ENABLE, "msr 0x1a0 misc_enable", 0, 0x1801
	jmp finish

# HWCR is shown, not judged: TscFreqSel (bit 24) is set under vmm, and
# under kvm only from 6.7 on. The Linux guests' logs check it (no firmware
# bug reported about the TSC).
# AMD has no MISC_ENABLE (a #GP on hardware and under vmm; kvm keeps one
# for every vendor), so it is not asked here.
amd:
	mov $MSR_AMD_HWCR, %ecx
	call show_hwcr
	RDMSR_IS MSR_AMD_SYSCFG, "msr 0xc0010010 syscfg", 0, 0
	RDMSR_IS MSR_AMD_NB_CFG, "msr 0xc001001f nb_cfg", 0, 0
	ROUNDTRIP MSR_K7_EVNTSEL0, "msr 0xc0010000 evntsel0", 0, 0
	RDMSR_IS MSR_K7_PERFCTR0, "msr 0xc0010004 perfctr0", 0, 0
	jmp finish

# show_hwcr: %ecx MSR; its value printed, not judged.
show_hwcr:
	TRY rdmsr
	PRINT "msr 0xc0010015 hwcr: "
	cmpl $-1, fault_vector
	jne 1f
	call puthex64
	PRINT "\n"
	ret
1:	mov fault_vector, %eax
	call putvec
	PRINT ", expected no exception\n"
	jmp fail

	LIB32
	IDT32
