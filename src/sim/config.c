/* SPDX-License-Identifier: MIT */
/*
 * config.c - the simulated host's configuration: defaults and file parser.
 *
 * Models what an LPAR's hardware configuration and kernel command line
 * decide before the AP bus starts: QCI apxa/na/nd, the physical cards and
 * the configured usage/control domains (design.md §12), and the
 * ap.apmask=/ap.aqmask= boot parameters (design.md §3.7).
 *
 * File grammar: one statement per line, '#' starts a comment anywhere,
 * words are separated by blanks. Keywords are dispatched through a const
 * table. Choices where the interface leaves room:
 *  - usage_domains / control_domains lines accumulate (union);
 *  - apxa, max_adapter, max_domain: the last line wins;
 *  - apmask / aqmask: each line starts from all zeros (as a boot parameter
 *    does), so the last line wins; relative terms apply to zeros;
 *  - ids are range-checked against max_adapter / max_domain only after the
 *    whole file is read (those may come after the cards); a violation is
 *    reported at the line that named the id, the earliest such line first;
 *  - without apxa, max_adapter must be <= 63 and max_domain <= 15.
 * Every error is "FILE:LINE: reason" and -EINVAL.
 */
#include "sim/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "sim/config_int.h"

#define CFG_MAX_WORDS 16
#define CFG_BLANKS " \t\r\n\v\f"

int cfg_fail_at(struct cfg_parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || !p->errlen)
		return -EINVAL;
	n = snprintf(p->err, p->errlen, "%s:%d: ", p->name, line);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

void sim_config_init(struct sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	ap_machine_cfg_init(&cfg->machine);
	bm_fill(&cfg->apmask);
	bm_fill(&cfg->aqmask);
}

static void add_card(struct sim_config *cfg, unsigned id, int type, char kind)
{
	cfg->machine.cards[id] = (struct ap_card_cfg){
		.present = true,
		.type = type,
		.kind = kind,
		.config = true,
		.chkstop = false,
	};
	ap_card_fw_default(&cfg->machine.cards[id].fw, kind);
}

void sim_config_default(struct sim_config *cfg)
{
	sim_config_init(cfg);
	add_card(cfg, 0x03, AP_DEVICE_TYPE_CEX8, AP_KIND_CCA);
	add_card(cfg, 0x04, AP_DEVICE_TYPE_CEX8, AP_KIND_CCA);
	add_card(cfg, 0x05, AP_DEVICE_TYPE_CEX8, AP_KIND_EP11);
	add_card(cfg, 0x06, AP_DEVICE_TYPE_CEX8, AP_KIND_ACCEL);
	bm_range(&cfg->machine.usage_domains, 0x00, 0x0f);
	bm_range(&cfg->machine.control_domains, 0x00, 0x0f);
}

/* --- keyword handlers: argv[0] is the keyword ----------------------------- */

static int kw_apxa(struct cfg_parser *p, int argc, char **argv)
{
	if (strcmp(argv[1], "yes") == 0)
		p->cfg->machine.apxa = true;
	else if (strcmp(argv[1], "no") == 0)
		p->cfg->machine.apxa = false;
	else
		return cfg_fail(p, "apxa: expected 'yes' or 'no', got '%s'", argv[1]);
	return 0;
}

static int parse_max(struct cfg_parser *p, char **argv, int *out, int *line)
{
	unsigned long v;

	if (vas_kstrtoul(argv[1], 0, &v) || v >= BM_BITS)
		return cfg_fail(p, "%s: expected a number 0-255 (C syntax), got '%s'", argv[0],
				argv[1]);
	*out = (int)v;
	*line = p->line;
	return 0;
}

static int kw_max_adapter(struct cfg_parser *p, int argc, char **argv)
{
	return parse_max(p, argv, &p->cfg->machine.max_adapter, &p->na_line);
}

static int kw_max_domain(struct cfg_parser *p, int argc, char **argv)
{
	return parse_max(p, argv, &p->cfg->machine.max_domain, &p->nd_line);
}

