/* SPDX-License-Identifier: MIT */
/*
 * mdev.c - mediated-device life cycle: create (mdev core + vfio_ap probe),
 * remove (blocks while a guest holds the device, with the `request`
 * callback), open/close (attach/detach a KVM guest), VFIO reset and
 * dma_unmap.
 *
 * The mdev core keeps its own list of uuids under mdev_list_lock and the
 * instance budget; the VFIO core's dev-set lock serialises open and close.
 * vfio_ap's part takes the update locks as design.md §4.2–§4.10 describe.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/klog.h"
#include "base/fault.h"
#include "base/parse.h"
#include "vfio_ap/vfio_ap_private.h"

static struct ap_matrix_mdev *core_find(struct ap_matrix_dev *md, const char *uuid)
	REQUIRES(md->mdev_core_lock)
{
	struct ap_matrix_mdev *m;

	list_for_each_entry(m, &md->core_list, core_node)
		if (!strcmp(m->uuid, uuid))
			return m;
	return NULL;
}

struct ap_matrix_mdev *vfio_ap_mdev_get(struct ap_matrix_dev *md, const char *uuid)
{
	struct ap_matrix_mdev *m;

	kmutex_lock(&md->mdev_core_lock);
	m = core_find(md, uuid);
	if (m)
		ld_sched_access(md->svc.ld, &m->removing, false);
	if (m && atomic_load(&m->removing))
		m = NULL;
	if (m) {
		ld_sched_access(md->svc.ld, &m->users, true);
		atomic_fetch_add(&m->users, 1);
	}
	kmutex_unlock(&md->mdev_core_lock);
	return m;
}

/* Drops a reference; the last one wakes a remove waiting in wait_until_closed. */
void vfio_ap_mdev_put(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;

	ld_sched_access(md->svc.ld, &m->users, true);
	if (atomic_fetch_sub(&m->users, 1) == 1)
		kwake_up(&md->release_wq);
}

/* vfio_ap_mdev_probe: allocate and publish on mdev_list. */
static struct ap_matrix_mdev *mdev_probe(struct ap_matrix_dev *md, const char *uuid)
	GUARD_EXEMPT("the new mdev is on no list yet; it is published under guests_lock")
{
	struct ap_matrix_mdev *m;

	if (fault_fail(md->svc.faults, FAULT_MDEV) || !(m = calloc(1, sizeof(*m))))
		return NULL;
	ld_sched_object(md->svc.ld, m, sizeof(*m));
	m->md = md;
	memcpy(m->uuid, uuid, sizeof(m->uuid));
	m->iommu_group = atomic_fetch_add(&md->next_iommu_group, 1);
	m->pqap_hook.fn = vfio_ap_handle_pqap;
	m->pqap_hook.owner = m;
	INIT_LIST_HEAD(&m->qlist);
	INIT_LIST_HEAD(&m->core_node);
	kmutex_lock(&md->guests_lock);
	vfio_ap_matrix_init(&md->info, &m->matrix);
	vfio_ap_matrix_init(&md->info, &m->shadow_apcb);
	list_add_tail(&m->node, &md->mdev_list);
	kmutex_unlock(&md->guests_lock);
	atomic_fetch_add(&md->nr_mdevs, 1);
	return m;
}

static void mdev_destroy(struct ap_matrix_mdev *m);

/*
 * create: a canonical 8-4-4-4-12 hex UUID, 36 or 37 bytes (a 37th byte is
 * not inspected). Errors in order: EINVAL length or syntax; EEXIST the
 * UUID is in use (ENODEV while the module is being unloaded); EUSERS no
 * instance left; ENOMEM (design.md §3.2, §4.2). When it returns, the
 * mdev's directory and files exist and its events were sent: `add` of the
 * mdev, `add` of its VFIO group and vfio-dev devices, `bind` (docs/uevents.md §5).
 */
