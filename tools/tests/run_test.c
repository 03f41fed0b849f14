// SPDX-License-Identifier: GPL-2.0-only
/*
 * run_test: memory slots, vCPUs and VMM_RUN from userspace, with tiny
 * real-mode guests assembled here as bytes. Run inside the lab machines on
 * backends that support vCPUs. Prints "RESULT PASS|FAIL run <name> [detail]";
 * the exit status is the number of failures (capped at 99), 100 if /dev/vmm
 * cannot be used.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include "uapi/vmm.h"
#include "guest.h"

#define RESULT_SUITE "run"
#include "result.h"

static void test_slots(int dev)
{
	struct vmm_create_vm cv = {};
	struct vmm_memory_slot s;
	void *mem;
	int vm;

	vm = ioctl(dev, VMM_CREATE_VM, &cv);
	mem = mmap(NULL, 2 * MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	result(slot(vm, 0, 0, MEM_SIZE, mem) == 0, "slot_add", NULL);
	result(slot(vm, 1, MEM_SIZE / 2, MEM_SIZE, mem) == -EEXIST, "slot_overlap_eexist", NULL);
	result(slot(vm, 1, 0x1001, 4096, mem) == -EINVAL, "slot_misaligned_gpa_einval", NULL);
	result(slot(vm, 1, MEM_SIZE, 4095, mem) == -EINVAL, "slot_misaligned_size_einval", NULL);
	result(slot(vm, 1, MEM_SIZE, 4096, (char *)mem + 1) == -EINVAL,
	       "slot_misaligned_host_einval", NULL);
	result(slot(vm, VMM_MAX_SLOTS, MEM_SIZE, 4096, mem) == -EINVAL, "slot_number_einval", NULL);
	result(slot(vm, 1, ~0xfffULL, 8192, mem) == -EINVAL, "slot_gpa_overflow_einval", NULL);
	result(slot(vm, 1, MEM_SIZE, 4096, (void *)0xfffffffffffff000ULL) == -EFAULT,
	       "slot_kernel_address_efault", NULL);
	memset(&s, 0, sizeof(s));
	s.slot = 1;
	s.reserved[0] = 1;
	result(ioctl(vm, VMM_SET_MEMORY_SLOT, &s) < 0 && errno == EINVAL,
	       "slot_reserved_einval", NULL);
	result(slot(vm, 0, 0, 0, NULL) == 0, "slot_delete", NULL);
	result(slot(vm, 1, MEM_SIZE / 2, MEM_SIZE, mem) == 0, "slot_reuse_range", NULL);
	{
		int a = create_vcpu(vm, 0);
		int b = create_vcpu(vm, 0);
		int c = create_vcpu(vm, VMM_MAX_VCPUS);

		result(a >= 0, "vcpu_create", "%d", a);
		result(b == -EEXIST, "vcpu_duplicate_id_eexist", "%d", b);
		result(c == -EINVAL, "vcpu_id_range_einval", "%d", c);
		/* The VM lives on while a vCPU fd does. */
		close(vm);
		result(ioctl(a, VMM_RUN, 1) < 0 && errno == EINVAL, "vcpu_outlives_vm_fd", NULL);
		close(a);
	}
	munmap(mem, 2 * MEM_SIZE);
}

/*
 * Does the kernel run 5-level paging? Linux clears the la57 flag in
 * /proc/cpuinfo unless it does.
 */
static int host_paging_is_5_level(void)
{
	char line[4096];
	int la57 = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return 0;
	while (!la57 && fgets(line, sizeof(line), f))
		la57 = !strncmp(line, "flags", 5) &&
		       (strstr(line, " la57 ") || strstr(line, " la57\n"));
	fclose(f);
	return la57;
}

/*
 * The lowest non-canonical address: one past the lower half of the host's
 * linear addresses, 48 bits wide, or 57 with 5-level paging.
 */
static unsigned long long noncanonical(void)
{
	return host_paging_is_5_level() ? 1ULL << 56 : 1ULL << 47;
}

/*
 * Where slots must end (Documentation/abi.rst): at the reach of the VM's
 * tables, 2^48 with four levels (EPT; NPT on a 4-level host) or 2^57 with
 * five (NPT on a 5-level host), and within the host's physical address
 * width. Return: its log2, or 0 if the caps cannot be read.
 */
static unsigned int gpa_limit_bits(int dev)
{
	struct vmm_caps caps = {};
	unsigned int reach = 48;

	if (ioctl(dev, VMM_GET_CAPS, &caps) < 0)
		return 0;
	if (caps.vendor == VMM_VENDOR_AMD_SVM && host_paging_is_5_level())
		reach = 57;
	return caps.phys_addr_bits < reach ? caps.phys_addr_bits : reach;
}

/*
 * A slot up to the guest-physical limit is taken; one past it is ERANGE,
 * never an alias of lower memory: tables indexed beyond their reach would
 * wrap around to guest-physical 0.
 */
static void test_slot_gpa_limit(int dev)
{
	struct vmm_create_vm cv = {};
	unsigned int bits = gpa_limit_bits(dev);
	unsigned long long limit = 1ULL << bits;
	void *mem;
	int vm;

	vm = ioctl(dev, VMM_CREATE_VM, &cv);
	mem = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	result(bits && slot(vm, 0, limit - 4096, 4096, mem) == 0,
	       "slot_ends_at_gpa_limit", "2^%u", bits);
	result(slot(vm, 1, limit, 4096, mem) == -ERANGE, "slot_past_gpa_limit_erange",
	       "2^%u", bits);
	result(slot(vm, 0, 0, 0, NULL) == 0 && slot(vm, 1, limit - 4096, 8192, mem) == -ERANGE,
	       "slot_across_gpa_limit_erange", "2^%u", bits);
	/* Beyond 5-level tables and any physical address width (52 bits). */
	result(slot(vm, 1, (1ULL << 57) - 4096, 8192, mem) == -ERANGE,
	       "slot_past_any_tables_erange", NULL);
	close(vm);
	munmap(mem, 2 * 4096);
}

/*
 * A VM without any memory: the vCPU's first fetch, at the reset vector
 * 0xfffffff0, reaches no slot, and nothing can be decoded there. That is a
 * defined exit, VMM_EXIT_INTERNAL_ERROR with the address, each time.
 */
static void test_run_without_memory(int dev)
{
	struct vmm_create_vm cv = { 0 };
	struct vmm_run *run;
	int vm, vcpu, ret[2], i;

	vm = ioctl(dev, VMM_CREATE_VM, &cv);
	vcpu = create_vcpu(vm, 0);
	run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (vm < 0 || vcpu < 0 || run == MAP_FAILED) {
		result(0, "run_without_memory_setup", "vm %d vcpu %d errno %d", vm, vcpu, errno);
		return;
	}
	for (i = 0; i < 2; i++) {
		ret[i] = ioctl(vcpu, VMM_RUN, 0) < 0 ? -errno : 0;
		if (ret[i] || run->exit_reason != VMM_EXIT_INTERNAL_ERROR ||
		    run->hw.qualification != 0xfffffff0)
			break;
	}
	result(i == 2, "run_without_memory", "run %d: ret=%d reason=%u address %#llx", i,
	       ret[i < 2 ? i : 1], run->exit_reason, (unsigned long long)run->hw.qualification);
	munmap(run, 4096);
	close(vcpu);
	close(vm);
}

/*
 * mov dx, 0x3f8; mov al, 'h'; out dx, al; in al, dx; out 0xf4, al;
 * mov eax, 0; cpuid; mov ecx, 0x12345678 (unknown MSR); ... then vmmcall;
 * out 0xf4, al (rax after the call); hlt
 */
static const unsigned char io_code[] = {
	0xba, 0xf8, 0x03,		/* mov dx, 0x3f8 */
	0xb0, 'h',			/* mov al, 'h' */
	0xee,				/* out dx, al */
	0xec,				/* in al, dx */
	0xe6, 0xf4,			/* out 0xf4, al */
	0x66, 0x31, 0xc0,		/* xor eax, eax */
	0x0f, 0xa2,			/* cpuid */
	0x66, 0x89, 0xd8,		/* mov eax, ebx */
	0xe6, 0xf5,			/* out 0xf5, al ('G'/'A' of the vendor) */
	0x66, 0xb8, 0x01, 0x00, 0x00, 0x00, /* mov eax, 1 */
	0x66, 0xbb, 0x28, 0x00, 0x00, 0x00, /* mov ebx, 40 */
	0x0f, 0x01, 0xd9,		/* vmmcall (vmcall on Intel: 0f 01 c1) */
	0xe6, 0xf6,			/* out 0xf6, al (hypercall result) */
	0xf4,				/* hlt */
};

