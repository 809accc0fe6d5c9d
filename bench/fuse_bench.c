/* SPDX-License-Identifier: MIT */
/*
 * fuse_bench.c - the cost of our FUSE face against the FUSE round trip
 * itself (issue 4): an attribute write followed by a read, each with its
 * own open/close, through a `vfio-ap-sim mount` versus through a no-op
 * FUSE file system served by this program. Prints the time per pair for
 * both, the ratio (goal <= 1.3) and pairs/s for 1 and 8 writer processes.
 *
 * Usage: fuse_bench PATH/TO/vfio-ap-sim [ITERATIONS]   (root, /dev/fuse)
 *
 * DESIGN
 * The no-op file system answers every name in a directory with a
 * directory (a distinct one per name) if it starts with 'd', or else with
 * the directory's one file (same inode under any name), and the
 * paths used have the same depth on both mounts (5 components), so both
 * pay the same lookups (no entry caching on either side, as in ours).
 * Our side writes assign_control_domain and reads control_domains of one
 * mdev per writer process; the no-op side accepts any write and returns
 * "0\n".
 */
#define FUSE_USE_VERSION 34
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WRITERS 8

/* Node ids: parent * 16 + slot; slot 15 is the file, 1 "d", 2 + k "dK". */
static bool noop_is_file(fuse_ino_t ino)
{
	return ino % 16 == 15;
}

static void noop_stat(fuse_ino_t ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_mode = noop_is_file(ino) ? S_IFREG | 0644 : S_IFDIR | 0755;
	st->st_nlink = noop_is_file(ino) ? 1 : 2;
	st->st_size = noop_is_file(ino) ? 4096 : 0;
}

static void noop_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e = { .ino = parent * 16 + 15 };

	if (name[0] == 'd')
		e.ino = parent * 16 + (name[1] >= '0' && name[1] <= '9' ? 2 + name[1] - '0' : 1);

	noop_stat(e.ino, &e.attr);
	fuse_reply_entry(req, &e);
}

static void noop_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct stat st;

	noop_stat(ino, &st);
	fuse_reply_attr(req, &st, 0);
}

static void noop_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fi->direct_io = 1;
	fuse_reply_open(req, fi);
}

static void noop_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		      struct fuse_file_info *fi)
{
	fuse_reply_buf(req, "0\n", off ? 0 : 2);
}

static void noop_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	fuse_reply_write(req, size);
}

static void noop_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
			 struct fuse_file_info *fi)
{
	noop_getattr(req, ino, fi);
}

static const struct fuse_lowlevel_ops noop_ops = {
	.lookup = noop_lookup,
	.getattr = noop_getattr,
	.setattr = noop_setattr,
	.open = noop_open,
	.read = noop_read,
	.write = noop_write,
};

/* Serves the no-op file system at mp in a child; returns its pid once mounted. */
static pid_t noop_start(const char *mp)
{
	char *argv[] = { "fuse_bench", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, argv);
	struct fuse_loop_config *cfg;
	struct fuse_session *se;
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid) {
		close(p[1]);
		if (pid < 0 || read(p[0], &c, 1) != 1)
			return -1;
		close(p[0]);
		return pid;
	}
	se = fuse_session_new(&args, &noop_ops, sizeof(noop_ops), NULL);
	if (!se || fuse_set_signal_handlers(se) || fuse_session_mount(se, mp))
		_exit(1);
	if (write(p[1], "x", 1) != 1)
		_exit(1);
	cfg = fuse_loop_cfg_create();
	fuse_loop_cfg_set_max_threads(cfg, 64);
	fuse_loop_cfg_set_idle_threads(cfg, 16);
	fuse_session_loop_mt(se, cfg);
	fuse_session_unmount(se);
	fuse_session_destroy(se);
	_exit(0);
}

static int put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t r = fd < 0 ? -1 : write(fd, val, strlen(val));

	if (fd >= 0)
		close(fd);
	return r == (ssize_t)strlen(val) ? 0 : -1;
}

