/* SPDX-License-Identifier: MIT */
/*
 * ap_scan.c - AP bus scans, bus start-up and shutdown.
 *
 * A scan (ap_scan_bus) runs under ap_scan_bus_mutex: fetch QCI, tell the
 * drivers about a changed configuration (on_config_changed), remove the
 * devices that left and add the ones that came (probes and removes run
 * synchronously inside the scan), then on_scan_complete. The bus only
 * creates devices up to ap_max_adapter_id / ap_max_domain_id.
 *
 * Events of a scan (docs/uevents.md §4): the devices' add/bind and
 * unbind/remove, CONFIG= on a card or queue whose configured state
 * changed, INITSCAN=done at the end of the first scan, then
 * BINDINGS=complete when every queue device is bound and that state was
 * not already reached.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ap/ap_bus.h"

void ap_queue_device_add(struct ap_bus *bus, struct ap_card *c, unsigned apqi, bool config)
	REQUIRES(bus->scan_mutex);
void ap_queue_device_del(struct ap_bus *bus, struct ap_queue *q) REQUIRES(bus->scan_mutex);
struct ap_card *ap_card_device_add(struct ap_bus *bus, unsigned apid) REQUIRES(bus->scan_mutex);
void ap_card_device_del(struct ap_bus *bus, struct ap_card *c) REQUIRES(bus->scan_mutex);
int ap_driver_sysfs_add(struct ap_bus *bus, struct ap_driver *drv);

static bool qci_differs(const struct ap_config_info *a, const struct ap_config_info *b)
{
	return a->apxa != b->apxa || a->na != b->na || a->nd != b->nd ||
	       !bm_equal(&a->apm, &b->apm) || !bm_equal(&a->aqm, &b->aqm) ||
	       !bm_equal(&a->adm, &b->adm);
}

int ap_max_adapter_id(const struct ap_config_info *qci)
{
	return qci->valid && qci->apxa && qci->na ? qci->na : 63;
}

int ap_max_domain_id(const struct ap_config_info *qci)
{
	return qci->valid && qci->apxa && qci->nd ? qci->nd : 15;
}

static void call_drivers(struct ap_bus *bus, bool complete, const struct ap_config_info *cur,
			 const struct ap_config_info *prev) REQUIRES(bus->scan_mutex)
{
	struct ap_driver *d;

	list_for_each_entry(d, &bus->drivers, node) {
		if (!complete && d->on_config_changed)
			d->on_config_changed(d->ctx, cur, prev);
		if (complete && d->on_scan_complete)
			d->on_scan_complete(d->ctx, cur, prev);
	}
}

/* Brings card apid and its queues in line with the configuration. */
static void scan_adapter(struct ap_bus *bus, unsigned apid) REQUIRES(bus->scan_mutex)
{
	struct ap_card *c = bus->cards[apid];
	int type, maxd = ap_max_domain_id(&bus->qci);
	char kind;
	bool config, chkstop;

	if (!bm_test(&bus->qci.apm, apid) ||
	    ap_hw_card_info(bus->hw, apid, &type, &kind, &config, &chkstop)) {
		if (c)
			ap_card_device_del(bus, c);
		return;
	}
	if (c && (c->type != type || c->kind != kind)) {
		ap_card_device_del(bus, c);
		c = NULL;
	}
	if (!c && !(c = ap_card_device_add(bus, apid)))
		return;
	if (atomic_exchange(&c->config, config) != config)
		kobject_uevent_key(&c->dev.kobj, KOBJ_CHANGE, "CONFIG=%d", config);
	atomic_store(&c->chkstop, chkstop);
	for (unsigned d = 0; d < BM_BITS; d++) {
		bool want = (int)d <= maxd && bm_test(&bus->qci.aqm, d);
		struct ap_queue *q = c->queues[d];

		if (!want && q) {
			ap_queue_device_del(bus, q);
		} else if (want && !q) {
			ap_queue_device_add(bus, c, d, config);
		} else if (want) {
			if (atomic_exchange(&q->config, config) != config)
				kobject_uevent_key(&q->dev.kobj, KOBJ_CHANGE, "CONFIG=%d", config);
			atomic_store(&q->chkstop, chkstop);
		}
	}
}

static void pick_default_domain(struct ap_bus *bus) REQUIRES(bus->scan_mutex)
{
	bm256 usable;
	unsigned d;

	if (atomic_load(&bus->ap_domain) >= 0)
		return;
	kmutex_lock(&bus->perms_mutex);
	bm_and(&usable, &bus->qci.aqm, &bus->aqm);
	kmutex_unlock(&bus->perms_mutex);
	d = bm_next(&usable, 0);
	if ((int)d <= ap_max_domain_id(&bus->qci))
		atomic_store(&bus->ap_domain, (int)d);
}

void ap_bus_root_event(struct ap_bus *bus, const char *key)
{
	const char *envp[] = { key, NULL };

	kobject_uevent_env(&bus->root_kobj, KOBJ_CHANGE, envp);
}

