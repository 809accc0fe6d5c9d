/* SPDX-License-Identifier: MIT */
/*
 * sandbox.c - `vfio-ap-sim sandbox [OPTIONS] [--] [CMD [ARG...]]`: the
 * caller's side (docs/sandbox.md, design.md §10).
 *
 * The command line and the host configuration are checked before anything
 * is created (errors: one line, exit 2). Then a child (the holder) is
 * cloned into new user, mount, network, IPC and UTS namespaces, and this
 * process, still outside, writes the new user namespace's maps: as
 * root, uids and gids 0-65535 map to themselves; otherwise the caller's
 * own uid and gid become 0 (setgroups denied). A new user namespace even
 * for root: a network namespace owned by the initial one receives every
 * uevent of the machine, and ours must receive only the simulated
 * kernel's. The holder then unshares a PID namespace and forks the
 * sandbox's init (plain fork: sanitizers keep working) as its pid 1. Each is
 * killed when its parent dies (PR_SET_PDEATHSIG), and with init the whole
 * PID namespace: no process, mount or namespace outlives the sandbox.
 *
 * Exit status: the command's (128+N when a signal N ended it), 125 when
 * the sandbox could not be set up, 126/127 when the command could not be
 * run, 2 for a usage or configuration error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/sandbox.h"

static const char sandbox_usage[] =
	"Usage: " VAS_PROG " sandbox [-c FILE] [--variant V] [--udevd] [--rules DIR]\n"
	"                     [--mdevctl-dir DIR] [--setup SCRIPT] [--trace FILE]\n"
	"                     [--overlay DIR]... [--no-vfio-ap] [--] [CMD [ARG...]]\n"
	"\n"
	"Runs CMD (default: your shell) on a simulated IBM Z: private user, mount,\n"
	"network and PID namespaces; the simulated kernel's sysfs over /sys/bus,\n"
	"/sys/class, /sys/devices, /sys/dev, /sys/module, /sys/kernel/iommu_groups;\n"
	"its uevents on the sandbox's own uevent socket; private /run, /dev and\n"
	"/etc/mdevctl.d. Exits with CMD's status. The sim/ files are at\n"
	"$VAS_SIM (" SANDBOX_SYS "/sim).\n"
	"\n"
	"  -c, --config FILE     host configuration file (default: the built-in host)\n"
	"      --variant V       locking variant: merged (default), v18, v18-blocking\n"
	"      --udevd           start systemd-udevd, coldplug (trigger, settle) before CMD\n"
	"      --rules DIR       extra udev rules (seen as /run/udev/rules.d)\n"
	"      --mdevctl-dir DIR copy DIR into the private /etc/mdevctl.d first\n"
	"      --setup SCRIPT    run 'sh SCRIPT' inside before CMD; its failure ends the sandbox\n"
	"      --trace FILE      write every read, write and uevent to FILE as it happens\n"
	"      --overlay DIR     writes below DIR stay in the sandbox (overlayfs); repeatable\n"
	"      --no-vfio-ap      boot without vfio_ap (load it with: echo 1 > $VAS_SIM/modules/vfio_ap)\n"
	"  -h, --help            show this help\n";

enum {
	OPT_VARIANT = 256,
	OPT_UDEVD,
	OPT_RULES,
	OPT_MDEVCTL,
	OPT_SETUP,
	OPT_TRACE,
	OPT_OVERLAY,
	OPT_NO_VFIO_AP
};

static const struct option sandbox_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "variant", required_argument, NULL, OPT_VARIANT },
	{ "udevd", no_argument, NULL, OPT_UDEVD },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "mdevctl-dir", required_argument, NULL, OPT_MDEVCTL },
	{ "setup", required_argument, NULL, OPT_SETUP },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "overlay", required_argument, NULL, OPT_OVERLAY },
	{ "no-vfio-ap", no_argument, NULL, OPT_NO_VFIO_AP },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* An absolute path to an existing directory, else a usage error (2). */