long vfio_ap_mdev_create(struct ap_matrix_dev *md, const char *buf, size_t count)
{
	char uuid[UUID_STRLEN + 1];
	struct ap_matrix_mdev *m;
	int rc = mdev_parse_uuid(buf, count, uuid);

	if (rc)
		return rc;
	kmutex_lock(&md->mdev_core_lock);
	if (core_find(md, uuid) || md->unregistering) {
		rc = md->unregistering ? -ENODEV : -EEXIST;
		kmutex_unlock(&md->mdev_core_lock);
		return rc;
	}
	ld_sched_access(md->svc.ld, &md->available_instances, false);
	if (atomic_load(&md->available_instances) <= 0) {
		kmutex_unlock(&md->mdev_core_lock);
		return -EUSERS;
	}
	m = mdev_probe(md, uuid);
	if (!m) {
		kmutex_unlock(&md->mdev_core_lock);
		return -ENOMEM;
	}
	ld_sched_access(md->svc.ld, &md->available_instances, true);
	atomic_fetch_sub(&md->available_instances, 1);
	/* our reference: a remove that finds the new files waits until they are all there */
	atomic_store(&m->users, 1);
	list_add_tail(&m->core_node, &md->core_list);
	kmutex_unlock(&md->mdev_core_lock);
	rc = vfio_ap_mdev_sysfs_add(m); /* device_add */
	if (!rc)
		kobject_uevent(&m->kobj, KOBJ_ADD);
	rc = rc ?: vfio_ap_mdev_vfio_add(m);	/* the driver's probe registers the VFIO device */
	rc = rc ?: vfio_ap_mdev_sysfs_bound(m); /* bound: `bind` */
	rc = rc ?: vfio_ap_mdev_sysfs_links(m); /* mdev_create_sysfs_files */
	vfio_ap_mdev_put(m);
	if (rc) {
		ld_sched_access(md->svc.ld, &m->removing, true);
		if (!atomic_exchange(&m->removing, true))
			mdev_destroy(m); /* the device never fully appeared: unwind it */
	}
	return rc ? rc : (long)count;
}

/*
 * VFIO unregister: call request() while the user keeps the device open (at
 * once, then every 10 s), and wait for the close and for references from
 * vfio_ap_mdev_get to go; close and the last put wake md->release_wq.
 */
static void wait_until_closed(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;
	bool ask = true;
	unsigned count = 0;

	for (;;) {
		unsigned long long ticket = kwaitq_ticket(&md->release_wq);
		bool open;

		kmutex_lock(&md->dev_set_lock);
		open = m->open;
		kmutex_unlock(&md->dev_set_lock);
		ld_sched_access(md->svc.ld, &m->users, false);
		if (!open && atomic_load(&m->users) == 0)
			return;
		if (open && ask) {
			vfio_ap_mdev_request(m, count++);
			ask = false;
			continue; /* the request may have led to a close already */
		}
		/* 10 s without a close: ask again */
		if (kwaitq_wait(&md->release_wq, ticket, open ? 10000 : 0) == -ETIMEDOUT)
			ask = true;
	}
}

/* vfio_ap_mdev_remove: reset, unlink, drop from mdev_list. */
static void mdev_remove(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;
	unsigned apid, apqi;

	get_update_locks_for_mdev(md, NULL);
	vfio_ap_mdev_reset_queues(m);
	bm_for_each(apid, &m->matrix.apm) {
		bm_for_each(apqi, &m->matrix.aqm) {
			struct vfio_ap_queue *q = vfio_ap_mdev_get_queue(m, AP_MKQID(apid, apqi));

			if (q)
				vfio_ap_unlink_queue(m, q);
		}
	}
	list_del_init(&m->node);
	vfio_ap_mdev_free_qtable(m);
	release_update_locks_for_mdev(md, NULL);
}

/*
 * Removes an mdev; the caller owns the `removing` claim. The VFIO
 * unregistration waits for the guest to let go, then the files go (no
 * store can run from here on), the vfio-dev and VFIO group devices are
 * announced gone, the driver's remove runs, and the mdev is announced
 * unbound and removed (docs/uevents.md §5), all before the write returns.
 */
