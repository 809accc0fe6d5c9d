/* SPDX-License-Identifier: MIT */
/*
 * tap.h - the Test Anything Protocol emitter of every C test program.
 *
 *   tap_ok(cond, "what %s", "held")   prints "ok N - what held" or
 *                                     "not ok N - ..."; returns cond
 *   tap_diag("fmt", ...)              diagnostics: every line of the
 *                                     formatted text as "# line"
 *   tap_same_text(got, want, "fmt", ...)
 *                                     tap_ok(got equals want, ...); when they
 *                                     differ, the first differing line and
 *                                     both texts as "#   |line" blocks (for
 *                                     golden-text comparisons; texts over 60
 *                                     lines: the first difference only); got
 *                                     may be NULL (never equal)
 *   return tap_done();                prints the plan "1..N"; returns the
 *                                     exit status (0 all passed, 1 otherwise)
 *
 * The plan comes last, which TAP allows. A test executable is one TAP
 * stream, so its two counters live in one file-scope struct per program:
 * test-harness state, never library state. Not thread-safe: one thread
 * reports at a time (a thread that reported must be joined, or otherwise
 * synchronised with, before another one reports).
 *
 * A description stays on its line: a newline in it is printed as "\n".
 * A description that ends in " # TODO reason" marks TAP's expected
 * failure: a failed check that does not count as failed.
 */
#ifndef VAS_TAP_H
#define VAS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static struct {
	int n;	    /* tests run */
	int failed; /* tests failed */
} tap__state __attribute__((unused));

static inline __attribute__((format(printf, 2, 0), unused)) bool
tap__vok(bool cond, const char *fmt, va_list ap)
{
	char desc[1024];

	vsnprintf(desc, sizeof(desc), fmt, ap);
	tap__state.n++;
	if (!cond && !strstr(desc, " # TODO"))
		tap__state.failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap__state.n);
	for (const char *p = desc; *p; p++)
		if (*p == '\n')
			fputs("\\n", stdout);
		else
			putchar(*p);
	putchar('\n');
	fflush(stdout);
	return cond;
}

static inline __attribute__((format(printf, 2, 3), unused)) bool tap_ok(bool cond, const char *fmt,
									...)
{
	va_list ap;

	va_start(ap, fmt);
	cond = tap__vok(cond, fmt, ap);
	va_end(ap);
	return cond;
}

/* Prints text, line by line, each line after prefix. */
static inline __attribute__((unused)) void tap__lines(const char *prefix, const char *text)
{
	const char *p = text;

	do {
		size_t n = strcspn(p, "\n");

		printf("%s%.*s\n", prefix, (int)n, p);
		p += n;
	} while (*p && *++p);
}

static inline __attribute__((unused)) unsigned tap__nlines(const char *text)
{
	unsigned n = *text != '\0';

	for (; *text; text++)
		n += *text == '\n' && text[1];
	return n;
}

static inline __attribute__((format(printf, 1, 2), unused)) void tap_diag(const char *fmt, ...)
{
	char text[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	tap__lines("# ", text);
	fflush(stdout);
}

static inline __attribute__((format(printf, 3, 4), unused)) bool
tap_same_text(const char *got, const char *want, const char *fmt, ...)
{
	bool same = got && !strcmp(got, want);
	const char *g = got, *w = want;
	unsigned line = 1;
	va_list ap;

	va_start(ap, fmt);
	tap__vok(same, fmt, ap);
	va_end(ap);
	if (same)
		return true;
	if (!got) {
		printf("# got no text at all; expected:\n");
		tap__lines("#   |", want);
		fflush(stdout);
		return false;
	}
	while (*g && *g == *w) { /* to the first differing line */
		if (*g == '\n')
			line++;
		g++;
		w++;
	}
	while (g > got && g[-1] != '\n') {
		g--;
		w--;
	}
	printf("# first difference at line %u:\n#   expected |%.*s\n#        got |%.*s\n", line,
	       (int)strcspn(w, "\n"), w, (int)strcspn(g, "\n"), g);
	if (tap__nlines(want) > 60 || tap__nlines(got) > 60) {
		printf("# (%u lines expected, %u got: only the first difference shown)\n",
		       tap__nlines(want), tap__nlines(got));
	} else {
		printf("# expected:\n");
		tap__lines("#   |", want);
		printf("# got:\n");
		tap__lines("#   |", got);
	}
	fflush(stdout);
	return false;
}

static inline __attribute__((unused)) int tap_done(void)
{
	printf("1..%d\n", tap__state.n);
	if (tap__state.failed)
		printf("# %d of %d failed\n", tap__state.failed, tap__state.n);
	fflush(stdout);
	return tap__state.failed ? 1 : 0;
}

#endif
