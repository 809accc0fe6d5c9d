/* SPDX-License-Identifier: MIT */
/*
 * nl_uevent.h - a uevent sink that injects the simulated kernel's events
 * into the current network namespace's real uevent socket (nl_uevent.c,
 * docs/uevents.md §7). Only in a private network namespace: opening it
 * elsewhere is refused with a message.
 */
#ifndef VAS_CLI_NL_UEVENT_H
#define VAS_CLI_NL_UEVENT_H

#include <stddef.h>

#include "kernel/uevent.h"

struct nl_uevent {
	int fd;
	unsigned long long sent;
	struct uevent_sink sink; /* give this to the host (sim_opts.sink) */
	char buf[16 + 4096];	 /* the netlink header and one event */
};

/* 0, or -errno with the reason in err (the host's network namespace: -EPERM). */
int nl_uevent_open(struct nl_uevent *nl, char *err, size_t errlen);
void nl_uevent_close(struct nl_uevent *nl);

#endif
