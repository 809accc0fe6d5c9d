/* SPDX-License-Identifier: MIT */
/*
 * test_locking_md.c - docs/locking.md's declared orders must equal the
 * validator's rank tables of the locking variants (src/vfio_ap/locks.c).
 * Reads the numbered list between "<!-- order:NAME -->" and "<!-- end -->".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vfio_ap/vfio_ap_private.h"

/* Appends line and a newline to the text at *t (of length *len). */
static void append(char **t, size_t *len, const char *line)
{
	size_t n = strlen(line);

	*t = realloc(*t, *len + n + 2);
	memcpy(*t + *len, line, n);
	(*t)[*len + n] = '\n';
	*len += n + 1;
	(*t)[*len] = '\0';
}

/* One TAP line: the backquoted names of the block equal ops->order. */
static void check(FILE *f, const char *path, const struct vfio_ap_lock_ops *ops)
{
	char line[256], tag[64], *doc = calloc(1, 1), *table = calloc(1, 1);
	size_t dlen = 0, tlen = 0;
	bool in = false;

	snprintf(tag, sizeof(tag), "<!-- order:%s -->", ops->name);
	for (size_t i = 0; i < ops->norder; i++)
		append(&table, &tlen, ops->order[i]);
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
		append(&doc, &dlen, a + 1);
	}
	if (tap_ok(in, "%s has a block %s", path, tag))
		tap_same_text(doc, table, "%s order:%s matches the validator's table (%zu ranks)",
			      path, ops->name, ops->norder);
	free(doc);
	free(table);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "docs/locking.md";
	FILE *f = fopen(path, "r");

	if (!tap_ok(f != NULL, "open %s", path))
		return tap_done();
	check(f, path, &vfio_ap_lock_merged);
	check(f, path, &vfio_ap_lock_v18);
	fclose(f);
	return tap_done();
}
