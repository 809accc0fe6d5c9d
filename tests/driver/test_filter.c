/* SPDX-License-Identifier: MIT */
/*
 * test_filter.c - FILTER and FILTER_CDOMS (docs/design.md §5.1, §5.2) as
 * single functions, on a host built from the services alone.
 *
 * Adapters 03 and 04 (all domains) are given to vfio_ap; one mdev is
 * assigned to and filtered directly under the update locks, so each case
 * sees exactly one filtering pass: its result, `changed` and apm_filtered.
 */
#include "dhost.h"
#include "tap.h"

#define U "11111111-2222-3333-4444-555555555555"

struct pass {
	bool changed;
	bm256 filtered;
	char shadow[512];
};

static struct pass filter(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;
	struct pass p;

	get_update_locks_for_mdev(md, m);
	p.changed = vfio_ap_mdev_filter_matrix(m, &p.filtered);
	release_update_locks_for_mdev(md, m);
	dhost_shadow(m, p.shadow, sizeof(p.shadow));
	return p;
}

/* Sets matrix.apm / matrix.aqm directly (no assign-time filtering) and links. */
static void set_matrix(struct ap_matrix_mdev *m, bm256 apm, bm256 aqm)
{
	struct ap_matrix_dev *md = m->md;
	unsigned id;

	get_update_locks_for_mdev(md, m);
	m->matrix.apm = apm;
	m->matrix.aqm = aqm;
	bm_for_each(id, &apm)
		vfio_ap_mdev_link_apid(m, id);
	release_update_locks_for_mdev(md, m);
}

/* The last ZAPQ status of a linked queue. */
static void set_status(struct ap_matrix_mdev *m, unsigned apqn, unsigned rc)
{
	struct vfio_ap_queue *q;

	kmutex_lock(&m->md->mdevs_lock);
	q = vfio_ap_mdev_get_queue(m, apqn);
	if (q)
		vfio_ap_queue_set_status(q, APQSW_MAKE(rc, 0));
	kmutex_unlock(&m->md->mdevs_lock);
	if (!q)
		tap_diag("queue %02x.%04x is not linked", AP_QID_CARD(apqn), AP_QID_QUEUE(apqn));
}

static void filter_matrix(struct dhost *h, struct ap_matrix_mdev *m)
{
	struct pass p;
	bm256 none;

	bm_zero(&none);
	set_matrix(m, dhost_bits(3, 7, -1), none);
	p = filter(m);
	tap_ok(!strcmp(p.shadow, "03.\n") && p.changed,
	       "empty aqm: every assigned adapter in the host config is shown (07 is not configured)");
	p = filter(m);
	tap_ok(!p.changed && bm_empty(&p.filtered),
	       "a second pass with nothing new reports no change");

	set_matrix(m, dhost_bits(3, 4, -1), dhost_bits(5, 6, 0x20, -1));
	p = filter(m);
	tap_ok(!strcmp(p.shadow, "03.0005\n03.0006\n04.0005\n04.0006\n") && p.changed,
	       "domain 0x20 outside the host config is dropped, bound queues pass");

	set_status(m, AP_MKQID(4, 6), AP_RESPONSE_DECONFIGURED);
	set_status(m, AP_MKQID(3, 5), AP_RESPONSE_CHECKSTOPPED);
	p = filter(m);
	tap_ok(!strcmp(p.shadow, "03.0005\n03.0006\n04.0005\n04.0006\n") && !p.changed,
	       "reset status 03 (deconfigured) and 04 (check-stopped) keep their adapter");

	set_status(m, AP_MKQID(4, 6), AP_RESPONSE_RESET_IN_PROGRESS);
	p = filter(m);
	tap_ok(!strcmp(p.shadow, "03.0005\n03.0006\n") && p.changed && bm_test(&p.filtered, 4) &&
		       bm_weight(&p.filtered) == 1,
	       "one queue with reset status 02 hides its whole adapter; apm_filtered = {04}");
	p = filter(m);
	tap_ok(!p.changed && bm_empty(&p.filtered),
	       "an adapter already hidden is not filtered (or reset) again");

	set_status(m, AP_MKQID(4, 6), AP_RESPONSE_NORMAL);
	p = filter(m);
	tap_ok(!strcmp(p.shadow, "03.0005\n03.0006\n04.0005\n04.0006\n") && p.changed &&
		       bm_empty(&p.filtered),
	       "a good reset brings the adapter back; nothing is filtered");

	tap_ok(ap_bus_unbind(&h->bus, &h->md.vfio_ap_drv, "03.0005") == 0 &&
		       ap_bus_unbind(&h->bus, &h->md.vfio_ap_drv, "04.0006") == 0,
	       "unbind 03.0005 and 04.0006 from vfio_ap");
	p = filter(m);
	tap_ok(!strcmp(p.shadow, ".0005\n.0006\n") && !p.changed,
	       "unbound queues hide both adapters but never a domain (the unbind already unplugged)");
	tap_ok(ap_bus_bind(&h->bus, &h->md.vfio_ap_drv, "03.0005") == 0 &&
		       ap_bus_bind(&h->bus, &h->md.vfio_ap_drv, "04.0006") == 0,
	       "bind them back (the probe filters: both adapters return)");
	p = filter(m);
	tap_ok(!strcmp(p.shadow, "03.0005\n03.0006\n04.0005\n04.0006\n") && !p.changed,
	       "after the rebind the shadow is whole and stable");
}

static void filter_cdoms(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;
	bool c1, c2;

	get_update_locks_for_mdev(md, m);
	m->matrix.adm = dhost_bits(3, 0x40, -1);
	c1 = vfio_ap_mdev_filter_cdoms(m);
	c2 = vfio_ap_mdev_filter_cdoms(m);
	tap_ok(c1 && !c2 && bm_test(&m->shadow_apcb.adm, 3) && bm_weight(&m->shadow_apcb.adm) == 1,
	       "FILTER_CDOMS: shadow adm = matrix adm ∩ host adm (0x40 is not configured); "
	       "changed once");
	release_update_locks_for_mdev(md, m);
}

int main(void)
{
	struct ap_machine_cfg mc;
	struct dhost *h;
	struct ap_matrix_mdev *m;

	dhost_default_machine(&mc);
	h = dhost_new(&mc, &vfio_ap_lock_merged);
	tap_ok(dhost_mask(h, true, "-0x03,-0x04") > 0,
	       "apmask -0x03,-0x04: adapters 03, 04 to vfio_ap");
	m = dhost_mdev(h, U);
	tap_ok(m != NULL, "create an mdev from the services-only host");
	if (m) {
		filter_matrix(h, m);
		filter_cdoms(m);
		vfio_ap_mdev_put(m);
	}
	tap_ok(dhost_free(h) == 0, "teardown: no leak, no validator report");
	return tap_done();
}
