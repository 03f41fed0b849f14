// SPDX-License-Identifier: GPL-2.0-only
/*
 * The /dev/kvm side of vmctl: the comparison baseline, the other party in
 * coexistence tests (info, probe), and the first backend of vmctl run.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend.h"

#define vmctl_be_regs struct kvm_regs
#include "backend_regs.h"

#define GUEST_BASE	0x1000
#define PROBE_PORT	0x80
#define PROBE_VALUE	0x42

/* mov al, 0x42; out 0x80, al; hlt -- real mode, loaded at 0:0x1000. */
static const unsigned char probe_code[] = { 0xb0, PROBE_VALUE, 0xe6, PROBE_PORT, 0xf4 };

static int kvm_open(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		warn_errno("/dev/kvm");
	return fd;
}

/* One real-mode guest round trip: proves the VM can really use the CPU. */
static int kvm_run_probe(int kvm, int vm)
{
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	int vcpu, run_size, ret = -1;
	void *mem;

	mem = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		warn_errno("mmap");
		return -1;
	}
	memcpy((char *)mem + GUEST_BASE, probe_code, sizeof(probe_code));
	region = (struct kvm_userspace_memory_region){
		.memory_size = 0x2000,
		.userspace_addr = (unsigned long)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		warn_errno("kvm: KVM_SET_USER_MEMORY_REGION");
		goto out_mem;
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		warn_errno("kvm: KVM_CREATE_VCPU");
		goto out_mem;
	}
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED) {
		warn_errno("mmap kvm_run");
		goto out_vcpu;
	}
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) {
		warn_errno("kvm: KVM_GET_SREGS");
		goto out_run;
	}
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0) {
		warn_errno("kvm: KVM_SET_SREGS");
		goto out_run;
	}
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_BASE;
	regs.rflags = 2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0) {
		warn_errno("kvm: KVM_SET_REGS");
		goto out_run;
	}
	if (ioctl(vcpu, KVM_RUN, 0) < 0) {
		warn_errno("kvm: KVM_RUN");
		goto out_run;
	}
	if (run->exit_reason != KVM_EXIT_IO || run->io.port != PROBE_PORT ||
	    *((unsigned char *)run + run->io.data_offset) != PROBE_VALUE) {
		fprintf(stderr, "%s: kvm: probe guest: unexpected exit %u\n",
			progname, run->exit_reason);
		goto out_run;
	}
	ret = 0;
out_run:
	munmap(run, run_size);
out_vcpu:
	close(vcpu);
out_mem:
	munmap(mem, 0x2000);
	return ret;
}

int kvm_create_vm_and_run(int *vm_fd)
{
	int kvm, vm;

	kvm = kvm_open();
	if (kvm < 0)
		return -1;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		warn_errno("kvm: KVM_CREATE_VM");
		close(kvm);
		return -1;
	}
	if (kvm_run_probe(kvm, vm)) {
		close(vm);
		close(kvm);
		return -1;
	}
	close(kvm);
	*vm_fd = vm;
	return 0;
}

int kvm_print_info(void)
{
	static const struct { int cap; const char *name; } caps[] = {
		{ KVM_CAP_NR_VCPUS, "recommended vCPUs" },
		{ KVM_CAP_MAX_VCPUS, "max vCPUs" },
		{ KVM_CAP_NR_MEMSLOTS, "memory slots" },
	};
	unsigned int i;
	int kvm, v;

	kvm = kvm_open();
	if (kvm < 0)
		return EXIT_FAIL;
	v = ioctl(kvm, KVM_GET_API_VERSION, 0);
	printf("kvm API version %d\n", v);
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		v = ioctl(kvm, KVM_CHECK_EXTENSION, caps[i].cap);
		printf("%-18s %d\n", caps[i].name, v);
	}
	close(kvm);
	return EXIT_OK;
}

/* --- vmctl run: the backend ops ----------------------------------------- */

/*
 * kvm keeps three pages of its own in guest-physical space on Intel (the real
 * mode TSS, then the identity page table below it at 0xfffbc000). These are
 * the addresses QEMU uses, above any RAM vmctl gives a guest.
 */
#define KVM_TSS_ADDR	0xfffbd000

