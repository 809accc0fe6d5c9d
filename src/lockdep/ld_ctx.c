/* SPDX-License-Identifier: MIT */
/*
 * ld_ctx.c - the validator context and its per-thread records.
 *
 * A context is one simulated world's validator: it owns classes, graph,
 * chain cache, reports and one record per thread that took a lock of it.
 * A thread finds its record through the context's own pthread key (no
 * process-global state, several contexts per process work). The key's
 * destructor retires the record when a thread ends without calling
 * ld_thread_exit(), and reports locks it still held.
 *
 * Thread ids in reports are per-context serials (1, 2, ...) in order of a
 * thread's first lock, so report text is deterministic.
 */
#include "lockdep/ld_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fold_counts(struct ld_tcount *to, const struct ld_tcount *from)
{
	to->acquires += __atomic_load_n(&from->acquires, __ATOMIC_RELAXED);
	to->hits += __atomic_load_n(&from->hits, __ATOMIC_RELAXED);
	to->misses += __atomic_load_n(&from->misses, __ATOMIC_RELAXED);
}

/* Unlinks and frees a record; ctx->lock held. */
static void thread_drop_locked(struct ld_ctx *ctx, struct ld_thread *t) CALLER_HOLDS(ctx->lock)
{
	struct ld_thread **pp;

	for (pp = &ctx->threads; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	fold_counts(&ctx->dead, &t->cnt);
	ld_stat_thread_drop(ctx, t);
	free(t);
}

/* Reports locks still held by a leaving thread, then forgets the thread. */
static void thread_leave(struct ld_ctx *ctx, struct ld_thread *t)
{
	if (t->depth > 0) {
		pthread_mutex_lock(&ctx->lock);
		ld_splat_exit(ctx, t);
		pthread_mutex_unlock(&ctx->lock);
		ld_report_flush(ctx, t);
	}
	pthread_mutex_lock(&ctx->lock);
	thread_drop_locked(ctx, t);
	pthread_mutex_unlock(&ctx->lock);
}

static void thread_dtor(void *arg)
{
	struct ld_thread *t = arg;

	thread_leave(t->ctx, t);
}

void ld_refresh_name(struct ld_thread *t)
{
	char name[32];

	if (!pthread_equal(t->self, pthread_self()))
		return;
	if (pthread_getname_np(t->self, name, sizeof(name)) == 0 && name[0])
		snprintf(t->name, sizeof(t->name), "%s", name);
}

struct ld_thread *ld_thread_slow(struct ld_ctx *ctx)
{
	struct ld_thread *t = calloc(1, sizeof(*t));

	if (!t) {
		fprintf(stderr, "lockdep: out of memory for a thread record\n");
		abort();
	}
	t->ctx = ctx;
	t->self = pthread_self();
	snprintf(t->name, sizeof(t->name), "thread");
	ld_refresh_name(t);
	pthread_mutex_lock(&ctx->lock);
	t->tid = ++ctx->next_tid;
	t->next = ctx->threads;
	ctx->threads = t;
	pthread_mutex_unlock(&ctx->lock);
	pthread_setspecific(ctx->key, t);
	return t;
}

struct ld_thread *ld_thread_by_pthread(struct ld_ctx *ctx, pthread_t who)
{
	struct ld_thread *t;

	for (t = ctx->threads; t; t = t->next)
		if (pthread_equal(t->self, who))
			return t;
	return NULL;
}

void ld_thread_exit(struct ld_ctx *ctx)
{
	struct ld_thread *t;

	if (!ctx)
		return;
	t = pthread_getspecific(ctx->key);
	if (!t)
		return;
	pthread_setspecific(ctx->key, NULL);
	thread_leave(ctx, t);
}

struct ld_ctx *ld_ctx_new(void)
{
	struct ld_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	if (pthread_key_create(&ctx->key, thread_dtor)) {
		free(ctx);
		return NULL;
	}
	pthread_mutex_init(&ctx->lock, NULL);
	ctx->tick0 = ld_ticks();
	ctx->ns0 = ld_mono_ns();
#ifndef VAS_LOCKDEP_OFF
	ctx->enabled = true;
#endif
	return ctx;
}

void ld_ctx_free(struct ld_ctx *ctx) GUARD_EXEMPT("teardown: no thread uses the context any more")
{
	struct ld_thread *t, *n;

	if (!ctx)
		return;
	pthread_key_delete(ctx->key);
	for (t = ctx->threads; t; t = n) {
		n = t->next;
		ld_stat_thread_drop(ctx, t);
		free(t);
	}
	ld_stat_free(ctx);
	ld_report_free_all(ctx);
	ld_graph_free(ctx);
	ld_class_free_all(ctx);
	ld_chain_free(ctx);
	ld_set_free(&ctx->nested);
	free(ctx->expect);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
}

void ld_set_enabled(struct ld_ctx *ctx, bool on)
{
#ifdef VAS_LOCKDEP_OFF
	on = false;
#endif
	__atomic_store_n(&ctx->enabled, on, __ATOMIC_RELAXED);
}

bool ld_enabled(const struct ld_ctx *ctx)
{
	return __atomic_load_n(&ctx->enabled, __ATOMIC_RELAXED);
}

void ld_set_abort_on_deadlock(struct ld_ctx *ctx, bool on)
{
	pthread_mutex_lock(&ctx->lock);
	ctx->abort_on_deadlock = on;
	pthread_mutex_unlock(&ctx->lock);
}

void ld_set_sink(struct ld_ctx *ctx, void (*sink)(void *, const char *), void *arg)
{
	pthread_mutex_lock(&ctx->lock);
	ctx->sink = sink;
	ctx->sink_arg = arg;
	ctx->sunk = ctx->nr_reports; /* earlier reports stay in ld_report_text() */
	pthread_mutex_unlock(&ctx->lock);
}

void ld_stats(struct ld_ctx *ctx, struct ld_stats *out)
{
	struct ld_tcount sum;
	struct ld_thread *t;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&ctx->lock);
	sum = ctx->dead;
	for (t = ctx->threads; t; t = t->next)
		fold_counts(&sum, &t->cnt);
	out->acquires = sum.acquires;
	out->chain_hits = sum.hits;
	out->chain_misses = sum.misses;
	out->graph_walks = ctx->graph_walks;
	out->classes = ctx->nr_classes;
	out->edges = ctx->nr_edges;
	out->chains = ctx->nr_chains;
	out->reports = ctx->nr_reports;
	pthread_mutex_unlock(&ctx->lock);
}

int ld_held_count(struct ld_ctx *ctx)
{
	struct ld_thread *t = pthread_getspecific(ctx->key);

	return t ? t->depth + t->overflow : 0;
}
