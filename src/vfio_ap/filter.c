/* SPDX-License-Identifier: MIT */
/*
 * filter.c - qtable, queue linking, the shadow-APCB filters and PUSH.
 *
 * The guest never sees `matrix`: it sees shadow_apcb, recomputed here
 * (design.md §5). FILTER works at adapter granularity: one APQN
 * that is missing, not bound to vfio_ap or badly reset hides its whole
 * adapter; domains are only removed by the host-configuration filter.
 * PUSH copies the shadow into the guest's CRYCB while a guest is attached.
 * Everything here runs with mdevs_lock held (and guests_lock, plus kvm->lock
 * for PUSH), asserted on entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfio_ap/vfio_ap_private.h"

struct vfio_ap_queue *vfio_ap_mdev_get_queue(struct ap_matrix_mdev *m, unsigned apqn)
{
	struct vfio_ap_qrow *row;

	lockdep_assert_held(&m->md->mdevs_lock);
	row = m->qrows[AP_QID_CARD(apqn)];
	return row ? row->q[AP_QID_QUEUE(apqn)] : NULL;
}

static bool status_passable(uint32_t apqsw)
{
	unsigned rc = APQSW_RC(apqsw);

	return rc == AP_RESPONSE_NORMAL || rc == AP_RESPONSE_DECONFIGURED ||
	       rc == AP_RESPONSE_CHECKSTOPPED;
}

/* Stores the status word of the last ZAPQ and keeps the row's `bad` bit. */
void vfio_ap_queue_set_status(struct vfio_ap_queue *q, uint32_t apqsw)
{
	struct ap_matrix_mdev *m;

	lockdep_assert_held(&q->md->mdevs_lock);
	m = q->matrix_mdev;
	q->reset_status = apqsw;
	if (!q->linked || !m)
		return;
	if (status_passable(apqsw))
		bm_clear(&m->qrows[AP_QID_CARD(q->apqn)]->bad, AP_QID_QUEUE(q->apqn));
	else
		bm_set(&m->qrows[AP_QID_CARD(q->apqn)]->bad, AP_QID_QUEUE(q->apqn));
}

/* Ignores a duplicate link request (v6.10 behaviour). */
void vfio_ap_mdev_link_queue(struct ap_matrix_mdev *m, struct vfio_ap_queue *q)
{
	unsigned apid = AP_QID_CARD(q->apqn), apqi = AP_QID_QUEUE(q->apqn);
	struct vfio_ap_qrow *row;

	lockdep_assert_held(&m->md->guests_lock);
	lockdep_assert_held(&m->md->mdevs_lock);
	if (q->linked)
		return;
	row = m->qrows[apid];
	if (!row && !(row = m->qrows[apid] = calloc(1, sizeof(*row)))) {
		/* the kernel's hash insert cannot fail; neither may the model's link */
		fprintf(stderr, "vfio_ap: out of memory linking a queue\n");
		abort();
	}
	q->matrix_mdev = m;
	row->q[apqi] = q;
	bm_set(&row->linked, apqi);
	list_add_tail(&q->mdev_qnode, &m->qlist);
	q->linked = true;
	vfio_ap_queue_set_status(q, q->reset_status);
}

void vfio_ap_unlink_queue(struct ap_matrix_mdev *m, struct vfio_ap_queue *q)
{
	lockdep_assert_held(&m->md->guests_lock);
	lockdep_assert_held(&m->md->mdevs_lock);
	if (q->linked) {
		struct vfio_ap_qrow *row = m->qrows[AP_QID_CARD(q->apqn)];

		row->q[AP_QID_QUEUE(q->apqn)] = NULL;
		bm_clear(&row->linked, AP_QID_QUEUE(q->apqn));
		bm_clear(&row->bad, AP_QID_QUEUE(q->apqn));
		list_del_init(&q->mdev_qnode);
		q->linked = false;
	}
	/*
	 * Deliberate deviation: the kernel leaves a stale back-pointer on
	 * queues that were unlinked but not reset (design.md §4.5 quirk),
	 * which can outlive the mdev. The model clears it.
	 */
	q->matrix_mdev = NULL;
}

/* Frees the rows; every queue must have been unlinked. */
void vfio_ap_mdev_free_qtable(struct ap_matrix_mdev *m)
{
	lockdep_assert_held(&m->md->mdevs_lock);
	for (unsigned a = 0; a < BM_BITS; a++) {
		free(m->qrows[a]);
		m->qrows[a] = NULL;
	}
}

/* vfio_ap_find_queue: the vfio_ap object of a queue bound to vfio_ap. */
struct vfio_ap_queue *vfio_ap_find_queue(struct ap_matrix_dev *md, unsigned apqn)
{
	struct ap_queue *apq = ap_get_qdev(md->bus, apqn);
	struct vfio_ap_queue *q = NULL;

	if (!apq)
		return NULL;
	if (ap_queue_bound_to(apq, &md->vfio_ap_drv))
		q = apq->dev.drvdata;
	ap_put_qdev(apq);
	return q;
}

static void link_apqn(struct ap_matrix_mdev *m, unsigned apid, unsigned apqi)
{
	struct vfio_ap_queue *q = vfio_ap_find_queue(m->md, AP_MKQID(apid, apqi));

	if (q)
		vfio_ap_mdev_link_queue(m, q);
}

