/* SPDX-License-Identifier: MIT */
/*
 * ld_stat.c - lock statistics per class, the model's /proc/lock_stat
 * (docs/validator.md, "Lock statistics").
 *
 * What is measured: a contention is an acquisition that found the lock
 * busy (a failed trylock of the mutex, a reader or writer that had to wait
 * on the rwsem); its wait runs from then until the lock is held. The hold
 * time runs from the moment the lock is held until the validator sees the
 * release. A bounce is an acquisition (or contention) of a lock instance
 * whose previous acquirer was another thread; the kernel counts CPUs.
 * Times are ld_ticks() and become ns only when read, scaled by the ticks
 * and CLOCK_MONOTONIC ns elapsed since the context was created.
 *
 * DESIGN: no lock on the hot path. Each thread keeps its own counters per
 * class (struct ld_lstat, in chunks of LD_LSTAT_CHUNK classes allocated on
 * first use and published with a release store); only that thread writes
 * them, with relaxed atomic stores, and a reader sums all threads under
 * ctx->lock with relaxed loads. A clear bumps the context's generation: a
 * reader ignores threads still at an older one, and each thread zeroes its
 * own counters the next time it records something. Threads that leave are
 * folded into ctx->lstat_dead (under ctx->lock).
 */
#include "lockdep/ld_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define ST(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

void ld_set_lock_stat(struct ld_ctx *ctx, bool on)
{
	__atomic_store_n(&ctx->lock_stat, on, __ATOMIC_RELAXED);
}

bool ld_lock_stat_enabled(const struct ld_ctx *ctx)
{
	return __atomic_load_n(&ctx->lock_stat, __ATOMIC_RELAXED);
}

/* --- the owner thread's side ------------------------------------------- */

static void zero_words(void *p, size_t bytes)
{
	uint64_t *w = p;

	for (size_t i = 0; i < bytes / sizeof(*w); i++)
		ST(&w[i], 0);
}

/* This thread's record for cls, zeroed first if a clear happened; NULL without memory. */
static struct ld_lstat *own_stat(struct ld_ctx *ctx, struct ld_thread *t,
				 const struct ld_class *cls)
{
	unsigned gen = __atomic_load_n(&ctx->lstat_gen, __ATOMIC_ACQUIRE);
	unsigned c = cls->id / LD_LSTAT_CHUNK;
	struct ld_lstat *chunk;

	if (c >= LD_LSTAT_CHUNKS)
		return NULL;
	if (t->lstat_gen != gen) {
		for (unsigned i = 0; i < LD_LSTAT_CHUNKS; i++)
			if (t->lstat[i])
				zero_words(t->lstat[i], LD_LSTAT_CHUNK * sizeof(*t->lstat[i]));
		__atomic_store_n(&t->lstat_gen, gen, __ATOMIC_RELEASE);
	}
	chunk = t->lstat[c];
	if (!chunk) {
		chunk = calloc(LD_LSTAT_CHUNK, sizeof(*chunk));
		if (!chunk)
			return NULL;
		__atomic_store_n(&t->lstat[c], chunk, __ATOMIC_RELEASE);
	}
	return &chunk[cls->id % LD_LSTAT_CHUNK];
}

static void time_add(struct ld_ltime *tm, uint64_t v)
{
	uint64_t nr = LD(&tm->nr);

	if (!nr || v < LD(&tm->min))
		ST(&tm->min, v);
	if (v > LD(&tm->max))
		ST(&tm->max, v);
	ST(&tm->total, LD(&tm->total) + v);
	ST(&tm->nr, nr + 1);
}

static void point_add(struct ld_lstat *st, const struct ld_site *site)
{
	for (int i = 0; i < LD_LSTAT_POINTS; i++) {
		struct ld_lpoint *p = &st->point[i];
		uint64_t n = LD(&p->n);

		if (!n) { /* free slot: the fields first, then the count */
			ST(&p->file, site->file);
			ST(&p->func, site->func);
			ST(&p->line, (uint64_t)site->line);
			ST(&p->n, 1);
			return;
		}
		if (LD(&p->line) == (uint64_t)site->line && LD(&p->file) == site->file) {
			ST(&p->n, n + 1);
			return;
		}
	}
	/* a fifth site is not kept, as in the kernel */
}

