// SPDX-License-Identifier: GPL-2.0-only
/*
 * stress_test: VMM_RUN against the rest of the system. Signals to a guest
 * that never exits by itself, descriptors closed under a running vCPU,
 * many short-lived vCPUs on every CPU and one migrating at each run, the
 * vCPUs of one VM moved between CPUs, unplugged from them and killed while
 * they run, and host processes checking their FPU registers while guests
 * fill theirs.
 * Vendor-neutral, through /dev/vmm only. Prints "RESULT PASS|FAIL|SKIP
 * stress <name> [detail]"; the exit status is the number of failures
 * (capped at 99), 100 if /dev/vmm cannot be used.
 *
 *   stress_test [VMS]   VMS short-lived VMs per churning thread (200)
 *
 * Nothing here waits by sleeping: threads hand over through the guests'
 * own memory (a counter the guest advances proves it is running) and
 * joins; a time limit only turns a hang into a failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uapi/vmm.h"
#include "guest.h"
#include "fpu_hold.h"

#define RESULT_SUITE "stress"
#include "result.h"

#define VIRT_STATE	"/sys/kernel/debug/vmm/virt"
#define COUNTER		0x2000		/* the spinning guests' counter */

static int ncpus;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void unpin(void)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < ncpus; i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* VMs alive (vmm's debugfs), or -1. */
static int vms_alive(void)
{
	char line[128];
	FILE *f = fopen(VIRT_STATE, "r");
	int users = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "users %d", &users) == 1)
			break;
	fclose(f);
	return users;
}

static void on_signal(int sig)
{
	(void)sig;
}

static unsigned short counter(struct guest *g)
{
	return __atomic_load_n((unsigned short *)(g->mem + COUNTER), __ATOMIC_RELAXED);
}

/* Until the guest has advanced its counter by @n: proof that it runs. */
static int wait_counter(struct guest *g, unsigned int n, double limit)
{
	unsigned short start = counter(g);
	double end = now() + limit;

	while ((unsigned short)(counter(g) - start) < n)
		if (now() > end)
			return -1;
	return 0;
}

/*
 * Counts at COUNTER until AX is non-zero, then halts: no exit of its own,
 * only host interrupts take it out.
 */
GUEST_CODE(spin_guest, "16",
	   "1: incw (0x2000)\n"
	   "test %ax, %ax\n"
	   "jz 1b\n"
	   "hlt\n");

/*
 * The same with a CPUID, handled in the kernel, in each round; CPUID
 * overwrites AX, so SI is the flag that stops it.
 */
GUEST_CODE(spin_cpuid_guest, "16",
	   "1: incw (0x2000)\n"
	   "cpuid\n"
	   "test %si, %si\n"
	   "jz 1b\n"
	   "hlt\n");

/* The busy guest this machine can run (guest.h). */
static int busy_guest_setup(struct guest *g, int dev, size_t *len)
{
	if (spinning_guests_ok()) {
		*len = spin_guest_end - spin_guest;
		return guest_setup(g, dev, spin_guest, *len);
	}
	*len = spin_cpuid_guest_end - spin_cpuid_guest;
	return guest_setup(g, dev, spin_cpuid_guest, *len);
}

struct runner {
	struct guest *g;
	pthread_t thread;
	int ret;
	double returned;
	int done;
	pid_t tid;		/* smp_run_thread()'s, once started is set */
	int started;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;

	r->ret = run(r->g);
	r->returned = now();
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Join @r within @limit seconds; a vCPU that never returns is a failure. */
static int join_within(struct runner *r, double limit)
{
	double end = now() + limit;

	while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE))
		if (now() > end)
			return -1;
	pthread_join(r->thread, NULL);
	return 0;
}

/*
 * A signal for a thread inside VMM_RUN whose guest spins without exits:
 * the host interrupt that delivers it makes the guest exit, the run loop
 * sees it pending, and VMM_RUN returns -EINTR with VMM_EXIT_NONE at once;
 * the next VMM_RUN resumes the guest where it was.
 */
