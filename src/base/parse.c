/* SPDX-License-Identifier: MIT */
/*
 * parse.c - the kernel's text-input grammars, quirks included.
 *
 * Models lib/kstrtox.c (kstrtoul, kstrtobool), the integer conversions of
 * the kernel's vsscanf, the AP bus mask parser of ap_bus.c (relative terms
 * and the absolute hex form, design.md §3.7), vfio_ap's ap_config store
 * (2.8), the uuid check of mdev's `create` and the list syntax of the host
 * configuration files (design.md §12).
 *
 * DESIGN
 * One digit scanner (scan_digits) serves every grammar: like the kernel's it
 * stops at the first character that is not a digit of the base, counts the
 * digits it took and flags (but does not stop at) overflow, while the value
 * wraps modulo 2^64. kstrtoul turns the overflow flag into -ERANGE; the
 * relative mask terms use the wrapped value, as simple_strtoul does.
 *
 * Invariant: every public function writes its outputs only on success.
 */
#include "base/parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

/* Result of scanning digits: value (mod 2^64), digit count, overflow flag. */
struct digits {
	uint64_t val;
	size_t len;
	bool overflow;
};

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 16;
}

static struct digits scan_digits(const char *s, unsigned base)
{
	struct digits d = { 0, 0, false };
	int v;

	while ((v = digit_value(s[d.len])) < (int)base) {
		if (d.val > (UINT64_MAX - (uint64_t)v) / base)
			d.overflow = true;
		d.val = d.val * base + (uint64_t)v;
		d.len++;
	}
	return d;
}

/*
 * Base detection for base 0 and the "0x" skip for base 16: "0x" counts as
 * a hex prefix only when a hex digit follows, otherwise the leading '0' is
 * an octal number and the 'x' is left for the caller to trip over.
 */
static const char *fixup_radix(const char *s, unsigned *base)
{
	bool hexpfx = s[0] == '0' && tolower((unsigned char)s[1]) == 'x';

	if (*base == 0) {
		if (s[0] != '0')
			*base = 10;
		else if (hexpfx && isxdigit((unsigned char)s[2]))
			*base = 16;
		else
			*base = 8;
	}
	if (*base == 16 && hexpfx)
		s += 2;
	return s;
}

/* simple_strtoull: no sign, no spaces; *end = first unused character. */
static uint64_t simple_strtou64(const char *s, const char **end, unsigned base)
{
	struct digits d;

	s = fixup_radix(s, &base);
	d = scan_digits(s, base);
	*end = s + d.len;
	return d.val;
}

int vas_kstrtoul(const char *s, unsigned base, unsigned long *out)
{
	struct digits d;

	if (base == 1 || base > 16)
		return -EINVAL;
	if (*s == '+')
		s++;
	s = fixup_radix(s, &base);
	d = scan_digits(s, base);
	if (d.overflow || d.val > ULONG_MAX)
		return -ERANGE;
	if (d.len == 0)
		return -EINVAL;
	s += d.len;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*out = (unsigned long)d.val;
	return 0;
}

