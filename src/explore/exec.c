/* SPDX-License-Identifier: MIT */
/*
 * exec.c - one execution under the controlled scheduler (see ex_int.h).
 *
 * The scheduler hooks run in the simulated threads. A hook decides whether
 * the calling thread is one of this execution's (its pthread id) and, for
 * a scheduling point, records what the thread is about to do, hands the
 * baton back to the explorer and sleeps on its own semaphore until the
 * explorer picks it again. Leaf locks (declared innermost, never held
 * across a scheduling point) only add to the running step's footprint.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/ex_int.h"
#include "sim/sim.h"
#include "sysfs/sysfs.h"

#define EX_FP_CAP_STEP 256 /* footprint entries of one step before it counts as "everything" */

/*
 * Leaf lock classes: innermost in every variant's declared order, never
 * held while the holder blocks. The kernel log's order is no part of an
 * outcome, so its lock adds nothing to a footprint (design assumption,
 * docs/explorer.md).
 */
static const struct {
	const char *name;
	bool ignore;
} leaves[] = {
	/* these three order only through the annotated accesses to what they guard */
	{ "ap_queues_lock", true },
	{ "&ap_hw->lock", true },
	{ "&sysfs->tree_lock", true },
	{ "&klog->lock", true },
	{ "&kvm->res_lock", false },
	{ "&sim->guests_reg_lock", false },
	/* the uevent emitter and the trace: the order of events is no part of an outcome */
	{ "uevent_sock_mutex", true },
	{ "&sim->trace_lock", true },
	{ "kvm_lock", false },
};

