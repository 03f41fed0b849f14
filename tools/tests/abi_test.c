// SPDX-License-Identifier: GPL-2.0-only
/*
 * abi_test: /dev/vmm's ioctls from userspace, run inside the lab machines.
 * Every check prints "RESULT PASS|FAIL abi <name> [detail]"; the exit status
 * is the number of failures (capped).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi/vmm.h"

#define RESULT_SUITE "abi"
#include "result.h"

#define VIRT_STATE "/sys/kernel/debug/vmm/virt"

/* Expect ioctl(fd, cmd, arg) to fail with @err. */
static void expect_errno(const char *name, int fd, unsigned long cmd, void *arg,
			 int err)
{
	int ret = ioctl(fd, cmd, arg);
	int got = ret < 0 ? errno : 0;

	result(ret < 0 && got == err, name, "ret=%d errno=%d want=%d", ret, got, err);
}

static int open_dev(void)
{
	int fd = open("/dev/vmm", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("/dev/vmm");
		exit(100);
	}
	return fd;
}

static int create_vm(int dev)
{
	struct vmm_create_vm args;

	memset(&args, 0, sizeof(args));
	return ioctl(dev, VMM_CREATE_VM, &args);
}

/* Reads the debugfs virt state: users, and how many CPUs are on/off. */
static int virt_state(unsigned int *users, unsigned int *on, unsigned int *off)
{
	char line[128];
	FILE *f = fopen(VIRT_STATE, "r");

	if (!f)
		return -1;
	*users = *on = *off = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "users %u", users) == 1)
			continue;
		if (!strncmp(line, "cpu", 3)) {
			if (strstr(line, " on"))
				(*on)++;
			else
				(*off)++;
		}
	}
	fclose(f);
	return 0;
}

static void expect_virt(const char *name, unsigned int users, int all_on)
{
	unsigned int u, on, off;

	if (virt_state(&u, &on, &off)) {
		result(0, name, "cannot read %s", VIRT_STATE);
		return;
	}
	result(u == users && (all_on ? off == 0 && on > 0 : on == 0), name,
	       "users=%u on=%u off=%u", u, on, off);
}

static void test_dev_ioctls(int dev)
{
	struct vmm_caps caps;
	struct vmm_create_vm cv;
	unsigned int i;
	int ret, zero;

	ret = ioctl(dev, VMM_GET_API_VERSION, 0);
	result(ret == VMM_API_VERSION, "api_version", "%d", ret);
	expect_errno("api_version_nonzero_arg", dev, VMM_GET_API_VERSION,
		     (void *)1, EINVAL);
	expect_errno("unknown_ioctl_enotty", dev, _IO(VMMIO, 0x7f), NULL, ENOTTY);
	expect_errno("foreign_ioctl_enotty", dev, _IO(0xAE, 0x01), NULL, ENOTTY);

	memset(&caps, 0xff, sizeof(caps));
	caps.flags = 0;
	memset(caps.reserved, 0, sizeof(caps.reserved));
	ret = ioctl(dev, VMM_GET_CAPS, &caps);
	zero = 1;
	for (i = 0; i < 8; i++)
		zero &= caps.reserved[i] == 0;
	result(ret == 0 && (caps.vendor == VMM_VENDOR_INTEL_VMX ||
			    caps.vendor == VMM_VENDOR_AMD_SVM) && zero,
	       "get_caps", "ret=%d vendor=%u features=%#llx", ret, caps.vendor,
	       (unsigned long long)caps.features);
	result(ret == 0 && caps.nr_cpus == (unsigned int)sysconf(_SC_NPROCESSORS_ONLN),
	       "get_caps_nr_cpus", "%u", caps.nr_cpus);
	result(ret == 0 && caps.phys_addr_bits >= 32 && caps.phys_addr_bits <= 52,
	       "get_caps_phys_bits", "%u", caps.phys_addr_bits);
	result(ret == 0 && (caps.features & VMM_FEAT_TDP), "get_caps_has_tdp",
	       "features=%#llx", (unsigned long long)caps.features);

	memset(&caps, 0, sizeof(caps));
	caps.flags = 1;
	expect_errno("get_caps_flags_einval", dev, VMM_GET_CAPS, &caps, EINVAL);
	memset(&caps, 0, sizeof(caps));
	caps.reserved[7] = 1;
	expect_errno("get_caps_reserved_einval", dev, VMM_GET_CAPS, &caps, EINVAL);
	expect_errno("get_caps_efault", dev, VMM_GET_CAPS, (void *)8, EFAULT);

	memset(&cv, 0, sizeof(cv));
	cv.flags = 1;
	expect_errno("create_vm_flags_einval", dev, VMM_CREATE_VM, &cv, EINVAL);
	memset(&cv, 0, sizeof(cv));
	cv.pad = 1;
	expect_errno("create_vm_pad_einval", dev, VMM_CREATE_VM, &cv, EINVAL);
	memset(&cv, 0, sizeof(cv));
	cv.reserved[2] = 1;
	expect_errno("create_vm_reserved_einval", dev, VMM_CREATE_VM, &cv, EINVAL);
	expect_errno("create_vm_efault", dev, VMM_CREATE_VM, NULL, EFAULT);
	/* None of the failed creations may have left the hardware on. */
	expect_virt("failed_creates_leave_virt_off", 0, 0);
}

