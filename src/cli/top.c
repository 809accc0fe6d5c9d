/* SPDX-License-Identifier: MIT */
/*
 * top.c - `vfio-ap-sim top [--once] [--interval S] [SYSFS_ROOT]`: the
 * adapter x domain grid of any tree with the /sys layout (docs/top.md).
 *
 * Without --once: the terminal view (top_ui.c). With --once: the same
 * picture printed once as text; colours only when standard output is a
 * terminal, through its terminfo entry (setaf, bold, sgr0). A root without
 * bus/ap is not an AP system: one line on stderr, exit 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>
#include <curses.h>

#include "cli/cli.h"
#include "cli/top.h"

static const char top_usage[] =
	"Usage: " VAS_PROG " top [--once] [--interval S] [SYSFS_ROOT]\n"
	"\n"
	"Shows the AP adapter x domain grid of SYSFS_ROOT (default /sys): who\n"
	"holds each queue (host driver, vfio_ap, an mdev, its guest), the masks,\n"
	"the mdevs and, on a simulated host, sim/dmesg and the most contended lock\n"
	"classes. Reads only files under SYSFS_ROOT. Keys: q quit, arrows move,\n"
	"Tab selects the next mdev, ? help (docs/top.md).\n"
	"\n"
	"      --once          print the picture once as text and exit\n"
	"  -i, --interval S    seconds between refreshes (default 2)\n"
	"  -h, --help          show this help\n"
	"\n"
	"Exit status: 0 done, 1 the terminal could not be used, 2 usage error or\n"
	"SYSFS_ROOT is not an AP system.\n";

static const struct option top_options[] = {
	{ "once", no_argument, NULL, 'o' },
	{ "interval", required_argument, NULL, 'i' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Terminal capabilities for --once colours; all NULL when not on a terminal. */
struct once_term {
	const char *setaf, *bold, *sgr0, *rev;
};

static void once_term_init(struct once_term *t)
{
	int err;

	memset(t, 0, sizeof(*t));
	if (!isatty(STDOUT_FILENO) || setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return;
	t->setaf = tigetstr("setaf");
	t->bold = tigetstr("bold");
	t->sgr0 = tigetstr("sgr0");
	t->rev = tigetstr("rev");
	if (t->setaf == (char *)-1 || t->sgr0 == (char *)-1 || !t->sgr0)
		memset(t, 0, sizeof(*t));
	if (t->bold == (char *)-1)
		t->bold = NULL;
	if (t->rev == (char *)-1)
		t->rev = NULL;
}

static const short palette[TOP_COLOURS] = { COLOR_GREEN,  COLOR_CYAN, COLOR_MAGENTA,
					    COLOR_YELLOW, COLOR_BLUE, COLOR_RED };

static void once_style(const struct once_term *t, unsigned char st)
{
	if (!t->sgr0)
		return;
	fputs(t->sgr0, stdout);
	if ((st & (TS_BOLD | TS_CHANGED)) && t->bold)
		fputs(t->bold, stdout);
	if (st & TS_COLOUR && t->setaf)
		fputs(tiparm(t->setaf, palette[(st & TS_COLOUR) - 1]), stdout);
}

static void print_once(const struct top_canvas *cv)
{
	struct once_term t;

	once_term_init(&t);
	for (int y = 0; y < cv->nr; y++) {
		const struct top_line *l = &cv->line[y];
		int end = l->len, st = 0;

		while (end > 0 && l->c[end - 1].ch == ' ')
			end--; /* no trailing blanks */
		for (int x = 0; x < end; x++) {
			if (l->c[x].st != st && t.sgr0)
				once_style(&t, l->c[x].st);
			st = l->c[x].st;
			putchar(l->c[x].ch);
		}
		if (st && t.sgr0)
			fputs(t.sgr0, stdout);
		putchar('\n');
	}
}

static int once(const char *root)
{
	struct top_model *m = calloc(1, sizeof(*m));
	struct top_canvas cv;
	char err[8400];
	int rc;

	if (!m) {
		fprintf(stderr, VAS_PROG " top: out of memory\n");
		return 1;
	}
	snprintf(m->root, sizeof(m->root), "%s", root);
	rc = top_model_read(m, err, sizeof(err));
	if (rc) {
		fprintf(stderr, VAS_PROG " top: %s\n", err);
		free(m);
		return 2;
	}
	top_render(&cv, m, NULL, NULL);
	print_once(&cv);
	top_canvas_free(&cv);
	top_model_free(m);
	free(m);
	return fflush(stdout) ? 1 : 0;
}

int vas_cmd_top(int argc, char **argv)
{
	double interval = 2.0;
	bool one = false;
	char *end;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:i:h", top_options, NULL)) != -1) {
		switch (c) {
		case 'o':
			one = true;
			break;
		case 'i':
			interval = strtod(optarg, &end);
			if (*end || end == optarg || !(interval >= 0.1 && interval <= 3600)) {
				fprintf(stderr,
					VAS_PROG " top: --interval: expected seconds from 0.1 to "
						 "3600, got '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			fputs(top_usage, stdout);
			return 0;
		default:
			return cli_bad_option("top", argv, c);
		}
	}
	if (optind < argc - 1) {
		fprintf(stderr, VAS_PROG " top: unexpected argument '%s' (one SYSFS_ROOT only)\n",
			argv[optind + 1]);
		return 2;
	}
	if (one)
		return once(optind < argc ? argv[optind] : "/sys");
	return top_ui_run(optind < argc ? argv[optind] : "/sys", interval);
}
