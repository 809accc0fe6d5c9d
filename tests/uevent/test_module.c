/* SPDX-License-Identifier: MIT */
/*
 * test_module.c - vfio_ap loaded and unloaded at run time through
 * sim/modules/vfio_ap (design.md §4.1, docs/uevents.md §6): a host booted
 * without it, the load's events in the kernel's order with the queues it
 * takes, EEXIST for a second load, EAGAIN for an unload while a guest
 * holds an mdev, the unload's events with an mdev present (removed, as
 * mdev_unregister_parent does), ENOENT for a second unload, what the tree
 * looks like in between, and a reload that works like the first load.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "recorder.h"
#include "sim/sim.h"
#include "sysfs/sysfs.h"
#include "tap.h"

#define U "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"
#define M "/devices/vfio_ap/matrix/" U

static struct sim *s;
static struct recorder r;

static ssize_t wr(const char *path, const char *text)
{
	return sysfs_write(sim_sysfs(s), path, text, strlen(text));
}

static const char *rd(const char *path)
{
	static char buf[SYSFS_PAGE + 1];
	ssize_t n = sysfs_read(sim_sysfs(s), path, buf, SYSFS_PAGE);

	buf[n > 0 ? n : 0] = '\0';
	return n < 0 ? "(error)" : buf;
}

static bool exists(const char *path)
{
	return sysfs_type_of(sim_sysfs(s), path, false) > 0;
}

/* Queues of adapter 3 as vfio_ap takes or leaves them. */
static void queues3(char **t, const char *action)
{
	for (unsigned d = 0; d < 4; d++)
		text_add(t,
			 "%s /devices/ap/card03/03.%04x SUBSYSTEM=ap DEVTYPE=ap_queue%s MODE=cca\n",
			 action, d, strcmp(action, "bind") ? "" : " DRIVER=vfio_ap");
}

static const char *load_events(void)
{
	static char *want;

	free(want);
	want = NULL;
	text_add(&want, "add /bus/matrix SUBSYSTEM=bus\n"
			"add /devices/vfio_ap/matrix SUBSYSTEM=matrix\n"
			"bind /devices/vfio_ap/matrix SUBSYSTEM=matrix DRIVER=vfio_ap\n"
			"add /bus/matrix/drivers/vfio_ap SUBSYSTEM=drivers\n");
	queues3(&want, "bind");
	text_add(&want, "add /bus/ap/drivers/vfio_ap SUBSYSTEM=drivers\n"
			"add /bus/mdev/drivers/vfio_ap_mdev SUBSYSTEM=drivers\n"
			"change /devices/vfio_ap/matrix SUBSYSTEM=matrix MDEV_STATE=registered "
			"DRIVER=vfio_ap\n"
			"add /module/vfio_ap SUBSYSTEM=module\n");
	return want;
}

static void test_boot_without(void)
{
	const char *t = rec_since(&r, 0);

	tap_ok(!strcmp(rd("sim/modules/vfio_ap"), "0\n"), "booted without vfio_ap: reads 0");
	tap_ok(!strstr(t, "vfio_ap") && !strstr(t, "BINDINGS") && strstr(t, "INITSCAN=done\n"),
	       "boot: INITSCAN, no BINDINGS (adapter 3's queues have no driver), nothing of "
	       "vfio_ap");
	tap_ok(!exists("devices/vfio_ap") && !exists("bus/matrix") && !exists("module/vfio_ap") &&
		       !exists("bus/ap/drivers/vfio_ap") && exists("bus/mdev/devices") &&
		       exists("class/mdev_bus") && !exists("class/mdev_bus/matrix"),
	       "tree: the mdev bus and class exist, nothing of vfio_ap");
	tap_ok(!strcmp(rd("bus/ap/bindings"), "12/16\n"), "bindings 12/16");
	tap_ok(wr("sim/guests/start", U) == -ENOENT, "guest start without vfio_ap: ENOENT");
	tap_ok(wr("sim/modules/vfio_ap", "0") == -ENOENT, "unload when not loaded: ENOENT");
	tap_ok(wr("sim/modules/vfio_ap", "yes") == -EINVAL &&
		       wr("sim/modules/vfio_ap", "") == -EINVAL &&
		       wr("sim/modules/vfio_ap", "1\n\n") == -EINVAL,
	       "anything but 0 or 1: EINVAL");
}

static void test_load(void)
{
	size_t mark = rec_mark(&r);

	tap_ok(wr("sim/modules/vfio_ap", "1\n") == 2, "load");
	tap_same_text(rec_since(&r, mark), load_events(),
		      "load: matrix bus, device, its bind, its driver; vfio_ap takes the "
		      "unreserved queues, then is announced; the mdev driver; the parent; the "
		      "module");
	tap_ok(!strcmp(rd("sim/modules/vfio_ap"), "1\n") &&
		       !strcmp(rd("module/vfio_ap/initstate"), "live\n"),
	       "reads 1; module/vfio_ap/initstate is live");
	tap_ok(!strcmp(rd("bus/ap/bindings"), "16/16 (complete)\n") &&
		       exists("class/mdev_bus/matrix") &&
		       exists("devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create"),
	       "queues bound, parent registered");
	mark = rec_mark(&r);
	tap_ok(wr("sim/modules/vfio_ap", "1") == -EEXIST && !*rec_since(&r, mark),
	       "a second load: EEXIST, no event");
}

