// SPDX-License-Identifier: MIT
/*
 * run.c - `vfio-ap-sim run [-c FILE] [--variant V] SCRIPT|-`: runs a
 * script (docs/scripts.md) against an in-process simulated host and prints
 * TAP on stdout.
 *
 * Exit status: 0 every test passed, 1 a test failed (or the host did not
 * boot), 2 a bad command line, an unreadable script, a script that does
 * not parse or a bad host configuration (nothing is run then). All the
 * work is the script library's; this file only turns argv into
 * struct script_opts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "script/script.h"

static const char run_usage[] =
	"Usage: " VAS_PROG " run [-c FILE] [--variant V] SCRIPT|-\n"
	"\n"
	"Runs a script of sysfs operations against an in-process simulated host\n"
	"(no FUSE) and prints the results as TAP. '-' reads the script from\n"
	"standard input. The language is described in docs/scripts.md.\n"
	"\n"
	"  -c, --config FILE   host configuration file (default: the built-in host)\n"
	"      --variant V     locking variant: merged (default), v18, v18-blocking\n"
	"  -h, --help          show this help\n"
	"\n"
	"Exit status: 0 all passed, 1 something failed, 2 usage or parse error.\n";

static const struct option run_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "variant", required_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Fills opts from argv; returns -1 to go on, else the exit status. */
static int run_parse_args(int argc, char **argv, struct script_opts *opts)
{
	enum sim_variant v;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:h", run_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts->config_path = optarg;
			break;
		case 'v':
			if (sim_variant_parse(optarg, &v)) {
				fprintf(stderr,
					VAS_PROG " run: --variant: unknown variant '%s' "
						 "(merged, v18, v18-blocking)\n",
					optarg);
				return 2;
			}
			opts->variant = optarg;
			break;
		case 'h':
			fputs(run_usage, stdout);
			return 0;
		default:
			return cli_bad_option("run", argv, c);
		}
	}
	if (optind == argc) {
		fprintf(stderr,
			VAS_PROG " run: missing SCRIPT (a file, or - for standard input)\n");
		return 2;
	}
	if (optind < argc - 1) {
		fprintf(stderr, VAS_PROG " run: unexpected argument '%s' (one SCRIPT only)\n",
			argv[optind + 1]);
		return 2;
	}
	return -1;
}

int vas_cmd_run(int argc, char **argv)
{
	struct script_opts opts = { 0 };
	const char *path, *name;
	FILE *in;
	int ret;

	ret = run_parse_args(argc, argv, &opts);
	if (ret >= 0)
		return ret;
	path = argv[optind];
	if (!strcmp(path, "-")) {
		in = stdin;
		name = "<stdin>";
	} else {
		in = fopen(path, "r");
		name = path;
		if (!in) {
			fprintf(stderr, VAS_PROG " run: cannot open '%s': %s\n", path,
				strerror(errno));
			return 2;
		}
	}
	ret = script_run(in, name, &opts, stdout);
	if (in != stdin)
		fclose(in);
	return ret;
}
