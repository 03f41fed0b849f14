// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmctl probe: create a VM and, optionally, run a command while it exists.
 * The lab's coexistence tests nest these to hold a VM on one hypervisor while
 * trying the other.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmctl.h"

static int vmm_create_vm(int *vm_fd)
{
	struct vmm_create_vm args;
	int fd;

	fd = open("/dev/vmm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		warn_errno("/dev/vmm");
		return -1;
	}
	memset(&args, 0, sizeof(args));
	*vm_fd = ioctl(fd, VMM_CREATE_VM, &args);
	if (*vm_fd < 0)
		warn_errno("vmm: VMM_CREATE_VM");
	close(fd);
	return *vm_fd < 0 ? -1 : 0;
}

/* Runs argv, returns its exit status (or 1 if it could not run). */
static int run_while_held(char **argv)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		warn_errno("fork");
		return EXIT_FAIL;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		warn_errno(argv[0]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		warn_errno("waitpid");
		return EXIT_FAIL;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int cmd_probe(int argc, char **argv)
{
	enum backend b = BACKEND_VMM;
	char **cmd = NULL;
	int i, vm_fd, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--backend") && i + 1 < argc) {
			if (parse_backend(argv[++i], &b))
				die_usage("unknown backend", argv[i]);
			continue;
		}
		if (strcmp(argv[i], "--"))
			die_usage("probe: unexpected argument", argv[i]);
		if (i + 1 == argc)
			die_usage("probe: '--' needs a command", NULL);
		cmd = &argv[i + 1];
		break;
	}

	ret = b == BACKEND_KVM ? kvm_create_vm_and_run(&vm_fd) :
				 vmm_create_vm(&vm_fd);
	if (ret)
		return EXIT_FAIL;
	printf("vmctl: %s VM created\n", backend_name(b));
	ret = cmd ? run_while_held(cmd) : EXIT_OK;
	close(vm_fd);
	return ret;
}
