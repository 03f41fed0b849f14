// SPDX-License-Identifier: GPL-2.0-only
/*
 * What vmctl run does with each kind of exit: one handler per kind, indexed
 * by enum vmctl_exit_kind; --trace and --stats are kept here too, next to
 * the exits they describe. Handlers run on the thread of the vCPU that
 * exited; what the vCPUs share is under ctx->lock, or the PC's own lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

/*
 * Kept in memory: the guest's next measurement may start right after.
 * Under ctx->lock.
 */
static void record_sample(struct run_ctx *ctx, uint32_t val)
{
	uint32_t *s;
	size_t max;

	if (ctx->nr_samples == ctx->max_samples) {
		max = ctx->max_samples ? 2 * ctx->max_samples : 4096;
		s = realloc(ctx->samples, max * sizeof(*s));
		if (!s) {
			ctx->record_samples = false;
			ctx->samples_lost = true;	/* run.c reports it */
			return;
		}
		ctx->samples = s;
		ctx->max_samples = max;
	}
	ctx->samples[ctx->nr_samples++] = val;
}

/*
 * The guest powered the PC off (ACPI S5) or reset it: the run ends. The
 * power state only ever leaves PC_RUNNING, so a plain read is enough.
 */
static enum exit_action pc_power_stop(struct run_vcpu *rv)
{
	bool off = rv->ctx->pc->power == PC_POWEROFF;

	fprintf(stderr, "%s: guest %s\n", progname, off ? "powered off" : "reset the machine");
	rv->status = off ? EXIT_OK : EXIT_RESET;
	return EXIT_STOP;
}

/* One element of port I/O: the PC's devices, then vmctl's own (dev). */
static enum exit_action io_element(struct run_vcpu *rv, uint16_t port, unsigned int size,
				   bool is_write, uint32_t *val)
{
	struct run_ctx *ctx = rv->ctx;
	enum exit_action action = EXIT_RESUME;

	if (ctx->pc && pc_io(ctx->pc, port, size, is_write, val)) {
		if (ctx->pc->power != PC_RUNNING)
			return pc_power_stop(rv);
		return EXIT_RESUME;
	}
	pthread_mutex_lock(&ctx->lock);
	devices_io(&ctx->dev, port, size, is_write, val);
	if (ctx->dev.exit_requested) {
		rv->status = ctx->dev.exit_status;
		action = EXIT_STOP;
	}
	pthread_mutex_unlock(&ctx->lock);
	return action;
}

static enum exit_action exit_io(struct run_vcpu *rv, struct vmctl_exit *exit)
{
	struct run_ctx *ctx = rv->ctx;
	bool is_write = exit->io.dir == VMCTL_IO_OUT;
	unsigned int size = exit->io.size, i;
	unsigned char *p = exit->io.data;

	if (size != 1 && size != 2 && size != 4)
		return EXIT_RESUME;	/* no such instruction; backends never do */
	if (ctx->io_counts || ctx->record_samples) {
		bool sample = ctx->record_samples && exit->io.port == VMCTL_SAMPLE_PORT &&
			      is_write && size == 4 && exit->io.count == 1;

		pthread_mutex_lock(&ctx->lock);
		if (ctx->io_counts)
			ctx->io_counts[exit->io.port][exit->io.dir] += exit->io.count;
		if (sample) {
			uint32_t val;

			memcpy(&val, p, 4);
			record_sample(ctx, val);
		}
		pthread_mutex_unlock(&ctx->lock);
		if (sample)
			return EXIT_RESUME;
	}
	/* INS/OUTS with REP: one access per element, in order. */
	for (i = 0; i < exit->io.count; i++, p += size) {
		uint32_t val = 0;

		memcpy(&val, p, size);
		if (io_element(rv, exit->io.port, size, is_write, &val) == EXIT_STOP)
			return EXIT_STOP;
		if (!is_write)
			memcpy(p, &val, size);
	}
	return EXIT_RESUME;
}

static enum exit_action exit_mmio(struct run_vcpu *rv, struct vmctl_exit *exit)
{
	struct run_ctx *ctx = rv->ctx;
	uint64_t gpa = exit->mmio.gpa;

