/* SPDX-License-Identifier: MIT */
/*
 * test_order.c - the events a simulated host sends for what it does, with
 * their keys, in the kernel's order (docs/uevents.md §4-§6, the table of
 * §10), recorded in-process: boot, an apmask change and the next scan's
 * BINDINGS=complete, mdev create and remove, card config 0 and 1, a host
 * configuration that removes and re-adds an adapter, driver unbind and
 * bind through sysfs, a guest's start and stop, synthetic events through
 * uevent files, and the uevent files' contents. Every expected line is
 * written out from the kernel's rules, not from the code.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "recorder.h"
#include "sim/sim.h"
#include "sysfs/sysfs.h"
#include "tap.h"

#define U "11111111-2222-4333-8444-555555555555"
#define M "/devices/vfio_ap/matrix/" U

static struct sim *s;
static struct recorder r;

static const char *mode_of(unsigned card)
{
	return card == 5 ? "ep11" : card == 6 ? "accel" : "cca";
}

static ssize_t wr(const char *path, const char *text)
{
	return sysfs_write(sim_sysfs(s), path, text, strlen(text));
}

static const char *rd(const char *path)
{
	static char buf[SYSFS_PAGE + 1];
	ssize_t n = sysfs_read(sim_sysfs(s), path, buf, SYSFS_PAGE);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void card_lines(char **t, unsigned c, const char *action, const char *drv)
{
	text_add(t,
		 "%s /devices/ap/card%02x SUBSYSTEM=ap DEVTYPE=ap_card%s%s DEV_TYPE=000E "
		 "MODALIAS=ap:t0E MODE=%s\n",
		 action, c, drv ? " DRIVER=" : "", drv ? drv : "", mode_of(c));
}

/* A card's change event carrying key (bound to cex4card). */
static void card_change(char **t, unsigned c, const char *key)
{
	text_add(t,
		 "change /devices/ap/card%02x SUBSYSTEM=ap %s DEVTYPE=ap_card DRIVER=cex4card "
		 "DEV_TYPE=000E MODALIAS=ap:t0E MODE=%s\n",
		 c, key, mode_of(c));
}

static void queue_line(char **t, unsigned c, unsigned d, const char *action, const char *pre,
		       const char *drv)
{
	text_add(t,
		 "%s /devices/ap/card%02x/%02x.%04x SUBSYSTEM=ap %sDEVTYPE=ap_queue%s%s MODE=%s\n",
		 action, c, c, d, pre, drv ? " DRIVER=" : "", drv ? drv : "", mode_of(c));
}

static void test_boot(void)
{
	char *want = NULL;

	text_add(&want, "add /bus/ap SUBSYSTEM=bus\n"
			"add /bus/ap/drivers/cex4card SUBSYSTEM=drivers\n"
			"add /bus/ap/drivers/cex4queue SUBSYSTEM=drivers\n");
	for (unsigned c = 3; c <= 6; c++) {
		card_lines(&want, c, "add", NULL);
		card_lines(&want, c, "bind", "cex4card");
		for (unsigned d = 0; d < 16; d++) {
			queue_line(&want, c, d, "add", "", NULL);
			queue_line(&want, c, d, "bind", "", "cex4queue");
		}
	}
	text_add(&want, "change /devices/ap SUBSYSTEM=ap INITSCAN=done\n"
			"change /devices/ap SUBSYSTEM=ap BINDINGS=complete COMPLETECOUNT=1\n"
			"add /bus/mdev SUBSYSTEM=bus\n"
			"add /bus/matrix SUBSYSTEM=bus\n"
			"add /devices/vfio_ap/matrix SUBSYSTEM=matrix\n"
			"bind /devices/vfio_ap/matrix SUBSYSTEM=matrix DRIVER=vfio_ap\n"
			"add /bus/matrix/drivers/vfio_ap SUBSYSTEM=drivers\n"
			"add /bus/ap/drivers/vfio_ap SUBSYSTEM=drivers\n"
			"add /bus/mdev/drivers/vfio_ap_mdev SUBSYSTEM=drivers\n"
			"change /devices/vfio_ap/matrix SUBSYSTEM=matrix MDEV_STATE=registered "
			"DRIVER=vfio_ap\n"
			"add /module/vfio_ap SUBSYSTEM=module\n");
	tap_same_text(rec_since(&r, 0), want,
		      "boot: bus, zcrypt drivers, the first scan's cards and queues (add, bind), "
		      "INITSCAN, BINDINGS, then vfio_ap's load");
	free(want);
}

