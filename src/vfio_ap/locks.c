/* SPDX-License-Identifier: MIT */
/*
 * locks.c - the one place that takes several vfio_ap locks at once, and the
 * table of locking variants (docs/design.md §6, docs/locking.md).
 *
 * Every function here that takes locks states its order as a numbered list
 * and has a release twin that drops them in reverse. The rest of the driver
 * takes at most one vfio_ap lock by itself and otherwise calls these.
 * Whether kvm->lock is taken depends on whether the mdev is attached to a
 * guest, which the thread-safety analysis cannot follow: that conditional
 * locking is why these bodies (and only these, in the driver) are excluded
 * from it. Their declarations still tell the analysis which of
 * guests_lock and mdevs_lock they acquire or release, so every caller is
 * checked; callers that use kvm->lock assert it.
 *
 * The variants (merged, v18, v18-blocking) differ in: where ap_perms_mutex
 * is taken by the assign paths, how the in_use callback takes its locks,
 * where pqap_hook_rwsem is taken on attach/detach, the declared rank order
 * and the lock edges their paths are expected to produce.
 */
#include "vfio_ap/vfio_ap_private.h"

#include <errno.h>

/*
 * UPD(m), get_update_locks_for_mdev:
 *   1. matrix_dev->guests_lock
 *   2. m->kvm->lock, if m is attached to a guest
 *   3. matrix_dev->mdevs_lock
 * m may be NULL (then 1 and 3 only).
 */
void get_update_locks_for_mdev(struct ap_matrix_dev *md,
			       struct ap_matrix_mdev *m) NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_lock(&md->guests_lock);
	if (m && m->kvm)
		kmutex_lock(&m->kvm->lock);
	kmutex_lock(&md->mdevs_lock);
}

void release_update_locks_for_mdev(struct ap_matrix_dev *md,
				   struct ap_matrix_mdev *m) NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_unlock(&md->mdevs_lock);
	if (m && m->kvm)
		kmutex_unlock(&m->kvm->lock);
	kmutex_unlock(&md->guests_lock);
}

/* The twin of the two helpers below: 3, 2 (if kvm), 1. */
void release_update_locks(struct ap_matrix_dev *md, struct kvm *kvm) NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_unlock(&md->mdevs_lock);
	if (kvm)
		kmutex_unlock(&kvm->lock);
	kmutex_unlock(&md->guests_lock);
}

/*
 * UPD_APQN, get_update_locks_by_apqn:
 *   1. guests_lock
 *   2. kvm->lock of the first mdev whose matrix contains apqn, if attached
 *   3. mdevs_lock
 * Returns that mdev, or NULL. Release with release_update_locks(md, m->kvm).
 */
struct ap_matrix_mdev *get_update_locks_by_apqn(struct ap_matrix_dev *md,
						unsigned apqn) NO_THREAD_SAFETY_ANALYSIS
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

/*
 * UPD_Q, get_update_locks_for_queue:
 *   1. guests_lock
 *   2. kvm->lock of the guest of the mdev q is linked to, if any
 *   3. mdevs_lock
 * Release with release_update_locks(md, q->matrix_mdev's kvm as read here).
 */
void get_update_locks_for_queue(struct ap_matrix_dev *md,
				struct vfio_ap_queue *q) NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_lock(&md->guests_lock);
	if (q->matrix_mdev && q->matrix_mdev->kvm)
		kmutex_lock(&q->matrix_mdev->kvm->lock);
	kmutex_lock(&md->mdevs_lock);
}

/*
 * One mdev of a walk over mdev_list that already holds guests_lock (the
 * host-configuration callbacks, the consistency check):
 *   2. m->kvm->lock, if attached
 *   3. mdevs_lock
 */
void get_mdev_locks_in_walk(struct ap_matrix_dev *md,
			    struct ap_matrix_mdev *m) NO_THREAD_SAFETY_ANALYSIS
{
	lockdep_assert_held(&md->guests_lock);
	if (m->kvm)
		kmutex_lock(&m->kvm->lock);
	kmutex_lock(&md->mdevs_lock);
}

void release_mdev_locks_in_walk(struct ap_matrix_dev *md,
				struct ap_matrix_mdev *m) NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_unlock(&md->mdevs_lock);
	if (m->kvm)
		kmutex_unlock(&m->kvm->lock);
}

