/* SPDX-License-Identifier: MIT */
/*
 * search.c - which schedules to run (docs/explorer.md, "The search").
 *
 * The search is stateless: every execution boots a fresh host and replays
 * the chosen prefix of scheduling decisions, then goes on. The decisions
 * are kept as a stack of nodes (the state before step k): which threads
 * were enabled, which are still to be explored there (backtrack), which
 * were (done), which need not be (sleep, with the footprint of the step
 * they would take).
 *
 * DPOR (source sets with sleep sets): after each execution, every race is
 * found: two dependent steps of different threads that no third step
 * orders (vector clocks over the "dependent or same thread" relation). A
 * release of a lock and its next acquisition only order; the race there is
 * between the two acquisitions of the lock. For a race (i, j) the explorer
 * makes sure that one of the threads that could start the reversed order
 * (the initials of the steps after i that do not depend on i, then j) is
 * explored at the state before i. Sleep sets skip a thread whose step,
 * already explored from an earlier state, commutes with everything taken
 * since. Without a bound this covers every distinct ordering of dependent
 * steps, i.e. every outcome and every deadlock of the operations given.
 *
 * Bounded search: every schedule with at most N preemptions (switching
 * away from a thread that could have gone on), no reduction. Naive: every
 * schedule. PCT: random thread priorities with d-1 priority drops at random
 * steps, one execution per run. Replay: the decisions of a replay string.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explore/ex_int.h"

/*
 * A search stops early once it has a deadlock and this many failing
 * executions (nothing ranks higher; the minimization refines it), or after
 * MAX_FAILURES_ANY failing executions of any kind.
 */
#define MAX_FAILURES 16
#define MAX_FAILURES_ANY 4096

struct saved_fp {
	struct ex_fp *fp;
	unsigned n;
	bool all;
};

struct node {
	unsigned enabled, backtrack, done, sleep, chosen;
	struct saved_fp sl[EX_MAX_THREADS];	  /* sleeping threads' steps (borrowed) */
	struct saved_fp explored[EX_MAX_THREADS]; /* steps explored from here (owned) */
	unsigned preemptions;			  /* before this node */
	int last;				  /* thread of the step before this node */
};

struct pct {
	unsigned prio[EX_MAX_THREADS];
	unsigned change[16];
	unsigned nchange;
};

/*
 * A serial order: the operations one after the other, with QEMU's
 * reaction (the item nops) at one place among them: it runs there if the
 * driver has asked for the device by then, else when an operation waits
 * for it, else at the end.
 */
struct serial_pick {
	unsigned order[EX_MAX_OPS + 1];
	unsigned pos;
};

