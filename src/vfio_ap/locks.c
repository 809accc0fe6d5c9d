/* SPDX-License-Identifier: MIT */
/*
 * locks.c - the one place that takes several vfio_ap locks at once, and the
 * table of locking variants.
 *
 * The update-lock helpers take, in this order:
 *   1. matrix_dev->guests_lock
 *   2. kvm->lock of the guest the mdev (or queue) is attached to, if any
 *   3. matrix_dev->mdevs_lock
 * and their release twin drops them in reverse. Callers that check
 * ownership against ap_perms take ap_perms_mutex before step 1 (merged) or
 * inside step 3 (v18): that difference, the in_use callback's trylock and
 * the position of pqap_hook_rwsem are the variant table below.
 */
#include "vfio_ap/vfio_ap_private.h"

#include <errno.h>


void get_update_locks_for_mdev(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_lock(&md->guests_lock);
	if (m && m->kvm)
		kmutex_lock(&m->kvm->lock);
	kmutex_lock(&md->mdevs_lock);
}

void release_update_locks_for_mdev(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_unlock(&md->mdevs_lock);
	if (m && m->kvm)
		kmutex_unlock(&m->kvm->lock);
	kmutex_unlock(&md->guests_lock);
}

void release_update_locks(struct ap_matrix_dev *md, struct kvm *kvm) NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_unlock(&md->mdevs_lock);
	if (kvm)
		kmutex_unlock(&kvm->lock);
	kmutex_unlock(&md->guests_lock);
}

/*
 * Takes the update locks for the first mdev whose matrix contains apqn and
 * returns it (NULL if none: then only guests_lock and mdevs_lock are held).
 */
struct ap_matrix_mdev *get_update_locks_by_apqn(struct ap_matrix_dev *md, unsigned apqn)
	NO_THREAD_SAFETY_ANALYSIS
{
	struct ap_matrix_mdev *m, *found = NULL;

	kmutex_lock(&md->guests_lock);
	list_for_each_entry(m, &md->mdev_list, node) {
		if (bm_test(&m->matrix.apm, AP_QID_CARD(apqn)) &&
		    bm_test(&m->matrix.aqm, AP_QID_QUEUE(apqn))) {
			found = m;
			break;
		}
	}
	if (found && found->kvm)
		kmutex_lock(&found->kvm->lock);
	kmutex_lock(&md->mdevs_lock);
	return found;
}

void get_update_locks_for_queue(struct ap_matrix_dev *md, struct vfio_ap_queue *q)
	NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_lock(&md->guests_lock);
	if (q->matrix_mdev && q->matrix_mdev->kvm)
		kmutex_lock(&q->matrix_mdev->kvm->lock);
	kmutex_lock(&md->mdevs_lock);
}

/* --- merged (v6.0 and later) ------------------------------------------ */

static void merged_assign_lock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_lock(&md->bus->perms_mutex);
	get_update_locks_for_mdev(md, m);
}

static void merged_assign_unlock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	NO_THREAD_SAFETY_ANALYSIS
{
	release_update_locks_for_mdev(md, m);
	kmutex_unlock(&md->bus->perms_mutex);
}

static bool merged_owned(struct ap_matrix_dev *md, const bm256 *apm, const bm256 *aqm)
{
	lockdep_assert_held(&md->bus->perms_mutex);
	return ap_apqn_in_matrix_owned_by_def_drv(md->bus, apm, aqm);
}

static int blocking_in_use_lock(struct ap_matrix_dev *md) NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_lock(&md->guests_lock);
	kmutex_lock(&md->mdevs_lock);
	return 0;
}

/* UPD_KVM with the rwsem folded in between kvm->lock and mdevs_lock. */
static void merged_hook_lock(struct ap_matrix_dev *md, struct kvm *kvm,
			     struct kvm_pqap_hook *hook, bool install, bool *busy)
	NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_lock(&md->guests_lock);
	kmutex_lock(&kvm->lock);
	down_write(&kvm->crypto.pqap_hook_rwsem);
	*busy = install && kvm->crypto.pqap_hook != NULL;
	if (!*busy)
		kvm->crypto.pqap_hook = install ? hook : NULL;
	kmutex_lock(&md->mdevs_lock);
}

static void merged_hook_unlock(struct ap_matrix_dev *md, struct kvm *kvm)
	NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_unlock(&md->mdevs_lock);
	up_write(&kvm->crypto.pqap_hook_rwsem);
	kmutex_unlock(&kvm->lock);
	kmutex_unlock(&md->guests_lock);
}