static int leaf_of(const struct ld_map *map)
{
	if (!map || !map->name)
		return -1;
	for (unsigned i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		if (!strcmp(map->name, leaves[i].name))
			return (int)i;
	return -1;
}

static struct ex_thread *self_of(struct ex_exec *x)
{
	pthread_t me = pthread_self();

	for (unsigned i = 0; i < x->nthreads; i++)
		if (x->th[i].started && pthread_equal(x->th[i].tid, me))
			return &x->th[i];
	return NULL;
}

/* --- object registry ------------------------------------------------------ */

/* Index of the last object whose base is <= a, or -1. */
static int obj_find(const struct ex_exec *x, uintptr_t a)
{
	int lo = 0, hi = (int)x->nobjs - 1, found = -1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (x->objs[mid].base <= a) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

static void obj_add(struct ex_exec *x, const void *obj, size_t size)
{
	uintptr_t base = (uintptr_t)obj;
	int at = obj_find(x, base);

	if (at >= 0 && x->objs[at].base == base) { /* freed without a word: a new object */
		x->objs[at] = (struct ex_obj){ base, base + size, ++x->next_id };
		return;
	}
	if (x->nobjs == x->cap_objs) {
		x->cap_objs = x->cap_objs ? 2 * x->cap_objs : 512;
		x->objs = realloc(x->objs, x->cap_objs * sizeof(*x->objs));
		if (!x->objs)
			abort();
	}
	at++;
	memmove(&x->objs[at + 1], &x->objs[at], (x->nobjs - (unsigned)at) * sizeof(*x->objs));
	x->objs[at] = (struct ex_obj){ base, base + size, ++x->next_id };
	x->nobjs++;
}

static void obj_del(struct ex_exec *x, const void *obj)
{
	int at = obj_find(x, (uintptr_t)obj);

	if (at < 0 || x->objs[at].base != (uintptr_t)obj)
		return;
	memmove(&x->objs[at], &x->objs[at + 1], (x->nobjs - (unsigned)at - 1) * sizeof(*x->objs));
	x->nobjs--;
}

ex_key ex_exec_key(struct ex_exec *x, const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	int at = obj_find(x, a);

	if (at >= 0 && a < x->objs[at].end)
		return (ex_key)x->objs[at].id << 32 | (ex_key)(a - x->objs[at].base);
	x->raw_keys++;
	return (ex_key)a | EX_KEY_RAW;
}

/* --- footprints ------------------------------------------------------------ */

static void fp_add(struct ex_exec *x, const void *addr, unsigned mode)
{
	struct ex_step *s;
	ex_key obj;

	if (!x->recording || !x->nsteps)
		return;
	obj = ex_exec_key(x, addr);
	s = &x->steps[x->nsteps - 1];
	if (s->fp_all)
		return;
	for (unsigned i = s->fp_off; i < x->nfp; i++) {
		if (x->fp[i].obj == obj) {
			x->fp[i].mode |= mode;
			return;
		}
	}
	if (x->nfp - s->fp_off >= EX_FP_CAP_STEP) {
		s->fp_all = true;
		return;
	}
	if (x->nfp == x->cap_fp) {
		x->cap_fp = x->cap_fp ? 2 * x->cap_fp : 1024;
		x->fp = realloc(x->fp, x->cap_fp * sizeof(*x->fp));
		if (!x->fp)
			abort();
	}
	x->fp[x->nfp++] = (struct ex_fp){ obj, mode };
	s->fp_n = x->nfp - s->fp_off;
}

/* A writer's queue position of a krwsem: its own object for footprints. */
static const void *queue_of(const void *rwsem)
{
	return (const char *)rwsem + 1;
}

static void setup_fail(struct ex_exec *x, const char *what, const char *name)
{
	if (!x->setup_error && asprintf(&x->setup_error, "%s: %s", what, name ? name : "?") < 0)
		x->setup_error = NULL;
}

static void begin_step(struct ex_exec *x, unsigned i, unsigned en);
static bool thread_enabled(const struct ex_exec *x, unsigned i);

/*
 * Decides who runs next, with the baton held: -1 when the execution is
 * over (x->end says how), else the chosen thread, whose step is begun.
 */
static int decide(struct ex_exec *x)
{
	unsigned en = ex_exec_enabled(x);
	int t;

	if (!en) {
		x->end = ex_exec_finished(x) || x->only ? EX_FINISHED : EX_DEADLOCKED;
		return -1;
	}
	if (x->nsteps >= EX_MAX_STEPS) {
		x->end = EX_STALLED;
		return -1;
	}
	t = x->pick(x->pick_arg, x, x->nsteps, en);
	if (t < 0 || !((en >> t) & 1))
		t = __builtin_ctz(en);
	x->th[t].timed_out =
		x->th[t].pend.op == LD_SCHED_WAIT_TIMED && !thread_enabled(x, (unsigned)t);
	begin_step(x, (unsigned)t, en);
	return t;
}

/* With the baton: decide, then go on (me chosen) or pass it and sleep. */
static void handoff(struct ex_exec *x, struct ex_thread *me)
{
	int next = decide(x);

	if (me && next == (int)me->idx)
		return;
	if (next >= 0)
		sem_post(&x->th[next].go);
	else
		sem_post(&x->back);
	if (me && !me->done)
		while (sem_wait(&me->go) && errno == EINTR)
			;
}

/* A scheduling point of thread t (or its end): record, then hand off. */
static void park(struct ex_thread *t, int op, void *obj, unsigned long long ticket,
		 const char *what)
{
	struct ex_exec *x = t->x;

	t->pend = (struct ex_pending){ op, obj, ticket, what ? what : "" };
	if (op == LD_SCHED_DOWN_WRITE)
		fp_add(x, queue_of(obj), EX_FP_W); /* arriving, it queues ahead of new readers */
	if (op == EX_DONE)
		t->done = true;
	if (x->spawning) {
		sem_post(&x->back);
		while (sem_wait(&t->go) && errno == EINTR)
			;
		return;
	}
	handoff(x, t);
}

static enum ld_sched_verdict hook_point(void *arg, enum ld_sched_op op, void *obj,
					const struct ld_map *map, unsigned long long ticket)
{
	struct ex_exec *x = arg;
	struct ex_thread *t = self_of(x);
	bool wait = op == LD_SCHED_WAIT || op == LD_SCHED_WAIT_TIMED;
	int leaf;

	if (!t)
		return LD_SCHED_NOT_MINE;
	if (op == LD_SCHED_SLEEP) { /* a point with nothing to touch: obj is its name */
		park(t, op, NULL, 0, obj);
		return LD_SCHED_GO;
	}
	leaf = wait ? -1 : leaf_of(map);
	if (leaf >= 0) {
		bool read = op == LD_SCHED_DOWN_READ || op == LD_SCHED_DOWN_READ_RECURSIVE ||
			    op == LD_SCHED_DOWN_READ_TRY;

		if (op == LD_SCHED_LOCK &&
		    __atomic_load_n(&((struct kmutex *)obj)->owned, __ATOMIC_RELAXED))
			setup_fail(x, "a leaf lock was held at another thread's acquisition",
				   map->name);
		if (!leaves[leaf].ignore)
			fp_add(x, obj, read ? 0 : EX_FP_W);
		return LD_SCHED_GO;
	}
	park(t, op, obj, ticket, wait ? ((struct kwaitq *)obj)->name : map->name);
	return t->timed_out ? LD_SCHED_TIMED_OUT : LD_SCHED_GO;
}

static void hook_release(void *arg, void *obj, bool write)
{
	struct ex_exec *x = arg;

	if (self_of(x))
		fp_add(x, obj, EX_FP_REL | (write ? EX_FP_W : 0));
}

static void hook_wake(void *arg, struct kwaitq *w)
{
	struct ex_exec *x = arg;

	if (self_of(x))
		fp_add(x, w, EX_FP_W);
}

static void hook_access(void *arg, const void *obj, bool write)
{
	struct ex_exec *x = arg;

	if (self_of(x))
		fp_add(x, obj, write ? EX_FP_W : 0);
}

/* Any thread (the explorer's own during boot and teardown): one runs at a time. */
static void hook_object(void *arg, const void *obj, size_t size, bool gone)
{
	struct ex_exec *x = arg;

	if (gone)
		obj_del(x, obj);
	else
		obj_add(x, obj, size);
}

static const struct ld_sched_ops ex_hooks = {
	.point = hook_point,
	.release = hook_release,
	.wake = hook_wake,
	.access = hook_access,
	.object = hook_object,
};

static void *thread_main(void *arg)
{
	struct ex_thread *t = arg;
	struct ex_exec *x = t->x;

	pthread_setname_np(pthread_self(), t->label);
	park(t, EX_START, NULL, 0, "start");
	if (t->daemon) {
		ex_qemu_run(x, t);
	} else {
		t->result = ex_op_run(x, t);
		t->held_at_exit = ld_held_count(x->ld);
		if (t->held_at_exit)
			t->held_text = ld_held_dump_thread(x->ld, pthread_self());
	}
	ld_thread_exit(x->ld);
	park(t, EX_DONE, NULL, 0, "done");
	/*
	 * Detached: the thread of a deadlocked execution never gets here and
	 * is never waited for; a finished one says so instead of being joined.
	 */
	sem_post(&t->gone);
	return NULL;
}

static int spawn(struct ex_exec *x, int kind, bool daemon)
{
	struct ex_thread *t = &x->th[x->nthreads];
	pthread_attr_t attr;
	int rc;

	t->x = x;
	t->idx = x->nthreads;
	t->kind = kind;
	t->daemon = daemon;
	snprintf(t->label, sizeof(t->label), "%s", daemon ? "qemu" : ex_op_name(kind));
	sem_init(&t->go, 0, 0);
	sem_init(&t->gone, 0, 0);
	x->nthreads++;
	x->spawning = true;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1u << 20);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t->tid, &attr, thread_main, t);
	pthread_attr_destroy(&attr);
	if (rc)
		return -1;
	t->started = true;
	while (sem_wait(&x->back) && errno == EINTR)
		;
	x->spawning = false;
	return 0;
}

