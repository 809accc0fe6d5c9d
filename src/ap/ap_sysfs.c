/* SPDX-License-Identifier: MIT */
/*
 * ap_sysfs.c - the AP bus's sysfs face: /sys/bus/ap attributes, card and
 * queue device directories, driver directories with bind/unbind.
 *
 * Formats follow design.md §3.5, §3.6. Attribute tables are const; the
 * per-object pointer is the attribute's priv. A device directory is removed
 * (draining running show/store calls) before its object is released.
 * Every directory has its `uevent` file; a device's keys come from
 * card_uevent/queue_uevent, which also fill its events (docs/uevents.md).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ap/ap_bus.h"
#include "base/parse.h"
#include "base/fault.h"
#include "sysfs/sysfs.h"

static ssize_t show_mask(const bm256 *m, char *buf)
{
	char hex[BM_HEXLEN];

	return snprintf(buf, SYSFS_PAGE, "%s\n", bm_format(m, hex));
}

SYSFS_SHOW(apmask_show)
{
	struct ap_bus *bus = priv;
	bm256 m;

	kmutex_lock(&bus->perms_mutex);
	m = attr->arg ? bus->apm : bus->aqm;
	kmutex_unlock(&bus->perms_mutex);
	return show_mask(&m, buf);
}

/*
 * bus/ap/apmask, aqmask (arg 1): the mask grammar of design.md §3.7 (absolute
 * hex or relative +/- terms). Errors, in order: EINVAL syntax (mask
 * unchanged); EBUSY when bits being set are assigned to an mdev (the
 * drivers' in_use veto, §4.14; v18 also when a driver lock is busy).
 */
SYSFS_STORE(apmask_store)
{
	return ap_bus_mask_store(priv, attr->arg != 0, buf, count);
}

SYSFS_SHOW(qci_mask_show)
{
	struct ap_bus *bus = priv;
	struct ap_config_info qci;

	kmutex_lock(&bus->scan_mutex);
	qci = bus->qci;
	ap_scan_unlock(bus);
	if (!qci.valid)
		return snprintf(buf, SYSFS_PAGE, "not supported\n");
	return show_mask(attr->arg == 0 ? &qci.apm : attr->arg == 1 ? &qci.aqm : &qci.adm, buf);
}

SYSFS_SHOW(max_id_show)
{
	struct ap_bus *bus = priv;
	struct ap_config_info qci;

	kmutex_lock(&bus->scan_mutex);
	qci = bus->qci;
	ap_scan_unlock(bus);
	return snprintf(buf, SYSFS_PAGE, "%d\n",
			attr->arg ? ap_max_domain_id(&qci) : ap_max_adapter_id(&qci));
}

SYSFS_SHOW(ap_domain_show)
{
	return snprintf(buf, SYSFS_PAGE, "%d\n", atomic_load(&((struct ap_bus *)priv)->ap_domain));
}

/*
 * bus/ap/ap_domain: one integer as sscanf("%i") reads it (decimal, 0x hex,
 * 0 octal). EINVAL if unparsable, or not in 0..ap_max_domain_id, or not in
 * aqmask.
 */
SYSFS_STORE(ap_domain_store)
{
	struct ap_bus *bus = priv;
	int d, maxd;
	bool ok;

	if (vas_sscanf_int(buf, 0, &d))
		return -EINVAL;
	kmutex_lock(&bus->scan_mutex);
	maxd = ap_max_domain_id(&bus->qci);
	ap_scan_unlock(bus);
	kmutex_lock(&bus->perms_mutex);
	ok = d >= 0 && d <= maxd && bm_test(&bus->aqm, (unsigned)d);
	kmutex_unlock(&bus->perms_mutex);
	if (!ok)
		return -EINVAL;
	atomic_store(&bus->ap_domain, d);
	return (ssize_t)count;
}

SYSFS_SHOW(const_show)
{
	return snprintf(buf, SYSFS_PAGE, "%ld\n", attr->arg);
}

SYSFS_SHOW(config_time_show)
{
	return snprintf(buf, SYSFS_PAGE, "%d\n",
			atomic_load(&((struct ap_bus *)priv)->config_time));
}

/* bus/ap/config_time: a decimal integer ("%d"); EINVAL unless 5..120. */
SYSFS_STORE(config_time_store)
{
	int t;

	if (vas_sscanf_int(buf, 10, &t) || t < 5 || t > 120)
		return -EINVAL;
	atomic_store(&((struct ap_bus *)priv)->config_time, t);
	return (ssize_t)count;
}

