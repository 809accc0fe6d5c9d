/* SPDX-License-Identifier: MIT */
/*
 * outcome.c - what an execution produced, and the checks after it.
 *
 * The outcome of an execution is each operation's result (byte count or
 * errno) and the final sysfs-visible state: apmask, aqmask, the bindings,
 * every queue's driver and status, every mdev's matrix, guest_matrix and
 * control_domains, the instance count, the host configuration and each
 * guest's APCB and last AQIC answer. The kernel log is not part of it
 * (its order is the one thing concurrent runs may change on purpose).
 * Two executions are equivalent when results and state text are equal.
 *
 * After the outcome is taken (the scheduler removed, every thread finished),
 * the host is checked: validator reports, locks held by an operation when
 * it returned, the consistency check (sim_check) and the shutdown's leak
 * check (sim_free).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/ex_int.h"
#include "sim/sim.h"
#include "sysfs/sysfs.h"

static void put_file(struct ex_text *t, struct sysfs *fs, const char *path)
{
	char buf[SYSFS_PAGE + 1];
	ssize_t n = sysfs_read(fs, path, buf, SYSFS_PAGE);

	if (n < 0) {
		ex_put(t, "%s: -%d\n", path, (int)-n);
		return;
	}
	buf[n] = '\0';
	ex_put(t, "%s:\n%s", path, buf);
	if (n && buf[n - 1] != '\n')
		ex_put(t, "\n");
}

struct names {
	char list[64][48];
	unsigned n;
};

static void collect(void *arg, const char *name, enum sysfs_type type)
{
	struct names *l = arg;

	(void)type;
	if (l->n < 64 && strlen(name) < sizeof(l->list[0]))
		strcpy(l->list[l->n++], name);
}

static void put_queues(struct ex_text *t, struct sysfs *fs)
{
	struct names cards = { .n = 0 };
	char path[160], link[128];

	sysfs_list(fs, "devices/ap", collect, &cards);
	for (unsigned c = 0; c < cards.n; c++) {
		struct names qs = { .n = 0 };

		if (strncmp(cards.list[c], "card", 4))
			continue;
		snprintf(path, sizeof(path), "devices/ap/%s", cards.list[c]);
		sysfs_list(fs, path, collect, &qs);
		for (unsigned q = 0; q < qs.n; q++) {
			ssize_t n;

			if (!strchr(qs.list[q], '.'))
				continue;
			snprintf(path, sizeof(path), "devices/ap/%s/%s/driver", cards.list[c],
				 qs.list[q]);
			n = sysfs_readlink(fs, path, link, sizeof(link) - 1);
			link[n > 0 ? n : 0] = '\0';
			ex_put(t, "%s %s", qs.list[q], n > 0 ? strrchr(link, '/') + 1 : "-");
			snprintf(path, sizeof(path), "devices/ap/%s/%s/status", cards.list[c],
				 qs.list[q]);
			if (sysfs_type_of(fs, path, true) == SYSFS_FILE) {
				char buf[64];

				n = sysfs_read(fs, path, buf, sizeof(buf) - 1);
				buf[n > 0 ? n : 0] = '\0';
				ex_put(t, " %s", buf);
			} else {
				ex_put(t, "\n");
			}
		}
	}
}

static void put_mdevs(struct ex_text *t, struct sysfs *fs)
{
	static const char *const files[] = { "matrix", "guest_matrix", "control_domains" };
	struct names l = { .n = 0 };
	char path[160];

	sysfs_list(fs, "bus/mdev/devices", collect, &l);
	for (unsigned i = 0; i < l.n; i++)
		for (unsigned f = 0; f < 3; f++) {
			snprintf(path, sizeof(path), "bus/mdev/devices/%s/%s", l.list[i], files[f]);
			put_file(t, fs, path);
		}
}

static void put_guests(struct ex_text *t, struct sysfs *fs)
{
	struct names l = { .n = 0 };
	char path[160];

	sysfs_list(fs, "sim/guests", collect, &l);
	for (unsigned i = 0; i < l.n; i++) {
		if (strlen(l.list[i]) != 36)
			continue;
		snprintf(path, sizeof(path), "sim/guests/%s/apcb", l.list[i]);
		put_file(t, fs, path);
		snprintf(path, sizeof(path), "sim/guests/%s/aqic", l.list[i]);
		put_file(t, fs, path);
	}
}

static char *state_text(struct sysfs *fs)
{
	static const char *const files[] = {
		"bus/ap/apmask",
		"bus/ap/aqmask",
		"bus/ap/bindings",
		"sim/host/adapters",
		"sim/host/usage_domains",
		"sim/host/control_domains",
		"devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/available_instances",
	};
	struct ex_text t = { 0 };

	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		put_file(&t, fs, files[i]);
	put_queues(&t, fs);
	put_mdevs(&t, fs);
	put_guests(&t, fs);
	return t.p ? t.p : strdup("");
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void detail(struct ex_outcome *out, enum ex_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void detail(struct ex_outcome *out, enum ex_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (out->kind != EX_OK)
		return;
	out->kind = kind;
	va_start(ap, fmt);
	if (vasprintf(&out->detail, fmt, ap) < 0)
		out->detail = NULL;
	va_end(ap);
}

void ex_outcome_capture(struct ex_exec *x, struct ex_outcome *out)
{
	unsigned nops = 0;

	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < x->nthreads; i++)
		if (!x->th[i].daemon)
			out->results[nops++] = x->th[i].result;
	out->state = state_text(x->fs);
	out->digest = hash(out->state);
}

/*
 * An operation that returned holding a lock, or QEMU's handler unable to
 * finish, leaves a host nothing may touch: reading its state or shutting it
 * down would wait for that lock forever. Such an execution is reported
 * from what the threads say, and its host stays as it is.
 */