void ld_stat_acquired(struct ld_map *map, uint64_t t0, const struct ld_site *site)
{
	struct ld_thread *t = ld_self(map->ctx);
	uint64_t now = ld_ticks();
	struct ld_held *h = t->depth ? &t->held[t->depth - 1] : NULL;
	struct ld_lstat *st;
	unsigned prev;
	int rw;

	if (!h || h->map != map || h->ghost)
		return; /* not tracked (a full stack) */
	st = own_stat(map->ctx, t, h->cls);
	if (!st)
		return;
	t->stamp[t->depth - 1] = now;
	t->lst[t->depth - 1] = st;
	rw = h->rtype != LD_W;
	prev = __atomic_load_n(&map->last_tid, __ATOMIC_RELAXED);
	if (prev != t->tid) {
		__atomic_store_n(&map->last_tid, t->tid, __ATOMIC_RELAXED);
		if (prev)
			ST(&st->acq_bounces[rw], LD(&st->acq_bounces[rw]) + 1);
	}
	if (!t0)
		return;
	time_add(&st->wait[rw], now > t0 ? now - t0 : 0);
	if (prev && prev != t->tid)
		ST(&st->con_bounces[rw], LD(&st->con_bounces[rw]) + 1);
	point_add(st, site);
}

void ld_stat_released(struct ld_thread *t, int i)
{
	const struct ld_held *h = &t->held[i];
	uint64_t now, t0 = t->stamp[i];

	if (!t0 || h->ghost)
		return; /* taken while lock_stat was off */
	now = ld_ticks();
	/*
	 * The record found at the acquisition: a clear in between zeroes it
	 * at this thread's next acquisition, so this sample may be lost then.
	 */
	time_add(&t->lst[i]->hold[h->rtype != LD_W], now > t0 ? now - t0 : 0);
}

/* --- folding and reading ------------------------------------------------ */

static void time_fold(struct ld_ltime *to, const struct ld_ltime *from)
{
	uint64_t nr = LD(&from->nr), mn = LD(&from->min), mx = LD(&from->max);

	if (!nr)
		return;
	if (!to->nr || mn < to->min)
		to->min = mn;
	if (mx > to->max)
		to->max = mx;
	to->total += LD(&from->total);
	to->nr += nr;
}

static void point_fold(struct ld_lpoint *to, size_t cap, const struct ld_lpoint *from)
{
	uint64_t n = LD(&from->n);
	const char *file = LD(&from->file);
	uint64_t line = LD(&from->line);
	size_t i;

	if (!n || !file)
		return;
	for (i = 0; i < cap && to[i].n; i++) {
		if (to[i].file == file && to[i].line == line) {
			to[i].n += n;
			return;
		}
	}
	if (i < cap) {
		to[i].file = file;
		to[i].func = LD(&from->func);
		to[i].line = line;
		to[i].n = n;
	}
}

/* Adds one thread's (or the dead threads') record of a class to a sum. */
static void stat_fold(struct ld_lstat *to, struct ld_lpoint *pts, size_t cap,
		      const struct ld_lstat *from)
{
	for (int k = 0; k < 2; k++) {
		time_fold(&to->wait[k], &from->wait[k]);
		time_fold(&to->hold[k], &from->hold[k]);
		to->con_bounces[k] += LD(&from->con_bounces[k]);
		to->acq_bounces[k] += LD(&from->acq_bounces[k]);
	}
	for (int i = 0; i < LD_LSTAT_POINTS; i++)
		point_fold(pts, cap, &from->point[i]);
}

/* Keeps a leaving thread's counters (this generation only) and frees them. */
void ld_stat_thread_drop(struct ld_ctx *ctx, struct ld_thread *t)
{
	bool current = t->lstat_gen == __atomic_load_n(&ctx->lstat_gen, __ATOMIC_RELAXED);

	for (unsigned c = 0; c < LD_LSTAT_CHUNKS; c++) {
		if (!t->lstat[c])
			continue;
		if (current && !ctx->lstat_dead[c])
			ctx->lstat_dead[c] = calloc(LD_LSTAT_CHUNK, sizeof(struct ld_lstat));
		for (unsigned k = 0; current && ctx->lstat_dead[c] && k < LD_LSTAT_CHUNK; k++) {
			struct ld_lstat *d = &ctx->lstat_dead[c][k];

			stat_fold(d, d->point, LD_LSTAT_POINTS, &t->lstat[c][k]);
		}
		free(t->lstat[c]);
		t->lstat[c] = NULL;
	}
}

void ld_stat_free(struct ld_ctx *ctx) GUARD_EXEMPT("teardown: no thread uses the context any more")
{
	for (unsigned c = 0; c < LD_LSTAT_CHUNKS; c++) {
		free(ctx->lstat_dead[c]);
		ctx->lstat_dead[c] = NULL;
	}
}

