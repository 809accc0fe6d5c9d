/* SPDX-License-Identifier: MIT */
/*
 * ops.c - the operations the explorer runs concurrently and the initial
 * states they start from (docs/explorer.md, "Operations").
 *
 * Every operation is what a user or QEMU does, through the sysfs tree and
 * the sim/ files, with fixed arguments chosen so that two operations meet
 * on the same locks and objects while each touches few queues (a search
 * grows with the number of critical sections). The initial state, on the
 * built-in default host (cards 03-06, domains 0-15):
 *   boot ap.apmask = all but 0x07 (no card 7: a bit `apmask` can set),
 *        ap.aqmask = all but 5 and 6: vfio_ap gets the 8 queues XX.0005
 *        and XX.0006 of the four cards
 *   mdev A: 03.0005, control domain 1
 *   04.0005 unbound from vfio_ap (so that `bind` has a queue to bind)
 * and, "attached", a guest started on A. QEMU's request handler (a thread
 * in both states) waits on the request eventfd of A's guest and stops the
 * guest when the driver asks for the device back (mdev remove, request).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "explore/ex_int.h"
#include "sim/sim.h"
#include "sysfs/sysfs.h"
#include "vfio_ap/vfio_ap_private.h"

#define UUID_A "aaaaaaaa-0000-4000-8000-00000000000a"
#define UUID_B "bbbbbbbb-0000-4000-8000-00000000000b"
#define MDEV_A "devices/vfio_ap/matrix/" UUID_A "/"
#define TYPE "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/"

enum op_how { W, REQUEST, OPEN };

static const struct ex_op {
	const char *name;
	enum op_how how;
	const char *path, *value;
	bool guest; /* only meaningful with a guest attached */
	const char *help;
} ops[] = {
	{ "assign_adapter", W, MDEV_A "assign_adapter", "4", false, "assign adapter 04 to A" },
	{ "unassign_adapter", W, MDEV_A "unassign_adapter", "3", false, "unassign A's adapter 03" },
	{ "assign_domain", W, MDEV_A "assign_domain", "6", false, "assign domain 6 to A" },
	{ "unassign_domain", W, MDEV_A "unassign_domain", "5", false, "unassign A's domain 5" },
	{ "assign_control_domain", W, MDEV_A "assign_control_domain", "2", false,
	  "assign control domain 2 to A" },
	{ "unassign_control_domain", W, MDEV_A "unassign_control_domain", "1", false,
	  "unassign A's control domain 1" },
	{ "ap_config", W, MDEV_A "ap_config", "0x18,0x06,0x60", false,
	  "A's ap_config: adapters 03,04, domains 5,6, control domains 1,2" },
	{ "create", W, TYPE "create", UUID_B, false, "create mdev B" },
	{ "remove", W, MDEV_A "remove", "1", false, "remove mdev A (blocks while a guest has it)" },
	{ "guest_open", OPEN, "sim/guests/start", UUID_A, false,
	  "start a guest on A (open_device; QEMU registers its request eventfd)" },
	{ "guest_close", W, "sim/guests/stop", UUID_A, true, "stop A's guest (close_device)" },
	{ "aqic", W, "sim/guests/" UUID_A "/aqic", "03.0005 enable 3 0x10000", true,
	  "A's guest enables interrupts of 03.0005 (PQAP AQIC)" },
	{ "apmask", W, "bus/ap/apmask", "+0x07", false,
	  "apmask +0x07: adapter 07 back to the host (in_use, 2 queues rebound)" },
	{ "aqmask", W, "bus/ap/aqmask", "+0x06", false,
	  "aqmask +0x06: domain 6 back to the host (in_use, 3 queues rebound)" },
	{ "bind", W, "bus/ap/drivers/vfio_ap/bind", "04.0005", false, "bind 04.0005 to vfio_ap" },
	{ "unbind", W, "bus/ap/drivers/vfio_ap/unbind", "03.0005", false,
	  "unbind 03.0005 from vfio_ap" },
	{ "host_config", W, "sim/host/usage_domains", "-0x05", false,
	  "the HMC takes domain 5 away (bus scan, config callbacks)" },
	{ "request", REQUEST, NULL, NULL, true,
	  "the VFIO core asks for A back (the driver's request callback)" },
	{ "reset", W, "sim/guests/" UUID_A "/reset", "1", true, "A's guest resets the device" },
};

#define NR_OPS (sizeof(ops) / sizeof(ops[0]))

int ex_op_lookup(const char *name)
{
	for (unsigned i = 0; i < NR_OPS; i++)
		if (!strcmp(ops[i].name, name))
			return (int)i;
	return -1;
}

unsigned ex_op_count(void)
{
	return NR_OPS;
}

const char *ex_op_name(int kind)
{
	return kind >= 0 && (unsigned)kind < NR_OPS ? ops[kind].name : "qemu";
}

const char *ex_op_help(int kind)
{
	return ops[kind].help;
}

bool ex_op_needs_guest(int kind)
{
	return ops[kind].guest;
}

