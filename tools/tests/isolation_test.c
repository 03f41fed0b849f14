// SPDX-License-Identifier: GPL-2.0-only
/*
 * isolation_test: what a guest or a /dev/vmm user must never reach of the
 * host (Documentation/security.rst). Each case looks at host state after a
 * guest ran, or at what the guest saw of it. Runs on both backends; prints
 * "RESULT PASS|FAIL isolation <name> [detail]", exits with the number of
 * failures (capped at 99), 100 if /dev/vmm cannot be used.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "uapi/vmm.h"
#include "guest.h"

#define RESULT_SUITE "isolation"
#include "result.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define OUT_PORT	0x10	/* the guests' "done" port */
#define RESULTS		0x3000	/* where the guests store what they saw */

#define MSR_KERNEL_GS	0xc0000102
#define MSR_TSC_AUX	0xc0000103

/* The emulator this lab machine runs in, as /init exports it. */
static int lab_emulator(const char *name)
{
	const char *e = getenv("VMM_LAB_EMULATOR");

	return e && !strcmp(e, name);
}

static unsigned long long mem64(const struct guest *g, unsigned long gpa)
{
	unsigned long long v;

	memcpy(&v, g->mem + gpa, sizeof(v));
	return v;
}

static unsigned int mem32(const struct guest *g, unsigned long gpa)
{
	unsigned int v;

	memcpy(&v, g->mem + gpa, sizeof(v));
	return v;
}

static int out_exit(const struct guest *g, int ret)
{
	return !ret && g->run->exit_reason == VMM_EXIT_IO && g->run->io.port == OUT_PORT;
}

static unsigned long long get_msr(int vcpu, unsigned int index)
{
	struct vmm_msr_entry e = { .index = index };
	struct vmm_msrs m = { .nmsrs = 1, .entries = (unsigned long)&e };

	return ioctl(vcpu, VMM_GET_MSRS, &m) == 1 ? e.data : ~0ULL;
}

/* ---- descriptor tables after an exit (VMX sets the GDT limit to 0xffff) ---- */

/* Selectors past the host's GDT (16 entries on x86-64) that LSL accepts. */
static unsigned int lsl_past_gdt(void)
{
	unsigned int i, n = 0;

	for (i = 16; i < 1024; i++) {
		unsigned int sel = i * 8 + 3, limit;
		unsigned char ok;

		asm volatile("lsl %2, %0\n\tsetz %1"
			     : "=r" (limit), "=qm" (ok) : "r" (sel) : "cc");
		n += ok;
	}
	return n;
}

GUEST_CODE(exits_guest, "16",
	   "mov $0, %ax\n"
	   "cpuid\n"			/* an exit handled in the kernel */
	   "out %al, $0x10\n");		/* one for userspace */

/* Runs this thread on @cpu only (per-CPU state under test). Return: 0 or -1. */
static int pin_to_cpu(int cpu)
{
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	return sched_setaffinity(0, sizeof(cpus), &cpus);
}

static void unpin(void)
{
	cpu_set_t cpus;
	int i;

	CPU_ZERO(&cpus);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
}

static void test_gdt_limit(int dev)
{
	unsigned int before, after;
	struct guest g;
	int ret;

	/* The guest and the check on one CPU: the limit is per CPU. */
	if (pin_to_cpu(sched_getcpu())) {
		result(0, "gdt_limit_restored", "sched_setaffinity: errno %d", errno);
		return;
	}
	before = lsl_past_gdt();
	if (guest_setup(&g, dev, exits_guest, exits_guest_end - exits_guest)) {
		result(0, "gdt_limit_restored", "guest_setup: errno %d", errno);
		return;
	}
	ret = run(&g);
	after = lsl_past_gdt();
	result(out_exit(&g, ret) && before == 0 && after == 0, "gdt_limit_restored",
	       "selectors past the GDT accepted by LSL: %u before, %u after a guest ran",
	       before, after);
	guest_teardown(&g);
	unpin();
}

/* ---- SYSCALL and SWAPGS MSRs: the guest's own from the first entry ---- */

/*
 * SYSCALL without having written LSTAR: it must go to the guest's LSTAR,
 * 0 after RESET, where the code below is put; with the host's it would
 * fault at the host's entry address (a KASLR leak through CR2).
 */
GUEST_CODE(syscall_guest, "64",
	   "mov $0xc0000080, %ecx\n"	/* EFER.SCE */
	   "rdmsr\n"
	   "or $1, %eax\n"
	   "wrmsr\n"
	   "syscall\n"
	   "hlt\n");
GUEST_CODE(syscall_target, "64",
	   "mov $0x5a, %al\n"
	   "out %al, $0x10\n"
	   "hlt\n");

static void test_syscall_msrs(int dev)
{
	struct guest g;
	int ret;

	if (guest_setup_mode(&g, dev, GUEST_LONG, syscall_guest,
			     syscall_guest_end - syscall_guest)) {
		result(0, "syscall_uses_guest_lstar", "guest_setup: errno %d", errno);
		return;
	}
	memcpy(g.mem, syscall_target, syscall_target_end - syscall_target);
	ret = run(&g);
	result(out_exit(&g, ret) && g.run->io.data == 0x5a, "syscall_uses_guest_lstar",
	       "ret=%d exit %u port %#x (a shutdown: SYSCALL went to the host's LSTAR)",
	       ret, g.run->exit_reason, g.run->io.port);
	guest_teardown(&g);
}

/*
 * SWAPGS without having written KERNEL_GS_BASE gives the guest its RESET
 * value, 0, not the host task's GS base; what the guest's SWAPGS leaves
 * there stays the guest's and the host task keeps its own GS base.
 */
GUEST_CODE(swapgs_guest, "64",
	   "mov $0xc0000101, %ecx\n"	/* GS_BASE = 0x1234000 */
	   "mov $0x1234000, %eax\n"
	   "xor %edx, %edx\n"
	   "wrmsr\n"
	   "swapgs\n"
	   "rdmsr\n"			/* GS_BASE: what KERNEL_GS_BASE held */
	   "mov %eax, 0x3000\n"
	   "mov %edx, 0x3004\n"
	   "out %al, $0x10\n"
	   "hlt\n");

static void test_swapgs(int dev)
{
	const unsigned long host_gs = 0x7f00c0de0000UL;
	unsigned long gs = 0;
	struct guest g;
	int ret;

	if (syscall(SYS_arch_prctl, ARCH_SET_GS, host_gs)) {
		result(0, "swapgs", "arch_prctl: errno %d", errno);
		return;
	}
	if (guest_setup_mode(&g, dev, GUEST_LONG, swapgs_guest,
			     swapgs_guest_end - swapgs_guest)) {
		result(0, "swapgs", "guest_setup: errno %d", errno);
		return;
	}
	memset(g.mem + RESULTS, 0xff, 8);
	ret = run(&g);
	syscall(SYS_arch_prctl, ARCH_GET_GS, &gs);
	result(out_exit(&g, ret) && mem64(&g, RESULTS) == 0, "swapgs_guest_sees_its_own",
	       "the guest's KERNEL_GS_BASE read %#llx, want 0 (the host's is %#lx)",
	       mem64(&g, RESULTS), host_gs);
	result(gs == host_gs, "swapgs_host_gs_base_kept", "host GS base %#lx, want %#lx",
	       gs, host_gs);
	result(get_msr(g.vcpu, MSR_KERNEL_GS) == 0x1234000, "swapgs_guest_value_kept",
	       "VMM_GET_MSRS KERNEL_GS_BASE %#llx", get_msr(g.vcpu, MSR_KERNEL_GS));
	guest_teardown(&g);
	syscall(SYS_arch_prctl, ARCH_SET_GS, 0UL);
}

/* ---- intercepts: the same answer on both vendors (security.rst) ---- */

/*
 * Each instruction under test runs with a sentinel (0xff) in RES; the #UD,
 * #GP and #DB handlers (real-mode IVT) store their vector there and resume
 * at the address in CONT. The guest reports RES on port 0x10 after each.
 */
#define IG(label) "(" #label " - intercept_guest + 0x1000)"
#define IG_TRY(n, insn)						\
	"movw $" IG(n) ", 0x2000\n"					\
	"movb $0xff, 0x2002\n"						\
	insn "\n"							\
	#n ": movb 0x2002, %al\n"					\
	"out %al, $0x10\n"
