/* SPDX-License-Identifier: MIT */
/*
 * ap_bus.c - AP bus core: devices, driver binding, ap_perms, mask stores.
 *
 * Mirrors ap_bus.c. Binding follows the default/alternate reservation rule:
 * a queue whose APID is in ap_perms.apm and APQI in ap_perms.aqm is
 * reserved for the DEFAULT (zcrypt) drivers, every other queue for the
 * alternate driver vfio_ap. Probe and remove run with the device's
 * device_lock held, as the driver core does. Devices are refcounted so that
 * a reference from ap_get_qdev() stays valid across a concurrent removal.
 *
 * uevents (docs/uevents.md §3, §4) go out where the driver core sends
 * them: `add` once a device's directory is complete and before any probe,
 * `bind` after a successful probe, `unbind` after the driver let go (the
 * driver pointer already cleared), `remove` after the unbind and before
 * the directory goes; a driver's `add` after it has taken its devices,
 * its `remove` after it has let them go.
 */
#include "ap/ap_bus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "base/fault.h"
#include "sysfs/sysfs.h"

static void device_init(struct ap_bus *bus, struct ap_device_common *d)
{
	kmutex_init(&d->device_lock, bus->svc.ld, "&dev->mutex");
	atomic_init(&d->refcount, 1);
	d->driver = NULL;
	d->drvdata = NULL;
	d->dead = false;
}

void ap_put_qdev(struct ap_queue *q)
{
	if (atomic_fetch_sub(&q->dev.refcount, 1) == 1) {
		ld_sched_object_gone(q->dev.device_lock.dep.ctx, q);
		kmutex_destroy(&q->dev.device_lock);
		free(q);
	}
}

static void ap_put_card(struct ap_card *c)
{
	if (atomic_fetch_sub(&c->dev.refcount, 1) == 1) {
		ld_sched_object_gone(c->dev.device_lock.dep.ctx, c);
		kmutex_destroy(&c->dev.device_lock);
		free(c);
	}
}

struct ap_queue *ap_get_qdev(struct ap_bus *bus, unsigned apqn)
{
	struct ap_queue *q;

	kmutex_lock(&bus->queues_lock);
	/* a scheduler orders lookups against changes of the same row only */
	ld_sched_access(bus->svc.ld, &bus->qtab[AP_QID_CARD(apqn)], false);
	q = bus->qtab[AP_QID_CARD(apqn)] ? bus->qtab[AP_QID_CARD(apqn)][AP_QID_QUEUE(apqn)] : NULL;
	if (q)
		atomic_fetch_add(&q->dev.refcount, 1);
	kmutex_unlock(&bus->queues_lock);
	return q;
}

bool ap_queue_bound_to(struct ap_queue *q, struct ap_driver *drv)
{
	ld_sched_access(q->card->bus->svc.ld, &q->dev.driver, false);
	return atomic_load(&q->dev.driver) == drv;
}

bool ap_apqn_in_matrix_owned_by_def_drv(struct ap_bus *bus, const bm256 *apm, const bm256 *aqm)
{
	lockdep_assert_held(&bus->perms_mutex);
	return bm_intersects(apm, &bus->apm) && bm_intersects(aqm, &bus->aqm);
}

static bool queue_reserved(struct ap_bus *bus, unsigned qid)
{
	bool r;

	kmutex_lock(&bus->perms_mutex);
	r = bm_test(&bus->apm, AP_QID_CARD(qid)) && bm_test(&bus->aqm, AP_QID_QUEUE(qid));
	kmutex_unlock(&bus->perms_mutex);
	return r;
}

static bool driver_matches_queue(struct ap_driver *drv, struct ap_queue *q)
{
	return !drv->for_cards && q->card->type >= AP_DEVICE_TYPE_CEX4 &&
	       q->card->type <= AP_DEVICE_TYPE_CEX8;
}

