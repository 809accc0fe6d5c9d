/* SPDX-License-Identifier: MIT */
/*
 * test_config.c - unit tests of host configuration files (design.md §12).
 *
 * The built-in default host, the defaults of an empty file, a file using
 * every keyword, the card type names, and every error class with its exact
 * "FILE:LINE: reason" text: unknown keyword, bad number, bad list, id out of
 * range (including a max_adapter that comes after the cards), duplicate
 * card, bad option, wrong argument count, apxa-less limits, unreadable file;
 * the firmware options of card lines (zcrypt.md §5) with every error.
 * Files are given as strings through fmemopen(), one through a real path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/config.h"
#include "tap.h"
#include "unit.h"

static int parse_text(const char *text, struct sim_config *cfg, char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	if (!f)
		return -errno;
	err[0] = '\0';
	rc = sim_config_parse_stream(cfg, f, "t.cfg", err, errlen);
	fclose(f);
	return rc;
}

static int nr_cards(const struct sim_config *cfg)
{
	int n = 0;

	for (int i = 0; i < BM_BITS; i++)
		n += cfg->machine.cards[i].present;
	return n;
}

static void test_default(void)
{
	struct sim_config c;
	const struct ap_card_cfg *k = c.machine.cards;

	sim_config_default(&c);
	tap_ok(c.machine.apxa && ap_machine_na(&c.machine) == 255 &&
		       ap_machine_nd(&c.machine) == 255,
	       "default host: apxa, na 255, nd 255");
	tap_ok(nr_cards(&c) == 4 && k[3].type == 14 && k[3].kind == 'C' && k[4].kind == 'C' &&
		       k[5].kind == 'P' && k[6].kind == 'A' && k[6].type == 14,
	       "default host: cards 03,04 CEX8C, 05 CEX8P, 06 CEX8A");
	tap_ok(k[3].config && !k[3].chkstop && k[6].config, "default cards configured, running");
	tap_ok(mask_is(&c.machine.usage_domains, "ffff") &&
		       mask_is(&c.machine.control_domains, "ffff"),
	       "default host: usage and control domains 0-15");
	tap_ok(bm_weight(&c.apmask) == 256 && bm_weight(&c.aqmask) == 256,
	       "default host: apmask/aqmask all ones");
}

static void test_valid(void)
{
	static const char text[] = "# a host\n"
				   "\n"
				   "apxa yes   # trailing comment\n"
				   "\tcard 0x03-0x04 type=CEX8C\n"
				   "card 5 type=CEX4P config=0 chkstop=1\n"
				   "card 0x07 chkstop=0 type=CEX6A\n"
				   "usage_domains 0x0000-0x0003\n"
				   "usage_domains 0x47\n"
				   "control_domains 0-1\n"
				   "apmask 0xffff\n"
				   "aqmask +0-3,-1\n"
				   "max_adapter 0x10\n"
				   "max_domain 0x47\n";
	struct sim_config c;
	char err[256];
	int rc = parse_text(text, &c, err, sizeof(err));

	tap_ok(rc == 0, "valid file parses (%s)", err);
	tap_ok(ap_machine_na(&c.machine) == 16 && ap_machine_nd(&c.machine) == 0x47,
	       "max_adapter/max_domain");
	tap_ok(nr_cards(&c) == 4 && c.machine.cards[3].type == 14 && c.machine.cards[4].kind == 'C',
	       "card list 0x03-0x04");
	tap_ok(c.machine.cards[5].type == 10 && c.machine.cards[5].kind == 'P' &&
		       !c.machine.cards[5].config && c.machine.cards[5].chkstop,
	       "card options config=0 chkstop=1");
	tap_ok(c.machine.cards[7].type == 12 && c.machine.cards[7].kind == 'A' &&
		       c.machine.cards[7].config,
	       "options in any order, config defaults to 1");
	tap_ok(mask_is(&c.machine.usage_domains, "f0000000000000000100") &&
		       mask_is(&c.machine.control_domains, "c"),
	       "usage_domains lines accumulate");
	tap_ok(mask_is(&c.apmask, "ffff") && mask_is(&c.aqmask, "b"),
	       "apmask absolute; aqmask relative from all zeros");
}

static bool vp_is(const struct ap_mk_reg *r, int state, const char *hex)
{
	char got[2 * AP_MK_VP_MAX + 1];

	for (int i = 0; i < AP_MK_VP_MAX; i++)
		snprintf(got + 2 * i, 3, "%02x", r->vp[i]);
	return r->state == state && !strncmp(got, hex, strlen(hex)) &&
	       strspn(got + strlen(hex), "0") == strlen(got + strlen(hex));
}

/* The firmware options of card lines (zcrypt.md §5) and the kinds' defaults. */
static void test_firmware(void)
{
	static const char text[] =
		"card 3 type=CEX8C serial=ABCD1234 "
		"aes=0xa1b2c3d4e5f60718,full:1122334455667788,8877665544332211 "
		"apka=invalid,partial asym=0x00112233445566778899aabbccddeeff nomk=5,7-8\n"
		"card 5 type=CEX7P wk=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
		"ef,uncommitted:ff api=7 fw=8.3 op_modes=FIPS2024,FIPS2009 serial=SN00000000000005\n"
		"card 6 type=CEX8A\ncard 7-8 type=CEX8C\ncard 9 type=CEX8P op_modes=none\n";
	struct sim_config c;
	char err[256];
	const struct ap_card_cfg *k = c.machine.cards;
	int rc = parse_text(text, &c, err, sizeof(err));

	tap_ok(rc == 0, "card lines with firmware options parse (%s)", err);
	if (rc)
		return;
	tap_ok(!strcmp(k[3].fw.serial, "ABCD1234") && !strcmp(k[5].fw.serial, "SN00000000000005") &&
		       !k[7].fw.serial[0],
	       "serial=, and none (the id's default) without it");
	tap_ok(vp_is(&k[3].fw.mk[AP_MK_AES_CUR], AP_MK_VALID, "a1b2c3d4e5f60718") &&
		       vp_is(&k[3].fw.mk[AP_MK_AES_NEW], AP_MK_FULL, "1122334455667788") &&
		       vp_is(&k[3].fw.mk[AP_MK_AES_OLD], AP_MK_VALID, "8877665544332211"),
	       "aes=CUR,NEW,OLD: HEX is valid/full, STATE:HEX");
	tap_ok(vp_is(&k[3].fw.mk[AP_MK_APKA_CUR], AP_MK_INVALID, "") &&
		       vp_is(&k[3].fw.mk[AP_MK_APKA_NEW], AP_MK_PARTIAL, "") &&
		       vp_is(&k[3].fw.mk[AP_MK_APKA_OLD], AP_MK_INVALID, ""),
	       "apka=invalid,partial: states without patterns, OLD defaults to invalid");
	tap_ok(vp_is(&k[3].fw.mk[AP_MK_ASYM_CUR], AP_MK_VALID,
		     "00112233445566778899aabbccddeeff") &&
		       vp_is(&k[3].fw.mk[AP_MK_ASYM_NEW], AP_MK_EMPTY, ""),
	       "asym= takes 16-byte patterns; NEW defaults to empty");
	tap_ok(mask_is(&k[3].fw.nomk, "0580"), "nomk= is a list of domains");
	tap_ok(vp_is(&k[5].fw.mk[AP_MK_WK_CUR], AP_MK_VALID,
		     "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef") &&
		       vp_is(&k[5].fw.mk[AP_MK_WK_NEW], AP_MK_UNCOMMITTED,
			     "00000000000000000000000000000000000000000000000000000000000000ff"),
	       "wk=CUR,NEW with 32-byte patterns, filled from the right");
	tap_ok(k[5].fw.api_ordinal == 7 && k[5].fw.fw_major == 8 && k[5].fw.fw_minor == 3 &&
		       k[5].fw.op_modes == ((1ull << 8) | 1ull),
	       "api=, fw=, op_modes= (in any order)");
	tap_ok(vp_is(&k[7].fw.mk[AP_MK_AES_CUR], AP_MK_VALID, "3c5e8a91f02b6d47") &&
		       vp_is(&k[8].fw.mk[AP_MK_ASYM_OLD], AP_MK_INVALID, "") &&
		       bm_empty(&k[8].fw.nomk),
	       "CCA defaults: current keys valid with fixed patterns, OLD invalid, every domain");
	tap_ok(k[9].fw.api_ordinal == 6 && k[9].fw.fw_major == 7 && k[9].fw.fw_minor == 22 &&
		       k[9].fw.op_modes == 0 && k[9].fw.mk[AP_MK_WK_CUR].state == AP_MK_VALID &&
		       k[9].fw.mk[AP_MK_WK_NEW].state == AP_MK_EMPTY,
	       "EP11 defaults: API 6, firmware 7.22, no op mode, WK valid, NEW empty");
	tap_ok(k[6].fw.mk[0].state == 0 && k[6].fw.api_ordinal == 0,
	       "an accelerator has no firmware facts");
}

