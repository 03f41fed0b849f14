// SPDX-License-Identifier: GPL-2.0-only
/*
 * fpu_check: do host processes keep their FPU registers while a command
 * runs beside them on every CPU?
 *
 *   fpu_check [--xmm] STATUS COMMAND [ARG...]
 *
 * Starts a checker process pinned to each CPU (fpu_hold.h: XMM or YMM
 * registers held across preemptions; XMM only with --xmm, on Bochs, or
 * where the host has no AVX), then COMMAND once per CPU, pinned
 * there too, and waits for them. Meant for `vmctl run` of an FPU-heavy
 * guest, under --backend vmm and --backend kvm alike, so that the same
 * check judges both hypervisors. Prints one line:
 *   "commands N/N status STATUS, checkers R rounds, M mismatches, preempted P times"
 * and exits 0 only if every command ended with STATUS, no checker saw a
 * mismatch, and the checkers were preempted at least once (otherwise
 * nothing was tested); 1 if not, 2 on a usage or system error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "fpu_hold.h"

#define MAX_CPUS	8

int main(int argc, char **argv)
{
	struct checker_report *rep;
	pid_t checkers[MAX_CPUS], cmds[MAX_CPUS];
	struct checker_report sum;
	int i, n, want, status, good = 0;

	use_avx = fpu_hold_width();
	if (argc > 1 && !strcmp(argv[1], "--xmm")) {
		use_avx = 0;
		argv++;
		argc--;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: fpu_check [--xmm] STATUS COMMAND [ARG...]\n");
		return 2;
	}
	want = atoi(argv[1]);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n > MAX_CPUS)
		n = MAX_CPUS;
	rep = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	for (i = 0; i < n; i++) {
		checkers[i] = fork();
		if (checkers[i] < 0) {
			perror("fork");
			return 2;
		}
		if (!checkers[i])
			checker(i, &rep[i]);
	}
	/* Every checker holds its registers before the commands start. */
	for (i = 0; i < n; i++)
		while (!__atomic_load_n(&rep[i].rounds, __ATOMIC_ACQUIRE))
			sched_yield();
	for (i = 0; i < n; i++) {
		cmds[i] = fork();
		if (cmds[i] < 0) {
			perror("fork");
			return 2;
		}
		if (!cmds[i]) {
			pin_to(i);
			execvp(argv[2], argv + 2);
			fprintf(stderr, "fpu_check: %s: %s\n", argv[2], strerror(errno));
			_exit(127);
		}
	}
	for (i = 0; i < n; i++)
		if (waitpid(cmds[i], &status, 0) == cmds[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == want)
			good++;
	checkers_stop(n, checkers, rep, &sum);
	printf("%s: commands %d/%d status %d, ", use_avx ? "YMM" : "XMM", good, n, want);
	printf("checkers %ld rounds, %ld mismatches, preempted %ld times\n", sum.rounds,
	       sum.mismatches, sum.preempted);
	return good == n && !sum.mismatches && sum.preempted > 0 ? 0 : 1;
}
