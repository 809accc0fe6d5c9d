/* SPDX-License-Identifier: MIT */
/*
 * test_class_inversion.c - inversions that only a class view catches.
 *
 * Every guest's kvm->lock is one class "&kvm->lock". Thread "open" takes
 * guests_lock then guest 0's kvm->lock; thread "pqap" takes guest 1's
 * kvm->lock then guests_lock. No single lock instance was ever taken in
 * both orders (TSan and Helgrind stay silent here), but the two paths
 * deadlock as soon as they meet on one guest: should report.
 */
#include "ldtest.h"

struct world {
	struct kmutex guests_lock;
	struct kmutex kvm_lock[2];
};

static void open_path(void *arg)
{
	struct world *w = arg;

	kmutex_lock(&w->guests_lock);
	kmutex_lock(&w->kvm_lock[0]);
	kmutex_unlock(&w->kvm_lock[0]);
	kmutex_unlock(&w->guests_lock);
}

static void pqap_path(void *arg)
{
	struct world *w = arg;

	kmutex_lock(&w->kvm_lock[1]);
	kmutex_lock(&w->guests_lock);
	kmutex_unlock(&w->guests_lock);
	kmutex_unlock(&w->kvm_lock[1]);
}

int main(void)
{
	struct ld_ctx *ctx = ld_ctx_new();
	struct world w;
	char *text, *json;

	kmutex_init(&w.guests_lock, ctx, "matrix_dev->guests_lock");
	kmutex_init(&w.kvm_lock[0], ctx, "&kvm->lock");
	kmutex_init(&w.kvm_lock[1], ctx, "&kvm->lock");
	run_thread("open", open_path, &w);
	tap_ok(ld_nr_reports(ctx) == 0, "guests_lock -> kvm0->lock: should NOT report");
	run_thread("pqap", pqap_path, &w);
	tap_ok(ld_nr_reports(ctx) == 1, "kvm1->lock -> guests_lock (other guest): should report");
	text = ld_report_text(ctx);
	tap_ok(has_line(text, "WARNING: possible circular locking dependency detected"),
	       "it is a circular dependency report");
	tap_ok(has_line(text, "  matrix_dev->guests_lock --> &kvm->lock"),
	       "the chain names the class, not the instance");
	tap_ok(has_line(text, "pqap/2 is trying to acquire lock:"), "names the thread");
	free(text);
	json = ld_report_json(ctx);
	tap_ok(strstr(json, "\"kind\": \"circular\"") &&
		       strstr(json, "\"classes\": [\"matrix_dev->guests_lock\", \"&kvm->lock\"]"),
	       "JSON names both classes");
	free(json);
	kmutex_destroy(&w.guests_lock);
	kmutex_destroy(&w.kvm_lock[0]);
	kmutex_destroy(&w.kvm_lock[1]);
	ld_ctx_free(ctx);
	return tap_done();
}
