/* SPDX-License-Identifier: MIT */
/*
 * klog.h - the simulated kernel log (what `dmesg` shows, sim/dmesg).
 *
 * A bounded ring of lines guarded by its own leaf mutex (class "&klog->lock").
 * Lines are formatted like the kernel's dev_* helpers: "<dev>: <text>".
 *
 * Retention (design.md §8): the newest lines, at most KLOG_MAX_LINES of them
 * and at most KLOG_MAX_BYTES of text (each line counted with its newline);
 * older lines are dropped whole. The retained text can be read whole
 * (klog_dump) or a byte range at a time (klog_read): offset 0 is the first
 * byte of the oldest retained line, so while nothing is dropped the text
 * only grows at its end and an offset always names the same byte.
 */
#ifndef VAS_KERNEL_KLOG_H
#define VAS_KERNEL_KLOG_H

#include <stddef.h>
#include <sys/types.h>

#include "lockdep/lockdep.h"

#define KLOG_MAX_LINES (1u << 18)  /* 262144 lines */
#define KLOG_MAX_BYTES (16u << 20) /* 16 MiB of text */

/* One retained line: its text (no newline) and where it starts in the log's history. */
struct klog_rec {
	char *text;
	size_t len;
	unsigned long long pos; /* bytes logged before it, newlines counted */
};

struct klog {
	struct kmutex lock;
	/* line k (counted since boot) is ring[k % cap] while first <= k < head */
	struct klog_rec *ring GUARDED_BY(lock) PT_GUARDED_BY(lock);
	size_t cap GUARDED_BY(lock);		   /* slots; doubles as needed, up to max_lines */
	unsigned long long first GUARDED_BY(lock); /* the oldest retained line */
	unsigned long long head GUARDED_BY(lock);  /* total lines ever logged */
	unsigned long long end GUARDED_BY(lock);   /* total bytes ever logged */
	size_t bytes GUARDED_BY(lock);		   /* retained bytes, newlines included */
	size_t max_lines GUARDED_BY(lock), max_bytes GUARDED_BY(lock);
	int echo_stderr; /* const after init */
};

void klog_init(struct klog *log, struct ld_ctx *ld);
void klog_destroy(struct klog *log);
/* Smaller bounds (tests); only before the first line is logged. */
void klog_set_limits(struct klog *log, size_t max_lines, size_t max_bytes);
void klog_printf(struct klog *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void klog_line(struct klog *log, const char *line);
/* All retained lines, each followed by '\n'; malloc'd (NULL if out of memory). */
char *klog_dump(struct klog *log);
/*
 * Up to size bytes of the retained text from byte off on: the count, 0 at
 * or beyond the end.
 */
size_t klog_read(struct klog *log, off_t off, char *buf, size_t size);
/* Length of the retained text. */
size_t klog_size(struct klog *log);
unsigned long long klog_count(struct klog *log);

#endif