/*
 * --- the variant entry points -------------------------------------------
 * They call through the variant table, which the thread-safety analysis
 * cannot follow; so after the call they assert, at run time and for the
 * analysis, that the variant really took (or dropped) the locks their
 * declarations promise.
 */

void vfio_ap_assign_lock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
{
	md->lops->assign_lock(md, m);
	lockdep_assert_held(&md->guests_lock);
	lockdep_assert_held(&md->mdevs_lock);
}

void vfio_ap_assign_unlock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
{
	md->lops->assign_unlock(md, m);
	lockdep_assert_released(&md->mdevs_lock);
	lockdep_assert_released(&md->guests_lock);
}

bool vfio_ap_in_use_lock(struct ap_matrix_dev *md)
{
	if (!md->lops->in_use_lock(md))
		return false;
	lockdep_assert_held(&md->guests_lock);
	lockdep_assert_held(&md->mdevs_lock);
	return true;
}

void vfio_ap_in_use_unlock(struct ap_matrix_dev *md)
{
	md->lops->in_use_unlock(md);
	lockdep_assert_released(&md->mdevs_lock);
	lockdep_assert_released(&md->guests_lock);
}

bool vfio_ap_set_hook_lock(struct ap_matrix_dev *md, struct kvm *kvm, struct kvm_pqap_hook *hook,
			   bool install)
{
	bool busy = md->lops->set_hook_lock(md, kvm, hook, install);

	lockdep_assert_held(&md->guests_lock);
	lockdep_assert_held(&kvm->lock);
	lockdep_assert_held(&md->mdevs_lock);
	return busy;
}

void vfio_ap_set_hook_unlock(struct ap_matrix_dev *md, struct kvm *kvm)
{
	md->lops->set_hook_unlock(md, kvm);
	lockdep_assert_released(&md->mdevs_lock);
	lockdep_assert_released(&kvm->lock);
	lockdep_assert_released(&md->guests_lock);
}

void vfio_ap_aqic_lock(struct ap_matrix_dev *md, struct kvm *kvm)
{
	md->lops->aqic_lock(md, kvm);
	lockdep_assert_held(&md->mdevs_lock);
}

void vfio_ap_aqic_unlock(struct ap_matrix_dev *md, struct kvm *kvm)
{
	md->lops->aqic_unlock(md, kvm);
	lockdep_assert_released(&md->mdevs_lock);
}

/* Every variant: the AQIC handler takes mdevs_lock alone (under KVM's read hold of the hook). */
static void aqic_lock(struct ap_matrix_dev *md, struct kvm *kvm) ACQUIRE(md->mdevs_lock)
{
	kmutex_lock(&md->mdevs_lock);
}

static void aqic_unlock(struct ap_matrix_dev *md, struct kvm *kvm) RELEASE(md->mdevs_lock)
{
	kmutex_unlock(&md->mdevs_lock);
}

/* --- merged (v6.0 and later) ------------------------------------------ */

/*
 * assign_adapter / assign_domain / ap_config:
 *   1. ap_perms_mutex
 *   2-4. UPD(m): guests_lock, kvm->lock (if attached), mdevs_lock
 */
static void merged_assign_lock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	ACQUIRE(md->bus->perms_mutex, md->guests_lock, md->mdevs_lock)
{
	kmutex_lock(&md->bus->perms_mutex);
	get_update_locks_for_mdev(md, m);
}

static void merged_assign_unlock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	RELEASE(md->bus->perms_mutex, md->guests_lock, md->mdevs_lock)
{
	release_update_locks_for_mdev(md, m);
	kmutex_unlock(&md->bus->perms_mutex);
}

/* The caller (assign, under merged_assign_lock) holds ap_perms_mutex. */
static bool merged_owned(struct ap_matrix_dev *md, const bm256 *apm, const bm256 *aqm)
{
	lockdep_assert_held(&md->bus->perms_mutex);
	return ap_apqn_in_matrix_owned_by_def_drv(md->bus, apm, aqm);
}

/*
 * The in_use callback, blocking (merged and v18-blocking); the bus holds
 * ap_perms_mutex already:
 *   1. guests_lock
 *   2. mdevs_lock
 */