static unsigned int vendor(int dev);

static void test_io_guest(int dev)
{
	unsigned char code[sizeof(io_code)];
	unsigned char *call;
	struct guest g;
	int ret;

	/* Each vendor's hypercall instruction; the other one raises #UD. */
	memcpy(code, io_code, sizeof(code));
	call = memmem(code, sizeof(code), "\x0f\x01\xd9", 3);
	if (vendor(dev) == VMM_VENDOR_INTEL_VMX)
		call[2] = 0xc1;
	if (guest_setup(&g, dev, code, sizeof(code))) {
		result(0, "guest_setup", "errno %d", errno);
		return;
	}
	ret = run(&g);
	result(!ret && g.run->exit_reason == VMM_EXIT_IO && g.run->io.port == 0x3f8 &&
	       g.run->io.direction == VMM_IO_OUT && g.run->io.size == 1 &&
	       g.run->io.data == 'h', "io_out", "ret=%d reason=%u port=%#x data=%#llx",
	       ret, g.run->exit_reason, g.run->io.port, (unsigned long long)g.run->io.data);
	ret = run(&g);
	result(!ret && g.run->exit_reason == VMM_EXIT_IO && g.run->io.direction == VMM_IO_IN &&
	       g.run->io.port == 0x3f8, "io_in", "reason=%u", g.run->exit_reason);
	g.run->io.data = 0x5a;
	ret = run(&g);
	result(!ret && g.run->exit_reason == VMM_EXIT_IO && g.run->io.port == 0xf4 &&
	       g.run->io.data == 0x5a, "io_in_value_reaches_guest", "data=%#llx",
	       (unsigned long long)g.run->io.data);
	ret = run(&g);
	result(!ret && g.run->io.port == 0xf5 &&
	       (g.run->io.data == 'A' || g.run->io.data == 'G'),
	       "cpuid_in_kernel", "vendor byte %#llx", (unsigned long long)g.run->io.data);
	ret = run(&g);
	result(!ret && g.run->exit_reason == VMM_EXIT_HYPERCALL && g.run->hypercall.nr == 1 &&
	       g.run->hypercall.args[0] == 40, "hypercall", "reason=%u nr=%llu arg0=%llu",
	       g.run->exit_reason, (unsigned long long)g.run->hypercall.nr,
	       (unsigned long long)g.run->hypercall.args[0]);
	g.run->hypercall.ret = 0x77;
	ret = run(&g);
	result(!ret && g.run->io.port == 0xf6 && g.run->io.data == 0x77, "hypercall_return",
	       "data=%#llx", (unsigned long long)g.run->io.data);
	ret = run(&g);
	result(!ret && g.run->exit_reason == VMM_EXIT_HLT, "hlt", "reason=%u", g.run->exit_reason);
	{
		struct vmm_regs r;

		ioctl(g.vcpu, VMM_GET_REGS, &r);
		result(r.rip == CODE + sizeof(io_code), "rip_after_hlt", "rip=%#llx",
		       (unsigned long long)r.rip);
	}
	g.run->immediate_exit = 1;
	ret = run(&g);
	result(ret == -EINTR && g.run->exit_reason == VMM_EXIT_NONE, "immediate_exit_eintr",
	       "ret=%d", ret);
	guest_teardown(&g);
}

/* ---- string I/O: INS and OUTS, REP, both directions, page crossings ---- */

#define STRIO_MAX	64

struct strio {
	unsigned char bytes[STRIO_MAX];	/* OUTS: the elements, in order */
	unsigned int nbytes;
	unsigned int counts[8];		/* elements per exit */
	unsigned int nexits;
	unsigned int size;
	int ret;
	unsigned int reason;		/* of the exit that ended it */
};

/*
 * Runs @g until it leaves the I/O exits to port 0x80/0x81, collecting what
 * OUTS hands out and answering INS with the elements 0x11, 0x22, ... (each
 * byte of an element the same).
 */
static void strio_run(struct guest *g, struct strio *st)
{
	unsigned int next = 1;

	memset(st, 0, sizeof(*st));
	for (;;) {
		const struct vmm_run *r = g->run;
		unsigned char *data;
		unsigned int i, len;

		st->ret = run(g);
		st->reason = r->exit_reason;
		if (st->ret || r->exit_reason != VMM_EXIT_IO || (r->io.port & ~1) != 0x80 ||
		    st->nexits == 8)
			return;
		st->size = r->io.size;
		st->counts[st->nexits++] = r->io.count;
		len = r->io.count * r->io.size;
		data = r->io.count == 1 ? (unsigned char *)&g->run->io.data :
					  (unsigned char *)g->run + VMM_RUN_IO_DATA;
		if (r->io.direction == VMM_IO_OUT) {
			if (st->nbytes + len > STRIO_MAX)
				return;
			memcpy(st->bytes + st->nbytes, data, len);
			st->nbytes += len;
			continue;
		}
		for (i = 0; i < len; i++)
			data[i] = (unsigned char)(0x11 * (next + i / r->io.size));
		next += r->io.count;
	}
}

static int strio_setup(struct guest *g, int dev, enum guest_mode mode, const void *code,
		       size_t len, const struct vmm_regs *set)
{
	struct vmm_regs r;

	if (guest_setup_mode(g, dev, mode, code, len) || ioctl(g->vcpu, VMM_GET_REGS, &r))
		return -1;
	r.rsi = set->rsi;
	r.rdi = set->rdi;
	r.rcx = set->rcx;
	r.rdx = set->rdx;
	return ioctl(g->vcpu, VMM_SET_REGS, &r);
}

