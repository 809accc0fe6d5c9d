/* SPDX-License-Identifier: MIT */
/*
 * guests.c - sim/guests/: start and stop KVM guests, and what each guest
 * sees (its APCB) and does (PQAP AQIC through the KVM intercept).
 *
 * Starting a guest creates a struct kvm with the requested CRYCB format
 * (KVM announces it on /dev/kvm) and opens the mdev for it (VFIO
 * open_device -> vfio_ap set_kvm). Stopping closes the device and destroys
 * the guest (announced too), counting NIB pages still pinned and ISCs
 * still registered as leaks. Both hold modules_lock for reading, so
 * vfio_ap is not unloaded under them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/parse.h"
#include "sim/world.h"

static struct sim_guest *guest_find(struct sim *s, const char *uuid) REQUIRES(s->guests_reg_lock)
{
	struct sim_guest *g;

	list_for_each_entry(g, &s->guests, node)
		if (!strcmp(g->uuid, uuid))
			return g;
	return NULL;
}

SYSFS_SHOW(apcb_show)
{
	struct sim_guest *g = priv;
	struct kvm_apcb a;
	char x[BM_HEXLEN], y[BM_HEXLEN], z[BM_HEXLEN];

	kvm_get_apcb(g->kvm, &a);
	if (attr->arg) {
		struct ap_matrix mx = { 255, 255, 255, a.apm, a.aqm, a.adm };

		return vfio_ap_format_matrix(&mx, buf, SYSFS_PAGE);
	}
	return snprintf(buf, SYSFS_PAGE, "%s,%s,%s\n", bm_format(&a.apm, x), bm_format(&a.aqm, y),
			bm_format(&a.adm, z));
}

SYSFS_SHOW(aqic_show)
{
	struct sim_guest *g = priv;
	struct kvm_pqap_regs r;
	unsigned rc;
	bool have;

	kmutex_lock(&g->kvm->res_lock);
	r = g->last;
	have = g->have_last;
	kmutex_unlock(&g->kvm->res_lock);
	if (!have)
		return snprintf(buf, SYSFS_PAGE, "none\n");
	rc = (r.gr1 >> 32) ? (unsigned)(r.gr1 >> 48) & 0xff : (unsigned)(r.gr1 >> 16) & 0xff;
	return snprintf(buf, SYSFS_PAGE, "cc=%d rc=%02x\n", r.cc, rc);
}

/*
 * sim/guests/<uuid>/aqic: "XX.YYYY enable ISC NIB" (ISC 0-7, NIB a C
 * integer) or "XX.YYYY disable". EINVAL for anything else; then what the
 * PQAP intercept returns (EOPNOTSUPP); the AQIC's own outcome (CC and
 * response code) is read back from the file, not returned as an errno.
 */
SYSFS_STORE(aqic_store)
{
	struct sim_guest *g = priv;
	struct kvm_pqap_regs r = { 0 };
	unsigned apid, apqi, isc = 0;
	unsigned long long nib = 0;
	char op[16], tail[2];
	int n = sscanf(buf, "%2x.%4x %15s %u %lli %1s", &apid, &apqi, op, &isc, &nib, tail);
	int rc;

	if (n < 3 || buf[2] != '.' || apid > 0xff || apqi > 0xff)
		return -EINVAL;
	if (!strcmp(op, "enable")) {
		if (n != 5 || isc > 7)
			return -EINVAL;
		r.gr1 = (1ULL << 47) | isc;
		r.gr2 = nib;
	} else if (strcmp(op, "disable") || n != 3) {
		return -EINVAL;
	}
	r.gr0 = 0x03000000ULL | AP_MKQID(apid, apqi);
	rc = kvm_handle_pqap(g->kvm, &r);
	if (rc)
		return rc;
	kmutex_lock(&g->kvm->res_lock);
	g->last = r;
	g->have_last = true;
	kmutex_unlock(&g->kvm->res_lock);
	return (ssize_t)count;
}

/*
 * sim/guests/<uuid>/reset: any bytes issue the guest's VFIO_DEVICE_RESET;
 * EIO if a queue's final ZAPQ response code is not 0 (design.md §4.10).
 */
SYSFS_STORE(reset_store)
{
	struct sim_guest *g = priv;
	int rc = vfio_ap_mdev_reset_ioctl(g->dev);

	return rc ? rc : (ssize_t)count;
}

