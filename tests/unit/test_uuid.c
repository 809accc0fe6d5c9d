/* SPDX-License-Identifier: MIT */
/*
 * test_uuid.c - unit tests of the mdev `create` input rules.
 *
 * The byte count must be 36 or 37; the first 36 bytes must be a canonical
 * 8-4-4-4-12 uuid in hex of either case; a 37th byte is not inspected; the
 * result is the lower-case form. On error the output is untouched.
 */
#include <errno.h>
#include <string.h>

#include "base/parse.h"
#include "tap.h"
#include "unit.h"

#define U "6a9f1a7c-0e2d-4b8e-9c3a-0123456789ab"

struct uuid_case {
	const char *in;
	size_t count; /* 0 = strlen */
	int rc;
	const char *why;
};

static const struct uuid_case cases[] = {
	{ U, 0, 0, "canonical lower-case, 36 bytes" },
	{ U "\n", 0, 0, "with newline, 37 bytes" },
	{ "6A9F1A7C-0E2D-4B8E-9C3A-0123456789AB", 0, 0, "upper case is accepted" },
	{ "6a9F1a7C-0e2D-4b8E-9c3A-0123456789Ab\n", 0, 0, "mixed case is accepted" },
	{ U "x", 0, 0, "the 37th byte is not inspected" },
	{ U " ", 0, 0, "a space as 37th byte is not inspected either" },
	{ U "\n\n", 0, -EINVAL, "38 bytes" },
	{ "6a9f1a7c-0e2d-4b8e-9c3a-0123456789a", 0, -EINVAL, "35 bytes" },
	{ "", 0, -EINVAL, "empty" },
	{ U, 35, -EINVAL, "count 35" },
	{ "6a9f1a7c0e2d-4b8e-9c3a-0123456789abc", 0, -EINVAL, "missing first dash" },
	{ "6a9f1a7c-0e2d-4b8e-9c3a0-123456789ab", 0, -EINVAL, "dash one place off" },
	{ "6a9f1a7g-0e2d-4b8e-9c3a-0123456789ab", 0, -EINVAL, "non-hex g" },
	{ "{a9f1a7c-0e2d-4b8e-9c3a-0123456789a}", 0, -EINVAL, "braces" },
	{ "6a9f1a7c_0e2d_4b8e_9c3a_0123456789ab", 0, -EINVAL, "underscores" },
	{ "6a9f1a7c-0e2d-4b8e-9c3a-0123456789a\n", 0, -EINVAL, "newline inside the 36" },
	{ "6a9f1a7c-0e2d-4b8e-9c3a-0123456789ab", 38, -EINVAL, "count 38" },
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct uuid_case *c = &cases[i];
		char out[UUID_STRLEN + 1] = "untouched";
		size_t count = c->count ? c->count : strlen(c->in);
		int rc = mdev_parse_uuid(c->in, count, out);
		bool ok;

		if (rc)
			ok = strcmp(out, "untouched") == 0;
		else
			ok = strcasecmp(out, "6a9f1a7c-0e2d-4b8e-9c3a-0123456789ab") == 0;
		tap_ok(rc == c->rc && ok, "\"%s\" (%zu bytes): %s", ESC(c->in), count, c->why);
	}
}

static void test_output(void)
{
	char out[UUID_STRLEN + 1];

	tap_ok(mdev_parse_uuid("6A9F1A7C-0E2D-4B8E-9C3A-0123456789AB\n", 37, out) == 0 &&
		       strcmp(out, U) == 0,
	       "output is lower-case and NUL-terminated");
	tap_ok(mdev_parse_uuid("6a9f1a7c-0e2d-4b8e-9c3a-0123456789ab\0", 37, out) == 0,
	       "a NUL as 37th byte is fine");
	tap_ok(mdev_parse_uuid("6a9f1a7c-0e2d-4b8e\0-9c3a-0123456789ab", 37, out) == -EINVAL,
	       "an embedded NUL inside the 36 bytes fails");
}

int main(void)
{
	test_cases();
	test_output();
	return tap_done();
}
