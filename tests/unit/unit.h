/* SPDX-License-Identifier: MIT */
/*
 * unit.h - small helpers shared by the unit tests. Not a TAP helper: the
 * tests report through tests/tap.h; these only build and show values.
 *
 *   hex_mask(digits, out)   builds a mask from the kernel's text form, given
 *                           as the leading hex digits (rest zeros), e.g.
 *                           "41" = numbers 1 and 7; independent of parse.c
 *   mask_is(m, digits)      true if m prints as "0x" + digits + zeros
 *   ESC(s)                  s with \n, \t, \r and non-printables escaped,
 *                           for TAP descriptions (which must stay one line)
 */
#ifndef VAS_TESTS_UNIT_H
#define VAS_TESTS_UNIT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/bitmap.h"

static inline __attribute__((unused)) void hex_mask(const char *digits, bm256 *out)
{
	bm_zero(out);
	for (unsigned i = 0; digits[i] && i < 64; i++) {
		char c = digits[i];
		unsigned v = c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);

		for (unsigned b = 0; b < 4; b++)
			if (v & (8u >> b))
				bm_set(out, i * 4 + b);
	}
}

static inline __attribute__((unused)) bool mask_is(const bm256 *m, const char *digits)
{
	char got[BM_HEXLEN], want[BM_HEXLEN];
	size_t n = strlen(digits);

	memset(want, '0', sizeof(want));
	want[1] = 'x';
	memcpy(want + 2, digits, n > 64 ? 64 : n);
	want[BM_HEXLEN - 1] = '\0';
	bm_format(m, got);
	return strcmp(got, want) == 0;
}

static inline __attribute__((unused)) const char *esc_str(const char *s, char *buf, size_t n)
{
	size_t o = 0;

	for (; *s && o + 5 < n; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			o += (size_t)snprintf(buf + o, n - o, "\\n");
		else if (c == '\t')
			o += (size_t)snprintf(buf + o, n - o, "\\t");
		else if (c == '\r')
			o += (size_t)snprintf(buf + o, n - o, "\\r");
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}

#define ESC(s) esc_str((s), (char[512]){ 0 }, 512)

#endif
