/* SPDX-License-Identifier: MIT */
/*
 * ops_guest.c - the rest of the torture operations vector (guest start and
 * stop in every CRYCB format, guest AQIC through the KVM intercept, reads,
 * fault injection), the vector itself and the worker loop.
 *
 * Guest threads own one mdev slot each (slot = guest index mod --mdevs):
 * they start and stop that mdev's guest and issue AQIC from it, like a VM
 * would. Admin threads run the admin and fault kinds; with --faults RATE
 * each admin draw is a fault with probability RATE. Faults are finite
 * (counts 1..3, reset_polls 1..4) so no reset can poll forever.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/fault.h"
#include "torture/tort_int.h"

#define MDEV_DIR "devices/vfio_ap/matrix/"

static unsigned pick(struct tthread *th, unsigned n)
{
	return (unsigned)(t_rand(&th->rng) % n);
}

static int do_write(struct torture *t, const char *path, const char *text)
{
	ssize_t rc = sysfs_write(t->fs, path, text, strlen(text));

	return rc < 0 ? (int)rc : 0;
}

static int do_read(struct torture *t, const char *path)
{
	char buf[SYSFS_PAGE];
	ssize_t rc = sysfs_read(t->fs, path, buf, sizeof(buf));

	return rc < 0 ? (int)rc : 0;
}

/* --- guests ----------------------------------------------------------------- */

static int op_guest_start(struct torture *t, struct tthread *th)
{
	static const char *const fmt[] = { "", " format=2", " format=1", " format=0",
					   " format=none" };
	char text[64];

	snprintf(text, sizeof(text), "%s%s\n", t->uuids[th->slot], fmt[pick(th, 5)]);
	return do_write(t, "sim/guests/start", text);
}

static int op_guest_stop(struct torture *t, struct tthread *th)
{
	char text[40];

	snprintf(text, sizeof(text), "%s\n", t->uuids[th->slot]);
	return do_write(t, "sim/guests/stop", text);
}

static int aqic_op(struct torture *t, struct tthread *th, bool enable)
{
	char path[96], text[96];
	unsigned apid = t->apids[pick(th, t->napids)], apqi = t->apqis[pick(th, t->napqis)];
	unsigned isc = pick(th, 8);
	/* mostly a valid NIB; sometimes 0 or outside guest memory (rc 06) */
	unsigned long long nib = pick(th, 8) ? 0x1000ULL * (1 + pick(th, 0x3ffff)) :
				 pick(th, 2) ? 0 :
					       0x40000000ULL;

	if (enable)
		snprintf(text, sizeof(text), "%02x.%04x enable %u 0x%llx\n", apid, apqi, isc, nib);
	else
		snprintf(text, sizeof(text), "%02x.%04x disable\n", apid, apqi);
	snprintf(path, sizeof(path), "sim/guests/%s/aqic", t->uuids[th->slot]);
	return do_write(t, path, text);
}

static int op_aqic_enable(struct torture *t, struct tthread *th)
{
	return aqic_op(t, th, true);
}

static int op_aqic_disable(struct torture *t, struct tthread *th)
{
	return aqic_op(t, th, false);
}

static int op_guest_read(struct torture *t, struct tthread *th)
{
	static const char *const files[] = { "apcb", "matrix", "aqic" };
	char path[96];

	snprintf(path, sizeof(path), "sim/guests/%s/%s", t->uuids[th->slot], files[pick(th, 3)]);
	return do_read(t, path);
}

/* --- reads ------------------------------------------------------------------ */

