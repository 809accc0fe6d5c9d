/* SPDX-License-Identifier: MIT */
/*
 * ld_chain.c - chain keys, the chain cache and a small 64-bit key set.
 *
 * A chain is the sequence of classes (with read type and trylock flag) a
 * thread holds, newest last. Its 64-bit key is folded one entry at a time on
 * each acquire, so computing it costs a multiply or two. A chain that was
 * validated once is in the chain cache and is never validated again: the
 * hot path is one lookup in an open-addressed table of keys.
 *
 * DESIGN: lookups take no lock. The table pointer and every slot are read
 * with atomic loads; slots are written (0 -> key, never changed back) only
 * under ctx->lock. When the table is half full a new generation twice the
 * size is filled and published; the old one stays allocated (readers may
 * still be in it) until the context is freed, which costs at most the sum
 * of a geometric series. A reader that misses in an old generation takes
 * the slow path, which looks again under the lock, so it does no extra
 * walk. Like lockdep, a 64-bit key collision is assumed not to happen.
 */
#include "lockdep/ld_int.h"

#include <errno.h>
#include <stdlib.h>

#define CHAIN_FIRST_CAP 1024u

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 29;
	return x;
}

static void tab_put(struct ld_chain_tab *tab, uint64_t key)
{
	unsigned i = ld_chain_slot(key, tab->mask);

	while (tab->slot[i])
		i = (i + 1) & tab->mask;
	__atomic_store_n(&tab->slot[i], key, __ATOMIC_RELAXED);
}

static int chain_grow(struct ld_ctx *ctx)
{
	struct ld_chain_tab *old = ctx->chains, *tab;
	unsigned cap = old ? (old->mask + 1) * 2 : CHAIN_FIRST_CAP, i;

	tab = calloc(1, sizeof(*tab) + cap * sizeof(tab->slot[0]));
	if (!tab)
		return -ENOMEM;
	tab->mask = cap - 1;
	tab->retired = old;
	if (old)
		for (i = 0; i <= old->mask; i++)
			if (old->slot[i])
				tab_put(tab, old->slot[i]);
	__atomic_store_n(&ctx->chains, tab, __ATOMIC_RELEASE);
	return 0;
}

/* Adds a validated chain; ctx->lock held. Returns 1 if new, 0 if known. */
int ld_chain_add(struct ld_ctx *ctx, uint64_t key)
{
	if (ld_chain_hit(ctx, key))
		return 0;
	if ((!ctx->chains || (ctx->nr_chains + 1) * 2 > ctx->chains->mask + 1) && chain_grow(ctx))
		return -ENOMEM; /* not cached: the chain is simply validated again */
	tab_put(ctx->chains, key);
	ctx->nr_chains++;
	return 1;
}

void ld_chain_free(struct ld_ctx *ctx) GUARD_EXEMPT("teardown: no thread uses the context any more")
{
	struct ld_chain_tab *tab = ctx->chains, *old;

	while (tab) {
		old = tab->retired;
		free(tab);
		tab = old;
	}
	ctx->chains = NULL;
}

/* --- plain key set (used under ctx->lock) ---------------------------------- */

bool ld_set_has(const struct ld_set *s, uint64_t key)
{
	unsigned i;

	if (!s->slot)
		return false;
	for (i = ld_chain_slot(mix64(key), s->mask); s->slot[i]; i = (i + 1) & s->mask)
		if (s->slot[i] == key)
			return true;
	return false;
}

static int set_grow(struct ld_set *s)
{
	struct ld_set n = { .mask = s->slot ? s->mask * 2 + 1 : 63 };
	unsigned i;

	n.slot = calloc(n.mask + 1, sizeof(n.slot[0]));
	if (!n.slot)
		return -ENOMEM;
	for (i = 0; s->slot && i <= s->mask; i++)
		if (s->slot[i])
			ld_set_add(&n, s->slot[i]);
	free(s->slot);
	*s = n;
	return 0;
}

int ld_set_add(struct ld_set *s, uint64_t key)
{
	unsigned i;

	if (ld_set_has(s, key))
		return 0;
	if ((!s->slot || (s->n + 1) * 2 > s->mask + 1) && set_grow(s))
		return -ENOMEM;
	i = ld_chain_slot(mix64(key), s->mask);
	while (s->slot[i])
		i = (i + 1) & s->mask;
	s->slot[i] = key;
	s->n++;
	return 1;
}

void ld_set_free(struct ld_set *s)
{
	free(s->slot);
	s->slot = NULL;
	s->n = 0;
}