static void test_apmask(void)
{
	char *want = NULL, mask[80];
	size_t mark = rec_mark(&r);

	tap_ok(wr("bus/ap/apmask", "-3") == 2, "apmask -3");
	for (unsigned d = 0; d < 16; d++) {
		queue_line(&want, 3, d, "unbind", "", NULL);
		queue_line(&want, 3, d, "bind", "", "vfio_ap");
	}
	snprintf(mask, sizeof(mask), "0xef%062d", 0);
	memset(mask + 4, 'f', 62);
	text_add(&want, "change /devices/ap SUBSYSTEM=ap APMASK=%s\\n\n", mask);
	tap_same_text(rec_since(&r, mark), want,
		      "apmask: each queue of adapter 3 reprobed in bus order, then the whole mask "
		      "with its newline");
	free(want);
	mark = rec_mark(&r);
	tap_ok(wr("bus/ap/apmask", "-3") == 2 && !*rec_since(&r, mark),
	       "the same mask again: no event");
	tap_ok(wr("bus/ap/apmask", "-3x") == -EINVAL && !*rec_since(&r, mark),
	       "a syntax error: no event");
	tap_ok(wr("bus/ap/scans", "1") == 1, "a bus scan");
	tap_same_text(rec_since(&r, mark),
		      "change /devices/ap SUBSYSTEM=ap BINDINGS=complete COMPLETECOUNT=2\n",
		      "... ends with BINDINGS=complete, counted");
	mark = rec_mark(&r);
	wr("bus/ap/scans", "1");
	tap_ok(!*rec_since(&r, mark), "the next scan sends nothing (the state is set)");
	tap_ok(!strcmp(rd("bus/ap/bindings_complete_count"), "2\n"),
	       "bindings_complete_count follows the events");
}

static void test_mdev(void)
{
	size_t mark = rec_mark(&r);
	char *want;

	tap_ok(wr("devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create", U) ==
		       36,
	       "mdev created");
	tap_same_text(
		rec_since(&r, mark),
		"add " M " SUBSYSTEM=mdev\n"
		"add /devices/virtual/vfio/0 SUBSYSTEM=vfio MAJOR=242 MINOR=0 DEVNAME=vfio/0\n"
		"add " M "/vfio-dev/vfio0 SUBSYSTEM=vfio-dev\n"
		"bind " M " SUBSYSTEM=mdev DRIVER=vfio_ap_mdev\n",
		"create: the mdev, its VFIO group, its vfio-dev, then the bind");
	tap_ok(!strcmp(rd(M "/uevent"), "DRIVER=vfio_ap_mdev\n"), "the mdev's uevent file");
	tap_ok(!strcmp(rd("devices/virtual/vfio/0/uevent"), "MAJOR=242\nMINOR=0\nDEVNAME=vfio/0\n"),
	       "the VFIO group's uevent file");
	mark = rec_mark(&r);
	wr(M "/assign_adapter", "3");
	wr(M "/assign_domain", "5");
	wr(M "/assign_control_domain", "5");
	wr(M "/ap_config", "0x1,0x1,0x1");
	wr(M "/ap_config", "0x10,0x04,0x04");
	tap_ok(!*rec_since(&r, mark), "assign and ap_config send nothing");
	tap_ok(wr("sim/guests/start", U) == 36, "guest started");
	want = NULL;
	text_add(&want,
		 "change /devices/virtual/misc/kvm SUBSYSTEM=misc CREATED=1 COUNT=1 EVENT=create "
		 "PID=%d MAJOR=10 MINOR=232 DEVNAME=kvm\n",
		 (int)getpid());
	tap_same_text(rec_since(&r, mark), want, "guest start: KVM's create event, nothing else");
	free(want);
	mark = rec_mark(&r);
	tap_ok(wr("sim/guests/stop", U) == 36, "guest stopped");
	want = NULL;
	text_add(&want,
		 "change /devices/virtual/misc/kvm SUBSYSTEM=misc CREATED=1 COUNT=0 EVENT=destroy "
		 "PID=%d MAJOR=10 MINOR=232 DEVNAME=kvm\n",
		 (int)getpid());
	tap_same_text(rec_since(&r, mark), want, "guest stop: KVM's destroy event");
	free(want);
	mark = rec_mark(&r);
	tap_ok(wr(M "/remove", "1") == 1, "mdev removed");
	tap_same_text(rec_since(&r, mark),
		      "remove " M "/vfio-dev/vfio0 SUBSYSTEM=vfio-dev\n"
		      "remove /devices/virtual/vfio/0 SUBSYSTEM=vfio MAJOR=242 MINOR=0 "
		      "DEVNAME=vfio/0\n"
		      "unbind " M " SUBSYSTEM=mdev\n"
		      "remove " M " SUBSYSTEM=mdev\n",
		      "remove: vfio-dev, group, unbind, remove");
}

