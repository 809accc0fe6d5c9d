/* SPDX-License-Identifier: MIT */
/*
 * driver_bench.c - cost of the lock validator on the driver's own workload
 * (issue 3): the same sysfs scenario loop with checking on and off, in one
 * process, alternating rounds so machine noise hits both alike.
 *
 * One iteration: create an mdev, assign 2 adapters + 2 domains + a control
 * domain, start a guest, hot plug a third adapter, AQIC enable and disable,
 * a host configuration change (remove and re-add a domain), unassign, read
 * matrix/guest_matrix/status, stop the guest, remove the mdev, and a mask
 * write that in_use must veto. About 25 sysfs operations and ~400 lock
 * acquisitions.
 *
 * Three modes: validator on with lock_stat (what a simulated host runs:
 * sim/lock_stat, design.md §13.4), validator on without lock_stat, and off.
 *
 * usage: driver_bench [iterations-per-round] [rounds]   (prints medians and the ratios)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lockdep/lockdep.h"
#include "sim/sim.h"
#include "sysfs/sysfs.h"

#define U "5e1f0c2a-7b3d-4e8f-9a0b-1c2d3e4f5a6b"
#define MD "devices/vfio_ap/matrix/" U "/"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void w(struct sysfs *fs, const char *p, const char *v, long want)
{
	long rc = sysfs_write(fs, p, v, strlen(v));

	if ((want >= 0 && rc < 0) || (want < 0 && rc != want)) {
		fprintf(stderr, "driver_bench: write %s <- %s gave %ld\n", p, v, rc);
		exit(1);
	}
}

static void r(struct sysfs *fs, const char *p)
{
	char buf[SYSFS_PAGE];

	if (sysfs_read(fs, p, buf, sizeof(buf)) < 0) {
		fprintf(stderr, "driver_bench: read %s failed\n", p);
		exit(1);
	}
}

static void iteration(struct sysfs *fs)
{
	w(fs, "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create", U, 0);
	w(fs, MD "assign_adapter", "3", 0);
	w(fs, MD "assign_adapter", "4", 0);
	w(fs, MD "assign_domain", "5", 0);
	w(fs, MD "assign_domain", "6", 0);
	w(fs, MD "assign_control_domain", "5", 0);
	w(fs, "sim/guests/start", U, 0);
	w(fs, MD "assign_adapter", "6", 0);
	w(fs, "sim/guests/" U "/aqic", "03.0005 enable 3 0x1000", 0);
	w(fs, "sim/guests/" U "/aqic", "03.0005 disable", 0);
	w(fs, "sim/host/usage_domains", "-0x06", 0);
	w(fs, "sim/host/usage_domains", "+0x06", 0);
	r(fs, MD "matrix");
	r(fs, MD "guest_matrix");
	r(fs, "devices/ap/card03/03.0005/status");
	w(fs, "bus/ap/aqmask", "+0x05", -16); /* EBUSY: 06.0005 is assigned */
	w(fs, MD "unassign_adapter", "6", 0);
	w(fs, MD "unassign_domain", "6", 0);
	w(fs, "sim/guests/stop", U, 0);
	w(fs, MD "remove", "1", 0);
}

int main(int argc, char **argv)
{
	int iters = argc > 1 ? atoi(argv[1]) : 200, rounds = argc > 2 ? atoi(argv[2]) : 11;
	double *on = calloc((size_t)rounds, sizeof(double)),
	       *off = calloc((size_t)rounds, sizeof(double)),
	       *stat = calloc((size_t)rounds, sizeof(double));
	struct sim_config cfg;
	struct sysfs *fs;
	char err[256];
	struct sim *s;

	sim_config_default(&cfg);
	s = sim_new(&cfg, SIM_MERGED, err, sizeof(err));
	if (!s || !on || !off || !stat)
		return 1;
	fs = sim_sysfs(s);
	w(fs, "bus/ap/apmask", "-0x03-0x04", 0);
	w(fs, "bus/ap/aqmask", "-0x05-0x06", 0);
	for (int i = 0; i < 20; i++) /* warm up caches and the chain cache */
		iteration(fs);
	for (int k = 0; k < rounds; k++) {
		for (int mode = 0; mode < 3; mode++) {
			double t0;

			/* no lock is held here */
			ld_set_enabled(sim_lockdep(s), mode != 1);
			ld_set_lock_stat(sim_lockdep(s), mode == 2);
			t0 = now_ns();
			for (int i = 0; i < iters; i++)
				iteration(fs);
			(mode == 0 ? on :
			 mode == 1 ? off :
				     stat)[k] = (now_ns() - t0) / iters / 1e3;
		}
	}
	ld_set_enabled(sim_lockdep(s), true);
	qsort(on, (size_t)rounds, sizeof(double), cmp_d);
	qsort(off, (size_t)rounds, sizeof(double), cmp_d);
	qsort(stat, (size_t)rounds, sizeof(double), cmp_d);
#ifdef VAS_LOCKDEP_OFF
	printf("validator compiled out (-Dlockdep=false): %.1f us per iteration\n", on[rounds / 2]);
#else
	printf("driver workload, %d iterations x %d rounds (median us per iteration):\n", iters,
	       rounds);
	printf("  validator on  %8.1f us\n  validator off %8.1f us\n  ratio on/off  %8.2fx  "
	       "(goal <= 1.25x)\n",
	       on[rounds / 2], off[rounds / 2], on[rounds / 2] / off[rounds / 2]);
	printf("  on + lock_stat %7.1f us\n  ratio lock_stat on/off %5.2fx  (goal <= 1.1x)\n",
	       stat[rounds / 2], stat[rounds / 2] / on[rounds / 2]);
#endif
	printf("RESULT on_us=%.2f off_us=%.2f stat_us=%.2f\n", on[rounds / 2], off[rounds / 2],
	       stat[rounds / 2]);
	free(on);
	free(off);
	free(stat);
	return sim_free(s, err, sizeof(err)) ? 1 : 0;
}
