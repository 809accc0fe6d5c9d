/* SPDX-License-Identifier: MIT */
/* good.c - accesses check-guards must accept (no finding in this file). */
#include <string.h>

#include "fixture.h"

int under_lock(struct box *b)
{
	int v;

	kmutex_lock(&b->lock);
	b->n++;
	b->arr[1] = b->n;
	b->sub.inner = 2;
	*b->buf = 3;
	v = b->n;
	kmutex_unlock(&b->lock);
	return v;
}

/* The pointer itself is not guarded, only what it points at. */
int *pointer_only(struct box *b)
{
	return b->buf;
}

void requires_it(struct box *b) REQUIRES(b->lock)
{
	b->n = 1;
}

void asserts_it(struct box *b)
{
	lockdep_assert_held(&b->lock);
	b->n = 2;
}

int asserts_read(struct box *b)
{
	lockdep_assert_held_read(&b->sem);
	return b->tree;
}

void rwsem_modes(struct box *b)
{
	int t;

	down_read(&b->sem);
	t = b->tree;
	up_read(&b->sem);
	down_write(&b->sem);
	b->tree = t + 1;
	up_write(&b->sem);
}

void acquire_helper(struct owner *o)
{
	take_both(o);
	o->both = 1;
	o->shown = 2;
	drop_both(o);
}

void hook_pointer(struct owner *o)
{
	o->lock_all(o);
	o->both = 3;
	o->unlock_all(o);
}

int any_of(struct owner *o)
{
	int v;

	kmutex_lock(&o->small);
	v = o->both + o->shown; /* reads: one of the two is enough */
	kmutex_unlock(&o->small);
	kmutex_lock(&o->big);
	v += o->both;
	kmutex_unlock(&o->big);
	return v;
}

void through_member(struct owner *o, struct item *it)
{
	kmutex_lock(&o->box->lock);
	o->via = 1;
	kmutex_unlock(&o->box->lock);
	kmutex_lock(&o->small);
	it->v = 4;
	kmutex_unlock(&o->small);
}

int trylock_idiom(struct box *b)
{
	if (!kmutex_trylock(&b->lock))
		return -1;
	b->n = 5;
	kmutex_unlock(&b->lock);
	return 0;
}

int early_unlock(struct box *b, int bad)
{
	kmutex_lock(&b->lock);
	if (bad) {
		kmutex_unlock(&b->lock);
		return -1;
	}
	b->n = 6;
	kmutex_unlock(&b->lock);
	return 0;
}

int goto_out(struct box *b, int bad)
{
	int rc = 0;

	kmutex_lock(&b->lock);
	if (bad) {
		rc = -1;
		goto out;
	}
	b->n = 7;
out:
	b->n += rc;
	kmutex_unlock(&b->lock);
	return rc;
}

int loop_relock(struct box *b, int k)
{
	int sum = 0;

	for (int i = 0; i < k; i++) {
		kmutex_lock(&b->lock);
		sum += b->n;
		kmutex_unlock(&b->lock);
	}
	return sum;
}

int switch_locked(struct box *b, int k)
{
	kmutex_lock(&b->lock);
	switch (k) {
	case 0:
		b->n = 0;
		break;
	default:
		b->n = k;
	}
	k = b->n;
	kmutex_unlock(&b->lock);
	return k;
}

void plain_mutex(struct owner *o)
{
	pthread_mutex_lock(&o->plain);
	o->counted++;
	plain_helper(o);
	pthread_mutex_unlock(&o->plain);
}

void plain_helper(struct owner *o)
{
	o->counted--;
}

unsigned long unevaluated(struct box *b)
{
	return sizeof(b->n) + sizeof(b->arr);
}

int atomic_access(struct box *b)
{
	atomic_fetch_add(&b->hits, 1);
	return __atomic_load_n(&b->n, __ATOMIC_RELAXED); /* an atomic builtin */
}

/* Nobody else can see b yet. */
void box_init(struct box *b) GUARD_EXEMPT("init: b is not published yet")
{
	memset(b, 0, sizeof(*b));
	b->n = 0;
	b->arr[0] = 0;
}

/* RELEASE: the lock is held at entry. */
void drop_both(struct owner *o)
{
	o->both = 0;
	kmutex_unlock(&o->small);
	kmutex_unlock(&o->big);
}
