/* SPDX-License-Identifier: MIT */
/*
 * ld_report.c - the report list: building, de-duplication, sink, text, JSON.
 *
 * A report is built under ctx->lock by one of the ld_splat_* functions: its
 * text (lockdep layout, one '\n'-terminated line each) and, for the JSON
 * form, its kind, the classes involved, the cycle chain and the sites. A
 * report is immutable once added. Each distinct problem is reported once:
 * the splat functions ask ld_report_seen() with a key made of the kind, up
 * to two class ids and a site.
 *
 * The sink gets the lines after ctx->lock is dropped, by the thread that
 * produced them; a sink that itself takes validated locks (the kernel log)
 * is allowed: reports it causes are queued and sent by the outer flush.
 */
#include "lockdep/ld_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ld_strv {
	char **v;
	unsigned n;
};

struct ld_report {
	const char *kind;
	char *thread;
	struct ld_buf text;
	struct ld_strv classes, chain, sites;
};

void ld_bprintf(struct ld_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->len + (size_t)n + 1) * 2 + 64;

		p = realloc(b->p, cap);
		if (!p)
			return; /* the report is truncated, never corrupt */
		b->p = p;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *ld_base(const char *file)
{
	const char *s = file ? strrchr(file, '/') : NULL;

	return s ? s + 1 : (file ? file : "?");
}

static void strv_add(struct ld_strv *sv, const char *s)
{
	char **v = realloc(sv->v, (sv->n + 1) * sizeof(*v));
	char *d = strdup(s);

	if (!v || !d) {
		free(d);
		if (v)
			sv->v = v;
		return;
	}
	sv->v = v;
	sv->v[sv->n++] = d;
}

static void strv_free(struct ld_strv *sv)
{
	unsigned i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
}

struct ld_report *ld_report_new(const char *kind, const char *title)
{
	struct ld_report *r = calloc(1, sizeof(*r));
	size_t i, n = strlen(title);

	if (!r)
		return NULL;
	r->kind = kind;
	ld_bprintf(&r->text, "\n");
	for (i = 0; i < n; i++)
		ld_bprintf(&r->text, "=");
	ld_bprintf(&r->text, "\n%s\n", title);
	for (i = 0; i < n; i++)
		ld_bprintf(&r->text, "-");
	ld_bprintf(&r->text, "\n");
	return r;
}

void ld_report_class(struct ld_report *r, const char *name)
{
	strv_add(&r->classes, name);
}

void ld_report_chain(struct ld_report *r, const char *name)
{
	strv_add(&r->chain, name);
}

void ld_report_site(struct ld_report *r, struct ld_site s)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s %s:%d", s.func ? s.func : "?", ld_base(s.file), s.line);
	strv_add(&r->sites, buf);
}

void ld_report_thread(struct ld_report *r, const struct ld_thread *t)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s/%u", t->name, t->tid);
	free(r->thread);
	r->thread = strdup(buf);
}

struct ld_buf *ld_report_buf(struct ld_report *r)
{
	return &r->text;
}

/* True if this problem was reported before (else remembers it); ctx->lock held. */
bool ld_report_seen(struct ld_ctx *ctx, const char *kind, unsigned a, unsigned b, struct ld_site s)
{
	uint64_t k = 1469598103934665603ULL;
	const char *p;

	for (p = kind; *p; p++)
		k = (k ^ (unsigned char)*p) * 1099511628211ULL;
	for (p = s.file ? s.file : ""; *p; p++)
		k = (k ^ (unsigned char)*p) * 1099511628211ULL;
	k = (k ^ a) * 1099511628211ULL;
	k = (k ^ b) * 1099511628211ULL;
	k = (k ^ (unsigned)s.line) * 1099511628211ULL;
	return ld_set_add(&ctx->report_keys, k ? k : 1) == 0;
}

void ld_report_add(struct ld_ctx *ctx, struct ld_report *r)
{
	struct ld_report **v;

	if (!r)
		return;
	if (ctx->nr_reports == ctx->cap_reports) {
		v = realloc(ctx->reports, (ctx->cap_reports * 2 + 8) * sizeof(*v));
		if (!v)
			return; /* r leaks rather than crash; reported nowhere */
		ctx->reports = v;
		ctx->cap_reports = ctx->cap_reports * 2 + 8;
	}
	ctx->reports[ctx->nr_reports++] = r;
}

