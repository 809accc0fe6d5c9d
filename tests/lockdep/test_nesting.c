/* SPDX-License-Identifier: MIT */
/*
 * test_nesting.c - two locks of one class held together.
 *
 * Taking guest A's kvm->lock then guest B's without annotation should
 * report "possible recursive locking" (lockdep cannot tell the instances
 * apart). With kmutex_lock_nested(m, 1) the inner lock is in subclass
 * "&kvm->lock/1" and should NOT report. Taking subclass 1 first and then
 * subclass 0 inverts that annotated order: should report a cycle.
 */
#include "ldtest.h"

struct two {
	struct kmutex kvm[2];
	bool nested;
	bool inverted;
};

/* deliberate misuse: clang -Wthread-safety flags it statically too */
static void both(void *arg) NO_THREAD_SAFETY_ANALYSIS
{
	struct two *t = arg;

	if (t->inverted) {
		kmutex_lock_nested(&t->kvm[1], 1);
		kmutex_lock(&t->kvm[0]);
		kmutex_unlock(&t->kvm[0]);
		kmutex_unlock(&t->kvm[1]);
		return;
	}
	kmutex_lock(&t->kvm[0]);
	if (t->nested)
		kmutex_lock_nested(&t->kvm[1], 1);
	else
		kmutex_lock(&t->kvm[1]);
	kmutex_unlock(&t->kvm[1]);
	kmutex_unlock(&t->kvm[0]);
}

static struct ld_ctx *setup(struct two *t, bool nested)
{
	struct ld_ctx *ctx = ld_ctx_new();

	kmutex_init(&t->kvm[0], ctx, "&kvm->lock");
	kmutex_init(&t->kvm[1], ctx, "&kvm->lock");
	t->nested = nested;
	t->inverted = false;
	return ctx;
}

static void teardown(struct two *t, struct ld_ctx *ctx)
{
	kmutex_destroy(&t->kvm[0]);
	kmutex_destroy(&t->kvm[1]);
	ld_ctx_free(ctx);
}

int main(void)
{
	struct two t;
	struct ld_ctx *ctx;
	char *text;

	ctx = setup(&t, false);
	run_thread("guests", both, &t);
	text = ld_report_text(ctx);
	tap_ok(ld_nr_reports(ctx) == 1 &&
		       has_line(text, "WARNING: possible recursive locking detected"),
	       "two kvm->lock instances, no annotation: should report");
	tap_ok(has_line(text, " May be due to missing lock nesting notation"),
	       "the report suggests a nesting annotation");
	tap_ok(!kmutex_is_locked(&t.kvm[0]) && !kmutex_is_locked(&t.kvm[1]),
	       "different instances were really taken and released");
	free(text);
	teardown(&t, ctx);

	ctx = setup(&t, true);
	run_thread("guests", both, &t);
	run_thread("guests", both, &t);
	tap_ok(ld_nr_reports(ctx) == 0, "with kmutex_lock_nested(m, 1): should NOT report");
	t.inverted = true;
	run_thread("inverted", both, &t);
	text = ld_report_text(ctx);
	tap_ok(ld_nr_reports(ctx) == 1 && has_line(text, "  &kvm->lock --> &kvm->lock/1"),
	       "subclass 1 then subclass 0 after 0 then 1: should report the cycle");
	free(text);
	teardown(&t, ctx);
	return tap_done();
}
