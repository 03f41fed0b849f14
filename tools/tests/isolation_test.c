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

static void test_gdt_limit(int dev)
{
	unsigned int before, after;
	cpu_set_t cpus;
	struct guest g;
	int ret;

	/* The guest and the check on one CPU: the limit is per CPU. */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
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
	CPU_ZERO(&cpus);
	for (ret = 0; ret < CPU_SETSIZE; ret++)
		CPU_SET(ret, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
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
	cpu_set_t cpus;
	struct guest g;
	int ret;

	/* The last CPU: its TSC_AUX is not 0 where there are several. */
	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
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
	CPU_ZERO(&cpus);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
}

/*
 * ---- Guest time and CPU-time timers while the exits stay in the kernel ----
 *
 * A vCPU that spins, with a CPUID (an exit handled in the kernel) every
 * 20000 rounds, which Bochs needs and which leaves most of the time to the
 * guest even on a KASAN host, until a CPU-time timer (ITIMER_PROF, 100 ms)
 * ends VMM_RUN. The
 * kernel fires such timers through task work on the way to user mode,
 * which a vCPU that never exits to userspace must not put off (a real-time
 * timer of 2 s is the backstop). Ticks that land in the guest count as the
 * thread's guest time (field 43 of /proc/thread-self/stat; "guest" in
 * /proc/stat and top), as under kvm; they are also part of its user time.
 */
GUEST_CODE(spin_guest, "16",
	   "1: mov $20000, %ecx\n"
	   "2: loop 2b\n"
	   "xor %eax, %eax\n"
	   "cpuid\n"
	   "jmp 1b\n");

static volatile sig_atomic_t got_signal;

static void on_timer(int sig)
{
	got_signal = sig;
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
	int ret;

	if (guest_setup(&g, dev, spin_guest, spin_guest_end - spin_guest) ||
	    thread_times(t0)) {
		result(0, "guest_time", "setup: errno %d", errno);
		guest_teardown(&g);
		return;
	}
	got_signal = 0;
	sigaction(SIGPROF, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &backstop, NULL);
	setitimer(ITIMER_PROF, &prof, NULL);
	ret = run(&g);
	setitimer(ITIMER_PROF, &off, NULL);
	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGPROF, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	result(ret == -EINTR && got_signal == SIGPROF, "cpu_timer_fires",
	       "VMM_RUN returned %d on signal %d, want -EINTR on SIGPROF (%d)",
	       ret, (int)got_signal, SIGPROF);
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
};

int main(int argc, char **argv)
{
	int dev = open("/dev/vmm", O_RDWR | O_CLOEXEC);
	unsigned int i;
	int j;

	if (dev < 0) {
		perror("/dev/vmm");
		return 100;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "spin_until_reboot"))
		return spin_until_reboot(dev, argv[2]);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (j = 1; j < argc && strcmp(argv[j], cases[i].name); j++)
			;
		if (argc == 1 || j < argc)
			cases[i].fn(dev);
	}
	close(dev);
	return result_status();
}