/* ap_device_probe for a queue; caller holds the device lock. */
static int ap_queue_probe(struct ap_bus *bus, struct ap_driver *drv, struct ap_queue *q)
	REQUIRES(q->dev.device_lock)
{
	bool devres = queue_reserved(bus, q->qid);
	bool drvres = (drv->flags & AP_DRIVER_FLAG_DEFAULT) != 0;
	char name[16];
	int rc;

	if (devres != drvres)
		return -ENODEV;
	ld_sched_access(bus->svc.ld, &bus->bindings_complete, true);
	atomic_store(&bus->bindings_complete, false); /* rearmed by every probe past the check */
	ld_sched_access(bus->svc.ld, &q->dev.driver, true);
	q->dev.driver = drv; /* visible to the driver's probe, as dev->driver is */
	rc = drv->probe ? drv->probe(drv->ctx, q) : 0;
	if (rc) {
		ld_sched_access(bus->svc.ld, &q->dev.driver, true);
		q->dev.driver = NULL;
		return rc;
	}
	snprintf(name, sizeof(name), "%02x.%04x", AP_QID_CARD(q->qid), AP_QID_QUEUE(q->qid));
	ap_device_sysfs_bound(bus, &q->dev, false, name);
	kobject_uevent(&q->dev.kobj, KOBJ_BIND);
	return 0;
}

static void ap_queue_release_driver(struct ap_bus *bus, struct ap_queue *q)
	REQUIRES(q->dev.device_lock)
{
	struct ap_driver *drv = q->dev.driver;
	char name[16];

	if (!drv)
		return;
	snprintf(name, sizeof(name), "%02x.%04x", AP_QID_CARD(q->qid), AP_QID_QUEUE(q->qid));
	ap_device_sysfs_unbound(bus, &q->dev, false, name);
	if (drv->remove)
		drv->remove(drv->ctx, q);
	ld_sched_access(bus->svc.ld, &q->dev.driver, true);
	q->dev.driver = NULL;
	q->dev.drvdata = NULL;
	kobject_uevent(&q->dev.kobj, KOBJ_UNBIND);
}

/* A copy of the driver list (registration order) for a binding pass. */
static int nr_drivers(struct ap_bus *bus, struct ap_driver **out) REQUIRES(bus->scan_mutex)
{
	struct ap_driver *d;
	int n = 0;

	list_for_each_entry(d, &bus->drivers, node)
		out[n++] = d;
	return n;
}

/* Binds an unbound queue to the first matching driver that accepts it. */
static void ap_queue_attach(struct ap_bus *bus, struct ap_queue *q)
	REQUIRES(bus->scan_mutex, q->dev.device_lock)
{
	struct ap_driver *drvs[8];
	int n = nr_drivers(bus, drvs);

	if (q->dev.driver || q->dev.dead)
		return;
	for (int i = 0; i < n; i++)
		if (driver_matches_queue(drvs[i], q) && ap_queue_probe(bus, drvs[i], q) == 0)
			return;
}

static void ap_card_attach(struct ap_bus *bus, struct ap_card *c)
	REQUIRES(bus->scan_mutex, c->dev.device_lock)
{
	struct ap_driver *drvs[8];
	int n = nr_drivers(bus, drvs);
	char name[16];

	if (c->dev.driver || c->dev.dead)
		return;
	for (int i = 0; i < n; i++) {
		if (!drvs[i]->for_cards)
			continue;
		atomic_store(&bus->bindings_complete, false);
		if (drvs[i]->card_probe && drvs[i]->card_probe(drvs[i]->ctx, c))
			continue;
		c->dev.driver = drvs[i];
		snprintf(name, sizeof(name), "card%02x", c->id);
		ap_device_sysfs_bound(bus, &c->dev, true, name);
		kobject_uevent(&c->dev.kobj, KOBJ_BIND);
		return;
	}
}

static void ap_card_release_driver(struct ap_bus *bus, struct ap_card *c)
	REQUIRES(c->dev.device_lock)
{
	char name[16];

	if (!c->dev.driver)
		return;
	snprintf(name, sizeof(name), "card%02x", c->id);
	ap_device_sysfs_unbound(bus, &c->dev, true, name);
	if (c->dev.driver->card_remove)
		c->dev.driver->card_remove(c->dev.driver->ctx, c);
	c->dev.driver = NULL;
	kobject_uevent(&c->dev.kobj, KOBJ_UNBIND);
}

