/* SPDX-License-Identifier: MIT */
/* bad.c - every function here has exactly the findings listed in expected.txt. */
#include <string.h>

#include "fixture.h"

void write_unlocked(struct box *b)
{
	b->n = 1;
}

int read_after_unlock(struct box *b)
{
	kmutex_lock(&b->lock);
	b->n = 2;
	kmutex_unlock(&b->lock);
	return b->n;
}

/* struct other's `lock` is not struct box's `lock`. */
void wrong_lock(struct other *o)
{
	kmutex_lock(&o->lock);
	o->box->n = 3;
	kmutex_unlock(&o->lock);
}

void write_under_read_lock(struct box *b)
{
	down_read(&b->sem);
	b->tree = 4;
	up_read(&b->sem);
}

void through_pointer(struct box *b)
{
	*b->buf = 5;
	b->buf[1] = 6;
}

/* The address of a guarded field passed to a non-const pointer is a write. */
void by_address(struct box *b)
{
	memset(&b->arr, 0, sizeof(b->arr));
	memset(b->arr, 0, sizeof(b->arr));
}

void any_write_needs_all(struct owner *o)
{
	kmutex_lock(&o->small);
	o->both = 7;
	o->shown = 8;
	kmutex_unlock(&o->small);
}

/* Unlocked in one arm that falls through: not held after the if. */
void unlock_in_branch(struct box *b, int k)
{
	kmutex_lock(&b->lock);
	if (k)
		kmutex_unlock(&b->lock);
	b->n = 9;
	if (!k)
		kmutex_unlock(&b->lock);
}

void assert_too_late(struct box *b)
{
	int v = b->n;

	lockdep_assert_held(&b->lock);
	b->n = v + 1;
}

void caller_forgot(struct owner *o)
{
	plain_helper(o);
}

void inner_unlocked(struct box *b)
{
	b->sub.inner++;
}

void tag_qualified(struct owner *o, struct item *it)
{
	kmutex_lock(&o->big);
	it->v = 10;
	kmutex_unlock(&o->big);
}

/* Both arms of ?: let guarded storage escape into a non-const pointer. */
void ternary_escape(struct box *b, int k)
{
	int *p = k ? &b->n : &b->arr[0];

	*p = 11;
}