GUEST_CODE(intercept_guest, "16",
	   "movw $" IG(h_ud) ", 0x18\n movw $0, 0x1a\n"
	   "movw $" IG(h_gp) ", 0x34\n movw $0, 0x36\n"
	   "movw $" IG(h_db) ", 0x04\n movw $0, 0x06\n"
	   "xor %ecx, %ecx\n xor %edx, %edx\n mov $0x3000, %eax\n"
	   IG_TRY(t_invd, "invd")
	   IG_TRY(t_wbinvd, "wbinvd")
	   IG_TRY(t_rdpmc, "xor %ecx, %ecx\n rdpmc")
	   IG_TRY(t_monitor, "mov $0x3000, %eax\n xor %ecx, %ecx\n monitor")
	   IG_TRY(t_mwait, "xor %eax, %eax\n xor %ecx, %ecx\n mwait")
	   IG_TRY(t_rdpru, "xor %ecx, %ecx\n .byte 0x0f, 0x01, 0xfd")
	   IG_TRY(t_icebp, ".byte 0xf1")
	   IG_TRY(t_cr4_vmxe, "mov %cr4, %eax\n or $0x2000, %eax\n mov %eax, %cr4")
	   IG_TRY(t_cr4_smxe, "mov %cr4, %eax\n or $0x4000, %eax\n mov %eax, %cr4")
	   IG_TRY(t_cr4_pke, "mov %cr4, %eax\n or $0x400000, %eax\n mov %eax, %cr4")
	   IG_TRY(t_cr4_cet, "mov %cr4, %eax\n or $0x800000, %eax\n mov %eax, %cr4")
	   IG_TRY(t_cr4_pge, "mov %cr4, %eax\n or $0x80, %eax\n mov %eax, %cr4")
	   IG_TRY(t_rdtscp, "rdtscp")
	   "mov %cr4, %eax\n mov %eax, 0x3000\n"
	   "hlt\n"
	   "h_ud: movb $6, 0x2002\n jmp h_com\n"
	   "h_gp: movb $13, 0x2002\n jmp h_com\n"
	   "h_db: movb $1, 0x2002\n"
	   "h_com: add $6, %sp\n jmp *0x2000\n");

static void test_intercepts(int dev)
{
	static const struct { const char *insn; unsigned int want; } t[] = {
		{ "invd", 0xff }, { "wbinvd", 0xff }, { "rdpmc", 13 },
		{ "monitor", 6 }, { "mwait", 6 }, { "rdpru", 6 }, { "icebp", 1 },
		/* CR4 bits no guest gets: #GP, never a failed entry */
		{ "cr4_vmxe", 13 }, { "cr4_smxe", 13 }, { "cr4_pke", 13 }, { "cr4_cet", 13 },
		{ "cr4_pge", 0xff }, { "rdtscp", 6 },
	};
	unsigned int i, got;
	char name[64];
	struct guest g;
	int ret;

	if (guest_setup(&g, dev, intercept_guest, intercept_guest_end - intercept_guest)) {
		result(0, "intercepts", "guest_setup: errno %d", errno);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ret = run(&g);
		snprintf(name, sizeof(name), "intercept_%s", t[i].insn);
		got = out_exit(&g, ret) ? g.run->io.data : ~0u;
		/*
		 * QEMU's TCG decodes ICEBP only when built with WANT_ICEBP,
		 * and raises #UD otherwise, before any intercept (Bochs and
		 * real CPUs raise #DB).
		 */
		if (!strcmp(t[i].insn, "icebp") && got == 6 && !lab_emulator("bochs")) {
			printf("RESULT SKIP isolation %s QEMU raises #UD for ICEBP\n", name);
			continue;
		}
		/* QEMU checks the RDTSC intercept for RDTSCP, not RDTSCP's. */
		if (!strcmp(t[i].insn, "rdtscp") && got == 0xff && !lab_emulator("bochs")) {
			printf("RESULT SKIP isolation %s QEMU ignores the RDTSCP intercept\n",
			       name);
			continue;
		}
		result(got == t[i].want, name,
		       "ret=%d exit %u: got %#x, want %#x (0xff: none, 1: #DB, 6: #UD, 13: #GP)",
		       ret, g.run->exit_reason, got, t[i].want);
	}
	ret = run(&g);
	result(!ret && g.run->exit_reason == VMM_EXIT_HLT && (mem32(&g, RESULTS) & 0x80) &&
	       !(mem32(&g, RESULTS) & 0xc06000), "intercept_cr4_value",
	       "ret=%d exit %u, CR4 %#x: PGE set, none of VMXE SMXE PKE CET", ret,
	       g.run->exit_reason, mem32(&g, RESULTS));
	guest_teardown(&g);
}

/*
 * ---- TSC_AUX: RDTSCP and RDPID read the vCPU's, never the host's ----
 *
 * Both are refused (#UD, the handler leaves 0xffffff06), except where the
 * hardware cannot be told to: SVM has no RDPID intercept, and QEMU ignores
 * SVM's RDTSCP intercept. Then they must read the vCPU's TSC_AUX, which
 * userspace set to TA_VALUE, not the host's CPU and node numbers.
 */
#define TA(label) "(" #label " - tsc_aux_guest + 0x1000)"
#define TA_VALUE	0x5a5a
GUEST_CODE(tsc_aux_guest, "16",
	   "movw $" TA(ta_ud) ", 0x18\n movw $0, 0x1a\n"
	   "movw $" TA(ta_1) ", 0x2000\n"
	   "mov $0x11111111, %ecx\n"
	   "rdtscp\n"
	   "ta_1: mov %ecx, 0x3000\n"
	   "movw $" TA(ta_2) ", 0x2000\n"
	   "mov $0x22222222, %ecx\n"
	   ".byte 0xf3, 0x0f, 0xc7, 0xf9\n"	/* rdpid %ecx */
	   "ta_2: mov %ecx, 0x3004\n"
	   "out %al, $0x10\n"
	   "hlt\n"
	   "ta_ud: mov $0xffffff06, %ecx\n add $6, %sp\n jmp *0x2000\n");

static int set_msr(int vcpu, unsigned int index, unsigned long long value)
{
	struct vmm_msr_entry e = { .index = index, .data = value };
	struct vmm_msrs m = { .nmsrs = 1, .entries = (unsigned long)&e };

	return ioctl(vcpu, VMM_SET_MSRS, &m);
}

/* The host's TSC_AUX as user mode reads it: the CPU number in bits 11:0. */
static unsigned int host_rdtscp_aux(void)
{
	unsigned int lo, hi, aux;

	asm volatile("rdtscp" : "=a" (lo), "=d" (hi), "=c" (aux));
	return aux;
}

static void test_tsc_aux(int dev)
{
	static const char *const insn[] = { "rdtscp", "rdpid" };
	int cpu = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	unsigned int i, got, aux, want;
	struct guest g;
	int ret;

	/* The last CPU: its TSC_AUX is not 0 where there are several. */
	if (pin_to_cpu(cpu)) {
		result(0, "tsc_aux", "sched_setaffinity: errno %d", errno);
		return;
	}
	if (guest_setup(&g, dev, tsc_aux_guest, tsc_aux_guest_end - tsc_aux_guest)) {
		result(0, "tsc_aux", "guest_setup: errno %d", errno);
		return;
	}
	/* Without it the vCPU's stays 0, and that is what the guest must read. */
	ret = set_msr(g.vcpu, MSR_TSC_AUX, TA_VALUE);
	want = ret == 1 ? TA_VALUE : 0;
	result(ret == 1, "tsc_aux_settable", "VMM_SET_MSRS TSC_AUX returned %d, want 1", ret);
	ret = run(&g);
	aux = host_rdtscp_aux();
	for (i = 0; i < ARRAY_SIZE(insn); i++) {
		char name[32];

		got = mem32(&g, RESULTS + 4 * i);
		snprintf(name, sizeof(name), "tsc_aux_%s", insn[i]);
		result(out_exit(&g, ret) && (got == 0xffffff06 || got == want), name,
		       "the guest's %s on CPU %d read %#x: want #UD (0xffffff06) or the vCPU's %#x",
		       insn[i], cpu, got, want);
	}
	result((aux & 0xfff) == (unsigned int)cpu, "tsc_aux_host_restored",
	       "RDTSCP in the host after the guest ran on CPU %d: TSC_AUX %#x", cpu, aux);
	result(get_msr(g.vcpu, MSR_TSC_AUX) == TA_VALUE, "tsc_aux_kept",
	       "VMM_GET_MSRS TSC_AUX %#llx", get_msr(g.vcpu, MSR_TSC_AUX));
	guest_teardown(&g);
	unpin();
}

