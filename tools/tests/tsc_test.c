// SPDX-License-Identifier: GPL-2.0-only
/*
 * tsc_test: a guest's own TSC (ADVERSARIAL.md A39). A real-mode guest
 * writes IA32_TSC = 0, 2^63 and backwards, moves IA32_TSC_ADJUST up and
 * back, and reports every RDTSC and TSC_ADJUST it reads through port I/O;
 * userspace reads the guest's TSC through VMM_GET_MSRS at a known point
 * and restores both MSRs through VMM_SET_MSRS. Each check is what the
 * architecture defines (Intel SDM, "Time-Stamp Counter Adjustment"), never
 * an exact count: "the TSC reads within [written, written + WINDOW]",
 * "TSC_ADJUST moved by the delta the write made". The host's own TSC,
 * read at every exit, must run on untouched. The same guest runs under
 * kvm.ko (tsc_test --kvm), held to the same checks.
 *
 * Prints "RESULT PASS|FAIL tsc <name> [detail]" (under kvm
 * "tsc kvm.<name>"), exits with the number of failures (capped at 99),
 * 100 if the device cannot be used.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "uapi/vmm.h"
#include "guest.h"

#define RESULT_SUITE "tsc"
#include "result.h"

#define LO_PORT		0x81	/* EAX: bits 31-0 of a value */
#define HI_PORT		0x82	/* EAX: bits 63-32; the value is complete */
#define SYNC_PORT	0x84	/* userspace reads the guest's TSC now */
#define RESTORE_PORT	0x86	/* userspace writes both MSRs now */
#define DONE_PORT	0x85
#define FAULT_PORT	0x87	/* the guest took an exception: AL its vector */

#define MSR_TSC		0x10
#define MSR_TSC_ADJUST	0x3b

/* Ticks a handful of instructions and one exit may take, even emulated. */
#define WINDOW		1000000000ULL
#define BACK		1000000ULL	/* the backwards write */
#define RESTORED_TSC	BIT_ULL(50)
#define RESTORED_ADJUST	12345ULL

/* EDX:EAX out as one value. */
#define REPORT	"out %eax, $0x81\n mov %edx, %eax\n out %eax, $0x82\n"
#define RDTSC	"rdtsc\n" REPORT
#define RDADJ	"mov $0x3b, %ecx\n rdmsr\n" REPORT

/*
 * The values, in order (enum below). A write's "before" is an RDTSC just
 * before the WRMSR: the counter the write replaced was at least that.
 */
GUEST_CODE(tsc_guest, "16",
	   "mov $7, %eax\n xor %ecx, %ecx\n cpuid\n mov %ebx, %eax\n xor %edx, %edx\n"
	   REPORT
	   RDTSC RDADJ
	   /* IA32_TSC = 0 */
	   RDTSC
	   "mov $0x10, %ecx\n xor %eax, %eax\n xor %edx, %edx\n wrmsr\n"
	   RDTSC RDADJ
	   /* IA32_TSC = 2^63 */
	   RDTSC
	   "mov $0x10, %ecx\n xor %eax, %eax\n mov $0x80000000, %edx\n wrmsr\n"
	   RDTSC RDADJ
	   /* IA32_TSC = BACK: backwards */
	   RDTSC
	   "mov $0x10, %ecx\n mov $1000000, %eax\n xor %edx, %edx\n wrmsr\n"
	   RDTSC RDADJ
	   /* TSC_ADJUST += 2^32 */
	   "mov $0x3b, %ecx\n rdmsr\n mov %eax, %esi\n lea 1(%edx), %edi\n"
	   RDTSC
	   "mov %esi, %eax\n mov %edi, %edx\n mov $0x3b, %ecx\n wrmsr\n"
	   RDTSC RDADJ
	   /* TSC_ADJUST -= 2^33: backwards */
	   "mov $0x3b, %ecx\n rdmsr\n mov %eax, %esi\n lea -2(%edx), %edi\n"
	   RDTSC
	   "mov %esi, %eax\n mov %edi, %edx\n mov $0x3b, %ecx\n wrmsr\n"
	   RDTSC RDADJ
	   /* userspace reads the TSC between these two */
	   RDTSC
	   "out %al, $0x84\n"
	   RDTSC
	   /* userspace restores IA32_TSC and TSC_ADJUST */
	   "out %al, $0x86\n"
	   RDTSC RDADJ
	   "out %al, $0x85\n"
	   "hlt\n");

