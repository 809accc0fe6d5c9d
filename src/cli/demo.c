/* SPDX-License-Identifier: MIT */
/*
 * demo.c - `vfio-ap-sim demo`, what a new user runs first: mounts the
 * default host in a temporary directory (this executable's `mount -f` as a
 * child), walks through a vfio-ap pass-through with real shell commands on
 * the mount, checking every output (the demo is also a smoke test), then
 * unmounts and reaps the server. Without FUSE (or the right to mount it)
 * the same steps run on an in-process tree, and the demo says so.
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sim/sim.h"
#include "sysfs/sysfs.h"

#define U "2b7ea9f4-1d57-4bd8-9a3c-5e2f6c0d8a11"
#define U2 "6c1d0e58-33af-4e0b-b1a4-8f2d7e9c4b02"
#define M1 "devices/vfio_ap/matrix/" U
#define M2 "devices/vfio_ap/matrix/" U2
#define TYPE "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough"
#define GUEST "sim/guests/" U "/matrix"
#define OUT_MAX 8192
/*
 * A hang guard, not a deadline: the waits for the server to mount and to
 * exit end as soon as it does; a loaded machine only makes them longer.
 */
#define WAIT_MS 300000

enum demo_op { SAY, WR, CAT, HAS }; /* HAS: cat, the text need only occur */

struct step {
	enum demo_op op;
	const char *path; /* relative to the root; SAY: the comment */
	const char *val;  /* WR: the value echoed; else the expected output */
	int err;	  /* WR: the errno the write must fail with (0: it succeeds) */
};

#define say(t)                  \
	{                       \
		SAY, t, NULL, 0 \
	}
#define wr(p, v)            \
	{                   \
		WR, p, v, 0 \
	}
#define wr_err(p, v, e)     \
	{                   \
		WR, p, v, e \
	}
#define cat(p, o)            \
	{                    \
		CAT, p, o, 0 \
	}

static const struct step story[] = {
	say("A freshly booted LPAR: every queue belongs to the host's zcrypt driver."),
	cat("bus/ap/apmask",
	    "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n"),
	cat("bus/ap/bindings", "64/64 (complete)\n"),
	say("Give adapters 0x03,0x04 and domains 0x05,0x06 to vfio_ap."),
	wr("bus/ap/apmask", "-0x03-0x04"),
	wr("bus/ap/aqmask", "-0x05-0x06"),
	cat("devices/ap/card03/03.0005/status", "unassigned\n"),
	say("Create a mediated matrix device and assign resources to it."),
	wr(TYPE "/create", U),
	cat(TYPE "/available_instances", "65535\n"),
	wr(M1 "/assign_adapter", "0x03"),
	wr(M1 "/assign_domain", "0x05"),
	wr(M1 "/assign_control_domain", "0x05"),
	cat(M1 "/matrix", "03.0005\n"),
	say("Start a KVM guest using the mdev; it sees the filtered matrix."),
	wr("sim/guests/start", U),
	cat(GUEST, "03.0005\n"),
	cat("devices/ap/card03/03.0005/status", "in use\n"),
	say("Hot plug: assigning adapter 0x04 and domain 0x06 reaches the running guest."),
	wr(M1 "/assign_adapter", "0x04"),
	wr(M1 "/assign_domain", "0x06"),
	cat(GUEST, "03.0005\n03.0006\n04.0005\n04.0006\n"),
	say("Hot unplug: the guest loses adapter 0x04 before its queues are reset."),
	wr(M1 "/unassign_adapter", "0x04"),
	cat(GUEST, "03.0005\n03.0006\n"),
	say("The HMC removes domain 0x06 from the LPAR: a bus scan unplugs it."),
	wr("sim/host/usage_domains", "-0x06"),
	cat(GUEST, "03.0005\n"),
	cat(M1 "/matrix", "03.0005\n03.0006\n"),
	say("It comes back: the assignment persisted, so it is plugged in again."),
	wr("sim/host/usage_domains", "+0x06"),
	cat(GUEST, "03.0005\n03.0006\n"),
	say("Conflicts: a second mdev may not take queues the first one owns,"),
	wr(TYPE "/create", U2),
	wr(M2 "/assign_domain", "0x05"),
	wr_err(M2 "/assign_adapter", "0x03", EADDRINUSE),
	say("nor queues still reserved for the host (05.0007: adapter and domain in the masks),"),
	wr(M2 "/assign_adapter", "0x05"),
	wr_err(M2 "/assign_domain", "0x07", EADDRNOTAVAIL),
	say("and the host may not take back a domain an mdev has assigned (05.0005)."),
	wr_err("bus/ap/aqmask", "+0x05", EBUSY),
	{ HAS, "sim/dmesg", "03.0005 to mdev: already assigned to " U, 0 },
	say("Stop the guest and remove the mdevs."),
	wr("sim/guests/stop", U),
	wr(M1 "/remove", "1"),
	wr(M2 "/remove", "1"),
	cat(TYPE "/available_instances", "65536\n"),
	cat("sim/lockdep", ""),
	say("Lock validator: no report."),
};