int cfg_parse_list(struct cfg_parser *p, const char *what, const char *s, bm256 *out)
{
	int rc = vas_parse_list(s, BM_BITS - 1, out);

	if (rc == -ERANGE)
		return cfg_fail(p, "%s: number out of range in '%s' (ids are 0-255)", what, s);
	if (rc)
		return cfg_fail(p,
				"%s: bad list '%s' (expected C numbers and ranges, e.g. "
				"0x04-0x07,0x47)",
				what, s);
	return 0;
}

static int add_domains(struct cfg_parser *p, char **argv, bm256 *mask, int *lines)
{
	unsigned id;
	bm256 ids;
	int rc = cfg_parse_list(p, argv[0], argv[1], &ids);

	if (rc)
		return rc;
	bm_for_each(id, &ids) {
		if (!lines[id])
			lines[id] = p->line;
	}
	bm_or(mask, mask, &ids);
	return 0;
}

static int kw_usage_domains(struct cfg_parser *p, int argc, char **argv)
{
	return add_domains(p, argv, &p->cfg->machine.usage_domains, p->dom_line);
}

static int kw_control_domains(struct cfg_parser *p, int argc, char **argv)
{
	return add_domains(p, argv, &p->cfg->machine.control_domains, p->cdom_line);
}

static int boot_mask(struct cfg_parser *p, char **argv, bm256 *mask)
{
	bm256 zero;

	bm_zero(&zero);
	if (ap_parse_mask(argv[1], &zero, mask))
		return cfg_fail(p,
				"%s: invalid mask '%s' (expected 0x + up to 64 hex digits, "
				"or +/- terms such as +0x04-0x07,-5)",
				argv[0], argv[1]);
	return 0;
}

static int kw_apmask(struct cfg_parser *p, int argc, char **argv)
{
	return boot_mask(p, argv, &p->cfg->apmask);
}

static int kw_aqmask(struct cfg_parser *p, int argc, char **argv)
{
	return boot_mask(p, argv, &p->cfg->aqmask);
}

/* vfio_ap yes|no: whether the module is loaded at boot (design.md §12.1). */
static int kw_vfio_ap(struct cfg_parser *p, int argc, char **argv)
{
	if (strcmp(argv[1], "yes") && strcmp(argv[1], "no"))
		return cfg_fail(p, "vfio_ap: expected 'yes' or 'no', got '%s'", argv[1]);
	p->cfg->no_vfio_ap = strcmp(argv[1], "no") == 0;
	return 0;
}

struct cfg_keyword {
	const char *name;
	int min_args, max_args; /* words after the keyword */
	const char *usage;
	int (*handle)(struct cfg_parser *p, int argc, char **argv);
};

static const struct cfg_keyword cfg_keywords[] = {
	{ "apxa", 1, 1, "apxa yes|no", kw_apxa },
	{ "max_adapter", 1, 1, "max_adapter N", kw_max_adapter },
	{ "max_domain", 1, 1, "max_domain N", kw_max_domain },
	{ "card", 2, 13, "card LIST type=T [config=0|1] [chkstop=0|1] [OPTION=VALUE ...]",
	  cfg_kw_card },
	{ "usage_domains", 1, 1, "usage_domains LIST", kw_usage_domains },
	{ "control_domains", 1, 1, "control_domains LIST", kw_control_domains },
	{ "apmask", 1, 1, "apmask MASK", kw_apmask },
	{ "aqmask", 1, 1, "aqmask MASK", kw_aqmask },
	{ "vfio_ap", 1, 1, "vfio_ap yes|no", kw_vfio_ap },
};

#define NR_KEYWORDS (sizeof(cfg_keywords) / sizeof(cfg_keywords[0]))