/*
 * ---- Guest time and CPU-time timers while the exits stay in the kernel ----
 *
 * A vCPU that spins, with a CPUID (an exit handled in the kernel) every
 * 400000 rounds, which leaves most of the time to the guest even where an
 * exit is dear (every 20000 rounds, a lockdep kernel in Bochs spent as long
 * in the exits as in the guest), until a CPU-time timer (ITIMER_PROF,
 * 100 ms) ends VMM_RUN. The kernel fires such timers through task work
 * on the way to user mode, which a vCPU that never exits to userspace must not put off (a real-time
 * timer of 2 s is the backstop). Ticks that land in the guest count as the
 * thread's guest time (field 43 of /proc/thread-self/stat; "guest" in
 * /proc/stat and top), as under kvm; they are also part of its user time.
 * The guest first exits once to userspace: the measured run starts with
 * its memory mapped, not with the host's page faults, whose system time
 * (minutes of it in Bochs on a loaded host) once outweighed the guest's.
 */
GUEST_CODE(spin_guest, "16",
	   "out %al, $0x10\n"
	   "1: mov $20, %bx\n"
	   "2: mov $20000, %cx\n"
	   "3: loop 3b\n"
	   "dec %bx\n"
	   "jnz 2b\n"
	   "xor %eax, %eax\n"
	   "cpuid\n"
	   "jmp 1b\n");

/* Written by the handler, read after VMM_RUN returns: atomics, not volatile. */
static int got_signal;

static void on_timer(int sig)
{
	__atomic_store_n(&got_signal, sig, __ATOMIC_RELAXED);
}

/* Fields 14 (utime), 15 (stime) and 43 (guest_time) of the thread's stat. */
static int thread_times(unsigned long t[3])
{
	static const int want[3] = { 14, 15, 43 };
	char buf[1024], *p;
	FILE *f = fopen("/proc/thread-self/stat", "r");
	int field, i = 0;
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');	/* field 2, the command, may hold spaces */
	for (field = 3; p && i < 3; field++) {
		p = strchr(p + 1, ' ');
		if (p && field == want[i])
			t[i++] = strtoul(p + 1, NULL, 10);
	}
	return i == 3 ? 0 : -1;
}

