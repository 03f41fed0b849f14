// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm_x86_decode: MMIO instruction decoding. Each case's bytes were produced
 * by GNU as and checked with objdump -d; the comment shows what it printed.
 */
#include <kunit/test.h>

#include "../decode.h"

#define MODE_16	2
#define MODE_32	4
#define MODE_64	8

/*
 * Decode @code and compare every field with @want. Also check that the
 * length does not come from @n: every shorter prefix of the bytes is
 * rejected, and trailing bytes after the instruction are not consumed.
 */
static void expect_decode(struct kunit *test, const u8 *code, unsigned int n,
			  unsigned int mode, const struct vmm_insn *want)
{
	u8 padded[VMM_INSN_MAX_LEN + 1];
	struct vmm_insn got;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, vmm_decode(code, n, mode, &got), 0);
	KUNIT_EXPECT_EQ(test, got.op, want->op);
	KUNIT_EXPECT_EQ(test, got.len, want->len);
	KUNIT_EXPECT_EQ(test, got.len, n);
	KUNIT_EXPECT_EQ(test, got.size, want->size);
	KUNIT_EXPECT_EQ(test, got.reg, want->reg);
	KUNIT_EXPECT_EQ(test, got.reg_size, want->reg_size);
	KUNIT_EXPECT_EQ(test, got.high8, want->high8);
	KUNIT_EXPECT_EQ(test, got.rep, want->rep);
	KUNIT_EXPECT_EQ(test, got.addr_size, want->addr_size);
	KUNIT_EXPECT_EQ(test, got.imm, want->imm);
	KUNIT_EXPECT_EQ(test, got.cr, want->cr);

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, vmm_decode(code, i, mode, &got),
				    -EINVAL, "truncated to %u bytes", i);

	/* 0x90 (NOP) after the instruction, up to 16 bytes. */
	for (i = 0; i < sizeof(padded); i++)
		padded[i] = i < n ? code[i] : 0x90;
	KUNIT_ASSERT_EQ(test, vmm_decode(padded, sizeof(padded), mode, &got), 0);
	KUNIT_EXPECT_EQ(test, got.len, want->len);
}

static void expect_reject(struct kunit *test, const u8 *code, unsigned int n,
			  unsigned int mode)
{
	struct vmm_insn got = { .len = 0xaa };

	KUNIT_EXPECT_EQ(test, vmm_decode(code, n, mode, &got), -EINVAL);
	/* A failed decode leaves the output alone. */
	KUNIT_EXPECT_EQ(test, got.len, 0xaa);
}