/*
 * Real mode's exception handlers, all of them: a refused RDMSR or WRMSR
 * (#GP) would otherwise run whatever an empty IVT points at, for ever.
 * Each reports its vector and stops the guest.
 */
#define FAULT_HANDLERS	0x900	/* 8 bytes per vector */
GUEST_CODE(tsc_faults, "16",
	   ".rept 32\n"
	   "mov $(. - tsc_faults) / 8, %al\n out %al, $0x87\n hlt\n jmp .-1\n"
	   ".balign 8, 0x90\n"
	   ".endr\n");

static void guest_memory(unsigned char *mem)
{
	unsigned int v;

	memcpy(mem + CODE, tsc_guest, tsc_guest_end - tsc_guest);
	memcpy(mem + FAULT_HANDLERS, tsc_faults, tsc_faults_end - tsc_faults);
	for (v = 0; v < 32; v++) {
		uint32_t ivt = FAULT_HANDLERS + v * 8;	/* segment 0 */

		memcpy(mem + v * 4, &ivt, 4);
	}
}

enum {
	V_CPUID7_EBX, V_INIT, V_ADJ0,
	V_B0, V_T0, V_A0,		/* IA32_TSC = 0 */
	V_B63, V_T63, V_A63,		/* IA32_TSC = 2^63 */
	V_BBK, V_TBK, V_ABK,		/* IA32_TSC = BACK */
	V_BUP, V_TUP, V_AUP,		/* TSC_ADJUST += 2^32 */
	V_BDN, V_TDN, V_ADN,		/* TSC_ADJUST -= 2^33 */
	V_SYNC_B, V_SYNC_A,		/* around VMM_GET_MSRS */
	V_RESTORED, V_RESTORED_ADJ,
	V_COUNT
};

struct run_log {
	uint64_t v[V_COUNT];
	unsigned int n;
	uint32_t lo;
	uint64_t user_tsc;		/* VMM_GET_MSRS at SYNC_PORT */
	uint64_t host_first, host_last;	/* the host's TSC around the run */
	int host_backwards;		/* it went back between two exits */
	int done, sync_seen, restore_seen;
	char err[96];
};

static int use_kvm;

static uint64_t host_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Each exit: the host's TSC must only have moved forward since the last. */
static void host_tick(struct run_log *l)
{
	uint64_t now = host_rdtsc();

	if (now < l->host_last)
		l->host_backwards = 1;
	l->host_last = now;
}

/* A port write of the guest; @user reads or writes its MSRs. */
static int guest_out(struct run_log *l, unsigned int port, uint32_t data,
		     int (*user)(void *ctx, int set), void *ctx)
{
	switch (port) {
	case LO_PORT:
		l->lo = data;
		return 0;
	case HI_PORT:
		if (l->n < V_COUNT)
			l->v[l->n] = ((uint64_t)data << 32) | l->lo;
		l->n++;
		return 0;
	case SYNC_PORT:
		l->sync_seen = 1;
		return user(ctx, 0);
	case RESTORE_PORT:
		l->restore_seen = 1;
		return user(ctx, 1);
	case DONE_PORT:
		l->done = 1;
		return 0;
	case FAULT_PORT:
		snprintf(l->err, sizeof(l->err), "the guest took exception %u after %u values",
			 data & 0xff, l->n);
		return -1;
	}
	snprintf(l->err, sizeof(l->err), "unexpected port %#x", port);
	return -1;
}

/* ---- vmm ---- */

struct vmm_ctx {
	int vcpu;
	struct run_log *l;
};

