/* SPDX-License-Identifier: MIT */
/*
 * world.h - the inside of struct sim: every component of one simulated host.
 *
 * Only the components and the sim/ control files include this; clients use
 * sim.h. Guests started through sim/guests/start are kept in `guests`,
 * guarded by guests_reg_lock (a leaf, never held while calling the driver).
 */
#ifndef VAS_SIM_WORLD_H
#define VAS_SIM_WORLD_H

#include "ap/ap_bus.h"
#include "ap/ap_hw.h"
#include "ap/zcrypt.h"
#include "base/fault.h"
#include "kernel/klog.h"
#include "kernel/services.h"
#include "kernel/klog.h"
#include "kvm/kvm.h"
#include "lockdep/lockdep.h"
#include "sim/sim.h"
#include "sysfs/sysfs.h"
#include "vfio_ap/vfio_ap_private.h"

struct sim_guest {
	struct list_head node GUARDED_BY(sim.guests_reg_lock); /* in sim->guests */
	char uuid[37];
	struct kvm *kvm;
	struct ap_matrix_mdev *dev;  /* the mdev it opens (const after start) */
	struct ap_matrix_mdev *mdev; /* = dev once started: stop may take it */
	struct kvm_pqap_regs last;   /* result of the last AQIC */
	int last_ret;
	bool have_last;
	struct sysfs_node *dir;
};

struct sim {
	enum sim_variant variant;	     /* the named variant closest to lops */
	const struct vfio_ap_lock_ops *lops; /* the locking variant (or a test mutant) */
	struct ld_ctx *ld;
	struct klog log;
	struct fault_sites faults; /* allocation-failure injection (sim/faults/alloc) */
	struct sysfs *fs;
	struct ap_hw hw;
	struct ap_bus bus;
	struct kservices svc; /* ld, &log, &faults, fs: given to bus and driver */
	struct zcrypt zcrypt; /* the default drivers cex4card, cex4queue */
	struct ap_matrix_dev matrix_dev;
	struct kmutex guests_reg_lock;
	struct list_head guests GUARDED_BY(guests_reg_lock);
	unsigned next_kvm_id GUARDED_BY(guests_reg_lock);
	unsigned kvm_leaks GUARDED_BY(guests_reg_lock);
	struct sysfs_node *sim_dir, *guests_dir;
};

/* The sim/ control files (control.c). */
int sim_control_init(struct sim *s);
void sim_guests_shutdown(struct sim *s);

#endif