static int op_read(struct torture *t, struct tthread *th)
{
	static const char *const mdev_files[] = { "matrix", "guest_matrix", "ap_config",
						  "control_domains" };
	static const char *const bus_files[] = {
		"bus/ap/apmask",
		"bus/ap/aqmask",
		"bus/ap/scans",
		"bus/ap/ap_adapter_mask",
		MDEV_DIR "mdev_supported_types/" VFIO_AP_MDEV_TYPE "/available_instances",
	};
	char path[128];
	unsigned k = pick(th, 3);

	if (k == 0) {
		snprintf(path, sizeof(path), MDEV_DIR "%s/%s", t->uuids[pick(th, t->o.mdevs)],
			 mdev_files[pick(th, 4)]);
	} else if (k == 1) {
		unsigned a = t->apids[pick(th, t->napids)], d = t->apqis[pick(th, t->napqis)];

		snprintf(path, sizeof(path), "devices/ap/card%02x/%02x.%04x/status", a, a, d);
	} else {
		snprintf(path, sizeof(path), "%s", bus_files[pick(th, 5)]);
	}
	return do_read(t, path);
}

/*
 * 0 by default: bindings_show reads each queue's driver pointer with no lock
 * ("racy snapshot"), a data race TSan reports (docs/torture.md).
 */
static int op_read_bindings(struct torture *t, struct tthread *th)
{
	return do_read(t, "bus/ap/bindings");
}

/* --- faults ----------------------------------------------------------------- */

static int fault_rc(struct torture *t, struct tthread *th, const char *file,
		    const unsigned char *codes, unsigned n)
{
	char text[32];

	snprintf(text, sizeof(text), "0x%02x %u\n", codes[pick(th, n)], 1 + pick(th, 3));
	return do_write(t, file, text);
}

static int op_fault_zapq(struct torture *t, struct tthread *th)
{
	static const unsigned char rc[] = { 0x02, 0x05, 0x0a, 0x03, 0x04, 0x01, 0x0b };

	return fault_rc(t, th, "sim/faults/zapq_rc", rc, sizeof(rc));
}

static int op_fault_tapq(struct torture *t, struct tthread *th)
{
	static const unsigned char rc[] = { 0x02, 0x05, 0x0a, 0x03, 0x04, 0x01, 0x35 };

	return fault_rc(t, th, "sim/faults/tapq_rc", rc, sizeof(rc));
}

static int op_fault_aqic(struct torture *t, struct tthread *th)
{
	static const unsigned char rc[] = { 0x06, 0x07, 0x02, 0x05 };

	return fault_rc(t, th, "sim/faults/aqic_rc", rc, sizeof(rc));
}

static int op_fault_slow_reset(struct torture *t, struct tthread *th)
{
	char text[16];

	snprintf(text, sizeof(text), "%u\n", 1 + pick(th, 4));
	return do_write(t, "sim/faults/reset_polls", text);
}

/* Arms one allocation-failure site (src/base/fault.h) for its next 1-3 allocations. */
static int op_fault_alloc(struct torture *t, struct tthread *th)
{
	char text[48];

	snprintf(text, sizeof(text), "%s %u\n", fault_site_names[pick(th, FAULT_NR_SITES)],
		 1 + pick(th, 3));
	return do_write(t, "sim/faults/alloc", text);
}

/* --- the vector --------------------------------------------------------------- */

