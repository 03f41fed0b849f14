# SPDX-License-Identifier: GPL-2.0-only
#
# mbinfo: the Multiboot information a loader gives, with one boot module:
# run as "vmctl run --format multiboot --cmdline C --module FILE,arg" with
# FILE holding the 8 bytes "MOD1MOD1" (plans/linux.sh does). Checks the
# flags, the module (page aligned, its bytes and size, its string ending
# in "arg"), the memory map (RAM at 0 and at 1 MiB, available) and the
# command line's first byte. Not in GUESTS: it needs those arguments.

	.include "guest.inc"

	.set MB_INFO_WANTED, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9)

	START32
	mov boot_eax, %eax
	CHECK "multiboot magic", 0x2badb002
	jne 9f
	mov boot_ebx, %ebx
	mov (%ebx), %eax
	and $MB_INFO_WANTED, %eax
	CHECK "flags: memory, cmdline, mods, mmap, loader name", MB_INFO_WANTED
	jne 9f

	mov 20(%ebx), %eax		# mods_count
	CHECK "mods_count", 1
	jne 9f
	mov 24(%ebx), %esi		# mods_addr: the first module's entry
	mov (%esi), %eax		# mod_start
	and $0xfff, %eax
	CHECK "module page aligned", 0
	mov (%esi), %edi
	mov (%edi), %eax
	CHECK "module bytes", 0x31444f4d	# "MOD1"
	mov 4(%esi), %eax		# mod_end
	sub (%esi), %eax
	CHECK "module size", 8
	mov 8(%esi), %edi		# its string: "FILE arg"
1:	cmpb $0, (%edi)
	je 2f
	inc %edi
	jmp 1b
2:	mov -4(%edi), %eax
	CHECK "module string ends in space arg", 0x67726120	# " arg"

	mov 44(%ebx), %eax		# mmap_length
	CHECK "mmap: three entries", 72
	mov 48(%ebx), %esi		# mmap_addr
	mov 4(%esi), %eax		# entry 0: base 0, available
	or 8(%esi), %eax
	CHECK "mmap 0: base 0", 0
	mov 20(%esi), %eax
	CHECK "mmap 0: available", 1
	mov 48+4(%esi), %eax		# entry 2: base 1 MiB, available
	CHECK "mmap 2: base 1 MiB", 0x100000
	mov 48+20(%esi), %eax
	CHECK "mmap 2: available", 1

	mov 16(%ebx), %esi		# cmdline
	movzbl (%esi), %eax
	CHECK "cmdline starts with c", 0x63
9:	jmp finish

	LIB32
