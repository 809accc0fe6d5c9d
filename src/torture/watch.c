/* SPDX-License-Identifier: MIT */
/*
 * watch.c - what watches a torture run: the lock-ops hooks, the expected
 * lock edges for coverage, the invariant checker thread and the watchdog.
 *
 * Hooks. The harness copies the variant's struct vfio_ap_lock_ops into its
 * context and points the matrix device at the copy before any worker runs
 * (the driver itself is not touched):
 *   - in_use_lock is wrapped to count the EBUSY that v18's trylock returns
 *     without any real conflict (the "spurious EBUSY" of the design
 *     comparison); the wrapper finds the context with container_of;
 *   - --busted replaces owned_by_def_drv with one that never finds an owner,
 *     i.e. the ownership check is skipped: assignments of queues reserved for
 *     the host succeed and the invariant checker must notice.
 * Checker: every check_interval_ms, sim_check() with mask stores held off
 * (mask_rwsem for write), and a look at the validator's report count.
 * Watchdog: a worker inside one operation for longer than watchdog_s is a
 * hang; it prints each worker's operation and every thread's held locks,
 * FAILURE, and ends the process with _exit(1), since deadlocked workers can
 * never be joined.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "torture/tort_int.h"

uint64_t t_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void nap_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* --- lock-ops hooks ----------------------------------------------------------- */

static struct torture *hook_ctx(struct ap_matrix_dev *md)
{
	return (struct torture *)((char *)md->lops - offsetof(struct torture, lops));
}

static bool counting_in_use_lock(struct ap_matrix_dev *md)
{
	struct torture *t = hook_ctx(md);
	bool locked = t->variant_lops->in_use_lock(md);

	if (!locked)
		atomic_fetch_add_explicit(&t->spurious_ebusy, 1, memory_order_relaxed);
	return locked;
}

/* --busted: the ownership check that never finds the host's reservation. */
static bool busted_owned(struct ap_matrix_dev *md, const bm256 *apm, const bm256 *aqm)
{
	return false;
}

void t_install_hooks(struct torture *t)
{
	struct ap_matrix_dev *md = sim_matrix_dev(t->sim);

	t->variant_lops = md->lops;
	t->lops = *md->lops;
	t->lops.in_use_lock = counting_in_use_lock;
	if (t->o.busted)
		t->lops.owned_by_def_drv = busted_owned;
	md->lops = &t->lops; /* no worker runs yet */
}

/* --- expected edges (docs/locking.md, "Per path"; the variant table) -------- */

void t_expect_edges(struct torture *t)
{
	const struct vfio_ap_lock_ops *v = t->variant_lops;

	for (size_t i = 0; i < vfio_ap_nr_common_edges; i++)
		ld_expect_edge(t->ld, vfio_ap_common_edges[i].outer, vfio_ap_common_edges[i].inner);
	for (size_t i = 0; i < v->nedges; i++)
		ld_expect_edge(t->ld, v->edges[i].outer, v->edges[i].inner);
}

/* --- failures ------------------------------------------------------------------ */

void t_record_failure(struct torture *t, const char *what)
{
	pthread_mutex_lock(&t->msg_lock);
	if (!t->first_failure[0])
		snprintf(t->first_failure, sizeof(t->first_failure), "%s", what);
	pthread_mutex_unlock(&t->msg_lock);
}

/* --- checker ------------------------------------------------------------------- */

static void *checker_main(void *arg)
{
	struct torture *t = arg;
	char rep[2048];

	pthread_setname_np(pthread_self(), "tort-check");
	while (!atomic_load(&t->watch_stop)) {
		int n;

		nap_ms(t->o.check_interval_ms);
		down_write(&t->mask_rwsem);
		n = sim_check(t->sim, rep, sizeof(rep));
		up_write(&t->mask_rwsem);
		atomic_fetch_add(&t->checks, 1);
		if (n) {
			atomic_fetch_add(&t->inv_failures, (unsigned)n);
			t_record_failure(t, rep);
			if (!t->o.quiet)
				fprintf(t->log, "torture: invariant check failed (%d):\n%s", n,
					rep);
		}
		if (!atomic_load(&t->report_seen) && ld_nr_reports(t->ld)) {
			char *txt = ld_report_text(t->ld);

			atomic_store(&t->report_seen, true);
			fprintf(t->log, "torture: lock validator report after %.1f s:\n%s",
				(double)(t_now_ns() - t->t0_ns) / 1e9, txt ? txt : "");
			fflush(t->log);
			free(txt);
		}
	}
	ld_thread_exit(t->ld);
	return NULL;
}

/* --- watchdog -------------------------------------------------------------------- */

static void hang(struct torture *t, struct tthread *stuck, double secs)
{
	char *dump = ld_held_dump(t->ld), *reports = ld_report_text(t->ld);

	fprintf(t->log, "torture: WATCHDOG: no progress: thread %u stuck in %s for %.1f s\n",
		stuck->idx, torture_ops[atomic_load(&stuck->cur_op)].name, secs);
	for (unsigned i = 0; i < t->nthreads; i++) {
		struct tthread *th = &t->th[i];
		uint64_t s = atomic_load(&th->op_start_ns);

		if (s)
			fprintf(t->log, "  thread %u (%s): in %s for %.1f s\n", i,
				th->guest ? "guest" : "admin",
				torture_ops[atomic_load(&th->cur_op)].name,
				(double)(t_now_ns() - s) / 1e9);
		else
			fprintf(t->log, "  thread %u (%s): between operations\n", i,
				th->guest ? "guest" : "admin");
	}
	fprintf(t->log,
		"held locks (the lock each stuck thread waits for is the next one its "
		"operation takes):\n%s",
		dump ? dump : "(no dump)\n");
	if (reports && *reports)
		fprintf(t->log, "lock validator reports so far:\n%s", reports);
	fprintf(t->log, "FAILURE\n");
	if (t->o.json)
		printf("{\"verdict\":\"FAILURE\",\"reason\":\"hang\",\"variant\":\"%s\"}\n",
		       sim_variant_name(t->o.variant));
	fflush(NULL);
	_exit(1);
}

static void *watchdog_main(void *arg)
{
	struct torture *t = arg;
	uint64_t limit = (uint64_t)(t->o.watchdog_s * 1e9);

	pthread_setname_np(pthread_self(), "tort-watchdog");
	while (!atomic_load(&t->watch_stop)) {
		uint64_t now = t_now_ns();

		for (unsigned i = 0; i < t->nthreads; i++) {
			uint64_t s = atomic_load(&t->th[i].op_start_ns);

			if (s && now > s && now - s > limit)
				hang(t, &t->th[i], (double)(now - s) / 1e9);
		}
		nap_ms(100);
	}
	return NULL;
}

int t_start_watchers(struct torture *t, pthread_t *checker, pthread_t *watchdog)
{
	if (pthread_create(checker, NULL, checker_main, t))
		return -1;
	if (pthread_create(watchdog, NULL, watchdog_main, t)) {
		atomic_store(&t->watch_stop, true);
		pthread_join(*checker, NULL);
		return -1;
	}
	return 0;
}

void t_stop_watchers(struct torture *t, pthread_t checker, pthread_t watchdog)
{
	atomic_store(&t->watch_stop, true);
	pthread_join(checker, NULL);
	pthread_join(watchdog, NULL);
}
