/* SPDX-License-Identifier: MIT */
/*
 * config_card.c - the `card` line of a host configuration file
 * (design.md §12.1; the firmware options: docs/zcrypt.md §5).
 *
 *   card LIST type=T [config=0|1] [chkstop=0|1] [serial=S] [nomk=LIST]
 *        CCA only:  [aes=MK] [apka=MK] [asym=MK]     MK = CUR[,NEW[,OLD]]
 *        EP11 only: [wk=CUR[,NEW]] [api=N] [fw=MAJOR.MINOR] [op_modes=M,...]
 *
 * Options come in any order, each at most once. The firmware options need
 * the card's kind, so the line is read twice: the first pass takes type=,
 * config= and chkstop= and checks every option's name, the second starts
 * the firmware from the kind's defaults and applies the rest in line order.
 * A register value is a state word, STATE:HEX, or HEX alone for the state
 * that carries a pattern (CUR/OLD valid, CCA NEW full, EP11 NEW committed);
 * HEX is an optional 0x and at most two digits per pattern byte, filled
 * from the right.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "sim/config_int.h"

#define OPTIONS                                                                         \
	"type=, config=, chkstop=, serial=, nomk=, aes=, apka=, asym=, wk=, api=, fw= " \
	"or op_modes="

enum card_opt {
	OPT_TYPE,
	OPT_CONFIG,
	OPT_CHKSTOP,
	OPT_SERIAL,
	OPT_NOMK,
	OPT_AES,
	OPT_APKA,
	OPT_ASYM,
	OPT_WK,
	OPT_API,
	OPT_FW,
	OPT_OP_MODES,
	NR_OPTS
};

static const char *const opt_names[NR_OPTS] = {
	"type", "config", "chkstop", "serial", "nomk", "aes",
	"apka", "asym",	  "wk",	     "api",    "fw",   "op_modes",
};

/* The kinds an option is for: 0 any, else the kind letters. */
static const char *const opt_kinds[NR_OPTS] = {
	[OPT_SERIAL] = "CP", [OPT_NOMK] = "CP", [OPT_AES] = "C",
	[OPT_APKA] = "C",    [OPT_ASYM] = "C",	[OPT_WK] = "P",
	[OPT_API] = "P",     [OPT_FW] = "P",	[OPT_OP_MODES] = "P",
};

/* "name=0" / "name=1" into *flag. */
static int card_flag(struct cfg_parser *p, const char *opt, const char *val, bool *flag)
{
	if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
		return cfg_fail(p, "card: expected %s=0 or %s=1, got '%s=%s'", opt, opt, opt, val);
	*flag = val[0] == '1';
	return 0;
}

/* First pass: names, repetitions, type=, config=, chkstop=. vals[o] gets each value. */
static int first_pass(struct cfg_parser *p, int argc, char **argv, struct ap_card_cfg *c,
		      const char **vals)
{
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		int o, rc = 0;

		if (!eq)
			return cfg_fail(p, "card: expected an option " OPTIONS ", got '%s'",
					argv[i]);
		*eq = '\0';
		for (o = 0; o < NR_OPTS && strcmp(argv[i], opt_names[o]); o++)
			;
		if (o == NR_OPTS)
			return cfg_fail(p, "card: unknown option '%s' (expected " OPTIONS ")",
					argv[i]);
		if (vals[o])
			return cfg_fail(p, "card: option '%s' given twice", argv[i]);
		vals[o] = eq + 1;
		if (o == OPT_TYPE && ap_card_type_parse(eq + 1, &c->type, &c->kind))
			rc = cfg_fail(p,
				      "card: unknown type '%s' (expected CEX4A..CEX8P: CEX4-CEX8 "
				      "then A, C or P)",
				      eq + 1);
		else if (o == OPT_CONFIG)
			rc = card_flag(p, "config", eq + 1, &c->config);
		else if (o == OPT_CHKSTOP)
			rc = card_flag(p, "chkstop", eq + 1, &c->chkstop);
		if (rc)
			return rc;
	}
	if (!vals[OPT_TYPE])
		return cfg_fail(p, "card: missing type=T (T one of CEX4A..CEX8P)");
	return 0;
}

/* HEX into a len-byte pattern, filled from the right: 0 or -EINVAL. */
static int parse_vp(const char *s, unsigned len, unsigned char *vp)
{
	size_t n;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = strlen(s);
	if (n == 0 || n > 2 * len || strspn(s, "0123456789abcdefABCDEF") != n)
		return -EINVAL;
	memset(vp, 0, AP_MK_VP_MAX);
	for (size_t i = 0; i < n; i++) {
		char ch = s[n - 1 - i];
		unsigned v = isdigit((unsigned char)ch) ? (unsigned)(ch - '0') :
							  (unsigned)(tolower(ch) - 'a' + 10);

		vp[len - 1 - i / 2] |= (unsigned char)(i % 2 ? v << 4 : v);
	}
	return 0;
}

