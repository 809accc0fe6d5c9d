/* SPDX-License-Identifier: MIT */
/*
 * zcrypt.c - the default drivers cex4card and cex4queue (see zcrypt.h).
 *
 * They model only what the vfio_ap side of the system observes: binding
 * (so the reservation rule is exercised) and the queue's `online` state.
 */
#include "ap/zcrypt.h"

static int cex4queue_probe(void *ctx, struct ap_queue *q)
{
	(void)ctx;
	q->online = true;
	return 0;
}

void zcrypt_init(struct zcrypt *z, struct ap_bus *bus)
{
	z->bus = bus;
	z->cex4card = (struct ap_driver){
		.name = "cex4card", .flags = AP_DRIVER_FLAG_DEFAULT, .for_cards = true, .ctx = z
	};
	z->cex4queue = (struct ap_driver){ .name = "cex4queue",
					   .flags = AP_DRIVER_FLAG_DEFAULT,
					   .probe = cex4queue_probe,
					   .ctx = z };
	ap_driver_register(bus, &z->cex4card);
	ap_driver_register(bus, &z->cex4queue);
}

void zcrypt_exit(struct zcrypt *z)
{
	ap_driver_unregister(z->bus, &z->cex4queue);
	ap_driver_unregister(z->bus, &z->cex4card);
}