static void test_card_config(void)
{
	char *want = NULL;
	size_t mark = rec_mark(&r);

	tap_ok(wr("devices/ap/card04/config", "0") == 1, "card04 config 0");
	card_change(&want, 4, "CONFIG=0");
	for (unsigned d = 0; d < 16; d++)
		queue_line(&want, 4, d, "change", "CONFIG=0 ", "cex4queue");
	tap_same_text(rec_since(&r, mark), want,
		      "config 0: the card says so, then the rescan reports each queue");
	free(want);
	want = NULL;
	mark = rec_mark(&r);
	tap_ok(wr("devices/ap/card04/config", "0") == 1, "card04 config 0 again");
	card_change(&want, 4, "CONFIG=0");
	tap_same_text(rec_since(&r, mark), want,
		      "... the card's event is sent even without a change; the queues are quiet");
	free(want);
	want = NULL;
	mark = rec_mark(&r);
	tap_ok(wr("devices/ap/card04/config", "1") == 1, "card04 config 1");
	card_change(&want, 4, "CONFIG=1");
	for (unsigned d = 0; d < 16; d++)
		queue_line(&want, 4, d, "change", "CONFIG=1 ", "cex4queue");
	tap_same_text(rec_since(&r, mark), want, "config 1: the same with CONFIG=1");
	free(want);
	mark = rec_mark(&r);
	tap_ok(wr("devices/ap/card04/config", "2") == -EINVAL && !*rec_since(&r, mark),
	       "config 2: EINVAL, no event");
}

static void test_host_config(void)
{
	char *want = NULL;
	size_t mark = rec_mark(&r);

	tap_ok(wr("sim/host/adapters", "-5") == 2, "the host configuration loses adapter 5");
	for (unsigned d = 0; d < 16; d++) {
		queue_line(&want, 5, d, "unbind", "", NULL);
		queue_line(&want, 5, d, "remove", "", NULL);
	}
	text_add(&want, "unbind /devices/ap/card05 SUBSYSTEM=ap DEVTYPE=ap_card DEV_TYPE=000E "
			"MODE=ep11\n");
	card_lines(&want, 5, "remove", NULL);
	tap_same_text(rec_since(&r, mark), want,
		      "each queue unbound and removed, then the card (its unbind without "
		      "MODALIAS); no BINDINGS event");
	free(want);
	want = NULL;
	mark = rec_mark(&r);
	tap_ok(wr("sim/host/adapters", "+5") == 2, "adapter 5 comes back");
	card_lines(&want, 5, "add", NULL);
	card_lines(&want, 5, "bind", "cex4card");
	for (unsigned d = 0; d < 16; d++) {
		queue_line(&want, 5, d, "add", "", NULL);
		queue_line(&want, 5, d, "bind", "", "cex4queue");
	}
	text_add(&want, "change /devices/ap SUBSYSTEM=ap BINDINGS=complete COMPLETECOUNT=3\n");
	tap_same_text(rec_since(&r, mark), want,
		      "card and queues added and bound, BINDINGS=complete in the same scan");
	free(want);
}

