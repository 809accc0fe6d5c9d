/* SPDX-License-Identifier: MIT */
/*
 * zcrypt.h - the host's default AP device drivers (zcrypt_cex4.c):
 * cex4card binds card devices, cex4queue binds queue devices. Both carry
 * AP_DRIVER_FLAG_DEFAULT, so the bus gives them exactly the queues that
 * apmask x aqmask reserves for the host (docs/design.md §3.6, §4.11).
 */
#ifndef VAS_AP_ZCRYPT_H
#define VAS_AP_ZCRYPT_H

#include "ap/ap_bus.h"

struct zcrypt {
	struct ap_bus *bus;
	struct ap_driver cex4card, cex4queue;
};

/* Registers both drivers; they bind every matching device at once. */
void zcrypt_init(struct zcrypt *z, struct ap_bus *bus);
/* Unregisters them (their devices are unbound). */
void zcrypt_exit(struct zcrypt *z);

#endif
