/* SPDX-License-Identifier: MIT */
/*
 * ld_rwsem.c - struct krwsem: a kernel-style, writer-preferring rw-semaphore.
 *
 * Mirrors the kernel's rwsem: once a writer waits, new readers (down_read)
 * wait behind it, which is why a nested down_read of the same rwsem can
 * deadlock and why the validator treats down_read as a non-recursive
 * reader. down_read_recursive waits only for an active writer (lockdep's
 * recursive reader). State (readers, writer, writers_waiting, wowner) is
 * guarded by s->m; waiters sleep on s->cond.
 *
 * As for mutexes, the validator is told before a blocking acquire and
 * after a successful trylock; a release it rejects (not held by this
 * thread, or held in the other mode) is reported and not performed, and a
 * reported self-deadlock is not performed either (see ld_mutex.c). Like
 * the mutex functions, the acquire and release bodies implement the
 * capability the thread-safety analysis reasons about, so they are
 * excluded from it.
 */
#include "lockdep/ld_fast.h"

void krwsem_init(struct krwsem *s, struct ld_ctx *ctx, const char *name)
{
	pthread_mutex_init(&s->m, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->readers = s->writer = s->writers_waiting = 0;
	s->dep.ctx = ctx;
	s->dep.cls = NULL;
	s->dep.name = name;
	s->dep.last_tid = 0;
	if (ld_on(ctx))
		ld_class_of(&s->dep, 0);
}

void krwsem_destroy_at(struct krwsem *s, struct ld_site site)
{
	bool held;

	pthread_mutex_lock(&s->m);
	held = s->readers || s->writer;
	pthread_mutex_unlock(&s->m);
	if (ld_on(s->dep.ctx))
		ld_check_destroy(&s->dep, held, site);
	if (held)
		return;
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->m);
}

/*
 * Takes a read hold; queued writers block new readers unless recursive.
 * Returns when it found the rwsem busy (ld_ticks(); 0: it was free, or
 * timed is false).
 */
static uint64_t read_lock(struct krwsem *s, bool recursive, bool timed)
{
	uint64_t t0 = 0;

	pthread_mutex_lock(&s->m);
	if (timed && (s->writer || (!recursive && s->writers_waiting)))
		t0 = ld_ticks();
	while (s->writer || (!recursive && s->writers_waiting))
		pthread_cond_wait(&s->cond, &s->m);
	s->readers++;
	pthread_mutex_unlock(&s->m);
	return t0;
}

/* The read acquisitions: validator first, then the lock (timed for lock_stat). */
static void down_read_common(struct krwsem *s, int rtype, const struct ld_site *site)
{
	bool timed = false;

	if (ld_on(s->dep.ctx)) {
		if (ld_acquire_fast(&s->dep, rtype, site) == LD_SKIP)
			return;
		timed = ld_stat_on(s->dep.ctx);
	}
	if (!timed) {
		read_lock(s, rtype == LD_RREAD, false);
		return;
	}
	ld_stat_acquired(&s->dep, read_lock(s, rtype == LD_RREAD, true), site);
}

void down_read_at(struct krwsem *s, struct ld_site site) NO_THREAD_SAFETY_ANALYSIS
{
	ld_sched_before(&s->dep, LD_SCHED_DOWN_READ, s);
	down_read_common(s, LD_READ, &site);
}

void down_read_recursive_at(struct krwsem *s, struct ld_site site) NO_THREAD_SAFETY_ANALYSIS
{
	ld_sched_before(&s->dep, LD_SCHED_DOWN_READ_RECURSIVE, s);
	down_read_common(s, LD_RREAD, &site);
}

