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

/* The mdev's own keys: DRIVER while the mdev driver has it (the mdev bus adds none). */
static int mdev_uevent(const struct kobj *k, struct kobj_uevent_env *env)
{
	const struct ap_matrix_mdev *m = container_of(k, struct ap_matrix_mdev, kobj);

	return atomic_load(&m->bound) ? add_uevent_var(env, "DRIVER=vfio_ap_mdev") : 0;
}

/* A VFIO group's char device (class vfio): its dev_t and node name. */
static int vfio_group_uevent(const struct kobj *k, struct kobj_uevent_env *env)
{
	const struct ap_matrix_mdev *m = container_of(k, struct ap_matrix_mdev, group_kobj);

	return add_uevent_var(env, "MAJOR=%d", VFIO_GROUP_MAJOR)       ?:
		       add_uevent_var(env, "MINOR=%u", m->iommu_group) ?:
		       add_uevent_var(env, "DEVNAME=vfio/%u", m->iommu_group);
}

SYSFS_SHOW(group_dev_show)
{
	struct ap_matrix_mdev *m = priv;

	return snprintf(buf, SYSFS_PAGE, "%d:%u\n", VFIO_GROUP_MAJOR, m->iommu_group);
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
};

static const struct sysfs_attr group_dev_attr = { .name = "dev",
						  .mode = 0444,
						  .show = group_dev_show };

/*
 * device_add of the mdev: its directory, attributes, uevent file, the
 * subsystem link and the bus's devices/<uuid> link. Its identities are set
 * here for the whole life of the mdev.
 */
int vfio_ap_mdev_sysfs_add(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;
	struct sysfs *fs = md->svc.fs;
	struct uevents *uev = md->svc.uev;
	int rc;

	m->vfio_index = atomic_fetch_add(&md->next_vfio_index, 1);
	kobj_init(&m->kobj, uev, "mdev", mdev_uevent, "/devices/vfio_ap/matrix/%s", m->uuid);
	kobj_init(&m->group_kobj, uev, "vfio", vfio_group_uevent, "/devices/virtual/vfio/%u",
		  m->iommu_group);
	kobj_init(&m->vfio_kobj, uev, "vfio-dev", NULL,
		  "/devices/vfio_ap/matrix/%s/vfio-dev/vfio%u", m->uuid, m->vfio_index);
	m->dir = sysfs_mkdir(fs, md->matrix_dir, m->uuid);
	if (!m->dir)
		return -ENOMEM;
	rc = sysfs_add_files(fs, m->dir, mdev_attrs, sizeof(mdev_attrs) / sizeof(mdev_attrs[0]), m);
	rc = rc ?: sysfs_add_uevent(fs, m->dir, &m->kobj, true);
	rc = rc ?: sysfs_add_link(fs, m->dir, "subsystem", sysfs_mkdir_p(fs, "bus/mdev"));
	return rc ?: sysfs_add_link(fs, sysfs_mkdir_p(fs, "bus/mdev/devices"), m->uuid, m->dir);
}

/*
 * The probe's VFIO registration with an emulated IOMMU: a new IOMMU group
 * (kernel/iommu_groups/N and the mdev's iommu_group link), its VFIO group
 * char device (devices/virtual/vfio/N, announced), then the vfio-dev
 * device below the mdev (announced).
 */