struct kvm_be_vm {
	struct vmctl_vm vm;
	int sys_fd;		/* /dev/kvm */
	int fd;
	int run_size;
	unsigned int nr_slots;
	bool immediate_exit;	/* KVM_CAP_IMMEDIATE_EXIT */
	bool tsc_deadline;	/* an irqchip with KVM_CAP_TSC_DEADLINE_TIMER */
};

struct kvm_be_vcpu {
	struct vmctl_vcpu vcpu;
	int fd;
	struct kvm_run *run;
	bool mmio_read_pending;	/* the last exit was an MMIO read */
	bool hypercall_pending;	/* the last exit was a hypercall */
};

static struct kvm_be_vm *to_kvm_vm(struct vmctl_vm *vm)
{
	return container_of(vm, struct kvm_be_vm, vm);
}

static struct kvm_be_vcpu *to_kvm_vcpu(struct vmctl_vcpu *vcpu)
{
	return container_of(vcpu, struct kvm_be_vcpu, vcpu);
}

/*
 * kvm answers VMCALL/VMMCALL itself, and passes a hypercall on to userspace
 * only where userspace asks for its number with KVM_CAP_EXIT_HYPERCALL; the
 * only number it allows that for is KVM_HC_MAP_GPA_RANGE (SEV's page state
 * changes). Asking for it lets a guest reach vmctl's hypercall handler under
 * kvm too (tools/bench times that round trip); other numbers stay kvm's.
 * Kernels without the capability just keep answering in the kernel.
 */
static void kvm_enable_hypercall_exit(struct kvm_be_vm *kvm)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_EXIT_HYPERCALL,
		.args[0] = BIT_ULL(KVM_HC_MAP_GPA_RANGE),
	};
	int mask = ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_EXIT_HYPERCALL);

	if (mask <= 0 || !(mask & BIT(KVM_HC_MAP_GPA_RANGE)))
		return;
	if (ioctl(kvm->fd, KVM_ENABLE_CAP, &cap) < 0)
		warn_errno("kvm: KVM_ENABLE_CAP KVM_CAP_EXIT_HYPERCALL");
}

static struct vmctl_vm *kvm_be_create_vm(void)
{
	struct kvm_be_vm *kvm;

	kvm = calloc(1, sizeof(*kvm));
	if (!kvm) {
		warn_errno("calloc");
		return NULL;
	}
	kvm->vm.ops = &kvm_backend_ops;
	kvm->sys_fd = kvm_open();
	if (kvm->sys_fd < 0)
		goto err_free;
	kvm->run_size = ioctl(kvm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (kvm->run_size < (int)sizeof(struct kvm_run)) {
		warn_errno("kvm: KVM_GET_VCPU_MMAP_SIZE");
		goto err_sys;
	}
	kvm->immediate_exit = ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION,
				    KVM_CAP_IMMEDIATE_EXIT) > 0;
	kvm->fd = ioctl(kvm->sys_fd, KVM_CREATE_VM, 0);
	if (kvm->fd < 0) {
		warn_errno("kvm: KVM_CREATE_VM");
		goto err_sys;
	}
	/*
	 * kvm-intel needs the TSS page to run real mode on CPUs without
	 * unrestricted guest, and wants it set before the first vCPU;
	 * kvm-amd accepts and ignores it, so no vendor check is needed.
	 */
	if (ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_TSS_ADDR) > 0 &&
	    ioctl(kvm->fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0) {
		warn_errno("kvm: KVM_SET_TSS_ADDR");
		goto err_vm;
	}
	kvm_enable_hypercall_exit(kvm);
	return &kvm->vm;

err_vm:
	close(kvm->fd);
err_sys:
	close(kvm->sys_fd);
err_free:
	free(kvm);
	return NULL;
}

static void kvm_be_destroy_vm(struct vmctl_vm *vm)
{
	struct kvm_be_vm *kvm = to_kvm_vm(vm);

	close(kvm->fd);
	close(kvm->sys_fd);
	free(kvm);
}

