/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fpu_hold.h: a host process that keeps a pattern in its sixteen XMM (or
 * YMM) registers across preemptions and counts the rounds in which it got
 * anything else back. Used by stress_test (against /dev/vmm guests) and by
 * fpu_check (against whatever command it runs, vmctl under either backend).
 *
 * Bochs 2.7 cannot host the YMM form: there a process holding YMM registers
 * gets "Bad FPU state detected" (XRSTORS #GP) and wrong registers when it
 * is preempted by a plain shell loop, with no hypervisor loaded at all;
 * the XMM form passes there (Documentation/lab.rst). fpu_hold_width()
 * picks XMM on Bochs.
 */
#ifndef VMM_TESTS_FPU_HOLD_H
#define VMM_TESTS_FPU_HOLD_H

/* Needs _GNU_SOURCE, defined before the first #include, for the CPU_ macros. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"		/* host_has_avx() */

#define NREGS		16
#define REG_BYTES	32		/* a YMM register; XMM use the first 16 */

/* The checkers hold YMM registers, else XMM (no AVX, or Bochs: see below). */
static int use_avx;

static inline void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static inline void fill_pattern(unsigned char *p, unsigned int seed)
{
	unsigned int i;

	for (i = 0; i < NREGS * REG_BYTES; i++)
		p[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 5));
}

/* Do the sixteen registers in @a and @b differ, YMM (@avx) or XMM? */
static inline int regs_differ(const unsigned char *a, const unsigned char *b, int avx)
{
	unsigned int r, n = avx ? REG_BYTES : 16;

	for (r = 0; r < NREGS; r++)
		if (memcmp(a + r * REG_BYTES, b + r * REG_BYTES, n))
			return 1;
	return 0;
}

#define IRP_REGS ".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
#define XMM_CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", \
	"xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

/*
 * Loads all sixteen registers from @pat, spins @spins times touching none
 * of them (the scheduler runs others on this CPU meanwhile), and stores
 * them to @out.
 */
static inline void hold_registers(const unsigned char *pat, unsigned char *out, long spins)
{
	if (use_avx)
		asm volatile(IRP_REGS "vmovdqu \\r*32(%[p]), %%ymm\\r\n.endr\n"
			     "1: dec %[n]\njnz 1b\n"
			     IRP_REGS "vmovdqu %%ymm\\r, \\r*32(%[o])\n.endr\n"
			     "vzeroupper\n"
			     : [n] "+r" (spins) : [p] "r" (pat), [o] "r" (out)
			     : "memory", XMM_CLOBBERS);
	else
		asm volatile(IRP_REGS "movdqu \\r*32(%[p]), %%xmm\\r\n.endr\n"
			     "1: dec %[n]\njnz 1b\n"
			     IRP_REGS "movdqu %%xmm\\r, \\r*32(%[o])\n.endr\n"
			     : [n] "+r" (spins) : [p] "r" (pat), [o] "r" (out)
			     : "memory", XMM_CLOBBERS);
}

/* YMM where the host has AVX, except on Bochs (above). */
static inline int fpu_hold_width(void)
{
	const char *emulator = getenv("VMM_LAB_EMULATOR");

	return host_has_avx() && !(emulator && !strcmp(emulator, "bochs"));
}

/* Shared with the parent: the checker counts, the parent sets @stop. */
struct checker_report {
	long rounds, mismatches, preempted;
	int stop;
};

/* The child process: check on @cpu until told to stop, then exit. */
static inline void checker(int cpu, struct checker_report *rep)
{
	unsigned char pat[NREGS * REG_BYTES], out[NREGS * REG_BYTES];
	struct rusage ru;

	pin_to(cpu);
	fill_pattern(pat, 1000 + cpu);
	while (!__atomic_load_n(&rep->stop, __ATOMIC_ACQUIRE)) {
		memset(out, 0, sizeof(out));
		hold_registers(pat, out, 200000);
		__atomic_store_n(&rep->rounds, rep->rounds + 1, __ATOMIC_RELEASE);
		if (regs_differ(pat, out, use_avx))
			rep->mismatches++;
	}
	getrusage(RUSAGE_SELF, &ru);
	rep->preempted = ru.ru_nivcsw;
	_exit(0);
}

/*
 * Stops the @n checkers @pid, waits for them and sums up their reports into
 * @total (rounds, mismatches, preempted).
 */
static inline void checkers_stop(int n, const pid_t *pid, struct checker_report *rep,
				 struct checker_report *total)
{
	int i, status;

	for (i = 0; i < n; i++)
		__atomic_store_n(&rep[i].stop, 1, __ATOMIC_RELEASE);
	memset(total, 0, sizeof(*total));
	for (i = 0; i < n; i++) {
		waitpid(pid[i], &status, 0);
		total->rounds += rep[i].rounds;
		total->mismatches += rep[i].mismatches;
		total->preempted += rep[i].preempted;
	}
}

#endif
