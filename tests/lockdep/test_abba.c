/* SPDX-License-Identifier: MIT */
/*
 * test_abba.c - the classic two-lock inversion (ABBA).
 *
 * Thread "t1" takes A then B; later thread "t2" takes B then A. Nothing
 * deadlocks (the threads run one after the other) but the second order
 * closes the cycle A -> B -> A in the class graph: should report, once,
 * with the exact lockdep-shaped text below. Both orders in one thread
 * that agree (A then B twice) should NOT report.
 */
#include "ldtest.h"

struct abba {
	struct kmutex a, b;
};

static void t1(void *arg)
{
	struct abba *x = arg;

	kmutex_lock_at(&x->a, AT("t1_work", 10));
	kmutex_lock_at(&x->b, AT("t1_work", 11));
	kmutex_unlock_at(&x->b, AT("t1_work", 12));
	kmutex_unlock_at(&x->a, AT("t1_work", 13));
}

static void t2(void *arg)
{
	struct abba *x = arg;

	kmutex_lock_at(&x->b, AT("t2_work", 20));
	kmutex_lock_at(&x->a, AT("t2_work", 21));
	kmutex_unlock_at(&x->a, AT("t2_work", 22));
	kmutex_unlock_at(&x->b, AT("t2_work", 23));
}

static const char golden[] = "\n"
			     "======================================================\n"
			     "WARNING: possible circular locking dependency detected\n"
			     "------------------------------------------------------\n"
			     "t2/3 is trying to acquire lock:\n"
			     "(&a){+.+.}, at: t2_work golden.c:21\n"
			     "\n"
			     "but task is already holding lock:\n"
			     "(&b){+.+.}, at: t2_work golden.c:20\n"
			     "\n"
			     "which lock already depends on the new lock.\n"
			     "\n"
			     "\n"
			     "the existing dependency chain (in reverse order) is:\n"
			     "\n"
			     "-> #1 (&b){+.+.}:\n"
			     "       acquired at: t1_work golden.c:11\n"
			     "       while holding (&a) acquired at: t1_work golden.c:10\n"
			     "\n"
			     "-> #0 (&a){+.+.}:\n"
			     "       acquired at: t2_work golden.c:21\n"
			     "       while holding (&b) acquired at: t2_work golden.c:20\n"
			     "\n"
			     "other info that might help us debug this:\n"
			     "\n"
			     "Chain exists of:\n"
			     "  &a --> &b\n"
			     "\n"
			     " Possible unsafe locking scenario:\n"
			     "\n"
			     "       CPU0                    CPU1\n"
			     "       ----                    ----\n"
			     "  lock(&b);\n"
			     "                               lock(&a);\n"
			     "                               lock(&b);\n"
			     "  lock(&a);\n"
			     "\n"
			     " *** DEADLOCK ***\n"
			     "\n"
			     "1 lock held by t2/3:\n"
			     " #0: (&b){+.+.}, at: t2_work golden.c:20\n";

int main(void)
{
	struct ld_ctx *ctx = ld_ctx_new();
	struct abba x;

	kmutex_init(&x.a, ctx, "&a");
	kmutex_init(&x.b, ctx, "&b");

	run_thread("t1", t1, &x);
	run_thread("t1", t1, &x);
	tap_ok(ld_nr_reports(ctx) == 0, "A then B twice: should NOT report");

	run_thread("t2", t2, &x);
	tap_ok(ld_nr_reports(ctx) == 1, "B then A after A then B: should report");
	report_is(ctx, golden, "ABBA report text is exact");

	run_thread("t2", t2, &x);
	run_thread("t1", t1, &x);
	tap_ok(ld_nr_reports(ctx) == 1, "the same inversion again: reported once only");
	tap_ok(!kmutex_is_locked(&x.a) && !kmutex_is_locked(&x.b),
	       "both locks were really released");

	kmutex_destroy(&x.a);
	kmutex_destroy(&x.b);
	ld_ctx_free(ctx);
	return tap_done();
}
