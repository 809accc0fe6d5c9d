/* SPDX-License-Identifier: MIT */
/*
 * ap_hw.c - simulated AP hardware: QCI, TAPQ, ZAPQ and host AQIC.
 *
 * DESIGN: one leaf lock guards the whole machine; instructions are short and
 * never call out. A ZAPQ starts an asynchronous reset that completes after
 * `faults.reset_polls` TAPQs, which is how the driver's reset-verification
 * loop gets to see response code 02 before 00. Fault knobs force a response
 * code for the next N instructions of a kind (N = -1: until cleared).
 */
#include "ap/ap_hw.h"
#include "lockdep/sched.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ap_hw_init(struct ap_hw *hw, struct ld_ctx *ld, const struct ap_machine_cfg *cfg)
{
	memset(hw, 0, sizeof(*hw));
	kmutex_init(&hw->lock, ld, "&ap_hw->lock");
	kmutex_lock(&hw->lock);
	hw->qci.apxa = cfg->apxa;
	hw->qci.valid = true;
	hw->qci.na = ap_machine_na(cfg);
	hw->qci.nd = ap_machine_nd(cfg);
	for (unsigned a = 0; a < BM_BITS; a++) {
		hw->cards[a] = cfg->cards[a];
		if (cfg->cards[a].present && cfg->cards[a].config)
			bm_set(&hw->qci.apm, a);
	}
	hw->qci.aqm = cfg->usage_domains;
	hw->qci.adm = cfg->control_domains;
	hw->faults.reset_polls = 1;
	kmutex_unlock(&hw->lock);
	return 0;
}

void ap_hw_destroy(struct ap_hw *hw)
{
	kmutex_lock(&hw->lock);
	for (unsigned a = 0; a < BM_BITS; a++) {
		ld_sched_object_gone(hw->lock.dep.ctx, hw->queues[a]);
		free(hw->queues[a]);
		hw->queues[a] = NULL;
	}
	kmutex_unlock(&hw->lock);
	kmutex_destroy(&hw->lock);
}

/*
 * For a controlled scheduler (lockdep/sched.h): the machine's parts a call
 * reads or changes, so that calls on different queues commute although
 * they share hw->lock.
 */
static void touch(struct ap_hw *hw, const void *part, bool write)
{
	ld_sched_access(hw->lock.dep.ctx, part, write);
}

void ap_hw_qci(struct ap_hw *hw, struct ap_config_info *out)
{
	kmutex_lock(&hw->lock);
	touch(hw, &hw->qci, false);
	*out = hw->qci;
	kmutex_unlock(&hw->lock);
}

int ap_hw_card_info(struct ap_hw *hw, unsigned apid, int *type, char *kind, bool *config,
		    bool *chkstop)
{
	int rc = -ENODEV;

	kmutex_lock(&hw->lock);
	if (apid < BM_BITS)
		touch(hw, &hw->cards[apid], false);
	if (apid < BM_BITS && hw->cards[apid].present) {
		*type = hw->cards[apid].type;
		*kind = hw->cards[apid].kind;
		*config = hw->cards[apid].config;
		*chkstop = hw->cards[apid].chkstop;
		rc = 0;
	}
	kmutex_unlock(&hw->lock);
	return rc;
}

/* Response code for an APQN that cannot be operated, or 0 if it can. */
static uint8_t apqn_check(struct ap_hw *hw, unsigned apqn) REQUIRES(hw->lock)
{
	unsigned apid = AP_QID_CARD(apqn), apqi = AP_QID_QUEUE(apqn);

	touch(hw, &hw->qci, false);
	touch(hw, &hw->cards[apid], false);
	if ((int)apid > hw->qci.na || (int)apqi > hw->qci.nd)
		return AP_RESPONSE_Q_NOT_AVAIL;
	if (!hw->cards[apid].present || !bm_test(&hw->qci.apm, apid) ||
	    !bm_test(&hw->qci.aqm, apqi))
		return AP_RESPONSE_Q_NOT_AVAIL;
	if (!hw->cards[apid].config)
		return AP_RESPONSE_DECONFIGURED;
	if (hw->cards[apid].chkstop)
		return AP_RESPONSE_CHECKSTOPPED;
	return AP_RESPONSE_NORMAL;
}

static struct ap_hw_queue *hwq(struct ap_hw *hw, unsigned apqn) REQUIRES(hw->lock)
{
	unsigned apid = AP_QID_CARD(apqn);

	if (!hw->queues[apid]) {
		hw->queues[apid] = calloc(BM_BITS, sizeof(struct ap_hw_queue));
		if (!hw->queues[apid])
			abort(); /* the machine itself cannot fail */
		ld_sched_object(hw->lock.dep.ctx, hw->queues[apid],
				BM_BITS * sizeof(struct ap_hw_queue));
	}
	touch(hw, &hw->queues[apid][AP_QID_QUEUE(apqn)], true);
	return &hw->queues[apid][AP_QID_QUEUE(apqn)];
}

int ap_hw_card_query(struct ap_hw *hw, unsigned apqn, struct ap_card_fw *fw)
{
	unsigned apid = AP_QID_CARD(apqn), apqi = AP_QID_QUEUE(apqn);
	int rc = -ENODEV;

	kmutex_lock(&hw->lock);
	if (apqn_check(hw, apqn) == AP_RESPONSE_NORMAL) {
		const struct ap_card_cfg *c = &hw->cards[apid];

		*fw = c->fw;
		ap_card_serial(&c->fw, c->kind, apid, fw->serial);
		if (bm_test(&c->fw.nomk, apqi))
			for (int r = 0; r < AP_MK_NREGS; r++) {
				bool new = c->kind == AP_KIND_EP11 ? r == AP_MK_WK_NEW : r % 3 == 0;

				memset(&fw->mk[r], 0, sizeof(fw->mk[r]));
				fw->mk[r].state = new ? AP_MK_EMPTY : AP_MK_INVALID;
			}
		bm_zero(&fw->nomk);
		rc = 0;
	}
	kmutex_unlock(&hw->lock);
	return rc;
}

