// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmctl run: one guest image, its vCPUs (one, or --smp N on the PC), the
 * device model, until the guest halts, triple-faults, writes the
 * debug-exit port or powers the PC off, or vmctl gets SIGINT or SIGTERM.
 * The same image runs on any backend (backend.h).
 *
 * vCPU 0 runs on the main thread, the others each on their own. The first
 * vCPU whose exit ends the run stops the others: it kicks each (the
 * backend's kick and SIGUSR1 to its thread, which ends a run() in
 * progress), and the main thread joins them.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "loader.h"
#include "pc/boot_linux.h"
#include "run.h"

#define RAM_DEFAULT	(64ULL << 20)
#define RAM_MIN		(1024ULL * 1024)
/*
 * The GiB below 4 GiB is for devices (the MMIO test device) and the
 * hypervisor's own pages (kvm's TSS on Intel); it also keeps all of RAM
 * inside the identity map that long mode starts with.
 */
#define RAM_MAX		(3ULL << 30)
#define RAM_ALIGN	4096ULL
#define THP_SIZE	(2ULL << 20)

/* kvm's local APIC timer counts at 1 GHz (its APIC bus clock). */
#define KVM_APIC_KHZ	1000000

struct run_opts {
	enum backend backend;
	struct load_opts load;
	const char *image;
	const char *kernel, *initrd, *append;	/* --kernel: a PC booting Linux */
	const char *samples;	/* --samples FILE */
	bool stats, trace, resume_on_hlt, thp;
	bool pc;		/* --pc: IMAGE on the PC, with interrupts */
	unsigned int smp;	/* --smp: vCPUs */
};

/* Ends a run() in progress on a vCPU's thread, with the backend's kick. */
#define SIG_KICK	SIGUSR1

/* Lock-free atomics are what C11 lets a signal handler share. */
static atomic_int stop_signal;
/*
 * vCPU 0, on the main thread, where SIGINT and SIGTERM go (the other
 * threads block them). Set while the handlers are installed and
 * unblocked, never changed then.
 */
static struct vmctl_vcpu *kick_vcpu;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
	kick_vcpu->vm->ops->kick(kick_vcpu);
}

static void on_kick_signal(int sig)
{
	(void)sig;	/* interrupting run()'s ioctl was the point */
}

/*
 * SA_RESTART for the kick: the backends' run() ioctls return EINTR all the
 * same (they are never restarted), and a device model's write or wait on
 * the same thread just goes on.
 */
static void catch_signals(struct vmctl_vcpu *vcpu0)
{
	struct sigaction sa;

	kick_vcpu = vcpu0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_kick_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIG_KICK, &sa, NULL);
}

/*
 * After the run a late signal stays pending, unhandled: the vCPUs are
 * about to go, and the status already says how the guest ended.
 */
static void block_stop_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kick_vcpu = NULL;
}

/* A number in C syntax (0x.. hex), with a K/M/G suffix if allowed. */
static uint64_t parse_number(const char *opt, const char *s, bool suffix)
{
	unsigned int shift = 0;
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		die_usage(opt, s);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		die_usage(opt, s);
	if (suffix && *end) {
		switch (*end) {
		case 'k': case 'K':
			shift = 10;
			break;
		case 'm': case 'M':
			shift = 20;
			break;
		case 'g': case 'G':
			shift = 30;
			break;
		default:
			die_usage(opt, s);
		}
		end++;
	}
	if (*end || v > (UINT64_MAX >> shift))
		die_usage(opt, s);
	return (uint64_t)v << shift;
}

static const char *opt_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		die_usage("run: option needs a value", argv[*i]);
	return argv[++*i];
}

