/* SPDX-License-Identifier: MIT */
/* demo.h - `vfio-ap-sim demo`: a guided walk-through on the default host. */
#ifndef VAS_SIM_DEMO_H
#define VAS_SIM_DEMO_H

int vas_cmd_demo(int argc, char **argv);

#endif