static void test_string_io(int dev)
{
	static const unsigned char rep_outsb[] = { 0xf3, 0x6e, 0xf4 };
	static const unsigned char std_rep_outsb[] = { 0xfd, 0xf3, 0x6e, 0xfc, 0xf4 };
	static const unsigned char rep_insw[] = { 0x66, 0xf3, 0x6d, 0xf4 };
	static const unsigned char fs_outsl[] = { 0x64, 0x6f, 0xf4 };
	static const unsigned char a16_rep_outsb[] = { 0x67, 0xf3, 0x6e, 0xf4 };
	static const unsigned char gs_rep_outsb[] = { 0x65, 0xf3, 0x6e, 0xf4 };
	static const unsigned char ins_expect[] = { 0x11, 0x11, 0x22, 0x22, 0x33, 0x33,
						    0x44, 0x44 };
	struct vmm_regs set = { .rdx = 0x80 }, r;
	struct vmm_sregs sregs;
	struct strio st;
	struct guest g;
	int ok;

	/* Up, across a page: the first exit ends at the page. */
	set.rsi = 0x2ffe;
	set.rcx = 6;
	if (strio_setup(&g, dev, GUEST_PROT, rep_outsb, sizeof(rep_outsb), &set)) {
		result(0, "string_io_setup", "errno %d", errno);
		return;
	}
	memcpy(g.mem + 0x2ffe, "ABCDEF", 6);
	strio_run(&g, &st);
	ioctl(g.vcpu, VMM_GET_REGS, &r);
	result(!st.ret && st.reason == VMM_EXIT_HLT && st.nbytes == 6 &&
	       !memcmp(st.bytes, "ABCDEF", 6) && st.nexits == 2 && st.counts[0] == 2 &&
	       st.counts[1] == 4 && r.rsi == 0x3004 && r.rcx == 0 && r.rip == CODE + 3,
	       "rep_outsb_across_a_page",
	       "ret=%d reason=%u %u exits (%u, %u) '%.*s' rsi=%#llx rcx=%#llx",
	       st.ret, st.reason, st.nexits, st.counts[0], st.counts[1], (int)st.nbytes,
	       st.bytes, (unsigned long long)r.rsi, (unsigned long long)r.rcx);
	guest_teardown(&g);

	/* Down (EFLAGS.DF), across a page. */
	set.rsi = 0x4005;
	set.rcx = 8;
	if (strio_setup(&g, dev, GUEST_PROT, std_rep_outsb, sizeof(std_rep_outsb), &set)) {
		result(0, "string_io_setup", "errno %d", errno);
		return;
	}
	memcpy(g.mem + 0x3ffe, "YZABCDEF", 8);
	strio_run(&g, &st);
	ioctl(g.vcpu, VMM_GET_REGS, &r);
	result(!st.ret && st.reason == VMM_EXIT_HLT && st.nbytes == 8 &&
	       !memcmp(st.bytes, "FEDCBAZY", 8) && st.nexits == 2 && st.counts[0] == 6 &&
	       r.rsi == 0x3ffd && r.rcx == 0 && !(r.rflags & (1 << 10)),
	       "std_rep_outsb_down_across_a_page", "ret=%d reason=%u %u exits '%.*s' rsi=%#llx",
	       st.ret, st.reason, st.nexits, (int)st.nbytes, st.bytes,
	       (unsigned long long)r.rsi);
	guest_teardown(&g);

	/* INS of words, one of them straddling two pages. */
	set.rdi = 0x5ffd;
	set.rcx = 4;
	set.rdx = 0x81;
	if (strio_setup(&g, dev, GUEST_PROT, rep_insw, sizeof(rep_insw), &set)) {
		result(0, "string_io_setup", "errno %d", errno);
		return;
	}
	strio_run(&g, &st);
	ioctl(g.vcpu, VMM_GET_REGS, &r);
	result(!st.ret && st.reason == VMM_EXIT_HLT && st.size == 2 && st.nexits == 3 &&
	       st.counts[0] == 1 && st.counts[1] == 1 && st.counts[2] == 2 &&
	       !memcmp(g.mem + 0x5ffd, ins_expect, 8) && r.rdi == 0x6005 && r.rcx == 0,
	       "rep_insw_straddling_pages", "ret=%d reason=%u %u exits (%u, %u, %u) rdi=%#llx",
	       st.ret, st.reason, st.nexits, st.counts[0], st.counts[1], st.counts[2],
	       (unsigned long long)r.rdi);
	guest_teardown(&g);

	/* A segment override, no REP: one element, in io.data. */
	set.rsi = 0x10;
	set.rdx = 0x80;
	if (strio_setup(&g, dev, GUEST_PROT, fs_outsl, sizeof(fs_outsl), &set) ||
	    ioctl(g.vcpu, VMM_GET_SREGS, &sregs)) {
		result(0, "string_io_setup", "errno %d", errno);
		return;
	}
	sregs.fs.base = 0x6000;
	ioctl(g.vcpu, VMM_SET_SREGS, &sregs);
	memcpy(g.mem + 0x6010, "\x78\x56\x34\x12", 4);
	strio_run(&g, &st);
	ioctl(g.vcpu, VMM_GET_REGS, &r);
	result(!st.ret && st.reason == VMM_EXIT_HLT && st.nexits == 1 && st.counts[0] == 1 &&
	       st.size == 4 && !memcmp(st.bytes, "\x78\x56\x34\x12", 4) && r.rsi == 0x14,
	       "outsl_fs_override", "ret=%d reason=%u %u exits size %u rsi=%#llx", st.ret,
	       st.reason, st.nexits, st.size, (unsigned long long)r.rsi);
	guest_teardown(&g);

	/* REP with a zero count: no access at all. */
	set.rsi = 0x2000;
	set.rcx = 0;
	if (strio_setup(&g, dev, GUEST_PROT, rep_outsb, sizeof(rep_outsb), &set)) {
		result(0, "string_io_setup", "errno %d", errno);
		return;
	}
	strio_run(&g, &st);
	ioctl(g.vcpu, VMM_GET_REGS, &r);
	result(!st.ret && st.reason == VMM_EXIT_HLT && !st.nexits && r.rsi == 0x2000,
	       "rep_outsb_zero_count", "ret=%d reason=%u %u exits rsi=%#llx", st.ret, st.reason,
	       st.nexits, (unsigned long long)r.rsi);
	guest_teardown(&g);

	/* 16-bit addressing in 32-bit code: SI and CX only, the rest kept. */
	set.rsi = 0x16ffe;
	set.rcx = 0x10002;
	if (strio_setup(&g, dev, GUEST_PROT, a16_rep_outsb, sizeof(a16_rep_outsb), &set)) {
		result(0, "string_io_setup", "errno %d", errno);
		return;
	}
	memcpy(g.mem + 0x6ffe, "PQ", 2);
	strio_run(&g, &st);
	ioctl(g.vcpu, VMM_GET_REGS, &r);
	result(!st.ret && st.reason == VMM_EXIT_HLT && st.nbytes == 2 &&
	       !memcmp(st.bytes, "PQ", 2) && r.rsi == 0x17000 && r.rcx == 0x10000,
	       "addr16_rep_outsb", "ret=%d reason=%u '%.*s' rsi=%#llx rcx=%#llx", st.ret,
	       st.reason, (int)st.nbytes, st.bytes, (unsigned long long)r.rsi,
	       (unsigned long long)r.rcx);
	guest_teardown(&g);

	/* 64-bit mode, paging on: GS has a base, RSI/RCX are 64 bits. */
	set.rsi = 0x20;
	set.rcx = 3;
	if (strio_setup(&g, dev, GUEST_LONG, gs_rep_outsb, sizeof(gs_rep_outsb), &set) ||
	    ioctl(g.vcpu, VMM_GET_SREGS, &sregs)) {
		result(0, "string_io_setup", "errno %d", errno);
		return;
	}
	sregs.gs.base = 0x7000;
	ioctl(g.vcpu, VMM_SET_SREGS, &sregs);
	memcpy(g.mem + 0x7020, "xyz", 3);
	strio_run(&g, &st);
	ioctl(g.vcpu, VMM_GET_REGS, &r);
	ok = !st.ret && st.reason == VMM_EXIT_HLT && st.nbytes == 3 &&
	     !memcmp(st.bytes, "xyz", 3) && r.rsi == 0x23 && r.rcx == 0;
	result(ok, "long_mode_gs_rep_outsb", "ret=%d reason=%u '%.*s' rsi=%#llx", st.ret,
	       st.reason, (int)st.nbytes, st.bytes, (unsigned long long)r.rsi);
	guest_teardown(&g);
}

/* lidt with a zero limit, then int3: #BP, #DF, triple fault. */
static const unsigned char tf_code[] = {
	0x0f, 0x01, 0x1e, 0x00, 0x11,	/* lidt [0x1100] */
	0xcc,				/* int3 */
	0xf4,
};

static void test_triple_fault(int dev)
{
	struct guest g;
	int ret;

	if (guest_setup(&g, dev, tf_code, sizeof(tf_code))) {
		result(0, "guest_setup_tf", "errno %d", errno);
		return;
	}
	memset(g.mem + 0x1100, 0, 6);
	ret = run(&g);
	result(!ret && g.run->exit_reason == VMM_EXIT_SHUTDOWN, "triple_fault_shutdown",
	       "ret=%d reason=%u hw=%#llx", ret, g.run->exit_reason,
	       (unsigned long long)g.run->hw.reason);
	guest_teardown(&g);
}

/* rdmsr of an MSR nobody has: #GP; with no IDT in real mode... use IVT. */
static const unsigned char gp_code[] = {
	0x66, 0xb9, 0x78, 0x56, 0x34, 0x12, /* mov ecx, 0x12345678 */
	0x0f, 0x32,			/* rdmsr: #GP -> IVT vector 13 */
	0xf4,
};

/* IVT entry 13 points at 0:0x1800, which does out 0xf7, al; hlt. */
static const unsigned char gp_handler[] = { 0xb0, 0x0d, 0xe6, 0xf7, 0xf4 };

static void test_msr_gp(int dev)
{
	struct guest g;
	int ret;

	if (guest_setup(&g, dev, gp_code, sizeof(gp_code))) {
		result(0, "guest_setup_gp", "errno %d", errno);
		return;
	}
	memcpy(g.mem + 0x1800, gp_handler, sizeof(gp_handler));
	g.mem[13 * 4 + 0] = 0x00;
	g.mem[13 * 4 + 1] = 0x18;
	g.mem[13 * 4 + 2] = 0;
	g.mem[13 * 4 + 3] = 0;
	ret = run(&g);
	result(!ret && g.run->exit_reason == VMM_EXIT_IO && g.run->io.port == 0xf7 &&
	       g.run->io.data == 13, "unknown_msr_gp", "reason=%u port=%#x",
	       g.run->exit_reason, g.run->io.port);
	guest_teardown(&g);
}

/*
 * The guest keeps a value in XMM0 across an exit to userspace, which
 * clobbers its own XMM0 meanwhile; each side must get its own back.
 */