static const char *const merged_order[] = {
	"ap_scan_bus_mutex",
	"&dev->mutex",
	"&dev_set->lock",
	"mdev_list_lock",
	"ap_perms_mutex",
	"&matrix_dev->guests_lock",
	"&kvm->lock",
	"&kvm->arch.crypto.pqap_hook_rwsem",
	"&matrix_dev->mdevs_lock",
	"ap_queues_lock",
	"&kvm->res_lock",
	"&ap_hw->lock",
	"&klog->lock",
	"&sysfs->tree_lock",
};

const struct vfio_ap_lock_ops vfio_ap_lock_merged = {
	.name = "merged",
	.assign_lock = merged_assign_lock,
	.assign_unlock = merged_assign_unlock,
	.owned_by_def_drv = merged_owned,
	.in_use_lock = blocking_in_use_lock,
	.set_hook_lock = merged_hook_lock,
	.set_hook_unlock = merged_hook_unlock,
	.order = merged_order,
	.norder = sizeof(merged_order) / sizeof(merged_order[0]),
};

/* --- v18 (Feb 2022 posting) ------------------------------------------- */

static void v18_assign_lock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	NO_THREAD_SAFETY_ANALYSIS
{
	get_update_locks_for_mdev(md, m);
}

static void v18_assign_unlock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	NO_THREAD_SAFETY_ANALYSIS
{
	release_update_locks_for_mdev(md, m);
}

/* v18: the ownership check takes the perms mutex itself, inside mdevs_lock. */
static bool v18_owned(struct ap_matrix_dev *md, const bm256 *apm, const bm256 *aqm)
	NO_THREAD_SAFETY_ANALYSIS
{
	bool owned;

	kmutex_lock(&md->bus->perms_mutex);
	owned = ap_apqn_in_matrix_owned_by_def_drv(md->bus, apm, aqm);
	kmutex_unlock(&md->bus->perms_mutex);
	return owned;
}

/* v18: in_use must not block (it would invert the order): trylock, EBUSY. */
static int v18_in_use_lock(struct ap_matrix_dev *md) NO_THREAD_SAFETY_ANALYSIS
{
	if (!kmutex_trylock(&md->guests_lock))
		return -EBUSY;
	if (!kmutex_trylock(&md->mdevs_lock)) {
		kmutex_unlock(&md->guests_lock);
		return -EBUSY;
	}
	return 0;
}

/* v18: the hook is changed under its rwsem alone, before the other locks. */
static void v18_hook_lock(struct ap_matrix_dev *md, struct kvm *kvm,
			  struct kvm_pqap_hook *hook, bool install, bool *busy)
	NO_THREAD_SAFETY_ANALYSIS
{
	down_write(&kvm->crypto.pqap_hook_rwsem);
	*busy = install && kvm->crypto.pqap_hook != NULL;
	if (!*busy)
		kvm->crypto.pqap_hook = install ? hook : NULL;
	up_write(&kvm->crypto.pqap_hook_rwsem);
	kmutex_lock(&md->guests_lock);
	kmutex_lock(&kvm->lock);
	kmutex_lock(&md->mdevs_lock);
}

static void v18_hook_unlock(struct ap_matrix_dev *md, struct kvm *kvm)
	NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_unlock(&md->mdevs_lock);
	kmutex_unlock(&kvm->lock);
	kmutex_unlock(&md->guests_lock);
}

static const char *const v18_order[] = {
	"ap_scan_bus_mutex",
	"&dev->mutex",
	"&dev_set->lock",
	"mdev_list_lock",
	"&kvm->arch.crypto.pqap_hook_rwsem",
	"&matrix_dev->guests_lock",
	"&kvm->lock",
	"&matrix_dev->mdevs_lock",
	"ap_perms_mutex",
	"ap_queues_lock",
	"&kvm->res_lock",
	"&ap_hw->lock",
	"&klog->lock",
	"&sysfs->tree_lock",
};

const struct vfio_ap_lock_ops vfio_ap_lock_v18 = {
	.name = "v18",
	.assign_lock = v18_assign_lock,
	.assign_unlock = v18_assign_unlock,
	.owned_by_def_drv = v18_owned,
	.in_use_lock = v18_in_use_lock,
	.set_hook_lock = v18_hook_lock,
	.set_hook_unlock = v18_hook_unlock,
	.order = v18_order,
	.norder = sizeof(v18_order) / sizeof(v18_order[0]),
};

/* v18-blocking: v18's order with a plain blocking in_use (the real ABBA). */
const struct vfio_ap_lock_ops vfio_ap_lock_v18_blocking = {
	.name = "v18-blocking",
	.assign_lock = v18_assign_lock,
	.assign_unlock = v18_assign_unlock,
	.owned_by_def_drv = v18_owned,
	.in_use_lock = blocking_in_use_lock,
	.set_hook_lock = v18_hook_lock,
	.set_hook_unlock = v18_hook_unlock,
	.order = v18_order,
	.norder = sizeof(v18_order) / sizeof(v18_order[0]),
};