void down_write_at(struct krwsem *s, struct ld_site site) NO_THREAD_SAFETY_ANALYSIS
{
	uint64_t t0 = 0;
	bool timed = false;

	ld_sched_before(&s->dep, LD_SCHED_DOWN_WRITE, s);
	if (ld_on(s->dep.ctx)) {
		if (ld_acquire_fast(&s->dep, LD_W, &site) == LD_SKIP)
			return;
		timed = ld_stat_on(s->dep.ctx);
	}
	pthread_mutex_lock(&s->m);
	s->writers_waiting++;
	if (timed && (s->writer || s->readers))
		t0 = ld_ticks();
	while (s->writer || s->readers)
		pthread_cond_wait(&s->cond, &s->m);
	s->writers_waiting--;
	s->writer = 1;
	s->wowner = pthread_self();
	pthread_mutex_unlock(&s->m);
	if (timed)
		ld_stat_acquired(&s->dep, t0, &site);
}

bool down_read_trylock_at(struct krwsem *s, struct ld_site site) NO_THREAD_SAFETY_ANALYSIS
{
	bool ok;

	ld_sched_before(&s->dep, LD_SCHED_DOWN_READ_TRY, s);
	pthread_mutex_lock(&s->m);
	ok = !s->writer && !s->writers_waiting;
	if (ok)
		s->readers++;
	pthread_mutex_unlock(&s->m);
	if (ok && ld_on(s->dep.ctx)) {
		ld_acquire(&s->dep, LD_READ, 0, true, &site);
		if (ld_stat_on(s->dep.ctx))
			ld_stat_acquired(&s->dep, 0, &site);
	}
	return ok;
}

bool down_write_trylock_at(struct krwsem *s, struct ld_site site) NO_THREAD_SAFETY_ANALYSIS
{
	bool ok;

	ld_sched_before(&s->dep, LD_SCHED_DOWN_WRITE_TRY, s);
	pthread_mutex_lock(&s->m);
	ok = !s->writer && !s->readers;
	if (ok) {
		s->writer = 1;
		s->wowner = pthread_self();
	}
	pthread_mutex_unlock(&s->m);
	if (ok && ld_on(s->dep.ctx)) {
		ld_acquire(&s->dep, LD_W, 0, true, &site);
		if (ld_stat_on(s->dep.ctx))
			ld_stat_acquired(&s->dep, 0, &site);
	}
	return ok;
}

void up_read_at(struct krwsem *s, struct ld_site site) NO_THREAD_SAFETY_ANALYSIS
{
	if (ld_on(s->dep.ctx) && ld_release_fast(&s->dep, LD_READ, &site) == LD_SKIP)
		return;
	pthread_mutex_lock(&s->m);
	if (s->readers > 0 && --s->readers == 0)
		pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->m);
	ld_sched_after_release(&s->dep, s, false);
}

void up_write_at(struct krwsem *s, struct ld_site site) NO_THREAD_SAFETY_ANALYSIS
{
	if (ld_on(s->dep.ctx) && ld_release_fast(&s->dep, LD_W, &site) == LD_SKIP)
		return;
	pthread_mutex_lock(&s->m);
	if (s->writer && pthread_equal(s->wowner, pthread_self())) {
		s->writer = 0;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->m);
	ld_sched_after_release(&s->dep, s, true);
}

/* --- assertions ---------------------------------------------------------- */

/* lockdep_assert_held on an rwsem: held for write by this thread. */
void ld_assert_held_rwsem_at(struct krwsem *s, struct ld_site site)
{
	if (ld_on(s->dep.ctx) && !ld_holds(&s->dep, LD_W))
		ld_assert_fail(&s->dep, "lockdep_assert_held: rwsem not held for write", site);
}

void ld_assert_held_read_at(struct krwsem *s, struct ld_site site)
{
	if (ld_on(s->dep.ctx) && !ld_holds(&s->dep, LD_READ))
		ld_assert_fail(&s->dep, "lockdep_assert_held_read: rwsem not held for read", site);
}

void ld_assert_not_held_rwsem_at(struct krwsem *s, struct ld_site site)
{
	if (ld_on(s->dep.ctx) && ld_holds(&s->dep, -1))
		ld_assert_fail(&s->dep, "lockdep_assert_not_held: rwsem held", site);
}