	if (exit->mmio.len < 1 || exit->mmio.len > 8)
		return EXIT_RESUME;
	if (ctx->pc && pc_mmio(ctx->pc, gpa, exit->mmio.len, exit->mmio.is_write,
			       exit->mmio.data))
		return EXIT_RESUME;
	pthread_mutex_lock(&ctx->lock);
	if (gpa >= MMIO_TEST_BASE && gpa - MMIO_TEST_BASE < MMIO_TEST_SIZE)
		ctx->mmio_test_accesses++;
	devices_mmio(&ctx->dev, gpa, exit->mmio.len, exit->mmio.is_write, exit->mmio.data);
	pthread_mutex_unlock(&ctx->lock);
	return EXIT_RESUME;
}

static enum exit_action exit_hypercall(struct run_vcpu *rv, struct vmctl_exit *exit)
{
	struct vmctl_regs *r = &exit->hypercall.regs;

	(void)rv;
	if (r->rax == VMCTL_HC_ADD)
		r->rax = r->rbx + r->rcx;
	else
		r->rax = (uint64_t)(int64_t)VMCTL_HC_ENOSYS;
	return EXIT_RESUME;
}

static enum exit_action exit_hlt(struct run_vcpu *rv, struct vmctl_exit *exit)
{
	(void)exit;
	/* An immediate wake-up: the backends resume after the HLT. */
	if (rv->ctx->resume_on_hlt)
		return EXIT_RESUME;
	rv->status = EXIT_OK;
	return EXIT_STOP;
}

static enum exit_action exit_shutdown(struct run_vcpu *rv, struct vmctl_exit *exit)
{
	(void)exit;
	rv->status = EXIT_SHUTDOWN;
	return EXIT_STOP;
}

static enum exit_action exit_fail_entry(struct run_vcpu *rv, struct vmctl_exit *exit)
{
	(void)exit;
	rv->status = EXIT_ENTRY_FAILED;
	return EXIT_STOP;
}

static enum exit_action exit_internal(struct run_vcpu *rv, struct vmctl_exit *exit)
{
	(void)exit;
	rv->status = EXIT_INTERNAL;
	return EXIT_STOP;
}

/* Only with an irqchip, which the PC's I/O APIC (pc/) answers. */
static enum exit_action exit_eoi(struct run_vcpu *rv, struct vmctl_exit *exit)
{
	if (rv->ctx->pc)
		pc_eoi(rv->ctx->pc, exit->eoi.vector);
	return EXIT_RESUME;
}

static enum exit_action (*const exit_handlers[VMCTL_EXIT_NR_KINDS])(struct run_vcpu *rv,
								    struct vmctl_exit *exit) = {
	[VMCTL_EXIT_IO]			= exit_io,
	[VMCTL_EXIT_MMIO]		= exit_mmio,
	[VMCTL_EXIT_HLT]		= exit_hlt,
	[VMCTL_EXIT_HYPERCALL]		= exit_hypercall,
	[VMCTL_EXIT_SHUTDOWN]		= exit_shutdown,
	[VMCTL_EXIT_FAIL_ENTRY]		= exit_fail_entry,
	[VMCTL_EXIT_INTERNAL_ERROR]	= exit_internal,
	[VMCTL_EXIT_UNKNOWN]		= exit_internal,
	[VMCTL_EXIT_EOI]		= exit_eoi,
};

static unsigned long long mmio_value(const struct vmctl_exit *exit)
{
	unsigned long long v = 0;

	memcpy(&v, exit->mmio.data, exit->mmio.len <= 8 ? exit->mmio.len : 8);
	return v;
}

/*
 * One line per exit, after handling, so that reads show what they got;
 * with --smp, the vCPU's number first. stderr stays locked for the line,
 * so that the lines of several vCPUs do not mix.
 */
