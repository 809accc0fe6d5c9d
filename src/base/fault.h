/* SPDX-License-Identifier: MIT */
/*
 * fault.h - named, enumerable allocation-failure injection sites.
 *
 * Each allocation of the modelled kernel code that can fail with ENOMEM has
 * a site; a site armed with N fails its next N allocations (-1: every one
 * until disarmed). The table of names is const; the counters live in the
 * simulated host (no global state). sim/faults/alloc reads and arms them.
 *
 *   FAULT_MDEV         vfio_ap_mdev_probe: the mdev object (create -> ENOMEM)
 *   FAULT_VFIO_QUEUE   vfio_ap_mdev_probe_queue: the queue object (probe -> ENOMEM)
 *   FAULT_AP_CONFIG    ap_config store: the copy of the input (-> ENOMEM)
 *   FAULT_KVM          a guest's struct kvm (sim/guests/start -> ENOMEM)
 *   FAULT_AP_CARD      bus scan: a card device (the card does not appear)
 *   FAULT_AP_QUEUE     bus scan: a queue device (the queue does not appear)
 */
#ifndef VAS_FAULT_H
#define VAS_FAULT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

enum fault_site {
	FAULT_MDEV,
	FAULT_VFIO_QUEUE,
	FAULT_AP_CONFIG,
	FAULT_KVM,
	FAULT_AP_CARD,
	FAULT_AP_QUEUE,
	FAULT_NR_SITES
};

struct fault_sites {
	atomic_int armed[FAULT_NR_SITES];	/* failures left, -1 = always */
	atomic_ullong injected[FAULT_NR_SITES]; /* failures produced so far */
};

extern const char *const fault_site_names[FAULT_NR_SITES];

/* True when this allocation must fail (and counts it). */
static inline bool fault_fail(struct fault_sites *f, enum fault_site s)
{
	int left = atomic_load_explicit(&f->armed[s], memory_order_relaxed);

	while (left != 0) {
		if (left < 0 || atomic_compare_exchange_weak(&f->armed[s], &left, left - 1)) {
			atomic_fetch_add_explicit(&f->injected[s], 1, memory_order_relaxed);
			return true;
		}
	}
	return false;
}

/* Site by name, or -1. */
int fault_site_lookup(const char *name, size_t len);

#endif
