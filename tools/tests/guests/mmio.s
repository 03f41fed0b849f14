# SPDX-License-Identifier: GPL-2.0-only
#
# mmio: the MMIO test device at guest-physical 0xfeb00000 (4 KiB of byte
# scratch registers, outside RAM), with paging off. Every access exits to the
# hypervisor, whose instruction emulation must get sizes, zero and sign
# extension, partial-register writes and string repeats right.
# (MMIO_BASE can be set with --defsym to aim the same code at RAM.)

	.include "guest.inc"

	.ifndef MMIO_BASE
	.set MMIO_BASE, 0xfeb00000
	.endif

	START32
	mov $MMIO_BASE, %edi

	movb $0xa5, 0x000(%edi)
	mov $0x12345600, %eax		# a byte load leaves bits 31:8 alone
	movb 0x000(%edi), %al
	CHECK "mov byte 0xa5", 0x123456a5
	movw $0xbeef, 0x010(%edi)
	mov $0x12340000, %eax
	movw 0x010(%edi), %ax
	CHECK "mov word 0xbeef", 0x1234beef
	movl $0x87654321, 0x020(%edi)
	xor %eax, %eax
	movl 0x020(%edi), %eax
	CHECK "mov dword 0x87654321", 0x87654321
	movzbl 0x022(%edi), %eax	# byte addressable, little endian
	CHECK "byte 2 of that dword", 0x65
	movzwl 0x021(%edi), %eax
	CHECK "word at byte 1 of that dword", 0x6543
	movl $0xcafef00d, 0x103(%edi)
	movl 0x103(%edi), %eax
	CHECK "mov dword unaligned 0xcafef00d", 0xcafef00d

	movb $0x80, 0x200(%edi)
	mov $0xffffffff, %eax
	movzbl 0x200(%edi), %eax
	CHECK "movzx byte 0x80", 0x00000080
	xor %eax, %eax
	movsbl 0x200(%edi), %eax
	CHECK "movsx byte 0x80", 0xffffff80
	mov $0x12340000, %eax		# to a 16-bit register: 31:16 kept
	movsbw 0x200(%edi), %ax
	CHECK "movsx byte 0x80 to word", 0x1234ff80
	movw $0x8001, 0x210(%edi)
	mov $0xffffffff, %eax
	movzwl 0x210(%edi), %eax
	CHECK "movzx word 0x8001", 0x00008001
	xor %eax, %eax
	movswl 0x210(%edi), %eax
	CHECK "movsx word 0x8001", 0xffff8001

	movl $0, 0x340(%edi)		# guard after the string
	push %edi
	lea 0x300(%edi), %edi
	mov $0x5a, %al
	mov $64, %ecx
	rep stosb
	mov %ecx, %edx
	mov %edi, %ebx
	pop %edi
	mov %edx, %eax
	CHECK "rep stosb 64 bytes: ecx after", 0
	lea (%ebx), %eax
	sub %edi, %eax
	CHECK "rep stosb 64 bytes: edi after", 0x340
	mov $0x300, %ebx
	mov $0x5a5a5a5a, %edx
	call differing
	CHECK "rep stosb 64 bytes: bits read back wrong", 0
	mov 0x340(%edi), %eax
	CHECK "rep stosb 64 bytes: the dword after", 0

	movl $0, 0x440(%edi)
	push %edi
	lea 0x400(%edi), %edi
	mov $0xdeadbeef, %eax
	mov $16, %ecx
	rep stosl
	mov %ecx, %edx
	mov %edi, %ebx
	pop %edi
	mov %edx, %eax
	CHECK "rep stosd 16 dwords: ecx after", 0
	lea (%ebx), %eax
	sub %edi, %eax
	CHECK "rep stosd 16 dwords: edi after", 0x440
	mov $0x400, %ebx
	mov $0xdeadbeef, %edx
	call differing
	CHECK "rep stosd 16 dwords: bits read back wrong", 0
	mov 0x440(%edi), %eax
	CHECK "rep stosd 16 dwords: the dword after", 0
	jmp finish

# differing: %eax = the OR of (dword ^ %edx) over the 16 dwords at
# %edi + %ebx, read one MOV at a time.
differing:
	push %ecx
	push %ebx
	xor %eax, %eax
	mov $16, %ecx
1:	mov (%edi,%ebx), %esi
	xor %edx, %esi
	or %esi, %eax
	add $4, %ebx
	loop 1b
	pop %ebx
	pop %ecx
	ret

	LIB32
