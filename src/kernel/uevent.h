/* SPDX-License-Identifier: MIT */
/*
 * uevent.h - kernel uevents: the eight actions, the environment builder,
 * the announced object (struct kobj), the machine's emitter (struct
 * uevents) with its SEQNUM, and the sink an event leaves through
 * (docs/uevents.md).
 *
 * An event is ACTION, DEVPATH and SUBSYSTEM, then the caller's keys in the
 * caller's order, then the object's own keys (device core: DEVTYPE,
 * DRIVER, MAJOR/MINOR/DEVNAME; then the bus's), in that order; SEQNUM is
 * the sink's business (a real kernel appends its own). The object's own
 * keys come from one callback, the same one that serves the object's
 * `uevent` file (kobj_uevent_show), so the file and the events cannot
 * disagree. Limits are the kernel's: at most UEVENT_NUM_ENVP keys and
 * UEVENT_BUFFER_SIZE bytes of KEY=VALUE\0 text per event.
 *
 * Sinks: none (services without a struct uevents, or one without a sink)
 * means no event is built at all; the sandbox installs one that injects
 * into its private network namespace (src/cli); tests install one that
 * records. A tap sees every sent event too (sim/trace). Both are called
 * with the leaf lock "uevent_sock_mutex" held, so events leave in SEQNUM
 * order, as the kernel's do.
 */
#ifndef VAS_KERNEL_UEVENT_H
#define VAS_KERNEL_UEVENT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lockdep/lockdep.h"

struct klog;

#define UEVENT_NUM_ENVP 64
#define UEVENT_BUFFER_SIZE 2048
#define KOBJ_PATH_MAX 128

enum kobject_action {
	KOBJ_ADD,
	KOBJ_REMOVE,
	KOBJ_CHANGE,
	KOBJ_MOVE,
	KOBJ_ONLINE,
	KOBJ_OFFLINE,
	KOBJ_BIND,
	KOBJ_UNBIND,
	KOBJ_NR_ACTIONS
};

/* "add", "remove", ... */
const char *kobject_action_name(enum kobject_action a);

/* An event's keys: envp[i] points into buf, each "KEY=VALUE". */
struct kobj_uevent_env {
	const char *envp[UEVENT_NUM_ENVP];
	int envp_idx;
	char buf[UEVENT_BUFFER_SIZE];
	int buflen;
};

/* Appends one formatted KEY=VALUE: 0, or -ENOMEM past either limit (nothing added). */
int add_uevent_var(struct kobj_uevent_env *env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The value of KEY, or NULL. */
const char *uevent_env_get(const struct kobj_uevent_env *env, const char *key);

struct uevents;

/*
 * What the kernel announces: a kobject's path below /sys, its subsystem
 * (the bus, class or kset name; NULL for a device the core never announces,
 * a root device without a bus), its own keys, and the machine's emitter
 * (NULL: the object is never announced). All const after kobj_init.
 */
struct kobj {
	struct uevents *uev;
	const char *subsystem;
	char path[KOBJ_PATH_MAX]; /* "/devices/ap/card03" */
	/* the object's keys in the kernel's order (what its uevent file shows); NULL: none */
	int (*uevent)(const struct kobj *k, struct kobj_uevent_env *env);
};

/* Fills k; the path is formatted ("/bus/%s"). */
void kobj_init(struct kobj *k, struct uevents *uev, const char *subsystem,
	       int (*uevent)(const struct kobj *k, struct kobj_uevent_env *env), const char *fmt,
	       ...) __attribute__((format(printf, 5, 6)));

/* One event as a sink sees it. */
struct uevent_msg {
	enum kobject_action action;
	const char *devpath;
	const struct kobj_uevent_env *env; /* ACTION, DEVPATH, SUBSYSTEM, ... (no SEQNUM) */
	unsigned long long seqnum;	   /* the machine's number for it */
};

struct uevent_sink {
	/* 0 or -errno (logged, the event is lost); called with uevent_sock_mutex held */
	int (*send)(void *arg, const struct uevent_msg *m);
	void *arg;
};

/*
 * The machine's emitter: SEQNUM and where events go. sink and tap are
 * changed and used under sock_mutex; `active` says whether either is set,
 * so that a machine nobody listens to builds no events at all.
 */
struct uevents {
	struct kmutex sock_mutex; /* "uevent_sock_mutex": a leaf */
	unsigned long long seqnum GUARDED_BY(sock_mutex);
	struct uevent_sink sink GUARDED_BY(sock_mutex);
	struct uevent_sink tap GUARDED_BY(sock_mutex);
	atomic_bool active;
	struct klog *log;   /* const after init: failures and synth errors */
	atomic_ullong lost; /* events a sink refused */
};

void uevents_init(struct uevents *u, struct ld_ctx *ld, struct klog *log);
void uevents_destroy(struct uevents *u);
/* Installs (NULL: removes) the sink / the tap; takes effect for the next event. */
void uevents_set_sink(struct uevents *u, const struct uevent_sink *sink);
void uevents_set_tap(struct uevents *u, const struct uevent_sink *tap);

/*
 * kobject_uevent_env: builds and sends one event on k. envp_ext: caller
 * keys, NULL-terminated (may be NULL). No emitter, no sink and no tap, or
 * a kobj without subsystem: nothing, 0. -ENOMEM past the limits (logged).
 * An unbind event carries no MODALIAS.
 */
int kobject_uevent_env(const struct kobj *k, enum kobject_action action,
		       const char *const envp_ext[]);
int kobject_uevent(const struct kobj *k, enum kobject_action action);
/* One caller key, formatted: kobject_uevent_env with {"KEY=VALUE", NULL}. */
int kobject_uevent_key(const struct kobj *k, enum kobject_action action, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The `uevent` file's read: one KEY=VALUE line per own key; length. */
ssize_t kobj_uevent_show(const struct kobj *k, char *buf, size_t size);
/*
 * The `uevent` file's write (a synthetic event), docs/uevents.md §3:
 * "ACTION", "ACTION UUID" or "ACTION UUID KEY=VALUE ..." with one optional
 * trailing newline or NUL. count, or -EINVAL for a bad string (logged as
 * the kernel logs it); the device itself is not changed.
 */
ssize_t kobj_synth_uevent(const struct kobj *k, const char *buf, size_t count);

/*
 * The kernel's wire format "ACTION@DEVPATH\0KEY=VALUE\0...", with
 * "SEQNUM=n\0" last when seqnum is set. Returns the length (which may
 * exceed size: nothing is written past it), NUL bytes included.
 */
size_t uevent_msg_format(const struct uevent_msg *m, bool seqnum, char *out, size_t size);

#endif