static int kvm_be_add_memory(struct vmctl_vm *vm, uint64_t gpa, uint64_t size, void *host)
{
	struct kvm_be_vm *kvm = to_kvm_vm(vm);
	struct kvm_userspace_memory_region region = {
		.slot = kvm->nr_slots,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	if (ioctl(kvm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		warn_errno("kvm: KVM_SET_USER_MEMORY_REGION");
		return -1;
	}
	kvm->nr_slots++;
	return 0;
}

/* kvm answers E2BIG until the table is large enough: grow and retry. */
static int kvm_be_supported_cpuid(struct vmctl_vm *vm, struct vmctl_cpuid_entry **entries,
				  unsigned int *nr)
{
	struct kvm_be_vm *kvm = to_kvm_vm(vm);
	struct vmctl_cpuid_entry *out;
	struct kvm_cpuid2 *cpuid;
	unsigned int n, i;

	for (n = 64; ; n *= 2) {
		cpuid = calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
		if (!cpuid) {
			warn_errno("calloc");
			return -1;
		}
		cpuid->nent = n;
		if (ioctl(kvm->sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			break;
		free(cpuid);
		if (errno != E2BIG || n >= 4096) {
			warn_errno("kvm: KVM_GET_SUPPORTED_CPUID");
			return -1;
		}
	}
	out = calloc(cpuid->nent ? cpuid->nent : 1, sizeof(*out));
	if (!out) {
		warn_errno("calloc");
		free(cpuid);
		return -1;
	}
	for (i = 0; i < cpuid->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		out[i] = (struct vmctl_cpuid_entry){
			.function = e->function,
			.index = e->index,
			.flags = e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX ?
				 VMCTL_CPUID_INDEXED : 0,
			.eax = e->eax, .ebx = e->ebx, .ecx = e->ecx, .edx = e->edx,
		};
	}
	/*
	 * kvm emulates the TSC-deadline timer in its local APIC but leaves
	 * the CPUID bit to userspace (QEMU sets it too); without it the LVT
	 * timer refuses the mode. vmm's table has it with the irqchip.
	 */
	for (i = 0; i < cpuid->nent && kvm->tsc_deadline; i++) {
		if (out[i].function == 1)
			out[i].ecx |= 1u << 24;
	}
	*entries = out;
	*nr = cpuid->nent;
	free(cpuid);
	return 0;
}

/*
 * The PC the vmm backend presents (the module's msr.c), so that a guest sees
 * the same machine under both: four machine-check banks with every error
 * type enabled (kvm's default before KVM_X86_SETUP_MCE is 32 banks, all
 * disabled); on Intel IA32_MISC_ENABLE with fast strings on, as firmware
 * leaves it; on AMD HWCR's TscFreqSel, which reads 1 on every CPU since
 * family 10h. kvm accepts that bit from 6.7 on; an older kvm refuses it
 * and its guests read 0 (Linux then logs a firmware bug when the TSC is
 * invariant), which is not worth failing the vCPU for.
 */
#define PC_MC_BANKS		4
#define MSR_MISC_ENABLE		0x1a0
#define MISC_ENABLE_PC		0x1801	/* fast strings; no BTS, no PEBS */
#define MSR_AMD_HWCR		0xc0010015
#define HWCR_TSC_FREQ_SEL	BIT_ULL(24)

static int kvm_be_set_msr(int fd, uint32_t index, uint64_t data)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry entry;
	} msrs = { .hdr.nmsrs = 1, .entry.index = index, .entry.data = data };

	return ioctl(fd, KVM_SET_MSRS, &msrs) == 1 ? 0 : -1;
}

static int kvm_be_pc_msrs(int fd)
{
	uint64_t mcg_cap = PC_MC_BANKS;
	unsigned int eax, ebx, ecx, edx;

	if (ioctl(fd, KVM_X86_SETUP_MCE, &mcg_cap) < 0) {
		warn_errno("kvm: KVM_X86_SETUP_MCE");
		return -1;
	}
	__cpuid(0, eax, ebx, ecx, edx);
	if (ebx == 0x756e6547 &&		/* "Genu"ineIntel */
	    kvm_be_set_msr(fd, MSR_MISC_ENABLE, MISC_ENABLE_PC)) {
		fprintf(stderr, "%s: kvm: KVM_SET_MSRS refused IA32_MISC_ENABLE\n", progname);
		return -1;
	}
	if (ebx == 0x68747541)			/* "Auth"enticAMD */
		kvm_be_set_msr(fd, MSR_AMD_HWCR, HWCR_TSC_FREQ_SEL);
	return 0;
}

static struct vmctl_vcpu *kvm_be_create_vcpu(struct vmctl_vm *vm, unsigned int id)
{
	struct kvm_be_vm *kvm = to_kvm_vm(vm);
	struct kvm_be_vcpu *vc;

	vc = calloc(1, sizeof(*vc));
	if (!vc) {
		warn_errno("calloc");
		return NULL;
	}
	vc->vcpu.vm = vm;
	vc->vcpu.id = id;
	vc->fd = ioctl(kvm->fd, KVM_CREATE_VCPU, id);
	if (vc->fd < 0) {
		warn_errno("kvm: KVM_CREATE_VCPU");
		goto err_free;
	}
	if (kvm_be_pc_msrs(vc->fd))
		goto err_close;
	vc->run = mmap(NULL, kvm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vc->fd, 0);
	if (vc->run == MAP_FAILED) {
		warn_errno("mmap kvm_run");
		goto err_close;
	}
	return &vc->vcpu;

err_close:
	close(vc->fd);
err_free:
	free(vc);
	return NULL;
}

static void kvm_be_destroy_vcpu(struct vmctl_vcpu *vcpu)
{
	struct kvm_be_vcpu *vc = to_kvm_vcpu(vcpu);

	munmap(vc->run, to_kvm_vm(vcpu->vm)->run_size);
	close(vc->fd);
	free(vc);
}

static int kvm_be_set_cpuid(struct vmctl_vcpu *vcpu, const struct vmctl_cpuid_entry *entries,
			    unsigned int nr)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int i;
	int ret;

	cpuid = calloc(1, sizeof(*cpuid) + nr * sizeof(cpuid->entries[0]));
	if (!cpuid) {
		warn_errno("calloc");
		return -1;
	}
	cpuid->nent = nr;
	for (i = 0; i < nr; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		e->function = entries[i].function;
		e->index = entries[i].index;
		e->flags = entries[i].flags & VMCTL_CPUID_INDEXED ?
			   KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
		e->eax = entries[i].eax;
		e->ebx = entries[i].ebx;
		e->ecx = entries[i].ecx;
		e->edx = entries[i].edx;
	}
	ret = ioctl(to_kvm_vcpu(vcpu)->fd, KVM_SET_CPUID2, cpuid);
	if (ret < 0)
		warn_errno("kvm: KVM_SET_CPUID2");
	free(cpuid);
	return ret < 0 ? -1 : 0;
}

static int kvm_be_get_regs(struct vmctl_vcpu *vcpu, struct vmctl_regs *r)
{
	struct kvm_regs k;

	if (ioctl(to_kvm_vcpu(vcpu)->fd, KVM_GET_REGS, &k) < 0) {
		warn_errno("kvm: KVM_GET_REGS");
		return -1;
	}
	regs_from_be(r, &k);
	return 0;
}

static int kvm_be_set_regs(struct vmctl_vcpu *vcpu, const struct vmctl_regs *r)
{
	struct kvm_regs k;

	regs_to_be(&k, r);
	if (ioctl(to_kvm_vcpu(vcpu)->fd, KVM_SET_REGS, &k) < 0) {
		warn_errno("kvm: KVM_SET_REGS");
		return -1;
	}
	return 0;
}

static void seg_from_kvm(struct vmctl_segment *s, const struct kvm_segment *k)
{
	*s = (struct vmctl_segment){
		.base = k->base, .limit = k->limit, .selector = k->selector,
		.type = k->type, .present = k->present, .dpl = k->dpl,
		.db = k->db, .s = k->s, .l = k->l, .g = k->g, .avl = k->avl,
	};
}

/* kvm marks a segment register that holds no descriptor "unusable". */
static void seg_to_kvm(struct kvm_segment *k, const struct vmctl_segment *s)
{
	*k = (struct kvm_segment){
		.base = s->base, .limit = s->limit, .selector = s->selector,
		.type = s->type, .present = s->present, .dpl = s->dpl,
		.db = s->db, .s = s->s, .l = s->l, .g = s->g, .avl = s->avl,
		.unusable = !s->present,
	};
}

static int kvm_be_get_sregs(struct vmctl_vcpu *vcpu, struct vmctl_sregs *s)
{
	struct kvm_sregs k;

	if (ioctl(to_kvm_vcpu(vcpu)->fd, KVM_GET_SREGS, &k) < 0) {
		warn_errno("kvm: KVM_GET_SREGS");
		return -1;
	}
	seg_from_kvm(&s->cs, &k.cs);
	seg_from_kvm(&s->ds, &k.ds);
	seg_from_kvm(&s->es, &k.es);
	seg_from_kvm(&s->fs, &k.fs);
	seg_from_kvm(&s->gs, &k.gs);
	seg_from_kvm(&s->ss, &k.ss);
	seg_from_kvm(&s->tr, &k.tr);
	seg_from_kvm(&s->ldtr, &k.ldt);
	s->gdt = (struct vmctl_dtable){ .base = k.gdt.base, .limit = k.gdt.limit };
	s->idt = (struct vmctl_dtable){ .base = k.idt.base, .limit = k.idt.limit };
	s->cr0 = k.cr0;
	s->cr2 = k.cr2;
	s->cr3 = k.cr3;
	s->cr4 = k.cr4;
	s->cr8 = k.cr8;
	s->efer = k.efer;
	return 0;
}

/* Read-modify-write: keeps kvm's APIC base and pending interrupt bitmap. */
static int kvm_be_set_sregs(struct vmctl_vcpu *vcpu, const struct vmctl_sregs *s)
{
	int fd = to_kvm_vcpu(vcpu)->fd;
	struct kvm_sregs k;

	if (ioctl(fd, KVM_GET_SREGS, &k) < 0) {
		warn_errno("kvm: KVM_GET_SREGS");
		return -1;
	}
	seg_to_kvm(&k.cs, &s->cs);
	seg_to_kvm(&k.ds, &s->ds);
	seg_to_kvm(&k.es, &s->es);
	seg_to_kvm(&k.fs, &s->fs);
	seg_to_kvm(&k.gs, &s->gs);
	seg_to_kvm(&k.ss, &s->ss);
	seg_to_kvm(&k.tr, &s->tr);
	seg_to_kvm(&k.ldt, &s->ldtr);
	k.gdt = (struct kvm_dtable){ .base = s->gdt.base, .limit = s->gdt.limit };
	k.idt = (struct kvm_dtable){ .base = s->idt.base, .limit = s->idt.limit };
	k.cr0 = s->cr0;
	k.cr2 = s->cr2;
	k.cr3 = s->cr3;
	k.cr4 = s->cr4;
	k.cr8 = s->cr8;
	k.efer = s->efer;
	if (ioctl(fd, KVM_SET_SREGS, &k) < 0) {
		warn_errno("kvm: KVM_SET_SREGS");
		return -1;
	}
	return 0;
}

static void kvm_exit_to_vmctl(const struct kvm_run *run, struct vmctl_exit *exit)
{
	unsigned int i;

	memset(exit, 0, sizeof(*exit));
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		exit->kind = VMCTL_EXIT_IO;
		exit->io.port = run->io.port;
		exit->io.size = run->io.size;
		exit->io.dir = run->io.direction == KVM_EXIT_IO_OUT ? VMCTL_IO_OUT : VMCTL_IO_IN;
		exit->io.count = run->io.count;
		exit->io.data = (char *)run + run->io.data_offset;
		break;
	case KVM_EXIT_MMIO:
		exit->kind = VMCTL_EXIT_MMIO;
		exit->mmio.gpa = run->mmio.phys_addr;
		exit->mmio.len = run->mmio.len;
		exit->mmio.is_write = run->mmio.is_write;
		memcpy(exit->mmio.data, run->mmio.data, sizeof(exit->mmio.data));
		break;
	case KVM_EXIT_HLT:
		exit->kind = VMCTL_EXIT_HLT;
		break;
	case KVM_EXIT_HYPERCALL:
		/* Only what kvm_run carries: no KVM_GET_REGS on this path. */
		exit->kind = VMCTL_EXIT_HYPERCALL;
		exit->hypercall.regs.rax = run->hypercall.nr;
		exit->hypercall.regs.rbx = run->hypercall.args[0];
		exit->hypercall.regs.rcx = run->hypercall.args[1];
		exit->hypercall.regs.rdx = run->hypercall.args[2];
		exit->hypercall.regs.rsi = run->hypercall.args[3];
		exit->hypercall.regs.rdi = run->hypercall.args[4];
		break;
	case KVM_EXIT_SHUTDOWN:
		exit->kind = VMCTL_EXIT_SHUTDOWN;
		break;
	case KVM_EXIT_FAIL_ENTRY:
		/* kvm passes the reason on, not the qualification. */
		exit->kind = VMCTL_EXIT_FAIL_ENTRY;
		exit->fail_entry.reason = run->fail_entry.hardware_entry_failure_reason;
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		exit->kind = VMCTL_EXIT_INTERNAL_ERROR;
		exit->internal.suberror = run->internal.suberror;
		exit->internal.ndata = run->internal.ndata;
		if (exit->internal.ndata > VMCTL_INTERNAL_DATA)
			exit->internal.ndata = VMCTL_INTERNAL_DATA;
		for (i = 0; i < exit->internal.ndata; i++)
			exit->internal.data[i] = run->internal.data[i];
		break;
	case KVM_EXIT_IOAPIC_EOI:
		exit->kind = VMCTL_EXIT_EOI;
		exit->eoi.vector = run->eoi.vector;
		break;
	case KVM_EXIT_UNKNOWN:
		exit->kind = VMCTL_EXIT_UNKNOWN;
		exit->unknown.code = run->exit_reason;
		exit->unknown.hw_reason = run->hw.hardware_exit_reason;
		break;
	default:
		exit->kind = VMCTL_EXIT_UNKNOWN;
		exit->unknown.code = run->exit_reason;
		break;
	}
}

