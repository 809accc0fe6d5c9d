/* SPDX-License-Identifier: MIT */
/*
 * test_env.c - the uevent core alone (src/kernel/uevent.c, docs/uevents.md
 * §1-§3): key order, the kernel's limits, MODALIAS dropped on unbind, the
 * wire format, the uevent file's read, the synthetic-event grammar with
 * every way to get it wrong, and that a machine without a sink builds
 * nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/klog.h"
#include "kernel/uevent.h"
#include "lockdep/lockdep.h"
#include "recorder.h"
#include "tap.h"

#define UUID "12345678-9abc-def0-1234-56789abcdef0"

static int calls; /* how often card_keys ran */

/* A card-like object: device-core keys, then the bus's. */
static int card_keys(const struct kobj *k, struct kobj_uevent_env *env)
{
	calls++;
	return add_uevent_var(env, "DEVTYPE=ap_card")	      ?:
		       add_uevent_var(env, "DRIVER=cex4card") ?:
		       add_uevent_var(env, "MODALIAS=ap:t0E") ?:
								add_uevent_var(env, "MODE=cca");
}

static void test_limits(void)
{
	struct kobj_uevent_env *env = calloc(1, sizeof(*env));
	char big[UEVENT_BUFFER_SIZE];
	int i, rc = 0;

	for (i = 0; i < UEVENT_NUM_ENVP && !rc; i++)
		rc = add_uevent_var(env, "K%d=v", i);
	tap_ok(!rc && env->envp_idx == UEVENT_NUM_ENVP, "64 keys fit");
	tap_ok(add_uevent_var(env, "ONE=more") == -ENOMEM && env->envp_idx == UEVENT_NUM_ENVP,
	       "the 65th key is ENOMEM and not added");
	memset(env, 0, sizeof(*env));
	memset(big, 'x', sizeof(big));
	big[UEVENT_BUFFER_SIZE - 3] = '\0'; /* "B=" + 2045 x + NUL = 2048 bytes */
	tap_ok(add_uevent_var(env, "B=%s", big + 2) == 0 && env->buflen == UEVENT_BUFFER_SIZE - 2,
	       "2046 bytes of KEY=VALUE\\0 fit");
	tap_ok(add_uevent_var(env, "C=") == -ENOMEM, "3 more bytes do not (2048 in all)");
	tap_ok(add_uevent_var(env, "D") == 0 && env->buflen == UEVENT_BUFFER_SIZE,
	       "... but 2 bytes reach exactly 2048");
	free(env);
}

static void test_order_and_wire(struct uevents *u, struct recorder *r)
{
	struct kobj k;
	const char *ext[] = { "CONFIG=0", "X=y", NULL };
	char wire[512];
	size_t mark = rec_mark(r), n;
	struct kobj_uevent_env env = { 0 };
	struct uevent_msg m = { KOBJ_ADD, "/devices/ap", &env, 7 };

	kobj_init(&k, u, "ap", card_keys, "/devices/ap/card%02x", 3);
	kobject_uevent_env(&k, KOBJ_CHANGE, ext);
	kobject_uevent(&k, KOBJ_UNBIND);
	tap_same_text(rec_since(r, mark),
		      "change /devices/ap/card03 SUBSYSTEM=ap CONFIG=0 X=y DEVTYPE=ap_card "
		      "DRIVER=cex4card MODALIAS=ap:t0E MODE=cca\n"
		      "unbind /devices/ap/card03 SUBSYSTEM=ap DEVTYPE=ap_card DRIVER=cex4card "
		      "MODE=cca\n",
		      "ACTION, DEVPATH, SUBSYSTEM, caller keys, own keys; unbind drops MODALIAS");
	add_uevent_var(&env, "ACTION=add");
	add_uevent_var(&env, "DEVPATH=/devices/ap");
	add_uevent_var(&env, "SUBSYSTEM=ap");
	n = uevent_msg_format(&m, true, wire, sizeof(wire));
	tap_ok(n == sizeof("add@/devices/ap\0ACTION=add\0DEVPATH=/devices/ap\0SUBSYSTEM=ap\0SEQNUM=7") &&
		       !memcmp(wire,
			       "add@/devices/ap\0ACTION=add\0DEVPATH=/devices/ap\0SUBSYSTEM=ap\0SEQNUM=7",
			       n),
	       "wire format: ACTION@DEVPATH, the keys, SEQNUM last, each NUL-terminated");
	tap_ok(uevent_msg_format(&m, false, wire, 4) == n - sizeof("SEQNUM=7"),
	       "without SEQNUM; the length is reported even when the buffer is short");
}

