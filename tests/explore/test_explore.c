/* SPDX-License-Identifier: MIT */
/*
 * test_explore.c - the deadlock explorer (docs/explorer.md) on operations
 * whose answer is known:
 *
 *  - v18-blocking deadlocks on assign_adapter + apmask with one preemption,
 *    and the replay string it prints runs that deadlock again, step for
 *    step (the same event hash, twice);
 *  - v18 gives a spurious EBUSY (non-serializable) on assign_domain +
 *    apmask; merged is clean there;
 *  - each mutant locking table is caught with its smallest schedule;
 *  - an explained finding is named and does not count as a failure;
 *  - a preemption bound below the deadlock's misses it, the next finds it;
 *    seeded PCT finds it too;
 *  - DPOR and the exhaustive search see the same outcomes (DPOR with far
 *    fewer executions), and DPOR gives the same counts twice;
 *  - every footprint address belongs to a registered kernel object;
 *  - bad replay strings are refused with a reason.
 *
 * It runs in every build (the sanitizers watch the explorer's threads);
 * the full pair tables are checked against docs/locking.md by
 * scripts/check-explore-docs.py in the gcc and clang builds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "tap.h"

static struct ex_opts opts(const char *variant, enum ex_state state, const char *a, const char *b)
{
	struct ex_opts o = { .lops = ex_lops(variant),
			     .state = state,
			     .nops = 2,
			     .mode = EX_MODE_DPOR,
			     .minimize = true,
			     .cpu = -1 };

	o.ops[0] = ex_op_lookup(a);
	o.ops[1] = ex_op_lookup(b);
	return o;
}

static int explore(const struct ex_opts *o, struct ex_result *r)
{
	int rc = ex_explore(o, r);

	if (r->error)
		tap_diag("exploration error: %s", r->error);
	return rc;
}

/* Replays a replay string; the result in r. */
static int replay(const char *str, struct ex_result *r)
{
	struct ex_opts o = { .cpu = -1 };
	char err[256];

	if (ex_replay_parse(str, &o, ex_lops, err, sizeof(err))) {
		tap_diag("replay string refused: %s", err);
		memset(r, 0, sizeof(*r));
		return -1;
	}
	return explore(&o, r);
}

static unsigned long long raw_keys;

static void v18_blocking_deadlock(void)
{
	struct ex_opts o = opts("v18-blocking", EX_DETACHED, "assign_adapter", "apmask");
	struct ex_result r, r1, r2;

	explore(&o, &r);
	raw_keys += r.raw_keys;
	tap_ok(r.best.kind == EX_DEADLOCK && ex_result_failed(&r),
	       "v18-blocking, assign_adapter + apmask: a deadlock (got %s)",
	       ex_kind_name(r.best.kind));
	tap_ok(r.best.preemptions == 1, "  with one preemption (got %u)", r.best.preemptions);
	tap_ok(r.best.report && strstr(r.best.report, "DEADLOCK") &&
		       strstr(r.best.report, "ap_perms_mutex") &&
		       strstr(r.best.report, "&matrix_dev->guests_lock"),
	       "  the report names the two locks of the cycle");
	if (!r.best.replay) {
		tap_ok(false, "  a replay string");
		ex_result_free(&r);
		return;
	}
	replay(r.best.replay, &r1);
	replay(r.best.replay, &r2);
	tap_ok(r1.executions == 1 && r1.best.kind == EX_DEADLOCK,
	       "  its replay string deadlocks again in one execution (%llu, %s)", r1.executions,
	       ex_kind_name(r1.best.kind));
	tap_ok(r1.best.events == r.best.events && r2.best.events == r.best.events,
	       "  step for step: the same event hash (%016llx) twice",
	       (unsigned long long)r.best.events);
	tap_ok(r1.best.report && r2.best.report && !strcmp(r1.best.report, r2.best.report),
	       "  and the same report twice");
	ex_result_free(&r);
	ex_result_free(&r1);
	ex_result_free(&r2);
}

