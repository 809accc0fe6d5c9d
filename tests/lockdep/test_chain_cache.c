/* SPDX-License-Identifier: MIT */
/*
 * test_chain_cache.c - a chain validated once is never walked again.
 *
 * The graph-walk counter (ld_stats().graph_walks) counts BFS cycle
 * searches. Repeating the chain A -> B -> C 1000 times, from several
 * threads, should add no walk and no chain-cache miss after the first
 * pass; a chain never seen before (A -> C) should cost exactly one walk.
 */
#include "ldtest.h"

struct abc {
	struct kmutex a, b, c;
};

static void chain(struct abc *x)
{
	kmutex_lock(&x->a);
	kmutex_lock(&x->b);
	kmutex_lock(&x->c);
	kmutex_unlock(&x->c);
	kmutex_unlock(&x->b);
	kmutex_unlock(&x->a);
}

static void repeat(void *arg)
{
	for (int i = 0; i < 1000; i++)
		chain(arg);
}

int main(void)
{
	struct ld_ctx *ctx = ld_ctx_new();
	struct ld_stats s0, s1, s2, s3;
	struct abc x;

	kmutex_init(&x.a, ctx, "&a");
	kmutex_init(&x.b, ctx, "&b");
	kmutex_init(&x.c, ctx, "&c");
	chain(&x);
	ld_stats(ctx, &s0);
	tap_ok(s0.graph_walks == 2 && s0.chain_misses == 3 && s0.chains == 3,
	       "first pass: 2 walks (A->B, B->C), 3 misses, 3 chains (got %llu, %llu, %u)",
	       s0.graph_walks, s0.chain_misses, s0.chains);
	repeat(&x);
	ld_stats(ctx, &s1);
	tap_ok(s1.graph_walks == s0.graph_walks, "1000 repeats: no new graph walk");
	tap_ok(s1.chain_misses == s0.chain_misses, "1000 repeats: no chain-cache miss");
	tap_ok(s1.chain_hits - s0.chain_hits == 3000, "1000 repeats: 3000 cache hits");
	run_thread("other", repeat, &x);
	ld_stats(ctx, &s2);
	tap_ok(s2.graph_walks == s0.graph_walks && s2.chain_misses == s0.chain_misses,
	       "the same chain from another thread: no walk, no miss");
	kmutex_lock(&x.a);
	kmutex_lock(&x.c);
	kmutex_unlock(&x.c);
	kmutex_unlock(&x.a);
	ld_stats(ctx, &s3);
	tap_ok(s3.graph_walks == s2.graph_walks + 1 && s3.chains == s2.chains + 1,
	       "a new chain A->C: exactly one walk");
	tap_ok(ld_nr_reports(ctx) == 0, "no report on the way");
	kmutex_destroy(&x.a);
	kmutex_destroy(&x.b);
	kmutex_destroy(&x.c);
	ld_ctx_free(ctx);
	return tap_done();
}
