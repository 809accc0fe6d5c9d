/* SPDX-License-Identifier: MIT */
/*
 * drv.c - the vfio_ap AP-bus driver: queue probe ("bind"), queue remove
 * ("unbind"), the in_use veto for apmask/aqmask, module init and exit
 * (vfio_ap_drv.c and the queue half of vfio_ap_ops.c).
 *
 * Queue probe and remove run with the queue's device_lock held by the bus.
 * Probe takes the update locks of the mdev that has the APQN assigned, links
 * the queue and (unless a configuration change is being processed) filters;
 * remove unplugs the queue's whole adapter from the guest and resets.
 * Module init and exit build and tear down the driver's objects in the
 * kernel's order, with the kernel's events (design.md §4.1, docs/uevents.md §6).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/klog.h"
#include "base/fault.h"
#include "vfio_ap/vfio_ap_private.h"

int vfio_ap_mdev_probe_queue(void *ctx, struct ap_queue *apq)
{
	struct ap_matrix_dev *md = ctx;
	struct ap_matrix_mdev *m;
	struct vfio_ap_queue *q;
	bm256 filtered;
	int rc;

	m = get_update_locks_by_apqn(md, apq->qid);
	q = fault_fail(md->svc.faults, FAULT_VFIO_QUEUE) ? NULL : calloc(1, sizeof(*q));
	if (!q) {
		rc = -ENOMEM;
		goto out;
	}
	ld_sched_object(md->svc.ld, q, sizeof(*q));
	q->md = md;
	q->apqn = apq->qid;
	q->apq = apq;
	q->saved_isc = VFIO_AP_ISC_INVALID;
	INIT_LIST_HEAD(&q->mdev_qnode);
	INIT_LIST_HEAD(&q->reset_qnode);
	rc = vfio_ap_queue_status_add(q);
	if (rc) {
		ld_sched_object_gone(md->svc.ld, q);
		free(q);
		goto out;
	}
	atomic_fetch_add(&md->nr_queues, 1);
	if (m) {
		vfio_ap_mdev_link_queue(m, q);
		if (bm_empty(&m->apm_add) && bm_empty(&m->aqm_add) &&
		    vfio_ap_mdev_filter_matrix(m, &filtered)) {
			vfio_ap_mdev_update_guest_apcb(m);
			vfio_ap_mdev_reset_apids(m, &filtered);
		}
	}
	apq->dev.drvdata = q;
out:
	release_update_locks(md, m ? m->kvm : NULL);
	return rc;
}

void vfio_ap_mdev_remove_queue(void *ctx, struct ap_queue *apq)
{
	struct ap_matrix_dev *md = ctx;
	struct vfio_ap_queue *q = apq->dev.drvdata;
	struct ap_matrix_mdev *m;
	struct kvm *kvm;
	unsigned apid = AP_QID_CARD(apq->qid), apqi = AP_QID_QUEUE(apq->qid);

	if (!q)
		return;
	vfio_ap_queue_status_remove(q);
	get_update_locks_for_queue(md, q);
	m = q->matrix_mdev;
	kvm = m ? m->kvm : NULL;
	if (m && bm_test(&m->shadow_apcb.apm, apid) && bm_test(&m->shadow_apcb.aqm, apqi)) {
		bm256 one;

		bm_clear(&m->shadow_apcb.apm, apid);
		vfio_ap_mdev_update_guest_apcb(m);
		bm_zero(&one);
		bm_set(&one, apid);
		vfio_ap_mdev_reset_apids(m, &one);
	} else if (bm_test(&md->info.apm, apid) && bm_test(&md->info.aqm, apqi)) {
		atomic_fetch_add_explicit(&md->nr_reset_waits, 1, memory_order_relaxed);
		vfio_ap_mdev_reset_queue(md, q);
		vfio_ap_flush_reset(md, q);
	}
	if (m)
		vfio_ap_unlink_queue(m, q);
	vfio_ap_free_aqic_resources(q);
	apq->dev.drvdata = NULL;
	ld_sched_object_gone(md->svc.ld, q);
	free(q);
	atomic_fetch_sub(&md->nr_queues, 1);
	release_update_locks(md, kvm);
}

/* in_use: does any mdev have an APQN of apm × aqm assigned? */
int vfio_ap_mdev_resource_in_use(void *ctx, const bm256 *apm, const bm256 *aqm)
{
	struct ap_matrix_dev *md = ctx;
	struct ap_matrix_mdev *m;
	int rc = 0;

	if (!vfio_ap_in_use_lock(md))
		return -EBUSY; /* v18: a driver lock was busy */
	list_for_each_entry(m, &md->mdev_list, node) {
		bm256 a, q;
		unsigned apid, apqi;

		bm_and(&a, apm, &m->matrix.apm);
		bm_and(&q, aqm, &m->matrix.aqm);
		if (bm_empty(&a) || bm_empty(&q))
			continue;
		bm_for_each(apid, &a)
			bm_for_each(apqi, &q)
				klog_printf(
					vfio_ap_klog(md),
					"vfio_ap_mdev %s: Can not reserve queue %02x.%04x for host driver: in use by mdev",
					m->uuid, apid, apqi);
		rc = -EADDRINUSE;
		break;
	}
	vfio_ap_in_use_unlock(md);
	return rc;
}