static void test_empty_and_masks(void)
{
	struct sim_config c;
	char err[256];

	tap_ok(parse_text("", &c, err, sizeof(err)) == 0 && c.machine.apxa && nr_cards(&c) == 0 &&
		       bm_empty(&c.machine.usage_domains) && bm_weight(&c.apmask) == 256 &&
		       c.machine.max_adapter == -1,
	       "empty file: apxa, no cards, no domains, masks all ones");
	tap_ok(parse_text("apxa no\n", &c, err, sizeof(err)) == 0 &&
		       ap_machine_na(&c.machine) == 63 && ap_machine_nd(&c.machine) == 15,
	       "apxa no: na 63, nd 15");
	tap_ok(parse_text("apmask 0x\n", &c, err, sizeof(err)) == 0 && bm_empty(&c.apmask),
	       "apmask 0x gives all zeros");
	tap_ok(parse_text("apmask +1\napmask +2\n", &c, err, sizeof(err)) == 0 &&
		       mask_is(&c.apmask, "2"),
	       "each apmask line starts from zeros: last wins");
	tap_ok(parse_text("max_adapter 8\nmax_adapter 9\ncard 9 type=CEX8C\n", &c, err,
			  sizeof(err)) == 0 &&
		       ap_machine_na(&c.machine) == 9,
	       "scalar keywords: last wins");
}

