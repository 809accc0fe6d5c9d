/* SPDX-License-Identifier: MIT */
/*
 * bitmap.h - 256-bit AP masks with MSB-first ("inverted") numbering.
 *
 * Every AP mask (apm, aqm, adm, apmask, aqmask, QCI masks) is 256 bits wide.
 * Number n is bit (63 - n % 64) of word n / 64, so printing the four words
 * as %016lx from first to last gives the kernel's text form, where number 0
 * is the most significant bit of the first hex digit.
 *
 *   bm_zero(b)            all numbers cleared
 *   bm_fill(b)            all 256 numbers set
 *   bm_set/clear/test     one number
 *   bm_and/or/andnot      dst = a op b, word at a time (dst may alias)
 *   bm_equal(a, b)        same set
 *   bm_empty(b)           no number set
 *   bm_intersects(a, b)   a ∩ b ≠ ∅
 *   bm_weight(b)          number of set numbers
 *   bm_next(b, n)         lowest set number ≥ n, or BM_BITS if none
 *   bm_for_each(n, b)     loop over set numbers in ascending order
 *   bm_range(b, lo, hi)   set lo..hi inclusive
 *   bm_limit(b, max)      clear every number > max
 *   bm_format(b, out)     "0x" + 64 hex digits, NUL-terminated (67 bytes)
 */
#ifndef VAS_BITMAP_H
#define VAS_BITMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define BM_BITS 256
#define BM_WORDS 4
#define BM_HEXLEN 67 /* "0x" + 64 digits + NUL */

typedef struct bm256 {
	uint64_t w[BM_WORDS];
} bm256;

static inline uint64_t bm__bit(unsigned n)
{
	return 1ULL << (63 - (n & 63));
}

static inline void bm_zero(bm256 *b)
{
	for (int i = 0; i < BM_WORDS; i++)
		b->w[i] = 0;
}

static inline void bm_fill(bm256 *b)
{
	for (int i = 0; i < BM_WORDS; i++)
		b->w[i] = ~0ULL;
}

static inline void bm_set(bm256 *b, unsigned n)
{
	b->w[(n >> 6) & 3] |= bm__bit(n);
}
static inline void bm_clear(bm256 *b, unsigned n)
{
	b->w[(n >> 6) & 3] &= ~bm__bit(n);
}
static inline bool bm_test(const bm256 *b, unsigned n)
{
	return n < BM_BITS && (b->w[n >> 6] & bm__bit(n)) != 0;
}

static inline void bm_and(bm256 *d, const bm256 *a, const bm256 *b)
{
	for (int i = 0; i < BM_WORDS; i++)
		d->w[i] = a->w[i] & b->w[i];
}

static inline void bm_or(bm256 *d, const bm256 *a, const bm256 *b)
{
	for (int i = 0; i < BM_WORDS; i++)
		d->w[i] = a->w[i] | b->w[i];
}

static inline void bm_andnot(bm256 *d, const bm256 *a, const bm256 *b)
{
	for (int i = 0; i < BM_WORDS; i++)
		d->w[i] = a->w[i] & ~b->w[i];
}

static inline bool bm_equal(const bm256 *a, const bm256 *b)
{
	uint64_t x = 0;
	for (int i = 0; i < BM_WORDS; i++)
		x |= a->w[i] ^ b->w[i];
	return x == 0;
}

static inline bool bm_empty(const bm256 *b)
{
	return (b->w[0] | b->w[1] | b->w[2] | b->w[3]) == 0;
}

static inline bool bm_intersects(const bm256 *a, const bm256 *b)
{
	uint64_t x = 0;
	for (int i = 0; i < BM_WORDS; i++)
		x |= a->w[i] & b->w[i];
	return x != 0;
}

static inline unsigned bm_weight(const bm256 *b)
{
	unsigned n = 0;
	for (int i = 0; i < BM_WORDS; i++)
		n += (unsigned)__builtin_popcountll(b->w[i]);
	return n;
}

static inline unsigned bm_next(const bm256 *b, unsigned n)
{
	while (n < BM_BITS) {
		uint64_t w = b->w[n >> 6] & (~0ULL >> (n & 63));
		if (w)
			return (n & ~63u) + (unsigned)__builtin_clzll(w);
		n = (n & ~63u) + 64;
	}
	return BM_BITS;
}

#define bm_for_each(n, b) for ((n) = bm_next((b), 0); (n) < BM_BITS; (n) = bm_next((b), (n) + 1))

static inline void bm_range(bm256 *b, unsigned lo, unsigned hi)
{
	for (unsigned n = lo; n <= hi && n < BM_BITS; n++)
		bm_set(b, n);
}

static inline void bm_limit(bm256 *b, unsigned max)
{
	for (unsigned n = max + 1; n < BM_BITS; n++)
		if ((n & 63) == 0 && n + 63 < BM_BITS) {
			b->w[n >> 6] = 0;
			n += 63;
		} else {
			bm_clear(b, n);
		}
}

static inline char *bm_format(const bm256 *b, char out[BM_HEXLEN])
{
	snprintf(out, BM_HEXLEN, "0x%016llx%016llx%016llx%016llx", (unsigned long long)b->w[0],
		 (unsigned long long)b->w[1], (unsigned long long)b->w[2],
		 (unsigned long long)b->w[3]);
	return out;
}

#endif
