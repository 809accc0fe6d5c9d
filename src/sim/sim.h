/* SPDX-License-Identifier: MIT */
/*
 * sim.h - one simulated host: AP hardware, AP bus, KVM guests, the vfio_ap
 * driver, the lock validator, the kernel log and the sysfs tree, all hanging
 * off one struct sim. Several worlds can live in one process.
 */
#ifndef VAS_SIM_H
#define VAS_SIM_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/config.h"

struct uevent_sink;
struct sim;
struct sysfs;
struct ld_ctx;
struct klog;
struct ap_matrix_dev;

enum sim_variant { SIM_MERGED = 0, SIM_V18, SIM_V18_BLOCKING };

/* "merged" / "v18" / "v18-blocking" -> 0, else -EINVAL. */
int sim_variant_parse(const char *name, enum sim_variant *v);
const char *sim_variant_name(enum sim_variant v);

/*
 * Boots a host: hardware from cfg, AP bus scan, default drivers and vfio_ap
 * registered (queues probe). NULL with a message in err on failure.
 */
struct sim *sim_new(const struct sim_config *cfg, enum sim_variant v, char *err, size_t errlen);

/* What sim_new_opts adds to a host. */
struct sim_opts {
	/* where the kernel's uevents go from boot on (NULL: nowhere); must outlive the host */
	const struct uevent_sink *sink;
	bool trace;   /* sim/trace records from the end of boot on */
	int trace_fd; /* every trace line is also appended here (-1: not) */
};
struct sim *sim_new_opts(const struct sim_config *cfg, enum sim_variant v,
			 const struct sim_opts *opts, char *err, size_t errlen);
/* Starts (true) or stops recording sim/trace; the lines so far are kept. */
void sim_trace_set(struct sim *s, bool on);
/* Replaces the uevent sink (NULL: none); takes effect for the next event. */
void sim_set_uevent_sink(struct sim *s, const struct uevent_sink *sink);
/*
 * Shuts the host down (stops guests, removes mdevs, unregisters drivers,
 * removes devices) and checks for leaks: objects, pinned NIB pages, ISCs,
 * locks still held. Returns the number of problems and describes them in
 * report (may be NULL).
 */
int sim_free(struct sim *s, char *report, size_t len);
/* Consistency invariants of the running system (see docs/design.md). */
int sim_check(struct sim *s, char *report, size_t len);

struct sysfs *sim_sysfs(struct sim *s);
struct ld_ctx *sim_lockdep(struct sim *s);
struct klog *sim_klog(struct sim *s);
enum sim_variant sim_variant(const struct sim *s);
/* The vfio_ap driver's matrix device (benchmarks, the torture harness's hooks). */
struct ap_matrix_dev *sim_matrix_dev(struct sim *s);

#endif
