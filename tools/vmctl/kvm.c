// SPDX-License-Identifier: GPL-2.0-only
/*
 * The /dev/kvm side of vmctl: the comparison baseline and the other party in
 * coexistence tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmctl.h"

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
