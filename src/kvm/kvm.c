/* SPDX-License-Identifier: MIT */
/*
 * kvm.c - the simulated KVM guest's crypto state and PQAP(AQIC) intercept.
 *
 * DESIGN: setting masks copies the driver's 256-bit masks into the guest's
 * APCB, truncating for formats 0/1 (APIDs >= 64 and domains >= 16 dropped),
 * in one step under kvm->lock, which is how "all vCPUs blocked, masks
 * copied, vCPUs released" looks to the guest: atomic. The intercept checks
 * GR0 as the hardware-assist path does, then calls the registered hook under
 * pqap_hook_rwsem held for read.
 *
 * Program exceptions are returned as negative values: -EACCES privileged
 * operation, -EINVAL specification; -EOPNOTSUPP means "exit to user space".
 */
#include "kvm/kvm.h"
#include "lockdep/sched.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GIB_HOST_ISC 9 /* the host ISC the GIB reports to */

/* The misc device's own keys: its dev_t and node name. */
static int kvm_misc_uevent(const struct kobj *k, struct kobj_uevent_env *env)
{
	return add_uevent_var(env, "MAJOR=%d", KVM_MISC_MAJOR)	  ?:
		       add_uevent_var(env, "MINOR=%d", KVM_MINOR) ?:
		       add_uevent_var(env, "DEVNAME=kvm");
}

void kvm_misc_init(struct kvm_misc *km, struct ld_ctx *ld, struct uevents *uev)
	GUARD_EXEMPT("the device is not yet published")
{
	memset(km, 0, sizeof(*km));
	kmutex_init(&km->lock, ld, "kvm_lock");
	kobj_init(&km->kobj, uev, "misc", kvm_misc_uevent, "/devices/virtual/misc/kvm");
}

void kvm_misc_destroy(struct kvm_misc *km)
{
	kmutex_destroy(&km->lock);
}

void kvm_uevent_notify_change(struct kvm_misc *km, bool create, int pid)
{
	unsigned long long created, active;
	char c[40], n[40], p[40];
	const char *envp[] = { c, n, create ? "EVENT=create" : "EVENT=destroy", p, NULL };

	kmutex_lock(&km->lock);
	if (create) {
		km->created++;
		km->active++;
	} else {
		km->active--;
	}
	created = km->created;
	active = km->active;
	kmutex_unlock(&km->lock);
	snprintf(c, sizeof(c), "CREATED=%llu", created);
	snprintf(n, sizeof(n), "COUNT=%llu", active);
	snprintf(p, sizeof(p), "PID=%d", pid);
	kobject_uevent_env(&km->kobj, KOBJ_CHANGE, envp);
}

struct kvm *kvm_create(struct ld_ctx *ld, unsigned id, enum crycb_format fmt)
{
	struct kvm *kvm = calloc(1, sizeof(*kvm));

	if (!kvm)
		return NULL;
	ld_sched_object(ld, kvm, sizeof(*kvm));
	kvm->id = id;
	kmutex_init(&kvm->lock, ld, "&kvm->lock");
	krwsem_init(&kvm->crypto.pqap_hook_rwsem, ld, "&kvm->arch.crypto.pqap_hook_rwsem");
	kmutex_init(&kvm->res_lock, ld, "&kvm->res_lock");
	kvm->crypto.format = fmt;
	kvm->crypto.apie = true;
	kvm->crypto.aiv = true;
	return kvm;
}

unsigned kvm_destroy(struct kvm *kvm)
{
	unsigned leaks = kvm_resources_held(kvm);

	kmutex_destroy(&kvm->res_lock);
	krwsem_destroy(&kvm->crypto.pqap_hook_rwsem);
	ld_sched_object_gone(kvm->lock.dep.ctx, kvm);
	kmutex_destroy(&kvm->lock);
	free(kvm);
	return leaks;
}

void kvm_arch_crypto_set_masks(struct kvm *kvm, const bm256 *apm, const bm256 *aqm,
			       const bm256 *adm)
{
	struct kvm_apcb *a = &kvm->crypto.apcb;

	lockdep_assert_held(&kvm->lock);
	if (kvm->crypto.format == CRYCB_NONE)
		return;
	a->apm = *apm;
	a->aqm = *aqm;
	a->adm = *adm;
	if (kvm->crypto.format != CRYCB_FORMAT2) {
		/* APCB0: 8 bytes of APM, 2 bytes each of AQM and ADM */
		bm_limit(&a->apm, 63);
		bm_limit(&a->aqm, 15);
		bm_limit(&a->adm, 15);
	}
	kvm->apcb_updates++;
}