static void test_guest_time(int dev)
{
	struct itimerval prof = { .it_value = { .tv_usec = 100000 } };
	struct itimerval backstop = { .it_value = { .tv_sec = 2 } };
	struct itimerval off = { 0 };
	struct sigaction sa = { .sa_handler = on_timer };
	unsigned long t0[3], t1[3];
	struct guest g;
	int ret, sig;

	if (guest_setup(&g, dev, spin_guest, spin_guest_end - spin_guest)) {
		result(0, "guest_time", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	ret = run(&g);
	if (!out_exit(&g, ret) || thread_times(t0)) {
		result(0, "guest_time", "no first exit: ret=%d errno %d", ret, errno);
		guest_teardown(&g);
		return;
	}
	__atomic_store_n(&got_signal, 0, __ATOMIC_RELAXED);
	sigaction(SIGPROF, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &backstop, NULL);
	setitimer(ITIMER_PROF, &prof, NULL);
	ret = run(&g);
	setitimer(ITIMER_PROF, &off, NULL);
	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGPROF, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	sig = __atomic_load_n(&got_signal, __ATOMIC_RELAXED);
	result(ret == -EINTR && sig == SIGPROF, "cpu_timer_fires",
	       "VMM_RUN returned %d on signal %d, want -EINTR on SIGPROF (%d)",
	       ret, sig, SIGPROF);
	if (thread_times(t1)) {
		result(0, "guest_time", "/proc/thread-self/stat unreadable");
		guest_teardown(&g);
		return;
	}
	/* Most of the time is spent in the guest: at least a quarter. */
	result(t1[2] > t0[2] && 4 * (t1[2] - t0[2]) >= (t1[0] - t0[0]) + (t1[1] - t0[1]),
	       "guest_time", "ticks while a vCPU spun: guest %lu, user %lu, system %lu",
	       t1[2] - t0[2], t1[0] - t0[0], t1[1] - t0[1]);
	guest_teardown(&g);
}

/*
 * Single-step: the #DB reaches the guest's handler after one instruction,
 * with DR6.BS as the guest reads it (VMX reports it in the exit instead).
 */
#define SS(label) "(" #label " - ss_guest + 0x1000)"
GUEST_CODE(ss_guest, "16",
	   "movw $" SS(ss_db) ", 0x04\n movw $0, 0x06\n"
	   "pushf\n pop %ax\n or $0x100, %ax\n push %ax\n popf\n"
	   "nop\n"
	   "ss_after: nop\n"
	   "movw $" SS(ss_after) ", %ax\n"
	   "out %ax, $0x10\n"
	   "hlt\n"
	   "ss_db: mov %dr6, %eax\n mov %eax, 0x3000\n"
	   "mov %sp, %bp\n mov (%bp), %ax\n mov %ax, 0x3004\n"
	   "andw $0xfeff, 4(%bp)\n iret\n");

static void test_single_step(int dev)
{
	unsigned int dr6, ip;
	struct guest g;
	int ret;

	if (guest_setup(&g, dev, ss_guest, ss_guest_end - ss_guest)) {
		result(0, "single_step_db", "guest_setup: errno %d", errno);
		return;
	}
	ret = run(&g);
	memcpy(&dr6, g.mem + RESULTS, 4);
	memcpy(&ip, g.mem + RESULTS + 4, 2);
	ip &= 0xffff;
	result(out_exit(&g, ret) && ip == g.run->io.data && dr6 == 0xffff4ff0, "single_step_db",
	       "#DB after IP %#x (want %#llx), DR6 %#x (want 0xffff4ff0)", ip,
	       (unsigned long long)g.run->io.data, dr6);
	guest_teardown(&g);
}

/* ---- debug registers: the guest's own, the host's breakpoints kept ---- */

static int watched;

static void watched_write(int v)
{
	__atomic_store_n(&watched, v, __ATOMIC_SEQ_CST);
}

/* A write watchpoint on @addr for this task, or -1. */
static int perf_watch(void *addr)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_BREAKPOINT;
	a.size = sizeof(a);
	a.bp_type = HW_BREAKPOINT_W;
	a.bp_addr = (unsigned long)addr;
	a.bp_len = HW_BREAKPOINT_LEN_4;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	return syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

static unsigned long long perf_count(int fd)
{
	unsigned long long n = 0;

	return read(fd, &n, sizeof(n)) == sizeof(n) ? n : ~0ULL;
}

/* What the guest finds in its debug registers after RESET. */
GUEST_CODE(dr_read_guest, "16",
	   "mov %dr0, %eax\n mov %eax, 0x3000\n"
	   "mov %dr1, %eax\n mov %eax, 0x3004\n"
	   "mov %dr2, %eax\n mov %eax, 0x3008\n"
	   "mov %dr3, %eax\n mov %eax, 0x300c\n"
	   "mov %dr7, %eax\n mov %eax, 0x3010\n"
	   "out %al, $0x10\n"
	   "hlt\n");

/* What it wrote, across an exit (the hardware's DR0 is the host's then). */
GUEST_CODE(dr_write_guest, "16",
	   "mov $0x12345000, %eax\n mov %eax, %dr0\n"
	   "mov $0x402, %eax\n mov %eax, %dr7\n"
	   "out %al, $0x10\n"
	   "mov %dr0, %eax\n mov %eax, 0x3014\n"
	   "mov %dr7, %eax\n mov %eax, 0x3018\n"
	   "out %al, $0x10\n"
	   "hlt\n");

/*
 * A host watchpoint (perf, as ptrace and gdb set them) on this task while
 * its guest reads the debug registers: the guest sees its own RESET values,
 * not the watchpoint's address, and the watchpoint still fires afterwards.
 * The guest writing its own while the host's is armed is left out: QEMU
 * 7.2 crashes on it (Documentation/lab.rst), real CPUs do not.
 */
static void test_debug_registers(int dev)
{
	unsigned long long n0, n1, n2;
	struct guest g;
	int fd, ret;

	fd = perf_watch(&watched);
	if (fd < 0) {
		result(0, "debugregs", "perf_event_open(PERF_TYPE_BREAKPOINT): errno %d", errno);
		return;
	}
	n0 = perf_count(fd);
	watched_write(1);
	n1 = perf_count(fd);
	if (guest_setup(&g, dev, dr_read_guest, dr_read_guest_end - dr_read_guest)) {
		result(0, "debugregs", "guest_setup: errno %d", errno);
		close(fd);
		return;
	}
	ret = run(&g);
	result(out_exit(&g, ret) && !mem32(&g, 0x3000) && !mem32(&g, 0x3004) &&
	       !mem32(&g, 0x3008) && !mem32(&g, 0x300c) && mem32(&g, 0x3010) == 0x400,
	       "debugregs_guest_sees_reset_values",
	       "DR0-3 %#x %#x %#x %#x DR7 %#x (the host watches %p)", mem32(&g, 0x3000),
	       mem32(&g, 0x3004), mem32(&g, 0x3008), mem32(&g, 0x300c), mem32(&g, 0x3010),
	       (void *)&watched);
	guest_teardown(&g);
	watched_write(2);
	n2 = perf_count(fd);
	close(fd);
	/* Emulators without data breakpoints still load DR0 for it. */
	if (n1 == n0 + 1)
		result(n2 == n1 + 1, "debugregs_host_breakpoint_kept",
		       "host watchpoint hits: %llu before, %llu after the guest ran", n1 - n0,
		       n2 - n1);
	else
		printf("RESULT SKIP isolation debugregs_host_breakpoint_kept %s (hits %llu)\n",
		       "this emulator fires no data breakpoints", n1 - n0);

	if (guest_setup(&g, dev, dr_write_guest, dr_write_guest_end - dr_write_guest)) {
		result(0, "debugregs", "guest_setup: errno %d", errno);
		return;
	}
	ret = run(&g);
	ret = ret ?: run(&g);
	result(out_exit(&g, ret) && mem32(&g, 0x3014) == 0x12345000 &&
	       mem32(&g, 0x3018) == 0x402, "debugregs_guest_values_kept",
	       "DR0 %#x DR7 %#x across an exit", mem32(&g, 0x3014), mem32(&g, 0x3018));
	guest_teardown(&g);
}

/* ---- the run page: shared with the kernel, never trusted by it ---- */

static void test_run_page_mapping(int dev)
{
	struct guest g;
	void *p;
	pid_t pid;
	int st = 0;

	if (guest_setup(&g, dev, exits_guest, exits_guest_end - exits_guest)) {
		result(0, "run_page_mapping", "guest_setup: errno %d", errno);
		return;
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, g.vcpu, 0);
	result(p == MAP_FAILED && errno == EINVAL, "run_page_map_private_refused",
	       "mmap(MAP_PRIVATE) %s errno %d", p == MAP_FAILED ? "failed" : "worked", errno);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	p = mremap(g.run, 4096, 8192, 0);
	result(p == MAP_FAILED, "run_page_not_expanded", "mremap to 2 pages %s",
	       p == MAP_FAILED ? "refused" : "worked");
	if (p != MAP_FAILED)
		g.run = p;
	/* A child has no run page: its access faults. */
	pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		__atomic_load_n(&g.run->exit_reason, __ATOMIC_SEQ_CST);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	result(pid > 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "run_page_not_inherited",
	       "the child %s", WIFSIGNALED(st) ? "faulted" : "read the parent's run page");
	guest_teardown(&g);
}

/*
 * IN AL: userspace rewrites io.size to 4 before answering. The kernel
 * completes the IN it saw exit, one byte, leaving AH alone.
 */
GUEST_CODE(in_guest, "16",
	   "mov $0x1234, %ax\n"
	   "in $0x20, %al\n"
	   "out %ax, $0x10\n");

static void test_io_size_rewritten(int dev)
{
	struct guest g;
	int ret;

	if (guest_setup(&g, dev, in_guest, in_guest_end - in_guest)) {
		result(0, "io_size_from_the_exit", "guest_setup: errno %d", errno);
		return;
	}
	ret = run(&g);
	if (ret || g.run->exit_reason != VMM_EXIT_IO || g.run->io.size != 1) {
		result(0, "io_size_from_the_exit", "no IN exit: ret=%d reason %u", ret,
		       g.run->exit_reason);
		guest_teardown(&g);
		return;
	}
	g.run->io.size = 4;
	g.run->io.data = 0xaabbccdd;
	ret = run(&g);
	result(out_exit(&g, ret) && g.run->io.data == 0x12dd, "io_size_from_the_exit",
	       "AX after IN AL with io.size rewritten to 4: %#llx, want 0x12dd",
	       (unsigned long long)g.run->io.data);
	guest_teardown(&g);
}

/*
 * Without a table from userspace, CPUID hides what vmm does not give the
 * guest (security.rst). Leaf 1 with ECX left at junk: it has no subleaves.
 */
GUEST_CODE(cpuid_guest, "16",
	   "mov $1, %eax\n mov $0x55, %ecx\n cpuid\n mov %ecx, 0x3000\n mov %edx, 0x3004\n"
	   "mov $7, %eax\n xor %ecx, %ecx\n cpuid\n mov %ebx, 0x3008\n mov %ecx, 0x300c\n"
	   "mov %edx, 0x3010\n"
	   "mov $0x80000001, %eax\n cpuid\n mov %ecx, 0x3014\n mov %edx, 0x3018\n"
	   "out %al, $0x10\n"
	   "hlt\n");

static void test_default_cpuid(int dev)
{
	static const struct { const char *what; unsigned int off, bits; } hidden[] = {
		{ "1.ecx MONITOR VMX SMX PDCM x2APIC TSC-deadline", 0x3000,
		  1u << 3 | 1u << 5 | 1u << 6 | 1u << 15 | 1u << 21 | 1u << 24 },
		{ "1.edx APIC", 0x3004, 1u << 9 },
		{ "7.ebx INVPCID", 0x3008, 1u << 10 },
		{ "7.ecx PKU OSPKE WAITPKG CET_SS", 0x300c, 1u << 3 | 1u << 4 | 1u << 5 | 1u << 7 },
		{ "7.edx CET_IBT SPEC_CTRL..SSBD", 0x3010, 1u << 20 | 0xfc000000u },
		{ "80000001.ecx SVM", 0x3014, 1u << 2 },
		{ "80000001.edx RDTSCP", 0x3018, 1u << 27 },
	};
	char seen[256] = "";
	struct guest g;
	unsigned int i;
	int ret, ok;

	if (guest_setup(&g, dev, cpuid_guest, cpuid_guest_end - cpuid_guest)) {
		result(0, "default_cpuid_sanitised", "guest_setup: errno %d", errno);
		return;
	}
	ret = run(&g);
	ok = out_exit(&g, ret);
	for (i = 0; i < ARRAY_SIZE(hidden); i++) {
		unsigned int v = mem32(&g, hidden[i].off) & hidden[i].bits;

		if (v) {
			ok = 0;
			snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), " %s: %#x;",
				 hidden[i].what, v);
		}
	}
	result(ok, "default_cpuid_sanitised", "ret=%d, visible:%s", ret, seen[0] ? seen : " none");
	guest_teardown(&g);
}

/*
 * Slots are charged to RLIMIT_MEMLOCK: a process without CAP_IPC_LOCK
 * cannot have more guest memory pinned than it may mlock(). In a child,
 * which drops the capability and lowers the limit to 256 KiB.
 */
static int memlock_child(int dev)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	struct rlimit rl = { 256 << 10, 256 << 10 };
	struct vmm_create_vm cv = { 0 };
	void *mem;
	int vm, big, small, again;

	if (syscall(SYS_capget, &h, d))
		return 10;
	d[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	if (syscall(SYS_capset, &h, d) || setrlimit(RLIMIT_MEMLOCK, &rl))
		return 11;
	vm = ioctl(dev, VMM_CREATE_VM, &cv);
	mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED)
		return 12;
	big = slot(vm, 0, 0, 1 << 20, mem);		/* 1 MiB: over */
	small = slot(vm, 0, 0, 128 << 10, mem);		/* 128 KiB: fits */
	/* Replacing it releases its charge first: 192 KiB fits again. */
	again = slot(vm, 0, 0, 192 << 10, mem);
	printf("memlock child: 1 MiB slot %d, 128 KiB %d, replaced by 192 KiB %d\n",
	       big, small, again);
	return big == -ENOMEM && !small && !again ? 0 : 1;
}

