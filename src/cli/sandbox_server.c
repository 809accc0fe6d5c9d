/* SPDX-License-Identifier: MIT */
/*
 * sandbox_server.c - the sandbox's FUSE server: boots the simulated host
 * with a uevent sink into the sandbox's own network namespace
 * (nl_uevent.c) and serves it at SANDBOX_SYS (docs/sandbox.md).
 *
 * It runs in its own process group, so a terminal's ^C or ^\ reaches the
 * command, not the server, and ignores SIGINT, SIGQUIT and SIGHUP; SIGTERM
 * (from the sandbox's init, at the end) stops it: unmount, then the
 * host's shutdown with its leak check. Before that shutdown the trace and
 * the sink are off: the simulator's own teardown is no kernel event.
 * If it dies, the mount answers ENOTCONN and the command sees errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/nl_uevent.h"
#include "cli/sandbox.h"
#include "fuse/vas_fuse.h"

struct server {
	struct sandbox *sb;
	struct sim *sim;
	struct nl_uevent nl;
};

static struct sysfs *server_build(void *arg, char *err, size_t errlen)
{
	struct server *sv = arg;
	struct sim_opts o = { .trace = true, .trace_fd = sv->sb->trace_fd };

	if (nl_uevent_open(&sv->nl, err, errlen))
		return NULL;
	o.sink = &sv->nl.sink;
	if (sv->sb->vfio_ap_off)
		sv->sb->cfg.no_vfio_ap = true;
	sv->sim = sim_new_opts(&sv->sb->cfg, sv->sb->variant, &o, err, errlen);
	return sv->sim ? sim_sysfs(sv->sim) : NULL;
}

static int server_teardown(void *arg, struct sysfs *fs)
{
	struct server *sv = arg;
	char report[4096] = "";
	int n = sim_free(sv->sim, report, sizeof(report));

	nl_uevent_close(&sv->nl);
	if (n)
		fprintf(stderr, VAS_PROG " sandbox: the simulated host's shutdown found:\n%s",
			report);
	return n;
}

/*
 * Once mounted, before serving: a mount namespace of the server's own, in
 * which /sys stays the host's. The model is bound over /sys only in the
 * sandbox's namespace, so nothing the server does (glibc reads
 * /sys/devices/system/cpu, for one) can ever wait for the server itself.
 */
static int server_mounted(void *arg, char *err, size_t errlen)
{
	if (unshare(CLONE_NEWNS)) {
		snprintf(err, errlen, "unshare(CLONE_NEWNS): %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The server process: serves until SIGTERM; its exit status. */
static int server_main(struct sandbox *sb, int ready_fd)
{
	struct server sv = { .sb = sb };
	struct vas_fuse_args a = { .mountpoint = SANDBOX_SYS,
				   .fuse_opts = "allow_other",
				   .foreground = true,
				   .ready_fd = ready_fd,
				   .prog = VAS_PROG " sandbox",
				   .build = server_build,
				   .mounted = server_mounted,
				   .teardown = server_teardown,
				   .arg = &sv };

	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL); /* init blocks what it waits for */
	setpgid(0, 0);
	signal(SIGINT, SIG_IGN); /* libfuse keeps an ignored signal ignored */
	signal(SIGQUIT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	prctl(PR_SET_NAME, "vas-server");
	return vas_fuse_serve(&a);
}

pid_t sandbox_server_start(struct sandbox *sb, char *err, size_t errlen)
{
	char line[512];
	size_t n = 0;
	ssize_t r;
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		_exit(server_main(sb, p[1]));
	}
	close(p[1]);
	while (n < sizeof(line) - 1 && (r = read(p[0], line + n, sizeof(line) - 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		n += (size_t)r;
		if (memchr(line, '\n', n))
			break;
	}
	close(p[0]);
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (!strcmp(line, "OK"))
		return pid;
	snprintf(err, errlen, "%s", *line ? line : "the server exited before mounting");
	kill(pid, SIGKILL);
	return -1;
}