static void parse_run_args(int argc, char **argv, struct run_opts *o)
{
	bool options_done = false;
	const char *v;
	int i;

	memset(o, 0, sizeof(*o));
	o->backend = BACKEND_VMM;
	o->load.mode = -1;
	o->load.ram_size = RAM_DEFAULT;
	o->smp = 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (options_done || a[0] != '-' || !a[1]) {
			if (o->image)
				die_usage("run: more than one image", a);
			o->image = a;
		} else if (!strcmp(a, "--")) {
			options_done = true;
		} else if (!strcmp(a, "--backend")) {
			v = opt_value(argc, argv, &i);
			if (parse_backend(v, &o->backend))
				die_usage("unknown backend", v);
		} else if (!strcmp(a, "--mem")) {
			v = opt_value(argc, argv, &i);
			o->load.ram_size = parse_number("run: bad --mem size", v, true);
			if (o->load.ram_size < RAM_MIN || o->load.ram_size > RAM_MAX ||
			    o->load.ram_size % RAM_ALIGN)
				die_usage("run: --mem must be a multiple of 4K from 1M to 3G, not",
					  argv[i]);
		} else if (!strcmp(a, "--format")) {
			v = opt_value(argc, argv, &i);
			if (!strcmp(v, "auto"))
				o->load.format = FORMAT_AUTO;
			else if (!strcmp(v, "flat"))
				o->load.format = FORMAT_FLAT;
			else if (!strcmp(v, "elf"))
				o->load.format = FORMAT_ELF;
			else if (!strcmp(v, "multiboot"))
				o->load.format = FORMAT_MULTIBOOT;
			else
				die_usage("run: unknown --format", v);
		} else if (!strcmp(a, "--mode")) {
			v = opt_value(argc, argv, &i);
			if (!strcmp(v, "real"))
				o->load.mode = MODE_REAL;
			else if (!strcmp(v, "prot"))
				o->load.mode = MODE_PROT;
			else if (!strcmp(v, "long"))
				o->load.mode = MODE_LONG;
			else
				die_usage("run: unknown --mode", v);
		} else if (!strcmp(a, "--load")) {
			o->load.load = parse_number("run: bad --load address",
						    opt_value(argc, argv, &i), false);
			o->load.has_load = true;
		} else if (!strcmp(a, "--entry")) {
			o->load.entry = parse_number("run: bad --entry address",
						     opt_value(argc, argv, &i), false);
			o->load.has_entry = true;
		} else if (!strcmp(a, "--cmdline")) {
			o->load.cmdline = opt_value(argc, argv, &i);
		} else if (!strcmp(a, "--stats")) {
			o->stats = true;
		} else if (!strcmp(a, "--trace")) {
			o->trace = true;
		} else if (!strcmp(a, "--resume-on-hlt")) {
			o->resume_on_hlt = true;
		} else if (!strcmp(a, "--thp")) {
			o->thp = true;
		} else if (!strcmp(a, "--pc")) {
			o->pc = true;
		} else if (!strcmp(a, "--smp")) {
			v = opt_value(argc, argv, &i);
			o->smp = parse_number("run: bad --smp count", v, false);
			if (o->smp < 1 || o->smp > PC_MAX_CPUS)
				die_usage("run: --smp must be from 1 to 64, not", v);
		} else if (!strcmp(a, "--samples")) {
			o->samples = opt_value(argc, argv, &i);
		} else if (!strcmp(a, "--module")) {
			if (o->load.nr_modules == MB_MODULES_MAX)
				die_usage("run: too many --module (16 at most):", argv[i]);
			o->load.modules[o->load.nr_modules++] = opt_value(argc, argv, &i);
		} else if (!strcmp(a, "--kernel")) {
			o->kernel = opt_value(argc, argv, &i);
		} else if (!strcmp(a, "--initrd")) {
			o->initrd = opt_value(argc, argv, &i);
		} else if (!strcmp(a, "--append")) {
			o->append = opt_value(argc, argv, &i);
		} else {
			die_usage("run: unknown option", a);
		}
	}
	if (o->kernel && o->image)
		die_usage("run: --kernel boots a PC, not an IMAGE as well:", o->image);
	if (!o->kernel && (o->initrd || o->append))
		die_usage("run: --initrd and --append need --kernel", NULL);
	if (o->kernel && (o->load.format || o->load.mode >= 0 || o->load.has_load ||
			  o->load.has_entry || o->load.cmdline || o->load.nr_modules))
		die_usage("run: --format, --mode, --load, --entry, --cmdline, --module: IMAGE only",
			  NULL);
	if (!o->image && !o->kernel)
		die_usage("run: missing IMAGE", NULL);
	if (o->pc && o->kernel)
		die_usage("run: --pc is for an IMAGE (--kernel always has the PC)", NULL);
	/* The others wait for the first to start them, through the PC's APICs. */
	if (o->smp > 1 && !o->kernel && !o->pc)
		die_usage("run: --smp needs the PC (--kernel or --pc)", NULL);
	if (o->pc) {
		o->load.reserved_start = PC_ACPI_BASE;
		o->load.reserved_end = PC_BIOS_END;
	}
}

/*
 * Every started vCPU thread but @self out of run(), to see ctx->stopping:
 * the backend's kick for a thread about to call run(), the signal for one
 * in it.
 */
