/* SPDX-License-Identifier: MIT */
/*
 * check.c - the running system's consistency invariants (sim_check).
 *
 *  1. a queue device is bound to vfio_ap iff it is not reserved by
 *     apmask x aqmask (outside a mask store in progress);
 *  2. no APQN is in two mdevs' matrices;
 *  3. no mdev's matrix contains an APQN reserved for the default drivers;
 *  4. qtable holds exactly the assigned APQNs bound to vfio_ap, and each
 *     linked queue points back to its mdev;
 *  5. an attached guest's CRYCB equals its mdev's shadow (format truncation
 *     applied) unless the mdev's removal has sent `request`; every APQN the
 *     guest can reach is assigned and bound to vfio_ap.
 * Locks are taken in the declared order: scan_mutex, device_lock and perms
 * for 1; perms, guests_lock, then per mdev kvm->lock and mdevs_lock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/world.h"

struct chk {
	char *buf;
	size_t len, used;
	int n;
};

static void fail(struct chk *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct chk *c, const char *fmt, ...)
{
	va_list ap;
	int w;

	c->n++;
	if (!c->buf || c->used + 2 >= c->len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(c->buf + c->used, c->len - c->used - 1, fmt, ap);
	va_end(ap);
	c->used += (size_t)w < c->len - c->used - 1 ? (size_t)w : c->len - c->used - 2;
	c->buf[c->used++] = '\n';
	c->buf[c->used] = 0;
}

static void check_bindings(struct sim *s, struct chk *c)
{
	struct ap_bus *bus = &s->bus;

	kmutex_lock(&bus->scan_mutex);
	for (unsigned a = 0; a < BM_BITS; a++) {
		struct ap_card *card = bus->cards[a];

		for (unsigned d = 0; card && d < BM_BITS; d++) {
			struct ap_queue *q = card->queues[d];
			bool res, vfio;

			if (!q)
				continue;
			kmutex_lock(&q->dev.device_lock);
			kmutex_lock(&bus->perms_mutex);
			res = bm_test(&bus->apm, a) && bm_test(&bus->aqm, d);
			kmutex_unlock(&bus->perms_mutex);
			vfio = q->dev.driver == &s->matrix_dev.vfio_ap_drv;
			if (q->dev.driver && vfio == res)
				fail(c, "queue %02x.%04x: bound to %s but %sreserved", a, d,
				     q->dev.driver->name, res ? "" : "not ");
			kmutex_unlock(&q->dev.device_lock);
		}
	}
	ap_scan_unlock(bus); /* wakes a device store waiting for the scan mutex */
}

static void check_qtable(struct ap_matrix_mdev *m, struct chk *c)
{
	unsigned a, d, linked = 0, expect = 0, rows = 0;
	struct vfio_ap_queue *q;

	lockdep_assert_held(&m->md->mdevs_lock);
	list_for_each_entry(q, &m->qlist, mdev_qnode) {
		unsigned qa = AP_QID_CARD(q->apqn), qd = AP_QID_QUEUE(q->apqn);
		unsigned rc = APQSW_RC(q->reset_status);
		bool bad =
			rc != 0 && rc != AP_RESPONSE_DECONFIGURED && rc != AP_RESPONSE_CHECKSTOPPED;

		linked++;
		if (q->matrix_mdev != m)
			fail(c, "mdev %s: queue %02x.%04x linked without back-pointer", m->uuid, qa,
			     qd);
		if (!bm_test(&m->matrix.apm, qa) || !bm_test(&m->matrix.aqm, qd))
			fail(c, "mdev %s: queue %02x.%04x linked but not assigned", m->uuid, qa,
			     qd);
		if (!m->qrows[qa] || m->qrows[qa]->q[qd] != q ||
		    !bm_test(&m->qrows[qa]->linked, qd) || bm_test(&m->qrows[qa]->bad, qd) != bad)
			fail(c, "mdev %s: qtable row of %02x.%04x out of step", m->uuid, qa, qd);
	}
	for (a = 0; a < BM_BITS; a++)
		if (m->qrows[a])
			rows += bm_weight(&m->qrows[a]->linked);
	if (rows != linked)
		fail(c, "mdev %s: %u queues in rows, %u in the list", m->uuid, rows, linked);
	bm_for_each(a, &m->matrix.apm)
		bm_for_each(d, &m->matrix.aqm) {
			struct vfio_ap_queue *vq = vfio_ap_find_queue(m->md, AP_MKQID(a, d));

			if (!vq)
				continue;
			expect++;
			if (vfio_ap_mdev_get_queue(m, AP_MKQID(a, d)) != vq)
				fail(c,
				     "mdev %s: queue %02x.%04x assigned and bound but not linked",
				     m->uuid, a, d);
		}
	if (linked != expect)
		fail(c, "mdev %s: %u queues linked, %u assigned and bound", m->uuid, linked,
		     expect);
}