static void trace_exit(struct run_vcpu *rv, const struct vmctl_exit *exit)
{
	const struct run_ctx *ctx = rv->ctx;
	struct vmctl_regs regs;
	uint32_t val = 0;

	flockfile(stderr);
	fprintf(stderr, "%s: trace: ", progname);
	if (ctx->nr_vcpus > 1)
		fprintf(stderr, "cpu%u ", rv->vcpu->id);
	fprintf(stderr, "%-9s", exit_kind_name(exit->kind));
	if (ctx->ops->get_regs(rv->vcpu, &regs) == 0)
		fprintf(stderr, " rip %#llx", (unsigned long long)regs.rip);
	switch (exit->kind) {
	case VMCTL_EXIT_IO:
		fprintf(stderr, " %s port %#x size %u", exit->io.dir == VMCTL_IO_OUT ? "out" : "in",
			exit->io.port, exit->io.size);
		if (exit->io.count != 1) {
			fprintf(stderr, " count %u", exit->io.count);
		} else if (exit->io.size <= 4) {
			memcpy(&val, exit->io.data, exit->io.size);
			fprintf(stderr, " value %#x", val);
		}
		break;
	case VMCTL_EXIT_MMIO:
		fprintf(stderr, " %s %#llx len %u value %#llx",
			exit->mmio.is_write ? "write" : "read",
			(unsigned long long)exit->mmio.gpa, exit->mmio.len, mmio_value(exit));
		break;
	case VMCTL_EXIT_HYPERCALL:
		fprintf(stderr, " rbx %#llx rcx %#llx -> rax %#llx",
			(unsigned long long)exit->hypercall.regs.rbx,
			(unsigned long long)exit->hypercall.regs.rcx,
			(unsigned long long)exit->hypercall.regs.rax);
		break;
	case VMCTL_EXIT_FAIL_ENTRY:
		fprintf(stderr, " reason %#llx", (unsigned long long)exit->fail_entry.reason);
		break;
	case VMCTL_EXIT_INTERNAL_ERROR:
		fprintf(stderr, " suberror %u", exit->internal.suberror);
		break;
	case VMCTL_EXIT_UNKNOWN:
		fprintf(stderr, " code %llu", (unsigned long long)exit->unknown.code);
		break;
	case VMCTL_EXIT_EOI:
		fprintf(stderr, " vector %#x", exit->eoi.vector);
		break;
	default:
		break;
	}
	fputc('\n', stderr);
	funlockfile(stderr);
}

enum exit_action handle_exit(struct run_vcpu *rv, struct vmctl_exit *exit)
{
	enum exit_action action;

	if ((unsigned int)exit->kind >= VMCTL_EXIT_NR_KINDS) {
		/* A backend bug: say so rather than index out of the table. */
		exit->unknown.code = exit->kind;
		exit->kind = VMCTL_EXIT_UNKNOWN;
	}
	rv->nr_exits[exit->kind]++;
	action = exit_handlers[exit->kind](rv, exit);
	if (rv->ctx->trace)
		trace_exit(rv, exit);
	return action;
}

/* Where the guest was, for the exits that end a run unexpectedly. */
static void print_guest_state(struct run_vcpu *rv)
{
	const struct vmctl_backend_ops *ops = rv->ctx->ops;
	struct vmctl_sregs s;
	struct vmctl_regs r;

	if (ops->get_regs(rv->vcpu, &r) || ops->get_sregs(rv->vcpu, &s))
		return;
	if (rv->ctx->nr_vcpus > 1)
		fprintf(stderr, "%s: cpu%u:\n", progname, rv->vcpu->id);
	fprintf(stderr,
		"%s: rip %#llx rsp %#llx rflags %#llx cs %#x cr0 %#llx cr3 %#llx cr4 %#llx efer %#llx\n",
		progname, (unsigned long long)r.rip, (unsigned long long)r.rsp,
		(unsigned long long)r.rflags, s.cs.selector, (unsigned long long)s.cr0,
		(unsigned long long)s.cr3, (unsigned long long)s.cr4,
		(unsigned long long)s.efer);
}

