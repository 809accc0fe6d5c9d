/* SPDX-License-Identifier: MIT */
/*
 * ld_fast.h - the validator's hot path, inlined into the lock wrappers.
 *
 * An acquisition whose chain is already in the chain cache, of a lock not
 * already held by this thread and not against the declared order, needs
 * no lock and no allocation: thread record lookup, a scan of the (short)
 * held stack, one rank shift, one chain-key fold, one lock-free cache
 * probe and a push. A release of the newest held lock is a pop. Anything
 * else (first use of a class, subclass, trylock, miss, misuse, full stack)
 * falls back to ld_acquire()/ld_release() in ld_check.c, which redo every
 * check: the fast path changes no state before it decides.
 */
#ifndef VAS_LD_FAST_H
#define VAS_LD_FAST_H

#include "lockdep/ld_int.h"

static inline void ld_fast_count(unsigned long long *c)
{
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

static inline enum ld_verdict ld_acquire_fast(struct ld_map *map, int rtype,
					      const struct ld_site *site)
{
	struct ld_class *cls = __atomic_load_n(&map->cls, __ATOMIC_ACQUIRE);
	struct ld_thread *t;
	struct ld_held *h;
	uint64_t key;
	int i, rank;

	if (!cls)
		return ld_acquire(map, rtype, 0, false, site);
	t = ld_self(map->ctx);
	if (t->depth >= LD_MAX_DEPTH)
		return ld_acquire(map, rtype, 0, false, site);
	for (i = 0; i < t->depth; i++)
		if (t->held[i].map == map)
			return ld_acquire(map, rtype, 0, false, site);
	rank = __atomic_load_n(&cls->rank, __ATOMIC_RELAXED);
	if (rank >= 0 && (t->rank_mask >> rank) > 1)
		return ld_acquire(map, rtype, 0, false, site);
	key = ld_chain_fold(ld_top_key(t), cls, rtype, false);
	if (!ld_chain_hit(map->ctx, key))
		return ld_acquire(map, rtype, 0, false, site);
	ld_usage_mark(cls, rtype);
	ld_held_write_begin(t);
	h = &t->held[t->depth++];
	h->map = map;
	h->cls = cls;
	h->chain_key = key;
	h->site.file = site->file;
	h->site.line = site->line;
	h->site.func = site->func;
	h->rtype = (unsigned char)rtype;
	h->trylock = h->ghost = false;
	h->rank = (signed char)rank;
	h->pins = 0;
	t->stamp[t->depth - 1] = 0;
	ld_rank_get(t, rank);
	ld_held_write_end(t);
	ld_fast_count(&t->cnt.acquires);
	ld_fast_count(&t->cnt.hits);
	return LD_GO;
}

static inline enum ld_verdict ld_release_fast(struct ld_map *map, int want,
					      const struct ld_site *site)
{
	struct ld_thread *t = ld_self(map->ctx);
	struct ld_held *h = t->depth ? &t->held[t->depth - 1] : NULL;

	if (!h || h->map != map || h->pins || h->ghost || t->overflow ||
	    (want >= 0 && (want == LD_W) != (h->rtype == LD_W)))
		return ld_release(map, want, site);
	if (__builtin_expect(ld_stat_on(map->ctx), 0))
		ld_stat_released(t, t->depth - 1);
	ld_held_write_begin(t);
	ld_rank_put(t, h->rank);
	t->depth--;
	ld_held_write_end(t);
	return LD_GO;
}

/* Scheduling-point hooks of the wrappers: one load and a branch without a scheduler. */
static inline void ld_sched_before(struct ld_map *map, enum ld_sched_op op, void *obj)
{
	struct ld_ctx *c = map->ctx;

	if (c && __builtin_expect(__atomic_load_n(&c->sched, __ATOMIC_RELAXED) != NULL, 0))
		ld_sched_point(c, op, obj, map, 0);
}

static inline void ld_sched_after_release(struct ld_map *map, void *obj, bool write)
{
	struct ld_ctx *c = map->ctx;

	if (c && __builtin_expect(__atomic_load_n(&c->sched, __ATOMIC_RELAXED) != NULL, 0))
		ld_sched_release(c, obj, write);
}

#endif
