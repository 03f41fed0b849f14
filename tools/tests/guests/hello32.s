# SPDX-License-Identifier: GPL-2.0-only
#
# hello32: 32-bit protected mode with paging off, booted as Multiboot: the
# magic in EAX and the memory sizes in the information EBX points to
# (GUESTS gives it 16 MiB).

	.include "guest.inc"

	.set MB_INFO_MEM, 1 << 0	# mem_lower and mem_upper are valid

	START32
	PRINT "hello from protected mode\n"
	mov %cr0, %eax
	and $CR0_PG | CR0_PE, %eax
	CHECK "cr0 pe and pg", CR0_PE

	mov boot_eax, %eax
	CHECK "multiboot magic", 0x2badb002
	jne 1f
	mov boot_ebx, %ebx
	mov (%ebx), %eax
	and $MB_INFO_MEM, %eax
	CHECK "multiboot info flags, memory", MB_INFO_MEM
	jne 1f
	# The exact sizes are the loader's choice (QEMU keeps some for itself):
	# printed as they are, checked only for fitting 16 MiB.
	PRINT "multiboot mem_lower KiB: "
	mov 4(%ebx), %eax
	call putdec
	PRINT "\nmultiboot mem_upper KiB: "
	mov 8(%ebx), %ecx
	mov %ecx, %eax
	call putdec
	PRINT "\n"
	mov 4(%ebx), %eax
	sub $512, %eax			# 512-640 KiB below 1 MiB
	cmp $128, %eax
	setbe %al
	sub $14 * 1024, %ecx		# 14-15 MiB above it
	cmp $1024, %ecx
	setbe %cl
	and %cl, %al
	movzbl %al, %eax
	CHECK "multiboot memory fits 16 MiB", 1
1:	jmp finish

	LIB32