/* A register slot's role: which states it takes, which one HEX alone means. */
struct slot_role {
	const char *name;      /* CUR, NEW, OLD */
	const char *states[3]; /* the words it takes */
	int values[3];	       /* their enum ap_mk_state */
	const char *expect;    /* for the error message */
};

static const struct slot_role role_cur = {
	"CUR", { "valid", "invalid" }, { AP_MK_VALID, AP_MK_INVALID }, "valid:HEX, HEX or invalid"
};
static const struct slot_role role_old = {
	"OLD", { "valid", "invalid" }, { AP_MK_VALID, AP_MK_INVALID }, "valid:HEX, HEX or invalid"
};
static const struct slot_role role_new_cca = { "NEW",
					       { "full", "partial", "empty" },
					       { AP_MK_FULL, AP_MK_PARTIAL, AP_MK_EMPTY },
					       "full:HEX, HEX, partial or empty" };
static const struct slot_role role_new_ep11 = { "NEW",
						{ "committed", "uncommitted", "empty" },
						{ AP_MK_COMMITTED, AP_MK_UNCOMMITTED, AP_MK_EMPTY },
						"committed:HEX, HEX, uncommitted:HEX or empty" };

/* One slot of an aes=/apka=/asym=/wk= value into *reg. */
static int parse_slot(struct cfg_parser *p, const char *opt, const struct slot_role *role,
		      unsigned len, char *text, struct ap_mk_reg *reg)
{
	char *colon = strchr(text, ':');
	int state = 0;

	if (colon)
		*colon = '\0';
	for (int i = 0; i < 3 && role->states[i]; i++)
		if (!strcmp(text, role->states[i]))
			state = role->values[i];
	if (state) { /* a state word: with a pattern exactly when the state has one */
		if (ap_mk_state_has_vp(state) != (colon != NULL) ||
		    (colon && parse_vp(colon + 1, len, reg->vp)))
			state = 0;
	} else if (!colon && parse_vp(text, len, reg->vp) == 0) {
		state = role->values[0]; /* HEX alone: the state with a pattern */
	}
	if (colon)
		*colon = ':';
	if (!state)
		return cfg_fail(p,
				"card: %s=: bad %s value '%s' (expected %s; HEX is at most %u "
				"hex digits)",
				opt, role->name, text, role->expect, 2 * len);
	if (!ap_mk_state_has_vp(state))
		memset(reg->vp, 0, sizeof(reg->vp));
	reg->state = (unsigned char)state;
	return 0;
}

/* aes=, apka=, asym= (CUR,NEW,OLD from register base) or wk= (CUR,NEW). */
static int parse_mk(struct cfg_parser *p, const char *opt, const char *val, struct ap_card_cfg *c,
		    int base)
{
	bool ep11 = c->kind == AP_KIND_EP11;
	const struct slot_role *roles[3] = { &role_cur, ep11 ? &role_new_ep11 : &role_new_cca,
					     &role_old };
	const int regs[3] = { ep11 ? AP_MK_WK_CUR : base + 1, ep11 ? AP_MK_WK_NEW : base,
			      base + 2 };
	int nslots = ep11 ? 2 : 3, n = 0;
	char *slot, *copy = strdup(val);
	int rc = 0;

	if (!copy)
		return cfg_fail(p, "out of memory");
	for (char *s = copy; (slot = strsep(&s, ",")) != NULL && !rc; n++) {
		if (n == nslots) {
			rc = cfg_fail(p, "card: %s=: at most %d values (%s), got '%s'", opt, nslots,
				      ep11 ? "CUR,NEW" : "CUR,NEW,OLD", val);
			break;
		}
		rc = parse_slot(p, opt, roles[n], ap_mk_vp_len(c->kind, regs[n]), slot,
				&c->fw.mk[regs[n]]);
	}
	free(copy);
	return rc;
}

/* serial=S: exactly the kind's length of letters and digits. */
static int parse_serial(struct cfg_parser *p, const char *val, struct ap_card_cfg *c, unsigned nids)
{
	unsigned len = ap_serial_len(c->kind);
	size_t n = strlen(val);
	bool alnum = true;

	for (size_t i = 0; i < n; i++)
		alnum &= isalnum((unsigned char)val[i]) != 0;
	if (n != len || !alnum)
		return cfg_fail(p, "card: serial= takes %u letters or digits on %s card, got '%s'",
				len, c->kind == AP_KIND_CCA ? "a CCA" : "an EP11", val);
	if (nids > 1)
		return cfg_fail(p, "card: serial= is for one card, but the list names %u", nids);
	memcpy(c->fw.serial, val, n + 1);
	return 0;
}

