/* SPDX-License-Identifier: MIT */
/*
 * test_abbcca.c - a three-lock cycle over three threads (AB, BC, CA).
 *
 * Thread x takes A then B, thread y B then C, thread z C then A, one after
 * the other. No two of them invert, so only the third closes the cycle:
 * should report with the whole chain (A --> B --> C) and the first-seen
 * site of every edge. The first two should NOT report.
 */
#include "ldtest.h"

struct three {
	struct kmutex a, b, c;
};

static void pair(struct kmutex *outer, struct kmutex *inner, const char *fn, int line)
{
	kmutex_lock_at(outer, AT(fn, line));
	kmutex_lock_at(inner, AT(fn, line + 1));
	kmutex_unlock_at(inner, AT(fn, line + 2));
	kmutex_unlock_at(outer, AT(fn, line + 3));
}

static void tx(void *arg)
{
	struct three *t = arg;

	pair(&t->a, &t->b, "x_work", 10);
}

static void ty(void *arg)
{
	struct three *t = arg;

	pair(&t->b, &t->c, "y_work", 20);
}

static void tz(void *arg)
{
	struct three *t = arg;

	pair(&t->c, &t->a, "z_work", 30);
}

static const char golden[] = "\n"
			     "======================================================\n"
			     "WARNING: possible circular locking dependency detected\n"
			     "------------------------------------------------------\n"
			     "z/3 is trying to acquire lock:\n"
			     "(&a){+.+.}, at: z_work golden.c:31\n"
			     "\n"
			     "but task is already holding lock:\n"
			     "(&c){+.+.}, at: z_work golden.c:30\n"
			     "\n"
			     "which lock already depends on the new lock.\n"
			     "\n"
			     "\n"
			     "the existing dependency chain (in reverse order) is:\n"
			     "\n"
			     "-> #2 (&c){+.+.}:\n"
			     "       acquired at: y_work golden.c:21\n"
			     "       while holding (&b) acquired at: y_work golden.c:20\n"
			     "\n"
			     "-> #1 (&b){+.+.}:\n"
			     "       acquired at: x_work golden.c:11\n"
			     "       while holding (&a) acquired at: x_work golden.c:10\n"
			     "\n"
			     "-> #0 (&a){+.+.}:\n"
			     "       acquired at: z_work golden.c:31\n"
			     "       while holding (&c) acquired at: z_work golden.c:30\n"
			     "\n"
			     "other info that might help us debug this:\n"
			     "\n"
			     "Chain exists of:\n"
			     "  &a --> &b --> &c\n"
			     "\n"
			     " Possible unsafe locking scenario:\n"
			     "\n"
			     "       CPU0                    CPU1\n"
			     "       ----                    ----\n"
			     "  lock(&c);\n"
			     "                               lock(&b);\n"
			     "                               lock(&c);\n"
			     "  lock(&a);\n"
			     "\n"
			     " *** DEADLOCK ***\n"
			     "\n"
			     "1 lock held by z/3:\n"
			     " #0: (&c){+.+.}, at: z_work golden.c:30\n";

int main(void)
{
	struct ld_ctx *ctx = ld_ctx_new();
	struct three t;
	char *json;

	kmutex_init(&t.a, ctx, "&a");
	kmutex_init(&t.b, ctx, "&b");
	kmutex_init(&t.c, ctx, "&c");
	run_thread("x", tx, &t);
	run_thread("y", ty, &t);
	tap_ok(ld_nr_reports(ctx) == 0, "A->B then B->C: should NOT report");
	run_thread("z", tz, &t);
	tap_ok(ld_nr_reports(ctx) == 1, "then C->A: should report the 3-cycle");
	report_is(ctx, golden, "ABBCCA report text is exact");
	json = ld_report_json(ctx);
	tap_ok(strstr(json, "\"chain\": [\"&a\", \"&b\", \"&c\"]") != NULL,
	       "JSON carries the whole chain");
	free(json);
	kmutex_destroy(&t.a);
	kmutex_destroy(&t.b);
	kmutex_destroy(&t.c);
	ld_ctx_free(ctx);
	return tap_done();
}