struct search {
	const struct ex_opts *o;
	struct ex_result *r;
	struct node *stack;
	unsigned depth, cap;
	struct ex_outcome *serial;
	unsigned nserial;
	struct ex_outcome *seen; /* distinct outcomes */
	unsigned nseen;
	uint64_t rng;
	struct ex_sched_entry *replay;
	unsigned nreplay;
	struct pct pct;
	struct serial_pick serial_pick;
	bool in_serial; /* running the serial orders: no serializability check */
	bool stop;
	unsigned serial_steps; /* the longest serial execution (PCT's first estimate) */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int lowest(unsigned mask)
{
	return mask ? __builtin_ctz(mask) : -1;
}

/* --- failures -------------------------------------------------------------- */

static void set_error(struct ex_result *r, const char *fmt, const char *arg)
{
	if (!r->error && asprintf(&r->error, fmt, arg) < 0)
		r->error = NULL;
}

static int rank(enum ex_kind k)
{
	return k == EX_DEADLOCK ? 2 : k == EX_STALL ? 1 : 0;
}

static void record_failure(struct search *s, struct ex_exec *x, enum ex_kind kind, int known,
			   char *report)
{
	struct ex_failure *b = &s->r->best;
	unsigned pre = 0;
	bool better;

	if (known >= 0) {
		s->r->explained++;
		s->r->known_mask |= 1u << known;
	} else {
		s->r->failures[kind]++;
	}
	for (unsigned k = 0; k < x->nsteps; k++)
		pre += x->steps[k].preempt;
	/*
	 * An unexplained finding outranks an explained one; a deadlock (then no
	 * progress) outranks other findings; then fewer preemptions, shorter.
	 */
	if (b->kind == EX_OK || (known < 0) != (b->known < 0))
		better = b->kind == EX_OK || known < 0;
	else
		better =
			rank(kind) > rank(b->kind) ||
			(rank(kind) == rank(b->kind) &&
			 (pre < b->preemptions || (pre == b->preemptions && x->nsteps < b->steps)));
	if (better) {
		free(b->report);
		free(b->replay);
		free(b->schedule);
		b->kind = kind;
		b->known = known;
		b->preemptions = pre;
		b->steps = x->nsteps;
		b->report = report;
		b->replay = ex_replay_string(x, s->o);
		b->schedule = ex_schedule_text(x);
		b->events = x->events;
		report = NULL;
	}
	free(report);
	{
		unsigned long long n = 0;

		for (int k = EX_DEADLOCK; k < EX_SETUP; k++)
			n += s->r->failures[k];
		if ((b->kind == EX_DEADLOCK && b->known < 0 && n >= MAX_FAILURES) ||
		    n >= MAX_FAILURES_ANY)
			s->stop = true;
	}
}

/* Prints the lines of a that b does not have (as whole lines), prefixed. */
static void diff_lines(FILE *f, const char *a, const char *b, char mark)
{
	const char *p = a;
	const char *section = "";
	size_t slen = 0;

	while (*p) {
		size_t l = strcspn(p, "\n");
		bool found = false;

		if (l && p[l - 1] == ':') { /* a file's name: context for the lines below */
			section = p;
			slen = l;
		}
		for (const char *q = b; *q && !found;) {
			size_t m = strcspn(q, "\n");

			found = m == l && !memcmp(p, q, l);
			q += m + (q[m] == '\n');
		}
		if (!found)
			fprintf(f, "  %c %.*s%s%.*s\n", mark, (int)slen, section, slen ? " " : "",
				(int)l, p);
		p += l + (p[l] == '\n');
	}
}

/* The serial outcome with the same results as o, else the first one. */
static const struct ex_outcome *nearest_serial(const struct search *s, const struct ex_outcome *o)
{
	const struct ex_outcome *near = &s->serial[0];

	for (unsigned k = 0; k < s->nserial; k++)
		if (!memcmp(s->serial[k].results, o->results, s->o->nops * sizeof(long)))
			near = &s->serial[k];
	return near;
}

/* The final state's lines that differ from the nearest serial outcome's ("  - "/"  + "). */
static char *state_diff(const struct search *s, const struct ex_outcome *o)
{
	char *txt = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&txt, &len);
	const struct ex_outcome *near;

	if (!f)
		return NULL;
	if (s->nserial) {
		near = nearest_serial(s, o);
		diff_lines(f, near->state, o->state, '-');
		diff_lines(f, o->state, near->state, '+');
	}
	fclose(f);
	return txt;
}

static char *nonserial_report(struct search *s, const struct ex_outcome *o, const char *diff)
{
	char *txt = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&txt, &len);

	if (!f)
		return strdup("non-serializable outcome");
	fprintf(f, "NON-SERIALIZABLE: the results and final state of this execution are those of "
		   "no serial order of the operations\n\nresults:");
	for (unsigned i = 0; i < s->o->nops; i++)
		fprintf(f, " %s=%ld", ex_op_name(s->o->ops[i]), o->results[i]);
	fprintf(f, "\nserial orders give:\n");
	for (unsigned k = 0; k < s->nserial; k++) {
		fprintf(f, " ");
		for (unsigned i = 0; i < s->o->nops; i++)
			fprintf(f, " %s=%ld", ex_op_name(s->o->ops[i]), s->serial[k].results[i]);
		fprintf(f, "%s\n",
			strcmp(s->serial[k].state, o->state) ? " (other final state)" : "");
	}
	if (s->nserial)
		fprintf(f,
			"final state against a serial order with %s results (- serial, + this run):\n%s",
			memcmp(nearest_serial(s, o)->results, o->results,
			       s->o->nops * sizeof(long)) ?
				"other" :
				"the same",
			diff ? diff : "");
	fclose(f);
	return txt;
}