/* Takes one forced response code from a fault knob, or 0. */
static uint8_t take_fault(struct ap_hw *hw, uint8_t rc, int *count) REQUIRES(hw->lock)
{
	touch(hw, &hw->faults, rc && *count != 0);
	if (!rc || *count == 0)
		return 0;
	if (*count > 0)
		(*count)--;
	return rc;
}

uint32_t ap_hw_tapq(struct ap_hw *hw, unsigned apqn)
{
	uint32_t sw;
	uint8_t rc;

	kmutex_lock(&hw->lock);
	hw->nr_tapq++;
	rc = apqn_check(hw, apqn);
	if (rc) {
		sw = APQSW_MAKE(rc, 0);
	} else if ((rc = take_fault(hw, hw->faults.tapq_rc, &hw->faults.tapq_count))) {
		sw = APQSW_MAKE(rc, 0);
	} else {
		struct ap_hw_queue *q = hwq(hw, apqn);

		if (q->reset_polls_left > 0) {
			q->reset_polls_left--;
			sw = APQSW_MAKE(AP_RESPONSE_RESET_IN_PROGRESS, 0);
		} else {
			sw = APQSW_MAKE(AP_RESPONSE_NORMAL, APQSW_EMPTY | (q->irq ? APQSW_IRQ : 0));
		}
	}
	kmutex_unlock(&hw->lock);
	return sw;
}

uint32_t ap_hw_zapq(struct ap_hw *hw, unsigned apqn)
{
	uint32_t sw;
	uint8_t rc;

	kmutex_lock(&hw->lock);
	hw->nr_zapq++;
	rc = apqn_check(hw, apqn);
	if (!rc)
		rc = take_fault(hw, hw->faults.zapq_rc, &hw->faults.zapq_count);
	if (rc) {
		sw = APQSW_MAKE(rc, 0);
	} else {
		struct ap_hw_queue *q = hwq(hw, apqn);

		q->reset_polls_left = hw->faults.reset_polls;
		q->irq = false; /* zeroize also disables interrupts */
		q->isc = 0;
		q->nib = 0;
		sw = APQSW_MAKE(AP_RESPONSE_NORMAL, APQSW_EMPTY);
	}
	kmutex_unlock(&hw->lock);
	return sw;
}

uint32_t ap_hw_aqic(struct ap_hw *hw, unsigned apqn, bool enable, uint8_t isc, uint64_t nib)
{
	uint32_t sw;
	uint8_t rc;

	kmutex_lock(&hw->lock);
	hw->nr_aqic++;
	rc = apqn_check(hw, apqn);
	if (!rc)
		rc = take_fault(hw, hw->faults.aqic_rc, &hw->faults.aqic_count);
	if (!rc && enable && nib == 0)
		rc = AP_RESPONSE_INVALID_ADDRESS;
	if (rc) {
		sw = APQSW_MAKE(rc, 0);
	} else {
		struct ap_hw_queue *q = hwq(hw, apqn);

		q->irq = enable;
		q->isc = enable ? isc : 0;
		q->nib = enable ? nib : 0;
		sw = APQSW_MAKE(AP_RESPONSE_NORMAL, APQSW_EMPTY | (enable ? APQSW_IRQ : 0));
	}
	kmutex_unlock(&hw->lock);
	return sw;
}

void ap_hw_set_masks(struct ap_hw *hw, const bm256 *apm, const bm256 *aqm, const bm256 *adm)
{
	kmutex_lock(&hw->lock);
	touch(hw, &hw->qci, true);
	if (apm) {
		hw->qci.apm = *apm;
		for (unsigned a = 0; a < BM_BITS; a++) {
			if (!bm_test(apm, a) || hw->cards[a].present)
				continue;
			touch(hw, &hw->cards[a], true);
			hw->cards[a] = (struct ap_card_cfg){ .present = true,
							     .type = AP_DEVICE_TYPE_CEX8,
							     .kind = AP_KIND_CCA,
							     .config = true };
			ap_card_fw_default(&hw->cards[a].fw, AP_KIND_CCA);
		}
	}
	if (aqm)
		hw->qci.aqm = *aqm;
	if (adm)
		hw->qci.adm = *adm;
	kmutex_unlock(&hw->lock);
}

int ap_hw_card_set_config(struct ap_hw *hw, unsigned apid, bool config)
{
	int rc = -ENODEV;

	kmutex_lock(&hw->lock);
	if (apid < BM_BITS)
		touch(hw, &hw->cards[apid], true);
	if (apid < BM_BITS && hw->cards[apid].present) {
		hw->cards[apid].config = config;
		rc = 0;
	}
	kmutex_unlock(&hw->lock);
	return rc;
}

void ap_hw_set_faults(struct ap_hw *hw, const struct ap_hw_faults *f)
{
	kmutex_lock(&hw->lock);
	touch(hw, &hw->faults, true);
	hw->faults = *f;
	kmutex_unlock(&hw->lock);
}

void ap_hw_get_faults(struct ap_hw *hw, struct ap_hw_faults *f)
{
	kmutex_lock(&hw->lock);
	touch(hw, &hw->faults, false);
	*f = hw->faults;
	kmutex_unlock(&hw->lock);
}