static const unsigned char fpu_code[] = {
	0x66, 0xb8, 0x34, 0x12, 0x5a, 0x5a,	/* mov eax, 0x5a5a1234 */
	0x66, 0x0f, 0x6e, 0xc0,			/* movd xmm0, eax */
	0x66, 0x31, 0xc0,			/* xor eax, eax */
	0xe6, 0xf8,				/* out 0xf8, al */
	0x66, 0x0f, 0x7e, 0xc0,			/* movd eax, xmm0 */
	0x66, 0xe7, 0xf9,			/* out 0xf9, eax */
	0xf4,
};

static void test_fpu_guest(int dev)
{
	unsigned int host_xmm0 = 0;
	struct vmm_sregs sregs;
	struct guest g;
	int ret;

	if (guest_setup(&g, dev, fpu_code, sizeof(fpu_code))) {
		result(0, "guest_setup_fpu", "errno %d", errno);
		return;
	}
	/* SSE in the guest needs CR4.OSFXSR (and CR0.EM clear). */
	ioctl(g.vcpu, VMM_GET_SREGS, &sregs);
	sregs.cr4 |= 1 << 9;
	sregs.cr0 &= ~(1ULL << 2);
	ioctl(g.vcpu, VMM_SET_SREGS, &sregs);
	ret = run(&g);
	result(!ret && g.run->io.port == 0xf8, "fpu_first_exit", "port=%#x", g.run->io.port);
	asm volatile("movd %0, %%xmm0" : : "r" (0xdeadbeefu) : "xmm0");
	ret = run(&g);
	asm volatile("movd %%xmm0, %0" : "=r" (host_xmm0));
	result(!ret && g.run->io.port == 0xf9 && g.run->io.size == 4 &&
	       g.run->io.data == 0x5a5a1234, "fpu_guest_xmm_survives_exit", "data=%#llx",
	       (unsigned long long)g.run->io.data);
	result(host_xmm0 == 0xdeadbeef, "fpu_host_xmm_untouched", "%#x", host_xmm0);
	guest_teardown(&g);
}

/* CPUID leaf 0's EBX, then an absent leaf's EAX|EBX|ECX|EDX. */
static const unsigned char cpuid_code[] = {
	0x66, 0x31, 0xc0,			/* xor eax, eax */
	0x0f, 0xa2,				/* cpuid */
	0x66, 0x89, 0xd8,			/* mov eax, ebx */
	0x66, 0xe7, 0xf5,			/* out 0xf5, eax */
	0x66, 0xb8, 0x45, 0x23, 0x01, 0x00,	/* mov eax, 0x12345 */
	0x0f, 0xa2,				/* cpuid */
	0x66, 0x09, 0xd8,			/* or eax, ebx */
	0x66, 0x09, 0xc8,			/* or eax, ecx */
	0x66, 0x09, 0xd0,			/* or eax, edx */
	0x66, 0xe7, 0xf6,			/* out 0xf6, eax */
	0xf4,
};

static int set_cpuid(int vcpu, struct vmm_cpuid_entry *e, unsigned int n)
{
	struct vmm_cpuid c = { .nent = n, .entries = (unsigned long)e };

	return ioctl(vcpu, VMM_SET_CPUID, &c) < 0 ? -errno : 0;
}

static void test_cpuid_table(int dev)
{
	struct vmm_cpuid_entry e[2] = {
		{ .function = 0, .eax = 1, .ebx = 0x216d6d56 },	/* "Vmm!" */
		{ .function = 1, .eax = 0x600 },
	};
	struct guest g;
	int ret;

	if (guest_setup(&g, dev, cpuid_code, sizeof(cpuid_code))) {
		result(0, "guest_setup_cpuid", "errno %d", errno);
		return;
	}
	result(set_cpuid(g.vcpu, e, VMM_MAX_CPUID_ENTRIES + 1) == -EINVAL,
	       "cpuid_too_many_einval", NULL);
	e[1].pad = 1;
	result(set_cpuid(g.vcpu, e, 2) == -EINVAL, "cpuid_pad_einval", NULL);
	e[1].pad = 0;
	e[1].flags = 2;
	result(set_cpuid(g.vcpu, e, 2) == -EINVAL, "cpuid_flags_einval", NULL);
	e[1].flags = 0;
	result(set_cpuid(g.vcpu, e, 2) == 0, "cpuid_set", NULL);
	ret = run(&g);
	result(!ret && g.run->io.port == 0xf5 && g.run->io.data == 0x216d6d56,
	       "cpuid_table_leaf", "data=%#llx", (unsigned long long)g.run->io.data);
	ret = run(&g);
	result(!ret && g.run->io.port == 0xf6 && g.run->io.data == 0,
	       "cpuid_absent_leaf_zero", "data=%#llx", (unsigned long long)g.run->io.data);
	guest_teardown(&g);
}

/* MSRs every backend keeps for its guests (the RDMSR/WRMSR allow-list). */
#define MSR_EFER	0xc0000080
#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_KERNEL_GS	0xc0000102
#define MSR_PAT		0x277
#define MSR_SYSENTER_EIP 0x176
#define MSR_NONE	0x12345678

static int msrs(int vcpu, unsigned long cmd, struct vmm_msr_entry *e, unsigned int n)
{
	struct vmm_msrs m = { .nmsrs = n, .entries = (unsigned long)e };
	int ret = ioctl(vcpu, cmd, &m);

	return ret < 0 ? -errno : ret;
}

static unsigned long long get_msr(int vcpu, unsigned int index)
{
	struct vmm_msr_entry e = { .index = index, .data = 0xdeadbeefdeadbeefULL };

	return msrs(vcpu, VMM_GET_MSRS, &e, 1) == 1 ? e.data : 0xdeadbeefdeadbeefULL;
}

/*
 * The guest reads STAR (set through VMM_SET_MSRS) and writes LSTAR (read
 * through VMM_GET_MSRS): the intercepts and the ioctls share one list.
 */
GUEST_CODE(msr_guest, "16",
	   "mov $0xc0000081, %ecx\n"	/* STAR */
	   "rdmsr\n"
	   "out %eax, $0xf5\n"
	   "mov %edx, %eax\n"
	   "out %eax, $0xf6\n"
	   "mov $0xc0000082, %ecx\n"	/* LSTAR */
	   "mov $0x12345678, %eax\n"
	   "mov $0xffff8000, %edx\n"
	   "wrmsr\n"
	   "hlt\n");

