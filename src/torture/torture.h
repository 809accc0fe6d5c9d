/* SPDX-License-Identifier: MIT */
/*
 * torture.h - the concurrency stress harness behind `vfio-ap-sim torture`
 * (issue 5; it follows the kernel's locktorture
 * in spirit).
 *
 * One run boots a simulated host, lets worker threads fire random sysfs
 * operations at it (admins: every writable attribute, host configuration,
 * faults; guests: start/stop and AQIC), checks the consistency invariants
 * continuously and at the end, watches for hangs and ends with one word:
 * SUCCESS or FAILURE. Everything a run needs hangs off one struct torture
 * that torture_run() owns; the options are plain data.
 */
#ifndef VAS_TORTURE_H
#define VAS_TORTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/sim.h"

struct torture_opts {
	unsigned threads;	    /* admin threads (--threads) */
	unsigned guests;	    /* guest threads, one per mdev slot (--guests) */
	unsigned mdevs;		    /* mdev UUIDs in play (--mdevs) */
	double duration_s;	    /* --duration; used when ops == 0 */
	uint64_t ops;		    /* --ops: total operations, split over all threads */
	uint64_t seed;		    /* --seed */
	enum sim_variant variant;   /* --variant */
	double fault_rate;	    /* --faults: probability an admin op injects a fault */
	const char *config_path;    /* --config; NULL = built-in default host */
	bool json;		    /* --json: a JSON summary on out at the end */
	bool busted;		    /* --busted: run the deliberately broken driver */
	bool require_coverage;	    /* --require-coverage: < 100 % of declared edges fails */
	bool validator_off;	    /* --no-validator: ld_set_enabled(false) (benchmark) */
	bool compare;		    /* --compare: v18 then merged, same seed, EBUSY rates */
	double watchdog_s;	    /* --watchdog: an op running longer is a hang */
	double stat_interval_s;	    /* --stat-interval: periodic line (0 = none) */
	unsigned check_interval_ms; /* --check-interval: invariant checker period */
	bool quiet;		    /* --quiet: no periodic lines, no progress line */
	int weight[48];		    /* --weight NAME=W overrides; -1 = the table's weight */
};

/* The result of one run, for the benchmark and --compare. */
struct torture_result {
	bool success;
	uint64_t ops;
	double seconds;
	uint64_t mask_writes, mask_ebusy, spurious_ebusy;
	unsigned invariant_failures, validator_reports, leaks;
	unsigned cov_seen, cov_declared;
};

void torture_opts_init(struct torture_opts *o);
/* Index of the operation called name in the ops vector, or -1. */
int torture_op_index(const char *name);
/* Name of operation i, NULL past the end (for --help). */
const char *torture_op_name(unsigned i);
/*
 * Runs one torture session and prints its log to out. Returns 0 (SUCCESS),
 * 1 (FAILURE) or 2 (the host could not be built: bad config file). res may
 * be NULL. A hang ends the process from the watchdog with status 1.
 */
int torture_run(const struct torture_opts *o, FILE *out, struct torture_result *res);

#endif
