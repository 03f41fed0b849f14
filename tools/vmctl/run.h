/* SPDX-License-Identifier: GPL-2.0-only */
/* vmctl run: the run loop (run.c) and what it does with exits (exit.c). */
#ifndef VMCTL_RUN_H
#define VMCTL_RUN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "backend.h"
#include "devices.h"
#include "pc/pc.h"

struct linux_boot;

/*
 * The hypercall ABI of vmctl run (VMCALL on Intel, VMMCALL on AMD): rax is
 * the number, the result comes back in rax.
 */
#define VMCTL_HC_ADD		0x564d4d00	/* "VMM\0": returns rbx + rcx */
#define VMCTL_HC_ENOSYS		(-1000)		/* unknown number, as kvm's -KVM_ENOSYS */

/*
 * With --samples: 32-bit OUTs to this port are measurements a guest took of
 * itself (tools/bench), kept in order and written to the file at the end.
 */
#define VMCTL_SAMPLE_PORT	0xf0

/*
 * One vCPU of the run, on its own thread (vCPU 0 on vmctl's main thread),
 * and what only that thread touches.
 */
struct run_vcpu {
	struct run_ctx *ctx;
	struct vmctl_vcpu *vcpu;
	pthread_t thread;
	atomic_bool started;		/* thread is running it */
	int status;			/* the exit status, if it ends the run */
	uint64_t nr_exits[VMCTL_EXIT_NR_KINDS];
};

/*
 * What the vCPUs share. The PC locks its own state (pc->lock); the rest
 * that exits change is under lock.
 */
struct run_ctx {
	const struct vmctl_backend_ops *ops;
	struct run_vcpu *vcpus;
	unsigned int nr_vcpus;		/* --smp */
	struct pc *pc;			/* --kernel: the PC, tried before dev */
	const struct linux_boot *lb;	/* --kernel: the image, loaded in ram */
	unsigned char *ram;
	bool trace, stats;
	bool resume_on_hlt;		/* --resume-on-hlt */

	/* The first vCPU to end the run sets it, and its status is the run's. */
	atomic_bool stopping;
	int status;

	pthread_mutex_t lock;		/* what follows */
	struct devices dev;

	/* --samples: what the guest wrote to VMCTL_SAMPLE_PORT. */
	uint32_t *samples;
	size_t nr_samples, max_samples;
	bool record_samples;
	bool samples_lost;		/* out of memory: the file would be partial */

	uint64_t (*io_counts)[2];	/* [port][enum vmctl_io_dir], with --stats */
	uint64_t mmio_test_accesses;
};

enum exit_action { EXIT_RESUME, EXIT_STOP };

/* exit.c */
enum exit_action handle_exit(struct run_vcpu *rv, struct vmctl_exit *exit);
void report_stop(struct run_vcpu *rv, const struct vmctl_exit *exit);
void print_stats(const struct run_ctx *ctx);

#endif