static void test_memlock(int dev)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0)
		_exit(memlock_child(dev));
	waitpid(pid, &st, 0);
	result(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "slots_charged_to_memlock",
	       "child status %d (1: a slot not refused or refused wrongly, >= 10: setup)",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* EFER.SVME is the host's business on SVM and means nothing on VMX. */
static void test_efer_svme(int dev)
{
	struct vmm_sregs sregs;
	struct guest g;
	int ret;

	if (guest_setup(&g, dev, exits_guest, exits_guest_end - exits_guest) ||
	    ioctl(g.vcpu, VMM_GET_SREGS, &sregs)) {
		result(0, "set_sregs_efer_svme_refused", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	sregs.efer |= 1ULL << 12;
	ret = ioctl(g.vcpu, VMM_SET_SREGS, &sregs);
	result(ret < 0 && errno == EINVAL, "set_sregs_efer_svme_refused", "ret=%d errno %d",
	       ret, errno);
	guest_teardown(&g);
}

/*
 * ---- Reboot with a vCPU in the guest: the plan's last step ----
 *
 * "isolation_test spin_until_reboot FIFO": a guest that exits once to
 * userspace (then FIFO gets a line: the vCPU has run) and from then on
 * exits to the kernel only (CPUID), so that VMM_RUN never returns on its
 * own. The plan then powers the machine off. vmm's reboot notifier turns
 * the extension off on every CPU meanwhile, under this thread's feet: the
 * vCPU must stop with -ESHUTDOWN and a line in the kernel log (the host
 * side of the lab checks it), not oops on its next VMX or SVM instruction.
 */
GUEST_CODE(reboot_guest, "16",
	   "out %al, $0x10\n"
	   "1: xor %eax, %eax\n"
	   "cpuid\n"
	   "jmp 1b\n");

static int spin_until_reboot(int dev, const char *fifo)
{
	struct guest g;
	int ret, fd;

	if (guest_setup(&g, dev, reboot_guest, reboot_guest_end - reboot_guest)) {
		result(0, "reboot_spinner", "guest_setup: errno %d", errno);
		return result_status();
	}
	ret = run(&g);
	fd = open(fifo, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		dprintf(fd, "%s\n", out_exit(&g, ret) ? "ok" : "failed");
		close(fd);
	}
	if (!out_exit(&g, ret)) {
		result(0, "reboot_spinner", "no first exit: ret=%d", ret);
		return result_status();
	}
	ret = run(&g);
	/* Likely never seen: the machine is going down. */
	result(ret == -ESHUTDOWN, "reboot_spinner", "VMM_RUN during the reboot: %d", ret);
	guest_teardown(&g);
	return result_status();
}

/*
 * "isolation_test --kvm kvm_hold FIFO": a kvm VM with one vCPU (no in-kernel
 * APIC), kept until the process is killed. While it lives, kvm's other VMs
 * come and go without flipping the static keys kvm turns on for its first
 * VM and vCPU (preempt notifiers, vCPUs without an APIC): the kernel then
 * patches no code with INT3 on every VM, which is where the lab's emulated
 * machines were seen to hang (Documentation/lab.rst). The plan holds one
 * across its kvm guests; FIFO gets "ok" once the VM exists.
 */
static int kvm_hold(int kvm, const char *fifo)
{
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	int vcpu = vm < 0 ? -1 : ioctl(vm, KVM_CREATE_VCPU, 0);
	int fd = open(fifo, O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		dprintf(fd, "%s\n", vcpu >= 0 ? "ok" : "failed");
		close(fd);
	}
	if (vcpu < 0)
		return 1;
	for (;;)
		pause();
}

/* ---- string I/O through the guest's page tables and segments ---- */

/*
 * INS and OUTS elements that vmm transfers itself must fault as the
 * processor's would (issue 10, point 14): the guest's #PF, #GP and #SS
 * handlers report the vector (the OUT to port 0x10), the error code (RBP)
 * and CR2 (RBX); a string instruction that completes says so on port 0x11.
 * The data port is SIO_PORT.
 *
 * Memory: 4 KiB pages for the first 2 MiB (SIO_PT), user and writable
 * unless set otherwise below; the descriptor tables, page tables and the
 * handlers' stack on supervisor pages (SMAP applies to the processor's own
 * accesses there).
 */
#define SIO_PORT	0x20
#define SIO_IDT		0x4000
#define SIO_KSTACK	0xa000		/* top of the supervisor stack page */
#define SIO_PT		0x13000
#define SIO_USER	0x20000		/* user, writable */
#define SIO_SUPER	0x21000		/* supervisor, writable */
#define SIO_SUPER_RO	0x22000		/* supervisor, read-only */
#define SIO_SECRET	0x5a
#define SIO_FILL	0xab
#define CR0_WP		BIT_ULL(16)
#define CR4_LA57	BIT_ULL(12)
#define CR4_PCIDE	BIT_ULL(17)
#define CR4_SMAP	BIT_ULL(21)
#define RFLAGS_IOPL3	0x3000ULL
#define RFLAGS_AC	BIT_ULL(18)
#define RFLAGS_DF	BIT_ULL(10)

/*
 * The handlers sit at fixed offsets in the code, for the IDT: #SS at
 * SIO_H_SS, #GP at SIO_H_GP, #PF at SIO_H_PF (32-bit guest: #GP at
 * SIO_H_GP). RBX: 0 REP INSB, 1 REP OUTSB, 2 REP OUTSB through SS; 3
 * stores RCX at [RDI] (a PTE), then loads from [RSI] (MMIO) at SIO_MMIO.
 */
#define SIO_H_SS	0x10
#define SIO_H_GP	0x20
#define SIO_H_PF	0x30
#define SIO_MMIO	0x100
GUEST_CODE(sio64_guest, "64",
	   "jmp 5f\n"
	   ".org sio64_guest + 0x10\n mov $12, %eax\n jmp 6f\n"
	   ".org sio64_guest + 0x20\n mov $13, %eax\n jmp 6f\n"
	   ".org sio64_guest + 0x30\n mov $14, %eax\n"
	   "6: pop %rbp\n mov %cr2, %rbx\n out %al, $0x10\n hlt\n"
	   "5: cmp $1, %rbx\n je 1f\n cmp $2, %rbx\n je 3f\n cmp $3, %rbx\n je 4f\n"
	   "rep insb\n jmp 2f\n"
	   "1: rep outsb\n jmp 2f\n"
	   "3: rep outsb %ss:(%rsi), (%dx)\n jmp 2f\n"
	   "4: mov %rcx, (%rdi)\n jmp 7f\n"
	   ".org sio64_guest + 0x100\n 7: mov (%rsi), %al\n"
	   "2: out %al, $0x11\n hlt\n");
GUEST_CODE(sio32_guest, "32",
	   "jmp 5f\n"
	   ".org sio32_guest + 0x20\n mov $13, %eax\n pop %ebp\n out %al, $0x10\n hlt\n"
	   "5: rep insb\n out %al, $0x11\n hlt\n");

static int use_kvm;		/* --kvm: the sio cases under kvm.ko, the oracle */

/* A sio case's result; under kvm named kvm.NAME. */
static void sio_result(int ok, const char *name, const char *fmt, ...)
{
	char full[80], detail[256];
	va_list ap;

	snprintf(full, sizeof(full), "%s%s", use_kvm ? "kvm." : "", name);
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	result(ok, full, "%s", detail);
}

static void sio_skip(const char *name, const char *why)
{
	printf("RESULT SKIP isolation %s%s %s\n", use_kvm ? "kvm." : "", name, why);
}

struct sio_case {
	int cpl3, prot32;
	unsigned long long op, addr, count, rflags, cr0, cr4, cr3_low;
	int la57;
};

struct sio_seen {
	int ret, fault;			/* fault: vector reported, or 0 */
	int completed;			/* reached port 0x11 */
	unsigned int exit_reason, port_exits;
	unsigned long long ec, cr2, rcx, rdi, rsi;
	unsigned char out[64];		/* what OUTS gave the port */
	unsigned int nout;
};

/* The 4 KiB page tables of the 64-bit guest, and for @la57 a 5-level root. */
static unsigned long long sio_tables(unsigned char *mem, int la57, int user_pt)
{
	static const unsigned long long super[] = {
		0, SIO_IDT, SIO_KSTACK - 0x1000, 0x10000, 0x11000, 0x12000, SIO_PT,
		SIO_SUPER,
	};
	unsigned int i;

	put64(mem, PML4, (PML4 + 0x1000) | 7);
	put64(mem, PML4 + 0x1000, (PML4 + 0x2000) | 7);
	put64(mem, PML4 + 0x2000, SIO_PT | 7);
	for (i = 0; i < 512; i++)
		put64(mem, SIO_PT + i * 8, ((unsigned long long)i << 12) | 7);
	for (i = 0; i < ARRAY_SIZE(super); i++)
		put64(mem, SIO_PT + (super[i] >> 12) * 8, super[i] | 3);
	put64(mem, SIO_PT + (SIO_SUPER_RO >> 12) * 8, SIO_SUPER_RO | 1);
	/* The guest that rewrites its code's PTE does it at CPL 3. */
	if (user_pt)
		put64(mem, SIO_PT + (SIO_PT >> 12) * 8, SIO_PT | 7);
	if (!la57)
		return PML4;
	/*
	 * PML5 at 0x14000: entry 0 is the tables above; entry 1 (linear
	 * 1 << 48 up) maps its page 0x20 to guest-physical 0x24000 through
	 * 0x15000 (PML4), 0x16000, 0x17000, 0x18000 (PT).
	 */
	memset(mem + 0x14000, 0, 5 * 4096);
	put64(mem, 0x14000, PML4 | 7);
	put64(mem, 0x14008, 0x15000 | 7);
	put64(mem, 0x15000, 0x16000 | 7);
	put64(mem, 0x16000, 0x17000 | 7);
	put64(mem, 0x17000, 0x18000 | 7);
	put64(mem, 0x18000 + 0x20 * 8, 0x24000 | 3);
	return 0x14000;
}

/* Guest memory for the case, the code at CODE already. */
static void sio_memory(unsigned char *mem, const struct sio_case *c)
{
	if (c->prot32) {
		idt32_gate(mem, SIO_IDT, 13, CODE + SIO_H_GP);
	} else {
		idt64_gate(mem, SIO_IDT, 12, CODE + SIO_H_SS);
		idt64_gate(mem, SIO_IDT, 13, CODE + SIO_H_GP);
		idt64_gate(mem, SIO_IDT, 14, CODE + SIO_H_PF);
	}
	put64(mem, TSS + 4, SIO_KSTACK);	/* RSP0 */
	memset(mem + SIO_USER, SIO_SECRET, 0x5000);
}

/* The registers for the case, @sregs and @regs as guest.h set them. */
static void sio_state(unsigned char *mem, const struct sio_case *c, struct vmm_sregs *sregs,
		      struct vmm_regs *regs)
{
	sregs->idt.base = SIO_IDT;
	sregs->idt.limit = c->prot32 ? 8 * 32 - 1 : 16 * 32 - 1;
	sregs->cr0 |= c->cr0;
	sregs->cr4 |= c->cr4;
	if (!c->prot32) {
		sregs->cr3 = sio_tables(mem, c->la57, c->op == 3) | c->cr3_low;
		if (c->la57)
			sregs->cr4 |= CR4_LA57;
	}
	if (c->cpl3) {
		sregs->cs = flat_seg(0x33, 0xafb);	/* 64-bit code, DPL 3 */
		sregs->ss = flat_seg(0x2b, 0xcf3);	/* data, DPL 3 */
		sregs->ds = sregs->ss;
		sregs->es = sregs->ss;
	}
	if (c->prot32) {
		/* ES: a data segment whose limit ends at SIO_SUPER - 5. */
		sregs->es.limit = SIO_SUPER - 5;
		sregs->es.attrib = c->rflags & RFLAGS_DF ? 0x497 : 0x493;
	}
	memset(regs, 0, sizeof(*regs));
	regs->rip = CODE;
	regs->rbx = c->op;
	regs->rdi = c->addr;
	regs->rsi = c->addr;
	regs->rcx = c->count;
	if (c->op == 3)		/* the PTE of the code's page */
		regs->rdi = SIO_PT + (CODE >> 12) * 8;
	regs->rdx = SIO_PORT;
	regs->rsp = c->cpl3 ? STACK_TOP : SIO_KSTACK;
	regs->rflags = 2 | c->rflags | (c->cpl3 ? RFLAGS_IOPL3 : 0);
}

/*
 * One exit: answers SIO_PORT (INS: SIO_FILL bytes; OUTS: kept in @seen);
 * at port 0x10 or 0x11 takes what the guest reports from @regs. Returns 1
 * to go on running.
 */
static int sio_exit(const struct sio_case *c, struct sio_seen *seen, unsigned int port,
		    int in, unsigned char *data, unsigned int n, unsigned int value,
		    const struct vmm_regs *regs)
{
	if (port == SIO_PORT) {
		seen->port_exits++;
		if (in)
			memset(data, SIO_FILL, n);
		else
			for (; n && seen->nout < sizeof(seen->out); n--)
				seen->out[seen->nout++] = *data++;
		return 1;
	}
	seen->rcx = regs->rcx;
	seen->rdi = regs->rdi;
	seen->rsi = regs->rsi;
	if (port == 0x10) {
		seen->fault = value & 0xff;
		seen->ec = c->prot32 ? (unsigned int)regs->rbp : regs->rbp;
		seen->cr2 = regs->rbx;
	} else {
		seen->completed = port == 0x11;
	}
	return 0;
}

static int sio_run_kvm(int kvm, const struct sio_case *c, struct guest *g,
		       struct sio_seen *seen);

/* Runs the case until the guest reports, answering SIO_PORT's exits. */
static int sio_run(int dev, const struct sio_case *c, struct guest *g, struct sio_seen *seen)
{
	struct vmm_sregs sregs;
	struct vmm_regs regs;
	unsigned int i;

	memset(seen, 0, sizeof(*seen));
	if (use_kvm)
		return sio_run_kvm(dev, c, g, seen);
	if (c->prot32 ? guest_setup_mode(g, dev, GUEST_PROT, sio32_guest,
					 sio32_guest_end - sio32_guest) :
			guest_setup_mode(g, dev, GUEST_LONG, sio64_guest,
					 sio64_guest_end - sio64_guest))
		return -1;
	sio_memory(g->mem, c);
	if (ioctl(g->vcpu, VMM_GET_SREGS, &sregs))
		return -1;
	sio_state(g->mem, c, &sregs, &regs);
	if (ioctl(g->vcpu, VMM_SET_SREGS, &sregs) || ioctl(g->vcpu, VMM_SET_REGS, &regs))
		return -1;

	for (i = 0; i < 64; i++) {
		struct vmm_run *r = g->run;
		unsigned char *data;

		seen->ret = run(g);
		seen->exit_reason = r->exit_reason;
		if (seen->ret || r->exit_reason != VMM_EXIT_IO)
			break;
		data = r->io.count == 1 ? (unsigned char *)&r->io.data :
					  (unsigned char *)r + VMM_RUN_IO_DATA;
		if (r->io.port != SIO_PORT)
			ioctl(g->vcpu, VMM_GET_REGS, &regs);
		if (!sio_exit(c, seen, r->io.port, r->io.direction == VMM_IO_IN, data,
			      r->io.count * r->io.size, r->io.data, &regs))
			break;
	}
	return 0;
}

/* ---- the same guests under kvm.ko (isolation_test --kvm) ---- */

static struct kvm_segment kvm_seg(const struct vmm_segment *s)
{
	return (struct kvm_segment){
		.base = s->base, .limit = s->limit, .selector = s->selector,
		.type = s->attrib & 15, .s = (s->attrib >> 4) & 1,
		.dpl = (s->attrib >> 5) & 3, .present = (s->attrib >> 7) & 1,
		.avl = (s->attrib >> 8) & 1, .l = (s->attrib >> 9) & 1,
		.db = (s->attrib >> 10) & 1, .g = (s->attrib >> 11) & 1,
		.unusable = !(s->attrib & 0x80),
	};
}

/* The CPUID kvm supports, as the vCPU's: it checks CR4 bits against it. */
static int kvm_cpuid(int kvm, int vcpu)
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[100];
	} t = { .c.nent = 100 };

	return ioctl(kvm, KVM_GET_SUPPORTED_CPUID, &t) || ioctl(vcpu, KVM_SET_CPUID2, &t);
}

static int sio_run_kvm(int kvm, const struct sio_case *c, struct guest *g,
		       struct sio_seen *seen)
{
	struct kvm_userspace_memory_region region = { .memory_size = MEM_SIZE };
	struct vmm_sregs sregs = { 0 };
	struct kvm_sregs ks;
	struct vmm_regs regs;
	struct kvm_regs kr;
	struct kvm_run *r;
	int run_size, ret = -1;
	unsigned int i;

	memset(g, 0, sizeof(*g));
	g->vcpu = -1;
	g->run = MAP_FAILED;
	g->vm = ioctl(kvm, KVM_CREATE_VM, 0);
	g->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (g->vm < 0 || g->mem == MAP_FAILED) {
		g->mem = NULL;
		return -1;
	}
	region.userspace_addr = (unsigned long)g->mem;
	if (ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &region))
		return -1;
	g->vcpu = ioctl(g->vm, KVM_CREATE_VCPU, 0);
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (g->vcpu < 0 || run_size < 0 || kvm_cpuid(kvm, g->vcpu))
		return -1;
	r = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu, 0);
	if (r == MAP_FAILED)
		return -1;
	if (c->prot32)
		memcpy(g->mem + CODE, sio32_guest, sio32_guest_end - sio32_guest);
	else
		memcpy(g->mem + CODE, sio64_guest, sio64_guest_end - sio64_guest);
	guest_mode_state(g->mem, c->prot32 ? GUEST_PROT : GUEST_LONG, &sregs);
	sio_memory(g->mem, c);
	sio_state(g->mem, c, &sregs, &regs);
	if (ioctl(g->vcpu, KVM_GET_SREGS, &ks))
		goto out;
	ks.cs = kvm_seg(&sregs.cs);
	ks.ds = kvm_seg(&sregs.ds);
	ks.es = kvm_seg(&sregs.es);
	ks.fs = kvm_seg(&sregs.fs);
	ks.gs = kvm_seg(&sregs.gs);
	ks.ss = kvm_seg(&sregs.ss);
	ks.tr = kvm_seg(&sregs.tr);
	ks.ldt = kvm_seg(&sregs.ldtr);
	ks.gdt.base = sregs.gdt.base;
	ks.gdt.limit = sregs.gdt.limit;
	ks.idt.base = sregs.idt.base;
	ks.idt.limit = sregs.idt.limit;
	ks.cr0 = sregs.cr0;
	ks.cr3 = sregs.cr3;
	ks.cr4 = sregs.cr4;
	ks.efer = sregs.efer;
	memcpy(&kr, &regs, sizeof(kr));		/* the same layout */
	if (ioctl(g->vcpu, KVM_SET_SREGS, &ks) || ioctl(g->vcpu, KVM_SET_REGS, &kr))
		goto out;

	for (i = 0; i < 64; i++) {
		seen->ret = ioctl(g->vcpu, KVM_RUN, 0) < 0 ? -errno : 0;
		seen->exit_reason = r->exit_reason;
		if (seen->ret || r->exit_reason != KVM_EXIT_IO)
			break;
		if (r->io.port != SIO_PORT && !ioctl(g->vcpu, KVM_GET_REGS, &kr))
			memcpy(&regs, &kr, sizeof(regs));
		if (!sio_exit(c, seen, r->io.port, r->io.direction == KVM_EXIT_IO_IN,
			      (unsigned char *)r + r->io.data_offset, r->io.count * r->io.size,
			      *((unsigned char *)r + r->io.data_offset), &regs))
			break;
	}
	/* The checks compare exits to vmm's: an IO exit is "1" there too. */
	if (seen->exit_reason == KVM_EXIT_IO)
		seen->exit_reason = VMM_EXIT_IO;
	ret = 0;
