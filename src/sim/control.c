/* SPDX-License-Identifier: MIT */
/*
 * control.c - the sim/ directory: the world around the driver as files
 * (design.md §13): host AP configuration (HMC), KVM guests
 * (QEMU + guest), the guest's AQIC, dmesg, lockdep, lock_stat, variant,
 * faults, the trace, module load and unload (modules.c).
 *
 * Writes are synchronous: a host configuration write returns after the bus
 * scan and every probe/remove/hot plug it caused. Guests live in
 * sim->guests under guests_reg_lock, which is never held while calling
 * into the driver.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "sim/world.h"

/*
 * The byte range [off, off + size) of a generated text (freed here): the
 * count, 0 at or beyond its end, -ENOMEM if it could not be generated.
 */
static ssize_t slice_out(char *buf, size_t size, off_t off, char *text)
{
	size_t len, n = 0;

	if (!text)
		return -ENOMEM;
	len = strlen(text);
	if ((size_t)off < len) {
		n = len - (size_t)off < size ? len - (size_t)off : size;
		memcpy(buf, text + off, n);
	}
	free(text);
	return (ssize_t)n;
}

/* --- sim/host/ --- */

SYSFS_SHOW(host_show)
{
	struct sim *s = priv;
	struct ap_config_info qci;
	char hex[BM_HEXLEN];

	ap_hw_qci(&s->hw, &qci);
	return snprintf(buf, SYSFS_PAGE, "%s\n",
			bm_format(attr->arg == 0 ? &qci.apm :
				  attr->arg == 1 ? &qci.aqm :
						   &qci.adm,
				  hex));
}

/*
 * sim/host/adapters, usage_domains, control_domains: the apmask grammar
 * (absolute or relative, design.md §3.7) applied to the current QCI mask;
 * EINVAL on a syntax error (nothing changes). Then the machine's
 * configuration changes and a bus scan runs to completion.
 */
SYSFS_STORE(host_store)
{
	struct sim *s = priv;
	struct ap_config_info qci;
	bm256 nm;
	int rc;

	kmutex_lock(&s->bus.scan_mutex); /* one configuration change at a time */
	ap_hw_qci(&s->hw, &qci);
	rc = ap_parse_mask(buf,
			   attr->arg == 0 ? &qci.apm :
			   attr->arg == 1 ? &qci.aqm :
					    &qci.adm,
			   &nm);
	if (!rc)
		ap_hw_set_masks(&s->hw, attr->arg == 0 ? &nm : NULL, attr->arg == 1 ? &nm : NULL,
				attr->arg == 2 ? &nm : NULL);
	ap_scan_unlock(&s->bus); /* wakes a device store waiting for the scan mutex */
	if (rc)
		return rc;
	ap_bus_scan(&s->bus);
	return (ssize_t)count;
}

/* --- sim/faults/ --- */

SYSFS_SHOW(fault_show)
{
	struct sim *s = priv;
	struct ap_hw_faults f;

	ap_hw_get_faults(&s->hw, &f);
	switch (attr->arg) {
	case 0:
		return snprintf(buf, SYSFS_PAGE, "0x%02x %d\n", f.zapq_rc, f.zapq_count);
	case 1:
		return snprintf(buf, SYSFS_PAGE, "0x%02x %d\n", f.tapq_rc, f.tapq_count);
	case 2:
		return snprintf(buf, SYSFS_PAGE, "0x%02x %d\n", f.aqic_rc, f.aqic_count);
	default:
		return snprintf(buf, SYSFS_PAGE, "%d\n", f.reset_polls);
	}
}

/*
 * "RC [COUNT]" (C integers, one trailing newline allowed): force response
 * code RC (0-0xff; 0 clears) for the next COUNT instructions (-1 or
 * omitted: until cleared). reset_polls takes one number "N". EINVAL for
 * anything else.
 */
static int parse_fault(const char *buf, int *rc, int *cnt, int *n)
{
	int pos = 0, pos2 = 0;
	const char *p;

	if (sscanf(buf, "%i%n", rc, &pos) != 1)
		return -EINVAL;
	p = buf + pos;
	*n = 1;
	*cnt = -1;
	if (*p == ' ') {
		if (sscanf(p, "%i%n", cnt, &pos2) != 1)
			return -EINVAL;
		p += pos2;
		*n = 2;
	}
	if (*p == '\n')
		p++;
	return *p || *rc < 0 || *rc > 0xff || *cnt < -1 ? -EINVAL : 0;
}

