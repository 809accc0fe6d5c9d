/* SPDX-License-Identifier: MIT */
/*
 * lockdep.c - PLACEHOLDER: the lock wrappers without validation.
 *
 * Locks work (mutex, writer-preferring rwsem) and assertions check ownership,
 * but no graph, chain cache or report exists yet. The validator issue replaces
 * this file; the interface in lockdep.h stays.
 */
#include "lockdep/lockdep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ld_ctx {
	bool enabled;
};

static _Thread_local int held_locks;

struct ld_ctx *ld_ctx_new(void)
{
	struct ld_ctx *c = calloc(1, sizeof(*c));
	if (c)
		c->enabled = true;
	return c;
}
void ld_ctx_free(struct ld_ctx *ctx) { free(ctx); }
void ld_set_enabled(struct ld_ctx *ctx, bool on) { ctx->enabled = on; }
bool ld_enabled(const struct ld_ctx *ctx) { return ctx->enabled; }
int ld_declare_order(struct ld_ctx *ctx, const char *const names[], size_t n)
{
	(void)ctx;
	(void)names;
	return n > 64 ? -EINVAL : 0;
}
void ld_set_sink(struct ld_ctx *ctx, void (*sink)(void *, const char *), void *arg)
{
	(void)ctx;
	(void)sink;
	(void)arg;
}
unsigned ld_nr_reports(struct ld_ctx *ctx)
{
	(void)ctx;
	return 0;
}
char *ld_report_text(struct ld_ctx *ctx)
{
	(void)ctx;
	return strdup("");
}
char *ld_report_json(struct ld_ctx *ctx)
{
	(void)ctx;
	return strdup("[]\n");
}
char *ld_graph_dot(struct ld_ctx *ctx)
{
	(void)ctx;
	return strdup("digraph lockdep {\n}\n");
}
char *ld_coverage_text(struct ld_ctx *ctx)
{
	(void)ctx;
	return strdup("");
}
char *ld_held_dump(struct ld_ctx *ctx)
{
	(void)ctx;
	return strdup("");
}
int ld_held_count(struct ld_ctx *ctx)
{
	(void)ctx;
	return held_locks;
}
void ld_thread_exit(struct ld_ctx *ctx) { (void)ctx; }

static void die(const char *what, struct ld_site s)
{
	fprintf(stderr, "lockdep: %s at %s:%d (%s)\n", what, s.file, s.line, s.func);
	abort();
}

void kmutex_init(struct kmutex *m, struct ld_ctx *ctx, const char *name)
{
	pthread_mutex_init(&m->m, NULL);
	m->dep.ctx = ctx;
	m->dep.cls = NULL;
	m->dep.name = name;
	m->owned = 0;
}
void kmutex_destroy_at(struct kmutex *m, struct ld_site s)
{
	if (m->owned)
		die("mutex destroyed while held", s);
	pthread_mutex_destroy(&m->m);
}
void kmutex_lock_at(struct kmutex *m, struct ld_site s) NO_THREAD_SAFETY_ANALYSIS
{
	if (m->owned && pthread_equal(m->owner, pthread_self()))
		die("recursive mutex lock", s);
	pthread_mutex_lock(&m->m);
	m->owner = pthread_self();
	m->owned = 1;
	held_locks++;
}
void kmutex_lock_nested_at(struct kmutex *m, unsigned sub, struct ld_site s)
	NO_THREAD_SAFETY_ANALYSIS
{
	(void)sub;
	kmutex_lock_at(m, s);
}
bool kmutex_trylock_at(struct kmutex *m, struct ld_site s) NO_THREAD_SAFETY_ANALYSIS
{
	(void)s;
	if (pthread_mutex_trylock(&m->m))
		return false;
	m->owner = pthread_self();
	m->owned = 1;
	held_locks++;
	return true;
}
void kmutex_unlock_at(struct kmutex *m, struct ld_site s) NO_THREAD_SAFETY_ANALYSIS
{
	if (!m->owned || !pthread_equal(m->owner, pthread_self()))
		die("unlock of a mutex not held by this thread", s);
	m->owned = 0;
	held_locks--;
	pthread_mutex_unlock(&m->m);
}
bool kmutex_is_locked(struct kmutex *m) { return m->owned; }