void report_stop(struct run_vcpu *rv, const struct vmctl_exit *exit)
{
	const struct run_ctx *ctx = rv->ctx;
	unsigned int i;

	switch (exit->kind) {
	case VMCTL_EXIT_HLT:
		fprintf(stderr, "%s: guest halted\n", progname);
		return;
	case VMCTL_EXIT_SHUTDOWN:
		/*
		 * No state dump: after a shutdown it is undefined on AMD (the
		 * APM's "Shutdown intercept"), and kvm-amd resets the vCPU.
		 */
		fprintf(stderr, "%s: guest shutdown (triple fault)\n", progname);
		return;
	case VMCTL_EXIT_FAIL_ENTRY:
		fprintf(stderr,
			"%s: %s: VM entry failed: hardware reason %#llx, qualification %#llx\n",
			progname, ctx->ops->name, (unsigned long long)exit->fail_entry.reason,
			(unsigned long long)exit->fail_entry.qualification);
		break;
	case VMCTL_EXIT_INTERNAL_ERROR:
		fprintf(stderr, "%s: %s: internal error, suberror %u", progname, ctx->ops->name,
			exit->internal.suberror);
		for (i = 0; i < exit->internal.ndata; i++)
			fprintf(stderr, "%s %#llx", i ? "" : ", data",
				(unsigned long long)exit->internal.data[i]);
		fputc('\n', stderr);
		break;
	case VMCTL_EXIT_UNKNOWN:
		fprintf(stderr, "%s: %s: unexpected exit, code %llu, hardware reason %#llx\n",
			progname, ctx->ops->name, (unsigned long long)exit->unknown.code,
			(unsigned long long)exit->unknown.hw_reason);
		break;
	default:
		return;		/* the debug-exit port: the status says it all */
	}
	print_guest_state(rv);
}

static void print_count(const char *what, uint64_t n)
{
	fprintf(stderr, "  %-16s %12llu\n", what, (unsigned long long)n);
}

static void print_exit_counts(const uint64_t *nr_exits)
{
	uint64_t total = 0;
	unsigned int k;

	for (k = 0; k < VMCTL_EXIT_NR_KINDS; k++) {
		total += nr_exits[k];
		if (nr_exits[k])
			print_count(exit_kind_name(k), nr_exits[k]);
	}
	print_count("total", total);
}

void print_stats(const struct run_ctx *ctx)
{
	static const char *const dir_names[] = { "in", "out" };
	uint64_t sum[VMCTL_EXIT_NR_KINDS] = { 0 };
	unsigned int i, k, port, dir;
	char name[24];

	for (i = 0; i < ctx->nr_vcpus; i++)
		for (k = 0; k < VMCTL_EXIT_NR_KINDS; k++)
			sum[k] += ctx->vcpus[i].nr_exits[k];
	fprintf(stderr, "%s: exits\n", progname);
	print_exit_counts(sum);
	/* With --smp, each vCPU's too: the totals above are their sums. */
	for (i = 0; ctx->nr_vcpus > 1 && i < ctx->nr_vcpus; i++) {
		fprintf(stderr, "%s: exits of cpu%u\n", progname, i);
		print_exit_counts(ctx->vcpus[i].nr_exits);
	}
	if (ctx->io_counts && sum[VMCTL_EXIT_IO]) {
		fprintf(stderr, "%s: port accesses\n", progname);
		for (port = 0; port <= 0xffff; port++) {
			for (dir = 0; dir < 2; dir++) {
				if (!ctx->io_counts[port][dir])
					continue;
				snprintf(name, sizeof(name), "%#06x %s", port, dir_names[dir]);
				print_count(name, ctx->io_counts[port][dir]);
			}
		}
	}
	fprintf(stderr, "%s: devices\n", progname);
	print_count("mmio test", ctx->mmio_test_accesses);
	print_count("unhandled in", ctx->dev.unhandled_io_reads);
	print_count("unhandled out", ctx->dev.unhandled_io_writes);
	print_count("unbacked read", ctx->dev.unbacked_mmio_reads);
	print_count("unbacked write", ctx->dev.unbacked_mmio_writes);
	if (ctx->pc) {
		print_count("i/o apic msis", ctx->pc->msis);
		print_count("msi errors", ctx->pc->msi_errors);
	}
}
