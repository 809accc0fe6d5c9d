/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the subcommands of the vfio-ap-sim executable.
 *
 * Each subcommand is `int fn(int argc, char **argv)` with argv[0] its own
 * name, parses its options with getopt_long and returns the process exit
 * status: 0 success, 1 a failed run, 2 a command-line or input error
 * (one line on stderr naming the bad argument). `mount` (mount.c) is
 * built only with libfuse3 (the build then defines VAS_HAVE_MOUNT).
 */
#ifndef VAS_CLI_H
#define VAS_CLI_H

#include <stdio.h>

#define VAS_PROG "vfio-ap-sim"

int vas_cmd_run(int argc, char **argv);
int vas_cmd_mount(int argc, char **argv);
/* sandbox.c: run a command on a simulated IBM Z in private namespaces (docs/sandbox.md) */
int vas_cmd_sandbox(int argc, char **argv);
/*
 * demo.c: the guided walk-through on the default host, over a real FUSE
 * mount in a temporary directory (this executable's `mount -f` as a child
 * process); without FUSE on an in-process tree (unless --mount). Every
 * step's output is checked: 0 only if all went as the story says and no
 * mount or server process is left behind, 1 otherwise, 2 a usage error.
 */
int vas_cmd_demo(int argc, char **argv);
/* src/cli/torture.c: the stress harness (src/torture/, docs/torture.md) */
int vas_cmd_torture(int argc, char **argv);
/* src/cli/explore.c: the deadlock explorer (src/explore/, docs/explorer.md) */
int vas_cmd_explore(int argc, char **argv);
/* src/cli/top.c: the adapter x domain grid of a sysfs root (docs/top.md) */
int vas_cmd_top(int argc, char **argv);

/*
 * Reports a getopt_long error for subcommand cmd: the unknown option or
 * the option missing its argument, from getopt's optopt/optind. Returns 2.
 */
int cli_bad_option(const char *cmd, char **argv, int ret);

#endif
