/* SPDX-License-Identifier: MIT */
/*
 * test_output.c - the machine-readable outputs: JSON, DOT, coverage, sink,
 * held-lock dump.
 *
 * A clean run should NOT report: JSON is "[]", DOT lists the observed
 * edges. After an ABBA the JSON array has one object with kind, classes,
 * chain and sites; the DOT marks the cycle-closing edge red; every report
 * line went to the sink; coverage counts the declared edges seen.
 */
#include "ldtest.h"

struct sinkbuf {
	unsigned lines;
	bool saw_warning;
};

static void sink(void *arg, const char *line)
{
	struct sinkbuf *s = arg;

	s->lines++;
	if (!strcmp(line, "WARNING: possible circular locking dependency detected"))
		s->saw_warning = true;
}

static unsigned count_lines(const char *t)
{
	unsigned n = 0;

	for (; *t; t++)
		n += *t == '\n';
	return n;
}

static void check_coverage(struct ld_ctx *ctx)
{
	unsigned seen, declared, chains;
	char *text;

	ld_coverage(ctx, &seen, &declared, &chains);
	tap_ok(declared == 3 && seen == 2 && chains >= 2,
	       "coverage: 2 of 3 rank pairs seen (got %u/%u, %u chains)", seen, declared, chains);
	text = ld_coverage_text(ctx);
	tap_ok(has_line(text, "declared edges seen: 2/3 (66%)") &&
		       has_line(text, "  MISSING &b -> &c") && has_line(text, "  seen    &a -> &c"),
	       "coverage text lists seen and missing edges");
	free(text);
	ld_expect_edge(ctx, "&a", "&b");
	ld_expect_edge(ctx, "&b", "&c");
	ld_coverage(ctx, &seen, &declared, NULL);
	tap_ok(declared == 2 && seen == 1, "with expected edges: 1 of 2 seen");
}

int main(void)
{
	static const char *const order[] = { "&a", "&b", "&c" };
	struct ld_ctx *ctx = ld_ctx_new();
	struct sinkbuf sb = { 0 };
	struct kmutex a, b, c;
	char *json, *dot, *text, *dump;

	pthread_setname_np(pthread_self(), "main");
	ld_set_sink(ctx, sink, &sb);
	ld_declare_order(ctx, order, 3);
	kmutex_init(&a, ctx, "&a");
	kmutex_init(&b, ctx, "&b");
	kmutex_init(&c, ctx, "&c");
	kmutex_lock(&a);
	kmutex_lock(&b);
	dump = ld_held_dump(ctx);
	tap_ok(has_line(dump, "2 locks held by main/1:") &&
		       strstr(dump, " #1: (&b){+.+.}, at: main "),
	       "held dump lists the locks");
	free(dump);
	kmutex_unlock(&a); /* out of order: the stack re-folds */
	kmutex_unlock(&b);
	kmutex_lock(&a);
	kmutex_lock(&c);
	kmutex_unlock(&c);
	kmutex_unlock(&a);
	json = ld_report_json(ctx);
	tap_ok(!strcmp(json, "[]\n") && ld_nr_reports(ctx) == 0,
	       "clean run: should NOT report, JSON is []");
	free(json);
	check_coverage(ctx);

	kmutex_lock(&b);
	kmutex_lock(&a);
	kmutex_unlock(&a);
	kmutex_unlock(&b);
	tap_ok(ld_nr_reports(ctx) == 2, "B then A: should report order and cycle");
	json = ld_report_json(ctx);
	tap_ok(json[0] == '[' && strstr(json, "{\"kind\": \"order\", \"thread\": \"main/1\"") &&
		       strstr(json, "{\"kind\": \"circular\", \"thread\": \"main/1\", "
				    "\"classes\": [\"&a\", \"&b\"], \"chain\": [\"&a\", \"&b\"], "
				    "\"sites\": ["),
	       "JSON objects carry kind, thread, classes, chain, sites");
	free(json);
	dot = ld_graph_dot(ctx);
	tap_ok(strstr(dot, "digraph lockdep {") &&
		       strstr(dot, "\"&a\" -> \"&b\" [label=\"EN\"];") &&
		       strstr(dot, "\"&b\" -> \"&a\" [label=\"cycle\", color=red];"),
	       "DOT has the observed edges and the cycle edge in red");
	free(dot);
	text = ld_report_text(ctx);
	tap_ok(sb.saw_warning && sb.lines == count_lines(text),
	       "every report line went to the sink (%u lines)", sb.lines);
	free(text);

	kmutex_destroy(&a);
	kmutex_destroy(&b);
	kmutex_destroy(&c);
	ld_ctx_free(ctx);
	return tap_done();
}