void ap_queue_device_add(struct ap_bus *bus, struct ap_card *c, unsigned apqi, bool config)
	REQUIRES(bus->scan_mutex);
void ap_queue_device_add(struct ap_bus *bus, struct ap_card *c, unsigned apqi, bool config)
{
	struct ap_queue *q;

	if (fault_fail(bus->svc.faults, FAULT_AP_QUEUE) || !(q = calloc(1, sizeof(*q))))
		return; /* the device simply does not appear (the next scan retries) */
	ld_sched_object(bus->svc.ld, q, sizeof(*q));
	device_init(bus, &q->dev);
	q->card = c;
	q->qid = AP_MKQID(c->id, apqi);
	atomic_store(&q->config, config);
	atomic_store(&q->chkstop, atomic_load(&c->chkstop));
	c->queues[apqi] = q;
	atomic_fetch_add(&bus->nr_queues, 1);
	ap_queue_sysfs_add(bus, q);
	kmutex_lock(&bus->queues_lock);
	ld_sched_access(bus->svc.ld, &bus->qtab[c->id], true);
	if (!bus->qtab[c->id] && !(bus->qtab[c->id] = calloc(BM_BITS, sizeof(struct ap_queue *))))
		abort(); /* the bus's lookup table cannot fail in the kernel either */
	bus->qtab[c->id][apqi] = q;
	kmutex_unlock(&bus->queues_lock);
	kobject_uevent(&q->dev.kobj, KOBJ_ADD);
	kmutex_lock(&q->dev.device_lock);
	ap_queue_attach(bus, q);
	kmutex_unlock(&q->dev.device_lock);
}

void ap_queue_device_del(struct ap_bus *bus, struct ap_queue *q) REQUIRES(bus->scan_mutex);
void ap_queue_device_del(struct ap_bus *bus, struct ap_queue *q)
{
	kmutex_lock(&q->dev.device_lock);
	ld_sched_access(bus->svc.ld, &q->dev.dead, true);
	q->dev.dead = true;
	kwake_up(&bus->scan_wq); /* a store of this device waiting for a scan: give up */
	ap_queue_release_driver(bus, q);
	kmutex_unlock(&q->dev.device_lock);
	kmutex_lock(&bus->queues_lock);
	ld_sched_access(bus->svc.ld, &bus->qtab[AP_QID_CARD(q->qid)], true);
	bus->qtab[AP_QID_CARD(q->qid)][AP_QID_QUEUE(q->qid)] = NULL;
	kmutex_unlock(&bus->queues_lock);
	q->card->queues[AP_QID_QUEUE(q->qid)] = NULL;
	kobject_uevent(&q->dev.kobj, KOBJ_REMOVE);
	sysfs_remove(bus->svc.fs, q->dev.dir);
	{
		char name[16];

		snprintf(name, sizeof(name), "%02x.%04x", AP_QID_CARD(q->qid),
			 AP_QID_QUEUE(q->qid));
		sysfs_remove_name(bus->svc.fs, bus->devices_dir, name);
	}
	atomic_fetch_sub(&bus->nr_queues, 1);
	ap_put_qdev(q);
}

struct ap_card *ap_card_device_add(struct ap_bus *bus, unsigned apid) REQUIRES(bus->scan_mutex);
struct ap_card *ap_card_device_add(struct ap_bus *bus, unsigned apid)
{
	struct ap_card *c;
	bool config, chkstop;

