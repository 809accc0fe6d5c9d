/* SPDX-License-Identifier: MIT */
/*
 * test_unlock.c - releases that do not match an acquisition.
 *
 * Should report "bad unlock balance" and must not perform the release:
 *  - a double unlock, and an unlock of a mutex never locked;
 *  - an unlock by a thread that does not own the mutex (the owner keeps
 *    it and later unlocks normally, which should NOT report);
 *  - up_read of an rwsem held for write.
 */
#include "ldtest.h"

struct ul {
	struct ld_ctx *ctx;
	struct kmutex a, b;
	struct krwsem s;
	pthread_barrier_t bar;
};

static const char golden[] = "\n"
			     "=====================================\n"
			     "WARNING: bad unlock balance detected!\n"
			     "-------------------------------------\n"
			     "main/1 is trying to release lock (&a) at:\n"
			     "main_work golden.c:12\n"
			     "but there are no more locks to release!\n"
			     "\n"
			     "other info that might help us debug this:\n"
			     "no locks held by main/1.\n";

static void *owner(void *arg)
{
	struct ul *x = arg;

	pthread_setname_np(pthread_self(), "owner");
	kmutex_lock(&x->b);
	pthread_barrier_wait(&x->bar); /* main tries to unlock b */
	pthread_barrier_wait(&x->bar);
	kmutex_unlock(&x->b);
	ld_thread_exit(x->ctx);
	return NULL;
}

/* deliberate misuse: clang -Wthread-safety flags it statically too */
int main(void) NO_THREAD_SAFETY_ANALYSIS
{
	struct ul x;
	pthread_t th;
	char *text;

	pthread_setname_np(pthread_self(), "main");
	x.ctx = ld_ctx_new();
	kmutex_init(&x.a, x.ctx, "&a");
	kmutex_init(&x.b, x.ctx, "&b");
	krwsem_init(&x.s, x.ctx, "&s");
	pthread_barrier_init(&x.bar, NULL, 2);

	kmutex_lock_at(&x.a, AT("main_work", 10));
	kmutex_unlock_at(&x.a, AT("main_work", 11));
	kmutex_unlock_at(&x.a, AT("main_work", 12));
	tap_ok(ld_nr_reports(x.ctx) == 1, "double unlock: should report");
	report_is(x.ctx, golden, "bad unlock text is exact");
	tap_ok(!kmutex_is_locked(&x.a), "the mutex stays unlocked (no corruption)");
	kmutex_lock(&x.a);
	kmutex_unlock(&x.a);
	tap_ok(ld_nr_reports(x.ctx) == 1, "mutex works after: should NOT report");

	pthread_create(&th, NULL, owner, &x);
	pthread_barrier_wait(&x.bar);
	kmutex_unlock(&x.b);
	text = ld_report_text(x.ctx);
	tap_ok(ld_nr_reports(x.ctx) == 2 &&
		       has_line(text, "but it is held by owner/2, not by this task!"),
	       "unlock by a non-owner: should report and name the owner");
	free(text);
	tap_ok(kmutex_is_locked(&x.b), "the owner still holds the mutex");
	pthread_barrier_wait(&x.bar);
	pthread_join(th, NULL);
	tap_ok(ld_nr_reports(x.ctx) == 2 && !kmutex_is_locked(&x.b),
	       "the owner's own unlock: should NOT report");

	down_write(&x.s);
	up_read(&x.s);
	text = ld_report_text(x.ctx);
	tap_ok(ld_nr_reports(x.ctx) == 3 &&
		       has_line(text, "but it is held for write by this task!"),
	       "up_read of a write-held rwsem: should report");
	free(text);
	up_write(&x.s);
	tap_ok(ld_nr_reports(x.ctx) == 3 && ld_held_count(x.ctx) == 0,
	       "then up_write: should NOT report");

	pthread_barrier_destroy(&x.bar);
	kmutex_destroy(&x.a);
	kmutex_destroy(&x.b);
	krwsem_destroy(&x.s);
	ld_ctx_free(x.ctx);
	return tap_done();
}
