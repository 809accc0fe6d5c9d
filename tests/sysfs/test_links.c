/* SPDX-License-Identifier: MIT */
/*
 * test_links.c - symlinks: the relative text the kernel writes for each
 * kind of link in the vfio_ap tree, walks through links in the middle of
 * a path, final links followed by read but not by readlink/type_of, loops.
 */
#include <errno.h>
#include <string.h>

#include "sysfs/sysfs.h"
#include "tap.h"

static ssize_t show_hi(void *priv, const struct sysfs_attr *attr, char *buf)
{
	return snprintf(buf, SYSFS_PAGE, "hi\n");
}

static const struct sysfs_attr hi = { .name = "hi", .mode = 0444, .show = show_hi };

/* Links dir/name to the directory at target and checks the stored text. */
static void link_is(struct sysfs *fs, const char *dir, const char *name, const char *target,
		    const char *want)
{
	char path[256], buf[256];
	ssize_t r;
	int rc = sysfs_add_link(fs, sysfs_mkdir_p(fs, dir), name, sysfs_mkdir_p(fs, target));

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	r = sysfs_readlink(fs, path, buf, sizeof(buf));
	tap_ok(rc == 0 && r == (ssize_t)strlen(want) && !memcmp(buf, want, r), "%s -> %.*s", path,
	       r < 0 ? 0 : (int)r, buf);
}

static void test_texts(struct sysfs *fs)
{
	link_is(fs, "bus/ap/devices", "card03", "devices/ap/card03", "../../../devices/ap/card03");
	link_is(fs, "bus/ap/devices", "03.0005", "devices/ap/card03/03.0005",
		"../../../devices/ap/card03/03.0005");
	link_is(fs, "devices/ap/card03", "subsystem", "bus/ap", "../../../bus/ap");
	link_is(fs, "class/mdev_bus", "matrix", "devices/vfio_ap/matrix",
		"../../devices/vfio_ap/matrix");
	link_is(fs, "devices/vfio_ap/matrix/u1", "mdev_type",
		"devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough",
		"../mdev_supported_types/vfio_ap-passthrough");
	link_is(fs, "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/devices", "u1",
		"devices/vfio_ap/matrix/u1", "../../../u1");
	link_is(fs, "devices/vfio_ap/matrix/u1", "subsystem", "bus/mdev", "../../../../bus/mdev");
	link_is(fs, "a/b", "up", "a", "../../a");
	link_is(fs, "a", "down", "a/b", "b");
}

static void test_walks(struct sysfs *fs)
{
	char buf[64];

	sysfs_add_file(fs, sysfs_mkdir_p(fs, "devices/vfio_ap/matrix/u1"), &hi, NULL);
	tap_ok(sysfs_read(fs, "class/mdev_bus/matrix/u1/hi", buf, sizeof(buf)) == 3,
	       "read through a middle link");
	tap_ok(sysfs_read(fs, "bus/ap/devices/03.0005/../../../../class/mdev_bus/matrix/u1/hi", buf,
			  sizeof(buf)) == 3,
	       ".. after a link goes up from the target (VFS semantics)");
	tap_ok(sysfs_type_of(fs, "bus/ap/devices/card03", false) == SYSFS_LINK,
	       "type_of without following: link");
	tap_ok(sysfs_type_of(fs, "bus/ap/devices/card03", true) == SYSFS_DIR,
	       "type_of following: dir");
	tap_ok(sysfs_type_of(fs, "bus/ap/devices/card03/subsystem/devices", false) == SYSFS_DIR,
	       "two links in a path");
	tap_ok(sysfs_readlink(fs, "bus/ap/devices/card03/subsystem", buf, sizeof(buf)) == 15,
	       "readlink follows middle links");
	tap_ok(sysfs_readlink(fs, "bus/ap", buf, sizeof(buf)) == -EINVAL, "readlink of a dir");
	tap_ok(sysfs_readlink(fs, "bus/nope", buf, sizeof(buf)) == -ENOENT, "readlink: -ENOENT");
	tap_ok(sysfs_readlink(fs, "bus/ap/devices/card03", buf, 4) == 4 && !memcmp(buf, "../.", 4),
	       "readlink truncates to size");
	tap_ok(sysfs_type_of(fs, "/bus//ap/./devices/", true) == SYSFS_DIR,
	       "slashes and dots are skipped");
	tap_ok(sysfs_type_of(fs, "class/mdev_bus/matrix/u1/hi/x", true) == -ENOTDIR,
	       "a file in the middle: -ENOTDIR");
}

static void test_dangling(struct sysfs *fs)
{
	struct sysfs_node *a = sysfs_mkdir_p(fs, "loop/a"), *b = sysfs_mkdir_p(fs, "loop/b");
	char buf[16];

	tap_ok(sysfs_add_link(fs, a, "x", b) == 0, "link a/x -> b");
	tap_ok(sysfs_add_link(fs, a, "x", b) == -EEXIST, "same name again: -EEXIST");
	sysfs_node_get(b); /* keep the removed node allocated for the next check */
	sysfs_remove(fs, b);
	tap_ok(sysfs_type_of(fs, "loop/a/x", false) == SYSFS_LINK, "dangling link stays");
	tap_ok(sysfs_type_of(fs, "loop/a/x", true) == -ENOENT, "following it: -ENOENT");
	tap_ok(sysfs_add_link(fs, a, "y", b) == -ENOENT, "link to a removed node: -ENOENT");
	sysfs_node_put(b);
	b = sysfs_mkdir_p(fs, "loop/b");
	sysfs_add_link(fs, b, "back", sysfs_mkdir_p(fs, "loop/a"));
	tap_ok(sysfs_type_of(fs, "loop/a/x/back/x/back/x", true) == SYSFS_DIR,
	       "link resolved by text finds the new b");
	tap_ok(sysfs_read(fs, "loop/a/x", buf, sizeof(buf)) == -EISDIR, "read a dir link: -EISDIR");
	for (int i = 0; i < 50; i++)
		sysfs_remove_name(fs, a, "x");
	sysfs_add_link(fs, a, "self", a);
	tap_ok(sysfs_readlink(fs, "loop/a/self", buf, sizeof(buf)) == 4 && !memcmp(buf, "../a", 4),
	       "link to its own dir: ../a");
}

static void test_loop(struct sysfs *fs)
{
	char path[4096] = "loop/a";

	for (int i = 0; i < 40; i++)
		strcat(path, "/self");
	tap_ok(sysfs_type_of(fs, path, true) == SYSFS_DIR, "40 links in one walk");
	strcat(path, "/self");
	tap_ok(sysfs_type_of(fs, path, true) == -ELOOP, "41 links: -ELOOP");
}

int main(void)
{
	struct ld_ctx *ld = ld_ctx_new();
	struct sysfs *fs = sysfs_new(ld);

	test_texts(fs);
	test_walks(fs);
	test_dangling(fs);
	test_loop(fs);
	sysfs_free(fs);
	ld_ctx_free(ld);
	return tap_done();
}