/* One line, already stripped of its comment. Blank lines are fine. */
static int parse_line(struct cfg_parser *p, char *text)
{
	char *argv[CFG_MAX_WORDS + 1], *save = NULL, *w;
	int argc = 0;

	for (w = strtok_r(text, CFG_BLANKS, &save); w; w = strtok_r(NULL, CFG_BLANKS, &save)) {
		if (argc == CFG_MAX_WORDS)
			return cfg_fail(p, "too many words (at most %d)", CFG_MAX_WORDS);
		argv[argc++] = w;
	}
	if (argc == 0)
		return 0;
	for (size_t i = 0; i < NR_KEYWORDS; i++) {
		const struct cfg_keyword *k = &cfg_keywords[i];

		if (strcmp(argv[0], k->name) != 0)
			continue;
		if (argc - 1 < k->min_args || argc - 1 > k->max_args)
			return cfg_fail(p, "%s: wrong number of arguments (expected '%s')", k->name,
					k->usage);
		return k->handle(p, argc, argv);
	}
	return cfg_fail(p,
			"unknown keyword '%s' (expected apxa, max_adapter, max_domain, card, "
			"usage_domains, control_domains, apmask, aqmask or vfio_ap)",
			argv[0]);
}

/* Remembers a violation found after the whole file was read; earliest wins. */
static void __attribute__((format(printf, 3, 4)))
note_bad(struct cfg_parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	if (p->bad_line && p->bad_line <= line)
		return;
	p->bad_line = line;
	va_start(ap, fmt);
	vsnprintf(p->bad, sizeof(p->bad), fmt, ap);
	va_end(ap);
}

static void check_ids(struct cfg_parser *p, const bm256 *ids, const int *lines, int max,
		      const char *what, const char *limit)
{
	unsigned id;

	bm_for_each(id, ids) {
		if ((int)id > max)
			note_bad(p, lines[id], "%s 0x%02x is beyond %s %d", what, id, limit, max);
	}
}

/* The checks that need the whole file: limits and ids within them. */
static int check_ranges(struct cfg_parser *p)
{
	const struct sim_config *cfg = p->cfg;
	int na = ap_machine_na(&cfg->machine), nd = ap_machine_nd(&cfg->machine);
	bm256 cards;

	if (!cfg->machine.apxa && na > 63)
		note_bad(p, p->na_line,
			 "max_adapter %d needs apxa yes (at most 63 without AP "
			 "extended addressing)",
			 na);
	if (!cfg->machine.apxa && nd > 15)
		note_bad(p, p->nd_line,
			 "max_domain %d needs apxa yes (at most 15 without AP "
			 "extended addressing)",
			 nd);
	bm_zero(&cards);
	for (unsigned id = 0; id < BM_BITS; id++)
		if (cfg->machine.cards[id].present)
			bm_set(&cards, id);
	check_ids(p, &cards, p->card_line, na, "card", "max_adapter");
	check_ids(p, &cfg->machine.usage_domains, p->dom_line, nd, "usage domain", "max_domain");
	check_ids(p, &cfg->machine.control_domains, p->cdom_line, nd, "control domain",
		  "max_domain");
	if (p->bad_line)
		return cfg_fail_at(p, p->bad_line, "%s", p->bad);
	return 0;
}

int sim_config_parse_stream(struct sim_config *cfg, FILE *f, const char *name, char *err,
			    size_t errlen)
{
	struct cfg_parser *p = calloc(1, sizeof(*p));
	char *buf = NULL;
	size_t cap = 0;
	int rc = 0;

	if (!p)
		return -ENOMEM;
	*p = (struct cfg_parser){ .cfg = cfg, .name = name, .err = err, .errlen = errlen };
	sim_config_init(cfg);
	while (rc == 0 && getline(&buf, &cap, f) >= 0) {
		p->line++;
		buf[strcspn(buf, "#")] = '\0';
		rc = parse_line(p, buf);
	}
	if (rc == 0 && ferror(f))
		rc = cfg_fail(p, "read error after this line");
	if (rc == 0)
		rc = check_ranges(p);
	free(buf);
	free(p);
	return rc;
}

int sim_config_parse_file(struct sim_config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		rc = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path, strerror(-rc));
		return rc;
	}
	rc = sim_config_parse_stream(cfg, f, path, err, errlen);
	fclose(f);
	return rc;
}
