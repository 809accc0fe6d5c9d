/* SPDX-License-Identifier: MIT */
/*
 * sim.c - boot and shut down one simulated host; its consistency check.
 *
 * Boot order mirrors a Linux LPAR: validator, log and uevent emitter, the
 * sysfs tree, the AP hardware, the AP bus, the zcrypt default drivers
 * (cex4card, cex4queue), the first bus scan (devices appear and bind at
 * once), the built-in mdev/VFIO/KVM devices, then, unless the host
 * configuration says `vfio_ap no`, the vfio_ap module (its queue driver
 * binds every queue not reserved by apmask/aqmask), then the sim/ control
 * files. Shutdown reverses it and counts what was left behind.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "sim/world.h"

static const struct vfio_ap_lock_ops *const variant_ops[] = {
	[SIM_MERGED] = &vfio_ap_lock_merged,
	[SIM_V18] = &vfio_ap_lock_v18,
	[SIM_V18_BLOCKING] = &vfio_ap_lock_v18_blocking,
};

int sim_variant_parse(const char *name, enum sim_variant *v)
{
	for (unsigned i = 0; i < sizeof(variant_ops) / sizeof(variant_ops[0]); i++) {
		if (!strcmp(name, variant_ops[i]->name)) {
			*v = (enum sim_variant)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *sim_variant_name(enum sim_variant v)
{
	return variant_ops[v]->name;
}
struct sysfs *sim_sysfs(struct sim *s)
{
	return s->fs;
}
struct ld_ctx *sim_lockdep(struct sim *s)
{
	return s->ld;
}
struct klog *sim_klog(struct sim *s)
{
	return &s->log;
}
enum sim_variant sim_variant(const struct sim *s)
{
	return s->variant;
}
const char *sim_lops_name(const struct sim *s)
{
	return s->lops->name;
}

struct ap_matrix_dev *sim_matrix_dev(struct sim *s)
{
	return &s->matrix_dev;
}

int sim_zcrypt_nodes(struct sim *s, struct sim_zcrypt_node *out, int max)
{
	struct zcrypt_node_info info[ZCRYPT_MAX_MINOR_NODES];
	int n = zcrypt_nodes_snapshot(&s->zcrypt, info, ZCRYPT_MAX_MINOR_NODES);

	_Static_assert(sizeof(out->name) == sizeof(info->name), "node names differ in size");
	for (int i = 0; i < n && i < max; i++) {
		memcpy(out[i].name, info[i].name, sizeof(out[i].name));
		out[i].major = info[i].major;
		out[i].minor = info[i].minor;
	}
	return n;
}

/* The validator's report lines go to the kernel log, as lockdep's do. */
static void validator_to_klog(void *arg, const char *line)
{
	klog_line(arg, line);
}

struct sim *sim_new(const struct sim_config *cfg, enum sim_variant v, char *err, size_t errlen)
{
	return sim_new_opts(cfg, v, NULL, err, errlen);
}

static struct sim *boot(const struct sim_config *cfg, const struct vfio_ap_lock_ops *lops,
			const struct ld_sched_ops *sched, void *sched_arg,
			const struct sim_opts *opts, char *err, size_t errlen);

struct sim *sim_new_opts(const struct sim_config *cfg, enum sim_variant v,
			 const struct sim_opts *opts, char *err, size_t errlen)
{
	return boot(cfg, variant_ops[v], NULL, NULL, opts, err, errlen);
}

struct sim *sim_new_ops(const struct sim_config *cfg, const struct vfio_ap_lock_ops *lops,
			const struct ld_sched_ops *sched, void *sched_arg, char *err, size_t errlen)
{
	return boot(cfg, lops, sched, sched_arg, NULL, err, errlen);
}

