# SPDX-License-Identifier: GPL-2.0-only
#
# hlt: HLT with interrupts off ends the guest; the runner reports the halt.

	.include "guest.inc"

	START32
	PRINT "halting\n"
	cli
1:	hlt
	jmp 1b

	LIB32