SYSFS_STORE(fault_store)
{
	struct sim *s = priv;
	struct ap_hw_faults f;
	int rc, cnt, n;

	if (parse_fault(buf, &rc, &cnt, &n))
		return -EINVAL;
	ap_hw_get_faults(&s->hw, &f);
	switch (attr->arg) {
	case 0:
		f.zapq_rc = (uint8_t)rc, f.zapq_count = rc ? cnt : 0;
		break;
	case 1:
		f.tapq_rc = (uint8_t)rc, f.tapq_count = rc ? cnt : 0;
		break;
	case 2:
		f.aqic_rc = (uint8_t)rc, f.aqic_count = rc ? cnt : 0;
		break;
	default:
		if (n != 1 && !(n == 2 && cnt == -1))
			return -EINVAL;
		f.reset_polls = (int)rc;
		break;
	}
	ap_hw_set_faults(&s->hw, &f);
	return (ssize_t)count;
}

/* sim/faults/alloc: one line per site, "NAME ARMED INJECTED". */
SYSFS_SHOW(alloc_show)
{
	struct sim *s = priv;
	int n = 0;

	for (int i = 0; i < FAULT_NR_SITES; i++)
		n += snprintf(buf + n, SYSFS_PAGE - n, "%s %d %llu\n", fault_site_names[i],
			      atomic_load(&s->faults.armed[i]),
			      (unsigned long long)atomic_load(&s->faults.injected[i]));
	return n;
}

/*
 * sim/faults/alloc: "SITE COUNT" or "all COUNT" (one trailing newline
 * allowed): the next COUNT allocations at the site fail (-1 always, 0
 * disarm). EINVAL for an unknown site, a missing or bad count, trailing
 * bytes.
 */
SYSFS_STORE(alloc_store)
{
	struct sim *s = priv;
	size_t len = strcspn(buf, " ");
	int site = fault_site_lookup(buf, len), cnt, n;
	bool all = len == 3 && !strncmp(buf, "all", 3);
	char tail;

	if (buf[len] != ' ' || (site < 0 && !all))
		return -EINVAL;
	n = sscanf(buf + len + 1, "%d%c", &cnt, &tail);
	if (n < 1 || cnt < -1 || (n == 2 && tail != '\n'))
		return -EINVAL;
	for (int i = 0; i < FAULT_NR_SITES; i++)
		if (site < 0 || i == site)
			atomic_store(&s->faults.armed[i], cnt);
	return (ssize_t)count;
}

/*
 * --- dmesg, lockdep, variant ---
 *
 * sim/dmesg, sim/lockdep, sim/lockdep_graph and sim/lock_stat are ranged attributes
 * (design.md §13.4): their text can be far longer than a page, so a read
 * gets any byte range of it instead of one page from offset 0.
 */

/* The retained kernel log (design.md §8), whole lines, oldest first. */
SYSFS_READ(dmesg_read)
{
	struct sim *s = priv;

	return (ssize_t)klog_read(&s->log, off, buf, size);
}

static size_t dmesg_size(void *priv, const struct sysfs_attr *attr)
{
	struct sim *s = priv;

	return klog_size(&s->log);
}

/* The validator's reports (arg 0) or its class graph (arg 1), generated anew at each read. */
SYSFS_READ(lockdep_read)
{
	struct sim *s = priv;

	return slice_out(buf, size, off, attr->arg ? ld_graph_dot(s->ld) : ld_report_text(s->ld));
}

static size_t lockdep_size(void *priv, const struct sysfs_attr *attr)
{
	struct sim *s = priv;
	char *text = attr->arg ? ld_graph_dot(s->ld) : ld_report_text(s->ld);
	size_t n = text ? strlen(text) : 0;

	free(text);
	return n;
}

/*
 * sim/lock_stat: the validator's lock statistics in /proc/lock_stat's
 * layout, ranged like the lockdep files (it outgrows a page with a few
 * dozen classes), generated anew at each read.
 */
SYSFS_READ(lock_stat_read)
{
	struct sim *s = priv;

	return slice_out(buf, size, off, ld_lock_stat_text(s->ld));
}

static size_t lock_stat_size(void *priv, const struct sysfs_attr *attr)
{
	struct sim *s = priv;
	char *text = ld_lock_stat_text(s->ld);
	size_t n = text ? strlen(text) : 0;

	free(text);
	return n;
}

