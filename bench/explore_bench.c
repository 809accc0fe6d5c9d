/* SPDX-License-Identifier: MIT */
/*
 * explore_bench.c - what the deadlock explorer costs (docs/explorer.md §8).
 *
 *   executions/s    DPOR over merged remove + host_config with a guest (the
 *                   largest pair: every execution boots a host, runs three
 *                   threads and checks the outcome), and the cost of one
 *                   scheduling step (wall time / steps)
 *   all pairs       `--all-pairs` of each variant with 2 jobs: wall time and
 *                   the summed time of the explorations
 *   reduction       executions of DPOR against every schedule (--naive) on
 *                   pairs small enough to enumerate
 *
 * Each figure is the median of RUNS runs (argv[1], default 3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explore/explore.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static struct ex_opts opts(const char *variant, enum ex_state st, const char *a, const char *b)
{
	struct ex_opts o = {
		.lops = ex_lops(variant), .state = st, .nops = 2, .mode = EX_MODE_DPOR, .cpu = -1
	};

	o.ops[0] = ex_op_lookup(a);
	o.ops[1] = ex_op_lookup(b);
	return o;
}

int main(int argc, char **argv)
{
	unsigned runs = argc > 1 ? (unsigned)atoi(argv[1]) : 3;
	double rate[64], step[64], wall[64], sum[64];
	static const char *const variants[] = { "merged", "v18", "v18-blocking" };
	static const struct {
		const char *variant;
		enum ex_state st;
		const char *a, *b;
	} small[] = {
		{ "v18", EX_DETACHED, "assign_domain", "apmask" },
		{ "merged", EX_DETACHED, "assign_adapter", "unassign_adapter" },
		{ "merged", EX_DETACHED, "guest_open", "bind" },
		{ "merged", EX_ATTACHED, "aqic", "reset" },
	};
	unsigned long long execs = 0, steps = 0;

	if (runs < 1 || runs > 64)
		runs = 3;
	for (unsigned i = 0; i < runs; i++) {
		struct ex_opts o = opts("merged", EX_ATTACHED, "remove", "host_config");
		struct ex_result r;
		double t0 = now(), t;

		ex_explore(&o, &r);
		t = now() - t0;
		execs = r.executions;
		steps = r.steps;
		rate[i] = (double)r.executions / t;
		step[i] = t / (double)r.steps * 1e6;
		ex_result_free(&r);
	}
	printf("executions/s   merged remove + host_config (attached): %llu executions, %llu steps\n",
	       execs, steps);
	printf("               %.0f executions/s, %.1f us per scheduling step (median of %u)\n\n",
	       median(rate, runs), median(step, runs), runs);

	printf("%-14s %12s %12s %14s\n", "all pairs", "executions", "wall s", "exploration s");
	for (unsigned v = 0; v < 3; v++) {
		static const enum ex_state both[] = { EX_DETACHED, EX_ATTACHED };
		struct ex_opts o = { .lops = ex_lops(variants[v]),
				     .mode = EX_MODE_DPOR,
				     .cpu = -1 };

		for (unsigned i = 0; i < runs; i++) {
			struct ex_row *rows;
			size_t n;
			double t0 = now();

			if (ex_table(&o, 2, both, 2, 2, &rows, &n))
				return 1;
			wall[i] = now() - t0;
			sum[i] = 0;
			execs = 0;
			for (size_t k = 0; k < n; k++) {
				sum[i] += rows[k].r.seconds;
				execs += rows[k].r.executions;
			}
			ex_rows_free(rows, n);
		}
		printf("%-14s %12llu %12.1f %14.1f\n", variants[v], execs, median(wall, runs),
		       median(sum, runs));
	}

	printf("\n%-46s %8s %8s %8s\n", "reduction (DPOR against every schedule)", "DPOR", "every",
	       "factor");
	for (unsigned i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		struct ex_opts o = opts(small[i].variant, small[i].st, small[i].a, small[i].b);
		struct ex_result d, n;
		char name[64];

		ex_explore(&o, &d);
		o.mode = EX_MODE_NAIVE;
		ex_explore(&o, &n);
		snprintf(name, sizeof(name), "%s %s %s + %s", small[i].variant,
			 ex_state_name(small[i].st), small[i].a, small[i].b);
		printf("%-46s %8llu %8llu %7.0fx%s\n", name, d.executions, n.executions,
		       (double)n.executions / (double)(d.executions ? d.executions : 1),
		       d.outcomes == n.outcomes ? "" : "  (OUTCOMES DIFFER)");
		ex_result_free(&d);
		ex_result_free(&n);
	}
	return 0;
}
