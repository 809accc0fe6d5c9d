/* SPDX-License-Identifier: MIT */
/*
 * lockdep_bench.c - what the lock validator costs on a lock-only loop.
 *
 * Three loops, each run in three modes in the same process:
 *   nest3   lock A, B, C then unlock C, B, A (3 acquires per iteration)
 *   nest2   lock A, B then unlock B, A (2 acquires per iteration)
 *   rwsem   down_read, up_read (1 acquire per iteration)
 * Modes: "on" (validator checking, chain-cache hits after the first pass),
 * "stat" (checking plus lock_stat: two time stamps per acquire and release,
 * docs/validator.md "Lock statistics"), "off" (ld_set_enabled(false): the
 * same wrappers, no checking) and "raw" (pthread_mutex_t /
 * pthread_rwlock_t directly). Each (loop, mode) is run
 * several times, interleaved to spread machine noise; the medians are
 * printed as ns per acquire with the ratios on/off and on/raw.
 *
 * Usage: lockdep_bench [iterations] [runs]   (defaults 2000000, 7)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lockdep/lockdep.h"

struct bench {
	struct ld_ctx *ctx;
	struct kmutex a, b, c;
	struct krwsem s;
	pthread_mutex_t pa, pb, pc;
	pthread_rwlock_t ps;
	long iters;
};

enum mode { ON, STAT, OFF, RAW, NR_MODES };
static const char *const mode_name[] = { "on", "stat", "off", "raw" };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void nest3(struct bench *b, enum mode m)
{
	for (long i = 0; i < b->iters; i++) {
		if (m == RAW) {
			pthread_mutex_lock(&b->pa);
			pthread_mutex_lock(&b->pb);
			pthread_mutex_lock(&b->pc);
			pthread_mutex_unlock(&b->pc);
			pthread_mutex_unlock(&b->pb);
			pthread_mutex_unlock(&b->pa);
			continue;
		}
		kmutex_lock(&b->a);
		kmutex_lock(&b->b);
		kmutex_lock(&b->c);
		kmutex_unlock(&b->c);
		kmutex_unlock(&b->b);
		kmutex_unlock(&b->a);
	}
}

static void nest2(struct bench *b, enum mode m)
{
	for (long i = 0; i < b->iters; i++) {
		if (m == RAW) {
			pthread_mutex_lock(&b->pa);
			pthread_mutex_lock(&b->pb);
			pthread_mutex_unlock(&b->pb);
			pthread_mutex_unlock(&b->pa);
			continue;
		}
		kmutex_lock(&b->a);
		kmutex_lock(&b->b);
		kmutex_unlock(&b->b);
		kmutex_unlock(&b->a);
	}
}

static void rwsem(struct bench *b, enum mode m)
{
	for (long i = 0; i < b->iters; i++) {
		if (m == RAW) {
			pthread_rwlock_rdlock(&b->ps);
			pthread_rwlock_unlock(&b->ps);
			continue;
		}
		down_read(&b->s);
		up_read(&b->s);
	}
}

struct loop {
	const char *name;
	void (*fn)(struct bench *, enum mode);
	int acquires;
};

static const struct loop loops[] = {
	{ "nest3", nest3, 3 },
	{ "nest2", nest2, 2 },
	{ "rwsem", rwsem, 1 },
};

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static double run_once(struct bench *b, const struct loop *l, enum mode m)
{
	double t0;

	ld_set_enabled(b->ctx, m == ON || m == STAT);
	ld_set_lock_stat(b->ctx, m == STAT);
	t0 = now_ns();
	l->fn(b, m);
	return (now_ns() - t0) / ((double)b->iters * l->acquires);
}

static void setup(struct bench *b)
{
	b->ctx = ld_ctx_new();
	kmutex_init(&b->a, b->ctx, "&bench->a");
	kmutex_init(&b->b, b->ctx, "&bench->b");
	kmutex_init(&b->c, b->ctx, "&bench->c");
	krwsem_init(&b->s, b->ctx, "&bench->s");
	pthread_mutex_init(&b->pa, NULL);
	pthread_mutex_init(&b->pb, NULL);
	pthread_mutex_init(&b->pc, NULL);
	pthread_rwlock_init(&b->ps, NULL);
}

int main(int argc, char **argv)
{
	struct bench b = { .iters = argc > 1 ? atol(argv[1]) : 2000000 };
	int runs = argc > 2 ? atoi(argv[2]) : 7;
	double *t = calloc((size_t)runs, sizeof(*t) * NR_MODES), med[NR_MODES];
	struct ld_stats st;

	if (!t || runs < 1 || b.iters < 1)
		return 2;
	setup(&b);
	printf("lockdep_bench: %ld iterations x %d runs, medians in ns per acquire\n", b.iters,
	       runs);
	printf("%-6s %8s %8s %8s %8s %9s %9s %9s\n", "loop", "on", "stat", "off", "raw", "on/off",
	       "on/raw", "stat/on");
	for (size_t l = 0; l < sizeof(loops) / sizeof(loops[0]); l++) {
		for (int r = 0; r < runs; r++)
			for (int m = 0; m < NR_MODES; m++)
				t[m * runs + r] = run_once(&b, &loops[l], (enum mode)m);
		for (int m = 0; m < NR_MODES; m++) {
			qsort(&t[m * runs], (size_t)runs, sizeof(double), cmp_double);
			med[m] = t[m * runs + runs / 2];
		}
		printf("%-6s %8.2f %8.2f %8.2f %8.2f %8.2fx %8.2fx %8.2fx\n", loops[l].name,
		       med[ON], med[STAT], med[OFF], med[RAW], med[ON] / med[OFF],
		       med[ON] / med[RAW], med[STAT] / med[ON]);
	}
	ld_set_enabled(b.ctx, true);
	ld_stats(b.ctx, &st);
	printf("validator: %llu acquires, %llu chain hits, %llu misses, %llu graph walks, "
	       "%u reports (modes: %s/%s/%s/%s)\n",
	       st.acquires, st.chain_hits, st.chain_misses, st.graph_walks, st.reports,
	       mode_name[ON], mode_name[STAT], mode_name[OFF], mode_name[RAW]);
	free(t);
	return st.reports ? 1 : 0;
}