static void emit(const struct ld_report *r, void (*sink)(void *, const char *), void *arg)
{
	const char *p = r->text.p, *nl;
	char line[1024];
	size_t n;

	while (p && *p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		sink(arg, line);
		p = nl ? nl + 1 : p + n;
	}
}

void ld_report_flush(struct ld_ctx *ctx, struct ld_thread *t)
{
	void (*sink)(void *, const char *);
	struct ld_report *r;
	void *arg;

	if (t->in_sink)
		return;
	t->in_sink = true;
	for (;;) {
		pthread_mutex_lock(&ctx->lock);
		if (!ctx->sink || ctx->sunk >= ctx->nr_reports) {
			pthread_mutex_unlock(&ctx->lock);
			break;
		}
		r = ctx->reports[ctx->sunk++];
		sink = ctx->sink;
		arg = ctx->sink_arg;
		pthread_mutex_unlock(&ctx->lock);
		emit(r, sink, arg);
	}
	t->in_sink = false;
}

unsigned ld_nr_reports(struct ld_ctx *ctx)
{
	unsigned n;

	pthread_mutex_lock(&ctx->lock);
	n = ctx->nr_reports;
	pthread_mutex_unlock(&ctx->lock);
	return n;
}

char *ld_report_text(struct ld_ctx *ctx)
{
	struct ld_buf b = { 0 };
	unsigned i;

	pthread_mutex_lock(&ctx->lock);
	for (i = 0; i < ctx->nr_reports; i++)
		if (ctx->reports[i]->text.p)
			ld_bprintf(&b, "%s", ctx->reports[i]->text.p);
	pthread_mutex_unlock(&ctx->lock);
	return b.p ? b.p : strdup("");
}

static void json_str(struct ld_buf *b, const char *s)
{
	ld_bprintf(b, "\"");
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			ld_bprintf(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			ld_bprintf(b, "\\u%04x", (unsigned char)*s);
		else
			ld_bprintf(b, "%c", *s);
	}
	ld_bprintf(b, "\"");
}

static void json_list(struct ld_buf *b, const char *key, const struct ld_strv *sv)
{
	unsigned i;

	ld_bprintf(b, ", \"%s\": [", key);
	for (i = 0; i < sv->n; i++) {
		ld_bprintf(b, "%s", i ? ", " : "");
		json_str(b, sv->v[i]);
	}
	ld_bprintf(b, "]");
}

char *ld_report_json(struct ld_ctx *ctx)
{
	struct ld_buf b = { 0 };
	struct ld_report *r;
	unsigned i, n;

	ld_bprintf(&b, "[");
	pthread_mutex_lock(&ctx->lock);
	n = ctx->nr_reports;
	for (i = 0; i < n; i++) {
		r = ctx->reports[i];
		ld_bprintf(&b, "%s\n  {\"kind\": ", i ? "," : "");
		json_str(&b, r->kind);
		ld_bprintf(&b, ", \"thread\": ");
		json_str(&b, r->thread ? r->thread : "");
		json_list(&b, "classes", &r->classes);
		json_list(&b, "chain", &r->chain);
		json_list(&b, "sites", &r->sites);
		ld_bprintf(&b, "}");
	}
	pthread_mutex_unlock(&ctx->lock);
	ld_bprintf(&b, "%s]\n", n ? "\n" : "");
	return b.p ? b.p : strdup("[]\n");
}

void ld_report_free_all(struct ld_ctx *ctx)
	GUARD_EXEMPT("teardown: no thread uses the context any more")
{
	struct ld_report *r;
	unsigned i;

	for (i = 0; i < ctx->nr_reports; i++) {
		r = ctx->reports[i];
		free(r->text.p);
		free(r->thread);
		strv_free(&r->classes);
		strv_free(&r->chain);
		strv_free(&r->sites);
		free(r);
	}
	free(ctx->reports);
	ld_set_free(&ctx->report_keys);
}
