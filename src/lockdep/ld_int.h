/* SPDX-License-Identifier: MIT */
/*
 * ld_int.h - private structures of the lock validator (not for callers).
 *
 * One struct ld_ctx per simulated world owns everything: the class registry,
 * the class dependency graph, the chain cache, the report list, the declared
 * order and the per-thread records. ctx->lock (a plain pthread mutex, not
 * validated) guards all of it except:
 *   - the chain cache lookup, which is lock-free (see ld_chain.c);
 *   - a thread's held-lock stack, which only its own thread writes (other
 *     threads read it for dumps under the record's sequence counter);
 *   - class->rank, read on the hot path with relaxed atomics.
 * Lock wrappers call ld_acquire()/ld_release() only when checking is on.
 */
#ifndef VAS_LD_INT_H
#define VAS_LD_INT_H

#include <stdint.h>

#include "lockdep/lockdep.h"
#include "lockdep/sched.h"

#define LD_MAX_DEPTH 48	   /* held locks per thread (kernel: MAX_LOCK_DEPTH) */
#define LD_MAX_RANKS 64	   /* declared order entries (one bit each) */
#define LD_MAX_SUBCLASS 8  /* kmutex_lock_nested subclasses 0..7 */
#define LD_CLASS_HASH 256  /* buckets of the name -> class table */
#define LD_MAX_PATH 64	   /* longest cycle printed */
#define LD_LSTAT_CHUNK 16  /* lock_stat: classes per per-thread chunk */
#define LD_LSTAT_CHUNKS 64 /* chunks per thread: statistics for class ids < 1024 */
#define LD_LSTAT_POINTS 4  /* contention points kept per class and thread */

/* How a lock is taken (lockdep's W / r / R). */
enum ld_rtype { LD_W = 0, LD_READ = 1, LD_RREAD = 2 };

/* Dependency types of an edge: holder Exclusive/Shared, new lock Non-recursive/Recursive. */
enum { LD_DEP_EN = 1, LD_DEP_ER = 2, LD_DEP_SN = 4, LD_DEP_SR = 8 };

struct ld_class;

/* One edge prev -> next of the class graph; guarded by ctx->lock. */
struct ld_edge {
	struct ld_class *to GUARDED_BY(ld_ctx.lock);
	unsigned types GUARDED_BY(ld_ctx.lock); /* LD_DEP_* seen so far */
	/* closed a cycle: shown in DOT, ignored by the BFS */
	bool bad GUARDED_BY(ld_ctx.lock);
	/* how `to` was taken when the edge was first seen */
	unsigned char to_rtype GUARDED_BY(ld_ctx.lock);
	/* where `to` was taken when the edge was first seen */
	struct ld_site site GUARDED_BY(ld_ctx.lock);
	/* where the holder of `from` had taken it */
	struct ld_site from_site GUARDED_BY(ld_ctx.lock);
	struct ld_edge *next GUARDED_BY(ld_ctx.lock);
};

struct ld_class {
	unsigned id;	       /* index in ctx->classes, also folded into chain keys */
	char *name;	       /* "&kvm->lock", or "&kvm->lock/1" for a subclass */
	struct ld_class *base; /* the subclass-0 class (itself for subclass 0) */
	struct ld_class *sub[LD_MAX_SUBCLASS] GUARDED_BY(ld_ctx.lock); /* sub[0] == self */
	int rank;	/* declared rank or -1; relaxed atomic */
	unsigned usage; /* bit 0 taken for write, bit 1 for read; relaxed atomic */
	struct ld_edge *out GUARDED_BY(ld_ctx.lock);
	struct ld_class *hnext GUARDED_BY(ld_ctx.lock); /* name hash chain */
};

/* One entry of a thread's held-lock stack. */
struct ld_held {
	struct ld_map *map;
	struct ld_class *cls;
	uint64_t chain_key; /* key of the chain ending with this entry */
	struct ld_site site;
	unsigned char rtype; /* enum ld_rtype */
	bool trylock;
	bool ghost;	  /* re-entry that was reported and not really taken */
	signed char rank; /* rank at acquire time, -1 if unranked */
	unsigned pins;
	unsigned cookie;
};

/* Per-thread counters: written by the owner thread only, read with relaxed atomics. */
struct ld_tcount {
	unsigned long long acquires, hits, misses;
};

/*
 * lock_stat (ld_stat.c): one class as seen by one thread. Times are in
 * ticks of ld_ticks(). Index [0] is exclusive (write) use, [1] shared
 * (read). Every field is a 64-bit word written by the owner thread with
 * relaxed atomic stores and read by others with relaxed atomic loads.
 */
