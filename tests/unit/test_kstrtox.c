/* SPDX-License-Identifier: MIT */
/*
 * test_kstrtox.c - unit tests of the number grammars of base/parse.h.
 *
 * kstrtoul (base 0 as every assign/unassign/remove store uses it, and
 * explicit bases), kstrtobool (poll_thread) and the vsscanf "%d"/"%i"
 * conversions (config_time, ap_domain, card config). Each case names the
 * kernel behaviour it pins down; outputs must be untouched on error.
 */
#include <errno.h>
#include <limits.h>

#include "base/parse.h"
#include "tap.h"
#include "unit.h"

struct ul_case {
	const char *in;
	unsigned base;
	int rc;
	unsigned long val;
};

static const struct ul_case ul_cases[] = {
	{ "0", 0, 0, 0 },
	{ "5", 0, 0, 5 },
	{ "5\n", 0, 0, 5 },
	{ "+5", 0, 0, 5 },
	{ "+5\n", 0, 0, 5 },
	{ "0x1f", 0, 0, 31 },
	{ "0X1F", 0, 0, 31 },
	{ "0xAbC\n", 0, 0, 0xabc },
	{ "017", 0, 0, 15 },
	{ "010", 0, 0, 8 },
	{ "08", 0, -EINVAL, 0 },
	{ "0x", 0, -EINVAL, 0 },
	{ "0x\n", 0, -EINVAL, 0 },
	{ "0xg", 0, -EINVAL, 0 },
	{ "-1", 0, -EINVAL, 0 },
	{ "-0", 0, -EINVAL, 0 },
	{ "5 ", 0, -EINVAL, 0 },
	{ " 5", 0, -EINVAL, 0 },
	{ "5\n\n", 0, -EINVAL, 0 },
	{ "5\r\n", 0, -EINVAL, 0 },
	{ "", 0, -EINVAL, 0 },
	{ "\n", 0, -EINVAL, 0 },
	{ "+", 0, -EINVAL, 0 },
	{ "++5", 0, -EINVAL, 0 },
	{ "5abc", 0, -EINVAL, 0 },
	{ "18446744073709551615", 0, 0, ULONG_MAX },
	{ "18446744073709551616", 0, -ERANGE, 0 },
	{ "0xffffffffffffffff", 0, 0, ULONG_MAX },
	{ "0x10000000000000000", 0, -ERANGE, 0 },
	{ "99999999999999999999999x", 0, -ERANGE, 0 },
	{ "ff", 16, 0, 255 },
	{ "0xff", 16, 0, 255 },
	{ "0x", 16, -EINVAL, 0 },
	{ "12", 10, 0, 12 },
	{ "0x12", 10, -EINVAL, 0 },
	{ "777", 8, 0, 511 },
	{ "8", 8, -EINVAL, 0 },
};

static void test_kstrtoul(void)
{
	for (size_t i = 0; i < sizeof(ul_cases) / sizeof(ul_cases[0]); i++) {
		const struct ul_case *c = &ul_cases[i];
		unsigned long v = 12345;
		int rc = vas_kstrtoul(c->in, c->base, &v);
		bool ok = rc == c->rc && (rc ? v == 12345 : v == c->val);

		tap_ok(ok, "kstrtoul(\"%s\", %u) -> %d %lu (got %d %lu)", ESC(c->in), c->base,
		       c->rc, c->val, rc, v);
	}
}

struct bool_case {
	const char *in;
	int rc;
	bool val;
};

static const struct bool_case bool_cases[] = {
	{ "1", 0, true },    { "y", 0, true },	   { "Yes", 0, true },	 { "t", 0, true },
	{ "T\n", 0, true },  { "on", 0, true },	   { "ON", 0, true },	 { "0", 0, false },
	{ "n", 0, false },   { "No", 0, false },   { "f", 0, false },	 { "off", 0, false },
	{ "oF", 0, false },  { "o", -EINVAL, 0 },  { "ox", -EINVAL, 0 }, { "", -EINVAL, 0 },
	{ "2", -EINVAL, 0 }, { " 1", -EINVAL, 0 }, { "10", 0, true },	 { "nonsense", 0, false },
};

static void test_kstrtobool(void)
{
	for (size_t i = 0; i < sizeof(bool_cases) / sizeof(bool_cases[0]); i++) {
		const struct bool_case *c = &bool_cases[i];
		bool v = !c->val;
		bool before = v;
		int rc = vas_kstrtobool(c->in, &v);

		tap_ok(rc == c->rc && v == (rc ? before : c->val), "kstrtobool(\"%s\") -> %d %d",
		       ESC(c->in), c->rc, c->val);
	}
}

struct int_case {
	const char *in;
	unsigned base;
	int rc;
	int val;
};

static const struct int_case int_cases[] = {
	{ "30", 10, 0, 30 },	   { "30\n", 10, 0, 30 },      { " \t30", 10, 0, 30 },
	{ "30abc", 10, 0, 30 },	   { "-5", 10, 0, -5 },	       { "0x10", 10, 0, 0 },
	{ "010", 10, 0, 10 },	   { "+5", 10, -EINVAL, 0 },   { "-", 10, -EINVAL, 0 },
	{ "--5", 10, -EINVAL, 0 }, { "", 10, -EINVAL, 0 },     { "\n", 10, -EINVAL, 0 },
	{ "x", 10, -EINVAL, 0 },   { "4294967297", 10, 0, 1 }, { "0x10", 0, 0, 16 },
	{ "010", 0, 0, 8 },	   { "09", 0, 0, 0 },	       { "0x", 0, 0, 0 },
	{ "-0x10", 0, 0, -16 },	   { "x10", 0, -EINVAL, 0 },   { "0XfF\n", 0, 0, 255 },
};

static void test_sscanf(void)
{
	for (size_t i = 0; i < sizeof(int_cases) / sizeof(int_cases[0]); i++) {
		const struct int_case *c = &int_cases[i];
		int v = 777;
		int rc = vas_sscanf_int(c->in, c->base, &v);

		tap_ok(rc == c->rc && v == (rc ? 777 : c->val), "sscanf(\"%s\", \"%s\") -> %d %d",
		       ESC(c->in), c->base ? "%d" : "%i", c->rc, c->val);
	}
}

int main(void)
{
	test_kstrtoul();
	test_kstrtobool();
	test_sscanf();
	return tap_done();
}
