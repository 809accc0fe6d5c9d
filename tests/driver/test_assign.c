/* SPDX-License-Identifier: MIT */
/*
 * test_assign.c - the errno precedence of assign_adapter / assign_domain
 * and of ap_config (docs/design.md §4.4, §4.6, §9.1-§9.3), calling the
 * store functions directly on a host built from the services alone.
 *
 *   assign:    parse (EINVAL / ERANGE) -> range (ENODEV) -> already set
 *              (success, nothing checked) -> ownership (EADDRNOTAVAIL) ->
 *              sharing (EADDRINUSE); a refused bit is cleared again.
 *   ap_config: parse (EINVAL) -> ownership -> sharing -> range (ENODEV).
 */
#include <errno.h>

#include "dhost.h"
#include "tap.h"

#define U1 "11111111-2222-3333-4444-555555555555"
#define U2 "66666666-7777-8888-9999-aaaaaaaaaaaa"

static bool matrix_is(struct ap_matrix_mdev *m, const char *want)
{
	char buf[1024];
	struct ap_matrix mx;
	int n;

	kmutex_lock(&m->md->mdevs_lock);
	mx = m->matrix;
	kmutex_unlock(&m->md->mdevs_lock);
	n = vfio_ap_format_matrix(&mx, buf, sizeof(buf) - 1);
	buf[n] = '\0';
	if (strcmp(buf, want))
		tap_diag("matrix is '%s'", buf);
	return !strcmp(buf, want);
}

static bool logged(struct dhost *h, const char *text)
{
	char *all = klog_dump(&h->log);
	bool found = all && strstr(all, text);

	free(all);
	return found;
}

static long cfg(struct ap_matrix_mdev *m, const char *v)
{
	return vfio_ap_ap_config_store(m, v, strlen(v));
}

