/* SPDX-License-Identifier: MIT */
/*
 * ld_class.c - lock classes, the declared order and coverage.
 *
 * A class is a name within a context: every lock initialised with
 * "&kvm->lock" in one context shares one class, so an order seen on one
 * guest's lock convicts every guest's. kmutex_lock_nested(m, n) uses the
 * subclass class "&kvm->lock/n" (its own graph node, same rank as the base).
 *
 * The declared order gives ranks to class names (names[0] is outermost).
 * Coverage compares the declared edges (explicitly expected pairs, or every
 * rank-ordered pair) with the (holder, new) class pairs seen on validated
 * chains. Everything here runs under ctx->lock except ld_class_of()'s fast
 * case and the relaxed reads of class->rank.
 */
#include "lockdep/ld_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned name_hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % LD_CLASS_HASH;
}

static int class_grow(struct ld_ctx *ctx) CALLER_HOLDS(ctx->lock)
{
	unsigned cap = ctx->cap_classes ? ctx->cap_classes * 2 : 64;
	struct ld_class **cls = realloc(ctx->classes, cap * sizeof(*cls));
	unsigned *q = realloc(ctx->bfs_queue, 2 * cap * sizeof(*q));
	unsigned *from = realloc(ctx->bfs_from, 2 * cap * sizeof(*from));
	struct ld_edge **via = realloc(ctx->bfs_via, 2 * cap * sizeof(*via));
	unsigned char *vis = realloc(ctx->bfs_vis, cap);

	if (cls)
		ctx->classes = cls;
	if (q)
		ctx->bfs_queue = q;
	if (from)
		ctx->bfs_from = from;
	if (via)
		ctx->bfs_via = via;
	if (vis)
		ctx->bfs_vis = vis;
	if (!cls || !q || !from || !via || !vis)
		return -ENOMEM;
	ctx->cap_classes = cap;
	return 0;
}

/* Finds or creates the class called name; ctx->lock held. Aborts on ENOMEM. */
struct ld_class *ld_class_get(struct ld_ctx *ctx, const char *name)
{
	unsigned h = name_hash(name);
	struct ld_class *c;

	for (c = ctx->class_hash[h]; c; c = c->hnext)
		if (!strcmp(c->name, name))
			return c;
	c = calloc(1, sizeof(*c));
	if (!c || (ctx->nr_classes == ctx->cap_classes && class_grow(ctx)) ||
	    !(c->name = strdup(name))) {
		fprintf(stderr, "lockdep: out of memory for class %s\n", name);
		abort();
	}
	c->id = ctx->nr_classes;
	c->rank = -1;
	c->base = c;
	c->sub[0] = c;
	c->hnext = ctx->class_hash[h];
	ctx->class_hash[h] = c;
	ctx->classes[ctx->nr_classes++] = c;
	return c;
}

/* The class of map for subclass n, created on first use. Any context lock state. */
struct ld_class *ld_class_of(struct ld_map *map, unsigned subclass)
{
	struct ld_class *base = __atomic_load_n(&map->cls, __ATOMIC_ACQUIRE);
	struct ld_class *c;
	char name[256];

	if (subclass >= LD_MAX_SUBCLASS)
		subclass = LD_MAX_SUBCLASS - 1;
	if (base && subclass == 0)
		return base;
	pthread_mutex_lock(&map->ctx->lock);
	if (!base) {
		base = ld_class_get(map->ctx, map->name ? map->name : "(unnamed)");
		__atomic_store_n(&map->cls, base, __ATOMIC_RELEASE);
	}
	c = base->sub[subclass];
	if (!c) {
		snprintf(name, sizeof(name), "%s/%u", base->name, subclass);
		c = ld_class_get(map->ctx, name);
		c->base = base;
		c->rank = base->rank;
		base->sub[subclass] = c;
	}
	pthread_mutex_unlock(&map->ctx->lock);
	return c;
}

static void set_rank(struct ld_class *base, int rank) CALLER_HOLDS(ld_ctx.lock)
{
	int i;

	for (i = 0; i < LD_MAX_SUBCLASS; i++)
		if (base->sub[i])
			__atomic_store_n(&base->sub[i]->rank, rank, __ATOMIC_RELAXED);
}

int ld_declare_order(struct ld_ctx *ctx, const char *const names[], size_t n)
{
	unsigned i;

	if (n > LD_MAX_RANKS)
		return -EINVAL;
	pthread_mutex_lock(&ctx->lock);
	for (i = 0; i < ctx->nr_ranked; i++)
		set_rank(ctx->ranked[i], -1);
	for (i = 0; i < n; i++) {
		ctx->ranked[i] = ld_class_get(ctx, names[i]);
		set_rank(ctx->ranked[i], (int)i);
	}
	ctx->nr_ranked = (unsigned)n;
	pthread_mutex_unlock(&ctx->lock);
	return 0;
}

