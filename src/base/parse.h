/* SPDX-License-Identifier: MIT */
/*
 * parse.h - the kernel's input grammars, reproduced with their quirks.
 *
 * All functions take NUL-terminated strings (a sysfs store buffer is
 * terminated after `count` bytes, so an embedded NUL ends the string as it
 * does in the kernel). They return 0 or a negative errno and leave every
 * output untouched on error.
 *
 *   vas_kstrtoul      kstrtoul(buf, base, &v): optional '+', base 0 = auto
 *                     ("0x"/"0X" hex, leading 0 octal), one trailing '\n'
 *                     allowed; -EINVAL syntax, -ERANGE > ULONG_MAX
 *   vas_kstrtobool    kstrtobool: 1/y/Y/t/T/on, 0/n/N/f/F/off (first chars)
 *   vas_sscanf_int    sscanf("%d") / ("%i") as sysfs stores use them
 *   ap_parse_mask     apmask/aqmask grammar (design.md §3.7): relative
 *                     (+/- terms, ranges, octal) applied to *cur, or
 *                     absolute hex (0x/x prefix, <= 64 digits, quirk: zero
 *                     digits = all zeros); result in *out
 *   ap_hex2bitmap     the absolute form only (used by ap_config fields)
 *   ap_parse_config   ap_config write: first 201 bytes, three fields split
 *                     by ',' or '\n', each absolute; fewer than 3 -> -EINVAL
 *   mdev_parse_uuid   create input: count 36 or 37, canonical 8-4-4-4-12
 *                     hex in the first 36 bytes; out gets lower-case form
 *   vas_parse_list    config-file lists "0x04-0x07,0x47" (C numbers,
 *                     ranges, commas), numbers <= max
 */
#ifndef VAS_PARSE_H
#define VAS_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/bitmap.h"

#define AP_CONFIG_STRLEN 201
#define UUID_STRLEN 36

int vas_kstrtoul(const char *s, unsigned base, unsigned long *out);
int vas_kstrtobool(const char *s, bool *out);
/* base 10 for "%d", 0 for "%i"; returns 0 or -EINVAL (no conversion). */
int vas_sscanf_int(const char *s, unsigned base, int *out);

int ap_parse_mask(const char *s, const bm256 *cur, bm256 *out);
int ap_hex2bitmap(const char *s, bm256 *out);
int ap_parse_config(const char *buf, size_t count, bm256 *apm, bm256 *aqm, bm256 *adm);
int mdev_parse_uuid(const char *buf, size_t count, char out[UUID_STRLEN + 1]);
int vas_parse_list(const char *s, unsigned max, bm256 *out);

#endif
