/* SPDX-License-Identifier: MIT */
/*
 * test_cfgchange.c - the host-configuration callbacks on_config_changed
 * and on_scan_complete (docs/design.md §4.15, §9.6, §9.7) on a host built
 * from the services alone, with a guest attached.
 *
 *  - a change that removes an adapter and a domain at once is handled in
 *    bulk: one PUSH, no reset, the matrix untouched;
 *  - adding them back defers the queue probes' filtering to
 *    on_scan_complete: again one PUSH, and the guest gets them back;
 *  - called directly, on_config_changed records additions in the mdev's
 *    *_add masks (matrix ∩ added) and on_scan_complete consumes them;
 *    control-domain removal intersects with the matrix.
 */
#include <errno.h>

#include "dhost.h"
#include "tap.h"

#define U "11111111-2222-3333-4444-555555555555"

static bool guest_is(struct kvm *kvm, const char *apm_hex, const char *aqm_hex)
{
	struct kvm_apcb a;
	char h1[BM_HEXLEN], h2[BM_HEXLEN];
	bool ok;

	kvm_get_apcb(kvm, &a);
	bm_format(&a.apm, h1);
	bm_format(&a.aqm, h2);
	ok = !strncmp(h1, apm_hex, strlen(apm_hex)) && !strncmp(h2, aqm_hex, strlen(aqm_hex));
	if (!ok)
		tap_diag("guest apm %.12s aqm %.12s", h1, h2);
	return ok;
}

static unsigned long long pushes(struct dhost *h)
{
	return atomic_load(&h->md.nr_push);
}

static unsigned long long zapqs(struct dhost *h)
{
	return atomic_load(&h->md.nr_zapq);
}

static void bulk_scan(struct dhost *h, struct ap_matrix_mdev *m, struct kvm *kvm)
{
	bm256 apm = dhost_bits(3, 4, 5, 6, -1), aqm, apm3, aqm5;
	unsigned long long p0 = pushes(h), z0 = zapqs(h);
	char buf[512];

	bm_range(&aqm, 0, 15);
	apm3 = dhost_bits(3, 5, 6, -1);
	aqm5 = aqm;
	bm_clear(&aqm5, 6);
	dhost_host_config(h, &apm3, &aqm5, NULL);
	tap_ok(guest_is(kvm, "0x10", "0x04"),
	       "adapter 04 and domain 6 leave the host: guest has 03.0005");
	tap_ok(pushes(h) - p0 == 1 && zapqs(h) - z0 == 0,
	       "in bulk: %llu PUSH, %llu ZAPQ (want 1, 0: departed queues are not reset)",
	       pushes(h) - p0, zapqs(h) - z0);
	tap_ok(!strcmp(dhost_shadow(m, buf, sizeof(buf)), "03.0005\n"), "shadow: 03.0005");
	kmutex_lock(&h->md.mdevs_lock);
	tap_ok(bm_weight(&m->matrix.apm) == 2 && bm_weight(&m->matrix.aqm) == 2,
	       "the matrix keeps 04 and 6 (assignments persist)");
	kmutex_unlock(&h->md.mdevs_lock);

	p0 = pushes(h);
	dhost_host_config(h, &apm, &aqm, NULL);
	tap_ok(guest_is(kvm, "0x18", "0x06"), "they come back: the guest has 03,04 x 5,6 again");
	tap_ok(pushes(h) - p0 == 1, "the probes deferred to on_scan_complete: %llu PUSH (want 1)",
	       pushes(h) - p0);
	kmutex_lock(&h->md.mdevs_lock);
	tap_ok(bm_empty(&m->apm_add) && bm_empty(&m->aqm_add) && bm_empty(&m->adm_add),
	       "the *_add masks are empty after the scan");
	kmutex_unlock(&h->md.mdevs_lock);
}

