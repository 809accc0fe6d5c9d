/* SPDX-License-Identifier: MIT */
/*
 * test_misc.c - assertions, pin cookies, thread exit, the switches.
 *
 * Should report: lockdep_assert_held on a lock not held, releasing a
 * pinned lock, a thread leaving (ld_thread_exit, or just returning) with a
 * lock held, and with ld_set_abort_on_deadlock an AA aborts (in a child
 * process). Should NOT report: the same assertions when true, pin/unpin
 * in pairs, and anything at all with ld_set_enabled(false).
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ldtest.h"

struct misc {
	struct ld_ctx *ctx;
	struct kmutex m;
	struct krwsem s;
};

/* deliberate misuse: clang -Wthread-safety flags it statically too */
static void leave_locked(void *arg) NO_THREAD_SAFETY_ANALYSIS
{
	struct misc *x = arg;

	kmutex_lock(&x->m);
	ld_thread_exit(x->ctx);
}

/* deliberate misuse: clang -Wthread-safety flags it statically too */
static void return_locked(void *arg) NO_THREAD_SAFETY_ANALYSIS
{
	struct misc *x = arg;

	down_read(&x->s);
}

/* deliberate misuse: clang -Wthread-safety flags it statically too */
static void asserts(struct misc *x) NO_THREAD_SAFETY_ANALYSIS
{
	struct ld_pin_cookie c;

	kmutex_lock(&x->m);
	down_read(&x->s);
	lockdep_assert_held(&x->m);
	lockdep_assert_held_read(&x->s);
	lockdep_assert_not_held(&x->s); /* wrong: it is held */
	c = lockdep_pin_lock(&x->m);
	lockdep_unpin_lock(&x->m, c);
	up_read(&x->s);
	kmutex_unlock(&x->m);
	tap_ok(ld_nr_reports(x->ctx) == 1, "not_held on a held rwsem: should report");
	lockdep_assert_held(&x->m);
	tap_ok(ld_nr_reports(x->ctx) == 2, "assert_held on a free mutex: should report");
	kmutex_lock(&x->m);
	c = lockdep_pin_lock(&x->m);
	kmutex_unlock(&x->m);
	tap_ok(ld_nr_reports(x->ctx) == 3, "releasing a pinned lock: should report");
	kmutex_lock(&x->m);
	lockdep_unpin_lock(&x->m, c);
	tap_ok(ld_nr_reports(x->ctx) == 4, "unpin with a stale cookie: should report");
	kmutex_unlock(&x->m);
}

/* deliberate misuse: clang -Wthread-safety flags it statically too */
static void switches(struct misc *x) NO_THREAD_SAFETY_ANALYSIS
{
	unsigned n = ld_nr_reports(x->ctx);
	pid_t pid;
	int st;

	ld_set_enabled(x->ctx, false);
	kmutex_lock(&x->m);
	lockdep_assert_not_held(&x->m);
	kmutex_unlock(&x->m);
	kmutex_unlock(&x->m);
	tap_ok(ld_nr_reports(x->ctx) == n && !kmutex_is_locked(&x->m),
	       "checking off: should NOT report, wrappers still lock");
	ld_set_enabled(x->ctx, true);
	pid = fork();
	if (pid == 0) {
		close(2);
		ld_set_abort_on_deadlock(x->ctx, true);
		kmutex_lock(&x->m);
		kmutex_lock(&x->m);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT,
	       "AA with ld_set_abort_on_deadlock: should report and abort");
}

int main(void)
{
	struct misc x = { .ctx = ld_ctx_new() };
	char *text;

	kmutex_init(&x.m, x.ctx, "&m");
	krwsem_init(&x.s, x.ctx, "&s");
	asserts(&x);

	run_thread("leaver", leave_locked, &x);
	text = ld_report_text(x.ctx);
	tap_ok(ld_nr_reports(x.ctx) == 5 &&
		       has_line(text, "WARNING: lock held when thread exits!") &&
		       has_line(text, "leaver/2 is exiting with locks still held!"),
	       "ld_thread_exit with a lock held: should report");
	free(text);
	run_thread("returner", return_locked, &x);
	tap_ok(ld_nr_reports(x.ctx) == 6, "thread returning with a read hold: should report");
	tap_ok(kmutex_is_locked(&x.m), "the leaver's mutex stays locked (nothing undone)");
	kmutex_init(&x.m, x.ctx, "&m2"); /* the leaver's mutex is lost for good */
	switches(&x);
	ld_ctx_free(x.ctx);
	return tap_done();
}
