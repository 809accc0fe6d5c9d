/* SPDX-License-Identifier: MIT */
/*
 * zcrypt.c - the default drivers cex4card and cex4queue and the `online`
 * state of their devices (zcrypt_card.c, zcrypt_queue.c and the probes of
 * zcrypt_cex4.c in Linux; docs/zcrypt.md §2, §3).
 *
 * A probe makes the zcrypt object (online, as new zcrypt devices start),
 * hangs it on the device as drvdata and adds the zcrypt attributes (card:
 * type, online, load; queue: online, load) and those of the card's kind
 * (zcrypt_cex4.c); the remove takes them away again, which waits for
 * running shows and stores (design.md §1.4), then frees the object. So a
 * show or store always finds its object alive, and none of them may take
 * the device lock that the remove holds: they take zcrypt_list_lock only.
 *
 * What `online` reads is the flag AND the device being configured and not
 * check-stopped; the stores refuse to set 1 where that could not hold.
 */
#include "ap/zcrypt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/parse.h"
#include "kernel/uevent.h"
#include "sysfs/sysfs.h"

static bool card_up(struct ap_card *c)
{
	return atomic_load(&c->config) && !atomic_load(&c->chkstop);
}

static bool queue_up(struct ap_queue *q)
{
	return atomic_load(&q->config) && !atomic_load(&q->chkstop);
}

bool zcrypt_queue_usable(struct zcrypt *z, struct zcrypt_queue *zq)
{
	lockdep_assert_held(&z->lock);
	return zq->online && zq->zc->online && queue_up(zq->queue) && card_up(zq->zc->card);
}

/* --- card: type, online, load --- */

SYSFS_SHOW(card_type_show)
{
	struct zcrypt_card *zc = priv;

	return snprintf(buf, SYSFS_PAGE, "CEX%d%c\n", zc->card->type - AP_DEVICE_TYPE_CEX4 + 4,
			zc->card->kind);
}

SYSFS_SHOW(card_online_show)
{
	struct zcrypt_card *zc = priv;
	bool on;

	kmutex_lock(&zc->z->lock);
	on = zc->online;
	kmutex_unlock(&zc->z->lock);
	return snprintf(buf, SYSFS_PAGE, "%d\n", on && card_up(zc->card));
}

/*
 * cardXX/online (zcrypt.md §2): an integer as sscanf("%d") reads it.
 * Errors, in order: EINVAL unless 0 or 1; ENODEV for 1 while the card is
 * deconfigured or check-stopped. Then the card's flag takes the value (also
 * when it had it already) and so does every zcrypt queue of the card,
 * whatever the queue's own state.
 */
SYSFS_STORE(card_online_store)
{
	struct zcrypt_card *zc = priv;
	struct zcrypt_queue *zq;
	bm256 changed;
	unsigned apqi;
	int v;

	if (vas_sscanf_int(buf, 10, &v) || (v != 0 && v != 1))
		return -EINVAL;
	if (v && !card_up(zc->card))
		return -ENODEV;
	bm_zero(&changed);
	kmutex_lock(&zc->z->lock);
	zc->online = v;
	list_for_each_entry(zq, &zc->zqueues, node) {
		if (zq->online != (v != 0))
			bm_set(&changed, AP_QID_QUEUE(zq->queue->qid));
		zq->online = v;
	}
	kmutex_unlock(&zc->z->lock);
	/* the card's event always, then one per queue whose flag changed (docs/uevents.md) */
	kobject_uevent_key(&zc->card->dev.kobj, KOBJ_CHANGE, "ONLINE=%d", v);
	bm_for_each(apqi, &changed) {
		struct ap_queue *q = ap_get_qdev(zc->card->bus, AP_MKQID(zc->card->id, apqi));

		if (q) { /* gone meanwhile: a removal has its own event */
			kobject_uevent_key(&q->dev.kobj, KOBJ_CHANGE, "ONLINE=%d", v);
			ap_put_qdev(q);
		}
	}
	return (ssize_t)count;
}

SYSFS_SHOW(load_show)
{
	return snprintf(buf, SYSFS_PAGE, "%d\n", 0); /* no requests are ever queued */
}

static const struct sysfs_attr card_attrs[] = {
	{ .name = "type", .mode = 0444, .show = card_type_show },
	{ .name = "online", .mode = 0644, .show = card_online_show, .store = card_online_store },
	{ .name = "load", .mode = 0444, .show = load_show },
};

/* --- queue: online, load --- */

SYSFS_SHOW(queue_online_show)
{
	struct zcrypt_queue *zq = priv;
	bool on;

	kmutex_lock(&zq->zc->z->lock);
	on = zq->online;
	kmutex_unlock(&zq->zc->z->lock);
	return snprintf(buf, SYSFS_PAGE, "%d\n", on && queue_up(zq->queue));
}

/*
 * XX.YYYY/online (zcrypt.md §2): an integer as sscanf("%d") reads it.
 * Errors, in order: EINVAL unless 0 or 1; ENODEV for 1 while the queue or
 * its card is deconfigured or check-stopped; EINVAL for 1 while the card is
 * offline for zcrypt. Then the queue's flag takes the value.
 */
