/* SPDX-License-Identifier: MIT */
/*
 * test_remove_blocks.c - design.md §9.13 and the reset ioctl of §9.10,
 * which a single-threaded script cannot show:
 *  - writing `remove` while a guest holds the mdev blocks (it does not fail);
 *  - the `request` callback clears the guest's masks first and, with no
 *    request eventfd, logs that the device is blocked until released;
 *  - stopping the guest lets the remove finish, and the mdev is gone;
 *  - VFIO_DEVICE_RESET (sim/guests/<uuid>/reset) returns EIO when a queue's
 *    final ZAPQ response code is not 0, and succeeds otherwise.
 *
 * "Blocks" is shown by order, not by time: a thread writes `remove`; the
 * main thread waits until the driver has taken the request (its dmesg line
 * appears), checks that remove has not returned, marks the release and
 * stops the guest; the remover notes whether the release was marked when
 * its write returned. A slow machine only makes this slower: the one bound
 * (HANG_GUARD_S) ends a hang with a message instead of hanging.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/sim.h"
#include "sysfs/sysfs.h"
#include "tap.h"

#define U "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
#define MD "devices/vfio_ap/matrix/" U

#define BLOCKED "No device request registered, blocked until released by user"
#define HANG_GUARD_S 120 /* only against hangs; never reached when all is well */

struct remover {
	struct sysfs *fs;
	atomic_int releasing; /* main: the guest's release has begun */
	atomic_int done;      /* remover: its write returned */
	int after_release;    /* remover: releasing was set when the write returned */
	long rc;
};

static long wr(struct sysfs *fs, const char *path, const char *v)
{
	return sysfs_write(fs, path, v, strlen(v));
}

static int rd_eq(struct sysfs *fs, const char *path, const char *want)
{
	char buf[SYSFS_PAGE + 1];
	ssize_t n = sysfs_read(fs, path, buf, SYSFS_PAGE);

	if (n < 0)
		return 0;
	buf[n] = 0;
	return strcmp(buf, want) == 0;
}

static void *do_remove(void *arg)
{
	struct remover *r = arg;

	r->rc = wr(r->fs, MD "/remove", "1\n");
	r->after_release = atomic_load(&r->releasing);
	atomic_store(&r->done, 1);
	return NULL;
}

static bool dmesg_has(struct sysfs *fs, const char *text)
{
	char buf[SYSFS_PAGE + 1];
	ssize_t n = sysfs_read(fs, "sim/dmesg", buf, SYSFS_PAGE);

	buf[n < 0 ? 0 : n] = 0;
	return strstr(buf, text) != NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool request_taken_or_returned(struct remover *r)
{
	return dmesg_has(r->fs, BLOCKED) || atomic_load(&r->done);
}

static bool returned(struct remover *r)
{
	return atomic_load(&r->done);
}

/* Polls cond (1 ms naps); false only if HANG_GUARD_S passed before it held. */
static bool wait_for(bool (*cond)(struct remover *), struct remover *r)
{
	const struct timespec nap = { 0, 1000000L };
	double end = now_s() + HANG_GUARD_S;

	while (!cond(r)) {
		if (now_s() > end)
			return false;
		nanosleep(&nap, NULL);
	}
	return true;
}

int main(void)
{
	static const char zero[] =
		"0x0000000000000000000000000000000000000000000000000000000000000000";
	char want[256], err[512];
	struct sim_config cfg;
	struct remover r = { 0 };
	struct sim *s;
	pthread_t t;

	sim_config_default(&cfg);
	s = sim_new(&cfg, SIM_MERGED, err, sizeof(err));
	r.fs = sim_sysfs(s);
	tap_ok(wr(r.fs, "bus/ap/apmask", "-0x03\n") > 0 && wr(r.fs, "bus/ap/aqmask", "-0x05\n") > 0,
	       "queue 03.0005 given to vfio_ap");
	wr(r.fs, "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create", U);
	wr(r.fs, MD "/assign_adapter", "3");
	wr(r.fs, MD "/assign_domain", "5");
	tap_ok(wr(r.fs, "sim/guests/start", U) > 0, "guest started");
	tap_ok(rd_eq(r.fs, "sim/guests/" U "/matrix", "03.0005\n"), "guest sees 03.0005");

	tap_ok(wr(r.fs, "sim/guests/" U "/reset", "1") > 0, "VFIO_DEVICE_RESET succeeds");
	wr(r.fs, "sim/faults/zapq_rc", "0x03 1");
	tap_ok(wr(r.fs, "sim/guests/" U "/reset", "1") == -EIO,
	       "VFIO_DEVICE_RESET whose ZAPQ answers 03 (deconfigured): EIO");
	wr(r.fs, "sim/faults/zapq_rc", "0");
	tap_ok(wr(r.fs, "sim/guests/" U "/reset", "1") > 0, "and succeeds again once cleared");

	pthread_create(&t, NULL, do_remove, &r);
	if (!tap_ok(wait_for(request_taken_or_returned, &r),
		    "the driver takes the remove request")) {
		tap_diag("hang guard: no request and no return after %d s", HANG_GUARD_S);
		return tap_done(); /* the remover is stuck in the driver: no teardown */
	}
	tap_ok(!atomic_load(&r.done), "remove has not returned while the guest holds the device");
	snprintf(want, sizeof(want), "%s,%s,%s\n", zero, zero, zero);
	tap_ok(rd_eq(r.fs, "sim/guests/" U "/apcb", want), "request cleared the guest's masks");
	tap_ok(dmesg_has(r.fs, BLOCKED), "request logged the blocked notice");
	tap_ok(sysfs_type_of(r.fs, MD, false) == SYSFS_DIR, "the mdev still exists meanwhile");
	atomic_store(&r.releasing, 1);
	tap_ok(!atomic_load(&r.done), "remove still has not returned when the guest is released");
	tap_ok(wr(r.fs, "sim/guests/stop", U) > 0, "guest stopped");
	if (!tap_ok(wait_for(returned, &r), "remove returns once the guest is gone")) {
		tap_diag("hang guard: remove still blocked %d s after the guest stopped",
			 HANG_GUARD_S);
		return tap_done();
	}
	pthread_join(t, NULL);
	tap_ok(r.after_release, "remove returned only after the release began");
	tap_ok(r.rc == (long)strlen("1\n"), "remove returned the byte count (rc %ld)", r.rc);
	tap_ok(sysfs_type_of(r.fs, MD, false) == -ENOENT, "the mdev is gone");
	tap_ok(rd_eq(r.fs, "devices/ap/card03/03.0005/status", "unassigned\n"),
	       "its queue is unassigned and still bound to vfio_ap");
	tap_ok(sim_free(s, err, sizeof(err)) == 0, "shutdown without leaks %s", err);
	return tap_done();
}