/* Checks a completed execution; takes ownership of out. */
static void judge(struct search *s, struct ex_exec *x, struct ex_outcome *out)
{
	bool serial = s->in_serial || !s->nserial, novel = true;

	for (unsigned k = 0; k < s->nserial; k++)
		if (ex_outcome_same(&s->serial[k], out, s->o->nops))
			serial = true;
	for (unsigned k = 0; k < s->nseen; k++)
		if (ex_outcome_same(&s->seen[k], out, s->o->nops))
			novel = false;
	if (out->kind != EX_OK) {
		record_failure(s, x, out->kind, -1, strdup(out->detail ? out->detail : ""));
	} else if (!serial) {
		char *diff = state_diff(s, out);

		record_failure(s, x, EX_NONSERIAL,
			       ex_known_match(s->o, EX_NONSERIAL, out->results, diff ? diff : ""),
			       nonserial_report(s, out, diff));
		free(diff);
	}
	if (novel) {
		s->seen = realloc(s->seen, (s->nseen + 1) * sizeof(*s->seen));
		s->seen[s->nseen++] = *out;
	} else {
		ex_outcome_free(out);
	}
}

/* --- one execution ---------------------------------------------------------- */

/* Picks the thread for node k, or -1 to abort the search. */
typedef int (*chooser_fn)(struct search *s, struct ex_exec *x, unsigned k, unsigned en);

static bool conflicts(const struct ex_exec *x, unsigned i, const struct saved_fp *f)
{
	const struct ex_step *a = &x->steps[i];

	return ex_fp_conflict(&x->fp[a->fp_off], a->fp_n, a->fp_all, f->fp, f->n, f->all);
}

static struct saved_fp save_fp(const struct ex_exec *x, unsigned k)
{
	const struct ex_step *st = &x->steps[k];
	struct saved_fp f = { NULL, st->fp_n, st->fp_all };

	if (f.n) {
		f.fp = malloc(f.n * sizeof(*f.fp));
		if (!f.fp)
			abort();
		memcpy(f.fp, &x->fp[st->fp_off], f.n * sizeof(*f.fp));
	}
	return f;
}

static void node_free(struct node *n)
{
	for (unsigned i = 0; i < EX_MAX_THREADS; i++)
		free(n->explored[i].fp);
	memset(n, 0, sizeof(*n));
}

/* What run_one gives ex_exec_run's picker: the search and its chooser. */
struct run_ctx {
	struct search *s;
	chooser_fn pick;
	bool tree;
	int in_tree; /* steps that belong to the search tree (-1: all so far) */
};

static int adapt(void *arg, struct ex_exec *x, unsigned k, unsigned en)
{
	struct run_ctx *c = arg;
	struct search *s = c->s;
	int t;

	/* the step before this point is complete: remember it for sleep sets */
	if (c->tree && c->in_tree < 0 && k && k - 1 < s->depth) {
		struct node *n = &s->stack[k - 1];
		unsigned prev = x->steps[k - 1].thread;

		if (!n->explored[prev].fp && !n->explored[prev].n)
			n->explored[prev] = save_fp(x, k - 1);
	}
	if (s->stop || x->setup_error || c->in_tree >= 0) /* outside the tree: no choices */
		return (en >> x->last) & 1 ? (int)x->last : lowest(en);
	t = c->pick(s, x, k, en);
	if (t < 0) {
		/* sleep-set blocked: finish outside the tree, no branching */
		if (c->in_tree < 0) {
			c->in_tree = (int)k;
			s->r->sleep_blocked++;
		}
		t = (en >> x->last) & 1 ? (int)x->last : lowest(en);
	}
	return t;
}

static void adapt_last(struct run_ctx *c, struct ex_exec *x)
{
	struct search *s = c->s;
	unsigned k = x->nsteps;

	if (c->tree && c->in_tree < 0 && k && k - 1 < s->depth) {
		struct node *n = &s->stack[k - 1];
		unsigned prev = x->steps[k - 1].thread;

		if (!n->explored[prev].fp && !n->explored[prev].n)
			n->explored[prev] = save_fp(x, k - 1);
	}
}

/*
 * Runs one execution: boot, steps chosen by pick, then the checks. Returns
 * the number of steps that belong to the search tree, or -1 on a setup
 * error. (Forking every execution from one booted host was measured too:
 * page faults made it about ten times dearer than booting a small host.)
 */
static int run_one(struct search *s, struct ex_exec *x, chooser_fn pick, bool tree)
{
	struct run_ctx c = { s, pick, tree, -1 };
	char err[256];
	struct ex_outcome out;
	unsigned n;

	if (ex_exec_boot(x, s->o, err, sizeof(err)) || ex_exec_spawn(x, err, sizeof(err))) {
		set_error(s->r, "%s", err);
		return -1;
	}
	ex_exec_run(x, adapt, &c);
	s->r->executions++;
	s->r->raw_keys += x->raw_keys;
	if (x->end == EX_DEADLOCKED || x->end == EX_STALLED) {
		s->r->steps += x->nsteps;
		record_failure(s, x, x->end == EX_DEADLOCKED ? EX_DEADLOCK : EX_STALL, -1,
			       ex_deadlock_report(x));
		/* the parked threads hold driver locks: the host stays as it is */
		return c.in_tree < 0 ? (int)x->nsteps : c.in_tree;
	}
	adapt_last(&c, x); /* the last step of the tree is complete now */
	n = x->nsteps;
	ex_exec_wind_down(x);
	s->r->steps += x->nsteps;
	ex_exec_finish(x, &out);
	judge(s, x, &out);
	return c.in_tree < 0 ? (int)n : c.in_tree;
}