SYSFS_SHOW(poll_thread_show)
{
	return snprintf(buf, SYSFS_PAGE, "%d\n",
			atomic_load(&((struct ap_bus *)priv)->poll_thread));
}

/* bus/ap/poll_thread: kstrtobool (1/0, y/n, on/off); EINVAL otherwise. */
SYSFS_STORE(poll_thread_store)
{
	bool on;
	int rc = vas_kstrtobool(buf, &on);

	if (rc)
		return rc;
	atomic_store(&((struct ap_bus *)priv)->poll_thread, on);
	return (ssize_t)count;
}

SYSFS_SHOW(poll_timeout_show)
{
	return snprintf(buf, SYSFS_PAGE, "%llu\n",
			(unsigned long long)atomic_load(&((struct ap_bus *)priv)->poll_timeout));
}

/*
 * bus/ap/poll_timeout: kstrtoul base 0 (EINVAL, ERANGE), then EINVAL above
 * 120000000000 ns.
 */
SYSFS_STORE(poll_timeout_store)
{
	unsigned long v;
	int rc = vas_kstrtoul(buf, 0, &v);

	if (rc)
		return rc;
	if (v > 120000000000UL)
		return -EINVAL;
	atomic_store(&((struct ap_bus *)priv)->poll_timeout, v);
	return (ssize_t)count;
}

SYSFS_SHOW(features_show)
{
	struct ap_bus *bus = priv;
	bool apxa, valid;

	kmutex_lock(&bus->scan_mutex);
	apxa = bus->qci.apxa;
	valid = bus->qci.valid;
	ap_scan_unlock(bus);
	if (!valid)
		return snprintf(buf, SYSFS_PAGE, "-\n");
	return snprintf(buf, SYSFS_PAGE, "APSC %sQACT RC8A\n", apxa ? "APXA " : "");
}

SYSFS_SHOW(scans_show)
{
	return snprintf(buf, SYSFS_PAGE, "%llu\n",
			(unsigned long long)atomic_load(&((struct ap_bus *)priv)->scans));
}

/* bus/ap/scans: any bytes force a synchronous bus scan; never fails. */
SYSFS_STORE(scans_store)
{
	ap_bus_scan(priv);
	return (ssize_t)count;
}

SYSFS_SHOW(bindings_show)
{
	struct ap_bus *bus = priv;
	unsigned bound, total;

	ap_bus_bindings(bus, &bound, &total);
	if (atomic_load(&bus->scans) > 0 && bound == total)
		return snprintf(buf, SYSFS_PAGE, "%u/%u (complete)\n", bound, total);
	return snprintf(buf, SYSFS_PAGE, "%u/%u\n", bound, total);
}

SYSFS_SHOW(bindings_complete_count_show)
{
	return snprintf(
		buf, SYSFS_PAGE, "%llu\n",
		(unsigned long long)atomic_load(&((struct ap_bus *)priv)->bindings_complete_count));
}

static const struct sysfs_attr bus_attrs[] = {
	{ .name = "apmask", .mode = 0644, .show = apmask_show, .store = apmask_store, .arg = 1 },
	{ .name = "aqmask", .mode = 0644, .show = apmask_show, .store = apmask_store, .arg = 0 },
	{ .name = "ap_adapter_mask", .mode = 0444, .show = qci_mask_show, .arg = 0 },
	{ .name = "ap_usage_domain_mask", .mode = 0444, .show = qci_mask_show, .arg = 1 },
	{ .name = "ap_control_domain_mask", .mode = 0444, .show = qci_mask_show, .arg = 2 },
	{ .name = "ap_domain", .mode = 0644, .show = ap_domain_show, .store = ap_domain_store },
	{ .name = "ap_max_adapter_id", .mode = 0444, .show = max_id_show, .arg = 0 },
	{ .name = "ap_max_domain_id", .mode = 0444, .show = max_id_show, .arg = 1 },
	{ .name = "ap_interrupts", .mode = 0444, .show = const_show, .arg = 1 },
	{ .name = "config_time",
	  .mode = 0644,
	  .show = config_time_show,
	  .store = config_time_store },
	{ .name = "poll_thread",
	  .mode = 0644,
	  .show = poll_thread_show,
	  .store = poll_thread_store },
	{ .name = "poll_timeout",
	  .mode = 0644,
	  .show = poll_timeout_show,
	  .store = poll_timeout_store },
	{ .name = "features", .mode = 0444, .show = features_show },
	{ .name = "scans", .mode = 0644, .show = scans_show, .store = scans_store },
	{ .name = "bindings", .mode = 0444, .show = bindings_show },
	{ .name = "bindings_complete_count", .mode = 0444, .show = bindings_complete_count_show },
};

