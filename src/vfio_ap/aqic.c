/* SPDX-License-Identifier: MIT */
/*
 * aqic.c - the guest's PQAP(AQIC): enable/disable adapter interruptions.
 *
 * vfio_ap_handle_pqap is what kvm->arch.crypto.pqap_hook points at. It runs
 * with pqap_hook_rwsem held for read (by the KVM intercept) and takes
 * mdevs_lock. Any APQN linked to the mdev (in its qtable) is served, even
 * one filtered out of the guest's APCB; others get response code 01.
 * Enable pins the NIB page and registers the guest ISC before the host
 * AQIC; every failure path gives back exactly what it took.
 */
#include <errno.h>
#include <time.h>

#include "kernel/klog.h"
#include "vfio_ap/vfio_ap_private.h"

static void sleep_interval(struct ap_matrix_dev *md)
{
	struct timespec ts = { 0, (long)md->reset_interval_us * 1000L };

	if (md->reset_interval_us)
		nanosleep(&ts, NULL);
}

/* vfio_ap_irq_disable: <= 6 AQIC attempts, <= 5 TAPQ polls for the IRQ bit. */
uint32_t vfio_ap_irq_disable(struct ap_matrix_dev *md, struct vfio_ap_queue *q)
{
	uint32_t sw = 0;

	lockdep_assert_held(&md->mdevs_lock);
	for (int retries = 0; retries < 6; retries++) {
		sw = ap_hw_aqic(md->bus->hw, q->apqn, false, 0, 0);
		switch (APQSW_RC(sw)) {
		case AP_RESPONSE_NORMAL:
		case AP_RESPONSE_OTHERWISE_CHANGED:
			for (int i = 0; i < 5; i++) {
				uint32_t t = ap_hw_tapq(md->bus->hw, q->apqn);

				if (!(t & APQSW_IRQ))
					break;
				sleep_interval(md);
			}
			vfio_ap_free_aqic_resources(q);
			return sw;
		case AP_RESPONSE_RESET_IN_PROGRESS:
		case AP_RESPONSE_BUSY:
			sleep_interval(md);
			continue;
		default:
			klog_printf(vfio_ap_klog(md),
				    "WARNING: vfio_ap: AQIC disable %02x.%04x rc=%u",
				    AP_QID_CARD(q->apqn), AP_QID_QUEUE(q->apqn), APQSW_RC(sw));
			vfio_ap_free_aqic_resources(q);
			return sw;
		}
	}
	klog_printf(vfio_ap_klog(md), "WARNING: vfio_ap: AQIC disable %02x.%04x gave up",
		    AP_QID_CARD(q->apqn), AP_QID_QUEUE(q->apqn));
	vfio_ap_free_aqic_resources(q);
	return sw;
}

static uint32_t irq_enable(struct ap_matrix_mdev *m, struct vfio_ap_queue *q, uint8_t isc,
			   uint64_t nib)
{
	struct ap_matrix_dev *md = m->md;
	struct kvm *kvm;
	uint64_t h_nib;
	uint32_t sw;
	int gisc;

	lockdep_assert_held(&md->mdevs_lock);
	kvm = m->kvm;
	if (nib == 0 || nib >= KVM_GUEST_MEM_SIZE)
		return APQSW_MAKE(AP_RESPONSE_INVALID_ADDRESS, 0);
	if (kvm_pin_guest_page(kvm, nib, &h_nib))
		return APQSW_MAKE(AP_RESPONSE_INVALID_ADDRESS, 0);
	gisc = kvm_s390_gisc_register(kvm, isc);
	if (gisc < 0) {
		kvm_unpin_guest_page(kvm, nib);
		return APQSW_MAKE(AP_RESPONSE_INVALID_ADDRESS, 0);
	}
	sw = ap_hw_aqic(md->bus->hw, q->apqn, true, (uint8_t)gisc, h_nib);
	switch (APQSW_RC(sw)) {
	case AP_RESPONSE_NORMAL:
		vfio_ap_free_aqic_resources(q);
		q->saved_kvm = kvm;
		q->saved_iova = nib;
		q->saved_isc = isc;
		break;
	case AP_RESPONSE_OTHERWISE_CHANGED:
		kvm_s390_gisc_unregister(kvm, isc);
		kvm_unpin_guest_page(kvm, nib);
		break;
	default:
		klog_printf(vfio_ap_klog(md), "WARNING: vfio_ap: AQIC enable %02x.%04x rc=%u",
			    AP_QID_CARD(q->apqn), AP_QID_QUEUE(q->apqn), APQSW_RC(sw));
		kvm_s390_gisc_unregister(kvm, isc);
		kvm_unpin_guest_page(kvm, nib);
		vfio_ap_irq_disable(md, q);
		break;
	}
	return sw;
}

int vfio_ap_handle_pqap(void *owner, struct kvm *kvm, struct kvm_pqap_regs *regs)
{
	struct ap_matrix_mdev *m = owner;
	struct ap_matrix_dev *md = m->md;
	unsigned apqn = regs->gr0 & 0xffff;
	uint32_t sw = APQSW_MAKE(AP_RESPONSE_Q_NOT_AVAIL, 0);
	struct vfio_ap_queue *q;

	if (!kvm->crypto.aiv)
		return -EOPNOTSUPP;
	vfio_ap_aqic_lock(md, kvm);
	if (m->kvm && (q = vfio_ap_mdev_get_queue(m, apqn))) {
		if ((regs->gr1 >> 47) & 1)
			sw = irq_enable(m, q, regs->gr1 & 7, regs->gr2);
		else
			sw = vfio_ap_irq_disable(md, q);
	}
	regs->gr1 = sw;
	vfio_ap_aqic_unlock(md, kvm);
	return 0;
}
