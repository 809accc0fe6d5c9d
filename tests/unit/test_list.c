/* SPDX-License-Identifier: MIT */
/*
 * test_list.c - unit tests of vas_parse_list, the id lists of host
 * configuration files ("0x04-0x07,0x47").
 *
 * C numbers (0x hex, leading-0 octal, decimal), ranges a-z with a <= z,
 * comma separated, no blanks and no empty items; -ERANGE for a number above
 * max, -EINVAL for syntax. The result replaces *out only on success.
 */
#include <errno.h>

#include "base/parse.h"
#include "tap.h"
#include "unit.h"

struct list_case {
	const char *in;
	unsigned max;
	int rc;
	const char *want;
	const char *why;
};

static const struct list_case cases[] = {
	{ "0x04-0x07,0x47", 255, 0, "0f00000000000000010", "design.md §12 example" },
	{ "3", 255, 0, "1", "one decimal number" },
	{ "010", 255, 0, "0080", "leading 0 is octal" },
	{ "0X10", 255, 0, "00008", "0X is hex here (C syntax)" },
	{ "0-15", 255, 0, "ffff", "a decimal range" },
	{ "0x0000-0x000f", 255, 0, "ffff", "zero-padded hex range" },
	{ "5,5,4-6", 255, 0, "0e", "overlaps are fine" },
	{ "0-255", 255, 0, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	  "everything" },
	{ "64", 63, -ERANGE, NULL, "above max" },
	{ "0-64", 63, -ERANGE, NULL, "range end above max" },
	{ "63", 63, 0, "0000000000000001", "max itself" },
	{ "256", 255, -ERANGE, NULL, "above 255" },
	{ "99999999999999999999999", 255, -ERANGE, NULL, "overflow" },
	{ "5-3", 255, -EINVAL, NULL, "descending range" },
	{ "", 255, -EINVAL, NULL, "empty" },
	{ "1,", 255, -EINVAL, NULL, "trailing comma" },
	{ ",1", 255, -EINVAL, NULL, "leading comma" },
	{ "1,,2", 255, -EINVAL, NULL, "empty item" },
	{ "1-", 255, -EINVAL, NULL, "open range" },
	{ "1 ,2", 255, -EINVAL, NULL, "blank" },
	{ "+1", 255, -EINVAL, NULL, "no sign" },
	{ "-1", 255, -EINVAL, NULL, "no negative" },
	{ "08", 255, -EINVAL, NULL, "8 is no octal digit" },
	{ "0x", 255, -EINVAL, NULL, "0x alone" },
	{ "1-2-3", 255, -EINVAL, NULL, "double range" },
	{ "abc", 255, -EINVAL, NULL, "letters" },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct list_case *c = &cases[i];
		bm256 out, sentinel;
		int rc;

		hex_mask("5a", &sentinel);
		out = sentinel;
		rc = vas_parse_list(c->in, c->max, &out);
		tap_ok(rc == c->rc && (rc ? bm_equal(&out, &sentinel) : mask_is(&out, c->want)),
		       "\"%s\" max %u: %s", ESC(c->in), c->max, c->why);
	}
	return tap_done();
}