/* op_modes=none or a comma-separated list of mode names. */
static int parse_op_modes(struct cfg_parser *p, const char *val, struct ap_card_cfg *c)
{
	const char *s = val;

	c->fw.op_modes = 0;
	if (!strcmp(val, "none"))
		return 0;
	do {
		size_t len = strcspn(s, ",");
		unsigned m;

		for (m = 0; m < AP_EP11_OP_MODES; m++)
			if (strlen(ap_ep11_op_mode_name(m)) == len &&
			    !strncmp(s, ap_ep11_op_mode_name(m), len))
				break;
		if (m == AP_EP11_OP_MODES)
			return cfg_fail(p,
					"card: unknown op mode '%.*s' in op_modes= (expected none "
					"or FIPS2009, BSI2009, FIPS2011, BSI2011, SIGG-IMPORT, "
					"SIGG, BSICC2017, FIPS2021, FIPS2024)",
					(int)len, s);
		c->fw.op_modes |= 1ull << m;
		s += len;
	} while (*s++ == ',');
	return 0;
}

/* A decimal number 0-255 of at most three digits at *s, which moves past it. */
static int dec_u8(const char **s, unsigned char *out)
{
	unsigned v = 0, n = 0;

	while (isdigit((unsigned char)**s) && n < 4)
		v = v * 10 + (unsigned)(*(*s)++ - '0'), n++;
	if (n == 0 || n > 3 || v > 255)
		return -EINVAL;
	*out = (unsigned char)v;
	return 0;
}

/* api=N (C number, 32 bits) and fw=MAJOR.MINOR (decimal, each 0-255). */
static int parse_ep11_facts(struct cfg_parser *p, int o, const char *val, struct ap_card_cfg *c)
{
	unsigned char maj, min;
	unsigned long v;
	const char *s = val;

	if (o == OPT_API) {
		if (vas_kstrtoul(val, 0, &v) || v > 0xffffffffUL)
			return cfg_fail(p, "card: expected api=N (0-4294967295), got 'api=%s'",
					val);
		c->fw.api_ordinal = (unsigned)v;
		return 0;
	}
	if (dec_u8(&s, &maj) || *s++ != '.' || dec_u8(&s, &min) || *s)
		return cfg_fail(p, "card: expected fw=MAJOR.MINOR (each 0-255), got 'fw=%s'", val);
	c->fw.fw_major = maj;
	c->fw.fw_minor = min;
	return 0;
}

/* Second pass: the firmware options, in line order, on top of the kind's defaults. */
static int second_pass(struct cfg_parser *p, int argc, char **argv, struct ap_card_cfg *c,
		       unsigned nids)
{
	ap_card_fw_default(&c->fw, c->kind);
	for (int i = 2; i < argc; i++) {
		const char *name = argv[i], *val = name + strlen(name) + 1;
		int o, rc = 0;

		for (o = 0; strcmp(name, opt_names[o]); o++)
			;
		if (o <= OPT_CHKSTOP)
			continue;
		if (!strchr(opt_kinds[o], c->kind))
			return cfg_fail(p, "card: %s= is for %s cards, not CEX%d%c", name,
					!strcmp(opt_kinds[o], "C") ? "CCA (CEXnC)" :
					!strcmp(opt_kinds[o], "P") ? "EP11 (CEXnP)" :
								     "CCA and EP11",
					c->type - AP_DEVICE_TYPE_CEX4 + 4, c->kind);
		if (o == OPT_SERIAL)
			rc = parse_serial(p, val, c, nids);
		else if (o == OPT_NOMK)
			rc = cfg_parse_list(p, "card: nomk=", val, &c->fw.nomk);
		else if (o == OPT_AES || o == OPT_APKA || o == OPT_ASYM || o == OPT_WK)
			rc = parse_mk(p, name, val, c, 3 * (o - OPT_AES));
		else if (o == OPT_OP_MODES)
			rc = parse_op_modes(p, val, c);
		else
			rc = parse_ep11_facts(p, o, val, c);
		if (rc)
			return rc;
	}
	return 0;
}

int cfg_kw_card(struct cfg_parser *p, int argc, char **argv)
{
	struct ap_card_cfg c = { .present = true, .config = true };
	const char *vals[NR_OPTS] = { 0 };
	unsigned id;
	bm256 ids;
	int rc;

	rc = cfg_parse_list(p, "card", argv[1], &ids);
	rc = rc ?: first_pass(p, argc, argv, &c, vals);
	rc = rc ?: second_pass(p, argc, argv, &c, bm_weight(&ids));
	if (rc)
		return rc;
	bm_for_each(id, &ids) {
		if (p->cfg->machine.cards[id].present)
			return cfg_fail(p, "card: adapter 0x%02x already defined on line %d", id,
					p->card_line[id]);
	}
	bm_for_each(id, &ids) {
		p->cfg->machine.cards[id] = c;
		p->card_line[id] = p->line;
	}
	return 0;
}
