/* SPDX-License-Identifier: MIT */
/*
 * sandbox_init.c - pid 1 of the sandbox (docs/sandbox.md): builds the
 * private file system view, starts the server, udevd, the setup script and
 * the command, reaps every process, and tears everything down.
 *
 * The view, in order:
 *  1. every mount private; loopback up; a fresh /proc for the PID
 *     namespace; a tmpfs on /run (with /run/lock and SANDBOX_DIR);
 *  2. --overlay DIRs: overlayfs with the upper layer in that tmpfs;
 *  3. /dev: a tmpfs with read-only bind mounts of the host's null, zero,
 *     full, random, urandom, tty and fuse, the host's /dev/pts and a fresh
 *     /dev/shm. Read-only, so that nothing inside (udevd applying rules)
 *     can change the host's inodes;
 *  4. the host's /sys, recursively read-only: no write to a real uevent
 *     file can reach the machine;
 *  5. the server mounts the model at SANDBOX_SYS; its bus, class,
 *     devices, dev, module and kernel/iommu_groups are bound over /sys's;
 *     the zcrypt nodes (/dev/z90crypt and one per device of the model's
 *     zcrypt class) appear as read-only binds of /dev/null;
 *  6. a private /etc/mdevctl.d (scripts.d/callouts and notifiers, seeded
 *     from --mdevctl-dir).
 * Then SYSTEMD_DEVICE_VERIFY_SYSFS=0 (FUSE is not sysfs), VAS_SANDBOX=1,
 * VAS_SIM, VAS_SANDBOX_SERVER_PID. With --udevd, systemd-udevd runs (in
 * its own process group, log in SANDBOX_DIR/udevd.log), and `udevadm
 * trigger` (subsystems, then devices) and `udevadm settle` run before
 * the command. At the end every process but the server is killed, the
 * server is stopped (its shutdown runs the leak check) and init exits
 * with the command's status, which ends the namespaces.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/sandbox.h"

#define HANG_GUARD_S 120 /* bounds a wait for a helper that should take well under a second */

/* One line on stderr: "vfio-ap-sim sandbox: <message>[: <strerror>]". */
static int fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, VAS_PROG " sandbox: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fprintf(stderr, "\n");
	return -1;
}

static int mnt(const char *src, const char *dst, const char *type, unsigned long flags,
	       const char *data)
{
	if (mount(src, dst, type, flags, data))
		return fail(errno, "mount %s on %s", src ? src : type ? type : "(remount)", dst);
	return 0;
}

static int mkdirs(const char *path, mode_t mode)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return fail(errno, "mkdir %s", tmp);
		*p = '/';
	}
	if (mkdir(tmp, mode) && errno != EEXIST)
		return fail(errno, "mkdir %s", tmp);
	return 0;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The flags a user namespace may not drop when it remounts a host mount. */
static unsigned long locked_flags(const char *path)
{
	struct statvfs v;
	unsigned long f = 0;

	if (statvfs(path, &v))
		return 0;
	f |= v.f_flag & ST_NOSUID ? MS_NOSUID : 0;
	f |= v.f_flag & ST_NODEV ? MS_NODEV : 0;
	f |= v.f_flag & ST_NOEXEC ? MS_NOEXEC : 0;
	f |= v.f_flag & ST_NOATIME ? MS_NOATIME : 0;
	f |= v.f_flag & ST_NODIRATIME ? MS_NODIRATIME : 0;
	f |= v.f_flag & ST_RELATIME ? MS_RELATIME : 0;
	return f;
}

/* A read-only bind mount of src on dst (an existing file or directory). */
static int bind_ro(const char *src, const char *dst)
{
	if (mnt(src, dst, NULL, MS_BIND, NULL))
		return -1;
	return mnt(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | locked_flags(dst), NULL);
}

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return fail(errno, "create %s", path);
	close(fd);
	return 0;
}

static void loopback_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
}

static int setup_run(void)
{
	return mnt("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") ?:
		       mkdirs("/run/lock", 01777)				?:
		       mkdirs(SANDBOX_SYS, 0755)				?:
		       chmod("/run/lock", 01777);
}

