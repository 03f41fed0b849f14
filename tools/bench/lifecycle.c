// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-lifecycle: times VM and vCPU creation from userspace, for make bench
 * (Documentation/bench.rst), with the clock the benchmark guests use: the
 * TSC, read with LFENCE; RDTSC. In the lab's emulators it follows the
 * instruction count, so the samples are the host's path lengths.
 *
 *   bench-lifecycle kvm|vmm vm|vcpu ITERATIONS FILE
 *
 *   vm    a VM created and destroyed (closing its fd), timed together
 *   vcpu  a vCPU created in a VM with no memory, timed alone; VMs of
 *         VCPUS_PER_VM vCPUs each, created and destroyed outside the timing
 *
 * WARMUP measurements first, unrecorded; then ITERATIONS samples, one
 * decimal number per line, in FILE. Errors are printed as
 * "bench-lifecycle: vmm: VMM_CREATE_VCPU: Operation not supported
 * (EOPNOTSUPP)", status 1; bad usage is status 2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "uapi/vmm.h"

#define WARMUP		4
#define VCPUS_PER_VM	16	/* vmm allows 64, kvm more */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *progname = "bench-lifecycle";

struct hv {
	const char *name;
	const char *dev;
	bool kvm;
	const char *create_vm_name, *create_vcpu_name;
};

static const struct hv hvs[] = {
	{ "kvm", "/dev/kvm", true, "KVM_CREATE_VM", "KVM_CREATE_VCPU" },
	{ "vmm", "/dev/vmm", false, "VMM_CREATE_VM", "VMM_CREATE_VCPU" },
};

static void warn_errno(const struct hv *hv, const char *what)
{
	int err = errno;

	fprintf(stderr, "%s: %s: %s: %s (%s)\n", progname, hv->name, what,
		strerror(err), strerrorname_np(err) ? strerrorname_np(err) : "E?");
}

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc" : "=a" (lo), "=d" (hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/* kvm takes the VM type as the argument, vmm a struct vmm_create_vm. */
static int create_vm(const struct hv *hv, int dev)
{
	struct vmm_create_vm args;

	if (hv->kvm)
		return ioctl(dev, KVM_CREATE_VM, 0);
	memset(&args, 0, sizeof(args));
	return ioctl(dev, VMM_CREATE_VM, &args);
}

static int create_vcpu(const struct hv *hv, int vm, unsigned int id)
{
	struct vmm_create_vcpu args;

	if (hv->kvm)
		return ioctl(vm, KVM_CREATE_VCPU, id);
	memset(&args, 0, sizeof(args));
	args.id = id;
	return ioctl(vm, VMM_CREATE_VCPU, &args);
}

static int time_vm(const struct hv *hv, int dev, uint64_t *out, unsigned int n)
{
	unsigned int i;
	uint64_t t0;
	int vm;

	for (i = 0; i < WARMUP + n; i++) {
		t0 = tsc();
		vm = create_vm(hv, dev);
		if (vm < 0) {
			warn_errno(hv, hv->create_vm_name);
			return -1;
		}
		close(vm);
		if (i >= WARMUP)
			out[i - WARMUP] = tsc() - t0;
	}
	return 0;
}

static int time_vcpu(const struct hv *hv, int dev, uint64_t *out, unsigned int n)
{
	int vcpus[VCPUS_PER_VM];
	unsigned int i = 0, id, nr;
	int vm, ret = 0;
	uint64_t t0, t;

	while (i < WARMUP + n && !ret) {
		vm = create_vm(hv, dev);
		if (vm < 0) {
			warn_errno(hv, hv->create_vm_name);
			return -1;
		}
		for (nr = 0, id = 0; id < VCPUS_PER_VM && i < WARMUP + n; id++, i++) {
			t0 = tsc();
			vcpus[nr] = create_vcpu(hv, vm, id);
			t = tsc() - t0;
			if (vcpus[nr] < 0) {
				warn_errno(hv, hv->create_vcpu_name);
				ret = -1;
				break;
			}
			nr++;
			if (i >= WARMUP)
				out[i - WARMUP] = t;
		}
		while (nr)
			close(vcpus[--nr]);
		close(vm);
	}
	return ret;
}

static void bad_usage(void)
{
	fprintf(stderr, "usage: %s kvm|vmm vm|vcpu ITERATIONS FILE\n", progname);
	exit(2);
}

int main(int argc, char **argv)
{
	const struct hv *hv = NULL;
	unsigned int i, n;
	uint64_t *samples;
	char *end;
	FILE *f;
	int dev, ret;

	if (argc != 5)
		bad_usage();
	for (i = 0; i < ARRAY_SIZE(hvs); i++)
		if (!strcmp(argv[1], hvs[i].name))
			hv = &hvs[i];
	n = strtoul(argv[3], &end, 10);
	if (!hv || *end || !n || n > 1000000 ||
	    (strcmp(argv[2], "vm") && strcmp(argv[2], "vcpu")))
		bad_usage();
	samples = calloc(n, sizeof(*samples));
	if (!samples) {
		perror("calloc");
		return 1;
	}
	dev = open(hv->dev, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		warn_errno(hv, hv->dev);
		return 1;
	}
	if (!strcmp(argv[2], "vm"))
		ret = time_vm(hv, dev, samples, n);
	else
		ret = time_vcpu(hv, dev, samples, n);
	close(dev);
	if (ret)
		return 1;
	f = fopen(argv[4], "w");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", progname, argv[4], strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++)
		fprintf(f, "%llu\n", (unsigned long long)samples[i]);
	if (fclose(f)) {
		fprintf(stderr, "%s: %s: %s\n", progname, argv[4], strerror(errno));
		return 1;
	}
	free(samples);
	return 0;
}
