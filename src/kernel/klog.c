/* SPDX-License-Identifier: MIT */
/*
 * klog.c - the simulated kernel log ring (what sim/dmesg shows).
 *
 * Models the printk ring buffer in miniature: a ring of heap-allocated
 * lines that grows by doubling up to max_lines slots (any size works: the
 * slot of line k is k % cap); a new line first
 * drops the oldest lines until both bounds (max_lines lines, max_bytes of
 * text with newlines) hold again. `head` counts every line ever logged and
 * `end` every byte, so line k (0-based, ever) lives in slot k % cap while
 * first <= k < head, and each line remembers the byte position where it
 * began (`pos`). The retained text starts at the pos of line `first`.
 *
 * A logged text is split at '\n' into separate lines (a trailing newline,
 * as dev_warn() formats carry, adds no empty line). klog_dump() returns the
 * retained lines, each followed by '\n' (a file's worth of text; "" when
 * empty); klog_read() copies a byte range of that text, finding the line
 * that holds its first byte by binary search over the positions.
 *
 * Locking: log->lock (class "&klog->lock") guards the ring and the
 * counters. It is a leaf: nothing else is taken under it, so any code may
 * log while holding any other lock. Writing to stderr happens under it to
 * keep lines whole.
 */
#include "kernel/klog.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KLOG_MIN_CAP 64

void klog_init(struct klog *log, struct ld_ctx *ld)
{
	memset(log, 0, sizeof(*log));
	kmutex_init(&log->lock, ld, "&klog->lock");
	kmutex_lock(&log->lock);
	log->max_lines = KLOG_MAX_LINES;
	log->max_bytes = KLOG_MAX_BYTES;
	kmutex_unlock(&log->lock);
}

void klog_set_limits(struct klog *log, size_t max_lines, size_t max_bytes)
{
	kmutex_lock(&log->lock);
	log->max_lines = max_lines ? max_lines : 1;
	log->max_bytes = max_bytes;
	kmutex_unlock(&log->lock);
}

void klog_destroy(struct klog *log)
{
	kmutex_lock(&log->lock);
	for (unsigned long long k = log->first; k < log->head; k++)
		free(log->ring[k % log->cap].text);
	free(log->ring);
	log->ring = NULL;
	log->cap = 0;
	log->first = log->head;
	kmutex_unlock(&log->lock);
	kmutex_destroy(&log->lock);
}

static struct klog_rec *rec(struct klog *log, unsigned long long k) REQUIRES(log->lock)
{
	return &log->ring[k % log->cap];
}

/* Drops the oldest retained line. */
static void drop_oldest(struct klog *log) REQUIRES(log->lock)
{
	struct klog_rec *r = rec(log, log->first);

	log->bytes -= r->len + 1;
	free(r->text);
	r->text = NULL;
	log->first++;
}

/* Makes room for one more line: 0, or -1 if the ring cannot grow (drop instead). */
static int grow(struct klog *log) REQUIRES(log->lock)
{
	size_t ncap = log->cap ? log->cap * 2 : KLOG_MIN_CAP;
	struct klog_rec *nr;

	if (log->head - log->first < log->cap)
		return 0;
	if (ncap > log->max_lines)
		ncap = log->max_lines;
	if (ncap <= log->cap || !(nr = calloc(ncap, sizeof(*nr))))
		return -1;
	for (unsigned long long k = log->first; k < log->head; k++)
		nr[k % ncap] = *rec(log, k);
	free(log->ring);
	log->ring = nr;
	log->cap = ncap;
	return 0;
}

/* Appends len bytes of text as one line. Drops the line if out of memory. */
static void klog_append(struct klog *log, const char *text, size_t len) REQUIRES(log->lock)
{
	char *copy = strndup(text, len);
	struct klog_rec *r;

	lockdep_assert_held(&log->lock);
	if (!copy)
		return;
	while (log->head > log->first &&
	       (log->head - log->first >= log->max_lines || log->bytes + len + 1 > log->max_bytes))
		drop_oldest(log);
	if (grow(log) && log->head > log->first)
		drop_oldest(log); /* the ring is full: the oldest line makes room */
	if (!log->cap) {
		free(copy);
		return;
	}
	r = rec(log, log->head);
	*r = (struct klog_rec){ .text = copy, .len = len, .pos = log->end };
	log->head++;
	log->end += len + 1;
	log->bytes += len + 1;
	if (log->echo_stderr)
		fprintf(stderr, "%s\n", copy);
}

void klog_line(struct klog *log, const char *line)
{
	const char *p = line;

	kmutex_lock(&log->lock);
	for (;;) {
		size_t len = strcspn(p, "\n");

		klog_append(log, p, len);
		p += len;
		if (p[0] == '\0' || p[1] == '\0')
			break;
		p++;
	}
	kmutex_unlock(&log->lock);
}

void klog_printf(struct klog *log, const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	klog_line(log, text);
	free(text);
}

/* Byte position of the retained text's first byte. */
static unsigned long long base(struct klog *log) REQUIRES(log->lock)
{
	return log->head > log->first ? rec(log, log->first)->pos : log->end;
}

/* Copies from absolute byte position at, which is retained, up to size bytes. */
static size_t copy_from(struct klog *log, unsigned long long at, char *buf, size_t size)
	REQUIRES(log->lock)
{
	unsigned long long lo = log->first, hi = log->head - 1;
	size_t n = 0;

	while (lo < hi) { /* the last line starting at or before `at` */
		unsigned long long mid = lo + (hi - lo + 1) / 2;

		if (rec(log, mid)->pos <= at)
			lo = mid;
		else
			hi = mid - 1;
	}
	for (unsigned long long k = lo; k < log->head && n < size; k++) {
		const struct klog_rec *r = rec(log, k);
		size_t skip = at > r->pos ? (size_t)(at - r->pos) : 0;
		size_t take = r->len + 1 - skip;

		if (take > size - n)
			take = size - n;
		if (skip < r->len)
			memcpy(buf + n, r->text + skip,
			       take < r->len - skip ? take : r->len - skip);
		if (skip + take == r->len + 1)
			buf[n + take - 1] = '\n';
		n += take;
	}
	return n;
}

size_t klog_read(struct klog *log, off_t off, char *buf, size_t size)
{
	unsigned long long at;
	size_t n = 0;

	if (off < 0)
		return 0;
	kmutex_lock(&log->lock);
	at = base(log) + (unsigned long long)off;
	if (at < log->end && size)
		n = copy_from(log, at, buf, size);
	kmutex_unlock(&log->lock);
	return n;
}

size_t klog_size(struct klog *log)
{
	size_t n;

	kmutex_lock(&log->lock);
	n = log->bytes;
	kmutex_unlock(&log->lock);
	return n;
}

char *klog_dump(struct klog *log)
{
	char *out;

	kmutex_lock(&log->lock);
	out = malloc(log->bytes + 1);
	if (out) {
		size_t n = log->bytes ? copy_from(log, base(log), out, log->bytes) : 0;

		out[n] = '\0';
	}
	kmutex_unlock(&log->lock);
	return out;
}

unsigned long long klog_count(struct klog *log)
{
	unsigned long long n;

	kmutex_lock(&log->lock);
	n = log->head;
	kmutex_unlock(&log->lock);
	return n;
}