/* --- DPOR ------------------------------------------------------------------- */

static struct node *push(struct search *s)
{
	if (s->depth == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->stack = realloc(s->stack, s->cap * sizeof(*s->stack));
		if (!s->stack)
			abort();
	}
	memset(&s->stack[s->depth], 0, sizeof(s->stack[0]));
	return &s->stack[s->depth++];
}

/* The sleep set of node k+1 after thread t's step at node k (x->steps[k]). */
static void child_sleep(const struct ex_exec *x, const struct node *n, unsigned t, unsigned k,
			struct node *c)
{
	unsigned cand = (n->sleep | n->done) & ~(1u << t);

	c->sleep = 0;
	for (unsigned q = 0; q < EX_MAX_THREADS; q++) {
		const struct saved_fp *f;

		if (!((cand >> q) & 1))
			continue;
		f = (n->done >> q) & 1 ? &n->explored[q] : &n->sl[q];
		if (!conflicts(x, k, f)) {
			c->sleep |= 1u << q;
			c->sl[q] = *f;
		}
	}
}

static int pick_dpor(struct search *s, struct ex_exec *x, unsigned k, unsigned en)
{
	struct node *n;
	unsigned cand;
	int t;

	if (k < s->depth) { /* replaying the prefix */
		n = &s->stack[k];
		if (!((en >> n->chosen) & 1)) {
			set_error(
				s->r, "%s",
				"an execution did not repeat itself: something the driver does is not "
				"under a scheduling point");
			s->stop = true;
		}
		return (int)n->chosen;
	}
	n = push(s);
	n->enabled = en;
	n->last = k ? (int)x->steps[k - 1].thread : -1;
	if (k) {
		struct node *p = &s->stack[k - 1];

		child_sleep(x, p, p->chosen, k - 1, n);
		n->preemptions = p->preemptions + (x->steps[k - 1].preempt ? 1 : 0);
	}
	cand = en & ~n->sleep;
	if (!cand) {
		s->depth--;
		return -1;
	}
	t = n->last >= 0 && ((cand >> n->last) & 1) ? n->last : lowest(cand);
	n->backtrack = 1u << t;
	n->chosen = (unsigned)t;
	return t;
}

/* Local index (1-based) of each step within its thread, and the clocks. */
static void clocks(const struct ex_exec *x, unsigned nsteps, unsigned (*clk)[EX_MAX_THREADS],
		   unsigned *local)
{
	unsigned count[EX_MAX_THREADS] = { 0 };
	int prev[EX_MAX_THREADS];

	for (unsigned t = 0; t < EX_MAX_THREADS; t++)
		prev[t] = -1;
	for (unsigned j = 0; j < nsteps; j++) {
		unsigned t = x->steps[j].thread;

		local[j] = ++count[t];
		if (prev[t] >= 0)
			memcpy(clk[j], clk[prev[t]], sizeof(clk[j]));
		else
			memset(clk[j], 0, sizeof(clk[j]));
		for (int i = (int)j - 1; i >= 0; i--) {
			const struct ex_step *a = &x->steps[i], *b = &x->steps[j];

			if (a->thread == t)
				continue;
			if (clk[j][a->thread] >= local[i])
				continue; /* already ordered before j */
			if (ex_fp_conflict(&x->fp[a->fp_off], a->fp_n, a->fp_all, &x->fp[b->fp_off],
					   b->fp_n, b->fp_all))
				for (unsigned q = 0; q < EX_MAX_THREADS; q++)
					if (clk[i][q] > clk[j][q])
						clk[j][q] = clk[i][q];
		}
		clk[j][t] = local[j];
		prev[t] = (int)j;
	}
}

static bool hb(unsigned (*clk)[EX_MAX_THREADS], const unsigned *local, const struct ex_exec *x,
	       unsigned i, unsigned j)
{
	return clk[j][x->steps[i].thread] >= local[i];
}

