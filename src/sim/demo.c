/* SPDX-License-Identifier: MIT */
/*
 * demo.c - `vfio-ap-sim demo`: what a new user runs first.
 *
 * Boots the built-in default host in-process and walks through the life of
 * a vfio-ap pass-through: free queues from the host drivers, create an mdev,
 * assign adapters/domains/control domains, start a guest, hot plug and
 * unplug, a host configuration change, and a conflict with its errno. Each
 * step is shown as the shell command a user would type on an LPAR, followed
 * by its output and by what the guest sees.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/demo.h"
#include "sim/sim.h"
#include "sysfs/sysfs.h"

#define U "2b7ea9f4-1d57-4bd8-9a3c-5e2f6c0d8a11"
#define U2 "6c1d0e58-33af-4e0b-b1a4-8f2d7e9c4b02"
#define MDEV "devices/vfio_ap/matrix/" U
#define TYPE "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough"

static int step_write(struct sysfs *fs, const char *path, const char *val)
{
	char buf[256];
	ssize_t rc;

	snprintf(buf, sizeof(buf), "%s\n", val);
	printf("$ echo %s > /sys/%s\n", val, path);
	rc = sysfs_write(fs, path, buf, strlen(buf));
	if (rc < 0)
		printf("-bash: echo: write error: %s\n", strerror((int)-rc));
	return rc < 0 ? (int)rc : 0;
}

static void step_cat(struct sysfs *fs, const char *path)
{
	char buf[SYSFS_PAGE + 1];
	ssize_t n;

	printf("$ cat /sys/%s\n", path);
	n = sysfs_read(fs, path, buf, SYSFS_PAGE);
	if (n < 0) {
		printf("cat: /sys/%s: %s\n", path, strerror((int)-n));
		return;
	}
	buf[n] = 0;
	fputs(buf, stdout);
}

static void say(const char *text) { printf("\n# %s\n", text); }

static void guest(struct sysfs *fs) { step_cat(fs, "sim/guests/" U "/matrix"); }

static void walk(struct sysfs *fs)
{
	say("A freshly booted LPAR: every queue belongs to the host's zcrypt driver.");
	step_cat(fs, "bus/ap/apmask");
	step_cat(fs, "bus/ap/bindings");
	say("Give adapters 0x03,0x04 and domains 0x05,0x06 to vfio_ap.");
	step_write(fs, "bus/ap/apmask", "-0x03-0x04");
	step_write(fs, "bus/ap/aqmask", "-0x05-0x06");
	step_cat(fs, "devices/ap/card03/03.0005/status");
	say("Create a mediated matrix device and assign resources to it.");
	step_write(fs, TYPE "/create", U);
	step_write(fs, MDEV "/assign_adapter", "0x03");
	step_write(fs, MDEV "/assign_domain", "0x05");
	step_write(fs, MDEV "/assign_control_domain", "0x05");
	step_cat(fs, MDEV "/matrix");
	say("Start a KVM guest using the mdev; it sees the filtered matrix.");
	step_write(fs, "sim/guests/start", U);
	guest(fs);
	step_cat(fs, "devices/ap/card03/03.0005/status");
	say("Hot plug: assigning adapter 0x04 and domain 0x06 reaches the running guest.");
	step_write(fs, MDEV "/assign_adapter", "0x04");
	step_write(fs, MDEV "/assign_domain", "0x06");
	guest(fs);
	say("Hot unplug: the guest loses adapter 0x04 before its queues are reset.");
	step_write(fs, MDEV "/unassign_adapter", "0x04");
	guest(fs);
	say("The HMC removes domain 0x06 from the LPAR: a bus scan unplugs it.");
	step_write(fs, "sim/host/usage_domains", "-0x06");
	guest(fs);
	step_cat(fs, MDEV "/matrix");
	say("It comes back: the assignment persisted, so it is plugged in again.");
	step_write(fs, "sim/host/usage_domains", "+0x06");
	guest(fs);
	say("Conflicts: a second mdev may not take queues the first one owns,");
	step_write(fs, TYPE "/create", U2);
	step_write(fs, "devices/vfio_ap/matrix/" U2 "/assign_domain", "0x05");
	step_write(fs, "devices/vfio_ap/matrix/" U2 "/assign_adapter", "0x03");
	say("nor queues still reserved for the host (05.0007: adapter and domain in the masks),");
	step_write(fs, "devices/vfio_ap/matrix/" U2 "/assign_adapter", "0x05");
	step_write(fs, "devices/vfio_ap/matrix/" U2 "/assign_domain", "0x07");
	say("and the host may not take back a domain an mdev has assigned (05.0005).");
	step_write(fs, "bus/ap/aqmask", "+0x05");
	step_cat(fs, "sim/dmesg");
	say("Stop the guest and remove the mdevs.");
	step_write(fs, "sim/guests/stop", U);
	step_write(fs, MDEV "/remove", "1");
	step_write(fs, "devices/vfio_ap/matrix/" U2 "/remove", "1");
	step_cat(fs, "sim/lockdep");
	say("Lock validator: no report. Done.");
}

int vas_cmd_demo(int argc, char **argv)
{
	struct sim_config cfg;
	char err[256];
	struct sim *s;
	int leaks;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: vfio-ap-sim demo\n"
		       "A guided walk-through of vfio-ap on the built-in default host.\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "vfio-ap-sim demo: unexpected argument '%s'\n", argv[1]);
		return 2;
	}
	sim_config_default(&cfg);
	s = sim_new(&cfg, SIM_MERGED, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "vfio-ap-sim demo: %s\n", err);
		return 1;
	}
	printf("# vfio-ap-sim demo: the default host (cards 03,04 CEX8C, 05 CEX8P, 06 CEX8A;\n"
	       "# domains 0x0000-0x000f), driven through its sysfs as on an LPAR.\n");
	walk(sim_sysfs(s));
	leaks = sim_free(s, err, sizeof(err));
	if (leaks)
		fprintf(stderr, "vfio-ap-sim demo: %s", err);
	return leaks ? 1 : 0;
}
