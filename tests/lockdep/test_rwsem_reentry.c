/* SPDX-License-Identifier: MIT */
/*
 * test_rwsem_reentry.c - down_read is a non-recursive reader.
 *
 * A kernel rwsem lets no new reader in once a writer waits. So:
 *  - down_read twice on one rwsem, with a writer really queued in between,
 *    should report (before blocking) and must not hang: the second read is
 *    not performed, the writer gets in after both up_reads;
 *  - down_read(S) -> A in one thread, A -> down_read(S) in another, should
 *    report: the second reader waits behind a queued writer;
 *  - down_write then down_read of the same rwsem should report.
 */
#include <unistd.h>

#include "ldtest.h"

struct rw {
	struct ld_ctx *ctx;
	struct krwsem s;
	struct kmutex a;
	bool writer_done;
};

static const char golden[] =
	"\n"
	"============================================\n"
	"WARNING: possible recursive locking detected\n"
	"--------------------------------------------\n"
	"reader/1 is trying to acquire lock:\n"
	"(&s){++++}, at: reader_work golden.c:41\n"
	"\n"
	"but task is already holding lock:\n"
	"(&s){++++}, at: reader_work golden.c:40\n"
	"\n"
	"which is the same lock instance (the re-acquisition is not performed).\n"
	"\n"
	"other info that might help us debug this:\n"
	" Possible unsafe locking scenario:\n"
	"\n"
	"       CPU0\n"
	"       ----\n"
	"  rlock(&s);\n"
	"  rlock(&s);\n"
	"\n"
	" *** DEADLOCK ***\n"
	"\n"
	" A writer queued between the two reads blocks the second one\n"
	"\n"
	"1 lock held by reader/1:\n"
	" #0: (&s){++++}, at: reader_work golden.c:40\n";

static void *writer(void *arg)
{
	struct rw *x = arg;

	down_write(&x->s);
	x->writer_done = true;
	up_write(&x->s);
	ld_thread_exit(x->ctx);
	return NULL;
}

static bool writer_queued(struct rw *x)
{
	bool q;

	pthread_mutex_lock(&x->s.m);
	q = x->s.writers_waiting > 0;
	pthread_mutex_unlock(&x->s.m);
	return q;
}

/* deliberate misuse: clang -Wthread-safety flags it statically too */
static void reader(void *arg) NO_THREAD_SAFETY_ANALYSIS
{
	struct rw *x = arg;
	pthread_t w;

	down_read_at(&x->s, AT("reader_work", 40));
	pthread_create(&w, NULL, writer, x);
	while (!writer_queued(x))
		usleep(1000);
	down_read_at(&x->s, AT("reader_work", 41)); /* would hang behind the writer */
	tap_ok(ld_nr_reports(x->ctx) == 1,
	       "down_read twice with a queued writer: should report, no hang");
	up_read(&x->s);
	up_read(&x->s);
	pthread_join(w, NULL);
	tap_ok(x->writer_done, "the writer got the rwsem after the reads");
}

static void read_then_a(void *arg)
{
	struct rw *x = arg;

	down_read(&x->s);
	kmutex_lock(&x->a);
	kmutex_unlock(&x->a);
	up_read(&x->s);
}

static void a_then_read(void *arg)
{
	struct rw *x = arg;

	kmutex_lock(&x->a);
	down_read(&x->s);
	up_read(&x->s);
	kmutex_unlock(&x->a);
}

/* deliberate misuse: clang -Wthread-safety flags it statically too */
static void write_then_read(void *arg) NO_THREAD_SAFETY_ANALYSIS
{
	struct rw *x = arg;

	down_write(&x->s);
	down_read(&x->s);
	up_read(&x->s);
	up_write(&x->s);
}

static void setup(struct rw *x)
{
	x->ctx = ld_ctx_new();
	x->writer_done = false;
	krwsem_init(&x->s, x->ctx, "&s");
	kmutex_init(&x->a, x->ctx, "&a");
}

static void teardown(struct rw *x)
{
	krwsem_destroy(&x->s);
	kmutex_destroy(&x->a);
	ld_ctx_free(x->ctx);
}

int main(void)
{
	struct rw x;
	char *text;

	setup(&x);
	run_thread("reader", reader, &x);
	report_is(x.ctx, golden, "read re-entry report text is exact");
	teardown(&x);

	setup(&x);
	run_thread("pqap", read_then_a, &x);
	tap_ok(ld_nr_reports(x.ctx) == 0, "down_read(S) -> A alone: should NOT report");
	run_thread("open", a_then_read, &x);
	text = ld_report_text(x.ctx);
	tap_ok(ld_nr_reports(x.ctx) == 1 &&
		       has_line(text, "WARNING: possible circular locking dependency detected"),
	       "then A -> down_read(S): should report (reader behind a queued writer)");
	tap_ok(has_line(text, "  rlock(&s);") &&
		       has_line(text, "                               rlock(&s);"),
	       "the scenario marks read acquisitions as rlock");
	free(text);
	teardown(&x);

	setup(&x);
	run_thread("upgrade", write_then_read, &x);
	tap_ok(ld_nr_reports(x.ctx) == 1, "down_write then down_read: should report");
	teardown(&x);
	return tap_done();
}