void ap_bus_check_bindings_complete(struct ap_bus *bus)
{
	unsigned bound, total;
	char count[40];
	const char *envp[] = { "BINDINGS=complete", count, NULL };

	lockdep_assert_held(&bus->scan_mutex);
	ap_bus_bindings(bus, &bound, &total);
	if (bound != total || atomic_exchange(&bus->bindings_complete, true))
		return;
	snprintf(count, sizeof(count), "COMPLETECOUNT=%llu",
		 (unsigned long long)atomic_fetch_add(&bus->bindings_complete_count, 1) + 1);
	kobject_uevent_env(&bus->root_kobj, KOBJ_CHANGE, envp);
}

/* Does cur configure an adapter or a usage domain that prev did not? */
static bool qci_adds(const struct ap_config_info *cur, const struct ap_config_info *prev)
{
	bm256 a, d;

	bm_andnot(&a, &cur->apm, &prev->apm);
	bm_andnot(&d, &cur->aqm, &prev->aqm);
	return !bm_empty(&a) || !bm_empty(&d);
}

static void ap_scan_bus_locked(struct ap_bus *bus) REQUIRES(bus->scan_mutex)
{
	struct ap_config_info cur;
	bool changed;
	int maxa;

	ap_hw_qci(bus->hw, &cur);
	bus->qci_old = bus->qci;
	changed = qci_differs(&cur, &bus->qci_old);
	if (qci_adds(&cur, &bus->qci_old))
		atomic_store(&bus->bindings_complete, false);
	if (changed)
		call_drivers(bus, false, &cur, &bus->qci_old);
	bus->qci = cur;
	pick_default_domain(bus);
	maxa = ap_max_adapter_id(&bus->qci);
	for (unsigned a = 0; a < BM_BITS; a++) {
		if ((int)a <= maxa)
			scan_adapter(bus, a);
		else if (bus->cards[a])
			ap_card_device_del(bus, bus->cards[a]);
	}
	if (changed)
		call_drivers(bus, true, &bus->qci, &bus->qci_old);
	if (atomic_fetch_add(&bus->scans, 1) == 0)
		ap_bus_root_event(bus, "INITSCAN=done");
	ap_bus_check_bindings_complete(bus);
}

void ap_bus_scan(struct ap_bus *bus)
{
	kmutex_lock(&bus->scan_mutex);
	ap_scan_bus_locked(bus);
	ap_scan_unlock(bus);
}

void ap_scan_unlock(struct ap_bus *bus)
{
	kmutex_unlock(&bus->scan_mutex);
	kwake_up(&bus->scan_wq);
}

void ap_bus_scan_from_device(struct ap_bus *bus, struct ap_device_common *self)
{
	for (;;) {
		unsigned long long ticket = kwaitq_ticket(&bus->scan_wq);

		if (kmutex_trylock(&bus->scan_mutex))
			break;
		ld_sched_access(bus->svc.ld, &self->dead, false);
		if (atomic_load(&self->dead))
			return; /* that scan removes us, and it has seen the new state */
		kwaitq_wait(&bus->scan_wq, ticket, 0);
	}
	ap_scan_bus_locked(bus);
	ap_scan_unlock(bus);
}

int ap_bus_init(struct ap_bus *bus, const struct kservices *svc, struct ap_hw *hw,
		const bm256 *apmask, const bm256 *aqmask)
	GUARD_EXEMPT("the bus is not yet published")
{
	int rc;

	memset(bus, 0, sizeof(*bus));
	bus->svc = *svc;
	bus->hw = hw;
	kmutex_init(&bus->scan_mutex, svc->ld, "ap_scan_bus_mutex");
	kmutex_init(&bus->perms_mutex, svc->ld, "ap_perms_mutex");
	kmutex_init(&bus->queues_lock, svc->ld, "ap_queues_lock");
	kwaitq_init(&bus->scan_wq, svc->ld, "ap scan_mutex released");
	bus->apm = *apmask;
	bus->aqm = *aqmask;
	INIT_LIST_HEAD(&bus->drivers);
	atomic_init(&bus->config_time, 30);
	atomic_init(&bus->poll_thread, 0);
	atomic_init(&bus->ap_domain, -1);
	atomic_init(&bus->poll_timeout, 250000ULL);
	atomic_init(&bus->bindings_complete, false);
	kobj_init(&bus->root_kobj, svc->uev, "ap", NULL, "/devices/ap");
	kobj_init(&bus->bus_kobj, svc->uev, "bus", NULL, "/bus/ap");
	rc = ap_bus_sysfs_init(bus);
	if (rc)
		return rc;
	kobject_uevent(&bus->bus_kobj, KOBJ_ADD);
	return 0;
}

void ap_bus_shutdown(struct ap_bus *bus)
{
	kmutex_lock(&bus->scan_mutex);
	for (unsigned a = 0; a < BM_BITS; a++)
		if (bus->cards[a])
			ap_card_device_del(bus, bus->cards[a]);
	ap_scan_unlock(bus);
}

void ap_bus_destroy(struct ap_bus *bus) GUARD_EXEMPT("the bus is unpublished: every device is gone")
{
	for (unsigned a = 0; a < BM_BITS; a++)
		free(bus->qtab[a]);
	kmutex_destroy(&bus->queues_lock);
	kmutex_destroy(&bus->perms_mutex);
	kmutex_destroy(&bus->scan_mutex);
	kwaitq_destroy(&bus->scan_wq);
}
