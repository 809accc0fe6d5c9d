/* SPDX-License-Identifier: MIT */
/*
 * eventfd.h - an eventfd as the kernel sees one a user registered: a
 * counter the kernel signals and the user reads, with a wait queue so the
 * user side can sleep until it moves (VFIO's request and config-change
 * notifiers, design.md §4.9, §4.10).
 *
 * The user (QEMU in a test or the explorer) owns the object and keeps it
 * alive while it is registered with a device.
 */
#ifndef VAS_KERNEL_EVENTFD_H
#define VAS_KERNEL_EVENTFD_H

#include <stdatomic.h>

#include "lockdep/sched.h"

struct keventfd {
	atomic_ullong count; /* signals so far */
	struct kwaitq wq;    /* woken on every signal */
};

void keventfd_init(struct keventfd *e, struct ld_ctx *ld, const char *name);
void keventfd_destroy(struct keventfd *e);
/* eventfd_signal: count + 1, wake the readers. */
void keventfd_signal(struct keventfd *e);
unsigned long long keventfd_count(struct keventfd *e);

#endif
