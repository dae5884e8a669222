/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP output of the single-file test programs in tools/testing/progs:
 * "ok - text" and "not ok - text" lines (the failures counted in
 * failures, the last result in last_pass) and "# text" diagnostics, each
 * flushed at once so that it interleaves with the kernel's log.
 */
#ifndef SCARD_TESTING_TAP_H
#define SCARD_TESTING_TAP_H

#include <stdarg.h>
#include <stdio.h>

#define ATTRIBUTE	__attribute__
#define __printf(a, b)	ATTRIBUTE((format(printf, a, b)))

static int failures;
static int last_pass;

static inline __printf(2, 3) void ok(int pass, const char *fmt, ...)
{
	va_list ap;

	last_pass = pass;
	if (!pass)
		failures++;
	printf("%sok - ", pass ? "" : "not ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static inline __printf(1, 2) void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

#endif /* SCARD_TESTING_TAP_H */
