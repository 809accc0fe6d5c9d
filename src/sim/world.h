/* SPDX-License-Identifier: MIT */
/*
 * world.h - the inside of struct sim: every component of one simulated host.
 *
 * Only the components and the sim/ control files include this; clients use
 * sim.h. Guests started through sim/guests/start are kept in `guests`,
 * guarded by guests_reg_lock (a leaf, never held while calling the driver).
 * Whether vfio_ap is loaded is guarded by modules_lock: a load or unload
 * holds it for writing, everything that reaches into matrix_dev from the
 * sim/ files (guests, the consistency check) for reading.
 */
#ifndef VAS_SIM_WORLD_H
#define VAS_SIM_WORLD_H

#include "ap/ap_bus.h"
#include "ap/ap_hw.h"
#include "ap/zcrypt.h"
#include "base/fault.h"
#include "kernel/klog.h"
#include "kernel/services.h"
#include "kernel/uevent.h"
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

#define SIM_TRACE_LINES 8192

/* sim/trace (trace.c): the ring of lines and where else they go. */
struct sim_trace {
	struct kmutex lock; /* "&sim->trace_lock", a leaf */
	bool on GUARDED_BY(lock);
	unsigned long long seq GUARDED_BY(lock);
	char *lines[SIM_TRACE_LINES] GUARDED_BY(lock);
	unsigned long long head GUARDED_BY(lock); /* lines ever kept */
	int fd;					  /* const: also appended here (-1: no) */
	unsigned long long fd_errors GUARDED_BY(lock);
	struct sysfs_observer obs; /* const: what the tree calls */
	struct uevent_sink tap;	   /* const: what the emitter calls */
};

struct sim {
	enum sim_variant variant; /* the named variant closest to lops */
	const struct vfio_ap_lock_ops
		*lops; /* the locking variant (or a test mutant), for every load of vfio_ap */
	struct ld_ctx *ld;
	struct klog log;
	struct uevents uev;	   /* the machine's uevent emitter (SEQNUM, sink) */
	struct sim_trace trace;	   /* sim/trace */
	struct kvm_misc kvm_misc;  /* /dev/kvm: VM counters and their events */
	struct kobj mdev_bus_kobj; /* /bus/mdev, built in */
	struct fault_sites faults; /* allocation-failure injection (sim/faults/alloc) */
	struct sysfs *fs;
	struct ap_hw hw;
	struct ap_bus bus;
	struct kservices svc; /* ld, &log, &faults, fs: given to bus and driver */
	struct zcrypt zcrypt; /* the default drivers cex4card, cex4queue */
	struct ap_matrix_dev matrix_dev;
	struct krwsem modules_lock; /* "&sim->modules_lock" */
	bool vfio_ap_loaded GUARDED_BY(modules_lock);
	struct kobj vfio_ap_mod_kobj; /* /module/vfio_ap */
	struct sysfs_node *vfio_ap_mod_dir GUARDED_BY(modules_lock);
	struct kmutex guests_reg_lock;
	struct list_head guests GUARDED_BY(guests_reg_lock);
	unsigned next_kvm_id GUARDED_BY(guests_reg_lock);
	unsigned kvm_leaks GUARDED_BY(guests_reg_lock);
	struct sysfs_node *sim_dir, *guests_dir;
};

/* The sim/ control files (control.c). */
int sim_control_init(struct sim *s);
void sim_guests_shutdown(struct sim *s);

/* trace.c */
void sim_trace_init(struct sim_trace *t, struct ld_ctx *ld, int fd);
void sim_trace_destroy(struct sim_trace *t);
void sim_trace_clear(struct sim_trace *t);
/* The newest whole lines, at most max bytes; malloc'd. */
char *sim_trace_dump(struct sim_trace *t, size_t max);

/*
 * modules.c: loading and unloading vfio_ap at run time (design.md §4.1).
 * Load: 0, -EEXIST (loaded), -ENOMEM. Unload: 0, -ENOENT (not loaded),
 * -EAGAIN (a guest holds one of its devices: the module is in use).
 */
int sim_module_load(struct sim *s);
int sim_module_unload(struct sim *s);
int sim_modules_init(struct sim *s);
/* The machine's built-in devices outside AP: the mdev bus, VFIO classes, /dev/kvm. */
int sim_builtin_devices_init(struct sim *s);

#endif
