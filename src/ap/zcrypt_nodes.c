/* SPDX-License-Identifier: MIT */
/*
 * zcrypt_nodes.c - the zcrypt class and its additional device nodes
 * (the zcdn part of zcrypt_api.c in Linux; docs/zcrypt.md §6).
 *
 *   class/zcrypt/create, destroy         0600, store only (a read is EIO)
 *   class/zcrypt/<name> -> ../../devices/virtual/zcrypt/<name>
 *   devices/virtual/zcrypt/<name>/       dev, uevent, ioctlmask, apmask,
 *                                        aqmask, admask, subsystem
 *
 * A node is a character device (major ZCRYPT_DEV_MAJOR, the first free
 * minor 0-255) whose masks say which ioctls, adapters, usage domains and
 * control domains a file opened on it may use; a new node allows nothing.
 * As in Linux, the node list and the masks are guarded by ap_perms_mutex
 * (the bus's perms_mutex). A create builds the whole node under it; a
 * destroy takes the node off the list under it and removes the files
 * after releasing it, because the removal waits for running shows and
 * stores, and those take the mutex. In that short window a create of the
 * same name answers EEXIST. devices/virtual/zcrypt appears with the first
 * node and stays.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/zcrypt.h"
#include "base/parse.h"
#include "kernel/uevent.h"
#include "sysfs/sysfs.h"

struct zcrypt_node {
	struct zcrypt *z;				       /* const */
	char name[ZCRYPT_NODE_NAME_MAX + 1];		       /* const */
	unsigned minor;					       /* const */
	struct list_head node GUARDED_BY(z->bus->perms_mutex); /* in z->nodes */
	bm256 masks[4] GUARDED_BY(z->bus->perms_mutex);	       /* ioctlm, apm, aqm, adm */
	struct sysfs_node *dir;				       /* const after create */
	struct kobj kobj; /* const after create: /devices/virtual/zcrypt/<name> */
};

static struct sysfs *fs_of(struct zcrypt *z)
{
	return z->bus->svc.fs;
}

/* The node called name, or NULL. */
static struct zcrypt_node *find_by_name(struct zcrypt *z, const char *name)
	REQUIRES(z->bus->perms_mutex)
{
	struct zcrypt_node *n;

	list_for_each_entry(n, &z->nodes, node)
		if (!strcmp(n->name, name))
			return n;
	return NULL;
}

/* The lowest minor no node has, or -1. */
static int free_minor(struct zcrypt *z) REQUIRES(z->bus->perms_mutex)
{
	bm256 used;
	struct zcrypt_node *n;
	unsigned m;

	bm_zero(&used);
	list_for_each_entry(n, &z->nodes, node)
		bm_set(&used, n->minor);
	for (m = 0; m < ZCRYPT_MAX_MINOR_NODES && bm_test(&used, m); m++)
		;
	return m < ZCRYPT_MAX_MINOR_NODES ? (int)m : -1;
}

/* --- node attributes --- */

SYSFS_SHOW(mask_show)
{
	struct zcrypt_node *n = priv;
	char hex[BM_HEXLEN];
	bm256 m;

	kmutex_lock(&n->z->bus->perms_mutex);
	m = n->masks[attr->arg];
	kmutex_unlock(&n->z->bus->perms_mutex);
	return snprintf(buf, SYSFS_PAGE, "%s\n", bm_format(&m, hex));
}

/*
 * <node>/ioctlmask, apmask, aqmask, admask (zcrypt.md §6): the mask grammar
 * of design.md §3.7 over 256 numbers (absolute hex, or +/- terms applied to
 * the current mask). EINVAL on any syntax error, the mask unchanged.
 */
SYSFS_STORE(mask_store)
{
	struct zcrypt_node *n = priv;
	bm256 nm;
	int rc;

	kmutex_lock(&n->z->bus->perms_mutex);
	rc = ap_parse_mask(buf, &n->masks[attr->arg], &nm);
	if (!rc)
		n->masks[attr->arg] = nm;
	kmutex_unlock(&n->z->bus->perms_mutex);
	return rc ? rc : (ssize_t)count;
}

SYSFS_SHOW(dev_show)
{
	struct zcrypt_node *n = priv;

	return snprintf(buf, SYSFS_PAGE, "%u:%u\n", ZCRYPT_DEV_MAJOR, n->minor);
}

