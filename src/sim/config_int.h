/* SPDX-License-Identifier: MIT */
/*
 * config_int.h - what the host configuration parser's two files share:
 * the parser state (config.c: lines, keywords, the end-of-file checks) and
 * the card line (config_card.c: design.md §12.1, docs/zcrypt.md §5).
 */
#ifndef VAS_SIM_CONFIG_INT_H
#define VAS_SIM_CONFIG_INT_H

#include "sim/config.h"

struct cfg_parser {
	struct sim_config *cfg;
	const char *name;
	int line; /* current line, 1-based */
	char *err;
	size_t errlen;
	int card_line[BM_BITS]; /* line of each card's definition */
	int dom_line[BM_BITS];	/* first line naming each usage domain */
	int cdom_line[BM_BITS]; /* first line naming each control domain */
	int na_line, nd_line;	/* line of the last max_adapter / max_domain */
	int bad_line;		/* end-of-file check: earliest violation */
	char bad[160];		/* ... and its reason */
};

/* Writes "FILE:LINE: reason" into p->err; returns -EINVAL. */
int cfg_fail_at(struct cfg_parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define cfg_fail(p, ...) cfg_fail_at((p), (p)->line, __VA_ARGS__)

/* A LIST word ("0x04-0x07,0x47") into *out; what names it in the error. */
int cfg_parse_list(struct cfg_parser *p, const char *what, const char *s, bm256 *out);

/* The `card` keyword: argv[1] the LIST, argv[2..] the options. */
int cfg_kw_card(struct cfg_parser *p, int argc, char **argv);

#endif