static void test_vm_lifecycle(int dev)
{
	struct vmm_caps caps;
	int vm, vms[64];
	unsigned int i, n;
	pid_t pid;
	int status;

	expect_virt("virt_off_without_vms", 0, 0);
	vm = create_vm(dev);
	result(vm >= 0, "create_vm", "fd=%d errno=%d", vm, vm < 0 ? errno : 0);
	if (vm < 0)
		return;
	expect_virt("virt_on_every_cpu_with_vm", 1, 1);
	expect_errno("vm_unknown_ioctl_enotty", vm, _IO(VMMIO, 0x7f), NULL, ENOTTY);
	memset(&caps, 0, sizeof(caps));
	expect_errno("dev_ioctl_on_vm_fd_enotty", vm, VMM_GET_CAPS, &caps, ENOTTY);
	{
		/* vCPU ioctls are not the VM's, whatever their argument. */
		struct vmm_msrs m;

		memset(&m, 0, sizeof(m));
		expect_errno("vcpu_msrs_on_vm_fd_enotty", vm, VMM_GET_MSRS, &m, ENOTTY);
		expect_errno("vcpu_fpu_on_vm_fd_enotty", vm, VMM_GET_FPU, NULL, ENOTTY);
		expect_errno("vcpu_fpu_on_dev_fd_enotty", dev, VMM_SET_FPU, NULL, ENOTTY);
		expect_errno("vcpu_xcrs_on_vm_fd_enotty", vm, VMM_GET_XCRS, NULL, ENOTTY);
		expect_errno("vcpu_xcrs_on_dev_fd_enotty", dev, VMM_SET_XCRS, NULL, ENOTTY);
	}
	close(vm);
	expect_virt("virt_off_after_last_vm", 0, 0);

	for (n = 0; n < 64; n++) {
		vms[n] = create_vm(dev);
		if (vms[n] < 0)
			break;
	}
	result(n == 64, "create_64_vms", "created %u", n);
	expect_virt("virt_users_count_vms", n, 1);
	for (i = 0; i < n; i++)
		close(vms[i]);
	expect_virt("virt_off_after_64_vms", 0, 0);

	/* A VM outlives the /dev/vmm fd that made it. */
	{
		int dev2 = open_dev();

		vm = create_vm(dev2);
		close(dev2);
		result(vm >= 0, "vm_outlives_dev_fd", "fd=%d", vm);
		expect_virt("virt_on_after_dev_closed", 1, 1);
		/*
		 * A forked child shares the VM: the parent's close is not the
		 * last reference. The child waits on a pipe until told to go.
		 */
		int go[2];
		char c;

		if (pipe(go))
			return;
		pid = fork();
		if (pid == 0) {
			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(1);
			_exit(0);
		}
		close(go[0]);
		close(vm);
		expect_virt("vm_shared_with_child_stays", 1, 1);
		close(go[1]);
		waitpid(pid, &status, 0);
		expect_virt("virt_off_after_fork_and_closes", 0, 0);
	}
}

int main(void)
{
	int dev = open_dev();

	setvbuf(stdout, NULL, _IOLBF, 0);
	test_dev_ioctls(dev);
	test_vm_lifecycle(dev);
	close(dev);
	return result_status();
}
