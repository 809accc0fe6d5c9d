/* SPDX-License-Identifier: MIT */
/*
 * test_badinput.c - every writable attribute x 13 bad strings: the errno the
 * spec gives, and an unchanged state snapshot.
 *
 * Each case boots a fresh host (the fixture: adapters 3 and 4 given to
 * vfio_ap with apmask "-3-4", one mdev with adapter 3, domain 5, control
 * domain 1, a guest started on it), dumps the relevant files, writes the
 * string and compares. The expected column comes from design.md §3.2–§3.8
 * and §3.6 (and design.md §13 for sim/), not from the implementation:
 * "+" marks a string the grammar accepts and that changes state (only the
 * result is checked), "=" one accepted without any change (snapshot
 * checked), "?" one whose outcome the spec leaves to the C library
 * (sscanf on overflow) - not checked. Strings, in column order: empty,
 * "\n", blanks, "-1", "+", "0x", "0X1", 23-digit overflow, 4095 '1's
 * (4096 written; sysfs keeps 4095), NUL first, non-ASCII, "5x", "256".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "sysfs/sysfs.h"
#include "tap.h"

#define UUID "b0b0b0b0-0000-4000-8000-000000000001"
#define MDEV "devices/vfio_ap/matrix/" UUID "/"
#define NSTR 13

struct row {
	const char *path;
	bool no_guest; /* remove blocks while a guest holds the device (2.2) */
	const char *expect[NSTR]; /* errno name, "+", "=" or "?" */
};

#define E "EINVAL"
#define KSTRTOUL(path, x0x1, x256) { path, false, { E, E, E, E, E, E, x0x1, "ERANGE", "ERANGE", E, E, E, x256 } }
#define MASK(path, x9999) { path, false, { "+", "+", E, "+", E, "+", E, x9999, E, "+", E, E, "+" } }
#define ALL(path, e) { path, false, { e, e, e, e, e, e, e, e, e, e, e, e, e } }

static const struct row rows[] = {
	/* 2.3: kstrtoul(0); parse, range (ENODEV), already set / not set, ownership */
	KSTRTOUL(MDEV "assign_adapter", "EADDRNOTAVAIL", "ENODEV"),
	KSTRTOUL(MDEV "unassign_adapter", "=", "ENODEV"),
	KSTRTOUL(MDEV "assign_domain", "+", "ENODEV"),
	KSTRTOUL(MDEV "unassign_domain", "=", "ENODEV"),
	KSTRTOUL(MDEV "assign_control_domain", "=", "ENODEV"),
	KSTRTOUL(MDEV "unassign_control_domain", "+", "ENODEV"),
	/* 2.8: fewer than three fields, or a bad field */
	ALL(MDEV "ap_config", E),
	/* 2.2: kstrtoul, unparsable (overflow too) EINVAL, 0 no-op, else remove */
	{ MDEV "remove", true, { E, E, E, E, E, E, "+", E, E, E, E, E, "+" } },
	/* 2.2: 36 or 37 bytes, else EINVAL */
	ALL("devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create", E),
	/* 2.7: zero digits = all zeros; 23 hex digits are a valid absolute mask.
	 * apmask "99..." reserves adapter 3 again: in_use -> EBUSY. */
	MASK("bus/ap/apmask", "EBUSY"),
	MASK("bus/ap/aqmask", "+"),
	/* 2.5: sscanf %i, 0..max, in aqmask; %i reads "0x" as 0 and "0X1" as 1 */
	{ "bus/ap/ap_domain", false, { E, E, E, E, E, "+", "+", "?", "?", E, E, "+", E } },
	/* 2.5: sscanf %d, 5..120 ("5x" reads 5) */
	{ "bus/ap/config_time", false, { E, E, E, E, E, E, E, "?", "?", E, E, "+", E } },
	/* 2.5: kstrtobool looks at the first character(s) */
	{ "bus/ap/poll_thread", false, { E, E, E, E, E, "=", "=", E, "+", E, E, E, E } },
	/* 2.5: kstrtoul(0), > 120e9 EINVAL */
	KSTRTOUL("bus/ap/poll_timeout", "+", "+"),
	/* 2.6 / driver core: a name that is no device -> ENODEV */
	ALL("bus/ap/drivers/vfio_ap/bind", "ENODEV"),
	ALL("bus/ap/drivers/vfio_ap/unbind", "ENODEV"),
	ALL("bus/ap/drivers/cex4queue/bind", "ENODEV"),
	ALL("bus/ap/drivers/cex4queue/unbind", "ENODEV"),
	/* 2.6: sscanf %d, 0 or 1 ("0x", "0X1" read 0: deconfigure) */
	{ "devices/ap/card05/config", false, { E, E, E, E, E, "+", "+", "?", "?", E, E, E, E } },
	{ "devices/ap/card05/online", false, { E, E, E, E, E, "=", "=", "?", "?", E, E, E, E } },
	/* design.md §13: the apmask grammar; no in_use veto */
	MASK("sim/host/adapters", "+"),
	MASK("sim/host/usage_domains", "+"),
	MASK("sim/host/control_domains", "+"),
	/* design.md §13: a UUID [format=]; a line that is no UUID is EINVAL */
	ALL("sim/guests/start", E),
	ALL("sim/guests/stop", E),
	ALL("sim/guests/" UUID "/aqic", E),
};

