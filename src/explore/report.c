/* SPDX-License-Identifier: MIT */
/*
 * report.c - what the explorer says about an execution: the deadlock
 * report in the shape lockdep users read (each blocked thread's operation,
 * "N locks held by", the lock it waits for and who holds it, the lock
 * cycle), the schedule as a compact list, and the replay string.
 *
 * Replay string: ex1:VARIANT:STATE:OP+OP...:SCHEDULE, where SCHEDULE is a
 * ';'-separated list of runs "T:ACTION|ACTION..." (T the operation's
 * index, the QEMU thread after the operations; ACTION the lock class or
 * wait queue a step began with, "start" for a thread's first step; blanks
 * written as '~'). It names operations and lock classes only, never
 * addresses, so it survives a rebuild; a replay that meets a different
 * action stops and says where.
 */
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/ex_int.h"
#include "sim/sim.h"
#include "vfio_ap/vfio_ap_private.h"

void ex_put(struct ex_text *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->p && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
}

static char *done(struct ex_text *b)
{
	return b->p ? b->p : strdup("");
}

/* The thread of this execution holding lock obj (a kmutex), or -1. */
static int mutex_holder(const struct ex_exec *x, const struct kmutex *m)
{
	pthread_t owner;

	if (!__atomic_load_n(&m->owned, __ATOMIC_RELAXED))
		return -1;
	owner = __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < x->nthreads; i++)
		if (x->th[i].started && pthread_equal(x->th[i].tid, owner))
			return (int)i;
	return -1;
}

/* A thread holding class name (a krwsem read holder, or any lock), or -1. */
static int class_holder(struct ex_exec *x, const char *name, unsigned except)
{
	const char *names[48];

	for (unsigned i = 0; i < x->nthreads; i++) {
		int n;

		if (i == except || x->th[i].done || !x->th[i].started)
			continue;
		n = ld_held_classes(x->ld, x->th[i].tid, names, 48);
		for (int k = 0; k < n; k++)
			if (!strcmp(names[k], name))
				return (int)i;
	}
	return -1;
}

static int holder_of(struct ex_exec *x, unsigned i)
{
	const struct ex_pending *p = &x->th[i].pend;

	switch (p->op) {
	case LD_SCHED_LOCK:
		return mutex_holder(x, p->obj);
	case LD_SCHED_DOWN_READ:
	case LD_SCHED_DOWN_READ_RECURSIVE:
	case LD_SCHED_DOWN_WRITE: {
		const struct krwsem *s = p->obj;
		int h = -1;

		if (s->writer)
			for (unsigned k = 0; k < x->nthreads; k++)
				if (x->th[k].started && pthread_equal(x->th[k].tid, s->wowner))
					h = (int)k;
		if (h < 0)
			h = class_holder(x, p->what, i);
		if (h < 0) /* a queued writer blocks new readers */
			for (unsigned k = 0; k < x->nthreads; k++)
				if (k != i && !x->th[k].done &&
				    x->th[k].pend.op == LD_SCHED_DOWN_WRITE &&
				    x->th[k].pend.obj == p->obj)
					h = (int)k;
		return h;
	}
	default:
		return -1;
	}
}

char *ex_deadlock_report(struct ex_exec *x)
{
	struct ex_text b = { 0 };
	int waits[EX_MAX_THREADS];
	bool seen[EX_MAX_THREADS] = { false };

	{
		unsigned blocked = 0, n = 0;

		for (unsigned i = 0; i < x->nthreads; i++)
			if (!x->th[i].daemon) {
				n++;
				blocked += !x->th[i].done;
			}
		if (x->end == EX_STALLED)
			ex_put(&b,
			       "NO PROGRESS: after %u scheduling steps %u of %u operations have not "
			       "finished (they go on waiting and retrying)\n",
			       x->nsteps, blocked, n);
		else
			ex_put(&b, "DEADLOCK: %u of %u operations blocked, none can go on\n",
			       blocked, n);
	}
	ex_put(&b, "variant %s\n\n", sim_lops_name(x->sim));
	for (unsigned i = 0; i < x->nthreads; i++) {
		struct ex_thread *t = &x->th[i];
		char *held;

		waits[i] = -1;
		if (t->done)
			continue;
		held = ld_held_dump_thread(x->ld, t->tid);
		ex_put(&b, "T%u %s%s:\n", i, t->label,
		       t->daemon ? " (QEMU's request handler)" : "");
		ex_put(&b, "%s", *held ? held : "no locks held\n");
		free(held);
		waits[i] = holder_of(x, i);
		if (t->pend.op == LD_SCHED_WAIT)
			ex_put(&b, " waits for: wait queue \"%s\" (no wake-up can come)\n",
			       t->pend.what);
		else if (waits[i] >= 0)
			ex_put(&b, " waits for: %s (%s), held by T%d %s\n", t->pend.what,
			       ex_action_name(t->pend.op), waits[i], x->th[waits[i]].label);
		else
			ex_put(&b, " waits for: %s (%s)\n", t->pend.what,
			       ex_action_name(t->pend.op));
		ex_put(&b, "\n");
	}
	/* the cycle: follow "waits for a lock held by" from the first blocked thread */
	for (unsigned s = 0; s < x->nthreads; s++) {
		int cur = (int)s, len = 0, path[EX_MAX_THREADS + 1];

		if (waits[s] < 0)
			continue;
		memset(seen, 0, sizeof(seen));
		while (cur >= 0 && !seen[cur] && len <= EX_MAX_THREADS) {
			seen[cur] = true;
			path[len++] = cur;
			cur = waits[cur];
		}
		if (cur < 0 || cur != path[0])
			continue;
		ex_put(&b, "lock cycle:\n");
		for (int k = 0; k < len; k++)
			ex_put(&b, "  T%d %s holds what T%d waits for, and waits for %s\n", path[k],
			       x->th[path[k]].label, path[(k + len - 1) % len],
			       x->th[path[k]].pend.what);
		ex_put(&b, "  classes: ");
		for (int k = 0; k < len; k++)
			ex_put(&b, "%s -> ", x->th[path[k]].pend.what);
		ex_put(&b, "%s\n", x->th[path[0]].pend.what);
		break;
	}
	return done(&b);
}