void kvm_arch_crypto_clear_masks(struct kvm *kvm)
{
	lockdep_assert_held(&kvm->lock);
	memset(&kvm->crypto.apcb, 0, sizeof(kvm->crypto.apcb));
	kvm->apcb_updates++;
}

void kvm_get_apcb(struct kvm *kvm, struct kvm_apcb *out)
{
	kmutex_lock(&kvm->lock);
	*out = kvm->crypto.apcb;
	kmutex_unlock(&kvm->lock);
}

/* GR0 checks of the intercept; 0 when the instruction may go on. */
static int pqap_check_gr0(struct kvm *kvm, const struct kvm_pqap_regs *regs)
{
	if (!kvm->crypto.apie)
		return -EOPNOTSUPP;
	if (((regs->gr0 >> 24) & 0xff) != 0x03) /* only AQIC is intercepted */
		return -EOPNOTSUPP;
	if (regs->problem_state)
		return -EACCES;
	if (regs->gr0 & 0x007f0000)
		return -EINVAL;
	if (regs->gr0 & 0x00800000) /* T bit without facility 15 */
		return -EINVAL;
	if (kvm->crypto.format != CRYCB_FORMAT2 && (regs->gr0 & 0x0000c0f0))
		return -EINVAL;
	return 0;
}

int kvm_handle_pqap(struct kvm *kvm, struct kvm_pqap_regs *regs)
{
	int ret = pqap_check_gr0(kvm, regs);

	if (ret)
		return ret;
	down_read(&kvm->crypto.pqap_hook_rwsem);
	if (kvm->crypto.pqap_hook) {
		struct kvm_pqap_hook *h = kvm->crypto.pqap_hook;

		ret = h->fn(h->owner, kvm, regs);
		if (!ret)
			regs->cc = (regs->gr1 & 0x00ff0000) ? 3 : 0;
	} else {
		/* response code 01 lands in the high half of GR1, unshifted */
		regs->gr1 = (uint64_t)0x00010000 << 32;
		regs->cc = 3;
		ret = 0;
	}
	up_read(&kvm->crypto.pqap_hook_rwsem);
	return ret;
}

int kvm_pin_guest_page(struct kvm *kvm, uint64_t gaddr, uint64_t *haddr)
{
	if (gaddr >= KVM_GUEST_MEM_SIZE)
		return -EFAULT;
	kmutex_lock(&kvm->res_lock);
	kvm->pinned_pages++;
	kmutex_unlock(&kvm->res_lock);
	*haddr = 0x100000000ULL * (kvm->id + 1) + gaddr;
	return 0;
}

void kvm_unpin_guest_page(struct kvm *kvm, uint64_t gaddr)
{
	(void)gaddr;
	kmutex_lock(&kvm->res_lock);
	if (kvm->pinned_pages)
		kvm->pinned_pages--;
	kmutex_unlock(&kvm->res_lock);
}

int kvm_s390_gisc_register(struct kvm *kvm, uint8_t gisc)
{
	if (gisc > 7)
		return -ERANGE;
	kmutex_lock(&kvm->res_lock);
	kvm->isc_refs[gisc]++;
	kmutex_unlock(&kvm->res_lock);
	return GIB_HOST_ISC;
}

int kvm_s390_gisc_unregister(struct kvm *kvm, uint8_t gisc)
{
	int rc = 0;

	if (gisc > 7)
		return -ERANGE;
	kmutex_lock(&kvm->res_lock);
	if (kvm->isc_refs[gisc])
		kvm->isc_refs[gisc]--;
	else
		rc = -ERANGE;
	kmutex_unlock(&kvm->res_lock);
	return rc;
}

unsigned kvm_resources_held(struct kvm *kvm)
{
	unsigned n;

	kmutex_lock(&kvm->res_lock);
	n = kvm->pinned_pages;
	for (int i = 0; i < 8; i++)
		n += kvm->isc_refs[i];
	kmutex_unlock(&kvm->res_lock);
	return n;
}