static const struct sysfs_attr guest_attrs[] = {
	{ .name = "apcb", .mode = 0444, .show = apcb_show, .arg = 0 },
	{ .name = "matrix", .mode = 0444, .show = apcb_show, .arg = 1 },
	{ .name = "aqic", .mode = 0644, .show = aqic_show, .store = aqic_store },
	{ .name = "reset", .mode = 0200, .store = reset_store },
};

static const struct {
	const char *text;
	enum crycb_format fmt;
} formats[] = {
	{ "format=2", CRYCB_FORMAT2 },
	{ "format=1", CRYCB_FORMAT1 },
	{ "format=0", CRYCB_FORMAT0 },
	{ "format=none", CRYCB_NONE },
};

/* "<uuid>[ format=2|1|0|none]" with at most one trailing newline. */
static int parse_start(const char *buf, char uuid[37], enum crycb_format *fmt)
{
	const char *sp = strchr(buf, ' ');
	size_t ulen = sp ? (size_t)(sp - buf) : strcspn(buf, "\n");

	if (ulen != UUID_STRLEN || mdev_parse_uuid(buf, ulen, uuid))
		return -EINVAL;
	*fmt = CRYCB_FORMAT2;
	if (!sp)
		return 0;
	for (unsigned i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		size_t n = strlen(formats[i].text);

		if (!strncmp(sp + 1, formats[i].text, n) &&
		    (!sp[1 + n] || !strcmp(sp + 1 + n, "\n"))) {
			*fmt = formats[i].fmt;
			return 0;
		}
	}
	return -EINVAL;
}

static int guest_start(struct sim *s, struct ap_matrix_mdev *m, const char *uuid,
		       enum crycb_format fmt, struct keventfd *req);

/*
 * Starts a guest on the mdev with that uuid: 0, -ENOENT (no such mdev, or
 * vfio_ap not loaded) or guest_start's errno.
 */
static int start_by_uuid(struct sim *s, const char *uuid, enum crycb_format fmt,
			 struct keventfd *req)
{
	struct ap_matrix_mdev *m = NULL;
	int rc;

	down_read(&s->modules_lock); /* vfio_ap stays loaded until the device is open */
	if (s->vfio_ap_loaded)
		m = vfio_ap_mdev_get(&s->matrix_dev, uuid);
	rc = m ? guest_start(s, m, uuid, fmt, req) : -ENOENT;
	if (m)
		vfio_ap_mdev_put(m); /* an open device keeps the mdev: remove waits for close */
	up_read(&s->modules_lock);
	return rc;
}

/*
 * sim/guests/start: "<uuid>[ format=2|1|0|none]" (one trailing newline
 * allowed). Errors in order: EINVAL syntax; ENOENT no such mdev (or
 * vfio_ap not loaded); EBUSY a guest already uses it; ENOMEM (the kvm
 * fault site); then the driver's open_device errno (EPERM: the guest has
 * another mdev's hook).
 */
SYSFS_STORE(start_store)
{
	struct sim *s = priv;
	enum crycb_format fmt;
	char uuid[37];
	int rc = parse_start(buf, uuid, &fmt);

	if (rc)
		return rc;
	rc = start_by_uuid(s, uuid, fmt, NULL);
	return rc ? rc : (ssize_t)count;
}

int sim_guest_start(struct sim *s, const char *uuid, struct keventfd *req)
{
	return start_by_uuid(s, uuid, CRYCB_FORMAT2, req);
}

/*
 * Registers a guest for uuid, creates its KVM and opens the mdev for it;
 * registers req as the request notifier while only this thread can reach
 * the open device (stop takes a guest only once g->mdev is published).
 */
static int guest_start(struct sim *s, struct ap_matrix_mdev *m, const char *uuid,
		       enum crycb_format fmt, struct keventfd *req)
{
	struct sim_guest *g = calloc(1, sizeof(*g));
	int rc;