	if (fault_fail(bus->svc.faults, FAULT_AP_CARD) || !(c = calloc(1, sizeof(*c))))
		return NULL;
	ld_sched_object(bus->svc.ld, c, sizeof(*c));
	device_init(bus, &c->dev);
	c->bus = bus;
	c->id = apid;
	if (ap_hw_card_info(bus->hw, apid, &c->type, &c->kind, &config, &chkstop)) {
		ld_sched_object_gone(bus->svc.ld, c);
		kmutex_destroy(&c->dev.device_lock);
		free(c);
		return NULL;
	}
	atomic_store(&c->config, config);
	atomic_store(&c->chkstop, chkstop);
	/* design.md §3.6: S, M, N, and the kind's bit (CCA with its full function set) */
	c->functions = 0x80000000u | 0x40000000u | 0x02000000u |
		       (c->kind == AP_KIND_CCA	? 0x10800000u :
			c->kind == AP_KIND_EP11 ? 0x04000000u :
						  0x08000000u);
	bus->cards[apid] = c;
	atomic_fetch_add(&bus->nr_cards, 1);
	ap_card_sysfs_add(bus, c);
	kobject_uevent(&c->dev.kobj, KOBJ_ADD);
	kmutex_lock(&c->dev.device_lock);
	ap_card_attach(bus, c);
	kmutex_unlock(&c->dev.device_lock);
	return c;
}

void ap_card_device_del(struct ap_bus *bus, struct ap_card *c) REQUIRES(bus->scan_mutex);
void ap_card_device_del(struct ap_bus *bus, struct ap_card *c)
{
	char name[16];

	for (unsigned d = 0; d < BM_BITS; d++)
		if (c->queues[d])
			ap_queue_device_del(bus, c->queues[d]);
	kmutex_lock(&c->dev.device_lock);
	ld_sched_access(bus->svc.ld, &c->dev.dead, true);
	c->dev.dead = true;
	kwake_up(&bus->scan_wq); /* a store of this device waiting for a scan: give up */
	ap_card_release_driver(bus, c);
	kmutex_unlock(&c->dev.device_lock);
	bus->cards[c->id] = NULL;
	kobject_uevent(&c->dev.kobj, KOBJ_REMOVE);
	sysfs_remove(bus->svc.fs, c->dev.dir);
	snprintf(name, sizeof(name), "card%02x", c->id);
	sysfs_remove_name(bus->svc.fs, bus->devices_dir, name);
	atomic_fetch_sub(&bus->nr_cards, 1);
	ap_put_card(c);
}

int ap_driver_sysfs_add(struct ap_bus *bus, struct ap_driver *drv);
void ap_driver_sysfs_del_files(struct ap_bus *bus, struct ap_driver *drv);

/* Calls fn for every queue device with its device_lock held; caller holds scan_mutex. */
static void for_each_queue_locked(struct ap_bus *bus,
				  void (*fn)(struct ap_bus *bus, struct ap_queue *q,
					     const void *arg),
				  const void *arg) REQUIRES(bus->scan_mutex)
{
	for (unsigned a = 0; a < BM_BITS; a++) {
		struct ap_card *c = bus->cards[a];

		for (unsigned d = 0; c && d < BM_BITS; d++) {
			struct ap_queue *q = c->queues[d];

			if (!q)
				continue;
			kmutex_lock(&q->dev.device_lock);
			fn(bus, q, arg);
			kmutex_unlock(&q->dev.device_lock);
		}
	}
}

struct old_perms {
	bm256 apm, aqm;
};

/*
 * Rebinds a queue whose reservation no longer matches its driver; an
 * unbound queue is tried only if its reservation changed.
 */
static void revise_one(struct ap_bus *bus, struct ap_queue *q, const void *arg)
	REQUIRES(bus->scan_mutex, q->dev.device_lock) /* for_each_queue_locked holds them */
{
	const struct old_perms *old = arg;
	unsigned a = AP_QID_CARD(q->qid), d = AP_QID_QUEUE(q->qid);
	bool was = bm_test(&old->apm, a) && bm_test(&old->aqm, d);
	bool res = queue_reserved(bus, q->qid);

	if (q->dev.driver && ((q->dev.driver->flags & AP_DRIVER_FLAG_DEFAULT) != 0) != res)
		ap_queue_release_driver(bus, q);
	if (q->dev.driver == NULL && was != res)
		ap_queue_attach(bus, q);
}

/* Every queue whose reservation and driver now disagree is reprobed, in bus order. */
static void ap_bus_revise_bindings(struct ap_bus *bus, const struct old_perms *old)
{
	kmutex_lock(&bus->scan_mutex);
	for_each_queue_locked(bus, revise_one, old);
	ap_scan_unlock(bus);
}