/* A node's keys, for its uevent file and its events. */
static int node_uevent(const struct kobj *k, struct kobj_uevent_env *env)
{
	const struct zcrypt_node *n = container_of(k, struct zcrypt_node, kobj);

	return add_uevent_var(env, "MAJOR=%u", ZCRYPT_DEV_MAJOR) ?:
		       add_uevent_var(env, "MINOR=%u", n->minor) ?:
		       add_uevent_var(env, "DEVNAME=%s", n->name);
}

static const struct sysfs_attr node_attrs[] = {
	{ .name = "dev", .mode = 0444, .show = dev_show },
	{ .name = "ioctlmask", .mode = 0644, .show = mask_show, .store = mask_store, .arg = 0 },
	{ .name = "apmask", .mode = 0644, .show = mask_show, .store = mask_store, .arg = 1 },
	{ .name = "aqmask", .mode = 0644, .show = mask_show, .store = mask_store, .arg = 2 },
	{ .name = "admask", .mode = 0644, .show = mask_show, .store = mask_store, .arg = 3 },
};

/* --- create and destroy --- */

/* The kernel's isspace: \t \n \v \f \r, blank and 0xa0. */
static bool kspace(char c)
{
	unsigned char u = (unsigned char)c;

	return (u >= 9 && u <= 13) || u == ' ' || u == 0xa0;
}

/* Leading blanks skipped, at most 31 characters kept, trailing blanks dropped. */
static void take_name(const char *buf, char out[ZCRYPT_NODE_NAME_MAX + 1])
{
	size_t len;

	while (kspace(*buf))
		buf++;
	snprintf(out, ZCRYPT_NODE_NAME_MAX + 1, "%s", buf);
	len = strlen(out);
	while (len && kspace(out[len - 1]))
		out[--len] = '\0';
}

/* Builds n's directory, files and links: 0, or -EEXIST / -EINVAL / -ENOMEM. */
static int node_publish(struct zcrypt *z, struct zcrypt_node *n) REQUIRES(z->bus->perms_mutex)
{
	struct sysfs *fs = fs_of(z);
	int rc;

	if (!strcmp(n->name, ".") || !strcmp(n->name, ".."))
		return -EINVAL; /* a name the tree cannot hold (design.md §14) */
	if (find_by_name(z, n->name) || (z->virt_dir && sysfs_child(fs, z->virt_dir, n->name)) ||
	    sysfs_child(fs, z->class_dir, n->name))
		return -EEXIST; /* a node, or class/zcrypt/create or destroy */
	if (!z->virt_dir && !(z->virt_dir = sysfs_mkdir_p(fs, "devices/virtual/zcrypt")))
		return -ENOMEM;
	n->dir = sysfs_mkdir(fs, z->virt_dir, n->name);
	if (!n->dir)
		return -ENOMEM;
	kobj_init(&n->kobj, z->bus->svc.uev, "zcrypt", node_uevent, "/devices/virtual/zcrypt/%s",
		  n->name);
	rc = sysfs_add_files(fs, n->dir, node_attrs, sizeof(node_attrs) / sizeof(node_attrs[0]), n);
	rc = rc ?: sysfs_add_uevent(fs, n->dir, &n->kobj, true);
	rc = rc ?: sysfs_add_link(fs, n->dir, "subsystem", z->class_dir);
	rc = rc ?: sysfs_add_link(fs, z->class_dir, n->name, n->dir);
	if (rc)
		sysfs_remove(fs, n->dir);
	return rc;
}

/*
 * class/zcrypt/create (zcrypt.md §6): a node name (leading and trailing
 * blanks and newlines dropped, at most 31 characters kept, '/' becomes
 * '!'); an empty name means zcrypt_<minor>. Errors, in order: EEXIST a node
 * has that name; ENOSPC all 256 minors are taken; ENOMEM; EINVAL the name
 * is "." or ".."; EEXIST the final name is taken (a node, or a file of
 * class/zcrypt).
 */
