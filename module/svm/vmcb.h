/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMCB: control area and state-save area, as laid out in the AMD APM
 * vol. 2, appendix "Layout of VMCB". A packed struct with the offsets checked
 * at build time (here) and at run time (KUnit vmm_svm_vmcb), so a misplaced
 * field cannot go unnoticed.
 */
#ifndef VMM_SVM_VMCB_H
#define VMM_SVM_VMCB_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

struct vmcb_control {
	u32 intercept_cr;		/* 0x000 reads [15:0], writes [31:16] */
	u32 intercept_dr;		/* 0x004 */
	u32 intercept_exceptions;	/* 0x008 */
	u32 intercept_misc1;		/* 0x00c SVM_INTERCEPT1_* */
	u32 intercept_misc2;		/* 0x010 SVM_INTERCEPT2_* */
	u32 intercept_misc3;		/* 0x014 */
	u8 reserved_018[0x03c - 0x018];
	u16 pause_filter_threshold;	/* 0x03c */
	u16 pause_filter_count;		/* 0x03e */
	u64 iopm_base_pa;		/* 0x040 */
	u64 msrpm_base_pa;		/* 0x048 */
	u64 tsc_offset;			/* 0x050 */
	u32 asid;			/* 0x058 */
	u8 tlb_control;			/* 0x05c */
	u8 reserved_05d[3];
	u32 int_ctl;			/* 0x060 V_TPR, V_IRQ, V_INTR_MASKING... */
	u32 int_vector;			/* 0x064 */
	u64 int_state;			/* 0x068 interrupt shadow */
	u64 exit_code;			/* 0x070 */
	u64 exit_info1;			/* 0x078 */
	u64 exit_info2;			/* 0x080 */
	u64 exit_int_info;		/* 0x088 */
	u64 nested_ctl;			/* 0x090 bit 0: nested paging */
	u64 avic_apic_bar;		/* 0x098 */
	u64 ghcb_gpa;			/* 0x0a0 */
	u64 event_inj;			/* 0x0a8 */
	u64 nested_cr3;			/* 0x0b0 */
	u64 virt_ext;			/* 0x0b8 */
	u32 clean;			/* 0x0c0 VMCB clean bits */
	u32 reserved_0c4;
	u64 next_rip;			/* 0x0c8 NRIPS */
	u8 insn_len;			/* 0x0d0 decode assists */
	u8 insn_bytes[15];		/* 0x0d1 */
	u8 reserved_0e0[0x400 - 0x0e0];
} __packed;

struct vmcb_seg {
	u16 selector;
	u16 attrib;	/* type:4 s:1 dpl:2 p:1 avl:1 l:1 db:1 g:1 */
	u32 limit;
	u64 base;
} __packed;

struct vmcb_save {
	struct vmcb_seg es;		/* 0x400 */
	struct vmcb_seg cs;		/* 0x410 */
	struct vmcb_seg ss;		/* 0x420 */
	struct vmcb_seg ds;		/* 0x430 */
	struct vmcb_seg fs;		/* 0x440 */
	struct vmcb_seg gs;		/* 0x450 */
	struct vmcb_seg gdtr;		/* 0x460 */
	struct vmcb_seg ldtr;		/* 0x470 */
	struct vmcb_seg idtr;		/* 0x480 */
	struct vmcb_seg tr;		/* 0x490 */
	u8 reserved_4a0[0x4cb - 0x4a0];
	u8 cpl;				/* 0x4cb */
	u32 reserved_4cc;
	u64 efer;			/* 0x4d0 */
	u8 reserved_4d8[0x548 - 0x4d8];
	u64 cr4;			/* 0x548 */
	u64 cr3;			/* 0x550 */
	u64 cr0;			/* 0x558 */
	u64 dr7;			/* 0x560 */
	u64 dr6;			/* 0x568 */
	u64 rflags;			/* 0x570 */
	u64 rip;			/* 0x578 */
	u8 reserved_580[0x5d8 - 0x580];
	u64 rsp;			/* 0x5d8 */
	u8 reserved_5e0[0x5f8 - 0x5e0];
	u64 rax;			/* 0x5f8 */
	u64 star;			/* 0x600 */
	u64 lstar;			/* 0x608 */
	u64 cstar;			/* 0x610 */
	u64 sfmask;			/* 0x618 */
	u64 kernel_gs_base;		/* 0x620 */
	u64 sysenter_cs;		/* 0x628 */
	u64 sysenter_esp;		/* 0x630 */
	u64 sysenter_eip;		/* 0x638 */
	u64 cr2;			/* 0x640 */
	u8 reserved_648[0x668 - 0x648];
	u64 g_pat;			/* 0x668 */
	u64 dbgctl;			/* 0x670 */
	u64 br_from;			/* 0x678 */
	u64 br_to;			/* 0x680 */
	u64 last_excp_from;		/* 0x688 */
	u64 last_excp_to;		/* 0x690 */
	u8 reserved_698[0x1000 - 0x698];
} __packed;

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __packed;

