// SPDX-License-Identifier: GPL-2.0-only
/* The backends vmctl run can use, and names for what they report. */
#include "backend.h"

const struct vmctl_backend_ops *backend_ops(enum backend b)
{
	switch (b) {
	case BACKEND_KVM:
		return &kvm_backend_ops;
	case BACKEND_VMM:
		return &vmm_backend_ops;
	}
	return NULL;
}

static const char *const exit_kind_names[VMCTL_EXIT_NR_KINDS] = {
	[VMCTL_EXIT_IO]			= "io",
	[VMCTL_EXIT_MMIO]		= "mmio",
	[VMCTL_EXIT_HLT]		= "hlt",
	[VMCTL_EXIT_HYPERCALL]		= "hypercall",
	[VMCTL_EXIT_SHUTDOWN]		= "shutdown",
	[VMCTL_EXIT_FAIL_ENTRY]		= "fail-entry",
	[VMCTL_EXIT_INTERNAL_ERROR]	= "internal-error",
	[VMCTL_EXIT_UNKNOWN]		= "unknown",
	[VMCTL_EXIT_EOI]		= "eoi",
};

const char *exit_kind_name(enum vmctl_exit_kind kind)
{
	if ((unsigned int)kind >= VMCTL_EXIT_NR_KINDS)
		return "?";
	return exit_kind_names[kind];
}
