/* SPDX-License-Identifier: MIT */
/*
 * fuse_serve.c - one FUSE session over a sysfs tree: build, mount, run the
 * multi-threaded loop, unmount, tear down; in daemon mode behind a fork
 * whose parent returns once the mount is usable.
 *
 * DESIGN
 * The daemon handshake is a pipe: the child writes one line, "OK" once
 * fuse_session_mount() succeeded (the kernel answers requests from then
 * on: they queue until the loop reads them), or the reason it failed;
 * the parent relays it and exits 0 or 1. Only after "OK" does the child
 * detach from the terminal. The multi-threaded loop lets requests from
 * different processes (and different files) reach show/store at the same
 * time, which is what the driver's locking is there for. Signals
 * (SIGINT, SIGTERM, SIGHUP) and an unmount both end the loop normally.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuse/fuse_int.h"
#include "fuse/vas_fuse.h"

#define MAX_THREADS 64 /* concurrent requests in flight */

/* Tells the parent (or stderr when in the foreground) how mounting went. */
static void report(const struct vas_fuse_args *a, int fd, const char *msg)
{
	char line[512];
	int n;

	if (fd < 0) {
		if (*msg)
			fprintf(stderr, "%s: %s\n", a->prog, msg);
		return;
	}
	n = snprintf(line, sizeof(line), "%s\n", *msg ? msg : "OK");
	if (write(fd, line, n > (int)sizeof(line) - 1 ? (int)sizeof(line) - 1 : n) < 0)
		return;
}

/* After a successful mount in daemon mode: stop using the terminal. */
static void detach(int fd)
{
	int null = open("/dev/null", O_RDWR);

	close(fd);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	if (chdir("/"))
		return;
}

/* Runs the session loop on a mounted session; 0 clean, -errno on failure. */
static int run_loop(struct fuse_session *se)
{
	struct fuse_loop_config *cfg = fuse_loop_cfg_create();
	int rc;

	if (!cfg)
		return -ENOMEM;
	fuse_loop_cfg_set_clone_fd(cfg, 0);
	fuse_loop_cfg_set_max_threads(cfg, MAX_THREADS);
	fuse_loop_cfg_set_idle_threads(cfg, MAX_THREADS / 4);
	rc = fuse_session_loop_mt(se, cfg);
	fuse_loop_cfg_destroy(cfg);
	return rc < 0 ? rc : 0; /* > 0: the signal that ended it */
}

static struct fuse_session *new_session(const struct vas_fuse_args *a, struct vas_fuse_ctx *c)
{
	char *argv[] = { (char *)a->prog,      "-o", "fsname=vfio-ap-sim,subtype=vfio-ap-sim", "-o",
			 (char *)a->fuse_opts, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(a->fuse_opts && *a->fuse_opts ? 5 : 3, argv);
	const struct fuse_lowlevel_ops *ops = vas_fuse_lowlevel_ops();
	struct fuse_session *se = fuse_session_new(&args, ops, sizeof(*ops), c);

	fuse_opt_free_args(&args);
	return se;
}

/* Builds, mounts and serves; fd is the parent's pipe or -1. Exit status. */
static int serve_here(const struct vas_fuse_args *a, int fd)
{
	struct vas_fuse_ctx c = { 0 };
	struct fuse_session *se;
	char err[512] = "";
	int rc = 1;

	c.fs = a->build(a->arg, err, sizeof(err));
	if (!c.fs) {
		report(a, fd, *err ? err : "cannot build the simulated host");
		return 1;
	}
	c.ld = sysfs_lockdep(c.fs);
	clock_gettime(CLOCK_REALTIME, &c.t0);
	se = new_session(a, &c);
	if (!se) {
		report(a, fd, "bad FUSE options (-o)");
		goto out_teardown;
	}
	if (fuse_set_signal_handlers(se)) {
		report(a, fd, "cannot install signal handlers");
		goto out_destroy;
	}
	if (fuse_session_mount(se, a->mountpoint)) {
		snprintf(err, sizeof(err), "cannot mount on '%s'", a->mountpoint);
		report(a, fd, err);
		goto out_signals;
	}
	if (a->mounted && a->mounted(a->arg, err, sizeof(err))) {
		report(a, fd, *err ? err : "setting up after the mount failed");
		fuse_session_unmount(se);
		goto out_signals;
	}
	report(a, fd, "");
	if (fd >= 0 && !a->foreground)
		detach(fd);
	else if (fd >= 0)
		close(fd);
	rc = run_loop(se) ? 1 : 0;
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_destroy:
	fuse_session_destroy(se);
out_teardown:
	if (a->teardown(a->arg, c.fs) && fd < 0)
		fprintf(stderr, "%s: teardown found problems\n", a->prog);
	return rc;
}

/* Parent side of the handshake: relays the child's line, reaps a failed child. */
static int wait_ready(const struct vas_fuse_args *a, int fd, pid_t pid)
{
	char line[512];
	size_t n = 0;
	ssize_t r;

	while (n < sizeof(line) - 1 && (r = read(fd, line + n, sizeof(line) - 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		n += r;
		if (memchr(line, '\n', n))
			break;
	}
	close(fd);
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (!strcmp(line, "OK"))
		return 0;
	fprintf(stderr, "%s: %s\n", a->prog, *line ? line : "the server exited before mounting");
	waitpid(pid, NULL, 0);
	return 1;
}

int vas_fuse_serve(const struct vas_fuse_args *a)
{
	int p[2];
	pid_t pid;

	if (a->foreground)
		return serve_here(a, a->ready_fd);
	if (pipe(p)) {
		fprintf(stderr, "%s: pipe: %s\n", a->prog, strerror(errno));
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", a->prog, strerror(errno));
		close(p[0]);
		close(p[1]);
		return 1;
	}
	if (pid == 0) {
		close(p[0]);
		setsid();
		_exit(serve_here(a, p[1]));
	}
	close(p[1]);
	return wait_ready(a, p[0], pid);
}
