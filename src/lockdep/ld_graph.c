/* SPDX-License-Identifier: MIT */
/*
 * ld_graph.c - the class dependency graph and its cycle search.
 *
 * An edge A -> B means "B was acquired while A was held". Each edge keeps
 * the set of dependency types seen (holder Exclusive or Shared, new lock
 * Non-recursive or Recursive: EN, ER, SN, SR) and the sites where it was
 * first seen. Before an edge (or a new type on it) is added, a breadth-first
 * search from B looks for a path back to A that closes a *strong* cycle:
 * no edge that takes a lock as a recursive reader (xR) may be followed by
 * an edge that leaves it as a shared holder (Sx), since a recursive reader
 * waits only for a writer that holds the lock, and a lock held shared has
 * no writer. With the non-recursive readers of a kernel rwsem (down_read)
 * every cycle is strong: a queued writer makes readers wait.
 *
 * The search keeps two states per class (reached through an xN edge, or
 * only through xR edges); reaching a class through xN dominates. An edge
 * that would close a cycle is reported, kept as "bad" for the DOT output
 * and ignored by later searches. All of it runs under ctx->lock.
 */
#include "lockdep/ld_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEP_FROM_E (LD_DEP_EN | LD_DEP_ER)
#define DEP_TO_N (LD_DEP_EN | LD_DEP_SN)

unsigned ld_dep_type(int held_rtype, int new_rtype)
{
	bool shared = held_rtype != LD_W, rec = new_rtype == LD_RREAD;

	if (shared)
		return rec ? LD_DEP_SR : LD_DEP_SN;
	return rec ? LD_DEP_ER : LD_DEP_EN;
}

/* Walks back from state st (reached via edge last) and fills path in order. */
static unsigned bfs_path(struct ld_ctx *ctx, unsigned st, unsigned start, struct ld_edge *last,
			 struct ld_edge **path) CALLER_HOLDS(ctx->lock)
{
	struct ld_edge *rev[LD_MAX_PATH];
	unsigned n = 0, i;

	rev[n++] = last;
	while (st != start && n < LD_MAX_PATH) {
		rev[n++] = ctx->bfs_via[st];
		st = ctx->bfs_from[st];
	}
	for (i = 0; i < n; i++)
		path[i] = rev[n - 1 - i];
	return n;
}

/*
 * Searches a path src -> ... -> dst that closes a strong cycle with the new
 * edge dst -> src. src_rec: src is being taken as a recursive reader;
 * dst_shared: dst is held shared. Returns the path length, 0 if none.
 */
static unsigned bfs(struct ld_ctx *ctx, struct ld_class *src, bool src_rec, struct ld_class *dst,
		    bool dst_shared, struct ld_edge **path) CALLER_HOLDS(ctx->lock)
{
	unsigned head = 0, tail = 0, st, start = src->id * 2 + src_rec, ok, ns;
	struct ld_edge *e;
	bool arr_n;

	memset(ctx->bfs_vis, 0, ctx->nr_classes);
	ctx->bfs_vis[src->id] = src_rec ? 2 : 1;
	ctx->bfs_queue[tail++] = start;
	while (head < tail) {
		st = ctx->bfs_queue[head++];
		for (e = ctx->classes[st / 2]->out; e; e = e->next) {
			ok = (st & 1) ? (e->types & DEP_FROM_E) : e->types;
			if (e->bad || !ok)
				continue;
			arr_n = ok & DEP_TO_N;
			if (e->to == dst) {
				if (!dst_shared || arr_n)
					return bfs_path(ctx, st, start, e, path);
				continue;
			}
			if (ctx->bfs_vis[e->to->id] & (arr_n ? 1 : 3))
				continue;
			ctx->bfs_vis[e->to->id] |= arr_n ? 1 : 2;
			ns = e->to->id * 2 + !arr_n;
			ctx->bfs_from[ns] = st;
			ctx->bfs_via[ns] = e;
			ctx->bfs_queue[tail++] = ns;
		}
	}
	return 0;
}

static struct ld_edge *edge_find(struct ld_class *from, struct ld_class *to,
				 struct ld_edge ***tailp) CALLER_HOLDS(ld_ctx.lock)
{
	struct ld_edge **pp;