static void test_show(struct uevents *u)
{
	struct kobj k, root;
	char buf[256];

	kobj_init(&k, u, "ap", card_keys, "/devices/ap/card03");
	kobj_init(&root, u, "ap", NULL, "/devices/ap");
	memset(buf, 0, sizeof(buf));
	tap_ok(kobj_uevent_show(&k, buf, sizeof(buf)) > 0 &&
		       !strcmp(buf,
			       "DEVTYPE=ap_card\nDRIVER=cex4card\nMODALIAS=ap:t0E\nMODE=cca\n"),
	       "uevent file: the own keys only, one per line");
	tap_ok(kobj_uevent_show(&root, buf, sizeof(buf)) == 0, "a root device's file is empty");
}

struct synth_case {
	const char *text;
	int rc; /* 0: accepted */
	const char *event;
};

static const struct synth_case synth_cases[] = {
	{ "add", 0,
	  "add /devices/ap/card03 SUBSYSTEM=ap SYNTH_UUID=0 DEVTYPE=ap_card "
	  "DRIVER=cex4card MODALIAS=ap:t0E MODE=cca\n" },
	{ "change\n", 0,
	  "change /devices/ap/card03 SUBSYSTEM=ap SYNTH_UUID=0 DEVTYPE=ap_card "
	  "DRIVER=cex4card MODALIAS=ap:t0E MODE=cca\n" },
	{ "online", 0, NULL },
	{ "offline", 0, NULL },
	{ "move", 0, NULL },
	{ "bind", 0, NULL },
	{ "remove", 0, NULL },
	{ "unbind", 0,
	  "unbind /devices/ap/card03 SUBSYSTEM=ap SYNTH_UUID=0 DEVTYPE=ap_card "
	  "DRIVER=cex4card MODE=cca\n" },
	{ "change " UUID, 0,
	  "change /devices/ap/card03 SUBSYSTEM=ap SYNTH_UUID=" UUID
	  " DEVTYPE=ap_card DRIVER=cex4card MODALIAS=ap:t0E MODE=cca\n" },
	{ "add " UUID " A=1 bb2=Xy\n", 0,
	  "add /devices/ap/card03 SUBSYSTEM=ap SYNTH_UUID=" UUID " SYNTH_ARG_A=1 "
	  "SYNTH_ARG_bb2=Xy DEVTYPE=ap_card DRIVER=cex4card MODALIAS=ap:t0E MODE=cca\n" },
	{ "", -EINVAL, NULL },
	{ "\n", -EINVAL, NULL },
	{ "ad", -EINVAL, NULL },
	{ "adds", -EINVAL, NULL },
	{ "ADD", -EINVAL, NULL },
	{ " add", -EINVAL, NULL },
	{ "add ", -EINVAL, NULL },
	{ "add 1234", -EINVAL, NULL },
	{ "add 12345678-9abc-def0-1234-56789abcdefg", -EINVAL, NULL },
	{ "add 123456789abc-def0-1234-56789abcdef0-", -EINVAL, NULL },
	{ "add " UUID "x", -EINVAL, NULL },
	{ "add " UUID " ", -EINVAL, NULL },
	{ "add " UUID " A", -EINVAL, NULL },
	{ "add " UUID " A=", -EINVAL, NULL },
	{ "add " UUID " =1", -EINVAL, NULL },
	{ "add " UUID "  A=1", -EINVAL, NULL },
	{ "add " UUID " A=1 ", -EINVAL, NULL },
	{ "add " UUID " A-B=1", -EINVAL, NULL },
	{ "add " UUID " A=1=2", -EINVAL, NULL },
	{ "add " UUID " A=\xc3\xa4", -EINVAL, NULL },
	{ "add\n\n", -EINVAL, NULL },
};