out:
	munmap(r, run_size);
	return ret;
}

/* All @n bytes at @gpa are @v. */
static int mem_is(const struct guest *g, unsigned long gpa, unsigned char v, unsigned int n)
{
	while (n--)
		if (g->mem[gpa++] != v)
			return 0;
	return 1;
}

/* What the guest did, for a result's detail. */
static const char *sio_detail(const struct sio_seen *s)
{
	static char buf[200];

	snprintf(buf, sizeof(buf),
		 "ret=%d exit %u, %s vector %d error code %#llx CR2 %#llx, RCX %#llx RDI %#llx, %u data exits",
		 s->ret, s->exit_reason, s->completed ? "completed," : "", s->fault, s->ec,
		 s->cr2, s->rcx, s->rdi, s->port_exits);
	return buf;
}

static int cpu_has(unsigned int leaf, int reg, unsigned int bit)
{
	unsigned int r[4];

	asm volatile("cpuid" : "=a" (r[0]), "=b" (r[1]), "=c" (r[2]), "=d" (r[3])
		     : "a" (leaf), "c" (0));
	return !!(r[reg] & (1u << bit));
}

/*
 * CPL 3, REP INSB of 16 bytes from 8 below a supervisor page: the first 8
 * land in the user page, then #PF with U|W|P and CR2 at the supervisor
 * page, which keeps its bytes; RCX and RDI say 8 were done.
 */