static bool stuck(struct ex_exec *x, struct ex_outcome *out)
{
	bool held = false, blocked = false;
	unsigned nops = 0;

	for (unsigned i = 0; i < x->nthreads; i++) {
		held |= x->th[i].held_at_exit != 0;
		blocked |= !x->th[i].done;
	}
	if (!held && !blocked)
		return false;
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < x->nthreads; i++)
		if (!x->th[i].daemon)
			out->results[nops++] = x->th[i].result;
	out->state = strdup("");
	for (unsigned i = 0; i < x->nthreads; i++)
		if (x->th[i].held_at_exit)
			detail(out, EX_HELD_AT_EXIT, "%s returned holding locks:\n%s",
			       x->th[i].label, x->th[i].held_text ? x->th[i].held_text : "");
	if (out->kind == EX_OK) {
		char *r = ex_deadlock_report(x);

		detail(out, EX_DEADLOCK, "QEMU's request handler cannot finish\n%s", r ? r : "");
		free(r);
	}
	return true;
}

void ex_exec_finish(struct ex_exec *x, struct ex_outcome *out)
{
	char report[8192];
	unsigned reports;

	if (stuck(x, out))
		return; /* x->sim stays: the caller keeps x */
	ld_set_sched(x->ld, NULL, NULL);
	for (unsigned i = 0; i < x->nthreads; i++)
		if (x->th[i].started) {
			while (sem_wait(&x->th[i].gone) && errno == EINTR)
				;
			sem_destroy(&x->th[i].gone);
			sem_destroy(&x->th[i].go);
		}
	ex_outcome_capture(x, out);
	if (x->setup_error)
		detail(out, EX_SETUP, "%s", x->setup_error);
	reports = ld_nr_reports(x->ld);
	if (reports) {
		char *txt = ld_report_text(x->ld);

		detail(out, EX_VALIDATOR, "%s", txt ? txt : "");
		free(txt);
	}
	for (unsigned i = 0; i < x->nthreads; i++)
		if (x->th[i].held_at_exit)
			detail(out, EX_HELD_AT_EXIT, "%s returned holding locks:\n%s",
			       x->th[i].label, x->th[i].held_text ? x->th[i].held_text : "");
	if (sim_check(x->sim, report, sizeof(report)))
		detail(out, EX_INCONSISTENT, "%s", report);
	if (sim_free(x->sim, report, sizeof(report)))
		detail(out, EX_LEAK, "%s", report);
	x->sim = NULL;
	keventfd_destroy(&x->req_efd);
	for (unsigned i = 0; i < x->nthreads; i++)
		free(x->th[i].held_text);
	free(x->setup_error);
	x->setup_error = NULL;
	sem_destroy(&x->back);
	free(x->objs);
	x->objs = NULL;
	x->nobjs = x->cap_objs = 0;
}

void ex_exec_free_trace(struct ex_exec *x)
{
	free(x->steps);
	free(x->fp);
	x->steps = NULL;
	x->fp = NULL;
	x->nsteps = x->nfp = x->cap_steps = x->cap_fp = 0;
}

void ex_outcome_free(struct ex_outcome *out)
{
	free(out->state);
	free(out->detail);
	out->state = out->detail = NULL;
}

bool ex_outcome_same(const struct ex_outcome *a, const struct ex_outcome *b, unsigned nops)
{
	for (unsigned i = 0; i < nops; i++)
		if (a->results[i] != b->results[i])
			return false;
	return a->digest == b->digest && !strcmp(a->state, b->state);
}
