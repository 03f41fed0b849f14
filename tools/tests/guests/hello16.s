# SPDX-License-Identifier: GPL-2.0-only
#
# hello16: real mode, flat at 0x7c00. Prints a greeting and checks that
# addresses are segment * 16 + offset (what a real-mode emulation can get
# wrong).

	.include "guest.inc"

	START16
	PRINT16 "hello from real mode\n"

	movw $0x1234, 0x5010		# linear 0x5010 ...
	mov $0x0500, %ax
	mov %ax, %es
	mov %es:0x10, %ax		# ... is 0500:0010
	push %ds
	pop %es
	PRINT16 "segment 0x0500 offset 0x0010: "
	cmp $0x1234, %ax
	jne 1f
	PRINT16 "ok\nPASS\n"
	mov $0, %al
	jmp exit16
1:	PRINT16 "wrong\nFAIL\n"
	mov $1, %al
	jmp exit16

	LIB16
