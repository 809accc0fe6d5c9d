/* SPDX-License-Identifier: MIT */
/*
 * known.c - explained findings: non-serializable outcomes the explorer finds
 * in the driver as the kernel has it, each matched by the operations, their
 * results and what the final state shows, and explained in
 * docs/explorer.md §6. A table run exits 0 when every finding is explained;
 * anything else (and any deadlock, validator report, leak) stays a finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/ex_int.h"

static const struct ex_known {
	const char *name;
	enum ex_kind kind;
	const char *results; /* every operation's "name=result", sorted */
	const char *state;   /* a line only this run's final state has; "" none may differ */
	const char *why;
} known[] = {
	{ "concurrent-remove", EX_NONSERIAL, "remove=1 remove=1", "",
	  "two writers of one mdev's remove file both succeed: the second finds the removal "
	  "under way and returns success instead of ENOENT; the final state is the serial one" },
	{ "open-while-removing", EX_NONSERIAL, "guest_open=-19 remove=1", "",
	  "a guest opening the mdev while its remove waits for the VFIO core gets ENODEV, "
	  "not the ENOENT of an mdev already gone" },
	{ "adapter-without-domains", EX_NONSERIAL, "host_config=5 unbind=7", "/guest_matrix: 03.",
	  "the HMC takes domain 5 while 03.0005 is unbound: the configuration callback drops "
	  "domain 5 from the guest's APCB first, so the queue's remove finds 03.0005 outside "
	  "the APCB and leaves adapter 03 there, with no domain (no queue is reachable)" },
	{ "reset-in-config-window", EX_NONSERIAL, "host_config=5 reset=-5", "",
	  "VFIO_DEVICE_RESET between the HMC's change and the bus scan that removes 03.0005 "
	  "resets a queue the hardware no longer has: ZAPQ answers 01 and the ioctl EIO" },
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "name=result" of every operation, sorted, space-separated. */
static void results_text(const struct ex_opts *o, const long *results, char *buf, size_t len)
{
	char tok[EX_MAX_OPS][64];
	char *p[EX_MAX_OPS];
	size_t off = 0;

	for (unsigned i = 0; i < o->nops; i++) {
		snprintf(tok[i], sizeof(tok[i]), "%s=%ld", ex_op_name(o->ops[i]), results[i]);
		p[i] = tok[i];
	}
	qsort(p, o->nops, sizeof(p[0]), cmp_str);
	buf[0] = '\0';
	for (unsigned i = 0; i < o->nops && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", p[i]);
}

/* Whether a "+" line of the diff (this run's side) contains text. */
static bool added_line(const char *diff, const char *text)
{
	for (const char *p = diff; *p;) {
		size_t l = strcspn(p, "\n");

		if (!strncmp(p, "  + ", 4) && memmem(p, l, text, strlen(text)))
			return true;
		p += l + (p[l] == '\n');
	}
	return false;
}

int ex_known_match(const struct ex_opts *o, enum ex_kind kind, const long *results,
		   const char *diff)
{
	char text[EX_MAX_OPS * 64];

	results_text(o, results, text, sizeof(text));
	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct ex_known *k = &known[i];

		if (k->kind != kind || strcmp(k->results, text))
			continue;
		if (*k->state ? added_line(diff, k->state) : !*diff)
			return (int)i;
	}
	return -1;
}

unsigned ex_known_count(void)
{
	return sizeof(known) / sizeof(known[0]);
}

const char *ex_known_name(int id)
{
	return id >= 0 && id < (int)ex_known_count() ? known[id].name : NULL;
}

const char *ex_known_why(int id)
{
	return id >= 0 && id < (int)ex_known_count() ? known[id].why : NULL;
}
