/* SPDX-License-Identifier: MIT */
/*
 * attrs.c - vfio_ap's sysfs: the matrix device, the mdev type, each mdev's
 * attributes and links, and the `status` attribute of vfio_ap-bound queues.
 *
 * Formats are design.md §3.2–§3.4. Show handlers take the lock the kernel
 * takes (mdevs_lock for matrix/guest_matrix/control_domains, guests_lock +
 * mdevs_lock for status) with one exception: the kernel reads ap_config
 * with no lock at all, the model under mdevs_lock (design.md §14).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sysfs/sysfs.h"
#include "vfio_ap/vfio_ap_private.h"

enum {
	A_ASSIGN_ADAPTER,
	A_UNASSIGN_ADAPTER,
	A_ASSIGN_DOMAIN,
	A_UNASSIGN_DOMAIN,
	A_ASSIGN_CDOM,
	A_UNASSIGN_CDOM
};

/*
 * The six assign/unassign files; the grammar and errnos of each are on the
 * function it dispatches to (vfio_ap_assign, vfio_ap_unassign in ops.c,
 * vfio_ap_control_domain).
 */
SYSFS_STORE(mdev_store)
{
	struct ap_matrix_mdev *m = priv;

	switch (attr->arg) {
	case A_ASSIGN_ADAPTER:
		return vfio_ap_assign(m, true, buf, count);
	case A_UNASSIGN_ADAPTER:
		return vfio_ap_unassign(m, true, buf, count);
	case A_ASSIGN_DOMAIN:
		return vfio_ap_assign(m, false, buf, count);
	case A_UNASSIGN_DOMAIN:
		return vfio_ap_unassign(m, false, buf, count);
	case A_ASSIGN_CDOM:
		return vfio_ap_control_domain(m, true, buf, count);
	default:
		return vfio_ap_control_domain(m, false, buf, count);
	}
}

SYSFS_SHOW(matrix_show)
{
	struct ap_matrix_mdev *m = priv;
	struct ap_matrix mx;

	kmutex_lock(&m->md->mdevs_lock);
	mx = attr->arg ? m->shadow_apcb : m->matrix;
	kmutex_unlock(&m->md->mdevs_lock);
	return vfio_ap_format_matrix(&mx, buf, SYSFS_PAGE);
}

SYSFS_SHOW(control_domains_show)
{
	struct ap_matrix_mdev *m = priv;
	bm256 adm;
	unsigned d, max;
	int n = 0;

	kmutex_lock(&m->md->mdevs_lock);
	adm = m->matrix.adm;
	max = m->matrix.adm_max;
	kmutex_unlock(&m->md->mdevs_lock);
	bm_for_each(d, &adm)
		if (d <= max && n < SYSFS_PAGE)
			n += snprintf(buf + n, SYSFS_PAGE - n, "%04x\n", d);
	return n < SYSFS_PAGE ? n : SYSFS_PAGE;
}

/*
 * The kernel reads the matrix here with no lock; the model takes mdevs_lock
 * so that the three masks come from one moment (design.md §14).
 */
SYSFS_SHOW(ap_config_show)
{
	struct ap_matrix_mdev *m = priv;
	struct ap_matrix mx;
	char a[BM_HEXLEN], q[BM_HEXLEN], d[BM_HEXLEN];

	kmutex_lock(&m->md->mdevs_lock); /* the model reads a consistent copy */
	mx = m->matrix;
	kmutex_unlock(&m->md->mdevs_lock);
	return snprintf(buf, SYSFS_PAGE, "%s,%s,%s\n", bm_format(&mx.apm, a), bm_format(&mx.aqm, q),
			bm_format(&mx.adm, d));
}

/* ap_config: grammar and errnos on vfio_ap_ap_config_store (cfg.c). */
SYSFS_STORE(ap_config_store)
{
	return vfio_ap_ap_config_store(priv, buf, count);
}

/* <uuid>/remove: grammar and errnos on vfio_ap_mdev_remove_store (mdev.c). */
SYSFS_STORE(remove_store)
{
	return vfio_ap_mdev_remove_store(priv, buf, count);
}

SYSFS_SHOW(mdev_uevent_show)
{
	return snprintf(buf, SYSFS_PAGE, "DRIVER=vfio_ap_mdev\nMDEV_TYPE=%s\n", VFIO_AP_MDEV_TYPE);
}

