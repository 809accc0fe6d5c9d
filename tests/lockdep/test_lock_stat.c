/* SPDX-License-Identifier: MIT */
/*
 * test_lock_stat.c - lock statistics (docs/validator.md, "Lock statistics").
 *
 * Counts must equal a workload with a known number of acquisitions, by
 * class and by mode (mutex, rwsem read and write, trylock, subclass), also
 * for a thread that has ended; a contention is counted exactly when an
 * acquirer found the lock busy, with its waiting site; clearing forgets
 * everything and counting starts again; with lock_stat off nothing is
 * counted; the text has the /proc/lock_stat layout.
 *
 * The contentions are made certain by order, not by time: the main thread
 * holds the lock and waits until the other thread is known to be blocked
 * on it (a writer queued on the rwsem; the glibc mutex word marked as
 * having waiters) before it releases.
 */
#include <pthread.h>

#include "ldtest.h"

struct w {
	struct ld_ctx *ctx;
	struct kmutex a, b, c;
	struct krwsem s;
};

static const struct ld_lock_stat *find(const struct ld_lock_stat *v, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

static void workload(struct w *w)
{
	for (int i = 0; i < 1000; i++) {
		kmutex_lock(&w->a);
		if (i % 2 == 0) {
			kmutex_lock(&w->b);
			kmutex_unlock(&w->b);
		}
		kmutex_unlock(&w->a);
	}
	for (int i = 0; i < 300; i++) {
		down_read(&w->s);
		up_read(&w->s);
	}
	for (int i = 0; i < 200; i++) {
		down_write(&w->s);
		up_write(&w->s);
	}
	for (int i = 0; i < 50; i++)
		if (kmutex_trylock(&w->c))
			kmutex_unlock(&w->c);
	kmutex_lock_nested(&w->c, 1);
	kmutex_unlock(&w->c);
}

static void *workload_thread(void *arg)
{
	workload(arg);
	return NULL;
}

static bool counts_are(struct w *w, unsigned long long mul, const char *what)
{
	struct ld_lock_stat *v;
	int n = ld_lock_stat_read(w->ctx, &v);
	const struct ld_lock_stat *a = find(v, n, "&w->a"), *b = find(v, n, "&w->b"),
				  *c = find(v, n, "&w->c"), *c1 = find(v, n, "&w->c/1"),
				  *s = find(v, n, "&w->s");
	bool ok = n == 5 && a && b && c && c1 && s && a->hold[0].nr == 1000 * mul &&
		  b->hold[0].nr == 500 * mul && s->hold[1].nr == 300 * mul &&
		  s->hold[0].nr == 200 * mul && c->hold[0].nr == 50 * mul &&
		  c1->hold[0].nr == mul && a->hold[1].nr == 0 && a->wait[0].nr == 0 &&
		  s->wait[0].nr + s->wait[1].nr == 0 && a->hold[0].max >= a->hold[0].min &&
		  a->hold[0].total >= a->hold[0].max;

	if (!tap_ok(ok, "%s", what))
		tap_diag("classes %d; a %llu, b %llu, s-R %llu, s-W %llu, c %llu", n,
			 a ? a->hold[0].nr : 0, b ? b->hold[0].nr : 0, s ? s->hold[1].nr : 0,
			 s ? s->hold[0].nr : 0, c ? c->hold[0].nr : 0);
	free(v);
	return ok;
}

/* --- contention, made certain by order ---------------------------------- */

static void *contend_mutex(void *arg)
{
	struct w *w = arg;

	kmutex_lock_at(&w->a, AT("contender", 77));
	kmutex_unlock(&w->a);
	return NULL;
}

static void *contend_rwsem(void *arg)
{
	struct w *w = arg;

	down_write_at(&w->s, AT("writer", 88));
	up_write(&w->s);
	return NULL;
}

static bool writer_queued(struct krwsem *s)
{
	int n;

	pthread_mutex_lock(&s->m);
	n = s->writers_waiting;
	pthread_mutex_unlock(&s->m);
	return n > 0;
}

static bool mutex_has_waiter(struct kmutex *m)
{
#ifdef __GLIBC__
	/* glibc's lock word: 0 free, 1 locked, 2 locked with a waiter asleep */
	return __atomic_load_n(&m->m.__data.__lock, __ATOMIC_ACQUIRE) == 2;
#else
	(void)m;
	return true;
#endif
}

static void contention(struct w *w)
{
	struct ld_lock_stat *v;
	const struct ld_lock_stat *a, *s;
	pthread_t th;
	int n;

	ld_lock_stat_clear(w->ctx);
	kmutex_lock(&w->a);
	pthread_create(&th, NULL, contend_mutex, w);
	while (!mutex_has_waiter(&w->a))
		sched_yield();
	kmutex_unlock(&w->a);
	pthread_join(th, NULL);

	down_read(&w->s);
	pthread_create(&th, NULL, contend_rwsem, w);
	while (!writer_queued(&w->s))
		sched_yield();
	up_read(&w->s);
	pthread_join(th, NULL);

	n = ld_lock_stat_read(w->ctx, &v);
	a = find(v, n, "&w->a");
	s = find(v, n, "&w->s");
	tap_ok(a && a->wait[0].nr == 1 && a->hold[0].nr == 2 && a->con_bounces[0] == 1,
	       "a thread blocked on a held mutex: one contention, two acquisitions (should count)");
	tap_ok(a && a->acq_bounces[0] == 1, "the second acquirer is another thread: one bounce");
	tap_ok(a && !strcmp(a->point[0].site, "contender golden.c:77") && a->point[0].n == 1 &&
		       !a->point[1].n,
	       "its contention point is the waiting site (%s)", a ? a->point[0].site : "-");
	tap_ok(s && s->wait[0].nr == 1 && s->wait[1].nr == 0 && s->hold[1].nr == 1 &&
		       s->hold[0].nr == 1 && !strcmp(s->point[0].site, "writer golden.c:88"),
	       "a writer queued behind a reader: one write contention, none for the reader");
	tap_ok(n >= 2 && v[0].wait[0].nr + v[0].wait[1].nr == 1,
	       "the most contended classes come first");
	free(v);
}

static void text_layout(struct w *w)
{
	char *t = ld_lock_stat_text(w->ctx), line[512], sw[64], sr[64], rule[64];
	unsigned long long cb, con, ab, acq;
	const char *p;

	tap_ok(t && !strncmp(t, "lock_stat version 0.4\n", 22), "the text starts with the version");
	snprintf(line, sizeof(line),
		 "%40s %14s %14s %14s %14s %14s %14s %14s %14s %14s %14s %14s %14s", "class name",
		 "con-bounces", "contentions", "waittime-min", "waittime-max", "waittime-total",
		 "waittime-avg", "acq-bounces", "acquisitions", "holdtime-min", "holdtime-max",
		 "holdtime-total", "holdtime-avg");
	tap_ok(t && has_line(t, line), "the column header of /proc/lock_stat");
	snprintf(line, sizeof(line), "\n%40s:", "&w->a");
	p = t ? strstr(t, line) : NULL;
	tap_ok(p &&
		       sscanf(p + 42, "%llu %llu %*s %*s %*s %*s %llu %llu", &cb, &con, &ab,
			      &acq) == 4 &&
		       cb == 1 && con == 1 && ab == 1 && acq == 2,
	       "a class line: name right-aligned in 40 columns, then the counts");
	snprintf(sw, sizeof(sw), "\n%38s-W:", "&w->s");
	snprintf(sr, sizeof(sr), "\n%38s-R:", "&w->s");
	tap_ok(t && strstr(t, sw) && strstr(t, sr),
	       "an rwsem used both ways has a -W and a -R line");
	snprintf(rule, sizeof(rule), "%35s-----", "");
	snprintf(line, sizeof(line), "\n%40s %14d contender golden.c:77\n", "&w->a", 1);
	tap_ok(t && has_line(t, rule) && strstr(t, line),
	       "the contention points follow under a rule as long as the name");
	free(t);
}

int main(void)
{
	struct w w = { .ctx = ld_ctx_new() };
	struct ld_lock_stat *v;
	pthread_t th;

	kmutex_init(&w.a, w.ctx, "&w->a");
	kmutex_init(&w.b, w.ctx, "&w->b");
	kmutex_init(&w.c, w.ctx, "&w->c");
	krwsem_init(&w.s, w.ctx, "&w->s");

	workload(&w);
	tap_ok(ld_lock_stat_read(w.ctx, &v) == 0 && !v,
	       "lock_stat off (the default): nothing is counted");
	ld_set_lock_stat(w.ctx, true);
	tap_ok(ld_lock_stat_enabled(w.ctx), "it can be switched on");
	workload(&w);
	counts_are(&w, 1, "acquisitions per class and mode equal the workload's");
	pthread_create(&th, NULL, workload_thread, &w);
	pthread_join(th, NULL);
	counts_are(&w, 2, "a thread that ended still counts");
	ld_lock_stat_clear(w.ctx);
	tap_ok(ld_lock_stat_read(w.ctx, &v) == 0, "after a clear nothing is left");
	workload(&w);
	counts_are(&w, 1, "after a clear counting starts from zero");

	contention(&w);
	text_layout(&w);

	ld_set_lock_stat(w.ctx, false);
	ld_lock_stat_clear(w.ctx);
	workload(&w);
	tap_ok(ld_lock_stat_read(w.ctx, &v) == 0, "switched off again: nothing more is counted");
	tap_ok(ld_nr_reports(w.ctx) == 0, "the validator reported nothing");

	kmutex_destroy(&w.a);
	kmutex_destroy(&w.b);
	kmutex_destroy(&w.c);
	krwsem_destroy(&w.s);
	ld_ctx_free(w.ctx);
	return tap_done();
}