static bool blocking_in_use_lock(struct ap_matrix_dev *md)
	TRY_ACQUIRE(true, md->guests_lock, md->mdevs_lock)
{
	kmutex_lock(&md->guests_lock);
	kmutex_lock(&md->mdevs_lock);
	return true;
}

static void in_use_unlock(struct ap_matrix_dev *md) RELEASE(md->guests_lock, md->mdevs_lock)
{
	kmutex_unlock(&md->mdevs_lock);
	kmutex_unlock(&md->guests_lock);
}

/*
 * UPD_KVM, attach/detach (vfio_ap_mdev_set_kvm / unset_kvm):
 *   1. guests_lock
 *   2. kvm->lock
 *   3. kvm->arch.crypto.pqap_hook_rwsem, for write (the hook is changed here)
 *   4. mdevs_lock
 * Returns true if install was asked for and another mdev's hook is there
 * (the hook is then left alone; the caller fails with EPERM).
 */
static bool merged_hook_lock(struct ap_matrix_dev *md, struct kvm *kvm, struct kvm_pqap_hook *hook,
			     bool install)
	ACQUIRE(md->guests_lock, kvm->lock, kvm->crypto.pqap_hook_rwsem, md->mdevs_lock)
{
	bool busy;

	kmutex_lock(&md->guests_lock);
	kmutex_lock(&kvm->lock);
	down_write(&kvm->crypto.pqap_hook_rwsem);
	busy = install && kvm->crypto.pqap_hook != NULL;
	if (!busy)
		kvm->crypto.pqap_hook = install ? hook : NULL;
	kmutex_lock(&md->mdevs_lock);
	return busy;
}

static void merged_hook_unlock(struct ap_matrix_dev *md, struct kvm *kvm)
	RELEASE(md->guests_lock, kvm->lock, kvm->crypto.pqap_hook_rwsem, md->mdevs_lock)
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

#define SCAN "ap_scan_bus_mutex"
#define DEV "&dev->mutex"
#define DSET "&dev_set->lock"
#define MLIST "mdev_list_lock"
#define PERMS "ap_perms_mutex"
#define GUESTS "&matrix_dev->guests_lock"
#define KVM "&kvm->lock"
#define HOOK "&kvm->arch.crypto.pqap_hook_rwsem"
#define MDEVS "&matrix_dev->mdevs_lock"

/*
 * Edges every variant's paths produce (docs/locking.md, "Per path"):
 * queue probe/remove under the device lock, scans, open/close under the
 * dev-set lock, mdev create under the mdev core's list lock, AQIC.
 */
const struct vfio_ap_lock_edge vfio_ap_common_edges[] = {
	{ DEV, GUESTS },  { DEV, KVM },	     { DEV, MDEVS },  { SCAN, DEV },   { DEV, PERMS },
	{ SCAN, GUESTS }, { SCAN, KVM },     { SCAN, MDEVS }, { GUESTS, KVM }, { GUESTS, MDEVS },
	{ KVM, MDEVS },	  { DSET, GUESTS },  { DSET, KVM },   { DSET, MDEVS }, { DSET, HOOK },
	{ HOOK, MDEVS },  { MLIST, GUESTS },
};
const size_t vfio_ap_nr_common_edges =
	sizeof(vfio_ap_common_edges) / sizeof(vfio_ap_common_edges[0]);

/* merged: perms first on assign and in_use; the rwsem inside kvm->lock. */
static const struct vfio_ap_lock_edge merged_edges[] = {
	{ PERMS, GUESTS }, { PERMS, KVM }, { PERMS, MDEVS }, { GUESTS, HOOK }, { KVM, HOOK },
};

const struct vfio_ap_lock_ops vfio_ap_lock_merged = {
	.name = "merged",
	.assign_lock = merged_assign_lock,
	.assign_unlock = merged_assign_unlock,
	.owned_by_def_drv = merged_owned,
	.in_use_lock = blocking_in_use_lock,
	.in_use_unlock = in_use_unlock,
	.set_hook_lock = merged_hook_lock,
	.set_hook_unlock = merged_hook_unlock,
	.aqic_lock = aqic_lock,
	.aqic_unlock = aqic_unlock,
	.order = merged_order,
	.norder = sizeof(merged_order) / sizeof(merged_order[0]),
	.edges = merged_edges,
	.nedges = sizeof(merged_edges) / sizeof(merged_edges[0]),
};