static void test_msr_ioctls(int dev)
{
	struct vmm_msr_entry e[4];
	struct vmm_msrs m;
	struct guest g;
	int ret, i;

	if (guest_setup(&g, dev, msr_guest, msr_guest_end - msr_guest)) {
		result(0, "guest_setup_msr", "errno %d", errno);
		return;
	}
	memset(e, 0, sizeof(e));
	e[0] = (struct vmm_msr_entry){ .index = MSR_STAR, .data = 0x0023001000000000ULL };
	e[1] = (struct vmm_msr_entry){ .index = MSR_LSTAR, .data = 0xffffffff81000000ULL };
	e[2] = (struct vmm_msr_entry){ .index = MSR_PAT, .data = 0x0007010600070106ULL };
	ret = msrs(g.vcpu, VMM_SET_MSRS, e, 3);
	result(ret == 3, "msrs_set_three", "ret=%d", ret);
	memset(e, 0, sizeof(e));
	e[0].index = MSR_STAR;
	e[1].index = MSR_LSTAR;
	e[2].index = MSR_PAT;
	ret = msrs(g.vcpu, VMM_GET_MSRS, e, 3);
	result(ret == 3 && e[0].data == 0x0023001000000000ULL &&
	       e[1].data == 0xffffffff81000000ULL && e[2].data == 0x0007010600070106ULL &&
	       !e[0].pad && !e[1].pad && !e[2].pad,
	       "msrs_get_round_trip", "ret=%d star=%#llx lstar=%#llx pat=%#llx", ret,
	       (unsigned long long)e[0].data, (unsigned long long)e[1].data,
	       (unsigned long long)e[2].data);

	/* An MSR outside the list stops the list: the count says where. */
	e[0] = (struct vmm_msr_entry){ .index = MSR_KERNEL_GS, .data = 0x1000 };
	e[1] = (struct vmm_msr_entry){ .index = MSR_NONE, .data = 1 };
	e[2] = (struct vmm_msr_entry){ .index = MSR_STAR, .data = 0x77 };
	ret = msrs(g.vcpu, VMM_SET_MSRS, e, 3);
	result(ret == 1 && get_msr(g.vcpu, MSR_KERNEL_GS) == 0x1000 &&
	       get_msr(g.vcpu, MSR_STAR) == 0x0023001000000000ULL,
	       "msrs_set_stops_at_unknown_msr", "ret=%d star=%#llx", ret,
	       get_msr(g.vcpu, MSR_STAR));
	/* GET fills only what it handled; the rest is left as it was. */
	for (i = 0; i < 3; i++)
		e[i].data = 0x5555555555555555ULL;
	ret = msrs(g.vcpu, VMM_GET_MSRS, e, 3);
	result(ret == 1 && e[0].data == 0x1000 && e[1].data == 0x5555555555555555ULL &&
	       e[2].data == 0x5555555555555555ULL, "msrs_get_stops_at_unknown_msr",
	       "ret=%d data %#llx %#llx %#llx", ret, (unsigned long long)e[0].data,
	       (unsigned long long)e[1].data, (unsigned long long)e[2].data);
	e[0] = (struct vmm_msr_entry){ .index = MSR_NONE };
	ret = msrs(g.vcpu, VMM_GET_MSRS, e, 1);
	result(ret == 0, "msrs_unknown_first_returns_0", "ret=%d", ret);

	/* Values WRMSR would refuse stop the list too. */
	e[0] = (struct vmm_msr_entry){ .index = MSR_PAT, .data = 0x0007040600070402ULL };
	ret = msrs(g.vcpu, VMM_SET_MSRS, e, 1);
	result(ret == 0 && get_msr(g.vcpu, MSR_PAT) == 0x0007010600070106ULL,
	       "msrs_pat_reserved_type_refused", "ret=%d", ret);
	e[0] = (struct vmm_msr_entry){ .index = MSR_LSTAR, .data = noncanonical() };
	ret = msrs(g.vcpu, VMM_SET_MSRS, e, 1);
	result(ret == 0 && get_msr(g.vcpu, MSR_LSTAR) == 0xffffffff81000000ULL,
	       "msrs_noncanonical_refused", "ret=%d", ret);
	/* VMX would refuse the entry with it, and WRMSR raises #GP. */
	e[0] = (struct vmm_msr_entry){ .index = MSR_SYSENTER_EIP, .data = 0xffffffff81000000ULL };
	e[1] = (struct vmm_msr_entry){ .index = MSR_SYSENTER_EIP, .data = noncanonical() };
	ret = msrs(g.vcpu, VMM_SET_MSRS, e, 2);
	result(ret == 1 && get_msr(g.vcpu, MSR_SYSENTER_EIP) == 0xffffffff81000000ULL,
	       "msrs_sysenter_noncanonical_refused", "ret=%d eip=%#llx", ret,
	       get_msr(g.vcpu, MSR_SYSENTER_EIP));
	/* EFER.SVME (bit 12) is reserved for the guest on both vendors. */
	e[0] = (struct vmm_msr_entry){ .index = MSR_EFER, .data = 1ULL << 12 };
	ret = msrs(g.vcpu, VMM_SET_MSRS, e, 1);
	result(ret == 0 && get_msr(g.vcpu, MSR_EFER) == 0, "msrs_efer_reserved_refused",
	       "ret=%d efer=%#llx", ret, get_msr(g.vcpu, MSR_EFER));

	/* Malformed requests fail whole, before any MSR changes. */
	e[0] = (struct vmm_msr_entry){ .index = MSR_STAR, .data = 0x99 };
	e[1] = (struct vmm_msr_entry){ .index = MSR_LSTAR, .pad = 1 };
	ret = msrs(g.vcpu, VMM_SET_MSRS, e, 2);
	result(ret == -EINVAL && get_msr(g.vcpu, MSR_STAR) == 0x0023001000000000ULL,
	       "msrs_entry_pad_einval", "ret=%d", ret);
	memset(&m, 0, sizeof(m));
	m.nmsrs = 1;
	m.entries = (unsigned long)e;
	m.flags = 1;
	result(ioctl(g.vcpu, VMM_GET_MSRS, &m) < 0 && errno == EINVAL, "msrs_flags_einval", NULL);
	m.flags = 0;
	m.reserved[1] = 1;
	result(ioctl(g.vcpu, VMM_SET_MSRS, &m) < 0 && errno == EINVAL, "msrs_reserved_einval",
	       NULL);
	ret = msrs(g.vcpu, VMM_GET_MSRS, e, VMM_MAX_MSR_ENTRIES + 1);
	result(ret == -E2BIG, "msrs_too_many_e2big", "ret=%d", ret);
	ret = msrs(g.vcpu, VMM_GET_MSRS, (void *)8, 1);
	result(ret == -EFAULT, "msrs_bad_pointer_efault", "ret=%d", ret);
	ret = msrs(g.vcpu, VMM_SET_MSRS, NULL, 0);
	result(ret == 0, "msrs_none_returns_0", "ret=%d", ret);

	/* The guest sees what was set, and userspace what the guest wrote. */
	ret = run(&g);
	result(!ret && g.run->exit_reason == VMM_EXIT_IO && g.run->io.port == 0xf5 &&
	       g.run->io.data == 0, "msr_guest_reads_star_low", "reason=%u data=%#llx",
	       g.run->exit_reason, (unsigned long long)g.run->io.data);
	ret = run(&g);
	result(!ret && g.run->io.port == 0xf6 && g.run->io.data == 0x00230010,
	       "msr_guest_reads_star_high", "data=%#llx", (unsigned long long)g.run->io.data);
	ret = run(&g);
	result(!ret && g.run->exit_reason == VMM_EXIT_HLT &&
	       get_msr(g.vcpu, MSR_LSTAR) == 0xffff800012345678ULL,
	       "msr_guest_write_seen_by_get", "reason=%u lstar=%#llx", g.run->exit_reason,
	       get_msr(g.vcpu, MSR_LSTAR));
	guest_teardown(&g);
}

static int xsave_get(int vcpu, struct vmm_xsave *x)
{
	return ioctl(vcpu, VMM_GET_FPU, x) < 0 ? -errno : 0;
}

static int xsave_set(int vcpu, const struct vmm_xsave *x)
{
	return ioctl(vcpu, VMM_SET_FPU, x) < 0 ? -errno : 0;
}

static uint32_t xs32(const struct vmm_xsave *x, unsigned int off)
{
	uint32_t v;

	memcpy(&v, x->region + off, sizeof(v));
	return v;
}

static uint64_t xs64(const struct vmm_xsave *x, unsigned int off)
{
	uint64_t v;

	memcpy(&v, x->region + off, sizeof(v));
	return v;
}

static void xs_put32(struct vmm_xsave *x, unsigned int off, uint32_t v)
{
	memcpy(x->region + off, &v, sizeof(v));
}

static void xs_put64(struct vmm_xsave *x, unsigned int off, uint64_t v)
{
	memcpy(x->region + off, &v, sizeof(v));
}

static int all_zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* Are the reserved parts of a struct vmm_xsave zero (SDM layout, uapi)? */
static int xsave_reserved_zero(const struct vmm_xsave *x)
{
	return all_zero(x->region + 416, 512 - 416) &&
	       all_zero(x->region + VMM_XSAVE_XCOMP_BV, VMM_XSAVE_YMM_HI - VMM_XSAVE_XCOMP_BV) &&
	       all_zero(x->region + VMM_XSAVE_END, VMM_XSAVE_SIZE - VMM_XSAVE_END);
}

/*
 * XMM0 as VMM_SET_FPU left it, in two halves, and MXCSR; then a value of
 * its own in XMM2 for VMM_GET_FPU to find.
 */
GUEST_CODE(fpu_ioctl_guest, "16",
	   "movd %xmm0, %eax\n"
	   "out %eax, $0xf9\n"
	   "pshufd $0xff, %xmm0, %xmm1\n"
	   "movd %xmm1, %eax\n"
	   "out %eax, $0xfa\n"
	   "stmxcsr 0x2000\n"
	   "mov $0x13572468, %eax\n"
	   "movd %eax, %xmm2\n"
	   "hlt\n");