const struct torture_op torture_ops[] = {
	{ "create", TOP_ADMIN, 3, false, t_op_create },
	{ "remove", TOP_ADMIN, 2, false, t_op_remove },
	{ "assign_adapter", TOP_ADMIN, 8, false, t_op_assign_adapter },
	{ "unassign_adapter", TOP_ADMIN, 4, false, t_op_unassign_adapter },
	{ "assign_domain", TOP_ADMIN, 8, false, t_op_assign_domain },
	{ "unassign_domain", TOP_ADMIN, 4, false, t_op_unassign_domain },
	{ "assign_control_domain", TOP_ADMIN, 3, false, t_op_assign_cdom },
	{ "unassign_control_domain", TOP_ADMIN, 2, false, t_op_unassign_cdom },
	{ "ap_config", TOP_ADMIN, 3, false, t_op_ap_config },
	{ "apmask_abs", TOP_ADMIN, 1, true, t_op_apmask_abs },
	{ "apmask_rel", TOP_ADMIN, 4, true, t_op_apmask_rel },
	{ "aqmask_abs", TOP_ADMIN, 1, true, t_op_aqmask_abs },
	{ "aqmask_rel", TOP_ADMIN, 4, true, t_op_aqmask_rel },
	{ "bind_vfio_ap", TOP_ADMIN, 2, false, t_op_bind_vfio },
	{ "unbind_vfio_ap", TOP_ADMIN, 2, false, t_op_unbind_vfio },
	{ "bind_cex4queue", TOP_ADMIN, 1, false, t_op_bind_cex4 },
	{ "unbind_cex4queue", TOP_ADMIN, 1, false, t_op_unbind_cex4 },
	{ "card_config", TOP_ADMIN, 1, false, t_op_card_config },
	{ "host_config", TOP_ADMIN, 2, false, t_op_host },
	{ "scan", TOP_ADMIN, 1, false, t_op_scan },
	{ "read", TOP_ADMIN, 8, false, op_read },
	{ "read_bindings", TOP_ADMIN, 1, false, op_read_bindings },
	{ "guest_start", TOP_GUEST, 3, false, op_guest_start },
	{ "guest_stop", TOP_GUEST, 2, false, op_guest_stop },
	{ "aqic_enable", TOP_GUEST, 6, false, op_aqic_enable },
	{ "aqic_disable", TOP_GUEST, 4, false, op_aqic_disable },
	{ "guest_read", TOP_GUEST, 3, false, op_guest_read },
	{ "fault_zapq", TOP_FAULT, 3, false, op_fault_zapq },
	{ "fault_tapq", TOP_FAULT, 2, false, op_fault_tapq },
	{ "fault_aqic", TOP_FAULT, 2, false, op_fault_aqic },
	{ "fault_slow_reset", TOP_FAULT, 2, false, op_fault_slow_reset },
	{ "fault_alloc", TOP_FAULT, 2, false, op_fault_alloc },
};
const unsigned torture_nr_ops = sizeof(torture_ops) / sizeof(torture_ops[0]);

static unsigned draw(struct tthread *th, enum top_kind kind, unsigned total)
{
	const unsigned *w = th->t->weight;
	unsigned r = total ? pick(th, total) : 0, i;

	for (i = 0; i < torture_nr_ops; i++) {
		if (torture_ops[i].kind != kind)
			continue;
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return UINT32_MAX; /* every weight of this kind is 0 */
}

static void bump(tcount *c)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

void t_run_thread_ops(struct tthread *th)
{
	struct torture *t = th->t;
	unsigned total[3] = { 0, 0, 0 }, i, op;
	/* a fault draw is a fixed-point comparison, so it consumes one PRNG word */
	uint64_t fault_cut = (uint64_t)(t->o.fault_rate * 18446744073709551615.0);
	uint64_t n = 0;

	for (i = 0; i < torture_nr_ops; i++)
		total[torture_ops[i].kind] += t->weight[i];
	while (!atomic_load_explicit(&t->stop, memory_order_relaxed) &&
	       (!th->quota || n < th->quota)) {
		int rc, e;

		if (th->guest)
			op = draw(th, TOP_GUEST, total[TOP_GUEST]);
		else if (t->o.fault_rate > 0 && t_rand(&th->rng) < fault_cut)
			op = draw(th, TOP_FAULT, total[TOP_FAULT]);
		else
			op = draw(th, TOP_ADMIN, total[TOP_ADMIN]);
		if (op == UINT32_MAX)
			break;
		atomic_store_explicit(&th->cur_op, (int)op, memory_order_relaxed);
		atomic_store_explicit(&th->op_start_ns, t_now_ns(), memory_order_relaxed);
		rc = torture_ops[op].run(t, th);
		atomic_store_explicit(&th->op_start_ns, 0, memory_order_relaxed);
		e = rc < 0 ? -rc : 0;
		bump(&th->err[op][e < T_NERR - 1 ? e : T_NERR - 1]);
		bump(&th->per_op[op]);
		bump(&th->ops);
		n++;
	}
	if (th->guest) /* leave no guest behind: a blocked remove waits for it */
		op_guest_stop(t, th);
	atomic_store(&th->done, true);
}