/* The step of thread(i) at or before i that acquired obj, or i. */
static unsigned acquire_of(const struct ex_exec *x, unsigned i, ex_key obj)
{
	for (int k = (int)i; k >= 0; k--) {
		const struct ex_step *s = &x->steps[k];

		if (s->thread != x->steps[i].thread)
			continue;
		for (unsigned e = 0; e < s->fp_n; e++)
			if (x->fp[s->fp_off + e].obj == obj &&
			    (x->fp[s->fp_off + e].mode & EX_FP_ACQ))
				return (unsigned)k;
	}
	return i;
}

static void reverse(struct search *s, const struct ex_exec *x, unsigned (*clk)[EX_MAX_THREADS],
		    const unsigned *local, unsigned i, unsigned j)
{
	struct node *pre = &s->stack[i];
	unsigned initials = 0, seen = 0;
	unsigned v[4096], nv = 0;

	for (unsigned k = i + 1; k <= j && nv < 4096; k++)
		if (k == j || !hb(clk, local, x, i, k))
			v[nv++] = k;
	for (unsigned a = 0; a < nv; a++) {
		unsigned t = x->steps[v[a]].thread;
		bool first = !((seen >> t) & 1), free_ = true;

		seen |= 1u << t;
		if (!first)
			continue;
		for (unsigned b = 0; b < a && free_; b++)
			if (hb(clk, local, x, v[b], v[a]))
				free_ = false;
		if (free_)
			initials |= 1u << t;
	}
	if (initials & (pre->backtrack | pre->done | pre->sleep))
		return;
	if (initials & pre->enabled)
		pre->backtrack |= 1u << lowest(initials & pre->enabled);
	else
		pre->backtrack |= pre->enabled & ~pre->sleep;
}

static bool is_try(int op)
{
	return op == LD_SCHED_TRYLOCK || op == LD_SCHED_DOWN_READ_TRY ||
	       op == LD_SCHED_DOWN_WRITE_TRY;
}

static void races(struct search *s, const struct ex_exec *x, unsigned n)
{
	unsigned(*clk)[EX_MAX_THREADS] = calloc(n ? n : 1, sizeof(*clk));
	unsigned *local = calloc(n ? n : 1, sizeof(*local));

	if (!clk || !local)
		abort();
	clocks(x, n, clk, local);
	for (unsigned j = 0; j < n; j++) {
		const struct ex_step *b = &x->steps[j];
		unsigned v[EX_MAX_THREADS] = { 0 };

		if (x->steps[j].thread < EX_MAX_THREADS && local[j] > 1) {
			for (int k = (int)j - 1; k >= 0; k--)
				if (x->steps[k].thread == b->thread) {
					memcpy(v, clk[k], sizeof(v));
					break;
				}
		}
		for (int i = (int)j - 1; i >= 0; i--) {
			const struct ex_step *a = &x->steps[i];
			unsigned cand[2], nc = 0;

			if (a->thread == b->thread || v[a->thread] >= local[i])
				continue;
			if (a->fp_all || b->fp_all) {
				cand[nc++] = (unsigned)i;
			} else {
				bool plain = false;

				for (unsigned e = 0; e < a->fp_n; e++)
					for (unsigned f = 0; f < b->fp_n; f++) {
						const struct ex_fp *p = &x->fp[a->fp_off + e];
						const struct ex_fp *q = &x->fp[b->fp_off + f];

						if (p->obj != q->obj ||
						    !((p->mode | q->mode) & EX_FP_W))
							continue;
						/*
						 * a release, then an acquisition that waited
						 * for it: only the two acquisitions race. A
						 * trylock does not wait: it fails while the
						 * lock is held, so the release races with it.
						 */
						if ((p->mode & EX_FP_REL) &&
						    (q->mode & EX_FP_ACQ) &&
						    !(p->mode & EX_FP_ACQ) && !is_try(b->op)) {
							unsigned acq =
								acquire_of(x, (unsigned)i, p->obj);

							if (nc < 2 && (!nc || cand[0] != acq))
								cand[nc++] = acq;
						} else {
							plain = true;
						}
					}
				if (plain && nc < 2)
					cand[nc++] = (unsigned)i;
				if (!nc)
					continue;
			}
			for (unsigned c = 0; c < nc; c++)
				if (v[x->steps[cand[c]].thread] < local[cand[c]] &&
				    cand[c] < s->depth)
					reverse(s, x, clk, local, cand[c], j);
			for (unsigned q = 0; q < EX_MAX_THREADS; q++)
				if (clk[i][q] > v[q])
					v[q] = clk[i][q];
		}
	}
	free(clk);
	free(local);
}