static int kvm_be_run(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit)
{
	struct kvm_be_vcpu *vc = to_kvm_vcpu(vcpu);
	struct kvm_run *run = vc->run;

	/*
	 * kvm completes an MMIO read with the data userspace left in
	 * kvm_run; an IN's data was written in place through io.data.
	 */
	if (vc->mmio_read_pending) {
		memcpy(run->mmio.data, exit->mmio.data, sizeof(run->mmio.data));
		vc->mmio_read_pending = false;
	}
	if (vc->hypercall_pending) {
		run->hypercall.ret = exit->hypercall.regs.rax;
		vc->hypercall_pending = false;
	}
	/*
	 * An application processor waiting for its SIPI blocks in KVM_RUN
	 * until an event comes, then returns EAGAIN, whether the event
	 * started it or not: ask again, as QEMU does.
	 */
	while (ioctl(vc->fd, KVM_RUN, 0) < 0) {
		if (errno == EAGAIN)
			continue;
		if (errno != EINTR)
			warn_errno("kvm: KVM_RUN");
		run->immediate_exit = 0;
		return -1;
	}
	kvm_exit_to_vmctl(run, exit);
	vc->mmio_read_pending = exit->kind == VMCTL_EXIT_MMIO && !exit->mmio.is_write;
	vc->hypercall_pending = exit->kind == VMCTL_EXIT_HYPERCALL;
	return 0;
}

