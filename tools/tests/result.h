/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lab's result lines for userspace tests: "RESULT PASS|FAIL SUITE NAME
 * [detail] [+S s]", one per check, counted by the host
 * (Documentation/lab.rst). S is the time since the program's previous
 * line (or its start): in the lab's emulated machines the
 * emulated seconds a check took, which is what its wall time follows.
 * A test program defines RESULT_SUITE before including this.
 */
#ifndef VMM_TESTS_RESULT_H
#define VMM_TESTS_RESULT_H

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static int failures;

/* Seconds since the previous call (0 at the first). */
static double result_elapsed(void)
{
	static double last;
	struct timespec ts;
	double now, d;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = ts.tv_sec + ts.tv_nsec / 1e9;
	d = last ? now - last : 0;
	last = now;
	return d;
}

/* The first line's time counts from the program's start. */
__attribute__((constructor)) static void result_clock_start(void)
{
	result_elapsed();
}

static void result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("RESULT %s %s %s", ok ? "PASS" : "FAIL", RESULT_SUITE, name);
	if (fmt) {
		putchar(' ');
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf(" [+%.2f s]\n", result_elapsed());
	fflush(stdout);
	failures += !ok;
}

/* The exit status: the number of failures, capped below 100. */
static inline int result_status(void)
{
	return failures > 99 ? 99 : failures;
}

#endif
