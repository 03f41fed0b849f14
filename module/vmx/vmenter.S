/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMX world switch. VM entry loads the guest state from the VMCS except
 * the general registers other than RSP, which are ours to switch; VM exit
 * loads the host state from the VMCS and continues at HOST_RIP (vmx_vmexit
 * below) with HOST_RSP, which we point at this function's frame (Intel SDM,
 * "VM Entries" and "VM Exits"). Everything else the host needs back (its
 * callee-saved registers) is on that frame.
 *
 * Called with interrupts off; returns the same way (VM exit clears RFLAGS).
 */
#include <linux/linkage.h>
#include <linux/objtool.h>
#include <linux/stringify.h>
#include <asm/asm.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "../spec.h"
#include "vmenter.h"

#define VMCS_HOST_RSP	0x6c14

/* Offsets in the vCPU's register array (struct vmx_vcpu.regs, u64 each). */
#define R_RAX	(0 * 8)
#define R_RCX	(1 * 8)
#define R_RDX	(2 * 8)
#define R_RBX	(3 * 8)
#define R_RBP	(5 * 8)
#define R_RSI	(6 * 8)
#define R_RDI	(7 * 8)
#define R_R8	(8 * 8)
#define R_R9	(9 * 8)
#define R_R10	(10 * 8)
#define R_R11	(11 * 8)
#define R_R12	(12 * 8)
#define R_R13	(13 * 8)
#define R_R14	(14 * 8)
#define R_R15	(15 * 8)

.text

/*
 * Overwrite the branch history with a fixed pattern before the host's
 * first indirect branch after an exit, so that the history the guest left
 * cannot steer where the host's indirect branches are predicted to go
 * (Branch History Injection, which eIBRS alone does not stop). This is the
 * software sequence of Intel's "Branch History Injection and Intra-mode
 * Branch Target Injection" guidance: five rounds, each a CALL and a RET
 * around five taken JMP/Jcc pairs, every branch at an address fixed by the
 * 64-byte alignment, enough taken branches to replace the whole history;
 * then LFENCE, so that nothing after it is predicted from the old history
 * before the sequence has retired. The CALLs and RETs pair up: the return
 * stack buffer, filled just before, predicts every RET. The RETs sit in
 * the upper half of their 64-byte line, where CPUs with Indirect Target
 * Selection need no return thunk detour. Clobbers RAX, RCX.
 */
SYM_FUNC_START_LOCAL(vmx_clear_bhb)
	mov	$5, %ecx
	ANNOTATE_INTRA_FUNCTION_CALL
	call	.Lbhb_round
	jmp	.Lbhb_fence
	.p2align 6, 0xcc
	.skip	32 - (.Lbhb_round_ret - .Lbhb_round), 0xcc
.Lbhb_round:
	ANNOTATE_INTRA_FUNCTION_CALL
	call	.Lbhb_branches
.Lbhb_round_ret:
	RET
	.p2align 6, 0xcc
	.skip	32 - (.Lbhb_branches_ret - .Lbhb_branches), 0xcc
.Lbhb_branches:
	mov	$5, %eax
.Lbhb_jmp:
	jmp	.Lbhb_taken
	nop
.Lbhb_taken:
	dec	%eax
	jnz	.Lbhb_jmp
	dec	%ecx
	jnz	.Lbhb_round
.Lbhb_branches_ret:
	RET
.Lbhb_fence:
	lfence
	RET
SYM_FUNC_END(vmx_clear_bhb)
/* Calls inside the function and unpaired RETs: beyond objtool's model. */
STACK_FRAME_NON_STANDARD vmx_clear_bhb

/* int vmx_vmenter(u64 *regs, unsigned int flags, unsigned long *host_rsp) */
SYM_FUNC_START(vmx_vmenter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rsi		/* 8(%rsp): flags (VMX_ENTER_*) */
	push	%rdi		/* 0(%rsp): regs */

	/* HOST_RSP: this frame. Rewritten only when it moved. */
	cmp	%rsp, (%rdx)
	je	1f
	mov	%rsp, (%rdx)
	mov	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax
1:
	/* ZF says which of VMLAUNCH/VMRESUME; the MOVs below keep it. */
	test	$VMX_ENTER_RESUME, %esi
	mov	%rdi, %rax
	mov	R_RCX(%rax), %rcx
	mov	R_RDX(%rax), %rdx
	mov	R_RBX(%rax), %rbx
	mov	R_RBP(%rax), %rbp
	mov	R_RSI(%rax), %rsi
	mov	R_RDI(%rax), %rdi
	mov	R_R8(%rax), %r8
	mov	R_R9(%rax), %r9
	mov	R_R10(%rax), %r10
	mov	R_R11(%rax), %r11
	mov	R_R12(%rax), %r12
	mov	R_R13(%rax), %r13
	mov	R_R14(%rax), %r14
	mov	R_R15(%rax), %r15
	mov	R_RAX(%rax), %rax
	/* A VM exit continues at vmx_vmexit with this stack: tell objtool. */
	UNWIND_HINT_SAVE
	jnz	.Lresume
.Llaunch:
	vmlaunch
	jmp	.Lfail
.Lresume:
	vmresume
.Lfail:
	/*
	 * VMfail, or a fault because VMX was turned off under us (reboot):
	 * still in the host; the guest's values are in registers.
	 */
	mov	$1, %eax
	jmp	.Lout

SYM_INNER_LABEL(vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	push	%rax
	mov	8(%rsp), %rax
	mov	%rcx, R_RCX(%rax)
	mov	%rdx, R_RDX(%rax)
	mov	%rbx, R_RBX(%rax)
	mov	%rbp, R_RBP(%rax)
	mov	%rsi, R_RSI(%rax)
	mov	%rdi, R_RDI(%rax)
	mov	%r8, R_R8(%rax)
	mov	%r9, R_R9(%rax)
	mov	%r10, R_R10(%rax)
	mov	%r11, R_R11(%rax)
	mov	%r12, R_R12(%rax)
	mov	%r13, R_R13(%rax)
	mov	%r14, R_R14(%rax)
	mov	%r15, R_R15(%rax)
	popq	R_RAX(%rax)
	/*
	 * No RET before the return stack buffer holds only the host's own
	 * entries (Spectre-RSB; PBRSB with eIBRS): the kernel's choice.
	 */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
		X86_FEATURE_RSB_VMEXIT_LITE
	/*
	 * Nor any indirect branch (the RET below is one) with the guest's
	 * branch history, where the kernel clears it on VM exit (BHI). When
	 * the kernel uses the hardware control instead (BHI_DIS_S in its
	 * SPEC_CTRL, which guests cannot write here), nothing is needed.
	 * The kernel's choice patches the test out: no conditional branch
	 * left for a guest to mistrain around the clearing.
	 */
#ifdef VMM_FEATURE_CLEAR_BHB_VMEXIT
	ALTERNATIVE __stringify(testl $VMX_ENTER_CLEAR_BHB, 8(%rsp); jz .Lbhb_done), \
		"", VMM_FEATURE_CLEAR_BHB_VMEXIT
#else
	testl	$VMX_ENTER_CLEAR_BHB, 8(%rsp)
	jz	.Lbhb_done
#endif
	call	vmx_clear_bhb
.Lbhb_done:
	xor	%eax, %eax

.Lout:
	/* Leave no guest values in registers the host does not restore. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	add	$16, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

	_ASM_EXTABLE(.Llaunch, .Lfail)
	_ASM_EXTABLE(.Lresume, .Lfail)
SYM_FUNC_END(vmx_vmenter)
