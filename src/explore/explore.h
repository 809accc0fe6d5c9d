/* SPDX-License-Identifier: MIT */
/*
 * explore.h - the deadlock explorer: systematic exploration of the
 * schedules of a few concurrent driver operations (docs/explorer.md).
 *
 * Each operation runs in its own thread against a freshly booted host.
 * A controlled scheduler (the hooks of lockdep/sched.h) lets exactly one
 * thread run at a time and decides at every scheduling point (a lock
 * acquisition, a wait) which thread goes on. The search enumerates the
 * schedules that matter: dynamic partial-order reduction with sleep sets
 * (complete for the operations given), a preemption-bounded search, or
 * randomized PCT runs. Every execution is checked for deadlock, validator
 * reports, threads that end holding locks, the host's consistency and
 * leaks, and serializability: the operations' results and the final
 * sysfs-visible state must be those of some serial order.
 *
 * The search of one exploration runs in the calling process; several
 * explorations (--all-pairs) run in child processes, so that the hosts
 * left behind by deadlocked executions die with their child.
 */
#ifndef VAS_EXPLORE_H
#define VAS_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct vfio_ap_lock_ops;

#define EX_MAX_OPS 4

enum ex_state {
	EX_DETACHED, /* mdev A (03.0005, control domain 1) without a guest */
	EX_ATTACHED, /* the same with a guest started on it (and QEMU's request handler) */
};

enum ex_mode {
	EX_MODE_DPOR,	 /* complete: partial-order reduction with sleep sets */
	EX_MODE_NAIVE,	 /* complete: every schedule (for the reduction factor) */
	EX_MODE_BOUNDED, /* every schedule with at most `bound` preemptions */
	EX_MODE_PCT,	 /* randomized: `runs` PCT executions of depth `depth` */
	EX_MODE_REPLAY,	 /* one execution following a replay string */
};

enum ex_kind {
	EX_OK = 0,
	EX_DEADLOCK,	 /* no thread can run, some have not finished */
	EX_STALL,	 /* the operations do not finish (EX_MAX_STEPS steps) */
	EX_NONSERIAL,	 /* results + final state of no serial order */
	EX_VALIDATOR,	 /* the lock validator reported */
	EX_HELD_AT_EXIT, /* an operation returned holding locks */
	EX_INCONSISTENT, /* the host's consistency check failed */
	EX_LEAK,	 /* shutdown found leaked objects or locks */
	EX_SETUP,	 /* the exploration itself could not run (bad replay, boot) */
};

struct ex_opts {
	const struct vfio_ap_lock_ops *lops; /* variant or mutant */
	enum ex_state state;
	unsigned nops;
	int ops[EX_MAX_OPS]; /* operation kinds (ex_op_lookup) */
	enum ex_mode mode;
	int bound;		      /* EX_MODE_BOUNDED */
	unsigned pct_depth, pct_runs; /* EX_MODE_PCT */
	uint64_t seed;		      /* EX_MODE_PCT */
	const char *replay;	      /* EX_MODE_REPLAY */
	unsigned long long max_execs; /* 0: no limit (else the result is incomplete) */
	bool minimize;		      /* after a finding: search for fewer preemptions */
	FILE *trace;		      /* replay: every scheduling decision, or NULL */
	/*
	 * The exploration's threads take turns, so they share one CPU: a
	 * hand-off is then a switch on that CPU, not a wake-up sent to another
	 * (three times faster on the machines measured). cpu >= 0 picks the
	 * cpu-th CPU the process may use (modulo their number), -1 the one it
	 * runs on now.
	 */
	int cpu;
};

struct ex_failure {
	enum ex_kind kind;
	unsigned preemptions, steps;
	char *replay;	 /* malloc'd */
	char *report;	 /* malloc'd, the human-readable report */
	char *schedule;	 /* malloc'd, compact list of the steps */
	uint64_t events; /* hash of the event stream (determinism) */
	int known;	 /* an explained finding (ex_known_name), or -1 */
};

struct ex_result {
	bool complete; /* every schedule in scope was covered */
	bool bounded;  /* the scope was a preemption bound */
	unsigned long long executions, sleep_blocked, steps;
	unsigned long long raw_keys; /* footprint addresses in no registered object (ex_key) */
	unsigned long long failures[EX_SETUP + 1]; /* unexplained failing executions */
	unsigned long long explained;		   /* executions with an explained finding */
	unsigned known_mask;			   /* which explained findings (bit = id) */
	unsigned outcomes;			   /* distinct outcomes seen */
	unsigned serial_outcomes;		   /* distinct outcomes of the serial orders */
	double seconds;
	struct ex_failure best; /* an unexplained finding if any, else an explained one */
	char *error;		/* EX_SETUP: why (malloc'd) */
};

/* Operation kinds: name -> index, or -1; the table (name, what it does). */
int ex_op_lookup(const char *name);
unsigned ex_op_count(void);
const char *ex_op_name(int kind);
const char *ex_op_help(int kind);
bool ex_op_needs_guest(int kind);
const char *ex_state_name(enum ex_state s);
int ex_state_parse(const char *name, enum ex_state *s);
const char *ex_kind_name(enum ex_kind k);

/*
 * Explained findings (docs/explorer.md §6): behaviour of the driver that no
 * serial order shows but that the kernel has by design. Ids 0..count-1.
 */
unsigned ex_known_count(void);
const char *ex_known_name(int id);
const char *ex_known_why(int id);
/* An exploration found something unexplained (or could not run). */
bool ex_result_failed(const struct ex_result *r);

/* Runs one exploration; fills r (free it with ex_result_free). 0, or -1 with r->error. */
int ex_explore(const struct ex_opts *o, struct ex_result *r);
void ex_result_free(struct ex_result *r);

/*
 * Parses a replay string into o (lops by variant name through the given
 * lookup, state, ops); the schedule part stays in o->replay. 0 or -EINVAL
 * with a reason in err.
 */
int ex_replay_parse(const char *s, struct ex_opts *o,
		    const struct vfio_ap_lock_ops *(*variant)(const char *name), char *err,
		    size_t errlen);

/* One row of the pair/triple table (ex_table). */
struct ex_row {
	int ops[EX_MAX_OPS];
	unsigned nops;
	enum ex_state state;
	struct ex_result r;
};

/*
 * Explores every unordered combination of n operation kinds (with
 * repetition; n = 2 pairs, 3 triples) in each of the given states, in up to
 * jobs child processes. Rows are returned in a malloc'd array (*rows, *nrows;
 * free with ex_rows_free). o gives the variant, mode and bound.
 */
int ex_table(const struct ex_opts *o, unsigned n, const enum ex_state *states, unsigned nstates,
	     unsigned jobs, struct ex_row **rows, size_t *nrows);
void ex_rows_free(struct ex_row *rows, size_t n);

/*
 * A locking table by name: the variants (merged, v18, v18-blocking) and the
 * mutants the explorer must catch (mutant-*, docs/explorer.md). NULL if none.
 */
const struct vfio_ap_lock_ops *ex_lops(const char *name);

#endif
