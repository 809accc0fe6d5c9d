/* SPDX-License-Identifier: MIT */
/*
 * ld_held.c - per-thread held-lock stacks, pin cookies and the held dump.
 *
 * Each thread's record keeps the locks it holds, newest last, with the
 * chain key of the chain ending at each entry and a count per declared rank
 * (rank_mask has bit r set while some lock of rank r is held), so the order
 * check on acquire is one shift. Only the owning thread writes its stack;
 * it bumps rec->seq around each change so ld_held_dump() can take a
 * consistent snapshot of other threads (best effort, like the kernel's
 * debug_show_all_locks()).
 *
 * Releasing a lock that is not on top (A B C, release A) shifts the entries
 * above it down and re-folds their chain keys.
 */
#include "lockdep/ld_int.h"

#include <stdlib.h>
#include <string.h>

int ld_held_find(const struct ld_thread *t, const struct ld_map *map)
{
	int i;

	for (i = t->depth - 1; i >= 0; i--)
		if (t->held[i].map == map)
			return i;
	return -1;
}

/* Pushes h (its chain_key already folded); a full stack only counts. */
void ld_held_push(struct ld_thread *t, const struct ld_held *h)
{
	if (t->depth == LD_MAX_DEPTH) {
		t->overflow++;
		return;
	}
	ld_held_write_begin(t);
	t->stamp[t->depth] = 0;
	t->held[t->depth++] = *h;
	ld_rank_get(t, h->rank);
	ld_held_write_end(t);
}

void ld_held_remove(struct ld_thread *t, int i)
{
	uint64_t key;
	int j;

	ld_held_write_begin(t);
	ld_rank_put(t, t->held[i].rank);
	memmove(&t->held[i], &t->held[i + 1], (size_t)(t->depth - i - 1) * sizeof(t->held[0]));
	memmove(&t->stamp[i], &t->stamp[i + 1], (size_t)(t->depth - i - 1) * sizeof(t->stamp[0]));
	memmove(&t->lst[i], &t->lst[i + 1], (size_t)(t->depth - i - 1) * sizeof(t->lst[0]));
	t->depth--;
	key = i ? t->held[i - 1].chain_key : 0;
	for (j = i; j < t->depth; j++) {
		key = ld_chain_fold(key, t->held[j].cls, t->held[j].rtype, t->held[j].trylock);
		t->held[j].chain_key = key;
	}
	ld_held_write_end(t);
}

/* --- pin cookies -------------------------------------------------------- */

struct ld_pin_cookie ld_pin_lock_at(struct ld_map *map, struct ld_site s)
{
	struct ld_pin_cookie c = { 0 };
	struct ld_thread *t;
	int i;

	if (!ld_on(map->ctx))
		return c;
	t = ld_self(map->ctx);
	i = ld_held_find(t, map);
	if (i < 0) {
		ld_assert_fail(map, "pinning a lock that is not held", s);
		return c;
	}
	c.v = (++t->pin_serial << 8) | (unsigned)(i & 0xff);
	t->held[i].pins++;
	t->held[i].cookie = c.v;
	return c;
}

void ld_unpin_lock_at(struct ld_map *map, struct ld_pin_cookie c, struct ld_site s)
{
	struct ld_thread *t;
	int i;

	if (!ld_on(map->ctx))
		return;
	t = ld_self(map->ctx);
	i = ld_held_find(t, map);
	if (i < 0) {
		ld_assert_fail(map, "unpinning a lock that is not held", s);
		return;
	}
	if (!t->held[i].pins || t->held[i].cookie != c.v) {
		ld_assert_fail(map,
			       "unpinning with a stale cookie (lock was released and re-taken)", s);
		return;
	}
	t->held[i].pins--;
}

/* --- dump ---------------------------------------------------------------- */

/* Copies t's stack consistently (retrying while it changes); ctx->lock held. */
static void snapshot(const struct ld_thread *t, struct ld_thread *copy)
{
	unsigned s1, s2, tries = 0;

	do {
		s1 = __atomic_load_n(&t->seq, __ATOMIC_ACQUIRE);
		copy->depth = t->depth;
		memcpy(copy->held, t->held, sizeof(t->held));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&t->seq, __ATOMIC_RELAXED);
	} while ((s1 != s2 || (s1 & 1)) && ++tries < 1000);
	copy->tid = t->tid;
	copy->overflow = t->overflow;
	memcpy(copy->name, t->name, sizeof(copy->name));
}

const struct ld_thread *ld_held_elsewhere(struct ld_ctx *ctx, const struct ld_thread *self,
					  const struct ld_map *map)
{
	const struct ld_thread *t;
	struct ld_thread *copy = malloc(sizeof(*copy));

	for (t = ctx->threads; copy && t; t = t->next) {
		if (t == self)
			continue;
		snapshot(t, copy);
		if (ld_held_find(copy, map) >= 0)
			break;
	}
	free(copy);
	return copy ? t : NULL;
}

static int by_tid(const void *a, const void *b)
{
	const struct ld_thread *x = *(struct ld_thread *const *)a;
	const struct ld_thread *y = *(struct ld_thread *const *)b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

char *ld_held_dump(struct ld_ctx *ctx)
{
	struct ld_thread *t, **all = NULL, *copy = malloc(sizeof(*copy));
	struct ld_buf b = { 0 };
	unsigned n = 0, i;

	pthread_mutex_lock(&ctx->lock);
	for (t = ctx->threads; t; t = t->next)
		n++;
	all = calloc(n + 1, sizeof(*all));
	for (t = ctx->threads, i = 0; all && t; t = t->next)
		all[i++] = t;
	if (all && copy) {
		qsort(all, n, sizeof(*all), by_tid);
		for (i = 0; i < n; i++) {
			if (pthread_equal(all[i]->self, pthread_self()))
				ld_refresh_name(all[i]);
			snapshot(all[i], copy);
			if (copy->depth)
				ld_put_held(&b, copy);
		}
	}
	pthread_mutex_unlock(&ctx->lock);
	free(all);
	free(copy);
	return b.p ? b.p : strdup("");
}

/* The record of thread who, or NULL; ctx->lock held. */
static struct ld_thread *record_of(struct ld_ctx *ctx, pthread_t who) CALLER_HOLDS(ctx->lock)
{
	struct ld_thread *t;

	for (t = ctx->threads; t; t = t->next)
		if (pthread_equal(t->self, who))
			return t;
	return NULL;
}

int ld_held_classes(struct ld_ctx *ctx, pthread_t who, const char **names, int max)
{
	struct ld_thread *t, *copy = malloc(sizeof(*copy));
	int n = 0;

	if (!copy)
		return 0;
	pthread_mutex_lock(&ctx->lock);
	t = record_of(ctx, who);
	if (t) {
		snapshot(t, copy);
		for (n = 0; n < copy->depth && n < max; n++)
			names[n] = copy->held[n].cls->name;
	}
	pthread_mutex_unlock(&ctx->lock);
	free(copy);
	return n;
}

char *ld_held_dump_thread(struct ld_ctx *ctx, pthread_t who)
{
	struct ld_thread *t, *copy = malloc(sizeof(*copy));
	struct ld_buf b = { 0 };

	pthread_mutex_lock(&ctx->lock);
	t = record_of(ctx, who);
	if (t && copy) {
		snapshot(t, copy);
		if (copy->depth)
			ld_put_held(&b, copy);
	}
	pthread_mutex_unlock(&ctx->lock);
	free(copy);
	return b.p ? b.p : strdup("");
}
