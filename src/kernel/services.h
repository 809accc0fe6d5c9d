/* SPDX-License-Identifier: MIT */
/*
 * services.h - what the simulated kernel gives a driver or a bus at init.
 *
 * On a real machine the AP bus and vfio_ap reach the lock validator,
 * printk, the fault-injection framework and sysfs through globals. Here
 * they receive them explicitly, once, as a struct kservices copied into
 * their own object: nothing below src/sim knows what a simulated host is,
 * so a test can build an AP bus and a vfio_ap matrix device from these
 * pointers alone, and several hosts can live in one process
 * (docs/design.md §1.2). `uev` may be NULL: the component then sends no
 * uevents (docs/uevents.md).
 *
 * The pointed-to objects belong to whoever built the services (normally
 * the host, src/sim) and must outlive every component given them.
 */
#ifndef VAS_KERNEL_SERVICES_H
#define VAS_KERNEL_SERVICES_H

struct ld_ctx;
struct klog;
struct fault_sites;
struct sysfs;
struct uevents;

struct kservices {
	struct ld_ctx *ld;	    /* validator: every lock is classed in it */
	struct klog *log;	    /* the kernel log (dmesg) */
	struct fault_sites *faults; /* allocation-failure sites; never NULL */
	struct sysfs *fs;	    /* the tree the devices appear in */
	struct uevents *uev;	    /* where kobject events go; NULL: none */
};

#endif