int vas_kstrtobool(const char *s, bool *out)
{
	switch (s[0]) {
	case 'y':
	case 'Y':
	case 't':
	case 'T':
	case '1':
		*out = true;
		return 0;
	case 'n':
	case 'N':
	case 'f':
	case 'F':
	case '0':
		*out = false;
		return 0;
	case 'o':
	case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*out = true;
			return 0;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*out = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

/*
 * The kernel's vsscanf for "%d" (base 10) and "%i" (base 0): leading white
 * space skipped, optional '-', the first digit must be a decimal digit (so
 * no '+', and "%i" of "x1" fails), overflow wraps silently and the result
 * is truncated to int; whatever follows the number is ignored.
 */
int vas_sscanf_int(const char *s, unsigned base, int *out)
{
	const char *end;
	bool neg = false;
	uint64_t v;

	if (base != 0 && base != 10)
		return -EINVAL;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	v = simple_strtou64(s, &end, base);
	if (neg)
		v = 0 - v;
	*out = (int)(int32_t)(uint32_t)v;
	return 0;
}

/*
 * Absolute form: optional "0x" or "x" (lower-case), up to 64 hex digits
 * filling numbers 0, 1, 2, ... four at a time, then at most one '\n'.
 * Zero digits is fine (all zeros). Sets bits into *m, which the caller
 * zeroed.
 */
static int hex_fill(const char *s, bm256 *m)
{
	unsigned n = 0;

	if (s[0] == '0' && s[1] == 'x')
		s++;
	if (*s == 'x')
		s++;
	for (; isxdigit((unsigned char)*s) && n < BM_BITS; s++, n += 4) {
		int v = digit_value(*s);

		for (unsigned i = 0; i < 4; i++)
			if (v & (8 >> i))
				bm_set(m, n + i);
	}
	if (*s == '\n')
		s++;
	return *s ? -EINVAL : 0;
}

int ap_hex2bitmap(const char *s, bm256 *out)
{
	bm256 m;
	int rc;

	bm_zero(&m);
	rc = hex_fill(s, &m);
	if (rc == 0)
		*out = m;
	return rc;
}

/* One relative term "<sign>a[-z]"; *sp advanced past it and its separators. */
static int apply_term(const char **sp, bm256 *m)
{
	const char *s = *sp, *end;
	char sign = *s++;
	uint64_t a, z;

	if (sign != '+' && sign != '-')
		return -EINVAL;
	a = z = simple_strtou64(s, &end, 0);
	if (end == s || a >= BM_BITS)
		return -EINVAL;
	s = end;
	if (*s == '-') {
		s++;
		z = simple_strtou64(s, &end, 0);
		if (end == s || a > z || z >= BM_BITS)
			return -EINVAL;
		s = end;
	}
	for (uint64_t n = a; n <= z; n++)
		if (sign == '+')
			bm_set(m, (unsigned)n);
		else
			bm_clear(m, (unsigned)n);
	while (*s == ',' || *s == '\n')
		s++;
	*sp = s;
	return 0;
}

/*
 * The first character picks the mode: '+' or '-' = relative terms applied
 * to a copy of *cur (NULL = all zeros, as for a boot parameter), anything
 * else = absolute. out may alias cur. -EINVAL on any syntax error.
 */
int ap_parse_mask(const char *s, const bm256 *cur, bm256 *out)
{
	bm256 m;
	int rc = 0;

	if (*s != '+' && *s != '-')
		return ap_hex2bitmap(s, out);
	if (cur)
		m = *cur;
	else
		bm_zero(&m);
	while (*s && rc == 0)
		rc = apply_term(&s, &m);
	if (rc == 0)
		*out = m;
	return rc;
}

/*
 * strsep() over ",\n": returns the next field (possibly empty) or NULL once
 * the string is used up. A string ending in a separator therefore yields a
 * final empty field, and "" yields one empty field.
 */
static char *next_field(char **rest)
{
	char *f = *rest, *sep;

	if (!f)
		return NULL;
	sep = f + strcspn(f, ",\n");
	if (*sep) {
		*sep = '\0';
		*rest = sep + 1;
	} else {
		*rest = NULL;
	}
	return f;
}

/*
 * ap_config: the first AP_CONFIG_STRLEN bytes (or up to an embedded NUL)
 * are split strsep-style on ',' and '\n'. The canonical
 * "0x<64>,0x<64>,0x<64>\n" splits into three full fields plus nothing
 * (the newline ends the third field); "A,B\n" gives A, B and an empty third
 * field (= all zeros); "A,B" has only two fields -> -EINVAL. Text after the
 * third field is ignored. Fields are parsed in order apm, aqm, adm.
 */
int ap_parse_config(const char *buf, size_t count, bm256 *apm, bm256 *aqm, bm256 *adm)
{
	char copy[AP_CONFIG_STRLEN + 1];
	char *rest = copy, *f[3];
	bm256 m[3];
	size_t len = strnlen(buf, count < AP_CONFIG_STRLEN ? count : AP_CONFIG_STRLEN);

	memcpy(copy, buf, len);
	copy[len] = '\0';
	for (int i = 0; i < 3; i++) {
		f[i] = next_field(&rest);
		if (!f[i])
			return -EINVAL;
	}
	for (int i = 0; i < 3; i++) {
		int rc = ap_hex2bitmap(f[i], &m[i]);

		if (rc)
			return rc;
	}
	*apm = m[0];
	*aqm = m[1];
	*adm = m[2];
	return 0;
}

int mdev_parse_uuid(const char *buf, size_t count, char out[UUID_STRLEN + 1])
{
	char tmp[UUID_STRLEN + 1];

	if (count != UUID_STRLEN && count != UUID_STRLEN + 1)
		return -EINVAL;
	for (int i = 0; i < UUID_STRLEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = buf[i];

		if (dash ? c != '-' : !isxdigit((unsigned char)c))
			return -EINVAL;
		tmp[i] = (char)tolower((unsigned char)c);
	}
	tmp[UUID_STRLEN] = '\0';
	memcpy(out, tmp, sizeof(tmp));
	return 0;
}

/* A C number (base auto) for config lists; -EINVAL syntax, -ERANGE > max. */
static int list_number(const char **sp, unsigned max, unsigned *out)
{
	const char *s = *sp;
	unsigned base = 0;
	struct digits d;

	s = fixup_radix(s, &base);
	d = scan_digits(s, base);
	if (d.len == 0)
		return -EINVAL;
	if (d.overflow || d.val > max)
		return -ERANGE;
	*sp = s + d.len;
	*out = (unsigned)d.val;
	return 0;
}

/*
 * Config-file list: "N[-M]{,N[-M]}", C numbers (0x hex, leading 0 octal,
 * decimal), no spaces, no empty items, N <= M <= max (max < 256).
 * Returns -EINVAL for bad syntax or N > M, -ERANGE for a number > max.
 * On success *out holds exactly the listed numbers.
 */
int vas_parse_list(const char *s, unsigned max, bm256 *out)
{
	unsigned a, z;
	bm256 m;
	int rc;

	if (max >= BM_BITS)
		max = BM_BITS - 1;
	bm_zero(&m);
	for (;;) {
		rc = list_number(&s, max, &a);
		if (rc)
			return rc;
		z = a;
		if (*s == '-') {
			s++;
			rc = list_number(&s, max, &z);
			if (rc)
				return rc;
			if (a > z)
				return -EINVAL;
		}
		bm_range(&m, a, z);
		if (*s != ',')
			break;
		s++;
	}
	if (*s)
		return -EINVAL;
	*out = m;
	return 0;
}