/*
 * A signal interrupts KVM_RUN with EINTR; immediate_exit also covers the
 * signal that lands just before the ioctl, which would otherwise only be
 * noticed at the guest's next exit.
 */
static void kvm_be_kick(struct vmctl_vcpu *vcpu)
{
	struct kvm_be_vcpu *vc = to_kvm_vcpu(vcpu);

	if (to_kvm_vm(vcpu->vm)->immediate_exit)
		vc->run->immediate_exit = 1;
}

/*
 * The split irqchip: kvm keeps the local APICs (timer, IPIs, EOI) and leaves
 * the I/O APIC and the PIC to userspace, which sends their interrupts as
 * MSIs. kvm computes which vectors need an EOI exit from the MSI routes of
 * the first nr_pins GSIs, hence set_irq_routes.
 */
static int kvm_be_create_irqchip(struct vmctl_vm *vm, unsigned int nr_pins)
{
	struct kvm_be_vm *kvm = to_kvm_vm(vm);
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_SPLIT_IRQCHIP,
		.args[0] = nr_pins,
	};

	if (ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_SIGNAL_MSI) <= 0 ||
	    ioctl(kvm->fd, KVM_CHECK_EXTENSION, KVM_CAP_SPLIT_IRQCHIP) <= 0) {
		fprintf(stderr, "%s: kvm: no KVM_CAP_SPLIT_IRQCHIP or KVM_CAP_SIGNAL_MSI\n",
			progname);
		errno = EOPNOTSUPP;
		return -1;
	}
	if (ioctl(kvm->fd, KVM_ENABLE_CAP, &cap) < 0) {
		warn_errno("kvm: KVM_ENABLE_CAP KVM_CAP_SPLIT_IRQCHIP");
		return -1;
	}
	kvm->tsc_deadline = ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION,
				  KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	return 0;
}

