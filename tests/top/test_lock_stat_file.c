/* SPDX-License-Identifier: MIT */
/*
 * test_lock_stat_file.c - sim/lock_stat (design.md §13.4) on a booted host.
 *
 * A read of an mdev's `matrix` takes mdevs_lock exactly once (design.md
 * §6.2), so after a clear, N reads must show N acquisitions of that class
 * and no other driver lock; "0" clears, anything else is EINVAL; the file
 * is longer than one page when many classes were used (it is not cut at
 * 4096 bytes) and ends with a whole line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "sysfs/sysfs.h"
#include "tap.h"

#define U "5e1f0c2a-7b3d-4e8f-9a0b-1c2d3e4f5a6b"
#define MD "devices/vfio_ap/matrix/" U "/"
#define BIG (16 * SYSFS_PAGE)

static long wr(struct sysfs *fs, const char *p, const char *v)
{
	return (long)sysfs_write(fs, p, v, strlen(v));
}

/* acquisitions of class name in the text (sum of its -W/-R lines), -1 if absent */
static long long acquisitions(const char *text, const char *name)
{
	long long sum = -1;
	char key[80];
	const char *p = text;
	unsigned long long acq;

	snprintf(key, sizeof(key), " %s", name);
	while ((p = strstr(p, key))) {
		const char *e = p + strlen(key);

		if ((*e == ':' || !strncmp(e, "-W:", 3) || !strncmp(e, "-R:", 3)) &&
		    sscanf(strchr(e, ':') + 1, "%*u %*u %*s %*s %*s %*s %*u %llu", &acq) == 1)
			sum = (sum < 0 ? 0 : sum) + (long long)acq;
		p = e;
	}
	return sum;
}

int main(void)
{
	static char buf[BIG + 1];
	struct sim_config cfg;
	struct sysfs *fs;
	char err[256];
	struct sim *s;
	ssize_t n;

	sim_config_default(&cfg);
	s = sim_new(&cfg, SIM_MERGED, err, sizeof(err));
	if (!tap_ok(s != NULL, "host boots"))
		return tap_done();
	fs = sim_sysfs(s);
	wr(fs, "bus/ap/apmask", "-0x03-0x04");
	wr(fs, "bus/ap/aqmask", "-0x05-0x06");
	wr(fs, "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create", U);
	wr(fs, MD "assign_adapter", "3");
	wr(fs, MD "assign_domain", "5");
	wr(fs, "sim/guests/start", U);
	wr(fs, "sim/guests/" U "/aqic", "03.0005 enable 3 0x1000");
	wr(fs, "sim/host/usage_domains", "-0x06");

	n = sysfs_read(fs, "sim/lock_stat", buf, BIG);
	buf[n > 0 ? n : 0] = '\0';
	tap_ok(n > SYSFS_PAGE && buf[n - 1] == '\n',
	       "after a guest's life the file is longer than a page and ends with a line (%zd bytes)",
	       n);
	tap_ok(acquisitions(buf, "&matrix_dev->mdevs_lock") > 0, "mdevs_lock was counted");

	tap_ok(wr(fs, "sim/lock_stat", "0\n") == 2, "writing 0 clears");
	for (int i = 0; i < 100; i++)
		sysfs_read(fs, MD "matrix", err, sizeof(err));
	n = sysfs_read(fs, "sim/lock_stat", buf, BIG);
	buf[n > 0 ? n : 0] = '\0';
	tap_ok(acquisitions(buf, "&matrix_dev->mdevs_lock") == 100,
	       "100 reads of matrix after the clear: 100 acquisitions of mdevs_lock (got %lld)",
	       acquisitions(buf, "&matrix_dev->mdevs_lock"));
	tap_ok(acquisitions(buf, "&matrix_dev->guests_lock") == -1 &&
		       acquisitions(buf, "ap_perms_mutex") == -1,
	       "and no other driver lock");
	tap_ok(wr(fs, "sim/lock_stat", "0") == 1 &&
		       (n = sysfs_read(fs, "sim/lock_stat", buf, BIG)) > 0 &&
		       (buf[n] = '\0', acquisitions(buf, "&matrix_dev->mdevs_lock") == -1),
	       "cleared again: the class is gone");
	tap_ok(wr(fs, "sim/lock_stat", "1") == -EINVAL && wr(fs, "sim/lock_stat", "") == -EINVAL &&
		       wr(fs, "sim/lock_stat", "00") == -EINVAL,
	       "anything but 0 is EINVAL");
	wr(fs, "sim/guests/stop", U);
	tap_ok(sim_free(s, err, sizeof(err)) == 0, "clean shutdown");
	return tap_done();
}