int ap_bus_sysfs_init(struct ap_bus *bus)
{
	struct sysfs *fs = bus->svc.fs;
	int rc;

	bus->bus_dir = sysfs_mkdir_p(fs, "bus/ap");
	bus->devices_dir = sysfs_mkdir_p(fs, "bus/ap/devices");
	bus->drivers_dir = sysfs_mkdir_p(fs, "bus/ap/drivers");
	bus->root_dev_dir = sysfs_mkdir_p(fs, "devices/ap");
	if (!bus->bus_dir || !bus->devices_dir || !bus->drivers_dir || !bus->root_dev_dir)
		return -ENOMEM;
	/* the root device: its keys are none (ap_uevent returns early for it) */
	rc = sysfs_add_uevent(fs, bus->root_dev_dir, &bus->root_kobj, true);
	rc = rc ?: sysfs_add_uevent(fs, bus->bus_dir, &bus->bus_kobj, false);
	return rc    ?:
		       sysfs_add_files(fs, bus->bus_dir, bus_attrs,
				       sizeof(bus_attrs) / sizeof(bus_attrs[0]), bus);
}

/* --- drivers --- */

/*
 * drivers/<drv>/bind: a device name ("03.0005"; one trailing newline
 * allowed). ENODEV: not a queue name, no such device, being removed, type
 * not handled or refused by the reservation rule (§4.11); EBUSY: already
 * bound; else the driver probe's errno (ENOMEM).
 */
SYSFS_STORE(bind_store)
{
	struct ap_driver *drv = priv;
	long rc = ap_bus_bind(drv->bus, drv, buf);

	return rc ? rc : (ssize_t)count;
}

/* drivers/<drv>/unbind: a device name; ENODEV unless bound to this driver. */
SYSFS_STORE(unbind_store)
{
	struct ap_driver *drv = priv;
	long rc = ap_bus_unbind(drv->bus, drv, buf);

	return rc ? rc : (ssize_t)count;
}

static const struct sysfs_attr driver_attrs[] = {
	{ .name = "bind", .mode = 0200, .store = bind_store },
	{ .name = "unbind", .mode = 0200, .store = unbind_store },
};

int ap_driver_sysfs_add(struct ap_bus *bus, struct ap_driver *drv);
int ap_driver_sysfs_add(struct ap_bus *bus, struct ap_driver *drv)
{
	int rc;

	drv->bus = bus;
	kobj_init(&drv->kobj, bus->svc.uev, "drivers", NULL, "/bus/ap/drivers/%s", drv->name);
	drv->dir = sysfs_mkdir(bus->svc.fs, bus->drivers_dir, drv->name);
	if (!drv->dir)
		return -ENOMEM;
	rc = sysfs_add_files(bus->svc.fs, drv->dir, driver_attrs, 2, drv);
	return rc ?: sysfs_add_uevent(bus->svc.fs, drv->dir, &drv->kobj, false);
}

/*
 * Before a driver lets go of its devices: its bind, unbind and uevent files
 * go first (waiting for running writes), so no new binding can start.
 */
void ap_driver_sysfs_del_files(struct ap_bus *bus, struct ap_driver *drv);
void ap_driver_sysfs_del_files(struct ap_bus *bus, struct ap_driver *drv)
{
	sysfs_remove_name(bus->svc.fs, drv->dir, "bind");
	sysfs_remove_name(bus->svc.fs, drv->dir, "unbind");
	sysfs_remove_name(bus->svc.fs, drv->dir, "uevent");
}

/* --- card and queue devices --- */

static const char *mode_name(char kind)
{
	return kind == AP_KIND_CCA ? "cca" : kind == AP_KIND_EP11 ? "ep11" : "accel";
}

SYSFS_SHOW(card_show)
{
	struct ap_card *c = priv;

	switch (attr->arg) {
	case 1:
	case 2:
		return snprintf(buf, SYSFS_PAGE, "%d\n", c->type);
	case 3:
		return snprintf(buf, SYSFS_PAGE, "%d\n", 8);
	case 4:
		return snprintf(buf, SYSFS_PAGE, "0x%08X\n", c->functions);
	case 5:
		return snprintf(buf, SYSFS_PAGE, "%d\n", atomic_load(&c->config));
	case 6:
		return snprintf(buf, SYSFS_PAGE, "%d\n", atomic_load(&c->chkstop));
	case 7:
		return snprintf(buf, SYSFS_PAGE, "%llu\n",
				(unsigned long long)atomic_load(&c->request_count));
	case 8:
	case 9:
		return snprintf(buf, SYSFS_PAGE, "0\n");
	case 10:
		return snprintf(buf, SYSFS_PAGE, "%u\n", 12288u);
	case 11:
		return snprintf(buf, SYSFS_PAGE, "ap:t%02X\n", c->type);
	default:
		return -EIO;
	}
}