static void test_signal(int dev)
{
	struct runner r = { 0 };
	struct vmm_regs regs;
	struct sigevent sev;
	struct itimerspec its;
	struct guest g;
	timer_t timer;
	double sent;
	size_t len;
	int ret;

	if (busy_guest_setup(&g, dev, &len)) {
		result(0, "guest_setup_signal", "errno %d", errno);
		return;
	}
	/* Another thread's pthread_kill(), once the guest is seen running. */
	r.g = &g;
	pthread_create(&r.thread, NULL, run_thread, &r);
	if (wait_counter(&g, 1000, 30)) {
		result(0, "signal_guest_runs", "counter stuck at %u", counter(&g));
		_exit(1);	/* the vCPU thread is gone for good */
	}
	sent = now();
	pthread_kill(r.thread, SIGUSR1);
	if (join_within(&r, 10)) {
		result(0, "signal_interrupts_spinning_guest", "no return 10 s after the signal");
		_exit(1);
	}
	result(r.ret == -EINTR && g.run->exit_reason == VMM_EXIT_NONE && r.returned - sent < 2,
	       "signal_interrupts_spinning_guest", "ret=%d reason=%u after %.3f s",
	       r.ret, g.run->exit_reason, r.returned - sent);
	ioctl(g.vcpu, VMM_GET_REGS, &regs);
	result(regs.rip >= CODE && regs.rip < CODE + len - 1,
	       "signal_rip_inside_loop", "rip=%#llx", (unsigned long long)regs.rip);

	/* A timer signal to the thread that runs, from the kernel this time. */
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGALRM;
	sev._sigev_un._tid = syscall(SYS_gettid);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 50 * 1000 * 1000;
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer)) {
		result(0, "timer_create", "errno %d", errno);
	} else {
		unsigned short before = counter(&g);

		timer_settime(timer, 0, &its, NULL);
		ret = run(&g);
		result(ret == -EINTR && g.run->exit_reason == VMM_EXIT_NONE &&
		       counter(&g) != before, "timer_signal_interrupts_spinning_guest",
		       "ret=%d reason=%u counter %u -> %u", ret, g.run->exit_reason, before,
		       counter(&g));
		timer_delete(timer);
	}

	/* Resumed, the guest sees AX (or SI) set meanwhile and halts. */
	ioctl(g.vcpu, VMM_GET_REGS, &regs);
	regs.rax = 1;
	regs.rsi = 1;
	ioctl(g.vcpu, VMM_SET_REGS, &regs);
	ret = run(&g);
	result(!ret && g.run->exit_reason == VMM_EXIT_HLT, "signal_run_resumes",
	       "ret=%d reason=%u", ret, g.run->exit_reason);
	guest_teardown(&g);
}

/*
 * The vCPU and VM descriptors closed while another thread is inside
 * VMM_RUN: the running ioctl keeps its file, so nothing may be freed under
 * it; a signal then ends the run and the last reference frees the VM.
 * And the same with the process exiting instead.
 */
static void test_close_while_running(int dev)
{
	struct runner r = { 0 };
	struct guest g;
	int alive, status;
	size_t len;
	pid_t pid;

	if (vms_alive() != 0) {
		result(0, "close_while_running", "cannot read %s, or VMs left: %d",
		       VIRT_STATE, vms_alive());
		return;
	}
	if (busy_guest_setup(&g, dev, &len)) {
		result(0, "guest_setup_close", "errno %d", errno);
		return;
	}
	r.g = &g;
	pthread_create(&r.thread, NULL, run_thread, &r);
	if (wait_counter(&g, 1000, 30)) {
		result(0, "close_guest_runs", "counter stuck");
		_exit(1);
	}
	close(g.vcpu);
	close(g.vm);
	g.vcpu = -1;
	g.vm = -1;
	/* The guest goes on running on its own reference. */
	alive = vms_alive();
	result(alive == 1 && !wait_counter(&g, 1000, 30), "closed_fds_vcpu_keeps_running",
	       "vms %d", alive);
	pthread_kill(r.thread, SIGUSR1);
	if (join_within(&r, 10)) {
		result(0, "closed_fds_run_returns", "no return 10 s after the signal");
		_exit(1);
	}
	/* The run page's mapping is the last reference to the vCPU. */
	alive = vms_alive();
	result(r.ret == -EINTR && alive == 1, "closed_fds_run_returns",
	       "ret=%d vms %d", r.ret, alive);
	munmap(g.run, 4096);
	g.run = MAP_FAILED;
	alive = vms_alive();
	result(alive == 0, "closed_fds_vm_freed_at_last_reference", "vms %d", alive);
	guest_teardown(&g);

	/* A child closes both and exits while its other thread runs. */
	pid = fork();
	if (pid == 0) {
		struct runner cr = { 0 };
		struct guest cg;

		if (busy_guest_setup(&cg, dev, &len))
			_exit(2);
		cr.g = &cg;
		pthread_create(&cr.thread, NULL, run_thread, &cr);
		if (wait_counter(&cg, 1000, 30))
			_exit(3);
		close(cg.vcpu);
		close(cg.vm);
		_exit(0);	/* kills the running thread: exit_group */
	}
	waitpid(pid, &status, 0);
	alive = vms_alive();
	result(WIFEXITED(status) && WEXITSTATUS(status) == 0 && alive == 0,
	       "exit_while_running_vm_freed", "status %#x vms %d", status, alive);
}

