/* SPDX-License-Identifier: MIT */
/*
 * test_mask.c - unit tests of the apmask/aqmask grammar (design.md §3.7).
 *
 * Relative mode (+/- terms applied to the current mask: octal and hex
 * numbers, ranges, separator runs, later terms win) and absolute mode
 * (0x / x prefix, "0X" rejected, MSB-first fill, at most 64 digits, one
 * '\n', and the zero-digit quirk: "\n", "0x" and "" give all zeros).
 * Every case starts from a known current mask; on error the output must be
 * left as it was. ap_hex2bitmap (the absolute form alone) is checked too.
 */
#include <errno.h>
#include <string.h>

#include "base/parse.h"
#include "tap.h"
#include "unit.h"

#define F63 "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define Z63 "000000000000000000000000000000000000000000000000000000000000000"
#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

enum start { FROM_ZERO, FROM_FULL, FROM_8000 };

struct mask_case {
	const char *in;
	enum start cur;
	int rc;
	const char *want; /* leading hex digits of the result */
	const char *why;
};

static const struct mask_case cases[] = {
	/* absolute */
	{ "\n", FROM_FULL, 0, "", "a lone newline gives all zeros (quirk)" },
	{ "0x", FROM_FULL, 0, "", "bare 0x gives all zeros (quirk)" },
	{ "", FROM_FULL, 0, "", "empty string gives all zeros (quirk)" },
	{ "x", FROM_FULL, 0, "", "bare x gives all zeros" },
	{ "0x\n", FROM_FULL, 0, "", "0x plus newline gives all zeros" },
	{ "0X1", FROM_ZERO, -EINVAL, NULL, "0X prefix is rejected" },
	{ "X1", FROM_ZERO, -EINVAL, NULL, "X prefix is rejected" },
	{ "0x41", FROM_FULL, 0, "41", "0x41 = numbers 1 and 7, rest cleared" },
	{ "x41", FROM_ZERO, 0, "41", "x prefix alone is accepted" },
	{ "41", FROM_ZERO, 0, "41", "no prefix" },
	{ "0xAbCd", FROM_ZERO, 0, "abcd", "hex digits in either case" },
	{ "0x8", FROM_ZERO, 0, "8", "one digit fills numbers 0-3" },
	{ "0x" D64, FROM_ZERO, 0, D64, "64 digits fill the whole mask" },
	{ "0x" D64 "\n", FROM_ZERO, 0, D64, "64 digits and a newline" },
	{ "0x" D64 "0", FROM_ZERO, -EINVAL, NULL, "65 digits are rejected" },
	{ "0x41\n\n", FROM_ZERO, -EINVAL, NULL, "two newlines are rejected" },
	{ "0x41 ", FROM_ZERO, -EINVAL, NULL, "a trailing space is rejected" },
	{ " 0x41", FROM_ZERO, -EINVAL, NULL, "a leading space is rejected" },
	{ "0x4g", FROM_ZERO, -EINVAL, NULL, "a non-hex digit is rejected" },
	{ "0xx1", FROM_ZERO, -EINVAL, NULL, "0xx is rejected" },
	{ "0x41,", FROM_ZERO, -EINVAL, NULL, "no separators in absolute mode" },
	/* relative */
	{ "+0", FROM_ZERO, 0, "8", "+0 sets number 0" },
	{ "+010", FROM_ZERO, 0, "0080", "+010 is octal: number 8" },
	{ "+0x10", FROM_ZERO, 0, "00008", "+0x10 is hex: number 16" },
	{ "+0X10", FROM_ZERO, 0, "00008", "+0X10 is hex too (relative numbers)" },
	{ "+08", FROM_ZERO, -EINVAL, NULL, "+08: 8 is no octal digit" },
	{ "+0x", FROM_ZERO, -EINVAL, NULL, "+0x: x left over" },
	{ "+1-3", FROM_ZERO, 0, "7", "a range" },
	{ "+0-255,-128", FROM_ZERO, 0,
	  "ffffffffffffffffffffffffffffffff7fffffffffffffffffffffffffffffff",
	  "later terms win: all but 128" },
	{ "-128,+0-255", FROM_ZERO, 0,
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	  "later terms win: all" },
	{ "-0", FROM_8000, 0, "", "relative applies to the current mask" },
	{ "+1", FROM_8000, 0, "c", "+1 keeps number 0 set" },
	{ "-1", FROM_FULL, 0, "b" F63, "-1 from full clears only 1" },
	{ "+1,,\n,+2\n", FROM_ZERO, 0, "6", "separator runs of , and newline" },
	{ "+1\n", FROM_ZERO, 0, "4", "trailing newline" },
	{ "+1,", FROM_ZERO, 0, "4", "trailing comma" },
	{ "+1;+2", FROM_ZERO, -EINVAL, NULL, "semicolon is no separator" },
	{ "+1 ", FROM_ZERO, -EINVAL, NULL, "space is no separator" },
	{ "+1, +2", FROM_ZERO, -EINVAL, NULL, "space after a separator" },
	{ "+1,2", FROM_ZERO, -EINVAL, NULL, "each term needs a sign" },
	{ "+-5", FROM_ZERO, -EINVAL, NULL, "+-5 is an error" },
	{ "++5", FROM_ZERO, -EINVAL, NULL, "++5 is an error" },
	{ "+", FROM_ZERO, -EINVAL, NULL, "a sign without a number" },
	{ "-", FROM_FULL, -EINVAL, NULL, "a lone minus" },
	{ "+255", FROM_ZERO, 0, Z63 "1", "+255 sets the last number" },
	{ "+256", FROM_ZERO, -EINVAL, NULL, "256 is out of range" },
	{ "+0x100", FROM_ZERO, -EINVAL, NULL, "0x100 is out of range" },
	{ "+3-2", FROM_ZERO, -EINVAL, NULL, "a range needs a <= z" },
	{ "+3-3", FROM_ZERO, 0, "1", "a one-number range" },
	{ "+250-256", FROM_ZERO, -EINVAL, NULL, "range end out of range" },
	{ "+1-", FROM_ZERO, -EINVAL, NULL, "a range without an end" },
	{ "+1-+2", FROM_ZERO, -EINVAL, NULL, "a signed range end" },
	{ "+1,+300", FROM_FULL, -EINVAL, NULL, "a bad later term rejects the whole string" },
	{ "+18446744073709551617", FROM_ZERO, 0, "4",
	  "numbers wrap modulo 2^64 like simple_strtoul (2^64+1 = 1)" },
};

