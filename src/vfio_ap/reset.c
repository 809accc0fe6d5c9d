/* SPDX-License-Identifier: MIT */
/*
 * reset.c - queue reset (ZAPQ + verification), interrupt resources, and the
 * PQAP(AQIC) handler the driver registers as the guest's pqap_hook.
 *
 * DESIGN: the kernel queues the reset verification on a workqueue and its
 * callers wait with flush_work(); every caller waits while holding
 * mdevs_lock. Here the work item is a flag and "flush" runs the
 * verification loop in the waiting thread, which is observably the same and
 * keeps runs deterministic. The verification loop has no upper bound (as
 * the kernel's since 6.6); the hardware's reset completes after a bounded
 * number of TAPQs unless a fault keeps it busy.
 */
#include <errno.h>
#include <time.h>

#include "kernel/klog.h"
#include "vfio_ap/vfio_ap_private.h"

struct klog *vfio_ap_klog(struct ap_matrix_dev *md)
{
	return md->svc.log;
}

static void interval_sleep(struct ap_matrix_dev *md)
{
	struct timespec ts = { 0, (long)md->reset_interval_us * 1000L };

	if (md->reset_interval_us)
		nanosleep(&ts, NULL);
}

/* Releases the guest ISC and the pinned NIB page, if any. */
void vfio_ap_free_aqic_resources(struct vfio_ap_queue *q)
{
	lockdep_assert_held(&q->md->mdevs_lock);
	if (!q->saved_kvm)
		return;
	if (q->saved_isc != VFIO_AP_ISC_INVALID)
		kvm_s390_gisc_unregister(q->saved_kvm, q->saved_isc);
	if (q->saved_iova)
		kvm_unpin_guest_page(q->saved_kvm, q->saved_iova);
	q->saved_isc = VFIO_AP_ISC_INVALID;
	q->saved_iova = 0;
	q->saved_kvm = NULL;
}

/* reset_one: ZAPQ and queue the verification. */
void vfio_ap_mdev_reset_queue(struct ap_matrix_dev *md, struct vfio_ap_queue *q)
{
	lockdep_assert_held(&md->mdevs_lock);
	atomic_fetch_add_explicit(&md->nr_zapq, 1, memory_order_relaxed);
	vfio_ap_queue_set_status(q, ap_hw_zapq(md->bus->hw, q->apqn));
	switch (APQSW_RC(q->reset_status)) {
	case AP_RESPONSE_NORMAL:
	case AP_RESPONSE_RESET_IN_PROGRESS:
	case AP_RESPONSE_BUSY:
	case AP_RESPONSE_STATE_CHANGE_IN_PROGRESS:
		q->reset_work_pending = true;
		break;
	case AP_RESPONSE_DECONFIGURED:
	case AP_RESPONSE_CHECKSTOPPED:
		vfio_ap_free_aqic_resources(q);
		break;
	case AP_RESPONSE_Q_NOT_AVAIL:
		/*
		 * Deliberate deviation: the kernel only warns. The queue left
		 * the configuration (a scan is removing it), so its interrupts
		 * are gone; keeping the NIB pinned would outlive the guest.
		 */
		klog_printf(vfio_ap_klog(md),
			    "WARNING: vfio_ap: PQAP/ZAPQ for %02x.%04x failed with rc=%u",
			    AP_QID_CARD(q->apqn), AP_QID_QUEUE(q->apqn), APQSW_RC(q->reset_status));
		vfio_ap_free_aqic_resources(q);
		break;
	default:
		klog_printf(vfio_ap_klog(md),
			    "WARNING: vfio_ap: PQAP/ZAPQ for %02x.%04x failed with rc=%u",
			    AP_QID_CARD(q->apqn), AP_QID_QUEUE(q->apqn), APQSW_RC(q->reset_status));
		break;
	}
}

