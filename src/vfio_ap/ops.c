/* SPDX-License-Identifier: MIT */
/*
 * ops.c - assignment and unassignment of adapters and domains (the
 * assign_* / unassign_* stores) with hot plug and hot unplug.
 *
 * Error precedence of assign (design.md §9.1): parse (EINVAL/ERANGE) ->
 * range (ENODEV) -> already set (success, nothing else) -> ownership
 * (EADDRNOTAVAIL) -> sharing (EADDRINUSE). All locks are held for the
 * whole operation, the parse included. Unassign takes no ap_perms_mutex.
 */
#include <errno.h>

#include "kernel/klog.h"
#include "base/parse.h"
#include "vfio_ap/vfio_ap_private.h"

/* Sharing check: first other mdev overlapping in both dimensions. */
static int verify_no_sharing(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;
	struct ap_matrix_mdev *o;

	lockdep_assert_held(&md->guests_lock);
	lockdep_assert_held(&md->mdevs_lock);
	list_for_each_entry(o, &md->mdev_list, node) {
		bm256 apm, aqm;
		unsigned a, d;

		if (o == m)
			continue;
		bm_and(&apm, &m->matrix.apm, &o->matrix.apm);
		bm_and(&aqm, &m->matrix.aqm, &o->matrix.aqm);
		if (bm_empty(&apm) || bm_empty(&aqm))
			continue;
		bm_for_each(a, &apm)
			bm_for_each(d, &aqm)
				klog_printf(
					vfio_ap_klog(md),
					"vfio_ap_mdev %s: Userspace may not assign queue %02x.%04x to mdev: already assigned to %s",
					m->uuid, a, d, o->uuid);
		return -EADDRINUSE;
	}
	return 0;
}

/* Ownership then sharing over the whole matrix. */
int vfio_ap_mdev_validate_masks(struct ap_matrix_mdev *m)
{
	struct ap_matrix_dev *md = m->md;

	lockdep_assert_held(&md->mdevs_lock);
	if (md->lops->owned_by_def_drv(md, &m->matrix.apm, &m->matrix.aqm))
		return -EADDRNOTAVAIL;
	return verify_no_sharing(m);
}

static int parse_id(const char *buf, unsigned max, unsigned long *id)
{
	int rc = vas_kstrtoul(buf, 0, id);

	if (rc)
		return rc;
	return *id > max ? -ENODEV : 0;
}

/* Steps 7-8 of assign: link, FILTER, PUSH, reset what the guest lost. */
static void plug(struct ap_matrix_mdev *m, bool adapter, unsigned id)
{
	bm256 filtered;

	if (adapter)
		vfio_ap_mdev_link_apid(m, id);
	else
		vfio_ap_mdev_link_apqi(m, id);
	if (vfio_ap_mdev_filter_matrix(m, &filtered)) {
		vfio_ap_mdev_update_guest_apcb(m);
		vfio_ap_mdev_reset_apids(m, &filtered);
	}
}

/*
 * assign_adapter / assign_domain: one number, kstrtoul base 0 (optional
 * '+', 0x hex, 0 octal, one trailing newline). Errors in the order checked:
 * EINVAL / ERANGE parse; ENODEV above apm_max / aqm_max; (already assigned:
 * success, nothing else happens); EADDRNOTAVAIL an APQN of the new matrix
 * is reserved for the host; EADDRINUSE another mdev has one of them. On
 * success the queues are linked and the guest is updated (design.md §4.4).
 */
ssize_t vfio_ap_assign(struct ap_matrix_mdev *m, bool adapter, const char *buf, size_t count)
{
	struct ap_matrix_dev *md = m->md;
	unsigned long id;
	bm256 *mask;
	ssize_t ret;

	vfio_ap_assign_lock(md, m);
	mask = adapter ? &m->matrix.apm : &m->matrix.aqm;
	ret = parse_id(buf, adapter ? m->matrix.apm_max : m->matrix.aqm_max, &id);
	if (ret || bm_test(mask, id))
		goto out;
	bm_set(mask, id);
	ret = vfio_ap_mdev_validate_masks(m);
	if (ret) {
		bm_clear(mask, id);
		goto out;
	}
	plug(m, adapter, id);
out:
	vfio_ap_assign_unlock(md, m);
	return ret ? ret : (ssize_t)count;
}

/*
 * Hot unplug of a set of APIDs (adapter=true) or APQIs: unlink their queues,
 * drop them from the shadow, PUSH, then reset what the guest could see.
 */
