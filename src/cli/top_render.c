/* SPDX-License-Identifier: MIT */
/*
 * top_render.c - the picture of `vfio-ap-sim top` as a canvas of styled
 * characters (docs/top.md, "Reading the picture").
 *
 * Sections, top to bottom: title and counts; the masks; the grid
 * (configured adapters down, configured domains across, one row of
 * control domains per mdev that has any); the legend; the mdevs with what
 * is assigned, what the guest sees and why a queue is filtered out; on a
 * simulated host the tail of sim/dmesg and the most contended lock
 * classes. The same canvas is printed by --once and shown by the terminal
 * view, which is why every fact is in the text and colour only repeats it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/top.h"

#define LABEL_W 10 /* "05 CEX8P  " before the first cell */
#define CELL_W 4
#define FILTER_LINES 6 /* filtered-out queues listed per mdev */
#define LOCK_LINES 5

static struct top_line *cur(struct top_canvas *cv)
{
	return &cv->line[cv->nr - 1];
}

static void newline(struct top_canvas *cv)
{
	if (cv->nr == cv->cap) {
		int cap = cv->cap ? 2 * cv->cap : 64;
		struct top_line *l = realloc(cv->line, (size_t)cap * sizeof(*l));

		if (!l)
			abort();
		cv->line = l;
		cv->cap = cap;
	}
	memset(&cv->line[cv->nr++], 0, sizeof(struct top_line));
}

static void put(struct top_canvas *cv, const char *s, unsigned char st)
{
	struct top_line *l = cur(cv);

	for (; *s; s++) {
		if (*s == '\n') {
			newline(cv);
			l = cur(cv);
			continue;
		}
		if (l->len == l->cap) {
			int cap = l->cap ? 2 * l->cap : 128;
			struct top_cell *c = realloc(l->c, (size_t)cap * sizeof(*c));

			if (!c)
				abort();
			l->c = c;
			l->cap = cap;
		}
		l->c[l->len++] = (struct top_cell){ *s, st };
		if (l->len > cv->width)
			cv->width = l->len;
	}
}

static void __attribute__((format(printf, 3, 4)))
putf(struct top_canvas *cv, unsigned char st, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(cv, buf, st);
}

void top_canvas_free(struct top_canvas *cv)
{
	for (int i = 0; i < cv->nr; i++)
		free(cv->line[i].c);
	free(cv->line);
	memset(cv, 0, sizeof(*cv));
}

static unsigned char colour_of(int mdev)
{
	return mdev < 0 ? 0 : (unsigned char)(mdev % TOP_COLOURS + 1);
}

/* "03-05,07" for a set of ids, each with `digits` hex digits; "none" if empty. */
static char *ids(const bm256 *b, int digits, char *buf, size_t len)
{
	unsigned n = bm_next(b, 0);
	size_t pos = 0;

	buf[0] = '\0';
	if (n >= BM_BITS)
		snprintf(buf, len, "none");
	while (n < BM_BITS && pos < len) {
		unsigned e = n;

		while (e + 1 < BM_BITS && bm_test(b, e + 1))
			e++;
		pos += (size_t)snprintf(buf + pos, len - pos, pos ? ",%0*x" : "%0*x", digits, n);
		if (e > n && pos < len)
			pos += (size_t)snprintf(buf + pos, len - pos, "-%0*x", digits, e);
		n = bm_next(b, e + 1);
	}
	return buf;
}

