/* SPDX-License-Identifier: MIT */
/*
 * ld_mutex.c - struct kmutex: a kernel-style mutex over a pthread mutex.
 *
 * Each operation tells the validator first (when checking is on) and then
 * does the real thing, in that order for a blocking lock so a deadlock is
 * reported before the thread hangs, and in the other order for a trylock.
 * The validator's verdict keeps the process sane after misuse: an unlock by
 * a thread that does not hold the mutex is reported and not performed; a
 * re-lock by the holder (AA) is reported and not performed (the matching
 * unlock is then a no-op too), unless ld_set_abort_on_deadlock() asked for
 * abort(); a destroy of a held mutex is reported and not performed.
 *
 * m->owner/m->owned are written by the holder and read by anyone with
 * relaxed atomics (kmutex_is_locked, destroy, unlock with checking off).
 *
 * The lock and unlock functions are what the clang thread-safety analysis
 * takes as the definition of acquiring and releasing a kmutex (their
 * declarations say ACQUIRE / RELEASE); their bodies do it with a pthread
 * mutex the analysis does not know, so they are excluded from it
 * (NO_THREAD_SAFETY_ANALYSIS), as lock implementations must be.
 */
#include "lockdep/ld_fast.h"

static void set_owner(struct kmutex *m)
{
	__atomic_store_n(&m->owner, pthread_self(), __ATOMIC_RELAXED);
	__atomic_store_n(&m->owned, 1, __ATOMIC_RELAXED);
}

static bool owned_by_self(struct kmutex *m)
{
	return __atomic_load_n(&m->owned, __ATOMIC_RELAXED) &&
	       pthread_equal(__atomic_load_n(&m->owner, __ATOMIC_RELAXED), pthread_self());
}

void kmutex_init(struct kmutex *m, struct ld_ctx *ctx, const char *name)
{
	pthread_mutex_init(&m->m, NULL);
	m->dep.ctx = ctx;
	m->dep.cls = NULL;
	m->dep.name = name;
	m->dep.last_tid = 0;
	m->owned = 0;
	if (ld_on(ctx))
		ld_class_of(&m->dep, 0);
}

void kmutex_destroy_at(struct kmutex *m, struct ld_site s)
{
	bool held = __atomic_load_n(&m->owned, __ATOMIC_RELAXED);

	if (ld_on(m->dep.ctx))
		ld_check_destroy(&m->dep, held, s);
	if (held)
		return;
	pthread_mutex_destroy(&m->m);
}

/*
 * The lock_stat way of taking the mutex (after the validator said go): a
 * failed trylock is a contention, timed from there until the lock is ours.
 */
static void __attribute__((noinline))
lock_timed(struct kmutex *m, const struct ld_site *s) NO_THREAD_SAFETY_ANALYSIS
{
	uint64_t t0 = 0;

	if (pthread_mutex_trylock(&m->m)) {
		t0 = ld_ticks();
		pthread_mutex_lock(&m->m);
	}
	set_owner(m);
	ld_stat_acquired(&m->dep, t0, s);
}

void kmutex_lock_at(struct kmutex *m, struct ld_site s) NO_THREAD_SAFETY_ANALYSIS
{
	ld_sched_before(&m->dep, LD_SCHED_LOCK, m);
	if (ld_on(m->dep.ctx)) {
		if (ld_acquire_fast(&m->dep, LD_W, &s) == LD_SKIP)
			return;
		if (__builtin_expect(ld_stat_on(m->dep.ctx), 0)) {
			lock_timed(m, &s);
			return;
		}
	}
	pthread_mutex_lock(&m->m);
	set_owner(m);
}

void kmutex_lock_nested_at(struct kmutex *m, unsigned subclass,
			   struct ld_site s) NO_THREAD_SAFETY_ANALYSIS
{
	ld_sched_before(&m->dep, LD_SCHED_LOCK, m);
	if (ld_on(m->dep.ctx)) {
		if (ld_acquire(&m->dep, LD_W, subclass, false, &s) == LD_SKIP)
			return;
		if (ld_stat_on(m->dep.ctx)) {
			lock_timed(m, &s);
			return;
		}
	}
	pthread_mutex_lock(&m->m);
	set_owner(m);
}

bool kmutex_trylock_at(struct kmutex *m, struct ld_site s) NO_THREAD_SAFETY_ANALYSIS
{
	ld_sched_before(&m->dep, LD_SCHED_TRYLOCK, m);
	if (pthread_mutex_trylock(&m->m))
		return false;
	set_owner(m);
	if (ld_on(m->dep.ctx)) {
		ld_acquire(&m->dep, LD_W, 0, true, &s);
		if (ld_stat_on(m->dep.ctx))
			ld_stat_acquired(&m->dep, 0, &s);
	}
	return true;
}

void kmutex_unlock_at(struct kmutex *m, struct ld_site s) NO_THREAD_SAFETY_ANALYSIS
{
	if (ld_on(m->dep.ctx)) {
		if (ld_release_fast(&m->dep, -1, &s) == LD_SKIP)
			return;
	} else if (!owned_by_self(m)) {
		return; /* unchecked misuse: at least do not unlock someone else's mutex */
	}
	__atomic_store_n(&m->owned, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&m->m);
	ld_sched_after_release(&m->dep, m, true);
}

bool kmutex_is_locked(struct kmutex *m)
{
	return __atomic_load_n(&m->owned, __ATOMIC_RELAXED);
}

/* --- assertions ---------------------------------------------------------- */

void ld_assert_held_mutex_at(struct kmutex *m, struct ld_site s)
{
	if (ld_on(m->dep.ctx) && !ld_holds(&m->dep, -1))
		ld_assert_fail(&m->dep, "lockdep_assert_held: lock not held", s);
}

void ld_assert_not_held_mutex_at(struct kmutex *m, struct ld_site s)
{
	if (ld_on(m->dep.ctx) && ld_holds(&m->dep, -1))
		ld_assert_fail(&m->dep, "lockdep_assert_not_held: lock held", s);
}

/* Releases nothing: it only checks, and ends the lock's scope for the analysis. */
void ld_assert_released_mutex_at(struct kmutex *m, struct ld_site s) NO_THREAD_SAFETY_ANALYSIS
{
	if (ld_on(m->dep.ctx) && ld_holds(&m->dep, -1))
		ld_assert_fail(&m->dep, "lockdep_assert_released: lock still held", s);
}