struct ld_ltime {
	uint64_t nr, min, max, total;
};
struct ld_lpoint {
	uint64_t n; /* 0: slot free */
	const char *file, *func;
	uint64_t line;
};
struct ld_lstat {
	struct ld_ltime wait[2], hold[2];
	uint64_t con_bounces[2], acq_bounces[2];
	struct ld_lpoint point[LD_LSTAT_POINTS];
};

/* A thread's record in one context (pthread key of the context). */
struct ld_thread {
	struct ld_ctx *ctx;
	unsigned tid; /* per-context serial: 1, 2, ... (deterministic) */
	char name[32];
	pthread_t self;
	unsigned seq; /* odd while the stack is being changed */
	int depth;
	int overflow;	    /* acquisitions not tracked because the stack was full */
	bool in_sink;	    /* this thread is running the sink: do not recurse */
	uint64_t rank_mask; /* bit r: a lock of rank r is held */
	unsigned char rank_cnt[LD_MAX_RANKS];
	unsigned pin_serial;
	struct ld_tcount cnt;
	struct ld_held held[LD_MAX_DEPTH];
	/* lock_stat: when each held lock was acquired (ticks, 0: unknown); owner only */
	uint64_t stamp[LD_MAX_DEPTH];
	/* lock_stat: the record each held lock's hold time goes to (valid with its stamp) */
	struct ld_lstat *lst[LD_MAX_DEPTH];
	/* lock_stat: the statistics generation these chunks belong to (atomic) */
	unsigned lstat_gen;
	/* lock_stat chunks by class id / LD_LSTAT_CHUNK; published with release */
	struct ld_lstat *lstat[LD_LSTAT_CHUNKS];
	struct ld_thread *next GUARDED_BY(ctx->lock); /* ctx->threads */
};

/* A 64-bit key set with open addressing; key 0 is "empty". */
struct ld_set {
	uint64_t *slot;
	unsigned mask; /* capacity - 1, capacity a power of two */
	unsigned n;
};

/* The lock-free chain table (one generation; see ld_chain.c). */
struct ld_chain_tab {
	unsigned mask;
	struct ld_chain_tab *retired; /* older generations, freed with the context */
	uint64_t slot[];
};

struct ld_report;

/* G: GUARDED_BY(lock) */
#define G GUARDED_BY(lock)
struct ld_ctx {
	bool enabled; /* relaxed atomic */
	bool abort_on_deadlock G;
	pthread_mutex_t lock;
	pthread_key_t key; /* const */
	struct ld_thread *threads G;
	unsigned next_tid G;
	struct ld_tcount dead G; /* counters of threads that left */

	struct ld_class **classes G;
	unsigned nr_classes G, cap_classes G;
	struct ld_class *class_hash[LD_CLASS_HASH] G;
	unsigned nr_edges G;

	struct ld_class *ranked[LD_MAX_RANKS] G;
	unsigned nr_ranked G;
	struct ld_set nested G; /* (from id, to id) pairs seen held-while-acquiring */
	uint64_t *expect G;	/* registered expected edges, in order */
	unsigned nr_expect G, cap_expect G;

	/* atomic pointer, written under lock (lock-free lookups load it) */
	struct ld_chain_tab *chains WRITES_GUARDED_BY(lock);
	unsigned nr_chains G;
	unsigned long long graph_walks G;

	struct ld_report **reports G;
	unsigned nr_reports G, cap_reports G, sunk G;
	struct ld_set report_keys G;
	void (*sink)(void *arg, const char *line) G;
	void *sink_arg G;

	/* lock_stat (ld_stat.c) */
	bool lock_stat;	    /* collecting; relaxed atomic */
	unsigned lstat_gen; /* bumped by a clear; atomic, written under lock */
	struct ld_lstat *lstat_dead[LD_LSTAT_CHUNKS] G; /* threads that left, this generation */
	uint64_t tick0, ns0; /* ld_ticks() and CLOCK_MONOTONIC at creation (const) */

	/* the controlled scheduler (sched.h): set while no other thread runs */
	const struct ld_sched_ops *sched;
	void *sched_arg;

	/* BFS scratch, sized to cap_classes * 2 */
	unsigned *bfs_queue G;
	struct ld_edge **bfs_via G;
	unsigned *bfs_from G;
	unsigned char *bfs_vis G;
};
#undef G

