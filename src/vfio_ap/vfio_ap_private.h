/* SPDX-License-Identifier: MIT */
/*
 * vfio_ap_private.h - the vfio_ap driver's objects (vfio_ap_private.h).
 *
 * struct ap_matrix_dev  the one matrix device: host config copy, mdev list,
 *                       the two driver locks, the AP-bus driver object
 * struct ap_matrix_mdev one mediated device: assigned matrix, shadow APCB,
 *                       attached guest, linked queues (qtable)
 * struct vfio_ap_queue  one AP queue bound to vfio_ap
 *
 * Lock order (docs/locking.md, merged variant): ap_perms_mutex ->
 * guests_lock -> kvm->lock -> pqap_hook_rwsem -> mdevs_lock. Which lock
 * guards which field is written beside the field. The locking variants
 * (merged, v18, v18-blocking) differ only through struct vfio_ap_lock_ops.
 */
#ifndef VAS_VFIO_AP_PRIVATE_H
#define VAS_VFIO_AP_PRIVATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "ap/ap_bus.h"
#include "base/bitmap.h"
#include "base/list.h"
#include "kernel/eventfd.h"
#include "kernel/services.h"
#include "kernel/uevent.h"
#include "kvm/kvm.h"
#include "lockdep/lockdep.h"
#include "lockdep/sched.h"

#define VFIO_AP_ISC_INVALID 0xff
#define MAX_ZDEV_ENTRIES_EXT 65536
#define VFIO_AP_MDEV_TYPE "vfio_ap-passthrough"
/* VFIO group char devices: the kernel's major is dynamic; the model's is this one */
#define VFIO_GROUP_MAJOR 242

struct ap_matrix_dev;
struct ap_matrix_mdev;

struct ap_matrix {
	unsigned apm_max, aqm_max, adm_max;
	bm256 apm, aqm, adm;
};

/* All but the first two fields: GUARDED_BY(ap_matrix_dev.mdevs_lock). */
struct vfio_ap_queue {
	struct ap_matrix_dev *md; /* const */
	unsigned apqn;		  /* const */
	struct ap_queue *apq;	  /* the bus device, const while bound */
	/* every writer holds both (update locks); get_update_locks_for_queue reads under guests_lock */
	struct ap_matrix_mdev *matrix_mdev GUARDED_BY_ANY(ap_matrix_dev.guests_lock,
							  ap_matrix_dev.mdevs_lock);
	uint64_t saved_iova GUARDED_BY(ap_matrix_dev.mdevs_lock); /* 0 = no NIB pinned */
	/* VFIO_AP_ISC_INVALID = none */
	uint8_t saved_isc GUARDED_BY(ap_matrix_dev.mdevs_lock);
	/* the guest owning the NIB/ISC */
	struct kvm *saved_kvm GUARDED_BY(ap_matrix_dev.mdevs_lock);
	/* in matrix_mdev->qlist */
	struct list_head mdev_qnode GUARDED_BY(ap_matrix_dev.mdevs_lock);
	bool linked GUARDED_BY(ap_matrix_dev.mdevs_lock); /* in matrix_mdev's qtable */
	/* temporary reset list */
	struct list_head reset_qnode GUARDED_BY(ap_matrix_dev.mdevs_lock);
	/* APQSW of the last ZAPQ */
	uint32_t reset_status GUARDED_BY(ap_matrix_dev.mdevs_lock);
	/* verification queued */
	bool reset_work_pending GUARDED_BY(ap_matrix_dev.mdevs_lock);
};

/*
 * One adapter's row of an mdev's qtable: the linked queues by APQI, and two
 * bitmaps that let FILTER decide an adapter a word at a time: `linked` has
 * the APQIs with a linked queue, `bad` those whose last ZAPQ response code
 * makes the queue unusable (not 00, 03 or 04).
 */
struct vfio_ap_qrow {
	struct vfio_ap_queue *q[BM_BITS];
	bm256 linked;
	bm256 bad;
};

