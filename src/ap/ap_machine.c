/* SPDX-License-Identifier: MIT */
/*
 * ap_machine.c - defaults and names of ap_machine_cfg (ap_machine.h): card
 * types, and the card firmware's defaults, serial numbers, pattern lengths
 * and EP11 op-mode names.
 */
#include "ap/ap_machine.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void ap_machine_cfg_init(struct ap_machine_cfg *m)
{
	memset(m, 0, sizeof(*m));
	m->apxa = true;
	m->max_adapter = -1;
	m->max_domain = -1;
}

int ap_machine_na(const struct ap_machine_cfg *m)
{
	if (m->max_adapter >= 0)
		return m->max_adapter;
	return m->apxa ? 255 : 63;
}

int ap_machine_nd(const struct ap_machine_cfg *m)
{
	if (m->max_domain >= 0)
		return m->max_domain;
	return m->apxa ? 255 : 15;
}

int ap_card_type_parse(const char *s, int *type, char *kind)
{
	if (strlen(s) != 5 || strncmp(s, "CEX", 3) != 0 || s[3] < '4' || s[3] > '8')
		return -EINVAL;
	if (s[4] != AP_KIND_ACCEL && s[4] != AP_KIND_CCA && s[4] != AP_KIND_EP11)
		return -EINVAL;
	*type = AP_DEVICE_TYPE_CEX4 + (s[3] - '4');
	*kind = s[4];
	return 0;
}

/* --- card firmware (docs/zcrypt.md §4, §5) --- */

static const char *const ep11_op_modes[AP_EP11_OP_MODES] = {
	"FIPS2009", "BSI2009",	 "FIPS2011", "BSI2011",	 "SIGG-IMPORT",
	"SIGG",	    "BSICC2017", "FIPS2021", "FIPS2024",
};

const char *ap_ep11_op_mode_name(unsigned n)
{
	return n < AP_EP11_OP_MODES ? ep11_op_modes[n] : NULL;
}

bool ap_mk_state_has_vp(int state)
{
	return state == AP_MK_FULL || state == AP_MK_VALID || state == AP_MK_UNCOMMITTED ||
	       state == AP_MK_COMMITTED;
}

unsigned ap_serial_len(char kind)
{
	return kind == AP_KIND_CCA ? 8 : kind == AP_KIND_EP11 ? AP_SERIAL_MAX : 0;
}

unsigned ap_mk_vp_len(char kind, int r)
{
	if (kind == AP_KIND_EP11)
		return r == AP_MK_WK_CUR || r == AP_MK_WK_NEW ? 32 : 0;
	if (kind != AP_KIND_CCA || r < 0 || r >= AP_MK_NREGS)
		return 0;
	return r >= AP_MK_ASYM_NEW ? 16 : 8;
}

/* Invented patterns of the default current master keys (the same on every card). */
static const unsigned char default_vp[4][AP_MK_VP_MAX] = {
	{ 0x3c, 0x5e, 0x8a, 0x91, 0xf0, 0x2b, 0x6d, 0x47 },
	{ 0x9d, 0x1f, 0x4e, 0x7a, 0x26, 0xc0, 0x83, 0xb5 },
	{ 0x5b, 0x2e, 0x9c, 0x7d, 0x10, 0xa4, 0xf6, 0xe3, 0x8c, 0x1d, 0x0b, 0x7a, 0x2f, 0x59, 0x4e,
	  0x63 },
	{ 0xe4, 0xc9, 0x1a, 0x7b, 0x3f, 0x5d, 0x02, 0x86, 0x2b, 0x7e, 0x9f,
	  0x1c, 0x4a, 0x8d, 0x60, 0x35, 0x71, 0xbc, 0x2e, 0x9f, 0x08, 0xd4,
	  0xa6, 0xc3, 0xf1, 0x5e, 0x7b, 0x29, 0x06, 0xda, 0x8c, 0x4e },
};

static void set_reg(struct ap_mk_reg *r, int state, const unsigned char *vp)
{
	memset(r, 0, sizeof(*r));
	r->state = (unsigned char)state;
	if (vp)
		memcpy(r->vp, vp, AP_MK_VP_MAX);
}

void ap_card_fw_default(struct ap_card_fw *fw, char kind)
{
	memset(fw, 0, sizeof(*fw));
	if (kind == AP_KIND_CCA) {
		for (int k = 0; k < 3; k++) { /* AES, APKA, ASYM */
			set_reg(&fw->mk[3 * k + 0], AP_MK_EMPTY, NULL);
			set_reg(&fw->mk[3 * k + 1], AP_MK_VALID, default_vp[k]);
			set_reg(&fw->mk[3 * k + 2], AP_MK_INVALID, NULL);
		}
	} else if (kind == AP_KIND_EP11) {
		set_reg(&fw->mk[AP_MK_WK_CUR], AP_MK_VALID, default_vp[3]);
		set_reg(&fw->mk[AP_MK_WK_NEW], AP_MK_EMPTY, NULL);
		fw->api_ordinal = 6;
		fw->fw_major = 7;
		fw->fw_minor = 22;
	}
}

void ap_card_serial(const struct ap_card_fw *fw, char kind, unsigned id,
		    char out[AP_SERIAL_MAX + 1])
{
	if (fw->serial[0])
		snprintf(out, AP_SERIAL_MAX + 1, "%s", fw->serial);
	else if (kind == AP_KIND_CCA)
		snprintf(out, AP_SERIAL_MAX + 1, "93AAF6%02X", id & 0xff);
	else if (kind == AP_KIND_EP11)
		snprintf(out, AP_SERIAL_MAX + 1, "93AABEE7000000%02X", id & 0xff);
	else
		out[0] = '\0';
}