int vfio_ap_init(struct ap_matrix_dev *md, const struct kservices *svc, struct ap_bus *bus,
		 const struct vfio_ap_lock_ops *lops)
	GUARD_EXEMPT("the matrix device is not yet published")
{
	int rc;

	memset(md, 0, sizeof(*md));
	md->svc = *svc;
	md->bus = bus;
	md->lops = lops;
	kmutex_init(&md->guests_lock, svc->ld, "&matrix_dev->guests_lock");
	kmutex_init(&md->mdevs_lock, svc->ld, "&matrix_dev->mdevs_lock");
	kmutex_init(&md->mdev_core_lock, svc->ld, "mdev_list_lock");
	kmutex_init(&md->dev_set_lock, svc->ld, "&dev_set->lock");
	kwaitq_init(&md->release_wq, svc->ld, "vfio device release");
	ap_hw_qci(bus->hw, &md->info);
	INIT_LIST_HEAD(&md->mdev_list);
	INIT_LIST_HEAD(&md->core_list);
	atomic_init(&md->available_instances, MAX_ZDEV_ENTRIES_EXT);
	atomic_init(&md->next_iommu_group, 0);
	rc = vfio_ap_matrix_sysfs_init(md);
	if (rc)
		return rc;
	md->vfio_ap_drv = (struct ap_driver){
		.name = "vfio_ap",
		.probe = vfio_ap_mdev_probe_queue,
		.remove = vfio_ap_mdev_remove_queue,
		.in_use = vfio_ap_mdev_resource_in_use,
		.on_config_changed = vfio_ap_on_cfg_changed,
		.on_scan_complete = vfio_ap_on_scan_complete,
		.ctx = md,
	};
	rc = ap_driver_register(bus, &md->vfio_ap_drv);
	return rc ?: vfio_ap_mdev_parent_register(md);
}

bool vfio_ap_in_use_by_guest(struct ap_matrix_dev *md)
{
	struct ap_matrix_mdev *m;
	bool open = false;

	kmutex_lock(&md->dev_set_lock); /* the declared order: &dev_set->lock, mdev_list_lock */
	kmutex_lock(&md->mdev_core_lock);
	list_for_each_entry(m, &md->core_list, core_node)
		open = open || m->open;
	kmutex_unlock(&md->mdev_core_lock);
	kmutex_unlock(&md->dev_set_lock);
	return open;
}

void vfio_ap_exit(struct ap_matrix_dev *md)
{
	kmutex_lock(&md->mdev_core_lock);
	md->unregistering = true;
	kmutex_unlock(&md->mdev_core_lock);
	vfio_ap_remove_all_mdevs(md);
	vfio_ap_mdev_parent_unregister_files(md);
	ap_driver_unregister(md->bus, &md->vfio_ap_drv);
	vfio_ap_matrix_sysfs_del(md);
	kmutex_destroy(&md->dev_set_lock);
	kwaitq_destroy(&md->release_wq);
	kmutex_destroy(&md->mdev_core_lock);
	kmutex_destroy(&md->mdevs_lock);
	kmutex_destroy(&md->guests_lock);
}
