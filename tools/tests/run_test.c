// SPDX-License-Identifier: GPL-2.0-only
/*
 * run_test: memory slots, vCPUs and VMM_RUN from userspace, with tiny
 * real-mode guests assembled here as bytes. Run inside the lab machines on
 * backends that support vCPUs. Prints "RESULT PASS|FAIL run <name> [detail]";
 * the exit status is the number of failures (capped at 99), 100 if /dev/vmm
 * cannot be used.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi/vmm.h"

#define RESULT_SUITE "run"
#include "result.h"

#define MEM_SIZE	0x100000
#define CODE		0x1000

struct guest {
	int vm, vcpu;
	unsigned char *mem;
	struct vmm_run *run;
};

static int slot(int vm, unsigned int n, unsigned long long gpa,
		unsigned long long size, void *host)
{
	struct vmm_memory_slot s = {
		.slot = n, .guest_phys_addr = gpa, .size = size,
		.userspace_addr = (unsigned long)host,
	};

	return ioctl(vm, VMM_SET_MEMORY_SLOT, &s) < 0 ? -errno : 0;
}

static int create_vcpu(int vm, unsigned int id)
{
	struct vmm_create_vcpu c = { .id = id };
	int fd = ioctl(vm, VMM_CREATE_VCPU, &c);

	return fd < 0 ? -errno : fd;
}

/* A VM with 1 MiB at 0, one vCPU in real mode at 0:CODE running @code. */
static int guest_setup(struct guest *g, int dev, const void *code, size_t len)
{
	struct vmm_create_vm cv = {};
	struct vmm_sregs sregs;
	struct vmm_regs regs;

	g->vm = ioctl(dev, VMM_CREATE_VM, &cv);
	if (g->vm < 0)
		return -1;
	g->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->mem == MAP_FAILED || slot(g->vm, 0, 0, MEM_SIZE, g->mem))
		return -1;
	memcpy(g->mem + CODE, code, len);
	g->vcpu = create_vcpu(g->vm, 0);
	if (g->vcpu < 0)
		return -1;
	g->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu, 0);
	if (g->run == MAP_FAILED)
		return -1;
	if (ioctl(g->vcpu, VMM_GET_SREGS, &sregs) < 0)
		return -1;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(g->vcpu, VMM_SET_SREGS, &sregs) < 0)
		return -1;
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE;
	regs.rflags = 2;
	regs.rsp = 0x8000;
	return ioctl(g->vcpu, VMM_SET_REGS, &regs);
}

static void guest_teardown(struct guest *g)
{
	munmap(g->run, 4096);
	close(g->vcpu);
	close(g->vm);
	munmap(g->mem, MEM_SIZE);
}

static int run(struct guest *g)
{
	return ioctl(g->vcpu, VMM_RUN, 0) < 0 ? -errno : 0;
}

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
	0x0f, 0x01, 0xd9,		/* vmmcall */
	0xe6, 0xf6,			/* out 0xf6, al (hypercall result) */
	0xf4,				/* hlt */
};

static void test_io_guest(int dev)
{
	struct guest g;
	int ret;

	if (guest_setup(&g, dev, io_code, sizeof(io_code))) {
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

/*
 * mov ax, 0x8000; mov ds, ax; xor ax, ax;
 * again: mov [0], ax; inc ax; jmp again -- stores to guest-physical 0x80000
 * forever, with no exit.
 */
static const unsigned char store_loop[] = {
	0xb8, 0x00, 0x80, 0x8e, 0xd8, 0x31, 0xc0,
	0x89, 0x06, 0x00, 0x00, 0x40, 0xeb, 0xf9,
};

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

	if (guest_setup(&g, dev, store_loop, sizeof(store_loop)) ||
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
		/* Backends without vCPUs yet say so precisely. */
		struct vmm_create_vm cv = {};
		int vm = ioctl(dev, VMM_CREATE_VM, &cv);
		int vcpu = create_vcpu(vm, 0);

		close(vm);
		if (vcpu == -EOPNOTSUPP) {
			printf("RESULT SKIP run guests vCPUs not implemented on this backend\n");
			return 0;
		}
		close(vcpu);
	}
	test_slots(dev);
	test_io_guest(dev);
	test_triple_fault(dev);
	test_msr_gp(dev);
	test_fpu_guest(dev);
	test_cpuid_table(dev);
	test_slot_delete_while_running(dev);
	close(dev);
	return result_status();
}
