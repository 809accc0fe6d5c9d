/* SPDX-License-Identifier: MIT */
/* badguard.c - a guard that names no lock member: the checker must fail (exit 2). */
#include "lockdep/lockdep.h"

struct typo {
	struct kmutex lock;
	int n GUARDED_BY(lok);
};

int typo_read(struct typo *t)
{
	return t->n;
}
