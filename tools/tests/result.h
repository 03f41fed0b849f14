/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lab's result lines for userspace tests: "RESULT PASS|FAIL SUITE NAME
 * [detail]", one per check, counted by the host (Documentation/lab.rst).
 * A test program defines RESULT_SUITE before including this.
 */
#ifndef VMM_TESTS_RESULT_H
#define VMM_TESTS_RESULT_H

#include <stdarg.h>
#include <stdio.h>

static int failures;

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
	putchar('\n');
	fflush(stdout);
	failures += !ok;
}

/* The exit status: the number of failures, capped below 100. */
static inline int result_status(void)
{
	return failures > 99 ? 99 : failures;
}

#endif
