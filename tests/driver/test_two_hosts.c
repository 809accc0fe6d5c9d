/* SPDX-License-Identifier: MIT */
/*
 * test_two_hosts.c - "many hosts in one process" (docs/design.md §1.2),
 * tested: two hosts built from their own services, different locking
 * variants (merged and v18, whose declared lock orders contradict each
 * other), driven at the same time by two threads that start together.
 *
 * Each thread repeats a full life cycle on its own host: create an mdev,
 * assign adapters and domains, attach a guest, hot plug and unplug, detach,
 * remove; and checks every intermediate result. Nothing may leak between
 * the hosts: no validator report (one host's order would be a violation in
 * the other's), no log line naming the other host's mdevs, no leftovers.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#include "dhost.h"
#include "tap.h"

#define ROUNDS 400

struct run {
	struct dhost *h;
	const char *name;
	unsigned a1, a2, d1, d2; /* this host's adapters and domains */
	pthread_barrier_t *start;
	int failures;
	char first[200];
};

static void fail(struct run *r, unsigned round, const char *what)
{
	if (!r->failures++)
		snprintf(r->first, sizeof(r->first), "round %u: %s", round, what);
}

static bool guest_has(struct kvm *kvm, unsigned a, unsigned d, bool want)
{
	struct kvm_apcb apcb;

	kvm_get_apcb(kvm, &apcb);
	return (bm_test(&apcb.apm, a) && bm_test(&apcb.aqm, d)) == want;
}

static void one_round(struct run *r, unsigned round)
{
	char uuid[40], v[16];
	struct ap_matrix_mdev *m;
	struct kvm *kvm;

	snprintf(uuid, sizeof(uuid), "%08x-0000-4000-8000-%012x", round, r->a1);
	m = dhost_mdev(r->h, uuid);
	if (!m)
		return fail(r, round, "create");
	snprintf(v, sizeof(v), "%u", r->a1);
	if (dhost_assign(m, true, v) != (long)strlen(v))
		fail(r, round, "assign first adapter");
	snprintf(v, sizeof(v), "%u", r->d1);
	if (dhost_assign(m, false, v) != (long)strlen(v))
		fail(r, round, "assign first domain");
	kvm = kvm_create(r->h->ld, round, CRYCB_FORMAT2);
	if (!kvm || vfio_ap_mdev_open(m, kvm))
		return fail(r, round, "guest attach");
	if (!guest_has(kvm, r->a1, r->d1, true))
		fail(r, round, "guest sees the first APQN");
	snprintf(v, sizeof(v), "%u", r->a2);
	if (dhost_assign(m, true, v) != (long)strlen(v) || !guest_has(kvm, r->a2, r->d1, true))
		fail(r, round, "hot plug of the second adapter");
	snprintf(v, sizeof(v), "%u", r->d2);
	if (dhost_assign(m, false, v) != (long)strlen(v) || !guest_has(kvm, r->a2, r->d2, true))
		fail(r, round, "hot plug of the second domain");
	snprintf(v, sizeof(v), "%u", r->a1);
	if (vfio_ap_unassign(m, true, v, strlen(v)) != (long)strlen(v) ||
	    !guest_has(kvm, r->a1, r->d1, false) || !guest_has(kvm, r->a2, r->d2, true))
		fail(r, round, "hot unplug of the first adapter");
	vfio_ap_mdev_close(m);
	if (kvm_destroy(kvm))
		fail(r, round, "guest resources left");
	vfio_ap_mdev_put(m);
	if (vfio_ap_mdev_remove_store(m, "1", 1) != 1)
		fail(r, round, "remove");
}

static void *drive(void *arg)
{
	struct run *r = arg;

	pthread_barrier_wait(r->start);
	for (unsigned i = 0; i < ROUNDS; i++)
		one_round(r, i);
	ld_thread_exit(r->h->ld);
	return NULL;
}

/* Does this host's log name any mdev of the other host (uuids end in its adapter)? */
static bool log_mentions(struct dhost *h, unsigned other_a1)
{
	char tail[16], *all = klog_dump(&h->log);
	bool found;

	snprintf(tail, sizeof(tail), "-%012x", other_a1);
	found = all && strstr(all, tail);
	free(all);
	return found;
}

int main(void)
{
	struct ap_machine_cfg mc;
	pthread_barrier_t start;
	struct run r[2] = {
		{ .name = "merged", .a1 = 3, .a2 = 4, .d1 = 1, .d2 = 2 },
		{ .name = "v18", .a1 = 5, .a2 = 6, .d1 = 3, .d2 = 4 },
	};
	pthread_t t[2];

	dhost_default_machine(&mc);
	r[0].h = dhost_new(&mc, &vfio_ap_lock_merged);
	r[1].h = dhost_new(&mc, &vfio_ap_lock_v18);
	tap_ok(dhost_mask(r[0].h, true, "-0x03,-0x04") > 0 &&
		       dhost_mask(r[1].h, true, "-0x05,-0x06") > 0,
	       "host A gives 03,04 to vfio_ap, host B 05,06");
	pthread_barrier_init(&start, NULL, 2);
	for (int i = 0; i < 2; i++) {
		r[i].start = &start;
		pthread_create(&t[i], NULL, drive, &r[i]);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);
	for (int i = 0; i < 2; i++) {
		tap_ok(r[i].failures == 0, "host %s: %d life cycles, %d wrong results%s%s",
		       r[i].name, ROUNDS, r[i].failures, r[i].failures ? ": first " : "",
		       r[i].first);
		tap_ok(ld_nr_reports(r[i].h->ld) == 0,
		       "host %s: its validator saw only its own variant's order", r[i].name);
		tap_ok(!log_mentions(r[i].h, r[1 - i].a1),
		       "host %s: its log names no mdev of the other", r[i].name);
		tap_ok(atomic_load(&r[i].h->md.nr_push) >= 4 * ROUNDS,
		       "host %s: %llu PUSHes reached its own guests", r[i].name,
		       (unsigned long long)atomic_load(&r[i].h->md.nr_push));
	}
	tap_ok(dhost_free(r[0].h) == 0 && dhost_free(r[1].h) == 0,
	       "both hosts tear down without leaks or reports");
	return tap_done();
}
