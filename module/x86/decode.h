/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small x86 instruction decoder for MMIO and string I/O exits. An MMIO
 * exit gives the guest-physical address but not the access, so the
 * instruction at the guest's RIP is decoded to learn its size, direction,
 * register and length: the MOV / MOVZX / MOVSX / STOS class that drivers
 * use on device memory. A string I/O exit does not say (without decode
 * assists) which segment INS/OUTS use: the prefixes say; nor which
 * register a MOV to CR4 writes. Anything else is -EINVAL. Pure: no hardware, no allocation.
 */
#ifndef VMM_X86_DECODE_H
#define VMM_X86_DECODE_H

#include <linux/types.h>

/* The architectural limit on the length of one instruction. */
#define VMM_INSN_MAX_LEN	15

enum vmm_insn_op {
	VMM_INSN_LOAD,		/* mov reg, [mem]  (8A, 8B, A0, A1) */
	VMM_INSN_STORE,		/* mov [mem], reg  (88, 89, A2, A3) */
	VMM_INSN_STORE_IMM,	/* mov [mem], imm  (C6 /0, C7 /0) */
	VMM_INSN_MOVZX,		/* movzx reg, [mem] (0F B6, 0F B7) */
	VMM_INSN_MOVSX,		/* movsx reg, [mem] (0F BE, 0F BF, 63 in 64-bit) */
	VMM_INSN_STOS,		/* stos [rdi] (AA, AB), optionally with REP (F3) */
	VMM_INSN_INS,		/* ins [rdi], dx (6C, 6D), optionally with REP */
	VMM_INSN_OUTS,		/* outs dx, [rsi] (6E, 6F), optionally with REP */
	VMM_INSN_MOV_TO_CR,	/* mov crN, reg (0F 22): SVM's CR4 write intercept */
};

/* Segment registers in encoding order (the sreg field of MOV Sreg). */
enum vmm_sreg { VMM_ES, VMM_CS, VMM_SS, VMM_DS, VMM_FS, VMM_GS };

struct vmm_insn {
	enum vmm_insn_op op;
	u8 len;			/* total length including prefixes */
	u8 size;		/* bytes accessed in memory: 1, 2, 4 or 8 */
	/*
	 * Register number in encoding order, 0 = RAX .. 15 = R15: the
	 * destination of loads, the source of stores; 0 (RAX) for STOS and
	 * for STORE_IMM, which has no register operand.
	 */
	u8 reg;
	u8 reg_size;		/* MOVZX/MOVSX: destination width; else size */
	bool high8;		/* reg 4..7 is AH/CH/DH/BH (8-bit, no REX) */
	bool rep;		/* STOS, INS or OUTS with F3 */
	u8 addr_size;		/* 2, 4 or 8; for string ops the width of RSI/RDI/RCX */
	u8 seg;			/* enum vmm_sreg of the memory operand (INS: ES) */
	u8 cr;			/* MOV_TO_CR: the control register's number */
	u64 imm;		/* STORE_IMM: sign-extended to size as the CPU does */
};

/*
 * @mode is the default operand and address size of the code segment:
 * 2 (16-bit, including real mode), 4 (32-bit) or 8 (64-bit long mode).
 * Returns 0, or -EINVAL for an instruction outside the class above,
 * a register operand where memory is expected, or @nbytes too short.
 */
int vmm_decode(const u8 *bytes, unsigned int nbytes, unsigned int mode,
	       struct vmm_insn *insn);

#endif /* VMM_X86_DECODE_H */