/*
 * The drivers' in_use veto. perms_mutex is enough to walk the driver list
 * (registration changes it under both bus mutexes) and keeps a driver from
 * unregistering while its callback runs.
 */
static int call_in_use(struct ap_bus *bus, const bm256 *apm, const bm256 *aqm)
	REQUIRES(bus->perms_mutex)
{
	struct ap_driver *d;

	list_for_each_entry(d, &bus->drivers, node)
		if (d->in_use && d->in_use(d->ctx, apm, aqm))
			return -EBUSY;
	return 0;
}

long ap_bus_mask_store(struct ap_bus *bus, bool adapters, const char *buf, size_t count)
{
	struct old_perms old;
	bm256 nmask, reserved;
	bm256 *cur;
	int rc;

	kmutex_lock(&bus->perms_mutex);
	cur = adapters ? &bus->apm : &bus->aqm;
	rc = ap_parse_mask(buf, cur, &nmask);
	if (rc || bm_equal(&nmask, cur)) {
		kmutex_unlock(&bus->perms_mutex);
		return rc ? rc : (long)count;
	}
	bm_andnot(&reserved, &nmask, cur);
	if (!bm_empty(&reserved)) {
		rc = adapters ? call_in_use(bus, &reserved, &bus->aqm) :
				call_in_use(bus, &bus->apm, &reserved);
		if (rc) {
			kmutex_unlock(&bus->perms_mutex);
			return -EBUSY;
		}
	}
	old.apm = bus->apm;
	old.aqm = bus->aqm;
	*cur = nmask;
	kmutex_unlock(&bus->perms_mutex);
	ap_bus_revise_bindings(bus, &old);
	{ /* the whole new mask, newline included, once the rebinding is done */
		char hex[BM_HEXLEN];

		kobject_uevent_key(&bus->root_kobj, KOBJ_CHANGE, "%s=%s\n",
				   adapters ? "APMASK" : "AQMASK", bm_format(&nmask, hex));
	}
	return (long)count;
}

/* Device names as sysfs_streq compares them: one trailing newline is ignored. */
static int parse_devname(const char *name, bool *is_card, unsigned *apid, unsigned *apqi)
{
	char buf[16], tail;
	size_t len = strlen(name);

	if (len && name[len - 1] == '\n')
		len--;
	if (len == 0 || len >= sizeof(buf))
		return -ENODEV;
	memcpy(buf, name, len);
	buf[len] = 0;
	if (len == 6 && sscanf(buf, "card%2x%c", apid, &tail) == 1) {
		*is_card = true;
		return 0;
	}
	if (len == 7 && buf[2] == '.' && sscanf(buf, "%2x.%4x%c", apid, apqi, &tail) == 2 &&
	    *apid < BM_BITS && *apqi < BM_BITS) {
		*is_card = false;
		return 0;
	}
	return -ENODEV;
}

/* The driver core's bind_store: count, -ENODEV, -EBUSY or the probe's errno. */
long ap_bus_bind(struct ap_bus *bus, struct ap_driver *drv, const char *name)
{
	unsigned apid = 0, apqi = 0;
	bool is_card;
	struct ap_queue *q;
	long rc;

	if (parse_devname(name, &is_card, &apid, &apqi))
		return -ENODEV;
	if (is_card)
		return -ENODEV; /* card drivers have no bind file use here */
	q = ap_get_qdev(bus, AP_MKQID(apid, apqi));
	if (!q)
		return -ENODEV;
	kmutex_lock(&q->dev.device_lock);
	if (q->dev.dead || !driver_matches_queue(drv, q))
		rc = -ENODEV;
	else if (q->dev.driver)
		rc = -EBUSY;
	else
		rc = ap_queue_probe(bus, drv, q);
	kmutex_unlock(&q->dev.device_lock);
	ap_put_qdev(q);
	return rc;
}

