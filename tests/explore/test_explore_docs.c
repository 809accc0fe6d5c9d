/* SPDX-License-Identifier: MIT */
/*
 * test_explore_docs.c - docs/locking.md's "Explored pairs" blocks must be
 * what the explorer finds now: for each locking variant, every pair of
 * operations in both states (docs/explorer.md §2), the counts by verdict
 * and every pair that is not clean. The block sits between
 * "<!-- explore:VARIANT -->" and "<!-- end -->".
 *
 *   test_explore_docs docs/locking.md       TAP: one check per variant
 *   test_explore_docs --print               the blocks' text, to paste
 *
 * Every exploration must be complete and merged must have no finding other
 * than the explained ones (docs/explorer.md §6).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "tap.h"

static const char *const variants[] = { "merged", "v18", "v18-blocking" };

struct text {
	char *p;
	size_t len;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	t->p = realloc(t->p, t->len + (size_t)n + 1);
	if (!t->p)
		abort();
	va_start(ap, fmt);
	vsnprintf(t->p + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* The block for one variant; *complete and *unexplained for the checks. */
static char *block(const char *variant, size_t *incomplete, size_t *unexplained)
{
	static const enum ex_state both[] = { EX_DETACHED, EX_ATTACHED };
	struct ex_opts o = { .lops = ex_lops(variant), .mode = EX_MODE_DPOR, .cpu = -1 };
	unsigned long long kinds[EX_SETUP + 1] = { 0 };
	size_t n, explained = 0, clean = 0;
	struct ex_row *rows;
	struct text t = { 0 };

	*incomplete = *unexplained = 0;
	if (ex_table(&o, 2, both, 2, 2, &rows, &n))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const struct ex_result *r = &rows[i].r;

		if (!r->complete || r->error) {
			(*incomplete)++;
			printf("# %s %s %s+%s: %s after %llu executions\n", variant,
			       rows[i].state == EX_ATTACHED ? "attached" : "detached",
			       ex_op_name(rows[i].ops[0]), ex_op_name(rows[i].ops[1]),
			       r->error ? r->error : "incomplete", r->executions);
		}
		if (r->best.kind == EX_OK)
			clean++;
		else if (r->best.known >= 0)
			explained++;
		else
			kinds[r->best.kind]++;
		*unexplained += ex_result_failed(r);
	}
	put(&t, "%zu pairs explored completely: %zu clean", n - *incomplete, clean);
	for (int k = EX_DEADLOCK; k <= EX_SETUP; k++)
		if (kinds[k])
			put(&t, ", %llu %s", kinds[k], ex_kind_name((enum ex_kind)k));
	put(&t, ", %zu explained.\n\n", explained);
	put(&t, "| state | operations | finding | preemptions |\n|---|---|---|---:|\n");
	for (size_t i = 0; i < n; i++) {
		const struct ex_result *r = &rows[i].r;

		if (r->best.kind == EX_OK && !r->error)
			continue;
		put(&t, "| %s | %s + %s | ", ex_state_name(rows[i].state),
		    ex_op_name(rows[i].ops[0]), ex_op_name(rows[i].ops[1]));
		if (r->error)
			put(&t, "error | |\n");
		else if (r->best.known >= 0)
			put(&t, "explained: %s | %u |\n", ex_known_name(r->best.known),
			    r->best.preemptions);
		else
			put(&t, "%s | %u |\n", ex_kind_name(r->best.kind), r->best.preemptions);
	}
	ex_rows_free(rows, n);
	return t.p;
}

/* The text between the variant's marker and the next "<!-- end -->". */
static char *doc_block(const char *path, const char *variant)
{
	FILE *f = fopen(path, "r");
	char line[1024], tag[64];
	struct text t = { 0 };
	bool in = false, found = false;

	if (!f)
		return NULL;
	snprintf(tag, sizeof(tag), "<!-- explore:%s -->", variant);
	while (fgets(line, sizeof(line), f)) {
		if (!in) {
			in = found = !strncmp(line, tag, strlen(tag));
			continue;
		}
		if (!strncmp(line, "<!-- end -->", 12))
			break;
		put(&t, "%s", line);
	}
	fclose(f);
	if (!found) {
		free(t.p);
		return NULL;
	}
	return t.p ? t.p : strdup("");
}

int main(int argc, char **argv)
{
	bool print = argc > 1 && !strcmp(argv[1], "--print");

	if (argc != 2) {
		fprintf(stderr, "usage: test_explore_docs docs/locking.md | --print\n");
		return 2;
	}
	for (unsigned v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		size_t incomplete, unexplained;
		char *got = block(variants[v], &incomplete, &unexplained), *want;

		if (print) {
			printf("<!-- explore:%s -->\n%s<!-- end -->\n\n", variants[v],
			       got ? got : "");
			free(got);
			continue;
		}
		tap_ok(got && incomplete == 0, "%s: every pair explored completely (%zu not)",
		       variants[v], incomplete);
		if (!strcmp(variants[v], "merged"))
			tap_ok(unexplained == 0,
			       "merged: no deadlock and no finding that is not explained (%zu)",
			       unexplained);
		want = doc_block(argv[1], variants[v]);
		if (tap_ok(want != NULL, "%s has a block <!-- explore:%s -->", argv[1],
			   variants[v]))
			tap_same_text(got, want,
				      "%s: the block is what the explorer finds now "
				      "(regenerate: test_explore_docs --print)",
				      variants[v]);
		free(got);
		free(want);
	}
	return print ? 0 : tap_done();
}