static int vmm_user(void *ctx, int set)
{
	struct vmm_ctx *c = ctx;
	struct vmm_msr_entry e[2] = {
		{ .index = MSR_TSC, .data = RESTORED_TSC },
		{ .index = MSR_TSC_ADJUST, .data = RESTORED_ADJUST },
	};
	struct vmm_msrs m = { .nmsrs = set ? 2 : 1, .entries = (uintptr_t)e };
	int n = ioctl(c->vcpu, set ? VMM_SET_MSRS : VMM_GET_MSRS, &m);

	if (n != (int)m.nmsrs) {
		snprintf(c->l->err, sizeof(c->l->err), "VMM_%s_MSRS: %d, errno %d",
			 set ? "SET" : "GET", n, errno);
		return -1;
	}
	if (!set)
		c->l->user_tsc = e[0].data;
	return 0;
}

static int vmm_run_guest(struct run_log *l)
{
	struct guest g;
	struct vmm_ctx c;
	unsigned int i;
	int dev, ret = -1;

	dev = open("/dev/vmm", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -1;
	l->host_first = host_rdtsc();
	l->host_last = l->host_first;
	if (guest_setup(&g, dev, tsc_guest, tsc_guest_end - tsc_guest))
		goto out;
	guest_memory(g.mem);
	c.vcpu = g.vcpu;
	c.l = l;
	for (i = 0; i < 200 && !l->done; i++) {
		if (run(&g)) {
			snprintf(l->err, sizeof(l->err), "VMM_RUN: errno %d", errno);
			break;
		}
		host_tick(l);
		if (g.run->exit_reason != VMM_EXIT_IO) {
			snprintf(l->err, sizeof(l->err), "exit %u", g.run->exit_reason);
			break;
		}
		if (guest_out(l, g.run->io.port, g.run->io.data, vmm_user, &c))
			break;
	}
	ret = 0;
out:
	guest_teardown(&g);
	close(dev);
	return ret;
}

/* ---- kvm ---- */

struct kvm_ctx {
	int vcpu;
	struct run_log *l;
};

static int kvm_user(void *ctx, int set)
{
	struct kvm_ctx *c = ctx;
	struct {
		struct kvm_msrs m;
		struct kvm_msr_entry e[2];
	} b = {
		.m.nmsrs = set ? 2 : 1,
		.e = { { .index = MSR_TSC, .data = RESTORED_TSC },
		       { .index = MSR_TSC_ADJUST, .data = RESTORED_ADJUST } },
	};
	int n = ioctl(c->vcpu, set ? KVM_SET_MSRS : KVM_GET_MSRS, &b);

	if (n != (int)b.m.nmsrs) {
		snprintf(c->l->err, sizeof(c->l->err), "KVM_%s_MSRS: %d, errno %d",
			 set ? "SET" : "GET", n, errno);
		return -1;
	}
	if (!set)
		c->l->user_tsc = b.e[0].data;
	return 0;
}

static int kvm_cpuid(int kvm, int vcpu)
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[100];
	} t = { .c.nent = 100 };

	return ioctl(kvm, KVM_GET_SUPPORTED_CPUID, &t) || ioctl(vcpu, KVM_SET_CPUID2, &t);
}

static int kvm_run_guest(struct run_log *l)
{
	struct kvm_userspace_memory_region region = { .memory_size = MEM_SIZE };
	struct kvm_run *r = MAP_FAILED;
	struct kvm_regs kr = { 0 };
	struct kvm_sregs ks;
	struct kvm_ctx c;
	unsigned char *mem;
	int kvm, vm = -1, vcpu = -1, run_size = 0, ret = -1;
	unsigned int i;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return -1;
	l->host_first = host_rdtsc();
	l->host_last = l->host_first;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED)
		goto out;
	guest_memory(mem);
	region.userspace_addr = (unsigned long)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		goto out;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || run_size < 0 || kvm_cpuid(kvm, vcpu))
		goto out;
	r = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (r == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &ks))
		goto out;
	/* Real mode at 0:CODE, as guest_setup() starts vmm's. */
	ks.cs.base = 0;
	ks.cs.selector = 0;
	kr.rip = CODE;
	kr.rsp = STACK_TOP;
	kr.rflags = 2;
	if (ioctl(vcpu, KVM_SET_SREGS, &ks) || ioctl(vcpu, KVM_SET_REGS, &kr))
		goto out;
	c.vcpu = vcpu;
	c.l = l;
	for (i = 0; i < 200 && !l->done; i++) {
		uint32_t v = 0;

		if (ioctl(vcpu, KVM_RUN, 0)) {
			snprintf(l->err, sizeof(l->err), "KVM_RUN: errno %d", errno);
			break;
		}
		host_tick(l);
		if (r->exit_reason != KVM_EXIT_IO) {
			snprintf(l->err, sizeof(l->err), "kvm exit %u", r->exit_reason);
			break;
		}
		memcpy(&v, (unsigned char *)r + r->io.data_offset, r->io.size);
		if (guest_out(l, r->io.port, v, kvm_user, &c))
			break;
	}
	ret = 0;
