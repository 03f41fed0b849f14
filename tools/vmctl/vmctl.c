// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmctl: drive /dev/vmm (and, for comparison, /dev/kvm) from the command line,
 * and run guest images on either.
 * See Documentation/vmctl.rst.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"

const char *progname = "vmctl";

static const char usage[] =
	"usage: vmctl [--help] COMMAND [ARGS]\n"
	"\n"
	"commands:\n"
	"  info [--backend vmm|kvm]     show what the hypervisor and the CPU can do\n"
	"  probe [--backend vmm|kvm] [-- CMD [ARGS]]\n"
	"                               create a VM (kvm: and run a tiny guest);\n"
	"                               with CMD, run it while the VM exists and\n"
	"                               exit with its status\n"
	"  run [OPTIONS] IMAGE          run a guest image with a UART on stdin/stdout\n"
	"  run [OPTIONS] --kernel BZIMAGE [--initrd FILE] [--append CMDLINE]\n"
	"                               boot Linux on a small PC (ACPI, I/O APIC,\n"
	"                               PIT, RTC, UART with interrupts); needs a\n"
	"                               backend with an in-kernel local APIC\n"
	"\n"
	"run options:\n"
	"  --backend vmm|kvm            the hypervisor (default vmm)\n"
	"  --mem SIZE                   guest RAM at address 0, K/M/G suffixes\n"
	"                               (default 64M, at most 3G)\n"
	"  --format auto|flat|elf|multiboot\n"
	"                               image format (default auto: multiboot header,\n"
	"                               else ELF magic, else flat)\n"
	"  --mode real|prot|long        flat images: the CPU mode (default real)\n"
	"  --load ADDR                  flat images: load address (default 0x7c00 in\n"
	"                               real mode, 0x100000 otherwise)\n"
	"  --entry ADDR                 flat images: entry point (default ADDR)\n"
	"  --cmdline S                  multiboot: the kernel command line\n"
	"  --module FILE[,CMDLINE]      multiboot: a boot module (up to 16)\n"
	"  --stats                      exit counts on stderr at the end\n"
	"  --trace                      each exit on stderr\n"
	"  --resume-on-hlt              HLT resumes the guest at once instead of\n"
	"                               ending the run\n"
	"  --samples FILE               32-bit OUTs to port 0xf0 are written to FILE,\n"
	"                               one decimal number per line (tools/bench)\n"
	"  --thp                        guest RAM 2 MiB aligned, with transparent\n"
	"                               huge pages (madvise MADV_HUGEPAGE)\n"
	"  --pc                         IMAGE on the PC of --kernel: local APIC in\n"
	"                               the hypervisor, I/O APIC, PIT, UART with\n"
	"                               interrupts, ACPI tables at 0xe0000\n"
	"  --smp N                      --kernel or --pc: N vCPUs (1-64, default 1),\n"
	"                               one thread each; the MADT lists them all\n"
	"\n"
	"devices: 16550 UART at 0x3f8, debug exit at port 0xf4 (a write of V ends\n"
	"the run with status (V << 1) | 1), MMIO scratch at 0xfeb00000-0xfeb00fff\n"
	"\n"
	"exit status: 0 success (run: the guest halted), 1 the operation failed,\n"
	"2 bad usage or bad image, 4 guest shutdown (triple fault), 6 VM entry\n"
	"failed, 8 hypervisor internal error or unknown exit, odd values from the\n"
	"debug-exit port, 130/143 stopped by SIGINT/SIGTERM (--kernel: Ctrl-A x\n"
	"on a terminal too); --kernel: 0 the guest powered off, 10 it reset\n";

void die_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "%s: %s", progname, msg);
	if (arg)
		fprintf(stderr, " '%s'", arg);
	fprintf(stderr, "\nTry 'vmctl --help'.\n");
	exit(EXIT_USAGE);
}

static const struct { int err; const char *name; } errno_names[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" },
	{ EIO, "EIO" }, { ENXIO, "ENXIO" }, { EBADF, "EBADF" },
	{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
	{ EINVAL, "EINVAL" }, { ENOTTY, "ENOTTY" }, { ENOSPC, "ENOSPC" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
	{ ESHUTDOWN, "ESHUTDOWN" },
};

const char *errno_name(int err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return "E?";
}

/* Prints "vmctl: WHAT: message (ENAME)": tests match on the errno name. */
void warn_errno(const char *what)
{
	int err = errno;

	fprintf(stderr, "%s: %s: %s (%s)\n", progname, what, strerror(err),
		errno_name(err));
	errno = err;
}

int parse_backend(const char *s, enum backend *b)
{
	if (!strcmp(s, "vmm"))
		*b = BACKEND_VMM;
	else if (!strcmp(s, "kvm"))
		*b = BACKEND_KVM;
	else
		return -1;
	return 0;
}

const char *backend_name(enum backend b)
{
	return b == BACKEND_KVM ? "kvm" : "vmm";
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die_usage("missing command", NULL);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(argv[1], "probe"))
		return cmd_probe(argc - 1, argv + 1);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	die_usage("unknown command", argv[1]);
}
