/* SPDX-License-Identifier: MIT */
/*
 * ld_splat.c - the text of each report kind, in the layout of kernel lockdep.
 *
 * Kinds (JSON "kind"): circular, recursive, order, bad_unlock, held_freed,
 * thread_exit, and the short ones (assert, pin, depth). Every function here
 * runs under ctx->lock, first asks ld_report_seen() so a problem is reported
 * once, then builds the report and adds it to the context's list.
 *
 * Output is deterministic: no addresses, no times; a site prints as
 * "func file:line" with the file's base name; a thread as name/serial.
 * The four usage characters {W R W R} show whether the class was ever
 * taken for write / for read ('+') or not ('.'); they repeat twice to keep
 * the kernel's {+.+.} look (the kernel's pairs are hardirq/softirq, which
 * do not exist here).
 */
#include "lockdep/ld_int.h"

#include <stdio.h>
#include <string.h>

#define CPU1_PAD "                               "

static void put_site(struct ld_buf *b, struct ld_site s)
{
	ld_bprintf(b, "%s %s:%d", s.func ? s.func : "?", ld_base(s.file), s.line);
}

void ld_put_usage(struct ld_buf *b, const struct ld_class *c)
{
	unsigned u = __atomic_load_n(&c->usage, __ATOMIC_RELAXED);
	char w = (u & 1) ? '+' : '.', r = (u & 2) ? '+' : '.';

	ld_bprintf(b, "{%c%c%c%c}", w, r, w, r);
}

void ld_put_lock(struct ld_buf *b, const struct ld_held *h)
{
	ld_bprintf(b, "(%s)", h->cls->name);
	ld_put_usage(b, h->cls);
	ld_bprintf(b, ", at: ");
	put_site(b, h->site);
}

void ld_put_held(struct ld_buf *b, const struct ld_thread *t)
{
	int i;

	if (!t->depth) {
		ld_bprintf(b, "no locks held by %s/%u.\n", t->name, t->tid);
		return;
	}
	ld_bprintf(b, "%d lock%s held by %s/%u:\n", t->depth, t->depth == 1 ? "" : "s", t->name,
		   t->tid);
	for (i = 0; i < t->depth; i++) {
		ld_bprintf(b, " #%d: ", i);
		ld_put_lock(b, &t->held[i]);
		ld_bprintf(b, "\n");
	}
}

static struct ld_report *start(struct ld_ctx *ctx, struct ld_thread *t, const char *kind,
			       const char *title)
{
	struct ld_report *r = ld_report_new(kind, title);

	ld_refresh_name(t);
	if (r)
		ld_report_thread(r, t);
	return r;
}

/* "<task> is trying to acquire lock: ... but task is already holding lock: ..." */
static void put_pair(struct ld_buf *b, struct ld_thread *t, const struct ld_held *prev,
		     const struct ld_held *next)
{
	ld_bprintf(b, "%s/%u is trying to acquire lock:\n", t->name, t->tid);
	ld_put_lock(b, next);
	ld_bprintf(b, "\n\nbut task is already holding lock:\n");
	ld_put_lock(b, prev);
	ld_bprintf(b, "\n\n");
}

static const char *lk(int rtype)
{
	return rtype == LD_W ? "lock" : "rlock";
}

static void put_chain_entry(struct ld_buf *b, int n, const struct ld_class *to, const char *from,
			    struct ld_site site, struct ld_site from_site)
{
	ld_bprintf(b, "-> #%d (%s)", n, to->name);
	ld_put_usage(b, to);
	ld_bprintf(b, ":\n       acquired at: ");
	put_site(b, site);
	ld_bprintf(b, "\n       while holding (%s) acquired at: ", from);
	put_site(b, from_site);
	ld_bprintf(b, "\n\n");
}

static void circular_scenario(struct ld_buf *b, const struct ld_held *prev,
			      const struct ld_held *next, const struct ld_class *parent,
			      const struct ld_edge *last) CALLER_HOLDS(ld_ctx.lock)
{
	/* the parent was held shared on the last edge if it was never held exclusive there */
	int parent_rtype = (last->types & (LD_DEP_EN | LD_DEP_ER)) ? LD_W : LD_READ;

	ld_bprintf(b, " Possible unsafe locking scenario:\n\n");
	ld_bprintf(b, "       CPU0                    CPU1\n");
	ld_bprintf(b, "       ----                    ----\n");
	ld_bprintf(b, "  %s(%s);\n", lk(prev->rtype), prev->cls->name);
	ld_bprintf(b, CPU1_PAD "%s(%s);\n", lk(parent_rtype), parent->name);
	ld_bprintf(b, CPU1_PAD "%s(%s);\n", lk(last->to_rtype), prev->cls->name);
	ld_bprintf(b, "  %s(%s);\n", lk(next->rtype), next->cls->name);
	ld_bprintf(b, "\n *** DEADLOCK ***\n\n");
}

