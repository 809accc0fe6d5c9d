/* SPDX-License-Identifier: MIT */
/*
 * ld_check.c - what happens on every acquire and release.
 *
 * Acquire (before a blocking lock, after a successful trylock):
 *   1. the same lock instance already held by this thread: reported as
 *      recursive locking *before* blocking; the re-acquisition is then
 *      recorded as a "ghost" and not performed (or abort(), if asked);
 *   2. declared order: one shift of the thread's held-rank mask;
 *   3. fold the chain key; a chain in the chain cache is done (hot path);
 *   4. on a miss, under ctx->lock: same-class nesting, coverage pairs,
 *      edges from the held locks (nearest non-trylock one and any trylocks
 *      above it) to the new class, each new edge checked by the BFS; then
 *      the chain is cached.
 * Trylock acquisitions are pushed and folded but get no incoming edge and
 * no order check: a trylock never waits.
 *
 * Release: a lock not on this thread's stack is reported (bad unlock
 * balance) and the caller is told not to unlock it. Reports go to the sink
 * after ctx->lock is dropped (the sink may take validated locks itself).
 */
#include "lockdep/ld_int.h"

#include <stdio.h>
#include <stdlib.h>

static void count(unsigned long long *c)
{
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

/* Whether taking `rtype` on an instance this thread holds as `held` would block. */
static bool reentry_blocks(const struct ld_held *held, int rtype)
{
	return !(rtype == LD_RREAD && held->rtype != LD_W);
}

static enum ld_verdict reentry(struct ld_ctx *ctx, struct ld_thread *t, int i, struct ld_held *h)
{
	bool die;

	pthread_mutex_lock(&ctx->lock);
	ld_splat_recursive(ctx, t, &t->held[i], h, true);
	die = ctx->abort_on_deadlock;
	pthread_mutex_unlock(&ctx->lock);
	ld_report_flush(ctx, t);
	if (die) {
		fprintf(stderr, "lockdep: aborting on self-deadlock (ld_set_abort_on_deadlock)\n");
		abort();
	}
	h->ghost = true;
	h->chain_key = ld_chain_fold(ld_top_key(t), h->cls, h->rtype, false);
	ld_held_push(t, h);
	return LD_SKIP;
}

static void order_check(struct ld_ctx *ctx, struct ld_thread *t, const struct ld_held *h)
{
	const struct ld_held *worst = NULL;
	int i;

	for (i = t->depth - 1; i >= 0; i--)
		if (t->held[i].rank > h->rank && (!worst || t->held[i].rank > worst->rank))
			worst = &t->held[i];
	if (!worst)
		return;
	pthread_mutex_lock(&ctx->lock);
	ld_splat_order(ctx, t, worst, h);
	pthread_mutex_unlock(&ctx->lock);
	ld_report_flush(ctx, t);
}

/* Same class held twice (different instances); ctx->lock held. */
static void same_class_check(struct ld_ctx *ctx, struct ld_thread *t, const struct ld_held *h)
	CALLER_HOLDS(ctx->lock)
{
	int i;

	for (i = t->depth - 1; i >= 0; i--) {
		const struct ld_held *p = &t->held[i];

		if (p->cls != h->cls)
			continue;
		if (h->rtype == LD_RREAD && p->rtype != LD_W)
			continue; /* recursive read after a read: allowed */
		ld_splat_recursive(ctx, t, p, h, false);
		return;
	}
}

/* Adds the edges held -> h; ctx->lock held. */
static void add_edges(struct ld_ctx *ctx, struct ld_thread *t, const struct ld_held *h)
	CALLER_HOLDS(ctx->lock)
{
	int i;

	for (i = 0; i < t->depth; i++)
		if (t->held[i].cls->base != h->cls->base)
			ld_note_nested(ctx, t->held[i].cls, h->cls);
	for (i = t->depth - 1; i >= 0; i--) {
		const struct ld_held *p = &t->held[i];

		if (p->cls != h->cls && ld_graph_add(ctx, t, p, h))
			break; /* one cycle report per acquisition */
		if (!p->trylock)
			break;
	}
}

/* The slow path: a chain not validated before. */
static void validate(struct ld_ctx *ctx, struct ld_thread *t, const struct ld_held *h)
{
	pthread_mutex_lock(&ctx->lock);
	if (ld_chain_hit(ctx, h->chain_key)) { /* another thread just did it */
		pthread_mutex_unlock(&ctx->lock);
		count(&t->cnt.hits);
		return;
	}
	count(&t->cnt.misses);
	same_class_check(ctx, t, h);
	add_edges(ctx, t, h);
	ld_chain_add(ctx, h->chain_key);
	pthread_mutex_unlock(&ctx->lock);
	ld_report_flush(ctx, t);
}

static void depth_overflow(struct ld_ctx *ctx, struct ld_thread *t, struct ld_map *map,
			   struct ld_site site)
{
	pthread_mutex_lock(&ctx->lock);
	ld_splat_misc(ctx, t, "depth", "BUG: MAX_LOCK_DEPTH too low!", map,
		      "lock stack full, acquisition not tracked", site);
	pthread_mutex_unlock(&ctx->lock);
	ld_report_flush(ctx, t);
}

enum ld_verdict ld_acquire(struct ld_map *map, int rtype, unsigned subclass, bool trylock,
			   const struct ld_site *sitep)
{
	struct ld_site site = *sitep;
	struct ld_ctx *ctx = map->ctx;
	struct ld_thread *t = ld_self(ctx);
	struct ld_held h = {
		.map = map, .site = site, .rtype = (unsigned char)rtype, .trylock = trylock
	};
	int i;

	h.cls = ld_class_of(map, subclass);
	h.rank = (signed char)__atomic_load_n(&h.cls->rank, __ATOMIC_RELAXED);
	count(&t->cnt.acquires);
	if (!trylock) {
		i = ld_held_find(t, map);
		if (i >= 0 && reentry_blocks(&t->held[i], rtype))
			return reentry(ctx, t, i, &h);
		if (h.rank >= 0 && (t->rank_mask >> h.rank) > 1)
			order_check(ctx, t, &h);
	}
	h.chain_key = ld_chain_fold(ld_top_key(t), h.cls, rtype, trylock);
	if (!trylock) {
		if (ld_chain_hit(ctx, h.chain_key))
			count(&t->cnt.hits);
		else
			validate(ctx, t, &h);
	}
	ld_usage_mark(h.cls, rtype);
	if (t->depth == LD_MAX_DEPTH)
		depth_overflow(ctx, t, map, site);
	ld_held_push(t, &h);
	return LD_GO;
}

static bool kind_matches(int held, int want)
{
	return want < 0 || (want == LD_W ? held == LD_W : held != LD_W);
}

enum ld_verdict ld_release(struct ld_map *map, int want, const struct ld_site *sitep)
{
	struct ld_site site = *sitep;
	struct ld_ctx *ctx = map->ctx;
	struct ld_thread *t = ld_self(ctx);
	int i = ld_held_find(t, map);
	bool ghost;

	if (i < 0 && t->overflow) {
		t->overflow--;
		return LD_GO;
	}
	if (i < 0 || !kind_matches(t->held[i].rtype, want)) {
		pthread_mutex_lock(&ctx->lock);
		ld_splat_unlock(ctx, t, map, site);
		pthread_mutex_unlock(&ctx->lock);
		ld_report_flush(ctx, t);
		return LD_SKIP;
	}
	if (t->held[i].pins) {
		pthread_mutex_lock(&ctx->lock);
		ld_splat_misc(ctx, t, "pin", "WARNING: releasing a pinned lock", map,
			      "lock released while pinned", site);
		pthread_mutex_unlock(&ctx->lock);
		ld_report_flush(ctx, t);
	}
	ghost = t->held[i].ghost;
	if (!ghost && ld_stat_on(ctx))
		ld_stat_released(t, i);
	ld_held_remove(t, i);
	return ghost ? LD_SKIP : LD_GO;
}

void ld_check_destroy(struct ld_map *map, bool held, struct ld_site site)
{
	struct ld_thread *t = ld_self(map->ctx);

	if (!held && ld_held_find(t, map) < 0)
		return;
	pthread_mutex_lock(&map->ctx->lock);
	ld_splat_freed(map->ctx, t, map, site);
	pthread_mutex_unlock(&map->ctx->lock);
	ld_report_flush(map->ctx, t);
}

bool ld_holds(struct ld_map *map, int want)
{
	struct ld_thread *t = ld_self(map->ctx);
	int i = ld_held_find(t, map);

	return i >= 0 && kind_matches(t->held[i].rtype, want);
}

void ld_assert_fail(struct ld_map *map, const char *what, struct ld_site site)
{
	struct ld_thread *t = ld_self(map->ctx);

	pthread_mutex_lock(&map->ctx->lock);
	ld_splat_misc(map->ctx, t, "assert", "WARNING: lock assertion failed", map, what, site);
	pthread_mutex_unlock(&map->ctx->lock);
	ld_report_flush(map->ctx, t);
}