static void check_guest(struct ap_matrix_mdev *m, struct chk *c)
{
	struct kvm *kvm;
	struct kvm_apcb want;
	unsigned a, d;

	lockdep_assert_held(&m->md->mdevs_lock);
	kvm = m->kvm;
	lockdep_assert_held(&kvm->lock); /* get_mdev_locks_in_walk took it: attached */
	want = (struct kvm_apcb){ m->shadow_apcb.apm, m->shadow_apcb.aqm, m->shadow_apcb.adm };

	if (kvm->crypto.format != CRYCB_FORMAT2) {
		bm_limit(&want.apm, 63);
		bm_limit(&want.aqm, 15);
		bm_limit(&want.adm, 15);
	}
	if (!bm_equal(&want.apm, &kvm->crypto.apcb.apm) ||
	    !bm_equal(&want.aqm, &kvm->crypto.apcb.aqm) ||
	    !bm_equal(&want.adm, &kvm->crypto.apcb.adm))
		fail(c, "mdev %s: guest CRYCB differs from the shadow APCB", m->uuid);
	bm_for_each(a, &kvm->crypto.apcb.apm)
		bm_for_each(d, &kvm->crypto.apcb.aqm) {
			if (!bm_test(&m->matrix.apm, a) || !bm_test(&m->matrix.aqm, d))
				fail(c, "guest of %s reaches %02x.%04x, not assigned", m->uuid, a,
				     d);
			else if (!vfio_ap_mdev_get_queue(m, AP_MKQID(a, d)))
				fail(c, "guest of %s reaches %02x.%04x, not bound to vfio_ap",
				     m->uuid, a, d);
		}
}

static void check_mdevs(struct sim *s, struct chk *c)
{
	struct ap_matrix_dev *md = &s->matrix_dev;
	struct ap_matrix_mdev *m, *o;
	bm256 rapm, raqm;

	/* a snapshot: v18 ranks ap_perms_mutex inside the driver locks */
	kmutex_lock(&s->bus.perms_mutex);
	rapm = s->bus.apm;
	raqm = s->bus.aqm;
	kmutex_unlock(&s->bus.perms_mutex);
	kmutex_lock(&md->guests_lock);
	list_for_each_entry(m, &md->mdev_list, node) {
		get_mdev_locks_in_walk(md, m);
		if (bm_intersects(&m->matrix.apm, &rapm) && bm_intersects(&m->matrix.aqm, &raqm))
			fail(c, "mdev %s: matrix contains APQNs reserved for the host", m->uuid);
		list_for_each_entry(o, &md->mdev_list, node)
			if (o != m && bm_intersects(&m->matrix.apm, &o->matrix.apm) &&
			    bm_intersects(&m->matrix.aqm, &o->matrix.aqm))
				fail(c, "mdevs %s and %s share APQNs", m->uuid, o->uuid);
		check_qtable(m, c);
		/*
		 * `request` clears the guest's masks and keeps the shadow
		 * (design.md §4.9) until the next PUSH: not a fault.
		 */
		if (m->kvm && !m->requested)
			check_guest(m, c);
		release_mdev_locks_in_walk(md, m);
	}
	kmutex_unlock(&md->guests_lock);
}

int sim_check(struct sim *s, char *report, size_t len)
{
	struct chk c = { report, len, 0, 0 };

	if (report && len)
		report[0] = 0;
	check_bindings(s, &c);
	down_read(&s->modules_lock);
	if (s->vfio_ap_loaded)
		check_mdevs(s, &c);
	up_read(&s->modules_lock);
	return c.n;
}