static const struct sysfs_attr mdev_attrs[] = {
	{ .name = "assign_adapter", .mode = 0200, .store = mdev_store, .arg = A_ASSIGN_ADAPTER },
	{ .name = "unassign_adapter",
	  .mode = 0200,
	  .store = mdev_store,
	  .arg = A_UNASSIGN_ADAPTER },
	{ .name = "assign_domain", .mode = 0200, .store = mdev_store, .arg = A_ASSIGN_DOMAIN },
	{ .name = "unassign_domain", .mode = 0200, .store = mdev_store, .arg = A_UNASSIGN_DOMAIN },
	{ .name = "assign_control_domain",
	  .mode = 0200,
	  .store = mdev_store,
	  .arg = A_ASSIGN_CDOM },
	{ .name = "unassign_control_domain",
	  .mode = 0200,
	  .store = mdev_store,
	  .arg = A_UNASSIGN_CDOM },
	{ .name = "control_domains", .mode = 0444, .show = control_domains_show },
	{ .name = "matrix", .mode = 0444, .show = matrix_show, .arg = 0 },
	{ .name = "guest_matrix", .mode = 0444, .show = matrix_show, .arg = 1 },
	{ .name = "ap_config", .mode = 0644, .show = ap_config_show, .store = ap_config_store },
	{ .name = "remove", .mode = 0200, .store = remove_store },
	{ .name = "uevent", .mode = 0644, .show = mdev_uevent_show },
};

int vfio_ap_mdev_sysfs_add(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;
	struct sysfs *fs = md->svc.fs;
	char path[96];
	int rc;

	m->dir = sysfs_mkdir(fs, md->matrix_dir, m->uuid);
	if (!m->dir)
		return -ENOMEM;
	rc = sysfs_add_files(fs, m->dir, mdev_attrs, sizeof(mdev_attrs) / sizeof(mdev_attrs[0]), m);
	rc = rc ?: sysfs_add_link(fs, m->dir, "mdev_type", md->type_dir);
	rc = rc ?: sysfs_add_link(fs, m->dir, "subsystem", sysfs_mkdir_p(fs, "bus/mdev"));
	rc = rc	   ?:
		     sysfs_add_link(fs, m->dir, "driver",
				    sysfs_mkdir_p(fs, "bus/mdev/drivers/vfio_ap_mdev"));
	snprintf(path, sizeof(path), "kernel/iommu_groups/%u", m->iommu_group);
	m->group_dir = sysfs_mkdir_p(fs, path);
	rc = rc ?: sysfs_add_link(fs, m->dir, "iommu_group", m->group_dir);
	snprintf(path, sizeof(path), "kernel/iommu_groups/%u/devices", m->iommu_group);
	rc = rc ?: sysfs_add_link(fs, sysfs_mkdir_p(fs, path), m->uuid, m->dir);
	rc = rc ?: sysfs_add_link(fs, sysfs_mkdir_p(fs, "bus/mdev/devices"), m->uuid, m->dir);
	rc = rc ?: sysfs_add_link(fs, md->type_devices_dir, m->uuid, m->dir);
	return rc;
}

void vfio_ap_mdev_sysfs_del(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;
	struct sysfs *fs = md->svc.fs;

	sysfs_remove_name(fs, md->type_devices_dir, m->uuid);
	sysfs_remove_name(fs, sysfs_mkdir_p(fs, "bus/mdev/devices"), m->uuid);
	sysfs_remove(fs, m->group_dir);
	sysfs_remove(fs, m->dir);
}

/* --- the matrix device and its mdev type --- */

SYSFS_SHOW(features_show)
{
	return snprintf(buf, SYSFS_PAGE, "guest_matrix hotplug ap_config\n");
}

SYSFS_SHOW(matrix_uevent_show)
{
	return snprintf(buf, SYSFS_PAGE, "DRIVER=vfio_ap\n");
}

SYSFS_SHOW(type_show)
{
	struct ap_matrix_dev *md = priv;

	switch (attr->arg) {
	case 0:
		return snprintf(buf, SYSFS_PAGE, "VFIO AP Passthrough Device\n");
	case 1:
		return snprintf(buf, SYSFS_PAGE, "vfio-ap\n");
	default:
		return snprintf(buf, SYSFS_PAGE, "%u\n",
				(unsigned)atomic_load(&md->available_instances));
	}
}

