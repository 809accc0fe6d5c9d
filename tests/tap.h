/* SPDX-License-Identifier: MIT */
/*
 * tap.h - a minimal Test Anything Protocol emitter for the test programs.
 *
 *   tap_ok(cond, "what %s", "held")  prints "ok N - what held" or
 *                                    "not ok N - ..."; returns cond
 *   tap_diag("...")                  prints "# ..." (diagnostics)
 *   return tap_done();               prints the plan "1..N"; returns the
 *                                    exit code (0 all passed, 1 otherwise)
 *
 * The plan comes last, which TAP allows. A test executable is one TAP
 * stream, so its two counters live in one file-scope struct per program:
 * the only mutable static state in the tree, and it is test-harness state,
 * never library state. Not thread-safe: report from the main thread.
 */
#ifndef VAS_TAP_H
#define VAS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static struct {
	int n;      /* tests run */
	int failed; /* tests failed */
} tap__state __attribute__((unused));

static inline __attribute__((format(printf, 2, 3), unused)) bool tap_ok(bool cond,
									  const char *fmt, ...)
{
	va_list ap;

	tap__state.n++;
	if (!cond)
		tap__state.failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap__state.n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

static inline __attribute__((format(printf, 1, 2), unused)) void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline __attribute__((unused)) int tap_done(void)
{
	printf("1..%d\n", tap__state.n);
	if (tap__state.failed)
		printf("# %d of %d failed\n", tap__state.failed, tap__state.n);
	return tap__state.failed ? 1 : 0;
}

#endif
