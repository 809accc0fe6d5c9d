/* SPDX-License-Identifier: MIT */
/*
 * klog.h - the simulated kernel log (what `dmesg` shows, sim/dmesg).
 *
 * A bounded ring of lines guarded by its own leaf mutex (class "&klog->lock").
 * Lines are formatted like the kernel's dev_* helpers: "<dev>: <text>".
 */
#ifndef VAS_KERNEL_KLOG_H
#define VAS_KERNEL_KLOG_H

#include <stddef.h>

#include "lockdep/lockdep.h"

#define KLOG_LINES 4096

struct klog {
	struct kmutex lock;
	char *lines[KLOG_LINES] GUARDED_BY(lock);
	unsigned long long head GUARDED_BY(lock); /* total lines ever logged */
	int echo_stderr;			  /* const after init */
};

void klog_init(struct klog *log, struct ld_ctx *ld);
void klog_destroy(struct klog *log);
void klog_printf(struct klog *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void klog_line(struct klog *log, const char *line);
/* All retained lines joined with '\n'; malloc'd. */
char *klog_dump(struct klog *log);
unsigned long long klog_count(struct klog *log);

#endif
