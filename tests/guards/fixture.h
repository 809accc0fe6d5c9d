/* SPDX-License-Identifier: MIT */
/*
 * fixture.h - objects for the check-guards fixtures (tests/guards/run.sh).
 * Not part of any build: the checker only parses these files.
 */
#ifndef GUARDS_FIXTURE_H
#define GUARDS_FIXTURE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "lockdep/lockdep.h"

struct box {
	struct kmutex lock;
	struct krwsem sem;
	int n GUARDED_BY(lock);
	int *buf PT_GUARDED_BY(lock); /* the pointer is free, *buf is not */
	int arr[4] GUARDED_BY(lock);
	int tree GUARDED_BY(sem); /* read under down_read, write under down_write */
	atomic_int hits;	  /* atomic: no guard */
	struct {
		int inner GUARDED_BY(lock); /* `lock` of the enclosing struct box */
	} sub;
};

/* A second struct with a member also called `lock`: a different lock. */
struct other {
	struct kmutex lock;
	struct box *box;
};

struct owner {
	struct kmutex big;
	struct kmutex small;
	struct box *box;
	int both GUARDED_BY_ANY(big, small); /* read: either; write: both */
	int shown GUARDED_BY(small) WRITES_GUARDED_BY(big);
	int via GUARDED_BY(box->lock); /* reached through a member */
	pthread_mutex_t plain;
	int counted GUARDED_BY(plain);
	void (*lock_all)(struct owner *o) HOOK_ACQUIRES(o->big, o->small);
	void (*unlock_all)(struct owner *o) HOOK_RELEASES(o->big, o->small);
};

/* Guarded by a member of another struct, named by tag. */
struct item {
	int v GUARDED_BY(owner.small);
};

void take_both(struct owner *o) ACQUIRE(o->big, o->small);
void drop_both(struct owner *o) RELEASE(o->big, o->small);
void need_small(struct owner *o) REQUIRES(o->small);
void plain_helper(struct owner *o) CALLER_HOLDS(o->plain);

#endif