void ld_splat_circular(struct ld_ctx *ctx, struct ld_thread *t, const struct ld_held *prev,
		       const struct ld_held *next, struct ld_edge *const *path, unsigned len)
{
	const struct ld_class *parent = len > 1 ? path[len - 2]->to : next->cls;
	struct ld_report *r;
	struct ld_buf *b;
	unsigned k;

	if (ld_report_seen(ctx, "circular", prev->cls->id, next->cls->id, (struct ld_site){ 0 }))
		return;
	r = start(ctx, t, "circular", "WARNING: possible circular locking dependency detected");
	if (!r)
		return;
	b = ld_report_buf(r);
	put_pair(b, t, prev, next);
	ld_bprintf(b, "which lock already depends on the new lock.\n\n\n");
	ld_bprintf(b, "the existing dependency chain (in reverse order) is:\n\n");
	for (k = len; k >= 1; k--)
		put_chain_entry(b, (int)k, path[k - 1]->to,
				k > 1 ? path[k - 2]->to->name : next->cls->name, path[k - 1]->site,
				path[k - 1]->from_site);
	put_chain_entry(b, 0, next->cls, prev->cls->name, next->site, prev->site);
	ld_bprintf(b, "other info that might help us debug this:\n\nChain exists of:\n  %s",
		   next->cls->name);
	ld_report_chain(r, next->cls->name);
	for (k = 0; k < len; k++) {
		ld_bprintf(b, " --> %s", path[k]->to->name);
		ld_report_chain(r, path[k]->to->name);
		ld_report_site(r, path[k]->site);
	}
	ld_report_site(r, next->site);
	ld_bprintf(b, "\n\n");
	circular_scenario(b, prev, next, parent, path[len - 1]);
	ld_put_held(b, t);
	ld_report_class(r, next->cls->name);
	ld_report_class(r, prev->cls->name);
	ld_report_add(ctx, r);
}

void ld_splat_recursive(struct ld_ctx *ctx, struct ld_thread *t, const struct ld_held *prev,
			const struct ld_held *next, bool instance)
{
	struct ld_report *r;
	struct ld_buf *b;

	if (ld_report_seen(ctx, "recursive", prev->cls->id, next->cls->id, (struct ld_site){ 0 }))
		return;
	r = start(ctx, t, "recursive", "WARNING: possible recursive locking detected");
	if (!r)
		return;
	b = ld_report_buf(r);
	put_pair(b, t, prev, next);
	if (instance)
		ld_bprintf(b, "which is the same lock instance (the re-acquisition is not "
			      "performed).\n\n");
	ld_bprintf(b, "other info that might help us debug this:\n");
	ld_bprintf(b, " Possible unsafe locking scenario:\n\n       CPU0\n       ----\n");
	ld_bprintf(b, "  %s(%s);\n  %s(%s);\n", lk(prev->rtype), prev->cls->name, lk(next->rtype),
		   next->cls->name);
	ld_bprintf(b, "\n *** DEADLOCK ***\n\n");
	if (!instance)
		ld_bprintf(b, " May be due to missing lock nesting notation\n\n");
	else if (prev->rtype != LD_W && next->rtype != LD_W)
		ld_bprintf(b, " A writer queued between the two reads blocks the second one\n\n");
	ld_put_held(b, t);
	ld_report_class(r, prev->cls->name);
	ld_report_site(r, prev->site);
	ld_report_site(r, next->site);
	ld_report_add(ctx, r);
}

void ld_splat_order(struct ld_ctx *ctx, struct ld_thread *t, const struct ld_held *prev,
		    const struct ld_held *next)
{
	struct ld_report *r;
	struct ld_buf *b;
	unsigned i;

	if (ld_report_seen(ctx, "order", prev->cls->base->id, next->cls->base->id,
			   (struct ld_site){ 0 }))
		return;
	r = start(ctx, t, "order", "WARNING: lock order violation detected");
	if (!r)
		return;
	b = ld_report_buf(r);
	put_pair(b, t, prev, next);
	ld_bprintf(b, "which comes later in the declared lock order:\n  ");
	for (i = 0; i < ctx->nr_ranked; i++)
		ld_bprintf(b, "%s%s", i ? " --> " : "", ctx->ranked[i]->name);
	ld_bprintf(b, "\n\n%s (rank %d) must be acquired before %s (rank %d).\n\n",
		   next->cls->base->name, next->rank, prev->cls->base->name, prev->rank);
	ld_put_held(b, t);
	ld_report_class(r, next->cls->name);
	ld_report_class(r, prev->cls->name);
	ld_report_site(r, prev->site);
	ld_report_site(r, next->site);
	ld_report_add(ctx, r);
}

