// SPDX-License-Identifier: MIT
/*
 * test_text.c - the script's byte notation and errno names (text.c,
 * errnames.c): every escape decodes to its byte, every bad escape is
 * refused with a reason, printing escapes what decoding reads back, and
 * the errno table knows the names scenarios use, including ERESTARTSYS.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "script/script.h"
#include "tap.h"

static void decodes(const char *src, const char *want, size_t wlen)
{
	const char *why = NULL;
	size_t len = 0;
	char *out = NULL;
	int ret = script_unescape(src, &out, &len, &why);

	tap_ok(!ret && len == wlen && !memcmp(out, want, wlen) && out[len] == '\0',
	       "unescape '%s' (%zu bytes)", src, wlen);
	free(out);
}

static void refuses(const char *src)
{
	const char *why = NULL;
	size_t len = 0;
	char *out = NULL;
	int ret = script_unescape(src, &out, &len, &why);

	tap_ok(ret == -EINVAL && why && !out, "unescape '%s' refused: %s", src, why ? why : "?");
}

/* What script_fput_escaped prints, compared with want. */
static void prints(const char *buf, size_t len, const char *want)
{
	char *got = NULL;
	size_t glen = 0;
	FILE *f = open_memstream(&got, &glen);

	script_fput_escaped(f, buf, len);
	fclose(f);
	tap_ok(!strcmp(got, want), "escaped as %s (got %s)", want, got);
	free(got);
}

/* Printing then decoding (between the quotes) gives the bytes back. */
static void round_trip(void)
{
	char bytes[256], *printed = NULL, *back = NULL;
	size_t plen = 0, blen = 0;
	const char *why;
	FILE *f = open_memstream(&printed, &plen);
	int i, ret;

	for (i = 0; i < 256; i++)
		bytes[i] = (char)i;
	script_fput_escaped(f, bytes, sizeof(bytes));
	fclose(f);
	printed[plen - 1] = '\0'; /* closing quote */
	ret = script_unescape(printed + 1, &back, &blen, &why);
	tap_ok(!ret && blen == 256 && !memcmp(back, bytes, 256), "all 256 bytes round-trip");
	free(printed);
	free(back);
}

int main(void)
{
	decodes("", "", 0);
	decodes("plain text, spaces kept  ", "plain text, spaces kept  ", 25);
	decodes("a\\nb", "a\nb", 3);
	decodes("\\t\\s\\\\", "\t \\", 3);
	decodes("x\\0y", "x\0y", 3);
	decodes("\\x41\\x0a\\xfF", "A\n\xff", 3);
	decodes("0x\\x30", "0x0", 3);
	refuses("trailing\\");
	refuses("\\q");
	refuses("\\x4");
	refuses("\\xg0");
	refuses("\\n\\x");

	prints("abc", 3, "\"abc\"");
	prints("03.0005\n", 8, "\"03.0005\\n\"");
	prints("a\tb\\c\0", 6, "\"a\\tb\\\\c\\0\"");
	prints("\x01\x7f\x80 \"", 5, "\"\\x01\\x7f\\x80 \"\"");
	round_trip();

	tap_ok(script_errno_parse("EINVAL") == EINVAL, "EINVAL parses");
	tap_ok(script_errno_parse("EADDRNOTAVAIL") == EADDRNOTAVAIL, "EADDRNOTAVAIL parses");
	tap_ok(script_errno_parse("EADDRINUSE") == EADDRINUSE, "EADDRINUSE parses");
	tap_ok(script_errno_parse("EUSERS") == EUSERS, "EUSERS parses");
	tap_ok(script_errno_parse("ERESTARTSYS") == 512, "ERESTARTSYS is 512");
	tap_ok(script_errno_parse("EOPNOTSUPP") == EOPNOTSUPP, "EOPNOTSUPP parses");
	tap_ok(script_errno_parse("einval") == 0, "names are case-sensitive");
	tap_ok(script_errno_parse("E2BIGGER") == 0, "unknown name gives 0");
	tap_ok(!strcmp(script_errno_name(EBUSY), "EBUSY"), "EBUSY prints by name");
	tap_ok(!strcmp(script_errno_name(-ENODEV), "ENODEV"), "negative errno prints too");
	tap_ok(!strcmp(script_errno_name(EAGAIN), "EAGAIN"), "EAGAIN wins over EWOULDBLOCK");
	tap_ok(!strcmp(script_errno_name(512), "ERESTARTSYS"), "512 prints as ERESTARTSYS");
	tap_ok(script_errno_name(4000) == NULL, "unknown value has no name");
	return tap_done();
}
