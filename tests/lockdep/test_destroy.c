/* SPDX-License-Identifier: MIT */
/*
 * test_destroy.c - destroying a lock that is still held.
 *
 * Should report "held lock freed" and leave the lock intact (not
 * destroyed), whether this thread or another one holds it; destroying a
 * released lock should NOT report.
 */
#include "ldtest.h"

struct de {
	struct ld_ctx *ctx;
	struct kmutex m;
	struct krwsem s;
	pthread_barrier_t bar;
};

static void *holder(void *arg)
{
	struct de *x = arg;

	pthread_setname_np(pthread_self(), "holder");
	down_read(&x->s);
	pthread_barrier_wait(&x->bar);
	pthread_barrier_wait(&x->bar);
	up_read(&x->s);
	ld_thread_exit(x->ctx);
	return NULL;
}

int main(void)
{
	struct de x;
	pthread_t th;
	char *text;

	pthread_setname_np(pthread_self(), "main");
	x.ctx = ld_ctx_new();
	kmutex_init(&x.m, x.ctx, "&m");
	krwsem_init(&x.s, x.ctx, "&s");
	pthread_barrier_init(&x.bar, NULL, 2);

	kmutex_lock(&x.m);
	kmutex_destroy(&x.m);
	text = ld_report_text(x.ctx);
	tap_ok(ld_nr_reports(x.ctx) == 1 && has_line(text, "WARNING: held lock freed!") &&
		       has_line(text, "with the lock still held by this task!"),
	       "destroy of a mutex this thread holds: should report");
	free(text);
	tap_ok(kmutex_is_locked(&x.m), "the mutex was not destroyed");
	kmutex_unlock(&x.m);
	kmutex_destroy(&x.m);
	tap_ok(ld_nr_reports(x.ctx) == 1, "unlock then destroy: should NOT report");

	pthread_create(&th, NULL, holder, &x);
	pthread_barrier_wait(&x.bar);
	krwsem_destroy(&x.s);
	text = ld_report_text(x.ctx);
	tap_ok(ld_nr_reports(x.ctx) == 2 && has_line(text, "with the lock still held by holder/2!"),
	       "destroy of an rwsem another thread reads: should report");
	free(text);
	pthread_barrier_wait(&x.bar);
	pthread_join(th, NULL);
	krwsem_destroy(&x.s);
	tap_ok(ld_nr_reports(x.ctx) == 2, "destroy after the reader left: should NOT report");

	pthread_barrier_destroy(&x.bar);
	ld_ctx_free(x.ctx);
	return tap_done();
}