int vfio_ap_mdev_vfio_add(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;
	struct sysfs *fs = md->svc.fs;
	struct sysfs_node *vfio;
	char path[96], name[32];
	int rc;

	snprintf(path, sizeof(path), "kernel/iommu_groups/%u", m->iommu_group);
	m->group_dir = sysfs_mkdir_p(fs, path);
	rc = sysfs_add_link(fs, m->dir, "iommu_group", m->group_dir);
	snprintf(path, sizeof(path), "kernel/iommu_groups/%u/devices", m->iommu_group);
	rc = rc ?: sysfs_add_link(fs, sysfs_mkdir_p(fs, path), m->uuid, m->dir);
	snprintf(path, sizeof(path), "devices/virtual/vfio/%u", m->iommu_group);
	m->vgroup_dir = rc ? NULL : sysfs_mkdir_p(fs, path);
	if (rc || !m->vgroup_dir)
		return rc ?: -ENOMEM;
	rc = sysfs_add_uevent(fs, m->vgroup_dir, &m->group_kobj, true);
	rc = rc ?: sysfs_add_file(fs, m->vgroup_dir, &group_dev_attr, m);
	rc = rc ?: sysfs_add_link(fs, m->vgroup_dir, "subsystem", sysfs_mkdir_p(fs, "class/vfio"));
	snprintf(name, sizeof(name), "%u", m->iommu_group);
	rc = rc ?: sysfs_add_link(fs, sysfs_mkdir_p(fs, "class/vfio"), name, m->vgroup_dir);
	snprintf(name, sizeof(name), "%d:%u", VFIO_GROUP_MAJOR, m->iommu_group);
	rc = rc ?: sysfs_add_link(fs, sysfs_mkdir_p(fs, "dev/char"), name, m->vgroup_dir);
	if (rc)
		return rc;
	kobject_uevent(&m->group_kobj, KOBJ_ADD);
	m->vdev_dir = sysfs_mkdir(fs, m->dir, "vfio-dev");
	snprintf(name, sizeof(name), "vfio%u", m->vfio_index);
	vfio = m->vdev_dir ? sysfs_mkdir(fs, m->vdev_dir, name) : NULL;
	if (!vfio)
		return -ENOMEM;
	rc = sysfs_add_uevent(fs, vfio, &m->vfio_kobj, true);
	rc = rc ?: sysfs_add_link(fs, vfio, "subsystem", sysfs_mkdir_p(fs, "class/vfio-dev"));
	rc = rc ?: sysfs_add_link(fs, vfio, "device", m->dir);
	rc = rc ?: sysfs_add_link(fs, sysfs_mkdir_p(fs, "class/vfio-dev"), name, vfio);
	if (!rc)
		kobject_uevent(&m->vfio_kobj, KOBJ_ADD);
	return rc;
}

/* driver_bound: the mdev driver's link, then `bind` with DRIVER=vfio_ap_mdev. */
int vfio_ap_mdev_sysfs_bound(struct ap_matrix_mdev *m)
{
	struct sysfs *fs = m->md->svc.fs;
	int rc = sysfs_add_link(fs, m->dir, "driver",
				sysfs_mkdir_p(fs, "bus/mdev/drivers/vfio_ap_mdev"));

	if (rc)
		return rc;
	atomic_store(&m->bound, true);
	kobject_uevent(&m->kobj, KOBJ_BIND);
	return 0;
}

/* mdev_create_sysfs_files: the type's devices/<uuid> link and the mdev_type link. */
int vfio_ap_mdev_sysfs_links(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;
	int rc = sysfs_add_link(md->svc.fs, md->type_devices_dir, m->uuid, m->dir);

	return rc ?: sysfs_add_link(md->svc.fs, m->dir, "mdev_type", md->type_dir);
}

void vfio_ap_mdev_sysfs_del(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;
	struct sysfs *fs = md->svc.fs;
	char name[32];

	sysfs_remove_name(fs, md->type_devices_dir, m->uuid);
	sysfs_remove_name(fs, sysfs_mkdir_p(fs, "bus/mdev/devices"), m->uuid);
	snprintf(name, sizeof(name), "vfio%u", m->vfio_index);
	sysfs_remove_name(fs, sysfs_mkdir_p(fs, "class/vfio-dev"), name);
	snprintf(name, sizeof(name), "%u", m->iommu_group);
	sysfs_remove_name(fs, sysfs_mkdir_p(fs, "class/vfio"), name);
	snprintf(name, sizeof(name), "%d:%u", VFIO_GROUP_MAJOR, m->iommu_group);
	sysfs_remove_name(fs, sysfs_mkdir_p(fs, "dev/char"), name);
	sysfs_remove(fs, m->vgroup_dir);
	sysfs_remove(fs, m->group_dir);
	sysfs_remove(fs, m->dir);
	m->vgroup_dir = m->group_dir = m->dir = m->vdev_dir = NULL;
}

/* --- the matrix device and its mdev type --- */

SYSFS_SHOW(features_show)
{
	return snprintf(buf, SYSFS_PAGE, "guest_matrix hotplug ap_config\n");
}

/* The matrix device's own keys: DRIVER while the matrix driver has it (no DEVTYPE). */
static int matrix_uevent(const struct kobj *k, struct kobj_uevent_env *env)
{
	const struct ap_matrix_dev *md = container_of(k, struct ap_matrix_dev, matrix_kobj);

	return atomic_load(&md->matrix_bound) ? add_uevent_var(env, "DRIVER=vfio_ap") : 0;
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
};