struct ap_matrix_mdev {
	struct ap_matrix_dev *md; /* const */
	char uuid[37];		  /* const */
	unsigned iommu_group;	  /* const */
	/* in md->mdev_list (+ mdevs_lock to remove) */
	struct list_head node GUARDED_BY(md->guests_lock);
	/*
	 * matrix, shadow_apcb and kvm: written under all update locks
	 * (guests_lock, the guest's kvm->lock if attached, mdevs_lock), read
	 * under guests_lock or mdevs_lock. kvm->lock is not in the annotation:
	 * the checker cannot express "if attached".
	 */
	struct ap_matrix matrix GUARDED_BY_ANY(md->guests_lock, md->mdevs_lock);
	struct ap_matrix shadow_apcb GUARDED_BY_ANY(md->guests_lock, md->mdevs_lock);
	/* set and cleared by open/close, under the dev-set lock and all update locks */
	struct kvm *kvm GUARDED_BY_ANY(md->dev_set_lock, md->guests_lock, md->mdevs_lock);
	struct kvm_pqap_hook pqap_hook; /* const after create */
	/*
	 * qtable: the queues both assigned and bound to vfio_ap ("linked"),
	 * by APID row (allocated on first link) and as a list for iteration.
	 * The kernel uses a 256-bucket hash; rows make FILTER O(APIDs).
	 */
	struct vfio_ap_qrow *qrows[BM_BITS] GUARDED_BY(md->mdevs_lock);
	struct list_head qlist GUARDED_BY(md->mdevs_lock);
	/* written under guests_lock + mdevs_lock */
	bm256 apm_add GUARDED_BY_ANY(md->guests_lock, md->mdevs_lock);
	bm256 aqm_add GUARDED_BY_ANY(md->guests_lock, md->mdevs_lock);
	bm256 adm_add GUARDED_BY_ANY(md->guests_lock, md->mdevs_lock);
	/* the registered eventfds (VFIO_DEVICE_SET_IRQS), NULL if none */
	struct keventfd *req_trigger GUARDED_BY(md->mdevs_lock);
	struct keventfd *cfg_chg_trigger GUARDED_BY(md->mdevs_lock);
	/* times req_trigger fired */
	unsigned long long req_signals GUARDED_BY(md->mdevs_lock);
	unsigned long long cfg_chg_signals GUARDED_BY(md->mdevs_lock);
	/*
	 * request() cleared the guest's masks and no PUSH has restored them
	 * since (the guest's CRYCB then differs from the shadow on purpose)
	 */
	bool requested GUARDED_BY(md->mdevs_lock);
	/* VFIO device state (the dev-set lock) */
	bool open GUARDED_BY(md->dev_set_lock);
	/* mdev core state */
	struct list_head core_node GUARDED_BY(md->mdev_core_lock); /* in md->core_list */
	atomic_bool removing; /* set once, under mdev_core_lock */
	atomic_int users;     /* references from vfio_ap_mdev_get */
	struct sysfs_node *dir, *group_dir;
	/*
	 * Driver-core identity (docs/uevents.md §5, §6), const after create:
	 * the mdev (bus mdev), its VFIO group device (class vfio, one group per
	 * mdev: the emulated IOMMU) and its vfio-dev device. `bound` says
	 * whether the mdev driver has it, which its DRIVER key follows.
	 */
	struct kobj kobj, group_kobj, vfio_kobj;
	unsigned vfio_index; /* vfio<N> */
	atomic_bool bound;
	struct sysfs_node *vdev_dir, *vgroup_dir; /* <uuid>/vfio-dev, devices/virtual/vfio/<G> */
};

/* An acquisition order a variant's paths are expected to produce (coverage). */
struct vfio_ap_lock_edge {
	const char *outer, *inner; /* lock class names */
};

/*
 * The locking variants (docs/design.md §10, §6.3-§6.4). Every difference
 * between merged, v18 and v18-blocking is one of these hooks; locks.c
 * implements them and wraps them in annotated entry points.
 */
