# SPDX-License-Identifier: GPL-2.0-only
#
# cpuid: leaf 0 (maximum leaf, vendor) and leaf 1's signature, all from the
# table userspace gives the hypervisor. The values depend on that table, so
# their lines are "~" lines in expected/cpuid.out; the checks are not.

	.include "guest.inc"

	START32
	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	mov %ebx, vendor
	mov %edx, vendor + 4
	mov %ecx, vendor + 8
	PRINT "cpuid 0 max leaf: "
	mov $8, %ecx
	call puthex
	PRINT "\ncpuid 0 vendor: "
	mov $vendor, %esi
	call puts
	PRINT "\n"

	cmp $1, %eax
	setae %al
	movzbl %al, %eax
	CHECK "max leaf >= 1", 1

	xor %edx, %edx			# vendor: 12 printable characters
	mov $vendor, %esi
	mov $12, %ecx
1:	lodsb
	cmp $0x20, %al
	jb 2f
	cmp $0x7e, %al
	ja 2f
	inc %edx
2:	loop 1b
	mov %edx, %eax
	CHECK "vendor printable characters", 12

	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	PRINT "cpuid 1 signature: "
	mov $8, %ecx
	call puthex
	mov %eax, %ebx

	mov %ebx, %eax			# SDM CPUID "Processor Version Information"
	shr $8, %eax
	and $0xf, %eax
	mov %eax, %edx			# base family
	cmp $0xf, %eax
	jne 3f
	mov %ebx, %ecx
	shr $20, %ecx
	and $0xff, %ecx
	add %ecx, %eax			# + extended family
3:	PRINT "\ncpuid 1 family: "
	call putdec

	mov %ebx, %eax
	shr $4, %eax
	and $0xf, %eax
	cmp $6, %edx
	je 4f
	cmp $0xf, %edx
	jne 5f
4:	mov %ebx, %ecx
	shr $12, %ecx			# extended model, bits 19:16, as bits 7:4
	and $0xf0, %ecx
	add %ecx, %eax
5:	PRINT "\ncpuid 1 model: "
	call putdec

	mov %ebx, %eax
	and $0xf, %eax
	PRINT "\ncpuid 1 stepping: "
	call putdec
	PRINT "\n"
	jmp finish

	LIB32

	.data
vendor:	.fill 13, 1, 0
