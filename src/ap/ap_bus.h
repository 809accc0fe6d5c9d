/* SPDX-License-Identifier: MIT */
/*
 * ap_bus.h - the AP bus: card and queue devices, drivers, ap_perms, scans.
 *
 * Mirrors drivers/s390/crypto/ap_bus.c, ap_card.c and ap_queue.c. The bus
 * owns the device objects and their sysfs directories; drivers (the default
 * cex4card/cex4queue and vfio_ap) register with callbacks.
 *
 * Locks (docs/locking.md):
 *   scan_mutex ("ap_scan_bus_mutex")  serialises scans, binding revisions
 *                                     and device add/remove; guards qci,
 *                                     qci_old, cards[], scan counters
 *   perms_mutex ("ap_perms_mutex")    guards apm/aqm (ap_perms)
 *   the driver list                   changed under both (register and
 *                                     unregister); walked under either
 *   queues_lock ("ap_queues_lock")    leaf; guards the lookup table used by
 *                                     ap_get_qdev() and device refcounts
 *   q->device_lock ("&dev->mutex")    the driver core's per-device lock,
 *                                     held around probe and remove
 * Invariant: a queue device bound to a driver whose DEFAULT flag differs
 * from the queue's reservation (APID in apm and APQI in aqm) exists only
 * between a mask store and the binding revision that follows it.
 */
#ifndef VAS_AP_BUS_H
#define VAS_AP_BUS_H

#include <stdatomic.h>
#include <stdbool.h>

#include "ap/ap_hw.h"
#include "base/list.h"
#include "kernel/services.h"
#include "kernel/uevent.h"
#include "lockdep/lockdep.h"
#include "lockdep/sched.h"

struct sysfs_node;
struct ap_queue;
struct ap_card;
struct sysfs_attr;

#define AP_DRIVER_FLAG_DEFAULT 0x1

struct ap_driver {
	const char *name;
	unsigned flags;
	bool for_cards; /* binds card devices (cex4card) rather than queues */
	int (*probe)(void *ctx, struct ap_queue *q);
	void (*remove)(void *ctx, struct ap_queue *q);
	int (*card_probe)(void *ctx, struct ap_card *c);
	void (*card_remove)(void *ctx, struct ap_card *c);
	int (*in_use)(void *ctx, const bm256 *apm, const bm256 *aqm);
	void (*on_config_changed)(void *ctx, const struct ap_config_info *cur,
				  const struct ap_config_info *prev);
	void (*on_scan_complete)(void *ctx, const struct ap_config_info *cur,
				 const struct ap_config_info *prev);
	void *ctx;
	/* bus-private */
	struct list_head node GUARDED_BY_ANY(bus->scan_mutex,
					     bus->perms_mutex); /* in bus->drivers */
	struct sysfs_node *dir;					/* bus/ap/drivers/<name> */
	struct ap_bus *bus;
	struct kobj kobj; /* /bus/ap/drivers/<name>, subsystem "drivers" */
};

struct ap_device_common {
	struct kmutex device_lock;
	/*
	 * Bound driver or NULL: written under device_lock; read without it by
	 * the bindings count and vfio_ap_find_queue (racy snapshots in the
	 * kernel too), hence atomic.
	 */
	struct ap_driver *_Atomic driver;
	/* written under device_lock (vfio_ap: also mdevs_lock); read by vfio_ap_find_queue */
	void *_Atomic drvdata;
	struct sysfs_node *dir;
	struct kobj kobj; /* its uevent identity: devpath, subsystem "ap", keys */
	atomic_int refcount;
	atomic_bool dead; /* unregistered: no new binding; set before the dir is removed */
};

struct ap_card {
	struct ap_device_common dev;
	struct ap_bus *bus;
	unsigned id;
	int type;
	char kind;
	unsigned functions;
	/* written by scans (under scan_mutex); read without a lock by shows */
	atomic_bool config, chkstop;
	atomic_ullong request_count;
	struct ap_queue *queues[BM_BITS] GUARDED_BY(bus->scan_mutex);
};

struct ap_queue {
	struct ap_device_common dev;
	struct ap_card *card;
	unsigned qid;
	/* written by scans (under scan_mutex); read without a lock by shows */
	atomic_bool config, chkstop;
	atomic_ullong request_count;
};