static const struct sysfs_attr type_attrs[] = {
	{ .name = "name", .mode = 0444, .show = type_show, .arg = 0 },
	{ .name = "device_api", .mode = 0444, .show = type_show, .arg = 1 },
	{ .name = "available_instances", .mode = 0444, .show = type_show, .arg = 2 },
	{ .name = "create", .mode = 0200, .store = create_store },
};

int vfio_cores_sysfs_init(struct sysfs *fs, struct uevents *uev, struct kobj *bus_kobj)
{
	struct sysfs_node *bus = sysfs_mkdir_p(fs, "bus/mdev");
	int rc;

	kobj_init(bus_kobj, uev, "bus", NULL, "/bus/mdev");
	if (!bus || !sysfs_mkdir_p(fs, "bus/mdev/devices") ||
	    !sysfs_mkdir_p(fs, "bus/mdev/drivers") || !sysfs_mkdir_p(fs, "class/mdev_bus") ||
	    !sysfs_mkdir_p(fs, "class/vfio") || !sysfs_mkdir_p(fs, "class/vfio-dev") ||
	    !sysfs_mkdir_p(fs, "kernel/iommu_groups") ||
	    !sysfs_mkdir_p(fs, "devices/virtual/vfio") || !sysfs_mkdir_p(fs, "dev/char"))
		return -ENOMEM;
	rc = sysfs_add_uevent(fs, bus, bus_kobj, false);
	if (!rc)
		kobject_uevent(bus_kobj, KOBJ_ADD);
	return rc;
}

/*
 * vfio_ap_matrix_dev_create: the root device vfio_ap (never announced: no
 * bus), bus_register(matrix) -> `add /bus/matrix`, device_register(matrix)
 * -> `add /devices/vfio_ap/matrix`, driver_register(vfio_ap on matrix):
 * the bus matches everything, so it binds the device -> `bind` with
 * DRIVER=vfio_ap, then `add /bus/matrix/drivers/vfio_ap`.
 */
int vfio_ap_matrix_sysfs_init(struct ap_matrix_dev *md)
{
	struct sysfs *fs = md->svc.fs;
	struct uevents *uev = md->svc.uev;
	struct sysfs_node *devs;
	int rc;

	kobj_init(&md->root_kobj, uev, NULL, NULL, "/devices/vfio_ap");
	kobj_init(&md->bus_kobj, uev, "bus", NULL, "/bus/matrix");
	kobj_init(&md->matrix_kobj, uev, "matrix", matrix_uevent, "/devices/vfio_ap/matrix");
	kobj_init(&md->matrix_drv_kobj, uev, "drivers", NULL, "/bus/matrix/drivers/vfio_ap");
	kobj_init(&md->mdev_drv_kobj, uev, "drivers", NULL, "/bus/mdev/drivers/vfio_ap_mdev");
	md->root_dir = sysfs_mkdir_p(fs, "devices/vfio_ap");
	md->bus_dir = sysfs_mkdir_p(fs, "bus/matrix");
	devs = sysfs_mkdir_p(fs, "bus/matrix/devices");
	if (!md->root_dir || !md->bus_dir || !devs || !sysfs_mkdir_p(fs, "bus/matrix/drivers"))
		return -ENOMEM;
	rc = sysfs_add_uevent(fs, md->root_dir, &md->root_kobj, true);
	rc = rc ?: sysfs_add_uevent(fs, md->bus_dir, &md->bus_kobj, false);
	if (rc)
		return rc;
	kobject_uevent(&md->bus_kobj, KOBJ_ADD);
	md->matrix_dir = sysfs_mkdir(fs, md->root_dir, "matrix");
	if (!md->matrix_dir)
		return -ENOMEM;
	rc = sysfs_add_files(fs, md->matrix_dir, matrix_attrs, 1, md);
	rc = rc ?: sysfs_add_uevent(fs, md->matrix_dir, &md->matrix_kobj, true);
	rc = rc ?: sysfs_add_link(fs, md->matrix_dir, "subsystem", md->bus_dir);
	rc = rc ?: sysfs_add_link(fs, devs, "matrix", md->matrix_dir);
	if (rc)
		return rc;
	kobject_uevent(&md->matrix_kobj, KOBJ_ADD);
	md->matrix_drv_dir = sysfs_mkdir_p(fs, "bus/matrix/drivers/vfio_ap");
	if (!md->matrix_drv_dir)
		return -ENOMEM;
	rc = sysfs_add_uevent(fs, md->matrix_drv_dir, &md->matrix_drv_kobj, false);
	rc = rc ?: sysfs_add_link(fs, md->matrix_dir, "driver", md->matrix_drv_dir);
	rc = rc ?: sysfs_add_link(fs, md->matrix_drv_dir, "matrix", md->matrix_dir);
	if (rc)
		return rc;
	atomic_store(&md->matrix_bound, true);
	kobject_uevent(&md->matrix_kobj, KOBJ_BIND);
	kobject_uevent(&md->matrix_drv_kobj, KOBJ_ADD);
	return 0;
}