out:
	if (r != MAP_FAILED)
		munmap(r, run_size);
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	if (mem != MAP_FAILED)
		munmap(mem, MEM_SIZE);
	close(kvm);
	return ret;
}

/* ---- the checks, the same for both ---- */

static char name_buf[64];

static const char *name(const char *n)
{
	snprintf(name_buf, sizeof(name_buf), "%s%s", use_kvm ? "kvm." : "", n);
	return name_buf;
}

/* @x - @lo in [0, WINDOW], modulo 2^64 as the counter runs. */
static int within(uint64_t x, uint64_t lo)
{
	return x - lo <= WINDOW;
}

/*
 * A WRMSR to IA32_TSC of @w with the counter at least @before: the TSC
 * reads @t within the window after @w, and TSC_ADJUST moved from @a_old
 * to @a_new by the write's delta, @w minus a count in [before,
 * before + WINDOW].
 */
static void check_tsc_write(const char *n, uint64_t w, uint64_t before, uint64_t t,
			    uint64_t a_old, uint64_t a_new)
{
	int64_t off = (int64_t)((a_new - a_old) - (w - before));

	result(within(t, w), name(n),
	       "tsc %s [written, written + 10^9] (written %#llx, read %#llx)",
	       within(t, w) ? "within" : "OUTSIDE",
	       (unsigned long long)w, (unsigned long long)t);
	{
		char adj[48];

		snprintf(adj, sizeof(adj), "%s_adjust", n);
		result(off <= 0 && off >= -(int64_t)WINDOW, name(adj),
		       "adjust %s the write's delta (moved by %#llx, delta from the RDTSC before %#llx)",
		       off <= 0 && off >= -(int64_t)WINDOW ? "equals" : "DIFFERS FROM",
		       (unsigned long long)(a_new - a_old), (unsigned long long)(w - before));
	}
}

/* A WRMSR to TSC_ADJUST adding @d: it reads back, the counter moved by @d. */
static void check_adjust_write(const char *n, uint64_t d, uint64_t a_old, uint64_t a_new,
			       uint64_t before, uint64_t t)
{
	char tn[48];
	int ok = a_new == a_old + d;

	result(ok, name(n), "adjust %s (from %#llx to %#llx)",
	       ok ? "reads back" : "DOES NOT read back",
	       (unsigned long long)a_old, (unsigned long long)a_new);
	snprintf(tn, sizeof(tn), "%s_tsc", n);
	ok = within(t, before + d);
	result(ok, name(tn), "tsc %s by the adjust's delta (before %#llx, after %#llx)",
	       ok ? "moved" : "DID NOT move", (unsigned long long)before, (unsigned long long)t);
}