	if (!g)
		return -ENOMEM;
	memcpy(g->uuid, uuid, sizeof(g->uuid));
	g->dev = m;
	kmutex_lock(&s->guests_reg_lock);
	if (guest_find(s, uuid)) {
		kmutex_unlock(&s->guests_reg_lock);
		free(g);
		return -EBUSY;
	}
	g->kvm =
		fault_fail(&s->faults, FAULT_KVM) ? NULL : kvm_create(s->ld, s->next_kvm_id++, fmt);
	list_add_tail(&g->node, &s->guests); /* claims the uuid */
	kmutex_unlock(&s->guests_reg_lock);
	/* KVM_CREATE_VM; the simulated QEMU is this process */
	if (g->kvm)
		kvm_uevent_notify_change(&s->kvm_misc, true, (int)getpid());
	rc = g->kvm ? vfio_ap_mdev_open(m, g->kvm) : -ENOMEM;
	if (!rc && req)
		vfio_ap_mdev_set_irq(m, 0, req);
	if (!rc) {
		g->dir = sysfs_mkdir(s->fs, s->guests_dir, uuid);
		if (g->dir)
			sysfs_add_files(s->fs, g->dir, guest_attrs,
					sizeof(guest_attrs) / sizeof(guest_attrs[0]), g);
		kmutex_lock(&s->guests_reg_lock);
		g->mdev = m; /* from now on stop may take it */
		kmutex_unlock(&s->guests_reg_lock);
		return 0;
	}
	kmutex_lock(&s->guests_reg_lock);
	list_del_init(&g->node);
	kmutex_unlock(&s->guests_reg_lock);
	if (g->kvm) {
		kvm_uevent_notify_change(&s->kvm_misc, false, (int)getpid());
		kvm_destroy(g->kvm);
	}
	free(g);
	return rc;
}

static void guest_stop(struct sim *s, struct sim_guest *g)
{
	unsigned leaks;

	sysfs_remove(s->fs, g->dir);
	/*
	 * QEMU tears the guest's DMA mappings down: vfio_ap's dma_unmap
	 * disables the interrupts of every queue whose NIB lies in guest
	 * memory, even where a failed reset left them enabled.
	 */
	vfio_ap_mdev_dma_unmap(g->mdev, 0, KVM_GUEST_MEM_SIZE);
	vfio_ap_mdev_close(g->mdev);
	kvm_uevent_notify_change(&s->kvm_misc, false, (int)getpid()); /* kvm_destroy_vm */
	leaks = kvm_destroy(g->kvm);
	kmutex_lock(&s->guests_reg_lock);
	s->kvm_leaks += leaks;
	kmutex_unlock(&s->guests_reg_lock);
	free(g);
}

/*
 * sim/guests/stop: "<uuid>" (one trailing newline allowed): close the
 * device, destroy the guest. EINVAL syntax; ENOENT no such started guest.
 */
SYSFS_STORE(stop_store)
{
	struct sim *s = priv;
	struct sim_guest *g;
	char uuid[37];
	size_t ulen = strcspn(buf, "\n");

	if (ulen != UUID_STRLEN || buf[ulen + (buf[ulen] == '\n')] ||
	    mdev_parse_uuid(buf, ulen, uuid))
		return -EINVAL;
	kmutex_lock(&s->guests_reg_lock);
	g = guest_find(s, uuid);
	if (g && g->mdev)
		list_del_init(&g->node);
	else
		g = NULL;
	kmutex_unlock(&s->guests_reg_lock);
	if (!g)
		return -ENOENT;
	down_read(&s->modules_lock);
	guest_stop(s, g);
	up_read(&s->modules_lock);
	return (ssize_t)count;
}

static const struct sysfs_attr guests_attrs[] = {
	{ .name = "start", .mode = 0200, .store = start_store },
	{ .name = "stop", .mode = 0200, .store = stop_store },
};

int sim_guests_init(struct sim *s);
int sim_guests_init(struct sim *s)
{
	s->guests_dir = sysfs_mkdir_p(s->fs, "sim/guests");
	if (!s->guests_dir)
		return -ENOMEM;
	return sysfs_add_files(s->fs, s->guests_dir, guests_attrs, 2, s);
}

void sim_guests_shutdown(struct sim *s)
{
	for (;;) {
		struct sim_guest *g = NULL;

		kmutex_lock(&s->guests_reg_lock);
		if (!list_empty(&s->guests)) {
			g = list_entry(s->guests.next, struct sim_guest, node);
			list_del_init(&g->node);
		}
		kmutex_unlock(&s->guests_reg_lock);
		if (!g)
			return;
		if (g->mdev)
			guest_stop(s, g);
		else
			free(g);
	}
}