/*
 * vfio_ap_matrix_dev_destroy: driver_unregister(matrix driver) -> `unbind`
 * of the matrix device, `remove` of the driver; device_unregister ->
 * `remove /devices/vfio_ap/matrix`; bus_unregister -> `remove /bus/matrix`;
 * the root device goes without an event.
 */
void vfio_ap_matrix_sysfs_del(struct ap_matrix_dev *md)
{
	struct sysfs *fs = md->svc.fs;

	sysfs_remove_name(fs, md->matrix_dir, "driver");
	sysfs_remove(fs, md->matrix_drv_dir);
	atomic_store(&md->matrix_bound, false);
	kobject_uevent(&md->matrix_kobj, KOBJ_UNBIND);
	kobject_uevent(&md->matrix_drv_kobj, KOBJ_REMOVE);
	kobject_uevent(&md->matrix_kobj, KOBJ_REMOVE);
	sysfs_remove(fs, md->matrix_dir);
	kobject_uevent(&md->bus_kobj, KOBJ_REMOVE);
	sysfs_remove(fs, md->bus_dir);
	sysfs_remove(fs, md->root_dir);
	md->matrix_drv_dir = md->matrix_dir = md->bus_dir = md->root_dir = NULL;
}

/*
 * mdev_register_driver -> `add /bus/mdev/drivers/vfio_ap_mdev`; then
 * mdev_register_parent: the type directory, the mdev_bus class link, and
 * `change /devices/vfio_ap/matrix` with MDEV_STATE=registered.
 */
int vfio_ap_mdev_parent_register(struct ap_matrix_dev *md)
{
	struct sysfs *fs = md->svc.fs;
	int rc;

	md->mdev_drv_dir = sysfs_mkdir_p(fs, "bus/mdev/drivers/vfio_ap_mdev");
	if (!md->mdev_drv_dir)
		return -ENOMEM;
	rc = sysfs_add_uevent(fs, md->mdev_drv_dir, &md->mdev_drv_kobj, false);
	if (rc)
		return rc;
	kobject_uevent(&md->mdev_drv_kobj, KOBJ_ADD);
	md->types_dir = sysfs_mkdir(fs, md->matrix_dir, "mdev_supported_types");
	md->type_dir = md->types_dir ? sysfs_mkdir(fs, md->types_dir, VFIO_AP_MDEV_TYPE) : NULL;
	md->type_devices_dir = md->type_dir ? sysfs_mkdir(fs, md->type_dir, "devices") : NULL;
	if (!md->type_devices_dir)
		return -ENOMEM;
	rc = sysfs_add_files(fs, md->type_dir, type_attrs, 4, md);
	rc = rc	   ?:
		     sysfs_add_link(fs, sysfs_mkdir_p(fs, "class/mdev_bus"), "matrix",
				    md->matrix_dir);
	if (!rc)
		kobject_uevent_key(&md->matrix_kobj, KOBJ_CHANGE, "MDEV_STATE=registered");
	return rc;
}

/*
 * The files mdev_unregister_parent removes once the mdevs are gone: the
 * class link and the type directory (waiting for running creates); then
 * MDEV_STATE=unregistered; then mdev_unregister_driver.
 */
void vfio_ap_mdev_parent_unregister_files(struct ap_matrix_dev *md)
{
	struct sysfs *fs = md->svc.fs;

	sysfs_remove_name(fs, sysfs_mkdir_p(fs, "class/mdev_bus"), "matrix");
	sysfs_remove(fs, md->types_dir);
	md->types_dir = md->type_dir = md->type_devices_dir = NULL;
	kobject_uevent_key(&md->matrix_kobj, KOBJ_CHANGE, "MDEV_STATE=unregistered");
	sysfs_remove(fs, md->mdev_drv_dir);
	md->mdev_drv_dir = NULL;
	kobject_uevent(&md->mdev_drv_kobj, KOBJ_REMOVE);
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
