// SPDX-License-Identifier: MIT
/*
 * main.c - the vfio-ap-sim executable: dispatch to a subcommand, the
 * program's own --help and --version (design.md §10).
 *
 * Subcommands are a const table; `SUBCOMMAND --help` is each subcommand's
 * business. `mount` needs the FUSE adapter, which is linked in only when
 * libfuse3 is there: without it the entry (and `sandbox`'s) says so and exits 2. `torture` is the
 * stress harness (src/cli/torture.c over src/torture/); `top` the grid view of a sysfs root
 * (src/cli/top*.c).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#ifndef VAS_VERSION
#define VAS_VERSION "unknown"
#endif

#ifndef VAS_HAVE_MOUNT
static int not_built(const char *what)
{
	fprintf(stderr, VAS_PROG ": %s: not built into this binary\n", what);
	return 2;
}

int vas_cmd_mount(int argc, char **argv)
{
	return not_built("mount (needs libfuse3)");
}

int vas_cmd_sandbox(int argc, char **argv)
{
	return not_built("sandbox (needs libfuse3)");
}
#endif

static const struct subcmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage; /* NULL: not listed in --help */
	const char *summary;
} subcmds[] = {
	{ "run", vas_cmd_run, "run [-c FILE] [--variant V] SCRIPT|-",
	  "run a script of sysfs operations (docs/scripts.md), print TAP" },
	{ "mount", vas_cmd_mount, "mount [-c FILE] [-f] [--variant V] [-o FUSEOPT,...] MOUNTPOINT",
	  "serve a simulated host's sysfs through FUSE at MOUNTPOINT" },
	{ "sandbox", vas_cmd_sandbox,
	  "sandbox [-c FILE] [--variant V] [--udevd] [OPTIONS] [--] [CMD [ARG...]]",
	  "run CMD on a simulated IBM Z: private namespaces, the model over /sys, real "
	  "uevents (docs/sandbox.md)" },
	{ "demo", vas_cmd_demo, "demo [--in-process | --mount]",
	  "a guided walk-through on the default host" },
	{ "explore", vas_cmd_explore, "explore [OPTIONS] OP [OP...] | --all-pairs | --replay STR",
	  "explore every schedule of concurrent operations for deadlocks (docs/explorer.md)" },
	{ "torture", vas_cmd_torture, "torture [OPTIONS]",
	  "concurrent stress run with invariant checks and a watchdog (docs/torture.md)" },
	{ "top", vas_cmd_top, "top [--once] [--interval S] [SYSFS_ROOT]",
	  "the adapter x domain grid, mdevs, guests and locks of a sysfs root (docs/top.md)" },
};

static void help(void)
{
	size_t i;

	printf("Usage: " VAS_PROG " COMMAND [OPTIONS] [ARGS]\n"
	       "       " VAS_PROG " --help | --version\n\n"
	       "A user-space simulation of the Linux s390 vfio_ap driver.\n\n"
	       "Commands:\n");
	for (i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		if (subcmds[i].usage)
			printf("  %s\n      %s\n", subcmds[i].usage, subcmds[i].summary);
	printf("\n'" VAS_PROG " COMMAND --help' describes a command.\n");
}

int cli_bad_option(const char *cmd, char **argv, int ret)
{
	const char *arg = argv[optind - 1];

	if (ret == ':')
		fprintf(stderr, VAS_PROG " %s: option '%s' needs an argument", cmd, arg);
	else if (optopt && strncmp(arg, "--", 2))
		fprintf(stderr, VAS_PROG " %s: unknown option '-%c'", cmd, optopt);
	else
		fprintf(stderr, VAS_PROG " %s: unknown option '%s'", cmd, arg);
	fprintf(stderr, " (see '" VAS_PROG " %s --help')\n", cmd);
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	size_t i;

	if (!cmd) {
		fprintf(stderr, VAS_PROG ": missing COMMAND (see '" VAS_PROG " --help')\n");
		return 2;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		help();
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf(VAS_PROG " " VAS_VERSION "\n");
		return 0;
	}
	for (i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		if (!strcmp(subcmds[i].name, cmd))
			return subcmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, VAS_PROG ": unknown %s '%s' (see '" VAS_PROG " --help')\n",
		cmd[0] == '-' ? "option" : "command", cmd);
	return 2;
}
