# SPDX-License-Identifier: GPL-2.0-only
#
# triplefault: with an IDT limit of 0, INT3 cannot be delivered (#GP), nor
# can the #GP (#DF), nor the #DF: the CPU shuts down and the runner reports
# it. Nothing is printed after the first line.

	.include "guest.inc"

	START32
	PRINT "about to triple fault\n"
	lidt empty_idt
	int3
	PRINT "still running\nFAIL\n"
	EXIT 1

	.data
empty_idt:
	.word 0
	.long 0
	.text

	LIB32