static int setup_overlays(struct sandbox *sb)
{
	for (int i = 0; i < sb->noverlays; i++) {
		char up[128], work[128], opts[1024];

		snprintf(up, sizeof(up), SANDBOX_DIR "/overlay/%d/upper", i);
		snprintf(work, sizeof(work), SANDBOX_DIR "/overlay/%d/work", i);
		snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", sb->overlays[i],
			 up, work);
		if (mkdirs(up, 0755) || mkdirs(work, 0755) ||
		    mnt("overlay", sb->overlays[i], "overlay", 0, opts))
			return -1;
	}
	return 0;
}

static const char *const dev_nodes[] = {
	"null", "zero", "full", "random", "urandom", "tty", "fuse"
};

/* Builds the private /dev in SANDBOX_DIR/dev, then moves it over /dev. */
static int setup_dev(void)
{
	const char *d = SANDBOX_DIR "/dev";
	char path[256], src[64];
	int rc;

	rc = mkdirs(d, 0755) ?: mnt("tmpfs", d, "tmpfs", MS_NOSUID, "mode=0755");
	for (size_t i = 0; !rc && i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", d, dev_nodes[i]);
		snprintf(src, sizeof(src), "/dev/%s", dev_nodes[i]);
		if (access(src, F_OK))
			continue;
		rc = touch(path) ?: bind_ro(src, path);
	}
	snprintf(path, sizeof(path), "%s/pts", d);
	rc = rc ?: mkdirs(path, 0755) ?: mnt("/dev/pts", path, NULL, MS_BIND | MS_REC, NULL);
	snprintf(path, sizeof(path), "%s/shm", d);
	rc = rc				 ?:
		     mkdirs(path, 01777) ?:
		     mnt("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	if (rc)
		return rc;
	symlinkat("pts/ptmx", AT_FDCWD, SANDBOX_DIR "/dev/ptmx");
	symlinkat("/proc/self/fd", AT_FDCWD, SANDBOX_DIR "/dev/fd");
	symlinkat("/proc/self/fd/0", AT_FDCWD, SANDBOX_DIR "/dev/stdin");
	symlinkat("/proc/self/fd/1", AT_FDCWD, SANDBOX_DIR "/dev/stdout");
	symlinkat("/proc/self/fd/2", AT_FDCWD, SANDBOX_DIR "/dev/stderr");
	return mnt(d, "/dev", NULL, MS_MOVE, NULL);
}

/*
 * The zcrypt device nodes: /dev/z90crypt, and /dev/<DEVNAME> for each
 * device of the model's zcrypt class. Each is a read-only bind of the
 * host's /dev/null: a character device where tools look for the node
 * (opening it works; its ioctls are /dev/null's). Made once, at start.
 */
static int zcrypt_nodes(void)
{
	DIR *d = opendir(SANDBOX_SYS "/class/zcrypt");
	struct dirent *e;
	int rc = touch("/dev/z90crypt") ?: bind_ro("/dev/null", "/dev/z90crypt");

	while (!rc && d && (e = readdir(d))) {
		char path[512], line[256], node[300];
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(node, sizeof(node), "/dev/%s", e->d_name);
		snprintf(path, sizeof(path), SANDBOX_SYS "/class/zcrypt/%s/uevent", e->d_name);
		f = fopen(path, "re");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "DEVNAME=", 8) && !strchr(line, '.'))
				snprintf(node, sizeof(node), "/dev/%.*s",
					 (int)strcspn(line + 8, "\n"), line + 8);
		if (f)
			fclose(f);
		if (strchr(node + 5, '/')) {
			char dir[300];

			snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(node, '/') - node), node);
			rc = mkdirs(dir, 0755);
		}
		rc = rc ?: (exists(node) ? 0 : touch(node) ?: bind_ro("/dev/null", node));
	}
	if (d)
		closedir(d);
	return rc;
}

/* The host's /sys and everything below it read-only. */
static int sys_read_only(void)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	if (!syscall(SYS_mount_setattr, AT_FDCWD, "/sys", AT_RECURSIVE, &attr, sizeof(attr)))
		return 0;
	return fail(errno, "cannot make /sys read-only (mount_setattr)");
}

static const char *const sys_binds[] = { "bus", "class",  "devices",
					 "dev", "module", "kernel/iommu_groups" };