/*
 * Fills 64 KiB at 0x10000 with BX, BX + 1, ... (words), sums them back and
 * reports the sum, then does it all again with BX + 1: each run exercises
 * fresh nested page faults or, later, the TLB entries they left.
 */
GUEST_CODE(mem_sum_guest, "16",
	   "2: mov $0x1000, %ax\n"
	   "mov %ax, %es\n"
	   "mov %ax, %ds\n"
	   "xor %di, %di\n"
	   "mov $0x8000, %cx\n"
	   "mov %bx, %ax\n"
	   "1: stosw\n"
	   "inc %ax\n"
	   "loop 1b\n"
	   "xor %si, %si\n"
	   "mov $0x8000, %cx\n"
	   "xor %dx, %dx\n"
	   "1: lodsw\n"
	   "add %ax, %dx\n"
	   "loop 1b\n"
	   "mov %dx, %ax\n"
	   "out %ax, $0xf0\n"
	   "inc %bx\n"
	   "jmp 2b\n");

static unsigned short mem_sum(unsigned short bx)
{
	unsigned short sum = 0;
	unsigned int i;

	for (i = 0; i < 0x8000; i++)
		sum += (unsigned short)(bx + i);
	return sum;
}

/* One run of mem_sum_guest: the sum and the memory both as expected? */
static int mem_sum_check(struct guest *g, unsigned short bx, char *why, size_t len)
{
	unsigned short w;
	int ret = run(g);

	if (ret || g->run->exit_reason != VMM_EXIT_IO || g->run->io.port != 0xf0) {
		snprintf(why, len, "ret=%d reason=%u", ret, g->run->exit_reason);
		return -1;
	}
	if (g->run->io.data != mem_sum(bx)) {
		snprintf(why, len, "bx %#x: sum %#llx, want %#x", bx,
			 (unsigned long long)g->run->io.data, mem_sum(bx));
		return -1;
	}
	memcpy(&w, g->mem + 0x10000 + 0x1234 * 2, 2);
	if (w != (unsigned short)(bx + 0x1234)) {
		snprintf(why, len, "bx %#x: memory %#x, want %#x", bx, w, bx + 0x1234);
		return -1;
	}
	return 0;
}

static int mem_sum_setup(struct guest *g, int dev, unsigned short bx)
{
	struct vmm_regs regs;

	if (guest_setup(g, dev, mem_sum_guest, mem_sum_guest_end - mem_sum_guest) ||
	    ioctl(g->vcpu, VMM_GET_REGS, &regs))
		return -1;
	regs.rbx = bx;
	return ioctl(g->vcpu, VMM_SET_REGS, &regs);
}

#define CHURN_THREADS	2
/*
 * Per thread. Bochs, which spends most of this program's time here
 * (2.4 of 2.5 emulated seconds, 10 to 20 wall minutes under load), runs
 * fewer: the plan passes the number.
 */
static int churn_iters = 200;

struct churner {
	int dev, id, failures, wrong_cpu;
	char why[128];
};

/* Short-lived VMs, each on the CPU its iteration picks. */
static void *churn_thread(void *arg)
{
	struct churner *c = arg;
	struct guest g;
	int i, cpu;

	for (i = 0; i < churn_iters; i++) {
		unsigned short bx = c->id * 1000 + i;

		cpu = (i + c->id) % ncpus;
		pin_to(cpu);
		if (mem_sum_setup(&g, c->dev, bx)) {
			snprintf(c->why, sizeof(c->why), "setup errno %d", errno);
			c->failures++;
		} else if (mem_sum_check(&g, bx, c->why, sizeof(c->why))) {
			c->failures++;
		}
		if (sched_getcpu() != cpu)
			c->wrong_cpu++;
		guest_teardown(&g);
	}
	return NULL;
}

