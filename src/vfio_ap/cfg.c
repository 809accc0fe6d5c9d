/* SPDX-License-Identifier: MIT */
/*
 * cfg.c - host configuration changes (on_config_changed, on_scan_complete)
 * and the ap_config attribute's store.
 *
 * A configuration change arrives in two halves around the bus scan: first
 * removals are taken out of every shadow (no resets: the queues left the
 * hardware; assignments persist) and additions are recorded in each mdev's
 * *_add masks; then the scan adds/removes devices (queue probes defer
 * filtering while *_add is set); then on_scan_complete filters the mdevs
 * that gained something, PUSHes and resets what a guest lost. Both halves
 * hold guests_lock throughout and each mdev's kvm->lock + mdevs_lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/fault.h"
#include "base/parse.h"
#include "vfio_ap/vfio_ap_private.h"

/* A. removals: intersect with each mdev's matrix, drop from the shadow. */
static void cfg_remove(struct ap_matrix_dev *md, const bm256 *aprem, const bm256 *aqrem,
		       const bm256 *cdrem) REQUIRES(md->guests_lock)
{
	struct ap_matrix_mdev *m;

	list_for_each_entry(m, &md->mdev_list, node) {
		bm256 a, q, c;
		bool changed;

		get_mdev_locks_in_walk(md, m);
		bm_and(&a, aprem, &m->matrix.apm);
		bm_and(&q, aqrem, &m->matrix.aqm);
		bm_and(&c, cdrem, &m->matrix.adm);
		changed = bm_intersects(&a, &m->shadow_apcb.apm) ||
			  bm_intersects(&q, &m->shadow_apcb.aqm) ||
			  bm_intersects(&c, &m->shadow_apcb.adm);
		bm_andnot(&m->shadow_apcb.apm, &m->shadow_apcb.apm, &a);
		bm_andnot(&m->shadow_apcb.aqm, &m->shadow_apcb.aqm, &q);
		bm_andnot(&m->shadow_apcb.adm, &m->shadow_apcb.adm, &c);
		if (changed)
			vfio_ap_mdev_update_guest_apcb(m);
		release_mdev_locks_in_walk(md, m);
	}
}

/* Drops from apm_add the adapters whose new queues are not usable AP types. */
static void cfg_filter_types(struct ap_matrix_dev *md, bm256 *apm_add, const bm256 *aqm_add)
{
	unsigned apid, apqi;

	bm_for_each(apid, apm_add) {
		bm_for_each(apqi, aqm_add) {
			uint32_t sw = ap_hw_tapq(md->bus->hw, AP_MKQID(apid, apqi));
			unsigned rc = APQSW_RC(sw);
			int type;
			char kind;
			bool config, chkstop;

			if (rc == 0 || rc == 2 || rc == 3 || rc == 4 || rc == 5) {
				if (ap_hw_card_info(md->bus->hw, apid, &type, &kind, &config,
						    &chkstop) == 0 &&
				    type >= AP_DEVICE_TYPE_CEX4)
					continue;
			}
			bm_clear(apm_add, apid);
			break;
		}
	}
}

/* B. additions: record what each mdev gains. */
static void cfg_add(struct ap_matrix_dev *md, bm256 *apm_add, const bm256 *aqm_add,
		    const bm256 *adm_add) REQUIRES(md->guests_lock)
{
	struct ap_matrix_mdev *m;

	if (list_empty(&md->mdev_list))
		return;
	cfg_filter_types(md, apm_add, aqm_add);
	list_for_each_entry(m, &md->mdev_list, node) {
		kmutex_lock(&md->mdevs_lock);
		bm_and(&m->apm_add, &m->matrix.apm, apm_add);
		bm_and(&m->aqm_add, &m->matrix.aqm, aqm_add);
		bm_and(&m->adm_add, &m->matrix.adm, adm_add);
		kmutex_unlock(&md->mdevs_lock);
	}
}

void vfio_ap_on_cfg_changed(void *ctx, const struct ap_config_info *cur,
			    const struct ap_config_info *prev)
{
	struct ap_matrix_dev *md = ctx;
	bm256 aprem, aqrem, cdrem, apadd, aqadd, cdadd;

	if (!cur || !prev)
		return;
	kmutex_lock(&md->guests_lock);
	bm_andnot(&aprem, &prev->apm, &cur->apm);
	bm_andnot(&aqrem, &prev->aqm, &cur->aqm);
	bm_andnot(&cdrem, &prev->adm, &cur->adm);
	if (!bm_empty(&aprem) || !bm_empty(&aqrem) || !bm_empty(&cdrem))
		cfg_remove(md, &aprem, &aqrem, &cdrem);
	bm_andnot(&apadd, &cur->apm, &prev->apm);
	bm_andnot(&aqadd, &cur->aqm, &prev->aqm);
	bm_andnot(&cdadd, &cur->adm, &prev->adm);
	if (!bm_empty(&apadd) || !bm_empty(&aqadd) || !bm_empty(&cdadd))
		cfg_add(md, &apadd, &aqadd, &cdadd);
	md->info = *cur;
	kmutex_unlock(&md->guests_lock);
}

