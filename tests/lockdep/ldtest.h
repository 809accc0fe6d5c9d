/* SPDX-License-Identifier: MIT */
/*
 * ldtest.h - tiny TAP harness shared by the lock validator's self-tests.
 *
 * Each test file covers one concept and says of every case whether the
 * validator "should report" or "should NOT report". Reports are compared
 * line by line against golden text; golden tests pass explicit sites
 * (AT("func", line)) to the _at functions so the text does not depend on
 * where the test's own lines fall. Threads run one after the other
 * (run_thread() joins) so nothing really deadlocks.
 */
#ifndef VAS_LDTEST_H
#define VAS_LDTEST_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockdep/lockdep.h"

#define AT(fn, line) ((struct ld_site){ "tests/lockdep/golden.c", (line), (fn) })

struct tap {
	int n, failed;
};

static inline void tap_ok(struct tap *t, bool cond, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void tap_ok(struct tap *t, bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++t->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	t->failed += !cond;
	fflush(stdout);
}

static inline int tap_done(struct tap *t)
{
	printf("1..%d\n", t->n);
	return t->failed ? 1 : 0;
}

/* Prints text as TAP diagnostics. */
static inline void tap_diag(const char *label, const char *text)
{
	const char *p = text, *nl;

	printf("# %s:\n", label);
	while (p && *p) {
		nl = strchr(p, '\n');
		printf("#   |%.*s\n", (int)(nl ? nl - p : (long)strlen(p)), p);
		p = nl ? nl + 1 : p + strlen(p);
	}
}

/* Whole-text golden comparison; frees got. */
static inline void tap_golden(struct tap *t, char *got, const char *want, const char *what)
{
	bool same = got && !strcmp(got, want);

	tap_ok(t, same, "%s", what);
	if (!same) {
		tap_diag("expected", want);
		tap_diag("got", got);
	}
	free(got);
}

/* Checks that `line` occurs as a whole line in text. */
static inline bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while (p && (p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
		p++;
	}
	return false;
}

struct ldt_thread {
	const char *name;
	void (*fn)(void *);
	void *arg;
};

static inline void *ldt_trampoline(void *p)
{
	struct ldt_thread *t = p;

	pthread_setname_np(pthread_self(), t->name);
	t->fn(t->arg);
	return NULL;
}

/* Runs fn(arg) in a new thread called name and waits for it. */
static inline void run_thread(const char *name, void (*fn)(void *), void *arg)
{
	struct ldt_thread t = { name, fn, arg };
	pthread_t th;

	pthread_create(&th, NULL, ldt_trampoline, &t);
	pthread_join(th, NULL);
}

#endif
