/* SPDX-License-Identifier: MIT */
/*
 * demo.h - `vfio-ap-sim demo`: a guided walk-through on the default host,
 * over a real FUSE mount in a temporary directory (this executable's
 * `mount -f` as a child process), or on an in-process tree when FUSE is
 * not available or with --in-process. Every step's output is checked:
 * the exit status is 0 only if all went as the story says and no mount or
 * server process is left behind, 1 otherwise, 2 on a usage error.
 */
#ifndef VAS_SIM_DEMO_H
#define VAS_SIM_DEMO_H

int vas_cmd_demo(int argc, char **argv);

#endif
