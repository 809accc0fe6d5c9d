/* SPDX-License-Identifier: MIT */
/*
 * run.c - one torture session from start to verdict.
 *
 * Order: build the host (default or --config), hook the lock-ops table,
 * register the expected lock edges, start the workers (admins first, then
 * guests), the checker and the watchdog; let them run for --duration or
 * until every worker has done its share of --ops, printing a periodic line;
 * then stop and join the workers (the watchdog still watching), stop the
 * watchers, run the final invariant check, read the validator, shut the
 * host down and count its leaks. SUCCESS needs zero invariant failures, zero
 * validator reports, zero leaks (and full coverage with --require-coverage).
 * --compare runs v18 and then merged with the same seed and prints their
 * mask-write EBUSY rates side by side.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "torture/tort_int.h"

void torture_opts_init(struct torture_opts *o)
{
	*o = (struct torture_opts){
		.threads = 4,
		.guests = 2,
		.mdevs = 4,
		.duration_s = 10,
		.seed = 1,
		.variant = SIM_MERGED,
		.watchdog_s = 10,
		.stat_interval_s = 5,
		.check_interval_ms = 20,
	};
	for (unsigned i = 0; i < sizeof(o->weight) / sizeof(o->weight[0]); i++)
		o->weight[i] = -1;
}

int torture_op_index(const char *name)
{
	for (unsigned i = 0; i < torture_nr_ops; i++)
		if (!strcmp(torture_ops[i].name, name))
			return (int)i;
	return -1;
}

const char *torture_op_name(unsigned i)
{
	return i < torture_nr_ops ? torture_ops[i].name : NULL;
}

/* Up to max ids of set (ascending), then one id not in set, preferring > hi_from. */
static unsigned pool_from(const bm256 *set, unsigned max_id, unsigned hi_from, unsigned max,
			  unsigned *pool)
{
	unsigned n = 0, id, extra = BM_BITS;

	bm_for_each(id, set) {
		if (n == max || id > max_id)
			break;
		pool[n++] = id;
	}
	for (id = hi_from <= max_id ? hi_from : 0; id <= max_id && extra == BM_BITS; id++)
		if (!bm_test(set, id))
			extra = id;
	if (extra != BM_BITS)
		pool[n++] = extra;
	return n;
}

static void setup_pools(struct torture *t, const struct sim_config *cfg)
{
	bm256 cards;

	bm_zero(&cards);
	for (unsigned a = 0; a < BM_BITS; a++)
		if (cfg->machine.cards[a].present)
			bm_set(&cards, a);
	t->napids = pool_from(&cards, (unsigned)ap_machine_na(&cfg->machine), 64, 4, t->apids);
	t->napqis = pool_from(&cfg->machine.usage_domains, (unsigned)ap_machine_nd(&cfg->machine),
			      16, 4, t->apqis);
	t->ncdoms = pool_from(&cfg->machine.control_domains, (unsigned)ap_machine_nd(&cfg->machine),
			      16, 3, t->cdoms);
	for (unsigned i = 0; i < t->o.mdevs; i++)
		snprintf(t->uuids[i], sizeof(t->uuids[i]), "%08x-0000-4000-8000-%012x", 0x7e57u + i,
			 i + 1);
}

static void *worker_main(void *arg)
{
	struct tthread *th = arg;
	char name[16];

	snprintf(name, sizeof(name), "tort-%c%u", th->guest ? 'g' : 'a', th->idx);
	pthread_setname_np(pthread_self(), name);
	t_run_thread_ops(th);
	ld_thread_exit(th->t->ld);
	return NULL;
}

static int start_workers(struct torture *t)
{
	unsigned n = t->nthreads;

	for (unsigned i = 0; i < n; i++) {
		struct tthread *th = &t->th[i];

		th->t = t;
		th->idx = i;
		th->guest = i >= t->o.threads;
		th->slot = th->guest ? (i - t->o.threads) % t->o.mdevs : 0;
		th->rng = t->o.seed + i;
		th->quota = t->o.ops ? t->o.ops / n + (i < t->o.ops % n) : 0;
		atomic_store(&th->cur_op, -1);
		if (pthread_create(&th->tid, NULL, worker_main, th)) {
			atomic_store(&t->stop, true);
			while (i--)
				pthread_join(t->th[i].tid, NULL);
			return -1;
		}
	}
	return 0;
}

static bool all_done(struct torture *t)
{
	for (unsigned i = 0; i < t->nthreads; i++)
		if (!atomic_load(&t->th[i].done))
			return false;
	return true;
}

/* The main thread's loop: periodic lines and the progress line until the end. */
static double supervise(struct torture *t)
{
	double next_stat = t->o.stat_interval_s, next_prog = 0.5, secs = 0;
	struct timespec nap = { 0, 50 * 1000000L };

	for (;;) {
		nanosleep(&nap, NULL);
		secs = (double)(t_now_ns() - t->t0_ns) / 1e9;
		if (all_done(t) || (!t->o.ops && secs >= t->o.duration_s))
			break;
		if (t->o.quiet)
			continue;
		if (t->o.stat_interval_s > 0 && secs >= next_stat) {
			t_print_periodic(t, secs);
			next_stat += t->o.stat_interval_s;
		}
		if (secs >= next_prog) {
			t_progress(t, secs);
			next_prog += 0.5;
		}
	}
	return secs;
}