/* --- v18 (Feb 2022 posting) ------------------------------------------- */

/* assign paths: UPD(m) only; the ownership check takes ap_perms_mutex later. */
static void v18_assign_lock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	ACQUIRE(md->guests_lock, md->mdevs_lock)
{
	get_update_locks_for_mdev(md, m);
}

static void v18_assign_unlock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	RELEASE(md->guests_lock, md->mdevs_lock)
{
	release_update_locks_for_mdev(md, m);
}

/*
 * v18's ownership check, called under UPD(m):
 *   4. ap_perms_mutex (inside mdevs_lock: the inversion against in_use)
 */
static bool v18_owned(struct ap_matrix_dev *md, const bm256 *apm, const bm256 *aqm)
{
	bool owned;

	kmutex_lock(&md->bus->perms_mutex);
	owned = ap_apqn_in_matrix_owned_by_def_drv(md->bus, apm, aqm);
	kmutex_unlock(&md->bus->perms_mutex);
	return owned;
}

/*
 * v18's in_use must not block (it would close the cycle): try
 *   1. guests_lock, then 2. mdevs_lock; false (the bus then fails the mask
 *   store with EBUSY) if either is held by anyone.
 */
static bool v18_in_use_lock(struct ap_matrix_dev *md)
	TRY_ACQUIRE(true, md->guests_lock, md->mdevs_lock)
{
	if (!kmutex_trylock(&md->guests_lock))
		return false;
	if (!kmutex_trylock(&md->mdevs_lock)) {
		kmutex_unlock(&md->guests_lock);
		return false;
	}
	return true;
}

/*
 * v18 attach/detach: the hook is changed under its rwsem alone, before
 *   1. guests_lock
 *   2. kvm->lock
 *   3. mdevs_lock
 */
static bool v18_hook_lock(struct ap_matrix_dev *md, struct kvm *kvm, struct kvm_pqap_hook *hook,
			  bool install) ACQUIRE(md->guests_lock, kvm->lock, md->mdevs_lock)
{
	bool busy;

	down_write(&kvm->crypto.pqap_hook_rwsem);
	busy = install && kvm->crypto.pqap_hook != NULL;
	if (!busy)
		kvm->crypto.pqap_hook = install ? hook : NULL;
	up_write(&kvm->crypto.pqap_hook_rwsem);
	kmutex_lock(&md->guests_lock);
	kmutex_lock(&kvm->lock);
	kmutex_lock(&md->mdevs_lock);
	return busy;
}

static void v18_hook_unlock(struct ap_matrix_dev *md, struct kvm *kvm)
	RELEASE(md->guests_lock, kvm->lock, md->mdevs_lock)
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

/* v18: perms inside the driver locks (ownership check); the rwsem alone. */
static const struct vfio_ap_lock_edge v18_edges[] = {
	{ GUESTS, PERMS },
	{ KVM, PERMS },
	{ MDEVS, PERMS },
};

/* v18 with its in_use helper chosen (v18, v18-blocking, mutant-leak) */
#define V18_WITH_IN_USE(NAME, INUSE)                                                              \
	{                                                                                         \
		.name = NAME, .assign_lock = v18_assign_lock, .assign_unlock = v18_assign_unlock, \
		.owned_by_def_drv = v18_owned, .in_use_lock = INUSE,                              \
		.in_use_unlock = in_use_unlock, .set_hook_lock = v18_hook_lock,                   \
		.set_hook_unlock = v18_hook_unlock, .aqic_lock = aqic_lock,                       \
		.aqic_unlock = aqic_unlock, .order = v18_order,                                   \
		.norder = sizeof(v18_order) / sizeof(v18_order[0]), .edges = v18_edges,           \
		.nedges = sizeof(v18_edges) / sizeof(v18_edges[0]),                               \
	}

const struct vfio_ap_lock_ops vfio_ap_lock_v18 = V18_WITH_IN_USE("v18", v18_in_use_lock);

/* v18-blocking: v18's order with a plain blocking in_use (the real ABBA). */
const struct vfio_ap_lock_ops vfio_ap_lock_v18_blocking =
	V18_WITH_IN_USE("v18-blocking", blocking_in_use_lock);