#define VMCB_CHECK(type, field, off) \
	static_assert(offsetof(type, field) == (off), #type "." #field)

VMCB_CHECK(struct vmcb_control, pause_filter_threshold, 0x03c);
VMCB_CHECK(struct vmcb_control, iopm_base_pa, 0x040);
VMCB_CHECK(struct vmcb_control, asid, 0x058);
VMCB_CHECK(struct vmcb_control, tlb_control, 0x05c);
VMCB_CHECK(struct vmcb_control, int_ctl, 0x060);
VMCB_CHECK(struct vmcb_control, exit_code, 0x070);
VMCB_CHECK(struct vmcb_control, exit_int_info, 0x088);
VMCB_CHECK(struct vmcb_control, nested_ctl, 0x090);
VMCB_CHECK(struct vmcb_control, event_inj, 0x0a8);
VMCB_CHECK(struct vmcb_control, nested_cr3, 0x0b0);
VMCB_CHECK(struct vmcb_control, clean, 0x0c0);
VMCB_CHECK(struct vmcb_control, next_rip, 0x0c8);
VMCB_CHECK(struct vmcb_control, insn_bytes, 0x0d1);
VMCB_CHECK(struct vmcb, save.es, 0x400);
VMCB_CHECK(struct vmcb, save.tr, 0x490);
VMCB_CHECK(struct vmcb, save.cpl, 0x4cb);
VMCB_CHECK(struct vmcb, save.efer, 0x4d0);
VMCB_CHECK(struct vmcb, save.cr4, 0x548);
VMCB_CHECK(struct vmcb, save.rflags, 0x570);
VMCB_CHECK(struct vmcb, save.rip, 0x578);
VMCB_CHECK(struct vmcb, save.rsp, 0x5d8);
VMCB_CHECK(struct vmcb, save.rax, 0x5f8);
VMCB_CHECK(struct vmcb, save.star, 0x600);
VMCB_CHECK(struct vmcb, save.sysenter_eip, 0x638);
VMCB_CHECK(struct vmcb, save.cr2, 0x640);
VMCB_CHECK(struct vmcb, save.g_pat, 0x668);
VMCB_CHECK(struct vmcb, save.last_excp_to, 0x690);
static_assert(sizeof(struct vmcb_control) == 0x400);
static_assert(sizeof(struct vmcb) == 4096);

/* intercept_cr: reads of CRn in bit n, writes in bit 16 + n */
#define SVM_INTERCEPT_CR4_WRITE		BIT(16 + 4)
#define SVM_INTERCEPT_CR8_WRITE		BIT(16 + 8)
/* intercept_misc1 (vector 3) */
#define SVM_INTERCEPT1_INTR		BIT(0)
#define SVM_INTERCEPT1_NMI		BIT(1)
#define SVM_INTERCEPT1_SMI		BIT(2)
#define SVM_INTERCEPT1_INIT		BIT(3)
#define SVM_INTERCEPT1_VINTR		BIT(4)
#define SVM_INTERCEPT1_RDPMC		BIT(15)
#define SVM_INTERCEPT1_CPUID		BIT(18)
#define SVM_INTERCEPT1_IRET		BIT(20)
#define SVM_INTERCEPT1_INVD		BIT(22)
#define SVM_INTERCEPT1_HLT		BIT(24)
#define SVM_INTERCEPT1_INVLPGA		BIT(26)
#define SVM_INTERCEPT1_IOIO		BIT(27)
#define SVM_INTERCEPT1_MSR		BIT(28)
#define SVM_INTERCEPT1_SHUTDOWN		BIT(31)
/* intercept_misc2 (vector 4) */
#define SVM_INTERCEPT2_VMRUN		BIT(0)
#define SVM_INTERCEPT2_VMMCALL		BIT(1)
#define SVM_INTERCEPT2_VMLOAD		BIT(2)
#define SVM_INTERCEPT2_VMSAVE		BIT(3)
#define SVM_INTERCEPT2_STGI		BIT(4)
#define SVM_INTERCEPT2_CLGI		BIT(5)
#define SVM_INTERCEPT2_SKINIT		BIT(6)
#define SVM_INTERCEPT2_RDTSCP		BIT(7)
#define SVM_INTERCEPT2_ICEBP		BIT(8)
#define SVM_INTERCEPT2_WBINVD		BIT(9)
#define SVM_INTERCEPT2_MONITOR		BIT(10)
#define SVM_INTERCEPT2_MWAIT		BIT(11)
#define SVM_INTERCEPT2_MWAIT_COND	BIT(12)
#define SVM_INTERCEPT2_XSETBV		BIT(13)
#define SVM_INTERCEPT2_RDPRU		BIT(14)

#define SVM_INTERCEPT_DR_ALL		0xffffffffu	/* reads and writes of DR0-15 */

#define SVM_NESTED_CTL_NP		BIT_ULL(0)
#define SVM_INT_CTL_V_IRQ		BIT(8)
#define SVM_INT_CTL_V_INTR_PRIO		GENMASK(19, 16)
#define SVM_INT_CTL_V_IGN_TPR		BIT(20)
#define SVM_INT_CTL_V_INTR_MASKING	BIT(24)
#define SVM_INT_STATE_SHADOW		BIT_ULL(0)	/* int_state: STI or MOV SS */

/* EVENTINJ and EXITINTINFO (AMD APM vol. 2, "Event Injection") */
#define SVM_EVTINJ_VECTOR		GENMASK_ULL(7, 0)
#define SVM_EVTINJ_TYPE			GENMASK_ULL(10, 8)
#define SVM_EVTINJ_TYPE_INTR		(0ULL << 8)
#define SVM_EVTINJ_TYPE_NMI		(2ULL << 8)
#define SVM_EVTINJ_TYPE_EXCEPTION	(3ULL << 8)
#define SVM_EVTINJ_TYPE_SOFT		(4ULL << 8)
#define SVM_EVTINJ_EV			BIT_ULL(11)
#define SVM_EVTINJ_VALID		BIT_ULL(31)
#define SVM_EVTINJ_ERROR_SHIFT		32
#define SVM_TLB_CONTROL_NONE		0
#define SVM_TLB_CONTROL_FLUSH_ALL	1
#define SVM_TLB_CONTROL_FLUSH_ASID	3

#endif /* VMM_SVM_VMCB_H */
