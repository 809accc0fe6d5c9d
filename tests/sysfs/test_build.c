/* SPDX-License-Identifier: MIT */
/*
 * test_build.c - building and removing the sysfs tree: directories,
 * attribute tables (all or nothing), duplicate names, sorted listings,
 * stable inode numbers, and node handles that outlive removal.
 */
#include <errno.h>
#include <string.h>

#include "sysfs/sysfs.h"
#include "tap.h"

static ssize_t show_arg(void *priv, const struct sysfs_attr *attr, char *buf)
{
	return snprintf(buf, SYSFS_PAGE, "%ld\n", attr->arg);
}

static const struct sysfs_attr attrs[] = {
	{ .name = "zeta", .mode = 0444, .show = show_arg, .arg = 1 },
	{ .name = "alpha", .mode = 0444, .show = show_arg, .arg = 2 },
	{ .name = "mid", .mode = 0444, .show = show_arg, .arg = 3 },
};

struct names {
	char buf[256];
};

static void collect(void *arg, const char *name, enum sysfs_type type)
{
	struct names *n = arg;
	size_t l = strlen(n->buf);

	snprintf(n->buf + l, sizeof(n->buf) - l, "%s%s:%d", l ? " " : "", name, type);
}

static void test_dirs(struct sysfs *fs)
{
	struct sysfs_node *a = sysfs_mkdir_p(fs, "bus/ap/devices");
	struct names n = { "" };

	tap_ok(a != NULL, "mkdir_p creates a path");
	tap_ok(sysfs_mkdir_p(fs, "bus/ap/devices") == a, "mkdir_p returns the existing dir");
	tap_ok(sysfs_mkdir(fs, sysfs_mkdir_p(fs, "bus/ap"), "devices") == NULL,
	       "mkdir of an existing name fails");
	tap_ok(sysfs_type_of(fs, "bus/ap", true) == SYSFS_DIR, "bus/ap is a dir");
	tap_ok(sysfs_child(fs, sysfs_mkdir_p(fs, "bus"), "ap") != NULL, "sysfs_child finds ap");
	tap_ok(sysfs_child(fs, sysfs_mkdir_p(fs, "bus"), "nope") == NULL, "absent child is NULL");
	tap_ok(sysfs_list(fs, "bus", collect, &n) == 0 && !strcmp(n.buf, "ap:1"), "list bus: %s",
	       n.buf);
}

static void test_files(struct sysfs *fs)
{
	struct sysfs_node *d = sysfs_mkdir_p(fs, "devices/x");
	struct sysfs_attr dup = { .name = "mid", .mode = 0444, .show = show_arg };
	struct sysfs_attr two[] = { { .name = "new", .mode = 0444, .show = show_arg }, dup };
	struct names n = { "" };
	char buf[16];

	tap_ok(sysfs_add_files(fs, d, attrs, 3, NULL) == 0, "add a table of three");
	tap_ok(sysfs_add_file(fs, d, &dup, NULL) == -EEXIST, "duplicate attribute: -EEXIST");
	tap_ok(sysfs_add_files(fs, d, two, 2, NULL) == -EEXIST, "table with a duplicate fails");
	tap_ok(sysfs_type_of(fs, "devices/x/new", false) == -ENOENT, "... and adds nothing");
	tap_ok(sysfs_add_file(fs, NULL, &dup, NULL) == -ENOENT, "no dir: -ENOENT");
	sysfs_mkdir(fs, d, "sub");
	tap_ok(sysfs_list(fs, "devices/x", collect, &n) == 0 &&
		       !strcmp(n.buf, "alpha:2 mid:2 sub:1 zeta:2"),
	       "listing is sorted: %s", n.buf);
	tap_ok(sysfs_read(fs, "devices/x/alpha", buf, sizeof(buf)) == 2 && !memcmp(buf, "2\n", 2),
	       "attr arg reaches show");
	tap_ok(sysfs_list(fs, "devices/x/alpha", collect, &n) == -ENOTDIR, "list a file: -ENOTDIR");
	tap_ok(sysfs_list(fs, "devices/none", collect, &n) == -ENOENT, "list nothing: -ENOENT");
}