/*
 * sim/lock_stat: "0" (one trailing newline allowed) forgets every
 * statistic, as writing 0 to /proc/lock_stat does; anything else EINVAL
 * (the kernel ignores other writes).
 */
SYSFS_STORE(lock_stat_store)
{
	struct sim *s = priv;

	if (strcmp(buf, "0") && strcmp(buf, "0\n"))
		return -EINVAL;
	ld_lock_stat_clear(s->ld);
	return (ssize_t)count;
}

/* sim/trace: the newest whole lines that fit a show's page (design.md §13.5). */
SYSFS_SHOW(trace_show)
{
	struct sim *s = priv;
	char *text = sim_trace_dump(&s->trace, SYSFS_PAGE - 1);
	size_t n;

	if (!text)
		return -ENOMEM;
	n = strlen(text);
	memcpy(buf, text, n);
	free(text);
	return (ssize_t)n;
}

/*
 * sim/trace: "on" starts recording, "off" stops it, "clear" empties the
 * ring (one trailing newline allowed); EINVAL for anything else.
 */
SYSFS_STORE(trace_store)
{
	struct sim *s = priv;
	size_t len = count && buf[count - 1] == '\n' ? count - 1 : count;

	if (len == 2 && !strncmp(buf, "on", 2))
		sim_trace_set(s, true);
	else if (len == 3 && !strncmp(buf, "off", 3))
		sim_trace_set(s, false);
	else if (len == 5 && !strncmp(buf, "clear", 5))
		sim_trace_clear(&s->trace);
	else
		return -EINVAL;
	return (ssize_t)count;
}

SYSFS_SHOW(variant_show)
{
	struct sim *s = priv;

	return snprintf(buf, SYSFS_PAGE, "%s\n", sim_lops_name(s));
}

int sim_guests_init(struct sim *s);

static const struct sysfs_attr sim_attrs[] = {
	{ .name = "dmesg", .mode = 0444, .read = dmesg_read, .size = dmesg_size },
	{ .name = "lockdep", .mode = 0444, .read = lockdep_read, .size = lockdep_size, .arg = 0 },
	{ .name = "lockdep_graph",
	  .mode = 0444,
	  .read = lockdep_read,
	  .size = lockdep_size,
	  .arg = 1 },
	{ .name = "variant", .mode = 0444, .show = variant_show },
	{ .name = "trace", .mode = 0644, .show = trace_show, .store = trace_store },
	{ .name = "lock_stat",
	  .mode = 0644,
	  .read = lock_stat_read,
	  .size = lock_stat_size,
	  .store = lock_stat_store },
};

static const struct sysfs_attr host_attrs[] = {
	{ .name = "adapters", .mode = 0644, .show = host_show, .store = host_store, .arg = 0 },
	{ .name = "usage_domains", .mode = 0644, .show = host_show, .store = host_store, .arg = 1 },
	{ .name = "control_domains",
	  .mode = 0644,
	  .show = host_show,
	  .store = host_store,
	  .arg = 2 },
};

static const struct sysfs_attr fault_attrs[] = {
	{ .name = "zapq_rc", .mode = 0644, .show = fault_show, .store = fault_store, .arg = 0 },
	{ .name = "tapq_rc", .mode = 0644, .show = fault_show, .store = fault_store, .arg = 1 },
	{ .name = "aqic_rc", .mode = 0644, .show = fault_show, .store = fault_store, .arg = 2 },
	{ .name = "reset_polls", .mode = 0644, .show = fault_show, .store = fault_store, .arg = 3 },
	{ .name = "alloc", .mode = 0644, .show = alloc_show, .store = alloc_store },
};

int sim_control_init(struct sim *s)
{
	struct sysfs *fs = s->fs;
	int rc;

	s->sim_dir = sysfs_mkdir_p(fs, "sim");
	if (!s->sim_dir)
		return -ENOMEM;
	rc = sysfs_add_files(fs, s->sim_dir, sim_attrs, sizeof(sim_attrs) / sizeof(sim_attrs[0]),
			     s);
	rc = rc ?: sysfs_add_files(fs, sysfs_mkdir_p(fs, "sim/host"), host_attrs, 3, s);
	rc = rc	   ?:
		     sysfs_add_files(fs, sysfs_mkdir_p(fs, "sim/faults"), fault_attrs,
				     sizeof(fault_attrs) / sizeof(fault_attrs[0]), s);
	rc = rc ?: sim_modules_init(s);
	return rc ?: sim_guests_init(s);
}