/* mdev_supported_types/vfio_ap-passthrough/create: see vfio_ap_mdev_create (mdev.c). */
SYSFS_STORE(create_store)
{
	return vfio_ap_mdev_create(priv, buf, count);
}

static const struct sysfs_attr matrix_attrs[] = {
	{ .name = "features", .mode = 0444, .show = features_show },
	{ .name = "uevent", .mode = 0644, .show = matrix_uevent_show },
};

static const struct sysfs_attr type_attrs[] = {
	{ .name = "name", .mode = 0444, .show = type_show, .arg = 0 },
	{ .name = "device_api", .mode = 0444, .show = type_show, .arg = 1 },
	{ .name = "available_instances", .mode = 0444, .show = type_show, .arg = 2 },
	{ .name = "create", .mode = 0200, .store = create_store },
};

int vfio_ap_matrix_sysfs_init(struct ap_matrix_dev *md)
{
	struct sysfs *fs = md->svc.fs;
	struct sysfs_node *bus_matrix = sysfs_mkdir_p(fs, "bus/matrix");
	struct sysfs_node *drv = sysfs_mkdir_p(fs, "bus/matrix/drivers/vfio_ap");
	int rc;

	sysfs_mkdir_p(fs, "kernel/iommu_groups");
	sysfs_add_file(fs, sysfs_mkdir_p(fs, "devices/vfio_ap"), ap_root_uevent_attr(), md);
	sysfs_mkdir_p(fs, "bus/mdev/devices");
	sysfs_mkdir_p(fs, "bus/mdev/drivers/vfio_ap_mdev");
	md->matrix_dir = sysfs_mkdir_p(fs, "devices/vfio_ap/matrix");
	md->type_dir =
		sysfs_mkdir_p(fs, "devices/vfio_ap/matrix/mdev_supported_types/" VFIO_AP_MDEV_TYPE);
	md->type_devices_dir = md->type_dir ? sysfs_mkdir(fs, md->type_dir, "devices") : NULL;
	if (!bus_matrix || !drv || !md->matrix_dir || !md->type_devices_dir)
		return -ENOMEM;
	rc = sysfs_add_files(fs, md->matrix_dir, matrix_attrs, 2, md);
	rc = rc ?: sysfs_add_files(fs, md->type_dir, type_attrs, 4, md);
	rc = rc ?: sysfs_add_link(fs, md->matrix_dir, "subsystem", bus_matrix);
	rc = rc ?: sysfs_add_link(fs, md->matrix_dir, "driver", drv);
	rc = rc ?: sysfs_add_link(fs, drv, "matrix", md->matrix_dir);
	rc = rc	   ?:
		     sysfs_add_link(fs, sysfs_mkdir_p(fs, "bus/matrix/devices"), "matrix",
				    md->matrix_dir);
	rc = rc	   ?:
		     sysfs_add_link(fs, sysfs_mkdir_p(fs, "class/mdev_bus"), "matrix",
				    md->matrix_dir);
	return rc;
}

/* --- queue `status` --- */

SYSFS_SHOW(status_show)
{
	struct vfio_ap_queue *q = priv;
	struct ap_matrix_dev *md = q->md;
	unsigned apid = AP_QID_CARD(q->apqn), apqi = AP_QID_QUEUE(q->apqn);
	struct ap_matrix_mdev *m;
	const char *s = "unassigned";

	get_update_locks_for_mdev(md, NULL);
	list_for_each_entry(m, &md->mdev_list, node) {
		if (!bm_test(&m->matrix.apm, apid) || !bm_test(&m->matrix.aqm, apqi))
			continue;
		s = m->kvm && bm_test(&m->shadow_apcb.apm, apid) &&
				    bm_test(&m->shadow_apcb.aqm, apqi) ?
			    "in use" :
			    "assigned";
		break;
	}
	release_update_locks_for_mdev(md, NULL);
	return snprintf(buf, SYSFS_PAGE, "%s\n", s);
}

static const struct sysfs_attr status_attr = { .name = "status",
					       .mode = 0444,
					       .show = status_show };

int vfio_ap_queue_status_add(struct vfio_ap_queue *q)
{
	return sysfs_add_file(q->md->svc.fs, q->apq->dev.dir, &status_attr, q);
}

/* Waits for running reads of the file: q may be freed afterwards. */
void vfio_ap_queue_status_remove(struct vfio_ap_queue *q)
{
	sysfs_remove_name(q->md->svc.fs, q->apq->dev.dir, "status");
}
