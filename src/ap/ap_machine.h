/* SPDX-License-Identifier: MIT */
/*
 * ap_machine.h - the AP side of a machine as it is before boot: AP device
 * types, the physical cards and what PQAP(QCI) will report.
 *
 * struct ap_machine_cfg is what an LPAR's hardware configuration decides:
 * whether AP extended addressing (APXA) is installed, the highest adapter
 * and domain number the machine supports (QCI na / nd), the cards that
 * physically exist (type, kind, SCLP configuration state, check-stop) and
 * the configured usage and control domains. The simulated hardware
 * (ap_hw.c) is built from it; src/sim/config.c parses host configuration
 * files into it (docs/design.md §12).
 */
#ifndef VAS_AP_MACHINE_H
#define VAS_AP_MACHINE_H

#include <stdbool.h>

#include "base/bitmap.h"

/* AP device types: CEX4 = 10 ... CEX8 = 14. */
#define AP_DEVICE_TYPE_CEX4 10
#define AP_DEVICE_TYPE_CEX8 14

/* The card's function: the letter after the generation in "CEX8C". */
enum ap_card_kind { AP_KIND_ACCEL = 'A', AP_KIND_CCA = 'C', AP_KIND_EP11 = 'P' };

struct ap_card_cfg {
	bool present; /* the card exists */
	int type;     /* AP_DEVICE_TYPE_CEX4..CEX8 */
	char kind;    /* enum ap_card_kind */
	bool config;  /* in the QCI adapter mask (default 1) */
	bool chkstop; /* check-stopped (default 0) */
};

struct ap_machine_cfg {
	bool apxa;	 /* AP extended addressing (default yes) */
	int max_adapter; /* QCI na; -1 = default (255 with apxa, else 63) */
	int max_domain;	 /* QCI nd; -1 = default (255 with apxa, else 15) */
	struct ap_card_cfg cards[BM_BITS];
	bm256 usage_domains;   /* QCI aqm */
	bm256 control_domains; /* QCI adm */
};

/* apxa yes, na/nd defaulted, no cards, no domains. */
void ap_machine_cfg_init(struct ap_machine_cfg *m);
/* Effective QCI na / nd after defaults. */
int ap_machine_na(const struct ap_machine_cfg *m);
int ap_machine_nd(const struct ap_machine_cfg *m);
/* "CEX8C" -> type 14, kind 'C'; -EINVAL if unknown. */
int ap_card_type_parse(const char *s, int *type, char *kind);

#endif