static void direct_callbacks(struct dhost *h, struct ap_matrix_mdev *m)
{
	struct ap_config_info prev, cur;
	unsigned long long p0;
	bool recorded, has2;

	ap_hw_qci(&h->hw, &prev);
	cur = prev;
	bm_clear(&cur.adm, 2);
	p0 = pushes(h);
	vfio_ap_on_cfg_changed(&h->md, &cur, &prev);
	kmutex_lock(&h->md.mdevs_lock);
	has2 = bm_test(&m->shadow_apcb.adm, 2) || !bm_test(&m->matrix.adm, 2);
	kmutex_unlock(&h->md.mdevs_lock);
	tap_ok(!has2 && pushes(h) - p0 == 1,
	       "control domain 2 removed: gone from the shadow, kept in the matrix, one PUSH");

	p0 = pushes(h);
	vfio_ap_on_cfg_changed(&h->md, &prev, &cur);
	kmutex_lock(&h->md.mdevs_lock);
	recorded = bm_test(&m->adm_add, 2) && bm_weight(&m->adm_add) == 1 &&
		   bm_empty(&m->apm_add) && bm_empty(&m->aqm_add);
	kmutex_unlock(&h->md.mdevs_lock);
	tap_ok(recorded && pushes(h) == p0,
	       "control domain 2 added: recorded in adm_add (matrix ∩ added), nothing pushed yet");
	vfio_ap_on_scan_complete(&h->md, &prev, &cur);
	kmutex_lock(&h->md.mdevs_lock);
	has2 = bm_test(&m->shadow_apcb.adm, 2);
	recorded = !bm_empty(&m->adm_add);
	kmutex_unlock(&h->md.mdevs_lock);
	tap_ok(has2 && !recorded && pushes(h) - p0 == 1,
	       "on_scan_complete: FILTER_CDOMS gives 2 back, one PUSH, adm_add cleared");
}

static void last_adapter(struct dhost *h, struct kvm *kvm)
{
	bm256 apm = dhost_bits(5, 6, -1), all = dhost_bits(3, 4, 5, 6, -1);

	dhost_host_config(h, &apm, NULL, NULL);
	tap_ok(guest_is(kvm, "0x00", "0x06"),
	       "both assigned adapters leave the host: the guest's APM becomes empty");
	dhost_host_config(h, &all, NULL, NULL);
	tap_ok(guest_is(kvm, "0x18", "0x06"), "and they come back");
}

int main(void)
{
	struct ap_machine_cfg mc;
	struct dhost *h;
	struct ap_matrix_mdev *m;
	struct kvm *kvm;

	dhost_default_machine(&mc);
	h = dhost_new(&mc, &vfio_ap_lock_merged);
	m = dhost_mdev(h, U);
	kvm = kvm_create(h->ld, 1, CRYCB_FORMAT2);
	if (!tap_ok(m && kvm && dhost_mask(h, true, "-0x03,-0x04") > 0, "host, mdev and guest"))
		return tap_done();
	tap_ok(dhost_assign(m, true, "3") == 1 && dhost_assign(m, true, "4") == 1 &&
		       dhost_assign(m, false, "5") == 1 && dhost_assign(m, false, "6") == 1 &&
		       vfio_ap_control_domain(m, true, "2", 1) == 1,
	       "mdev: 03,04 x 5,6, control domain 2");
	tap_ok(vfio_ap_mdev_open(m, kvm) == 0 && guest_is(kvm, "0x18", "0x06"),
	       "the guest attaches and sees 03,04 x 5,6");
	bulk_scan(h, m, kvm);
	direct_callbacks(h, m);
	last_adapter(h, kvm);
	vfio_ap_mdev_close(m);
	tap_ok(kvm_destroy(kvm) == 0, "guest gone: no pinned page or ISC left");
	vfio_ap_mdev_put(m);
	tap_ok(dhost_free(h) == 0, "teardown: no leak, no validator report");
	return tap_done();
}
