/* SPDX-License-Identifier: MIT */
/*
 * dhost.h - a host for driver unit tests, built from the services alone.
 *
 * No struct sim: the test owns a validator context, a kernel log, fault
 * sites and a sysfs tree, bundles them as struct kservices, and builds the
 * simulated AP hardware, the AP bus, the zcrypt default drivers and the
 * vfio_ap matrix device from them (docs/design.md §1.2). Driver functions
 * are then called directly: assign, FILTER, in_use, the host-config
 * callbacks. Several dhosts may live in one process.
 */
#ifndef VAS_TESTS_DHOST_H
#define VAS_TESTS_DHOST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/ap_bus.h"
#include "ap/ap_hw.h"
#include "ap/zcrypt.h"
#include "base/fault.h"
#include "kernel/klog.h"
#include "kernel/services.h"
#include "kvm/kvm.h"
#include "lockdep/lockdep.h"
#include "sysfs/sysfs.h"
#include "vfio_ap/vfio_ap_private.h"

struct dhost {
	struct ld_ctx *ld;
	struct klog log;
	struct fault_sites faults;
	struct sysfs *fs;
	struct kservices svc;
	struct ap_hw hw;
	struct ap_bus bus;
	struct zcrypt zcrypt;
	struct ap_matrix_dev md;
};

/* Cards 03, 04 (CEX8C), 05 (CEX8P), 06 (CEX8A); domains 0-15, as the default host. */
static inline void dhost_default_machine(struct ap_machine_cfg *m)
{
	ap_machine_cfg_init(m);
	for (unsigned a = 3; a <= 6; a++)
		m->cards[a] = (struct ap_card_cfg){ .present = true,
						    .type = AP_DEVICE_TYPE_CEX8,
						    .kind = a == 5 ? 'P' :
							    a == 6 ? 'A' :
								     'C',
						    .config = true };
	bm_range(&m->usage_domains, 0, 15);
	bm_range(&m->control_domains, 0, 15);
}

/* Boots the host with every queue reserved for the host (masks all ones). */
static inline struct dhost *dhost_new(const struct ap_machine_cfg *m,
				      const struct vfio_ap_lock_ops *lops)
{
	struct dhost *h = calloc(1, sizeof(*h));
	bm256 all;

	if (!h || !(h->ld = ld_ctx_new()))
		abort();
	ld_declare_order(h->ld, lops->order, lops->norder);
	klog_init(&h->log, h->ld);
	h->fs = sysfs_new(h->ld);
	h->svc = (struct kservices){
		.ld = h->ld, .log = &h->log, .faults = &h->faults, .fs = h->fs
	};
	bm_fill(&all);
	if (!h->fs || ap_hw_init(&h->hw, h->ld, m) ||
	    ap_bus_init(&h->bus, &h->svc, &h->hw, &all, &all))
		abort();
	zcrypt_init(&h->zcrypt, &h->bus);
	ap_bus_scan(&h->bus); /* the first scan: devices appear and bind to zcrypt */
	if (vfio_ap_init(&h->md, &h->svc, &h->bus, lops))
		abort();
	return h;
}

/* Tears down; returns the number of leaked objects plus validator reports. */
static inline int dhost_free(struct dhost *h)
{
	int problems = (int)ld_nr_reports(h->ld);

	vfio_ap_remove_all_mdevs(&h->md);
	vfio_ap_exit(&h->md);
	zcrypt_exit(&h->zcrypt);
	ap_bus_shutdown(&h->bus);
	problems += atomic_load(&h->md.nr_mdevs) + atomic_load(&h->md.nr_queues);
	problems += atomic_load(&h->bus.nr_cards) + atomic_load(&h->bus.nr_queues);
	problems += ld_held_count(h->ld);
	ap_bus_destroy(&h->bus);
	ap_hw_destroy(&h->hw);
	sysfs_free(h->fs);
	klog_destroy(&h->log);
	ld_ctx_free(h->ld);
	free(h);
	return problems;
}

/* apmask / aqmask store: the byte count or -errno. */
static inline long dhost_mask(struct dhost *h, bool adapters, const char *v)
{
	return ap_bus_mask_store(&h->bus, adapters, v, strlen(v));
}

/* Creates an mdev and returns a reference (put it with vfio_ap_mdev_put). */
static inline struct ap_matrix_mdev *dhost_mdev(struct dhost *h, const char *uuid)
{
	if (vfio_ap_mdev_create(&h->md, uuid, strlen(uuid)) != (long)strlen(uuid))
		return NULL;
	return vfio_ap_mdev_get(&h->md, uuid);
}

static inline long dhost_assign(struct ap_matrix_mdev *m, bool adapter, const char *v)
{
	return vfio_ap_assign(m, adapter, v, strlen(v));
}

/* The mdev's shadow (what a guest would get) in the `matrix` format. */
static inline const char *dhost_shadow(struct ap_matrix_mdev *m, char *buf, size_t len)
{
	struct ap_matrix mx;
	int n;

	kmutex_lock(&m->md->mdevs_lock);
	mx = m->shadow_apcb;
	kmutex_unlock(&m->md->mdevs_lock);
	n = vfio_ap_format_matrix(&mx, buf, len - 1);
	buf[n] = '\0';
	return buf;
}

/* Host configuration change: new QCI masks (NULL = unchanged) and one bus scan. */
static inline void dhost_host_config(struct dhost *h, const bm256 *apm, const bm256 *aqm,
				     const bm256 *adm)
{
	ap_hw_set_masks(&h->hw, apm, aqm, adm);
	ap_bus_scan(&h->bus);
}

/* A bitmap from a list of numbers ending with -1. */
static inline bm256 dhost_bits(int first, ...)
{
	bm256 b;
	va_list ap;

	bm_zero(&b);
	va_start(ap, first);
	for (int n = first; n >= 0; n = va_arg(ap, int))
		bm_set(&b, (unsigned)n);
	va_end(ap);
	return b;
}

#endif