void vfio_ap_mdev_link_apid(struct ap_matrix_mdev *m, unsigned apid)
{
	unsigned apqi;

	lockdep_assert_held(&m->md->mdevs_lock);
	bm_for_each(apqi, &m->matrix.aqm)
		link_apqn(m, apid, apqi);
}

void vfio_ap_mdev_link_apqi(struct ap_matrix_mdev *m, unsigned apqi)
{
	unsigned apid;

	lockdep_assert_held(&m->md->mdevs_lock);
	bm_for_each(apid, &m->matrix.apm)
		link_apqn(m, apid, apqi);
}

void vfio_ap_matrix_init(const struct ap_config_info *info, struct ap_matrix *matrix)
{
	matrix->apm_max = info->apxa ? (unsigned)info->na : 63;
	matrix->aqm_max = info->apxa ? (unsigned)info->nd : 15;
	matrix->adm_max = info->apxa ? (unsigned)info->nd : 15;
}

/*
 * FILTER (vfio_ap_mdev_filter_matrix): recompute shadow apm/aqm; adapters
 * that lose their place and were visible before go into apm_filtered.
 * Returns whether shadow apm or aqm changed.
 */
bool vfio_ap_mdev_filter_matrix(struct ap_matrix_mdev *m, bm256 *apm_filtered)
{
	struct ap_matrix_dev *md = m->md;
	bm256 prev_apm, prev_aqm;
	unsigned apid;

	lockdep_assert_held(&md->guests_lock);
	lockdep_assert_held(&md->mdevs_lock);
	prev_apm = m->shadow_apcb.apm;
	prev_aqm = m->shadow_apcb.aqm;
	vfio_ap_matrix_init(&md->info, &m->shadow_apcb);
	bm_zero(apm_filtered);
	bm_and(&m->shadow_apcb.apm, &m->matrix.apm, &md->info.apm);
	bm_and(&m->shadow_apcb.aqm, &m->matrix.aqm, &md->info.aqm);
	bm_for_each(apid, &m->shadow_apcb.apm) {
		const struct vfio_ap_qrow *row = m->qrows[apid];
		bm256 missing;

		/* usable iff every APQI of the shadow is linked and not bad */
		if (row) {
			bm_andnot(&missing, &m->shadow_apcb.aqm, &row->linked);
			if (bm_empty(&missing) && !bm_intersects(&m->shadow_apcb.aqm, &row->bad))
				continue;
		} else if (bm_empty(&m->shadow_apcb.aqm)) {
			continue;
		}
		bm_clear(&m->shadow_apcb.apm, apid);
		if (bm_test(&prev_apm, apid))
			bm_set(apm_filtered, apid);
	}
	return !bm_equal(&prev_apm, &m->shadow_apcb.apm) ||
	       !bm_equal(&prev_aqm, &m->shadow_apcb.aqm);
}

/* FILTER_CDOMS: shadow adm = matrix adm ∩ host adm. */
bool vfio_ap_mdev_filter_cdoms(struct ap_matrix_mdev *m)
{
	bm256 prev;

	lockdep_assert_held(&m->md->guests_lock);
	lockdep_assert_held(&m->md->mdevs_lock);
	prev = m->shadow_apcb.adm;
	bm_and(&m->shadow_apcb.adm, &m->matrix.adm, &m->md->info.adm);
	return !bm_equal(&prev, &m->shadow_apcb.adm);
}

/* PUSH: give the attached guest the shadow (atomically), signal the eventfd. */
void vfio_ap_mdev_update_guest_apcb(struct ap_matrix_mdev *m)
{
	lockdep_assert_held(&m->md->mdevs_lock);
	if (!m->kvm)
		return;
	lockdep_assert_held(&m->kvm->lock);
	kvm_arch_crypto_set_masks(m->kvm, &m->shadow_apcb.apm, &m->shadow_apcb.aqm,
				  &m->shadow_apcb.adm);
	atomic_fetch_add_explicit(&m->md->nr_push, 1, memory_order_relaxed);
	m->requested = false;
	if (m->cfg_chg_trigger) {
		m->cfg_chg_signals++;
		keventfd_signal(m->cfg_chg_trigger);
	}
}

int vfio_ap_format_matrix(const struct ap_matrix *mx, char *buf, size_t size)
{
	bm256 apm = mx->apm, aqm = mx->aqm;
	unsigned a, d;
	size_t n = 0;

	bm_limit(&apm, mx->apm_max);
	bm_limit(&aqm, mx->aqm_max);
	if (!bm_empty(&apm) && !bm_empty(&aqm)) {
		bm_for_each(a, &apm)
			bm_for_each(d, &aqm)
				if (n < size)
					n += snprintf(buf + n, size - n, "%02x.%04x\n", a, d);
	} else if (!bm_empty(&apm)) {
		bm_for_each(a, &apm)
			if (n < size)
				n += snprintf(buf + n, size - n, "%02x.\n", a);
	} else {
		bm_for_each(d, &aqm)
			if (n < size)
				n += snprintf(buf + n, size - n, ".%04x\n", d);
	}
	return (int)(n < size ? n : size);
}