struct vfio_ap_lock_ops {
	const char *name;
	/*
	 * locks for assign_adapter/assign_domain/ap_config (ownership checked):
	 * the update locks, and ap_perms_mutex in the merged variant
	 */
	void (*assign_lock)(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
		HOOK_ACQUIRES(md->guests_lock, md->mdevs_lock);
	void (*assign_unlock)(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
		HOOK_RELEASES(md->guests_lock, md->mdevs_lock);
	/* ap_apqn_in_matrix_owned_by_def_drv as the variant calls it */
	bool (*owned_by_def_drv)(struct ap_matrix_dev *md, const bm256 *apm, const bm256 *aqm);
	/* the in_use callback's way of taking guests_lock and mdevs_lock; false: busy */
	bool (*in_use_lock)(struct ap_matrix_dev *md)
		HOOK_ACQUIRES(md->guests_lock, md->mdevs_lock);
	void (*in_use_unlock)(struct ap_matrix_dev *md)
		HOOK_RELEASES(md->guests_lock, md->mdevs_lock);
	/*
	 * attach/detach: take the locks and install (or remove) the pqap hook;
	 * true if installing found another mdev's hook (left in place)
	 */
	bool (*set_hook_lock)(struct ap_matrix_dev *md, struct kvm *kvm, struct kvm_pqap_hook *hook,
			      bool install)
		HOOK_ACQUIRES(md->guests_lock, kvm->lock, md->mdevs_lock);
	void (*set_hook_unlock)(struct ap_matrix_dev *md, struct kvm *kvm)
		HOOK_RELEASES(md->guests_lock, kvm->lock, md->mdevs_lock);
	/* the PQAP(AQIC) handler's locks (KVM already holds pqap_hook_rwsem for read) */
	void (*aqic_lock)(struct ap_matrix_dev *md, struct kvm *kvm) HOOK_ACQUIRES(md->mdevs_lock);
	void (*aqic_unlock)(struct ap_matrix_dev *md, struct kvm *kvm)
		HOOK_RELEASES(md->mdevs_lock);
	/* declared lock order, outermost first */
	const char *const *order;
	size_t norder;
	/* edges only this variant's paths produce (plus vfio_ap_common_edges) */
	const struct vfio_ap_lock_edge *edges;
	size_t nedges;
};

extern const struct vfio_ap_lock_edge vfio_ap_common_edges[];
extern const size_t vfio_ap_nr_common_edges;
extern const struct vfio_ap_lock_ops vfio_ap_lock_merged, vfio_ap_lock_v18,
	vfio_ap_lock_v18_blocking;
/*
 * Broken tables that the deadlock explorer must catch (docs/explorer.md,
 * "Testing the tester"); NULL-terminated. Never a user-selectable variant.
 */
extern const struct vfio_ap_lock_ops *const vfio_ap_lock_mutants[];

struct ap_matrix_dev {
	struct kservices svc; /* const after init */
	struct ap_bus *bus;
	const struct vfio_ap_lock_ops *lops;
	struct kmutex guests_lock;
	struct kmutex mdevs_lock;
	struct ap_config_info info WRITES_GUARDED_BY(guests_lock);
	/* (+ mdevs_lock to remove) */
	struct list_head mdev_list GUARDED_BY(guests_lock);
	struct ap_driver vfio_ap_drv;
	/* mdev core / VFIO core state */
	struct kmutex mdev_core_lock; /* "mdev_list_lock": uuids in use, leaf */
	struct kmutex dev_set_lock;   /* "&dev_set->lock": open/close */
	struct kwaitq release_wq;     /* woken by close and by the last mdev put */
	/* every mdev by uuid */
	struct list_head core_list GUARDED_BY(mdev_core_lock);
	/* the parent is being unregistered (module unload): create answers ENODEV */
	bool unregistering GUARDED_BY(mdev_core_lock);
	atomic_int available_instances;
	atomic_uint next_iommu_group;
	atomic_int nr_mdevs, nr_queues; /* live objects (leak check) */
	unsigned reset_interval_us;	/* AP_RESET_INTERVAL (default 0 in the sim) */
	/* event counters (statistics, benchmarks; relaxed atomics) */
	atomic_ullong nr_push;	      /* PUSHes that reached a guest */
	atomic_ullong nr_zapq;	      /* ZAPQs issued by the driver */
	atomic_ullong nr_reset_polls; /* reset-verification TAPQ polls */
	atomic_ullong nr_reset_waits; /* waits for a reset batch (>= 20 ms each in the kernel) */
	struct sysfs_node *matrix_dir, *type_dir, *type_devices_dir;
	/*
	 * The module's objects as the driver core announces them (const after
	 * init): the root device (never announced: no bus), the matrix bus,
	 * the matrix device and its driver, the mdev driver; whether the
	 * matrix driver has the matrix device (its DRIVER key). Directories
	 * the unload removes.
	 */
	struct kobj root_kobj, bus_kobj, matrix_kobj, matrix_drv_kobj, mdev_drv_kobj;
	atomic_bool matrix_bound;
	atomic_uint next_vfio_index;
	struct sysfs_node *root_dir, *bus_dir, *matrix_drv_dir, *mdev_drv_dir, *types_dir;
};

/*
 * --- the lock helpers (locks.c): the only places that take several vfio_ap
 * locks; each states its order there. kvm->lock is taken conditionally (the
 * mdev's guest) and so is not in these annotations; code relying on it
 * asserts it.
 */
void get_update_locks_for_mdev(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	ACQUIRE(md->guests_lock, md->mdevs_lock);
void release_update_locks_for_mdev(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	RELEASE(md->guests_lock, md->mdevs_lock);
struct ap_matrix_mdev *get_update_locks_by_apqn(struct ap_matrix_dev *md, unsigned apqn)
	ACQUIRE(md->guests_lock, md->mdevs_lock);
void get_update_locks_for_queue(struct ap_matrix_dev *md, struct vfio_ap_queue *q)
	ACQUIRE(md->guests_lock, md->mdevs_lock);
/* Releases in reverse; kvm may be NULL. */
void release_update_locks(struct ap_matrix_dev *md, struct kvm *kvm)
	RELEASE(md->guests_lock, md->mdevs_lock);
/* In a walk of mdev_list under guests_lock: m's kvm->lock (if attached), mdevs_lock. */
void get_mdev_locks_in_walk(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	REQUIRES(md->guests_lock) ACQUIRE(md->mdevs_lock);
void release_mdev_locks_in_walk(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	REQUIRES(md->guests_lock) RELEASE(md->mdevs_lock);
/* The variant's assign locks (merged: ap_perms_mutex first). */
void vfio_ap_assign_lock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	ACQUIRE(md->guests_lock, md->mdevs_lock);
void vfio_ap_assign_unlock(struct ap_matrix_dev *md, struct ap_matrix_mdev *m)
	RELEASE(md->guests_lock, md->mdevs_lock);
/* The variant's in_use locks; false (v18: a lock was busy) means none is held. */
bool vfio_ap_in_use_lock(struct ap_matrix_dev *md)
	TRY_ACQUIRE(true, md->guests_lock, md->mdevs_lock);
void vfio_ap_in_use_unlock(struct ap_matrix_dev *md) RELEASE(md->guests_lock, md->mdevs_lock);
/* The variant's attach/detach locks; true: another mdev's hook is installed. */
bool vfio_ap_set_hook_lock(struct ap_matrix_dev *md, struct kvm *kvm, struct kvm_pqap_hook *hook,
			   bool install) ACQUIRE(md->guests_lock, kvm->lock, md->mdevs_lock);
void vfio_ap_set_hook_unlock(struct ap_matrix_dev *md, struct kvm *kvm)
	RELEASE(md->guests_lock, kvm->lock, md->mdevs_lock);
/* The variant's locks of the PQAP(AQIC) handler. */
void vfio_ap_aqic_lock(struct ap_matrix_dev *md, struct kvm *kvm) ACQUIRE(md->mdevs_lock);
void vfio_ap_aqic_unlock(struct ap_matrix_dev *md, struct kvm *kvm) RELEASE(md->mdevs_lock);

/* --- matrix ops (ops.c, filter.c, reset.c) --- */
struct vfio_ap_queue *vfio_ap_mdev_get_queue(struct ap_matrix_mdev *m, unsigned apqn);
void vfio_ap_mdev_link_queue(struct ap_matrix_mdev *m, struct vfio_ap_queue *q);
void vfio_ap_unlink_queue(struct ap_matrix_mdev *m, struct vfio_ap_queue *q);
void vfio_ap_queue_set_status(struct vfio_ap_queue *q, uint32_t apqsw);
void vfio_ap_mdev_free_qtable(struct ap_matrix_mdev *m);
struct vfio_ap_queue *vfio_ap_find_queue(struct ap_matrix_dev *md, unsigned apqn);
void vfio_ap_mdev_link_apid(struct ap_matrix_mdev *m, unsigned apid);
void vfio_ap_mdev_link_apqi(struct ap_matrix_mdev *m, unsigned apqi);
bool vfio_ap_mdev_filter_matrix(struct ap_matrix_mdev *m, bm256 *apm_filtered);
bool vfio_ap_mdev_filter_cdoms(struct ap_matrix_mdev *m);
void vfio_ap_mdev_update_guest_apcb(struct ap_matrix_mdev *m);
int vfio_ap_mdev_reset_qlist(struct ap_matrix_dev *md, struct list_head *qlist);
int vfio_ap_mdev_reset_queues(struct ap_matrix_mdev *m);
void vfio_ap_mdev_reset_apids(struct ap_matrix_mdev *m, const bm256 *apids);
void vfio_ap_mdev_reset_queue(struct ap_matrix_dev *md, struct vfio_ap_queue *q);
void vfio_ap_flush_reset(struct ap_matrix_dev *md, struct vfio_ap_queue *q);
void vfio_ap_free_aqic_resources(struct vfio_ap_queue *q);
uint32_t vfio_ap_irq_disable(struct ap_matrix_dev *md, struct vfio_ap_queue *q);
int vfio_ap_mdev_validate_masks(struct ap_matrix_mdev *m);
void vfio_ap_mdev_hot_unplug_adapters(struct ap_matrix_mdev *m, const bm256 *apids);
void vfio_ap_mdev_hot_unplug_domains(struct ap_matrix_mdev *m, const bm256 *apqis);
int vfio_ap_handle_pqap(void *owner, struct kvm *kvm, struct kvm_pqap_regs *regs);

/*
 * --- the mdev attribute stores (ops.c, cfg.c): count or -errno, as
 * docs/design.md §3.3 and §4.4-§4.7 give them ---
 */
/* assign_adapter (adapter) / assign_domain */
ssize_t vfio_ap_assign(struct ap_matrix_mdev *m, bool adapter, const char *buf, size_t count);
/* unassign_adapter (adapter) / unassign_domain */
ssize_t vfio_ap_unassign(struct ap_matrix_mdev *m, bool adapter, const char *buf, size_t count);
/* assign_control_domain (assign) / unassign_control_domain */
ssize_t vfio_ap_control_domain(struct ap_matrix_mdev *m, bool assign, const char *buf,
			       size_t count);
ssize_t vfio_ap_ap_config_store(struct ap_matrix_mdev *m, const char *buf, size_t count);

/* --- driver, mdev life cycle (drv.c, mdev.c) --- */
/*
 * Module init (design.md §4.1): the matrix device, the AP-bus driver (it
 * takes every unreserved queue), the mdev driver and parent, with the
 * kernel's events in the kernel's order. md is zeroed first. 0 or -ENOMEM.
 */
int vfio_ap_init(struct ap_matrix_dev *md, const struct kservices *svc, struct ap_bus *bus,
		 const struct vfio_ap_lock_ops *lops);
/*
 * Module exit: every mdev is removed (no device may be open: the caller
 * refuses an unload while a guest has one, as the module reference does),
 * then everything init built goes, in reverse, with its events.
 */
void vfio_ap_exit(struct ap_matrix_dev *md);
/* Is any mdev's VFIO device open (a guest attached)? Then the module is in use. */
bool vfio_ap_in_use_by_guest(struct ap_matrix_dev *md);
/*
 * The mdev and VFIO cores' part of the tree that exists without vfio_ap
 * (they are built in here): bus/mdev with its uevent file (bus_kobj holds
 * its identity and must outlive the tree), class/mdev_bus, class/vfio,
 * class/vfio-dev, kernel/iommu_groups. Announces the mdev bus. 0 or -ENOMEM.
 */
int vfio_cores_sysfs_init(struct sysfs *fs, struct uevents *uev, struct kobj *bus_kobj);
long vfio_ap_mdev_create(struct ap_matrix_dev *md, const char *buf, size_t count);
long vfio_ap_mdev_remove_store(struct ap_matrix_mdev *m, const char *buf, size_t count);
/* A reference to a live mdev by uuid (NULL if none or being removed). */
struct ap_matrix_mdev *vfio_ap_mdev_get(struct ap_matrix_dev *md, const char *uuid);
void vfio_ap_mdev_put(struct ap_matrix_mdev *m);
int vfio_ap_mdev_open(struct ap_matrix_mdev *m, struct kvm *kvm);
void vfio_ap_mdev_close(struct ap_matrix_mdev *m);
void vfio_ap_mdev_request(struct ap_matrix_mdev *m, unsigned count);
/*
 * VFIO_DEVICE_SET_IRQS: register (efd) or release (NULL) the eventfd of an
 * index: 0 the request notifier, 1 the config-change notifier.
 */
int vfio_ap_mdev_set_irq(struct ap_matrix_mdev *m, unsigned index, struct keventfd *efd);
int vfio_ap_mdev_reset_ioctl(struct ap_matrix_mdev *m);
void vfio_ap_mdev_dma_unmap(struct ap_matrix_mdev *m, uint64_t iova, uint64_t len);
/* mdev create's tree work, in the kernel's steps (attrs.c), each 0 or -errno: */
int vfio_ap_mdev_sysfs_add(struct ap_matrix_mdev *m);	/* device_add: dir, files, bus link */
int vfio_ap_mdev_vfio_add(struct ap_matrix_mdev *m);	/* probe: IOMMU + VFIO group, vfio-dev */
int vfio_ap_mdev_sysfs_bound(struct ap_matrix_mdev *m); /* bound: driver link */
int vfio_ap_mdev_sysfs_links(struct ap_matrix_mdev *m); /* mdev_type and type links */
/* Removes every file, link and directory of the mdev (waiting for running calls). */
void vfio_ap_mdev_sysfs_del(struct ap_matrix_mdev *m);
/* The matrix device, its drivers, the mdev type (module init / exit). */
int vfio_ap_matrix_sysfs_init(struct ap_matrix_dev *md);
void vfio_ap_matrix_sysfs_del(struct ap_matrix_dev *md);
int vfio_ap_mdev_parent_register(struct ap_matrix_dev *md);
void vfio_ap_mdev_parent_unregister_files(struct ap_matrix_dev *md);
/*
 * Removes every mdev (module unload, host shutdown) and waits for those that
 * other writers are removing; no guest may hold one.
 */
void vfio_ap_remove_all_mdevs(struct ap_matrix_dev *md);
int vfio_ap_queue_status_add(struct vfio_ap_queue *q);
void vfio_ap_queue_status_remove(struct vfio_ap_queue *q);

/* --- AP bus callbacks (cfg.c, drv.c) --- */
int vfio_ap_mdev_probe_queue(void *ctx, struct ap_queue *apq);
void vfio_ap_mdev_remove_queue(void *ctx, struct ap_queue *apq);
int vfio_ap_mdev_resource_in_use(void *ctx, const bm256 *apm, const bm256 *aqm);
void vfio_ap_on_cfg_changed(void *ctx, const struct ap_config_info *cur,
			    const struct ap_config_info *prev);
void vfio_ap_on_scan_complete(void *ctx, const struct ap_config_info *cur,
			      const struct ap_config_info *prev);

/* helpers */
void vfio_ap_matrix_init(const struct ap_config_info *info, struct ap_matrix *matrix);
int vfio_ap_format_matrix(const struct ap_matrix *mx, char *buf, size_t size);
struct klog *vfio_ap_klog(struct ap_matrix_dev *md);

#endif