/*
 * cardXX/config: a decimal integer ("%d"); EINVAL unless 0 or 1; then the
 * SCLP (de)configure result; then a bus scan, as the CHSC notification of
 * a configuration change makes on a real machine (design.md §3.6).
 */
SYSFS_STORE(card_config_store)
{
	struct ap_card *c = priv;
	struct ap_bus *bus = c->bus;
	int v, rc;

	if (vas_sscanf_int(buf, 10, &v) || (v != 0 && v != 1))
		return -EINVAL;
	rc = ap_hw_card_set_config(bus->hw, c->id, v);
	if (rc)
		return rc;
	/* the card records its new state and says so, changed or not; the scan sees it */
	atomic_store(&c->config, v);
	kobject_uevent_key(&c->dev.kobj, KOBJ_CHANGE, "CONFIG=%d", v);
	ap_bus_scan_from_device(bus, &c->dev); /* the CHSC notification */
	return (ssize_t)count;
}

/* cardXX/request_count: any bytes reset the counter; never fails. */
SYSFS_STORE(request_count_store)
{
	struct ap_card *c = priv;

	atomic_store(&c->request_count, 0);
	return (ssize_t)count;
}

/*
 * A card's or queue's own keys, for its uevent file and its events: the
 * device core's DEVTYPE and DRIVER (while bound; a racy snapshot, as the
 * kernel's), then ap_uevent()'s: DEV_TYPE and MODALIAS for cards only,
 * MODE for both.
 */
static int ap_dev_uevent(struct kobj_uevent_env *env, const struct ap_device_common *d,
			 bool is_card, int type, char kind)
{
	struct ap_driver *drv = atomic_load(&d->driver);
	int rc = add_uevent_var(env, "DEVTYPE=%s", is_card ? "ap_card" : "ap_queue");

	if (!rc && drv)
		rc = add_uevent_var(env, "DRIVER=%s", drv->name);
	if (!rc && is_card)
		rc = add_uevent_var(env, "DEV_TYPE=%04X", type) ?:
			     add_uevent_var(env, "MODALIAS=ap:t%02X", type);
	return rc ?: add_uevent_var(env, "MODE=%s", mode_name(kind));
}

static int card_uevent(const struct kobj *k, struct kobj_uevent_env *env)
{
	const struct ap_card *c = container_of(k, struct ap_card, dev.kobj);

	return ap_dev_uevent(env, &c->dev, true, c->type, c->kind);
}

static int queue_uevent(const struct kobj *k, struct kobj_uevent_env *env)
{
	const struct ap_queue *q = container_of(k, struct ap_queue, dev.kobj);

	return ap_dev_uevent(env, &q->dev, false, q->card->type, q->card->kind);
}

static const struct sysfs_attr card_attrs[] = {
	{ .name = "hwtype", .mode = 0444, .show = card_show, .arg = 1 },
	{ .name = "raw_hwtype", .mode = 0444, .show = card_show, .arg = 2 },
	{ .name = "depth", .mode = 0444, .show = card_show, .arg = 3 },
	{ .name = "ap_functions", .mode = 0444, .show = card_show, .arg = 4 },
	{ .name = "config", .mode = 0644, .show = card_show, .store = card_config_store, .arg = 5 },
	{ .name = "chkstop", .mode = 0444, .show = card_show, .arg = 6 },
	{ .name = "request_count",
	  .mode = 0644,
	  .show = card_show,
	  .store = request_count_store,
	  .arg = 7 },
	{ .name = "requestq_count", .mode = 0444, .show = card_show, .arg = 8 },
	{ .name = "pendingq_count", .mode = 0444, .show = card_show, .arg = 9 },
	{ .name = "max_msg_size", .mode = 0444, .show = card_show, .arg = 10 },
	{ .name = "modalias", .mode = 0444, .show = card_show, .arg = 11 },
};

int ap_card_sysfs_add(struct ap_bus *bus, struct ap_card *c)
{
	struct sysfs *fs = bus->svc.fs;
	char name[16];

	snprintf(name, sizeof(name), "card%02x", c->id);
	kobj_init(&c->dev.kobj, bus->svc.uev, "ap", card_uevent, "/devices/ap/%s", name);
	c->dev.dir = sysfs_mkdir(fs, bus->root_dev_dir, name);
	if (!c->dev.dir)
		return -ENOMEM;
	sysfs_add_files(fs, c->dev.dir, card_attrs, sizeof(card_attrs) / sizeof(card_attrs[0]), c);
	sysfs_add_uevent(fs, c->dev.dir, &c->dev.kobj, true);
	sysfs_add_link(fs, c->dev.dir, "subsystem", bus->bus_dir);
	return sysfs_add_link(fs, bus->devices_dir, name, c->dev.dir);
}