static void test_synth(struct uevents *u, struct recorder *r, struct klog *log)
{
	struct kobj k;

	kobj_init(&k, u, "ap", card_keys, "/devices/ap/card03");
	for (size_t i = 0; i < sizeof(synth_cases) / sizeof(synth_cases[0]); i++) {
		const struct synth_case *c = &synth_cases[i];
		size_t mark = rec_mark(r);
		ssize_t rc = kobj_synth_uevent(&k, c->text, strlen(c->text));
		const char *got = rec_since(r, mark);

		if (c->rc)
			tap_ok(rc == c->rc && !*got, "synthetic '%s': EINVAL, no event", c->text);
		else if (c->event)
			tap_same_text(rc == (ssize_t)strlen(c->text) ? got : "(failed)\n", c->event,
				      "synthetic '%s': the byte count and the event", c->text);
		else
			tap_ok(rc == (ssize_t)strlen(c->text) &&
				       !strncmp(got, c->text, strlen(c->text)),
			       "synthetic '%s': accepted", c->text);
	}
	{
		char *log_text = klog_dump(log);

		tap_ok(strstr(log_text, "synth uevent: /devices/ap/card03: unknown uevent action "
					"string") &&
			       strstr(log_text,
				      "synth uevent: /devices/ap/card03: incorrect uevent "
				      "action arguments"),
		       "bad strings are logged as the kernel logs them");
		free(log_text);
	}
}

/* Too many keys: 61 arguments fit the argument list, not the event; 63 do not fit the list. */
static void test_synth_limits(struct uevents *u, struct recorder *r)
{
	char text[2048];
	size_t n = (size_t)snprintf(text, sizeof(text), "add " UUID);
	struct kobj k;
	size_t mark;
	ssize_t rc;

	kobj_init(&k, u, "ap", card_keys, "/devices/ap/card03");
	for (int i = 0; i < 61; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " K%d=%d", i, i);
	mark = rec_mark(r);
	rc = kobj_synth_uevent(&k, text, n);
	tap_ok(rc == -ENOMEM && !*rec_since(r, mark),
	       "62 synthetic keys + 3 + 4 own keys exceed 64: ENOMEM, no event");
	for (int i = 61; i < 64; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " K%d=%d", i, i);
	rc = kobj_synth_uevent(&k, text, n);
	tap_ok(rc == -EINVAL && !*rec_since(r, mark),
	       "64 synthetic keys: EINVAL (the list overflows)");
}

static void test_no_sink(struct uevents *u)
{
	struct kobj k;

	kobj_init(&k, u, "ap", card_keys, "/devices/ap/card03");
	calls = 0;
	tap_ok(kobject_uevent(&k, KOBJ_ADD) == 0 && calls == 0,
	       "no sink and no tap: the event is not even built");
	kobj_init(&k, NULL, "ap", card_keys, "/devices/ap/card03");
	tap_ok(kobject_uevent(&k, KOBJ_ADD) == 0 && kobj_synth_uevent(&k, "add", 3) == 3 &&
		       calls == 0,
	       "an object without an emitter: nothing, and a synthetic write still succeeds");
}

int main(void)
{
	struct ld_ctx *ld = ld_ctx_new();
	struct klog log;
	struct uevents u;
	struct recorder r;
	struct kobj none;

	klog_init(&log, ld);
	uevents_init(&u, ld, &log);
	rec_init(&r);
	test_limits();
	test_no_sink(&u);
	uevents_set_sink(&u, &r.sink);
	test_order_and_wire(&u, &r);
	test_show(&u);
	test_synth(&u, &r, &log);
	test_synth_limits(&u, &r);
	kobj_init(&none, &u, NULL, NULL, "/devices/vfio_ap");
	{
		size_t mark = rec_mark(&r);

		tap_ok(kobj_synth_uevent(&none, "add", 3) == 3 && !*rec_since(&r, mark),
		       "a root device without a bus: the write succeeds, no event");
	}
	tap_ok(r.seq_gaps == 0 && r.events > 0, "SEQNUM grew by one per event (%llu events)",
	       r.events);
	rec_free(&r);
	uevents_destroy(&u);
	klog_destroy(&log);
	ld_ctx_free(ld);
	return tap_done();
}