#define OPTS                                                                               \
	"type=, config=, chkstop=, serial=, nomk=, aes=, apka=, asym=, wk=, api=, fw= or " \
	"op_modes="

struct err_case {
	const char *text;
	const char *err; /* exact message */
};

static const struct err_case err_cases[] = {
	{ "apxa yes\n\nfoo 1\n", "t.cfg:3: unknown keyword 'foo' (expected apxa, max_adapter, "
				 "max_domain, card, usage_domains, control_domains, apmask, "
				 "aqmask or vfio_ap)" },
	{ "Card 3 type=CEX8C\n", "t.cfg:1: unknown keyword 'Card' (expected apxa, max_adapter, "
				 "max_domain, card, usage_domains, control_domains, apmask, "
				 "aqmask or vfio_ap)" },
	{ "apxa maybe\n", "t.cfg:1: apxa: expected 'yes' or 'no', got 'maybe'" },
	{ "vfio_ap later\n", "t.cfg:1: vfio_ap: expected 'yes' or 'no', got 'later'" },
	{ "apxa\n", "t.cfg:1: apxa: wrong number of arguments (expected 'apxa yes|no')" },
	{ "apxa yes no\n", "t.cfg:1: apxa: wrong number of arguments (expected 'apxa yes|no')" },
	{ "max_adapter abc\n",
	  "t.cfg:1: max_adapter: expected a number 0-255 (C syntax), got 'abc'" },
	{ "max_adapter 256\n",
	  "t.cfg:1: max_adapter: expected a number 0-255 (C syntax), got '256'" },
	{ "max_domain -1\n", "t.cfg:1: max_domain: expected a number 0-255 (C syntax), got '-1'" },
	{ "max_domain 08\n", "t.cfg:1: max_domain: expected a number 0-255 (C syntax), got '08'" },
	{ "card 3\n", "t.cfg:1: card: wrong number of arguments (expected 'card LIST type=T "
		      "[config=0|1] [chkstop=0|1] [OPTION=VALUE ...]')" },
	{ "card 3 config=1\n", "t.cfg:1: card: missing type=T (T one of CEX4A..CEX8P)" },
	{ "card 3 type=CEX9C\n", "t.cfg:1: card: unknown type 'CEX9C' (expected CEX4A..CEX8P: "
				 "CEX4-CEX8 then A, C or P)" },
	{ "card 3 type=cex8c\n", "t.cfg:1: card: unknown type 'cex8c' (expected CEX4A..CEX8P: "
				 "CEX4-CEX8 then A, C or P)" },
	{ "card 3 type=CEX8C foo=1\n", "t.cfg:1: card: unknown option 'foo' (expected " OPTS ")" },
	{ "card 3 type=CEX8C bar\n", "t.cfg:1: card: expected an option " OPTS ", got 'bar'" },
	{ "card 3 type=CEX8C config=2\n", "t.cfg:1: card: expected config=0 or config=1, got "
					  "'config=2'" },
	{ "card 3 type=CEX8C chkstop=yes\n", "t.cfg:1: card: expected chkstop=0 or chkstop=1, "
					     "got 'chkstop=yes'" },
	{ "card 3 type=CEX8C config=0 config=1\n", "t.cfg:1: card: option 'config' given twice" },
	{ "card 3 type=CEX8C type=CEX8A\n", "t.cfg:1: card: option 'type' given twice" },
	{ "card 3 type=CEX8C\n#\ncard 2-4 type=CEX8A\n",
	  "t.cfg:3: card: adapter 0x03 already defined on line 1" },
	{ "card 0x03- type=CEX8C\n", "t.cfg:1: card: bad list '0x03-' (expected C numbers and "
				     "ranges, e.g. 0x04-0x07,0x47)" },
	{ "card 0x100 type=CEX8C\n",
	  "t.cfg:1: card: number out of range in '0x100' (ids are 0-255)" },
	{ "usage_domains 1,,2\n", "t.cfg:1: usage_domains: bad list '1,,2' (expected C numbers "
				  "and ranges, e.g. 0x04-0x07,0x47)" },
	{ "control_domains 256\n",
	  "t.cfg:1: control_domains: number out of range in '256' (ids are 0-255)" },
	{ "apmask 0X1\n", "t.cfg:1: apmask: invalid mask '0X1' (expected 0x + up to 64 hex "
			  "digits, or +/- terms such as +0x04-0x07,-5)" },
	{ "aqmask +-5\n", "t.cfg:1: aqmask: invalid mask '+-5' (expected 0x + up to 64 hex "
			  "digits, or +/- terms such as +0x04-0x07,-5)" },
	{ "card 0x10 type=CEX8C\nmax_adapter 0x0f\n",
	  "t.cfg:1: card 0x10 is beyond max_adapter 15" },
	{ "apxa no\ncard 0x40 type=CEX8C\n", "t.cfg:2: card 0x40 is beyond max_adapter 63" },
	{ "usage_domains 0-0x10\nmax_domain 15\n",
	  "t.cfg:1: usage domain 0x10 is beyond max_domain 15" },
	{ "max_domain 3\ncontrol_domains 4\n",
	  "t.cfg:2: control domain 0x04 is beyond max_domain 3" },
	{ "apxa no\n\nmax_adapter 100\n",
	  "t.cfg:3: max_adapter 100 needs apxa yes (at most 63 without AP extended addressing)" },
	{ "max_domain 16\napxa no\n",
	  "t.cfg:1: max_domain 16 needs apxa yes (at most 15 without AP extended addressing)" },
	{ "max_domain 1\ncontrol_domains 9\nusage_domains 5\ncard 9 type=CEX8C\nmax_adapter 8\n",
	  "t.cfg:2: control domain 0x09 is beyond max_domain 1" },
	{ "card 1 type=CEX8C a b c d e f g h i j k l m n o\n",
	  "t.cfg:1: too many words (at most 16)" },
	/* the firmware options (zcrypt.md §5) */
	{ "card 6 type=CEX8A serial=ABCD1234\n",
	  "t.cfg:1: card: serial= is for CCA and EP11 cards, not CEX8A" },
	{ "card 6 type=CEX8A nomk=1\n",
	  "t.cfg:1: card: nomk= is for CCA and EP11 cards, not CEX8A" },
	{ "card 3 type=CEX8C wk=1\n", "t.cfg:1: card: wk= is for EP11 (CEXnP) cards, not CEX8C" },
	{ "card 3 type=CEX6C api=1\n", "t.cfg:1: card: api= is for EP11 (CEXnP) cards, not CEX6C" },
	{ "card 5 fw=1.2 type=CEX8P aes=1\n",
	  "t.cfg:1: card: aes= is for CCA (CEXnC) cards, not CEX8P" },
	{ "card 3 type=CEX8C serial=ABC\n",
	  "t.cfg:1: card: serial= takes 8 letters or digits on a CCA card, got 'ABC'" },
	{ "card 5 type=CEX8P serial=ABCD1234\n",
	  "t.cfg:1: card: serial= takes 16 letters or digits on an EP11 card, got 'ABCD1234'" },
	{ "card 3 type=CEX8C serial=ABCD-234\n",
	  "t.cfg:1: card: serial= takes 8 letters or digits on a CCA card, got 'ABCD-234'" },
	{ "card 3-4 type=CEX8C serial=ABCD1234\n",
	  "t.cfg:1: card: serial= is for one card, but the list names 2" },
	{ "card 3 type=CEX8C serial=ABCD1234 serial=ABCD1235\n",
	  "t.cfg:1: card: option 'serial' given twice" },
	{ "card 3 type=CEX8C aes=valid\n",
	  "t.cfg:1: card: aes=: bad CUR value 'valid' (expected valid:HEX, HEX or invalid; HEX "
	  "is at most 16 hex digits)" },
	{ "card 3 type=CEX8C aes=invalid:12\n",
	  "t.cfg:1: card: aes=: bad CUR value 'invalid:12' (expected valid:HEX, HEX or "
	  "invalid; HEX is at most 16 hex digits)" },
	{ "card 3 type=CEX8C apka=1,committed:5\n",
	  "t.cfg:1: card: apka=: bad NEW value 'committed:5' (expected full:HEX, HEX, partial "
	  "or empty; HEX is at most 16 hex digits)" },
	{ "card 3 type=CEX8C apka=1,,2\n",
	  "t.cfg:1: card: apka=: bad NEW value '' (expected full:HEX, HEX, partial or empty; "
	  "HEX is at most 16 hex digits)" },
	{ "card 3 type=CEX8C asym=1,empty,0x123456789012345678901234567890123\n",
	  "t.cfg:1: card: asym=: bad OLD value '0x123456789012345678901234567890123' (expected "
	  "valid:HEX, HEX or invalid; HEX is at most 32 hex digits)" },
	{ "card 3 type=CEX8C aes=1,2,3,4\n",
	  "t.cfg:1: card: aes=: at most 3 values (CUR,NEW,OLD), got '1,2,3,4'" },
	{ "card 5 type=CEX8P wk=1,full:2\n",
	  "t.cfg:1: card: wk=: bad NEW value 'full:2' (expected committed:HEX, HEX, "
	  "uncommitted:HEX or empty; HEX is at most 64 hex digits)" },
	{ "card 5 type=CEX8P wk=1,2,3\n",
	  "t.cfg:1: card: wk=: at most 2 values (CUR,NEW), got '1,2,3'" },
	{ "card 5 type=CEX8P fw=7\n",
	  "t.cfg:1: card: expected fw=MAJOR.MINOR (each 0-255), got 'fw=7'" },
	{ "card 5 type=CEX8P fw=7.256\n",
	  "t.cfg:1: card: expected fw=MAJOR.MINOR (each 0-255), got 'fw=7.256'" },
	{ "card 5 type=CEX8P api=-1\n",
	  "t.cfg:1: card: expected api=N (0-4294967295), got 'api=-1'" },
	{ "card 5 type=CEX8P api=0x100000000\n",
	  "t.cfg:1: card: expected api=N (0-4294967295), got 'api=0x100000000'" },
	{ "card 5 type=CEX8P op_modes=FIPS2021,FOO\n",
	  "t.cfg:1: card: unknown op mode 'FOO' in op_modes= (expected none or FIPS2009, "
	  "BSI2009, FIPS2011, BSI2011, SIGG-IMPORT, SIGG, BSICC2017, FIPS2021, FIPS2024)" },
	{ "card 3 type=CEX8C nomk=1,,2\n",
	  "t.cfg:1: card: nomk=: bad list '1,,2' (expected C numbers and ranges, e.g. "
	  "0x04-0x07,0x47)" },
};

