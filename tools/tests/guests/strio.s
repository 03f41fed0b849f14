# SPDX-License-Identifier: GPL-2.0-only
#
# strio: string port I/O, INS and OUTS, the way BIOSes and boot loaders use
# them: REP OUTSB of a line to the UART, the same going down (EFLAGS.DF),
# and the UART's scratch register (0x3ff, a plain byte store on every
# 16550) read and written by byte and word strings, the registers checked
# after each.

	.include "guest.inc"

	.set UART_SCR, 0x3ff
	.set UART_MSR_SCR, 0x3fe	# a word there: MSR (read-only), then SCR

	START32
	# Up: the line goes out as it is in memory.
	mov $line, %esi
	mov $line_end - line, %ecx
	mov $UART_THR, %dx
	rep outsb
	mov %esi, %eax
	sub $line_end, %eax
	CHECK "rep outsb: esi past the line", 0
	mov %ecx, %eax
	CHECK "rep outsb: ecx", 0

	# Down: from the last byte to the first, so the text is stored reversed.
	mov $rline_end - 1, %esi
	mov $rline_end - rline, %ecx
	std
	rep outsb
	cld
	mov %esi, %eax
	sub $rline - 1, %eax
	CHECK "std rep outsb: esi before the text", 0

	# INS: eight reads of the scratch register.
	mov $UART_SCR, %dx
	mov $0x5a, %al
	outb %al, %dx
	mov $buf, %edi
	mov $8, %ecx
	rep insb
	mov %edi, %eax
	sub $buf + 8, %eax
	CHECK "rep insb: edi past 8 bytes", 0
	mov buf, %eax
	xor buf + 4, %eax
	CHECK "rep insb: bytes 0-3 xor 4-7", 0
	mov buf + 4, %eax
	CHECK "rep insb: bytes 4-7", 0x5a5a5a5a

	# Words: the high byte of each is the scratch register.
	mov $words, %esi
	mov $3, %ecx
	mov $UART_MSR_SCR, %dx
	rep outsw
	mov $UART_SCR, %dx
	inb %dx, %al
	movzbl %al, %eax
	CHECK "rep outsw: scratch after the last word", 0x33
	mov $buf, %edi
	mov $2, %ecx
	mov $UART_MSR_SCR, %dx
	rep insw
	movzbl buf + 1, %eax
	CHECK "rep insw: high byte of word 0", 0x33
	movzbl buf + 3, %eax
	CHECK "rep insw: high byte of word 1", 0x33

	# REP with ECX = 0 does nothing at all.
	mov $buf, %edi
	xor %ecx, %ecx
	mov $UART_SCR, %dx
	rep insb
	mov %edi, %eax
	sub $buf, %eax
	CHECK "rep insb with ecx 0: edi", 0
	jmp finish

	.pushsection .rodata
line:	.ascii "hello from rep outsb\n"
line_end:
rline:	.ascii "\n)FD( nwod gniog bstuo per"
rline_end:
	.balign 2
words:	.word 0x1100, 0x2200, 0x3300
	.popsection
	.pushsection .bss
buf:	.skip 16
	.popsection

	LIB32