static int pick_lowest(void *arg, struct ex_exec *x, unsigned k, unsigned en)
{
	(void)arg;
	(void)x;
	(void)k;
	return __builtin_ctz(en);
}

void ex_exec_run(struct ex_exec *x, ex_pick_fn pick, void *arg)
{
	int next;

	x->pick = pick;
	x->pick_arg = arg;
	x->end = EX_RUNNING;
	next = decide(x);
	if (next < 0)
		return;
	sem_post(&x->th[next].go);
	while (sem_wait(&x->back) && errno == EINTR)
		;
}

int ex_exec_boot(struct ex_exec *x, const struct ex_opts *o, char *err, size_t errlen)
{
	struct sim_config cfg;

	memset(x, 0, sizeof(*x));
	x->o = o;
	x->cur = -1;
	obj_add(x, x, sizeof(*x)); /* QEMU's eventfd */
	ex_boot_config(&cfg);
	/* the hooks from the start: every kernel object the boot creates is registered */
	x->sim = sim_new_ops(&cfg, o->lops, &ex_hooks, x, err, errlen);
	if (!x->sim)
		return -1;
	x->fs = sim_sysfs(x->sim);
	x->ld = sim_lockdep(x->sim);
	keventfd_init(&x->req_efd, x->ld, "qemu's request eventfd");
	if (ex_setup_state(x, o->state, err, errlen)) {
		ex_exec_discard(x);
		return -1;
	}
	/* the threads' names, for reports made from a trace alone */
	for (unsigned i = 0; i <= o->nops; i++)
		snprintf(x->th[i].label, sizeof(x->th[i].label), "%s",
			 i < o->nops ? ex_op_name(o->ops[i]) : "qemu");
	x->nthreads = o->nops + 1;
	return 0;
}

