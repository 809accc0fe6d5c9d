/* SPDX-License-Identifier: MIT */
/*
 * ap_machine.h - the AP side of a machine as it is before boot: AP device
 * types, the physical cards and what PQAP(QCI) will report.
 *
 * struct ap_machine_cfg is what an LPAR's hardware configuration decides:
 * whether AP extended addressing (APXA) is installed, the highest adapter
 * and domain number the machine supports (QCI na / nd), the cards that
 * physically exist (type, kind, SCLP configuration state, check-stop,
 * and what their firmware answers to the zcrypt queries: serial number,
 * EP11 module facts, master-key registers) and the configured usage and
 * control domains. The simulated hardware (ap_hw.c) is built from it;
 * src/sim/config.c parses host configuration files into it
 * (docs/design.md §12, docs/zcrypt.md §5).
 */
#ifndef VAS_AP_MACHINE_H
#define VAS_AP_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/bitmap.h"

/* AP device types: CEX4 = 10 ... CEX8 = 14. */
#define AP_DEVICE_TYPE_CEX4 10
#define AP_DEVICE_TYPE_CEX8 14

/* The card's function: the letter after the generation in "CEX8C". */
enum ap_card_kind { AP_KIND_ACCEL = 'A', AP_KIND_CCA = 'C', AP_KIND_EP11 = 'P' };

/*
 * Master-key registers of one domain (docs/zcrypt.md §4). A CCA card has
 * nine: NEW, CUR and OLD of the AES, APKA and ASYM master keys; an EP11
 * card two: the wrapping key's CUR and NEW (slots 0 and 1).
 */
enum ap_mk_reg_id {
	AP_MK_AES_NEW,
	AP_MK_AES_CUR,
	AP_MK_AES_OLD,
	AP_MK_APKA_NEW,
	AP_MK_APKA_CUR,
	AP_MK_APKA_OLD,
	AP_MK_ASYM_NEW,
	AP_MK_ASYM_CUR,
	AP_MK_ASYM_OLD,
	AP_MK_NREGS,
	AP_MK_WK_CUR = 0,
	AP_MK_WK_NEW = 1,
};

/* The states a register can be in; which ones each register takes: zcrypt.md §4. */
enum ap_mk_state {
	AP_MK_EMPTY = 1,   /* NEW: nothing loaded */
	AP_MK_PARTIAL,	   /* CCA NEW: some key parts loaded */
	AP_MK_FULL,	   /* CCA NEW: all parts loaded (has a pattern) */
	AP_MK_INVALID,	   /* CUR, OLD: no key */
	AP_MK_VALID,	   /* CUR, OLD: a key (has a pattern) */
	AP_MK_UNCOMMITTED, /* EP11 NEW: loaded, not committed (has a pattern) */
	AP_MK_COMMITTED,   /* EP11 NEW: committed (has a pattern) */
};

#define AP_MK_VP_MAX 32 /* bytes of the longest pattern (EP11 WK) */

struct ap_mk_reg {
	unsigned char state;		/* enum ap_mk_state */
	unsigned char vp[AP_MK_VP_MAX]; /* verification pattern, first byte first */
};

#define AP_SERIAL_MAX 16   /* EP11; a CCA serial has 8 characters */
#define AP_EP11_OP_MODES 9 /* op_mode bits 0..8 have names */

/* What a card's firmware answers to the zcrypt queries (accelerators: nothing). */
struct ap_card_fw {
	char serial[AP_SERIAL_MAX + 1];	  /* "" = the default of the card's id */
	unsigned api_ordinal;		  /* EP11 API ordinal number */
	unsigned char fw_major, fw_minor; /* EP11 firmware version */
	uint64_t op_modes;		  /* EP11: bit n set = mode n is on */
	struct ap_mk_reg mk[AP_MK_NREGS]; /* every domain's registers ... */
	bm256 nomk;			  /* ... except these domains: nothing set */
};

struct ap_card_cfg {
	bool present; /* the card exists */
	int type;     /* AP_DEVICE_TYPE_CEX4..CEX8 */
	char kind;    /* enum ap_card_kind */
	bool config;  /* in the QCI adapter mask (default 1) */
	bool chkstop; /* check-stopped (default 0) */
	struct ap_card_fw fw;
};

struct ap_machine_cfg {
	bool apxa;	 /* AP extended addressing (default yes) */
	int max_adapter; /* QCI na; -1 = default (255 with apxa, else 63) */
	int max_domain;	 /* QCI nd; -1 = default (255 with apxa, else 15) */
	struct ap_card_cfg cards[BM_BITS];
	bm256 usage_domains;   /* QCI aqm */
	bm256 control_domains; /* QCI adm */
};

/* apxa yes, na/nd defaulted, no cards, no domains. */
void ap_machine_cfg_init(struct ap_machine_cfg *m);
/* Effective QCI na / nd after defaults. */
int ap_machine_na(const struct ap_machine_cfg *m);
int ap_machine_nd(const struct ap_machine_cfg *m);
/* "CEX8C" -> type 14, kind 'C'; -EINVAL if unknown. */
int ap_card_type_parse(const char *s, int *type, char *kind);

/*
 * The firmware defaults of a card of that kind (docs/zcrypt.md §5): every
 * current master key set with a fixed pattern, NEW empty, OLD invalid,
 * default serial, EP11 API ordinal 6, firmware 7.22, no op mode.
 */
void ap_card_fw_default(struct ap_card_fw *fw, char kind);
/* The serial number a card answers with: the configured one, or its id's default. */
void ap_card_serial(const struct ap_card_fw *fw, char kind, unsigned id,
		    char out[AP_SERIAL_MAX + 1]);
/* The serial's length for a kind: 8 (CCA), 16 (EP11), 0 (accelerator). */
unsigned ap_serial_len(char kind);
/* Bytes of register r's pattern on a card of that kind: 8, 16 or 32 (0 if none). */
unsigned ap_mk_vp_len(char kind, int r);
/* Name of EP11 op mode bit n (n < AP_EP11_OP_MODES), e.g. "FIPS2021". */
const char *ap_ep11_op_mode_name(unsigned n);
/* Does the state carry a verification pattern? */
bool ap_mk_state_has_vp(int state);

#endif
