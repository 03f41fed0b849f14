// SPDX-License-Identifier: GPL-2.0-only
/* vmctl info: the capability report. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmctl.h"

static const char *const feature_names[] = {
	"tdp", "tdp-ad", "tdp-2m", "tdp-1g", "tagged-tlb", "flush-by-tag",
	"unrestricted", "next-rip", "decode-assists", "preempt-timer",
	"state-caching", "pause-filter", "apic-virt", "tdp-exec-only",
};

static const char *const vmx_raw_names[VMM_RAW_WORDS] = {
	"IA32_VMX_BASIC", "PINBASED_CTLS", "PROCBASED_CTLS", "PROCBASED_CTLS2",
	"EXIT_CTLS", "ENTRY_CTLS", "EPT_VPID_CAP", "IA32_VMX_MISC",
};

static const char *const svm_raw_names[VMM_RAW_WORDS] = {
	"CPUID 8000000A EAX", "CPUID 8000000A EBX", "CPUID 8000000A EDX",
	"VM_CR",
};

static void print_caps(const struct vmm_caps *c)
{
	const char *const *raw_names;
	unsigned int i;

	switch (c->vendor) {
	case VMM_VENDOR_INTEL_VMX:
		printf("backend:        Intel VMX\n");
		raw_names = vmx_raw_names;
		break;
	case VMM_VENDOR_AMD_SVM:
		printf("backend:        AMD SVM (revision %llu)\n",
		       (unsigned long long)c->raw[VMM_RAW_SVM_REV]);
		raw_names = svm_raw_names;
		break;
	default:
		printf("backend:        unknown (%u)\n", c->vendor);
		raw_names = NULL;
	}
	printf("features:      ");
	for (i = 0; i < ARRAY_SIZE(feature_names); i++)
		if (c->features & (1ULL << i))
			printf(" %s", feature_names[i]);
	printf("\n");
	printf("TLB tags:       %u %s\n", c->nr_tlb_tags,
	       c->vendor == VMM_VENDOR_AMD_SVM ? "ASIDs" : "VPIDs");
	printf("max VMs:        %s\n", c->max_vms ? "limited" : "no limit");
	if (c->max_vms)
		printf("                %u\n", c->max_vms);
	printf("phys addr bits: %u\n", c->phys_addr_bits);
	printf("CPUs online:    %u\n", c->nr_cpus);
	for (i = 0; raw_names && i < VMM_RAW_WORDS; i++)
		if (raw_names[i])
			printf("  %-20s 0x%016llx\n", raw_names[i],
			       (unsigned long long)c->raw[i]);
}

/* What vmm does against transient-execution attacks on this host. */
static void print_mitigations(void)
{
	char line[256];
	FILE *f = fopen("/sys/module/vmm/parameters/mitigations", "r");

	if (!f)
		return;
	if (fgets(line, sizeof(line), f))
		printf("  %-20s %s", "mitigations", line);
	fclose(f);
}

static int vmm_info(void)
{
	struct vmm_caps caps;
	int fd, version;

	fd = open("/dev/vmm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		warn_errno("/dev/vmm");
		return EXIT_FAIL;
	}
	version = ioctl(fd, VMM_GET_API_VERSION, 0);
	if (version < 0) {
		warn_errno("VMM_GET_API_VERSION");
		close(fd);
		return EXIT_FAIL;
	}
	memset(&caps, 0, sizeof(caps));
	if (ioctl(fd, VMM_GET_CAPS, &caps) < 0) {
		warn_errno("VMM_GET_CAPS");
		close(fd);
		return EXIT_FAIL;
	}
	close(fd);
	printf("vmm API version %d\n", version);
	print_caps(&caps);
	print_mitigations();
	return EXIT_OK;
}

int cmd_info(int argc, char **argv)
{
	enum backend b = BACKEND_VMM;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--backend") && i + 1 < argc) {
			if (parse_backend(argv[++i], &b))
				die_usage("unknown backend", argv[i]);
		} else {
			die_usage("info: unexpected argument", argv[i]);
		}
	}
	return b == BACKEND_KVM ? kvm_print_info() : vmm_info();
}
