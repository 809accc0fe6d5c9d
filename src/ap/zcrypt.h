/* SPDX-License-Identifier: MIT */
/*
 * zcrypt.h - the host's zcrypt side (docs/zcrypt.md): the default AP
 * device drivers cex4card and cex4queue, their per-device objects with the
 * `online` state and the sysfs attributes they add, and the zcrypt class
 * with its additional device nodes (/sys/class/zcrypt).
 *
 * Both drivers carry AP_DRIVER_FLAG_DEFAULT, so the bus gives them exactly
 * the queues that apmask x aqmask reserves for the host (design.md §3.6,
 * §4.11). A card bound to cex4card has a struct zcrypt_card as drvdata, a
 * queue bound to cex4queue a struct zcrypt_queue linked into its card's.
 *
 * Locks:
 *   lock ("zcrypt_list_lock", a leaf): every online flag and the queue
 *        lists of the zcrypt cards; nothing is called with it held;
 *   bus->perms_mutex ("ap_perms_mutex"): the node list and every node's
 *        masks, as the kernel keeps them with ap_perms (zcrypt_nodes.c).
 */
#ifndef VAS_AP_ZCRYPT_H
#define VAS_AP_ZCRYPT_H

#include "ap/ap_bus.h"

/* The character device region of the zcrypt nodes (a dynamic major in Linux). */
#define ZCRYPT_DEV_MAJOR 246
#define ZCRYPT_MAX_MINOR_NODES 256
#define ZCRYPT_NODE_NAME_MAX 31 /* characters of a node name that are kept */

struct zcrypt;

/* A card bound to cex4card (zcrypt_card in Linux). */
struct zcrypt_card {
	struct zcrypt *z;     /* const */
	struct ap_card *card; /* const */
	bool online GUARDED_BY(z->lock);
	struct list_head zqueues GUARDED_BY(z->lock); /* its zcrypt_queues */
};

/* A queue bound to cex4queue (zcrypt_queue in Linux). */
struct zcrypt_queue {
	struct zcrypt_card *zc; /* const: the card's, which outlives it */
	struct ap_queue *queue; /* const */
	bool online GUARDED_BY(zc->z->lock);
	struct list_head node GUARDED_BY(zc->z->lock); /* in zc->zqueues */
};

struct zcrypt {
	struct ap_bus *bus;
	struct ap_driver cex4card, cex4queue;
	struct kmutex lock; /* "zcrypt_list_lock" */
	/* the zcrypt class (zcrypt_nodes.c) */
	struct list_head nodes GUARDED_BY(bus->perms_mutex);	  /* by creation */
	struct sysfs_node *class_dir;				  /* class/zcrypt (const) */
	struct sysfs_node *virt_dir GUARDED_BY(bus->perms_mutex); /* devices/virtual/zcrypt */
};

/* What the sandbox needs to know of a node (docs/design.md §13.5). */
struct zcrypt_node_info {
	char name[ZCRYPT_NODE_NAME_MAX + 1];
	unsigned major, minor;
};

/*
 * Creates the zcrypt class and registers both drivers; they bind every
 * matching device at once. 0 or -ENOMEM.
 */
int zcrypt_init(struct zcrypt *z, struct ap_bus *bus);
/* Unregisters the drivers (their devices are unbound) and removes every node. */
void zcrypt_exit(struct zcrypt *z);
/* The nodes now, by creation: fills up to max entries, returns how many exist. */
int zcrypt_nodes_snapshot(struct zcrypt *z, struct zcrypt_node_info *out, int max);

/* --- shared by zcrypt.c, zcrypt_cex4.c and zcrypt_nodes.c --- */

/*
 * Can a request reach this queue (zcrypt's routing): the queue and its card
 * online for zcrypt, both configured and not check-stopped. z is the
 * queue's zcrypt (zq->zc->z), named so that the lock analysis sees it.
 */
bool zcrypt_queue_usable(struct zcrypt *z, struct zcrypt_queue *zq) REQUIRES(z->lock);
/* The card's and queue's attributes of its kind (cex4 personality). */
int zcrypt_cex4_card_files(struct zcrypt_card *zc, bool add);
int zcrypt_cex4_queue_files(struct zcrypt_queue *zq, bool add);
int zcrypt_nodes_init(struct zcrypt *z);
void zcrypt_nodes_exit(struct zcrypt *z);

#endif