static void title(struct top_canvas *cv, const struct top_model *m)
{
	int cnt[TQ_GUEST + 1] = { 0 }, guests = 0, queues = 0;
	unsigned a, d;

	bm_for_each(a, &m->rows)
		bm_for_each(d, &m->cols) {
			cnt[m->state[a][d]]++;
			queues += m->state[a][d] != TQ_ABSENT;
		}
	for (int i = 0; i < m->nr_mdevs; i++)
		guests += m->mdev[i].attached;
	putf(cv, TS_BOLD, "vfio-ap-sim top  %s", m->root);
	if (m->sim)
		putf(cv, 0, "  (simulated host, variant %s)", m->variant);
	newline(cv);
	putf(cv, 0,
	     "%u adapters x %u domains, %d queues: %d host, %d free, %d assigned, %d in a guest",
	     bm_weight(&m->rows), bm_weight(&m->cols), queues, cnt[TQ_HOST], cnt[TQ_FREE],
	     cnt[TQ_ASSIGNED], cnt[TQ_GUEST]);
	if (queues - cnt[TQ_HOST] - cnt[TQ_FREE] - cnt[TQ_ASSIGNED] - cnt[TQ_GUEST])
		putf(cv, 0, ", %d other",
		     queues - cnt[TQ_HOST] - cnt[TQ_FREE] - cnt[TQ_ASSIGNED] - cnt[TQ_GUEST]);
	putf(cv, 0, "; %d mdev%s, %d with a guest\n", m->nr_mdevs, m->nr_mdevs == 1 ? "" : "s",
	     guests);
}

static void mask_line(struct top_canvas *cv, const char *name, const bm256 *b, const bm256 *old)
{
	char hex[BM_HEXLEN], was[BM_HEXLEN];

	bm_format(b, hex);
	if (old)
		bm_format(old, was);
	putf(cv, 0, "  %-24s", name);
	for (int i = 0; hex[i]; i++)
		put(cv, (char[2]){ hex[i], 0 }, old && was[i] != hex[i] ? TS_CHANGED : 0);
	newline(cv);
}

static void masks(struct top_canvas *cv, const struct top_model *m, const struct top_model *p)
{
	put(cv, "\nmasks (bit 0 is the leftmost)\n", TS_BOLD);
	mask_line(cv, "apmask", &m->apmask, p ? &p->apmask : NULL);
	mask_line(cv, "aqmask", &m->aqmask, p ? &p->aqmask : NULL);
	if (!m->have_qci) {
		put(cv, "  host configuration     not supported\n", 0);
		return;
	}
	mask_line(cv, "adapters (config)", &m->qci_apm, p && p->have_qci ? &p->qci_apm : NULL);
	mask_line(cv, "usage domains (config)", &m->qci_aqm, p && p->have_qci ? &p->qci_aqm : NULL);
	mask_line(cv, "control domains", &m->qci_adm, p && p->have_qci ? &p->qci_adm : NULL);
}

static unsigned char cell_style(const struct top_model *m, const struct top_model *p,
				const struct top_view *v, unsigned a, unsigned d)
{
	int o = m->owner[a][d];
	unsigned char st = colour_of(o);

	if (p && (p->state[a][d] != m->state[a][d] || p->owner[a][d] != o))
		st |= TS_CHANGED;
	if (v && v->selected >= 0 && o >= 0)
		st |= o == v->selected ? TS_SELECTED : TS_DIM;
	return st;
}

static void cell_text(const struct top_model *m, unsigned a, unsigned d, char *t)
{
	static const char sym[] = {
		[TQ_ABSENT] = '.', [TQ_NOCONF] = '-',  [TQ_CHKSTOP] = '!', [TQ_OFFLINE] = 'o',
		[TQ_HOST] = 'H',   [TQ_UNBOUND] = 'u', [TQ_FREE] = 'f'
	};
	int s = m->state[a][d];

	if ((s == TQ_ASSIGNED || s == TQ_GUEST) && m->owner[a][d] < 999)
		snprintf(t, 16, "%*d%s", s == TQ_GUEST ? CELL_W - 1 : CELL_W, m->owner[a][d] + 1,
			 s == TQ_GUEST ? "*" : "");
	else if (s == TQ_ASSIGNED || s == TQ_GUEST)
		snprintf(t, 16, "%*s", CELL_W,
			 s == TQ_GUEST ? "#*" : "#"); /* mdev 1000 and later */
	else
		snprintf(t, 16, "%*c", CELL_W, sym[s]);
}

