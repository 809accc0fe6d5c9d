/* SPDX-License-Identifier: MIT */
/*
 * sysfs_uevent.c - the `uevent` file of a kobject directory (the driver
 * core's uevent_show/uevent_store, docs/uevents.md §3).
 *
 * A device's file is 0644: reading shows the object's own keys, one
 * KEY=VALUE line each (the callback that also fills its events); writing
 * sends a synthetic event. Buses, drivers and modules have a write-only
 * one (0200). The file's priv is the struct kobj, which must outlive it.
 */
#include "kernel/uevent.h"
#include "sysfs/sysfs.h"

SYSFS_SHOW(uevent_show)
{
	return kobj_uevent_show(priv, buf, SYSFS_PAGE);
}

/* uevent: the synthetic-event grammar of kobj_synth_uevent; EINVAL for anything else. */
SYSFS_STORE(uevent_store)
{
	return kobj_synth_uevent(priv, buf, count);
}

static const struct sysfs_attr uevent_rw = {
	.name = "uevent", .mode = 0644, .show = uevent_show, .store = uevent_store
};
static const struct sysfs_attr uevent_wo = { .name = "uevent",
					     .mode = 0200,
					     .store = uevent_store };

int sysfs_add_uevent(struct sysfs *fs, struct sysfs_node *dir, struct kobj *k, bool device)
{
	return sysfs_add_file(fs, dir, device ? &uevent_rw : &uevent_wo, k);
}
