/* SPDX-License-Identifier: MIT */
/*
 * sandbox.h - `vfio-ap-sim sandbox`: a command run on a simulated IBM Z
 * in private user, mount, network, PID, IPC and UTS namespaces, with the
 * model served over /sys, real uevents, and optionally a real udevd
 * (docs/sandbox.md).
 *
 * Three processes (sandbox.c, sandbox_init.c, sandbox_server.c):
 *   the caller   creates the namespaces (clone), writes the user
 *                namespace's maps, forwards SIGTERM/SIGHUP, returns the
 *                command's status;
 *   init (pid 1) builds the private /run, /dev, /sys, /etc/mdevctl.d,
 *                starts the server, udevd, the setup script and the
 *                command, reaps everything, tears down;
 *   the server   boots the simulated host with a uevent sink into the
 *                namespace's own uevent socket and serves it through FUSE
 *                at SANDBOX_SYS until told to stop.
 */
#ifndef VAS_CLI_SANDBOX_H
#define VAS_CLI_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

#include "sim/sim.h"

#define SANDBOX_DIR "/run/vfio-ap-sim"
#define SANDBOX_SYS SANDBOX_DIR "/sys"
#define SANDBOX_MAX_OVERLAYS 8
/* exit status when the sandbox itself could not be set up (as env(1) and chroot(1) do) */
#define SANDBOX_EXIT_SETUP 125

struct sandbox {
	struct sim_config cfg;
	enum sim_variant variant;
	bool udevd;
	bool vfio_ap_off; /* --no-vfio-ap */
	const char *rules_dir, *mdevctl_dir, *setup, *trace_path;
	const char *overlays[SANDBOX_MAX_OVERLAYS];
	int noverlays;
	char **cmd;    /* NULL: the user's shell */
	int trace_fd;  /* --trace, opened by the caller; -1 */
	bool rootless; /* the caller is not root: only its own uid is mapped */
	pid_t server;  /* in the sandbox's PID namespace */
};

/* sandbox_init.c: the sandbox's pid 1; returns the exit status of the sandbox. */
int sandbox_init_main(struct sandbox *sb);

/*
 * sandbox_server.c: forks the server, which boots the host, mounts it at
 * SANDBOX_SYS and serves it; returns once it is mounted (its pid), or -1
 * with the reason in err. SIGTERM ends it: unmount, shutdown with the
 * leak check (problems on stderr, exit 1), exit 0.
 */
pid_t sandbox_server_start(struct sandbox *sb, char *err, size_t errlen);

#endif