static void test_fpu_ioctls(int dev)
{
	struct vmm_xsave x, y;
	uint32_t mxcsr;
	struct guest g;
	unsigned int i;
	int ret;

	if (guest_setup(&g, dev, fpu_ioctl_guest, fpu_ioctl_guest_end - fpu_ioctl_guest)) {
		result(0, "guest_setup_fpu_ioctls", "errno %d", errno);
		return;
	}
	/* A fresh vCPU: the init state, reserved bytes zero (not left as they were). */
	memset(&x, 0xa5, sizeof(x));
	ret = xsave_get(g.vcpu, &x);
	result(!ret && (xs32(&x, 0) & 0xffff) == 0x37f && xs32(&x, VMM_XSAVE_MXCSR) == 0x1f80 &&
	       xs32(&x, VMM_XSAVE_MXCSR_MASK) != 0 && xsave_reserved_zero(&x),
	       "fpu_get_reset_state", "ret=%d fcw=%#x mxcsr=%#x", ret, xs32(&x, 0) & 0xffff,
	       xs32(&x, VMM_XSAVE_MXCSR));

	/* XMM0 from userspace, read by the guest. */
	for (i = 0; i < 16; i++)
		x.region[VMM_XSAVE_XMM + i] = 0x10 + i;
	xs_put64(&x, VMM_XSAVE_XSTATE_BV, xs64(&x, VMM_XSAVE_XSTATE_BV) | VMM_XFEATURE_SSE);
	xs_put32(&x, VMM_XSAVE_MXCSR, 0x9fc0);	/* FZ, DAZ, all masked */
	ret = xsave_set(g.vcpu, &x);
	result(!ret, "fpu_set", "ret=%d", ret);
	memset(&y, 0xa5, sizeof(y));
	ret = xsave_get(g.vcpu, &y);
	result(!ret && !memcmp(&x, &y, sizeof(x)), "fpu_set_get_round_trip", "ret=%d", ret);

	/* Refused whole, and nothing changed. */
	y = x;
	xs_put32(&y, VMM_XSAVE_MXCSR, 0x10000 | 0x1f80);
	result(xsave_set(g.vcpu, &y) == -EINVAL, "fpu_mxcsr_reserved_einval", NULL);
	y = x;
	xs_put64(&y, VMM_XSAVE_XSTATE_BV, 1ULL << 3);
	result(xsave_set(g.vcpu, &y) == -EINVAL, "fpu_xstate_bv_unsupported_einval", NULL);
	y = x;
	xs_put64(&y, VMM_XSAVE_XCOMP_BV, (1ULL << 63) | 3);
	result(xsave_set(g.vcpu, &y) == -EINVAL, "fpu_xcomp_bv_einval", NULL);
	y = x;
	y.region[420] = 1;
	result(xsave_set(g.vcpu, &y) == -EINVAL, "fpu_legacy_reserved_einval", NULL);
	y = x;
	y.region[4000] = 1;
	result(xsave_set(g.vcpu, &y) == -EINVAL, "fpu_tail_reserved_einval", NULL);
	result(xsave_set(g.vcpu, (void *)8) == -EFAULT, "fpu_set_efault", NULL);
	result(xsave_get(g.vcpu, (void *)8) == -EFAULT, "fpu_get_efault", NULL);
	ret = xsave_get(g.vcpu, &y);
	result(!ret && !memcmp(&x, &y, sizeof(x)), "fpu_refused_sets_change_nothing", NULL);

	ret = run(&g);
	result(!ret && g.run->exit_reason == VMM_EXIT_IO && g.run->io.port == 0xf9 &&
	       g.run->io.data == 0x13121110, "fpu_guest_reads_xmm0_low",
	       "reason=%u data=%#llx", g.run->exit_reason, (unsigned long long)g.run->io.data);
	ret = run(&g);
	result(!ret && g.run->io.port == 0xfa && g.run->io.data == 0x1f1e1d1c,
	       "fpu_guest_reads_xmm0_high", "data=%#llx", (unsigned long long)g.run->io.data);
	ret = run(&g);
	memcpy(&mxcsr, g.mem + 0x2000, sizeof(mxcsr));
	result(!ret && g.run->exit_reason == VMM_EXIT_HLT && mxcsr == 0x9fc0,
	       "fpu_guest_reads_mxcsr", "reason=%u mxcsr=%#x", g.run->exit_reason, mxcsr);
	ret = xsave_get(g.vcpu, &y);
	result(!ret && xs32(&y, VMM_XSAVE_XMM + 32) == 0x13572468 &&
	       (xs64(&y, VMM_XSAVE_XSTATE_BV) & VMM_XFEATURE_SSE) && xsave_reserved_zero(&y),
	       "fpu_get_sees_guest_xmm2", "xmm2=%#x xstate_bv=%#llx",
	       xs32(&y, VMM_XSAVE_XMM + 32), (unsigned long long)xs64(&y, VMM_XSAVE_XSTATE_BV));
	guest_teardown(&g);
}

/* XCR0 from EBX with XSETBV, then XGETBV reported with an OUT, forever. */
GUEST_CODE(xcr0_guest, "32",
	   "mov %ebx, %eax\n"
	   "xor %edx, %edx\n"
	   "xor %ecx, %ecx\n"
	   "xsetbv\n"
	   "1: xor %ecx, %ecx\n"
	   "xgetbv\n"
	   "out %eax, $0xf0\n"
	   "jmp 1b\n");