static void test_bind_unbind(void)
{
	char *want = NULL;
	size_t mark = rec_mark(&r);

	tap_ok(wr("bus/ap/drivers/cex4queue/unbind", "05.0001") == 7, "05.0001 unbound");
	queue_line(&want, 5, 1, "unbind", "", NULL);
	tap_same_text(rec_since(&r, mark), want, "unbind: no DRIVER");
	free(want);
	want = NULL;
	mark = rec_mark(&r);
	tap_ok(wr("bus/ap/drivers/vfio_ap/bind", "05.0001") == -ENODEV && !*rec_since(&r, mark),
	       "a bind the reservation refuses: ENODEV, no event");
	tap_ok(wr("bus/ap/drivers/cex4queue/bind", "05.0001\n") == 8, "05.0001 bound again");
	queue_line(&want, 5, 1, "bind", "", "cex4queue");
	tap_same_text(rec_since(&r, mark), want, "bind: DRIVER=cex4queue");
	free(want);
	mark = rec_mark(&r);
	wr("bus/ap/scans", "1");
	tap_same_text(rec_since(&r, mark),
		      "change /devices/ap SUBSYSTEM=ap BINDINGS=complete COMPLETECOUNT=4\n",
		      "the probe rearmed BINDINGS: the next scan sends it");
}

static void test_synthetic(void)
{
	size_t mark = rec_mark(&r);
	char *want = NULL;

	tap_ok(!strcmp(rd("devices/ap/card03/uevent"),
		       "DEVTYPE=ap_card\nDRIVER=cex4card\nDEV_TYPE=000E\nMODALIAS=ap:t0E\nMODE=cca\n"),
	       "card03's uevent file: its own keys");
	tap_ok(!strcmp(rd("devices/ap/card03/03.0005/uevent"),
		       "DEVTYPE=ap_queue\nDRIVER=vfio_ap\nMODE=cca\n"),
	       "03.0005's uevent file");
	tap_ok(!strcmp(rd("devices/vfio_ap/matrix/uevent"), "DRIVER=vfio_ap\n"),
	       "the matrix device's uevent file");
	tap_ok(!strcmp(rd("devices/ap/uevent"), "") && !strcmp(rd("devices/vfio_ap/uevent"), ""),
	       "the root devices' uevent files are empty");
	tap_ok(!strcmp(rd("devices/virtual/misc/kvm/uevent"), "MAJOR=10\nMINOR=232\nDEVNAME=kvm\n"),
	       "/dev/kvm's uevent file");
	tap_ok(wr("devices/ap/card03/03.0005/uevent", "add\n") == 4, "echo add > 03.0005/uevent");
	queue_line(&want, 3, 5, "add", "SYNTH_UUID=0 ", "vfio_ap");
	tap_same_text(rec_since(&r, mark), want,
		      "a synthetic add: SYNTH_UUID=0 and the current keys, DRIVER included");
	free(want);
	mark = rec_mark(&r);
	wr("bus/ap/uevent", "add");
	wr("bus/ap/drivers/vfio_ap/uevent", "change");
	wr("bus/matrix/uevent", "add");
	wr("bus/mdev/drivers/vfio_ap_mdev/uevent", "add");
	wr("module/vfio_ap/uevent", "add");
	wr("devices/ap/uevent", "change 01234567-89ab-cdef-0123-456789abcdef MODE=x1");
	wr("devices/vfio_ap/uevent", "change");
	wr("devices/vfio_ap/matrix/uevent", "change");
	tap_same_text(
		rec_since(&r, mark),
		"add /bus/ap SUBSYSTEM=bus SYNTH_UUID=0\n"
		"change /bus/ap/drivers/vfio_ap SUBSYSTEM=drivers SYNTH_UUID=0\n"
		"add /bus/matrix SUBSYSTEM=bus SYNTH_UUID=0\n"
		"add /bus/mdev/drivers/vfio_ap_mdev SUBSYSTEM=drivers SYNTH_UUID=0\n"
		"add /module/vfio_ap SUBSYSTEM=module SYNTH_UUID=0\n"
		"change /devices/ap SUBSYSTEM=ap "
		"SYNTH_UUID=01234567-89ab-cdef-0123-456789abcdef SYNTH_ARG_MODE=x1\n"
		"change /devices/vfio_ap/matrix SUBSYSTEM=matrix SYNTH_UUID=0 DRIVER=vfio_ap\n",
		"bus, driver, module and root-device files; vfio_ap's root device has no bus: "
		"nothing");
	mark = rec_mark(&r);
	tap_ok(wr("devices/ap/card03/uevent", "bogus") == -EINVAL &&
		       wr("bus/ap/uevent", "add x") == -EINVAL && !*rec_since(&r, mark),
	       "bad actions or arguments: EINVAL, no event");
	tap_ok(sysfs_read(sim_sysfs(s), "bus/ap/uevent", (char[8]){ 0 }, 8) == -EACCES,
	       "a bus's uevent file is write-only");
}