static void mdev_destroy(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;
	struct ld_ctx *ld = md->svc.ld;
	bool bound, added;

	wait_until_closed(m); /* also for the creator: what it built is complete */
	bound = atomic_load(&m->bound);
	added = m->dir != NULL;
	vfio_ap_mdev_sysfs_del(m);
	if (bound) {
		kobject_uevent(&m->vfio_kobj, KOBJ_REMOVE);
		kobject_uevent(&m->group_kobj, KOBJ_REMOVE);
	}
	mdev_remove(m);
	if (bound) {
		atomic_store(&m->bound, false);
		kobject_uevent(&m->kobj, KOBJ_UNBIND);
	}
	if (added)
		kobject_uevent(&m->kobj, KOBJ_REMOVE);
	ld_sched_access(md->svc.ld, &md->available_instances, true);
	atomic_fetch_add(&md->available_instances, 1);
	atomic_fetch_sub(&md->nr_mdevs, 1);
	/*
	 * Leaving the core list is the last touch of md: a module exit waiting
	 * for the list to empty (vfio_ap_remove_all_mdevs) may tear md down
	 * right after, so the wake-up happens under the lock it checks under.
	 */
	kmutex_lock(&md->mdev_core_lock);
	list_del_init(&m->core_node);
	kwake_up(&md->release_wq);
	kmutex_unlock(&md->mdev_core_lock);
	ld_sched_object_gone(ld, m); /* the validator outlives md */
	free(m);
}

/*
 * remove: kstrtoul base 0; every parse error is EINVAL (the mdev core's
 * mapping); 0 does nothing; any other value removes the mdev, blocking
 * while a guest holds it (design.md §4.3). If another remove of the same
 * mdev is under way, this one returns at once with success (the kernel's
 * remove file is removed by its first writer; later writers succeed).
 */
long vfio_ap_mdev_remove_store(struct ap_matrix_mdev *m, const char *buf, size_t count)
{
	struct ap_matrix_dev *md = m->md;
	unsigned long v;
	bool claimed;

	if (vas_kstrtoul(buf, 0, &v))
		return -EINVAL; /* the mdev core maps every parse error to EINVAL */
	if (!v)
		return (long)count;
	kmutex_lock(&md->mdev_core_lock);
	ld_sched_access(md->svc.ld, &m->removing, true);
	claimed = !atomic_exchange(&m->removing, true);
	kmutex_unlock(&md->mdev_core_lock);
	if (!claimed)
		return (long)
			count; /* another writer removes it: this one succeeds (design.md §14) */
	mdev_destroy(m);
	return (long)count;
}

/* Removes every mdev (shutdown). Guests must have been stopped. */
static bool no_mdevs_left(struct ap_matrix_dev *md)
{
	bool empty;

	kmutex_lock(&md->mdev_core_lock);
	empty = list_empty(&md->core_list);
	kmutex_unlock(&md->mdev_core_lock);
	return empty;
}

void vfio_ap_remove_all_mdevs(struct ap_matrix_dev *md)
{
	for (;;) {
		struct ap_matrix_mdev *m = NULL, *it;

		kmutex_lock(&md->mdev_core_lock);
		list_for_each_entry(it, &md->core_list, core_node) {
			if (!atomic_exchange(&it->removing, true)) {
				m = it;
				break;
			}
		}
		kmutex_unlock(&md->mdev_core_lock);
		if (!m)
			break;
		mdev_destroy(m);
	}
	/* mdevs that other writers are removing: until they are gone too */
	kwait_event(&md->release_wq, no_mdevs_left(md));
}