/* How the steps reach the tree: a shell over a mount, or in-process calls. */
struct demo_io {
	const char *root;  /* shown (and used) before every path */
	const char *shell; /* NULL: in-process */
	struct sysfs *fs;
};

/* Runs cmd with the shell, stdout and stderr into out; its exit status or -1. */
static int sh_run(const struct demo_io *io, const char *cmd, char *out, size_t len)
{
	int p[2], st = 0;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	if (fflush(NULL) || pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		signal(SIGINT, SIG_DFL);
		setenv("LC_ALL", "C", 1);
		unsetenv("BASH_ENV");
		execl(io->shell, strrchr(io->shell, '/') + 1, "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while ((r = read(p[0], out + n, len - 1 - n)) > 0 || (r < 0 && errno == EINTR))
		n += r > 0 ? r : 0;
	close(p[0]); /* a shell with more to say gets EPIPE */
	out[n] = '\0';
	while (pid > 0 && waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The same step on the in-process tree, with the output bash would print. */
static int local_run(const struct demo_io *io, const struct step *st, char *out)
{
	char buf[256];
	ssize_t n;

	*out = '\0';
	if (st->op == WR) {
		snprintf(buf, sizeof(buf), "%s\n", st->val);
		n = sysfs_write(io->fs, st->path, buf, strlen(buf));
		if (n < 0)
			snprintf(out, OUT_MAX, "-bash: echo: write error: %s\n", strerror((int)-n));
		return n < 0;
	}
	n = sysfs_read(io->fs, st->path, out, SYSFS_PAGE); /* out has OUT_MAX bytes */
	if (n < 0)
		snprintf(out, OUT_MAX, "cat: %s/%s: %s\n", io->root, st->path, strerror((int)-n));
	else
		out[n] = '\0';
	return n < 0;
}

/* Whether a step's status and output are what the story says. */
static bool as_expected(const struct step *st, int status, const char *out)
{
	/* dash says "I/O error" for any failed echo; bash names the errno */
	if (st->op == WR)
		return st->err ? status > 0 && (strstr(out, strerror(st->err)) ||
						!strstr(out, "write error")) :
				 status == 0 && !*out;
	return status == 0 && (st->op == HAS ? !!strstr(out, st->val) : !strcmp(out, st->val));
}

/* Shows and runs the story; 0 if every step went as expected. */
static int walk(const struct demo_io *io)
{
	char cmd[512], out[OUT_MAX];
	const struct step *st;
	int status;

	for (st = story; st < story + sizeof(story) / sizeof(story[0]); st++) {
		if (st->op == SAY) {
			printf("\n# %s\n", st->path);
			continue;
		}
		snprintf(cmd, sizeof(cmd), st->op == WR ? "echo %s > %s/%s" : "cat %.0s%s/%s",
			 st->val, io->root, st->path);
		printf("$ %s\n", cmd);
		status = io->shell ? sh_run(io, cmd, out, sizeof(out)) : local_run(io, st, out);
		fputs(out, stdout);
		if (!as_expected(st, status, out)) {
			fflush(stdout);
			fprintf(stderr,
				"vfio-ap-sim demo: unexpected result (status %d) of: %s\n"
				"expected %s%s\n",
				status, cmd, st->op == WR ? "" : "output:\n",
				st->op != WR ? st->val :
				st->err	     ? strerror(st->err) :
					       "success");
			return 1;
		}
	}
	return 0;
}

/* The mounted host: a temporary directory and the `mount -f` child serving it. */
struct demo_mount {
	char tmp[64]; /* the temporary directory */
	char mp[80];  /* tmp/sys, the mountpoint */
	char log[80]; /* tmp/server.log, the server's stdout and stderr */
	pid_t pid;
};

/* A mount on mp, served or (server gone) disconnected. */
static bool mounted(const struct demo_mount *m)
{
	struct stat top, mp;

	return !stat(m->tmp, &top) &&
	       (stat(m->mp, &mp) ? errno == ENOTCONN : top.st_dev != mp.st_dev);
}

/* The server's first output line (why it failed), or "". */
static void server_said(const struct demo_mount *m, char *buf, size_t len)
{
	FILE *f = fopen(m->log, "r");

	if (!f || !fgets(buf, (int)len, f))
		*buf = '\0';
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* Reaps the server within WAIT_MS (else kills it); its exit status or -1. */
static int server_reap(struct demo_mount *m)
{
	struct timespec tick = { 0, 10000000 };
	int st, i;

	for (i = 0; i < WAIT_MS / 10; i++, nanosleep(&tick, NULL))
		if (waitpid(m->pid, &st, WNOHANG) == m->pid)
			break;
	if (i == WAIT_MS / 10) {
		kill(m->pid, SIGKILL);
		waitpid(m->pid, &st, 0);
		st = -1;
	}
	m->pid = 0;
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void server_exec(const struct demo_mount *m, int log, pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM); /* no server outlives the demo */
	if (getppid() != parent)
		_exit(1);
	dup2(open("/dev/null", O_RDONLY), 0);
	dup2(log, 1);
	dup2(log, 2);
	signal(SIGINT, SIG_DFL);
	execl("/proc/self/exe", "vfio-ap-sim", "mount", "-f", m->mp, (char *)NULL);
	fprintf(stderr, "cannot run /proc/self/exe: %s\n", strerror(errno));
	_exit(127);
}

static void remove_dirs(const struct demo_mount *m)
{
	unlink(m->log);
	rmdir(m->mp);
	rmdir(m->tmp);
}

/* Mounts the default host; 0, or -1 with the reason in why (nothing left). */
static int server_start(struct demo_mount *m, char *why, size_t len)
{
	struct timespec tick = { 0, 10000000 };
	pid_t parent = getpid();
	const char *what;
	int log, i;

	snprintf(m->tmp, sizeof(m->tmp), "/tmp/vas-demo.XXXXXX");
	what = access("/dev/fuse", R_OK | W_OK) ? "/dev/fuse" : !mkdtemp(m->tmp) ? m->tmp : NULL;
	if (what) {
		snprintf(why, len, "%s: %s", what, strerror(errno));
		return -1;
	}
	snprintf(m->mp, sizeof(m->mp), "%s/sys", m->tmp);
	snprintf(m->log, sizeof(m->log), "%s/server.log", m->tmp);
	log = open(m->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (mkdir(m->mp, 0755) || log < 0 || fflush(NULL) || (m->pid = fork()) < 0) {
		snprintf(why, len, "%s: %s", m->tmp, strerror(errno));
		goto fail;
	}
	if (m->pid == 0)
		server_exec(m, log, parent);
	for (i = 0; i < WAIT_MS / 10 && m->pid && !mounted(m); i++, nanosleep(&tick, NULL))
		if (waitpid(m->pid, NULL, WNOHANG) == m->pid)
			m->pid = 0;
	if (m->pid && mounted(m)) {
		close(log);
		return 0;
	}
	server_said(m, why, len);
	if (!*why)
		snprintf(why, len, "the server did not mount within %d s", WAIT_MS / 1000);
	if (m->pid) {
		kill(m->pid, SIGTERM);
		server_reap(m);
	}
fail:
	if (log >= 0)
		close(log);
	remove_dirs(m);
	return -1;
}

/* Unmounts as a user would, then checks nothing is left; 0 if clean. */
static int server_stop(struct demo_mount *m, const struct demo_io *io)
{
	char cmd[128], out[OUT_MAX], said[256];
	pid_t pid = m->pid;
	int rc, status;

	printf("\n# Unmount: the server exits and takes the simulated host with it.\n");
	snprintf(cmd, sizeof(cmd), geteuid() ? "fusermount3 -u %s" : "umount %s", m->mp);
	printf("$ %s\n", cmd);
	rc = sh_run(io, cmd, out, sizeof(out)) != 0;
	fputs(out, stdout);
	if (rc) /* the shell said why; stop the server anyway */
		kill(pid, SIGTERM);
	status = server_reap(m);
	server_said(m, said, sizeof(said));
	if (status || *said) {
		fprintf(stderr, "vfio-ap-sim demo: the server (pid %d) exited with status %d%s%s\n",
			(int)pid, status, *said ? ": " : "", said);
		rc = 1;
	}
	if (mounted(m)) {
		fprintf(stderr, "vfio-ap-sim demo: %s is still mounted\n", m->mp);
		umount2(m->mp, MNT_DETACH);
		rc = 1;
	}
	remove_dirs(m);
	if (!rc)
		printf("# The server (pid %d) exited with status 0; nothing is left mounted or running.\n",
		       (int)pid);
	return rc;
}

static const char intro[] =
	"# vfio-ap-sim demo: the default host (cards 03,04 CEX8C, "
	"05 CEX8P, 06 CEX8A;\n# domains 0x0000-0x000f), driven through its sysfs as on an LPAR.\n";

/* Not root: be root of a user namespace of our own (writing sysfs needs root). */
static int become_root(char *why, size_t len)
{
	static const char *const file[] = { "/proc/self/setgroups", "/proc/self/uid_map",
					    "/proc/self/gid_map" };
	char map[3][32] = { "deny" };
	int i, fd, bad = 0;

	snprintf(map[1], sizeof(map[1]), "0 %u 1", (unsigned)geteuid());
	snprintf(map[2], sizeof(map[2]), "0 %u 1", (unsigned)getegid());
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS)) {
		snprintf(why, len, "not root, and no user namespace: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < 3; i++) {
		fd = open(file[i], O_WRONLY);
		bad |= fd < 0 || write(fd, map[i], strlen(map[i])) < 0;
		if (fd >= 0)
			close(fd);
	}
	if (bad)
		snprintf(why, len, "not root, and no uid 0 in a user namespace");
	return -bad;
}

/* The walk-through over a real mount; why gets the reason if there is none. */
static int demo_mounted(char *why, size_t len)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	struct demo_io io = { .shell = access("/bin/bash", X_OK) ? "/bin/sh" : "/bin/bash" };
	struct demo_mount m = { .pid = 0 };
	bool user = geteuid() != 0;
	int rc;

	if ((user && become_root(why, len)) || server_start(&m, why, len))
		return -1;
	io.root = m.mp;
	/* ^C reaches the server and the shell: the demo then cleans up */
	sigaction(SIGINT, &ign, &old);
	fputs(intro, stdout);
	printf("# It is mounted at %s by `vfio-ap-sim mount -f` (pid %d);\n"
	       "# every command below really runs in %s%s.\n",
	       m.mp, (int)m.pid, io.shell,
	       user ? ", as root of a user namespace of the demo's own" : "");
	rc = walk(&io);
	rc |= server_stop(&m, &io);
	sigaction(SIGINT, &old, NULL);
	return rc;
}

/* The walk-through on an in-process tree (no FUSE). */
static int demo_local(void)
{
	struct demo_io io = { .root = "/sys" };
	struct sim_config cfg;
	char err[2048];
	struct sim *s;
	int rc, leaks;

	sim_config_default(&cfg);
	s = sim_new(&cfg, SIM_MERGED, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "vfio-ap-sim demo: %s\n", err);
		return 1;
	}
	io.fs = sim_sysfs(s);
	fputs(intro, stdout);
	rc = walk(&io);
	leaks = sim_free(s, err, sizeof(err));
	if (leaks)
		fprintf(stderr, "vfio-ap-sim demo: %s", err);
	return rc || leaks;
}

int vas_cmd_demo(int argc, char **argv)
{
	bool local = false, must_mount = false;
	char why[256] = "";
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("Usage: vfio-ap-sim demo [--in-process | --mount]\n"
			       "A guided walk-through on the default host, FUSE-mounted in a temporary\n"
			       "directory. Without FUSE it falls back to an in-process tree, unless\n"
			       "--mount is given (then it fails); --in-process never mounts.\n"
			       "Exit 0 if all went as expected.\n");
			return 0;
		} else if (!strcmp(argv[i], "--in-process")) {
			local = true;
		} else if (!strcmp(argv[i], "--mount")) {
			must_mount = true;
		} else {
			fprintf(stderr,
				"vfio-ap-sim demo: unexpected argument '%s' "
				"(see 'vfio-ap-sim demo --help')\n",
				argv[i]);
			return 2;
		}
	}
	if (local && must_mount) {
		fprintf(stderr, "vfio-ap-sim demo: --in-process and --mount exclude each other\n");
		return 2;
	}
	rc = local ? -1 : demo_mounted(why, sizeof(why));
	if (rc < 0 && must_mount) {
		fprintf(stderr, "vfio-ap-sim demo: cannot mount (%s)\n", why);
		return 1;
	}
	if (rc < 0 && !local)
		printf("# FUSE is not available here (%s): the walk-through runs in-process.\n",
		       why);
	if (rc < 0)
		rc = demo_local();
	if (!rc)
		printf("# Done.\n");
	return rc;
}
