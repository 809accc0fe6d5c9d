/* SPDX-License-Identifier: MIT */
/*
 * lockdep.h - lock wrappers and the lock validator's public interface.
 *
 * Every lock in the simulated system is a struct kmutex (kernel mutex) or a
 * struct krwsem (kernel rw-semaphore: writer-preferring, non-recursive
 * readers) taken through the functions below. Each lock belongs to a class,
 * named at init time ("&kvm->lock"); all locks initialised with the same
 * name in one validator context share the class, so every guest's kvm->lock
 * is one class. The validator (struct ld_ctx, one per simulated world) sees
 * every acquire and release, keeps per-thread held-lock stacks, checks a
 * declared rank order in O(1), folds chain keys into a chain cache and runs
 * a cycle search over the class graph on a cache miss. Reports use the
 * lockdep shape and are kept in the context (text, JSON, DOT).
 *
 * The lock/unlock names are macros that add the call site; the _at functions
 * carry the clang thread-safety annotations.
 */
#ifndef VAS_LOCKDEP_H
#define VAS_LOCKDEP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "lockdep/tsa.h"

struct ld_ctx;
struct ld_class;

/* Where an acquisition happened. */
struct ld_site {
	const char *file;
	int line;
	const char *func;
};
/*
 * The site is a static constant copied into the argument: building the
 * compound literal in place made gcc store `line` and reload it as part of
 * a 16-byte vector (a store-forwarding stall, ~10 ns per lock call).
 */
#define LD_SITE                                                                           \
	(*({                                                                              \
		static const struct ld_site ld_site__ = { __FILE__, __LINE__, __func__ }; \
		&ld_site__;                                                               \
	}))

/* The validator's view of one lock instance. */
struct ld_map {
	struct ld_ctx *ctx;
	struct ld_class *cls; /* NULL when the context has checking off at init */
	const char *name;
	unsigned last_tid; /* lock_stat: serial of the thread that acquired it last (atomic) */
};

struct CAPABILITY("mutex") kmutex {
	pthread_mutex_t m;
	struct ld_map dep;
	pthread_t owner; /* valid while owned != 0 */
	int owned;
};

/*
 * Writer-preferring rw-semaphore: once a writer waits, new readers block
 * (kernel rwsem semantics; glibc's default rwlock lets readers in).
 */
struct CAPABILITY("rwsem") krwsem {
	pthread_mutex_t m;
	pthread_cond_t cond;
	int readers;	     /* active readers */
	int writer;	     /* 1 while a writer holds it */
	int writers_waiting; /* queued writers */
	pthread_t wowner;
	struct ld_map dep;
};

/* --- validator context ------------------------------------------------ */

struct ld_ctx *ld_ctx_new(void);
/* Frees the context; every lock of it must have been destroyed. */
void ld_ctx_free(struct ld_ctx *ctx);
/* Run-time switch: off means the wrappers only lock (for the benchmark). */
void ld_set_enabled(struct ld_ctx *ctx, bool on);
bool ld_enabled(const struct ld_ctx *ctx);

/*
 * Declared order: names[0] is outermost. Acquiring a class of rank r while
 * holding one of rank > r is reported at once, even without a cycle. Classes
 * not in the table are unranked (only the observed graph checks them).
 * May be called again to replace the table (locking variants). Returns 0 or
 * -EINVAL (more than 64 ranks).
 */
int ld_declare_order(struct ld_ctx *ctx, const char *const names[], size_t n);

/* A callback that receives each report line as it is produced (dmesg). */
void ld_set_sink(struct ld_ctx *ctx, void (*sink)(void *arg, const char *line), void *arg);

/* Reports so far: count, text (lockdep format), JSON array. malloc'd strings. */
unsigned ld_nr_reports(struct ld_ctx *ctx);
char *ld_report_text(struct ld_ctx *ctx);
char *ld_report_json(struct ld_ctx *ctx);
/* The observed class graph in Graphviz DOT. */
char *ld_graph_dot(struct ld_ctx *ctx);
/* Coverage of declared edges and distinct chains, human readable. */
char *ld_coverage_text(struct ld_ctx *ctx);
/* Locks held by every thread known to the context (watchdog dumps). */
char *ld_held_dump(struct ld_ctx *ctx);
/*
 * One thread's held locks: their class names, oldest first (up to max;
 * returns how many), or the lockdep-style block "N locks held by ..."
 * (malloc'd, "" when it holds none). Used by the explorer's reports.
 */