static const char *const snap_files[] = {
	"bus/ap/apmask", "bus/ap/aqmask", "bus/ap/ap_domain", "bus/ap/config_time",
	"bus/ap/poll_thread", "bus/ap/poll_timeout", "bus/ap/bindings", "sim/host/adapters",
	"sim/host/usage_domains", "sim/host/control_domains", MDEV "matrix", MDEV "ap_config",
	MDEV "guest_matrix", MDEV "control_domains", "devices/ap/card05/config",
	"devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/available_instances",
	"sim/guests/" UUID "/apcb", "devices/ap/card03/03.0005/status",
};

static char *snapshot(struct sysfs *fs)
{
	size_t cap = 64 * 1024, used = 0;
	char *out = calloc(1, cap), buf[SYSFS_PAGE + 1];

	for (size_t i = 0; out && i < sizeof(snap_files) / sizeof(snap_files[0]); i++) {
		ssize_t n = sysfs_read(fs, snap_files[i], buf, SYSFS_PAGE);

		buf[n < 0 ? 0 : n] = 0;
		used += (size_t)snprintf(out + used, cap - used, "%s: %s\n", snap_files[i],
					 n < 0 ? "(absent)" : buf);
	}
	return out;
}

static int wr(struct sysfs *fs, const char *path, const char *s)
{
	ssize_t rc = sysfs_write(fs, path, s, strlen(s));

	return rc < 0 ? (int)-rc : 0;
}

static struct sim *fixture(bool guest)
{
	struct sim_config cfg;
	char err[256];
	struct sim *s;
	struct sysfs *fs;

	sim_config_default(&cfg);
	s = sim_new(&cfg, SIM_MERGED, err, sizeof(err));
	if (!s)
		return NULL;
	fs = sim_sysfs(s);
	if (wr(fs, "bus/ap/apmask", "-3-4\n") ||
	    wr(fs, "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
	       UUID) ||
	    wr(fs, MDEV "assign_adapter", "3") || wr(fs, MDEV "assign_domain", "5") ||
	    wr(fs, MDEV "assign_control_domain", "1") ||
	    (guest && wr(fs, "sim/guests/start", UUID))) {
		sim_free(s, NULL, 0);
		return NULL;
	}
	return s;
}

static const char *errname(int e)
{
	static const struct { int e; const char *n; } names[] = {
		{ 0, "ok" }, { EINVAL, "EINVAL" }, { ERANGE, "ERANGE" }, { ENODEV, "ENODEV" },
		{ EBUSY, "EBUSY" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { EADDRINUSE, "EADDRINUSE" },
		{ ENOENT, "ENOENT" }, { EACCES, "EACCES" }, { ENOMEM, "ENOMEM" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].n;
	return "other";
}

static void one(const struct row *r, unsigned col, const char *s, size_t len)
{
	const char *want = r->expect[col];
	struct sim *sim = fixture(!r->no_guest);
	char *before, *after, leaks[1024];
	ssize_t rc;
	int e;

	if (!sim) {
		tap_ok(false, "%s [%u]: fixture", r->path, col);
		return;
	}
	before = snapshot(sim_sysfs(sim));
	rc = sysfs_write(sim_sysfs(sim), r->path, s, len);
	e = rc < 0 ? (int)-rc : 0;
	after = snapshot(sim_sysfs(sim));
	if (!strcmp(want, "?"))
		tap_ok(true, "%s [%u]: %s (outcome left open by the spec) # SKIP", r->path, col,
		       errname(e));
	else if (!strcmp(want, "+"))
		tap_ok(e == 0 && rc == (ssize_t)(len > SYSFS_PAGE - 1 ? SYSFS_PAGE - 1 : len),
		       "%s [%u]: accepted (got %s)", r->path, col, errname(e));
	else if (!strcmp(want, "="))
		tap_ok(e == 0 && !strcmp(before, after), "%s [%u]: accepted, no change (got %s)",
		       r->path, col, errname(e));
	else if (!tap_ok(!strcmp(errname(e), want) && !strcmp(before, after),
			 "%s [%u]: %s, state unchanged", r->path, col, want))
		tap_diag("got %s; snapshot %s", errname(e),
			 strcmp(before, after) ? "CHANGED" : "unchanged");
	if (sim_free(sim, leaks, sizeof(leaks)))
		tap_ok(false, "%s [%u]: shutdown: %s", r->path, col, leaks);
	free(before);
	free(after);
}

int main(void)
{
	static char big[4096], nul[] = { 0, '5' };
	const struct { const char *s; size_t len; } strs[NSTR] = {
		{ "", 0 }, { "\n", 1 }, { "   ", 3 }, { "-1", 2 }, { "+", 1 }, { "0x", 2 },
		{ "0X1", 3 }, { "99999999999999999999999", 23 }, { big, sizeof(big) },
		{ nul, sizeof(nul) }, { "\xc3\xa9", 2 }, { "5x", 2 }, { "256", 3 },
	};

	memset(big, '1', sizeof(big));
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
		for (unsigned c = 0; c < NSTR; c++)
			one(&rows[r], c, strs[c].s, strs[c].len);
	return tap_done();
}