/*
 * Many short-lived vCPUs, in two threads, alternating between the CPUs:
 * ASIDs/VPIDs are handed out and reused on each CPU, generations wrap,
 * and a stale TLB entry would show as a wrong sum or wrong memory. Then
 * one vCPU that moves to the other CPU before each run: it must get a
 * fresh tag there (and flush) every time.
 */
static void test_churn(int dev)
{
	struct churner c[CHURN_THREADS];
	pthread_t t[CHURN_THREADS];
	int i, failures = 0, wrong_cpu = 0;
	char why[128] = "";
	struct guest g;

	for (i = 0; i < CHURN_THREADS; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		c[i].dev = dev;
		c[i].id = i;
		pthread_create(&t[i], NULL, churn_thread, &c[i]);
	}
	for (i = 0; i < CHURN_THREADS; i++) {
		pthread_join(t[i], NULL);
		failures += c[i].failures;
		wrong_cpu += c[i].wrong_cpu;
		if (c[i].failures)
			snprintf(why, sizeof(why), "%s", c[i].why);
	}
	result(!failures && !wrong_cpu, "short_lived_vcpus_all_cpus",
	       "%d threads x %d VMs on %d CPUs: %d wrong, %d not on their CPU %s",
	       CHURN_THREADS, churn_iters, ncpus, failures, wrong_cpu, why);

	if (ncpus < 2) {
		printf("RESULT SKIP stress vcpu_migrates_every_run one CPU\n");
		return;
	}
	if (mem_sum_setup(&g, dev, 0x4321)) {
		result(0, "guest_setup_migrate", "errno %d", errno);
		return;
	}
	failures = 0;
	wrong_cpu = 0;
	for (i = 0; i < 200; i++) {
		pin_to(i % 2);
		if (mem_sum_check(&g, 0x4321 + i, why, sizeof(why))) {
			failures++;
			break;
		}
		if (sched_getcpu() != i % 2)
			wrong_cpu++;
	}
	unpin();
	result(!failures && !wrong_cpu, "vcpu_migrates_every_run",
	       "%d runs: %d wrong, %d not on their CPU %s", i, failures, wrong_cpu, why);
	guest_teardown(&g);
}

/* ---- SMP: one VM's vCPUs moved, their CPUs unplugged, their process killed ---- */

#define SMP_VCPUS	4
#define SMP_COUNTERS	0x2000		/* a word per vCPU */
#define SMP_REPIN_ROUNDS 50		/* Bochs: 2 s of guest time cost 6 min */

/*
 * Counts at DI until SI is non-zero, then halts; the variant for Bochs
 * exits to the kernel at every round (CPUID), as busy_guest_setup()'s.
 */
GUEST_CODE(smp_spin_guest, "16",
	   "1: incw (%di)\n"
	   "test %si, %si\n"
	   "jz 1b\n"
	   "hlt\n");

GUEST_CODE(smp_spin_cpuid_guest, "16",
	   "1: incw (%di)\n"
	   "cpuid\n"
	   "test %si, %si\n"
	   "jz 1b\n"
	   "hlt\n");

struct smp_vm {
	struct guest g[SMP_VCPUS];	/* g[0] owns the VM and its memory */
	struct runner r[SMP_VCPUS];
	pid_t tid[SMP_VCPUS];
	size_t len;
};

static unsigned short smp_counter(struct smp_vm *v, int i)
{
	return __atomic_load_n((unsigned short *)(v->g[0].mem + SMP_COUNTERS + 2 * i),
			       __ATOMIC_RELAXED);
}

/* Until every vCPU has counted @n more: all of them run. */
static int smp_all_count(struct smp_vm *v, unsigned int n, double limit)
{
	unsigned short start[SMP_VCPUS];
	double end = now() + limit;
	int i;

	for (i = 0; i < SMP_VCPUS; i++)
		start[i] = smp_counter(v, i);
	for (i = 0; i < SMP_VCPUS; i++)
		while ((unsigned short)(smp_counter(v, i) - start[i]) < n)
			if (now() > end)
				return -1;
	return 0;
}

