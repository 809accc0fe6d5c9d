/* SPDX-License-Identifier: MIT */
/*
 * test_rwsem_readread.c - read-read cycles that are not deadlocks.
 *
 * lockdep's strong-path rule: a cycle is a deadlock only if no edge that
 * takes a lock as a recursive reader (down_read_recursive) is followed by
 * an edge that leaves that lock as a shared holder. So:
 *  - A -> rrec(S) and down_read(S) -> A: should NOT report (either order);
 *  - r(S1) -> r(S2) and rrec(S2) -> rrec(S1): should NOT report;
 *  - down_read(S) then down_read_recursive(S) in one thread: should NOT
 *    report, and the second read really is taken;
 *  - contrast: r(S1) -> r(S2) and r(S2) -> r(S1) with plain down_read
 *    (two writers queued would deadlock it): should report.
 */
#include "ldtest.h"

struct rr {
	struct krwsem s1, s2;
	struct kmutex a;
	int readers_seen;
};

static void a_rrec(void *arg)
{
	struct rr *x = arg;

	kmutex_lock(&x->a);
	down_read_recursive(&x->s1);
	up_read(&x->s1);
	kmutex_unlock(&x->a);
}

static void r_a(void *arg)
{
	struct rr *x = arg;

	down_read(&x->s1);
	kmutex_lock(&x->a);
	kmutex_unlock(&x->a);
	up_read(&x->s1);
}

static void r1_r2(void *arg)
{
	struct rr *x = arg;

	down_read(&x->s1);
	down_read(&x->s2);
	up_read(&x->s2);
	up_read(&x->s1);
}

static void rrec2_rrec1(void *arg)
{
	struct rr *x = arg;

	down_read_recursive(&x->s2);
	down_read_recursive(&x->s1);
	up_read(&x->s1);
	up_read(&x->s2);
}

static void r2_r1(void *arg)
{
	struct rr *x = arg;

	down_read(&x->s2);
	down_read(&x->s1);
	up_read(&x->s1);
	up_read(&x->s2);
}

/* deliberate misuse: clang -Wthread-safety flags it statically too */
static void r_rrec_same(void *arg) NO_THREAD_SAFETY_ANALYSIS
{
	struct rr *x = arg;

	down_read(&x->s1);
	down_read_recursive(&x->s1);
	pthread_mutex_lock(&x->s1.m);
	x->readers_seen = x->s1.readers;
	pthread_mutex_unlock(&x->s1.m);
	up_read(&x->s1);
	up_read(&x->s1);
}

static unsigned run_pair(void (*first)(void *), void (*second)(void *), int *readers)
{
	struct ld_ctx *ctx = ld_ctx_new();
	struct rr x = { .readers_seen = 0 };
	unsigned n;

	krwsem_init(&x.s1, ctx, "&s1");
	krwsem_init(&x.s2, ctx, "&s2");
	kmutex_init(&x.a, ctx, "&a");
	run_thread("first", first, &x);
	if (second)
		run_thread("second", second, &x);
	n = ld_nr_reports(ctx);
	if (readers)
		*readers = x.readers_seen;
	krwsem_destroy(&x.s1);
	krwsem_destroy(&x.s2);
	kmutex_destroy(&x.a);
	ld_ctx_free(ctx);
	return n;
}

int main(void)
{
	int readers = 0;

	tap_ok(run_pair(a_rrec, r_a, NULL) == 0, "A -> rrec(S); then r(S) -> A: should NOT report");
	tap_ok(run_pair(r_a, a_rrec, NULL) == 0, "r(S) -> A; then A -> rrec(S): should NOT report");
	tap_ok(run_pair(r1_r2, rrec2_rrec1, NULL) == 0,
	       "r(S1) -> r(S2); then rrec(S2) -> rrec(S1): should NOT report");
	tap_ok(run_pair(r_rrec_same, NULL, &readers) == 0,
	       "r(S) then rrec(S) in one thread: should NOT report");
	tap_ok(readers == 2, "... and the recursive read was really taken");
	tap_ok(run_pair(r1_r2, r2_r1, NULL) == 1,
	       "r(S1) -> r(S2); then r(S2) -> r(S1): should report");
	return tap_done();
}