static void kick_others(struct run_ctx *ctx, const struct run_vcpu *self)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_vcpus; i++) {
		struct run_vcpu *o = &ctx->vcpus[i];

		if (o == self || !o->started)
			continue;
		ctx->ops->kick(o->vcpu);
		pthread_kill(o->thread, SIG_KICK);
	}
}

/*
 * @rv ends the run with its status, unless another vCPU did first: the
 * others are kicked out of run() and see ctx->stopping. Return: whether
 * it was @rv's ending (its status is the run's).
 */
static bool stop_run(struct run_vcpu *rv)
{
	struct run_ctx *ctx = rv->ctx;
	bool expected = false;

	if (!atomic_compare_exchange_strong(&ctx->stopping, &expected, true))
		return false;
	ctx->status = rv->status;
	kick_others(ctx, rv);
	return true;
}

static void run_loop(struct run_vcpu *rv)
{
	struct run_ctx *ctx = rv->ctx;
	struct vmctl_exit exit;

	memset(&exit, 0, sizeof(exit));
	for (;;) {
		if (atomic_load(&ctx->stopping))
			return;
		if (stop_signal) {
			rv->status = EXIT_SIGNAL_BASE + stop_signal;
			if (stop_run(rv))
				fprintf(stderr, "%s: stopped by %s\n", progname,
					stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
			return;
		}
		if (ctx->ops->run(rv->vcpu, &exit)) {
			if (errno == EINTR)
				continue;
			rv->status = EXIT_FAIL;
			stop_run(rv);
			return;
		}
		if (handle_exit(rv, &exit) == EXIT_STOP) {
			if (stop_run(rv))
				report_stop(rv, &exit);
			return;
		}
	}
}

static void *vcpu_thread(void *arg)
{
	run_loop(arg);
	return NULL;
}

/*
 * The other vCPUs on their threads, SIGINT and SIGTERM blocked there (they
 * are for the main thread), then vCPU 0 here. A vCPU that ends the run
 * stops the others (stop_run()); all are joined before returning.
 */
static int run_vcpus(struct run_ctx *ctx)
{
	sigset_t block, old;
	unsigned int i;
	int err;

	ctx->vcpus[0].thread = pthread_self();
	ctx->vcpus[0].started = true;
	catch_signals(ctx->vcpus[0].vcpu);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 1; i < ctx->nr_vcpus; i++) {
		struct run_vcpu *rv = &ctx->vcpus[i];

		/* Published before the thread exists: stop_run() reads it. */
		err = pthread_create(&rv->thread, NULL, vcpu_thread, rv);
		if (err) {
			errno = err;
			warn_errno("pthread_create");
			ctx->vcpus[0].status = EXIT_FAIL;
			stop_run(&ctx->vcpus[0]);
			break;
		}
		rv->started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/*
	 * A vCPU thread that ended the run before its next one was marked
	 * started could not kick that one: look once more.
	 */
	if (atomic_load(&ctx->stopping))
		kick_others(ctx, &ctx->vcpus[0]);
	run_loop(&ctx->vcpus[0]);
	for (i = 1; i < ctx->nr_vcpus; i++)
		if (ctx->vcpus[i].started)
			pthread_join(ctx->vcpus[i].thread, NULL);
	block_stop_signals();
	return ctx->status;
}

/*
 * Guest RAM. With --thp it is 2 MiB aligned, so that guest-physical 2 MiB
 * frames are host huge pages and a hypervisor can map them whole, and asks
 * for transparent huge pages (the kernel's THP setting has the last word).
 */
static unsigned char *alloc_ram(uint64_t size, bool thp)
{
	const int prot = PROT_READ | PROT_WRITE;
	const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	unsigned char *p, *ram;
	uintptr_t head;

	if (!thp) {
		p = mmap(NULL, size, prot, flags, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	p = mmap(NULL, size + THP_SIZE, prot, flags, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	head = -(uintptr_t)p & (THP_SIZE - 1);
	ram = p + head;
	if (head)
		munmap(p, head);
	munmap(ram + size, THP_SIZE - head);
	if (madvise(ram, size, MADV_HUGEPAGE))
		warn_errno("madvise(MADV_HUGEPAGE) guest RAM");
	return ram;
}

/* --samples: one decimal number per line, in the order the guest sent them. */
static int write_samples(const struct run_ctx *ctx, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f) {
		warn_errno(path);
		return -1;
	}
	for (i = 0; i < ctx->nr_samples; i++)
		fprintf(f, "%u\n", ctx->samples[i]);
	if (fclose(f)) {
		warn_errno(path);
		return -1;
	}
	if (ctx->samples_lost) {
		fprintf(stderr, "%s: %s: out of memory, samples after the %zu-th lost\n",
			progname, path, ctx->nr_samples);
		return -1;
	}
	return 0;
}

/*
 * The PC's CPUID: its topology, and the TSC frequency where the backend
 * tells it (only kvm for now: without it the guest calibrates).
 */
static int pc_setup_cpuid(struct run_ctx *ctx, struct vmctl_vcpu *vcpu,
			  struct vmctl_cpuid_entry **cpuid, unsigned int *nr)
{
	uint32_t tsc_khz = 0;

	int ret;

	if (ctx->ops->get_tsc_khz(vcpu, &tsc_khz))
		tsc_khz = 0;
	ret = pc_cpuid(cpuid, nr, vcpu->id, tsc_khz, KVM_APIC_KHZ);
	if (ret < 0)
		return -1;
	/* No leaf 0x15 (AMD): Linux's command line says it instead. */
	if (!ret && tsc_khz && ctx->lb && vcpu->id == 0)
		linux_tell_tsc_khz(ctx->lb, ctx->ram, tsc_khz);
	return 0;
}

/*
 * The vCPU as the image expects it: CPUID first, hypervisors check CR4/EFER
 * against it. The bootstrap processor gets the image's registers; the
 * others must wait for it to start them (INIT and SIPI), as a PC's do.
 */
static int setup_vcpu(struct run_ctx *ctx, struct vmctl_vm *vm, struct vmctl_vcpu *vcpu,
		      const struct vmctl_regs *regs, const struct vmctl_sregs *sregs)
{
	const struct vmctl_backend_ops *ops = ctx->ops;
	struct vmctl_cpuid_entry *cpuid;
	unsigned int nr;
	int ret;

	if (ops->supported_cpuid(vm, &cpuid, &nr))
		return -1;
	if (ctx->pc && pc_setup_cpuid(ctx, vcpu, &cpuid, &nr)) {
		free(cpuid);
		return -1;
	}
	ret = ops->set_cpuid(vcpu, cpuid, nr);
	free(cpuid);
	if (ret)
		return -1;
	if (vcpu->id == 0)
		return ops->set_sregs(vcpu, sregs) || ops->set_regs(vcpu, regs) ? -1 : 0;
	ret = ops->waits_for_sipi(vcpu);
	if (ret == 0)
		fprintf(stderr, "%s: %s: vCPU %u would not wait for a SIPI: no --smp here\n",
			progname, ops->name, vcpu->id);
	return ret == 1 ? 0 : -1;
}

/*
 * --kernel and --pc: the PC's interrupt controllers first (the backend
 * must have a local APIC before the vCPU exists), then its tables, and
 * for --kernel Linux, in RAM. An IMAGE keeps the state boot_setup() gave
 * it: the ACPI tables are there for a guest that wants to read them.
 */
static int setup_pc(struct run_ctx *ctx, struct vmctl_vm *vm, const struct linux_boot *lb,
		    unsigned char *ram, uint64_t ram_size, struct vmctl_regs *regs,
		    struct vmctl_sregs *sregs)
{
	ctx->pc = calloc(1, sizeof(*ctx->pc));
	if (!ctx->pc) {
		warn_errno("calloc");
		return -1;
	}
	if (pc_init(ctx->pc, ctx->ops, vm, ram_size)) {
		fprintf(stderr, "%s: %s: the PC needs an in-kernel local APIC (%s)\n",
			progname, ctx->ops->name, "create_irqchip");
		pc_destroy(ctx->pc);
		free(ctx->pc);
		ctx->pc = NULL;
		return -1;
	}
	if (lb)
		linux_load(lb, ram, acpi_build(ram, ctx->nr_vcpus), regs, sregs);
	else
		acpi_build(ram, ctx->nr_vcpus);
	return 0;
}

static int run_image(const struct run_opts *o, const struct image *img,
		     const struct linux_boot *lb, const struct vmctl_backend_ops *ops)
{
	const uint64_t ram_size = o->load.ram_size;
	struct vmctl_sregs sregs;
	struct vmctl_regs regs;
	struct run_ctx *ctx;
	struct vmctl_vm *vm;
	int status = EXIT_FAIL;
	unsigned char *ram;
	unsigned int i;

	/* Large: the device model holds the MMIO test device's page. */
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		warn_errno("calloc");
		return EXIT_FAIL;
	}
	ctx->nr_vcpus = o->smp;
	ctx->vcpus = calloc(o->smp, sizeof(*ctx->vcpus));
	if (!ctx->vcpus) {
		warn_errno("calloc");
		free(ctx);
		return EXIT_FAIL;
	}
	pthread_mutex_init(&ctx->lock, NULL);
	ctx->ops = ops;
	ctx->trace = o->trace;
	ctx->stats = o->stats;
	ctx->resume_on_hlt = o->resume_on_hlt;
	ctx->record_samples = !!o->samples;
	devices_init(&ctx->dev);
	if (o->stats) {
		ctx->io_counts = calloc(0x10000, sizeof(*ctx->io_counts));
		if (!ctx->io_counts) {
			warn_errno("calloc");
			goto err_ctx;
		}
	}
	ram = alloc_ram(ram_size, o->thp);
	if (!ram) {
		warn_errno("mmap guest RAM");
		goto err_ctx;
	}
	if (img) {
		image_copy(img, ram);
		boot_setup(img, &o->load, ram, &regs, &sregs);
	}

	vm = ops->create_vm();
	if (!vm)
		goto err_ram;
	if (ops->add_memory(vm, 0, ram_size, ram))
		goto err_vm;
	if ((lb || o->pc) && setup_pc(ctx, vm, lb, ram, ram_size, &regs, &sregs))
		goto err_vm;
	ctx->lb = lb;
	ctx->ram = ram;
	for (i = 0; i < ctx->nr_vcpus; i++) {
		struct run_vcpu *rv = &ctx->vcpus[i];

		rv->ctx = ctx;
		rv->vcpu = ops->create_vcpu(vm, i);
		if (!rv->vcpu || setup_vcpu(ctx, vm, rv->vcpu, &regs, &sregs))
			goto err_vcpus;
	}
	if (ctx->pc && pc_start(ctx->pc))
		goto err_vcpus;

	status = run_vcpus(ctx);
	if (o->stats)
		print_stats(ctx);
	if (o->samples && write_samples(ctx, o->samples))
		status = EXIT_FAIL;

err_vcpus:
	/* The device threads first: they may still send MSIs to the VM. */
	if (ctx->pc)
		pc_destroy(ctx->pc);
	for (i = 0; i < ctx->nr_vcpus; i++)
		if (ctx->vcpus[i].vcpu)
			ops->destroy_vcpu(ctx->vcpus[i].vcpu);
err_vm:
	ops->destroy_vm(vm);
err_ram:
	munmap(ram, ram_size);
err_ctx:
	pthread_mutex_destroy(&ctx->lock);
	free(ctx->pc);
	free(ctx->samples);
	free(ctx->io_counts);
	free(ctx->vcpus);
	free(ctx);
	return status;
}

/* --kernel: the files first, bad input is status 2 whatever the backend. */
static int cmd_run_linux(const struct run_opts *o)
{
	struct linux_boot lb;
	int status;

	if (linux_prepare(&lb, o->kernel, o->initrd, o->append, o->load.ram_size))
		return EXIT_USAGE;
	status = run_image(o, NULL, &lb, backend_ops(o->backend));
	linux_free(&lb);
	return status;
}

int cmd_run(int argc, char **argv)
{
	const struct vmctl_backend_ops *ops;
	struct run_opts o;
	struct image img;
	int status;

	parse_run_args(argc, argv, &o);
	if (o.kernel)
		return cmd_run_linux(&o);
	/* The image first: bad input is status 2 whatever the backend. */
	if (image_read(&img, o.image))
		return EXIT_USAGE;
	if (image_parse(&img, &o.load)) {
		image_free(&img);
		return EXIT_USAGE;
	}
	ops = backend_ops(o.backend);
	if (!ops) {
		fprintf(stderr, "%s: %s: running guests is not supported yet (use --backend kvm)\n",
			progname, backend_name(o.backend));
		image_free(&img);
		return EXIT_FAIL;
	}
	if (o.trace)
		fprintf(stderr, "%s: %s: %s image, %s mode, entry %#llx, %llu MiB RAM\n",
			progname, o.image, format_name(img.format), mode_name(img.mode),
			(unsigned long long)img.entry,
			(unsigned long long)(o.load.ram_size >> 20));
	status = run_image(&o, &img, NULL, ops);
	image_free(&img);
	return status;
}