char *ex_schedule_text(const struct ex_exec *x)
{
	struct ex_text b = { 0 };

	for (unsigned k = 0; k < x->nsteps; k++) {
		const struct ex_step *s = &x->steps[k];

		ex_put(&b, "%4u%s T%u %-16s %s%s%s\n", k + 1, s->preempt ? "*" : " ", s->thread,
		       x->th[s->thread].label, ex_action_name(s->op), s->op == EX_START ? "" : " ",
		       s->op == EX_START ? "" : s->what);
	}
	return done(&b);
}

static void put_name(struct ex_text *b, const char *s)
{
	for (; *s; s++)
		ex_put(b, "%c", *s == ' ' ? '~' : *s);
}

char *ex_replay_string(const struct ex_exec *x, const struct ex_opts *o)
{
	struct ex_text b = { 0 };
	unsigned k;

	ex_put(&b, "ex1:%s:%s:", o->lops->name, ex_state_name(o->state));
	for (unsigned i = 0; i < o->nops; i++)
		ex_put(&b, "%s%s", i ? "+" : "", ex_op_name(o->ops[i]));
	ex_put(&b, ":");
	for (k = 0; k < x->nsteps; k++) {
		const struct ex_step *s = &x->steps[k];

		if (k == 0 || s->thread != x->steps[k - 1].thread)
			ex_put(&b, "%s%u:", k ? ";" : "", s->thread);
		else
			ex_put(&b, "|");
		put_name(&b, s->op == EX_START ? "start" : s->what);
	}
	return done(&b);
}

int ex_replay_schedule(const char *s, struct ex_sched_entry **out, unsigned *n)
{
	struct ex_sched_entry *e = NULL;
	unsigned cap = 0, cnt = 0, thread = 0;
	const char *p = s;

	while (*p) {
		char *end;
		unsigned long t = strtoul(p, &end, 10);

		if (end == p || *end != ':')
			goto bad;
		thread = (unsigned)t;
		p = end + 1;
		for (;;) {
			size_t len = strcspn(p, "|;");

			if (!len || len >= sizeof(e->what))
				goto bad;
			if (cnt == cap) {
				cap = cap ? 2 * cap : 64;
				e = realloc(e, cap * sizeof(*e));
				if (!e)
					return -1;
			}
			e[cnt].thread = thread;
			for (size_t i = 0; i < len; i++)
				e[cnt].what[i] = p[i] == '~' ? ' ' : p[i];
			e[cnt].what[len] = '\0';
			cnt++;
			p += len;
			if (*p != '|')
				break;
			p++;
		}
		if (*p == ';')
			p++;
	}
	*out = e;
	*n = cnt;
	return 0;
bad:
	free(e);
	return -1;
}

int ex_replay_parse(const char *s, struct ex_opts *o,
		    const struct vfio_ap_lock_ops *(*variant)(const char *name), char *err,
		    size_t errlen)
{
	char field[4][128];
	const char *p = s;

	for (int i = 0; i < 4; i++) {
		size_t len = strcspn(p, ":");

		if (!p[len] || len >= sizeof(field[i])) {
			snprintf(err, errlen, "expected ex1:VARIANT:STATE:OPS:SCHEDULE");
			return -EINVAL;
		}
		memcpy(field[i], p, len);
		field[i][len] = '\0';
		p += len + 1;
	}
	if (strcmp(field[0], "ex1")) {
		snprintf(err, errlen, "not a replay string of this explorer (it starts with '%s')",
			 field[0]);
		return -EINVAL;
	}
	o->lops = variant(field[1]);
	if (!o->lops) {
		snprintf(err, errlen, "unknown variant '%s'", field[1]);
		return -EINVAL;
	}
	if (ex_state_parse(field[2], &o->state)) {
		snprintf(err, errlen, "unknown state '%s'", field[2]);
		return -EINVAL;
	}
	o->nops = 0;
	for (char *save = NULL, *w = strtok_r(field[3], "+", &save); w;
	     w = strtok_r(NULL, "+", &save)) {
		int k = ex_op_lookup(w);

		if (k < 0 || o->nops == EX_MAX_OPS) {
			snprintf(err, errlen, "bad operation '%s'", w);
			return -EINVAL;
		}
		o->ops[o->nops++] = k;
	}
	if (!o->nops) {
		snprintf(err, errlen, "no operations");
		return -EINVAL;
	}
	o->replay = p;
	o->mode = EX_MODE_REPLAY;
	return 0;
}