int ex_exec_spawn(struct ex_exec *x, char *err, size_t errlen)
{
	unsigned nops = x->o->nops;

	x->nthreads = 0;
	sem_init(&x->back, 0, 0);
	for (unsigned i = 0; i < nops; i++)
		if (spawn(x, x->o->ops[i], false)) {
			snprintf(err, errlen, "cannot start a thread");
			return -1;
		}
	/* QEMU's request handler (after the operations) settles into its wait */
	if (spawn(x, -1, true)) {
		snprintf(err, errlen, "cannot start a thread");
		return -1;
	}
	x->only = 1u << nops;
	ex_exec_run(x, pick_lowest, NULL);
	x->only = 0;
	x->recording = true;
	x->end = EX_RUNNING;
	x->events = 1469598103934665603ULL;
	return 0;
}

void ex_exec_discard(struct ex_exec *x)
{
	if (!x->sim)
		return;
	ld_set_sched(x->ld, NULL, NULL);
	sim_free(x->sim, NULL, 0);
	x->sim = NULL;
	keventfd_destroy(&x->req_efd);
	free(x->objs);
	x->objs = NULL;
	x->nobjs = x->cap_objs = 0;
}

static bool rwsem_writer_queued(const struct ex_exec *x, const struct krwsem *s, unsigned except)
{
	for (unsigned i = 0; i < x->nthreads; i++) {
		const struct ex_thread *u = &x->th[i];

		if (i != except && !u->done && u->pend.op == LD_SCHED_DOWN_WRITE &&
		    u->pend.obj == s && (s->writer || s->readers))
			return true;
	}
	return false;
}

static bool thread_enabled(const struct ex_exec *x, unsigned i)
{
	const struct ex_thread *t = &x->th[i];
	const struct kmutex *m = t->pend.obj;
	const struct krwsem *s = t->pend.obj;
	const struct kwaitq *w = t->pend.obj;

	if (t->done)
		return false;
	switch (t->pend.op) {
	case LD_SCHED_LOCK:
		return !__atomic_load_n(&m->owned, __ATOMIC_RELAXED);
	case LD_SCHED_DOWN_READ:
		return !s->writer && !s->writers_waiting && !rwsem_writer_queued(x, s, i);
	case LD_SCHED_DOWN_READ_RECURSIVE:
		return !s->writer;
	case LD_SCHED_DOWN_WRITE:
		return !s->writer && !s->readers;
	case LD_SCHED_WAIT:
	case LD_SCHED_WAIT_TIMED: /* a timeout is in ex_exec_enabled */
		return __atomic_load_n(&w->seq, __ATOMIC_RELAXED) != t->pend.ticket;
	default: /* start, trylocks */
		return true;
	}
}

