/* SPDX-License-Identifier: MIT */
/*
 * config.h - the simulated host's configuration (design.md §12).
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

#include "ap/ap_machine.h"
#include "base/bitmap.h"

struct sim_config {
	struct ap_machine_cfg machine; /* cards, QCI limits and domains */
	bm256 apmask;		       /* boot ap.apmask= (default all ones) */
	bm256 aqmask;		       /* boot ap.aqmask= (default all ones) */
	bool no_vfio_ap;	       /* vfio_ap is not loaded at boot (default: loaded) */
};

/* Defaults for a file: apxa yes, no cards, no domains, masks all ones. */
void sim_config_init(struct sim_config *cfg);
/* The built-in default host of design.md §12. */
void sim_config_default(struct sim_config *cfg);
/*
 * Parses a host configuration file into cfg (which starts from
 * sim_config_init). On error returns -EINVAL and writes
 * "FILE:LINE: reason" into err; cfg is then unspecified.
 */
int sim_config_parse_file(struct sim_config *cfg, const char *path, char *err, size_t errlen);
int sim_config_parse_stream(struct sim_config *cfg, FILE *f, const char *name, char *err,
			    size_t errlen);

#endif
