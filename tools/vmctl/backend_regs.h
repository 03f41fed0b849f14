/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * General registers between vmctl_regs and a backend's own structure,
 * which names them alike (kvm_regs, vmm_regs): a backend file defines
 * vmctl_be_regs as its structure and then includes this, once.
 */
#ifndef VMCTL_BACKEND_REGS_H
#define VMCTL_BACKEND_REGS_H

#include "backend.h"

static void regs_from_be(struct vmctl_regs *d, const vmctl_be_regs *s)
{
	*d = (struct vmctl_regs){
		.rax = s->rax, .rbx = s->rbx, .rcx = s->rcx, .rdx = s->rdx,
		.rsi = s->rsi, .rdi = s->rdi, .rsp = s->rsp, .rbp = s->rbp,
		.r8 = s->r8, .r9 = s->r9, .r10 = s->r10, .r11 = s->r11,
		.r12 = s->r12, .r13 = s->r13, .r14 = s->r14, .r15 = s->r15,
		.rip = s->rip, .rflags = s->rflags,
	};
}

static void regs_to_be(vmctl_be_regs *d, const struct vmctl_regs *s)
{
	*d = (vmctl_be_regs){
		.rax = s->rax, .rbx = s->rbx, .rcx = s->rcx, .rdx = s->rdx,
		.rsi = s->rsi, .rdi = s->rdi, .rsp = s->rsp, .rbp = s->rbp,
		.r8 = s->r8, .r9 = s->r9, .r10 = s->r10, .r11 = s->r11,
		.r12 = s->r12, .r13 = s->r13, .r14 = s->r14, .r15 = s->r15,
		.rip = s->rip, .rflags = s->rflags,
	};
}

#endif
