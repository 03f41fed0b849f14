/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef VMCTL_H
#define VMCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "uapi/vmm.h"

enum backend { BACKEND_VMM, BACKEND_KVM };

/* Exit statuses, documented in Documentation/vmctl.rst. */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* the operation failed (errno printed) */
#define EXIT_USAGE	2	/* bad command line or bad input (run: the image) */
/* run: how the guest ended; the debug-exit port gives odd statuses. */
#define EXIT_SHUTDOWN		4	/* triple fault */
#define EXIT_ENTRY_FAILED	6	/* the hardware refused the guest state */
#define EXIT_INTERNAL		8	/* hypervisor internal error, unknown exit */
#define EXIT_RESET		10	/* --kernel: the guest reset the PC (reboot) */
#define EXIT_SIGNAL_BASE	128	/* + SIGINT or SIGTERM */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(n)		(1U << (n))
#define BIT_ULL(n)	(1ULL << (n))

extern const char *progname;

/* Prints "vmctl: MSG[ 'ARG']" and a hint, exits with EXIT_USAGE. */
noreturn void die_usage(const char *msg, const char *arg);
void warn_errno(const char *what);
const char *errno_name(int err);
int parse_backend(const char *s, enum backend *b);
const char *backend_name(enum backend b);

/* info.c */
int cmd_info(int argc, char **argv);

/* probe.c */
int cmd_probe(int argc, char **argv);

/* run.c */
int cmd_run(int argc, char **argv);

/* backend_kvm.c: info and probe through /dev/kvm, our comparison. */
int kvm_create_vm_and_run(int *vm_fd);
int kvm_print_info(void);

#endif
