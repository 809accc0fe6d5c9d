/* SPDX-License-Identifier: MIT */
/*
 * ap_hw.h - simulated AP crypto hardware: the machine below the AP bus.
 *
 * Models what the s390 AP instructions see: the QCI configuration (apxa,
 * na, nd, apm/aqm/adm), the physical cards (type, functions, SCLP config
 * state, check-stop) and per-APQN queue state (reset in progress, IRQ
 * enablement, NIB). The instructions return a 32-bit AP queue status word
 * (APQSW, MSB first: bit 0 queue empty, bit 7 IRQ enabled, bits 8-15 the
 * response code), kept apart from errno values.
 *
 * Invariant: a queue whose reset is pending answers TAPQ with response code
 * 02 until `reset_polls` TAPQs have seen it, then 00 with IRQs disabled.
 * All state is guarded by hw->lock (a leaf: nothing is called with it held).
 */
#ifndef VAS_AP_HW_H
#define VAS_AP_HW_H

#include <stdbool.h>
#include <stdint.h>

#include "base/bitmap.h"
#include "lockdep/lockdep.h"
#include "ap/ap_machine.h"

/* Response codes. */
#define AP_RESPONSE_NORMAL 0x00
#define AP_RESPONSE_Q_NOT_AVAIL 0x01
#define AP_RESPONSE_RESET_IN_PROGRESS 0x02
#define AP_RESPONSE_DECONFIGURED 0x03
#define AP_RESPONSE_CHECKSTOPPED 0x04
#define AP_RESPONSE_BUSY 0x05
#define AP_RESPONSE_INVALID_ADDRESS 0x06
#define AP_RESPONSE_OTHERWISE_CHANGED 0x07
#define AP_RESPONSE_STATE_CHANGE_IN_PROGRESS 0x0a
#define AP_RESPONSE_INVALID_GISA 0x08

#define APQSW_EMPTY 0x80000000u
#define APQSW_IRQ 0x01000000u
#define APQSW_RC(sw) (((sw) >> 16) & 0xffu)
#define APQSW_MAKE(rc, flags) (((uint32_t)(rc) << 16) | (flags))

#define AP_MKQID(apid, apqi) ((unsigned)(((apid)&0xff) << 8 | ((apqi)&0xff)))
#define AP_QID_CARD(q) (((q) >> 8) & 0xff)
#define AP_QID_QUEUE(q) ((q)&0xff)

/* The QCI result. */
struct ap_config_info {
	bool apxa;
	bool valid; /* QCI "flags" non-zero */
	int na, nd;
	bm256 apm, aqm, adm;
};

struct ap_hw_queue {
	int reset_polls_left; /* >0: reset in progress */
	bool irq;
	uint8_t isc;
	uint64_t nib;
};

/* Fault knobs (sim/faults/): a forced response code is used once per count. */
struct ap_hw_faults {
	uint8_t zapq_rc; /* 0 = none */
	int zapq_count;
	uint8_t tapq_rc;
	int tapq_count;
	uint8_t aqic_rc;
	int aqic_count;
	int reset_polls; /* TAPQs a reset stays "in progress" (default 1) */
};

struct ap_hw {
	struct kmutex lock;
	struct ap_config_info qci GUARDED_BY(lock);
	struct ap_card_cfg cards[BM_BITS] GUARDED_BY(lock);
	struct ap_hw_queue *queues[BM_BITS] GUARDED_BY(lock); /* per card, 256 each */
	struct ap_hw_faults faults GUARDED_BY(lock);
	unsigned long long nr_zapq GUARDED_BY(lock);
	unsigned long long nr_tapq GUARDED_BY(lock);
	unsigned long long nr_aqic GUARDED_BY(lock);
};

int ap_hw_init(struct ap_hw *hw, struct ld_ctx *ld, const struct ap_machine_cfg *cfg);
void ap_hw_destroy(struct ap_hw *hw);

/* PQAP(QCI): a copy of the configuration. */
void ap_hw_qci(struct ap_hw *hw, struct ap_config_info *out);
/* Card facts for the bus: 0, or -ENODEV if no card is installed. */
int ap_hw_card_info(struct ap_hw *hw, unsigned apid, int *type, char *kind, bool *config,
		    bool *chkstop);

/*
 * A zcrypt query (CPRB) sent to an APQN: 0 with the card's firmware
 * answer in *fw (serial resolved, the registers as that domain has them,
 * nomk empty), or -ENODEV if the APQN cannot be operated (not configured,
 * deconfigured, check-stopped).
 */
int ap_hw_card_query(struct ap_hw *hw, unsigned apqn, struct ap_card_fw *fw);

/* The instructions. tapq/zapq return the APQSW. */
uint32_t ap_hw_tapq(struct ap_hw *hw, unsigned apqn);
uint32_t ap_hw_zapq(struct ap_hw *hw, unsigned apqn);
/* Host AQIC: enable with (isc, nib) or disable. */
uint32_t ap_hw_aqic(struct ap_hw *hw, unsigned apqn, bool enable, uint8_t isc, uint64_t nib);

/* Configuration changes (HMC / SCLP). Return 0 or -errno. */
void ap_hw_set_masks(struct ap_hw *hw, const bm256 *apm, const bm256 *aqm, const bm256 *adm);
int ap_hw_card_set_config(struct ap_hw *hw, unsigned apid, bool config);
void ap_hw_set_faults(struct ap_hw *hw, const struct ap_hw_faults *f);
void ap_hw_get_faults(struct ap_hw *hw, struct ap_hw_faults *f);

#endif