static int kvm_be_set_irq_routes(struct vmctl_vm *vm, const struct vmctl_irq_route *routes,
				 unsigned int nr)
{
	struct kvm_irq_routing *table;
	unsigned int i;
	int ret;

	table = calloc(1, sizeof(*table) + nr * sizeof(table->entries[0]));
	if (!table) {
		warn_errno("calloc");
		return -1;
	}
	table->nr = nr;
	for (i = 0; i < nr; i++) {
		struct kvm_irq_routing_entry *e = &table->entries[i];

		e->gsi = routes[i].gsi;
		e->type = KVM_IRQ_ROUTING_MSI;
		e->u.msi.address_lo = (uint32_t)routes[i].msi.address;
		e->u.msi.address_hi = routes[i].msi.address >> 32;
		e->u.msi.data = routes[i].msi.data;
	}
	ret = ioctl(to_kvm_vm(vm)->fd, KVM_SET_GSI_ROUTING, table);
	if (ret < 0)
		warn_errno("kvm: KVM_SET_GSI_ROUTING");
	free(table);
	return ret < 0 ? -1 : 0;
}

/* 0 from kvm means no APIC took it (software-disabled): not an error. */
static int kvm_be_signal_msi(struct vmctl_vm *vm, const struct vmctl_msi *msi)
{
	struct kvm_msi m = {
		.address_lo = (uint32_t)msi->address,
		.address_hi = msi->address >> 32,
		.data = msi->data,
	};

	if (ioctl(to_kvm_vm(vm)->fd, KVM_SIGNAL_MSI, &m) < 0) {
		warn_errno("kvm: KVM_SIGNAL_MSI");
		return -1;
	}
	return 0;
}

