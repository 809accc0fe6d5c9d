/* SPDX-License-Identifier: MIT */
/*
 * ld_sched.c - scheduling-point hooks and wait queues (see sched.h).
 *
 * The hooks only forward to the scheduler installed in the validator
 * context; the wait queue is a ticket (wake-up count) under a pthread
 * mutex with a condition variable, which a controlled scheduler replaces:
 * it parks the waiter at a scheduling point until the count moved past
 * the ticket, and no thread sleeps on the condition variable then.
 */
#include <errno.h>
#include <time.h>

#include "lockdep/ld_int.h"
#include "lockdep/sched.h"

void ld_set_sched(struct ld_ctx *ctx, const struct ld_sched_ops *ops, void *arg)
{
	__atomic_store_n(&ctx->sched_arg, arg, __ATOMIC_RELAXED);
	__atomic_store_n(&ctx->sched, ops, __ATOMIC_RELEASE);
}

void *ld_sched_arg(struct ld_ctx *ctx)
{
	return __atomic_load_n(&ctx->sched, __ATOMIC_ACQUIRE) ? ctx->sched_arg : NULL;
}

enum ld_sched_verdict ld_sched_point(struct ld_ctx *ctx, enum ld_sched_op op, void *obj,
				     const struct ld_map *map, unsigned long long ticket)
{
	const struct ld_sched_ops *s = ctx ? __atomic_load_n(&ctx->sched, __ATOMIC_ACQUIRE) : NULL;

	return s ? s->point(ctx->sched_arg, op, obj, map, ticket) : LD_SCHED_NOT_MINE;
}

void ld_sched_release(struct ld_ctx *ctx, void *obj, bool write)
{
	const struct ld_sched_ops *s = ctx ? __atomic_load_n(&ctx->sched, __ATOMIC_ACQUIRE) : NULL;

	if (s)
		s->release(ctx->sched_arg, obj, write);
}

void ld_sched_access(struct ld_ctx *ctx, const void *obj, bool write)
{
	const struct ld_sched_ops *s = ctx ? __atomic_load_n(&ctx->sched, __ATOMIC_ACQUIRE) : NULL;

	if (s)
		s->access(ctx->sched_arg, obj, write);
}

void ld_sched_object(struct ld_ctx *ctx, const void *obj, size_t size)
{
	const struct ld_sched_ops *s = ctx ? __atomic_load_n(&ctx->sched, __ATOMIC_ACQUIRE) : NULL;

	if (s && obj)
		s->object(ctx->sched_arg, obj, size, false);
}

void ld_sched_sleep(struct ld_ctx *ctx, const char *what)
{
	const struct ld_sched_ops *s = ctx ? __atomic_load_n(&ctx->sched, __ATOMIC_ACQUIRE) : NULL;

	if (s)
		s->point(ctx->sched_arg, LD_SCHED_SLEEP, (void *)what, NULL, 0);
}

void ld_sched_object_gone(struct ld_ctx *ctx, const void *obj)
{
	const struct ld_sched_ops *s = ctx ? __atomic_load_n(&ctx->sched, __ATOMIC_ACQUIRE) : NULL;

	if (s && obj)
		s->object(ctx->sched_arg, obj, 0, true);
}

void kwaitq_init(struct kwaitq *w, struct ld_ctx *ctx, const char *name)
{
	pthread_mutex_init(&w->m, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->seq = 0;
	w->ctx = ctx;
	w->name = name;
}

void kwaitq_destroy(struct kwaitq *w)
{
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->m);
}

unsigned long long kwaitq_ticket(struct kwaitq *w)
{
	unsigned long long t;

	pthread_mutex_lock(&w->m);
	t = w->seq;
	pthread_mutex_unlock(&w->m);
	ld_sched_access(w->ctx, w, false);
	return t;
}

int kwaitq_wait(struct kwaitq *w, unsigned long long ticket, unsigned timeout_ms)
{
	struct timespec until;
	int rc = 0;

	switch (ld_sched_point(w->ctx, timeout_ms ? LD_SCHED_WAIT_TIMED : LD_SCHED_WAIT, w, NULL,
			       ticket)) {
	case LD_SCHED_GO:
		return 0; /* the scheduler let us go: a newer wake-up came */
	case LD_SCHED_TIMED_OUT:
		return -ETIMEDOUT;
	default:
		break;
	}
	if (timeout_ms) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += timeout_ms / 1000;
		until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&w->m);
	while (w->seq == ticket && rc == 0)
		rc = timeout_ms ? pthread_cond_timedwait(&w->cond, &w->m, &until) :
				  pthread_cond_wait(&w->cond, &w->m);
	pthread_mutex_unlock(&w->m);
	return rc == ETIMEDOUT ? -ETIMEDOUT : 0;
}

void kwake_up(struct kwaitq *w)
{
	const struct ld_sched_ops *s;

	pthread_mutex_lock(&w->m);
	w->seq++;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->m);
	s = w->ctx ? __atomic_load_n(&w->ctx->sched, __ATOMIC_ACQUIRE) : NULL;
	if (s)
		s->wake(w->ctx->sched_arg, w);
}
