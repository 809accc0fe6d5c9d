/* SPDX-License-Identifier: MIT */
/*
 * ops.c - the torture operations vector: every writable attribute of the
 * tree, host configuration changes, guest start/stop and AQIC, reads and
 * fault injection, each a { name, kind, weight, run } entry.
 *
 * Every operation goes through sysfs_write/sysfs_read by path, exactly as
 * a user's echo and cat would. An operation draws all its arguments from
 * its thread's PRNG before it touches the system and never lets a result
 * steer a later draw, so a seed fixes each thread's sequence. Ids come from
 * small pools (a few present adapters, one absent above 63; a few usage
 * domains, one unconfigured above 15) so that operations collide often.
 * The worker loop (t_run_thread_ops) counts each op and its errno.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "script/script.h"
#include "torture/tort_int.h"

#define MDEV_DIR "devices/vfio_ap/matrix/"

/* splitmix64: one 64-bit word of state, good enough and cheap. */
uint64_t t_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned pick(struct tthread *th, unsigned n)
{
	return (unsigned)(t_rand(&th->rng) % n);
}

const char *t_errname(int e)
{
	const char *n = e == 0 ? "ok" : script_errno_name(e);

	return n ? n : "other";
}

static int do_write(struct torture *t, const char *path, const char *text)
{
	ssize_t rc = sysfs_write(t->fs, path, text, strlen(text));

	return rc < 0 ? (int)rc : 0;
}

static const char *uuid_of(struct tthread *th)
{
	return th->t->uuids[th->guest ? th->slot : pick(th, th->t->o.mdevs)];
}

/* A number in one of the spellings kstrtoul(base 0) accepts. */
static void num_text(struct tthread *th, unsigned v, char *buf, size_t len)
{
	static const char *const fmt[] = { "%u", "0x%x", "0x%02x\n", "%u\n", "0%o" };

	snprintf(buf, len, fmt[pick(th, 5)], v);
}

/* --- mdev attributes ------------------------------------------------------ */

static int mdev_num_op(struct tthread *th, const char *attr, const unsigned *pool, unsigned n)
{
	char path[128], val[16];
	const char *uuid = uuid_of(th);

	num_text(th, pool[pick(th, n)], val, sizeof(val));
	snprintf(path, sizeof(path), MDEV_DIR "%s/%s", uuid, attr);
	return do_write(th->t, path, val);
}

