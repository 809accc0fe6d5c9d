/* SPDX-License-Identifier: MIT */
/*
 * test_access.c - attribute access rules: EACCES for reading write-only
 * and writing read-only attributes, EISDIR/ENOENT, the store's bytes
 * NUL-terminated and truncated to SYSFS_PAGE - 1, errno pass-through,
 * and reads limited to the caller's size.
 */
#include <errno.h>
#include <string.h>

#include "sysfs/sysfs.h"
#include "tap.h"

struct rec {
	char last[SYSFS_PAGE + 8];
	size_t count;
	bool nul;
};

static ssize_t store_rec(void *priv, const struct sysfs_attr *attr, const char *buf, size_t count)
{
	struct rec *r = priv;

	r->count = count;
	r->nul = buf[count] == '\0';
	memcpy(r->last, buf, count);
	return count;
}

static ssize_t store_fail(void *priv, const struct sysfs_attr *attr, const char *buf, size_t count)
{
	return -EADDRINUSE;
}

static ssize_t show_text(void *priv, const struct sysfs_attr *attr, char *buf)
{
	return snprintf(buf, SYSFS_PAGE, "0x%064x\n", 0);
}

static ssize_t show_fail(void *priv, const struct sysfs_attr *attr, char *buf)
{
	return -ENODEV;
}

static const struct sysfs_attr attrs[] = {
	{ .name = "ro", .mode = 0444, .show = show_text, .store = store_rec },
	{ .name = "wo", .mode = 0200, .show = show_text, .store = store_rec },
	{ .name = "rw", .mode = 0644, .show = show_text, .store = store_rec },
	{ .name = "busy", .mode = 0644, .show = show_fail, .store = store_fail },
	{ .name = "noshow", .mode = 0644, .store = store_rec },
};

int main(void)
{
	struct ld_ctx *ld = ld_ctx_new();
	struct sysfs *fs = sysfs_new(ld);
	static char big[8192];
	struct rec r = { .count = 0 };
	char buf[128];

	sysfs_add_files(fs, sysfs_mkdir_p(fs, "d"), attrs, 5, &r);
	tap_ok(sysfs_read(fs, "d/wo", buf, sizeof(buf)) == -EACCES, "read write-only: -EACCES");
	tap_ok(sysfs_write(fs, "d/ro", "1", 1) == -EACCES, "write read-only: -EACCES");
	tap_ok(sysfs_read(fs, "d/noshow", buf, sizeof(buf)) == -EACCES,
	       "read without show: -EACCES");
	tap_ok(sysfs_read(fs, "d", buf, sizeof(buf)) == -EISDIR, "read a dir: -EISDIR");
	tap_ok(sysfs_write(fs, "d", "1", 1) == -EISDIR, "write a dir: -EISDIR");
	tap_ok(sysfs_read(fs, "d/none", buf, sizeof(buf)) == -ENOENT, "read absent: -ENOENT");
	tap_ok(sysfs_write(fs, "none/x", "1", 1) == -ENOENT, "write absent: -ENOENT");
	tap_ok(sysfs_write(fs, "d/wo", "abc", 3) == 3 && r.count == 3 && r.nul &&
		       !memcmp(r.last, "abc", 3),
	       "store gets the bytes, NUL-terminated");
	tap_ok(sysfs_write(fs, "d/rw", "5\n", 2) == 2 && r.count == 2, "newline kept for store");
	memset(big, 'x', sizeof(big));
	tap_ok(sysfs_write(fs, "d/rw", big, sizeof(big)) == SYSFS_PAGE - 1 &&
		       r.count == SYSFS_PAGE - 1 && r.nul,
	       "long write truncated to 4095 bytes");
	tap_ok(sysfs_write(fs, "d/busy", "1", 1) == -EADDRINUSE, "store errno passed through");
	tap_ok(sysfs_read(fs, "d/busy", buf, sizeof(buf)) == -ENODEV, "show errno passed through");
	tap_ok(sysfs_read(fs, "d/rw", buf, sizeof(buf)) == 67 && !memcmp(buf, "0x00", 4),
	       "read returns the show text");
	tap_ok(sysfs_read(fs, "d/rw", buf, 10) == 10, "read limited to size");
	sysfs_free(fs);
	ld_ctx_free(ld);
	return tap_done();
}