static struct sim *boot(const struct sim_config *cfg, const struct vfio_ap_lock_ops *lops,
			const struct ld_sched_ops *sched, void *sched_arg,
			const struct sim_opts *opts, char *err, size_t errlen)
{
	struct sim *s = calloc(1, sizeof(*s));

	if (!s || !(s->ld = ld_ctx_new())) {
		snprintf(err, errlen, "out of memory");
		free(s);
		return NULL;
	}
	if (sched)
		ld_set_sched(s->ld, sched, sched_arg);
	ld_sched_object(s->ld, s, sizeof(*s));
	s->variant = SIM_MERGED;
	s->lops = lops;
	for (unsigned i = 0; i < sizeof(variant_ops) / sizeof(variant_ops[0]); i++)
		if (variant_ops[i] == lops)
			s->variant = (enum sim_variant)i;
	ld_declare_order(s->ld, lops->order, lops->norder);
	klog_init(&s->log, s->ld);
	ld_set_sink(s->ld, validator_to_klog, &s->log);
	ld_set_lock_stat(s->ld, true); /* sim/lock_stat (design.md §13.4) */
	uevents_init(&s->uev, s->ld, &s->log);
	if (opts && opts->sink)
		uevents_set_sink(&s->uev, opts->sink);
	sim_trace_init(&s->trace, s->ld, opts ? opts->trace_fd : -1);
	s->fs = sysfs_new(s->ld);
	if (s->fs)
		sysfs_set_log(s->fs, &s->log); /* the tree's warnings go to dmesg */
	s->svc = (struct kservices){
		.ld = s->ld, .log = &s->log, .faults = &s->faults, .fs = s->fs, .uev = &s->uev
	};
	krwsem_init(&s->modules_lock, s->ld, "&sim->modules_lock");
	kmutex_init(&s->guests_reg_lock, s->ld, "&sim->guests_reg_lock");
	kmutex_lock(&s->guests_reg_lock);
	INIT_LIST_HEAD(&s->guests);
	kmutex_unlock(&s->guests_reg_lock);
	if (!s->fs || ap_hw_init(&s->hw, s->ld, &cfg->machine) ||
	    ap_bus_init(&s->bus, &s->svc, &s->hw, &cfg->apmask, &cfg->aqmask)) {
		snprintf(err, errlen, "cannot build the simulated host");
		return NULL; /* a half-built world is not worth unwinding */
	}
	if (zcrypt_init(&s->zcrypt, &s->bus)) {
		snprintf(err, errlen, "cannot load the zcrypt drivers");
		return NULL;
	}
	ap_bus_scan(&s->bus); /* the first scan: devices appear, the default drivers bind */
	if (sim_builtin_devices_init(s) || (!cfg->no_vfio_ap && sim_module_load(s)) ||
	    sim_control_init(s)) {
		snprintf(err, errlen, "cannot load the vfio_ap driver");
		return NULL;
	}
	if (opts && opts->trace)
		sim_trace_set(s, true);
	return s;
}

void sim_set_uevent_sink(struct sim *s, const struct uevent_sink *sink)
{
	uevents_set_sink(&s->uev, sink);
}

struct report {
	char *buf;
	size_t len, used;
	int problems;
};

static void problem(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct report *r, const char *fmt, ...)
{
	va_list ap;

	r->problems++;
	if (!r->buf || r->used + 1 >= r->len)
		return;
	va_start(ap, fmt);
	r->used += (size_t)vsnprintf(r->buf + r->used, r->len - r->used, fmt, ap);
	va_end(ap);
	if (r->used < r->len - 1)
		r->buf[r->used++] = '\n', r->buf[r->used] = 0;
	else
		r->used = r->len - 1;
}

int sim_free(struct sim *s, char *out, size_t len)
{
	struct report r = { out, len, 0, 0 };
	int held = ld_held_count(s->ld);
	unsigned reports = ld_nr_reports(s->ld);

	if (out && len)
		out[0] = 0;
	if (held)
		problem(&r, "leak: %d lock(s) still held by the shutting-down thread", held);
	/* the simulator's own teardown: no kernel sequence, nothing to announce or trace */
	sim_trace_set(s, false);
	uevents_set_sink(&s->uev, NULL);
	sim_guests_shutdown(s);
	down_write(&s->modules_lock);
	if (s->vfio_ap_loaded) {
		vfio_ap_exit(&s->matrix_dev);
		s->vfio_ap_loaded = false;
	}
	up_write(&s->modules_lock);
	zcrypt_exit(&s->zcrypt);
	ap_bus_shutdown(&s->bus);
	if (atomic_load(&s->matrix_dev.nr_mdevs))
		problem(&r, "leak: %d mdev object(s)", atomic_load(&s->matrix_dev.nr_mdevs));
	if (atomic_load(&s->matrix_dev.nr_queues))
		problem(&r, "leak: %d vfio_ap_queue object(s)",
			atomic_load(&s->matrix_dev.nr_queues));
	if (atomic_load(&s->bus.nr_cards) || atomic_load(&s->bus.nr_queues))
		problem(&r, "leak: %d card and %d queue device(s)", atomic_load(&s->bus.nr_cards),
			atomic_load(&s->bus.nr_queues));
	kmutex_lock(&s->guests_reg_lock);
	if (s->kvm_leaks)
		problem(&r, "leak: %u pinned NIB page(s) / ISC registration(s) at guest teardown",
			s->kvm_leaks);
	kmutex_unlock(&s->guests_reg_lock);
	if (ld_held_count(s->ld))
		problem(&r, "leak: locks held after shutdown");
	if (ld_nr_reports(s->ld) > reports)
		problem(&r, "lock validator: %u new report(s) during shutdown",
			ld_nr_reports(s->ld) - reports);
	kmutex_destroy(&s->guests_reg_lock);
	krwsem_destroy(&s->modules_lock);
	ap_bus_destroy(&s->bus);
	ap_hw_destroy(&s->hw);
	sysfs_free(s->fs);
	kvm_misc_destroy(&s->kvm_misc);
	sim_trace_destroy(&s->trace);
	uevents_destroy(&s->uev);
	klog_destroy(&s->log);
	ld_sched_object_gone(s->ld, s);
	ld_ctx_free(s->ld);
	free(s);
	return r.problems;
}