void krwsem_init(struct krwsem *s, struct ld_ctx *ctx, const char *name)
{
	pthread_mutex_init(&s->m, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->readers = s->writer = s->writers_waiting = 0;
	s->dep.ctx = ctx;
	s->dep.cls = NULL;
	s->dep.name = name;
}
void krwsem_destroy_at(struct krwsem *s, struct ld_site site)
{
	if (s->readers || s->writer)
		die("rwsem destroyed while held", site);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->m);
}
void down_read_at(struct krwsem *s, struct ld_site site) NO_THREAD_SAFETY_ANALYSIS
{
	(void)site;
	pthread_mutex_lock(&s->m);
	while (s->writer || s->writers_waiting)
		pthread_cond_wait(&s->cond, &s->m);
	s->readers++;
	pthread_mutex_unlock(&s->m);
	held_locks++;
}
void down_write_at(struct krwsem *s, struct ld_site site) NO_THREAD_SAFETY_ANALYSIS
{
	(void)site;
	pthread_mutex_lock(&s->m);
	s->writers_waiting++;
	while (s->writer || s->readers)
		pthread_cond_wait(&s->cond, &s->m);
	s->writers_waiting--;
	s->writer = 1;
	s->wowner = pthread_self();
	pthread_mutex_unlock(&s->m);
	held_locks++;
}
bool down_read_trylock_at(struct krwsem *s, struct ld_site site) NO_THREAD_SAFETY_ANALYSIS
{
	bool ok;
	(void)site;
	pthread_mutex_lock(&s->m);
	ok = !s->writer && !s->writers_waiting;
	if (ok)
		s->readers++;
	pthread_mutex_unlock(&s->m);
	held_locks += ok;
	return ok;
}
bool down_write_trylock_at(struct krwsem *s, struct ld_site site) NO_THREAD_SAFETY_ANALYSIS
{
	bool ok;
	(void)site;
	pthread_mutex_lock(&s->m);
	ok = !s->writer && !s->readers;
	if (ok) {
		s->writer = 1;
		s->wowner = pthread_self();
	}
	pthread_mutex_unlock(&s->m);
	held_locks += ok;
	return ok;
}
void up_read_at(struct krwsem *s, struct ld_site site) NO_THREAD_SAFETY_ANALYSIS
{
	pthread_mutex_lock(&s->m);
	if (s->readers <= 0)
		die("up_read of an rwsem not held for read", site);
	if (--s->readers == 0)
		pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->m);
	held_locks--;
}
void up_write_at(struct krwsem *s, struct ld_site site) NO_THREAD_SAFETY_ANALYSIS
{
	pthread_mutex_lock(&s->m);
	if (!s->writer || !pthread_equal(s->wowner, pthread_self()))
		die("up_write of an rwsem not write-held by this thread", site);
	s->writer = 0;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->m);
	held_locks--;
}

void ld_assert_held_mutex_at(struct kmutex *m, struct ld_site s)
{
	if (!m->owned || !pthread_equal(m->owner, pthread_self()))
		die("lockdep_assert_held failed", s);
}
void ld_assert_held_rwsem_at(struct krwsem *s, struct ld_site site)
{
	if (!s->writer || !pthread_equal(s->wowner, pthread_self()))
		die("lockdep_assert_held (write) failed", site);
}
void ld_assert_held_read_at(struct krwsem *s, struct ld_site site)
{
	if (s->readers <= 0)
		die("lockdep_assert_held_read failed", site);
}
void ld_assert_not_held_mutex_at(struct kmutex *m, struct ld_site s)
{
	if (m->owned && pthread_equal(m->owner, pthread_self()))
		die("lockdep_assert_not_held failed", s);
}
void ld_assert_not_held_rwsem_at(struct krwsem *s, struct ld_site site)
{
	if (s->writer && pthread_equal(s->wowner, pthread_self()))
		die("lockdep_assert_not_held failed", site);
}
struct ld_pin_cookie ld_pin_lock_at(struct ld_map *map, struct ld_site s)
{
	(void)map;
	(void)s;
	return (struct ld_pin_cookie){ 1 };
}
void ld_unpin_lock_at(struct ld_map *map, struct ld_pin_cookie c, struct ld_site s)
{
	(void)map;
	(void)c;
	(void)s;
}