/*
 * --- mutants: broken tables the explorer must catch --------------------
 *
 * mutant-swap       merged with the assign helper's order swapped:
 *                   guests_lock, [kvm->lock], mdevs_lock, then ap_perms_mutex
 *                   (an ABBA against a mask store's in_use);
 * mutant-nolock     merged whose assign paths do not take ap_perms_mutex
 *                   (the ownership check reads ap_perms unlocked);
 * mutant-leak       v18 whose in_use trylock forgets to release guests_lock
 *                   when mdevs_lock is busy (a missing release on an error
 *                   path);
 * mutant-nested-read merged whose AQIC handler takes pqap_hook_rwsem for read
 *                   again, under KVM's read hold (a reader nested behind a
 *                   queued writer deadlocks).
 */

static void swap_assign_lock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	ACQUIRE(md->bus->perms_mutex, md->guests_lock, md->mdevs_lock)
{
	get_update_locks_for_mdev(md, m);
	kmutex_lock(&md->bus->perms_mutex);
}

static void nolock_assign_lock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	ACQUIRE(md->guests_lock, md->mdevs_lock)
{
	get_update_locks_for_mdev(md, m);
}

static void nolock_assign_unlock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	RELEASE(md->guests_lock, md->mdevs_lock)
{
	release_update_locks_for_mdev(md, m);
}

static bool leak_in_use_lock(struct ap_matrix_dev *md) NO_THREAD_SAFETY_ANALYSIS
{
	/* deliberately broken (a mutant): the analysis would rightly refuse it */
	if (!kmutex_trylock(&md->guests_lock))
		return false;
	if (!kmutex_trylock(&md->mdevs_lock))
		return false; /* the bug: guests_lock stays held */
	return true;
}

static void nested_aqic_lock(struct ap_matrix_dev *md, struct kvm *kvm) NO_THREAD_SAFETY_ANALYSIS
{
	/* deliberately broken (a mutant): the read hold is released in the unlock twin */
	down_read(&kvm->crypto.pqap_hook_rwsem);
	kmutex_lock(&md->mdevs_lock);
}

static void nested_aqic_unlock(struct ap_matrix_dev *md, struct kvm *kvm) NO_THREAD_SAFETY_ANALYSIS
{
	kmutex_unlock(&md->mdevs_lock);
	up_read(&kvm->crypto.pqap_hook_rwsem);
}

/* merged with its assign and AQIC hooks replaced */
#define MERGED_BUT(NAME, ALOCK, AUNLOCK, QLOCK, QUNLOCK)                                           \
	{                                                                                          \
		.name = NAME, .assign_lock = ALOCK, .assign_unlock = AUNLOCK,                      \
		.owned_by_def_drv = merged_owned, .in_use_lock = blocking_in_use_lock,             \
		.in_use_unlock = in_use_unlock, .set_hook_lock = merged_hook_lock,                 \
		.set_hook_unlock = merged_hook_unlock, .aqic_lock = QLOCK, .aqic_unlock = QUNLOCK, \
		.order = merged_order, .norder = sizeof(merged_order) / sizeof(merged_order[0]),   \
		.edges = merged_edges, .nedges = sizeof(merged_edges) / sizeof(merged_edges[0]),   \
	}

static const struct vfio_ap_lock_ops mutant_swap =
	MERGED_BUT("mutant-swap", swap_assign_lock, merged_assign_unlock, aqic_lock, aqic_unlock);
static const struct vfio_ap_lock_ops mutant_nolock = MERGED_BUT(
	"mutant-nolock", nolock_assign_lock, nolock_assign_unlock, aqic_lock, aqic_unlock);
static const struct vfio_ap_lock_ops mutant_nested_read =
	MERGED_BUT("mutant-nested-read", merged_assign_lock, merged_assign_unlock, nested_aqic_lock,
		   nested_aqic_unlock);

static const struct vfio_ap_lock_ops mutant_leak = V18_WITH_IN_USE("mutant-leak", leak_in_use_lock);

const struct vfio_ap_lock_ops *const vfio_ap_lock_mutants[] = {
	&mutant_swap, &mutant_nolock, &mutant_leak, &mutant_nested_read, NULL,
};
