/* SPDX-License-Identifier: MIT */
/*
 * config.h - the simulated host's configuration (interface.md section 3).
 *
 * A struct sim_config describes the machine before boot: AP extended
 * addressing, the QCI limits, the physical cards, the configured usage and
 * control domains and the boot-time apmask/aqmask. It is either the built-in
 * default host or parsed from a line-based file.
 */
#ifndef VAS_SIM_CONFIG_H
#define VAS_SIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/bitmap.h"

/* AP device types: CEX4 = 10 ... CEX8 = 14. */
#define AP_DEVICE_TYPE_CEX4 10
#define AP_DEVICE_TYPE_CEX8 14

enum ap_card_kind { AP_KIND_ACCEL = 'A', AP_KIND_CCA = 'C', AP_KIND_EP11 = 'P' };

struct sim_card_cfg {
	bool present;      /* a `card` line names it */
	int type;          /* AP_DEVICE_TYPE_CEX4..CEX8 */
	char kind;         /* enum ap_card_kind */
	bool config;       /* in the QCI adapter mask (default 1) */
	bool chkstop;      /* check-stopped (default 0) */
};

struct sim_config {
	bool apxa;            /* default yes */
	int max_adapter;      /* QCI na; -1 = default (255 with apxa, else 63) */
	int max_domain;       /* QCI nd; -1 = default (255 with apxa, else 15) */
	struct sim_card_cfg cards[BM_BITS];
	bm256 usage_domains;  /* QCI aqm */
	bm256 control_domains; /* QCI adm */
	bm256 apmask;         /* boot ap.apmask= (default all ones) */
	bm256 aqmask;         /* boot ap.aqmask= (default all ones) */
};

/* Defaults for a file: apxa yes, no cards, no domains, masks all ones. */
void sim_config_init(struct sim_config *cfg);
/* The built-in default host of interface.md section 3. */
void sim_config_default(struct sim_config *cfg);
/*
 * Parses a host configuration file into cfg (which starts from
 * sim_config_init). On error returns -EINVAL and writes
 * "FILE:LINE: reason" into err; cfg is then unspecified.
 */
int sim_config_parse_file(struct sim_config *cfg, const char *path, char *err, size_t errlen);
int sim_config_parse_stream(struct sim_config *cfg, FILE *f, const char *name, char *err,
			    size_t errlen);
/* Effective na / nd after defaults. */
int sim_config_na(const struct sim_config *cfg);
int sim_config_nd(const struct sim_config *cfg);
/* "CEX8C" -> type 14, kind 'C'; -EINVAL if unknown. */
int sim_card_type_parse(const char *s, int *type, char *kind);

#endif
