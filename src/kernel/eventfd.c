/* SPDX-License-Identifier: MIT */
/* eventfd.c - the kernel side of a registered eventfd (see eventfd.h). */
#include "kernel/eventfd.h"

void keventfd_init(struct keventfd *e, struct ld_ctx *ld, const char *name)
{
	atomic_init(&e->count, 0);
	kwaitq_init(&e->wq, ld, name);
}

void keventfd_destroy(struct keventfd *e)
{
	kwaitq_destroy(&e->wq);
}

void keventfd_signal(struct keventfd *e)
{
	ld_sched_access(e->wq.ctx, e, true);
	atomic_fetch_add(&e->count, 1);
	kwake_up(&e->wq);
}

unsigned long long keventfd_count(struct keventfd *e)
{
	ld_sched_access(e->wq.ctx, e, false);
	return atomic_load(&e->count);
}