/* Moves to the next unexplored branch; false when the search is complete. */
static bool backtrack(struct search *s)
{
	while (s->depth) {
		struct node *n = &s->stack[s->depth - 1];
		unsigned left;

		n->done |= 1u << n->chosen;
		left = n->backtrack & ~n->done & ~n->sleep & n->enabled;
		if (left) {
			n->chosen = (unsigned)lowest(left);
			return true;
		}
		node_free(n);
		s->depth--;
	}
	return false;
}

static void dpor(struct search *s)
{
	do {
		struct ex_exec *x = calloc(1, sizeof(*x));
		int n;

		if (!x)
			abort();
		n = run_one(s, x, pick_dpor, true);
		if (n < 0)
			return;
		if (s->depth > (unsigned)n) { /* nodes past a sleep-set block are not in the tree */
			for (unsigned k = (unsigned)n; k < s->depth; k++)
				node_free(&s->stack[k]);
			s->depth = (unsigned)n;
		}
		races(s, x, (unsigned)n < x->nsteps ? (unsigned)n : x->nsteps);
		ex_exec_free_trace(x);
		if (x->sim == NULL)
			free(x); /* a deadlocked execution keeps its host and x */
		if (s->stop || (s->o->max_execs && s->r->executions >= s->o->max_execs)) {
			s->r->complete = false;
			return;
		}
	} while (backtrack(s));
	s->r->complete = true;
}

/* --- bounded, naive ------------------------------------------------------- */

static int pick_all(struct search *s, struct ex_exec *x, unsigned k, unsigned en)
{
	struct node *n;
	int t;

	if (k < s->depth)
		return (int)s->stack[k].chosen;
	n = push(s);
	n->enabled = en;
	n->last = k ? (int)x->steps[k - 1].thread : -1;
	if (k)
		n->preemptions = s->stack[k - 1].preemptions + (x->steps[k - 1].preempt ? 1 : 0);
	if (s->o->mode == EX_MODE_BOUNDED && n->last >= 0 && ((en >> n->last) & 1) &&
	    (int)n->preemptions >= s->o->bound)
		n->backtrack = 1u << n->last; /* no preemption left: the thread goes on */
	else
		n->backtrack = en;
	t = n->last >= 0 && ((n->backtrack >> n->last) & 1) ? n->last : lowest(n->backtrack);
	n->chosen = (unsigned)t;
	return t;
}

static void exhaustive(struct search *s)
{
	do {
		struct ex_exec *x = calloc(1, sizeof(*x));

		if (!x)
			abort();
		if (run_one(s, x, pick_all, false) < 0)
			return;
		ex_exec_free_trace(x);
		if (x->sim == NULL)
			free(x);
		if (s->stop || (s->o->max_execs && s->r->executions >= s->o->max_execs)) {
			s->r->complete = false;
			return;
		}
	} while (backtrack(s));
	s->r->complete = true;
}

/* --- PCT -------------------------------------------------------------------- */

static int pick_pct(struct search *s, struct ex_exec *x, unsigned k, unsigned en)
{
	struct pct *p = &s->pct;
	int best = -1;

	for (unsigned i = 0; i < EX_MAX_THREADS; i++)
		if (((en >> i) & 1) && (best < 0 || p->prio[i] > p->prio[best]))
			best = (int)i;
	for (unsigned c = 0; c < p->nchange; c++)
		if (p->change[c] == k)
			p->prio[best] = c; /* below every initial priority */
	(void)x;
	return best;
}

static void pct(struct search *s)
{
	/* priority changes fall within the expected length: the longest serial run's */
	unsigned len = s->serial_steps ? s->serial_steps : 64;

	for (unsigned run = 0; run < s->o->pct_runs && !s->stop; run++) {
		struct pct *p = &s->pct;
		struct ex_exec *x = calloc(1, sizeof(*x));

		if (!x)
			abort();
		for (unsigned i = 0; i < EX_MAX_THREADS; i++)
			p->prio[i] = 16 + (unsigned)(rnd(&s->rng) % 1000) * EX_MAX_THREADS + i;
		p->nchange = s->o->pct_depth > 1 ? s->o->pct_depth - 1 : 0;
		if (p->nchange > 16)
			p->nchange = 16;
		for (unsigned c = 0; c < p->nchange; c++)
			p->change[c] = (unsigned)(rnd(&s->rng) % len);
		if (run_one(s, x, pick_pct, false) < 0)
			return;
		if (x->nsteps > len)
			len = x->nsteps;
		ex_exec_free_trace(x);
		if (x->sim == NULL)
			free(x);
	}
	s->r->complete = false;
}