static int bind_model(void)
{
	char src[256], dst[256];

	for (size_t i = 0; i < sizeof(sys_binds) / sizeof(sys_binds[0]); i++) {
		snprintf(src, sizeof(src), SANDBOX_SYS "/%s", sys_binds[i]);
		snprintf(dst, sizeof(dst), "/sys/%s", sys_binds[i]);
		if (access(dst, F_OK)) {
			fprintf(stderr, VAS_PROG " sandbox: note: the host has no %s\n", dst);
			continue;
		}
		if (mkdirs(src, 0755) /* (exists: the model builds them all) */ ||
		    mnt(src, dst, NULL, MS_BIND, NULL))
			return -1;
	}
	return 0;
}

/* In a child: init blocks the signals it waits for; the child must not. */
static void unblock_all(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Runs argv (no shell) and waits: its exit status, 127 if it could not run. */
static int run_helper(char *const argv[], const char *out)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return fail(errno, "fork"), 127;
	if (pid == 0) {
		unblock_all();
		if (out) {
			int fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
		}
		execvp(argv[0], argv);
		fprintf(stderr, VAS_PROG " sandbox: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int setup_mdevctl(struct sandbox *sb)
{
	const char *d = SANDBOX_DIR "/mdevctl.d";

	if (mkdirs(SANDBOX_DIR "/mdevctl.d/scripts.d/callouts", 0755) ||
	    mkdirs(SANDBOX_DIR "/mdevctl.d/scripts.d/notifiers", 0755))
		return -1;
	if (sb->mdevctl_dir) {
		char src[1024];
		char *const cp[] = { "cp", "-a", src, (char *)d, NULL };

		snprintf(src, sizeof(src), "%s/.", sb->mdevctl_dir);
		if (run_helper(cp, NULL))
			return fail(0, "--mdevctl-dir: cannot copy %s", sb->mdevctl_dir);
	}
	if (access("/etc/mdevctl.d", F_OK))
		return 0; /* mdevctl is not installed: nothing to hide */
	return mnt(d, "/etc/mdevctl.d", NULL, MS_BIND, NULL);
}

static const char *const udevd_paths[] = { "/lib/systemd/systemd-udevd",
					   "/usr/lib/systemd/systemd-udevd" };

/* Sleeps ms milliseconds (polling for a helper's socket to appear). */
static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* systemd-udevd with the sandbox's /run/udev; returns its pid once it listens, or -1. */
static pid_t start_udevd(struct sandbox *sb)
{
	const char *udevd = NULL;
	pid_t pid;

	for (size_t i = 0; i < sizeof(udevd_paths) / sizeof(udevd_paths[0]); i++)
		if (exists(udevd_paths[i]))
			udevd = udevd_paths[i];
	if (!udevd)
		return fail(0,
			    "--udevd: systemd-udevd is not installed (Debian: apt install udev)");
	if (mkdirs("/run/udev/rules.d", 0755) ||
	    (sb->rules_dir && mnt(sb->rules_dir, "/run/udev/rules.d", NULL, MS_BIND, NULL)))
		return -1;
	pid = fork();
	if (pid < 0)
		return fail(errno, "fork");
	if (pid == 0) {
		int fd = open(SANDBOX_DIR "/udevd.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			      0644);

		unblock_all();
		setpgid(0, 0); /* no terminal signals */
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(udevd, udevd, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < HANG_GUARD_S * 100 && !exists("/run/udev/control"); i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return fail(0, "--udevd: systemd-udevd exited at start (see %s)",
				    SANDBOX_DIR "/udevd.log");
		nap(10);
	}
	if (!exists("/run/udev/control"))
		return fail(0, "--udevd: systemd-udevd did not open /run/udev/control");
	return pid;
}

/* Coldplug as a booting system does: subsystems, then devices, then settle. */
static int coldplug(void)
{
	char *const subsystems[] = { "udevadm", "trigger", "--type=subsystems", "--action=add",
				     NULL };
	char *const devices[] = { "udevadm", "trigger", "--type=devices", "--action=add", NULL };
	char *const settle[] = { "udevadm", "settle", NULL };
	const char *log = SANDBOX_DIR "/udevd.log";

	if (run_helper(subsystems, log) || run_helper(devices, log) || run_helper(settle, log))
		return fail(0, "--udevd: coldplug failed (see %s)", log);
	return 0;
}

static void set_env(struct sandbox *sb)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", (int)sb->server);
	setenv("SYSTEMD_DEVICE_VERIFY_SYSFS", "0", 1);
	setenv("VAS_SANDBOX", "1", 1);
	setenv("VAS_SIM", SANDBOX_SYS "/sim", 1);
	setenv("VAS_SANDBOX_SERVER_PID", pid, 1);
}

/* The command as a child, with the default signal dispositions. */
static pid_t start_cmd(struct sandbox *sb, const sigset_t *old)
{
	const char *shell = getenv("SHELL");
	char *const def[] = { (char *)(shell && *shell ? shell : "/bin/sh"), NULL };
	char *const *argv = sb->cmd ? sb->cmd : def;
	pid_t pid = fork();

	if (pid < 0)
		return fail(errno, "fork");
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		sigprocmask(SIG_SETMASK, old, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, VAS_PROG " sandbox: %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	return pid;
}

/* Kills every process of the sandbox but init and keep (the server), and reaps them. */
static void kill_all_but(pid_t keep)
{
	for (int round = 0; round < 100; round++) {
		DIR *d = opendir("/proc");
		struct dirent *e;
		int left = 0;

		while (d && (e = readdir(d))) {
			pid_t p = (pid_t)atoi(e->d_name);

			if (p > 1 && p != keep && !kill(p, SIGKILL))
				left++;
		}
		if (d)
			closedir(d);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (!left)
			return;
		nap(10);
	}
}

/* Stops the server (SIGTERM: unmount, shutdown with the leak check); 0 if it ended cleanly. */
static int stop_server(pid_t server)
{
	int status = 0;

	if (server <= 0)
		return 0;
	kill(server, SIGTERM);
	for (int i = 0; i < HANG_GUARD_S * 100; i++) {
		pid_t r = waitpid(server, &status, WNOHANG);

		if (r == server)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (r < 0)
			return 0; /* already reaped: it died earlier, which was reported */
		nap(10);
	}
	fail(0, "the server did not stop within %d s; killed", HANG_GUARD_S);
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	return 1;
}

/* Waits for the command, reaping everything else; its status (128+N for signal N). */
static int wait_cmd(struct sandbox *sb, pid_t cmd, const sigset_t *set)
{
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(set, &si), status;
		pid_t p;

		if (sig == SIGTERM || sig == SIGHUP) {
			kill(cmd, sig);
			continue;
		}
		if (sig != SIGCHLD)
			continue; /* SIGINT, SIGQUIT: the terminal gave them to the command too */
		while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
			if (p == sb->server) {
				fail(0,
				     "the server exited (%s %d): the model's files now fail "
				     "with ENOTCONN",
				     WIFEXITED(status) ? "status" : "signal",
				     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
				sb->server = 0;
			}
			if (p == cmd)
				return WIFEXITED(status) ? WEXITSTATUS(status) :
							   128 + WTERMSIG(status);
		}
	}
}

static int build_view(struct sandbox *sb)
{
	char err[512];

	if (mnt(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	loopback_up();
	if (mnt("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) || setup_run() ||
	    setup_overlays(sb) || setup_dev() || sys_read_only())
		return -1;
	sb->server = sandbox_server_start(sb, err, sizeof(err));
	if (sb->server < 0)
		return fail(0, "%s", err);
	return bind_model() ?: zcrypt_nodes() ?: setup_mdevctl(sb);
}

int sandbox_init_main(struct sandbox *sb)
{
	sigset_t set, old;
	pid_t cmd, udevd = 0;
	int status = SANDBOX_EXIT_SETUP, srv;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, &old);
	sb->server = 0;
	if (build_view(sb))
		goto out;
	set_env(sb);
	if (sb->udevd && ((udevd = start_udevd(sb)) < 0 || coldplug()))
		goto out;
	if (sb->setup) {
		char *const sh[] = { "sh", (char *)sb->setup, NULL };
		int rc = run_helper(sh, NULL);

		if (rc) {
			fail(0, "--setup %s failed with status %d", sb->setup, rc);
			status = rc;
			goto out;
		}
	}
	cmd = start_cmd(sb, &old);
	if (cmd > 0)
		status = wait_cmd(sb, cmd, &set);
out:
	kill_all_but(sb->server);
	for (size_t i = sizeof(sys_binds) / sizeof(sys_binds[0]); i-- > 0;) {
		char dst[256];

		snprintf(dst, sizeof(dst), "/sys/%s", sys_binds[i]);
		umount2(dst, MNT_DETACH);
	}
	srv = stop_server(sb->server);
	if (srv && status == 0)
		fail(0, "the server's shutdown reported problems (status %d)", srv);
	(void)udevd;
	return status;
}