static void hot_unplug(struct ap_matrix_mdev *m, bool adapter, const bm256 *ids)
{
	struct list_head qlist;
	struct vfio_ap_queue *q, *n;
	bool changed = false;
	unsigned id, other;
	const bm256 *others, *shadow_other;
	bm256 *shadow;

	lockdep_assert_held(&m->md->guests_lock);
	lockdep_assert_held(&m->md->mdevs_lock);
	others = adapter ? &m->matrix.aqm : &m->matrix.apm;
	shadow = adapter ? &m->shadow_apcb.apm : &m->shadow_apcb.aqm;
	shadow_other = adapter ? &m->shadow_apcb.aqm : &m->shadow_apcb.apm;
	INIT_LIST_HEAD(&qlist);
	bm_for_each(id, ids) {
		bm_for_each(other, others) {
			unsigned apqn = adapter ? AP_MKQID(id, other) : AP_MKQID(other, id);

			q = vfio_ap_mdev_get_queue(m, apqn);
			if (!q)
				continue;
			vfio_ap_unlink_queue(m, q);
			if (bm_test(shadow, id) && bm_test(shadow_other, other))
				list_add_tail(&q->reset_qnode, &qlist);
			else if (q->saved_kvm)
				/*
				 * Deliberate deviation: a queue the guest could not see is
				 * not reset, so the kernel keeps its NIB pinned and ISC
				 * registered (AQIC is honoured on filtered queues, 8.11)
				 * past the guest's life. The model disables them here.
				 */
				vfio_ap_irq_disable(m->md, q);
		}
		if (bm_test(shadow, id)) {
			bm_clear(shadow, id);
			changed = true;
		}
	}
	if (changed)
		vfio_ap_mdev_update_guest_apcb(m);
	vfio_ap_mdev_reset_qlist(m->md, &qlist);
	list_for_each_entry_safe(q, n, &qlist, reset_qnode) {
		if (q->saved_kvm) /* a failed reset kept them: see the deviation above */
			vfio_ap_irq_disable(m->md, q);
		q->matrix_mdev = NULL;
		list_del_init(&q->reset_qnode);
	}
}

void vfio_ap_mdev_hot_unplug_adapters(struct ap_matrix_mdev *m, const bm256 *apids)
{
	hot_unplug(m, true, apids);
}

void vfio_ap_mdev_hot_unplug_domains(struct ap_matrix_mdev *m, const bm256 *apqis)
{
	hot_unplug(m, false, apqis);
}

/*
 * unassign_adapter / unassign_domain: the same number grammar. EINVAL /
 * ERANGE parse; ENODEV above the maximum; not assigned: success. Hot
 * unplug and resets follow; their failures are not reported (§4.5).
 */
ssize_t vfio_ap_unassign(struct ap_matrix_mdev *m, bool adapter, const char *buf, size_t count)
{
	struct ap_matrix_dev *md = m->md;
	unsigned long id;
	bm256 *mask, one;
	ssize_t ret;

	get_update_locks_for_mdev(md, m);
	mask = adapter ? &m->matrix.apm : &m->matrix.aqm;
	ret = parse_id(buf, adapter ? m->matrix.apm_max : m->matrix.aqm_max, &id);
	if (ret || !bm_test(mask, id))
		goto out;
	bm_clear(mask, id);
	bm_zero(&one);
	bm_set(&one, id);
	hot_unplug(m, adapter, &one);
out:
	release_update_locks_for_mdev(md, m);
	return ret ? ret : (ssize_t)count;
}

/*
 * assign_control_domain / unassign_control_domain: the same number
 * grammar. EINVAL / ERANGE parse; ENODEV above adm_max; already in that
 * state: success. No ownership or sharing check (§4.7).
 */
ssize_t vfio_ap_control_domain(struct ap_matrix_mdev *m, bool assign, const char *buf, size_t count)
{
	struct ap_matrix_dev *md = m->md;
	unsigned long id;
	ssize_t ret;

	get_update_locks_for_mdev(md, m);
	ret = parse_id(buf, m->matrix.adm_max, &id);
	if (ret || bm_test(&m->matrix.adm, id) == assign)
		goto out;
	if (assign) {
		bm_set(&m->matrix.adm, id);
		if (vfio_ap_mdev_filter_cdoms(m))
			vfio_ap_mdev_update_guest_apcb(m);
	} else {
		bm_clear(&m->matrix.adm, id);
		if (bm_test(&m->shadow_apcb.adm, id)) {
			bm_clear(&m->shadow_apcb.adm, id);
			vfio_ap_mdev_update_guest_apcb(m);
		}
	}
out:
	release_update_locks_for_mdev(md, m);
	return ret ? ret : (ssize_t)count;
}