static void start_mask(enum start s, bm256 *m)
{
	if (s == FROM_FULL)
		bm_fill(m);
	else if (s == FROM_8000)
		hex_mask("8", m);
	else
		bm_zero(m);
}

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mask_case *c = &cases[i];
		bm256 cur, out, sentinel;
		int rc;

		start_mask(c->cur, &cur);
		hex_mask("5a5a", &sentinel);
		out = sentinel;
		rc = ap_parse_mask(c->in, &cur, &out);
		tap_ok(rc == c->rc && (rc ? bm_equal(&out, &sentinel) : mask_is(&out, c->want)),
		       "\"%s\": %s", ESC(c->in), c->why);
	}
}

static void test_api(void)
{
	bm256 cur, out;

	hex_mask("f", &cur);
	tap_ok(ap_parse_mask("-1", &cur, &cur) == 0 && mask_is(&cur, "b"),
	       "output may alias the current mask");
	tap_ok(ap_parse_mask("+1", NULL, &out) == 0 && mask_is(&out, "4"),
	       "NULL current mask means all zeros (boot parameter)");
	bm_fill(&out);
	tap_ok(ap_hex2bitmap("0x41\n", &out) == 0 && mask_is(&out, "41"),
	       "ap_hex2bitmap starts from zeros");
	bm_fill(&out);
	tap_ok(ap_hex2bitmap("+1", &out) == -EINVAL && bm_weight(&out) == 256,
	       "ap_hex2bitmap has no relative mode; output untouched");
	tap_ok(ap_hex2bitmap("", &out) == 0 && bm_empty(&out), "ap_hex2bitmap of empty is zeros");
}

int main(void)
{
	test_cases();
	test_api();
	return tap_done();
}