int ld_held_classes(struct ld_ctx *ctx, pthread_t who, const char **names, int max);
char *ld_held_dump_thread(struct ld_ctx *ctx, pthread_t who);
/* Number of locks the calling thread holds in this context. */
int ld_held_count(struct ld_ctx *ctx);
/* Forget the calling thread's state (call before a thread exits). */
void ld_thread_exit(struct ld_ctx *ctx);

/*
 * Added by the validator (docs/validator.md):
 * ld_stats - counters; graph_walks counts BFS cycle searches, so a test can
 * prove that a chain seen before costs no walk.
 */
struct ld_stats {
	unsigned long long acquires;	 /* validated acquisitions */
	unsigned long long chain_hits;	 /* ... answered by the chain cache */
	unsigned long long chain_misses; /* ... that took the slow path */
	unsigned long long graph_walks;	 /* BFS cycle searches run */
	unsigned classes, edges, chains, reports;
};
void ld_stats(struct ld_ctx *ctx, struct ld_stats *out);
/*
 * Coverage: declared edges are the pairs registered with ld_expect_edge(),
 * or, when none is registered, every pair (a, b) with rank(a) < rank(b) of
 * the declared order. An edge is seen when b was acquired while a was held
 * (directly or with locks in between). chains = distinct chains validated.
 */
int ld_coverage(struct ld_ctx *ctx, unsigned *seen_edges, unsigned *declared_edges,
		unsigned *chains);
/* Register an expected (declared) edge outer -> inner; 0, -EINVAL or -ENOMEM. */
int ld_expect_edge(struct ld_ctx *ctx, const char *outer, const char *inner);
/*
 * After reporting a certain self-deadlock (a lock re-taken by its holder),
 * abort() instead of the default: pretend the re-acquisition succeeded
 * without touching the lock (the matching release is then also a no-op).
 */
void ld_set_abort_on_deadlock(struct ld_ctx *ctx, bool on);

/*
 * lock_stat (docs/validator.md, "Lock statistics"): per lock class,
 * contentions (the lock was not free when asked for), wait and hold times
 * and the sites that waited most, like the kernel's /proc/lock_stat.
 * Collected while checking is on and lock_stat is switched on (default
 * off); a class's subclasses are classes of their own. Times in ns.
 */
void ld_set_lock_stat(struct ld_ctx *ctx, bool on);
bool ld_lock_stat_enabled(const struct ld_ctx *ctx);
/* Forgets every statistic gathered so far (as writing 0 to /proc/lock_stat). */
void ld_lock_stat_clear(struct ld_ctx *ctx);

#define LD_LOCK_STAT_POINTS 4
struct ld_lock_time {
	unsigned long long nr, min, max, total; /* ns; min and max are 0 when nr is 0 */
};
struct ld_lock_stat {
	char name[64]; /* the class name */
	/* [0]: taken exclusively (mutex, down_write), [1]: shared (down_read) */
	struct ld_lock_time wait[2]; /* one sample per contention */
	struct ld_lock_time hold[2]; /* one sample per release: nr = acquisitions */
	unsigned long long con_bounces[2], acq_bounces[2]; /* previous holder another thread */
	struct {
		char site[96]; /* "func file:line" where a thread had to wait; "" unused */
		unsigned long long n;
	} point[LD_LOCK_STAT_POINTS]; /* most frequent first */
};
/*
 * The statistics of every class with at least one acquisition or
 * contention, most contended first (then by acquisitions, then name).
 * Returns the count and a malloc'd array in *out (NULL when 0), or -ENOMEM.
 */
int ld_lock_stat_read(struct ld_ctx *ctx, struct ld_lock_stat **out);
/* The same in the layout of the kernel's /proc/lock_stat (malloc'd). */
char *ld_lock_stat_text(struct ld_ctx *ctx);

/* --- mutex ------------------------------------------------------------- */

void kmutex_init(struct kmutex *m, struct ld_ctx *ctx, const char *class_name);
void kmutex_destroy_at(struct kmutex *m, struct ld_site s);
void kmutex_lock_at(struct kmutex *m, struct ld_site s) ACQUIRE(m);
/* subclass > 0 annotates an intended same-class nesting. */
void kmutex_lock_nested_at(struct kmutex *m, unsigned subclass, struct ld_site s) ACQUIRE(m);
bool kmutex_trylock_at(struct kmutex *m, struct ld_site s) TRY_ACQUIRE(true, m);
void kmutex_unlock_at(struct kmutex *m, struct ld_site s) RELEASE(m);
bool kmutex_is_locked(struct kmutex *m);