static int get(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t r = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

	if (fd >= 0)
		close(fd);
	return r < 0 ? -1 : 0;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* One writer: n write+read pairs on wpath/rpath; 0 or -1. */
static int pairs(const char *wpath, const char *rpath, const char *val, long n)
{
	for (long i = 0; i < n; i++)
		if (put(wpath, val) || get(rpath))
			return -1;
	return 0;
}

/* Runs k writer processes of n pairs; paths get the writer index. Pairs/s. */
static double run(const char *wfmt, const char *rfmt, const char *mp, int k, long n)
{
	char w[512], r[512], v[16];
	double t0 = now();
	int bad = 0, st;

	for (int i = 0; i < k; i++) {
		if (fork() == 0) {
			snprintf(w, sizeof(w), wfmt, mp, i);
			snprintf(r, sizeof(r), rfmt, mp, i);
			snprintf(v, sizeof(v), "%d", i);
			_exit(pairs(w, r, v, n) ? 1 : 0);
		}
	}
	for (int i = 0; i < k; i++)
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	if (bad)
		fprintf(stderr, "fuse_bench: %d writer(s) failed\n", bad);
	return k * n / (now() - t0);
}

#define OURS_W \
	"%s/devices/vfio_ap/matrix/0000000%d-0000-4000-8000-000000000000/assign_control_domain"
#define OURS_R "%s/devices/vfio_ap/matrix/0000000%d-0000-4000-8000-000000000000/control_domains"
#define NOOP_W "%s/d/d/d/d%d/file"
#define NOOP_R "%s/d/d/d/d%d/attr"

/* Mounts our host at mp and creates one mdev per writer; 0 or -1. */
static int ours_start(const char *vas, const char *mp)
{
	char cmd[1024], path[512], uuid[64];

	snprintf(cmd, sizeof(cmd), "'%s' mount '%s'", vas, mp);
	if (system(cmd))
		return -1;
	snprintf(path, sizeof(path),
		 "%s/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create", mp);
	for (int i = 0; i < WRITERS; i++) {
		snprintf(uuid, sizeof(uuid), "0000000%d-0000-4000-8000-000000000000", i);
		if (put(path, uuid))
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char ours[] = "/tmp/fuse_bench.XXXXXX", noop[] = "/tmp/fuse_bench.XXXXXX";
	long n = argc > 2 ? atol(argv[2]) : 2000;
	double o1, n1, o8, n8;
	pid_t np;

	if (argc < 2) {
		fprintf(stderr, "usage: fuse_bench PATH/TO/vfio-ap-sim [ITERATIONS]\n");
		return 2;
	}
	if (!mkdtemp(ours) || !mkdtemp(noop))
		return 1;
	np = noop_start(noop);
	if (np < 0 || ours_start(argv[1], ours)) {
		fprintf(stderr, "fuse_bench: cannot mount (root and /dev/fuse needed)\n");
		return 1;
	}
	run(OURS_W, OURS_R, ours, 1, n / 10); /* warm up both */
	run(NOOP_W, NOOP_R, noop, 1, n / 10);
	n1 = run(NOOP_W, NOOP_R, noop, 1, n);
	o1 = run(OURS_W, OURS_R, ours, 1, n);
	n8 = run(NOOP_W, NOOP_R, noop, WRITERS, n);
	o8 = run(OURS_W, OURS_R, ours, WRITERS, n);
	printf("write+read pairs (open/write/close + open/read/close, 5-component paths), %ld each\n",
	       n);
	printf("  1 writer : no-op FUSE %8.0f pairs/s (%6.1f us), vfio-ap-sim %8.0f pairs/s "
	       "(%6.1f us), ratio %.2f\n",
	       n1, 1e6 / n1, o1, 1e6 / o1, n1 / o1);
	printf("  %d writers: no-op FUSE %8.0f pairs/s, vfio-ap-sim %8.0f pairs/s, ratio %.2f\n",
	       WRITERS, n8, o8, n8 / o8);
	umount2(ours, 0);
	umount2(noop, 0);
	waitpid(np, NULL, 0);
	rmdir(ours);
	rmdir(noop);
	return 0;
}