long ap_bus_unbind(struct ap_bus *bus, struct ap_driver *drv, const char *name)
{
	unsigned apid = 0, apqi = 0;
	bool is_card;
	struct ap_queue *q;
	long rc = -ENODEV;

	if (parse_devname(name, &is_card, &apid, &apqi) || is_card)
		return -ENODEV;
	q = ap_get_qdev(bus, AP_MKQID(apid, apqi));
	if (!q)
		return -ENODEV;
	kmutex_lock(&q->dev.device_lock);
	if (q->dev.driver == drv) {
		ap_queue_release_driver(bus, q);
		rc = 0;
	}
	kmutex_unlock(&q->dev.device_lock);
	ap_put_qdev(q);
	return rc;
}

void ap_bus_bindings(struct ap_bus *bus, unsigned *bound, unsigned *total)
{
	*bound = *total = 0;
	kmutex_lock(&bus->queues_lock);
	for (unsigned a = 0; a < BM_BITS; a++)
		for (unsigned d = 0; bus->qtab[a] && d < BM_BITS; d++) {
			struct ap_queue *q = bus->qtab[a][d];

			if (!q)
				continue;
			(*total)++;
			ld_sched_access(bus->svc.ld, &q->dev.driver, false);
			if (q->dev.driver) /* racy snapshot, as the kernel's counter */
				(*bound)++;
		}
	kmutex_unlock(&bus->queues_lock);
}

static void attach_one(struct ap_bus *bus, struct ap_queue *q, const void *arg)
	REQUIRES(bus->scan_mutex, q->dev.device_lock) /* for_each_queue_locked holds them */
{
	ap_queue_attach(bus, q);
}

static void release_if_bound_to(struct ap_bus *bus, struct ap_queue *q, const void *drv)
	REQUIRES(bus->scan_mutex, q->dev.device_lock) /* for_each_queue_locked holds them */
{
	if (q->dev.driver == drv)
		ap_queue_release_driver(bus, q);
}

/*
 * Registers a driver and binds it to every matching unbound device, then
 * announces the driver (`add /bus/ap/drivers/<name>`).
 */
int ap_driver_register(struct ap_bus *bus, struct ap_driver *drv)
{
	int rc;

	kmutex_lock(&bus->scan_mutex);
	rc = ap_driver_sysfs_add(bus, drv);
	kmutex_lock(&bus->perms_mutex);
	list_add_tail(&drv->node, &bus->drivers);
	kmutex_unlock(&bus->perms_mutex);
	for (unsigned a = 0; a < BM_BITS; a++) {
		struct ap_card *c = bus->cards[a];

		if (!c)
			continue;
		kmutex_lock(&c->dev.device_lock);
		ap_card_attach(bus, c);
		kmutex_unlock(&c->dev.device_lock);
	}
	for_each_queue_locked(bus, attach_one, NULL);
	ap_scan_unlock(bus);
	kobject_uevent(&drv->kobj, KOBJ_ADD);
	return rc;
}

/*
 * Unregisters a driver: its bind/unbind/uevent files go first (no new
 * binding through them), it leaves the driver list (no probe finds it),
 * every device bound to it is released, the directory goes and the driver
 * is announced gone (`remove /bus/ap/drivers/<name>`).
 */
void ap_driver_unregister(struct ap_bus *bus, struct ap_driver *drv)
{
	ap_driver_sysfs_del_files(bus, drv);
	kmutex_lock(&bus->scan_mutex);
	kmutex_lock(&bus->perms_mutex);
	list_del_init(&drv->node);
	kmutex_unlock(&bus->perms_mutex);
	for_each_queue_locked(bus, release_if_bound_to, drv);
	for (unsigned a = 0; a < BM_BITS; a++) {
		struct ap_card *c = bus->cards[a];

		if (!c)
			continue;
		kmutex_lock(&c->dev.device_lock);
		if (c->dev.driver == drv)
			ap_card_release_driver(bus, c);
		kmutex_unlock(&c->dev.device_lock);
	}
	sysfs_remove(bus->svc.fs, drv->dir);
	drv->dir = NULL;
	ap_scan_unlock(bus);
	kobject_uevent(&drv->kobj, KOBJ_REMOVE);
}