/* One VM, SMP_VCPUS vCPUs in the spinning guest, each on its counter. */
static int smp_setup(struct smp_vm *v, int dev)
{
	const unsigned char *code = smp_spin_guest;
	struct vmm_regs regs;
	int i;

	memset(v, 0, sizeof(*v));
	v->len = smp_spin_guest_end - smp_spin_guest;
	if (!spinning_guests_ok()) {
		code = smp_spin_cpuid_guest;
		v->len = smp_spin_cpuid_guest_end - smp_spin_cpuid_guest;
	}
	if (guest_setup(&v->g[0], dev, code, v->len))
		return -1;
	for (i = 0; i < SMP_VCPUS; i++) {
		if (i) {
			v->g[i] = v->g[0];
			v->g[i].vcpu = -1;
			v->g[i].run = MAP_FAILED;
			if (vcpu_setup(&v->g[i], i, GUEST_REAL, code, v->len))
				return -1;
		}
		if (ioctl(v->g[i].vcpu, VMM_GET_REGS, &regs) < 0)
			return -1;
		regs.rdi = SMP_COUNTERS + 2 * i;
		if (ioctl(v->g[i].vcpu, VMM_SET_REGS, &regs) < 0)
			return -1;
	}
	return 0;
}

static void smp_teardown(struct smp_vm *v)
{
	int i;

	for (i = SMP_VCPUS - 1; i > 0; i--) {
		if (v->g[i].run && v->g[i].run != MAP_FAILED)
			munmap(v->g[i].run, 4096);
		if (v->g[i].vcpu > 0)
			close(v->g[i].vcpu);
	}
	guest_teardown(&v->g[0]);
}

static void *smp_run_thread(void *arg)
{
	struct runner *r = arg;

	r->tid = syscall(SYS_gettid);
	__atomic_store_n(&r->started, 1, __ATOMIC_RELEASE);
	return run_thread(r);
}

/* A thread per vCPU in VMM_RUN; their thread IDs in v->tid once it returns. */
static void smp_start(struct smp_vm *v)
{
	int i;

	for (i = 0; i < SMP_VCPUS; i++) {
		v->r[i].g = &v->g[i];
		pthread_create(&v->r[i].thread, NULL, smp_run_thread, &v->r[i]);
	}
	for (i = 0; i < SMP_VCPUS; i++) {
		while (!__atomic_load_n(&v->r[i].started, __ATOMIC_ACQUIRE))
			;
		v->tid[i] = v->r[i].tid;
	}
}

/* Set up, started, and every vCPU seen counting; -1 (reported) if not. */
static int smp_begin(struct smp_vm *v, int dev)
{
	if (smp_setup(v, dev)) {
		result(0, "smp_guest_setup", "errno %d", errno);
		smp_teardown(v);
		return -1;
	}
	smp_start(v);
	if (smp_all_count(v, 100, 30)) {
		result(0, "smp_vcpus_run", "a vCPU's counter is stuck");
		_exit(1);	/* the vCPU threads are gone for good */
	}
	return 0;
}

/*
 * A signal to each vCPU thread: all must return -EINTR. Then each, run
 * again with SI set, must halt: its registers came through whatever
 * happened meanwhile. Returns the number of vCPUs that did not; the vCPUs
 * that never returned are a failure the caller cannot recover from.
 */
static int smp_stop(struct smp_vm *v, const char *name)
{
	struct vmm_regs regs;
	int i, bad = 0;

	for (i = 0; i < SMP_VCPUS; i++)
		pthread_kill(v->r[i].thread, SIGUSR1);
	for (i = 0; i < SMP_VCPUS; i++) {
		if (join_within(&v->r[i], 10)) {
			result(0, name, "vCPU %d: no return 10 s after the signal", i);
			_exit(1);
		}
		if (v->r[i].ret != -EINTR)
			bad++;
	}
	for (i = 0; i < SMP_VCPUS; i++) {
		if (ioctl(v->g[i].vcpu, VMM_GET_REGS, &regs) < 0 ||
		    regs.rdi != SMP_COUNTERS + 2 * (unsigned int)i) {
			bad++;
			continue;
		}
		regs.rsi = 1;
		ioctl(v->g[i].vcpu, VMM_SET_REGS, &regs);
		if (run(&v->g[i]) || v->g[i].run->exit_reason != VMM_EXIT_HLT)
			bad++;
	}
	return bad;
}