const char *ex_state_name(enum ex_state s)
{
	return s == EX_ATTACHED ? "attached" : "detached";
}

int ex_state_parse(const char *name, enum ex_state *s)
{
	if (!strcmp(name, "detached"))
		*s = EX_DETACHED;
	else if (!strcmp(name, "attached"))
		*s = EX_ATTACHED;
	else
		return -EINVAL;
	return 0;
}

static long wr(struct ex_exec *x, const char *path, const char *value)
{
	return sysfs_write(x->fs, path, value, strlen(value));
}

struct ap_matrix_mdev *ex_mdev_a(struct ex_exec *x)
{
	return vfio_ap_mdev_get(sim_matrix_dev(x->sim), UUID_A);
}

/*
 * The explorer's host is small, so that a boot costs little: CEX8C cards
 * 03, 04 and 07, usage domains 5 and 6, control domains 1, 2, 5 and 6.
 * Adapter 07 and domains 5 and 6 belong to vfio_ap (apmask and aqmask), so
 * the six queues start bound to it.
 */
void ex_boot_config(struct sim_config *cfg)
{
	static const unsigned cards[] = { 0x03, 0x04, 0x07 };

	sim_config_init(cfg);
	for (unsigned i = 0; i < sizeof(cards) / sizeof(cards[0]); i++) {
		struct ap_card_cfg *c = &cfg->machine.cards[cards[i]];

		*c = (struct ap_card_cfg){ .present = true,
					   .type = AP_DEVICE_TYPE_CEX8,
					   .kind = AP_KIND_CCA,
					   .config = true };
		ap_card_fw_default(&c->fw, AP_KIND_CCA);
	}
	bm_set(&cfg->machine.usage_domains, 5);
	bm_set(&cfg->machine.usage_domains, 6);
	bm_set(&cfg->machine.control_domains, 1);
	bm_set(&cfg->machine.control_domains, 2);
	bm_set(&cfg->machine.control_domains, 5);
	bm_set(&cfg->machine.control_domains, 6);
	bm_clear(&cfg->apmask, 7);
	bm_clear(&cfg->aqmask, 5);
	bm_clear(&cfg->aqmask, 6);
}

int ex_setup_state(struct ex_exec *x, enum ex_state state, char *err, size_t errlen)
{
	static const char *const steps[][2] = {
		{ TYPE "create", UUID_A },
		{ MDEV_A "assign_adapter", "3" },
		{ MDEV_A "assign_domain", "5" },
		{ MDEV_A "assign_control_domain", "1" },
		{ "bus/ap/drivers/vfio_ap/unbind", "04.0005" },
	};
	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		long rc = wr(x, steps[i][0], steps[i][1]);

		if (rc < 0) {
			snprintf(err, errlen, "initial state: write %s: %s", steps[i][0],
				 strerror((int)-rc));
			return -1;
		}
	}
	if (state != EX_ATTACHED)
		return 0;
	if (sim_guest_start(x->sim, UUID_A, &x->req_efd) < 0) {
		snprintf(err, errlen, "initial state: cannot start a guest on A");
		return -1;
	}
	return 0;
}

long ex_op_run(struct ex_exec *x, struct ex_thread *t)
{
	const struct ex_op *op = &ops[t->kind];
	struct ap_matrix_mdev *m;

	if (op->how == W)
		return wr(x, op->path, op->value);
	if (op->how == OPEN) /* QEMU opens the device and registers its request notifier */
		return sim_guest_start(x->sim, UUID_A, &x->req_efd);
	m = ex_mdev_a(x); /* the VFIO core holds its device while it asks */
	if (!m)
		return -ENODEV;
	vfio_ap_mdev_request(m, 0);
	vfio_ap_mdev_put(m);
	return 0;
}

/*
 * QEMU's request handler: sleeps on the request eventfd; each time the
 * driver signals it, QEMU releases the device (the guest is stopped; a
 * stop of a guest already gone is harmless). It ends when the explorer
 * winds the execution down.
 */
void ex_qemu_run(struct ex_exec *x, struct ex_thread *t)
{
	unsigned long long seen = 0;

	for (;;) {
		kwait_event(&x->req_efd.wq, x->stopping || keventfd_count(&x->req_efd) > seen);
		if (keventfd_count(&x->req_efd) == seen)
			return; /* stopping */
		seen = keventfd_count(&x->req_efd);
		t->result = wr(x, "sim/guests/stop", UUID_A);
	}
}

const struct vfio_ap_lock_ops *ex_lops(const char *name)
{
	static const struct vfio_ap_lock_ops *const named[] = {
		&vfio_ap_lock_merged,
		&vfio_ap_lock_v18,
		&vfio_ap_lock_v18_blocking,
	};

	for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (!strcmp(named[i]->name, name))
			return named[i];
	for (unsigned i = 0; vfio_ap_lock_mutants[i]; i++)
		if (!strcmp(vfio_ap_lock_mutants[i]->name, name))
			return vfio_ap_lock_mutants[i];
	return NULL;
}