void ld_splat_unlock(struct ld_ctx *ctx, struct ld_thread *t, struct ld_map *map,
		     struct ld_site site)
{
	const struct ld_thread *other;
	struct ld_class *c = map->cls;
	struct ld_report *r;
	struct ld_buf *b;
	int i = ld_held_find(t, map);

	if (ld_report_seen(ctx, "bad_unlock", c ? c->id : ~0u, 0, site))
		return;
	r = start(ctx, t, "bad_unlock", "WARNING: bad unlock balance detected!");
	if (!r)
		return;
	b = ld_report_buf(r);
	ld_bprintf(b, "%s/%u is trying to release lock (%s) at:\n", t->name, t->tid, map->name);
	put_site(b, site);
	other = ld_held_elsewhere(ctx, t, map);
	if (i >= 0)
		ld_bprintf(b, "\nbut it is held for %s by this task!\n",
			   t->held[i].rtype == LD_W ? "write" : "read");
	else if (other)
		ld_bprintf(b, "\nbut it is held by %s/%u, not by this task!\n", other->name,
			   other->tid);
	else
		ld_bprintf(b, "\nbut there are no more locks to release!\n");
	ld_bprintf(b, "\nother info that might help us debug this:\n");
	ld_put_held(b, t);
	ld_report_class(r, map->name);
	ld_report_site(r, site);
	ld_report_add(ctx, r);
}

void ld_splat_freed(struct ld_ctx *ctx, struct ld_thread *t, struct ld_map *map,
		    struct ld_site site)
{
	const struct ld_thread *other = ld_held_elsewhere(ctx, t, map);
	struct ld_report *r;
	struct ld_buf *b;

	if (ld_report_seen(ctx, "held_freed", map->cls ? map->cls->id : ~0u, 0, site))
		return;
	r = start(ctx, t, "held_freed", "WARNING: held lock freed!");
	if (!r)
		return;
	b = ld_report_buf(r);
	ld_bprintf(b, "%s/%u is destroying lock (%s) at:\n", t->name, t->tid, map->name);
	put_site(b, site);
	if (ld_held_find(t, map) >= 0)
		ld_bprintf(b, "\nwith the lock still held by this task!\n");
	else if (other)
		ld_bprintf(b, "\nwith the lock still held by %s/%u!\n", other->name, other->tid);
	else
		ld_bprintf(b, "\nwith the lock still held!\n");
	ld_bprintf(b, "(the lock is not destroyed)\n\n");
	ld_put_held(b, t);
	ld_report_class(r, map->name);
	ld_report_site(r, site);
	ld_report_add(ctx, r);
}

void ld_splat_exit(struct ld_ctx *ctx, struct ld_thread *t)
{
	struct ld_report *r;
	const struct ld_held *top = &t->held[t->depth - 1];
	int i;

	if (ld_report_seen(ctx, "thread_exit", top->cls->id, (unsigned)t->depth, top->site))
		return;
	r = start(ctx, t, "thread_exit", "WARNING: lock held when thread exits!");
	if (!r)
		return;
	ld_bprintf(ld_report_buf(r), "%s/%u is exiting with locks still held!\n", t->name, t->tid);
	ld_put_held(ld_report_buf(r), t);
	for (i = 0; i < t->depth; i++) {
		ld_report_class(r, t->held[i].cls->name);
		ld_report_site(r, t->held[i].site);
	}
	ld_report_add(ctx, r);
}

void ld_splat_misc(struct ld_ctx *ctx, struct ld_thread *t, const char *kind, const char *title,
		   struct ld_map *map, const char *what, struct ld_site site)
{
	struct ld_report *r;
	struct ld_buf *b;

	if (ld_report_seen(ctx, kind, map->cls ? map->cls->id : ~0u, 0, site))
		return;
	r = start(ctx, t, kind, title);
	if (!r)
		return;
	b = ld_report_buf(r);
	ld_bprintf(b, "%s/%u: %s: (%s)\nat: ", t->name, t->tid, what, map->name);
	put_site(b, site);
	ld_bprintf(b, "\n\n");
	ld_put_held(b, t);
	ld_report_class(r, map->name);
	ld_report_site(r, site);
	ld_report_add(ctx, r);
}