static void checks(const struct run_log *l)
{
	const uint64_t *v = l->v;
	int ok;

	ok = l->done && l->n == V_COUNT && l->sync_seen && l->restore_seen && !l->err[0];
	result(ok, name("guest_ran"), "%u values%s%s", l->n, l->err[0] ? ", " : "", l->err);
	if (!ok)
		return;
	ok = v[V_CPUID7_EBX] & 2;
	result(ok, name("cpuid_tsc_adjust"), "CPUID.7.0:EBX.TSC_ADJUST %s", ok ? "set" : "CLEAR");
	ok = v[V_INIT] < (1ULL << 40) && v[V_ADJ0] == 0;
	result(ok, name("initial"), "tsc %s 2^40 (started with the VM), adjust %s 0 (%#llx, %#llx)",
	       v[V_INIT] < (1ULL << 40) ? "below" : "NOT BELOW", v[V_ADJ0] ? "NOT" : "is",
	       (unsigned long long)v[V_INIT], (unsigned long long)v[V_ADJ0]);
	check_tsc_write("write_0", 0, v[V_B0], v[V_T0], v[V_ADJ0], v[V_A0]);
	check_tsc_write("write_2_63", 1ULL << 63, v[V_B63], v[V_T63], v[V_A0], v[V_A63]);
	check_tsc_write("write_backwards", BACK, v[V_BBK], v[V_TBK], v[V_A63], v[V_ABK]);
	check_adjust_write("adjust_up", 1ULL << 32, v[V_ABK], v[V_AUP], v[V_BUP], v[V_TUP]);
	check_adjust_write("adjust_down", -(2ULL << 32), v[V_AUP], v[V_ADN], v[V_BDN], v[V_TDN]);
	ok = within(l->user_tsc, v[V_SYNC_B]);
	result(ok, name("get_msrs"),
	       "GET_MSRS IA32_TSC %s [RDTSC before the exit, + 10^9] (%#llx, %#llx)",
	       ok ? "within" : "OUTSIDE", (unsigned long long)v[V_SYNC_B],
	       (unsigned long long)l->user_tsc);
	/*
	 * vmm's guest TSC is the host's plus the offset, in the guest or not:
	 * the guest's next RDTSC reads at least what userspace read. kvm.ko
	 * re-bases the guest's TSC on its last exit when the host's TSC is
	 * marked unstable (as in the lab's emulated PCs), so there it may not.
	 */
	if (use_kvm) {
		printf("RESULT SKIP tsc kvm.get_msrs_then_rdtsc %s\n",
		       "kvm may re-base the guest TSC at vcpu load (unstable host TSC)");
	} else {
		ok = l->user_tsc - v[V_SYNC_B] <= v[V_SYNC_A] - v[V_SYNC_B];
		result(ok, "get_msrs_then_rdtsc",
		       "GET_MSRS IA32_TSC %s the guest's RDTSCs (%#llx <= %#llx <= %#llx)",
		       ok ? "between" : "NOT BETWEEN", (unsigned long long)v[V_SYNC_B],
		       (unsigned long long)l->user_tsc, (unsigned long long)v[V_SYNC_A]);
	}
	ok = within(v[V_RESTORED], RESTORED_TSC) && v[V_RESTORED_ADJ] == RESTORED_ADJUST;
	result(ok, name("set_msrs"), "restored tsc %s, adjust %s (%#llx, %#llx)",
	       within(v[V_RESTORED], RESTORED_TSC) ? "within [2^50, 2^50 + 10^9]" : "OUTSIDE",
	       v[V_RESTORED_ADJ] == RESTORED_ADJUST ? "12345" : "NOT 12345",
	       (unsigned long long)v[V_RESTORED], (unsigned long long)v[V_RESTORED_ADJ]);
	/*
	 * The host's TSC ran on, by less than 10^13 ticks (an hour at 3 GHz):
	 * a guest's write reaching it would set it to 0, 2^63 or BACK.
	 */
	ok = !l->host_backwards && l->host_last > l->host_first &&
	     l->host_last - l->host_first < 10000000000000ULL;
	result(ok, name("host_tsc"), "host tsc %s (+%llu over the run)",
	       ok ? "monotonic and plausible" : "DISTURBED",
	       (unsigned long long)(l->host_last - l->host_first));
}

int main(int argc, char **argv)
{
	struct run_log l;
	cpu_set_t cpus;

	if (argc > 1 && !strcmp(argv[1], "--kvm"))
		use_kvm = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* One CPU's TSC for the host's checks: no migration between reads. */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	memset(&l, 0, sizeof(l));
	if (use_kvm ? kvm_run_guest(&l) : vmm_run_guest(&l)) {
		perror(use_kvm ? "/dev/kvm" : "/dev/vmm");
		return 100;
	}
	checks(&l);
	return result_status();
}
