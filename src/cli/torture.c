// SPDX-License-Identifier: MIT
/*
 * torture.c - the `torture` subcommand: command-line options into a
 * struct torture_opts, then one torture_run (src/torture/).
 *
 * Exit status: 0 SUCCESS, 1 FAILURE (including a hang caught by the
 * watchdog), 2 a bad option or an unreadable host configuration file.
 * docs/torture.md explains the output.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "torture/torture.h"

static void usage(void)
{
	printf("Usage: " VAS_PROG " torture [OPTIONS]\n\n"
	       "Stress a simulated host with random concurrent sysfs operations, check its\n"
	       "invariants continuously, watch for hangs; print SUCCESS or FAILURE.\n\n"
	       "  -t, --threads N        admin threads (default 4)\n"
	       "  -g, --guests N         guest threads: start/stop, AQIC (default 2)\n"
	       "  -m, --mdevs N          mdev UUIDs in play, 1..64 (default 4)\n"
	       "  -d, --duration S       run for S seconds (default 10)\n"
	       "  -n, --ops N            run N operations in total instead of a duration\n"
	       "  -s, --seed X           PRNG seed; thread i uses X+i (default 1)\n"
	       "      --variant V        merged (default), v18 or v18-blocking\n"
	       "  -f, --faults RATE      probability 0..1 that an admin op injects a fault\n"
	       "                         (ZAPQ/TAPQ/AQIC response codes, slow resets)\n"
	       "  -c, --config FILE      host configuration file (default: built-in host)\n"
	       "      --json             JSON summary on stdout, the log on stderr\n"
	       "      --busted           run a deliberately broken driver (must FAIL)\n"
	       "      --compare          run v18 then merged, same seed: EBUSY rates\n"
	       "      --require-coverage fail unless every declared lock edge was seen\n"
	       "      --no-validator     switch the lock validator off (benchmark)\n"
	       "      --watchdog S       an op running longer than S s is a hang (default 10)\n"
	       "      --stat-interval S  periodic statistics line every S s (default 5, 0 off)\n"
	       "      --check-interval MS invariant checker period (default 20)\n"
	       "      --weight OP=W      weight of operation OP in the mix (0 = never)\n"
	       "  -q, --quiet            no periodic or progress lines\n"
	       "  -h, --help             this text\n\nOperations:");
	for (unsigned i = 0; torture_op_name(i); i++)
		printf("%s%s", i % 6 ? " " : "\n  ", torture_op_name(i));
	printf("\n");
}

enum {
	O_VARIANT = 256,
	O_JSON,
	O_BUSTED,
	O_COMPARE,
	O_COV,
	O_NOVAL,
	O_WATCHDOG,
	O_STAT,
	O_CHECK,
	O_WEIGHT
};

static const struct option longopts[] = {
	{ "threads", required_argument, NULL, 't' },
	{ "guests", required_argument, NULL, 'g' },
	{ "mdevs", required_argument, NULL, 'm' },
	{ "duration", required_argument, NULL, 'd' },
	{ "ops", required_argument, NULL, 'n' },
	{ "seed", required_argument, NULL, 's' },
	{ "variant", required_argument, NULL, O_VARIANT },
	{ "faults", required_argument, NULL, 'f' },
	{ "config", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, O_JSON },
	{ "busted", no_argument, NULL, O_BUSTED },
	{ "compare", no_argument, NULL, O_COMPARE },
	{ "require-coverage", no_argument, NULL, O_COV },
	{ "no-validator", no_argument, NULL, O_NOVAL },
	{ "watchdog", required_argument, NULL, O_WATCHDOG },
	{ "stat-interval", required_argument, NULL, O_STAT },
	{ "check-interval", required_argument, NULL, O_CHECK },
	{ "weight", required_argument, NULL, O_WEIGHT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, VAS_PROG " torture: %s '%s': %s\n", opt, val, why);
	return 2;
}

static int num(const char *opt, const char *s, unsigned long long lo, unsigned long long hi,
	       unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (!*s || *end || errno || *s == '-' || *out < lo || *out > hi)
		return bad(opt, s, "not a number in range");
	return 0;
}

static int real(const char *opt, const char *s, double lo, double hi, double *out)
{
	char *end;

	*out = strtod(s, &end);
	if (!*s || *end || !(*out >= lo && *out <= hi))
		return bad(opt, s, "not a number in range");
	return 0;
}

static int weight(struct torture_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[64];
	unsigned long long w;
	int i;

	if (!eq || (size_t)(eq - arg) >= sizeof(name))
		return bad("--weight", arg, "expected OP=WEIGHT");
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = 0;
	i = torture_op_index(name);
	if (i < 0)
		return bad("--weight", arg, "no such operation (see --help)");
	if (num("--weight", eq + 1, 0, 1000000, &w))
		return 2;
	o->weight[i] = (int)w;
	return 0;
}

static int parse_opt(struct torture_opts *o, int c, const char *arg)
{
	unsigned long long v = 0;
	int rc = 0;

	switch (c) {
	case 't':
		rc = num("--threads", arg, 1, 128, &v);
		o->threads = (unsigned)v;
		break;
	case 'g':
		rc = num("--guests", arg, 0, 64, &v);
		o->guests = (unsigned)v;
		break;
	case 'm':
		rc = num("--mdevs", arg, 1, 64, &v);
		o->mdevs = (unsigned)v;
		break;
	case 'd':
		rc = real("--duration", arg, 0.01, 1e7, &o->duration_s);
		break;
	case 'n':
		rc = num("--ops", arg, 1, ~0ULL, &v);
		o->ops = v;
		break;
	case 's':
		rc = num("--seed", arg, 0, ~0ULL, &v);
		o->seed = v;
		break;
	case O_VARIANT:
		if (sim_variant_parse(arg, &o->variant))
			rc = bad("--variant", arg, "expected merged, v18 or v18-blocking");
		break;
	case 'f':
		rc = real("--faults", arg, 0, 1, &o->fault_rate);
		break;
	case 'c':
		o->config_path = arg;
		break;
	case O_WATCHDOG:
		rc = real("--watchdog", arg, 0.1, 1e6, &o->watchdog_s);
		break;
	case O_STAT:
		rc = real("--stat-interval", arg, 0, 1e6, &o->stat_interval_s);
		break;
	case O_WEIGHT:
		rc = weight(o, arg);
		break;
	case O_CHECK:
		rc = num("--check-interval", arg, 1, 60000, &v);
		o->check_interval_ms = (unsigned)v;
		break;
	}
	return rc;
}

int vas_cmd_torture(int argc, char **argv)
{
	struct torture_opts o;
	int c, rc;

	torture_opts_init(&o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:g:m:d:n:s:f:c:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage();
			return 0;
		case 'q':
			o.quiet = true;
			break;
		case O_JSON:
			o.json = true;
			break;
		case O_BUSTED:
			o.busted = true;
			break;
		case O_COMPARE:
			o.compare = true;
			break;
		case O_COV:
			o.require_coverage = true;
			break;
		case O_NOVAL:
			o.validator_off = true;
			break;
		case '?':
		case ':':
			return cli_bad_option("torture", argv, c);
		default:
			if ((rc = parse_opt(&o, c, optarg)))
				return rc;
		}
	}
	if (optind < argc)
		return bad("argument", argv[optind], "torture takes no arguments");
	return torture_run(&o, stdout, NULL);
}