static void test_sio_ins_cpl3(int dev)
{
	struct sio_case c = { .cpl3 = 1, .op = 0, .addr = SIO_SUPER - 8, .count = 16 };
	struct sio_seen s;
	struct guest g;

	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_ins_cpl3_supervisor_page", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	sio_result(s.fault == 14 && s.ec == 7 && s.cr2 == SIO_SUPER && s.rcx == 8 &&
		   s.rdi == SIO_SUPER && mem_is(&g, SIO_SUPER - 8, SIO_FILL, 8) &&
		   mem_is(&g, SIO_SUPER, SIO_SECRET, 16), "sio_ins_cpl3_supervisor_page",
		   "%s", sio_detail(&s));
	guest_teardown(&g);

	/* Going down (DF=1) the first element is the highest: CR2 is its address. */
	c.addr = SIO_SUPER + 7;
	c.count = 4;
	c.rflags = RFLAGS_DF;
	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_ins_cpl3_down_cr2", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	sio_result(s.fault == 14 && s.ec == 7 && s.cr2 == SIO_SUPER + 7 && s.rcx == 4 &&
		   mem_is(&g, SIO_SUPER, SIO_SECRET, 8), "sio_ins_cpl3_down_cr2",
		   "%s", sio_detail(&s));
	guest_teardown(&g);
}

/* CPL 3, REP OUTSB from a supervisor page: #PF U|P, nothing reaches the port. */
static void test_sio_outs_cpl3(int dev)
{
	struct sio_case c = { .cpl3 = 1, .op = 1, .addr = SIO_SUPER, .count = 4 };
	struct sio_seen s;
	struct guest g;

	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_outs_cpl3_supervisor_page", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	sio_result(s.fault == 14 && s.ec == 5 && s.cr2 == SIO_SUPER && s.rcx == 4 && !s.nout,
		   "sio_outs_cpl3_supervisor_page", "%s", sio_detail(&s));
	guest_teardown(&g);
}

/*
 * CPL 0, REP INSB into a read-only supervisor page: #PF W|P with CR0.WP,
 * the page unchanged; without CR0.WP the supervisor write goes through.
 */
static void test_sio_write_protect(int dev)
{
	struct sio_case c = { .op = 0, .addr = SIO_SUPER_RO, .count = 4, .cr0 = CR0_WP };
	struct sio_seen s;
	struct guest g;

	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_ins_read_only_wp", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	sio_result(s.fault == 14 && s.ec == 3 && s.cr2 == SIO_SUPER_RO &&
		   mem_is(&g, SIO_SUPER_RO, SIO_SECRET, 4), "sio_ins_read_only_wp",
		   "%s", sio_detail(&s));
	guest_teardown(&g);

	c.cr0 = 0;
	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_ins_read_only_no_wp", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	sio_result(s.completed && mem_is(&g, SIO_SUPER_RO, SIO_FILL, 4), "sio_ins_read_only_no_wp",
		   "%s", sio_detail(&s));
	guest_teardown(&g);
}

/* CPL 0 with CR4.SMAP, REP INSB into a user page: #PF W|P with AC=0; AC=1 lets it. */
static void test_sio_smap(int dev)
{
	struct sio_case c = { .op = 0, .addr = SIO_USER, .count = 4, .cr4 = CR4_SMAP };
	struct sio_seen s;
	struct guest g;

	if (!cpu_has(7, 1, 20)) {
		sio_skip("sio_smap", "this CPU has no SMAP");
		return;
	}
	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_smap_ac0", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	sio_result(s.fault == 14 && s.ec == 3 && s.cr2 == SIO_USER &&
		   mem_is(&g, SIO_USER, SIO_SECRET, 4), "sio_smap_ac0", "%s", sio_detail(&s));
	guest_teardown(&g);

	c.rflags = RFLAGS_AC;
	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_smap_ac1", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	sio_result(s.completed && mem_is(&g, SIO_USER, SIO_FILL, 4), "sio_smap_ac1",
		   "%s", sio_detail(&s));
	guest_teardown(&g);
}

/*
 * 32-bit protected mode, ES limit SIO_SUPER - 5: REP INSB of 16 from
 * SIO_SUPER - 8 writes 4 bytes, then #GP(0), EDI at the first byte beyond
 * the limit, nothing written beyond it. Expand-down, DF=1, from
 * SIO_SUPER - 4 (the lowest valid offset): one byte, then #GP(0).
 */