/*
 * vCPU threads moved to another CPU every millisecond, 50 times, while
 * they run: each move takes the thread out of the guest on one CPU and in
 * on the other, where its VMCS/VMCB must be loaded and its VPID/ASID
 * fresh (ADVERSARIAL B25). The pause between rounds is the pace, not a
 * wait for anything.
 */
static void test_smp_repin(int dev)
{
	struct timespec ms = { 0, 1000 * 1000 };
	int i, round, moves = 0, bad, ran;
	struct smp_vm v;
	cpu_set_t set;

	if (ncpus < 2) {
		printf("RESULT SKIP stress smp_vcpus_repinned_every_ms one CPU\n");
		return;
	}
	if (smp_begin(&v, dev))
		return;
	for (round = 0; round < SMP_REPIN_ROUNDS; round++) {
		for (i = 0; i < SMP_VCPUS; i++) {
			CPU_ZERO(&set);
			CPU_SET((round + i) % ncpus, &set);
			if (!sched_setaffinity(v.tid[i], sizeof(set), &set))
				moves++;
		}
		nanosleep(&ms, NULL);
	}
	/* Free again, every vCPU must still be counting. */
	CPU_ZERO(&set);
	for (i = 0; i < ncpus; i++)
		CPU_SET(i, &set);
	for (i = 0; i < SMP_VCPUS; i++)
		sched_setaffinity(v.tid[i], sizeof(set), &set);
	ran = !smp_all_count(&v, 100, 30);
	bad = smp_stop(&v, "smp_vcpus_repinned_every_ms");
	result(ran && !bad && moves == round * SMP_VCPUS,
	       "smp_vcpus_repinned_every_ms",
	       "%d vCPUs, %d rounds, %d moves; %s; %d vCPUs wrong after",
	       SMP_VCPUS, round, moves, ran ? "all counting after" : "one stopped", bad);
	smp_teardown(&v);
}

/* Writes "0" or "1" to @path. */
static int write_online(const char *path, int on)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, on ? "1" : "0", 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

/*
 * The host's last CPU taken offline and brought back, five times, while
 * the vCPUs run, one of them pinned to it: the kernel moves them off it,
 * vmm turns the extension off there and on again when it returns, and the
 * vCPUs, free to go back, must run on (ADVERSARIAL B25).
 */
static void test_smp_hotplug(int dev)
{
	char path[64];
	int cycles, ran = 1, bad, err = 0;
	struct smp_vm v;
	cpu_set_t set;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", ncpus - 1);
	if (ncpus < 2 || access(path, W_OK)) {
		printf("RESULT SKIP stress smp_host_cpu_offline_online_while_running %s\n",
		       ncpus < 2 ? "one CPU" : "no writable online file");
		return;
	}
	if (smp_begin(&v, dev))
		return;
	CPU_ZERO(&set);
	CPU_SET(ncpus - 1, &set);
	sched_setaffinity(v.tid[0], sizeof(set), &set);
	for (cycles = 0; cycles < 5 && ran; cycles++) {
		if (write_online(path, 0) || write_online(path, 1)) {
			err = errno;
			break;
		}
		ran = !smp_all_count(&v, 100, 30);
	}
	bad = smp_stop(&v, "smp_host_cpu_offline_online_while_running");
	result(cycles == 5 && ran && !bad, "smp_host_cpu_offline_online_while_running",
	       "CPU %d: %d of 5 cycles (%s); %s; %d vCPUs wrong after", ncpus - 1,
	       cycles, err ? strerror(err) : "no error", ran ? "all counting" : "one stopped",
	       bad);
	smp_teardown(&v);
}

/*
 * The process killed while all its vCPUs run: every thread leaves
 * VMM_RUN, and the VM is gone when the process is.
 */