SYSFS_SHOW(queue_show)
{
	struct ap_queue *q = priv;

	switch (attr->arg) {
	case 0:
		return snprintf(buf, SYSFS_PAGE, "%d\n", atomic_load(&q->config));
	case 1:
		return snprintf(buf, SYSFS_PAGE, "%d\n", atomic_load(&q->chkstop));
	case 2:
		return snprintf(buf, SYSFS_PAGE, "%llu\n",
				(unsigned long long)atomic_load(&q->request_count));
	case 3:
	case 4:
		return snprintf(buf, SYSFS_PAGE, "0\n");
	case 5:
		return snprintf(buf, SYSFS_PAGE, "No Reset Timer set.\n");
	case 6: {
		uint32_t sw = ap_hw_tapq(q->card->bus->hw, q->qid);

		return snprintf(buf, SYSFS_PAGE, "%s\n",
				(sw & APQSW_IRQ) ? "Interrupts enabled." : "Interrupts disabled.");
	}
	case 7:
		return snprintf(buf, SYSFS_PAGE, "0x%08X\n", q->card->functions);
	default:
		return -EIO;
	}
}

/* XX.YYYY/request_count: any bytes reset the counter; never fails. */
SYSFS_STORE(queue_request_count_store)
{
	struct ap_queue *q = priv;

	atomic_store(&q->request_count, 0);
	return (ssize_t)count;
}

static const struct sysfs_attr queue_attrs[] = {
	{ .name = "config", .mode = 0444, .show = queue_show, .arg = 0 },
	{ .name = "chkstop", .mode = 0444, .show = queue_show, .arg = 1 },
	{ .name = "request_count",
	  .mode = 0644,
	  .show = queue_show,
	  .store = queue_request_count_store,
	  .arg = 2 },
	{ .name = "requestq_count", .mode = 0444, .show = queue_show, .arg = 3 },
	{ .name = "pendingq_count", .mode = 0444, .show = queue_show, .arg = 4 },
	{ .name = "reset", .mode = 0444, .show = queue_show, .arg = 5 },
	{ .name = "interrupt", .mode = 0444, .show = queue_show, .arg = 6 },
	{ .name = "ap_functions", .mode = 0444, .show = queue_show, .arg = 7 },
};

int ap_queue_sysfs_add(struct ap_bus *bus, struct ap_queue *q)
{
	struct sysfs *fs = bus->svc.fs;
	char name[16];

	snprintf(name, sizeof(name), "%02x.%04x", AP_QID_CARD(q->qid), AP_QID_QUEUE(q->qid));
	kobj_init(&q->dev.kobj, bus->svc.uev, "ap", queue_uevent, "/devices/ap/card%02x/%s",
		  AP_QID_CARD(q->qid), name);
	q->dev.dir = sysfs_mkdir(fs, q->card->dev.dir, name);
	if (!q->dev.dir)
		return -ENOMEM;
	sysfs_add_files(fs, q->dev.dir, queue_attrs, sizeof(queue_attrs) / sizeof(queue_attrs[0]),
			q);
	sysfs_add_uevent(fs, q->dev.dir, &q->dev.kobj, true);
	sysfs_add_link(fs, q->dev.dir, "subsystem", bus->bus_dir);
	return sysfs_add_link(fs, bus->devices_dir, name, q->dev.dir);
}

/*
 * --- binding state: driver links ---
 *
 * The attributes a driver adds while it has the device (zcrypt's online,
 * type, load, ...; vfio_ap's status) are the driver's own: its probe adds
 * them and its remove takes them away.
 */

void ap_device_sysfs_bound(struct ap_bus *bus, struct ap_device_common *d, bool is_card,
			   const char *name)
{
	struct sysfs *fs = bus->svc.fs;

	sysfs_add_link(fs, d->dir, "driver", d->driver->dir);
	sysfs_add_link(fs, d->driver->dir, name, d->dir);
	(void)is_card;
}

void ap_device_sysfs_unbound(struct ap_bus *bus, struct ap_device_common *d, bool is_card,
			     const char *name)
{
	struct sysfs *fs = bus->svc.fs;

	sysfs_remove_name(fs, d->dir, "driver");
	if (d->driver->dir)
		sysfs_remove_name(fs, d->driver->dir, name);
	(void)is_card;
}
