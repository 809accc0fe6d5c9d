/* SPDX-License-Identifier: MIT */
/*
 * stats.c - what a torture run prints: the periodic line, the progress line
 * on a terminal, the final summary with its verdict, and the JSON object.
 *
 * Counters are summed from the workers' relaxed atomics, so a periodic line
 * is a slightly blurred snapshot; the final one is exact (workers joined).
 * Fairness follows locktorture: max/min operations per thread, flagged
 * "???" when max/2 > min, separately for admin and guest threads (they run
 * different mixes). Invariant failures are flagged "!!!".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "torture/tort_int.h"

struct agg {
	unsigned long long ops, per_op[T_MAX_OPS], err[T_MAX_OPS][T_NERR];
	unsigned long long errs[T_NERR];
	unsigned long long amax, amin, gmax, gmin;
	unsigned long long mask_writes, mask_ebusy;
};

static unsigned long long ld_rel(tcount *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

static void collect(struct torture *t, struct agg *a)
{
	memset(a, 0, sizeof(*a));
	a->amin = a->gmin = ~0ULL;
	for (unsigned i = 0; i < t->nthreads; i++) {
		struct tthread *th = &t->th[i];
		unsigned long long n = ld_rel(&th->ops);

		a->ops += n;
		if (th->guest) {
			a->gmax = n > a->gmax ? n : a->gmax;
			a->gmin = n < a->gmin ? n : a->gmin;
		} else {
			a->amax = n > a->amax ? n : a->amax;
			a->amin = n < a->amin ? n : a->amin;
		}
		for (unsigned op = 0; op < torture_nr_ops; op++) {
			a->per_op[op] += ld_rel(&th->per_op[op]);
			for (unsigned e = 0; e < T_NERR; e++) {
				unsigned long long v = ld_rel(&th->err[op][e]);

				a->err[op][e] += v;
				a->errs[e] += v;
			}
		}
	}
	for (unsigned op = 0; op < torture_nr_ops; op++)
		if (torture_ops[op].mask_write) {
			a->mask_writes += a->per_op[op];
			a->mask_ebusy += a->err[op][EBUSY];
		}
	if (a->gmin == ~0ULL)
		a->gmin = 0;
	if (a->amin == ~0ULL)
		a->amin = 0;
}

static const char *fair(unsigned long long max, unsigned long long min)
{
	return max / 2 > min ? "???" : "fair";
}

static void errno_line(FILE *f, const unsigned long long *errs)
{
	for (unsigned e = 0; e < T_NERR; e++)
		if (errs[e])
			fprintf(f, " %s=%llu", e == T_NERR - 1 ? "other" : t_errname((int)e),
				errs[e]);
}

void t_print_periodic(struct torture *t, double secs)
{
	struct agg *a = malloc(sizeof(*a));
	unsigned inv = atomic_load(&t->inv_failures);

	if (!a)
		return;
	collect(t, a);
	fprintf(t->log,
		"[%7.1fs] ops: %llu (%.0f/s) admin max/min %llu/%llu %s guest max/min "
		"%llu/%llu %s inv-fail: %u%s checks: %u reports: %u\n",
		secs, a->ops, (double)a->ops / secs, a->amax, a->amin, fair(a->amax, a->amin),
		a->gmax, a->gmin, fair(a->gmax, a->gmin), inv, inv ? " !!!" : "",
		atomic_load(&t->checks), ld_nr_reports(t->ld));
	fprintf(t->log, "           by op:");
	for (unsigned op = 0; op < torture_nr_ops; op++)
		fprintf(t->log, " %s=%llu", torture_ops[op].name, a->per_op[op]);
	fprintf(t->log, "\n           errno:");
	errno_line(t->log, a->errs);
	fprintf(t->log, "\n");
	fflush(t->log);
	free(a);
}

void t_progress(struct torture *t, double secs)
{
	unsigned long long ops = 0;

	if (!isatty(fileno(stderr)))
		return;
	for (unsigned i = 0; i < t->nthreads; i++)
		ops += ld_rel(&t->th[i].ops);
	fprintf(stderr, "\r  %.1f s, %llu ops, %u invariant failure(s), %u report(s)   ", secs, ops,
		atomic_load(&t->inv_failures), ld_nr_reports(t->ld));
	if (!t->o.ops && secs + 0.5 >= t->o.duration_s)
		fprintf(stderr, "\n");
}

static void json_summary(struct torture *t, const struct agg *a, double secs,
			 const struct torture_result *r)
{
	FILE *f = t->out;

	fprintf(f,
		"{\"verdict\":\"%s\",\"variant\":\"%s\",\"busted\":%s,\"seed\":%llu,"
		"\"threads\":%u,\"guests\":%u,\"mdevs\":%u,\"faults\":%g,\"seconds\":%.3f,"
		"\"ops\":%llu,\"ops_per_s\":%.0f,",
		r->success ? "SUCCESS" : "FAILURE", sim_variant_name(t->o.variant),
		t->o.busted ? "true" : "false", (unsigned long long)t->o.seed, t->o.threads,
		t->o.guests, t->o.mdevs, t->o.fault_rate, secs, a->ops, (double)a->ops / secs);
	fprintf(f, "\"admin_max\":%llu,\"admin_min\":%llu,\"guest_max\":%llu,\"guest_min\":%llu,",
		a->amax, a->amin, a->gmax, a->gmin);
	fprintf(f, "\"per_op\":{");
	for (unsigned op = 0; op < torture_nr_ops; op++) {
		bool first = true;

		fprintf(f, "%s\"%s\":{\"count\":%llu,\"errno\":{", op ? "," : "",
			torture_ops[op].name, a->per_op[op]);
		for (unsigned e = 0; e < T_NERR; e++)
			if (a->err[op][e]) {
				fprintf(f, "%s\"%s\":%llu", first ? "" : ",",
					e == T_NERR - 1 ? "other" : t_errname((int)e),
					a->err[op][e]);
				first = false;
			}
		fprintf(f, "}}");
	}
	fprintf(f, "},\"mask_writes\":%llu,\"mask_ebusy\":%llu,\"spurious_ebusy\":%llu,",
		(unsigned long long)r->mask_writes, (unsigned long long)r->mask_ebusy,
		(unsigned long long)r->spurious_ebusy);
	fprintf(f,
		"\"invariant_checks\":%u,\"invariant_failures\":%u,\"validator_reports\":%u,"
		"\"coverage_seen\":%u,\"coverage_declared\":%u,\"leaks\":%u}\n",
		atomic_load(&t->checks), r->invariant_failures, r->validator_reports, r->cov_seen,
		r->cov_declared, r->leaks);
	fflush(f);
}

static void per_op_table(FILE *f, const struct agg *a)
{
	fprintf(f, "%-24s %12s  %s\n", "operation", "count", "results");
	for (unsigned op = 0; op < torture_nr_ops; op++) {
		if (!a->per_op[op])
			continue;
		fprintf(f, "%-24s %12llu ", torture_ops[op].name, a->per_op[op]);
		errno_line(f, a->err[op]);
		fprintf(f, "\n");
	}
}

void t_summary(struct torture *t, double secs, struct torture_result *r, const char *cov,
	       const char *leaks, const char *reports)
{
	struct agg *a = calloc(1, sizeof(*a));
	FILE *f = t->log;

	if (!a)
		abort(); /* the verdict must not be lost quietly */
	collect(t, a);
	r->ops = a->ops;
	r->seconds = secs;
	r->mask_writes = a->mask_writes;
	r->mask_ebusy = a->mask_ebusy;
	r->spurious_ebusy = ld_rel(&t->spurious_ebusy);
	r->invariant_failures = atomic_load(&t->inv_failures);
	r->success = !r->invariant_failures && !r->validator_reports && !r->leaks &&
		     (!t->o.require_coverage || r->cov_seen == r->cov_declared);
	per_op_table(f, a);
	fprintf(f,
		"ops: %llu in %.2f s (%.0f/s, %.2f M/min); admin max/min %llu/%llu %s; "
		"guest max/min %llu/%llu %s\n",
		a->ops, secs, (double)a->ops / secs, (double)a->ops / secs * 60 / 1e6, a->amax,
		a->amin, fair(a->amax, a->amin), a->gmax, a->gmin, fair(a->gmax, a->gmin));
	fprintf(f,
		"mask writes: %llu, EBUSY: %llu (%.3f%%), spurious EBUSY (in_use trylock): "
		"%llu (%.3f%%)\n",
		a->mask_writes, a->mask_ebusy,
		a->mask_writes ? 100.0 * (double)a->mask_ebusy / (double)a->mask_writes : 0.0,
		(unsigned long long)r->spurious_ebusy,
		a->mask_writes ? 100.0 * (double)r->spurious_ebusy / (double)a->mask_writes : 0.0);
	fprintf(f, "invariant checks: %u, failures: %u%s\n", atomic_load(&t->checks),
		r->invariant_failures, r->invariant_failures ? " !!!" : "");
	if (r->invariant_failures) {
		pthread_mutex_lock(&t->msg_lock);
		fprintf(f, "first invariant failure:\n%s", t->first_failure);
		pthread_mutex_unlock(&t->msg_lock);
	}
	fprintf(f, "lock validator: %u report(s)\n", r->validator_reports);
	if (r->validator_reports && reports)
		fprintf(f, "%s", reports);
	fprintf(f, "lock-path coverage: %u/%u declared edges (%u%%)\n", r->cov_seen,
		r->cov_declared, r->cov_declared ? r->cov_seen * 100 / r->cov_declared : 100);
	if (cov && r->cov_seen < r->cov_declared)
		for (const char *p = cov; (p = strstr(p, "MISSING")); p++)
			fprintf(f, "  not seen: %.*s\n", (int)strcspn(p + 8, "\n"), p + 8);
	fprintf(f, "leaks: %s%s", leaks ? "\n" : "none\n", leaks ? leaks : "");
	fprintf(f, "%s\n", r->success ? "SUCCESS" : "FAILURE");
	fflush(f);
	if (t->o.json)
		json_summary(t, a, secs, r);
	free(a);
}