static void test_smp_kill(int dev)
{
	int alive, status, ready[2];
	char c = 0;
	pid_t pid;

	if (pipe(ready))
		return;
	pid = fork();
	if (pid == 0) {
		struct smp_vm v;

		close(ready[0]);
		if (smp_setup(&v, dev))
			_exit(2);
		smp_start(&v);
		if (smp_all_count(&v, 100, 30))
			_exit(3);
		c = 1;
		if (write(ready[1], &c, 1) != 1)
			_exit(4);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) == 1 && c == 1)
		kill(pid, SIGKILL);
	close(ready[0]);
	waitpid(pid, &status, 0);
	alive = vms_alive();
	result(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && alive == 0,
	       "smp_killed_while_all_vcpus_run", "%d vCPUs, status %#x, vms %d after",
	       SMP_VCPUS, status, alive);
}

/* ---- FPU: host processes and guests, each keeping its own registers ---- */

#define FPU_ROUNDS	40

static int guest_avx;		/* the guests use YMM, else XMM */

/* What a vCPU thread does to its registers between runs: all ones. */
static void clobber_registers(void)
{
	if (use_avx)
		asm volatile(IRP_REGS "vpcmpeqb %%ymm\\r, %%ymm\\r, %%ymm\\r\n.endr\n"
			     "vzeroupper\n" : : : XMM_CLOBBERS);
	else
		asm volatile(IRP_REGS "pcmpeqb %%xmm\\r, %%xmm\\r\n.endr\n" : : : XMM_CLOBBERS);
}

/*
 * 64-bit guests: (ymm: XCR0 = x87|SSE|AVX first) then in rounds: load
 * the 16 registers from 0x3000, spin, exit to userspace (0xf0), spin, CPUID
 * (an exit handled in the kernel), store them to 0x4000, exit (0xf1).
 */
GUEST_CODE(ymm_guest, "64",
	   "mov $7, %eax\n"
	   "xor %edx, %edx\n"
	   "xor %ecx, %ecx\n"
	   "xsetbv\n"
	   "2: " IRP_REGS "vmovdqu 0x3000+\\r*32, %ymm\\r\n.endr\n"
	   "mov $20000, %ecx\n"
	   "1: dec %ecx\n"
	   "jnz 1b\n"
	   "out %al, $0xf0\n"
	   "mov $20000, %ecx\n"
	   "1: dec %ecx\n"
	   "jnz 1b\n"
	   "xor %eax, %eax\n"
	   "cpuid\n"
	   IRP_REGS "vmovdqu %ymm\\r, 0x4000+\\r*32\n.endr\n"
	   "out %al, $0xf1\n"
	   "jmp 2b\n");

GUEST_CODE(xmm_guest, "64",
	   "2: " IRP_REGS "movdqu 0x3000+\\r*32, %xmm\\r\n.endr\n"
	   "mov $20000, %ecx\n"
	   "1: dec %ecx\n"
	   "jnz 1b\n"
	   "out %al, $0xf0\n"
	   "mov $20000, %ecx\n"
	   "1: dec %ecx\n"
	   "jnz 1b\n"
	   "xor %eax, %eax\n"
	   "cpuid\n"
	   IRP_REGS "movdqu %xmm\\r, 0x4000+\\r*32\n.endr\n"
	   "out %al, $0xf1\n"
	   "jmp 2b\n");

struct fpu_guest {
	int dev, cpu, rounds, mismatches, failures;
	char why[128];
};

static void *fpu_guest_thread(void *arg)
{
	struct fpu_guest *f = arg;
	struct vmm_sregs sregs;
	struct guest g;
	int i, ret;

	pin_to(f->cpu);
	if (guest_avx)
		ret = guest_setup_mode(&g, f->dev, GUEST_LONG, ymm_guest,
				       ymm_guest_end - ymm_guest);
	else
		ret = guest_setup_mode(&g, f->dev, GUEST_LONG, xmm_guest,
				       xmm_guest_end - xmm_guest);
	if (ret) {
		snprintf(f->why, sizeof(f->why), "setup errno %d", errno);
		f->failures++;
		return NULL;
	}
	if (guest_avx) {
		ioctl(g.vcpu, VMM_GET_SREGS, &sregs);
		sregs.cr4 |= CR4_OSXSAVE;
		ioctl(g.vcpu, VMM_SET_SREGS, &sregs);
	}
	for (i = 0; i < FPU_ROUNDS; i++) {
		fill_pattern(g.mem + 0x3000, f->cpu * 100 + i);
		ret = run(&g);
		if (ret || g.run->exit_reason != VMM_EXIT_IO || g.run->io.port != 0xf0) {
			snprintf(f->why, sizeof(f->why), "ret=%d reason=%u port %#x", ret,
				 g.run->exit_reason, g.run->io.port);
			f->failures++;
			break;
		}
		clobber_registers();
		ret = run(&g);
		if (ret || g.run->exit_reason != VMM_EXIT_IO || g.run->io.port != 0xf1) {
			snprintf(f->why, sizeof(f->why), "ret=%d reason=%u port %#x", ret,
				 g.run->exit_reason, g.run->io.port);
			f->failures++;
			break;
		}
		clobber_registers();
		f->rounds++;
		if (regs_differ(g.mem + 0x3000, g.mem + 0x4000, guest_avx))
			f->mismatches++;
	}
	guest_teardown(&g);
	return NULL;
}