static int finish(struct torture *t, double secs, struct torture_result *r)
{
	char check[4096], leaks[4096];
	char *cov = ld_coverage_text(t->ld), *reports = ld_report_text(t->ld);
	int n = sim_check(t->sim, check, sizeof(check));

	if (n) {
		atomic_fetch_add(&t->inv_failures, (unsigned)n);
		t_record_failure(t, check);
		fprintf(t->log, "torture: final invariant check failed (%d):\n%s", n, check);
	}
	ld_coverage(t->ld, &r->cov_seen, &r->cov_declared, NULL);
	r->validator_reports = ld_nr_reports(t->ld);
	krwsem_destroy(&t->mask_rwsem);
	r->leaks = (unsigned)sim_free(t->sim, leaks, sizeof(leaks));
	t->sim = NULL;
	t_summary(t, secs, r, cov, r->leaks ? leaks : NULL, reports);
	free(cov);
	free(reports);
	return r->success ? 0 : 1;
}

static int run_one(const struct torture_opts *o, const struct sim_config *cfg, FILE *out,
		   struct torture_result *r)
{
	struct torture *t = calloc(1, sizeof(*t));
	pthread_t checker, watchdog;
	char err[256];
	int rc = 2;

	if (!t)
		return 2;
	t->o = *o;
	t->out = out;
	t->log = o->json ? stderr : out;
	t->nthreads = o->threads + o->guests;
	for (unsigned i = 0; i < torture_nr_ops; i++)
		t->weight[i] = o->weight[i] >= 0 ? (unsigned)o->weight[i] : torture_ops[i].weight;
	t->th = calloc(t->nthreads, sizeof(*t->th));
	pthread_mutex_init(&t->msg_lock, NULL);
	t->sim = t->th ? sim_new(cfg, o->variant, err, sizeof(err)) : NULL;
	if (!t->sim) {
		fprintf(stderr, "torture: %s\n", t->th ? err : "out of memory");
		goto out;
	}
	t->fs = sim_sysfs(t->sim);
	t->ld = sim_lockdep(t->sim);
	setup_pools(t, cfg);
	t_install_hooks(t);
	t_expect_edges(t);
	krwsem_init(&t->mask_rwsem, t->ld, "torture_mask_rwsem");
	if (o->validator_off)
		ld_set_enabled(t->ld, false);
	fprintf(t->log,
		"torture: variant %s%s seed %llu threads %u admin + %u guest, %u mdevs, "
		"faults %.3f, %s %g\n",
		sim_variant_name(o->variant), o->busted ? " (BUSTED)" : "",
		(unsigned long long)o->seed, o->threads, o->guests, o->mdevs, o->fault_rate,
		o->ops ? "ops" : "duration", o->ops ? (double)o->ops : o->duration_s);
	t->t0_ns = t_now_ns();
	if (start_workers(t) || t_start_watchers(t, &checker, &watchdog)) {
		fprintf(stderr, "torture: cannot start threads\n");
		atomic_store(&t->stop, true);
		goto out; /* a half-started run is not worth unwinding */
	}
	double secs = supervise(t);

	atomic_store(&t->stop, true);
	for (unsigned i = 0; i < t->nthreads; i++)
		pthread_join(t->th[i].tid, NULL);
	secs = (double)(t_now_ns() - t->t0_ns) / 1e9;
	t_stop_watchers(t, checker, watchdog);
	if (o->validator_off)
		ld_set_enabled(t->ld, true);
	rc = finish(t, secs, r);
out:
	pthread_mutex_destroy(&t->msg_lock);
	free(t->th);
	free(t);
	return rc;
}

static void compare(FILE *log, const struct torture_result *v18, const struct torture_result *m)
{
	fprintf(log, "design comparison (same seed): mask writes that failed with EBUSY\n");
	fprintf(log, "  v18:    %llu of %llu (%.3f%%), spurious (in_use trylock) %llu (%.3f%%)\n",
		(unsigned long long)v18->mask_ebusy, (unsigned long long)v18->mask_writes,
		v18->mask_writes ? 100.0 * (double)v18->mask_ebusy / (double)v18->mask_writes : 0,
		(unsigned long long)v18->spurious_ebusy,
		v18->mask_writes ? 100.0 * (double)v18->spurious_ebusy / (double)v18->mask_writes :
				   0);
	fprintf(log, "  merged: %llu of %llu (%.3f%%), spurious %llu (%.3f%%)\n",
		(unsigned long long)m->mask_ebusy, (unsigned long long)m->mask_writes,
		m->mask_writes ? 100.0 * (double)m->mask_ebusy / (double)m->mask_writes : 0,
		(unsigned long long)m->spurious_ebusy,
		m->mask_writes ? 100.0 * (double)m->spurious_ebusy / (double)m->mask_writes : 0);
}

int torture_run(const struct torture_opts *o, FILE *out, struct torture_result *res)
{
	struct sim_config cfg;
	struct torture_result r = { 0 }, r2 = { 0 };
	char err[512];
	int rc;

	if (o->config_path) {
		sim_config_init(&cfg);
		if (sim_config_parse_file(&cfg, o->config_path, err, sizeof(err))) {
			fprintf(stderr, "torture: %s\n", err);
			return 2;
		}
	} else {
		sim_config_default(&cfg);
	}
	if (!o->compare) {
		rc = run_one(o, &cfg, out, &r);
	} else {
		struct torture_opts v = *o;

		v.variant = SIM_V18;
		rc = run_one(&v, &cfg, out, &r);
		v.variant = SIM_MERGED;
		if (rc != 2) {
			int rc2 = run_one(&v, &cfg, out, &r2);

			rc = rc2 > rc ? rc2 : rc;
			compare(o->json ? stderr : out, &r, &r2);
		}
	}
	if (res)
		*res = r;
	return rc;
}