/* --- replay ----------------------------------------------------------------- */

static int pick_replay(struct search *s, struct ex_exec *x, unsigned k, unsigned en)
{
	const struct ex_sched_entry *e;
	const char *what;

	if (k >= s->nreplay) {
		set_error(s->r, "%s", "replay: the schedule ends before the operations do");
		s->stop = true;
		return lowest(en);
	}
	e = &s->replay[k];
	what = e->thread < x->nthreads ?
		       x->th[e->thread].pend.op == EX_START ? "start" : x->th[e->thread].pend.what :
		       "?";
	if (e->thread >= x->nthreads || !((en >> e->thread) & 1) || strcmp(what, e->what)) {
		char msg[256];

		snprintf(msg, sizeof(msg),
			 "replay diverges at step %u: T%u should %s, but it %s %s", k + 1,
			 e->thread, e->what,
			 e->thread < x->nthreads && ((en >> e->thread) & 1) ? "is at" :
									      "cannot run:",
			 what);
		set_error(s->r, "%s", msg);
		s->stop = true;
		return lowest(en);
	}
	if (s->o->trace)
		fprintf(s->o->trace, "%4u T%u %s %s\n", k + 1, e->thread, x->th[e->thread].label,
			e->what);
	return (int)e->thread;
}

static void replay(struct search *s)
{
	struct ex_exec *x = calloc(1, sizeof(*x));

	if (!x)
		abort();
	if (ex_replay_schedule(s->o->replay, &s->replay, &s->nreplay)) {
		set_error(s->r, "%s", "replay: malformed schedule");
		free(x);
		return;
	}
	if (run_one(s, x, pick_replay, false) >= 0 && !s->r->error && x->nsteps != s->nreplay)
		set_error(s->r, "%s", "replay: the operations ended before the schedule did");
	ex_exec_free_trace(x);
	if (x->sim == NULL)
		free(x);
	free(s->replay);
	s->r->complete = !s->r->error;
}

/* --- serial orders ---------------------------------------------------------- */

static int pick_serial(struct search *s, struct ex_exec *x, unsigned k, unsigned en)
{
	struct serial_pick *p = &s->serial_pick;
	unsigned nops = s->o->nops, qemu = nops;

	(void)k;
	while (p->pos <= nops) {
		unsigned item = p->order[p->pos];

		if (item == qemu) {
			if ((en >> qemu) & 1)
				return (int)qemu;
		} else if (!x->th[item].done) {
			if ((en >> item) & 1)
				return (int)item;
			if ((en >> qemu) & 1)
				return (int)qemu; /* the operation waits for QEMU */
			return lowest(en);
		}
		p->pos++;
	}
	return lowest(en);
}

static bool next_perm(unsigned *a, unsigned n)
{
	int i = (int)n - 2, j = (int)n - 1;

	while (i >= 0 && a[i] >= a[i + 1])
		i--;
	if (i < 0)
		return false;
	while (a[j] <= a[i])
		j--;
	unsigned t = a[i];
	a[i] = a[j];
	a[j] = t;
	for (unsigned l = (unsigned)i + 1, r = n - 1; l < r; l++, r--) {
		t = a[l];
		a[l] = a[r];
		a[r] = t;
	}
	return true;
}

static void serial_orders(struct search *s)
{
	struct serial_pick *p = &s->serial_pick;
	unsigned long long execs = s->r->executions;

	for (unsigned i = 0; i <= s->o->nops; i++)
		p->order[i] = i;
	s->in_serial = true;
	do {
		struct ex_exec *x = calloc(1, sizeof(*x));
		unsigned before = s->nseen;

		if (!x)
			abort();
		p->pos = 0;
		if (run_one(s, x, pick_serial, false) < 0)
			break;
		if (x->nsteps > s->serial_steps)
			s->serial_steps = x->nsteps;
		/* a completed serial run's outcome (judge kept it if new) */
		if (x->sim == NULL && s->nseen > before) {
			s->serial = realloc(s->serial, (s->nserial + 1) * sizeof(*s->serial));
			s->serial[s->nserial] = s->seen[s->nseen - 1];
			s->serial[s->nserial].state = strdup(s->seen[s->nseen - 1].state);
			s->serial[s->nserial].detail = NULL;
			s->nserial++;
		}
		ex_exec_free_trace(x);
		if (x->sim == NULL)
			free(x);
	} while (next_perm(p->order, s->o->nops + 1));
	s->in_serial = false;
	s->r->serial_outcomes = s->nserial;
	s->r->executions = execs; /* serial runs are not part of the search's count */
}