/*
 * Host processes that keep a pattern in their XMM/YMM registers and check
 * it, on every CPU, while on the same CPUs guests load theirs, exit to
 * userspace (which overwrites its own) and to the kernel, and check theirs:
 * nobody may ever see another's values.
 */
static void test_fpu_isolation(int dev)
{
	struct checker_report *rep;
	struct fpu_guest f[8];
	pthread_t t[8];
	int i, n = ncpus > 8 ? 8 : ncpus;
	struct checker_report sum;
	int grounds = 0, gmismatches = 0, gfailures = 0;
	pid_t pid[8];

	/* The guests use YMM where the host has AVX; the checkers may not. */
	guest_avx = host_has_avx();
	use_avx = fpu_hold_width();
	rep = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED) {
		result(0, "fpu_isolation_setup", "errno %d", errno);
		return;
	}
	memset(rep, 0, 4096);
	for (i = 0; i < n; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			checker(i, &rep[i]);
	}
	/* The checkers hold their registers before the guests start. */
	for (i = 0; i < n; i++)
		while (!__atomic_load_n(&rep[i].rounds, __ATOMIC_RELAXED))
			sched_yield();
	for (i = 0; i < n; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		f[i].dev = dev;
		f[i].cpu = i;
		pthread_create(&t[i], NULL, fpu_guest_thread, &f[i]);
	}
	for (i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		grounds += f[i].rounds;
		gmismatches += f[i].mismatches;
		gfailures += f[i].failures;
	}
	checkers_stop(n, pid, rep, &sum);
	result(!gfailures && grounds == n * FPU_ROUNDS && !gmismatches,
	       "fpu_guests_keep_their_registers",
	       "%s, %d CPUs: %d rounds, %d mismatches, %d failures %s",
	       guest_avx ? "YMM" : "XMM", n, grounds, gmismatches, gfailures, f[0].why);
	result(sum.rounds > n && !sum.mismatches && sum.preempted > 0,
	       "fpu_host_processes_keep_their_registers",
	       "%s: %ld rounds, %ld mismatches, preempted %ld times", use_avx ? "YMM" : "XMM",
	       sum.rounds, sum.mismatches, sum.preempted);
	munmap(rep, 4096);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int dev = open("/dev/vmm", O_RDWR | O_CLOEXEC);

	if (argc > 1)
		churn_iters = atoi(argv[1]);
	if (churn_iters < 1) {
		fprintf(stderr, "usage: stress_test [VMS per thread, >= 1]\n");
		return 100;
	}
	if (dev < 0) {
		perror("/dev/vmm");
		return 100;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	{
		struct vmm_create_vm cv = { 0 };
		int vm = ioctl(dev, VMM_CREATE_VM, &cv);
		int vcpu = create_vcpu(vm, 0);

		close(vm);
		/* Both backends have vCPUs: without one nothing here can run. */
		if (vcpu < 0) {
			printf("RESULT FAIL stress vcpu_create VMM_CREATE_VCPU: %s\n",
			       strerror(-vcpu));
			return 1;
		}
		close(vcpu);
	}
	/* No SA_RESTART: VMM_RUN must come back with EINTR. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);

	test_signal(dev);
	test_close_while_running(dev);
	test_churn(dev);
	test_smp_repin(dev);
	test_smp_hotplug(dev);
	test_smp_kill(dev);
	test_fpu_isolation(dev);
	close(dev);
	return result_status();
}