SYSFS_STORE(queue_online_store)
{
	struct zcrypt_queue *zq = priv;
	int v, rc = 0;

	if (vas_sscanf_int(buf, 10, &v) || (v != 0 && v != 1))
		return -EINVAL;
	if (v && (!queue_up(zq->queue) || !card_up(zq->zc->card)))
		return -ENODEV;
	kmutex_lock(&zq->zc->z->lock);
	if (v && !zq->zc->online)
		rc = -EINVAL;
	else
		zq->online = v;
	kmutex_unlock(&zq->zc->z->lock);
	if (rc)
		return rc;
	kobject_uevent_key(&zq->queue->dev.kobj, KOBJ_CHANGE, "ONLINE=%d", v); /* always */
	return (ssize_t)count;
}

static const struct sysfs_attr queue_attrs[] = {
	{ .name = "online", .mode = 0644, .show = queue_online_show, .store = queue_online_store },
	{ .name = "load", .mode = 0444, .show = load_show },
};

#define NR(t) (sizeof(t) / sizeof((t)[0]))

static void remove_files(struct sysfs *fs, struct sysfs_node *dir, const struct sysfs_attr *t,
			 size_t n)
{
	for (size_t i = 0; i < n; i++)
		sysfs_remove_name(fs, dir, t[i].name);
}

/* --- the drivers --- */

static int cex4card_probe(void *ctx, struct ap_card *c)
{
	struct zcrypt *z = ctx;
	struct zcrypt_card *zc = calloc(1, sizeof(*zc));
	int rc;

	if (!zc)
		return -ENOMEM;
	zc->z = z;
	zc->card = c;
	kmutex_lock(&z->lock);
	zc->online = true;
	INIT_LIST_HEAD(&zc->zqueues);
	kmutex_unlock(&z->lock);
	c->dev.drvdata = zc;
	rc = sysfs_add_files(z->bus->svc.fs, c->dev.dir, card_attrs, NR(card_attrs), zc);
	rc = rc ?: zcrypt_cex4_card_files(zc, true);
	if (rc) {
		remove_files(z->bus->svc.fs, c->dev.dir, card_attrs, NR(card_attrs));
		c->dev.drvdata = NULL;
		free(zc);
	}
	return rc;
}

/* The card's queues left cex4queue before (scans and unregistering remove queues first). */
static void cex4card_remove(void *ctx, struct ap_card *c)
{
	struct zcrypt *z = ctx;
	struct zcrypt_card *zc = c->dev.drvdata;

	zcrypt_cex4_card_files(zc, false);
	remove_files(z->bus->svc.fs, c->dev.dir, card_attrs, NR(card_attrs));
	c->dev.drvdata = NULL;
	free(zc);
}

/* A queue needs its card bound to cex4card (zcrypt_queue_register in Linux). */
static int cex4queue_probe(void *ctx, struct ap_queue *q)
{
	struct zcrypt *z = ctx;
	struct ap_card *c = q->card;
	struct zcrypt_card *zc = c->dev.driver == &z->cex4card ? c->dev.drvdata : NULL;
	struct zcrypt_queue *zq;
	int rc;

	if (!zc)
		return -ENODEV;
	zq = calloc(1, sizeof(*zq));
	if (!zq)
		return -ENOMEM;
	zq->zc = zc;
	zq->queue = q;
	kmutex_lock(&z->lock);
	zq->online = true;
	list_add_tail(&zq->node, &zc->zqueues);
	kmutex_unlock(&z->lock);
	q->dev.drvdata = zq;
	rc = sysfs_add_files(z->bus->svc.fs, q->dev.dir, queue_attrs, NR(queue_attrs), zq);
	rc = rc ?: zcrypt_cex4_queue_files(zq, true);
	if (rc) {
		remove_files(z->bus->svc.fs, q->dev.dir, queue_attrs, NR(queue_attrs));
		kmutex_lock(&z->lock);
		list_del_init(&zq->node);
		kmutex_unlock(&z->lock);
		q->dev.drvdata = NULL;
		free(zq);
	}
	return rc;
}

static void cex4queue_remove(void *ctx, struct ap_queue *q)
{
	struct zcrypt *z = ctx;
	struct zcrypt_queue *zq = q->dev.drvdata;

	zcrypt_cex4_queue_files(zq, false);
	remove_files(z->bus->svc.fs, q->dev.dir, queue_attrs, NR(queue_attrs));
	kmutex_lock(&z->lock);
	list_del_init(&zq->node);
	kmutex_unlock(&z->lock);
	q->dev.drvdata = NULL;
	free(zq);
}

int zcrypt_init(struct zcrypt *z, struct ap_bus *bus)
{
	int rc;

	z->bus = bus;
	kmutex_init(&z->lock, bus->svc.ld, "zcrypt_list_lock");
	rc = zcrypt_nodes_init(z);
	if (rc)
		return rc;
	z->cex4card = (struct ap_driver){ .name = "cex4card",
					  .flags = AP_DRIVER_FLAG_DEFAULT,
					  .for_cards = true,
					  .card_probe = cex4card_probe,
					  .card_remove = cex4card_remove,
					  .ctx = z };
	z->cex4queue = (struct ap_driver){ .name = "cex4queue",
					   .flags = AP_DRIVER_FLAG_DEFAULT,
					   .probe = cex4queue_probe,
					   .remove = cex4queue_remove,
					   .ctx = z };
	rc = ap_driver_register(bus, &z->cex4card);
	return rc ?: ap_driver_register(bus, &z->cex4queue);
}

void zcrypt_exit(struct zcrypt *z)
{
	ap_driver_unregister(z->bus, &z->cex4queue);
	ap_driver_unregister(z->bus, &z->cex4card);
	zcrypt_nodes_exit(z);
	kmutex_destroy(&z->lock);
}