static uint64_t pair_key(unsigned from, unsigned to)
{
	return ((uint64_t)(from + 1) << 32) | (to + 1);
}

/* Records that `to` was acquired while `from` was held; ctx->lock held. */
void ld_note_nested(struct ld_ctx *ctx, const struct ld_class *from, const struct ld_class *to)
{
	ld_set_add(&ctx->nested, pair_key(from->base->id, to->base->id));
}

int ld_expect_edge(struct ld_ctx *ctx, const char *outer, const char *inner)
{
	uint64_t key, *p;
	int ret = 0;

	if (!outer || !inner || !strcmp(outer, inner))
		return -EINVAL;
	pthread_mutex_lock(&ctx->lock);
	key = pair_key(ld_class_get(ctx, outer)->id, ld_class_get(ctx, inner)->id);
	if (ctx->nr_expect == ctx->cap_expect) {
		p = realloc(ctx->expect, (ctx->cap_expect * 2 + 8) * sizeof(*p));
		if (!p) {
			ret = -ENOMEM;
			goto out;
		}
		ctx->expect = p;
		ctx->cap_expect = ctx->cap_expect * 2 + 8;
	}
	for (unsigned i = 0; i < ctx->nr_expect; i++)
		if (ctx->expect[i] == key)
			goto out;
	ctx->expect[ctx->nr_expect++] = key;
out:
	pthread_mutex_unlock(&ctx->lock);
	return ret;
}

/*
 * Calls fn for each declared edge (expected pairs if any, else rank pairs);
 * returns the number of declared edges. ctx->lock held.
 */
static unsigned for_each_declared(struct ld_ctx *ctx,
				  void (*fn)(void *, const struct ld_class *,
					     const struct ld_class *, bool),
				  void *arg) CALLER_HOLDS(ctx->lock)
{
	unsigned i, j, n = 0;
	const struct ld_class *a, *b;

	if (ctx->nr_expect) {
		for (i = 0; i < ctx->nr_expect; i++, n++) {
			a = ctx->classes[(ctx->expect[i] >> 32) - 1];
			b = ctx->classes[(uint32_t)ctx->expect[i] - 1];
			fn(arg, a, b, ld_set_has(&ctx->nested, ctx->expect[i]));
		}
		return n;
	}
	for (i = 0; i < ctx->nr_ranked; i++) {
		for (j = i + 1; j < ctx->nr_ranked; j++, n++) {
			a = ctx->ranked[i];
			b = ctx->ranked[j];
			fn(arg, a, b, ld_set_has(&ctx->nested, pair_key(a->id, b->id)));
		}
	}
	return n;
}

static void count_seen(void *arg, const struct ld_class *a, const struct ld_class *b, bool seen)
{
	*(unsigned *)arg += seen;
}

int ld_coverage(struct ld_ctx *ctx, unsigned *seen_edges, unsigned *declared_edges,
		unsigned *chains)
{
	unsigned seen = 0, declared;

	pthread_mutex_lock(&ctx->lock);
	declared = for_each_declared(ctx, count_seen, &seen);
	if (chains)
		*chains = ctx->nr_chains;
	pthread_mutex_unlock(&ctx->lock);
	if (seen_edges)
		*seen_edges = seen;
	if (declared_edges)
		*declared_edges = declared;
	return 0;
}

static void put_edge(void *arg, const struct ld_class *a, const struct ld_class *b, bool seen)
{
	ld_bprintf(arg, "  %-7s %s -> %s\n", seen ? "seen" : "MISSING", a->name, b->name);
}

char *ld_coverage_text(struct ld_ctx *ctx)
{
	struct ld_buf b = { 0 };
	unsigned seen = 0, declared;

	pthread_mutex_lock(&ctx->lock);
	declared = for_each_declared(ctx, count_seen, &seen);
	ld_bprintf(&b, "declared edges seen: %u/%u (%u%%)\n", seen, declared,
		   declared ? seen * 100 / declared : 100);
	ld_bprintf(&b, "declared edges are %s\n",
		   ctx->nr_expect ? "the registered expected edges" :
				    "all rank-ordered pairs of the declared order");
	for_each_declared(ctx, put_edge, &b);
	ld_bprintf(&b, "distinct chains validated: %u\n", ctx->nr_chains);
	ld_bprintf(&b, "classes: %u, observed edges: %u\n", ctx->nr_classes, ctx->nr_edges);
	pthread_mutex_unlock(&ctx->lock);
	return b.p ? b.p : strdup("");
}

void ld_class_free_all(struct ld_ctx *ctx)
	GUARD_EXEMPT("teardown: no thread uses the context any more")
{
	unsigned i;

	for (i = 0; i < ctx->nr_classes; i++) {
		free(ctx->classes[i]->name);
		free(ctx->classes[i]);
	}
	free(ctx->classes);
	free(ctx->bfs_queue);
	free(ctx->bfs_from);
	free(ctx->bfs_via);
	free(ctx->bfs_vis);
}
