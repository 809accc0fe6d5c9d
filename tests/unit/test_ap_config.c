/* SPDX-License-Identifier: MIT */
/*
 * test_ap_config.c - unit tests of the ap_config write grammar (design.md
 * §3.8, vfio_ap's ap_config_store).
 *
 * The reading pinned here: at most 201 bytes are looked at; fields are cut
 * strsep-style at ',' or '\n', so an empty field is all zeros and a field
 * list ends only when the string runs out ("A,B\n" = A, B, empty); fewer
 * than three fields is EINVAL; each field is the absolute mask form; text
 * after the third field is ignored. Outputs stay untouched on error.
 */
#include <errno.h>
#include <string.h>

#include "base/parse.h"
#include "tap.h"
#include "unit.h"

#define Z63 "000000000000000000000000000000000000000000000000000000000000000"
#define APM "0x8" Z63
#define AQM "0x4" Z63
#define ADM "0x2" Z63

struct cfg_case {
	const char *in;
	int rc;
	const char *apm, *aqm, *adm; /* leading hex digits */
	const char *why;
};

static const struct cfg_case cases[] = {
	{ APM "," AQM "," ADM "\n", 0, "8", "4", "2", "canonical read-back form with newline" },
	{ APM "," AQM "," ADM, 0, "8", "4", "2", "canonical form without newline" },
	{ APM "\n" AQM "\n" ADM "\n", 0, "8", "4", "2", "newlines as separators" },
	{ "0x8,x4,2", 0, "8", "4", "2", "short fields, 0x/x/no prefix" },
	{ ",,", 0, "", "", "", "three empty fields are all zeros" },
	{ "\n\n", 0, "", "", "", "two newlines make three empty fields" },
	{ "1,2\n", 0, "1", "2", "", "trailing newline after two fields: empty third" },
	{ "1,2,", 0, "1", "2", "", "trailing comma after two fields: empty third" },
	{ "1,2", -EINVAL, NULL, NULL, NULL, "two fields are too few" },
	{ "1", -EINVAL, NULL, NULL, NULL, "one field is too few" },
	{ "", -EINVAL, NULL, NULL, NULL, "empty input is one empty field" },
	{ "\n", -EINVAL, NULL, NULL, NULL, "a newline is two empty fields" },
	{ "1,2,3,garbage", 0, "1", "2", "3", "text after the third field is ignored" },
	{ "1,2,3\nzz\n", 0, "1", "2", "3", "lines after the third field are ignored" },
	{ "0X1,2,3", -EINVAL, NULL, NULL, NULL, "0X in the first field" },
	{ "1,0X2,3", -EINVAL, NULL, NULL, NULL, "0X in the second field" },
	{ "1,2,3 ", -EINVAL, NULL, NULL, NULL, "a space in the third field" },
	{ "+1,2,3", -EINVAL, NULL, NULL, NULL, "no relative form in ap_config" },
	{ APM "0,2,3", -EINVAL, NULL, NULL, NULL, "65 digits in a field" },
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct cfg_case *c = &cases[i];
		bm256 m[3], s;
		bool ok;
		int rc;

		hex_mask("5a", &s);
		m[0] = m[1] = m[2] = s;
		rc = ap_parse_config(c->in, strlen(c->in), &m[0], &m[1], &m[2]);
		if (rc)
			ok = bm_equal(&m[0], &s) && bm_equal(&m[1], &s) && bm_equal(&m[2], &s);
		else
			ok = mask_is(&m[0], c->apm) && mask_is(&m[1], c->aqm) &&
			     mask_is(&m[2], c->adm);
		tap_ok(rc == c->rc && ok, "\"%.40s\": %s", ESC(c->in), c->why);
	}
}

static void test_lengths(void)
{
	char buf[300];
	bm256 a, q, d;

	snprintf(buf, sizeof(buf), "%s,%s,%s\n", APM, AQM, ADM);
	tap_ok(strlen(buf) == AP_CONFIG_STRLEN, "the canonical form is 201 bytes");
	snprintf(buf, sizeof(buf), "%s,%s,%s0", APM, AQM, ADM);
	tap_ok(ap_parse_config(buf, strlen(buf), &a, &q, &d) == -EINVAL,
	       "a 65th digit as byte 201 is still seen");
	tap_ok(ap_parse_config(buf, 200, &a, &q, &d) == 0 && mask_is(&d, "2"),
	       "count limits the input: 200 bytes parse");
	tap_ok(ap_parse_config("1,2,3", 3, &a, &q, &d) == -EINVAL,
	       "count 3 of \"1,2,3\" leaves two fields");
	tap_ok(ap_parse_config("1,2\0,3", 6, &a, &q, &d) == -EINVAL,
	       "an embedded NUL ends the input");
}

int main(void)
{
	test_cases();
	test_lengths();
	return tap_done();
}