static unsigned long long host_xcr0(void)
{
	unsigned int lo, hi;

	asm volatile("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return ((unsigned long long)hi << 32) | lo;
}

static int xcr0_guest_setup(struct guest *g, int dev, unsigned long long xcr0)
{
	struct vmm_sregs sregs;
	struct vmm_regs regs;

	if (guest_setup_mode(g, dev, GUEST_PROT, xcr0_guest, xcr0_guest_end - xcr0_guest) ||
	    ioctl(g->vcpu, VMM_GET_SREGS, &sregs) || ioctl(g->vcpu, VMM_GET_REGS, &regs))
		return -1;
	sregs.cr4 |= CR4_OSXSAVE;
	regs.rbx = xcr0;
	if (ioctl(g->vcpu, VMM_SET_SREGS, &sregs) || ioctl(g->vcpu, VMM_SET_REGS, &regs))
		return -1;
	return 0;
}

/*
 * VMM_GET_XCRS reads what the guest set with XSETBV, and x87 alone for a
 * vCPU that has not run; VMM_SET_XCRS takes what XSETBV would take, and the
 * guest's next XGETBV sees it; values XSETBV refuses, and non-zero reserved
 * fields, are EINVAL. @a ran with XCR0 = 3, @b with 7.
 */
static void test_xcrs_ioctls(int dev, struct guest *a, struct guest *b)
{
	struct vmm_xcrs x, y, bad;
	struct guest fresh;
	int ret, ret_bad, ret_rsv;

	memset(&x, 0xff, sizeof(x));
	memset(&y, 0xff, sizeof(y));
	ret = ioctl(a->vcpu, VMM_GET_XCRS, &x) || ioctl(b->vcpu, VMM_GET_XCRS, &y);
	result(!ret && x.xcr0 == 3 && y.xcr0 == 7 && !x.reserved[0] && !y.reserved[6],
	       "xcrs_get_after_xsetbv", "ret=%d xcr0 %#llx %#llx", ret,
	       (unsigned long long)x.xcr0, (unsigned long long)y.xcr0);
	if (xcr0_guest_setup(&fresh, dev, 7)) {
		result(0, "guest_setup_xcr0", "errno %d", errno);
		return;
	}
	ret = ioctl(fresh.vcpu, VMM_GET_XCRS, &x);
	result(!ret && x.xcr0 == 1, "xcrs_get_after_reset", "ret=%d xcr0=%#llx", ret,
	       (unsigned long long)x.xcr0);
	guest_teardown(&fresh);

	memset(&bad, 0, sizeof(bad));
	bad.xcr0 = 5;			/* AVX without SSE */
	ret_bad = ioctl(a->vcpu, VMM_SET_XCRS, &bad) ? errno : 0;
	bad.xcr0 = 7;
	bad.reserved[3] = 1;
	ret_rsv = ioctl(a->vcpu, VMM_SET_XCRS, &bad) ? errno : 0;
	ret = ioctl(a->vcpu, VMM_GET_XCRS, &y);
	memset(&x, 0, sizeof(x));
	x.xcr0 = 7;
	if (!ret)
		ret = ioctl(a->vcpu, VMM_SET_XCRS, &x) ? errno : 0;
	result(ret_bad == EINVAL && ret_rsv == EINVAL && y.xcr0 == 3 && !ret, "xcrs_set_checked",
	       "avx without sse: %d, reserved: %d, then xcr0 %#llx, valid: %d", ret_bad,
	       ret_rsv, (unsigned long long)y.xcr0, ret);
	ret = run(a);
	result(!ret && a->run->exit_reason == VMM_EXIT_IO && a->run->io.data == 7,
	       "xcrs_set_seen_by_guest", "ret=%d reason=%u xgetbv=%#llx", ret,
	       a->run->exit_reason, (unsigned long long)a->run->io.data);
}

/*
 * Each vCPU has its own XCR0, set by its XSETBV, and the host gets its own
 * back after every exit: two guests with different values, run in turn,
 * each read their own, and this process reads the host's in between. An
 * XCR0 that XSETBV refuses is a #GP (here a triple fault: no IDT).
 */
static void test_xcr0(int dev)
{
	unsigned long long host = 0, want[2] = { 3, 7 };
	struct guest g[2];
	int i, n, ok = 1, ret = 0;

	if (!host_has_avx()) {
		printf("RESULT SKIP run xcr0_per_vcpu the host has no AVX in XCR0\n");
		return;
	}
	host = host_xcr0();
	for (i = 0; i < 2; i++) {
		if (xcr0_guest_setup(&g[i], dev, want[i])) {
			result(0, "guest_setup_xcr0", "errno %d", errno);
			return;
		}
	}
	for (n = 0; n < 20 && ok; n++) {
		for (i = 0; i < 2 && ok; i++) {
			ret = run(&g[i]);
			ok = !ret && g[i].run->exit_reason == VMM_EXIT_IO &&
			     g[i].run->io.port == 0xf0 && g[i].run->io.data == want[i] &&
			     host_xcr0() == host;
		}
	}
	result(ok, "xcr0_per_vcpu",
	       "round %d vcpu %d: ret=%d reason=%u xcr0=%#llx host=%#llx (was %#llx)",
	       n, i - 1, ret, g[i - 1].run->exit_reason,
	       (unsigned long long)g[i - 1].run->io.data, host_xcr0(), host);
	test_xcrs_ioctls(dev, &g[0], &g[1]);
	guest_teardown(&g[0]);
	guest_teardown(&g[1]);

	/* x87|AVX without SSE. */
	if (xcr0_guest_setup(&g[0], dev, 5)) {
		result(0, "guest_setup_xcr0", "errno %d", errno);
		return;
	}
	ret = run(&g[0]);
	result(!ret && g[0].run->exit_reason == VMM_EXIT_SHUTDOWN && host_xcr0() == host,
	       "xcr0_invalid_value_faults", "ret=%d reason=%u", ret, g[0].run->exit_reason);
	guest_teardown(&g[0]);
}

static unsigned int vendor(int dev)
{
	struct vmm_caps caps;

	memset(&caps, 0, sizeof(caps));
	return ioctl(dev, VMM_GET_CAPS, &caps) ? 0 : caps.vendor;
}

/* The hardware's reason for a refused entry: SVM VMEXIT_INVALID, VMX 33. */
static int entry_refused(int dev, const struct vmm_run *r)
{
	if (r->exit_reason != VMM_EXIT_FAIL_ENTRY)
		return 0;
	if (vendor(dev) == VMM_VENDOR_AMD_SVM)
		return r->hw.reason == ~0ULL;
	return (r->hw.reason & 0xffff) == 33;	/* invalid guest state */
}

GUEST_CODE(out_hlt, "16",
	   "out %al, $0xf0\n"
	   "hlt\n");

/*
 * Guest state the hardware refuses at entry: VMM_EXIT_FAIL_ENTRY with the
 * hardware's reason, the state reading back as it was set (not as the
 * failed entry may have left it), and the vCPU running once it is fixed.
 */
static void fail_entry_case(int dev, struct guest *g, const char *name,
			    const struct vmm_sregs *good, const struct vmm_sregs *bad)
{
	struct vmm_sregs s;
	struct vmm_regs r;
	char n[64];
	int ret;

	ioctl(g->vcpu, VMM_SET_SREGS, bad);
	ret = run(g);
	snprintf(n, sizeof(n), "%s_fail_entry", name);
	result(!ret && entry_refused(dev, g->run), n, "ret=%d reason=%u hw=%#llx", ret,
	       g->run->exit_reason, (unsigned long long)g->run->hw.reason);
	memset(&s, 0, sizeof(s));
	ioctl(g->vcpu, VMM_GET_SREGS, &s);
	ioctl(g->vcpu, VMM_GET_REGS, &r);
	snprintf(n, sizeof(n), "%s_state_kept", name);
	result(s.cr0 == bad->cr0 && s.cr4 == bad->cr4 && s.efer == bad->efer &&
	       s.cr3 == bad->cr3 && s.cs.base == bad->cs.base &&
	       s.gdt.base == bad->gdt.base && r.rip == CODE && r.rsp == STACK_TOP,
	       n, "cr0=%#llx cr3=%#llx cr4=%#llx efer=%#llx gdt=%#llx rip=%#llx rsp=%#llx",
	       (unsigned long long)s.cr0, (unsigned long long)s.cr3,
	       (unsigned long long)s.cr4, (unsigned long long)s.efer,
	       (unsigned long long)s.gdt.base, (unsigned long long)r.rip,
	       (unsigned long long)r.rsp);
	ioctl(g->vcpu, VMM_SET_SREGS, good);
	ret = run(g);
	snprintf(n, sizeof(n), "%s_runs_once_fixed", name);
	result(!ret && g->run->exit_reason == VMM_EXIT_IO && g->run->io.port == 0xf0, n,
	       "ret=%d reason=%u", ret, g->run->exit_reason);
}

static void test_fail_entry(int dev)
{
	struct vmm_sregs good, bad;
	struct vmm_regs regs;
	struct guest g;

	if (guest_setup(&g, dev, out_hlt, out_hlt_end - out_hlt) ||
	    ioctl(g.vcpu, VMM_GET_SREGS, &good) || ioctl(g.vcpu, VMM_GET_REGS, &regs)) {
		result(0, "guest_setup_fail_entry", "errno %d", errno);
		return;
	}
	/* EFER.LME with CR0.PG and without CR4.PAE: illegal on both vendors. */
	bad = good;
	bad.cr0 |= CR0_PE | CR0_PG;
	bad.cr4 &= ~CR4_PAE;
	bad.efer |= EFER_LME;
	fail_entry_case(dev, &g, "lme_pg_without_pae", &good, &bad);
	ioctl(g.vcpu, VMM_SET_REGS, &regs);

	/*
	 * CR0.NW without CR0.CD: VMRUN refuses it (APM "Canonicalization and
	 * Consistency Checks"); VM entry on VMX does not check it.
	 */
	if (vendor(dev) == VMM_VENDOR_AMD_SVM) {
		bad = good;
		bad.cr0 = (bad.cr0 & ~CR0_CD) | CR0_NW;
		fail_entry_case(dev, &g, "cr0_nw_without_cd", &good, &bad);
	} else {
		printf("RESULT SKIP run cr0_nw_without_cd VMX entry does not check CR0.NW/CD\n");
	}
	guest_teardown(&g);
}

/*
 * ud2 at CODE; the IVT (page 0) and the stack (page 7) are first touched
 * by the #UD's delivery itself, so the exits for those pages come in the
 * middle of delivering it, and the backend injects the event again. A
 * lost #UD would recur when ud2 runs again, so this cannot tell a lost one
 * from a re-injected one; it checks that delivery across fault-ins ends in
 * the handler exactly once, with the faulting IP.
 */
GUEST_CODE(ud_guest, "16",
	   "ud2\n"
	   "hlt\n"
	   ".skip 13, 0x90\n"		/* the handler at CODE + 0x10 */
	   "pop %ax\n"
	   "out %ax, $0xf0\n"
	   "hlt\n");

static void test_event_during_delivery(int dev)
{
	struct guest g;
	int ret;

	if (guest_setup(&g, dev, ud_guest, ud_guest_end - ud_guest)) {
		result(0, "guest_setup_event_delivery", "errno %d", errno);
		return;
	}
	/* IVT entry 6: CODE + 0x10, segment 0. */
	*(unsigned short *)(g.mem + 6 * 4) = CODE + 0x10;
	*(unsigned short *)(g.mem + 6 * 4 + 2) = 0;
	ret = run(&g);
	result(!ret && g.run->exit_reason == VMM_EXIT_IO && g.run->io.port == 0xf0 &&
	       g.run->io.data == CODE, "exception_delivered_across_fault_in",
	       "ret=%d reason=%u port=%#x ip=%#llx", ret, g.run->exit_reason,
	       g.run->io.port, (unsigned long long)g.run->io.data);
	guest_teardown(&g);
}

/* Reads CODE's first word, writes 0x1234 at 0x3000, reports both. */
GUEST_CODE(mem_guest, "16",
	   "mov (0x1000), %ax\n"
	   "out %ax, $0xf0\n"
	   "movw $0x1234, (0x3000)\n"
	   "out %al, $0xf1\n"
	   "hlt\n");

/* Runs mem_guest on @mem (already holding it at CODE): 0 if all went right. */
static int mem_guest_run(int dev, void *mem, size_t size, const char *what)
{
	struct vmm_create_vm cv = { 0 };
	struct guest g;
	char n[64];
	int ret, ok;

	memset(&g, 0, sizeof(g));
	g.run = MAP_FAILED;
	g.mem = NULL;		/* not ours to unmap */
	g.vcpu = -1;
	g.vm = ioctl(dev, VMM_CREATE_VM, &cv);
	ret = g.vm < 0 ? -errno : slot(g.vm, 0, 0, size, mem);
	snprintf(n, sizeof(n), "%s_slot", what);
	result(!ret, n, "ret=%d", ret);
	if (ret)
		goto out;
	g.mem = mem;
	ret = vcpu_setup(&g, 0, GUEST_REAL, mem_guest, mem_guest_end - mem_guest);
	g.mem = NULL;
	if (ret)
		goto out;
	ret = run(&g);
	snprintf(n, sizeof(n), "%s_guest_reads", what);
	ok = !ret && g.run->exit_reason == VMM_EXIT_IO && g.run->io.port == 0xf0 &&
	     g.run->io.data == (unsigned int)(mem_guest[0] | mem_guest[1] << 8);
	result(ok, n, "ret=%d reason=%u data=%#llx", ret, g.run->exit_reason,
	       (unsigned long long)g.run->io.data);
	ret = run(&g);
	snprintf(n, sizeof(n), "%s_guest_writes", what);
	ok = !ret && g.run->io.port == 0xf1 && ((unsigned char *)mem)[0x3000] == 0x34 &&
	     ((unsigned char *)mem)[0x3001] == 0x12;
	result(ok, n, "ret=%d byte %#x", ret, ((unsigned char *)mem)[0x3000]);
	ret = ok ? 0 : -1;
out:
	guest_teardown(&g);
	return ret;
}

/*
 * Slots backed by a memfd (shmem) and by hugetlbfs pages, not only by
 * anonymous memory: the guest's stores must reach the file, read back
 * through the descriptor.
 */
static void test_slot_backings(int dev)
{
	const size_t huge = 2 << 20;
	unsigned short word = 0;
	char nr[32] = "";
	void *mem;
	int fd, sys;

	fd = memfd_create("vmm-guest", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, MEM_SIZE)) {
		result(0, "memfd_create", "errno %d", errno);
	} else {
		mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (mem == MAP_FAILED) {
			result(0, "memfd_mmap", "errno %d", errno);
		} else {
			if (!mem_guest_run(dev, mem, MEM_SIZE, "memfd")) {
				ssize_t n = pread(fd, &word, 2, 0x3000);

				result(n == 2 && word == 0x1234, "memfd_store_in_file",
				       "read %zd: %#x", n, word);
			}
			munmap(mem, MEM_SIZE);
		}
	}
	if (fd >= 0)
		close(fd);

	/* One 2 MiB page; reserve it if the pool is empty, as root may. */
	sys = open("/proc/sys/vm/nr_hugepages", O_RDWR | O_CLOEXEC);
	if (sys >= 0 && read(sys, nr, sizeof(nr) - 1) > 0 && atoi(nr) == 0)
		(void)!pwrite(sys, "2\n", 2, 0);
	mem = mmap(NULL, huge, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (mem == MAP_FAILED) {
		printf("RESULT SKIP run hugetlbfs_slot no 2 MiB hugetlbfs page: %s\n",
		       strerror(errno));
	} else {
		mem_guest_run(dev, mem, huge, "hugetlbfs");
		munmap(mem, huge);
	}
	if (sys >= 0) {
		if (atoi(nr) == 0)
			(void)!pwrite(sys, "0\n", 2, 0);
		close(sys);
	}
}

/*
 * Stores to guest-physical 0x80000 forever, with no exit; or, where such a
 * guest cannot run (guest.h), with a CPUID handled in the kernel in each
 * round.
 */
GUEST_CODE(store_loop, "16",
	   "mov $0x8000, %ax\n"
	   "mov %ax, %ds\n"
	   "xor %ax, %ax\n"
	   "1: mov %ax, (0)\n"
	   "inc %ax\n"
	   "jmp 1b\n");

GUEST_CODE(store_cpuid_loop, "16",
	   "mov $0x8000, %ax\n"
	   "mov %ax, %ds\n"
	   "xor %ax, %ax\n"
	   "1: mov %ax, (0)\n"
	   "inc %ax\n"
	   "push %ax\n"
	   "cpuid\n"
	   "pop %ax\n"
	   "jmp 1b\n");

static void *run_thread(void *arg)
{
	struct guest *g = arg;

	return (void *)(long)run(g);
}

/*
 * Deleting a slot while a vCPU keeps writing to it: the vCPU must be made to
 * exit and flush its TLB before the pages are let go, after which its next
 * store is an MMIO exit at the old slot's address. Were the pages unpinned
 * first, the guest could go on writing them through its TLB.
 */
static void test_slot_delete_while_running(int dev)
{
	unsigned short *seen;
	struct guest g;
	pthread_t t;
	void *ret;

	int setup = spinning_guests_ok() ?
		    guest_setup(&g, dev, store_loop, store_loop_end - store_loop) :
		    guest_setup(&g, dev, store_cpuid_loop, store_cpuid_loop_end - store_cpuid_loop);

	if (setup ||
	    slot(g.vm, 0, 0, 0x80000, g.mem) ||
	    slot(g.vm, 1, 0x80000, 0x1000, g.mem + 0x80000)) {
		result(0, "guest_setup_slot_delete", "errno %d", errno);
		return;
	}
	seen = (unsigned short *)(g.mem + 0x80000);
	*seen = 0;
	if (pthread_create(&t, NULL, run_thread, &g)) {
		result(0, "slot_delete_thread", NULL);
		return;
	}
	/* The guest's stores show up in our memory: it is running. */
	while (__atomic_load_n(seen, __ATOMIC_RELAXED) < 100)
		;
	result(slot(g.vm, 1, 0x80000, 0, NULL) == 0, "slot_delete_while_running", NULL);
	pthread_join(t, &ret);
	result(!ret && g.run->exit_reason == VMM_EXIT_MMIO && g.run->mmio.gpa == 0x80000 &&
	       g.run->mmio.is_write && g.run->mmio.len == 2,
	       "running_vcpu_sees_slot_gone", "ret=%ld reason=%u gpa=%#llx",
	       (long)ret, g.run->exit_reason, (unsigned long long)g.run->mmio.gpa);
	guest_teardown(&g);
}

int main(void)
{
	int dev = open("/dev/vmm", O_RDWR | O_CLOEXEC);

	if (dev < 0) {
		perror("/dev/vmm");
		return 100;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	{
		/* Both backends have vCPUs: without one nothing here can run. */
		struct vmm_create_vm cv = {};
		int vm = ioctl(dev, VMM_CREATE_VM, &cv);
		int vcpu = create_vcpu(vm, 0);

		close(vm);
		if (vcpu < 0) {
			printf("RESULT FAIL run vcpu_create VMM_CREATE_VCPU: %s\n",
			       strerror(-vcpu));
			return 1;
		}
		close(vcpu);
	}
	test_slots(dev);
	test_slot_gpa_limit(dev);
	test_run_without_memory(dev);
	test_io_guest(dev);
	test_string_io(dev);
	test_triple_fault(dev);
	test_msr_gp(dev);
	test_fpu_guest(dev);
	test_cpuid_table(dev);
	test_msr_ioctls(dev);
	test_fpu_ioctls(dev);
	test_xcr0(dev);
	test_fail_entry(dev);
	test_slot_backings(dev);
	test_event_during_delivery(dev);
	test_slot_delete_while_running(dev);
	close(dev);
	return result_status();
}
