/* SPDX-License-Identifier: MIT */
/*
 * test_locking_md.c - docs/locking.md's declared orders must equal the
 * validator's rank tables of the locking variants (src/vfio_ap/locks.c).
 * Reads the numbered list between "<!-- order:NAME -->" and "<!-- end -->".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfio_ap/vfio_ap_private.h"

static int check(FILE *f, const struct vfio_ap_lock_ops *ops, int *t)
{
	char line[256], tag[64];
	size_t i = 0;
	int in = 0, ok = 1;

	snprintf(tag, sizeof(tag), "<!-- order:%s -->", ops->name);
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		char *a, *b;

		if (!in) {
			in = strncmp(line, tag, strlen(tag)) == 0;
			continue;
		}
		if (!strncmp(line, "<!-- end -->", 12))
			break;
		a = strchr(line, '`');
		b = a ? strchr(a + 1, '`') : NULL;
		if (!a || !b)
			continue;
		*b = 0;
		if (i >= ops->norder || strcmp(a + 1, ops->order[i])) {
			printf("# %s rank %zu: docs say %s, table says %s\n", ops->name, i + 1,
			       a + 1, i < ops->norder ? ops->order[i] : "(nothing)");
			ok = 0;
		}
		i++;
	}
	if (i != ops->norder)
		ok = 0;
	printf("%s %d - docs/locking.md order:%s matches the validator's table (%zu/%zu)\n",
	       ok && in ? "ok" : "not ok", ++*t, ops->name, i, ops->norder);
	return ok && in;
}

int main(int argc, char **argv)
{
	FILE *f = fopen(argc > 1 ? argv[1] : "docs/locking.md", "r");
	int t = 0, ok;

	if (!f) {
		printf("1..1\nnot ok 1 - cannot open docs/locking.md\n");
		return 1;
	}
	ok = check(f, &vfio_ap_lock_merged, &t) & check(f, &vfio_ap_lock_v18, &t);
	printf("1..%d\n", t);
	fclose(f);
	return ok ? 0 : 1;
}
