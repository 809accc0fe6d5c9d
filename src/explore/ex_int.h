/* SPDX-License-Identifier: MIT */
/*
 * ex_int.h - inside the explorer: one execution under the controlled
 * scheduler, its steps and their footprints (docs/explorer.md).
 *
 * DESIGN. An execution (struct ex_exec) boots a host, brings it to the
 * initial state, starts one thread per operation (plus, with a guest, a
 * thread playing QEMU's request handler) and parks each at its start.
 * From then on exactly one thread runs: the explorer posts the chosen
 * thread's semaphore and waits on its own until that thread reaches its
 * next scheduling point (a non-leaf lock acquisition, a trylock, a wait)
 * or finishes. What the thread did in between is one step; the step's
 * footprint lists every object it touched: the lock it started by
 * acquiring, the locks it released, leaf locks taken and released inside
 * (their acquisitions are not scheduling points: a leaf is never held
 * while blocking, so it is always free at a scheduling point), wait-queue
 * wake-ups and the annotated unlocked accesses. Two steps of different
 * threads are dependent when their footprints touch one object and one of
 * them writes it; the search reorders only dependent steps.
 *
 * Enabledness is read from the real lock state (a kmutex's owner flag, a
 * krwsem's counters, a kwaitq's wake-up count) while every simulated
 * thread is parked. A parked writer of a krwsem that cannot enter counts
 * as queued: new readers wait behind it, as in the kernel.
 */
#ifndef VAS_EX_INT_H
#define VAS_EX_INT_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>

#include "explore/explore.h"
#include "kernel/eventfd.h"
#include "lockdep/lockdep.h"
#include "lockdep/sched.h"

#define EX_MAX_THREADS (EX_MAX_OPS + 1)
#define EX_START 100 /* a thread's first scheduling point */
#define EX_DONE 101  /* a finished thread */

/* Footprint entry modes. */
#define EX_FP_W 1u   /* writes the object (else reads it) */
#define EX_FP_ACQ 2u /* the acquisition a step starts with */
#define EX_FP_REL 4u /* a release of a (non-leaf) lock */

/*
 * What a footprint entry names: an address inside a registered kernel
 * object as (the object's number in order of creation) << 32 | offset, so
 * that the same object has the same key in every execution whose prefix
 * created it; an address outside every object as itself with bit 63 set.
 */
typedef uint64_t ex_key;
#define EX_KEY_RAW (1ULL << 63)

struct ex_fp {
	ex_key obj;
	unsigned mode;
};

/* A registered kernel object (ld_sched_object): [base, end), its number. */
struct ex_obj {
	uintptr_t base, end;
	uint32_t id;
};

struct ex_pending {
	int op; /* enum ld_sched_op, EX_START or EX_DONE */
	void *obj;
	unsigned long long ticket; /* LD_SCHED_WAIT */
	const char *what;	   /* class or wait-queue name ("" for start/done) */
};

struct ex_exec;

struct ex_thread {
	struct ex_exec *x;
	unsigned idx;
	int kind;    /* operation kind, or -1 for QEMU's request handler */
	bool daemon; /* need not finish: the execution ends without it */
	pthread_t tid;
	bool started;
	sem_t go;
	sem_t gone;		/* posted by the thread when it no longer touches the execution */
	struct ex_pending pend; /* written by the thread before it parks */
	bool done;
	bool timed_out; /* its timed wait was let go by a timeout */
	long result;	/* byte count or -errno */
	int held_at_exit;
	char *held_text; /* malloc'd, when held_at_exit */
	unsigned long long seen_requests;
	char label[16];
};

#define EX_WHAT_LEN 64

struct ex_step {
	unsigned thread;
	unsigned enabled; /* the threads that could run at the decision */
	int op;		  /* the action the step began with */
	char what[EX_WHAT_LEN];
	unsigned fp_off, fp_n;
	bool fp_all; /* footprint overflowed: conflicts with everything */
	bool preempt;
};

/*
 * Picks the thread to run at a scheduling point: called with the baton
 * (by the thread that just parked, or by the explorer at the start), k the
 * number of steps so far, en the enabled threads (never 0). Returns a
 * thread of en.
 */
typedef int (*ex_pick_fn)(void *arg, struct ex_exec *x, unsigned k, unsigned en);

enum ex_end { EX_RUNNING, EX_FINISHED, EX_DEADLOCKED, EX_STALLED };

/* Scheduling steps after which an execution counts as never ending. */
#define EX_MAX_STEPS 20000