/* apq_reset_check, run by the waiter ("flush_work"). */
void vfio_ap_flush_reset(struct ap_matrix_dev *md, struct vfio_ap_queue *q)
{
	unsigned elapsed = 0, polls = 0;

	lockdep_assert_held(&md->mdevs_lock);
	if (q->reset_work_pending) /* flush_work sleeps, holding mdevs_lock */
		ld_sched_sleep(md->svc.ld, "flush_work(reset)");
	while (q->reset_work_pending) {
		uint32_t sw;
		unsigned rc, zrc = APQSW_RC(q->reset_status);
		bool again = false;

		interval_sleep(md);
		atomic_fetch_add_explicit(&md->nr_reset_polls, 1, memory_order_relaxed);
		elapsed += 20;
		sw = ap_hw_tapq(md->bus->hw, q->apqn);
		rc = APQSW_RC(sw);
		if (rc == AP_RESPONSE_RESET_IN_PROGRESS || rc == AP_RESPONSE_BUSY) {
			if (++polls % 50 == 0)
				klog_printf(
					vfio_ap_klog(md),
					"vfio_ap: Waited %ums for reset of queue %02x.%04x (%u, %u, %u)",
					elapsed, AP_QID_CARD(q->apqn), AP_QID_QUEUE(q->apqn), rc,
					!!(sw & APQSW_EMPTY), !!(sw & APQSW_IRQ));
			continue;
		}
		if (rc == 0x35 || rc == 0x36) {
			again = true;
		} else if (rc != AP_RESPONSE_NORMAL && rc != AP_RESPONSE_DECONFIGURED &&
			   rc != AP_RESPONSE_CHECKSTOPPED) {
			klog_printf(vfio_ap_klog(md),
				    "WARNING: vfio_ap: reset check of %02x.%04x: TAPQ rc=%u",
				    AP_QID_CARD(q->apqn), AP_QID_QUEUE(q->apqn), rc);
			if (rc == AP_RESPONSE_Q_NOT_AVAIL) /* gone: see vfio_ap_mdev_reset_queue */
				vfio_ap_free_aqic_resources(q);
			q->reset_work_pending = false;
			break;
		}
		if (again || zrc == AP_RESPONSE_RESET_IN_PROGRESS || zrc == AP_RESPONSE_BUSY ||
		    zrc == AP_RESPONSE_STATE_CHANGE_IN_PROGRESS) {
			atomic_fetch_add_explicit(&md->nr_zapq, 1, memory_order_relaxed);
			vfio_ap_queue_set_status(q, ap_hw_zapq(md->bus->hw, q->apqn));
			continue;
		}
		vfio_ap_free_aqic_resources(q);
		q->reset_work_pending = false;
	}
}

/* reset_qlist: ZAPQ all, then wait for each; -EIO if any final code != 0. */
int vfio_ap_mdev_reset_qlist(struct ap_matrix_dev *md, struct list_head *qlist)
{
	struct vfio_ap_queue *q;
	int ret = 0;

	lockdep_assert_held(&md->mdevs_lock);
	if (!list_empty(qlist))
		atomic_fetch_add_explicit(&md->nr_reset_waits, 1, memory_order_relaxed);
	list_for_each_entry(q, qlist, reset_qnode)
		vfio_ap_mdev_reset_queue(md, q);
	list_for_each_entry(q, qlist, reset_qnode) {
		vfio_ap_flush_reset(md, q);
		if (APQSW_RC(q->reset_status))
			ret = -EIO;
	}
	return ret;
}

/* Resets every queue in the mdev's qtable and waits. */
int vfio_ap_mdev_reset_queues(struct ap_matrix_mdev *m)
{
	struct list_head qlist;
	struct vfio_ap_queue *q;
	int ret;

	lockdep_assert_held(&m->md->mdevs_lock);
	INIT_LIST_HEAD(&qlist);
	list_for_each_entry(q, &m->qlist, mdev_qnode)
		list_add_tail(&q->reset_qnode, &qlist);
	ret = vfio_ap_mdev_reset_qlist(m->md, &qlist);
	while (!list_empty(&qlist))
		list_del_init(qlist.next);
	return ret;
}

/* RESET_APIDS: linked queues of the APIDs × shadow aqm. */
void vfio_ap_mdev_reset_apids(struct ap_matrix_mdev *m, const bm256 *apids)
{
	struct list_head qlist;
	unsigned apid, apqi;

	lockdep_assert_held(&m->md->mdevs_lock);
	if (bm_empty(apids))
		return;
	INIT_LIST_HEAD(&qlist);
	bm_for_each(apid, apids) {
		bm_for_each(apqi, &m->shadow_apcb.aqm) {
			struct vfio_ap_queue *q = vfio_ap_mdev_get_queue(m, AP_MKQID(apid, apqi));

			if (q)
				list_add_tail(&q->reset_qnode, &qlist);
		}
	}
	vfio_ap_mdev_reset_qlist(m->md, &qlist);
	while (!list_empty(&qlist))
		list_del_init(qlist.next);
}
