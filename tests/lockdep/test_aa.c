/* SPDX-License-Identifier: MIT */
/*
 * test_aa.c - a thread re-taking a mutex it holds (AA self-deadlock).
 *
 * Should report "possible recursive locking detected" *before* blocking,
 * then (default policy) not perform the re-acquisition, so the test does
 * not hang; the matching unlock is a no-op and the outer unlock really
 * releases. A trylock of a held mutex simply fails and should NOT report.
 */
#include "ldtest.h"

static const char golden[] =
	"\n"
	"============================================\n"
	"WARNING: possible recursive locking detected\n"
	"--------------------------------------------\n"
	"aa/1 is trying to acquire lock:\n"
	"(&a){+.+.}, at: aa_work golden.c:31\n"
	"\n"
	"but task is already holding lock:\n"
	"(&a){+.+.}, at: aa_work golden.c:30\n"
	"\n"
	"which is the same lock instance (the re-acquisition is not performed).\n"
	"\n"
	"other info that might help us debug this:\n"
	" Possible unsafe locking scenario:\n"
	"\n"
	"       CPU0\n"
	"       ----\n"
	"  lock(&a);\n"
	"  lock(&a);\n"
	"\n"
	" *** DEADLOCK ***\n"
	"\n"
	"1 lock held by aa/1:\n"
	" #0: (&a){+.+.}, at: aa_work golden.c:30\n";

struct aa {
	struct ld_ctx *ctx;
	struct kmutex a;
};

/* deliberate misuse: clang -Wthread-safety flags it statically too */
static void aa(void *arg) NO_THREAD_SAFETY_ANALYSIS
{
	struct aa *x = arg;
	unsigned base = ld_nr_reports(x->ctx);

	kmutex_lock_at(&x->a, AT("aa_work", 30));
	tap_ok(!kmutex_trylock(&x->a), "trylock of a held mutex fails");
	tap_ok(ld_nr_reports(x->ctx) == base, "trylock of a held mutex: should NOT report");
	kmutex_lock_at(&x->a, AT("aa_work", 31));
	tap_ok(ld_nr_reports(x->ctx) == 1, "lock of a held mutex: should report, no hang");
	tap_ok(ld_held_count(x->ctx) == 2, "the re-acquisition is on the stack (ghost)");
	kmutex_unlock_at(&x->a, AT("aa_work", 32));
	tap_ok(kmutex_is_locked(&x->a), "inner unlock does not release the mutex");
	kmutex_unlock_at(&x->a, AT("aa_work", 33));
	tap_ok(!kmutex_is_locked(&x->a), "outer unlock releases it");
	tap_ok(ld_nr_reports(x->ctx) == 1, "both unlocks are balanced: no more reports");
}

int main(void)
{
	struct aa x = { .ctx = ld_ctx_new() };

	kmutex_init(&x.a, x.ctx, "&a");
	run_thread("aa", aa, &x);
	report_is(x.ctx, golden, "AA report text is exact");
	run_thread("aa", aa, &x);
	tap_ok(ld_nr_reports(x.ctx) == 1, "second AA at the same place: reported once");
	kmutex_destroy(&x.a);
	ld_ctx_free(x.ctx);
	return tap_done();
}
