/* SPDX-License-Identifier: MIT */
/*
 * tort_int.h - inside the torture harness: the run context, the worker
 * threads and the operations vector.
 *
 * DESIGN. struct torture is the whole run. Each worker (struct tthread) has
 * its own PRNG, seeded from seed + thread index, so a seed and a thread
 * count fix every thread's sequence of operations. Counters are written by
 * their thread only and read by the others with relaxed atomics. The
 * harness's own locks:
 *   msg_lock    pthread mutex, harness-internal: guards the saved failure
 *               texts; never held while calling into the simulated system.
 *   mask_rwsem  a validated krwsem ("torture_mask_rwsem", unranked): mask
 *               writers hold it for read, the checker for write, so the
 *               checker never looks at a mask store between its commit and
 *               its binding revision (the kernel's own transient window).
 * Operations are a const table (ops.c) of { name, kind, weight, run }.
 */
#ifndef VAS_TORTURE_INT_H
#define VAS_TORTURE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "lockdep/lockdep.h"
#include "sim/sim.h"
#include "sysfs/sysfs.h"
#include "vfio_ap/vfio_ap_private.h"
#include "torture/torture.h"

#define T_MAX_OPS 40
#define T_NERR 136 /* errno histogram: 0 = success, 1..134 errnos, 135 = other */
#define T_MAX_POOL 8
#define T_MAX_THREADS 256

enum top_kind { TOP_ADMIN, TOP_GUEST, TOP_FAULT };

struct torture;
struct tthread;

struct torture_op {
	const char *name;
	enum top_kind kind;
	unsigned weight;
	bool mask_write; /* apmask/aqmask store: counted for the EBUSY comparison */
	/* performs one operation; returns 0 or a negative errno */
	int (*run)(struct torture *t, struct tthread *th);
};

extern const struct torture_op torture_ops[];
extern const unsigned torture_nr_ops;

typedef _Atomic unsigned long long tcount;

struct tthread {
	struct torture *t;
	pthread_t tid;
	unsigned idx; /* 0..threads-1 admins, then guests */
	bool guest;
	unsigned slot;	   /* guests: the mdev UUID index this guest uses */
	uint64_t rng;	   /* owned by the thread */
	uint64_t quota;	   /* ops to run (0 = until stopped) */
	char uuid_buf[40]; /* scratch, owned by the thread */
	tcount ops;
	tcount per_op[T_MAX_OPS];
	tcount err[T_MAX_OPS][T_NERR];
	_Atomic int cur_op; /* -1 idle */
	_Atomic uint64_t cur_arg;
	_Atomic uint64_t op_start_ns; /* 0 idle */
	atomic_bool done;
};

struct torture {
	struct torture_opts o;
	struct sim *sim;
	struct sysfs *fs;
	struct ld_ctx *ld;
	FILE *log;		      /* the human-readable log (stderr with --json) */
	FILE *out;		      /* the JSON summary */
	struct vfio_ap_lock_ops lops; /* the variant's table, hooked (watch.c) */
	const struct vfio_ap_lock_ops *variant_lops; /* the unhooked original */
	struct krwsem mask_rwsem;
	unsigned weight[T_MAX_OPS]; /* the table's weights after --weight */
	unsigned nthreads;
	struct tthread *th;
	char uuids[64][37];
	unsigned apids[T_MAX_POOL], napids;
	unsigned apqis[T_MAX_POOL], napqis;
	unsigned cdoms[T_MAX_POOL], ncdoms;
	uint64_t t0_ns;
	atomic_bool stop;
	atomic_bool watch_stop;
	atomic_uint inv_failures;
	atomic_uint checks;
	tcount spurious_ebusy;
	atomic_bool report_seen;
	pthread_mutex_t msg_lock;
	char first_failure[2048]; /* msg_lock */
};

/* ops.c: the admin operations */
#define ADMIN_OP(fn) int fn(struct torture *t, struct tthread *th)
ADMIN_OP(t_op_create);
ADMIN_OP(t_op_remove);
ADMIN_OP(t_op_assign_adapter);
ADMIN_OP(t_op_unassign_adapter);
ADMIN_OP(t_op_assign_domain);
ADMIN_OP(t_op_unassign_domain);
ADMIN_OP(t_op_assign_cdom);
ADMIN_OP(t_op_unassign_cdom);
ADMIN_OP(t_op_ap_config);
ADMIN_OP(t_op_apmask_abs);
ADMIN_OP(t_op_apmask_rel);
ADMIN_OP(t_op_aqmask_abs);
ADMIN_OP(t_op_aqmask_rel);
ADMIN_OP(t_op_bind_vfio);
ADMIN_OP(t_op_unbind_vfio);
ADMIN_OP(t_op_bind_cex4);
ADMIN_OP(t_op_unbind_cex4);
ADMIN_OP(t_op_card_config);
ADMIN_OP(t_op_host);
ADMIN_OP(t_op_scan);

/* ops.c, ops_guest.c */
uint64_t t_rand(uint64_t *s);
void t_run_thread_ops(struct tthread *th);
const char *t_errname(int e);

/* watch.c: hooks, coverage edges, checker and watchdog threads */
void t_install_hooks(struct torture *t);
void t_expect_edges(struct torture *t);
int t_start_watchers(struct torture *t, pthread_t *checker, pthread_t *watchdog);
void t_stop_watchers(struct torture *t, pthread_t checker, pthread_t watchdog);
void t_record_failure(struct torture *t, const char *what);
uint64_t t_now_ns(void);

/* stats.c */
void t_print_periodic(struct torture *t, double secs);
void t_progress(struct torture *t, double secs);
void t_summary(struct torture *t, double secs, struct torture_result *r, const char *cov,
	       const char *leaks, const char *reports);

#endif