static void test_remove(struct sysfs *fs)
{
	struct sysfs_node *d = sysfs_mkdir_p(fs, "devices/y/z");
	struct sysfs_node *y = sysfs_mkdir_p(fs, "devices/y"), *h, *again;
	struct sysfs_stat st1, st2;
	char buf[16], page[SYSFS_PAGE];
	int err;

	sysfs_add_files(fs, d, attrs, 3, NULL);
	h = sysfs_path_ref(fs, "devices/y/z/mid", true, &err);
	tap_ok(h && sysfs_node_stat(fs, h, &st1) == 0 && st1.type == SYSFS_FILE && st1.mode == 0444,
	       "handle on an attribute");
	tap_ok(sysfs_remove_name(fs, sysfs_mkdir_p(fs, "devices"), "y") == 0, "remove_name y");
	tap_ok(sysfs_type_of(fs, "devices/y/z/mid", false) == -ENOENT, "subtree gone");
	tap_ok(sysfs_remove_name(fs, sysfs_mkdir_p(fs, "devices"), "y") == -ENOENT,
	       "remove_name again: -ENOENT");
	tap_ok(h && sysfs_node_stat(fs, h, &st2) == -ENOENT,
	       "stat of a held removed node: -ENOENT");
	tap_ok(h && sysfs_node_show(fs, h, page) == -ENOENT,
	       "show of a held removed node: -ENOENT");
	sysfs_node_put(h);
	(void)y;
	again = sysfs_mkdir_p(fs, "devices/y/z");
	sysfs_add_files(fs, again, attrs, 3, NULL);
	h = sysfs_path_ref(fs, "devices/y/z/mid", true, &err);
	err = h ? sysfs_node_stat(fs, h, &st2) : err;
	tap_ok(h && !err && st2.ino > st1.ino,
	       "re-created node has a new inode number (%llu > %llu)", st2.ino, st1.ino);
	sysfs_node_put(h);
	sysfs_remove(fs, NULL);
	sysfs_remove(fs, again);
	tap_ok(sysfs_read(fs, "devices/y/z/mid", buf, sizeof(buf)) == -ENOENT, "sysfs_remove dir");
	tap_ok(sysfs_type_of(fs, "devices/y", true) == SYSFS_DIR, "parent stays");
}

static void test_many(struct sysfs *fs)
{
	struct sysfs_node *d = sysfs_mkdir_p(fs, "many");
	char name[16];
	int ok = 1;

	for (int i = 0; i < 20000 && ok; i++) {
		snprintf(name, sizeof(name), "n%05d", i);
		ok = sysfs_mkdir(fs, d, name) != NULL;
	}
	tap_ok(ok, "20000 directories");
	ok = 1;
	for (int i = 0; i < 20000 && ok; i += 97) {
		snprintf(name, sizeof(name), "many/n%05d", i);
		ok = sysfs_type_of(fs, name, true) == SYSFS_DIR;
	}
	tap_ok(ok, "found after the hash grew");
	sysfs_remove(fs, d);
	tap_ok(sysfs_type_of(fs, "many/n00000", true) == -ENOENT, "removed in one go");
}

int main(void)
{
	struct ld_ctx *ld = ld_ctx_new();
	struct sysfs *fs = sysfs_new(ld);
	struct sysfs_stat st;

	tap_ok(fs && sysfs_node_stat(fs, sysfs_root(fs), &st) == 0 && st.ino == 1 &&
		       st.mode == 0755,
	       "root is inode 1, mode 0755");
	test_dirs(fs);
	test_files(fs);
	test_remove(fs);
	test_many(fs);
	sysfs_free(fs);
	ld_ctx_free(ld);
	return tap_done();
}