static void test_sio_segment_limit(int dev)
{
	struct sio_case c = { .prot32 = 1, .addr = SIO_SUPER - 8, .count = 16 };
	struct sio_seen s;
	struct guest g;

	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_ins_segment_limit", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	/*
	 * kvm writes a REP chunk as one block: the limit check fails it
	 * whole, the port's bytes read and dropped. Hardware goes element
	 * by element (SDM, INS: "REP prefix"), as vmm does.
	 */
	if (use_kvm && s.fault == 13 && s.ec == 0 && s.rcx == 16 && s.rdi == SIO_SUPER - 8 &&
	    mem_is(&g, SIO_SUPER - 8, SIO_SECRET, 20)) {
		sio_skip("sio_ins_segment_limit",
			 "kvm raises the #GP(0) for the whole chunk, RCX 16 (vmm: 4 elements first)");
		guest_teardown(&g);
		goto expand_down;
	}
	sio_result(s.fault == 13 && s.ec == 0 && s.rcx == 12 && s.rdi == SIO_SUPER - 4 &&
		   mem_is(&g, SIO_SUPER - 8, SIO_FILL, 4) &&
		   mem_is(&g, SIO_SUPER - 4, SIO_SECRET, 16), "sio_ins_segment_limit",
		   "%s", sio_detail(&s));
	guest_teardown(&g);

expand_down:
	c.addr = SIO_SUPER - 4;
	c.count = 8;
	c.rflags = RFLAGS_DF;
	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_ins_expand_down_limit", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	sio_result(s.fault == 13 && s.ec == 0 && s.rcx == 7 && s.rdi == SIO_SUPER - 5 &&
		   mem_is(&g, SIO_SUPER - 4, SIO_FILL, 1) &&
		   mem_is(&g, SIO_SUPER - 12, SIO_SECRET, 8), "sio_ins_expand_down_limit",
		   "%s", sio_detail(&s));
	guest_teardown(&g);
}

/* 64-bit mode, a non-canonical operand: #GP(0); through SS, #SS(0). */
static void test_sio_noncanonical(int dev)
{
	struct sio_case c = { .op = 0, .addr = 1ULL << 47, .count = 4 };
	struct sio_seen s;
	struct guest g;

	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_ins_noncanonical", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	/* Whether the port is read first is not architectural (kvm reads it). */
	sio_result(s.fault == 13 && s.ec == 0 && s.rcx == 4 && s.rdi == 1ULL << 47,
		   "sio_ins_noncanonical", "%s", sio_detail(&s));
	guest_teardown(&g);

	c.op = 2;
	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_outs_ss_noncanonical", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	sio_result(s.fault == 12 && s.ec == 0 && s.rcx == 4 && !s.nout,
		   "sio_outs_ss_noncanonical", "%s", sio_detail(&s));
	guest_teardown(&g);
}

/*
 * CR3's low 12 bits are a PCID with CR4.PCIDE (on a CPU without PCIDs,
 * bits 11:5 set without it, which the processor ignores): string I/O
 * still lands in the page the tables map.
 */
static void test_sio_pcid(int dev)
{
	struct sio_case c = { .op = 0, .addr = SIO_USER, .count = 4 };
	int pcid = cpu_has(1, 2, 17);
	struct sio_seen s;
	struct guest g;

	c.cr4 = pcid ? CR4_PCIDE : 0;
	c.cr3_low = pcid ? 0x7e5 : 0x7e0;
	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_cr3_pcid", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	printf("sio_cr3_pcid: %s, CR3 low bits %#llx\n",
	       pcid ? "CR4.PCIDE" : "no PCIDs on this CPU, CR4.PCIDE clear", c.cr3_low);
	sio_result(s.completed && s.port_exits == 1 && mem_is(&g, SIO_USER, SIO_FILL, 4),
		   "sio_cr3_pcid", "%s", sio_detail(&s));
	guest_teardown(&g);
}

/*
 * MMIO: the instruction vmm fetches to decode is fetched with the guest's
 * rights. At CPL 3 the guest makes its code page supervisor-only (no
 * INVLPG: the processor runs on from its TLB), then loads from a
 * guest-physical address no slot backs: vmm's fetch of that instruction
 * faults, and the guest gets the #PF (U|P, CR2 its address) instead of an
 * MMIO exit: one of the outcomes the architecture allows a guest that
 * did not flush its TLB. kvm-amd (6.1, in the lab) cannot fetch it
 * either and retries the instruction without end, inside KVM_RUN: under
 * --kvm this is a SKIP. With decode assists (SVM on real
 * CPUs) vmm decodes the processor's own copy and the MMIO exit is right.
 */
static void test_mmio_fetch(int dev)
{
	struct sio_case c = { .cpl3 = 1, .op = 3, .addr = 0x150000,
			      .count = CODE | 3 };
	unsigned long long rip = CODE + SIO_MMIO;
	struct sio_seen s;
	struct guest g;

	if (use_kvm) {
		sio_skip("sio_mmio_fetch_fault",
			 "kvm re-enters the guest without end (KVM_RUN does not return)");
		return;
	}
	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_mmio_fetch_fault", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	sio_result(s.fault == 14 && s.ec == 5 && s.cr2 == rip, "sio_mmio_fetch_fault",
		   "want #PF 5 at %#llx: %s", rip, sio_detail(&s));
	guest_teardown(&g);
}

/* 5-level paging: REP INSB at 1 << 48 lands where the PML5's entry 1 maps it. */
static void test_sio_la57(int dev)
{
	struct sio_case c = { .op = 0, .addr = (1ULL << 48) | SIO_USER, .count = 4,
			      .la57 = 1 };
	struct sio_seen s;
	struct guest g;

	if (!cpu_has(7, 2, 16)) {
		sio_skip("sio_la57", "this CPU has no 5-level paging");
		return;
	}
	if (sio_run(dev, &c, &g, &s)) {
		sio_result(0, "sio_la57", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	sio_result(s.completed && mem_is(&g, 0x24000, SIO_FILL, 4) &&
		   mem_is(&g, SIO_USER, SIO_SECRET, 4), "sio_la57", "%s", sio_detail(&s));
	guest_teardown(&g);
}

/* All the cases, or those named on the command line (to run one alone). */
static const struct {
	const char *name;
	void (*fn)(int dev);
} cases[] = {
	{ "gdt_limit", test_gdt_limit },
	{ "syscall_msrs", test_syscall_msrs },
	{ "swapgs", test_swapgs },
	{ "intercepts", test_intercepts },
	{ "single_step", test_single_step },
	{ "debug_registers", test_debug_registers },
	{ "run_page_mapping", test_run_page_mapping },
	{ "io_size_rewritten", test_io_size_rewritten },
	{ "efer_svme", test_efer_svme },
	{ "default_cpuid", test_default_cpuid },
	{ "memlock", test_memlock },
	{ "tsc_aux", test_tsc_aux },
	{ "guest_time", test_guest_time },
	{ "sio_ins_cpl3", test_sio_ins_cpl3 },
	{ "sio_outs_cpl3", test_sio_outs_cpl3 },
	{ "sio_write_protect", test_sio_write_protect },
	{ "sio_smap", test_sio_smap },
	{ "sio_segment_limit", test_sio_segment_limit },
	{ "sio_noncanonical", test_sio_noncanonical },
	{ "sio_pcid", test_sio_pcid },
	{ "sio_la57", test_sio_la57 },
	{ "sio_mmio_fetch", test_mmio_fetch },
};

/*
 * isolation_test [--kvm] [NAME...]: --kvm runs the sio cases under kvm.ko
 * instead (result names "kvm.sio_..."), the oracle for what vmm's give.
 */
int main(int argc, char **argv)
{
	unsigned int i;
	int dev, j;

	if (argc > 1 && !strcmp(argv[1], "--kvm")) {
		use_kvm = 1;
		argv++;
		argc--;
	}
	dev = open(use_kvm ? "/dev/kvm" : "/dev/vmm", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		perror(use_kvm ? "/dev/kvm" : "/dev/vmm");
		return 100;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (use_kvm && argc == 3 && !strcmp(argv[1], "kvm_hold"))
		return kvm_hold(dev, argv[2]);
	if (argc == 3 && !strcmp(argv[1], "spin_until_reboot"))
		return spin_until_reboot(dev, argv[2]);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (use_kvm && strncmp(cases[i].name, "sio_", 4))
			continue;
		for (j = 1; j < argc && strcmp(argv[j], cases[i].name); j++)
			;
		if (argc == 1 || j < argc)
			cases[i].fn(dev);
	}
	close(dev);
	return result_status();
}
