/* SPDX-License-Identifier: MIT */
/*
 * klog.c - the simulated kernel log ring (what sim/dmesg shows).
 *
 * Models the printk ring buffer in miniature: a fixed ring of KLOG_LINES
 * heap-allocated lines; when full the oldest line is dropped. `head` counts
 * every line ever logged, so line k (0-based, ever) lives in slot
 * k % KLOG_LINES while k >= head - KLOG_LINES.
 *
 * A logged text is split at '\n' into separate lines (a trailing newline,
 * as dev_warn() formats carry, adds no empty line). klog_dump() returns the
 * retained lines, each followed by '\n' (a file's worth of text; "" when
 * empty).
 *
 * Locking: log->lock (class "&klog->lock") guards lines[] and head. It is a
 * leaf: nothing else is taken under it, so any code may log while holding
 * any other lock. Writing to stderr happens under it to keep lines whole.
 */
#include "kernel/klog.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void klog_init(struct klog *log, struct ld_ctx *ld)
{
	memset(log, 0, sizeof(*log));
	kmutex_init(&log->lock, ld, "&klog->lock");
}

void klog_destroy(struct klog *log)
{
	kmutex_lock(&log->lock);
	for (int i = 0; i < KLOG_LINES; i++) {
		free(log->lines[i]);
		log->lines[i] = NULL;
	}
	kmutex_unlock(&log->lock);
	kmutex_destroy(&log->lock);
}

/* Appends len bytes of text as one line. Drops the line if out of memory. */
static void klog_append(struct klog *log, const char *text, size_t len) REQUIRES(log->lock)
{
	char *copy = strndup(text, len);
	unsigned slot;

	lockdep_assert_held(&log->lock);
	if (!copy)
		return;
	slot = (unsigned)(log->head % KLOG_LINES);
	free(log->lines[slot]);
	log->lines[slot] = copy;
	log->head++;
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

char *klog_dump(struct klog *log)
{
	unsigned long long first, k;
	size_t size = 1, off = 0;
	char *out;

	kmutex_lock(&log->lock);
	first = log->head > KLOG_LINES ? log->head - KLOG_LINES : 0;
	for (k = first; k < log->head; k++)
		size += strlen(log->lines[k % KLOG_LINES]) + 1;
	out = malloc(size);
	if (out) {
		for (k = first; k < log->head; k++) {
			const char *l = log->lines[k % KLOG_LINES];
			size_t len = strlen(l);

			memcpy(out + off, l, len);
			off += len;
			out[off++] = '\n';
		}
		out[off] = '\0';
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
