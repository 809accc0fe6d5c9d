/* SPDX-License-Identifier: MIT */
/*
 * sim.h - one simulated host: AP hardware, AP bus, KVM guests, the vfio_ap
 * driver, the lock validator, the kernel log and the sysfs tree, all hanging
 * off one struct sim. Several worlds can live in one process.
 */
#ifndef VAS_SIM_H
#define VAS_SIM_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/config.h"

struct uevent_sink;
struct sim;
struct sysfs;
struct ld_ctx;
struct klog;
struct ap_matrix_dev;

enum sim_variant { SIM_MERGED = 0, SIM_V18, SIM_V18_BLOCKING };

/* "merged" / "v18" / "v18-blocking" -> 0, else -EINVAL. */
int sim_variant_parse(const char *name, enum sim_variant *v);
const char *sim_variant_name(enum sim_variant v);

/*
 * Boots a host: hardware from cfg, AP bus scan, default drivers and vfio_ap
 * registered (queues probe). NULL with a message in err on failure.
 */
struct sim *sim_new(const struct sim_config *cfg, enum sim_variant v, char *err, size_t errlen);

/* What sim_new_opts adds to a host. */
struct sim_opts {
	/* where the kernel's uevents go from boot on (NULL: nowhere); must outlive the host */
	const struct uevent_sink *sink;
	bool trace;   /* sim/trace records from the end of boot on */
	int trace_fd; /* every trace line is also appended here (-1: not) */
};
struct sim *sim_new_opts(const struct sim_config *cfg, enum sim_variant v,
			 const struct sim_opts *opts, char *err, size_t errlen);
/* Starts (true) or stops recording sim/trace; the lines so far are kept. */
void sim_trace_set(struct sim *s, bool on);
/* Replaces the uevent sink (NULL: none); takes effect for the next event. */
void sim_set_uevent_sink(struct sim *s, const struct uevent_sink *sink);
/*
 * The same with any locking-variant table (the explorer's mutants; variant()
 * is then merged) and, if sched is not NULL, a scheduler installed in the
 * validator before anything else is built (lockdep/sched.h).
 */
struct vfio_ap_lock_ops;
struct ld_sched_ops;
struct sim *sim_new_ops(const struct sim_config *cfg, const struct vfio_ap_lock_ops *lops,
			const struct ld_sched_ops *sched, void *sched_arg, char *err,
			size_t errlen);
/* The locking variant's name as sim/variant shows it. */
const char *sim_lops_name(const struct sim *s);
/*
 * Shuts the host down (stops guests, removes mdevs, unregisters drivers,
 * removes devices) and checks for leaks: objects, pinned NIB pages, ISCs,
 * locks still held. Returns the number of problems and describes them in
 * report (may be NULL).
 */
int sim_free(struct sim *s, char *report, size_t len);
/* Consistency invariants of the running system (see docs/design.md). */
int sim_check(struct sim *s, char *report, size_t len);

struct sysfs *sim_sysfs(struct sim *s);
struct ld_ctx *sim_lockdep(struct sim *s);
struct klog *sim_klog(struct sim *s);
enum sim_variant sim_variant(const struct sim *s);
/* The vfio_ap driver's matrix device (benchmarks, the torture harness's hooks). */
struct ap_matrix_dev *sim_matrix_dev(struct sim *s);

/*
 * A zcrypt device node (design.md §13.5): /sys/class/zcrypt/<name>, whose
 * /dev/<name> a sandbox provides as a character device <major>:<minor>.
 */
struct sim_zcrypt_node {
	char name[32];
	unsigned major, minor;
};
/*
 * The host's zcrypt nodes now, oldest first: fills up to max entries of out
 * and returns how many nodes exist (at most 256). Takes ap_perms_mutex; call
 * again after a write to class/zcrypt/create or destroy.
 */
int sim_zcrypt_nodes(struct sim *s, struct sim_zcrypt_node *out, int max);

/*
 * What QEMU does when a guest starts with the mdev uuid: sim/guests/start
 * with CRYCB format 2, then, on the device it has just opened and before
 * anything can close it, VFIO_DEVICE_SET_IRQS for the request notifier
 * (req may be NULL: none). 0 or the errno sim/guests/start gives.
 */
struct keventfd;
int sim_guest_start(struct sim *s, const char *uuid, struct keventfd *req);

#endif