unsigned ex_exec_enabled(const struct ex_exec *x)
{
	unsigned mask = 0;

	for (unsigned i = 0; i < x->nthreads; i++)
		if (thread_enabled(x, i))
			mask |= 1u << i;
	if (x->only)
		mask &= x->only;
	/* time passes only while nothing else can run: then timed waits expire */
	for (unsigned i = 0; !mask && i < x->nthreads; i++)
		if (!x->th[i].done && x->th[i].pend.op == LD_SCHED_WAIT_TIMED &&
		    (!x->only || ((x->only >> i) & 1)))
			mask |= 1u << i;
	return mask;
}

bool ex_exec_finished(const struct ex_exec *x)
{
	for (unsigned i = 0; i < x->nthreads; i++)
		if (!x->th[i].daemon && !x->th[i].done)
			return false;
	return true;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void begin_step(struct ex_exec *x, unsigned i, unsigned en)
{
	struct ex_thread *t = &x->th[i];
	const struct ex_pending p = t->pend;
	struct ex_step *s;
	bool read = p.op == LD_SCHED_DOWN_READ || p.op == LD_SCHED_DOWN_READ_RECURSIVE ||
		    p.op == LD_SCHED_DOWN_READ_TRY;

	if (!x->recording)
		return;
	if (x->nsteps == x->cap_steps) {
		x->cap_steps = x->cap_steps ? 2 * x->cap_steps : 256;
		x->steps = realloc(x->steps, x->cap_steps * sizeof(*x->steps));
		if (!x->steps)
			abort();
	}
	s = &x->steps[x->nsteps++];
	*s = (struct ex_step){ .thread = i, .enabled = en, .op = p.op, .fp_off = x->nfp };
	snprintf(s->what, sizeof(s->what), "%s", p.what);
	s->preempt = x->nsteps > 1 && x->last != i && thread_enabled(x, x->last);
	if (p.op == LD_SCHED_WAIT || p.op == LD_SCHED_WAIT_TIMED)
		fp_add(x, p.obj, 0);
	else if (p.obj)
		fp_add(x, p.obj, EX_FP_ACQ | (read ? 0 : EX_FP_W));
	if (read && p.obj)
		fp_add(x, queue_of(p.obj), 0);
	x->events = hash_str((x->events ^ (i + 1)) * 1099511628211ULL, p.what);
	x->last = i;
}

void ex_exec_wind_down(struct ex_exec *x)
{
	x->stopping = true;
	kwake_up(&x->req_efd.wq);
	ex_exec_run(x, pick_lowest, NULL);
}

bool ex_fp_conflict(const struct ex_fp *a, unsigned na, bool alla, const struct ex_fp *b,
		    unsigned nb, bool allb)
{
	if ((alla && nb) || (allb && na) || (alla && allb))
		return true;
	for (unsigned i = 0; i < na; i++)
		for (unsigned j = 0; j < nb; j++)
			if (a[i].obj == b[j].obj && ((a[i].mode | b[j].mode) & EX_FP_W))
				return true;
	return false;
}

const char *ex_action_name(int op)
{
	switch (op) {
	case EX_START:
		return "start";
	case EX_DONE:
		return "done";
	case LD_SCHED_LOCK:
		return "lock";
	case LD_SCHED_TRYLOCK:
		return "trylock";
	case LD_SCHED_DOWN_READ:
	case LD_SCHED_DOWN_READ_RECURSIVE:
		return "down_read";
	case LD_SCHED_DOWN_WRITE:
		return "down_write";
	case LD_SCHED_DOWN_READ_TRY:
		return "down_read_trylock";
	case LD_SCHED_DOWN_WRITE_TRY:
		return "down_write_trylock";
	case LD_SCHED_WAIT:
	case LD_SCHED_WAIT_TIMED:
		return "wait";
	case LD_SCHED_SLEEP:
		return "sleep";
	default:
		return "?";
	}
}