#define kmutex_destroy(m) kmutex_destroy_at((m), LD_SITE)
#define kmutex_lock(m) kmutex_lock_at((m), LD_SITE)
#define kmutex_lock_nested(m, sub) kmutex_lock_nested_at((m), (sub), LD_SITE)
#define kmutex_trylock(m) kmutex_trylock_at((m), LD_SITE)
#define kmutex_unlock(m) kmutex_unlock_at((m), LD_SITE)

/* --- rw-semaphore ------------------------------------------------------ */

void krwsem_init(struct krwsem *s, struct ld_ctx *ctx, const char *class_name);
void krwsem_destroy_at(struct krwsem *s, struct ld_site site);
void down_read_at(struct krwsem *s, struct ld_site site) ACQUIRE_SHARED(s);
void down_write_at(struct krwsem *s, struct ld_site site) ACQUIRE(s);
/*
 * Recursive reader (lockdep "R"): waits only for an active writer, not for
 * queued ones, so a thread may nest it inside its own read hold. Added by
 * the validator; kernel rwsems have no such call (rwlock read_lock does).
 */
void down_read_recursive_at(struct krwsem *s, struct ld_site site) ACQUIRE_SHARED(s);
bool down_read_trylock_at(struct krwsem *s, struct ld_site site) TRY_ACQUIRE_SHARED(true, s);
bool down_write_trylock_at(struct krwsem *s, struct ld_site site) TRY_ACQUIRE(true, s);
void up_read_at(struct krwsem *s, struct ld_site site) RELEASE_SHARED(s);
void up_write_at(struct krwsem *s, struct ld_site site) RELEASE(s);

#define krwsem_destroy(s) krwsem_destroy_at((s), LD_SITE)
#define down_read(s) down_read_at((s), LD_SITE)
#define down_write(s) down_write_at((s), LD_SITE)
#define down_read_recursive(s) down_read_recursive_at((s), LD_SITE)
#define down_read_trylock(s) down_read_trylock_at((s), LD_SITE)
#define down_write_trylock(s) down_write_trylock_at((s), LD_SITE)
#define up_read(s) up_read_at((s), LD_SITE)
#define up_write(s) up_write_at((s), LD_SITE)

/* --- assertions ---------------------------------------------------------- */

void ld_assert_held_mutex_at(struct kmutex *m, struct ld_site s) ASSERT_CAPABILITY(m);
void ld_assert_held_rwsem_at(struct krwsem *s, struct ld_site site) ASSERT_CAPABILITY(s);
void ld_assert_held_read_at(struct krwsem *s, struct ld_site site) ASSERT_SHARED_CAPABILITY(s);
void ld_assert_not_held_mutex_at(struct kmutex *m, struct ld_site s);
/*
 * After calling code the static analysis cannot follow (a function pointer
 * of the locking-variant table) that must have released m: checks at run
 * time that this thread no longer holds m, and tells the analysis so.
 */
void ld_assert_released_mutex_at(struct kmutex *m, struct ld_site s) RELEASE(m);
void ld_assert_not_held_rwsem_at(struct krwsem *s, struct ld_site site);

/* _Generic is beyond clang-format 14's layout: */
/* clang-format off */
#define lockdep_assert_held(l)                                                   \
	_Generic((l), struct kmutex * : ld_assert_held_mutex_at,                 \
		      struct krwsem * : ld_assert_held_rwsem_at)((l), LD_SITE)
#define lockdep_assert_held_read(s) ld_assert_held_read_at((s), LD_SITE)
#define lockdep_assert_released(m) ld_assert_released_mutex_at((m), LD_SITE)
#define lockdep_assert_not_held(l)                                               \
	_Generic((l), struct kmutex * : ld_assert_not_held_mutex_at,             \
		      struct krwsem * : ld_assert_not_held_rwsem_at)((l), LD_SITE)
/* clang-format on */

/*
 * Pin cookies: between pin and unpin the lock must not be released (catches
 * a lower layer that drops and re-takes a lock its caller relies on).
 */
struct ld_pin_cookie {
	unsigned v;
};
struct ld_pin_cookie ld_pin_lock_at(struct ld_map *map, struct ld_site s);
void ld_unpin_lock_at(struct ld_map *map, struct ld_pin_cookie c, struct ld_site s);
#define lockdep_pin_lock(l) ld_pin_lock_at(&(l)->dep, LD_SITE)
#define lockdep_unpin_lock(l, c) ld_unpin_lock_at(&(l)->dep, (c), LD_SITE)

#endif
