/* SPDX-License-Identifier: MIT */
/*
 * test_bitmap.c - unit tests of base/bitmap.h, the 256-bit AP masks.
 *
 * Checks the MSB-first numbering (number 0 is the top bit of the first hex
 * digit, 63/64 sit at the word boundary, 255 is the last bit), the word
 * operations including aliasing, bm_next/bm_for_each across words, bm_range
 * and bm_limit at and around word boundaries, and the text form.
 */
#include <string.h>

#include "base/bitmap.h"
#include "tap.h"
#include "unit.h"

static void test_numbering(void)
{
	bm256 b;
	char s[BM_HEXLEN];

	bm_zero(&b);
	bm_set(&b, 0);
	tap_ok(mask_is(&b, "8"), "number 0 is the MSB of the first digit");
	bm_zero(&b);
	bm_set(&b, 1);
	bm_set(&b, 7);
	tap_ok(mask_is(&b, "41"), "numbers 1 and 7 print as 0x41");
	bm_zero(&b);
	bm_set(&b, 63);
	bm_set(&b, 64);
	tap_ok(b.w[0] == 1 && b.w[1] == 1ULL << 63, "63 is bit 0 of word 0, 64 bit 63 of word 1");
	bm_zero(&b);
	bm_set(&b, 255);
	bm_format(&b, s);
	tap_ok(strlen(s) == 66 && s[65] == '1' && b.w[3] == 1, "255 is the last digit's LSB");
	tap_ok(bm_test(&b, 255) && !bm_test(&b, 254) && !bm_test(&b, 256),
	       "bm_test: set, clear, out of range");
	bm_clear(&b, 255);
	tap_ok(bm_empty(&b), "bm_clear empties it again");
	bm_fill(&b);
	tap_ok(strcmp(bm_format(&b, s), "0xffffffffffffffffffffffffffffffffffffffffffffffffff"
					"ffffffffffffff") == 0,
	       "bm_fill prints 64 f digits");
	bm_zero(&b);
	tap_ok(strcmp(bm_format(&b, s), "0x0000000000000000000000000000000000000000000000000000"
					"000000000000") == 0,
	       "bm_zero prints 64 zero digits");
}

static void test_word_ops(void)
{
	bm256 a, b, d;

	hex_mask("f0f0", &a);
	hex_mask("ff00", &b);
	bm_and(&d, &a, &b);
	tap_ok(mask_is(&d, "f000"), "bm_and");
	bm_or(&d, &a, &b);
	tap_ok(mask_is(&d, "fff0"), "bm_or");
	bm_andnot(&d, &a, &b);
	tap_ok(mask_is(&d, "00f0"), "bm_andnot");
	bm_andnot(&a, &a, &b);
	tap_ok(mask_is(&a, "00f0"), "bm_andnot with dst aliasing a");
	bm_or(&b, &a, &b);
	tap_ok(mask_is(&b, "fff0"), "bm_or with dst aliasing b");
	tap_ok(bm_intersects(&a, &b) && !bm_intersects(&a, &(bm256){ { 0, 0, 0, 1 } }),
	       "bm_intersects");
	hex_mask("00f0", &d);
	tap_ok(bm_equal(&a, &d) && !bm_equal(&a, &b), "bm_equal");
	tap_ok(bm_weight(&b) == 12, "bm_weight 12");
	bm_fill(&d);
	tap_ok(bm_weight(&d) == 256 && !bm_empty(&d), "full mask: weight 256, not empty");
}

static void test_next(void)
{
	unsigned got[8], n, k = 0;
	bm256 b;

	bm_zero(&b);
	tap_ok(bm_next(&b, 0) == BM_BITS, "bm_next on empty is BM_BITS");
	bm_set(&b, 5);
	bm_set(&b, 64);
	bm_set(&b, 200);
	bm_set(&b, 255);
	tap_ok(bm_next(&b, 0) == 5 && bm_next(&b, 5) == 5 && bm_next(&b, 6) == 64,
	       "bm_next within and into the next word");
	tap_ok(bm_next(&b, 65) == 200 && bm_next(&b, 201) == 255 && bm_next(&b, 256) == BM_BITS,
	       "bm_next skips empty words and stops at the end");
	bm_for_each(n, &b) {
		if (k < 8)
			got[k] = n;
		k++;
	}
	tap_ok(k == 4 && got[0] == 5 && got[1] == 64 && got[2] == 200 && got[3] == 255,
	       "bm_for_each visits 5, 64, 200, 255 in order");
	bm_zero(&b);
	k = 0;
	bm_for_each(n, &b)
		k++;
	tap_ok(k == 0, "bm_for_each on empty runs no iteration");
}

static void test_range_limit(void)
{
	bm256 b;

	bm_zero(&b);
	bm_range(&b, 60, 70);
	tap_ok(bm_weight(&b) == 11 && bm_test(&b, 60) && bm_test(&b, 70) && !bm_test(&b, 71),
	       "bm_range 60-70 across a word boundary");
	bm_zero(&b);
	bm_range(&b, 250, 300);
	tap_ok(bm_weight(&b) == 6, "bm_range clamps at 255");
	bm_fill(&b);
	bm_limit(&b, 15);
	tap_ok(mask_is(&b, "ffff"), "bm_limit 15 keeps 0..15");
	bm_fill(&b);
	bm_limit(&b, 63);
	tap_ok(b.w[0] == ~0ULL && !b.w[1] && !b.w[2] && !b.w[3], "bm_limit 63 keeps word 0");
	bm_fill(&b);
	bm_limit(&b, 100);
	tap_ok(bm_weight(&b) == 101 && bm_test(&b, 100) && !bm_test(&b, 101),
	       "bm_limit 100 keeps 0..100");
	bm_fill(&b);
	bm_limit(&b, 0);
	tap_ok(mask_is(&b, "8"), "bm_limit 0 keeps only 0");
	bm_fill(&b);
	bm_limit(&b, 255);
	tap_ok(bm_weight(&b) == 256, "bm_limit 255 changes nothing");
}

int main(void)
{
	test_numbering();
	test_word_ops();
	test_next();
	test_range_limit();
	return tap_done();
}