static void test_unload_in_use(void)
{
	size_t mark;

	tap_ok(wr("devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create", U) ==
			       36 &&
		       wr(M "/assign_adapter", "3") == 1 && wr(M "/assign_domain", "2") == 1,
	       "mdev with 03.0002");
	tap_ok(wr("sim/guests/start", U) == 36, "guest started");
	mark = rec_mark(&r);
	tap_ok(wr("sim/modules/vfio_ap", "0") == -EAGAIN && !*rec_since(&r, mark),
	       "unload while a guest holds the mdev: EAGAIN (the module is in use), no event");
	tap_ok(!strcmp(rd(M "/matrix"), "03.0002\n"), "... and the mdev is untouched");
	tap_ok(wr("sim/guests/stop", U) == 36, "guest stopped");
}

static void test_unload(void)
{
	char *want = NULL;
	size_t mark = rec_mark(&r);

	tap_ok(wr("sim/modules/vfio_ap", "0") == 1, "unload with an mdev (no guest)");
	text_add(&want,
		 "remove " M "/vfio-dev/vfio0 SUBSYSTEM=vfio-dev\n"
		 "remove /devices/virtual/vfio/0 SUBSYSTEM=vfio MAJOR=242 MINOR=0 DEVNAME=vfio/0\n"
		 "unbind " M " SUBSYSTEM=mdev\n"
		 "remove " M " SUBSYSTEM=mdev\n"
		 "change /devices/vfio_ap/matrix SUBSYSTEM=matrix MDEV_STATE=unregistered "
		 "DRIVER=vfio_ap\n"
		 "remove /bus/mdev/drivers/vfio_ap_mdev SUBSYSTEM=drivers\n");
	queues3(&want, "unbind");
	text_add(&want, "remove /bus/ap/drivers/vfio_ap SUBSYSTEM=drivers\n"
			"unbind /devices/vfio_ap/matrix SUBSYSTEM=matrix\n"
			"remove /bus/matrix/drivers/vfio_ap SUBSYSTEM=drivers\n"
			"remove /devices/vfio_ap/matrix SUBSYSTEM=matrix\n"
			"remove /bus/matrix SUBSYSTEM=bus\n"
			"remove /module/vfio_ap SUBSYSTEM=module\n");
	tap_same_text(rec_since(&r, mark), want,
		      "unload: the mdev removed, the parent unregistered, the mdev driver, the "
		      "queues let go, the AP driver, the matrix device and bus, the module");
	free(want);
	tap_ok(!exists("devices/vfio_ap") && !exists("bus/matrix") && !exists("module/vfio_ap") &&
		       !exists("bus/ap/drivers/vfio_ap") && !exists("bus/mdev/devices/" U) &&
		       !exists("bus/mdev/drivers/vfio_ap_mdev") &&
		       !exists("class/mdev_bus/matrix") && !exists("kernel/iommu_groups/0") &&
		       !exists("devices/virtual/vfio/0") &&
		       !exists("devices/ap/card03/03.0000/driver") &&
		       !exists("devices/ap/card03/03.0000/status"),
	       "tree: everything of vfio_ap is gone, adapter 3's queues are unbound");
	tap_ok(!strcmp(rd("bus/ap/bindings"), "12/16\n"), "bindings 12/16");
	tap_ok(wr("sim/modules/vfio_ap", "0") == -ENOENT, "a second unload: ENOENT");
}

static void test_reload(void)
{
	size_t mark = rec_mark(&r);
	char report[512];

	tap_ok(wr("sim/modules/vfio_ap", "1") == 1, "reload");
	tap_same_text(rec_since(&r, mark), load_events(), "the same events as the first load");
	tap_ok(wr("devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create", U) ==
			       36 &&
		       exists("kernel/iommu_groups/0/devices/" U) &&
		       !strcmp(rd("devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/"
				  "available_instances"),
			       "65535\n"),
	       "an mdev again: IOMMU group 0, a fresh instance budget");
	tap_ok(sim_check(s, report, sizeof(report)) == 0, "consistent%s%s", *report ? ": " : "",
	       report);
}

int main(void)
{
	struct sim_config cfg;
	struct sim_opts o = { .sink = &r.sink, .trace_fd = -1 };
	char err[512];
	const char *host = "card 0x03 type=CEX8C\ncard 0x04 type=CEX8C\ncard 0x05 type=CEX8P\n"
			   "card 0x06 type=CEX8A\nusage_domains 0-3\ncontrol_domains 0-3\n"
			   "apmask +4-6\naqmask +0-255\nvfio_ap no\n";
	FILE *f = fmemopen((void *)host, strlen(host), "r");

	rec_init(&r);
	sim_config_init(&cfg);
	if (!tap_ok(sim_config_parse_stream(&cfg, f, "host", err, sizeof(err)) == 0,
		    "host: adapter 3 not reserved, vfio_ap no"))
		return tap_done();
	fclose(f);
	s = sim_new_opts(&cfg, SIM_MERGED, &o, err, sizeof(err));
	if (!tap_ok(s != NULL, "boot"))
		return tap_done();
	test_boot_without();
	test_load();
	test_unload_in_use();
	test_unload();
	test_reload();
	tap_ok(r.seq_gaps == 0, "SEQNUM grew by one per event");
	tap_ok(sim_free(s, err, sizeof(err)) == 0, "clean shutdown %s", err);
	rec_free(&r);
	return tap_done();
}