/* ld_ctx.c */
struct ld_thread *ld_thread_slow(struct ld_ctx *ctx);
static inline struct ld_thread *ld_self(struct ld_ctx *ctx)
{
	struct ld_thread *t = pthread_getspecific(ctx->key);

	return t ? t : ld_thread_slow(ctx);
}
/* Whether a wrapper should call the validator (constant false with -Dlockdep=false). */
static inline bool ld_on(struct ld_ctx *ctx)
{
#ifdef VAS_LOCKDEP_OFF
	(void)ctx;
	return false;
#else
	return ctx && __atomic_load_n(&ctx->enabled, __ATOMIC_RELAXED);
#endif
}
void ld_refresh_name(struct ld_thread *t);
struct ld_thread *ld_thread_by_pthread(struct ld_ctx *ctx, pthread_t who) CALLER_HOLDS(ctx->lock);

/* ld_class.c */
struct ld_class *ld_class_get(struct ld_ctx *ctx, const char *name) CALLER_HOLDS(ctx->lock);
struct ld_class *ld_class_of(struct ld_map *map, unsigned subclass);
void ld_note_nested(struct ld_ctx *ctx, const struct ld_class *from, const struct ld_class *to)
	CALLER_HOLDS(ctx->lock);
void ld_class_free_all(struct ld_ctx *ctx);

/* ld_set / ld_chain.c */
bool ld_set_has(const struct ld_set *s, uint64_t key);
int ld_set_add(struct ld_set *s, uint64_t key); /* 1 added, 0 present, -ENOMEM */
void ld_set_free(struct ld_set *s);
/* Folds one held entry into a chain key (never 0). */
static inline uint64_t ld_chain_fold(uint64_t key, const struct ld_class *cls, int rtype,
				     bool trylock)
{
	uint64_t v = ((uint64_t)cls->id << 3) | ((uint64_t)rtype << 1) | trylock;

	key = ((key << 23) | (key >> 41)) ^ ((v + 1) * 0x9e3779b97f4a7c15ULL);
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 29;
	return key ? key : 1;
}
static inline unsigned ld_chain_slot(uint64_t key, unsigned mask)
{
	return (unsigned)(key ^ (key >> 29)) & mask;
}
/* Lock-free chain cache probe (see ld_chain.c). */
static inline bool ld_chain_hit(struct ld_ctx *ctx, uint64_t key)
{
	struct ld_chain_tab *tab = __atomic_load_n(&ctx->chains, __ATOMIC_ACQUIRE);
	unsigned i;
	uint64_t v;

	if (!tab)
		return false;
	for (i = ld_chain_slot(key, tab->mask);; i = (i + 1) & tab->mask) {
		v = __atomic_load_n(&tab->slot[i], __ATOMIC_RELAXED);
		if (v == key)
			return true;
		if (!v)
			return false;
	}
}
int ld_chain_add(struct ld_ctx *ctx, uint64_t key) CALLER_HOLDS(ctx->lock);
void ld_chain_free(struct ld_ctx *ctx);

/* ld_graph.c */
unsigned ld_dep_type(int held_rtype, int new_rtype);
int ld_graph_add(struct ld_ctx *ctx, struct ld_thread *t, const struct ld_held *prev,
		 const struct ld_held *next) CALLER_HOLDS(ctx->lock);
void ld_graph_free(struct ld_ctx *ctx);

/* ld_held.c */
int ld_held_find(const struct ld_thread *t, const struct ld_map *map);
void ld_held_push(struct ld_thread *t, const struct ld_held *h);
void ld_held_remove(struct ld_thread *t, int i);
static inline uint64_t ld_top_key(const struct ld_thread *t)
{
	return t->depth ? t->held[t->depth - 1].chain_key : 0;
}
static inline void ld_usage_mark(struct ld_class *cls, int rtype)
{
	unsigned bit = rtype == LD_W ? 1u : 2u;

	if (!(__atomic_load_n(&cls->usage, __ATOMIC_RELAXED) & bit))
		__atomic_fetch_or(&cls->usage, bit, __ATOMIC_RELAXED);
}
/* The owner thread brackets every change of its stack (seqcount for dumps). */
static inline void ld_held_write_begin(struct ld_thread *t)
{
	__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}
static inline void ld_held_write_end(struct ld_thread *t)
{
	__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELEASE);
}
static inline void ld_rank_get(struct ld_thread *t, int rank)
{
	if (rank >= 0 && t->rank_cnt[rank]++ == 0)
		t->rank_mask |= 1ULL << rank;
}
static inline void ld_rank_put(struct ld_thread *t, int rank)
{
	if (rank >= 0 && t->rank_cnt[rank] && --t->rank_cnt[rank] == 0)
		t->rank_mask &= ~(1ULL << rank);
}
/* Another thread holding map (best effort), NULL if none; ctx->lock held. */
const struct ld_thread *ld_held_elsewhere(struct ld_ctx *ctx, const struct ld_thread *self,
					  const struct ld_map *map) CALLER_HOLDS(ctx->lock);