	for (pp = &from->out; *pp; pp = &(*pp)->next)
		if ((*pp)->to == to)
			return *pp;
	*tailp = pp;
	return NULL;
}

static struct ld_edge *edge_new(struct ld_ctx *ctx, struct ld_edge **tailp,
				const struct ld_held *prev, const struct ld_held *next)
	CALLER_HOLDS(ctx->lock)
{
	struct ld_edge *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->to = next->cls;
	e->site = next->site;
	e->from_site = prev->site;
	e->to_rtype = next->rtype;
	*tailp = e;
	ctx->nr_edges++;
	return e;
}

/*
 * Adds prev -> next unless it closes a cycle, which is reported instead.
 * Returns 1 if a cycle was found, 0 otherwise. ctx->lock held.
 */
int ld_graph_add(struct ld_ctx *ctx, struct ld_thread *t, const struct ld_held *prev,
		 const struct ld_held *next)
{
	unsigned type = ld_dep_type(prev->rtype, next->rtype), len;
	struct ld_edge **tailp = NULL, *e, *path[LD_MAX_PATH];

	e = edge_find(prev->cls, next->cls, &tailp);
	if (e && (e->bad || (e->types & type)))
		return 0;
	ctx->graph_walks++;
	len = bfs(ctx, next->cls, next->rtype == LD_RREAD, prev->cls, prev->rtype != LD_W, path);
	if (len) {
		ld_splat_circular(ctx, t, prev, next, path, len);
		if (!e && (e = edge_new(ctx, tailp, prev, next)))
			e->bad = true;
		return 1;
	}
	if (!e)
		e = edge_new(ctx, tailp, prev, next);
	if (e)
		e->types |= type;
	return 0;
}

static void dot_name(struct ld_buf *b, const char *s)
{
	ld_bprintf(b, "\"");
	for (; *s; s++)
		ld_bprintf(b, "%s%c", (*s == '"' || *s == '\\') ? "\\" : "", *s);
	ld_bprintf(b, "\"");
}

static void dot_types(struct ld_buf *b, unsigned types)
{
	static const char *const names[] = { "EN", "ER", "SN", "SR" };
	const char *sep = "";
	int i;

	for (i = 0; i < 4; i++) {
		if (types & (1u << i)) {
			ld_bprintf(b, "%s%s", sep, names[i]);
			sep = ",";
		}
	}
}

static void dot_class(struct ld_buf *b, const struct ld_class *c) CALLER_HOLDS(ld_ctx.lock)
{
	struct ld_edge *e;

	ld_bprintf(b, "\t");
	dot_name(b, c->name);
	if (c->rank >= 0)
		ld_bprintf(b, " [xlabel=\"rank %d\"]", c->rank);
	ld_bprintf(b, ";\n");
	for (e = c->out; e; e = e->next) {
		ld_bprintf(b, "\t");
		dot_name(b, c->name);
		ld_bprintf(b, " -> ");
		dot_name(b, e->to->name);
		ld_bprintf(b, " [label=\"");
		if (e->bad)
			ld_bprintf(b, "cycle");
		else
			dot_types(b, e->types);
		ld_bprintf(b, "\"%s];\n", e->bad ? ", color=red" : "");
	}
}

char *ld_graph_dot(struct ld_ctx *ctx)
{
	struct ld_buf b = { 0 };
	unsigned i;

	ld_bprintf(&b, "digraph lockdep {\n\tnode [shape=box];\n");
	pthread_mutex_lock(&ctx->lock);
	for (i = 0; i < ctx->nr_classes; i++)
		dot_class(&b, ctx->classes[i]);
	pthread_mutex_unlock(&ctx->lock);
	ld_bprintf(&b, "}\n");
	return b.p ? b.p : strdup("digraph lockdep {\n}\n");
}

void ld_graph_free(struct ld_ctx *ctx) GUARD_EXEMPT("teardown: no thread uses the context any more")
{
	struct ld_edge *e, *n;
	unsigned i;

	for (i = 0; i < ctx->nr_classes; i++) {
		for (e = ctx->classes[i]->out; e; e = n) {
			n = e->next;
			free(e);
		}
		ctx->classes[i]->out = NULL;
	}
}