/* open_device: attach the guest (vfio_ap_mdev_set_kvm). */
int vfio_ap_mdev_open(struct ap_matrix_mdev *m, struct kvm *kvm)
{
	struct ap_matrix_dev *md = m->md;
	int rc = 0;

	kmutex_lock(&md->dev_set_lock);
	ld_sched_access(md->svc.ld, &m->removing, false);
	if (m->open || atomic_load(&m->removing)) {
		rc = m->open ? -EBUSY : -ENODEV;
		kmutex_unlock(&md->dev_set_lock);
		return rc;
	}
	if (!kvm) {
		rc = -EINVAL;
	} else if (kvm->crypto.format != CRYCB_NONE) {
		if (vfio_ap_set_hook_lock(md, kvm, &m->pqap_hook, true)) {
			rc = -EPERM;
		} else {
			m->kvm = kvm;
			vfio_ap_mdev_update_guest_apcb(m);
		}
		vfio_ap_set_hook_unlock(md, kvm);
	}
	if (!rc)
		m->open = true;
	kmutex_unlock(&md->dev_set_lock);
	return rc;
}

/* close_device: detach (vfio_ap_mdev_unset_kvm); the shadow is kept. */
void vfio_ap_mdev_close(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;
	struct kvm *kvm;

	kmutex_lock(&md->dev_set_lock);
	kvm = m->kvm;
	if (kvm) {
		vfio_ap_set_hook_lock(md, kvm, NULL, false);
		kvm_arch_crypto_clear_masks(kvm);
		vfio_ap_mdev_reset_queues(m);
		m->kvm = NULL;
		vfio_ap_set_hook_unlock(md, kvm);
	}
	m->open = false;
	kmutex_unlock(&md->dev_set_lock);
	kwake_up(&md->release_wq);
}

void vfio_ap_mdev_request(struct ap_matrix_mdev *m, unsigned count)
{
	struct ap_matrix_dev *md = m->md;

	get_update_locks_for_mdev(md, m);
	if (m->kvm) {
		lockdep_assert_held(&m->kvm->lock); /* taken by the helper when attached */
		kvm_arch_crypto_clear_masks(m->kvm);
		m->requested = true;
		if (m->cfg_chg_trigger) {
			m->cfg_chg_signals++;
			keventfd_signal(m->cfg_chg_trigger);
		}
	}
	if (m->req_trigger) {
		if (count % 10 == 0)
			klog_printf(vfio_ap_klog(md),
				    "vfio_ap_mdev %s: Relaying device request to user (#%u)",
				    m->uuid, count);
		m->req_signals++;
		keventfd_signal(m->req_trigger);
	} else if (count == 0) {
		klog_printf(
			vfio_ap_klog(md),
			"vfio_ap_mdev %s: No device request registered, blocked until released by user",
			m->uuid);
	}
	release_update_locks_for_mdev(md, m);
}

/*
 * VFIO_DEVICE_SET_IRQS for the two eventfds (design.md §4.10): index 0 the
 * request notifier, 1 the AP configuration-change notifier. EINVAL for any
 * other index.
 */
int vfio_ap_mdev_set_irq(struct ap_matrix_mdev *m, unsigned index, struct keventfd *efd)
{
	if (index > 1)
		return -EINVAL;
	kmutex_lock(&m->md->mdevs_lock);
	if (index == 0)
		m->req_trigger = efd;
	else
		m->cfg_chg_trigger = efd;
	kmutex_unlock(&m->md->mdevs_lock);
	return 0;
}

int vfio_ap_mdev_reset_ioctl(struct ap_matrix_mdev *m)
{
	int rc;

	kmutex_lock(&m->md->mdevs_lock);
	rc = vfio_ap_mdev_reset_queues(m);
	kmutex_unlock(&m->md->mdevs_lock);
	return rc;
}

void vfio_ap_mdev_dma_unmap(struct ap_matrix_mdev *m, uint64_t iova, uint64_t len)
{
	struct vfio_ap_queue *q;

	kmutex_lock(&m->md->mdevs_lock);
	list_for_each_entry(q, &m->qlist, mdev_qnode)
		if (q->saved_iova >= iova && q->saved_iova < iova + len)
			vfio_ap_irq_disable(m->md, q);
	kmutex_unlock(&m->md->mdevs_lock);
}