static void v18_nonserial(void)
{
	struct ex_opts o = opts("v18", EX_DETACHED, "assign_domain", "apmask");
	struct ex_result r;

	explore(&o, &r);
	raw_keys += r.raw_keys;
	tap_ok(r.complete && r.best.kind == EX_NONSERIAL && r.best.known < 0,
	       "v18, assign_domain + apmask: non-serializable, unexplained (got %s)",
	       ex_kind_name(r.best.kind));
	tap_ok(r.best.report && strstr(r.best.report, "apmask=-16"),
	       "  the mask store's spurious EBUSY is in the report");
	tap_ok(r.best.preemptions == 1, "  with one preemption (got %u)", r.best.preemptions);
	ex_result_free(&r);
	o.lops = ex_lops("merged");
	explore(&o, &r);
	tap_ok(r.complete && r.best.kind == EX_OK && r.error == NULL,
	       "merged, the same operations: clean, every schedule covered (%llu executions)",
	       r.executions);
	ex_result_free(&r);
}

static void mutants(void)
{
	static const struct {
		const char *variant;
		enum ex_state state;
		const char *a, *b;
		enum ex_kind kind;
		unsigned preemptions;
	} m[] = {
		{ "mutant-swap", EX_DETACHED, "assign_adapter", "apmask", EX_DEADLOCK, 1 },
		{ "mutant-nolock", EX_DETACHED, "assign_adapter", "assign_adapter", EX_VALIDATOR,
		  0 },
		{ "mutant-leak", EX_ATTACHED, "apmask", "reset", EX_HELD_AT_EXIT, 1 },
		{ "mutant-nested-read", EX_ATTACHED, "guest_close", "aqic", EX_VALIDATOR, 0 },
	};

	for (unsigned i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		struct ex_opts o = opts(m[i].variant, m[i].state, m[i].a, m[i].b);
		struct ex_result r;

		explore(&o, &r);
		raw_keys += r.raw_keys;
		tap_ok(r.best.kind == m[i].kind && r.best.preemptions == m[i].preemptions &&
			       ex_result_failed(&r),
		       "%s caught on %s + %s (%s): %s with %u preemption(s) (got %s, %u)",
		       m[i].variant, m[i].a, m[i].b, ex_state_name(m[i].state),
		       ex_kind_name(m[i].kind), m[i].preemptions, ex_kind_name(r.best.kind),
		       r.best.preemptions);
		ex_result_free(&r);
	}
}

static int known_id(const char *name)
{
	for (unsigned i = 0; i < ex_known_count(); i++)
		if (!strcmp(ex_known_name((int)i), name))
			return (int)i;
	return -1;
}

static void explained(void)
{
	struct ex_opts o = opts("merged", EX_DETACHED, "remove", "remove");
	struct ex_result r;

	explore(&o, &r);
	raw_keys += r.raw_keys;
	tap_ok(r.complete && r.best.kind == EX_NONSERIAL &&
		       r.best.known == known_id("concurrent-remove") && !ex_result_failed(&r),
	       "merged, remove + remove: the explained finding concurrent-remove, not a failure");
	tap_ok(r.explained > 0 && r.failures[EX_NONSERIAL] == 0 &&
		       r.known_mask == 1u << known_id("concurrent-remove"),
	       "  counted as explained (%llu executions), nothing else", r.explained);
	ex_result_free(&r);
	o = opts("merged", EX_ATTACHED, "host_config", "reset");
	explore(&o, &r);
	raw_keys += r.raw_keys;
	tap_ok(r.complete && r.best.known == known_id("reset-in-config-window") &&
		       !ex_result_failed(&r),
	       "merged, host_config + reset with a guest: reset-in-config-window");
	ex_result_free(&r);
}