static void parse_and_range(struct ap_matrix_mdev *m)
{
	static const char *const bad[] = { "-1", "5 ", "0x", "", "5\n\n", "0x1g", "08" };
	static const char *const shown[] = { "-1", "5 ", "0x", "", "5\\n\\n", "0x1g", "08" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(dhost_assign(m, true, bad[i]) == -EINVAL, "assign_adapter '%s': EINVAL",
		       shown[i]);
	tap_ok(dhost_assign(m, false, "18446744073709551616") == -ERANGE,
	       "assign_domain beyond ULONG_MAX: ERANGE");
	tap_ok(dhost_assign(m, true, "256") == -ENODEV &&
		       dhost_assign(m, false, "0x100") == -ENODEV,
	       "adapter / domain 256 > apm_max / aqm_max 255: ENODEV");
	tap_ok(matrix_is(m, ""), "refused assignments leave the matrix empty");
}

static void ownership_and_sharing(struct dhost *h, struct ap_matrix_mdev *m1,
				  struct ap_matrix_mdev *m2)
{
	/* vfio_ap owns adapters 03, 04 entirely and domain 9 of every adapter */
	tap_ok(dhost_mask(h, true, "-0x03,-0x04") > 0 && dhost_mask(h, false, "-9") > 0,
	       "apmask -0x03,-0x04; aqmask -9");
	tap_ok(dhost_assign(m1, true, "3") == 1 && dhost_assign(m1, false, "5") == 1 &&
		       matrix_is(m1, "03.0005\n"),
	       "mdev 1 gets 03.0005");
	tap_ok(dhost_assign(m2, true, "6") == 1,
	       "mdev 2: adapter 06 with no domain passes (the product is empty)");
	tap_ok(dhost_assign(m2, false, "5") == -EADDRNOTAVAIL && matrix_is(m2, "06.\n"),
	       "domain 5 makes 06.0005 (host-owned): EADDRNOTAVAIL, the bit is cleared again");
	tap_ok(dhost_assign(m2, true, "6") == 1,
	       "re-assigning adapter 06 succeeds: already set, nothing is checked");
	tap_ok(dhost_assign(m2, false, "9") == 1 && matrix_is(m2, "06.0009\n"),
	       "domain 9 is vfio_ap's on every adapter: 06.0009");
	tap_ok(dhost_assign(m1, false, "9") == 1 && matrix_is(m1, "03.0005\n03.0009\n"),
	       "mdev 1 adds domain 9: 03.0005, 03.0009");
	tap_ok(dhost_assign(m1, true, "6") == -EADDRNOTAVAIL && matrix_is(m1, "03.0005\n03.0009\n"),
	       "mdev 1 adapter 06: 06.0005 is host-owned and 06.0009 is mdev 2's; ownership "
	       "is checked first: EADDRNOTAVAIL");
	tap_ok(dhost_assign(m2, true, "3") == -EADDRINUSE && matrix_is(m2, "06.0009\n"),
	       "mdev 2 adapter 03: 03.0009 is mdev 1's: EADDRINUSE, the bit is cleared again");
	tap_ok(logged(h, "vfio_ap_mdev " U2 ": Userspace may not assign queue 03.0009 to mdev: "
			 "already assigned to " U1),
	       "the sharing refusal is logged against the assigning mdev, naming the other");
	tap_ok(!logged(h, "queue 03.0005 to mdev"),
	       "only the APQNs of the overlap (03.0009) are logged");
}

/* A host with max_adapter 15 and max_domain 15: ranges that bite. */
static void ap_config_order(void)
{
	struct ap_machine_cfg mc;
	struct dhost *h;
	struct ap_matrix_mdev *a, *b;

	dhost_default_machine(&mc);
	mc.max_adapter = 15;
	mc.max_domain = 15;
	h = dhost_new(&mc, &vfio_ap_lock_merged);
	a = dhost_mdev(h, U1);
	b = dhost_mdev(h, U2);
	if (!tap_ok(a && b && dhost_mask(h, true, "-0x03") > 0, "second host: na = nd = 15"))
		return;
	tap_ok(dhost_assign(a, false, "1") == 1 && dhost_assign(a, true, "0x20") == -ENODEV,
	       "assign_adapter 0x20 with domain 1 assigned: range (ENODEV) before ownership");
	tap_ok(dhost_assign(b, true, "3") == 1 && dhost_assign(b, false, "2") == 1,
	       "mdev B has 03.0002");
	tap_ok(cfg(a, "0x,0x") == -EINVAL && cfg(a, "0X1,0x,0x") == -EINVAL &&
		       cfg(a, "0x1,0x4,0x4 ") == -EINVAL,
	       "ap_config: two fields, 0X, a blank after the third: EINVAL");
	/* adapter 0x20 is digit 8 (value 8); domain 1 is digit 0 value 4 */
	tap_ok(cfg(a, "0x000000008,0x4,0x\n") == -EADDRNOTAVAIL,
	       "ap_config {0x20}x{1}: 0x20.0001 is host-owned: EADDRNOTAVAIL before the range");
	tap_ok(cfg(a, "0x1,0x2,0x000000008\n") == -EADDRINUSE,
	       "ap_config {03}x{02}, control domain 0x20: sharing (EADDRINUSE) before the range");
	tap_ok(cfg(a, "0x000000008,0x,0x\n") == -ENODEV,
	       "ap_config adapter 0x20 alone: no owner, no sharing, then range: ENODEV");
	tap_ok(matrix_is(a, ".0001\n"), "every refusal restored the old masks");
	tap_ok(cfg(a, "0x1,0x4,0x4\n") == (long)strlen("0x1,0x4,0x4\n") &&
		       matrix_is(a, "03.0001\n"),
	       "a valid ap_config replaces all three masks");
	vfio_ap_mdev_put(a);
	vfio_ap_mdev_put(b);
	tap_ok(dhost_free(h) == 0, "second host: no leak, no validator report");
}

int main(void)
{
	struct ap_machine_cfg mc;
	struct dhost *h;
	struct ap_matrix_mdev *m1, *m2;

	dhost_default_machine(&mc);
	h = dhost_new(&mc, &vfio_ap_lock_merged);
	m1 = dhost_mdev(h, U1);
	m2 = dhost_mdev(h, U2);
	if (!tap_ok(m1 && m2, "two mdevs"))
		return tap_done();
	parse_and_range(m1);
	ownership_and_sharing(h, m1, m2);
	vfio_ap_mdev_put(m1);
	vfio_ap_mdev_put(m2);
	tap_ok(dhost_free(h) == 0, "teardown: no leak, no validator report");
	ap_config_order();
	return tap_done();
}