void ld_lock_stat_clear(struct ld_ctx *ctx)
{
	pthread_mutex_lock(&ctx->lock);
	for (unsigned c = 0; c < LD_LSTAT_CHUNKS; c++) {
		free(ctx->lstat_dead[c]);
		ctx->lstat_dead[c] = NULL;
	}
	__atomic_store_n(&ctx->lstat_gen, ctx->lstat_gen + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ctx->lock);
}

static int by_count(const void *a, const void *b)
{
	const struct ld_lpoint *x = a, *y = b;

	return (x->n < y->n) - (x->n > y->n);
}

static unsigned long long to_ns(uint64_t ticks, long double scale)
{
	return (unsigned long long)((long double)ticks * scale + 0.5L);
}

static void time_out(struct ld_lock_time *o, const struct ld_ltime *in, long double scale)
{
	o->nr = in->nr;
	o->min = to_ns(in->min, scale);
	o->max = to_ns(in->max, scale);
	o->total = to_ns(in->total, scale);
}

static unsigned long long contentions(const struct ld_lock_stat *s)
{
	return s->wait[0].nr + s->wait[1].nr;
}

static int by_contention(const void *a, const void *b)
{
	const struct ld_lock_stat *x = a, *y = b;
	unsigned long long cx = contentions(x), cy = contentions(y);
	unsigned long long ax = x->hold[0].nr + x->hold[1].nr, ay = y->hold[0].nr + y->hold[1].nr;

	if (cx != cy)
		return cx < cy ? 1 : -1;
	if (ax != ay)
		return ax < ay ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Sums class `id` over the dead and the live threads of this generation; ctx->lock held. */
static void class_sum(struct ld_ctx *ctx, unsigned id, struct ld_lstat *sum, struct ld_lpoint *pts,
		      size_t cap) CALLER_HOLDS(ctx->lock)
{
	unsigned c = id / LD_LSTAT_CHUNK, k = id % LD_LSTAT_CHUNK;
	unsigned gen = __atomic_load_n(&ctx->lstat_gen, __ATOMIC_RELAXED);
	const struct ld_thread *t;

	if (ctx->lstat_dead[c])
		stat_fold(sum, pts, cap, &ctx->lstat_dead[c][k]);
	for (t = ctx->threads; t; t = t->next) {
		const struct ld_lstat *chunk;

		if (__atomic_load_n(&t->lstat_gen, __ATOMIC_ACQUIRE) != gen)
			continue;
		chunk = __atomic_load_n(&t->lstat[c], __ATOMIC_ACQUIRE);
		if (chunk)
			stat_fold(sum, pts, cap, &chunk[k]);
	}
}

int ld_lock_stat_read(struct ld_ctx *ctx, struct ld_lock_stat **out)
{
	struct ld_lock_stat *v = NULL;
	struct ld_lpoint *pts;
	long double scale;
	unsigned n = 0, nc, cap;
	uint64_t dt, dn;

	*out = NULL;
	pthread_mutex_lock(&ctx->lock);
	nc = ctx->nr_classes < LD_LSTAT_CHUNKS * LD_LSTAT_CHUNK ? ctx->nr_classes :
								  LD_LSTAT_CHUNKS * LD_LSTAT_CHUNK;
	cap = 64; /* distinct waiting sites gathered per class before the top ones are taken */
	pts = malloc(cap * sizeof(*pts));
	v = nc ? calloc(nc, sizeof(*v)) : NULL;
	if (!pts || (nc && !v)) {
		pthread_mutex_unlock(&ctx->lock);
		free(pts);
		free(v);
		return -ENOMEM;
	}
	dt = ld_ticks() - ctx->tick0;
	dn = ld_mono_ns() - ctx->ns0;
	scale = dt ? (long double)dn / (long double)dt : 1.0L;
	for (unsigned id = 0; id < nc; id++) {
		struct ld_lstat sum = { 0 };
		struct ld_lock_stat *o = &v[n];

		memset(pts, 0, cap * sizeof(*pts));
		class_sum(ctx, id, &sum, pts, cap);
		if (!sum.hold[0].nr && !sum.hold[1].nr && !sum.wait[0].nr && !sum.wait[1].nr)
			continue;
		snprintf(o->name, sizeof(o->name), "%s", ctx->classes[id]->name);
		for (int k = 0; k < 2; k++) {
			time_out(&o->wait[k], &sum.wait[k], scale);
			time_out(&o->hold[k], &sum.hold[k], scale);
			o->con_bounces[k] = sum.con_bounces[k];
			o->acq_bounces[k] = sum.acq_bounces[k];
		}
		qsort(pts, cap, sizeof(*pts), by_count);
		for (int i = 0; i < LD_LOCK_STAT_POINTS && pts[i].n; i++) {
			snprintf(o->point[i].site, sizeof(o->point[i].site), "%s %s:%llu",
				 pts[i].func ? pts[i].func : "?", ld_base(pts[i].file),
				 (unsigned long long)pts[i].line);
			o->point[i].n = pts[i].n;
		}
		n++;
	}
	pthread_mutex_unlock(&ctx->lock);
	free(pts);
	if (!n) {
		free(v);
		return 0;
	}
	qsort(v, n, sizeof(*v), by_contention);
	*out = v;
	return (int)n;
}

/* --- the /proc/lock_stat layout ---------------------------------------- */

#define LS_WIDTH (40 + 1 + 12 * (14 + 1)) /* a name column and 12 number columns */

static void put_line(struct ld_buf *b, char c, int indent, int len)
{
	ld_bprintf(b, "%*s", indent, "");
	for (int i = 0; i < len; i++)
		ld_bprintf(b, "%c", c);
	ld_bprintf(b, "\n");
}

/* ns as microseconds with two decimals, right-aligned in 14 columns. */
static void put_time(struct ld_buf *b, unsigned long long ns)
{
	char t[32];

	snprintf(t, sizeof(t), "%llu.%02llu", ns / 1000, ns % 1000 / 10);
	ld_bprintf(b, " %14s", t);
}

static void put_stats(struct ld_buf *b, const struct ld_lock_stat *s, int k, const char *suffix)
{
	const struct ld_lock_time *w = &s->wait[k], *h = &s->hold[k];

	if (*suffix)
		ld_bprintf(b, "%38.38s%s:", s->name, suffix);
	else
		ld_bprintf(b, "%40.40s:", s->name);
	ld_bprintf(b, " %14llu %14llu", s->con_bounces[k], w->nr);
	put_time(b, w->min);
	put_time(b, w->max);
	put_time(b, w->total);
	put_time(b, w->nr ? w->total / w->nr : 0);
	ld_bprintf(b, " %14llu %14llu", s->acq_bounces[k], h->nr);
	put_time(b, h->min);
	put_time(b, h->max);
	put_time(b, h->total);
	put_time(b, h->nr ? h->total / h->nr : 0);
	ld_bprintf(b, "\n");
}

static void put_class(struct ld_buf *b, const struct ld_lock_stat *s)
{
	bool w = s->hold[0].nr || s->wait[0].nr, r = s->hold[1].nr || s->wait[1].nr;
	int len = (int)strlen(s->name) < 40 ? (int)strlen(s->name) : 40, i;

	ld_bprintf(b, "\n");
	if (w)
		put_stats(b, s, 0, r ? "-W" : "");
	if (r)
		put_stats(b, s, 1, "-R");
	for (i = 0; i < LD_LOCK_STAT_POINTS && s->point[i].n; i++) {
		if (!i)
			put_line(b, '-', 40 - len, len);
		ld_bprintf(b, "%40.40s %14llu %s\n", s->name, s->point[i].n, s->point[i].site);
	}
	if (i) {
		ld_bprintf(b, "\n");
		put_line(b, '.', 0, LS_WIDTH);
	}
}

char *ld_lock_stat_text(struct ld_ctx *ctx)
{
	static const char *const cols[] = { "con-bounces",  "contentions",    "waittime-min",
					    "waittime-max", "waittime-total", "waittime-avg",
					    "acq-bounces",  "acquisitions",   "holdtime-min",
					    "holdtime-max", "holdtime-total", "holdtime-avg" };
	struct ld_lock_stat *v;
	struct ld_buf b = { 0 };
	int n = ld_lock_stat_read(ctx, &v);

	if (n < 0)
		return NULL;
	ld_bprintf(&b, "lock_stat version 0.4\n");
	put_line(&b, '-', 0, LS_WIDTH);
	ld_bprintf(&b, "%40s", "class name");
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		ld_bprintf(&b, " %14s", cols[i]);
	ld_bprintf(&b, "\n");
	put_line(&b, '-', 0, LS_WIDTH);
	for (int i = 0; i < n; i++)
		put_class(&b, &v[i]);
	free(v);
	return b.p;
}