void vfio_ap_on_scan_complete(void *ctx, const struct ap_config_info *cur,
			      const struct ap_config_info *prev)
{
	struct ap_matrix_dev *md = ctx;
	struct ap_matrix_mdev *m;

	(void)cur;
	(void)prev;
	kmutex_lock(&md->guests_lock);
	list_for_each_entry(m, &md->mdev_list, node) {
		bm256 filtered;
		bool changed = false;

		get_mdev_locks_in_walk(md, m);
		if (bm_empty(&m->apm_add) && bm_empty(&m->aqm_add) && bm_empty(&m->adm_add)) {
			release_mdev_locks_in_walk(md, m);
			continue;
		}
		bm_zero(&filtered);
		if (bm_intersects(&m->matrix.apm, &m->apm_add) ||
		    bm_intersects(&m->matrix.aqm, &m->aqm_add))
			changed = vfio_ap_mdev_filter_matrix(m, &filtered);
		if (bm_intersects(&m->matrix.adm, &m->adm_add))
			changed |= vfio_ap_mdev_filter_cdoms(m);
		if (changed) {
			vfio_ap_mdev_update_guest_apcb(m);
			vfio_ap_mdev_reset_apids(m, &filtered);
		}
		bm_zero(&m->apm_add);
		bm_zero(&m->aqm_add);
		bm_zero(&m->adm_add);
		release_mdev_locks_in_walk(md, m);
	}
	kmutex_unlock(&md->guests_lock);
}

/* --- ap_config store (design.md §4.6) --- */

static bool matrix_overflows(const struct ap_matrix *mx)
{
	return bm_next(&mx->apm, mx->apm_max + 1) < BM_BITS ||
	       bm_next(&mx->aqm, mx->aqm_max + 1) < BM_BITS ||
	       bm_next(&mx->adm, mx->adm_max + 1) < BM_BITS;
}

/* Installs and validates; on failure the old masks are back. */
static int install_new(struct ap_matrix_mdev *m, const struct ap_matrix *old,
		       const struct ap_matrix *nm)
{
	int rc;

	lockdep_assert_held(&m->md->guests_lock);
	lockdep_assert_held(&m->md->mdevs_lock);
	m->matrix.apm = nm->apm;
	m->matrix.aqm = nm->aqm;
	m->matrix.adm = nm->adm;
	rc = vfio_ap_mdev_validate_masks(m);
	if (!rc && matrix_overflows(&m->matrix))
		rc = -ENODEV;
	if (rc)
		m->matrix = *old;
	return rc;
}

/*
 * ap_config: three absolute masks (apm, aqm, adm: "0x" + up to 64 hex
 * digits each, possibly empty) separated by ',' or '\n'; only the first
 * 201 bytes count and anything after the third field is ignored
 * (design.md §3.8). Errors in the order checked: ENOMEM (the copy);
 * EINVAL fewer than three fields or a bad mask; EADDRNOTAVAIL an APQN is
 * reserved for the host; EADDRINUSE another mdev has one; ENODEV a number
 * above its maximum. On any error the old masks stay (§4.6).
 */
ssize_t vfio_ap_ap_config_store(struct ap_matrix_mdev *m, const char *buf, size_t count)
{
	struct ap_matrix_dev *md = m->md;
	struct ap_matrix old, nm;
	bm256 rem_a, rem_q, add_a, add_q, filtered;
	unsigned id;
	size_t n = count < AP_CONFIG_STRLEN ? count : AP_CONFIG_STRLEN;
	char *copy = fault_fail(md->svc.faults, FAULT_AP_CONFIG) ? NULL : strndup(buf, n);
	ssize_t rc;

	if (!copy)
		return -ENOMEM;
	vfio_ap_assign_lock(md, m);
	old = m->matrix;
	nm = old;
	rc = ap_parse_config(copy, n, &nm.apm, &nm.aqm, &nm.adm);
	if (rc || (rc = install_new(m, &old, &nm)))
		goto out;
	bm_andnot(&rem_a, &old.apm, &nm.apm);
	bm_andnot(&rem_q, &old.aqm, &nm.aqm);
	bm_andnot(&add_a, &nm.apm, &old.apm);
	bm_andnot(&add_q, &nm.aqm, &old.aqm);
	m->matrix = old; /* unplug with the old masks in place */
	vfio_ap_mdev_hot_unplug_adapters(m, &rem_a);
	vfio_ap_mdev_hot_unplug_domains(m, &rem_q);
	m->matrix = nm;
	bm_for_each(id, &add_a)
		vfio_ap_mdev_link_apid(m, id);
	bm_for_each(id, &add_q)
		vfio_ap_mdev_link_apqi(m, id);
	bool ch = vfio_ap_mdev_filter_matrix(m, &filtered);

	ch = vfio_ap_mdev_filter_cdoms(m) || ch;
	if (ch) {
		vfio_ap_mdev_update_guest_apcb(m);
		vfio_ap_mdev_reset_apids(m, &filtered);
	}
out:
	vfio_ap_assign_unlock(md, m);
	free(copy);
	return rc ? rc : (ssize_t)count;
}
