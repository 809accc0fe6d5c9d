/* SPDX-License-Identifier: MIT */
/*
 * ldtest.h - helpers shared by the lock validator's self-tests (TAP output
 * through tests/tap.h).
 *
 * Each test file covers one concept and says of every case whether the
 * validator "should report" or "should NOT report". Reports are compared
 * against golden text with tap_same_text(); golden tests pass explicit
 * sites (AT("func", line)) to the _at functions so the text does not depend
 * on where the test's own lines fall. Threads run one after the other
 * (run_thread() joins) so nothing really deadlocks, and a thread may report
 * through tap_ok() while it runs.
 */
#ifndef VAS_LDTEST_H
#define VAS_LDTEST_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockdep/lockdep.h"
#include "tap.h"

#define AT(fn, line) ((struct ld_site){ "tests/lockdep/golden.c", (line), (fn) })

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

/* The validator's whole report text must equal want (a golden text). */
static inline bool report_is(struct ld_ctx *ctx, const char *want, const char *what)
{
	char *got = ld_report_text(ctx);
	bool same = tap_same_text(got, want, "%s", what);

	free(got);
	return same;
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
