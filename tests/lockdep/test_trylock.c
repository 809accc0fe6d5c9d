/* SPDX-License-Identifier: MIT */
/*
 * test_trylock.c - trylocks never wait, so they get no incoming edge.
 *
 * A then trylock(B) in one thread and B then A in another is not a
 * deadlock (the trylock fails instead of waiting): should NOT report, in
 * either order of the two threads. A lock taken by trylock still counts
 * as held, so trylock(A) then B, against B then A, should report.
 */
#include "ldtest.h"

struct ab {
	struct kmutex a, b;
};

static void a_tryb(void *arg)
{
	struct ab *x = arg;

	kmutex_lock(&x->a);
	if (kmutex_trylock(&x->b))
		kmutex_unlock(&x->b);
	kmutex_unlock(&x->a);
}

static void b_a(void *arg)
{
	struct ab *x = arg;

	kmutex_lock(&x->b);
	kmutex_lock(&x->a);
	kmutex_unlock(&x->a);
	kmutex_unlock(&x->b);
}

static void trya_b(void *arg)
{
	struct ab *x = arg;

	if (!kmutex_trylock(&x->a))
		return;
	kmutex_lock(&x->b);
	kmutex_unlock(&x->b);
	kmutex_unlock(&x->a);
}

static unsigned run_pair(void (*first)(void *), void (*second)(void *))
{
	struct ld_ctx *ctx = ld_ctx_new();
	struct ab x;
	unsigned n;

	kmutex_init(&x.a, ctx, "&a");
	kmutex_init(&x.b, ctx, "&b");
	run_thread("first", first, &x);
	run_thread("second", second, &x);
	n = ld_nr_reports(ctx);
	kmutex_destroy(&x.a);
	kmutex_destroy(&x.b);
	ld_ctx_free(ctx);
	return n;
}

int main(void)
{
	tap_ok(run_pair(a_tryb, b_a) == 0, "A, trylock B; then B, A: should NOT report");
	tap_ok(run_pair(b_a, a_tryb) == 0, "B, A; then A, trylock B: should NOT report");
	tap_ok(run_pair(trya_b, b_a) == 1, "trylock A, B; then B, A: should report");
	tap_ok(run_pair(b_a, trya_b) == 1, "B, A; then trylock A, B: should report");
	return tap_done();
}