static void grid(struct top_canvas *cv, const struct top_model *m, const struct top_model *p,
		 const struct top_view *v)
{
	char t[16];
	unsigned a, d;

	put(cv, "\ngrid (adapters down, domains across)\n", TS_BOLD);
	putf(cv, 0, "%-*s", LABEL_W, "");
	cv->nr_cols = 0;
	bm_for_each(d, &m->cols) {
		putf(cv, 0, "%*.2x", CELL_W, d);
		cv->col_id[cv->nr_cols++] = (unsigned char)d;
	}
	cv->grid_y = cv->nr - 1; /* the domain header; the rows follow */
	newline(cv);
	cv->grid_x = LABEL_W;
	cv->cell_w = CELL_W;
	cv->nr_rows = 0;
	bm_for_each(a, &m->rows) {
		const struct top_card *c = &m->card[a];

		cv->row_id[cv->nr_rows++] = (unsigned char)a;
		putf(cv, 0, "%02x %-*s", a, LABEL_W - 3, c->present ? c->type : "-");
		bm_for_each(d, &m->cols) {
			cell_text(m, a, d, t);
			put(cv, t, cell_style(m, p, v, a, d));
		}
		newline(cv);
	}
	for (int i = 0; i < m->nr_mdevs; i++) {
		if (bm_empty(&m->mdev[i].adm))
			continue;
		putf(cv, 0, "cdom %-*d", LABEL_W - 5, i + 1);
		bm_for_each(d, &m->cols) {
			unsigned char st = colour_of(i);

			if (v && v->selected >= 0)
				st |= i == v->selected ? TS_SELECTED : TS_DIM;
			if (bm_test(&m->mdev[i].adm, d))
				putf(cv, st, "%*d", CELL_W, i + 1);
			else
				putf(cv, 0, "%*s", CELL_W, "");
		}
		newline(cv);
	}
	cv->grid_end = cv->nr - 1;
	put(cv,
	    "legend: H host driver  f free for vfio_ap  N assigned to mdev N  N* in the guest "
	    "of mdev N\n",
	    0);
	put(cv,
	    "        o offline  - card not configured  ! card check-stopped  u no driver  . no "
	    "queue\n",
	    0);
}

static void queues_of(struct top_canvas *cv, const bm256 *apm, const bm256 *aqm)
{
	unsigned a, d, n = bm_weight(apm) * bm_weight(aqm), k = 0;
	char x[800], y[800];

	if (n == 0 || n > 8) {
		putf(cv, 0, "adapters %s; domains %s (%u queue%s)", ids(apm, 2, x, sizeof(x)),
		     ids(aqm, 4, y, sizeof(y)), n, n == 1 ? "" : "s");
		return;
	}
	bm_for_each(a, apm)
		bm_for_each(d, aqm)
			putf(cv, 0, "%s%02x.%04x", k++ ? " " : "", a, d);
}

static void mdev_entry(struct top_canvas *cv, const struct top_model *m, const struct top_model *p,
		       const struct top_view *v, int i)
{
	const struct top_mdev *md = &m->mdev[i];
	unsigned char st = colour_of(i) | TS_BOLD;
	char x[800], y[800], z[800], why[256];
	unsigned a, d, shown = 0, more = 0;

	if (v && v->selected == i)
		st |= TS_SELECTED;
	putf(cv, st, "  %-2d %s", i + 1, md->uuid);
	putf(cv, 0, "  %s  %s\n", md->type, md->attached ? "guest attached" : "no guest");
	putf(cv, 0, "     assigned     adapters %s; domains %s; control domains %s\n",
	     ids(&md->apm, 2, x, sizeof(x)), ids(&md->aqm, 4, y, sizeof(y)),
	     ids(&md->adm, 4, z, sizeof(z)));
	put(cv, md->attached ? "     guest sees   " : "     guest would  ", 0);
	queues_of(cv, &md->gapm, &md->gaqm);
	newline(cv);
	bm_for_each(a, &md->apm)
		bm_for_each(d, &md->aqm) {
			if (!top_filter_reason(m, i, a, d, why, sizeof(why)))
				continue;
			if (shown++ == FILTER_LINES) {
				more++;
				shown--;
				continue;
			}
			putf(cv, 0, "     %-12s %02x.%04x %s\n", shown == 1 ? "filtered out" : "",
			     a, d, why);
		}
	if (more)
		putf(cv, 0, "     %-12s and %u more\n", "", more);
}