SYSFS_STORE(create_store)
{
	struct zcrypt *z = priv;
	struct zcrypt_node *n = NULL;
	char raw[ZCRYPT_NODE_NAME_MAX + 1];
	int minor, rc = 0;

	take_name(buf, raw);
	kmutex_lock(&z->bus->perms_mutex);
	if (raw[0] && find_by_name(z, raw))
		rc = -EEXIST;
	else if ((minor = free_minor(z)) < 0)
		rc = -ENOSPC;
	else if (!(n = calloc(1, sizeof(*n))))
		rc = -ENOMEM;
	if (!rc) {
		n->z = z;
		n->minor = (unsigned)minor;
		if (raw[0])
			for (char *p = strcpy(n->name, raw); (p = strchr(p, '/')); p++)
				*p = '!';
		else
			snprintf(n->name, sizeof(n->name), "zcrypt_%d", minor);
		rc = node_publish(z, n);
		if (rc) {
			free(n);
		} else {
			list_add_tail(&n->node, &z->nodes);
			kobject_uevent(&n->kobj, KOBJ_ADD);
		}
	}
	kmutex_unlock(&z->bus->perms_mutex);
	return rc ? rc : (ssize_t)count;
}

/* Removes a node that is off the list already; waits for its running calls. */
static void node_unpublish(struct zcrypt *z, struct zcrypt_node *n)
{
	kobject_uevent(&n->kobj, KOBJ_REMOVE);
	sysfs_remove_name(fs_of(z), z->class_dir, n->name);
	sysfs_remove(fs_of(z), n->dir);
	free(n);
}

/*
 * class/zcrypt/destroy (zcrypt.md §6): a node name, taken as by create.
 * ENOENT when no node has that name (an empty name included).
 */
SYSFS_STORE(destroy_store)
{
	struct zcrypt *z = priv;
	struct zcrypt_node *n;
	char name[ZCRYPT_NODE_NAME_MAX + 1];

	take_name(buf, name);
	kmutex_lock(&z->bus->perms_mutex);
	n = find_by_name(z, name);
	if (n)
		list_del_init(&n->node);
	kmutex_unlock(&z->bus->perms_mutex);
	if (!n)
		return -ENOENT;
	node_unpublish(z, n);
	return (ssize_t)count;
}

/* A class attribute without a show: the driver core answers a read with EIO. */
SYSFS_SHOW(class_no_show)
{
	return -EIO;
}

static const struct sysfs_attr class_attrs[] = {
	{ .name = "create", .mode = 0600, .show = class_no_show, .store = create_store },
	{ .name = "destroy", .mode = 0600, .show = class_no_show, .store = destroy_store },
};

int zcrypt_nodes_init(struct zcrypt *z)
{
	kmutex_lock(&z->bus->perms_mutex);
	INIT_LIST_HEAD(&z->nodes);
	z->virt_dir = NULL;
	kmutex_unlock(&z->bus->perms_mutex);
	z->class_dir = sysfs_mkdir_p(fs_of(z), "class/zcrypt");
	if (!z->class_dir)
		return -ENOMEM;
	return sysfs_add_files(fs_of(z), z->class_dir, class_attrs,
			       sizeof(class_attrs) / sizeof(class_attrs[0]), z);
}

void zcrypt_nodes_exit(struct zcrypt *z)
{
	struct sysfs_node *virt;

	for (;;) {
		struct zcrypt_node *n = NULL;

		kmutex_lock(&z->bus->perms_mutex);
		if (!list_empty(&z->nodes)) {
			n = list_entry(z->nodes.next, struct zcrypt_node, node);
			list_del_init(&n->node);
		}
		virt = z->virt_dir;
		kmutex_unlock(&z->bus->perms_mutex);
		if (!n)
			break;
		node_unpublish(z, n);
	}
	sysfs_remove(fs_of(z), virt);
	sysfs_remove(fs_of(z), z->class_dir);
}

int zcrypt_nodes_snapshot(struct zcrypt *z, struct zcrypt_node_info *out, int max)
{
	struct zcrypt_node *n;
	int i = 0;

	kmutex_lock(&z->bus->perms_mutex);
	list_for_each_entry(n, &z->nodes, node) {
		if (i < max) {
			snprintf(out[i].name, sizeof(out[i].name), "%s", n->name);
			out[i].major = ZCRYPT_DEV_MAJOR;
			out[i].minor = n->minor;
		}
		i++;
	}
	kmutex_unlock(&z->bus->perms_mutex);
	return i;
}
