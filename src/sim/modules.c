/* SPDX-License-Identifier: MIT */
/*
 * modules.c - the module loader's part for vfio_ap (design.md §4.1,
 * §13.6): sim/modules/vfio_ap loads and unloads it at run time, as
 * modprobe and rmmod do on an LPAR, and module/vfio_ap appears while it is
 * loaded. Also the devices of the machine's built-in subsystems around it:
 * the mdev bus, the VFIO classes, and /dev/kvm.
 *
 * Load: module/vfio_ap appears, the module's init runs with its own events
 * (design.md §4.1), then `add /module/vfio_ap`. Unload: refused with EAGAIN
 * while a guest has one of its devices open (the open VFIO device holds a
 * reference on the module, so the kernel's delete_module answers
 * EWOULDBLOCK); otherwise the module's exit removes every mdev and all
 * else it built, with their events, then `remove /module/vfio_ap`.
 * modules_lock (write) keeps guests from starting meanwhile.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/parse.h"
#include "sim/world.h"

SYSFS_SHOW(initstate_show)
{
	return snprintf(buf, SYSFS_PAGE, "live\n");
}

static const struct sysfs_attr initstate_attr = { .name = "initstate",
						  .mode = 0444,
						  .show = initstate_show };

int sim_module_load(struct sim *s)
{
	struct sysfs_node *dir;
	int rc;

	down_write(&s->modules_lock);
	if (s->vfio_ap_loaded) {
		up_write(&s->modules_lock);
		return -EEXIST;
	}
	dir = sysfs_mkdir_p(s->fs, "module/vfio_ap");
	rc = dir ? sysfs_add_file(s->fs, dir, &initstate_attr, s) : -ENOMEM;
	rc = rc ?: sysfs_add_uevent(s->fs, dir, &s->vfio_ap_mod_kobj, false);
	rc = rc ?: vfio_ap_init(&s->matrix_dev, &s->svc, &s->bus, s->lops);
	if (!rc) {
		s->vfio_ap_loaded = true;
		s->vfio_ap_mod_dir = dir;
		kobject_uevent(&s->vfio_ap_mod_kobj, KOBJ_ADD);
	} else {
		sysfs_remove(s->fs, dir);
	}
	up_write(&s->modules_lock);
	return rc;
}

int sim_module_unload(struct sim *s)
{
	int rc = 0;

	down_write(&s->modules_lock);
	if (!s->vfio_ap_loaded)
		rc = -ENOENT;
	else if (vfio_ap_in_use_by_guest(&s->matrix_dev))
		rc = -EAGAIN;
	if (!rc) {
		vfio_ap_exit(&s->matrix_dev);
		s->vfio_ap_loaded = false;
		sysfs_remove(s->fs, s->vfio_ap_mod_dir);
		s->vfio_ap_mod_dir = NULL;
		kobject_uevent(&s->vfio_ap_mod_kobj, KOBJ_REMOVE);
	}
	up_write(&s->modules_lock);
	return rc;
}

SYSFS_SHOW(module_show)
{
	struct sim *s = priv;
	bool loaded;

	down_read(&s->modules_lock);
	loaded = s->vfio_ap_loaded;
	up_read(&s->modules_lock);
	return snprintf(buf, SYSFS_PAGE, "%d\n", loaded);
}

/*
 * sim/modules/vfio_ap: "1" loads, "0" unloads (one trailing newline
 * allowed). EINVAL anything else; EEXIST load when loaded; ENOENT unload
 * when not loaded; EAGAIN unload while a guest holds a device (in use);
 * ENOMEM.
 */
SYSFS_STORE(module_store)
{
	struct sim *s = priv;
	bool load;
	int rc;

	if (strcmp(buf, "1") && strcmp(buf, "1\n") && strcmp(buf, "0") && strcmp(buf, "0\n"))
		return -EINVAL;
	load = buf[0] == '1';
	rc = load ? sim_module_load(s) : sim_module_unload(s);
	return rc ? rc : (ssize_t)count;
}

static const struct sysfs_attr module_attr = {
	.name = "vfio_ap", .mode = 0644, .show = module_show, .store = module_store
};

int sim_modules_init(struct sim *s)
{
	struct sysfs_node *dir = sysfs_mkdir_p(s->fs, "sim/modules");

	return dir ? sysfs_add_file(s->fs, dir, &module_attr, s) : -ENOMEM;
}

/* --- built-in devices --------------------------------------------------------- */

SYSFS_SHOW(kvm_dev_show)
{
	return snprintf(buf, SYSFS_PAGE, "%d:%d\n", KVM_MISC_MAJOR, KVM_MINOR);
}

static const struct sysfs_attr kvm_dev_attr = { .name = "dev", .mode = 0444, .show = kvm_dev_show };

int sim_builtin_devices_init(struct sim *s)
{
	struct sysfs *fs = s->fs;
	struct sysfs_node *kvm = sysfs_mkdir_p(fs, "devices/virtual/misc/kvm");
	struct sysfs_node *misc = sysfs_mkdir_p(fs, "class/misc");
	char name[32];
	int rc;

	kvm_misc_init(&s->kvm_misc, s->ld, &s->uev);
	kobj_init(&s->vfio_ap_mod_kobj, &s->uev, "module", NULL, "/module/vfio_ap");
	if (!kvm || !misc || !sysfs_mkdir_p(fs, "module"))
		return -ENOMEM;
	rc = vfio_cores_sysfs_init(fs, &s->uev, &s->mdev_bus_kobj);
	rc = rc ?: sysfs_add_uevent(fs, kvm, &s->kvm_misc.kobj, true);
	rc = rc ?: sysfs_add_file(fs, kvm, &kvm_dev_attr, s);
	rc = rc ?: sysfs_add_link(fs, kvm, "subsystem", misc);
	rc = rc ?: sysfs_add_link(fs, misc, "kvm", kvm);
	snprintf(name, sizeof(name), "%d:%d", KVM_MISC_MAJOR, KVM_MINOR);
	return rc ?: sysfs_add_link(fs, sysfs_mkdir_p(fs, "dev/char"), name, kvm);
}
