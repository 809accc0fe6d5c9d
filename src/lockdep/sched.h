/* SPDX-License-Identifier: MIT */
/*
 * sched.h - scheduling points: where a controlled scheduler (the deadlock
 * explorer, docs/explorer.md) may take over, and the wait queue every
 * blocking wait of the modelled kernel goes through.
 *
 * Every place where a thread of the simulated system can block or where
 * the order of two threads matters is a call into this layer: lock
 * acquisitions and releases (the kmutex / krwsem wrappers call the hooks
 * themselves), waits on a struct kwaitq, and the few unlocked accesses to
 * shared state (ld_sched_access). Without a scheduler installed in the
 * validator context each hook is one load and one branch.
 *
 * A scheduler (struct ld_sched_ops) installed with ld_set_sched() sees:
 *   point    before a thread acquires a lock, tries one, waits, or
 *            sleeps: the scheduler returns when the thread may go on
 *            (exactly one thread of the simulated system runs at a time);
 *   release  after a lock was released (not a scheduling point);
 *   wake     after a kwake_up();
 *   access   an unlocked read or write of shared state;
 *   object   a kernel object came into being or went away (its memory):
 *            a scheduler that compares what threads touch across runs
 *            names an address by the object it lies in, not by where the
 *            allocator happened to put it.
 * The scheduler decides which threads it controls; it must return at once
 * for any other thread.
 *
 * struct kwaitq: wait for a condition other threads make true and announce
 * with kwake_up(). A waiter takes a ticket, evaluates its condition, and if
 * false waits for a wake-up newer than the ticket, so no wake-up is lost:
 *
 *	kwait_event(&wq, cond)     waits until cond (re-evaluated after each
 *	                           wake-up) is true
 *	kwake_up(&wq)              after making some waiter's cond true
 */
#ifndef VAS_LOCKDEP_SCHED_H
#define VAS_LOCKDEP_SCHED_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct ld_ctx;
struct ld_map;

enum ld_sched_op {
	LD_SCHED_LOCK,		      /* kmutex_lock: blocks while the mutex is held */
	LD_SCHED_TRYLOCK,	      /* kmutex_trylock: never blocks */
	LD_SCHED_DOWN_READ,	      /* blocks while a writer holds it or waits for it */
	LD_SCHED_DOWN_READ_RECURSIVE, /* blocks while a writer holds it */
	LD_SCHED_DOWN_WRITE,	      /* blocks while it is held */
	LD_SCHED_DOWN_READ_TRY,	      /* never blocks */
	LD_SCHED_DOWN_WRITE_TRY,      /* never blocks */
	LD_SCHED_WAIT,		      /* kwaitq: blocks until a wake-up newer than the ticket */
	LD_SCHED_WAIT_TIMED,	      /* the same, or until its timeout passes */
	LD_SCHED_SLEEP,		      /* a sleep that holds locks: others may run; never blocks */
};

/* What a scheduler's point() answers. */
enum ld_sched_verdict {
	LD_SCHED_NOT_MINE = 0, /* not a controlled thread: proceed as without a scheduler */
	LD_SCHED_GO,	       /* proceed */
	LD_SCHED_TIMED_OUT,    /* a timed wait: proceed as if its timeout passed */
};

struct kwaitq;

struct ld_sched_ops {
	/*
	 * obj: the struct kmutex, struct krwsem or struct kwaitq; map: its
	 * validator view (NULL for a wait). Returns LD_SCHED_NOT_MINE for a
	 * thread the scheduler does not control (it then proceeds as without
	 * one). A controlled scheduler lets a timed wait time out only when
	 * no other thread can run (time passes while everything waits).
	 */
	enum ld_sched_verdict (*point)(void *arg, enum ld_sched_op op, void *obj,
				       const struct ld_map *map, unsigned long long ticket);
	void (*release)(void *arg, void *obj, bool write);
	void (*wake)(void *arg, struct kwaitq *w);
	void (*access)(void *arg, const void *obj, bool write);
	void (*object)(void *arg, const void *obj, size_t size, bool gone);
};

/* Installs (ops != NULL) or removes a scheduler; call while no other thread uses ctx. */
void ld_set_sched(struct ld_ctx *ctx, const struct ld_sched_ops *ops, void *arg);
/* The installed scheduler's arg, or NULL. */
void *ld_sched_arg(struct ld_ctx *ctx);

/* Hooks (the lock wrappers call the first two). */
enum ld_sched_verdict ld_sched_point(struct ld_ctx *ctx, enum ld_sched_op op, void *obj,
				     const struct ld_map *map, unsigned long long ticket);
void ld_sched_release(struct ld_ctx *ctx, void *obj, bool write);
/*
 * An access to shared state that no lock orders (a racy read the kernel
 * also makes, or an atomic flag): tells a scheduler the two threads'
 * steps do not commute. obj names the state (its address).
 */
void ld_sched_access(struct ld_ctx *ctx, const void *obj, bool write);
/*
 * An allocated kernel object that holds locks, wait queues or state the
 * hooks name (call after allocating it), and its end (before freeing it).
 */
void ld_sched_object(struct ld_ctx *ctx, const void *obj, size_t size);
/*
 * Where the kernel sleeps for a while (msleep, flush_work) possibly holding
 * locks: other threads may run meanwhile. what names the sleep (static).
 */
void ld_sched_sleep(struct ld_ctx *ctx, const char *what);
void ld_sched_object_gone(struct ld_ctx *ctx, const void *obj);

/* --- wait queues --------------------------------------------------------- */

struct kwaitq {
	pthread_mutex_t m;
	pthread_cond_t cond;
	unsigned long long seq; /* wake-ups so far, guarded by m */
	struct ld_ctx *ctx;
	const char *name;
};

void kwaitq_init(struct kwaitq *w, struct ld_ctx *ctx, const char *name);
void kwaitq_destroy(struct kwaitq *w);
/* The ticket: wake-ups so far. Take it before evaluating the condition. */
unsigned long long kwaitq_ticket(struct kwaitq *w);
/*
 * Blocks until a wake-up newer than ticket, or until timeout_ms passed
 * (0: no timeout; a controlled scheduler never times out). 0 or -ETIMEDOUT.
 */
int kwaitq_wait(struct kwaitq *w, unsigned long long ticket, unsigned timeout_ms);
void kwake_up(struct kwaitq *w);

#define kwait_event(w, cond)                                               \
	do {                                                               \
		for (;;) {                                                 \
			unsigned long long kw_ticket__ = kwaitq_ticket(w); \
			if (cond)                                          \
				break;                                     \
			kwaitq_wait((w), kw_ticket__, 0);                  \
		}                                                          \
	} while (0)

#endif