/* ld_stat.c: lock_stat */
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif
#include <time.h>
static inline uint64_t ld_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
/*
 * A cheap monotonic time stamp, never 0: the invariant time-stamp counter
 * where the CPU has one (about 20 ns, where clock_gettime costs 70 ns on a
 * KVM guest), CLOCK_MONOTONIC elsewhere. Scaled to ns only when read.
 */
static inline uint64_t ld_ticks(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __rdtsc() | 1;
#else
	return ld_mono_ns() | 1;
#endif
}
static inline bool ld_stat_on(struct ld_ctx *ctx)
{
	return __atomic_load_n(&ctx->lock_stat, __ATOMIC_RELAXED);
}
/*
 * After a lock was really acquired (the held entry is on top of the stack):
 * stamps the hold start; t0 is when the thread found it busy (0: it was
 * free), which records a contention at site.
 */
void ld_stat_acquired(struct ld_map *map, uint64_t t0, const struct ld_site *site);
/* Before held entry i is dropped: records its hold time. */
void ld_stat_released(struct ld_thread *t, int i);
void ld_stat_thread_drop(struct ld_ctx *ctx, struct ld_thread *t) CALLER_HOLDS(ctx->lock);
void ld_stat_free(struct ld_ctx *ctx);

/* ld_check.c */
enum ld_verdict { LD_GO = 0, LD_SKIP = 1 };
enum ld_verdict ld_acquire(struct ld_map *map, int rtype, unsigned subclass, bool trylock,
			   const struct ld_site *site);
/* Returns LD_GO if the caller should really release the lock. */
enum ld_verdict ld_release(struct ld_map *map, int want, const struct ld_site *site);
void ld_check_destroy(struct ld_map *map, bool held, struct ld_site site);
bool ld_holds(struct ld_map *map, int want); /* want: -1 any, LD_W write, LD_READ read */
void ld_assert_fail(struct ld_map *map, const char *what, struct ld_site site);

/* ld_report.c: building, storing and emitting reports */
struct ld_buf {
	char *p;
	size_t len, cap;
};
void ld_bprintf(struct ld_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *ld_base(const char *file);
struct ld_report *ld_report_new(const char *kind, const char *title);
void ld_report_class(struct ld_report *r, const char *name);
void ld_report_chain(struct ld_report *r, const char *name);
void ld_report_site(struct ld_report *r, struct ld_site s);
void ld_report_thread(struct ld_report *r, const struct ld_thread *t);
struct ld_buf *ld_report_buf(struct ld_report *r);
bool ld_report_seen(struct ld_ctx *ctx, const char *kind, unsigned a, unsigned b, struct ld_site s)
	CALLER_HOLDS(ctx->lock);
void ld_report_add(struct ld_ctx *ctx, struct ld_report *r) CALLER_HOLDS(ctx->lock);
void ld_report_flush(struct ld_ctx *ctx, struct ld_thread *t);
void ld_report_free_all(struct ld_ctx *ctx);

/* ld_splat.c: the report kinds (called with ctx->lock held) */
void ld_put_usage(struct ld_buf *b, const struct ld_class *c);
void ld_put_lock(struct ld_buf *b, const struct ld_held *h);
void ld_put_held(struct ld_buf *b, const struct ld_thread *t);
void ld_splat_circular(struct ld_ctx *ctx, struct ld_thread *t, const struct ld_held *prev,
		       const struct ld_held *next, struct ld_edge *const *path, unsigned len)
	CALLER_HOLDS(ctx->lock);
void ld_splat_recursive(struct ld_ctx *ctx, struct ld_thread *t, const struct ld_held *prev,
			const struct ld_held *next, bool instance) CALLER_HOLDS(ctx->lock);
void ld_splat_order(struct ld_ctx *ctx, struct ld_thread *t, const struct ld_held *prev,
		    const struct ld_held *next) CALLER_HOLDS(ctx->lock);
void ld_splat_unlock(struct ld_ctx *ctx, struct ld_thread *t, struct ld_map *map,
		     struct ld_site site) CALLER_HOLDS(ctx->lock);
void ld_splat_freed(struct ld_ctx *ctx, struct ld_thread *t, struct ld_map *map,
		    struct ld_site site) CALLER_HOLDS(ctx->lock);
void ld_splat_exit(struct ld_ctx *ctx, struct ld_thread *t) CALLER_HOLDS(ctx->lock);
void ld_splat_misc(struct ld_ctx *ctx, struct ld_thread *t, const char *kind, const char *title,
		   struct ld_map *map, const char *what, struct ld_site site)
	CALLER_HOLDS(ctx->lock);

#endif