struct ex_exec {
	const struct ex_opts *o;
	ex_pick_fn pick;
	void *pick_arg;
	enum ex_end end;
	bool spawning; /* threads park at their start without a decision */
	unsigned only; /* while setting up: only these threads may run */
	struct sim *sim;
	struct sysfs *fs;
	struct ld_ctx *ld;
	unsigned nthreads;
	struct ex_thread th[EX_MAX_THREADS];
	sem_t back;
	int cur; /* the thread running a step, -1 */
	bool recording;
	bool stopping;		 /* QEMU's handler may end */
	struct keventfd req_efd; /* QEMU's request eventfd (registered with mdev A) */
	char *setup_error;	 /* malloc'd: a leaf lock found held, a thread's failure */
	struct ex_step *steps;
	unsigned nsteps, cap_steps;
	struct ex_fp *fp;
	unsigned nfp, cap_fp;
	unsigned last;	     /* thread of the last recorded step */
	uint64_t events;     /* hash of the event stream */
	struct ex_obj *objs; /* registered objects, by base address */
	unsigned nobjs, cap_objs;
	uint32_t next_id;
	unsigned long long raw_keys; /* footprint entries outside every object */
};

/* exec.c */
/*
 * Boots the host into the initial state and installs the scheduler's
 * hooks; no thread runs yet. An exploration boots once; every execution
 * forks from that state (search.c).
 */
int ex_exec_boot(struct ex_exec *x, const struct ex_opts *o, char *err, size_t errlen);
/* In the execution's process: the threads, parked at their start; QEMU's settles first. */
int ex_exec_spawn(struct ex_exec *x, char *err, size_t errlen);
/* Frees a booted host that ran no execution. */
void ex_exec_discard(struct ex_exec *x);
/* The footprint key of an address (see ex_key). */
ex_key ex_exec_key(struct ex_exec *x, const void *addr);
unsigned ex_exec_enabled(const struct ex_exec *x); /* bit i: thread i may run */
bool ex_exec_finished(const struct ex_exec *x);	   /* every non-daemon thread done */
/*
 * Runs the execution with pick deciding every scheduling point until it
 * ends: x->end is EX_FINISHED (every operation returned, nothing enabled)
 * or EX_DEADLOCKED.
 */
void ex_exec_run(struct ex_exec *x, ex_pick_fn pick, void *arg);
/* After the last operation: lets QEMU's handler end. */
void ex_exec_wind_down(struct ex_exec *x);
/* Host checks after a completed execution; frees the host. Fills out. */
struct ex_outcome;
void ex_exec_finish(struct ex_exec *x, struct ex_outcome *out);
/* The recorded steps and footprints (after the search has used them). */
void ex_exec_free_trace(struct ex_exec *x);
bool ex_fp_conflict(const struct ex_fp *a, unsigned na, bool alla, const struct ex_fp *b,
		    unsigned nb, bool allb);
const char *ex_action_name(int op);

/* ops.c: the operations and the initial states */
struct sim_config;
void ex_boot_config(struct sim_config *cfg);
int ex_setup_state(struct ex_exec *x, enum ex_state state, char *err, size_t errlen);
long ex_op_run(struct ex_exec *x, struct ex_thread *t);
void ex_qemu_run(struct ex_exec *x, struct ex_thread *t);
struct ap_matrix_mdev;
struct ap_matrix_mdev *ex_mdev_a(struct ex_exec *x);

/* report.c */
char *ex_deadlock_report(struct ex_exec *x);
char *ex_schedule_text(const struct ex_exec *x);
char *ex_replay_string(const struct ex_exec *x, const struct ex_opts *o);
/* The parsed schedule of a replay string: thread and action name per step. */
struct ex_sched_entry {
	unsigned thread;
	char what[64];
};
int ex_replay_schedule(const char *s, struct ex_sched_entry **out, unsigned *n);

/* outcome.c */
struct ex_outcome {
	long results[EX_MAX_OPS];
	uint64_t digest;
	char *state; /* malloc'd canonical dump */
	enum ex_kind kind;
	char *detail; /* malloc'd: validator report, check report, leak report */
};
void ex_outcome_capture(struct ex_exec *x, struct ex_outcome *out);
void ex_outcome_free(struct ex_outcome *out);
bool ex_outcome_same(const struct ex_outcome *a, const struct ex_outcome *b, unsigned nops);

/* known.c: the explained finding a failing outcome is, or -1 (diff: "  + "/"  - " lines) */
int ex_known_match(const struct ex_opts *o, enum ex_kind kind, const long *results,
		   const char *diff);

/* A growing string (report.c): ex_put appends printf output; p is malloc'd, NUL-terminated once
 * anything was put. */
struct ex_text {
	char *p;
	size_t len, cap;
};
void ex_put(struct ex_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