/* zcrypt's online files and nodes (docs/uevents.md §4). */
static void test_zcrypt(void)
{
	char *want = NULL;
	size_t mark = rec_mark(&r);

	tap_ok(wr("devices/ap/card04/04.0005/online", "0") == 1, "04.0005 online 0");
	queue_line(&want, 4, 5, "change", "ONLINE=0 ", "cex4queue");
	tap_same_text(rec_since(&r, mark), want, "queue online 0: ONLINE=0 on the queue");
	free(want);
	want = NULL;
	mark = rec_mark(&r);
	tap_ok(wr("devices/ap/card04/online", "0") == 1, "card04 online 0");
	card_change(&want, 4, "ONLINE=0");
	for (unsigned d = 0; d < 16; d++)
		if (d != 5)
			queue_line(&want, 4, d, "change", "ONLINE=0 ", "cex4queue");
	tap_same_text(rec_since(&r, mark), want,
		      "card online 0: the card, then each queue it took offline (not 04.0005)");
	free(want);
	want = NULL;
	mark = rec_mark(&r);
	tap_ok(wr("devices/ap/card04/04.0005/online", "1") == -EINVAL && !*rec_since(&r, mark),
	       "queue online 1 under an offline card: EINVAL, no event");
	tap_ok(wr("devices/ap/card04/online", "1") == 1, "card04 online 1");
	card_change(&want, 4, "ONLINE=1");
	for (unsigned d = 0; d < 16; d++)
		queue_line(&want, 4, d, "change", "ONLINE=1 ", "cex4queue");
	tap_same_text(rec_since(&r, mark), want, "card online 1: the card and all 16 queues");
	free(want);
	want = NULL;
	mark = rec_mark(&r);
	tap_ok(wr("devices/ap/card04/online", "1") == 1, "card04 online 1 again");
	card_change(&want, 4, "ONLINE=1");
	tap_same_text(rec_since(&r, mark), want, "... the card's event even without a change");
	free(want);
	want = NULL;
	mark = rec_mark(&r);
	tap_ok(wr("class/zcrypt/create", "n1") == 2, "zcrypt node n1 created");
	tap_ok(wr("class/zcrypt/destroy", "n1") == 2, "zcrypt node n1 destroyed");
	tap_ok(wr("class/zcrypt/destroy", "n1") == -ENOENT, "destroying it again: ENOENT");
	tap_same_text(
		rec_since(&r, mark),
		"add /devices/virtual/zcrypt/n1 SUBSYSTEM=zcrypt MAJOR=246 MINOR=0 DEVNAME=n1\n"
		"remove /devices/virtual/zcrypt/n1 SUBSYSTEM=zcrypt MAJOR=246 MINOR=0 "
		"DEVNAME=n1\n",
		"a node's add and remove, with its device number");
}

int main(void)
{
	struct sim_config cfg;
	struct sim_opts o = { .sink = &r.sink, .trace_fd = -1 };
	char err[256];

	rec_init(&r);
	sim_config_default(&cfg);
	s = sim_new_opts(&cfg, SIM_MERGED, &o, err, sizeof(err));
	if (!tap_ok(s != NULL, "boot (%s)", s ? "ok" : err))
		return tap_done();
	test_boot();
	test_apmask();
	test_mdev();
	test_card_config();
	test_host_config();
	test_bind_unbind();
	test_synthetic();
	test_zcrypt();
	tap_ok(r.seq_gaps == 0, "SEQNUM grew by one per event (%llu events)", r.events);
	tap_ok(sim_free(s, err, sizeof(err)) == 0, "clean shutdown");
	rec_free(&r);
	return tap_done();
}