#define MDEV_OP(fn, attr, pool)                                    \
	int fn(struct torture *t, struct tthread *th)              \
	{                                                          \
		return mdev_num_op(th, attr, t->pool, t->n##pool); \
	}
MDEV_OP(t_op_assign_adapter, "assign_adapter", apids)
MDEV_OP(t_op_unassign_adapter, "unassign_adapter", apids)
MDEV_OP(t_op_assign_domain, "assign_domain", apqis)
MDEV_OP(t_op_unassign_domain, "unassign_domain", apqis)
MDEV_OP(t_op_assign_cdom, "assign_control_domain", cdoms)
MDEV_OP(t_op_unassign_cdom, "unassign_control_domain", cdoms)

static void subset(struct tthread *th, const unsigned *pool, unsigned n, bm256 *out)
{
	uint64_t r = t_rand(&th->rng);

	bm_zero(out);
	for (unsigned i = 0; i < n; i++)
		if (r & (1ULL << i))
			bm_set(out, pool[i]);
}

int t_op_ap_config(struct torture *t, struct tthread *th)
{
	char path[128], text[256], a[BM_HEXLEN], q[BM_HEXLEN], d[BM_HEXLEN];
	const char *uuid = uuid_of(th);
	bm256 apm, aqm, adm;

	subset(th, t->apids, t->napids, &apm);
	subset(th, t->apqis, t->napqis, &aqm);
	subset(th, t->cdoms, t->ncdoms, &adm);
	snprintf(text, sizeof(text), "%s,%s,%s\n", bm_format(&apm, a), bm_format(&aqm, q),
		 bm_format(&adm, d));
	snprintf(path, sizeof(path), MDEV_DIR "%s/ap_config", uuid);
	return do_write(t, path, text);
}

int t_op_create(struct torture *t, struct tthread *th)
{
	char text[40];

	snprintf(text, sizeof(text), pick(th, 2) ? "%s\n" : "%s", uuid_of(th));
	return do_write(t, MDEV_DIR "mdev_supported_types/" VFIO_AP_MDEV_TYPE "/create", text);
}

int t_op_remove(struct torture *t, struct tthread *th)
{
	char path[128];
	const char *uuid = uuid_of(th);
	const char *v = pick(th, 8) ? "1\n" : "0";

	snprintf(path, sizeof(path), MDEV_DIR "%s/remove", uuid);
	return do_write(t, path, v);
}

/* --- AP bus --------------------------------------------------------------- */

static int mask_op(struct torture *t, struct tthread *th, const char *path, bool abs,
		   const unsigned *pool, unsigned n)
{
	char text[96], hex[BM_HEXLEN];
	bm256 m;
	int rc;

	if (abs) {
		subset(th, pool, n, &m);
		snprintf(text, sizeof(text), "%s\n", bm_format(&m, hex));
	} else {
		unsigned a = pool[pick(th, n)], b = pool[pick(th, n)];
		char sign = pick(th, 2) ? '+' : '-';

		if (pick(th, 4) == 0 && a != b)
			snprintf(text, sizeof(text), "%c0x%x-0x%x\n", sign, a < b ? a : b,
				 a < b ? b : a);
		else
			snprintf(text, sizeof(text), "%c%u", sign, a);
	}
	down_read(&t->mask_rwsem);
	rc = do_write(t, path, text);
	up_read(&t->mask_rwsem);
	return rc;
}

int t_op_apmask_abs(struct torture *t, struct tthread *th)
{
	return mask_op(t, th, "bus/ap/apmask", true, t->apids, t->napids);
}
int t_op_apmask_rel(struct torture *t, struct tthread *th)
{
	return mask_op(t, th, "bus/ap/apmask", false, t->apids, t->napids);
}
int t_op_aqmask_abs(struct torture *t, struct tthread *th)
{
	return mask_op(t, th, "bus/ap/aqmask", true, t->apqis, t->napqis);
}
int t_op_aqmask_rel(struct torture *t, struct tthread *th)
{
	return mask_op(t, th, "bus/ap/aqmask", false, t->apqis, t->napqis);
}

static int bind_op(struct torture *t, struct tthread *th, const char *drv, const char *file)
{
	char path[96], text[16];

	snprintf(text, sizeof(text), "%02x.%04x", t->apids[pick(th, t->napids)],
		 t->apqis[pick(th, t->napqis)]);
	snprintf(path, sizeof(path), "bus/ap/drivers/%s/%s", drv, file);
	return do_write(t, path, text);
}

int t_op_bind_vfio(struct torture *t, struct tthread *th)
{
	return bind_op(t, th, "vfio_ap", "bind");
}
int t_op_unbind_vfio(struct torture *t, struct tthread *th)
{
	return bind_op(t, th, "vfio_ap", "unbind");
}
int t_op_bind_cex4(struct torture *t, struct tthread *th)
{
	return bind_op(t, th, "cex4queue", "bind");
}
int t_op_unbind_cex4(struct torture *t, struct tthread *th)
{
	return bind_op(t, th, "cex4queue", "unbind");
}

int t_op_card_config(struct torture *t, struct tthread *th)
{
	char path[64];

	snprintf(path, sizeof(path), "devices/ap/card%02x/config", t->apids[pick(th, t->napids)]);
	return do_write(t, path, pick(th, 3) ? "1\n" : "0\n");
}

int t_op_host(struct torture *t, struct tthread *th)
{
	static const char *const files[] = { "sim/host/adapters", "sim/host/usage_domains",
					     "sim/host/control_domains" };
	unsigned which = pick(th, 3);
	const unsigned *pool = which == 0 ? t->apids : which == 1 ? t->apqis : t->cdoms;
	unsigned n = which == 0 ? t->napids : which == 1 ? t->napqis : t->ncdoms;
	char text[16];

	/* adding is likelier than removing, so the host stays mostly populated */
	snprintf(text, sizeof(text), "%c0x%x\n", pick(th, 3) ? '+' : '-', pool[pick(th, n)]);
	return do_write(t, files[which], text);
}

int t_op_scan(struct torture *t, struct tthread *th)
{
	return do_write(t, "bus/ap/scans", "1\n");
}
