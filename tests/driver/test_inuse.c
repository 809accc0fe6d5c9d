/* SPDX-License-Identifier: MIT */
/*
 * test_inuse.c - the in_use veto (docs/design.md §4.14, §9.4) and v18's
 * spurious EBUSY (§6.3), on hosts built from the services alone.
 *
 *  - setting apmask/aqmask bits is vetoed (EBUSY, mask unchanged) when an
 *    mdev has an APQN of the handed-back set assigned; binding state and
 *    guests do not matter; clearing bits is never vetoed;
 *  - only the first conflicting mdev is logged, one line per APQN;
 *  - the callback itself answers EADDRINUSE or 0;
 *  - v18 refuses a harmless mask store with EBUSY while another thread
 *    merely holds mdevs_lock; merged does not (it waits).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "dhost.h"
#include "tap.h"

#define U1 "11111111-2222-3333-4444-555555555555"
#define U2 "66666666-7777-8888-9999-aaaaaaaaaaaa"

static bool logged(struct dhost *h, const char *text)
{
	char *all = klog_dump(&h->log);
	bool found = all && strstr(all, text);

	free(all);
	return found;
}

static bool apmask_is(struct dhost *h, const char *hex_prefix)
{
	char hex[BM_HEXLEN];
	bool ok;

	kmutex_lock(&h->bus.perms_mutex);
	ok = !strncmp(bm_format(&h->bus.apm, hex), hex_prefix, strlen(hex_prefix));
	kmutex_unlock(&h->bus.perms_mutex);
	return ok;
}

static void veto(void)
{
	struct ap_machine_cfg mc;
	struct dhost *h;
	struct ap_matrix_mdev *m1, *m2;
	bm256 apm, aqm;

	dhost_default_machine(&mc);
	h = dhost_new(&mc, &vfio_ap_lock_merged);
	tap_ok(dhost_mask(h, true, "-0x03,-0x04") > 0, "apmask -0x03,-0x04");
	m1 = dhost_mdev(h, U1);
	m2 = dhost_mdev(h, U2);
	tap_ok(m1 && m2 && dhost_assign(m1, true, "3") == 1 && dhost_assign(m1, false, "5") == 1 &&
		       dhost_assign(m1, false, "6") == 1 && dhost_assign(m2, true, "4") == 1 &&
		       dhost_assign(m2, false, "7") == 1,
	       "mdev 1: 03.0005 03.0006; mdev 2: 04.0007");
	tap_ok(ap_bus_unbind(&h->bus, &h->md.vfio_ap_drv, "03.0005") == 0,
	       "03.0005 is unbound from vfio_ap (binding does not matter)");
	tap_ok(dhost_mask(h, true, "+0x03,+0x04") == -EBUSY && apmask_is(h, "0xe7"),
	       "apmask +0x03,+0x04: EBUSY, apmask unchanged (0xe7ff...)");
	tap_ok(logged(h, "vfio_ap_mdev " U1 ": Can not reserve queue 03.0005 for host driver: "
			 "in use by mdev") &&
		       logged(h, "queue 03.0006 for host driver"),
	       "one line per APQN of the first conflicting mdev");
	tap_ok(!logged(h, "queue 04.0007 for host driver"), "the second mdev is not logged");
	tap_ok(dhost_mask(h, false, "-7") > 0, "aqmask -7: clearing bits is never vetoed");
	tap_ok(dhost_assign(m2, true, "8") == 1,
	       "mdev 2 adds adapter 08 (08.0007 is now vfio_ap's)");
	tap_ok(dhost_mask(h, false, "+7") == -EBUSY,
	       "aqmask +7 would hand 08.0007 back (08 is in apmask): EBUSY");
	tap_ok(dhost_mask(h, false, "-8") > 0 && dhost_mask(h, false, "+8") > 0,
	       "aqmask -8 then +8: no mdev has domain 8: allowed");
	apm = dhost_bits(3, -1);
	aqm = dhost_bits(6, -1);
	tap_ok(vfio_ap_mdev_resource_in_use(&h->md, &apm, &aqm) == -EADDRINUSE,
	       "in_use({03}, {06}) = EADDRINUSE (the bus turns it into EBUSY)");
	aqm = dhost_bits(8, -1);
	tap_ok(vfio_ap_mdev_resource_in_use(&h->md, &apm, &aqm) == 0, "in_use({03}, {08}) = 0");
	vfio_ap_mdev_put(m1);
	vfio_ap_mdev_put(m2);
	tap_ok(dhost_free(h) == 0, "teardown: no leak, no validator report");
}

struct holder {
	struct dhost *h;
	atomic_int state; /* 1: holds mdevs_lock; 2: may let go; 3: done */
};

static void *hold_mdevs_lock(void *arg)
{
	struct holder *x = arg;

	kmutex_lock(&x->h->md.mdevs_lock);
	atomic_store(&x->state, 1);
	while (atomic_load(&x->state) != 2)
		sched_yield();
	kmutex_unlock(&x->h->md.mdevs_lock);
	ld_thread_exit(x->h->ld);
	atomic_store(&x->state, 3);
	return NULL;
}

static void spurious_ebusy(void)
{
	struct ap_machine_cfg mc;
	struct holder x = { 0 };
	pthread_t t;
	long rc;

	dhost_default_machine(&mc);
	x.h = dhost_new(&mc, &vfio_ap_lock_v18);
	tap_ok(dhost_mask(x.h, true, "-0x05") > 0, "v18 host: apmask -0x05 (no mdev exists)");
	pthread_create(&t, NULL, hold_mdevs_lock, &x);
	while (atomic_load(&x.state) != 1)
		sched_yield();
	rc = dhost_mask(x.h, true, "+0x05");
	tap_ok(rc == -EBUSY,
	       "v18: apmask +0x05 while another thread holds mdevs_lock: EBUSY "
	       "although nothing is assigned (got %ld)",
	       rc);
	atomic_store(&x.state, 2);
	pthread_join(t, NULL);
	tap_ok(dhost_mask(x.h, true, "+0x05") > 0, "v18: the same store once the lock is free: ok");
	tap_ok(dhost_free(x.h) == 0, "v18 host: no leak, no validator report");
}

int main(void)
{
	veto();
	spurious_ebusy();
	return tap_done();
}
