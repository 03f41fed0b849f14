/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The world switch. VMRUN saves and restores only part of the host state;
 * VMSAVE/VMLOAD move the rest (FS, GS, TR, LDTR with their hidden parts,
 * KernelGSBase, STAR/LSTAR/CSTAR/SFMASK, SYSENTER_*) between the CPU and a
 * VMCB-format page: the host's into a per-CPU page, the guest's into its
 * VMCB. General registers other than RAX and RSP are ours to switch. Host
 * RAX comes back from the host save area at #VMEXIT (AMD APM vol. 2,
 * "VMRUN" and "#VMEXIT"), which is why it carries the VMCB address.
 *
 * Called with interrupts off and GIF clear; returns the same way.
 */
#include <linux/linkage.h>
#include <linux/stringify.h>
#include <asm/asm.h>
#include <asm/cpufeatures.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>

/* Offsets in the vCPU's register array (struct svm_vcpu.regs, u64 each). */
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

/* void svm_vmrun(u64 vmcb_pa, u64 *regs, u64 host_save_pa) */
SYM_FUNC_START(svm_vmrun)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdx		/* 16(%rsp): host save area */
	push	%rsi		/*  8(%rsp): regs */
	push	%rdi		/*  0(%rsp): VMCB */

	mov	%rdx, %rax
.Lhsave:	vmsave	%rax
.Lhsave_done:	mov	(%rsp), %rax
.Lgload:	vmload	%rax
.Lgload_done:

	mov	8(%rsp), %rax
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
	mov	(%rsp), %rax

	/*
	 * With V_INTR_MASKING, the host's IF at VMRUN decides whether
	 * physical interrupts reach us (as INTR exits) while the guest runs:
	 * it must be set. GIF is clear, so nothing is taken here meanwhile.
	 * Not right before VMRUN, in STI's shadow: QEMU (7.2) carries a
	 * shadow the host is in into the guest when the VMCB's interrupt
	 * shadow is clear, and the guest's first instruction then runs in a
	 * shadow it never set (an STI there opens no shadow of its own).
	 */
	sti
	nop
.Lvmrun:	vmrun	%rax
.Lvmrun_done:	cli

.Lgsave:	vmsave	%rax
.Lgsave_done:
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
	mov	16(%rsp), %rax
.Lhload:	vmload	%rax
.Lhload_done:
	/* No RET before the RSB holds only the host's entries (Spectre-RSB). */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT
	/*
	 * Nor before the return predictions the guest could have trained
	 * are overwritten, where the kernel untrains them on its own entries
	 * (AMD retbleed: UNRET; SRSO: SRSO, SRSO_ALIAS): the kernel's
	 * untraining sequence, through its exported entry points. Where the
	 * kernel chose an IBPB on every VM exit for SRSO instead, the IBPB
	 * is here, before the first RET, too: written out, as the kernel's
	 * IBPB helper is exported to KVM only on 7.x. Clobbers RAX, RCX, RDX
	 * (the guest's, saved above).
	 */
	CALL_UNTRAIN_RET
	ALTERNATIVE "", __stringify(mov $MSR_IA32_PRED_CMD, %ecx; \
		mov $PRED_CMD_IBPB, %eax; xor %edx, %edx; wrmsr), \
		X86_FEATURE_IBPB_ON_VMEXIT

	/* Leave no guest values in registers the host does not restore. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	add	$24, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

	/*
	 * With SVM off these fault (#UD). The check before CLGI rules that
	 * out for an orderly reboot, and GIF=0 holds off the NMIs of an
	 * emergency one; should it happen all the same, carry on with the
	 * next instruction rather than oops.
	 */
	_ASM_EXTABLE(.Lhsave, .Lhsave_done)
	_ASM_EXTABLE(.Lgload, .Lgload_done)
	_ASM_EXTABLE(.Lvmrun, .Lvmrun_done)
	_ASM_EXTABLE(.Lgsave, .Lgsave_done)
	_ASM_EXTABLE(.Lhload, .Lhload_done)
SYM_FUNC_END(svm_vmrun)