static void mdevs(struct top_canvas *cv, const struct top_model *m, const struct top_model *p,
		  const struct top_view *v)
{
	putf(cv, TS_BOLD, "\nmdevs (%d)\n", m->nr_mdevs);
	if (!m->nr_mdevs)
		put(cv, "  none\n", 0);
	for (int i = 0; i < m->nr_mdevs; i++)
		mdev_entry(cv, m, p, v, i);
}

static void sim_panels(struct top_canvas *cv, const struct top_model *m)
{
	int shown = 0;

	put(cv, "\ndmesg (the last lines of sim/dmesg)\n", TS_BOLD);
	if (!m->dmesg || !*m->dmesg)
		put(cv, "  (empty)\n", 0);
	for (const char *p = m->dmesg; p && *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != 0))
		putf(cv, 0, "  %.*s\n", (int)strcspn(p, "\n"), p);
	put(cv, "\nlocks (sim/lock_stat, the most contended classes)\n", TS_BOLD);
	if (!m->have_locks) {
		put(cv, "  sim/lock_stat cannot be read\n", 0);
		return;
	}
	for (int i = 0; i < m->nr_locks && shown < LOCK_LINES; i++) {
		const struct top_lock *l = &m->locks[i];

		if (!l->contentions)
			break;
		if (!shown++)
			putf(cv, 0, "  %-36s %12s %12s %14s %13s %12s\n", "class", "contentions",
			     "wait max us", "wait total us", "acquisitions", "hold avg us");
		putf(cv, 0, "  %-36s %12llu %12.2f %14.2f %13llu %12.2f\n", l->name, l->contentions,
		     l->wait_max, l->wait_total, l->acquisitions, l->hold_avg);
	}
	if (!shown)
		put(cv, "  no lock class contended since the last clear\n", 0);
}

void top_render(struct top_canvas *cv, const struct top_model *m, const struct top_model *prev,
		const struct top_view *v)
{
	memset(cv, 0, sizeof(*cv));
	newline(cv);
	title(cv, m);
	masks(cv, m, prev);
	grid(cv, m, prev, v);
	mdevs(cv, m, prev, v);
	if (m->sim)
		sim_panels(cv, m);
	if (cur(cv)->len == 0)
		cv->nr--; /* the canvas ends with its last line, not an empty one */
}

void top_describe(const struct top_model *m, const struct top_canvas *cv, int r, int c, char *buf,
		  size_t len)
{
	unsigned a = cv->row_id[r], d = cv->col_id[c];
	int o = m->owner[a][d], b = m->bound[a][d];
	char why[256];
	size_t n;

	n = (size_t)snprintf(buf, len, "%02x.%04x  %s", a, d, top_state_name(m->state[a][d]));
	if (b >= 0 && n < len)
		n += (size_t)snprintf(buf + n, len - n, " (driver %s)", m->drv[b]);
	if (o >= 0 && n < len) {
		n += (size_t)snprintf(buf + n, len - n, "; mdev %d %s", o + 1, m->mdev[o].uuid);
		if (top_filter_reason(m, o, a, d, why, sizeof(why)) && n < len)
			snprintf(buf + n, len - n, "; not in its guest: %s", why);
	}
}