static void bounded_and_pct(void)
{
	struct ex_opts o = opts("v18-blocking", EX_DETACHED, "assign_adapter", "apmask");
	struct ex_result r;

	o.mode = EX_MODE_BOUNDED;
	o.bound = 0;
	explore(&o, &r);
	raw_keys += r.raw_keys;
	tap_ok(r.complete && r.bounded && r.failures[EX_DEADLOCK] == 0,
	       "bound 0 (serial schedules only): no deadlock (%llu executions)", r.executions);
	ex_result_free(&r);
	o.bound = 1;
	explore(&o, &r);
	tap_ok(r.best.kind == EX_DEADLOCK && r.best.preemptions == 1,
	       "bound 1: the deadlock (got %s)", ex_kind_name(r.best.kind));
	ex_result_free(&r);
	o.mode = EX_MODE_PCT;
	o.pct_depth = 2;
	o.pct_runs = 200;
	o.seed = 3;
	explore(&o, &r);
	tap_ok(r.best.kind == EX_DEADLOCK && !r.complete,
	       "PCT depth 2, seed 3: the deadlock within %llu runs (never 'complete')",
	       r.executions);
	ex_result_free(&r);
}

static void reduction_and_determinism(void)
{
	static const struct {
		const char *variant;
		const char *a, *b;
	} p[] = {
		{ "v18", "assign_domain", "apmask" },
		{ "merged", "guest_open", "bind" },
	};

	for (unsigned i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		struct ex_opts o = opts(p[i].variant, EX_DETACHED, p[i].a, p[i].b);
		struct ex_result d, n;

		explore(&o, &d);
		o.mode = EX_MODE_NAIVE;
		explore(&o, &n);
		raw_keys += d.raw_keys + n.raw_keys;
		tap_ok(d.complete && n.complete && d.outcomes == n.outcomes &&
			       d.best.kind == n.best.kind,
		       "%s %s + %s: DPOR and every schedule see the same %u outcome(s) and verdict",
		       p[i].variant, p[i].a, p[i].b, n.outcomes);
		tap_ok(d.executions * 20 < n.executions,
		       "  DPOR with far fewer executions (%llu against %llu)", d.executions,
		       n.executions);
		ex_result_free(&d);
		ex_result_free(&n);
	}
	{
		struct ex_opts o = opts("merged", EX_ATTACHED, "aqmask", "request");
		struct ex_result a, b;

		explore(&o, &a);
		explore(&o, &b);
		raw_keys += a.raw_keys + b.raw_keys;
		tap_ok(a.complete && a.executions == b.executions && a.steps == b.steps &&
			       a.sleep_blocked == b.sleep_blocked && a.outcomes == b.outcomes,
		       "DPOR is deterministic: aqmask + request twice, %llu executions and %llu "
		       "steps both times",
		       a.executions, a.steps);
		ex_result_free(&a);
		ex_result_free(&b);
	}
}

static void bad_replays(void)
{
	static const struct {
		const char *s, *why;
	} bad[] = {
		{ "", "expected ex1" },
		{ "ex2:merged:detached:remove:0:start", "not a replay string" },
		{ "ex1:nosuch:detached:remove:0:start", "unknown variant" },
		{ "ex1:merged:sideways:remove:0:start", "unknown state" },
		{ "ex1:merged:detached:remove+jump:0:start", "bad operation 'jump'" },
		{ "ex1:merged:detached::0:start", "no operations" },
	};
	struct ex_result r;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ex_opts o = { .cpu = -1 };
		char err[256] = "";
		int rc = ex_replay_parse(bad[i].s, &o, ex_lops, err, sizeof(err));

		tap_ok(rc == -EINVAL && strstr(err, bad[i].why),
		       "replay '%s' refused: %s (got %d, '%s')", bad[i].s, bad[i].why, rc, err);
	}
	replay("ex1:merged:detached:remove+remove:0:start|&kvm->lock", &r);
	tap_ok(r.error && strstr(r.error, "replay diverges"),
	       "a schedule the operations do not follow is refused: %s", r.error ? r.error : "");
	ex_result_free(&r);
	replay("ex1:merged:detached:remove+remove:0:start", &r);
	tap_ok(r.error != NULL, "a schedule that ends before the operations is refused: %s",
	       r.error ? r.error : "");
	ex_result_free(&r);
}

int main(void)
{
	v18_blocking_deadlock();
	v18_nonserial();
	mutants();
	explained();
	bounded_and_pct();
	reduction_and_determinism();
	bad_replays();
	tap_ok(raw_keys == 0,
	       "every footprint address lay in a registered kernel object (%llu did not)",
	       raw_keys);
	return tap_done();
}
