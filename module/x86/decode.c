// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decoding of the instructions that touch MMIO: MOV, MOVZX, MOVSX and STOS
 * with a memory operand. Only what an MMIO exit needs is worked out (the
 * access, its size and register, and the instruction's length); operands
 * that only form the address (base, index, displacement) are skipped.
 *
 * The encodings follow the Intel SDM chapters "Instruction Format" and
 * "Instruction Set Reference" (and the AMD APM "Instruction Encoding").
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/types.h>

#include "decode.h"

#define REX_W		0x08
#define REX_R		0x04
#define REX_B		0x01

#define MODRM_MOD(m)	((m) >> 6)
#define MODRM_REG(m)	(((m) >> 3) & 7)
#define MODRM_RM(m)	((m) & 7)

struct decoder {
	const u8 *bytes;
	unsigned int pos;
	unsigned int end;	/* bytes available, at most VMM_INSN_MAX_LEN */
};

/* Read @n (1..8) bytes little-endian; -EINVAL past the end or 15 bytes. */
static int fetch(struct decoder *d, unsigned int n, u64 *val)
{
	unsigned int i;
	u64 v = 0;

	if (n > d->end - d->pos)
		return -EINVAL;
	for (i = 0; i < n; i++)
		v |= (u64)d->bytes[d->pos + i] << (8 * i);
	d->pos += n;
	*val = v;
	return 0;
}

static int fetch_u8(struct decoder *d, u8 *val)
{
	u64 v;
	int ret = fetch(d, 1, &v);

	if (!ret)
		*val = v;
	return ret;
}

/*
 * Read a ModRM byte that must name memory, and skip its SIB byte and
 * displacement. Register-direct forms (mod 3) are no memory access.
 */
static int decode_modrm(struct decoder *d, unsigned int addr_size, u8 *modrm)
{
	unsigned int mod, rm, disp = 0;
	u64 unused;
	u8 sib;
	int ret;

	ret = fetch_u8(d, modrm);
	if (ret)
		return ret;
	mod = MODRM_MOD(*modrm);
	rm = MODRM_RM(*modrm);
	if (mod == 3)
		return -EINVAL;

	if (addr_size == 2) {
		/* 16-bit forms: no SIB; [BP] with mod 0 means disp16 alone. */
		if (mod == 1)
			disp = 1;
		else if (mod == 2 || rm == 6)
			disp = 2;
	} else {
		/*
		 * 32/64-bit forms: rm 4 brings a SIB byte. With mod 0, rm 5
		 * means disp32 alone (RIP-relative in 64-bit mode) and a SIB
		 * base of 5 means disp32 with no base.
		 */
		if (rm == 4) {
			ret = fetch_u8(d, &sib);
			if (ret)
				return ret;
			if (mod == 0 && MODRM_RM(sib) == 5)
				disp = 4;
		}
		if (mod == 1)
			disp = 1;
		else if (mod == 2 || (mod == 0 && rm == 5))
			disp = 4;
	}
	return disp ? fetch(d, disp, &unused) : 0;
}

/* Prefixes: -EINVAL for one the class never carries, 1 if @b is none. */
static int decode_prefix(u8 b, bool *opsize, bool *addrsize, bool *rep, u8 *seg)
{
	switch (b) {
	case 0x66:
		*opsize = true;
		return 0;
	case 0x67:
		*addrsize = true;
		return 0;
	case 0xf3:
		*rep = true;
		return 0;
	case 0x26: case 0x2e: case 0x36: case 0x3e:
		/* ES, CS, SS, DS: bits 4:3. The last one counts. */
		*seg = (b >> 3) & 3;
		return 0;
	case 0x64: case 0x65:
		*seg = VMM_FS + (b & 1);
		return 0;
	case 0xf0:	/* LOCK: no locked MOV; a locked RMW is not emulated */
	case 0xf2:	/* REPNE/XACQUIRE */
		return -EINVAL;
	default:
		return 1;
	}
}

int vmm_decode(const u8 *bytes, unsigned int nbytes, unsigned int mode,
	       struct vmm_insn *insn)
{
	struct decoder d = {
		.bytes = bytes,
		.end = min_t(unsigned int, nbytes, VMM_INSN_MAX_LEN),
	};
	bool opsize_prefix = false, addr_prefix = false, rep = false;
	struct vmm_insn out = { .seg = VMM_DS };
	unsigned int opsize;
	u8 rex = 0, b, modrm;
	u64 imm;
	int ret;

	if (mode != 2 && mode != 4 && mode != 8)
		return -EINVAL;

	for (;;) {
		ret = fetch_u8(&d, &b);
		if (ret)
			return ret;
		ret = decode_prefix(b, &opsize_prefix, &addr_prefix, &rep, &out.seg);
		if (ret < 0)
			return ret;
		if (ret == 0) {
			/* A REX followed by a legacy prefix is ignored. */
			rex = 0;
			continue;
		}
		if (mode == 8 && (b & 0xf0) == 0x40) {
			rex = b;
			continue;
		}
		break;
	}

	if (rex & REX_W)
		opsize = 8;
	else if (mode == 2)
		opsize = opsize_prefix ? 4 : 2;
	else
		opsize = opsize_prefix ? 2 : 4;

	if (mode == 2)
		out.addr_size = addr_prefix ? 4 : 2;
	else if (mode == 4)
		out.addr_size = addr_prefix ? 2 : 4;
	else
		out.addr_size = addr_prefix ? 4 : 8;

	/* Opcodes with bit 0 clear are the 8-bit forms. */
	out.size = (b & 1) ? opsize : 1;

	switch (b) {
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		out.op = (b & 2) ? VMM_INSN_LOAD : VMM_INSN_STORE;
		ret = decode_modrm(&d, out.addr_size, &modrm);
		if (ret)
			return ret;
		out.reg = MODRM_REG(modrm) | ((rex & REX_R) ? 8 : 0);
		/* Without REX, byte registers 4..7 are AH, CH, DH, BH. */
		out.high8 = out.size == 1 && !rex && out.reg >= 4;
		break;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		/* moffs: the accumulator and an address-size-wide offset. */
		out.op = (b & 2) ? VMM_INSN_STORE : VMM_INSN_LOAD;
		ret = fetch(&d, out.addr_size, &imm);
		if (ret)
			return ret;
		break;
	case 0xc6: case 0xc7:
		out.op = VMM_INSN_STORE_IMM;
		ret = decode_modrm(&d, out.addr_size, &modrm);
		if (ret)
			return ret;
		if (MODRM_REG(modrm) != 0)	/* C6/C7 /7 is XABORT/XBEGIN */
			return -EINVAL;
		/* imm8, imm16 or imm32; a 64-bit store sign-extends imm32. */
		ret = fetch(&d, min_t(unsigned int, out.size, 4), &imm);
		if (ret)
			return ret;
		out.imm = out.size == 8 ? (u64)(s64)(s32)imm : imm;
		break;
	case 0x63:
		/* MOVSXD in 64-bit mode (ARPL elsewhere). */
		if (mode != 8)
			return -EINVAL;
		out.op = VMM_INSN_MOVSX;
		ret = decode_modrm(&d, out.addr_size, &modrm);
		if (ret)
			return ret;
		out.reg = MODRM_REG(modrm) | ((rex & REX_R) ? 8 : 0);
		out.size = min_t(unsigned int, opsize, 4);
		out.reg_size = opsize;
		break;
	case 0xaa: case 0xab:
		out.op = VMM_INSN_STOS;
		out.rep = rep;
		break;
	case 0x6c: case 0x6d: case 0x6e: case 0x6f:
		/* At most 32 bits: REX.W does not widen port I/O. */
		out.op = (b & 2) ? VMM_INSN_OUTS : VMM_INSN_INS;
		out.size = (b & 1) ? min_t(unsigned int, opsize, 4) : 1;
		out.rep = rep;
		break;
	case 0x0f:
		ret = fetch_u8(&d, &b);
		if (ret)
			return ret;
		if (b == 0x22) {
			/* MOV to CR: register operands whatever mod says. */
			ret = fetch_u8(&d, &modrm);
			if (ret)
				return ret;
			out.op = VMM_INSN_MOV_TO_CR;
			out.cr = MODRM_REG(modrm) | ((rex & REX_R) ? 8 : 0);
			out.reg = MODRM_RM(modrm) | ((rex & REX_B) ? 8 : 0);
			out.size = mode == 8 ? 8 : 4;
			break;
		}
		switch (b) {
		case 0xb6: case 0xb7:
			out.op = VMM_INSN_MOVZX;
			break;
		case 0xbe: case 0xbf:
			out.op = VMM_INSN_MOVSX;
			break;
		default:
			return -EINVAL;
		}
		ret = decode_modrm(&d, out.addr_size, &modrm);
		if (ret)
			return ret;
		out.reg = MODRM_REG(modrm) | ((rex & REX_R) ? 8 : 0);
		out.size = (b & 1) ? 2 : 1;
		out.reg_size = opsize;
		break;
	default:
		return -EINVAL;
	}

	/* REP means something only to the string instructions here. */
	if (rep && out.op != VMM_INSN_STOS && out.op != VMM_INSN_INS &&
	    out.op != VMM_INSN_OUTS)
		return -EINVAL;
	/* STOS and INS write ES:[rDI], whatever the prefixes say. */
	if (out.op == VMM_INSN_STOS || out.op == VMM_INSN_INS)
		out.seg = VMM_ES;
	if (!out.reg_size)
		out.reg_size = out.size;
	out.len = d.pos;
	*insn = out;
	return 0;
}