static int kvm_be_get_tsc_khz(struct vmctl_vcpu *vcpu, uint32_t *khz)
{
	int ret = ioctl(to_kvm_vcpu(vcpu)->fd, KVM_GET_TSC_KHZ, 0);

	if (ret <= 0) {
		warn_errno("kvm: KVM_GET_TSC_KHZ");
		return -1;
	}
	*khz = ret;
	return 0;
}

/* kvm's APs with an in-kernel APIC start UNINITIALIZED, INIT_RECEIVED after an INIT. */
static int kvm_be_waits_for_sipi(struct vmctl_vcpu *vcpu)
{
	struct kvm_mp_state mp;

	if (ioctl(to_kvm_vcpu(vcpu)->fd, KVM_GET_MP_STATE, &mp) < 0) {
		warn_errno("kvm: KVM_GET_MP_STATE");
		return -1;
	}
	return mp.mp_state == KVM_MP_STATE_UNINITIALIZED ||
	       mp.mp_state == KVM_MP_STATE_INIT_RECEIVED;
}

const struct vmctl_backend_ops kvm_backend_ops = {
	.name = "kvm",
	.create_vm = kvm_be_create_vm,
	.destroy_vm = kvm_be_destroy_vm,
	.add_memory = kvm_be_add_memory,
	.supported_cpuid = kvm_be_supported_cpuid,
	.create_vcpu = kvm_be_create_vcpu,
	.destroy_vcpu = kvm_be_destroy_vcpu,
	.set_cpuid = kvm_be_set_cpuid,
	.get_regs = kvm_be_get_regs,
	.set_regs = kvm_be_set_regs,
	.get_sregs = kvm_be_get_sregs,
	.set_sregs = kvm_be_set_sregs,
	.run = kvm_be_run,
	.kick = kvm_be_kick,
	.waits_for_sipi = kvm_be_waits_for_sipi,
	.create_irqchip = kvm_be_create_irqchip,
	.set_irq_routes = kvm_be_set_irq_routes,
	.signal_msi = kvm_be_signal_msi,
	.get_tsc_khz = kvm_be_get_tsc_khz,
};
