/* SPDX-License-Identifier: MIT */
/*
 * test_order.c - the declared order is checked on every acquire.
 *
 * With the order &a < &b < &c declared, taking &c then &a should report a
 * lock order violation at once, although no cycle exists yet (nobody took
 * &a then &c). Taking them in order, or with an unranked lock, should NOT
 * report. Re-declaring the order (a locking variant) changes the verdict.
 */
#include <errno.h>

#include "ldtest.h"

static const char *const order[] = { "&a", "&b", "&c" };
static const char *const variant[] = { "&c", "&a", "&b", "&e", "&d" };

static const char golden[] = "\n"
			     "======================================\n"
			     "WARNING: lock order violation detected\n"
			     "--------------------------------------\n"
			     "main/1 is trying to acquire lock:\n"
			     "(&a){+.+.}, at: main_work golden.c:11\n"
			     "\n"
			     "but task is already holding lock:\n"
			     "(&c){+.+.}, at: main_work golden.c:10\n"
			     "\n"
			     "which comes later in the declared lock order:\n"
			     "  &a --> &b --> &c\n"
			     "\n"
			     "&a (rank 0) must be acquired before &c (rank 2).\n"
			     "\n"
			     "1 lock held by main/1:\n"
			     " #0: (&c){+.+.}, at: main_work golden.c:10\n";

struct abc {
	struct kmutex a, b, c, d, e, u;
};

static void lock2(struct kmutex *x, struct kmutex *y, int line)
{
	kmutex_lock_at(x, AT("main_work", line));
	kmutex_lock_at(y, AT("main_work", line + 1));
	kmutex_unlock(y);
	kmutex_unlock(x);
}

int main(void)
{
	struct ld_ctx *ctx = ld_ctx_new();
	struct ld_stats st;
	struct abc l;
	char *json;

	pthread_setname_np(pthread_self(), "main");
	tap_ok(ld_declare_order(ctx, order, 3) == 0, "declare a < b < c");
	kmutex_init(&l.a, ctx, "&a");
	kmutex_init(&l.b, ctx, "&b");
	kmutex_init(&l.c, ctx, "&c");
	kmutex_init(&l.u, ctx, "&unranked");
	kmutex_init(&l.d, ctx, "&d");
	kmutex_init(&l.e, ctx, "&e");
	lock2(&l.a, &l.b, 1);
	lock2(&l.c, &l.u, 3);
	lock2(&l.u, &l.b, 5);
	tap_ok(ld_nr_reports(ctx) == 0, "in order, or with an unranked lock: should NOT report");
	lock2(&l.c, &l.a, 10);
	tap_ok(ld_nr_reports(ctx) == 1, "&c then &a, no cycle yet: should report");
	report_is(ctx, golden, "order violation text is exact");
	ld_stats(ctx, &st);
	json = ld_report_json(ctx);
	tap_ok(strstr(json, "\"kind\": \"order\"") != NULL, "JSON kind is order");
	free(json);
	lock2(&l.c, &l.a, 10);
	tap_ok(ld_nr_reports(ctx) == 1, "the same violation again: reported once");

	tap_ok(ld_declare_order(ctx, variant, 5) == 0, "re-declare c < a < b < e < d");
	lock2(&l.c, &l.a, 20);
	tap_ok(ld_nr_reports(ctx) == 1, "&c then &a under the variant: should NOT report");
	lock2(&l.d, &l.e, 22);
	tap_ok(ld_nr_reports(ctx) == 2, "&d then &e under the variant: should report");
	{
		const char *many[65];

		for (int i = 0; i < 65; i++)
			many[i] = "&x";
		tap_ok(ld_declare_order(ctx, many, 65) < 0, "more than 64 ranks: rejected");
	}

	kmutex_destroy(&l.a);
	kmutex_destroy(&l.b);
	kmutex_destroy(&l.c);
	kmutex_destroy(&l.u);
	kmutex_destroy(&l.d);
	kmutex_destroy(&l.e);
	ld_ctx_free(ctx);
	return tap_done();
}