static void test_errors(void)
{
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *c = &err_cases[i];
		struct sim_config cfg;
		char err[256];
		int rc = parse_text(c->text, &cfg, err, sizeof(err));

		tap_ok(rc == -EINVAL && strcmp(err, c->err) == 0, "error: %s", ESC(c->err));
		if (strcmp(err, c->err) != 0)
			tap_diag("got rc %d: %s", rc, ESC(err));
	}
}

static void test_small_errbuf(void)
{
	struct sim_config c;
	char err[8];

	tap_ok(parse_text("foo\n", &c, err, sizeof(err)) == -EINVAL && strlen(err) == 7 &&
		       strncmp(err, "t.cfg:1", 7) == 0,
	       "a short error buffer is truncated, still terminated");
}

static void test_card_types(void)
{
	int type = 0;
	char kind = 0;

	tap_ok(ap_card_type_parse("CEX4A", &type, &kind) == 0 && type == 10 && kind == 'A',
	       "CEX4A is type 10, accelerator");
	tap_ok(ap_card_type_parse("CEX8P", &type, &kind) == 0 && type == 14 && kind == 'P',
	       "CEX8P is type 14, EP11");
	tap_ok(ap_card_type_parse("CEX6C", &type, &kind) == 0 && type == 12 && kind == 'C',
	       "CEX6C is type 12, CCA");
	tap_ok(ap_card_type_parse("CEX3C", &type, &kind) == -EINVAL &&
		       ap_card_type_parse("CEX9C", &type, &kind) == -EINVAL &&
		       ap_card_type_parse("CEX8X", &type, &kind) == -EINVAL &&
		       ap_card_type_parse("CEX8CC", &type, &kind) == -EINVAL &&
		       ap_card_type_parse("CEX8", &type, &kind) == -EINVAL &&
		       ap_card_type_parse("", &type, &kind) == -EINVAL,
	       "CEX3C, CEX9C, CEX8X, CEX8CC, CEX8, empty are rejected");
}

static void test_file(void)
{
	char path[] = "/tmp/vas-unit-config-XXXXXX";
	struct sim_config c;
	char err[256];
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int rc;

	if (f) {
		fputs("card 0x03 type=CEX8C\nbogus\n", f);
		fclose(f);
	}
	rc = sim_config_parse_file(&c, path, err, sizeof(err));
	tap_ok(f && rc == -EINVAL && strncmp(err, path, strlen(path)) == 0 &&
		       strncmp(err + strlen(path), ":2: unknown keyword 'bogus'", 27) == 0,
	       "a file's errors name its path and line");
	unlink(path);
	rc = sim_config_parse_file(&c, path, err, sizeof(err));
	tap_ok(rc == -ENOENT && strstr(err, ": cannot open: ") == err + strlen(path),
	       "a missing file: -ENOENT and \"PATH: cannot open: ...\"");
}

int main(void)
{
	test_default();
	test_valid();
	test_firmware();
	test_empty_and_masks();
	test_errors();
	test_small_errbuf();
	test_card_types();
	test_file();
	return tap_done();
}
