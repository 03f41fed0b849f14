# SPDX-License-Identifier: GPL-2.0-only
#
# xsave: XCR0 as a guest OS sets it up for AVX. CR4.OSXSAVE, then XSETBV
# and XGETBV, a YMM register kept across exits, CPUID's OSXSAVE bit and
# XSAVE size following CR4 and XCR0, and the #UD and #GP the processor
# raises for XGETBV/XSETBV/VEX when they are not allowed (SDM, "XSETBV",
# "XGETBV", and "Detection of Intel AVX Instructions").

	.include "guest.inc"

	.set CR0_MP, 1 << 1
	.set CR0_EM, 1 << 2
	.set CR4_OSFXSR, 1 << 9
	.set CR4_OSXMMEXCPT, 1 << 10
	.set CR4_OSXSAVE, 1 << 18
	.set UD, 6
	.set GP, 13

# SETXCR0 value: XSETBV of XCR0, expected to succeed.
.macro SETXCR0 value:req
	xor %ecx, %ecx
	xor %edx, %edx
	mov $\value, %eax
	xsetbv
.endm

# TRYXCR index, value: XSETBV expected to fault.
.macro TRYXCR index:req, value:req
	mov $\index, %ecx
	xor %edx, %edx
	mov $\value, %eax
	TRY xsetbv
.endm

.macro GETXCR0
	xor %ecx, %ecx
	xgetbv
.endm

# CPUIDBIT leaf, register, bit: %eax = that bit of CPUID leaf (sub-leaf 0).
.macro CPUIDBIT leaf:req, reg:req, bit:req
	mov $\leaf, %eax
	xor %ecx, %ecx
	cpuid
	mov \reg, %eax
	shr $\bit, %eax
	and $1, %eax
.endm

	START32
	call idt_init
	mov %cr0, %eax			# SSE on, as an OS enables it
	and $~CR0_EM, %eax
	or $CR0_MP, %eax
	mov %eax, %cr0
	mov %cr4, %eax
	or $CR4_OSFXSR | CR4_OSXMMEXCPT, %eax
	mov %eax, %cr4

	CPUIDBIT 1, %ecx, 26
	CHECK "cpuid xsave", 1
	CPUIDBIT 1, %ecx, 28
	CHECK "cpuid avx", 1
	CPUIDBIT 1, %ecx, 27
	CHECK "cpuid osxsave before cr4", 0

	# Until CR4.OSXSAVE is set, XGETBV and XSETBV are #UD.
	xor %ecx, %ecx
	TRY xgetbv
	EXPECT_FAULT "xgetbv without cr4.osxsave", UD
	TRYXCR 0, 1
	EXPECT_FAULT "xsetbv without cr4.osxsave", UD

	# XCR0 is read right after the MOV to CR4, with no exit in between.
	mov %cr4, %eax
	or $CR4_OSXSAVE, %eax
	mov %eax, %cr4
	GETXCR0
	CHECK "xcr0 after reset", 1
	CPUIDBIT 1, %ecx, 27
	CHECK "cpuid osxsave after cr4", 1

	# AVX is not enabled in XCR0 yet: VEX instructions are #UD.
	TRY vmovdqu pattern, %ymm0
	EXPECT_FAULT "vmovdqu with xcr0 x87", UD

	SETXCR0 3
	GETXCR0
	CHECK "xcr0 x87 sse", 3
	SETXCR0 7
	GETXCR0
	CHECK "xcr0 x87 sse avx", 7
	mov $0xd, %eax
	xor %ecx, %ecx
	cpuid
	mov %ebx, %eax
	CHECK "cpuid 0xd xsave size", 832

	# YMM1 holds its 32 bytes while the guest prints (exits to the host).
	vmovdqu pattern, %ymm1
	PRINT "ymm1 loaded\n"
	vmovdqu %ymm1, result
	mov $pattern, %esi
	mov $result, %edi
	mov $8, %ecx
	xor %eax, %eax
1:	mov (%esi), %edx
	cmp (%edi), %edx
	je 2f
	inc %eax
2:	add $4, %esi
	add $4, %edi
	loop 1b
	CHECK "ymm1 dwords changed", 0

	# Values XSETBV refuses: #GP, and XCR0 stays.
	TRYXCR 0, 0
	EXPECT_FAULT "xsetbv x87 off", GP
	TRYXCR 0, 5
	EXPECT_FAULT "xsetbv avx without sse", GP
	TRYXCR 0, 0xf
	EXPECT_FAULT "xsetbv bndregs alone", GP
	TRYXCR 1, 1
	EXPECT_FAULT "xsetbv xcr1", GP
	GETXCR0
	CHECK "xcr0 kept", 7

	# AVX off again: VEX is #UD, SSE still works.
	SETXCR0 3
	TRY vmovdqu pattern, %ymm0
	EXPECT_FAULT "vmovdqu with xcr0 x87 sse", UD
	movdqu pattern, %xmm0
	movd %xmm0, %eax
	CHECK "sse with xcr0 x87 sse", 0x03020100
	SETXCR0 7

	# CR4.OSXSAVE off: XGETBV is #UD again.
	mov %cr4, %eax
	and $~CR4_OSXSAVE, %eax
	mov %eax, %cr4
	xor %ecx, %ecx
	TRY xgetbv
	EXPECT_FAULT "xgetbv after cr4.osxsave off", UD
	jmp finish

	LIB32
	IDT32

	.data
	.balign 32
pattern:
	.byte 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.byte 0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87
	.byte 0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f
result:
	.fill 32, 1, 0