/* 41 0f 22 e0		mov %r8,%cr4 (the register whatever mod says) */
static void mov_r8_to_cr4_64(struct kunit *test)
{
	static const u8 code[] = { 0x41, 0x0f, 0x22, 0xe0 };
	const struct vmm_insn want = {
		.op = VMM_INSN_MOV_TO_CR, .len = 4, .size = 8, .reg = 8, .reg_size = 8,
		.addr_size = 8, .cr = 4,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 44 0f 22 c0		mov %rax,%cr8 (REX.R: CR8) */
static void mov_rax_to_cr8_64(struct kunit *test)
{
	static const u8 code[] = { 0x44, 0x0f, 0x22, 0xc0 };
	const struct vmm_insn want = {
		.op = VMM_INSN_MOV_TO_CR, .len = 4, .size = 8, .reg = 0, .reg_size = 8,
		.addr_size = 8, .cr = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 0f 22 e0		mov %eax,%cr4 (16-bit code: still 32 bits) */
static void mov_eax_to_cr4_16(struct kunit *test)
{
	static const u8 code[] = { 0x0f, 0x22, 0xe0 };
	const struct vmm_insn want = {
		.op = VMM_INSN_MOV_TO_CR, .len = 3, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 2, .cr = 4,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 88 07	mov %al,(%rdi) */
static void store_al_to_rdi_64(struct kunit *test)
{
	static const u8 code[] = { 0x88, 0x07 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 2, .size = 1, .reg = 0, .reg_size = 1,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 8b 8c 98 78 56 34 12	mov 0x12345678(%rax,%rbx,4),%ecx */
static void load_ecx_sib_disp32_64(struct kunit *test)
{
	static const u8 code[] = { 0x8b, 0x8c, 0x98, 0x78, 0x56, 0x34, 0x12 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 7, .size = 4, .reg = 1, .reg_size = 4,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 4c 89 0d 10 00 00 00	mov %r9,0x10(%rip) # 0x17 */
static void store_r9_rip_relative_64(struct kunit *test)
{
	static const u8 code[] = { 0x4c, 0x89, 0x0d, 0x10, 0x00, 0x00, 0x00 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 7, .size = 8, .reg = 9, .reg_size = 8,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 48 c7 03 00 00 00 80	movq $0xffffffff80000000,(%rbx) */
static void store_imm32_rex_w_sign_extends_64(struct kunit *test)
{
	static const u8 code[] = { 0x48, 0xc7, 0x03, 0x00, 0x00, 0x00, 0x80 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE_IMM, .len = 7, .size = 8, .reg = 0,
		.reg_size = 8, .addr_size = 8, .imm = 0xffffffff80000000ULL,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* c7 03 00 00 00 80	movl $0x80000000,(%rbx) */
static void store_imm32_not_extended_64(struct kunit *test)
{
	static const u8 code[] = { 0xc7, 0x03, 0x00, 0x00, 0x00, 0x80 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE_IMM, .len = 6, .size = 4, .reg = 0,
		.reg_size = 4, .addr_size = 8, .imm = 0x80000000,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 66 c7 00 34 12	movw $0x1234,(%rax) */
static void store_imm16_with_66_64(struct kunit *test)
{
	static const u8 code[] = { 0x66, 0xc7, 0x00, 0x34, 0x12 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE_IMM, .len = 5, .size = 2, .reg = 0,
		.reg_size = 2, .addr_size = 8, .imm = 0x1234,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* c6 01 ab	movb $0xab,(%rcx) */
static void store_imm8_64(struct kunit *test)
{
	static const u8 code[] = { 0xc6, 0x01, 0xab };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE_IMM, .len = 3, .size = 1, .reg = 0,
		.reg_size = 1, .addr_size = 8, .imm = 0xab,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 0f b6 06	movzbl (%rsi),%eax */
static void movzbl_64(struct kunit *test)
{
	static const u8 code[] = { 0x0f, 0xb6, 0x06 };
	const struct vmm_insn want = {
		.op = VMM_INSN_MOVZX, .len = 3, .size = 1, .reg = 0, .reg_size = 4,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 0f b7 55 08	movzwl 0x8(%rbp),%edx */
static void movzwl_disp8_64(struct kunit *test)
{
	static const u8 code[] = { 0x0f, 0xb7, 0x55, 0x08 };
	const struct vmm_insn want = {
		.op = VMM_INSN_MOVZX, .len = 4, .size = 2, .reg = 2, .reg_size = 4,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 0f be 08	movsbl (%rax),%ecx */
static void movsbl_64(struct kunit *test)
{
	static const u8 code[] = { 0x0f, 0xbe, 0x08 };
	const struct vmm_insn want = {
		.op = VMM_INSN_MOVSX, .len = 3, .size = 1, .reg = 1, .reg_size = 4,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 44 0f bf 10	movswl (%rax),%r10d */
static void movswl_rex_r_64(struct kunit *test)
{
	static const u8 code[] = { 0x44, 0x0f, 0xbf, 0x10 };
	const struct vmm_insn want = {
		.op = VMM_INSN_MOVSX, .len = 4, .size = 2, .reg = 10, .reg_size = 4,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 4c 0f be 1a	movsbq (%rdx),%r11 */
static void movsbq_rex_wr_64(struct kunit *test)
{
	static const u8 code[] = { 0x4c, 0x0f, 0xbe, 0x1a };
	const struct vmm_insn want = {
		.op = VMM_INSN_MOVSX, .len = 4, .size = 1, .reg = 11, .reg_size = 8,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 66 0f b6 00	movzbw (%rax),%ax */
static void movzbw_with_66_64(struct kunit *test)
{
	static const u8 code[] = { 0x66, 0x0f, 0xb6, 0x00 };
	const struct vmm_insn want = {
		.op = VMM_INSN_MOVZX, .len = 4, .size = 1, .reg = 0, .reg_size = 2,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 48 63 10	movslq (%rax),%rdx */
static void movslq_64(struct kunit *test)
{
	static const u8 code[] = { 0x48, 0x63, 0x10 };
	const struct vmm_insn want = {
		.op = VMM_INSN_MOVSX, .len = 3, .size = 4, .reg = 2, .reg_size = 8,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* f3 aa	rep stos %al,%es:(%rdi) */
static void rep_stosb_64(struct kunit *test)
{
	static const u8 code[] = { 0xf3, 0xaa };
	const struct vmm_insn want = {
		.op = VMM_INSN_STOS, .len = 2, .size = 1, .reg = 0, .reg_size = 1,
		.addr_size = 8, .rep = true,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* ab	stos %eax,%es:(%rdi) */
static void stosl_64(struct kunit *test)
{
	static const u8 code[] = { 0xab };
	const struct vmm_insn want = {
		.op = VMM_INSN_STOS, .len = 1, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* f3 48 ab	rep stos %rax,%es:(%rdi) */
static void rep_stosq_64(struct kunit *test)
{
	static const u8 code[] = { 0xf3, 0x48, 0xab };
	const struct vmm_insn want = {
		.op = VMM_INSN_STOS, .len = 3, .size = 8, .reg = 0, .reg_size = 8,
		.addr_size = 8, .rep = true,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 66 ab	stos %ax,%es:(%rdi) */
static void stosw_64(struct kunit *test)
{
	static const u8 code[] = { 0x66, 0xab };
	const struct vmm_insn want = {
		.op = VMM_INSN_STOS, .len = 2, .size = 2, .reg = 0, .reg_size = 2,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 67 f3 ab	rep stos %eax,%es:(%edi) */
static void rep_stosl_addr32_64(struct kunit *test)
{
	static const u8 code[] = { 0x67, 0xf3, 0xab };
	const struct vmm_insn want = {
		.op = VMM_INSN_STOS, .len = 3, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 4, .rep = true,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 88 23	mov %ah,(%rbx) */
static void store_ah_high8_64(struct kunit *test)
{
	static const u8 code[] = { 0x88, 0x23 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 2, .size = 1, .reg = 4, .reg_size = 1,
		.addr_size = 8, .high8 = true,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 88 38	mov %bh,(%rax) */
static void store_bh_high8_64(struct kunit *test)
{
	static const u8 code[] = { 0x88, 0x38 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 2, .size = 1, .reg = 7, .reg_size = 1,
		.addr_size = 8, .high8 = true,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 40 88 30	mov %sil,(%rax) */
static void store_sil_with_rex_not_high8_64(struct kunit *test)
{
	static const u8 code[] = { 0x40, 0x88, 0x30 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 3, .size = 1, .reg = 6, .reg_size = 1,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 44 8a 38	mov (%rax),%r15b */
static void load_r15b_64(struct kunit *test)
{
	static const u8 code[] = { 0x44, 0x8a, 0x38 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 3, .size = 1, .reg = 15, .reg_size = 1,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 66 89 07	mov %ax,(%rdi) */
static void store_ax_with_66_64(struct kunit *test)
{
	static const u8 code[] = { 0x66, 0x89, 0x07 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 3, .size = 2, .reg = 0, .reg_size = 2,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* a1 88 77 66 55 44 33 22 11
 * movabs 0x1122334455667788,%eax
 */
static void load_eax_moffs64_64(struct kunit *test)
{
	static const u8 code[] = {
		0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11
	};
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 9, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 48 a3 88 77 66 55 44 33 22 11
 * movabs %rax,0x1122334455667788
 */
static void store_rax_moffs64_rex_w_64(struct kunit *test)
{
	static const u8 code[] = {
		0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11
	};
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 10, .size = 8, .reg = 0, .reg_size = 8,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 8b 0c 25 78 56 34 12	mov 0x12345678,%ecx */
static void load_sib_no_base_no_index_64(struct kunit *test)
{
	static const u8 code[] = { 0x8b, 0x0c, 0x25, 0x78, 0x56, 0x34, 0x12 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 7, .size = 4, .reg = 1, .reg_size = 4,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 48 8b 04 24	mov (%rsp),%rax */
static void load_rsp_base_sib_64(struct kunit *test)
{
	static const u8 code[] = { 0x48, 0x8b, 0x04, 0x24 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 4, .size = 8, .reg = 0, .reg_size = 8,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 8b 54 f4 7f	mov 0x7f(%rsp,%rsi,8),%edx */
static void load_sib_disp8_64(struct kunit *test)
{
	static const u8 code[] = { 0x8b, 0x54, 0xf4, 0x7f };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 4, .size = 4, .reg = 2, .reg_size = 4,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 8b 04 4d 00 00 00 00	mov 0x0(,%rcx,2),%eax */
static void load_sib_index_only_disp32_64(struct kunit *test)
{
	static const u8 code[] = { 0x8b, 0x04, 0x4d, 0x00, 0x00, 0x00, 0x00 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 7, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 41 8b 45 00	mov 0x0(%r13),%eax */
static void load_r13_base_disp8_64(struct kunit *test)
{
	static const u8 code[] = { 0x41, 0x8b, 0x45, 0x00 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 4, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 64 89 00	mov %eax,%fs:(%rax) */
static void store_fs_override_64(struct kunit *test)
{
	static const u8 code[] = { 0x64, 0x89, 0x00 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 3, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 67 89 00	mov %eax,(%eax) */
static void store_addr32_64(struct kunit *test)
{
	static const u8 code[] = { 0x67, 0x89, 0x00 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 3, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 4,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 48 66 89 07	rex.W; mov %ax,(%rdi) */
static void rex_before_66_is_ignored_64(struct kunit *test)
{
	static const u8 code[] = { 0x48, 0x66, 0x89, 0x07 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 4, .size = 2, .reg = 0, .reg_size = 2,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 66 48 89 07	data16 mov %rax,(%rdi) */
static void rex_w_wins_over_66_64(struct kunit *test)
{
	static const u8 code[] = { 0x66, 0x48, 0x89, 0x07 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 4, .size = 8, .reg = 0, .reg_size = 8,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* f3 aa	rep stos %al,%es:(%edi) */
static void rep_stosb_32(struct kunit *test)
{
	static const u8 code[] = { 0xf3, 0xaa };
	const struct vmm_insn want = {
		.op = VMM_INSN_STOS, .len = 2, .size = 1, .reg = 0, .reg_size = 1,
		.addr_size = 4, .rep = true,
	};

	expect_decode(test, code, sizeof(code), MODE_32, &want);
}

/* f3 ab	rep stos %eax,%es:(%edi) */
static void rep_stosl_32(struct kunit *test)
{
	static const u8 code[] = { 0xf3, 0xab };
	const struct vmm_insn want = {
		.op = VMM_INSN_STOS, .len = 2, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 4, .rep = true,
	};

	expect_decode(test, code, sizeof(code), MODE_32, &want);
}

/* 66 ab	stos %ax,%es:(%edi) */
static void stosw_32(struct kunit *test)
{
	static const u8 code[] = { 0x66, 0xab };
	const struct vmm_insn want = {
		.op = VMM_INSN_STOS, .len = 2, .size = 2, .reg = 0, .reg_size = 2,
		.addr_size = 4,
	};

	expect_decode(test, code, sizeof(code), MODE_32, &want);
}

/* 67 f3 aa	rep stos %al,%es:(%di) */
static void rep_stosb_addr16_32(struct kunit *test)
{
	static const u8 code[] = { 0x67, 0xf3, 0xaa };
	const struct vmm_insn want = {
		.op = VMM_INSN_STOS, .len = 3, .size = 1, .reg = 0, .reg_size = 1,
		.addr_size = 2, .rep = true,
	};

	expect_decode(test, code, sizeof(code), MODE_32, &want);
}

/* a3 78 56 34 12	mov %eax,0x12345678 */
static void store_eax_moffs32_32(struct kunit *test)
{
	static const u8 code[] = { 0xa3, 0x78, 0x56, 0x34, 0x12 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 5, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 4,
	};

	expect_decode(test, code, sizeof(code), MODE_32, &want);
}

/* a0 44 33 22 11	mov 0x11223344,%al */
static void load_al_moffs32_32(struct kunit *test)
{
	static const u8 code[] = { 0xa0, 0x44, 0x33, 0x22, 0x11 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 5, .size = 1, .reg = 0, .reg_size = 1,
		.addr_size = 4,
	};

	expect_decode(test, code, sizeof(code), MODE_32, &want);
}

/* 66 a1 34 12 00 00	mov 0x1234,%ax */
static void load_ax_moffs32_with_66_32(struct kunit *test)
{
	static const u8 code[] = { 0x66, 0xa1, 0x34, 0x12, 0x00, 0x00 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 6, .size = 2, .reg = 0, .reg_size = 2,
		.addr_size = 4,
	};

	expect_decode(test, code, sizeof(code), MODE_32, &want);
}

/* 66 8b 54 73 10	mov 0x10(%ebx,%esi,2),%dx */
static void load_dx_sib_disp8_32(struct kunit *test)
{
	static const u8 code[] = { 0x66, 0x8b, 0x54, 0x73, 0x10 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 5, .size = 2, .reg = 2, .reg_size = 2,
		.addr_size = 4,
	};

	expect_decode(test, code, sizeof(code), MODE_32, &want);
}

/* 89 4d fc	mov %ecx,-0x4(%ebp) */
static void store_ecx_disp8_32(struct kunit *test)
{
	static const u8 code[] = { 0x89, 0x4d, 0xfc };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 3, .size = 4, .reg = 1, .reg_size = 4,
		.addr_size = 4,
	};

	expect_decode(test, code, sizeof(code), MODE_32, &want);
}

/* c7 87 00 01 00 00 ef be ad de
 * movl $0xdeadbeef,0x100(%edi)
 */
static void store_imm32_disp32_32(struct kunit *test)
{
	static const u8 code[] = {
		0xc7, 0x87, 0x00, 0x01, 0x00, 0x00, 0xef, 0xbe, 0xad, 0xde
	};
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE_IMM, .len = 10, .size = 4, .reg = 0,
		.reg_size = 4, .addr_size = 4, .imm = 0xdeadbeef,
	};

	expect_decode(test, code, sizeof(code), MODE_32, &want);
}

/* 67 66 89 80 34 12	mov %ax,0x1234(%bx,%si) */
static void store_addr16_with_66_32(struct kunit *test)
{
	static const u8 code[] = { 0x67, 0x66, 0x89, 0x80, 0x34, 0x12 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 6, .size = 2, .reg = 0, .reg_size = 2,
		.addr_size = 2,
	};

	expect_decode(test, code, sizeof(code), MODE_32, &want);
}

/* 2e 8b 78 08	mov %cs:0x8(%eax),%edi */
static void load_cs_override_32(struct kunit *test)
{
	static const u8 code[] = { 0x2e, 0x8b, 0x78, 0x08 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 4, .size = 4, .reg = 7, .reg_size = 4,
		.addr_size = 4,
	};

	expect_decode(test, code, sizeof(code), MODE_32, &want);
}

/* 0f b6 58 01	movzbl 0x1(%eax),%ebx */
static void movzbl_disp8_32(struct kunit *test)
{
	static const u8 code[] = { 0x0f, 0xb6, 0x58, 0x01 };
	const struct vmm_insn want = {
		.op = VMM_INSN_MOVZX, .len = 4, .size = 1, .reg = 3, .reg_size = 4,
		.addr_size = 4,
	};

	expect_decode(test, code, sizeof(code), MODE_32, &want);
}

/* 88 00	mov %al,(%bx,%si) */
static void store_al_bx_si_16(struct kunit *test)
{
	static const u8 code[] = { 0x88, 0x00 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 2, .size = 1, .reg = 0, .reg_size = 1,
		.addr_size = 2,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* a1 34 12	mov 0x1234,%ax */
static void load_ax_moffs16_16(struct kunit *test)
{
	static const u8 code[] = { 0xa1, 0x34, 0x12 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 3, .size = 2, .reg = 0, .reg_size = 2,
		.addr_size = 2,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 8b 4e 00	mov 0x0(%bp),%cx */
static void load_bp_disp8_16(struct kunit *test)
{
	static const u8 code[] = { 0x8b, 0x4e, 0x00 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 3, .size = 2, .reg = 1, .reg_size = 2,
		.addr_size = 2,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 8b 16 34 12	mov 0x1234,%dx */
static void load_disp16_only_16(struct kunit *test)
{
	static const u8 code[] = { 0x8b, 0x16, 0x34, 0x12 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 4, .size = 2, .reg = 2, .reg_size = 2,
		.addr_size = 2,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 88 5b 10	mov %bl,0x10(%bp,%di) */
static void store_bl_bp_di_disp8_16(struct kunit *test)
{
	static const u8 code[] = { 0x88, 0x5b, 0x10 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 3, .size = 1, .reg = 3, .reg_size = 1,
		.addr_size = 2,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 89 9c 00 f0	mov %bx,-0x1000(%si) */
static void store_bx_si_disp16_16(struct kunit *test)
{
	static const u8 code[] = { 0x89, 0x9c, 0x00, 0xf0 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 4, .size = 2, .reg = 3, .reg_size = 2,
		.addr_size = 2,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 66 89 07	mov %eax,(%bx) */
static void store_eax_with_66_16(struct kunit *test)
{
	static const u8 code[] = { 0x66, 0x89, 0x07 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 3, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 2,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 67 89 00	mov %ax,(%eax) */
static void store_addr32_with_67_16(struct kunit *test)
{
	static const u8 code[] = { 0x67, 0x89, 0x00 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 3, .size = 2, .reg = 0, .reg_size = 2,
		.addr_size = 4,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 67 66 a1 78 56 34 12	addr32 mov 0x12345678,%eax */
static void load_eax_moffs32_66_67_16(struct kunit *test)
{
	static const u8 code[] = { 0x67, 0x66, 0xa1, 0x78, 0x56, 0x34, 0x12 };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 7, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 4,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* c7 05 78 56	movw $0x5678,(%di) */
static void store_imm16_16(struct kunit *test)
{
	static const u8 code[] = { 0xc7, 0x05, 0x78, 0x56 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE_IMM, .len = 4, .size = 2, .reg = 0,
		.reg_size = 2, .addr_size = 2, .imm = 0x5678,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 66 c7 05 78 56 34 12	movl $0x12345678,(%di) */
static void store_imm32_with_66_16(struct kunit *test)
{
	static const u8 code[] = { 0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE_IMM, .len = 7, .size = 4, .reg = 0,
		.reg_size = 4, .addr_size = 2, .imm = 0x12345678,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* f3 ab	rep stos %ax,%es:(%di) */
static void rep_stosw_16(struct kunit *test)
{
	static const u8 code[] = { 0xf3, 0xab };
	const struct vmm_insn want = {
		.op = VMM_INSN_STOS, .len = 2, .size = 2, .reg = 0, .reg_size = 2,
		.addr_size = 2, .rep = true,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* INS/OUTS: expect_decode() and the segment of the memory operand. */
static void expect_string(struct kunit *test, const u8 *code, unsigned int n,
			  unsigned int mode, const struct vmm_insn *want)
{
	struct vmm_insn got;

	expect_decode(test, code, n, mode, want);
	KUNIT_ASSERT_EQ(test, vmm_decode(code, n, mode, &got), 0);
	KUNIT_EXPECT_EQ(test, got.seg, want->seg);
}

/* f3 6e	rep outsb %ds:(%esi),(%dx) */
static void rep_outsb_32(struct kunit *test)
{
	static const u8 code[] = { 0xf3, 0x6e };
	const struct vmm_insn want = {
		.op = VMM_INSN_OUTS, .len = 2, .size = 1, .reg_size = 1,
		.addr_size = 4, .rep = true, .seg = VMM_DS,
	};

	expect_string(test, code, sizeof(code), MODE_32, &want);
}

/* 64 6f	outsl %fs:(%esi),(%dx) */
static void outsl_fs_override_32(struct kunit *test)
{
	static const u8 code[] = { 0x64, 0x6f };
	const struct vmm_insn want = {
		.op = VMM_INSN_OUTS, .len = 2, .size = 4, .reg_size = 4,
		.addr_size = 4, .seg = VMM_FS,
	};

	expect_string(test, code, sizeof(code), MODE_32, &want);
}

/* 66 6f	outsw %ds:(%esi),(%dx) */
static void outsw_66_32(struct kunit *test)
{
	static const u8 code[] = { 0x66, 0x6f };
	const struct vmm_insn want = {
		.op = VMM_INSN_OUTS, .len = 2, .size = 2, .reg_size = 2,
		.addr_size = 4, .seg = VMM_DS,
	};

	expect_string(test, code, sizeof(code), MODE_32, &want);
}

/* f3 6d	rep insw (%dx),%es:(%di) */
static void rep_insw_16(struct kunit *test)
{
	static const u8 code[] = { 0xf3, 0x6d };
	const struct vmm_insn want = {
		.op = VMM_INSN_INS, .len = 2, .size = 2, .reg_size = 2,
		.addr_size = 2, .rep = true, .seg = VMM_ES,
	};

	expect_string(test, code, sizeof(code), MODE_16, &want);
}

/* 2e 6c	cs insb (%dx),%es:(%di): INS always writes ES */
static void insb_override_ignored_16(struct kunit *test)
{
	static const u8 code[] = { 0x2e, 0x6c };
	const struct vmm_insn want = {
		.op = VMM_INSN_INS, .len = 2, .size = 1, .reg_size = 1,
		.addr_size = 2, .seg = VMM_ES,
	};

	expect_string(test, code, sizeof(code), MODE_16, &want);
}

/* 48 6f	rex.W outsl %ds:(%rsi),(%dx): no 64-bit port I/O */
static void outsl_rex_w_64(struct kunit *test)
{
	static const u8 code[] = { 0x48, 0x6f };
	const struct vmm_insn want = {
		.op = VMM_INSN_OUTS, .len = 2, .size = 4, .reg_size = 4,
		.addr_size = 8, .seg = VMM_DS,
	};

	expect_string(test, code, sizeof(code), MODE_64, &want);
}

/* 67 f3 6c	rep insb (%dx),%es:(%edi) */
static void rep_insb_67_64(struct kunit *test)
{
	static const u8 code[] = { 0x67, 0xf3, 0x6c };
	const struct vmm_insn want = {
		.op = VMM_INSN_INS, .len = 3, .size = 1, .reg_size = 1,
		.addr_size = 4, .rep = true, .seg = VMM_ES,
	};

	expect_string(test, code, sizeof(code), MODE_64, &want);
}

/* 65 f3 6e	rep outsb %gs:(%rsi),(%dx) */
static void rep_outsb_gs_64(struct kunit *test)
{
	static const u8 code[] = { 0x65, 0xf3, 0x6e };
	const struct vmm_insn want = {
		.op = VMM_INSN_OUTS, .len = 3, .size = 1, .reg_size = 1,
		.addr_size = 8, .rep = true, .seg = VMM_GS,
	};

	expect_string(test, code, sizeof(code), MODE_64, &want);
}

/* f2 6e	repnz outsb: undefined, not emulated */
static void reject_repne_outs_32(struct kunit *test)
{
	static const u8 code[] = { 0xf2, 0x6e };

	expect_reject(test, code, sizeof(code), MODE_32);
}

/* aa	stos %al,%es:(%di) */
static void stosb_16(struct kunit *test)
{
	static const u8 code[] = { 0xaa };
	const struct vmm_insn want = {
		.op = VMM_INSN_STOS, .len = 1, .size = 1, .reg = 0, .reg_size = 1,
		.addr_size = 2,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 67 66 f3 ab	rep stos %eax,%es:(%edi) */
static void rep_stosl_66_67_16(struct kunit *test)
{
	static const u8 code[] = { 0x67, 0x66, 0xf3, 0xab };
	const struct vmm_insn want = {
		.op = VMM_INSN_STOS, .len = 4, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 4, .rep = true,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 0f b6 14	movzbw (%si),%dx */
static void movzbw_16(struct kunit *test)
{
	static const u8 code[] = { 0x0f, 0xb6, 0x14 };
	const struct vmm_insn want = {
		.op = VMM_INSN_MOVZX, .len = 3, .size = 1, .reg = 2, .reg_size = 2,
		.addr_size = 2,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 66 0f be 07	movsbl (%bx),%eax */
static void movsbl_with_66_16(struct kunit *test)
{
	static const u8 code[] = { 0x66, 0x0f, 0xbe, 0x07 };
	const struct vmm_insn want = {
		.op = VMM_INSN_MOVSX, .len = 4, .size = 1, .reg = 0, .reg_size = 4,
		.addr_size = 2,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 26 8a 3f	mov %es:(%bx),%bh */
static void load_bh_es_override_high8_16(struct kunit *test)
{
	static const u8 code[] = { 0x26, 0x8a, 0x3f };
	const struct vmm_insn want = {
		.op = VMM_INSN_LOAD, .len = 3, .size = 1, .reg = 7, .reg_size = 1,
		.addr_size = 2, .high8 = true,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 88 25	mov %ah,(%di) */
static void store_ah_high8_16(struct kunit *test)
{
	static const u8 code[] = { 0x88, 0x25 };
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 2, .size = 1, .reg = 4, .reg_size = 1,
		.addr_size = 2, .high8 = true,
	};

	expect_decode(test, code, sizeof(code), MODE_16, &want);
}

/* 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 89 07
 * 13 x ds mov %eax,(%rdi)
 */
static void longest_15_byte_prefixed_64(struct kunit *test)
{
	static const u8 code[] = {
		0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
		0x3e, 0x3e, 0x89, 0x07
	};
	const struct vmm_insn want = {
		.op = VMM_INSN_STORE, .len = 15, .size = 4, .reg = 0, .reg_size = 4,
		.addr_size = 8,
	};

	expect_decode(test, code, sizeof(code), MODE_64, &want);
}

/* 89 c3	mov %eax,%ebx */
static void reject_register_direct_mov_64(struct kunit *test)
{
	static const u8 code[] = { 0x89, 0xc3 };

	expect_reject(test, code, sizeof(code), MODE_64);
}

/* 0f b6 c0	movzbl %al,%eax */
static void reject_register_direct_movzx_64(struct kunit *test)
{
	static const u8 code[] = { 0x0f, 0xb6, 0xc0 };

	expect_reject(test, code, sizeof(code), MODE_64);
}

/* 01 00	add %eax,(%rax) */
static void reject_unknown_opcode_add_64(struct kunit *test)
{
	static const u8 code[] = { 0x01, 0x00 };

	expect_reject(test, code, sizeof(code), MODE_64);
}

/* f0 83 00 01	lock addl $0x1,(%rax) */
static void reject_lock_prefix_64(struct kunit *test)
{
	static const u8 code[] = { 0xf0, 0x83, 0x00, 0x01 };

	expect_reject(test, code, sizeof(code), MODE_64);
}

/* f0 89 07	lock mov %eax,(%rdi) */
static void reject_lock_mov_64(struct kunit *test)
{
	static const u8 code[] = { 0xf0, 0x89, 0x07 };

	expect_reject(test, code, sizeof(code), MODE_64);
}

/* f3 89 07	xrelease mov %eax,(%rdi) */
static void reject_rep_on_mov_64(struct kunit *test)
{
	static const u8 code[] = { 0xf3, 0x89, 0x07 };

	expect_reject(test, code, sizeof(code), MODE_64);
}

/* f2 aa	repnz stos %al,%es:(%rdi) */
static void reject_repne_stos_64(struct kunit *test)
{
	static const u8 code[] = { 0xf2, 0xaa };

	expect_reject(test, code, sizeof(code), MODE_64);
}

/* c7 08 00 00 00 00	(bad); or %al,(%rax); add %al,(%rax) */
static void reject_c7_reg_not_zero_64(struct kunit *test)
{
	static const u8 code[] = { 0xc7, 0x08, 0x00, 0x00, 0x00, 0x00 };

	expect_reject(test, code, sizeof(code), MODE_64);
}

/* 8b 8c 98 78 56 34 12	mov 0x12345678(%rax,%rbx,4),%ecx */
static void reject_truncated_sib_disp32_64(struct kunit *test)
{
	static const u8 code[] = { 0x8b, 0x8c, 0x98, 0x78, 0x56, 0x34, 0x12 };

	expect_reject(test, code, 6, MODE_64);
}

/* a1 34 12	mov 0x1234,%ax */
static void reject_truncated_moffs_16(struct kunit *test)
{
	static const u8 code[] = { 0xa1, 0x34, 0x12 };

	expect_reject(test, code, 2, MODE_16);
}

/* 66	data16 */
static void reject_truncated_prefix_only_64(struct kunit *test)
{
	static const u8 code[] = { 0x66 };

	expect_reject(test, code, sizeof(code), MODE_64);
}

/* 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 89 07
 * 14 x ds; mov %eax,(%rdi)
 */
static void reject_16_bytes_of_prefixes_64(struct kunit *test)
{
	static const u8 code[] = {
		0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
		0x3e, 0x3e, 0x3e, 0x89, 0x07
	};

	expect_reject(test, code, sizeof(code), MODE_64);
}

/* 48 89 07	dec %eax; mov %eax,(%edi) */
static void reject_rex_in_32_bit_mode_32(struct kunit *test)
{
	static const u8 code[] = { 0x48, 0x89, 0x07 };

	expect_reject(test, code, sizeof(code), MODE_32);
}

/* 63 00	arpl %ax,(%eax) */
static void reject_arpl_63_in_32_bit_mode_32(struct kunit *test)
{
	static const u8 code[] = { 0x63, 0x00 };

	expect_reject(test, code, sizeof(code), MODE_32);
}

/* 0f bc 00	bsf (%rax),%eax */
static void reject_two_byte_opcode_not_movx_64(struct kunit *test)
{
	static const u8 code[] = { 0x0f, 0xbc, 0x00 };

	expect_reject(test, code, sizeof(code), MODE_64);
}

static void reject_empty_input(struct kunit *test)
{
	static const u8 code[] = { 0x88, 0x07 };

	expect_reject(test, code, 0, MODE_64);
}

static void reject_bad_mode(struct kunit *test)
{
	/* 88 07	mov %al,(%bx) in a mode that is not 2, 4 or 8 */
	static const u8 code[] = { 0x88, 0x07 };

	expect_reject(test, code, sizeof(code), 3);
}

static struct kunit_case vmm_x86_decode_cases[] = {
	KUNIT_CASE(mov_r8_to_cr4_64),
	KUNIT_CASE(mov_rax_to_cr8_64),
	KUNIT_CASE(mov_eax_to_cr4_16),
	KUNIT_CASE(store_al_to_rdi_64),
	KUNIT_CASE(load_ecx_sib_disp32_64),
	KUNIT_CASE(store_r9_rip_relative_64),
	KUNIT_CASE(store_imm32_rex_w_sign_extends_64),
	KUNIT_CASE(store_imm32_not_extended_64),
	KUNIT_CASE(store_imm16_with_66_64),
	KUNIT_CASE(store_imm8_64),
	KUNIT_CASE(movzbl_64),
	KUNIT_CASE(movzwl_disp8_64),
	KUNIT_CASE(movsbl_64),
	KUNIT_CASE(movswl_rex_r_64),
	KUNIT_CASE(movsbq_rex_wr_64),
	KUNIT_CASE(movzbw_with_66_64),
	KUNIT_CASE(movslq_64),
	KUNIT_CASE(rep_stosb_64),
	KUNIT_CASE(stosl_64),
	KUNIT_CASE(rep_stosq_64),
	KUNIT_CASE(stosw_64),
	KUNIT_CASE(rep_stosl_addr32_64),
	KUNIT_CASE(store_ah_high8_64),
	KUNIT_CASE(store_bh_high8_64),
	KUNIT_CASE(store_sil_with_rex_not_high8_64),
	KUNIT_CASE(load_r15b_64),
	KUNIT_CASE(store_ax_with_66_64),
	KUNIT_CASE(load_eax_moffs64_64),
	KUNIT_CASE(store_rax_moffs64_rex_w_64),
	KUNIT_CASE(load_sib_no_base_no_index_64),
	KUNIT_CASE(load_rsp_base_sib_64),
	KUNIT_CASE(load_sib_disp8_64),
	KUNIT_CASE(load_sib_index_only_disp32_64),
	KUNIT_CASE(load_r13_base_disp8_64),
	KUNIT_CASE(store_fs_override_64),
	KUNIT_CASE(store_addr32_64),
	KUNIT_CASE(rex_before_66_is_ignored_64),
	KUNIT_CASE(rex_w_wins_over_66_64),
	KUNIT_CASE(rep_stosb_32),
	KUNIT_CASE(rep_stosl_32),
	KUNIT_CASE(stosw_32),
	KUNIT_CASE(rep_stosb_addr16_32),
	KUNIT_CASE(store_eax_moffs32_32),
	KUNIT_CASE(load_al_moffs32_32),
	KUNIT_CASE(load_ax_moffs32_with_66_32),
	KUNIT_CASE(load_dx_sib_disp8_32),
	KUNIT_CASE(store_ecx_disp8_32),
	KUNIT_CASE(store_imm32_disp32_32),
	KUNIT_CASE(store_addr16_with_66_32),
	KUNIT_CASE(load_cs_override_32),
	KUNIT_CASE(movzbl_disp8_32),
	KUNIT_CASE(store_al_bx_si_16),
	KUNIT_CASE(load_ax_moffs16_16),
	KUNIT_CASE(load_bp_disp8_16),
	KUNIT_CASE(load_disp16_only_16),
	KUNIT_CASE(store_bl_bp_di_disp8_16),
	KUNIT_CASE(store_bx_si_disp16_16),
	KUNIT_CASE(store_eax_with_66_16),
	KUNIT_CASE(store_addr32_with_67_16),
	KUNIT_CASE(load_eax_moffs32_66_67_16),
	KUNIT_CASE(store_imm16_16),
	KUNIT_CASE(store_imm32_with_66_16),
	KUNIT_CASE(rep_stosw_16),
	KUNIT_CASE(stosb_16),
	KUNIT_CASE(rep_outsb_32),
	KUNIT_CASE(outsl_fs_override_32),
	KUNIT_CASE(outsw_66_32),
	KUNIT_CASE(rep_insw_16),
	KUNIT_CASE(insb_override_ignored_16),
	KUNIT_CASE(outsl_rex_w_64),
	KUNIT_CASE(rep_insb_67_64),
	KUNIT_CASE(rep_outsb_gs_64),
	KUNIT_CASE(reject_repne_outs_32),
	KUNIT_CASE(rep_stosl_66_67_16),
	KUNIT_CASE(movzbw_16),
	KUNIT_CASE(movsbl_with_66_16),
	KUNIT_CASE(load_bh_es_override_high8_16),
	KUNIT_CASE(store_ah_high8_16),
	KUNIT_CASE(longest_15_byte_prefixed_64),
	KUNIT_CASE(reject_register_direct_mov_64),
	KUNIT_CASE(reject_register_direct_movzx_64),
	KUNIT_CASE(reject_unknown_opcode_add_64),
	KUNIT_CASE(reject_lock_prefix_64),
	KUNIT_CASE(reject_lock_mov_64),
	KUNIT_CASE(reject_rep_on_mov_64),
	KUNIT_CASE(reject_repne_stos_64),
	KUNIT_CASE(reject_c7_reg_not_zero_64),
	KUNIT_CASE(reject_truncated_sib_disp32_64),
	KUNIT_CASE(reject_truncated_moffs_16),
	KUNIT_CASE(reject_truncated_prefix_only_64),
	KUNIT_CASE(reject_16_bytes_of_prefixes_64),
	KUNIT_CASE(reject_rex_in_32_bit_mode_32),
	KUNIT_CASE(reject_arpl_63_in_32_bit_mode_32),
	KUNIT_CASE(reject_two_byte_opcode_not_movx_64),
	KUNIT_CASE(reject_empty_input),
	KUNIT_CASE(reject_bad_mode),
	{}
};

static struct kunit_suite vmm_x86_decode_suite = {
	.name = "vmm_x86_decode",
	.test_cases = vmm_x86_decode_cases,
};

kunit_test_suite(vmm_x86_decode_suite);