/* --- entry ------------------------------------------------------------------ */

/* Pins the calling thread (and the threads it starts) to one CPU; the old mask in old. */
static bool pin(int which, cpu_set_t *old)
{
	cpu_set_t one;
	int n, cpu = -1;

	if (sched_getaffinity(0, sizeof(*old), old))
		return false;
	n = CPU_COUNT(old);
	if (which < 0) {
		cpu = sched_getcpu();
	} else if (n > 0) {
		for (int c = 0, k = which % n; c < CPU_SETSIZE && cpu < 0; c++)
			if (CPU_ISSET(c, old) && k-- == 0)
				cpu = c;
	}
	if (cpu < 0)
		return false;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one) == 0;
}

int ex_explore(const struct ex_opts *o, struct ex_result *r)
{
	struct search s = { .o = o, .r = r, .rng = o->seed ? o->seed : 0x9e3779b97f4a7c15ULL };
	double t0 = now();
	cpu_set_t old;
	bool pinned = pin(o->cpu, &old);

	memset(r, 0, sizeof(*r));
	r->best.known = -1;
	if (o->mode != EX_MODE_REPLAY)
		serial_orders(&s);
	if (!r->error && !s.stop) {
		switch (o->mode) {
		case EX_MODE_DPOR:
			dpor(&s);
			break;
		case EX_MODE_NAIVE:
		case EX_MODE_BOUNDED:
			exhaustive(&s);
			r->bounded = o->mode == EX_MODE_BOUNDED;
			break;
		case EX_MODE_PCT:
			pct(&s);
			break;
		case EX_MODE_REPLAY:
			replay(&s);
			break;
		}
	}
	while (s.depth)
		node_free(&s.stack[--s.depth]);
	free(s.stack);
	s.stack = NULL;
	/* minimize: the fewest preemptions among failing schedules */
	if (o->minimize && o->mode == EX_MODE_DPOR && r->best.kind != EX_OK &&
	    r->best.preemptions) {
		for (int b = 0; b < (int)r->best.preemptions; b++) {
			struct ex_opts bo = *o;
			struct ex_result br;

			bo.mode = EX_MODE_BOUNDED;
			bo.bound = b;
			bo.minimize = false;
			bo.max_execs = 20000;
			ex_explore(&bo, &br);
			if (br.best.kind == r->best.kind && br.best.known == r->best.known &&
			    br.best.preemptions < r->best.preemptions) {
				free(r->best.report);
				free(r->best.replay);
				free(r->best.schedule);
				r->best = br.best;
				br.best.report = br.best.replay = br.best.schedule = NULL;
				ex_result_free(&br);
				break;
			}
			ex_result_free(&br);
		}
	}
	r->outcomes = s.nseen;
	for (unsigned k = 0; k < s.nseen; k++)
		ex_outcome_free(&s.seen[k]);
	for (unsigned k = 0; k < s.nserial; k++)
		free(s.serial[k].state);
	free(s.seen);
	free(s.serial);
	r->seconds = now() - t0;
	if (pinned)
		sched_setaffinity(0, sizeof(old), &old);
	return r->error ? -1 : 0;
}

bool ex_result_failed(const struct ex_result *r)
{
	return r->error || (r->best.kind != EX_OK && r->best.known < 0);
}

void ex_result_free(struct ex_result *r)
{
	free(r->best.report);
	free(r->best.replay);
	free(r->best.schedule);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

const char *ex_kind_name(enum ex_kind k)
{
	static const char *const names[] = {
		[EX_OK] = "none",
		[EX_DEADLOCK] = "deadlock",
		[EX_STALL] = "no progress",
		[EX_NONSERIAL] = "non-serializable",
		[EX_VALIDATOR] = "validator report",
		[EX_HELD_AT_EXIT] = "lock held at exit",
		[EX_INCONSISTENT] = "inconsistent state",
		[EX_LEAK] = "leak",
		[EX_SETUP] = "setup error",
	};

	return k <= EX_SETUP ? names[k] : "?";
}