static int want_dir(const char *opt, const char *path)
{
	if (path[0] != '/' || access(path, X_OK)) {
		fprintf(stderr,
			VAS_PROG " sandbox: %s: '%s' must be an existing directory's "
				 "absolute path\n",
			opt, path);
		return 2;
	}
	return 0;
}

/* Fills sb from argv; -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct sandbox *sb, const char **cfg_path)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:h", sandbox_options, NULL)) != -1) {
		int rc = 0;

		switch (c) {
		case 'c':
			*cfg_path = optarg;
			break;
		case OPT_VARIANT:
			if (sim_variant_parse(optarg, &sb->variant)) {
				fprintf(stderr,
					VAS_PROG " sandbox: --variant: unknown variant '%s' "
						 "(merged, v18, v18-blocking)\n",
					optarg);
				return 2;
			}
			break;
		case OPT_UDEVD:
			sb->udevd = true;
			break;
		case OPT_RULES:
			rc = want_dir("--rules", sb->rules_dir = optarg);
			break;
		case OPT_MDEVCTL:
			rc = want_dir("--mdevctl-dir", sb->mdevctl_dir = optarg);
			break;
		case OPT_SETUP:
			sb->setup = optarg;
			break;
		case OPT_TRACE:
			sb->trace_path = optarg;
			break;
		case OPT_OVERLAY:
			if (sb->noverlays == SANDBOX_MAX_OVERLAYS) {
				fprintf(stderr, VAS_PROG " sandbox: --overlay: at most %d\n",
					SANDBOX_MAX_OVERLAYS);
				return 2;
			}
			rc = want_dir("--overlay", sb->overlays[sb->noverlays++] = optarg);
			break;
		case OPT_NO_VFIO_AP:
			sb->vfio_ap_off = true;
			break;
		case 'h':
			fputs(sandbox_usage, stdout);
			return 0;
		default:
			return cli_bad_option("sandbox", argv, c);
		}
		if (rc)
			return rc;
	}
	if (sb->rules_dir && !sb->udevd) {
		fprintf(stderr, VAS_PROG " sandbox: --rules needs --udevd\n");
		return 2;
	}
	sb->cmd = optind < argc ? argv + optind : NULL;
	return -1;
}

static int load_config(struct sandbox *sb, const char *path)
{
	char err[512];

	if (!path) {
		sim_config_default(&sb->cfg);
		return 0;
	}
	sim_config_init(&sb->cfg);
	if (sim_config_parse_file(&sb->cfg, path, err, sizeof(err))) {
		fprintf(stderr, VAS_PROG " sandbox: %s\n", err);
		return 2;
	}
	return 0;
}

static int write_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		rc = -errno;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The user namespace's maps (see the file's comment): 0 or -errno. */
static int write_maps(const struct sandbox *sb, pid_t pid, uid_t uid, gid_t gid)
{
	char map[64];
	int rc;

	if (!sb->rootless)
		return write_file(pid, "uid_map", "0 0 65536\n") ?:
			       write_file(pid, "gid_map", "0 0 65536\n");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	rc = write_file(pid, "uid_map", map);
	rc = rc ?: write_file(pid, "setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	return rc ?: write_file(pid, "gid_map", map);
}

/* Forwarded to the child, which passes them on towards the command. */
static pid_t forward_to;

static void forward(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
}

/* Waits for pid with SIGTERM/SIGHUP forwarded to it; its status as an exit status. */
static int wait_forwarding(pid_t pid)
{
	int status;

	forward_to = pid;
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	signal(SIGINT, SIG_IGN); /* the terminal sends them to the command itself */
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return SANDBOX_EXIT_SETUP;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/*
 * The namespace holder, born in the new user, mount, network, IPC and UTS
 * namespaces: waits for its maps (an int on down: 0 or -errno), unshares
 * the PID namespace, then forks the sandbox's init into it (pid 1) and
 * waits for it. Never returns.
 */
static void holder(struct sandbox *sb, int down)
{
	int rc, life[2];
	struct pollfd alive = { .events = POLLIN };
	pid_t init;

	if (read(down, &rc, sizeof(rc)) != sizeof(rc) || rc)
		_exit(SANDBOX_EXIT_SETUP);
	close(down);
	if (unshare(CLONE_NEWPID)) {
		fprintf(stderr, VAS_PROG " sandbox: cannot create the PID namespace: %s\n",
			strerror(errno));
		_exit(SANDBOX_EXIT_SETUP);
	}
	if (pipe2(life, O_CLOEXEC))
		_exit(SANDBOX_EXIT_SETUP);
	fflush(NULL);
	init = fork();
	if (init < 0) {
		fprintf(stderr, VAS_PROG " sandbox: fork: %s\n", strerror(errno));
		_exit(SANDBOX_EXIT_SETUP);
	}
	if (init == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(life[1]);
		alive.fd = life[0];
		if (poll(&alive, 1, 0) != 0) /* end of file: the holder died before prctl */
			_exit(SANDBOX_EXIT_SETUP);
		close(life[0]);
		_exit(sandbox_init_main(sb));
	}
	close(life[0]); /* its write end lives as long as this process */
	_exit(wait_forwarding(init));
}

/*
 * The caller stays in its namespaces (so its own exit, and a sanitizer's
 * leak check there, are ordinary). The holder is created by clone(2) with
 * the new namespaces already (the raw system call, as fork would be: a
 * thread sanitizer starts a helper thread in a forked child, and a process
 * with two threads may not unshare a user namespace); the caller, still
 * outside, writes the holder's maps.
 */
static int run(struct sandbox *sb)
{
	const long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;
	int down[2], rc;
	pid_t child;

	if (pipe2(down, O_CLOEXEC))
		return SANDBOX_EXIT_SETUP;
	fflush(NULL);
	child = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(down[1]);
		holder(sb, down[0]);
	}
	close(down[0]);
	rc = child < 0 ? -errno : write_maps(sb, child, getuid(), getgid());
	if (rc)
		fprintf(stderr,
			VAS_PROG " sandbox: cannot create the namespaces (user, mount, network, "
				 "PID): %s%s\n",
			strerror(-rc),
			rc == -EPERM || rc == -ENOSPC ?
				" (user namespaces are disabled or exhausted here: see "
				"/proc/sys/user/max_user_namespaces)" :
				"");
	if (child > 0 && write(down[1], &rc, sizeof(rc)) != sizeof(rc) && !rc)
		rc = -EPIPE;
	close(down[1]);
	if (rc) {
		if (child > 0)
			waitpid(child, NULL, 0);
		return SANDBOX_EXIT_SETUP;
	}
	return wait_forwarding(child);
}

int vas_cmd_sandbox(int argc, char **argv)
{
	struct sandbox *sb = calloc(1, sizeof(*sb));
	const char *cfg_path = NULL;
	int rc;

	if (!sb)
		return SANDBOX_EXIT_SETUP;
	sb->variant = SIM_MERGED;
	sb->trace_fd = -1;
	rc = parse_args(argc, argv, sb, &cfg_path);
	if (rc >= 0 || (rc = load_config(sb, cfg_path)))
		goto out;
	if (sb->trace_path) {
		sb->trace_fd = open(sb->trace_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (sb->trace_fd < 0) {
			fprintf(stderr, VAS_PROG " sandbox: --trace: cannot open '%s': %s\n",
				sb->trace_path, strerror(errno));
			rc = 2;
			goto out;
		}
	}
	sb->rootless = geteuid() != 0;
	rc = run(sb);
out:
	if (sb->trace_fd >= 0)
		close(sb->trace_fd);
	free(sb);
	return rc;
}