struct ap_bus {
	struct kservices svc; /* const after init */
	struct ap_hw *hw;
	struct kmutex scan_mutex;
	struct kmutex perms_mutex;
	struct kmutex queues_lock;
	struct kwaitq scan_wq;		   /* woken when scan_mutex is released or a device dies */
	bm256 apm GUARDED_BY(perms_mutex); /* ap_perms.apm: reserved for default drivers */
	bm256 aqm GUARDED_BY(perms_mutex);
	struct ap_config_info qci GUARDED_BY(scan_mutex);
	struct ap_config_info qci_old GUARDED_BY(scan_mutex);
	struct ap_card *cards[BM_BITS] GUARDED_BY(scan_mutex);
	/* lookup by APQN: one row of BM_BITS per APID, allocated with its first queue */
	struct ap_queue **qtab[BM_BITS] GUARDED_BY(queues_lock);
	struct list_head drivers GUARDED_BY_ANY(scan_mutex, perms_mutex);
	atomic_ullong scans;
	atomic_ullong bindings_complete_count; /* BINDINGS=complete events sent (COMPLETECOUNT) */
	/*
	 * The kernel's "bindings complete" state: set when a scan sends the
	 * event, cleared by every probe that passes the reservation check and
	 * by a scan that finds new adapters or domains (docs/uevents.md §4).
	 */
	atomic_bool bindings_complete;
	atomic_int config_time, poll_thread, ap_domain;
	atomic_ullong poll_timeout;
	atomic_int nr_cards, nr_queues; /* live device objects (leak check) */
	struct sysfs_node *bus_dir, *devices_dir, *drivers_dir, *root_dev_dir;
	struct kobj root_kobj; /* /devices/ap: subsystem ap, no keys of its own */
	struct kobj bus_kobj;  /* /bus/ap: subsystem "bus" */
};

/*
 * Builds the bus from the services and the hardware, with the boot-time
 * ap.apmask=/ap.aqmask= masks (bus_register: `add /bus/ap`). No scan runs
 * yet: the host registers the default drivers first, then calls
 * ap_bus_scan() for the first scan (docs/design.md §1.3). 0 or -ENOMEM.
 */
int ap_bus_init(struct ap_bus *bus, const struct kservices *svc, struct ap_hw *hw,
		const bm256 *apmask, const bm256 *aqmask);
/* Removes every device (drivers' remove callbacks run). */
void ap_bus_shutdown(struct ap_bus *bus);
void ap_bus_destroy(struct ap_bus *bus);

/* Registers a driver and binds it to every matching unbound device. */
int ap_driver_register(struct ap_bus *bus, struct ap_driver *drv);
void ap_driver_unregister(struct ap_bus *bus, struct ap_driver *drv);

/* A full bus scan under scan_mutex (the `scans` attribute, sim/host writes). */
void ap_bus_scan(struct ap_bus *bus);
/*
 * A scan asked for by a store inside a device's own directory (card
 * `config`): if a concurrent scan is removing that device, it is waiting
 * for this store to return, so give up instead of waiting for it.
 */
void ap_bus_scan_from_device(struct ap_bus *bus, struct ap_device_common *self);
/* Releases scan_mutex and wakes a store waiting for it (ap_bus_scan_from_device). */
void ap_scan_unlock(struct ap_bus *bus) RELEASE(bus->scan_mutex);

/* ap_get_qdev: the queue device with a reference, or NULL. */
struct ap_queue *ap_get_qdev(struct ap_bus *bus, unsigned apqn);
void ap_put_qdev(struct ap_queue *q);
/* Is q bound to drv? Takes no lock: a racy snapshot, as in the kernel. */
bool ap_queue_bound_to(struct ap_queue *q, struct ap_driver *drv);

/* ap_apqn_in_matrix_owned_by_def_drv: caller holds perms_mutex. */
bool ap_apqn_in_matrix_owned_by_def_drv(struct ap_bus *bus, const bm256 *apm, const bm256 *aqm)
	REQUIRES(bus->perms_mutex);

/* Mask stores (bus/ap/apmask, aqmask): count or -errno. */
long ap_bus_mask_store(struct ap_bus *bus, bool adapters, const char *buf, size_t count);

/* Driver-core bind/unbind by device name ("03.0005" / "card03"). */
long ap_bus_bind(struct ap_bus *bus, struct ap_driver *drv, const char *name);
long ap_bus_unbind(struct ap_bus *bus, struct ap_driver *drv, const char *name);

/* Number of bound / total queue devices (the `bindings` attribute). */
void ap_bus_bindings(struct ap_bus *bus, unsigned *bound, unsigned *total);
/*
 * At the end of a scan: when every queue device has a driver and the
 * bindings-complete state is not set, sets it and sends BINDINGS=complete.
 */
void ap_bus_check_bindings_complete(struct ap_bus *bus) REQUIRES(bus->scan_mutex);
/* A change event on the AP root device /devices/ap with one caller key. */
void ap_bus_root_event(struct ap_bus *bus, const char *key);

int ap_max_adapter_id(const struct ap_config_info *qci);
int ap_max_domain_id(const struct ap_config_info *qci);

/* Bus attribute sysfs table and device attribute setup live in ap_sysfs.c. */
int ap_bus_sysfs_init(struct ap_bus *bus);
int ap_card_sysfs_add(struct ap_bus *bus, struct ap_card *c);
int ap_queue_sysfs_add(struct ap_bus *bus, struct ap_queue *q);
void ap_device_sysfs_bound(struct ap_bus *bus, struct ap_device_common *d, bool is_card,
			   const char *name);
void ap_device_sysfs_unbound(struct ap_bus *bus, struct ap_device_common *d, bool is_card,
			     const char *name);

#endif
