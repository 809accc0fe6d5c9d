/* SPDX-License-Identifier: MIT */
/*
 * kvm.h - a simulated s390 KVM guest: kvm->lock, the CRYCB and its AP
 * control block, the PQAP hook with its rw-semaphore, guest memory, the
 * GISA interruption-subclass registrations and pinned pages.
 *
 * Mirrors the parts of arch/s390/kvm (kvm-s390.c, priv.c) that vfio_ap
 * touches. CRYCB formats: 0 and 1 carry APCB0 (64-bit apm, 16 usage and 16
 * control domains), 2 carries APCB1 (256 bits each); crycbd 0 means the
 * guest has no crypto at all.
 *
 * Locks: kvm->lock ("&kvm->lock") guards the APCBs;
 * crypto.pqap_hook_rwsem ("&kvm->arch.crypto.pqap_hook_rwsem") guards
 * pqap_hook (write to change it, read while calling it). Pinned pages and
 * ISC registrations are counted under res_lock (a leaf).
 *
 * struct kvm_misc is the /dev/kvm misc device (10:232) with the VM counters
 * its change events report when a VM is created or destroyed
 * (kvm_uevent_notify_change, docs/uevents.md §6).
 */
#ifndef VAS_KVM_H
#define VAS_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include "base/bitmap.h"
#include "kernel/uevent.h"
#include "lockdep/lockdep.h"

struct kvm;

#define KVM_GUEST_MEM_SIZE 0x40000000ULL /* 1 GiB at guest addresses 0.. */
#define KVM_PAGE_SIZE 4096ULL

enum crycb_format { CRYCB_NONE = -1, CRYCB_FORMAT0 = 0, CRYCB_FORMAT1 = 1, CRYCB_FORMAT2 = 2 };

/* Guest registers seen by the PQAP intercept. */
struct kvm_pqap_regs {
	uint64_t gr0, gr1, gr2;
	int cc;
	bool problem_state;
};

/* What kvm->arch.crypto.pqap_hook points at: the owner's handler. */
struct kvm_pqap_hook {
	int (*fn)(void *owner, struct kvm *kvm, struct kvm_pqap_regs *regs);
	void *owner;
};

struct kvm_apcb {
	bm256 apm, aqm, adm;
};

struct kvm {
	unsigned id;
	struct kmutex lock;
	struct {
		enum crycb_format format; /* const after creation */
		struct krwsem pqap_hook_rwsem;
		struct kvm_pqap_hook *pqap_hook GUARDED_BY(pqap_hook_rwsem);
		struct kvm_apcb apcb GUARDED_BY(lock); /* as the format holds it */
		bool apie, aiv;			       /* vCPU interpretation facilities */
	} crypto;
	struct kmutex res_lock;
	unsigned pinned_pages GUARDED_BY(res_lock);
	unsigned isc_refs[8] GUARDED_BY(res_lock);
	unsigned long long apcb_updates GUARDED_BY(lock);
};

#define KVM_MISC_MAJOR 10
#define KVM_MINOR 232

struct kvm_misc {
	struct kobj kobj;			     /* /devices/virtual/misc/kvm, class misc */
	struct kmutex lock;			     /* "kvm_lock": the counters below (a leaf) */
	unsigned long long created GUARDED_BY(lock); /* VMs created since boot */
	unsigned long long active GUARDED_BY(lock);  /* VMs alive */
};

void kvm_misc_init(struct kvm_misc *km, struct ld_ctx *ld, struct uevents *uev);
void kvm_misc_destroy(struct kvm_misc *km);
/*
 * After a VM was created (create: counted, `change` with EVENT=create) or
 * as one is being destroyed (EVENT=destroy): CREATED, COUNT, EVENT, PID
 * (pid: the process that created the VM), then the device's own keys.
 */
void kvm_uevent_notify_change(struct kvm_misc *km, bool create, int pid);

struct kvm *kvm_create(struct ld_ctx *ld, unsigned id, enum crycb_format fmt);
/* Returns the number of leaked resources (pinned pages + ISC registrations). */
unsigned kvm_destroy(struct kvm *kvm);

/* kvm_arch_crypto_set_masks / clear_masks: caller holds kvm->lock. */
void kvm_arch_crypto_set_masks(struct kvm *kvm, const bm256 *apm, const bm256 *aqm,
			       const bm256 *adm) REQUIRES(kvm->lock);
void kvm_arch_crypto_clear_masks(struct kvm *kvm) REQUIRES(kvm->lock);
/* A copy of the guest's APCB (takes kvm->lock). */
void kvm_get_apcb(struct kvm *kvm, struct kvm_apcb *out);

/* The PQAP intercept (handle_pqap in priv.c): 0, or -EOPNOTSUPP etc. */
int kvm_handle_pqap(struct kvm *kvm, struct kvm_pqap_regs *regs);

/* Guest memory pinning and GISA ISC registration. */
int kvm_pin_guest_page(struct kvm *kvm, uint64_t gaddr, uint64_t *haddr);
void kvm_unpin_guest_page(struct kvm *kvm, uint64_t gaddr);
/* Returns the host ISC (>= 0) or -errno. */
int kvm_s390_gisc_register(struct kvm *kvm, uint8_t gisc);
int kvm_s390_gisc_unregister(struct kvm *kvm, uint8_t gisc);
unsigned kvm_resources_held(struct kvm *kvm);

#endif
